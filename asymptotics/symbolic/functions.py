"""Special functions for model equations, with numerically stable numpy and mpmath code.

sympy's own forms of these functions overflow when lowered naively (``log(1 + exp(x))`` at
x = 800, ``exp(x)/(1 + exp(x))²`` at x = 800). These classes differentiate symbolically like any
sympy function and print to stable numpy / mpmath expressions, so a loss written with them keeps
its exact derivatives (codegen differentiates) and evaluates without overflow.

* ``Softplus(x) = log(1 + e^x)``, derivative ``Sigmoid(x)``; numpy: ``logaddexp(0, x)``.
* ``Sigmoid(x) = 1/(1 + e^-x)``, derivative ``Sigmoid(x) Sigmoid(-x)``; numpy: ``1/(1 + exp(-x))``
  (exp overflow gives exactly 0, the correct limit).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["Sigmoid", "Softplus"]


class Sigmoid(sp.Function):
    """The logistic function 1/(1 + exp(-x))."""

    nargs = 1

    def fdiff(self, argindex=1):
        x = self.args[0]
        return Sigmoid(x) * Sigmoid(-x)

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.Rational(1, 2)
        return None

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _numpycode(self, printer):
        x = printer._print(self.args[0])
        return f"(1.0/(1.0 + {printer._module_format('numpy.exp')}(-({x}))))"

    def _mpmathcode(self, printer):
        x = printer._print(self.args[0])
        return f"(1/(1 + {printer._module_format('mpmath.exp')}(-({x}))))"

    def _latex(self, printer):
        return r"\sigma\left(%s\right)" % printer._print(self.args[0])


class Softplus(sp.Function):
    """log(1 + exp(x)), the logistic loss of margin -x."""

    nargs = 1

    def fdiff(self, argindex=1):
        return Sigmoid(self.args[0])

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.log(2)
        return None

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _numpycode(self, printer):
        x = printer._print(self.args[0])
        return f"{printer._module_format('numpy.logaddexp')}(0.0, {x})"

    def _mpmathcode(self, printer):
        x = printer._print(self.args[0])
        return f"{printer._module_format('mpmath.log')}(1 + {printer._module_format('mpmath.exp')}({x}))"

    def _latex(self, printer):
        return r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0])

"""Numerically stable elementary functions as sympy nodes, with their numpy and mpmath versions.

Expressions such as ``log(1 + exp(s))`` or ``1/(1 + exp(-s))`` overflow in float64 for large
``|s|``, and their sympy derivatives (``exp(-s)/(1 + exp(-s))**2``) turn into ``inf/inf``. These
nodes keep the stable form through differentiation: ``softplus' = expit``,
``expit' = expit (1 - expit)``, ``logcosh' = tanh``. Codegen binds each node to the
``numpy_impl`` / ``mpmath_impl`` it declares (see :func:`implementations`).
"""

from __future__ import annotations

import sympy as sp

from .. import runtime as _rt

__all__ = ["expit", "softplus", "logcosh", "ndtr", "log_ndtr", "implementations"]





class expit(sp.Function):
    """The logistic function ``1/(1 + exp(-x))``."""

    numpy_impl = staticmethod(_rt.np_expit)
    mpmath_impl = staticmethod(_rt.mp_expit)

    def fdiff(self, argindex=1):
        e = expit(self.args[0])
        return e * (1 - e)

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.Rational(1, 2)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _eval_is_real(self):
        return self.args[0].is_real


class softplus(sp.Function):
    """``log(1 + exp(x))``."""

    numpy_impl = staticmethod(_rt.np_softplus)
    mpmath_impl = staticmethod(_rt.mp_softplus)

    def fdiff(self, argindex=1):
        return expit(self.args[0])

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.log(2)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_is_real(self):
        return self.args[0].is_real


class logcosh(sp.Function):
    """``log(cosh(x))``, computed as ``|x| + log1p(exp(-2|x|)) - log 2``."""

    numpy_impl = staticmethod(_rt.np_logcosh)
    mpmath_impl = staticmethod(_rt.mp_logcosh)

    def fdiff(self, argindex=1):
        return sp.tanh(self.args[0])

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.S.Zero

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(sp.cosh(x))

    def _eval_is_real(self):
        return self.args[0].is_real



class ndtr(sp.Function):
    """The standard normal cdf ``Phi(x)``. (Written with ``erfc``, sympy rewrites
    ``erfc(-y)`` as ``2 - erfc(y)``, which cancels catastrophically in the lower tail.)"""

    numpy_impl = staticmethod(_rt.np_ndtr)
    mpmath_impl = staticmethod(_rt.mp_ndtr)

    def fdiff(self, argindex=1):
        x = self.args[0]
        return sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi)

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.Rational(1, 2)
        if x is sp.oo:
            return sp.S.One
        if x is sp.S.NegativeInfinity:
            return sp.S.Zero

    def _eval_rewrite_as_erfc(self, x, **kwargs):
        return sp.erfc(-x / sp.sqrt(2)) / 2

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_nonnegative(self):
        if self.args[0].is_real:
            return True



class log_ndtr(sp.Function):
    """``log Phi(x)`` (standard normal cdf), accurate for very negative ``x``."""

    numpy_impl = staticmethod(_rt.np_log_ndtr)
    mpmath_impl = staticmethod(_rt.mp_log_ndtr)

    def fdiff(self, argindex=1):
        x = self.args[0]
        # phi(x)/Phi(x) = exp(-x^2/2 - log Phi(x))/sqrt(2 pi): no 0/0 in the tail
        return sp.exp(-x ** 2 / 2 - log_ndtr(x)) / sp.sqrt(2 * sp.pi)

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return -sp.log(2)

    def _eval_rewrite_as_erfc(self, x, **kwargs):
        return sp.log(sp.erfc(-x / sp.sqrt(2)) / 2)

    def _eval_is_real(self):
        return self.args[0].is_real


def implementations(exprs, kind: str) -> dict:
    """Name -> callable for every node of this module used in ``exprs`` (``kind``: numpy/mpmath)."""
    found = {}
    for e in exprs:
        for f in sp.sympify(e).atoms(sp.Function):
            impl = getattr(type(f), f"{kind}_impl", None)
            if impl is not None:
                found[type(f).__name__] = impl
    return found


# Capitalized aliases (used by the DMFT losses): the same nodes.
Sigmoid = expit
Softplus = softplus
__all__ += ["Sigmoid", "Softplus"]

"""Special functions sympy lacks, as nodes with exact derivatives and numeric lowerings.

``OwenT(h, a) = (1/2pi) int_0^a exp(-h²(1 + x²)/2)/(1 + x²) dx`` (Owen 1956) gives the bivariate
normal CDF in closed form, e.g. ``P(W < h, U < 0) = Phi(h)/2 + T(h, t)`` for standard normals with
correlation ``t/sqrt(1 + t²)``, and with it Gaussian expectations over a half-line (sign-link labels)
without quadrature. Derivatives are the classical ones,

    dT/dh = -phi(h) erf(a h/sqrt 2)/2,     dT/da = exp(-h²(1 + a²)/2) / (2 pi (1 + a²)),

and codegen lowers the node to ``scipy.special.owens_t`` (numpy) or to mpmath quadrature of the
defining integral (``precision=``), through the ``numpy_impl``/``mpmath_impl`` hook it offers every
function class.
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp

__all__ = ["OwenT", "Sigmoid", "Softplus"]


class OwenT(sp.Function):
    """Owen's T function T(h, a)."""

    nargs = 2

    @classmethod
    def eval(cls, h, a):
        if a.is_zero:
            return sp.S.Zero
        if h.is_zero:
            return sp.atan(a) / (2 * sp.pi)
        return None

    def fdiff(self, argindex=1):
        h, a = self.args
        if argindex == 1:
            return -sp.exp(-h ** 2 / 2) / sp.sqrt(2 * sp.pi) * sp.erf(a * h / sp.sqrt(2)) / 2
        if argindex == 2:
            return sp.exp(-h ** 2 * (1 + a ** 2) / 2) / (2 * sp.pi * (1 + a ** 2))
        raise sp.ArgumentIndexError(self, argindex)

    @classmethod
    def numpy_impl(cls):
        from scipy.special import owens_t

        return owens_t

    @classmethod
    def mpmath_impl(cls):
        def owens_t(h, a):
            h, a = mp.mpf(h), mp.mpf(a)
            f = lambda x: mp.exp(-h ** 2 * (1 + x ** 2) / 2) / (1 + x ** 2)
            return mp.quad(f, [0, a]) / (2 * mp.pi)

        return owens_t

    def _latex(self, printer, exp=None):
        tex = r"T\left(%s, %s\right)" % tuple(printer._print(a) for a in self.args)
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)


class Sigmoid(sp.Function):
    """The logistic function ``1/(1 + e^{-x})``, with the overflow-free derivative ``S (1 - S)``.

    Written as ``1/(1 + exp(-x))`` in sympy, its derivatives contain ``exp(-x)/(1 + exp(-x))²``,
    which is inf/inf = NaN for x < -709 in float64; as a node, every derivative is a polynomial in
    the node itself, and codegen lowers it to ``scipy.special.expit``.
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.Rational(1, 2)
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    @classmethod
    def numpy_impl(cls):
        from scipy.special import expit

        return expit

    @classmethod
    def mpmath_impl(cls):
        return lambda x: 1 / (1 + mp.exp(-x))

    def _latex(self, printer, exp=None):
        tex = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)


class Softplus(sp.Function):
    """``log(1 + e^x)`` (the logistic loss), derivative :class:`Sigmoid`; lowered to
    ``numpy.logaddexp(0, x)``, exact for large |x| where ``log(1 + exp(x))`` overflows."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.log(2)
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return Sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    @classmethod
    def numpy_impl(cls):
        import numpy as np

        return lambda x: np.logaddexp(0.0, x)

    @classmethod
    def mpmath_impl(cls):
        return lambda x: mp.log1p(mp.exp(x))

    def _latex(self, printer, exp=None):
        tex = r"\log\left(1 + e^{%s}\right)" % printer._print(self.args[0])
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

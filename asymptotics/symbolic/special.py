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

import sympy as sp

from .. import runtime as _rt

__all__ = ["OwenT"]


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

    numpy_impl = staticmethod(_rt.np_owens_t)
    mpmath_impl = staticmethod(_rt.mp_owens_t)

    def _latex(self, printer, exp=None):
        tex = r"T\left(%s, %s\right)" % tuple(printer._print(a) for a in self.args)
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

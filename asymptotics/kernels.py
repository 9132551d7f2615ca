"""Inner-product kernels on the sphere: named kernels, Gegenbauer eigenvalues and multiplicities.

Inputs live on the sphere of radius sqrt(d) in R^d and the kernel is ``K(x, x') = h(<x, x'>/d)``
for a function ``h`` on [-1, 1]. By the Funk–Hecke formula its eigenfunctions are the spherical
harmonics: degree k has multiplicity

    N(d, k) = (2k + d - 2)/k * binom(k + d - 3, k - 1)    (N(d, 0) = 1),

and eigenvalue ``ξ_k = E_t[h(t) Q_k(t)]``, where ``t = <x, x'>/d`` has density proportional to
``(1 - t²)^((d-3)/2)`` on [-1, 1] and ``Q_k`` is the Gegenbauer polynomial normalised by
``Q_k(1) = 1`` (``Q_0 = 1``, ``Q_1 = t``, ``Q_{k+1} = [(2k + d - 2) t Q_k - k Q_{k-1}]/(k + d - 2)``),
so that ``h(t) = Σ_k c_k Q_k(t)`` with ``c_k = N(d, k) ξ_k`` and ``h(1) = Σ_k c_k``. As d -> ∞,
``c_k`` tends to the Taylor coefficient ``h^(k)(0)/k!`` of ``h`` (for h analytic on [-1, 1]).

Numerics: Gauss–Jacobi quadrature in t (400 nodes) for d <= 300, composite Gauss–Legendre on
|t| <= 40/sqrt(d) above. The integrand oscillates, so rounding limits the absolute accuracy of
``c_k`` to about ``1e-16 sqrt(N(d, k)) max|h|`` (1e-13 at d = 15, k = 12; 3e-8 at d = 2000, k = 6),
far below what matters for risks.

Named kernels (``t`` = cosine of the angle; Cho & Saul's arc-cosine kernels are the random-features
kernels of a step and a ReLU with Gaussian weights w ~ N(0, I_d/d)):

- ``arccos0``: ``(π - arccos t)/(2π)`` = E[1{u>0} 1{v>0}] for (u, v) standard Gaussians with
  correlation t;
- ``arccos1`` (alias ``relu``): ``(sqrt(1 - t²) + (π - arccos t) t)/(2π)`` = E[relu(u) relu(v)];
- ``ntk-relu``: ``(sqrt(1 - t²) + 2 t (π - arccos t))/(2π)``, the neural tangent kernel of a
  two-layer ReLU network ``(1/sqrt m) Σ_j a_j relu(<w_j, x>/sqrt d)`` with both layers trained
  (= arccos1(t) + t arccos0(t));
- ``exp``: ``exp(t)``;
- any sympy expression in one variable (e.g. ``"(1 + t)**3/8"``).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from .validation import OneOf, ParameterError

__all__ = ["KERNELS", "KernelDomain", "kernel_expr", "kernel_function", "multiplicity",
           "gegenbauer", "sphere_eigenvalues", "taylor_coefficients", "kernel_at_one", "sphere_spectrum"]

T = sp.Symbol("t", real=True)
_ARC = sp.pi - sp.acos(T)
KERNELS: dict[str, sp.Expr] = {
    "arccos0": _ARC / (2 * sp.pi),
    "arccos1": (sp.sqrt(1 - T ** 2) + _ARC * T) / (2 * sp.pi),
    "relu": (sp.sqrt(1 - T ** 2) + _ARC * T) / (2 * sp.pi),
    "ntk-relu": (sp.sqrt(1 - T ** 2) + 2 * T * _ARC) / (2 * sp.pi),
    "exp": sp.exp(T),
}


_HINT = ("a named kernel (" + ", ".join(KERNELS) + ") or a formula h(t) in t with + - * / ** and "
         "whitelisted functions (e.g. '(1 + t)**3/8')")


def kernel_expr(value) -> sp.Expr:
    """The sympy expression ``h(t)`` of a named kernel or a formula in one variable.

    Strings are read by the safe parser (:mod:`asymptotics.expressions`), never evaluated as
    Python; ``h`` must be finite and real on [-1, 1]."""
    if isinstance(value, str) and value.strip() in KERNELS:
        return KERNELS[value.strip()]
    if isinstance(value, str):
        from .expressions import parse

        expr = parse(value.strip(), what="kernel", variable="t", named=KERNELS, domain_hint=_HINT)
    elif isinstance(value, sp.Basic):
        expr = value
    else:
        expr = None
    if not isinstance(expr, sp.Expr) or len(expr.free_symbols) > 1:
        raise ParameterError(f"parameter 'kernel' must be {_HINT}; got {value!r}")
    if expr.free_symbols:
        (var,) = expr.free_symbols
        expr = expr.xreplace({var: T})
    grid = np.linspace(-1.0, 1.0, 2001)
    try:
        with np.errstate(all="ignore"):
            vals = np.broadcast_to(np.asarray(sp.lambdify(T, expr, modules=["scipy", "numpy"])(grid)),
                                   grid.shape)
        finite = not np.iscomplexobj(vals) and bool(np.all(np.isfinite(np.asarray(vals, dtype=float))))
    except (TypeError, ValueError, NameError, ZeroDivisionError, OverflowError, AttributeError):
        finite = False
    if not finite:
        raise ParameterError(f"parameter 'kernel' must be finite and real on [-1, 1] (h(t) of the "
                             f"cosine t); {value!r} is not")
    return expr


class KernelDomain(OneOf):
    """A named inner-product kernel or a sympy expression h(t)."""

    def __init__(self):
        super().__init__(tuple(KERNELS))

    def explain(self, name, value) -> str:
        try:
            kernel_expr(value)
        except ParameterError as err:
            return str(err)
        return super().explain(name, value)

    def contains(self, value) -> bool:
        try:
            kernel_expr(value)
        except ParameterError:
            return False
        return True

    def __str__(self) -> str:
        return ("one of " + ", ".join(repr(o) for o in self.options)
                + ", or a sympy expression h(t) in one variable")


@functools.lru_cache(maxsize=64)
def _lambdified(expr: sp.Expr):
    f = sp.lambdify(T, expr, modules=["scipy", "numpy"])
    return lambda t: np.broadcast_to(np.asarray(f(np.clip(t, -1.0, 1.0)), dtype=float), np.shape(t))


def kernel_function(value):
    """Vectorized numpy ``h(t)`` (arguments clipped to [-1, 1] against rounding)."""
    return _lambdified(kernel_expr(value))


def multiplicity(d: int, k: np.ndarray | int) -> np.ndarray:
    """N(d, k): the dimension of degree-k spherical harmonics on S^{d-1} (float, may be huge)."""
    k = np.asarray(k, dtype=float)
    d = float(d)  # a Python int of 300 digits would make gammaln see an object array
    if d < 2:
        raise ParameterError(f"parameter 'd' must be an integer >= 2; got {d!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        from scipy.special import gammaln

        logb = gammaln(k + d - 2) - gammaln(k) - gammaln(d - 1)  # log binom(k + d - 3, k - 1)
        out = (2 * k + d - 2) / np.maximum(k, 1) * np.exp(logb)
    return np.where(k == 0, 1.0, out)


def gegenbauer(d: int, degree: int, t: np.ndarray) -> np.ndarray:
    """Q_k(t) for k = 0..degree (rows), normalised by Q_k(1) = 1."""
    t = np.asarray(t, dtype=float)
    out = np.empty((degree + 1,) + t.shape)
    out[0] = 1.0
    if degree >= 1:
        out[1] = t
    for k in range(1, degree):
        out[k + 1] = ((2 * k + d - 2) * t * out[k] - k * out[k - 1]) / (k + d - 2)
    return out


# scipy's Gauss–Jacobi nodes lose accuracy for large parameters (NaN from about d = 1000 at 400
# nodes); above this dimension the composite rule is used (the two agree to ~1e-14 in between).
_JACOBI_MAX_D = 300


@functools.lru_cache(maxsize=32)
def _angle_rule(d: int, order: int, rule: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (summing to one) for t = <x, x'>/d, density ∝ (1 - t²)^((d-3)/2)."""
    a = (d - 3) / 2.0
    if rule == "jacobi" or (rule == "auto" and d <= _JACOBI_MAX_D):
        from scipy.special import roots_jacobi

        x, w = roots_jacobi(order, a, a)
        return x, w / w.sum()
    # Large d: the density is concentrated at |t| <~ 1/sqrt(d); composite Gauss–Legendre on
    # [-40/sqrt(d), 40/sqrt(d)] with the log-density (the mass outside is below e^-700).
    half = min(40.0 / math.sqrt(d), 1.0)
    xl, wl = np.polynomial.legendre.leggauss(32)
    edges = np.linspace(-half, half, 2 * max(order // 32, 8) + 1)
    x = ((edges[:-1, None] + edges[1:, None]) / 2 + (edges[1:, None] - edges[:-1, None]) / 2 * xl).ravel()
    w = (((edges[1:, None] - edges[:-1, None]) / 2) * wl).ravel() * np.exp(a * np.log1p(-x ** 2))
    return x, w / w.sum()


MAX_SPHERE_DIMENSION = 1e12


def sphere_eigenvalues(kernel, d: int, degree: int, order: int = 400) -> np.ndarray:
    """ξ_k = E_t[h(t) Q_k(t)] for k = 0..degree (Gauss–Jacobi quadrature in t).

    ``d`` at most 1e12: the angle t concentrates at width 1/sqrt(d) and beyond that float64 loses
    the eigenvalues (measured: correct to 1e-15 at d = 1e15, wrong at 1e300)."""
    if not float(d) <= MAX_SPHERE_DIMENSION:
        raise ParameterError(f"parameter 'd' must be at most {MAX_SPHERE_DIMENSION:g} for the spectrum on "
                             f"the sphere (float64 quadrature of the angle); got {float(d):g} (for d -> inf "
                             f"use the polynomial-regime variant)")
    t, w = _angle_rule(int(d), order)
    h = kernel_function(kernel)(t)
    q = gegenbauer(int(d), degree, t)
    return q @ (w * h)


def taylor_coefficients(kernel, degree: int) -> np.ndarray:
    """Taylor coefficients ``h^(k)(0)/k!`` for k = 0..degree: the d -> ∞ limits of ``c_k``."""
    expr = kernel_expr(kernel)
    series = sp.series(expr, T, 0, degree + 1).removeO()
    return np.array([float(series.coeff(T, k)) for k in range(degree + 1)])


def kernel_at_one(kernel) -> float:
    """h(1) = Σ_k c_k, the diagonal of the kernel matrix."""
    return float(sp.limit(kernel_expr(kernel), T, 1, "-"))


def sphere_spectrum(kernel, d: int, degree: int, order: int = 400):
    """(eigenvalues, multiplicities, c) of the degrees 0..degree plus one lumped tail entry.

    Degrees above ``degree`` are lumped into one entry with multiplicity N(d, degree + 1) and the
    rest of the trace, ``h(1) - Σ_{k <= degree} c_k``, as total weight: for ``N(d, degree+1)``
    much larger than the sample size their eigenvalues are far below the renormalized ridge, and
    they act only through their trace (the self-induced ridge).
    """
    xi = sphere_eigenvalues(kernel, d, degree, order)
    mult = multiplicity(int(d), np.arange(degree + 2))
    c = xi * mult[:-1]
    rest = max(kernel_at_one(kernel) - float(np.sum(c)), 0.0)
    eig = np.append(xi, rest / mult[-1])
    return np.maximum(eig, 0.0), mult, c

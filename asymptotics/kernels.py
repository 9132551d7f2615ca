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

Numerics (:func:`sphere_coefficients`; what the models read at run time from the coefficients,
multiplicities and truncated spectra, is in the sympy-free :mod:`asymptotics.harmonics`). The
direct route, ``c_k = N(d, k) E_t[h(t) Q_k(t)]`` by quadrature, multiplies an oscillating integral
by a huge count: its rounding error is about ``eps sqrt(N(d, k)) max|h|`` (0.3 at d = 2000,
k = 12, where the exp kernel's c_12 is 2e-9), and such noise, lumped or resolved, acts as a large
spurious ridge. So each c_k is computed by the
route with the smaller *error bound*: the **Taylor route** ``c_k = Σ_m a_m b_{m,k}`` (``a_m`` the
Taylor coefficients of h, ``b_{m,k} >= 0`` the exact Gegenbauer coefficients of t^m; no
cancellation for kernels with a_m >= 0, i.e. positive definite in every dimension) or
**quadrature** with an explicit rounding bound (small d, where N(d, k) is small). Each c_k comes
with an absolute error bound; a coefficient not larger than its bound is reported as 0 (below
rounding), never as noise; a coefficient negative beyond its bound raises (the kernel is not
positive definite on this sphere). Taylor coefficients: exact closed forms for
``Σ_b P_b(t) B_b(t)`` with polynomials P_b and B_b in {1, asin t, sqrt(1 - t²), exp(β t)} (all
named kernels, the Gaussian kernel ``exp((t - 1)/s)``, the ReLU NT kernel, polynomials),
with rigorous tail bounds; otherwise the Cauchy integral on |t| = 1 (FFT; the tail is then an
estimate). Measured against 40–170-digit mpmath (exp: the modified-Bessel closed form at
d = 3..10^4, k <= 100; arc-cosine kernels: high-precision quadrature): relative errors <= 3e-16
where the Taylor route is used, every error within its bound.

Named kernels (``t`` = cosine of the angle; Cho & Saul's arc-cosine kernels are the random-features
kernels of a step and a ReLU with Gaussian weights w ~ N(0, I_d/d)):

- ``arccos0``: ``(π - arccos t)/(2π)`` = E[1{u>0} 1{v>0}] for (u, v) standard Gaussians with
  correlation t;
- ``arccos1`` (alias ``relu``): ``(sqrt(1 - t²) + (π - arccos t) t)/(2π)`` = E[relu(u) relu(v)];
- ``ntk-relu``: ``(sqrt(1 - t²) + 2 t (π - arccos t))/(2π)``, the neural tangent kernel of a
  two-layer ReLU network ``(1/sqrt m) Σ_j a_j relu(<w_j, x>/sqrt d)`` with both layers trained
  (= arccos1(t) + t arccos0(t));
- ``exp``: ``exp(t)``; its coefficients are
  ``c_k = Γ(λ) (1/2)^(-λ) (k + λ) I_{k+λ}(1) C_k^λ(1)`` (λ = (d - 2)/2, C^λ_k Gegenbauer), the
  series the Taylor route sums;
- ``gaussian``: ``exp(t - 1) = exp(-||x - x'||²/(2d))`` on the sphere of radius sqrt(d) (other
  bandwidths: ``"exp((t - 1)/s)"`` with a number s);
- any sympy expression in one variable (e.g. ``"(1 + t)**3/8"``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import harmonics
from .harmonics import SphereCoefficients, degree_cap, gegenbauer, multiplicity
from .validation import FormulaOneOf, ParameterError

__all__ = ["KERNELS", "KernelDomain", "kernel_expr", "kernel_function", "multiplicity",
           "gegenbauer", "sphere_eigenvalues", "taylor_coefficients", "kernel_at_one", "sphere_spectrum",
           "KernelSeries", "kernel_series", "series_from_coefficients", "SphereCoefficients",
           "sphere_coefficients", "truncated_spectrum", "choose_degrees", "degree_cap"]

T = sp.Symbol("t", real=True)
_ARC = sp.pi - sp.acos(T)
KERNELS: dict[str, sp.Expr] = {
    "arccos0": _ARC / (2 * sp.pi),
    "arccos1": (sp.sqrt(1 - T ** 2) + _ARC * T) / (2 * sp.pi),
    "relu": (sp.sqrt(1 - T ** 2) + _ARC * T) / (2 * sp.pi),
    "ntk-relu": (sp.sqrt(1 - T ** 2) + 2 * T * _ARC) / (2 * sp.pi),
    "exp": sp.exp(T),
    "gaussian": sp.exp(T - 1),
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


def KernelDomain() -> FormulaOneOf:
    """The domain of a kernel parameter: a named inner-product kernel or a sympy expression h(t)
    (read by :func:`kernel_expr`)."""
    return FormulaOneOf(tuple(KERNELS), reader="asymptotics.kernels:kernel_expr",
                        formula="a sympy expression h(t) in one variable")


@functools.lru_cache(maxsize=64)
def _lambdified(expr: sp.Expr):
    f = sp.lambdify(T, expr, modules=["scipy", "numpy"])
    return lambda t: np.broadcast_to(np.asarray(f(np.clip(t, -1.0, 1.0)), dtype=float), np.shape(t))


def kernel_function(value):
    """Vectorized numpy ``h(t)`` (arguments clipped to [-1, 1] against rounding)."""
    return _lambdified(kernel_expr(value))


# scipy's Gauss–Jacobi nodes lose accuracy for large parameters (NaN from about d = 1000 at 400
# nodes); above this dimension the composite rule is used (the two agree to ~1e-14 in between).
# For small d they are not accurate either (rounding errors ~1000 eps at d = 3): there the weight
# (1 - t²)^((d-3)/2) is a polynomial times 1 (d odd) or sqrt(1 - t²) (d even), and Gauss–Legendre
# (numpy) or Gauss–Chebyshev of the second kind (closed form) with the polynomial factor in the
# weights is exact for the same polynomials.
_JACOBI_MAX_D = 300
_SMALL_D = 20


@functools.lru_cache(maxsize=32)
def _angle_rule(d: int, order: int, rule: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (summing to one) for t = <x, x'>/d, density ∝ (1 - t²)^((d-3)/2)."""
    a = (d - 3) / 2.0
    if rule == "auto" and d <= _SMALL_D:
        if d % 2 == 1:
            x, w = np.polynomial.legendre.leggauss(order)
            w = w * (1 - x ** 2) ** ((d - 3) // 2)
        else:
            j = np.arange(1, order + 1)
            x = np.cos(j * np.pi / (order + 1))
            w = np.sin(j * np.pi / (order + 1)) ** 2 * (1 - x ** 2) ** ((d - 4) // 2)
        return x, w / w.sum()
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


# ================================================================================================
# Accurate Funk–Hecke coefficients
# ================================================================================================
_EPS = float(np.finfo(float).eps)
# The Taylor route works with logarithms (1/m! and N(d, k) over- and underflow); a log L carries an
# absolute error ~eps |L|, i.e. a relative error eps |L| of the value (1e-13 at c_k ~ 1e-158), so the
# logs are kept in extended precision where the platform has it (x86: 64-bit mantissa).
_LD = np.longdouble
_EPS_LD = float(np.finfo(_LD).eps)
SERIES_TERMS = 3000  # Taylor coefficients kept for non-polynomial kernels (the rest is bounded)


@dataclass(frozen=True, eq=False)
class KernelSeries:
    """Taylor coefficients ``a_m`` of ``h(t) = Σ_m a_m t^m`` (m = 0..M) with error bounds.

    ``sign`` and ``log_abs`` give ``a_m = sign_m exp(log_abs_m)`` (``log_abs = -inf`` for a zero
    coefficient; log form so that ``1/m!`` does not underflow), ``log_err`` the log of an absolute
    error bound on each ``a_m`` (``-inf``: exact), ``tail`` a bound on ``Σ_{m > M} |a_m|`` (0 for a
    polynomial), ``h1 = h(1)`` and ``kind`` says where the coefficients come from.
    """

    sign: np.ndarray
    log_abs: np.ndarray
    log_err: np.ndarray
    tail: float
    h1: float
    kind: str
    tail_rigorous: bool = True
    name: str = ""  # a stable identity for caching (e.g. the activation of an NT kernel)
    polynomial: bool = False  # h is exactly this polynomial (no tail at all)

    @property
    def degree(self) -> int:
        return self.sign.size - 1

    @property
    def values(self) -> np.ndarray:
        with np.errstate(under="ignore"):
            return (self.sign * np.exp(self.log_abs)).astype(float)

    @property
    def is_polynomial(self) -> bool:
        return self.polynomial

    @property
    def nonnegative(self) -> bool:
        return bool(np.all(self.sign >= 0))


def _signed_logsumexp(logs: np.ndarray, signs: np.ndarray, axis: int = 0):
    """(log|Σ s e^l|, sign, log Σ e^l) along ``axis``, -inf-safe."""
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        top = np.max(logs, axis=axis, keepdims=True)
        top = np.where(np.isfinite(top), top, 0.0)
        scaled = np.exp(logs - top)
        total = np.sum(signs * scaled, axis=axis)
        absum = np.sum(scaled, axis=axis)
        t = np.squeeze(top, axis=axis)
        log_total = np.log(np.abs(total)) + t
        log_absum = np.log(absum) + t
    return log_total, np.sign(total), log_absum


def _basis_asin(M: int):
    """asin(t) = Σ_i binom(2i, i)/(4^i (2i+1)) t^(2i+1): (log|s_m|, sign), m = 0..M."""
    logs = np.full(M + 1, -np.inf, dtype=_LD)
    i = np.arange(0, (M - 1) // 2 + 1).astype(_LD)
    log_central = np.concatenate([[_LD(0)], np.cumsum(np.log1p(-1 / (2 * i[1:])))])  # binom(2i,i)/4^i
    logs[2 * np.arange(i.size) + 1] = log_central - np.log(2 * i + 1)
    return logs, np.ones(M + 1)


def _tail_asin(M: int) -> float:
    """Σ_{m > M} asin coefficients: binom(2i,i)/4^i <= 1/sqrt(π i) gives <= 1/sqrt(π (I0 - 1))."""
    i0 = (M - 1) // 2 + 1  # first i with 2i + 1 > M
    return math.inf if i0 < 2 else 1.0 / math.sqrt(math.pi * (i0 - 1))


def _basis_sqrt(M: int):
    """sqrt(1 - t²) = 1 - Σ_{i>=1} binom(2i, i)/(4^i (2i - 1)) t^(2i)."""
    logs = np.full(M + 1, -np.inf, dtype=_LD)
    signs = np.ones(M + 1)
    ii = np.arange(0, M // 2 + 1)
    i = ii.astype(_LD)
    log_central = np.concatenate([[_LD(0)], np.cumsum(np.log1p(-1 / (2 * i[1:])))])
    logs[2 * ii] = log_central - np.log(np.abs(2 * i - 1))
    signs[2 * ii[1:]] = -1.0
    return logs, signs


def _tail_sqrt(M: int) -> float:
    i0 = M // 2 + 1
    return math.inf if i0 < 2 else 2.0 / math.sqrt(math.pi * (i0 - 1))


def _basis_exp(beta: float):
    def basis(M: int):
        m = np.arange(M + 1)
        if beta == 0:
            logs = np.where(m == 0, 0.0, -np.inf).astype(_LD)
            return logs, np.ones(M + 1)
        logs = np.concatenate([[_LD(0)], np.cumsum(np.log(_LD(abs(beta))) - np.log(m[1:].astype(_LD)))])
        return logs, np.where((beta < 0) & (m % 2 == 1), -1.0, 1.0)

    def tail(M: int) -> float:  # Taylor remainder: Σ_{m>M} |β|^m/m! <= |β|^(M+1)/(M+1)! e^|β|
        b = abs(beta)
        if b == 0:
            return 0.0
        return math.exp((M + 1) * math.log(b) - math.lgamma(M + 2) + b)

    return basis, tail


def _basis_one(M: int):
    logs = np.full(M + 1, -np.inf, dtype=_LD)
    logs[0] = 0.0
    return logs, np.ones(M + 1)


def _closed_form_parts(expr: sp.Expr):
    """Write h as Σ_b P_b(t) B_b(t) with polynomial P_b and B_b in {1, asin t, sqrt(1 - t²),
    exp(β t)}: a list of ((basis, tail, label), [poly coefficients]) or None."""
    e = expr.replace(lambda x: isinstance(x, sp.acos) and x.args[0] == T, lambda x: sp.pi / 2 - sp.asin(T))
    e = e.replace(lambda x: isinstance(x, (sp.sinh, sp.cosh)), lambda x: x.rewrite(sp.exp))
    e = sp.expand(e, power_exp=True)
    A, S = sp.Dummy("A"), sp.Dummy("S")
    subs, exps = {}, {}
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.asin):
            if node.args[0] != T:
                return None
            subs[node] = A
        elif isinstance(node, sp.Pow) and node.exp.is_Rational and node.exp.q == 2:
            if sp.expand(node.base - (1 - T ** 2)) != 0 or node.exp < 0:
                return None
            subs[node] = S * (1 - T ** 2) ** ((node.exp.p - 1) // 2)
        elif isinstance(node, sp.exp) and node.has(T):
            arg = sp.expand(node.args[0])
            if not arg.is_polynomial(T) or sp.degree(arg, T) > 1:
                return None
            beta, c0 = arg.coeff(T, 1), arg.coeff(T, 0)
            if not (beta.is_number and c0.is_number):
                return None
            key = float(beta)
            exps.setdefault(key, sp.Dummy(f"E{len(exps)}"))
            subs[node] = sp.exp(c0) * exps[key]
    e = sp.expand(e.xreplace(subs))
    gens = [A, S, *exps.values()]
    try:
        poly = sp.Poly(e, *gens, T)
    except sp.PolynomialError:
        return None
    labels = {A: (_basis_asin, _tail_asin, "asin"), S: (_basis_sqrt, _tail_sqrt, "sqrt(1-t^2)")}
    for beta, sym in exps.items():
        labels[sym] = (*_basis_exp(beta), f"exp({beta:g} t)")
    parts: dict = {}
    for monom, coeff in poly.terms():
        powers, tdeg = monom[:-1], monom[-1]
        if sum(powers) > 1 or not coeff.is_number:
            return None
        which = None if sum(powers) == 0 else gens[powers.index(1)]
        val = complex(sp.N(coeff, 30))
        if abs(val.imag) > 1e-14 * max(abs(val.real), 1e-300):
            return None
        parts.setdefault(which, {})
        parts[which][tdeg] = parts[which].get(tdeg, 0.0) + val.real
    out = []
    for which, coefs in parts.items():
        deg = max(coefs)
        p = np.zeros(deg + 1)
        for j, v in coefs.items():
            p[j] = v
        out.append(((_basis_one, lambda M: 0.0, "1") if which is None else labels[which], p))
    return out


def _series_from_parts(parts, h1: float, M: int) -> KernelSeries:
    polynomial = all(label == "1" for (_, _, label), _ in parts)
    if polynomial:
        M = max(len(p) - 1 for _, p in parts)
    logs, signs, tail = [], [], 0.0
    for (basis, tail_fn, label), p in parts:
        lb, sb = basis(M)
        for j, pj in enumerate(p):
            if pj == 0.0:
                continue
            shifted = np.full(M + 1, -np.inf, dtype=_LD)
            sg = np.ones(M + 1)
            shifted[j:] = lb[: M + 1 - j]
            sg[j:] = sb[: M + 1 - j]
            logs.append(shifted + np.log(_LD(abs(pj))))
            signs.append(sg * np.sign(pj))
            if label != "1":
                tail += abs(pj) * tail_fn(M - j)
    if not logs:
        z = np.full(1, -np.inf, dtype=_LD)
        return KernelSeries(np.zeros(1), z, z.copy(), 0.0, h1, "polynomial", polynomial=True)
    logs, signs = np.array(logs, dtype=_LD), np.array(signs)
    log_a, sign_a, log_abs_sum = _signed_logsumexp(logs, signs, axis=0)
    m = np.arange(M + 1)
    # each term: its float64 polynomial coefficient (eps) and the cumulative sums of logs in
    # extended precision ((16 + m) eps_ld (1 + |log|)); the combination adds a few eps64
    rel = 4 * _EPS + (16.0 + m) * _EPS_LD * (1 + np.abs(np.where(np.isfinite(log_abs_sum), log_abs_sum, 0)))
    log_err = log_abs_sum + np.log(rel.astype(_LD))
    sign_a = np.where(np.isfinite(log_a), sign_a, 0.0)
    return KernelSeries(sign_a, log_a, np.where(np.isfinite(log_abs_sum), log_err, -np.inf), float(tail), h1,
                        "polynomial" if polynomial else "closed form (" + ", ".join(
                            sorted({lab for (_, _, lab), _ in parts})) + ")", polynomial=polynomial)


def _series_by_fft(expr: sp.Expr, h1: float, points: int = 4096) -> KernelSeries | None:
    """Taylor coefficients from the Cauchy integral on the unit circle (h analytic on the closed
    unit disk): trapezoidal rule = FFT. Absolute error ~ eps max|h| plus aliasing (estimated from
    the last computed coefficients); None when h is not finite on the circle or the coefficients
    do not decay (the quadrature route is then used)."""
    f = sp.lambdify(T, expr, modules=["numpy"])
    z = np.exp(2j * np.pi * np.arange(points) / points)
    with np.errstate(all="ignore"):
        try:
            vals = np.asarray(f(z), dtype=complex) * np.ones(points)
        except Exception:  # noqa: BLE001 - any failure: no series
            return None
    if not np.all(np.isfinite(vals)):
        return None
    a = np.fft.fft(vals) / points
    big = np.max(np.abs(vals))
    half = points // 2
    coef = a[:half].real
    aliasing = float(np.max(np.abs(a[half // 2: half])))  # the aliased tail is at most this size
    if aliasing > 1e-12 * big or np.max(np.abs(a[:half].imag)) > 1e-10 * big:
        return None
    err = 8 * _EPS * math.log2(points) * big + aliasing
    M = half - 1
    keep = coef[:M + 1]
    small = np.abs(keep) <= err
    keep = np.where(small, 0.0, keep)
    with np.errstate(divide="ignore"):
        log_abs = np.log(np.abs(keep).astype(_LD))
    tail = float(np.sum(np.abs(a[half:half + half // 2]))) + aliasing * half  # estimate, not a bound
    return KernelSeries(np.sign(keep), log_abs, np.full(M + 1, math.log(err), dtype=_LD), tail, h1,
                        "Cauchy integral (FFT on |t| = 1)", tail_rigorous=False)


@functools.lru_cache(maxsize=64)
def _series_of_expr(expr: sp.Expr) -> KernelSeries | None:
    if expr.is_polynomial(T):  # fast path (e.g. a Mehler series with hundreds of float terms)
        coefs = [float(c) for c in reversed(sp.Poly(expr, T).all_coeffs())] if expr.has(T) else [float(expr)]
        return _series_from_parts([((_basis_one, lambda M: 0.0, "1"), np.array(coefs))], float(sum(coefs)), 0)
    h1 = _at_one(expr)
    parts = _closed_form_parts(expr)
    if parts is not None:
        return _series_from_parts(parts, h1, SERIES_TERMS)
    return _series_by_fft(expr, h1)


def kernel_series(kernel) -> KernelSeries | None:
    """The Taylor series of a kernel with error bounds, or None when no stable route is known
    (then only the quadrature route is available). A :class:`KernelSeries` is returned as is."""
    if isinstance(kernel, KernelSeries):
        return kernel
    return _series_of_expr(kernel_expr(kernel))


def series_from_coefficients(values, errors=None, tail: float = 0.0, h1: float | None = None,
                             kind: str = "given coefficients", tail_rigorous: bool = True,
                             name: str = "") -> KernelSeries:
    """A :class:`KernelSeries` from float Taylor coefficients ``a_0..a_M`` with absolute errors."""
    values = np.asarray(values, dtype=float)
    errors = np.zeros_like(values) if errors is None else np.broadcast_to(np.asarray(errors, float), values.shape)
    with np.errstate(divide="ignore"):
        log_abs, log_err = np.log(np.abs(values).astype(_LD)), np.log(errors.astype(_LD))
    if h1 is None and tail > 0:
        raise ValueError("series_from_coefficients: give h1 = h(1) when the series has a tail")
    return KernelSeries(np.sign(values), log_abs, log_err, float(tail),
                        float(np.sum(values)) if h1 is None else float(h1), kind, tail_rigorous, name,
                        polynomial=(tail == 0.0))


def _log_mixing(d: int, k: np.ndarray, j: np.ndarray) -> np.ndarray:
    """log b_{k+2j,k} from Gamma functions (float64; used for error bounds only)."""
    from scipy.special import gammaln

    lam = (d - 2) / 2.0
    m = k + 2 * j
    return (gammaln(m + 1) - m * math.log(2) + np.log(lam + k) + gammaln(lam) - gammaln(j + 1)
            - gammaln(lam + m - j + 1) + gammaln(2 * lam + k) - gammaln(2 * lam) - gammaln(k + 1))


def _log_mixing_table(d: int, K: int, J: int, dtype) -> np.ndarray:
    """log b_{k+2j,k} for k = 0..K, j = 0..J by the ratios (see :func:`sphere_coefficients`)."""
    lam = dtype(d - 2) / 2
    kl = np.arange(K + 1).astype(dtype)
    il = np.arange(K).astype(dtype)
    logbkk = np.concatenate([[dtype(0)], np.cumsum(np.log((2 * lam + il) / (2 * lam + 2 * il)))])
    if J == 0:
        return logbkk[:, None]
    jl = np.arange(1, J + 1).astype(dtype)
    m = kl[:, None] + 2 * jl[None, :]
    logr = np.log(m * (m - 1) / (4 * jl[None, :] * (lam + m - jl[None, :])))
    return np.concatenate([logbkk[:, None], logbkk[:, None] + np.cumsum(logr, axis=1)], axis=1)


def _series_route(series: KernelSeries, d: int, K: int):
    """c_k = Σ_m a_m b_{m,k} with b_{m,k} = N(d, k) E[t^m Q_k(t)] >= 0 (Σ_k b_{m,k} = 1): the
    Gegenbauer expansion of t^m, computed by ratios in log form; returns (c, absolute error)."""
    M = series.degree
    k = np.arange(K + 1)
    lam = (d - 2) / 2.0
    jlast = np.maximum((M - k) // 2, -1)  # last j with m = k + 2j <= M (-1: none)
    j0 = np.maximum(0, np.ceil((k * k - k - 2 - 4 * lam) / (4 * lam + 2))).astype(int)
    jsup = np.maximum(jlast + 1, j0)  # b_{k+2j,k} decreases in j from j0 on: the sup over j > jlast
    jmax = int(max(jlast.max(), 0))
    mm = k[:, None] + 2 * np.arange(jmax + 1)[None, :]
    inside = mm <= M
    idx = np.minimum(mm, M)
    la_all = np.where(inside, series.log_abs[idx], -np.inf)
    # float64 pass: which terms matter (those within e^-60 of the largest; the rest, at most
    # (M/2) e^-60 of it in total, is added to the error bound)
    with np.errstate(invalid="ignore"):
        t64 = la_all.astype(float) + _log_mixing_table(d, K, jmax, float)
        top64 = np.max(t64, axis=1, keepdims=True)
        big = t64 > top64 - 60
    cols = np.flatnonzero(np.any(big, axis=0))
    J = int(cols.max()) if cols.size else 0
    logb = _log_mixing_table(d, K, J, _LD)
    la = la_all[:, : J + 1].astype(_LD)
    sg = np.where(inside, series.sign[idx], 0.0)[:, : J + 1]
    le = np.where(inside, series.log_err[idx], -np.inf)[:, : J + 1].astype(_LD)
    terms = la + logb
    log_c, sign_c, log_abs = _signed_logsumexp(terms, sg, axis=1)
    log_e, _, _ = _signed_logsumexp(le + logb, np.ones_like(sg), axis=1)
    with np.errstate(divide="ignore", under="ignore", over="ignore", invalid="ignore"):
        # rounding: of the logs (eps_ld |log| per operation, ~(k + j) operations) and of the sum
        # (a few eps_ld per term that matters), then the conversion to float64
        top = np.max(terms, axis=1)
        nsig = np.sum(big[:, : J + 1], axis=1)
        size = np.abs(np.where(np.isfinite(top), top, 0)) + np.max(np.abs(np.where(np.isfinite(la), la, 0)), axis=1)
        rel = 2 * _EPS + _EPS_LD * ((16.0 + k + nsig) * (1 + size) + 2 * np.max(np.abs(logb), axis=1))
        dropped = np.exp(top64[:, 0] - 60) * max(jmax - J, 0)
        sup_b = np.exp(_log_mixing(d, k.astype(float), jsup.astype(float))) if series.tail > 0 else 0.0
        err = (np.exp(log_e).astype(float) + (np.exp(log_abs) * rel).astype(float)
               + np.nan_to_num(dropped, nan=0.0) + series.tail * sup_b)
        c = np.where(np.isfinite(log_c), sign_c * np.exp(log_c), 0.0)
    return c.astype(float), np.nan_to_num(err, nan=0.0)


def _series_function(series: KernelSeries):
    """Horner evaluation of the (truncated) series on [-1, 1]."""
    a = series.values

    def f(t):
        out = np.zeros_like(t)
        for coef in a[::-1]:
            out = out * t + coef
        return out

    return f


def _quadrature_route(kernel, series: KernelSeries | None, d: int, K: int, order: int):
    """c_k = N(d, k) E[h(t) Q_k(t)] by Gauss quadrature in t; error = rounding bound
    N (K + 16) eps Σ_i w_i |h(t_i) Q_k(t_i)| plus the change with 3/4 of the nodes."""
    if isinstance(kernel, KernelSeries):
        h = _series_function(kernel)
        extra = kernel.tail  # sup-norm of the missing tail of the series
    else:
        h = kernel_function(kernel)
        extra = 0.0
    mult = multiplicity(d, np.arange(K + 1))
    k = np.arange(K + 1)[:, None]
    vals = []
    for o in (order, (3 * order) // 4):
        t, w = _angle_rule(d, o)
        ht = h(t)
        q = gegenbauer(d, K, t)
        # |t Q_k'(t)|, from (1 - t²) Q_k' = k (Q_{k-1} - t Q_k): float nodes carry relative errors
        # ~eps, which Q_k' (~k² near t = ±1) amplifies
        dq = np.zeros_like(q)
        with np.errstate(divide="ignore", invalid="ignore"):
            dq[1:] = np.abs(k[1:] * (q[:-1] - t * q[1:]) * t / (1 - t ** 2))
        dq = np.where(np.isfinite(dq), dq, 0.0)
        vals.append((q @ (w * ht), (np.abs(q) * (K + 16.0) + dq) @ (w * np.abs(ht)), np.abs(q) @ w))
    (xi, absint, qabs), (xi2, _, _) = vals
    with np.errstate(over="ignore", invalid="ignore"):
        c = mult * xi
        # 4 eps x (terms and node sensitivity) plus twice the change with 3/4 of the nodes:
        # against the exact Bessel coefficients of exp (d = 3..5000, k <= 60) the error was at
        # most 0.56 of this bound
        err = mult * (4 * _EPS * absint + 2 * np.abs(xi - xi2) + extra * qabs)
    return np.where(np.isfinite(c), c, 0.0), np.where(np.isfinite(err), err, np.inf)


_COEF_CACHE: dict = {}


def sphere_coefficients(kernel, d: int, degree: int, order: int = 400) -> SphereCoefficients:
    """Funk–Hecke coefficients c_k, k = 0..degree, each with an absolute error bound.

    Two routes, the one with the smaller bound kept per degree: (i) **series** — when the Taylor
    coefficients of h are available (polynomials; Σ P_b(t) B_b(t) with B_b in {1, asin t,
    sqrt(1 - t²), exp(β t)}, which covers the arc-cosine and NT-ReLU kernels and the exp /
    Gaussian kernels exactly; a :class:`KernelSeries`, e.g. an NT kernel from Hermite
    coefficients; otherwise the Cauchy integral on the unit circle when h is analytic there),
    ``c_k = Σ_m a_m b_{m,k}``, where ``b_{m,k} = N(d, k) E[t^m Q_k] >= 0`` are the coefficients
    of the Gegenbauer expansion of t^m (they sum to one over k):

        b_{k,k} = Π_{i<k} (d - 2 + i)/(d - 2 + 2i),
        b_{k+2j,k}/b_{k+2j-2,k} = m(m - 1)/(4 j (λ + m - j)),  m = k + 2j,  λ = (d - 2)/2,

    a sum of positive terms for a positive-definite kernel (no cancellation: relative accuracy
    at any d and degree); its error bound is the coefficients' errors and rounding, plus
    ``sup_{m > M} b_{m,k} Σ_{m > M} |a_m|`` for the terms beyond the M = 3000 kept (b_{m,k} is
    unimodal in m, so the sup is computable). For ``h = exp(β t)`` this is the Bessel series
    ``c_k = Γ(λ) (β/2)^(-λ) (k + λ) I_{k+λ}(β) C_k^λ(1)``. (ii) **quadrature** — Gauss quadrature
    in t (as before); rounding limits it to about ``eps sqrt(N(d, k)) max|h|`` (bounded
    explicitly), so it serves small d, where N(d, k) is small and the Taylor series of a kernel
    with singularities at t = ±1 (arc-cosine) converges slowly. d < 3: quadrature only.
    """
    d, degree = int(d), int(degree)
    if degree < 0:
        raise ParameterError(f"parameter 'degree' must be an integer >= 0; got {degree!r}")
    series = kernel_series(kernel) if d >= 3 else (kernel if isinstance(kernel, KernelSeries) else None)
    key = ((kernel.name or id(kernel)) if isinstance(kernel, KernelSeries) else str(kernel_expr(kernel)),
           d, degree, order)
    if key in _COEF_CACHE:
        return _COEF_CACHE[key]
    K = degree
    cq, eq = _quadrature_route(kernel, series, d, K, order)
    if series is not None and d >= 3:
        cs, es = _series_route(series, d, K)
    else:
        cs, es = np.zeros(K + 1), np.full(K + 1, np.inf)
    use_series = es <= eq
    c = np.where(use_series, cs, cq)
    err = np.where(use_series, es, eq)
    negative = c < -err
    if np.any(negative):
        k = int(np.flatnonzero(negative)[0])
        raise ParameterError(
            f"kernel: c_{k} = {c[k]:.6g} < 0 (error bound {err[k]:.3g}) at d = {d}: the kernel is not "
            f"positive semi-definite on the sphere; kernel ridge needs a positive-definite kernel")
    c = np.where(np.abs(c) <= err, 0.0, c)  # below its error bound: reported as 0 (with the bound)
    h1 = series.h1 if series is not None else kernel_at_one(kernel)
    poly = series.degree if (series is not None and series.is_polynomial) else None
    out = SphereCoefficients(d, c, err, tuple("series" if u else "quadrature" for u in use_series), float(h1), poly)
    if len(_COEF_CACHE) > 128:
        _COEF_CACHE.clear()
    _COEF_CACHE[key] = out
    return out


def sphere_eigenvalues(kernel, d: int, degree: int, order: int = 400) -> np.ndarray:
    """ξ_k = E_t[h(t) Q_k(t)] = c_k/N(d, k) for k = 0..degree (see :func:`sphere_coefficients`)."""
    return sphere_coefficients(kernel, d, degree, order).eigenvalues


def taylor_coefficients(kernel, degree: int) -> np.ndarray:
    """Taylor coefficients ``h^(k)(0)/k!`` for k = 0..degree: the d -> ∞ limits of ``c_k``."""
    series = kernel_series(kernel)
    if series is not None and series.tail_rigorous:
        out = np.zeros(degree + 1)
        vals = series.values[: degree + 1]
        out[: vals.size] = vals
        return out
    expr = kernel_expr(kernel)
    poly = sp.series(expr, T, 0, degree + 1).removeO()
    return np.array([float(poly.coeff(T, k)) for k in range(degree + 1)])


def _at_one(expr: sp.Expr) -> float:
    value = expr.subs(T, 1)
    if value.is_finite:
        return float(value)
    return float(sp.limit(expr, T, 1, "-"))


def kernel_at_one(kernel) -> float:
    """h(1) = Σ_k c_k, the diagonal of the kernel matrix."""
    if isinstance(kernel, KernelSeries):
        return kernel.h1
    return _at_one(kernel_expr(kernel))


def sphere_spectrum(kernel, d: int, degree: int, order: int = 400):
    """(eigenvalues, multiplicities, c) of the degrees 0..degree plus one lumped tail entry.

    Degrees above ``degree`` are lumped into one entry with multiplicity N(d, degree + 1) and the
    rest of the trace, ``h(1) - Σ_{k <= degree} c_k``, as total weight: for ``N(d, degree+1)``
    much larger than the sample size their eigenvalues are far below the renormalized ridge, and
    they act only through their trace (the self-induced ridge). See :func:`truncated_spectrum`
    for the error bounds.
    """
    s = truncated_spectrum(kernel, d, degree, order=order)
    return s["eigenvalues"], s["multiplicities"], s["c"]


def truncated_spectrum(kernel, d: int, degree: int, order: int = 400,
                       coefficients: SphereCoefficients | None = None) -> dict:
    """:func:`asymptotics.harmonics.truncated_spectrum` of a kernel (its :func:`sphere_coefficients`
    at dimension d, or ``coefficients`` computed otherwise, of degree >= ``degree``)."""
    co = sphere_coefficients(kernel, d, degree, order) if coefficients is None else coefficients
    return harmonics.truncated_spectrum(co, degree)


def choose_degrees(kernel, d: int, n_max: float, ridge_min: float, target_degree: int,
                   tolerance: float = 1e-13, coefficients=None) -> int:
    """:func:`asymptotics.harmonics.choose_degrees` for a kernel (or ``coefficients``: a function
    K -> :class:`SphereCoefficients` of degree K)."""
    fn = coefficients if coefficients is not None else (lambda K: sphere_coefficients(kernel, d, K))
    return harmonics.choose_degrees(fn, d, n_max, ridge_min, target_degree, tolerance)

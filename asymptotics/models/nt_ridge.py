"""Neural-tangent (NT) ridge regression of a two-layer network at finite width; its interpolation
threshold n = N d and the self-induced ridge of the min-norm NT interpolator (Montanari & Zhong).

Model and conventions (stated here; Montanari–Zhong, arXiv:2007.12826, were read at abstract level
only, so their exact normalizations are **[recalled, not verified in source]**): inputs ``x``
uniform on the sphere of radius sqrt(d) in R^d, N hidden units ``f(x; W) = (1/sqrt N) Σ_i a_i
σ(<w_i, x>)`` with first-layer weights ``w_i ~ N(0, I_d/d)`` iid (so ``<w_i, x> ~ N(0, 1)``
exactly; ``weights="gaussian"``, the default) or uniform on the unit sphere (``weights="sphere"``,
``<w_i, x> = sqrt(d) s`` with s the cosine of a uniform point, Montanari–Zhong's setting as we
recall it) and fixed second-layer signs; linearized around W, the fit is linear in the p = N d
**NT features**

    φ(x) = ( σ'(<w_i, x>) x / sqrt(N d) )_{i = 1..N}  ∈ R^{N d},

whose Gram matrix is the empirical NT kernel ``K_N(x, x') = (<x, x'>/d) (1/N) Σ_i σ'(<w_i, x>)
σ'(<w_i, x'>)`` (``K_N(x, x) -> E σ'(G)²``). NT ridge: ``θ̂ = Φ'(ΦΦ' + ridge I_n)^{-1} y``
(``ridge`` added to the n x n kernel matrix, as in ``kernel-ridge``'s ``sphere`` variant; ridge = 0
is the minimum-norm interpolator / least squares when n > N d). Labels ``y = f*(x) + ε``,
``Var ε = noise``; ``target_powers[k] = F_k²`` is the power of the degree-k part of f*.

As N -> ∞, ``K_N`` tends to the NT kernel ``h(<x, x'>/d)`` with ``h(t) = t E[σ'(u) σ'(v)]``
for standard Gaussians of correlation t, i.e. by Mehler's formula ``h(t) = Σ_j a_j² t^(j+1)``
with ``a_j = E[σ'(G) He_j(G)]/sqrt(j!)`` the normalized Hermite coefficients of σ'. For the ReLU,
σ' = step and ``h(t) = t (π - arccos t)/(2π)`` (closed form used); otherwise the series is summed
to j = 300 from the Hermite coefficients of ``asymptotics.activations`` (exact for piecewise
polynomials, Gauss–Hermite / kink-aware quadrature otherwise) and its remaining mass
``E σ'² - Σ_{j <= 300} a_j²`` is kept in the lumped high-degree trace. With spherical weights the
infinite-width kernel is exact at this d from the coefficients of σ'(sqrt(d) ·) on the normalized
Gegenbauer polynomials (:func:`sphere_weight_coefficients`, DERIVED HERE); for the ReLU the two
kernels coincide (σ' = step is scale-free), for smooth σ' they differ by O(1/d).

**What is exact, what is heuristic.** Exact (up to the stated numerical bounds): the NT kernel and
its spectrum on the sphere at finite d for both weight laws; ``width = inf`` = kernel ridge with
that kernel (the kernel deterministic equivalent, asymptotically exact as n, d grow — Montanari–
Zhong prove that the NT ridge test error tends to it for N d >> n); the ``polynomial`` variant's
limits. Heuristic: every finite-width number (Gaussian equivalence of the structured NT
features), including the smallest eigenvalue below, whose proven content is only "bounded away
from zero once N d >> n".

(1) **Interpolation threshold.** ``Φ`` is n x N d: it has rank at most ``min(n, N d)``, so
interpolation of arbitrary labels needs ``N d >= n``; for generic (non-polynomial) σ' the rank is
``min(n, N d)`` and the smallest singular value of Φ vanishes only at ``n/(N d) = 1`` (the Monte
Carlo twin shows it: ``min_singular_value``). What Montanari–Zhong *prove* (abstract): for
``N d >> n`` (with n, d polynomially related, up to logarithmic factors) the minimum eigenvalue of
the empirical NT kernel is bounded away from zero, so the network interpolates arbitrary labels.
The sharp location n = N d at proportional sizes, and the double-descent peak there, are the
counting bound plus this package's finite-width equivalent below, checked by Monte Carlo, **not**
a theorem of the paper. For polynomial σ' (e.g. a quadratic σ) the feature span is smaller than
N d and the threshold moves: not covered.

(2) ``sphere`` variant (finite n, d, N) **[experimental]**: the NT features treated as p = N d
generic random features of the NT kernel, whose eigenvalues ``ξ_k`` and multiplicities N(d, k) on
the sphere are computed at this d by Funk–Hecke (``asymptotics.kernels``: the Taylor route on
the Mehler series, exact for the ReLU and polynomial σ', each coefficient with an error bound;
degrees 0..K exactly, K chosen automatically when ``degrees = 0`` as in ``kernel-ridge``, and the
rest lumped through their trace; ``spectrum_error`` as in ``kernel-ridge``, with df1, df2
normalized by min(n, N d)). The risk is the random-features deterministic
equivalent of ``linear-random-features`` (two renormalized ridges; Bach 2023,
Atanasov–Zavatone-Veth–Pehlevan 2024, Defilippis–Loureiro–Misiakiewicz 2024) with Σ -> the
kernel spectrum, ``features = N d`` and per-sample penalty ``ridge/n``. This is a Gaussian-
equivalence heuristic for structured features (N blocks of d features sharing w_i): it is not
proven for NT features. It has the ridgeless peak at n = N d (inf, on purpose), and
``width = inf`` gives exactly ``kernel-ridge`` (``spectral``) with the NT kernel, which is what
Montanari–Zhong prove the NT test error tends to for ``N d >> n``. Monte Carlo (d = 20, N = 10-80,
n = 100-1600, ReLU): within about 15% of the simulated test error, including at the peak.

(3) ``polynomial`` variant (d -> ∞, ``n = alpha d^l/l!``, ``N d >> n``; Montanari–Zhong's
second result, structure from the abstract **[constants derived here, not verified in source]**):
the NT kernel's degree-k coefficient is ``c_k = a_{k-1}²`` (``c_0 = 0``: constants are not
learned at this scale), so the min-norm NT interpolator behaves like ``kernel-ridge``'s
polynomial variant with the **self-induced ridge**

    self_induced_ridge = Σ_{k > l} c_k = Σ_{j >= l} a_j² = E σ'(G)² - Σ_{j < l} a_j²,

computed symbolically where σ' is a (piecewise) polynomial (ReLU: 1/4 at l = 1, 1/4 - 1/(2π) at
l = 2) and by quadrature otherwise. The risk is isotropic ridge on the degree-l harmonics with
``gamma = 1/alpha`` and per-sample penalty ``gamma (ridge + self_induced_ridge)/c_l``, plus the
unlearned power. Large-d approximation **[experimental]**: at d = 20-30 the finite-d ``sphere``
variant is the one to compare with simulations.

(4) **Smallest eigenvalue of the empirical NT kernel** (``min_eigenvalue``, ``min_singular_value``
= its square root; DERIVED HERE). The equivalent is defined for ridge > -λ_min(ΦΦ'), and along the
branch ``ridge/n = G(κ) = κ (1 - df1/(N d))(1 - df1/n)`` the spectrum's edge is the critical point
G'(κ) = 0 (square-root edge of the Stieltjes transform): ``λ_min = -n min_κ G(κ)``
(:func:`spectrum_edge`; Marchenko–Pastur's ξ(sqrt D - sqrt n)² for a flat spectrum, checked).
It is 0 at N d = n and increases with N d/n to the infinite-width kernel matrix's λ_min, which it
approaches like n/(N d) (measured); that one (p = inf: df2(κ) = n) agrees with eigenvalues of the
actual kernel matrix to 0.2% at d = 200, n = 400 and 0.04% at d = 400, n = 1600 (tanh), and tends
as d -> ∞ with n = alpha d^l/l! to ``self_induced_ridge + c_l (1 - sqrt(alpha))²₊`` (the
``polynomial`` variant's ``min_eigenvalue``; corrections O(d^{-1/2}) from the degree-(l+1) block's
Marchenko–Pastur edge): bounded away from zero, Montanari–Zhong's interpolation statement, as a
checkable number. At finite width it is the heuristic, good only for wide networks: the actual NT
features' σ_min(Φ)² sat 2-6% below it at n < N d for N = 20-40 (d = 20-100, tanh and ReLU, part
of it the n^{-2/3} edge fluctuation), 13% below at N = 10, but 2-4x below at N = 2-4 (d = 100-1000,
n = N d/2: ΦΦ' = (XX'/d) ⊙ (SS'/N) with few units is not spectrally a generic random-features
matrix); for n > N d the reported value is the smallest *nonzero* eigenvalue, and there the
heuristic is poor (1.5-2.4x too high at n = 3 N d: the features' own covariance is not the
kernel's). **Random labels**: pure-noise labels are ``target_powers = [0]`` with ``noise`` the
label variance; then ``train_error = 0`` for N d > n at ridge 0 (interpolation of arbitrary
labels; the twin confirms it with tanh — with the ReLU a sample that activates none of the N
units has a zero feature row, probability 2^-N each, and cannot be fitted), ``bias = 0`` and the
test error is ``noise + variance``, decreasing with N d/n beyond the threshold (figure
``nt-random-labels``).

Observables of both variants: ``excess_risk``, ``test_error``, ``train_error``, ``bias``,
``variance``, ``df1``, ``df2``, ``kappa``, ``min_eigenvalue``, ``min_singular_value``,
``spectrum_error``. ``sphere`` adds ``kappa1`` (feature-level ridge),
``features`` (= N d) and ``interpolation_ratio`` (= n/(N d)); ``polynomial`` adds
``self_induced_ridge``, ``gcv`` and ``signal``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from ..activations import X, ActivationDomain, activation
from .. import kernels as _kernels
from ..harmonics import multiplicity, remembered, truncated_spectrum
from ..symbolic import Average, ParamSpace, System
from ..validation import Array, Integer, Interval, OneOf, param, Parameters
from . import _bibliography as bibliography
from ._registry import Model, Reference, Variant, register
from .kernel_ridge import alpha as _alpha
from .kernel_ridge import cl as _cl
from .kernel_ridge import tail as _tail
from .kernel_ridge import (_BIB_GMMM, _BIB_MZ, DOC_DEGREES, POLYNOMIAL, SPECTRUM_ERROR_PARAMS, _single,
                           check_sphere_degrees, spectrum_error, spectrum_values, sphere_degrees)
from .linear_random_features import _BIB_BACH, _system as _rf_system
from .linear_random_features import lam as _lam_rf
from .linear_random_features import n, noise

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)
MEHLER_TERMS = 300

width, d = sp.symbols("width d", positive=True)
ridge = sp.Symbol("ridge", nonnegative=True)
s, t = sp.symbols("s t", real=True)
NT_SPECTRUM = ParamSpace("nt_spectrum", {s: "eigenvalues", t: "coefficients"}, weights="multiplicities")


# -- the NT kernel of σ --------------------------------------------------------------------------
def derivative(value) -> sp.Expr:
    """σ' as a sympy expression in ``x`` (``Heaviside(x)`` for the ReLU)."""
    return activation(value).derivative().expr


def normalized_hermite(act, terms: int) -> np.ndarray:
    """``a_j = E σ(G) He_j(G)/sqrt(j!)`` for j = 0..terms by the activation's (kink-aware)
    quadrature, with the normalized recursion ``h_{j+1} = (x h_j - sqrt(j) h_{j-1})/sqrt(j+1)``
    (stable to hundreds of terms, where He_j itself would overflow); all terms in one quadrature pass."""
    f = act.numpy

    def g(z):
        out = np.empty((terms + 1,) + z.shape)
        out[0] = 1.0
        if terms >= 1:
            out[1] = z
        for j in range(1, terms):
            out[j + 1] = (z * out[j] - math.sqrt(j) * out[j - 1]) / math.sqrt(j + 1)
        return out * f(z)

    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(act.expectation(g), dtype=float)


@functools.lru_cache(maxsize=32)
def _hermite_squares(expr: sp.Expr, terms: int, exact_upto: int = -1):
    """(a_j² for j = 0..terms as floats, E σ'², exact a_j² for j <= exact_upto or None, exact E σ'²)."""
    act = activation(expr)
    a2 = normalized_hermite(act, terms) ** 2
    coefs = act.coefficients()
    exact = act.hermite_exact(exact_upto) if exact_upto >= 0 else None
    exact_sq = None if exact is None else [sp.nsimplify(b) ** 2 / sp.factorial(j) for j, b in enumerate(exact)]
    second = coefs.exact["second"] if coefs.exact is not None else None
    return a2, float(coefs.second), exact_sq, second


def hermite_content(value, degree: int) -> dict:
    """Normalized Hermite content of σ': ``a_j² = (E σ'(G) He_j(G))²/j!`` for j = 0..degree,
    ``second = E σ'(G)²`` and the tails ``Σ_{j >= l} a_j²`` for l = 0..degree+1 (the self-induced
    ridge at scale l); exact sympy numbers under ``"exact"`` where σ' is a piecewise polynomial."""
    expr = derivative(value)
    a2, second, exact_sq, exact_second = _hermite_squares(expr, max(degree, 1), degree)
    tails = second - np.concatenate([[0.0], np.cumsum(a2[: degree + 1])])
    out = {"a2": a2[: degree + 1], "second": second, "tails": np.maximum(tails, 0.0), "exact": None}
    if exact_sq is not None and exact_second is not None:
        ex_tails = [sp.simplify(exact_second - sum(exact_sq[:l], sp.S.Zero)) for l in range(degree + 2)]
        out["exact"] = {"a2": exact_sq, "second": exact_second, "tails": ex_tails}
        out["a2"] = np.array([float(v) for v in exact_sq])
        out["second"] = float(exact_second)
        out["tails"] = np.array([max(float(v), 0.0) for v in ex_tails])
    return out


_TT = sp.Symbol("t", real=True)


@functools.lru_cache(maxsize=32)
def nt_kernel(expr: sp.Expr) -> tuple[sp.Expr, float]:
    """(h(t), h(1) = E σ'²) of the infinite-width NT kernel of the activation ``expr``."""
    dexpr = activation(expr).derivative().expr
    if dexpr.rewrite(sp.Piecewise).equals(sp.Heaviside(X).rewrite(sp.Piecewise)) or dexpr == sp.Heaviside(X):
        return _TT * (sp.pi - sp.acos(_TT)) / (2 * sp.pi), 0.5
    if dexpr.is_polynomial(X):
        deg = int(sp.degree(dexpr, X)) if dexpr.has(X) else 0
        exact = activation(dexpr).hermite_exact(deg)
        return sp.expand(sum(b ** 2 / sp.factorial(j) * _TT ** (j + 1) for j, b in enumerate(exact))), \
            float(activation(dexpr).coefficients().second)
    a2, second, _, _ = _hermite_squares(dexpr, MEHLER_TERMS)
    poly = sum(sp.Float(c, 17) * _TT ** (j + 1) for j, c in enumerate(a2) if c != 0.0)
    return poly, second


# Absolute accuracy of the normalized Hermite coefficients a_j of σ' by quadrature, relative to
# sqrt(E σ'²): measured <= 1.1e-15 against 30-digit mpmath for tanh, erf, sigmoid, gelu at
# j = 0..300; 10x that is used as the error bound.
HERMITE_ACCURACY = 1e-14


@functools.lru_cache(maxsize=32)
def nt_series(expr: sp.Expr) -> _kernels.KernelSeries:
    """The Taylor series of the NT kernel h(t) = Σ_j a_j² t^(j+1) with error bounds: exact (closed
    form) for the ReLU and for polynomial σ'; otherwise the Mehler coefficients a_j² from the
    Hermite coefficients of σ' (j <= 300, each a_j within ``HERMITE_ACCURACY sqrt(E σ'²)``) and the
    rest of the mass, ``Σ_{j > 300} a_j² = E σ'² - Σ_{j <= 300} a_j²`` (Parseval), as the tail."""
    dexpr = activation(expr).derivative().expr  # jumps: Dirac masses dropped (see Activation.derivative)
    if dexpr == sp.Heaviside(X) or dexpr.is_polynomial(X) or dexpr.rewrite(sp.Piecewise).equals(
            sp.Heaviside(X).rewrite(sp.Piecewise)):
        series = _kernels.kernel_series(nt_kernel(expr)[0])  # closed form (ReLU) or exact polynomial
        if series is not None:
            return series
    a2, second, _, _ = _hermite_squares(dexpr, MEHLER_TERMS)
    a = np.sqrt(a2)
    delta = HERMITE_ACCURACY * math.sqrt(second)
    values = np.concatenate([[0.0], a2])
    errors = np.concatenate([[0.0], 2 * delta * a + delta ** 2])
    tail = max(second - float(np.sum(a2)), 0.0) + float(np.sum(errors)) + (MEHLER_TERMS + 8) * 1e-16 * second
    return _kernels.series_from_coefficients(
        values, errors, tail=tail, h1=second, kind=f"Mehler series of the Hermite coefficients of {dexpr}",
        name=f"nt:{expr}")


def nt_sphere_spectrum(expr: sp.Expr, d: int, degree: int):
    """(eigenvalues, multiplicities, c) of the NT kernel on the sphere at dimension d: degrees
    0..degree exactly and one lumped entry carrying the rest of the trace ``h(1) - Σ c_k``."""
    spec = nt_truncated_spectrum(expr, d, degree)
    return spec["eigenvalues"], spec["multiplicities"], spec["c"]


@functools.lru_cache(maxsize=64)
def nt_truncated_spectrum(expr: sp.Expr, d: int, degree: int) -> dict:
    """:func:`asymptotics.kernels.truncated_spectrum` of the NT kernel (with its error bounds)."""
    return _kernels.truncated_spectrum(nt_series(expr), d, degree)


# -- spherical first-layer weights ---------------------------------------------------------------
def _sphere_weight_rule(d: int, breakpoints, panels: int):
    """Nodes s = sin θ and weights (sum 1) for s = <w, x>/sqrt(d), w uniform on the unit sphere:
    density ∝ (1 - s²)^((d-3)/2) ds = cos^(d-2) θ dθ, smooth in θ; composite Gauss–Legendre on
    |θ| <= min(π/2, 40/sqrt(d)) (the rest has mass below e^-790), split at σ''s kinks b/sqrt(d)."""
    half = min(math.pi / 2, 40.0 / math.sqrt(d))
    edges = set(np.linspace(-half, half, panels + 1).tolist())
    for b in breakpoints:
        if abs(b) < math.sqrt(d) * math.sin(half):
            edges.add(math.asin(b / math.sqrt(d)))
    edges = np.array(sorted(edges))
    xl, wl = np.polynomial.legendre.leggauss(32)
    a, b = edges[:-1, None], edges[1:, None]
    theta = ((a + b) / 2 + (b - a) / 2 * xl).ravel()
    with np.errstate(divide="ignore"):
        w = ((b - a) / 2 * wl).ravel() * np.exp((d - 2) * np.log(np.cos(theta)))
    return np.sin(theta), w / w.sum()


@functools.lru_cache(maxsize=64)
def sphere_weight_coefficients(expr: sp.Expr, d: int, degree: int) -> _kernels.SphereCoefficients:
    """Funk–Hecke coefficients c_0..c_degree of the infinite-width NT kernel with first-layer
    weights **uniform on the unit sphere** (Montanari–Zhong's setting, as recalled): then
    <w, x> = sqrt(d) s with s the cosine of a uniform point, and by Funk–Hecke in dimension d

        E_w σ'(<w, x>) σ'(<w, x'>) = Σ_k β_k² Q_k(t),   β_k = sqrt(N(d, k)) E_s[σ'(sqrt(d) s) Q_k(s)],

    (β_k: coefficients of σ'(sqrt d ·) on the *normalized* harmonics, O(1) numbers: no huge count
    multiplies a small quadrature value), so h(t) = t Σ_k β_k² Q_k(t) and, from
    t Q_k = [k Q_{k-1} + (k + d - 2) Q_{k+1}]/(2k + d - 2),

        c_j = β_{j+1}² (j + 1)/(2j + d) + β_{j-1}² (j + d - 3)/(2j + d - 4),   h(1) = Σ_k β_k² = E σ'(sqrt d s)²,

    all terms positive. DERIVED HERE. β_k by quadrature in θ (s = sin θ), split at the kinks;
    error bound per β_k: the change with half the panels plus a rounding bound. As d -> ∞ this
    tends to the Gaussian-weights kernel (β_k -> E σ'(G) He_k(G)/sqrt(k!))."""
    act = activation(expr).derivative()
    f = act.numpy
    K1 = degree + 1
    norms = np.sqrt(multiplicity(d, np.arange(K1 + 1)))
    vals = []
    for panels in (max(128, 2 * K1), max(64, K1)):
        s_, w = _sphere_weight_rule(d, act.breakpoints, panels)
        fs = f(np.sqrt(d) * s_)
        q = _kernels.gegenbauer(d, K1, s_) * norms[:, None]
        vals.append((q @ (w * fs), (np.abs(q) * (K1 + 16.0)) @ (w * np.abs(fs)), float(w @ fs ** 2)))
    (beta, absint, h1), (beta2, _, _) = vals
    eps = float(np.finfo(float).eps)
    delta = 2 * np.abs(beta - beta2) + 4 * eps * absint
    b2, b2err = beta ** 2, 2 * delta * np.abs(beta) + delta ** 2
    j = np.arange(degree + 1)
    up = (j + 1) / (2 * j + d)
    down = np.where(j >= 1, (j + d - 3) / np.maximum(2 * j + d - 4, 1), 0.0)
    prev = np.concatenate([[0.0], b2[:degree]])
    prev_err = np.concatenate([[0.0], b2err[:degree]])
    c = b2[1:K1 + 1] * up + prev * down
    err = b2err[1:K1 + 1] * up + prev_err * down + 4 * eps * c
    c = np.where(c <= err, 0.0, c)
    return _kernels.SphereCoefficients(d, c, err, ("quadrature",) * (degree + 1), h1, None)


def nt_spectrum(expr: sp.Expr, d: int, degree: int, weights: str = "gaussian") -> dict:
    """:func:`asymptotics.kernels.truncated_spectrum` of the NT kernel for Gaussian
    (``N(0, I_d/d)``) or spherical (uniform on the unit sphere) first-layer weights."""
    if weights == "sphere":
        return _kernels.truncated_spectrum(None, d, degree, coefficients=sphere_weight_coefficients(expr, d, degree))
    return nt_truncated_spectrum(expr, d, degree)


# -- the smallest eigenvalue of the empirical NT kernel ----------------------------------------------
def spectrum_edge(eigenvalues, multiplicities, n, features) -> np.ndarray:
    """The lower edge of the spectrum of the n x n empirical NT kernel ΦΦ' in the deterministic
    equivalent of the module (DERIVED HERE): the resolvent (ΦΦ' + ridge)^{-1} and its equivalent
    are defined for ridge > -λ_min, and ``ridge/n = G(κ) = κ (1 - df1/p)(1 - df1/n)`` (the sphere
    equation, df1 = Σ m ξ/(ξ + κ), p = N d) follows the branch of κ from ridge = +inf down to the
    critical point G'(κ) = 0, where the Stieltjes transform has its square-root edge: so

        λ_min = -n min_κ G(κ)   (0 when min G >= 0: rank deficiency, n = p).

    For p = inf, G'(κ) = 1 - df2/n (G convex, one minimum: df2 = n); for flat spectra this is
    Marchenko–Pastur's edge ξ(sqrt D - sqrt n)² (checked in the tests). For n > p it is the edge
    of the p nonzero eigenvalues. Numerics: a log-grid over κ and a golden-section refinement in
    log κ between the grid neighbours of its minimum (to 1e-10: G is flat there, so its value is
    exact to rounding; golden section rather than scipy.optimize, whose import alone costs ~0.35 s
    of a fresh process)."""
    xi = np.asarray(eigenvalues, dtype=float)
    m = np.asarray(multiplicities, dtype=float)
    live = (xi > 0) & (m > 0)
    xi, m = xi[live], m[live]
    n_arr, p_arr = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(features, dtype=float))
    out = np.zeros(n_arr.shape)
    if xi.size == 0:
        return out
    trace = float(np.sum(m * xi))

    def G(kappa, nn, pp):  # kappa: array
        a = (m * xi / (xi + np.asarray(kappa)[..., None])).sum(axis=-1)
        return kappa * (1 - (a / pp if np.isfinite(pp) else 0.0)) * (1 - a / nn)

    pairs = {}
    for idx in np.ndindex(n_arr.shape):
        pairs.setdefault((float(n_arr[idx]), float(p_arr[idx])), []).append(idx)
    for (nn, pp), where in pairs.items():
        grid = np.geomspace(trace / nn * 1e-16, trace / nn * 10, 400)
        g = G(grid, nn, pp)
        i = int(np.argmin(g))
        value = 0.0
        if g[i] < 0:
            lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
            best = _golden_min(lambda u: float(G(np.array(math.exp(u)), nn, pp)), math.log(lo), math.log(hi))
            value = -nn * min(best, float(g[i]))
        for idx in where:
            out[idx] = max(value, 0.0)
    return out


def _golden_min(f, a: float, b: float, xatol: float = 1e-10) -> float:
    """min of a unimodal f on [a, b] by golden-section search (the smallest value seen)."""
    r = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = b - r * (b - a), a + r * (b - a)
    fc, fd = f(c), f(d)
    best = min(fc, fd)
    while b - a > xatol:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - r * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + r * (b - a)
            fd = f(d)
        best = min(best, fc, fd)
    return best


# -- equations -------------------------------------------------------------------------------------
def _subs_system(system: System, mapping: dict, parameters, extra: dict) -> System:
    return replace(
        system, parameters=parameters,
        unknowns=tuple(replace(u, guess=sp.sympify(u.guess).subs(mapping)) for u in system.unknowns),
        equations=tuple(e.subs(mapping) for e in system.equations),
        observables={**{k: sp.sympify(v).subs(mapping) for k, v in system.observables.items()}, **extra})


_features = width * d
_kappa = sp.Symbol("kappa", nonnegative=True)
_edge = sp.Symbol("spectrum_edge", nonnegative=True)  # prepared by spectrum_edge()
SPHERE = _subs_system(
    _rf_system(
        (n, _lam_rf, noise, width, d, ridge),
        df1=Average(s / (s + _kappa), NT_SPECTRUM), df2=Average(s ** 2 / (s + _kappa) ** 2, NT_SPECTRUM),
        # θ = coefficient on each eigenfunction (function space): β = θ/sqrt(ξ) in feature space
        t1=Average(t ** 2 / (s + _kappa), NT_SPECTRUM), t2=Average(s * t ** 2 / (s + _kappa) ** 2, NT_SPECTRUM),
        n_samples=n, n_features=_features, trace=Average(s, NT_SPECTRUM),
        peak=sp.And(sp.Eq(ridge, 0), sp.Eq(n, sp.Min(_features, Average(sp.Heaviside(s, 0), NT_SPECTRUM)))),
    ),
    {_lam_rf: ridge / n}, (n, width, d, ridge, noise, *SPECTRUM_ERROR_PARAMS, _edge),
    {"features": _features, "interpolation_ratio": n / _features,
     "min_eigenvalue": _edge, "min_singular_value": sp.sqrt(_edge),
     "spectrum_error": spectrum_error(_kappa, sp.Min(n, _features), sp.And(
         sp.Eq(ridge, 0), sp.Min(n, _features) >= Average(sp.Heaviside(s, 0), NT_SPECTRUM)))},
)


# d -> ∞, n = alpha d^l/l!, N d >> n: the kernel matrix is (degrees < l: rank o(n)) + c_l Y Y'/N(d, l)
# (Y: n x N(d, l) normalized harmonics, Marchenko–Pastur with ratio alpha) + self_induced_ridge I,
# so its smallest eigenvalue is self_induced_ridge + c_l (1 - sqrt(alpha))² for alpha < 1, else
# self_induced_ridge (DERIVED HERE; the abstract's "bounded away from zero" is self_induced_ridge > 0).
_poly_edge = _tail + _cl * sp.Max(0, 1 - sp.sqrt(_alpha)) ** 2
POLYNOMIAL_NT = replace(POLYNOMIAL, observables={**POLYNOMIAL.observables, "min_eigenvalue": _poly_edge,
                                                 "min_singular_value": sp.sqrt(_poly_edge)})


# -- parameters ------------------------------------------------------------------------------------
_DOC_RIDGE = ("penalty added to the n x n NT kernel matrix ΦΦ' (θ̂ = Φ'(ΦΦ' + ridge I)^{-1} y); "
              "0 = minimum-norm interpolation (least squares when n > N d)")


@dataclass(frozen=True, kw_only=True)
class SphereParams(Parameters):
    """x uniform on the sphere of radius sqrt(d); N hidden units; n samples (finite sizes)."""

    n: float = param(domain=_POS, doc="number of samples")
    width: float = param(domain=Interval(0, np.inf, high_closed=True), symbol="N", aliases=("N",),
                         doc="number of hidden units N (p = N d NT features); inf = the NT kernel limit")
    d: float = param(domain=Integer(3, np.inf, low_closed=True), doc="input dimension (one value, not swept)")
    ridge: float = param(0.0, domain=_NONNEG, doc=_DOC_RIDGE, symbol="λ")
    noise: float = param(0.0, domain=_NONNEG, doc="label-noise variance Var ε", symbol="σ²")
    activation: object = param("relu", domain=ActivationDomain(), doc="σ: a name or a sympy expression in x")
    target_powers: np.ndarray = param(domain=Array(_NONNEG, min_size=1),
                                      doc="F_k² = power of the degree-k part of f*, k = 0, 1, ...")
    degrees: float = param(0, domain=Integer(0, 200, low_closed=True, high_closed=True), doc=DOC_DEGREES)
    weights: str = param("gaussian", domain=OneOf(("gaussian", "sphere")),
                         doc="first-layer weights: 'gaussian' N(0, I_d/d) or 'sphere' uniform on the unit sphere")

    def check(self):
        check_sphere_degrees("nt-ridge", self)


def nt_coefficients(value, d: int, weights: str = "gaussian"):
    """The Funk–Hecke coefficients of the NT kernel of an activation at dimension d, as a function
    of the degree K: Gaussian weights (:func:`nt_series` on the sphere) or spherical ones
    (:func:`sphere_weight_coefficients`). Those of a named activation are kept in the code cache
    (computing them reads σ with sympy), so a warm process needs no sympy."""
    def compute(K):
        expr = activation(value).expr
        if weights == "sphere":
            return sphere_weight_coefficients(expr, d, K)
        return _kernels.sphere_coefficients(nt_series(expr), d, K)

    if isinstance(value, str):
        return lambda K: remembered(f"nt-{weights}:{value}", d, K, 400, lambda: compute(K))
    return compute


def _sphere_prepare(p: SphereParams) -> dict:
    dd = _single("d", p.d)
    n_max = float(np.max(p.n))
    coefficients = nt_coefficients(p.activation, dd, p.weights)
    deg = sphere_degrees("nt-ridge", p, n_max, float(np.min(p.ridge)), coefficients)
    spec = truncated_spectrum(coefficients(deg), deg)
    out = spectrum_values(spec, p.target_powers, deg)
    shape = np.broadcast_shapes(*(np.shape(getattr(p, f)) for f in ("n", "width", "d", "ridge", "noise", "degrees")))
    edge = spectrum_edge(spec["eigenvalues"], spec["multiplicities"], p.n, np.asarray(p.width, dtype=float) * dd)
    out["spectrum_edge"] = np.broadcast_to(edge, shape) if shape else float(edge)
    return out


@dataclass(frozen=True, kw_only=True)
class PolynomialParams(Parameters):
    """d -> ∞ with n = alpha d^l/l! and N d >> n (the NT kernel regime of Montanari–Zhong)."""

    alpha: float = param(domain=_POS, doc="n l!/d^l: samples per degree-l harmonic", symbol="α")
    degree: float = param(domain=Integer(1, 50, low_closed=True, high_closed=True), symbol="l",
                          doc="the scale l: n ~ d^l (one value)")
    ridge: float = param(0.0, domain=_NONNEG, doc=_DOC_RIDGE, symbol="λ")
    noise: float = param(0.0, domain=_NONNEG, doc="label-noise variance Var ε", symbol="σ²")
    activation: object = param("relu", domain=ActivationDomain(), doc="σ: a name or a sympy expression in x")
    target_powers: np.ndarray = param(domain=Array(_NONNEG, min_size=1),
                                      doc="F_k² = power of the degree-k part of f*, k = 0, 1, ...")


def _polynomial_prepare(p: PolynomialParams) -> dict:
    ell = _single("degree", p.degree)
    content = hermite_content(p.activation, ell)
    coef = np.concatenate([[0.0], content["a2"][:ell]])  # c_k = a_{k-1}², k = 0..l
    powers = np.asarray(p.target_powers, dtype=float)
    pw = lambda k: float(powers[k]) if k < powers.size else 0.0  # noqa: E731
    zero = np.abs(coef) <= 1e-14 * max(content["second"], 1e-300)
    unlearned = float(np.sum(powers[ell + 1:])) + sum(pw(k) for k in range(ell) if zero[k])
    return {"c_l": 0.0 if zero[ell] else float(coef[ell]), "tail": float(content["tails"][ell]),
            "F_l2": pw(ell), "unlearned": unlearned}


_BIB_DLM = """@article{defilippis2024dimension,
  title={Dimension-free deterministic equivalents and scaling laws for random feature regression},
  author={Defilippis, Leonardo and Loureiro, Bruno and Misiakiewicz, Theodor},
  journal={arXiv preprint arXiv:2405.15699}, year={2024}
}"""

TP_EXAMPLE = [0.0, 1.0, 0.5, 0.25]

MODEL = register(Model(
    name="nt-ridge",
    summary="neural-tangent ridge / min-norm regression of a two-layer net: threshold n = N d, "
            "self-induced ridge",
    variants=(
        Variant("sphere", SphereParams, SPHERE,
                "finite n, d, N: the p = N d NT features as random features of the NT kernel "
                "[experimental]; width = inf is kernel ridge with the NT kernel",
                prepare=_sphere_prepare,
                example={"n": 400, "width": 40, "d": 20, "ridge": 0.01, "noise": 0.1,
                         "activation": "relu", "target_powers": TP_EXAMPLE},
                observables={
                    "kappa1": "renormalized ridge of the feature level (random-features equivalent)",
                    "features": "the number of NT features p = N d",
                    "interpolation_ratio": "n/(N d), the ratio whose value 1 is the interpolation peak"}),
        Variant("polynomial", PolynomialParams, POLYNOMIAL_NT,
                "d -> ∞, n = alpha d^l/l!, N d >> n: polynomial ridge with the self-induced ridge "
                "from the Hermite content of σ' [experimental]",
                prepare=_polynomial_prepare,
                example={"alpha": 2.0, "degree": 2, "ridge": 0.0, "noise": 0.1, "activation": "relu",
                         "target_powers": TP_EXAMPLE},
                observables={
                    "self_induced_ridge": "Σ_{k>l} c_k, the ridge the NT kernel's higher degrees add "
                                          "(units of c_l)",
                    "gcv": "train_error/(1 - df1)², the GCV estimate (equals test_error in the limit)",
                    "signal": "target power (learnable and not)"}),
    ),
    references=(
        Reference("montanari2022interpolation", _BIB_MZ,
                  "min eigenvalue of the empirical NT kernel bounded away from 0 for N d >> n; NT ridge "
                  "error ≈ KRR with the NT kernel ≈ polynomial ridge with a self-induced ridge "
                  "[abstract level; theorem numbers and constants not verified in source]"),
        Reference("ghorbani2021linearized", _BIB_GMMM, "NT and RF models on the sphere for n ~ d^l"),
        Reference("defilippis2024dimension", _BIB_DLM,
                  "deterministic equivalent of random-feature ridge used for finite width [heuristic here]"),
        Reference("bach2024high", _BIB_BACH, "two renormalized ridges of random projections"),
        Reference("atanasov2024scaling", bibliography.AZP2024, "S-transform composition of the ridges"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "excess_risk": "E_x (f*(x) - f̂(x))², no label noise",
        "test_error": "excess_risk + noise",
        "train_error": "(1/n) Σ (y_i - f̂(x_i))² (labels with noise); 0 below the threshold at ridge 0",
        "bias": "noiseless part of excess_risk",
        "variance": "label-noise part of excess_risk (inf at the ridgeless peak n = N d)",
        "df1": "degrees of freedom over n",
        "df2": "variance-amplification degrees of freedom over n",
        "kappa": "renormalized ridge (sphere: of the kernel level, per sample; polynomial: in units of c_l)",
        "min_eigenvalue": "smallest eigenvalue of the empirical NT kernel ΦΦ' (sphere: n < N d; the smallest "
                          "nonzero one for n > N d [heuristic]); polynomial: of the infinite-width kernel matrix",
        "min_singular_value": "sqrt(min_eigenvalue): the min(n, N d)-th singular value of Φ",
        "spectrum_error": "sphere: bound on the change of df1, df2 (over min(n, N d)) and of the bias sum from the "
                          "NT kernel spectrum's errors and lumped tail (see kernel-ridge); polynomial: 0",
    },
))

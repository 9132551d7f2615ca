"""The nuclear route: l2-regularized ERM in over-parameterized quadratic networks = PSD nuclear-norm sensing.

Setting (Erba, Troiani, Zdeborová, Krzakala 2025, arXiv:2505.17958; only the abstract and a
third-party summary were available, so the normalizations and every equation below are DERIVED
HERE and checked by Monte Carlo and limits, not read in the paper). Inputs ``x ~ N(0, I_d)``;
teacher width ``m* = kappa_star d`` with weights ``w*_k ~ N(0, I_d)`` and centered quadratic
activation,

    f*(x) = (1/(m* sqrt d)) Σ_k [(w*_k·x)² - ||w*_k||²] = <A(x), S*>,   A(x) = (x x' - I)/sqrt d,
    S* = W*'W*/m*   (spectrum -> Marchenko–Pastur of ratio 1/kappa_star: mean 1, Tr S*²/d -> 1 + 1/kappa_star),

labels ``y = f*(x) + sqrt(noise) ξ``, ``n = alpha d²`` samples. The student has ``m >= d`` units,
``f(x; W) = (1/sqrt d) Σ_k [(w_k·x)² - ||w_k||²] = <A(x), W'W>``, and minimizes

    (1/(2d)) Σ_μ (y_μ - f(x_μ; W))² + lam ||W||_F².

Since f depends on W through ``S = W'W`` only, any PSD S is reachable when m >= d, and
``||W||_F² = Tr S = ||S||_*`` on the PSD cone, the global minima are the solutions of the convex
problem ``min_{S ⪰ 0} (1/(2d)) Σ_μ (y_μ - <A_μ, S>)² + lam Tr S`` (the nuclear route).

State evolution (derived here). In an orthonormal basis of symmetric matrices the measurements
``<A_μ, S>`` have covariance (2/d) I exactly; replacing them by Gaussian ones (the universality the
paper invokes) gives a linear model with ``n = alpha d²`` rows and ``d²/2`` unknowns, whose
Bayati–Montanari-type state evolution with the proximal map of ``Tr S + 1{S ⪰ 0}`` reads: the
denoiser sees ``Y = S* + ω W`` (W a GOE, semicircle on [-2, 2]) and returns
``η(Y) = U (λ - ζ)_+ U'`` (PSD eigenvalue soft threshold at ζ); with the spectrum ``μ_Y = μ_{S*} ⊞
σ_ω`` (free convolution with the semicircle of variance ω², computed by
:mod:`asymptotics.free_probability`), ``f(x) = (x - ζ)_+``, ``H`` the Hilbert transform of μ_Y,

    F2 = ∫ f² dμ_Y,  F1 = ∫ x f dμ_Y,  D = ∫∫ (f(x) - f(y))/(x - y) dμ_Y dμ_Y = 2 ∫ f H dμ_Y,
    mse = F2 - 2 F1 + 2 ω² D + Q*     ((1/d)||η(Y) - S*||²_F, via Stein's identity; Q* = Tr S*²/d),
    ω² = noise/(4 alpha) + mse/(2 alpha),        lam = ζ (2 alpha - D),

``D/2`` being the divergence of η per d² (spectral-function formula). Observables:
``test_error = E (y - f(x))² = 2 mse + noise``, ``excess_risk = 2 mse``,
``train_error = (1/n)Σ(y - f)² = ω² (2 alpha - D)²/alpha`` (the AMP residual identity),
``rank_fraction = μ_Y(ζ, ∞)`` (rank of the learned S over d: the number of active neurons),
``mean_eigenvalue = ∫ f dμ_Y`` (``Tr S/d = ||W||²_F/d``), ``top_eigenvalue = (edge of μ_Y - ζ)_+``,
``threshold`` = ζ, ``omega`` = ω. The learned matrix's spectrum is the push-forward of μ_Y by f
(:func:`learned_spectrum`).

Thresholds (derived here). ``recovery_threshold``: without noise and at lam -> 0+ the teacher is
recovered exactly (test error 0) iff ``alpha`` exceeds the threshold of ``nuclear-recovery``
(small-ω limit of this state evolution). ``interpolation_threshold``: with noise, the lam -> 0+
estimator interpolates (train error 0, ζ > 0, ``D = 2 alpha``) iff ``alpha`` is below it; above,
ζ -> 0 and it is the PSD-constrained least-squares fit with positive train error. At ζ = 0 it
solves ``ω² D - mse = noise/2`` (one root in ω), ``alpha = D/2``; it lies in
``(1/4, 1/2 - (1 - rho)²/4)`` (rho = min(kappa_star, 1)), tending to the upper end as noise -> 0+
and to 1/4 as noise -> ∞. Without noise the teacher itself interpolates, so it is ``inf``.
Regimes: ``lam = 0`` picks the exact-recovery, interpolating or zero-threshold branch from these
thresholds. Limits (tested): lam -> ∞ gives the null risk ``2 Q* + noise``; where μ_Y lies above ζ
the denoiser is affine and ``ω² = (noise/2 + ζ²)/(2 alpha - 1)``, ``ζ = lam/(2 alpha - 1)`` in closed
form; alpha -> ∞ gives ``test_error -> noise``.

Numerics. The spectral functionals are hand-written numpy on the discretized density (``nodes``
Chebyshev nodes, quadrature error ~1e-5 at 2000; a parameter, so convergence can be checked); the
state-evolution equations and observables are the sympy expressions below, compiled once. Each
point is solved robustly in the threshold multiplier ``chi = ζ/ω`` (for fixed chi the state
evolution is AMP's from ``S = 0``, iterated to its fixed point by bracketing, and
``lam(chi) = chi ω (2 alpha - D)`` is increasing and inverted by Brent's method), then polished
by Newton on the two equations; along a batch (``curve``) Newton starts from the previous point
and the robust path is the fallback (``method="nested"`` forces it). Finite-size note: with the
real quadratic measurements, Monte Carlo at d ~ 40 exceeds the theory's mse by ~10–15% (a
1/sqrt(d)-type correction of the non-Gaussian measurements); Gaussian measurements of the same
covariance agree at a few percent (tests).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy import optimize

from .. import free_probability as fp
from ..codegen import Kernel
from ..outcome import NumericOutput, Status
from ..validation import Integer, Interval, ParameterError, param
from . import nuclear_recovery
from ._registry import Model, Reference, Variant, register

_CONVERGED, _MAX_ITERATIONS, _NONFINITE = Status.CONVERGED, Status.MAX_ITERATIONS, Status.NONFINITE
_COARSE_NODES = 400
_TOL = 1e-10  # |residual| of the two state-evolution equations accepted at a solution

# -- the state evolution, in sympy ---------------------------------------------------------------
alpha, lam, noise = sp.symbols("alpha lam noise", nonnegative=True)
kappa_star = nuclear_recovery.kappa_star
omega, zeta = sp.symbols("omega zeta", nonnegative=True)
F2, F1, div, Q = sp.symbols("F2 F1 D Q", real=True)  # spectral functionals of μ_Y (numeric)
MSE = F2 - 2 * F1 + 2 * omega ** 2 * div + Q
EQUATIONS = (sp.Eq(omega ** 2, noise / (4 * alpha) + MSE / (2 * alpha)),
             sp.Eq(zeta * (2 * alpha - div), lam))
OBSERVABLES = {
    "test_error": 2 * MSE + noise,
    "excess_risk": 2 * MSE,
    "train_error": omega ** 2 * (2 * alpha - div) ** 2 / alpha,
    "mse": MSE,
}
_ARGS = (omega, zeta, F2, F1, div, Q)
_RESIDUALS = Kernel([e.lhs - e.rhs for e in EQUATIONS] + [2 * alpha - div], (alpha, lam, noise), _ARGS)
_OBSERVABLES = Kernel(list(OBSERVABLES.values()), (alpha, lam, noise), _ARGS)


def _call(kernel, a, l, n, u):
    out = kernel({"alpha": np.atleast_1d(a), "lam": np.atleast_1d(l), "noise": np.atleast_1d(n)},
                 np.atleast_2d(np.asarray(u, dtype=float)), 1)
    return [float(v[0]) for v in out]


# -- spectral functionals (hand-written numpy on the discretized density) ----------------------------
def functionals(density: fp.SpectralDensity, zeta_value: float) -> dict:
    """F2, F1, D of the PSD soft threshold at ζ, with their ζ-derivatives, rank and trace."""
    x, w, h = density.x, density.weights, density.hilbert
    above = x > zeta_value
    f = np.where(above, x - zeta_value, 0.0)
    wa = w * above
    return {
        "F2": float(w @ (f * f)), "F1": float(w @ (x * f)), "D": float(2 * (w @ (f * h))),
        "dF2": float(-2 * (w @ f)), "dF1": float(-(wa @ x)), "dD": float(-2 * (wa @ h)),
        "rank": density.mass_above(zeta_value), "trace": float(w @ f),
    }


def teacher_measure(kappa_star_value: float) -> fp.MarchenkoPastur:
    """The limit spectrum of S* = W*'W*/m*: Marchenko–Pastur of ratio d/m* = 1/kappa_star."""
    return fp.MarchenkoPastur(1.0 / float(kappa_star_value))


def _recovery_kernel_of():
    from ..codegen import Kernel  # a local name: the cached front then does not refer to codegen

    z = nuclear_recovery.zbar
    rho = sp.Symbol("rho", positive=True)
    psi = nuclear_recovery.psi(z, rho)
    return Kernel([psi, sp.diff(psi, z)], (rho,), (z,))


def _recovery_kernel():
    """psi(z) and psi'(z) of ``nuclear-recovery`` as numpy code, found in the code cache by name
    (built from the sympy formula on a cold cache only)."""
    from ..runtime import NamedKernel

    return NamedKernel("nuclear-route-recovery", (), _recovery_kernel_of)


def recovery_threshold(kappa_star_value: float) -> float:
    """min_z psi(z)/2 (the ``nuclear-recovery`` formula), by Brent's method on psi'."""
    r = min(float(kappa_star_value), 1.0)
    kern = _recovery_kernel()
    value = lambda z, i: float(kern({"rho": np.array([r])}, np.array([[z]]), 1)[i][0])
    if r >= 1.0:
        return value(0.0, 0) / 2
    z = optimize.brentq(lambda z: value(z, 1), 0.0, 2 * np.sqrt(1 - r), xtol=1e-14, rtol=1e-14)
    return value(z, 0) / 2


class _Solver:
    """State-evolution solutions for one teacher width and discretization (densities cached by ω)."""

    def __init__(self, kappa_star_value: float, nodes: int):
        self.measure = teacher_measure(kappa_star_value)
        self.q = self.measure.second_moment
        self.nodes = int(nodes)
        self.kappa_star = float(kappa_star_value)
        self.rtol = 1e-7  # of the bracketing solves (Newton polishes to _TOL afterwards)
        self._cache: OrderedDict = OrderedDict()

    def density(self, om: float) -> fp.SpectralDensity:
        key = float(om)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        dens = fp.add_semicircle(self.measure, key, nodes=self.nodes)
        self._cache[key] = dens
        if len(self._cache) > 64:
            self._cache.popitem(last=False)
        return dens

    def moments(self, om, z):
        dens = self.density(om)
        fn = functionals(dens, z)
        # Q* = ∫ x² dμ_Y - ω² exactly; taking ∫ x² on the same nodes makes F2 - 2F1 + Q the
        # quadrature of (x - f)² - ω², free of the O(1e-5) quadrature error of each term (it would
        # swamp mse ~ ω² as ω -> 0 near exact recovery).
        q = float(dens.weights @ dens.x ** 2) - om ** 2
        return fn, (om, z, fn["F2"], fn["F1"], fn["D"], q)

    def residuals(self, a, l, n, om, z):
        fn, u = self.moments(om, z)
        r1, r2, gap = _call(_RESIDUALS, a, l, n, u)
        return r1, r2, gap, fn

    # -- the AMP fixed point at a fixed threshold multiplier chi = ζ/ω ----------------------------
    def omega_at(self, a, n, chi):
        """ω of the state evolution iterated from S = 0 with threshold chi ω; 0 (exact recovery) or
        None (no fixed point: the iteration diverges)."""
        h = lambda om: self.residuals(a, 0.0, n, om, chi * om)[0]
        start = np.sqrt(n / (4 * a) + self.q / (2 * a))
        hi = start
        if h(hi) > 0:  # the iteration decreases: the largest root below the start
            lo = hi * 0.7
            while h(lo) > 0:
                hi, lo = lo, lo * 0.7
                if lo < 1e-9 * start:
                    return 0.0
        else:  # it increases: the smallest root above
            lo = hi
            hi = hi * 1.5
            while h(hi) <= 0:
                lo, hi = hi, hi * 1.5
                if hi > 1e4 * start:
                    return None
        return optimize.brentq(h, lo, hi, xtol=1e-12 * hi, rtol=self.rtol)

    def calibration(self, a, n, chi):
        """(lam(chi), ω, gap = 2 alpha - D); lam = -inf where the state evolution diverges."""
        om = self.omega_at(a, n, chi)
        if om is None:
            return -np.inf, None, -np.inf
        if om == 0.0:
            return 0.0, 0.0, np.nan
        r1, r2, gap, _ = self.residuals(a, 0.0, n, om, chi * om)
        return chi * om * gap, om, gap

    def _root_in_chi(self, fn, target):
        """chi with fn(chi) = target, fn increasing (invalid -> -inf below the valid range)."""
        hi = 1.0
        while fn(hi) <= target:
            hi *= 2.0
            if hi > 1e8:
                raise ArithmeticError("nuclear-route: the calibration did not bracket the penalty")
        lo = hi / 2
        while fn(lo) > target:
            hi, lo = lo, lo / 2
            if lo < 1e-12:
                lo = 0.0
                break
        if not np.isfinite(fn(lo)):  # bisect into the valid range
            a_, b_ = lo, hi
            for _ in range(60):
                m = 0.5 * (a_ + b_)
                v = fn(m)
                if not np.isfinite(v):
                    a_ = m
                elif v > target:
                    b_ = m
                else:
                    lo = m
                    break
            else:
                lo = b_
            hi = max(hi, lo)
        return optimize.brentq(lambda c: fn(c) - target, lo, hi, xtol=1e-12, rtol=self.rtol)

    # -- a point --------------------------------------------------------------------------------------
    def branch(self, a, l, n):
        if l > 0:
            return "penalized"
        if n == 0:
            return "recovery" if a >= recovery_threshold(self.kappa_star) else "interpolating"
        return "interpolating" if a < interpolation_threshold(self.kappa_star, n, self.nodes) else "zero-threshold"

    def nested(self, a, l, n, kind):
        """A robust (bracketing) solution (ω, ζ) of the given branch."""
        if kind == "zero-threshold":
            return self.omega_at(a, n, 0.0), 0.0
        if kind == "interpolating":
            gap = lambda c: self.calibration(a, n, c)[2]
            chi = self._root_in_chi(gap, 0.0)
        else:
            chi = self._root_in_chi(lambda c: self.calibration(a, n, c)[0], l)
        om = self.omega_at(a, n, chi)
        return om, chi * om

    def newton(self, a, l, n, kind, om, z, iterations=30):
        """Newton on the two equations (ζ-derivatives exact, ω-derivative by a difference)."""
        use_gap = kind == "interpolating"
        for it in range(iterations):
            r1, r2, gap, fn = self.residuals(a, l, n, om, z)
            second = gap if use_gap else r2
            if kind == "zero-threshold":
                res = abs(r1)
            else:
                res = max(abs(r1), abs(second))
            if res < _TOL:
                return om, z, res, it
            h = 1e-6 * om
            s1, s2, sgap, _ = self.residuals(a, l, n, om + h, z)
            d1w = (s1 - r1) / h
            d2w = ((sgap if use_gap else s2) - second) / h
            dmse_z = fn["dF2"] - 2 * fn["dF1"] + 2 * om ** 2 * fn["dD"]
            if kind == "zero-threshold":
                step_w, step_z = -r1 / d1w, 0.0
            else:
                d1z = -dmse_z / (2 * a)
                d2z = -fn["dD"] if use_gap else gap - z * fn["dD"]
                det = d1w * d2z - d1z * d2w
                if not np.isfinite(det) or det == 0:
                    break
                step_w = -(r1 * d2z - d1z * second) / det
                step_z = -(d1w * second - d2w * r1) / det
            t = 1.0  # keep ω > 0 and ζ >= 0
            while om + t * step_w <= 0 or z + t * step_z < 0:
                t /= 2
                if t < 1e-6:
                    break
            om, z = om + t * step_w, max(z + t * step_z, 0.0)
        r1, r2, gap, _ = self.residuals(a, l, n, om, z)
        return om, z, max(abs(r1), abs(gap if use_gap else r2)) if kind != "zero-threshold" else abs(r1), iterations

    def observables(self, a, l, n, om, z):
        if om == 0.0:  # exact recovery (noiseless, lam = 0, alpha >= recovery threshold)
            lo, hi = self.measure.pieces[0]
            values = {"test_error": 0.0, "excess_risk": 0.0, "train_error": 0.0, "mse": 0.0,
                      "rank_fraction": 1.0 - self.measure.atom, "mean_eigenvalue": self.measure.mean,
                      "top_eigenvalue": hi}
        else:
            fn, u = self.moments(om, z)
            values = dict(zip(OBSERVABLES, _call(_OBSERVABLES, a, l, n, u)))
            values.update(rank_fraction=fn["rank"], mean_eigenvalue=fn["trace"],
                          top_eigenvalue=max(self.density(om).top - z, 0.0))
        values.update(omega=om, threshold=z)
        return values


@functools.lru_cache(maxsize=256)
def _solver(kappa_star_value: float, nodes: int) -> _Solver:
    return _Solver(kappa_star_value, nodes)


@functools.lru_cache(maxsize=1024)
def interpolation_threshold(kappa_star_value: float, noise_value: float, nodes: int = 2000) -> float:
    """alpha below which the lam -> 0+ estimator interpolates noisy labels (inf without noise)."""
    if noise_value == 0:
        return np.inf
    solver = _solver(float(kappa_star_value), int(nodes))

    def excess(om):  # ω² D - mse - noise/2 at ζ = 0, increasing in ω
        fn, u = solver.moments(om, 0.0)
        mse = u[2] - 2 * u[3] + 2 * om ** 2 * u[4] + u[5]
        return om ** 2 * fn["D"] - mse - noise_value / 2

    lo, hi = 1e-3, 1.0
    while excess(hi) <= 0:
        lo, hi = hi, hi * 2
    while excess(lo) > 0:
        hi, lo = lo, lo / 2
    om = optimize.brentq(excess, lo, hi, xtol=1e-13, rtol=1e-12)
    return functionals(solver.density(om), 0.0)["D"] / 2


def solve_point(alpha_value, lam_value, noise_value, kappa_star_value, nodes=2000, start=None):
    """(observables, residual, iterations, kind, (ω, ζ)) at one point; ``start`` = (kind, ω, ζ) of a
    neighbouring solution for Newton (the robust nested solve is the fallback)."""
    a, l, n = float(alpha_value), float(lam_value), float(noise_value)
    solver = _solver(float(kappa_star_value), int(nodes))
    kind = solver.branch(a, l, n)
    if kind == "recovery":
        return solver.observables(a, l, n, 0.0, 0.0), 0.0, 0, kind, (0.0, 0.0)
    if start is not None and start[0] == kind and start[1] > 0:
        om, z, res, it = solver.newton(a, l, n, kind, start[1], start[2])
        if res < _TOL and 0.5 < om / start[1] < 2.0 and (kind == "zero-threshold" or z > 0):
            return solver.observables(a, l, n, om, z), res, it, kind, (om, z)
    # the robust solve on a coarser discretization (its answer moves by ~1e-4), then Newton on this one
    coarse = _solver(float(kappa_star_value), min(int(nodes), _COARSE_NODES))
    om, z = coarse.nested(a, l, n, kind)
    om, z, res, it = solver.newton(a, l, n, kind, om, z)
    return solver.observables(a, l, n, om, z), res, it, kind, (om, z)


def learned_spectrum(alpha, lam, noise, kappa_star, nodes: int = 2000):
    """Spectrum of the learned matrix S (eigenvalues of S; the network's ``W'W``): ``(eigenvalues,
    density, atom)``, the density of the positive eigenvalues at the quadrature nodes and the
    fraction of zero eigenvalues (the push-forward of μ_Y by ``(x - ζ)_+``)."""
    obs, res, _, kind, (om, z) = solve_point(alpha, lam, noise, kappa_star, nodes)
    if kind == "recovery":
        raise ParameterError("nuclear-route: at exact recovery the learned spectrum is the teacher's "
                             "(Marchenko–Pastur of ratio 1/kappa_star)")
    dens = _solver(float(kappa_star), int(nodes)).density(om)
    keep = dens.x > z
    return dens.x[keep] - z, dens.density[keep], float(1.0 - dens.weights[keep].sum())


_METHODS = ("auto", "nested")


def _compute(params, values, batch, method):
    if method not in _METHODS:
        raise ParameterError(f"nuclear-route: parameter 'method' must be one of {', '.join(map(repr, _METHODS))}; "
                             f"got {method!r}")
    names = tuple(MODEL.observables)
    obs = {k: np.full(batch, np.nan) for k in names}
    status = np.full(batch, _CONVERGED, dtype=np.int8)
    residual = np.zeros(batch)
    iterations = np.zeros(batch, dtype=np.int64)
    previous: dict = {}
    for i in range(batch):
        ks, nodes = float(values["kappa_star"][i]), int(values["nodes"][i])
        a, l, n = (float(values[k][i]) for k in ("alpha", "lam", "noise"))
        start = previous.get((ks, nodes)) if method == "auto" else None
        try:
            out, res, it, kind, sol = solve_point(a, l, n, ks, nodes, start)
        except (ArithmeticError, ValueError, RuntimeError, FloatingPointError):
            status[i], residual[i] = _NONFINITE, np.nan
            continue
        previous[(ks, nodes)] = (kind,) + tuple(sol)
        out["interpolation_threshold"] = interpolation_threshold(ks, n, nodes)
        out["recovery_threshold"] = recovery_threshold(ks)
        for k in names:
            obs[k][i] = out[k]
        residual[i], iterations[i] = res, it
        if not res < _TOL:
            status[i] = _MAX_ITERATIONS
    return NumericOutput(obs, status, residual, iterations, method + ":chi-calibration+newton")


_LATEX = r"""\begin{aligned}
\omega^2 &= \frac{\Delta}{4\alpha} + \frac{\mathrm{mse}}{2\alpha},\qquad
\lambda = \zeta\,(2\alpha - D),\qquad
\mathrm{mse} = F_2 - 2F_1 + 2\omega^2 D + Q_*,\\
F_2 &= \int (x-\zeta)_+^2\,d\mu_Y,\quad F_1 = \int x(x-\zeta)_+\,d\mu_Y,\quad
D = 2\int (x-\zeta)_+ \,\mathcal{H}\mu_Y(x)\,d\mu_Y,\quad
\mu_Y = \mathrm{MP}(1/\kappa_*) \boxplus \sigma_{\omega}
\end{aligned}"""


@dataclass(frozen=True, kw_only=True)
class Params:
    """Quadratic networks / PSD sensing with n = alpha d² samples, teacher width kappa_star d."""

    alpha: float = param(domain=Interval(0, np.inf), doc="sample ratio n/d²", symbol="α")
    lam: float = param(0.0, domain=Interval(0, np.inf, low_closed=True), symbol="λ", aliases=("lambda",),
                       doc="l2 penalty: (1/(2d)) Σ (y - f)² + lam ||W||_F² (= lam Tr S); 0 = the limit lam -> 0+")
    noise: float = param(0.0, domain=Interval(0, np.inf, low_closed=True), symbol="Δ",
                         doc="label-noise variance Δ")
    kappa_star: float = param(domain=Interval(0, np.inf), doc="teacher width ratio m*/d", symbol="κ*")
    nodes: float = param(2000, domain=Integer(200, 50000, True, True),
                         doc="quadrature nodes of the discretized spectral density (numerical)")


MODEL = register(Model(
    name="nuclear-route",
    summary="l2-regularized ERM of over-parameterized quadratic networks = nuclear-norm PSD sensing: "
            "train/test error, learned spectrum, interpolation and recovery thresholds (n = alpha d²)",
    variants=(Variant("default", Params, None,
                      "state evolution with the PSD eigenvalue soft-threshold denoiser (derived here)",
                      example={"alpha": 0.6, "lam": 0.05, "noise": 0.1, "kappa_star": 0.5},
                      compute=_compute, equations=_LATEX),),
    references=(
        Reference("erba2025nuclear", nuclear_recovery._BIB_ETZK,
                  "the mapping of l2-regularized ERM to nuclear-norm PSD sensing; sharp asymptotics via "
                  "AMP and Gaussian universality; interpolation and strong-recovery thresholds "
                  "[src-abstract: only the abstract and a summary were read; every equation here is "
                  "derived independently]"),
        Reference("amelunxen2014living", nuclear_recovery._BIB_ALMT,
                  "statistical dimension and phase transitions of convex programs [recalled]"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "test_error": "E (y - f(x))² on a fresh sample, label noise included (= 2 mse + noise)",
        "excess_risk": "test_error - noise = (2/d)||S - S*||²_F",
        "train_error": "(1/n) Σ (y_μ - f(x_μ))² (labels include noise)",
        "mse": "(1/d)||S - S*||²_F",
        "omega": "effective noise ω of the denoiser input S* + ω W (W a GOE, semicircle on [-2, 2])",
        "threshold": "eigenvalue soft threshold ζ of the PSD denoiser",
        "rank_fraction": "rank(S)/d (active neurons over d)",
        "mean_eigenvalue": "Tr S / d = ||W||²_F / d",
        "top_eigenvalue": "largest eigenvalue of S",
        "interpolation_threshold": "alpha below which lam -> 0+ interpolates noisy labels (inf if noise = 0)",
        "recovery_threshold": "alpha above which noiseless lam -> 0+ recovers the teacher (nuclear-recovery)",
    },
))

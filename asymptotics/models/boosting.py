"""Continuous-time l2-boosting: its l1-regularization path, early stopping, and its interpolation limit.

Setting (Su, Li, Liu 2026, arXiv:2605.06314; only the abstract was available, so everything below
is DERIVED HERE from the LASSO state evolution and checked by Monte Carlo). ``n`` samples, ``p``
features, design ``A`` (n x p) with rows ``a_i ~ N(0, Sigma/n)``, ``y = A x0 + w``,
``w_i ~ N(0, noise)``. Continuous-time l2-boosting on the raw features is infinitesimal forward
stagewise (FS_0; each step moves the feature most correlated with the residual ``r`` by an
infinitesimal amount in the sign of its correlation). Its path is indexed by the level
``lam = ||A'r||_inf`` of the largest correlation, which decreases from ``||A'y||_inf`` to ``0``
(interpolation); ``time`` is the l1 arc length of the coefficient path divided by ``n`` (steps of
size ``eps`` times ``eps``, per sample). Risk: ``excess_risk = E_a (a'(x_hat - x0))^2`` for a fresh
row (no noise), ``test_error = excess_risk + noise``.

The l1-path idealization (DERIVED HERE; a heuristic for boosting, exact for the LASSO path).
The FS_0 path coincides with the LASSO path ``argmin (1/2)||y - Ax||^2 + lam ||x||_1`` (same
``lam``) as long as that path is monotone, i.e. no LASSO coefficient shrinks in magnitude (FS_0
moves each coordinate only in the sign of its correlation; Efron et al. 2004; Hastie et al. 2007),
and then its end point is the minimum-l1-norm interpolant (the abstract's l1 implicit bias,
"under a path condition"). The observables of the path are therefore those of the LASSO at
``lam``, from the AMP state evolution (``lasso``; Bayati–Montanari 2012) with soft threshold
``theta = alpha tau`` per coordinate:

    tau^2 = noise + R(tau, alpha),     lam = alpha tau (1 - D(tau, alpha)),

where ``R = (1/n) E||eta - x0||^2_Sigma`` (the excess risk) and ``D = E||eta||_0 / n`` (active
coordinates per sample). At ``lam = 0`` the second equation is the interpolation condition
``D = 1`` (basis pursuit, ``basis-pursuit``). MEASURED (tests, n = 50..200, p/n = 4): on Gaussian
designs the FS_0 path does NOT stay on the LASSO path; the two agree closely while
``lam`` is large (risk ratio 1.00 at ``lam >= 2 sqrt(noise)``), but FS_0's end point is a
different interpolant (l1 norm ~3% larger than the minimum) whose pure-noise excess variance is
~14% LOWER than the min-l1 interpolant's, at every n tried. So ``excess_risk`` here is exact for
the LASSO path and min-l1 interpolation, and an approximation for boosting near interpolation.

Early stopping (subdifferential rule, DERIVED HERE as the natural reading of the abstract).
Along FS_0, ``dL/d(arc) = -lam`` for ``L = ||r||^2/2``: the path is a subgradient flow of the l1
geometry and ``lam(t)`` decreases continuously. The rule stops at the first time ``lam(t) <=
lam_stop``, a noise-level threshold, i.e. at the path point of level ``lam_stop``; with unit-norm
columns the noise correlations are ``N(0, noise)`` and the universal choice is ``lam_stop =
sqrt(2 noise log p)`` (``asymptotics.simulate.boosting.stopping_level``), so the rule's risk is
``excess_risk`` evaluated at that ``lam``. Its scale-free version (stop when ``lam <= c ||r||
sqrt(2 log p / n)``) stops at the threshold multiplier ``alpha = c sqrt(2 log p)`` (since
``||r||/sqrt(n) = tau (1 - D)`` at the fixed point: DERIVED HERE), also an observable. The
``oracle_*`` observables are the path point of smallest risk (minimum over ``lam`` of the state
evolution: ``d R(tau, alpha)/d alpha = 0`` at fixed ``tau``; interior, ``lam > 0``, in every case
tried); under the idealization it equals the optimally tuned LASSO
(``tuned_lasso_excess_risk``). Without signal the oracle stops at time 0: risk 0, ``oracle_lam =
inf`` (a genuine divergence).

Interpolation of pure noise (``x0 = 0``): ``excess_variance`` is the risk of the min-l1 interpolant
of the noise alone, decaying only like ``noise/log(p/n)``; ``rate = excess_variance log(p/n)/noise
-> 1`` as ``p/n -> inf`` (constant 1 in this normalization, slowly: ``rate - 1 ~ (log(pi log(p/n))
- 3)/(2 log(p/n))``, see ``basis-pursuit``); ``min_l2_excess_variance`` is the minimum-l2-norm
interpolant's (``noise n/(p - n)`` isotropic).

Variants.
- ``isotropic``: ``Sigma = I``, ``delta = n/p < 1``, ``x0`` iid from a sparse prior (those of
  ``lasso``); at ``lam = 0`` identical to ``basis-pursuit``.
- ``spiked``: ``Sigma = diag(spike, ..., spike, 1, ..., 1)`` with ``k*`` head eigenvalues
  ``spike >= 1`` and ``r_2 = p - k*`` tail eigenvalues 1 (BLLT's effective rank of the tail
  ``r_{k*}(Sigma) = r_2``), ``head = k*/n``, ``tail = r_2/n``, ``head + tail > 1``; the target
  lives on the head with iid Gaussian coordinates of total power ``signal = E (a'x0)^2 n``.
  DERIVED HERE: in ``u = Sigma^{1/2} x`` coordinates the design is iid and the raw l1 penalty is a
  weighted one, ``sum_j |u_j|/sqrt(Sigma_jj)``; the AMP state evolution of a separable denoiser
  with two coordinate classes gives the equations above with per-class thresholds
  ``alpha tau / sqrt(Sigma_jj)``:
  ``R = head E(eta(U + tau Z; alpha tau/sqrt(spike)) - U)^2 + tail tau^2 m(alpha)``,
  ``U ~ N(0, signal/head)``, ``D = head 2 Phi(-alpha tau/(sqrt(spike) s)) + tail 2 Phi(-alpha)``
  (``s^2 = signal/head + tau^2``), ``m(a) = 2[(1 + a^2) Phi(-a) - a phi(a)]``. Pure noise at
  interpolation: ``alpha`` solves ``head 2 Phi(-alpha/sqrt(spike)) + tail 2 Phi(-alpha) = 1`` and
  ``excess_variance = noise v/(1 - v)``, ``v = head m(alpha/sqrt(spike)) + tail m(alpha)``, split
  into ``head_variance`` and ``tail_variance``. Limits (tests): ``spike = 1`` is ``isotropic`` with
  ``delta = 1/(head + tail)``; ``spike -> inf`` makes the head unpenalized, and then
  ``tail_variance`` equals the isotropic excess variance at ``p/n = tail/(1 - head)``, so ``tail_rate = tail_variance log(tail)/noise -> 1`` as
  ``tail -> inf``: the abstract's ``Theta(noise/log(r_2/n))``; the head adds ``~noise head/(1 -
  head)`` unless ``k*/n -> 0`` or ``spike`` stays finite (then the head is eventually thresholded
  too and ``rate = excess_variance log(tail)/noise -> 1``). Boosting with standardized features
  (componentwise least squares) is the ``isotropic`` problem in ``u`` coordinates (DERIVED HERE).
  ``min_l2_excess_variance``: ``noise d2/(1 - d2)``, ``d2 = head spike^2/(spike + kappa)^2 +
  tail/(1 + kappa)^2`` with ``head spike/(spike + kappa) + tail/(1 + kappa) = 1`` (ridge,
  general covariance, at ``lam = 0``).

Per-sample observables: ``l1_norm = ||x_hat||_1/n`` (raw coordinates), ``time`` (``= l1_norm``
under the idealization: a monotone path's arc length is its l1 norm), ``nonzero_fraction =
||x_hat||_0/p``, ``alpha`` (threshold multiplier ``lam sqrt(n)/||r||``), ``tau``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import System, Unknown
from ..validation import Interval, ParameterError, param
from . import _amp
from ._registry import Model, Reference, Variant, register
from .basis_pursuit import _BIB_SLL, pure_noise
from .lasso import PriorParams, REFERENCES as _LASSO_REFS, se_moments

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

delta, noise, eps, lam, signal = sp.symbols("delta noise eps lam signal", nonnegative=True)
head, tail, spike = sp.symbols("head tail spike", nonnegative=True)
tau2, tau2_o = sp.symbols("tau2 tau2_o", nonnegative=True)
alpha, alpha_o, alpha_v = sp.symbols("alpha alpha_o alpha_v", positive=True)
kappa = sp.Symbol("kappa", nonnegative=True)
# prepared by ``_prepare`` (a scan of the state evolution on a grid of alpha)
PREPARED = ("alpha_guess", "tau2_guess", "alpha_o_guess", "tau2_o_guess", "alpha_v_guess",
            "kappa_guess", "pure_noise")
(ALPHA_G, TAU2_G, ALPHA_O_G, TAU2_O_G, ALPHA_V_G, KAPPA_G, PURE) = sp.symbols(
    " ".join(PREPARED), real=True)
_HALF = sp.Rational(1, 2)


def _m(a):
    """E eta(Z; a)^2 = 2[(1 + a^2) Phi(-a) - a phi(a)]: soft-threshold variance of pure noise."""
    return 2 * ((1 + a ** 2) * _amp.Phi(-a) - a * _amp.phi(a))


def soft_abs_at(x, tau, theta):
    """E |eta(x + tau Z; theta)| for a fixed signal value x: E(Y - theta)_+ + E(-Y - theta)_+."""
    a, b = (x - theta) / tau, (-x - theta) / tau
    return (x - theta) * _amp.Phi(a) + tau * _amp.phi(a) + (-x - theta) * _amp.Phi(b) + tau * _amp.phi(b)


def soft_gauss(var, tau, theta):
    """(E(eta(U + tau Z; theta) - U)^2, P(|U + tau Z| > theta), E|eta|) for U ~ N(0, var).

    With ``Y = U + tau Z ~ N(0, v)``, ``v = var + tau^2``, ``a = theta/sqrt(v)``: ``E eta^2 = v m(a)``,
    ``E[U eta] = (var/v) E[Y eta] = var 2 Phi(-a)`` (Stein), ``E|eta| = 2 [sqrt(v) phi(a) - theta
    Phi(-a)]``; valid at ``var = 0``.
    """
    v = var + tau ** 2
    a = theta / sp.sqrt(v)
    return (v * _m(a) - 4 * var * _amp.Phi(-a) + var, 2 * _amp.Phi(-a),
            2 * (sp.sqrt(v) * _amp.phi(a) - theta * _amp.Phi(-a)))


# -- the two designs: (excess risk R, actives per sample D, l1 per sample) at (tau, alpha) ------
def isotropic_blocks(prior: str, tau, a):
    mse, df, _ = se_moments(prior, tau, a * tau)
    l1 = _amp.prior_average(prior, eps, lambda x: soft_abs_at(x, tau, a * tau),
                            lambda: soft_gauss(1, tau, a * tau)[2])
    return mse / delta, df / delta, l1 / delta


def spiked_blocks(tau, a):
    var_h = sp.Piecewise((signal / head, head > 0), (0, True))
    mse_h, df_h, abs_h = soft_gauss(var_h, tau, a * tau / sp.sqrt(spike))
    risk = head * mse_h + tail * tau ** 2 * _m(a)
    actives = head * df_h + tail * 2 * _amp.Phi(-a)
    l1 = head * abs_h / sp.sqrt(spike) + tail * 2 * tau * (_amp.phi(a) - a * _amp.Phi(-a))
    return risk, actives, l1


def _system(parameters, blocks, pure_observables, samples_per_feature, extra_unknowns=(),
            extra_equations=()):
    tau, tau_o = sp.sqrt(tau2), sp.sqrt(tau2_o)
    risk, actives, l1 = blocks(tau, alpha)
    risk_o, actives_o, l1_o = blocks(tau_o, alpha_o)
    pure = PURE > _HALF
    # the oracle: d risk/d alpha = 0 at fixed tau (then d tau^2/d alpha = 0 at the fixed point),
    # scaled by tau^2 to be dimensionless
    stationary = sp.diff(risk_o, alpha_o) / tau2_o
    oracle_risk = sp.Piecewise((0, pure), (risk_o, True))
    observables = {
        "excess_risk": risk,
        "test_error": risk + noise,
        "lasso_excess_risk": risk,
        "l1_norm": l1,
        "time": l1,
        "nonzero_fraction": actives * samples_per_feature,
        "tau": tau,
        "alpha": alpha,
        "oracle_excess_risk": oracle_risk,
        "tuned_lasso_excess_risk": oracle_risk,
        "oracle_lam": sp.Piecewise((sp.oo, pure), (alpha_o * tau_o * (1 - actives_o), True)),
        "oracle_time": sp.Piecewise((0, pure), (l1_o, True)),
    }
    observables.update(pure_observables)
    return System(
        parameters=parameters + tuple(sp.Symbol(k, real=True) for k in PREPARED),
        unknowns=(Unknown(tau2, guess=TAU2_G, lower=0.0, doc="effective noise tau^2 at level lam"),
                  Unknown(alpha, guess=ALPHA_G, lower=0.0, doc="threshold multiplier at level lam"),
                  Unknown(tau2_o, guess=TAU2_O_G, lower=0.0, doc="tau^2 at the oracle stop"),
                  Unknown(alpha_o, guess=ALPHA_O_G, lower=0.0, doc="alpha at the oracle stop"))
        + tuple(extra_unknowns),
        equations=(sp.Eq(tau2, noise + risk),
                   sp.Eq(lam, alpha * tau * (1 - actives)),
                   sp.Eq(sp.Piecewise((tau2_o - noise, pure), (tau2_o - noise - risk_o, True)), 0),
                   sp.Eq(sp.Piecewise((alpha_o - ALPHA_O_G, pure), (stationary, True)), 0))
        + tuple(extra_equations),
        observables=observables,
    )


@functools.lru_cache(maxsize=None)
def isotropic_system(prior: str) -> System:
    a0, v, variance = pure_noise()
    rate = variance * sp.log(1 / delta) / noise
    # no head: the isotropic design is the spiked one with head = 0 (all of p is tail)
    pure_obs = {"excess_variance": variance, "head_variance": sp.S.Zero,
                "tail_variance": variance, "rate": rate, "tail_rate": rate,
                "min_l2_excess_variance": noise * delta / (1 - delta)}
    return _system((delta, noise, eps, lam), lambda t, a: isotropic_blocks(prior, t, a), pure_obs,
                   delta)


@functools.lru_cache(maxsize=None)
def spiked_system() -> System:
    s = sp.sqrt(spike)
    m_h, m_t = head * _m(alpha_v / s), tail * _m(alpha_v)
    v = m_h + m_t
    variance = noise * v / (1 - v)
    d2 = head * spike ** 2 / (spike + kappa) ** 2 + tail / (1 + kappa) ** 2
    pure_obs = {"excess_variance": variance,
                "head_variance": noise * m_h / (1 - v),
                "tail_variance": noise * m_t / (1 - v),
                "rate": variance * sp.log(tail) / noise,
                "tail_rate": noise * m_t / (1 - v) * sp.log(tail) / noise,
                "min_l2_excess_variance": noise * d2 / (1 - d2)}
    return _system(
        (head, tail, spike, signal, noise, lam), spiked_blocks, pure_obs, 1 / (head + tail),
        extra_unknowns=(Unknown(alpha_v, guess=ALPHA_V_G, lower=0.0,
                                doc="threshold multiplier of the min-l1 interpolant of pure noise"),
                        Unknown(kappa, guess=KAPPA_G, lower=0.0,
                                doc="effective ridge of the min-l2 interpolant")),
        extra_equations=(
            sp.Eq(head * 2 * _amp.Phi(-alpha_v / s) + tail * 2 * _amp.Phi(-alpha_v), 1),
            sp.Eq(head * spike / (spike + kappa) + tail / (1 + kappa), 1)))


# -- guesses: a scan of the state evolution on a grid of alpha ----------------------------------
def _bisect(f, lo, hi, iterations=100):
    """Root of a decreasing vectorized f on [lo, hi] (elementwise)."""
    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        pos = f(mid) > 0
        lo, hi = np.where(pos, mid, lo), np.where(pos, hi, mid)
    return (lo + hi) / 2


def _scan_kernel(kind: str, prior: str | None):
    """The scan's state-evolution residual as numpy code, found in the code cache by (kind,
    prior) (built from the sympy blocks on a cold cache only)."""
    from ..runtime import NamedKernel

    return NamedKernel("boosting-scan", (kind, str(prior)), lambda: _scan_kernel_of(kind, prior))


def _scan_kernel_of(kind: str, prior: str | None):
    from ..codegen import Kernel

    tau = sp.sqrt(tau2)
    if kind == "isotropic":
        risk, actives, _ = isotropic_blocks(prior, tau, alpha)
        params = (delta, noise, eps, alpha)
    else:
        risk, actives, _ = spiked_blocks(tau, alpha)
        params = (head, tail, spike, signal, noise, alpha)
    f = tau2 - noise - risk
    return Kernel([f, sp.diff(f, tau2), actives, risk], params, (tau2,))


def _scan(kind, prior, values, m_eff, power, lam_v, grid_size=240):
    """Guesses for the path and oracle unknowns and the pure-noise flag, from tau^2(alpha) on a grid.

    ``m_eff(alpha)`` is the pure-noise slope R/tau^2 (the state evolution diverges where it
    reaches 1), ``power`` the signal power E(a'x0)^2 n. On the grid, tau^2 solves the fixed point
    by Newton from the upper bound (noise + power)/(1 - m_eff) (soft thresholding risk <= x^2 +
    its risk at 0), where the residual is positive and convex: monotone convergence.
    """
    npts = power.size
    lo = _bisect(lambda a: m_eff(a) - 1, np.zeros(npts), np.full(npts, 40.0))
    x = np.linspace(0.0, 1.0, grid_size)[1:]
    grid = lo[:, None] + 1e-3 + 14.0 * x[None, :] ** 2  # (npts, K), dense near the divergence
    kern = _scan_kernel(kind, prior)
    batch = {k: np.repeat(np.asarray(v, dtype=float), grid.shape[1]) for k, v in values.items()
             if np.ndim(v) <= 1 and not k.startswith("prior_")}
    batch.update({k: v for k, v in values.items() if k.startswith("prior_")})
    batch["alpha"] = grid.ravel()
    t2 = ((noise_of(values) + power)[:, None] / (1 - m_eff(grid))).ravel()
    for _ in range(80):
        f, df, _, _ = kern(batch, t2[:, None])
        t2 = np.maximum(t2 - f / df, 0.0)
    _, _, act, risk = kern(batch, t2[:, None])
    t2, act, risk = (v.reshape(grid.shape) for v in (t2, act, risk))
    lam_grid = grid * np.sqrt(t2) * (1 - act)  # increasing in alpha where >= 0
    out = {k: np.zeros(npts) for k in PREPARED}
    for i in range(npts):
        ok = lam_grid[i] >= 0
        if not ok.any():
            raise ParameterError("boosting: no alpha on the scan grid interpolates the data "
                                 "(is p > n?)")
        li, ai, ti, ri = lam_grid[i][ok], grid[i][ok], t2[i][ok], risk[i][ok]
        target = lam_v[i]
        if target >= li[-1]:
            out["alpha_guess"][i] = ai[-1] * target / li[-1]
            out["tau2_guess"][i] = ti[-1]
        else:
            out["alpha_guess"][i] = np.interp(target, li, ai)
            out["tau2_guess"][i] = np.interp(target, li, ti)
        if power[i] == 0:
            out["pure_noise"][i] = 1.0
            out["alpha_o_guess"][i] = 10.0
            out["tau2_o_guess"][i] = noise_of(values)[i]
            continue
        # In every case tried the minimum is interior (lam_opt > 0; high SNR near delta = 1
        # included); one at the interpolation end would show up as oracle_lam <= 0.
        k = int(np.argmin(ri))
        out["alpha_o_guess"][i] = ai[k]
        out["tau2_o_guess"][i] = ti[k]
    return out


def noise_of(values):
    return np.asarray(values["noise"], dtype=float)


def _flat(p, names):
    shape = np.broadcast(*(np.asarray(getattr(p, k)) for k in names)).shape
    return shape, {k: np.broadcast_to(np.asarray(getattr(p, k), dtype=float), shape).ravel()
                   for k in names}


def _m_numeric(a):
    from scipy.special import ndtr

    return 2 * ((1 + a ** 2) * ndtr(-a) - a * np.exp(-a ** 2 / 2) / np.sqrt(2 * np.pi))


def _col(x, a):
    """Per-point parameter x (npts,) shaped to broadcast against a (npts,) or (npts, K)."""
    return x if a.ndim == 1 else x[:, None]


def _prepare_isotropic(p):
    shape, v = _flat(p, ("delta", "noise", "eps", "lam"))
    values = {k: v[k] for k in ("delta", "noise", "eps")}
    if p.prior == "empirical":
        values["prior_values"], values["prior_weights"] = p.prior_values, p.prior_weights
        power = float(np.sum(p.prior_weights * p.prior_values ** 2)) / v["delta"]
    else:
        power = v["eps"] / v["delta"]  # E X0^2 = eps for both named priors
    d = v["delta"]
    out = _scan("isotropic", p.prior, values, lambda a: _m_numeric(a) / _col(d, a), power, v["lam"])
    return {k: val.reshape(shape) for k, val in out.items()}


def _prepare_spiked(p):
    from scipy.special import ndtr

    shape, v = _flat(p, ("head", "tail", "spike", "signal", "noise", "lam"))
    h, t, s = v["head"], v["tail"], v["spike"]

    def slope(a):
        return _col(h, a) * _m_numeric(a / np.sqrt(_col(s, a))) + _col(t, a) * _m_numeric(a)

    out = _scan("spiked", None, {k: v[k] for k in ("head", "tail", "spike", "signal", "noise")},
                slope, v["signal"], v["lam"])
    out["alpha_v_guess"] = _bisect(
        lambda a: h * 2 * ndtr(-a / np.sqrt(s)) + t * 2 * ndtr(-a) - 1, np.zeros(h.size),
        np.full(h.size, 60.0))
    out["kappa_guess"] = _bisect(lambda k: h * s / (s + k) + t / (1 + k) - 1, np.zeros(h.size),
                                 (h * s + t) * 2 + 1)
    return {k: val.reshape(shape) for k, val in out.items()}


# -- parameters ---------------------------------------------------------------------------------
_DOC_LAM = ("level of the path: ||A'r||_inf = lam (the LASSO penalty under the idealization; the "
            "early-stopping rule's threshold; 0 = interpolation)")
_DOC_NOISE = "noise variance Var w_i (> 0)"


@dataclass(frozen=True, kw_only=True)
class IsotropicParams(PriorParams):
    """Sigma = I; x0 iid from the prior."""

    delta: float = param(domain=Interval(0, 1), doc="n/p < 1 (samples per feature)", symbol="δ")
    noise: float = param(1.0, domain=_POS, doc=_DOC_NOISE, symbol="σ²")
    eps: float = param(0.0, domain=Interval(0, 1, True, True),
                       doc="fraction of non-zero target coordinates (0: pure noise)", symbol="ε")
    lam: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM, symbol="λ", aliases=("lambda",))


@dataclass(frozen=True, kw_only=True)
class SpikedParams:
    """Sigma = diag(spike x k*, 1 x r_2); target Gaussian on the head."""

    head: float = param(domain=Interval(0, 1, True, False), doc="k*/n: head dimensions per sample",
                        symbol="k*/n")
    tail: float = param(domain=_POS, doc="r_2/n = (p - k*)/n: tail dimensions (BLLT effective rank "
                                         "of the tail) per sample; head + tail > 1", symbol="r₂/n")
    spike: float = param(domain=Interval(1, np.inf, low_closed=True),
                         doc="head eigenvalue / tail eigenvalue (>= 1)", symbol="λ_head")
    signal: float = param(0.0, domain=_NONNEG,
                          doc="signal power E(x'beta)^2 (target on the head; 0: pure noise)",
                          symbol="r²")
    noise: float = param(1.0, domain=_POS, doc=_DOC_NOISE, symbol="σ²")
    lam: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM, symbol="λ", aliases=("lambda",))

    def check(self):
        h, t, s = np.broadcast_arrays(*(np.asarray(getattr(self, k), dtype=float)
                                        for k in ("head", "tail", "signal")))
        bad = (h + t <= 1).ravel()
        if bad.any():
            k = np.flatnonzero(bad)[0]
            raise ParameterError(f"boosting: parameter 'tail' must be > 1 - head = "
                                 f"{1 - h.ravel()[k]:g} (interpolation needs p > n); got "
                                 f"{t.ravel()[k]!r}")
        bad = ((h == 0) & (s > 0)).ravel()
        if bad.any():
            raise ParameterError("boosting: parameter 'signal' must be 0 when head = 0 (the target "
                                 "lives on the head); got "
                                 f"{s.ravel()[np.flatnonzero(bad)[0]]!r}")


_BIB_EHJT = """@article{efron2004least,
  title={Least angle regression},
  author={Efron, Bradley and Hastie, Trevor and Johnstone, Iain and Tibshirani, Robert},
  journal={The Annals of Statistics}, volume={32}, number={2}, pages={407--499}, year={2004}
}"""
_BIB_HTTW = """@article{hastie2007forward,
  title={Forward stagewise regression and the monotone lasso},
  author={Hastie, Trevor and Taylor, Jonathan and Tibshirani, Robert and Walther, Guenther},
  journal={Electronic Journal of Statistics}, volume={1}, pages={1--29}, year={2007}
}"""
_BIB_BY = """@article{buhlmann2003boosting,
  title={Boosting with the {L2} loss: regression and classification},
  author={B{\\"u}hlmann, Peter and Yu, Bin},
  journal={Journal of the American Statistical Association}, volume={98}, number={462},
  pages={324--339}, year={2003}
}"""

_OBS = {
    "excess_risk": "E_a(a'(x_hat - x0))^2 at path level lam, no noise (l1-path idealization: exact "
                   "for the LASSO path, approximate for boosting near interpolation)",
    "test_error": "excess_risk + noise",
    "lasso_excess_risk": "the LASSO's excess risk at penalty lam (exact; equal to excess_risk)",
    "l1_norm": "||x_hat||_1/n at level lam (raw coordinates)",
    "time": "l1 arc length of the path up to level lam, per sample (= l1_norm for a monotone path)",
    "nonzero_fraction": "||x_hat||_0/p",
    "tau": "effective noise level of the state evolution",
    "alpha": "threshold multiplier lam sqrt(n)/||r|| (the scale-free stopping statistic)",
    "oracle_excess_risk": "smallest excess risk along the path (oracle stopping time)",
    "tuned_lasso_excess_risk": "excess risk of the optimally tuned LASSO (= oracle_excess_risk "
                               "under the idealization)",
    "oracle_lam": "path level of the oracle stop (inf without signal: stop at time 0)",
    "oracle_time": "time of the oracle stop",
    "excess_variance": "excess risk of the min-l1 interpolant of pure noise (x0 = 0)",
    "rate": "excess_variance log(p/n)/noise (isotropic; -> 1) or log(r_2/n) (spiked)",
    "min_l2_excess_variance": "the minimum-l2-norm interpolant's, for comparison",
    "head_variance": "head part (1/n)sum_head spike x_j^2 of excess_variance (0 if isotropic)",
    "tail_variance": "tail part of excess_variance (all of it if isotropic)",
    "tail_rate": "tail_variance log(r_2/n)/noise (-> 1 as r_2/n -> inf; = rate if isotropic)",
}

MODEL = register(Model(
    name="boosting",
    summary="continuous-time l2-boosting: risk along the l1 path, early stopping, min-l1 "
            "interpolation (isotropic and spiked designs, excess variance ~ noise/log(r_2/n))",
    variants=(
        Variant("isotropic", IsotropicParams, lambda p: isotropic_system(p.prior),
                "Sigma = I, p/n = 1/delta, sparse target: LASSO/basis-pursuit state evolution along "
                "the path", prepare=_prepare_isotropic,
                example={"delta": 0.25, "noise": 0.25, "eps": 0.05, "lam": 1.0}),
        Variant("spiked", SpikedParams, lambda p: spiked_system(),
                "spiked-isotropic Sigma (k* head eigenvalues): two-class weighted-l1 state evolution",
                prepare=_prepare_spiked,
                example={"head": 0.1, "tail": 4.0, "spike": 20.0, "signal": 1.0, "noise": 0.25,
                         "lam": 1.0}),
    ),
    references=(
        Reference("su2026boosting", _BIB_SLL,
                  "abstract only: l1 implicit bias, Theta(sigma^2/log(p/n)) isotropic and "
                  "Theta(sigma^2/log(r_2/n)) spiked; early stopping from the subdifferential "
                  "dynamics (the equations here are derived from the state evolution)"),
        _LASSO_REFS[2],
        Reference("efron2004least", _BIB_EHJT, "Sec. 3.2: the stagewise modification of LARS (FS_0)"),
        Reference("hastie2007forward", _BIB_HTTW,
                  "FS_0 = monotone lasso; equal to the LASSO path when that path is monotone"),
        Reference("buhlmann2003boosting", _BIB_BY, "l2-boosting with componentwise base learners"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables=_OBS,
))

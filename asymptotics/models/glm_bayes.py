"""Bayes-optimal GAMP for teacher–student generalized linear models: state evolution and phases.

Setting (Barbier, Krzakala, Macris, Miolane, Zdeborová 2019; Rangan 2011; the compressed-sensing
case is Krzakala, Mézard, Sausset, Sun, Zdeborová 2012): inputs ``x_mu ~ N(0, I_d)``, teacher
weights ``w*`` iid from the ``prior`` (any separable prior: see :mod:`asymptotics.priors`; power
``rho_w = E w^2``), pre-activations ``z_mu = x_mu'w*/sqrt(d) ~ N(0, rho_w)`` and labels from the
``channel``: ``linear`` ``y = z + sqrt(noise) xi`` (compressed sensing / linear estimation),
``sign`` ``y = sign(z)`` (the teacher–student perceptron), ``probit`` ``y = sign(z + sqrt(noise)
xi)``. ``alpha = n/d``. Equivalently ``y = F w* (+ noise)`` with ``F = X/sqrt(d)`` of iid
``N(0, 1/d)`` entries: this is tramp's convention (``F ~ N(0, 1/N)``, ``alpha = M/N``,
``output_var = noise``, ``gauss_bernoulli`` prior with ``rho = eps``), whose state-evolution
values the tests reproduce.

State evolution of Bayes-optimal GAMP, in the posterior variance ``V_t = rho_w - q_t`` (the MSE
``(1/d)||w_hat^t - w*||^2``) and the precision ``qhat`` of the effective scalar channel
``sqrt(qhat) w + Z``; one Gauss–Seidel sweep ``(qhat, V)`` is one GAMP iteration:

    qhat_t = alpha F_out(V_{t-1}),   V_t = mmse(qhat_t),   V_0 = mmse(init)

(``init = qhat_0``: the precision of side information on ``w*`` the algorithm starts from; 0 is
the uninformed start, ``inf`` the perfectly informed one; tramp's ``a0``). ``mmse`` is the
Bayes-optimal scalar channel of the prior (:mod:`._bayes`, exact for mixtures at any SNR).
Channels (declared as data in :data:`CHANNELS`), with ``q = rho_w - V``:

- ``linear``: ``F_out = 1/(V + noise)``, ``Psi_out = -log(2 pi e (V + noise))/2``;
- ``probit`` / ``sign`` (``noise = 0``): with ``s^2 = V + noise`` and ``c = sqrt(q/(s^2 + 2q))``,
  ``F_out = E_u[1/Phi(c u)]/(pi s sqrt(s^2 + 2q))`` (``E_{xi,y} g_out^2`` after the change of
  variables ``u = sqrt(1 + 2q/s^2) xi``, which keeps the integrand bounded as ``s -> 0``;
  ``F_out(q = 0) = 2/(pi s^2)``) and ``Psi_out = 2 E_u Phi(t u) log Phi(t u)``, ``t = sqrt(q)/s``
  (for ``t > 1`` integrated in ``w = t u``: smooth as ``s -> 0``).

Free entropy of a fixed point (Barbier et al.; ``psi_in = qhat rho_w/2 - I_in``):
``Phi = qhat V/2 - I_in(qhat) + alpha Psi_out(V)``, with ``I_in(qhat) = I(w; sqrt(qhat) w + Z)``
(stationary exactly on the state evolution: ``I_in' = mmse/2``, ``Psi_out' = -F_out/2`` in
``V``; tested). Mutual information per coordinate between ``w*`` and the labels (in nats):
``I(w*; y)/d = -Phi_bayes + alpha Psi_out(V = 0)`` (``Psi_out(0) = E log P_out(y|z)``:
``-log(2 pi e noise)/2``, 0 for ``sign``) — DERIVED HERE from ``H(Y) = -d Phi``.

Perfect recovery (``V = 0``, ``qhat = inf``) is a fixed point of the noiseless ``sign`` channel
(``F_out(0) = inf``); it is represented by ``V = 0`` and a pinned ``qhat = 1e300``. For a discrete
prior it is stable at every alpha (the branch curve ``alpha(qhat) = qhat/F_out(mmse(qhat))``
falls to 0), with ``Phi = -H(w)`` (``-log 2`` for binary weights).

Branches (``branch``), from a scan of ``alpha(qhat)`` on a geometric grid that extends until
no fixed point can lie beyond it (channels with noise: ``alpha(qhat) >= qhat/F_out(0)``; sign: the
MMSE underflows or the curve rises monotonically past the requested alphas), polished by Newton
on the sympy equations: ``amp`` — the fixed point GAMP reaches from ``init``; ``informative`` —
the largest stable one (the informed start); ``unstable`` — one between them (NaN if none);
``bayes`` — the stable one of largest ``Phi``. Observables: ``overlap = q``, ``cosine =
sqrt(q/rho_w)``, ``mse = V``, ``q_hat``, ``test_error`` (linear: ``V + noise``, includes the
label noise; sign/probit: misclassification rate ``arccos(sqrt(q/(rho_w + noise)))/pi`` of the
Bayes-optimal classifier, with label noise), ``free_entropy`` (selected branch), ``mmse`` and
``mutual_information`` (the ``bayes`` branch), and thresholds (functions of prior, channel and
noise, from the local extrema of ``alpha(qhat)``): ``algorithmic_threshold`` (the local maximum:
above it GAMP from the uninformed start jumps to the informative branch), ``spinodal`` (the local
minimum beyond it: the lowest alpha where the informative branch exists; 0 when it is perfect
recovery) and ``it_threshold`` (where the ``bayes`` branch jumps: equal ``Phi``; a Maxwell
construction between two finite branches, or ``Phi_low = -H(w)`` against perfect recovery). All
three are ``inf`` when the curve is monotone (a single stable fixed point at every alpha, no
first-order transition). ``perfect_recovery_threshold``: ``it_threshold`` when the informative
branch is perfect recovery, else ``inf``. Published values for the binary perceptron (``1.493``,
``1.245``) and tramp's compressed-sensing values are reproduced (tests).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

from ..symbolic import Average, System, Unknown, gaussian_panels, log_ndtr
from ..validation import Integer, Interval, OneOf, ParameterError, param
from . import _amp, _bayes
from ._bayes import BayesPriorParams, eps, prior_var
from ._registry import Model, Reference, Variant, register

QHAT_PERFECT = 1e300  # stands for qhat = inf (perfect recovery, V = 0)

alpha, noise, init, iteration = sp.symbols("alpha noise init iteration", nonnegative=True)
qh, V, qhb, Vb = sp.symbols("q_hat V q_hat_bayes V_bayes", nonnegative=True)
r_ = sp.Symbol("r", nonnegative=True)
u = sp.Symbol("u", real=True)
GU = gaussian_panels(u, name="panels_glm_u")
GUESSES = sp.symbols("q_hat_guess V_guess q_hat_bayes_guess V_bayes_guess", real=True)
THRESH = sp.symbols("alg_threshold spinodal_value it_value perfect_value", real=True)


def _probit_f(V_, q_, delta):
    s2 = V_ + delta
    c = sp.sqrt(q_ / (s2 + 2 * q_))
    return Average(1 / _amp.Phi(c * u), GU) / (sp.pi * sp.sqrt(s2) * sp.sqrt(s2 + 2 * q_))


def _probit_psi(V_, q_, delta):
    t = sp.sqrt(q_ / (V_ + delta))
    lp_u = log_ndtr(t * u)
    lp_w = log_ndtr(u)
    near = Average(sp.exp(lp_u) * lp_u, GU)
    far = Average(sp.exp(lp_w) * lp_w * sp.exp(u ** 2 * (1 - 1 / t ** 2) / 2), GU) / t
    return 2 * sp.Piecewise((near, t <= 1), (far, True))


@dataclass(frozen=True)
class Channel:
    """An output channel: ``F_out(V, q, noise)``, ``Psi_out(V, q, noise)``, the label noise
    the channel needs (``noisy``: noise > 0; ``noiseless``: noise must be 0), and the
    generalization error of the Bayes-optimal predictor from ``(V, q, rho_w, noise)``."""

    name: str
    doc: str
    f_out: Callable
    psi_out: Callable
    psi_out_exact: Callable  # Psi_out at V = 0: E_z int P_out log P_out
    test_error: Callable
    noise: str  # "positive" or "zero"


CHANNELS = {c.name: c for c in (
    Channel("linear", "y = z + sqrt(noise) xi",
            lambda V_, q_, d: 1 / (V_ + d),
            lambda V_, q_, d: -sp.log(2 * sp.pi * sp.E * (V_ + d)) / 2,
            lambda rho, d: -sp.log(2 * sp.pi * sp.E * d) / 2,
            lambda V_, q_, rho, d: V_ + d, "positive"),
    Channel("sign", "y = sign(z) (noiseless perceptron)",
            lambda V_, q_, d: _probit_f(V_, q_, 0),
            lambda V_, q_, d: _probit_psi(V_, q_, 0),
            lambda rho, d: sp.S.Zero,
            lambda V_, q_, rho, d: sp.acos(sp.sqrt(q_ / rho)) / sp.pi, "zero"),
    Channel("probit", "y = sign(z + sqrt(noise) xi)",
            lambda V_, q_, d: _probit_f(V_, q_, d),
            lambda V_, q_, d: _probit_psi(V_, q_, d),
            lambda rho, d: _probit_psi(sp.S.Zero, rho, d),
            lambda V_, q_, rho, d: sp.acos(sp.sqrt(q_ / (rho + d))) / sp.pi, "positive"),
)}


@functools.lru_cache(maxsize=64)
def _channel_exprs(prior_key, channel: str, comps):
    ch = CHANNELS[channel]
    inp = _bayes.scalar_channel(comps, r_)
    rho = inp["second_moment"]
    return ch, inp, rho


def _sub(expr, r_value):
    return expr.xreplace({r_: r_value})


@functools.lru_cache(maxsize=64)
def _system(prior_key, channel: str, comps) -> System:
    ch, inp, rho = _channel_exprs(prior_key, channel, comps)
    noiseless = ch.noise == "zero"

    # q = rho_w - V is >= 0 up to round-off (the quadrature gives mmse(0) = rho_w (1 + 1e-16)):
    # the channel functions take sqrt(q), so q is floored at 0 (a round-off guard, not a clip
    # of a meaningful value).
    def over(V_):
        return sp.Max(rho - V_, 0)

    def equations(qh_, V_):
        f = ch.f_out(V_, over(V_), noise)
        m = _sub(inp["mmse"], qh_)
        if noiseless:
            return (sp.Eq(qh_, sp.Piecewise((QHAT_PERFECT, V_ <= 0), (alpha * f, True))),
                    sp.Eq(V_, sp.Piecewise((0, qh_ >= QHAT_PERFECT), (m, True))))
        return sp.Eq(qh_, alpha * f), sp.Eq(V_, m)

    def phi(qh_, V_):
        return qh_ * V_ / 2 - _sub(inp["info"], qh_) + alpha * ch.psi_out(V_, over(V_), noise)

    v0 = sp.Piecewise((0, init >= QHAT_PERFECT), (_sub(inp["mmse"], init), True))
    q = over(V)
    alg, spin, itv, perf = THRESH
    return System(
        parameters=(alpha, noise, init, iteration, eps, prior_var) + GUESSES + THRESH,
        unknowns=(
            Unknown(qh, guess=GUESSES[0], lower=0.0,
                    start=sp.Piecewise((QHAT_PERFECT, init >= QHAT_PERFECT), (init, True)),
                    doc="precision qhat of the effective channel (qhat_t at iteration t)"),
            Unknown(V, guess=GUESSES[1], lower=0.0, start=v0,
                    doc="posterior variance V_t = rho_w - q_t (the MSE)"),
            Unknown(qhb, guess=GUESSES[2], lower=0.0, doc="qhat of the Bayes branch"),
            Unknown(Vb, guess=GUESSES[3], lower=0.0, doc="V of the Bayes branch (the MMSE)"),
        ),
        equations=equations(qh, V) + equations(qhb, Vb),
        observables={
            "overlap": q,
            "cosine": sp.sqrt(q / rho),
            "mse": V,
            "q_hat": qh,
            "test_error": ch.test_error(V, q, rho, noise),
            "free_entropy": phi(qh, V),
            "mmse": Vb,
            "mutual_information": -phi(qhb, Vb) + alpha * ch.psi_out_exact(rho, noise),
            "algorithmic_threshold": alg,
            "spinodal": spin,
            "it_threshold": itv,
            "perfect_recovery_threshold": perf,
        },
        iteration=iteration,
    )


def system_for(p) -> System:
    return _system(_bayes.prior_key(p), p.channel, tuple(_bayes.components_for(p)))


@functools.lru_cache(maxsize=64)
def _kernels(prior_key, channel: str, comps):
    from ..codegen import Kernel

    ch, inp, rho = _channel_exprs(prior_key, channel, comps)
    vv = sp.Symbol("V", nonnegative=True)
    kin = Kernel([inp["mmse"], inp["info"], rho, inp["mmse"].xreplace({r_: 0})],
                 (r_, eps, prior_var))
    qv = sp.Max(rho - vv, 0)
    kout = Kernel([ch.f_out(vv, qv, noise), ch.psi_out(vv, qv, noise)],
                  (vv, noise, eps, prior_var))
    return kin, kout


class _Curve:
    """The branch curve alpha(qhat) = qhat/F_out(mmse(qhat)) on a geometric grid, for one prior
    (at scalar eps, prior_var), channel and noise; extended on demand."""

    PER_DECADE = 48

    def __init__(self, kernels, noiseless, eps_value, var_value, noise_value, per_decade=48):
        self.PER_DECADE = per_decade
        self.kin, self.kout = kernels
        self.noiseless = noiseless
        self.args = {"eps": eps_value, "prior_var": var_value}
        self.noise = noise_value
        _, _, rho, v0 = self._in(np.array([0.0]))
        self.rho, self.v0 = float(rho[0]), float(v0[0])
        self.f0 = float(self._out(np.array([self.v0]))[0][0])  # F_out at q = 0
        self.f_perfect = (np.inf if noiseless else float(self._out(np.array([0.0]))[0][0]))
        self.grid = np.zeros(0)
        self.saturated = False

    def _in(self, r):
        n = r.size
        return [np.asarray(a, dtype=float) for a in
                self.kin({"r": r, "eps": np.full(n, self.args["eps"]),
                          "prior_var": np.full(n, self.args["prior_var"])})]

    def _out(self, v):
        n = v.size
        return [np.asarray(a, dtype=float) for a in
                self.kout({"V": v, "noise": np.full(n, self.noise),
                           "eps": np.full(n, self.args["eps"]),
                           "prior_var": np.full(n, self.args["prior_var"])})]

    def values(self, r):
        """(V, info, F, Psi, level) at precisions r."""
        mm, info, _, _ = self._in(r)
        mm = np.maximum(mm, 0.0)
        f, psi = self._out(mm)
        with np.errstate(divide="ignore", invalid="ignore"):
            level = np.where(np.isfinite(f), r / f, 0.0)
        return mm, info, f, psi, level

    def _append(self, r):
        mm, info, f, psi, level = self.values(r)
        if self.grid.size:
            self.grid = np.concatenate([self.grid, r])
            self.V = np.concatenate([self.V, mm])
            self.info = np.concatenate([self.info, info])
            self.psi = np.concatenate([self.psi, psi])
            self.level = np.concatenate([self.level, level])
        else:
            self.grid, self.V, self.info, self.psi, self.level = r, mm, info, psi, level

    def cover(self, alpha_min, alpha_max):
        """Extend the grid so that every fixed point for alpha in [alpha_min, alpha_max] is
        bracketed (and the local extrema of the curve are inside)."""
        lo = min(1e-6, 0.01 * alpha_min * self.f0)
        lo = max(lo, 1e-300)
        if not self.grid.size or self.grid[0] > lo:
            top = 1e3 if not self.grid.size else self.grid[-1]
            self.grid = np.zeros(0)
            n = int(np.ceil(np.log10(top / lo) * self.PER_DECADE)) + 1
            self._append(np.geomspace(lo, top, n))
        while not self._covered(alpha_max):
            top = self.grid[-1]
            new = top * 10.0 ** (np.arange(1, 3 * self.PER_DECADE + 1) / self.PER_DECADE)
            self._append(new)
            if self.grid[-1] >= 1e290:  # qhat = 1e290: the asymptote of every channel is reached
                break

    def _covered(self, alpha_max):
        level, top = self.level, self.grid[-1]
        if self.V[-1] <= 0 and self.noiseless:
            self.saturated = True  # the MMSE underflowed: perfect recovery
            return True
        last = level[-self.PER_DECADE:]
        # the curve has risen past every earlier value, monotonically over the last decade: the
        # local extrema (thresholds) are inside the grid
        risen = bool(np.all(np.diff(last) > 0) and level[-1] >= 1.02 * np.max(level[:-self.PER_DECADE]))
        if np.isfinite(self.f_perfect):
            # alpha(qhat) >= qhat/F_out(0) (F_out decreases in V): no fixed point above
            return top >= 1.02 * alpha_max * self.f_perfect and top >= 1e3 and risen
        return bool(level[-1] > 1.02 * alpha_max and risen)

    # -- fixed points at one alpha --------------------------------------------------------------
    def roots(self, c):
        """(roots, stable) of alpha(qhat) = c on the grid (linear interpolation in log qhat)."""
        lg, lev = np.log(self.grid), self.level
        d = lev - c
        idx = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)
        t = d[idx] / (d[idx] - d[idx + 1])
        roots = np.exp(lg[idx] + t * (lg[idx + 1] - lg[idx]))
        return roots, lev[idx + 1] > lev[idx]

    @property
    def perfect_stable(self) -> bool:
        """Perfect recovery attracts from large qhat at every alpha: the curve falls to 0."""
        return self.noiseless and self.saturated

    def phi(self, hat, c):
        """Free entropy at grid-interpolated points hat (inf = perfect recovery)."""
        hat = np.atleast_1d(np.asarray(hat, dtype=float))
        out = np.empty(hat.size)
        perfect = hat >= QHAT_PERFECT
        lg = np.log(self.grid)
        base = self.grid * self.V / 2 - self.info
        x = np.log(np.maximum(hat[~perfect], self.grid[0]))
        out[~perfect] = np.interp(x, lg, base) + c * np.interp(x, lg, self.psi)
        out[perfect] = -self.info[-1]  # -H(w): I_in saturates at the prior's entropy
        return out

    def branch(self, c, rule, start):
        roots, stable = self.roots(c)
        perfect_ok = self.perfect_stable
        top_stable = bool(perfect_ok)
        cand = list(roots[stable]) + ([QHAT_PERFECT] if top_stable else [])
        if rule == "informative" or (rule == "amp" and start >= QHAT_PERFECT):
            return max(cand) if cand else float("nan")
        if rule == "unstable":
            bad = roots[~stable]
            return float(bad[len(bad) // 2]) if bad.size else float("nan")
        if rule == "bayes":
            if not cand:
                return float("nan")  # no stable fixed point resolved: NO_SOLUTION, not a crash
            vals = self.phi(np.array(cand), c)
            return float(cand[int(np.argmax(vals))])
        # amp from start: up if c > alpha(start), to the nearest fixed point in that direction
        lev0 = np.interp(np.log(max(start, self.grid[0])), np.log(self.grid), self.level) \
            if start <= self.grid[-1] else self.level[-1]
        if start <= 0 or c > lev0:
            above = roots[(roots > start) & stable]
            if above.size:
                return float(above.min())
            return QHAT_PERFECT if top_stable else float(self.grid[-1])
        below = roots[(roots < start) & stable]
        return float(below.max()) if below.size else 0.0

    def v_at(self, hat):
        if hat >= QHAT_PERFECT:
            return 0.0
        if not np.isfinite(hat):
            return float("nan")
        x = np.log(max(hat, self.grid[0]))
        return float(np.exp(np.interp(x, np.log(self.grid), np.log(np.maximum(self.V, 1e-320)))))


# -- thresholds ------------------------------------------------------------------------------
def _thresholds(curve: _Curve):
    """(algorithmic, spinodal, it, perfect_recovery) from the local extrema of the curve."""
    from scipy import optimize

    inf = float("inf")
    lev, lg = curve.level, np.log(curve.grid)
    d = np.diff(lev)
    turn = np.flatnonzero(np.sign(d[1:]) != np.sign(d[:-1])) + 1
    maxima = [i for i in turn if d[i - 1] > 0 and d[i] < 0]
    if not maxima:
        return inf, inf, inf, inf

    def level_at(x):
        return float(curve.values(np.array([np.exp(x)]))[4][0])

    def extremum(i, sign):
        lo, hi = lg[max(i - 2, 0)], lg[min(i + 2, lg.size - 1)]
        res = optimize.minimize_scalar(lambda x: -sign * level_at(x), bounds=(lo, hi),
                                       method="bounded", options={"xatol": 1e-10})
        return float(res.x), level_at(float(res.x))

    i_max = maxima[0]
    x_max, a_alg = extremum(i_max, +1)
    minima = [i for i in turn if i > i_max and d[i - 1] < 0 and d[i] > 0]

    def root_in(c, lo, hi):
        if lo == lg[0]:  # the low branch: qhat ~ alpha F_out(V0) may lie below the grid
            lo = min(lo, np.log(max(0.1 * c * curve.f0, 1e-300)))
        f = lambda x: level_at(x) - c
        return optimize.brentq(f, lo, hi, xtol=1e-13, rtol=1e-15)

    def phi_at(x, c):
        mm, info, _, psi, _ = curve.values(np.array([np.exp(x)]))
        return float(np.exp(x) * mm[0] / 2 - info[0] + c * psi[0])

    low_lo = lg[0]
    if minima:
        x_min, a_sp = extremum(minima[0], -1)
        hi_end = lg[-1]
        # the high branch at alpha in (a_sp, a_alg) lies between x_min and the first grid point
        # beyond x_min where the level exceeds a_alg
        above = np.flatnonzero((lg > x_min) & (lev > a_alg))
        hi_end = lg[above[0]] if above.size else lg[-1]

        def gap(c):
            xl = root_in(c, low_lo, x_max)
            xh = root_in(c, x_min, hi_end)
            return phi_at(xh, c) - phi_at(xl, c)

        a, b = a_sp * (1 + 1e-12), a_alg * (1 - 1e-12)
        ga, gb = gap(a), gap(b)
        if ga >= 0:
            a_it = a_sp
        elif gb <= 0:
            a_it = a_alg
        else:
            a_it = optimize.brentq(gap, a, b, xtol=1e-14, rtol=1e-13)
        return a_alg, a_sp, a_it, inf
    if not curve.perfect_stable:
        return a_alg, inf, inf, inf
    h = -float(curve.info[-1])  # Phi of perfect recovery: -H(w)

    def gap_p(c):
        xl = root_in(c, low_lo, x_max)
        return h - phi_at(xl, c)

    a = a_alg * 1e-3
    b = a_alg * (1 - 1e-12)
    if gap_p(b) <= 0:
        a_it = a_alg
    else:
        a_it = optimize.brentq(gap_p, a, b, xtol=1e-14, rtol=1e-13)
    return a_alg, 0.0, a_it, a_it


_CURVES: dict = {}
_THRESHOLDS: dict = {}


def _curve(p, e, v, nz, amin, amax):
    key = (_bayes.prior_key(p), p.channel, e, v, nz)
    curve = _CURVES.get(key)
    if curve is None:
        if len(_CURVES) > 256:
            _CURVES.clear()
        kern = _kernels(_bayes.prior_key(p), p.channel, tuple(_bayes.components_for(p)))
        # a mixture evaluated numerically costs ~K^2 x 480 per point: a coarser scan (Newton and
        # the threshold root-finders polish the interpolated guesses)
        many = len(_bayes.components_for(p)) > _bayes.SYMBOLIC_COMPONENTS and p.prior == "empirical"
        curve = _CURVES[key] = _Curve(kern, CHANNELS[p.channel].noise == "zero", e, v, nz,
                                      per_decade=16 if many else 48)
    curve.cover(amin, amax)
    return curve, key


def _prepare(p):
    arrays = [np.asarray(getattr(p, k), dtype=float) for k in ("alpha", "noise", "init", "eps",
                                                                  "prior_var")]
    shape = np.broadcast(*arrays).shape
    a_v, n_v, i_v, e_v, v_v = (np.broadcast_to(a, shape).ravel() for a in arrays)
    names = [s.name for s in GUESSES + THRESH]
    out = {k: np.zeros(a_v.size) for k in names}
    groups = {}
    for i, key in enumerate(zip(e_v, v_v, n_v)):
        groups.setdefault(key, []).append(i)
    for (e, v, nz), idx in groups.items():
        idx = np.asarray(idx)
        curve, key = _curve(p, float(e), float(v), float(nz), float(a_v[idx].min()),
                            float(a_v[idx].max()))
        th = _THRESHOLDS.get(key)
        if th is None:
            curve.cover(1e-12, 1.0)
            th = _THRESHOLDS[key] = _thresholds(curve)
            if len(_THRESHOLDS) > 256:
                _THRESHOLDS.clear()
        for i in idx:
            c = float(a_v[i])
            hat = curve.branch(c, p.branch, float(i_v[i]))
            hb = curve.branch(c, "bayes", 0.0)
            out["q_hat_guess"][i], out["V_guess"][i] = hat, curve.v_at(hat)
            out["q_hat_bayes_guess"][i], out["V_bayes_guess"][i] = hb, curve.v_at(hb)
            for name, val in zip(names[4:], th):
                out[name][i] = val
    return {k: val.reshape(shape) for k, val in out.items()}


@dataclass(frozen=True, kw_only=True)
class Params(BayesPriorParams):
    # alpha <= 1e100: beyond it qhat ~ alpha overflows the float64 scan of the channel curve
    alpha: float = param(domain=Interval(0, 1e100), doc="samples per dimension n/d",
                         symbol="α")
    channel: str = param("sign", domain=OneOf(tuple(CHANNELS)),
                         doc="'linear': y = z + sqrt(noise) xi; 'sign': y = sign(z) (perceptron); "
                             "'probit': y = sign(z + sqrt(noise) xi)")
    noise: float = param(0.0, domain=Interval(0, np.inf, low_closed=True),
                         doc="label-noise variance (> 0 for linear and probit; 0 for sign)",
                         symbol="Δ")
    branch: str = param("amp", domain=OneOf(_amp.BRANCHES),
                        doc="fixed point: 'amp' (GAMP from init), 'informative', 'unstable', 'bayes'")
    init: float = param(0.0, domain=Interval(0, np.inf, low_closed=True, high_closed=True),
                        doc="precision qhat_0 of the side information GAMP starts from (0: "
                            "uninformed, inf: informed; tramp's a0)", symbol="q̂₀")
    iteration: float = param(np.inf, domain=Integer(0, np.inf, True, True),
                             doc="GAMP iteration t (inf: the fixed point)", symbol="t")

    def check(self):
        super().check()
        kind = CHANNELS[self.channel].noise
        nz = np.asarray(self.noise, dtype=float)
        if kind == "positive" and np.any(nz <= 0):
            raise ParameterError(f"glm-bayes: parameter 'noise' must be in (0, inf) for the "
                                 f"{self.channel} channel (noise = 0 is channel='sign' for probit; "
                                 f"use a small noise for noiseless linear measurements); got "
                                 f"{float(nz.ravel()[np.argmax(nz.ravel() <= 0)])!r}")
        if kind == "zero" and np.any(nz != 0):
            raise ParameterError(f"glm-bayes: parameter 'noise' must be 0 for the sign channel "
                                 f"(label noise: channel='probit'); got {self.noise!r}")


_BIB_BKMMZ = """@article{barbier2019optimal,
  title={Optimal errors and phase transitions in high-dimensional generalized linear models},
  author={Barbier, Jean and Krzakala, Florent and Macris, Nicolas and Miolane, L{\\'e}o and
          Zdeborov{\\'a}, Lenka},
  journal={Proceedings of the National Academy of Sciences}, volume={116}, number={12},
  pages={5451--5460}, year={2019}
}"""
_BIB_RANGAN = """@inproceedings{rangan2011generalized,
  title={Generalized approximate message passing for estimation with random linear mixing},
  author={Rangan, Sundeep},
  booktitle={IEEE International Symposium on Information Theory}, pages={2168--2172}, year={2011}
}"""
_BIB_KMSSZ = """@article{krzakala2012statistical,
  title={Statistical-physics-based reconstruction in compressed sensing},
  author={Krzakala, Florent and M{\\'e}zard, Marc and Sausset, Fran{\\c{c}}ois and Sun, Yifan and
          Zdeborov{\\'a}, Lenka},
  journal={Physical Review X}, volume={2}, number={2}, pages={021005}, year={2012}
}"""
_BIB_TRAMP = """@article{baker2020tramp,
  title={{TRAMP}: Compositional inference with {TRee} {A}pproximate {M}essage {P}assing},
  author={Baker, Antoine and Aubin, Benjamin and Krzakala, Florent and Zdeborov{\\'a}, Lenka},
  journal={arXiv preprint arXiv:2004.01571}, year={2020}
}"""

MODEL = register(Model(
    name="glm-bayes",
    summary="Bayes-optimal GAMP state evolution for teacher–student GLMs (any separable prior; "
            "linear, sign, probit channels): branches, thresholds, free entropy, MI",
    variants=(Variant("default", Params, system_for,
                      "GAMP state evolution (qhat, V); branches from an adaptive scan + Newton",
                      prepare=_prepare, example={"alpha": 2.0, "prior": "gaussian"}),),
    references=(
        Reference("barbier2019optimal", _BIB_BKMMZ,
                  "RS free entropy, state evolution of GAMP, perceptron thresholds alpha_IT and "
                  "alpha_alg [equations and values recalled, not verified in source]"),
        Reference("rangan2011generalized", _BIB_RANGAN, "the GAMP algorithm"),
        Reference("krzakala2012statistical", _BIB_KMSSZ,
                  "Bayes-optimal compressed sensing with a Gauss–Bernoulli prior: state evolution, "
                  "spinodal and information-theoretic lines [not verified in source]"),
        Reference("baker2020tramp", _BIB_TRAMP,
                  "tramp: reference values of the state evolution (computed by running it)"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "overlap": "q = (1/d)<w_hat, w*> = rho_w - V of the posterior mean on the selected branch",
        "cosine": "cos of the angle between w_hat and w*: sqrt(q/rho_w)",
        "mse": "(1/d)||w_hat - w*||^2 = V on the selected branch",
        "q_hat": "precision qhat of the effective scalar channel for w",
        "test_error": "linear: V + noise (includes label noise); sign/probit: misclassification "
                      "rate arccos(sqrt(q/(rho_w + noise)))/pi",
        "free_entropy": "RS free entropy Phi = qhat V/2 - I_in(qhat) + alpha Psi_out(V) of the branch",
        "mmse": "minimum MSE (1/d)E||E[w*|y] - w*||^2: V on the branch of largest free entropy",
        "mutual_information": "I(w*; y)/d in nats: -Phi_bayes + alpha E log P_out(y|z)",
        "algorithmic_threshold": "alpha above which GAMP from the uninformed start reaches the "
                                 "informative branch (inf: no first-order transition)",
        "spinodal": "lowest alpha where the informative branch exists (inf: no transition)",
        "it_threshold": "alpha where the Bayes-optimal estimate jumps (information-theoretic)",
        "perfect_recovery_threshold": "it_threshold when the informative branch is perfect "
                                      "recovery (noiseless sign channel, discrete prior), else inf",
    },
))

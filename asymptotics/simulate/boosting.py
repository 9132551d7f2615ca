"""Monte Carlo twin of ``boosting``: the real l2-boosting path, the LASSO path, min-l1/min-l2 fits.

Paths (exact, piecewise linear, computed by homotopy; no step size):

- :func:`stagewise_path` -- continuous-time l2-boosting on the raw features, i.e. infinitesimal
  forward stagewise (FS_0; Efron, Hastie, Johnstone, Tibshirani 2004, Sec. 3.2, "the Stagewise
  modification" of LARS; Hastie, Taylor, Tibshirani, Walther 2007, the monotone lasso). Let
  ``c = A'r`` be the correlations of the residual ``r = y - A b`` with the features and
  ``C = ||c||_inf``. Every coordinate that moves has ``|c_j| = C`` and moves in the direction
  ``s_j = sign(c_j)`` at rate ``w_j >= 0``, where ``w`` solves the non-negative quadratic
  program ``min_{w >= 0} (1/2) w'G w - 1'w`` (``G = (A_J S_J)'(A_J S_J)`` on the tied set
  ``J``): the tied correlations then fall at the common rate ``1`` per unit of the path
  parameter ``h`` (those that would fall slower are the ones that move; those that fall faster
  drop out of the tie). So ``C`` itself decreases at rate one: the path is indexed by the level
  ``C``, from ``||A'y||_inf`` down to ``0`` (interpolation, since ``A'r = 0`` means ``r = 0``
  when ``A`` has full row rank). Breakpoints: a new coordinate reaches the tie.
  Checked against the discrete algorithms it is the limit of (tests): :func:`stagewise_steps`
  (epsilon-forward stagewise: move the top-correlation coordinate by ``eps sign(c_j)``) and
  :func:`l2_boosting_steps` (componentwise gradient l2-boosting on the raw features with
  shrinkage ``nu``: ``b_j += nu c_j`` for the top coordinate), whose paths converge to this one
  as ``eps, nu -> 0`` at equal correlation level ``C``.
- :func:`lasso_path` -- the LASSO path ``argmin (1/2)||y - Ab||^2 + lam ||b||_1`` for all ``lam``
  (LARS with the lasso modification: coordinates also leave the active set when they reach
  zero). Its ``lam`` is the level ``C = ||A'r||_inf``, and at ``lam = 0+`` it ends at the
  minimum-l1-norm interpolant. It coincides with :func:`stagewise_path` as long as no LASSO
  coefficient shrinks in magnitude (the monotone case; tested).

Time along a path: ``time = (l1 arc length of the coefficient path from b = 0)/n``, i.e. the
number of epsilon-steps times ``eps``, divided by ``n``; for a monotone path it equals
``||b||_1/n``. The level ``C`` (``lam``) is the dual clock; both are recorded.

Trials: ``isotropic``: ``A`` (n x p) iid ``N(0, 1/n)``, ``p = round(n/delta)``, ``x0`` iid from the
prior, ``y = A x0 + w``, ``w ~ N(0, noise)``. ``spiked``: ``A = G Sigma^{1/2}/sqrt(n)`` with
``Sigma = diag(spike (k* times), 1 (r_2 times))``, ``k* = round(head n)``, ``r_2 = round(tail n)``,
the target uniform on the sphere of the head subspace with ``x0'Sigma x0 = signal n`` exactly
(``E(a'x0)^2 = signal``; the state evolution's iid Gaussian head coordinates are its limit, and
the fixed power removes the chi-square fluctuation of ``k*`` Gaussian coordinates). Observables are exact given the draw (no test sample):
``excess_risk = (b - x0)'Sigma(b - x0)/n = E_a(a'(b - x0))^2`` at the level ``C = lam`` of the
stagewise path; ``lasso_excess_risk`` the same on the LASSO path; ``oracle_excess_risk`` its
minimum over the whole stagewise path (continuous minimum of the quadratic on each segment),
attained at level ``oracle_lam`` (NaN when that is the start of the path, b = 0: the theory's
``inf``) and time ``oracle_time``; ``tuned_lasso_excess_risk`` the
minimum over the LASSO path; ``alpha = lam sqrt(n)/||r||`` (the threshold multiplier; at
``lam = 0`` its limit along the last segment); ``excess_variance`` etc. from the min-l1
interpolant of the noise alone (the LASSO path's end on ``(A, w)``) and ``min_l2_excess_variance``
from the minimum-l2-norm interpolant of the same noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, sparse

from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["Path", "stagewise_path", "lasso_path", "stagewise_steps", "l2_boosting_steps",
           "stopping_level"]

# Relative tolerances of the homotopies: correlations within TIE*C of the maximum count as tied
# (rounding accumulates ~1e-15 C per breakpoint; thousands of breakpoints stay far below 1e-9),
# and steps shorter than TINY*C0 are rounding artefacts of a breakpoint just taken.
_TIE = 1e-9
_TINY = 1e-12


def stopping_level(noise, p, multiplier=1.0):
    """The noise-level stopping threshold ``multiplier * sqrt(2 noise log p)`` on ``||A'r||_inf``.

    With columns of unit norm (``A`` iid N(0, 1/n)) the correlations of pure noise are
    ``N(0, noise)``, whose maximum over ``p`` features is ``~ sqrt(2 noise log p)``: the rule stops
    the path once no feature is more correlated with the residual than noise alone could be.
    """
    return multiplier * np.sqrt(2.0 * noise * np.log(p))


@dataclass(frozen=True)
class Path:
    """A piecewise-linear coefficient path indexed by the decreasing level ``C = ||A'r||_inf``.

    ``levels`` (K+1,) decrease from ``||A'y||_inf`` to 0, ``coef`` is a sparse (K+1, p) matrix of
    the coefficients at the breakpoints, ``arc`` the l1 arc length there; coefficients, residual
    and arc length are linear in the level between breakpoints.
    """

    levels: np.ndarray
    coef: sparse.csr_matrix
    arc: np.ndarray
    kind: str

    @property
    def breakpoints(self) -> int:
        return self.levels.size - 1

    def _locate(self, levels):
        lv = np.atleast_1d(np.asarray(levels, dtype=float))
        if np.any(lv < 0) or np.any(~np.isfinite(lv)):
            raise ParameterError(f"path levels must be finite and >= 0; got {lv}")
        lv = np.minimum(lv, self.levels[0])
        # segment k runs from levels[k] (t = 0) down to levels[k+1] (t = 1)
        k = np.searchsorted(-self.levels, -lv, side="right") - 1
        k = np.clip(k, 0, self.levels.size - 2)
        width = self.levels[k] - self.levels[k + 1]
        t = np.where(width > 0, (self.levels[k] - lv) / np.where(width > 0, width, 1.0), 1.0)
        return lv, k, np.clip(t, 0.0, 1.0)

    def at(self, levels) -> np.ndarray:
        """Coefficients at the given levels, dense (L, p)."""
        _, k, t = self._locate(levels)
        lo = self.coef[k].toarray()
        hi = self.coef[k + 1].toarray()
        return lo + t[:, None] * (hi - lo)

    def time(self, levels) -> np.ndarray:
        """l1 arc length at the given levels."""
        _, k, t = self._locate(levels)
        return self.arc[k] + t * (self.arc[k + 1] - self.arc[k])

    def quadratic_minimum(self, weights: np.ndarray, target: np.ndarray):
        """min over the path of ``sum_j weights_j (b_j - target_j)^2``, exactly (the quadratic is
        minimized on every segment): returns (minimum, level, arc length) where it is attained."""
        wt = weights * target
        b = self.coef
        bw = b.multiply(weights[None, :]).tocsr() if not np.all(weights == 1) else b
        q_bb = np.asarray(bw.multiply(b).sum(axis=1)).ravel()
        q_bt = b @ wt
        q_tt = float(target @ wt)
        e0 = q_bb - 2 * q_bt + q_tt  # risk at the breakpoints
        d = (b[1:] - b[:-1]).tocsr()
        dw = d.multiply(weights[None, :]).tocsr()
        q2 = np.asarray(dw.multiply(d).sum(axis=1)).ravel()
        # e_k' W d_k with e_k = b_k - target
        q1 = np.asarray(dw.multiply(b[:-1]).sum(axis=1)).ravel() - d @ wt
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(q2 > 0, np.clip(-q1 / q2, 0.0, 1.0), 0.0)
        inner = e0[:-1] + 2 * q1 * t + q2 * t ** 2
        values = np.concatenate([inner, e0[-1:]])
        ts = np.concatenate([t, [0.0]])
        k = int(np.argmin(values))
        kk = min(k, self.levels.size - 2)
        tt = ts[k] if k < self.levels.size - 1 else 1.0
        level = self.levels[kk] + tt * (self.levels[kk + 1] - self.levels[kk])
        arc = self.arc[kk] + tt * (self.arc[kk + 1] - self.arc[kk])
        return max(float(values[k]), 0.0), float(level), float(arc)


class _Recorder:
    def __init__(self, p):
        self.p = p
        self.levels, self.arc, self.rows = [], [], []

    def add(self, level, beta, arc):
        nz = np.flatnonzero(beta)
        self.levels.append(level)
        self.arc.append(arc)
        self.rows.append((nz, beta[nz].copy()))

    def path(self, kind) -> Path:
        indptr = np.cumsum([0] + [r[0].size for r in self.rows])
        idx = np.concatenate([r[0] for r in self.rows]) if self.rows else np.zeros(0, int)
        val = np.concatenate([r[1] for r in self.rows]) if self.rows else np.zeros(0)
        coef = sparse.csr_matrix((val, idx, indptr), shape=(len(self.rows), self.p))
        return Path(np.asarray(self.levels), coef, np.asarray(self.arc), kind)


class _Cone:
    """The moving set of the stagewise path and its direction, with a QR factorization of the
    sign-adjusted active columns ``M = A_S diag(s_S)`` updated one column at a time.

    ``direction(extra)`` solves ``min_{w >= 0} (1/2) w'M'Mw - 1'w`` over ``S`` and the tied
    candidates ``extra`` by Lawson–Hanson's active-set method, warm-started at the current
    support (whose unconstrained solution is feasible): coordinates join while the gradient
    ``1 - (M'Mw)_j`` is positive and leave when their weight reaches zero.
    """

    def __init__(self, a):
        self.a = a
        n = a.shape[0]
        self.q = np.eye(n)
        self.r = np.zeros((n, 0))
        self.support: list[int] = []
        self.signs: list[float] = []
        self.w = np.zeros(0)

    def _insert(self, j, sign):
        k = len(self.support)
        self.q, self.r = linalg.qr_insert(self.q, self.r, sign * self.a[:, j], k, which="col",
                                          check_finite=False)
        self.support.append(j)
        self.signs.append(sign)
        self.w = np.append(self.w, 0.0)

    def _delete(self, pos):
        self.q, self.r = linalg.qr_delete(self.q, self.r, pos, which="col", check_finite=False)
        del self.support[pos], self.signs[pos]
        self.w = np.delete(self.w, pos)

    def _solve(self):
        k = len(self.support)
        rk = self.r[:k, :k]
        t = linalg.solve_triangular(rk, np.ones(k), trans="T", check_finite=False)
        return linalg.solve_triangular(rk, t, check_finite=False)

    def velocity(self):
        """dr/dh = -v with v = M w."""
        k = len(self.support)
        return self.q[:, :k] @ (self.r[:k, :k] @ self.w)

    def direction(self, extra: dict[int, float], max_iter: int):
        n = self.a.shape[0]
        extra = dict(extra)
        for _ in range(max_iter):
            if not extra:
                return
            v = self.velocity()
            cand = np.fromiter(extra, dtype=int)
            sg = np.asarray([extra[j] for j in cand])
            grad = 1.0 - sg * (self.a[:, cand].T @ v)
            e = int(np.argmax(grad))
            if grad[e] <= 1e-12:
                return
            j = int(cand[e])
            if len(self.support) >= n:
                raise RuntimeError(f"stagewise path: more than n = {n} moving coordinates "
                                   "(design not in general position)")
            self._insert(j, extra.pop(j))
            while True:
                z = self._solve()
                bad = z <= 0
                if not bad.any():
                    self.w = z
                    break
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(bad, self.w / (self.w - z), np.inf)
                step = float(ratio.min())
                self.w = self.w + step * (z - self.w)
                gone = np.flatnonzero(self.w <= 1e-14 * max(1.0, float(self.w.max())))
                if gone.size == 0:  # rounding: drop the coordinate that limited the step
                    gone = np.array([int(np.argmin(ratio))])
                for pos in sorted(gone.tolist(), reverse=True):
                    extra[self.support[pos]] = self.signs[pos]
                    self._delete(pos)
        raise RuntimeError(f"stagewise direction: active set did not settle in {max_iter} steps")


def _path_start(a, y, max_breakpoints):
    """What both path algorithms start from at the top level C = max |a'y|: (a, n, breakpoint
    limit, beta = 0, correlations c = a'y, C, recorder holding the first breakpoint)."""
    a = np.asarray(a, dtype=float)
    n, p = a.shape
    c = a.T @ np.asarray(y, dtype=float)
    big_c = float(np.max(np.abs(c)))
    rec = _Recorder(p)
    beta = np.zeros(p)
    rec.add(big_c, beta, 0.0)
    return a, n, max_breakpoints or 200 * (n + p), beta, c, big_c, rec


def stagewise_path(a: np.ndarray, y: np.ndarray, max_breakpoints: int | None = None) -> Path:
    """Exact infinitesimal forward stagewise (continuous-time l2-boosting) path; see module doc."""
    a, n, limit, beta, c, big_c, rec = _path_start(a, y, max_breakpoints)
    c0, arc = big_c, 0.0
    cone = _Cone(a)
    j = int(np.argmax(np.abs(c)))
    for _ in range(limit):
        cone.direction({j: float(np.sign(c[j]))}, 4 * n + 10)
        support = np.asarray(cone.support)
        signs = np.asarray(cone.signs)
        v = cone.velocity()  # dr/dh = -v
        g = a.T @ v          # dc/dh = -g
        with np.errstate(divide="ignore", invalid="ignore"):
            h1 = (big_c - c) / (1 - g)
            h2 = (big_c + c) / (1 + g)
        h1[(h1 <= _TINY * c0) | ~np.isfinite(h1)] = np.inf
        h2[(h2 <= _TINY * c0) | ~np.isfinite(h2)] = np.inf
        h1[support] = np.inf
        h2[support] = np.inf
        hit = np.minimum(h1, h2)
        j = int(np.argmin(hit))
        # With n moving coordinates the residual is proportional to C (r = C v): the remaining
        # correlations keep their ratio to C and none can reach the tie before C = 0.
        h = big_c if support.size == n else min(float(hit[j]), big_c)
        beta[support] += h * signs * cone.w
        c -= h * g
        big_c -= h
        arc += h * float(cone.w.sum())
        # the moving coordinates stay tied exactly (analytically); remove rounding drift
        c[support] = signs * big_c
        if big_c <= _TINY * c0:
            rec.add(0.0, beta, arc)
            return rec.path("stagewise")
        c[j] = np.sign(c[j]) * big_c
        rec.add(big_c, beta, arc)
    raise RuntimeError(f"stagewise path: more than {limit} breakpoints (level {big_c:.3g})")


def lasso_path(a: np.ndarray, y: np.ndarray, max_breakpoints: int | None = None) -> Path:
    """Exact LASSO homotopy (LARS-lasso) down to ``lam = 0+`` (the minimum-l1 interpolant)."""
    a, n, limit, beta, c, big_c, rec = _path_start(a, y, max_breakpoints)
    c0, arc = big_c, 0.0
    active = [int(np.argmax(np.abs(c)))]
    just_dropped = -1
    for _ in range(limit):
        act = np.asarray(active)
        s = np.where(beta[act] != 0, np.sign(beta[act]), np.sign(c[act]))
        xa = a[:, act]
        d_act = linalg.cho_solve(linalg.cho_factor(xa.T @ xa), s)
        v = xa @ d_act
        g = a.T @ v
        with np.errstate(divide="ignore", invalid="ignore"):
            h1 = (big_c - c) / (1 - g)
            h2 = (big_c + c) / (1 + g)
            hz = -beta[act] / d_act
        for h_ in (h1, h2):
            h_[act] = np.inf
            if just_dropped >= 0:
                h_[just_dropped] = np.inf
            h_[(h_ <= _TINY * c0) | ~np.isfinite(h_)] = np.inf
        hz[(hz <= _TINY * c0) | ~np.isfinite(hz)] = np.inf
        hit = np.minimum(h1, h2)
        j_in = int(np.argmin(hit))
        # with n active coordinates r is proportional to lam: no entry before lam = 0
        h_in = float(hit[j_in]) if act.size < n else np.inf
        k_out = int(np.argmin(hz)) if hz.size else -1
        h_out = float(hz[k_out]) if hz.size else np.inf
        h = min(h_in, h_out, big_c)
        beta[act] += h * d_act
        c -= h * g
        big_c -= h
        arc += h * float(np.abs(d_act).sum())
        c[act] = s * big_c
        if big_c <= _TINY * c0:
            rec.add(0.0, beta, arc)
            return rec.path("lasso")
        if h == h_out:
            j = int(act[k_out])
            beta[j] = 0.0
            active.remove(j)
            just_dropped = j
        else:
            if len(active) >= n:
                raise RuntimeError(f"lasso path: active set would exceed n = {n}")
            active.append(j_in)
            c[j_in] = np.sign(c[j_in]) * big_c
            just_dropped = -1
        rec.add(big_c, beta, arc)
    raise RuntimeError(f"lasso path: more than {limit} breakpoints (level {big_c:.3g})")


def stagewise_steps(a, y, step: float, level: float = 0.0, max_steps: int = 10 ** 7):
    """epsilon-forward stagewise: move the most correlated coordinate by ``step sign(c_j)`` until
    ``||A'r||_inf <= level``. Returns (coefficients, number of steps)."""
    a = np.asarray(a, dtype=float)
    gram = a.T @ a
    c = a.T @ np.asarray(y, dtype=float)
    beta = np.zeros(a.shape[1])
    for k in range(max_steps):
        j = int(np.argmax(np.abs(c)))
        if abs(c[j]) <= level:
            return beta, k
        sj = np.sign(c[j])
        beta[j] += step * sj
        c -= step * sj * gram[:, j]
    raise RuntimeError(f"stagewise_steps: level {level} not reached in {max_steps} steps")


def l2_boosting_steps(a, y, nu: float, level: float = 0.0, max_steps: int = 10 ** 7):
    """Componentwise gradient l2-boosting on the raw features with shrinkage ``nu``: the
    coordinate of largest |gradient| ``|c_j|`` gets ``b_j += nu c_j``, until ``||A'r||_inf <=
    level``. Returns (coefficients, number of steps)."""
    a = np.asarray(a, dtype=float)
    gram = a.T @ a
    c = a.T @ np.asarray(y, dtype=float)
    beta = np.zeros(a.shape[1])
    for k in range(max_steps):
        j = int(np.argmax(np.abs(c)))
        if abs(c[j]) <= level:
            return beta, k
        g = nu * c[j]
        beta[j] += g
        c -= g * gram[:, j]
    raise RuntimeError(f"l2_boosting_steps: level {level} not reached in {max_steps} steps")


# -- trials -------------------------------------------------------------------------------------
def path_observables(path: Path, a, y, x0, weights, levels) -> dict[str, np.ndarray]:
    """Risk and companions of a path at the given levels, exact given the draw (weights = diag
    Sigma, so that the excess risk is sum_j weights_j (b_j - x0_j)^2 / n)."""
    n, p = a.shape
    levels = np.atleast_1d(np.asarray(levels, dtype=float))
    b = path.at(levels)
    err = b - x0[None, :]
    risk = (err ** 2) @ weights / n
    resid = y[None, :] - b @ a.T
    rnorm = np.linalg.norm(resid, axis=1)
    # at lam = 0 (r = 0): r is proportional to lam on the last segment; take its ratio there
    last = path.levels[-2]
    r_last = np.linalg.norm(y - a @ path.at([last])[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(levels > 0, levels * np.sqrt(n) / rnorm, last * np.sqrt(n) / r_last)
    return {"excess_risk": risk, "l1_norm": np.abs(b).sum(axis=1) / n,
            "time": path.time(levels) / n, "nonzero_fraction": np.count_nonzero(b, axis=1) / p,
            "alpha": alpha}


def _oracle(path: Path, weights, x0, n):
    risk, level, arc = path.quadratic_minimum(weights, x0)
    # the minimum at the start of the path (b = 0) means "never start": the level is undefined
    # (NaN; the theory's inf), the time 0
    if arc == 0.0:
        level = np.nan
    return risk / n, level, arc / n


def _trial_common(a, y, x0, w, weights, lams, noise, log_ratio):
    n = a.shape[0]
    fs = stagewise_path(a, y)
    la = lasso_path(a, y)
    out = path_observables(fs, a, y, x0, weights, lams)
    out["test_error"] = out["excess_risk"] + noise
    out["lasso_excess_risk"] = path_observables(la, a, y, x0, weights, lams)["excess_risk"]
    out["oracle_excess_risk"], out["oracle_lam"], out["oracle_time"] = _oracle(fs, weights, x0, n)
    out["tuned_lasso_excess_risk"] = _oracle(la, weights, x0, n)[0]
    # min-l1 interpolant of the noise alone (the LASSO path's end), min-l2 interpolant
    l1 = (la if not np.any(x0) else lasso_path(a, w)).coef[-1].toarray().ravel()
    l2 = np.linalg.lstsq(a, w, rcond=None)[0]
    out["excess_variance"] = float(l1 ** 2 @ weights / n)
    out["rate"] = out["excess_variance"] * log_ratio / noise
    out["min_l2_excess_variance"] = float(l2 ** 2 @ weights / n)
    return out, l1


def _features(delta: float, n: int) -> int:
    p = int(round(n / delta))
    if p <= n:
        raise ParameterError(f"boosting: n/delta = {n / delta:g} gives p <= n = {n}; interpolation "
                             "needs p > n (decrease delta or increase n)")
    return p


_OBSERVABLES = ("excess_risk", "l1_norm", "time", "nonzero_fraction", "alpha", "test_error",
                "lasso_excess_risk", "oracle_excess_risk", "oracle_lam", "oracle_time",
                "tuned_lasso_excess_risk", "excess_variance", "rate", "min_l2_excess_variance",
                "head_variance", "tail_variance", "tail_rate")


def _isotropic_trial(params, sizes, rng):
    from .sparse import draw_signal

    n = sizes["n"]
    p = _features(params.delta, n)
    a = rng.standard_normal((n, p)) / np.sqrt(n)
    x0 = draw_signal(params, rng, p) if params.eps > 0 or params.prior == "empirical" else np.zeros(p)
    w = np.sqrt(params.noise) * rng.standard_normal(n)
    out, _ = _trial_common(a, a @ x0 + w, x0, w, np.ones(p), params.lam, params.noise,
                           np.log(p / n))
    out.update(head_variance=0.0, tail_variance=out["excess_variance"], tail_rate=out["rate"])
    return out


def _spiked_sizes(params, n):
    k = int(round(params.head * n))
    r2 = int(round(params.tail * n))
    if k + r2 <= n:
        raise ParameterError(f"boosting: k* + r_2 = {k + r2} features <= n = {n}; increase n or tail")
    if params.signal > 0 and k == 0:
        raise ParameterError(f"boosting: head*n = {params.head * n:g} rounds to no head dimension, "
                             "but the target lives on the head; increase n")
    return k, r2


def _spiked_trial(params, sizes, rng):
    n = sizes["n"]
    k, r2 = _spiked_sizes(params, n)
    p = k + r2
    weights = np.concatenate([np.full(k, float(params.spike)), np.ones(r2)])
    a = rng.standard_normal((n, p)) * np.sqrt(weights) / np.sqrt(n)
    x0 = np.zeros(p)
    if params.signal > 0:  # uniform on the head sphere with exactly the power signal
        g = rng.standard_normal(k)
        x0[:k] = g * np.sqrt(params.signal * n / params.spike) / np.linalg.norm(g)
    w = np.sqrt(params.noise) * rng.standard_normal(n)
    out, l1 = _trial_common(a, a @ x0 + w, x0, w, weights, params.lam, params.noise,
                            np.log(r2 / n))
    out["head_variance"] = float(l1[:k] ** 2 @ weights[:k] / n)
    out["tail_variance"] = float(l1[k:] ** 2 @ weights[k:] / n)
    out["tail_rate"] = out["tail_variance"] * np.log(r2 / n) / params.noise
    return out


def _spiked_effective(params, sizes):
    k, r2 = _spiked_sizes(params, sizes["n"])
    return {"head": k / sizes["n"], "tail": r2 / sizes["n"]}


register_simulator(Simulator(
    model="boosting", variant="isotropic", trial=_isotropic_trial,
    observables=_OBSERVABLES,
    sizes={"n": "number of samples; p = round(n/delta) features"}, vectorized=("lam",),
    effective=lambda p, s: {"delta": s["n"] / _features(p.delta, s["n"])},
    description="exact continuous-time l2-boosting (forward stagewise) and LASSO paths on "
                "A ~ N(0, 1/n); min-l1/min-l2 interpolants of the noise",
    example={"n": 40, "delta": 0.25, "noise": 0.25, "eps": 0.05, "lam": 1.0},
))
register_simulator(Simulator(
    model="boosting", variant="spiked", trial=_spiked_trial,
    observables=_OBSERVABLES,
    sizes={"n": "number of samples; k* = round(head n), r_2 = round(tail n)"}, vectorized=("lam",),
    effective=_spiked_effective,
    description="the same paths on a spiked-isotropic Gaussian design, target on the head",
    example={"n": 40, "head": 0.1, "tail": 4.0, "spike": 20.0, "signal": 1.0, "noise": 0.25,
             "lam": 1.0},
))

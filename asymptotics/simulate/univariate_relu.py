"""Monte Carlo twin of ``univariate-relu``: draw the points, fit the interpolant, integrate its risk.

Each trial draws n points (``design='random'``: i.i.d. uniform on [0, 1], sorted; ``'grid'``:
``(i - 1)/(n - 1)``), labels ``y = ε ~ N(0, noise)`` (f* = 0: a Lipschitz target only adds O(1/n);
the helpers below accept a target), fits the linear spline (a min-norm interpolant, see the
model) and integrates exactly (piecewise-linear |f|^p in closed form):

* ``excess_risk`` = ∫ |f̂|^p over the data hull [x_(1), x_(n)] divided by its length. Its
  expectation over the noise is the model's constant for every n (both designs); the pieces
  extrapolated to [0, x_(1)] and [x_(n), 1] vanish in probability but have infinite mean with
  random design (the model's ``expected_excess_risk = inf``), so they are left out of the
  average (on the grid the hull is [0, 1]).
* ``test_error`` = the same average of E_ε'|f̂(x) - ε'|^p = σ^p M_p ₁F₁(-p/2; 1/2; -f̂(x)²/(2σ²))
  (the noncentral absolute moment of a Gaussian), by 16-point Gauss–Legendre on each linear piece
  (smooth there; exact to ~1e-13).
* extras (no theory to compare with, reported by ``simulate``): ``excess_risk_with_ends`` =
  ∫_0^1 |f̂|^p including the extrapolated ends (its mean over trials estimates the model's
  ``expected_excess_risk``: infinite with random design, so the sample mean is erratic);
  ``min_norm_excess_risk``, the hull-normalized ∫|f̂|^p of the min-norm interpolant below (its
  mean is infinite for random design and p >= 2: use medians of ``SimulationResult.values``);
  ``max_spike_depth``, its largest spike depth in units of σ.

The min-norm interpolant with a vanishing bias penalty (:func:`min_norm_interpolant`, the model's
item 2) is fitted exactly: on each run of same-sign discrete curvature the values v_j of f' at
the data points maximize a concave chain objective, solved by red-black Gauss–Seidel with the
closed-form coordinate update ``v_j = (A v_{j+1} + B v_{j-1})/(A + B)``, ``A = Δ_{j-1}|s_{j-1} -
v_{j-1}|``, ``B = Δ_j|v_{j+1} - s_j|``, clipped to [s_{j-1}, s_j]: the stationarity condition that
the two kinks next to x_j are equidistant from it. Its risk is an extra, not an observable: its
tempered constants have no theory here (the figure ``univariate-relu`` and the tests use it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["PiecewiseLinear", "design_points", "linear_spline", "min_norm_interpolant",
           "min_norm_slopes", "spike_depths", "abs_moment"]


def design_points(rng, design: str, n: int) -> np.ndarray:
    if n < 3:
        raise ParameterError(f"univariate-relu: simulation needs n >= 3 points; got {n}")
    if design == "random":
        return np.sort(rng.uniform(size=n))
    if design == "grid":
        return np.linspace(0.0, 1.0, n)
    raise ParameterError(f"univariate-relu: unknown design {design!r}")


def abs_moment(p: float) -> float:
    """E|Z|^p for Z ~ N(0, 1)."""
    return float(2 ** (p / 2) * special.gamma((p + 1) / 2) / np.sqrt(np.pi))


def _lp_linear(a, b, length, p):
    """∫_0^L |a + (b - a) x/L|^p dx, elementwise, in closed form."""
    aa, bb = np.abs(a), np.abs(b)
    same = a * b >= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = bb - aa
        close = np.abs(gap) <= 1e-9 * np.maximum(aa + bb, 1e-300)
        same_sign = np.where(close, (0.5 * (aa + bb)) ** p,
                             (bb ** (p + 1) - aa ** (p + 1)) / ((p + 1) * np.where(close, 1.0, gap)))
        opposite = (aa ** (p + 1) + bb ** (p + 1)) / ((p + 1) * np.maximum(aa + bb, 1e-300))
    return length * np.where(same, same_sign, opposite)


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)


@dataclass(frozen=True)
class PiecewiseLinear:
    """A continuous piecewise-linear function: values at sorted knots, linear beyond the ends."""

    knots: np.ndarray
    values: np.ndarray
    left_slope: float
    right_slope: float

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        k, v = self.knots, self.values
        out = np.interp(t, k, v)
        out = np.where(t < k[0], v[0] + self.left_slope * (t - k[0]), out)
        return np.where(t > k[-1], v[-1] + self.right_slope * (t - k[-1]), out)

    def pieces(self, lo: float, hi: float):
        """(left ends, right ends, values at both ends) of the linear pieces covering [lo, hi]."""
        inner = self.knots[(self.knots > lo) & (self.knots < hi)]
        ends = np.r_[lo, inner, hi]
        vals = self(ends)
        return ends[:-1], ends[1:], vals[:-1], vals[1:]

    def lp_distance(self, p: float, lo: float, hi: float, target=None) -> float:
        """∫_lo^hi |f - target|^p (closed form for target None, i.e. 0; else Gauss–Legendre)."""
        a, b, fa, fb = self.pieces(lo, hi)
        if target is None:
            return float(np.sum(_lp_linear(fa, fb, b - a, p)))
        t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _GL_NODES[None, :]
        vals = np.abs(self(t) - target(t)) ** p
        return float(np.sum(0.5 * (b - a) * (vals @ _GL_WEIGHTS)))

    def expected_test_loss(self, p: float, noise: float, lo: float, hi: float) -> float:
        """∫_lo^hi E_ε'|f(x) - ε'|^p dx with ε' ~ N(0, noise) (target 0)."""
        a, b, _, _ = self.pieces(lo, hi)
        t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _GL_NODES[None, :]
        z = self(t) ** 2 / (2 * noise)
        vals = noise ** (p / 2) * abs_moment(p) * special.hyp1f1(-p / 2, 0.5, -z)
        return float(np.sum(0.5 * (b - a) * (vals @ _GL_WEIGHTS)))


def linear_spline(x, y) -> PiecewiseLinear:
    s = np.diff(y) / np.diff(x)
    return PiecewiseLinear(np.asarray(x, float), np.asarray(y, float), float(s[0]), float(s[-1]))


def min_norm_slopes(x, y, tol: float = 1e-13, max_sweeps: int = 200_000):
    """Slopes of the vanishing-bias-penalty min-norm interpolant on each interval.

    Returns (s, left, right, kinked): secant slopes s_i; the slopes ``left_i`` at x_i and
    ``right_i`` at x_{i+1} of the two linear pieces on [x_i, x_{i+1}] (equal to s_i off the
    same-curvature intervals); ``kinked`` marks the intervals with a kink inside."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    d = np.diff(x)
    s = np.diff(y) / d
    m = s.size
    c = np.diff(s)  # kink of the spline at point j = 1..n-2 is c[j-1]
    tie = np.zeros(m, bool)
    tie[1:-1] = c[:-1] * c[1:] > 0
    # v[j]: f' at point j. Run starts (left interval linear) take s_{j-1}, run ends s_j; points
    # between two same-curvature intervals are free in [min(s_{j-1}, s_j), max(...)].
    v = np.full(m + 1, np.nan)
    j = np.arange(1, m)
    lt, rt = tie[j - 1], tie[j]
    v[j[rt & ~lt]] = s[j[rt & ~lt] - 1]
    v[j[lt & ~rt]] = s[j[lt & ~rt]]
    free = j[lt & rt]
    lo = np.minimum(s[free - 1], s[free])
    hi = np.maximum(s[free - 1], s[free])
    v[free] = 0.5 * (lo + hi)
    bound_lo = np.full(m + 1, np.nan)
    bound_hi = np.full(m + 1, np.nan)
    bound_lo[free], bound_hi[free] = lo, hi
    is_free = np.zeros(m + 2, bool)
    is_free[free] = True
    active = free
    change = 0.0
    for sweep in range(max_sweeps):
        change = 0.0
        moved = []
        for parity in (0, 1):
            js = active[(active % 2) == parity]
            if js.size == 0:
                continue
            A = d[js - 1] * np.abs(s[js - 1] - v[js - 1])
            B = d[js] * np.abs(v[js + 1] - s[js])
            tot = A + B
            new = np.where(tot > 0, (A * v[js + 1] + B * v[js - 1]) / np.where(tot > 0, tot, 1.0), v[js])
            new = np.clip(new, bound_lo[js], bound_hi[js])
            rel = np.abs(new - v[js]) / (np.abs(s[js - 1]) + np.abs(s[js]))
            change = max(change, float(np.max(rel, initial=0.0)))
            moved.append(js[rel >= tol])
            v[js] = new
        if change < tol:
            break
        # keep sweeping only where something moved, and at its free neighbours
        moved = np.concatenate(moved) if moved else np.empty(0, int)
        near = np.unique(np.r_[moved, moved - 1, moved + 1])
        active = near[is_free[near]]
    else:
        raise RuntimeError(f"univariate-relu: min-norm chain did not converge in {max_sweeps} sweeps "
                           f"(last relative change {change:.2e} > {tol:g})")
    left, right = s.copy(), s.copy()
    ti = np.flatnonzero(tie)
    left[ti], right[ti] = v[ti], v[ti + 1]
    kinked = tie & (np.abs(right - left) > 1e-12 * (np.abs(left) + np.abs(right)))
    return s, left, right, kinked


def min_norm_interpolant(x, y) -> PiecewiseLinear:
    """The min-norm interpolant selected by a vanishing bias penalty (see the model, item 2)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    s, left, right, kinked = min_norm_slopes(x, y)
    i = np.flatnonzero(kinked)
    # the two pieces y_i + left (t - x_i) and y_{i+1} + right (t - x_{i+1}) meet at t_i
    t = (y[i + 1] - y[i] + left[i] * x[i] - right[i] * x[i + 1]) / (left[i] - right[i])
    t = np.clip(t, x[i], x[i + 1])
    knots = np.r_[x, t]
    values = np.r_[y, y[i] + left[i] * (t - x[i])]
    order = np.argsort(knots, kind="stable")
    return PiecewiseLinear(knots[order], values[order], float(s[0]), float(s[-1]))


def spike_depths(x, y) -> np.ndarray:
    """Per interval: the largest |min-norm interpolant - chord| (0 where it is the chord)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    s, left, right, kinked = min_norm_slopes(x, y)
    out = np.zeros(s.size)
    i = np.flatnonzero(kinked)
    t = (y[i + 1] - y[i] + left[i] * x[i] - right[i] * x[i + 1]) / (left[i] - right[i])
    out[i] = np.abs((s[i] - left[i]) * (np.clip(t, x[i], x[i + 1]) - x[i]))
    return out


def _trial(params, sizes, rng):
    n = sizes["n"]
    p, noise = float(params.power), float(params.noise)
    x = design_points(rng, params.design, n)
    y = np.sqrt(noise) * rng.standard_normal(n)
    f = linear_spline(x, y)
    hull = x[-1] - x[0]
    out = {
        "excess_risk": f.lp_distance(p, x[0], x[-1]) / hull,
        "test_error": f.expected_test_loss(p, noise, x[0], x[-1]) / hull,
    }
    out["excess_risk_with_ends"] = f.lp_distance(p, 0.0, 1.0)
    g = min_norm_interpolant(x, y)
    out["min_norm_excess_risk"] = g.lp_distance(p, x[0], x[-1]) / hull
    out["max_spike_depth"] = float(np.max(spike_depths(x, y))) / np.sqrt(noise)
    return out


register_simulator(Simulator(
    model="univariate-relu", variant="default", trial=_trial,
    observables=("excess_risk", "test_error"),
    extras=("excess_risk_with_ends", "min_norm_excess_risk", "max_spike_depth"),
    sizes={"n": "number of data points"},
    description="n uniform (or grid) points with pure-noise labels, the linear spline through them, "
                "exact L_p integrals over the data hull",
    example={"n": 200, "power": 1.5, "noise": 0.5, "design": "random"},
))

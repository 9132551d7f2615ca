"""Free additive convolution with a semicircle law, as a discretized spectral density.

For a probability measure μ on the real line (the spectrum of a symmetric matrix S) and a GOE
matrix W normalized so that its spectrum is the semicircle on [-2, 2], the spectrum of
``S + ω W`` converges to ``μ ⊞ σ_ω``, the free convolution of μ with the semicircle of variance
ω². It is computed here by Biane's subordination parametrization (Biane 1997, "On the free
convolution with a semi-circular distribution", Indiana Univ. Math. J. 46, Lemma 2 and Cor. 3
[recalled, not verified in source; checked here against closed forms and random matrices]):
with the Stieltjes transform ``G_μ(z) = ∫ dμ(s)/(z - s)``,

    v(u) = inf{ v >= 0 : ∫ dμ(s)/((u - s)² + v²) <= 1/ω² },
    x(u) = u + ω² Re G_μ(u + i v(u)),       density of μ ⊞ σ_ω at x(u) = v(u)/(π ω²),

``u -> x(u)`` is increasing, and ``G_{μ⊞σ}(x(u)) = G_μ(u + i v(u))`` (subordination), so the
principal-value Hilbert transform ``H(x) = p.v.∫ dμ_Y(y)/(x - y)`` is ``Re G_μ(u + i v(u))`` at
no extra cost. Numerically: the set where ``v > 0`` is a union of intervals in u, found by a scan
plus bisection of the criterion ``∫ dμ(s)/(u - s)² > 1/ω²``; each interval carries
Chebyshev–Lobatto nodes in u (clustered at the square-root edges; ``nodes`` shared equally), ``v`` is found by bisection
(48 halvings of [0, ω]), and the density is integrated by the trapezoid rule in x on those nodes.
The weights are normalized to total mass 1; the mass before normalization (``mass``) measures the
quadrature error (|1 - mass| ~ 1e-5 at 2000 nodes).

Measures: :class:`MarchenkoPastur` (eigenvalues of ``W'W/m`` for an ``m x d`` Gaussian ``W``,
ratio ``d/m``, atom at 0 when d > m) and :class:`DiscreteMeasure` (finitely many atoms, e.g. an
empirical spectrum).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import Interval, ParameterError, domain_error

__all__ = ["MarchenkoPastur", "DiscreteMeasure", "SpectralDensity", "add_semicircle"]


@dataclass(frozen=True)
class MarchenkoPastur:
    """The limit spectrum of ``W'W/m``, ``W`` an ``m x d`` matrix of iid N(0, 1), ``ratio = d/m``.

    Mean 1, second moment ``1 + ratio``; support ``[(1 - sqrt r)², (1 + sqrt r)²]`` plus an atom
    of mass ``1 - 1/ratio`` at 0 when ``ratio > 1``.
    """

    ratio: float

    def __post_init__(self):
        if not Interval(0, np.inf).contains(self.ratio):
            raise domain_error("ratio", Interval(0, np.inf), self.ratio)

    @property
    def edges(self) -> tuple[float, float]:
        r = np.sqrt(self.ratio)
        return (1 - r) ** 2, (1 + r) ** 2

    @property
    def atom(self) -> float:
        return max(0.0, 1.0 - 1.0 / self.ratio)

    @property
    def mean(self) -> float:
        return 1.0

    @property
    def second_moment(self) -> float:
        return 1.0 + self.ratio

    @property
    def pieces(self) -> list[tuple[float, float]]:
        """Closed intervals (atoms as degenerate ones) covering the support."""
        lo, hi = self.edges
        return [(lo, hi)] + ([(0.0, 0.0)] if self.atom > 0 else [])

    def _root(self, z):
        lo, hi = self.edges
        return np.sqrt(z - lo) * np.sqrt(z - hi)  # the branch that behaves like z at infinity

    def stieltjes(self, z):
        """G(z) = ∫ dμ(s)/(z - s), in the cancellation-free form 2/(z - 1 + r + R)."""
        z = np.asarray(z, dtype=complex)
        return 2.0 / (z - 1.0 + self.ratio + self._root(z))

    def inverse_square_moment(self, u):
        """∫ dμ(s)/(u - s)² = -G'(u) for real u outside the support."""
        z = np.asarray(u, dtype=complex)
        lo, hi = self.edges
        root = self._root(z)
        droot = 0.5 * root * (1.0 / (z - lo) + 1.0 / (z - hi))
        g = 2.0 / (z - 1.0 + self.ratio + root)
        return (0.5 * g * g * (1.0 + droot)).real


@dataclass(frozen=True, eq=False)
class DiscreteMeasure:
    """``Σ_k weights_k δ(values_k)`` (weights default to 1/K; normalized to total mass 1)."""

    values: np.ndarray
    weights: np.ndarray | None = None

    def __post_init__(self):
        v = np.asarray(self.values, dtype=float).ravel()
        if v.size == 0 or not np.all(np.isfinite(v)):
            raise domain_error("values", "a non-empty array of finite numbers", self.values)
        w = np.full(v.size, 1.0 / v.size) if self.weights is None else np.asarray(self.weights, float).ravel()
        if w.shape != v.shape or np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
            raise ParameterError("DiscreteMeasure: 'weights' must be finite, >= 0, of the length of 'values'")
        uniq, inv = np.unique(v, return_inverse=True)
        object.__setattr__(self, "values", uniq)
        object.__setattr__(self, "weights", np.bincount(inv, weights=w) / w.sum())

    @property
    def mean(self) -> float:
        return float(self.weights @ self.values)

    @property
    def second_moment(self) -> float:
        return float(self.weights @ self.values ** 2)

    @property
    def pieces(self) -> list[tuple[float, float]]:
        return [(float(s), float(s)) for s in self.values]

    def stieltjes(self, z):
        z = np.asarray(z, dtype=complex)
        return (self.weights / (z[..., None] - self.values)).sum(axis=-1)

    def inverse_square_moment(self, u):
        u = np.asarray(u, dtype=float)
        with np.errstate(divide="ignore"):
            return (self.weights / (u[..., None] - self.values) ** 2).sum(axis=-1)


@dataclass(frozen=True)
class SpectralDensity:
    """A discretized law on nodes ``x`` with weights summing to 1, its density ``density`` and the
    Hilbert transform ``hilbert = p.v. ∫ dμ(y)/(x - y)`` at the nodes; ``support`` lists its
    intervals in x; ``mass`` is the trapezoid mass before normalization (1 up to quadrature error)."""

    x: np.ndarray
    weights: np.ndarray
    density: np.ndarray
    hilbert: np.ndarray
    support: tuple[tuple[float, float], ...]
    mass: float

    def integrate(self, values) -> float:
        return float(self.weights @ np.asarray(values, dtype=float))

    def mass_above(self, level: float) -> float:
        """μ(level, ∞) with the density interpolated linearly between nodes (a step function
        summed over the node weights would be off by a node's mass)."""
        x, rho = self.x, self.density
        i = int(np.searchsorted(x, level, side="right"))
        if i >= x.size:
            return 0.0
        tail = float(0.5 * np.sum((rho[i:-1] + rho[i + 1:]) * np.diff(x[i:])))
        if i == 0:
            return tail
        x0, x1, r0, r1 = x[i - 1], x[i], rho[i - 1], rho[i]
        r_level = r0 + (r1 - r0) * (level - x0) / (x1 - x0) if x1 > x0 else r1
        return tail + 0.5 * (r_level + r1) * (x1 - level)

    @property
    def top(self) -> float:
        return self.support[-1][1]


def _inside(measure, u, omega):
    """Where v(u) > 0: u in the support of μ, or ∫ dμ/(u-s)² > 1/ω² outside it."""
    u = np.asarray(u, dtype=float)
    inside = np.zeros(u.shape, dtype=bool)
    for a, b in measure.pieces:
        inside |= (u >= a) & (u <= b)
    out = ~inside
    if np.any(out):
        crit = measure.inverse_square_moment(u[out])
        inside[out] = crit > 1.0 / omega ** 2
    return inside


def add_semicircle(measure, omega: float, nodes: int = 2000, scan: int = 1500) -> SpectralDensity:
    """The law ``μ ⊞ σ_ω`` (spectrum of ``S + ω W``, W a GOE with semicircle on [-2, 2])."""
    omega = float(omega)
    if not omega > 0 or not np.isfinite(omega):
        raise domain_error("omega", Interval(0, np.inf), omega)
    pieces = measure.pieces
    lo = min(a for a, _ in pieces) - 1.05 * omega
    hi = max(b for _, b in pieces) + 1.05 * omega
    atoms = np.array([a for a, b in pieces if a == b])
    u = np.union1d(np.linspace(lo, hi, scan), atoms)
    ins = _inside(measure, u, omega)
    flips = np.flatnonzero(ins[1:] != ins[:-1])
    a, b = u[flips].copy(), u[flips + 1].copy()
    start = ~ins[flips]  # outside -> inside: a segment starts
    for _ in range(46):  # bisection of every edge at once (to ~1e-16 of the range)
        m = 0.5 * (a + b)
        same = _inside(measure, m, omega) == ins[flips]
        a = np.where(same, m, a)
        b = np.where(same, b, m)
    edge = 0.5 * (a + b)
    starts, ends = np.sort(edge[start]), np.sort(edge[~start])
    if starts.size != ends.size or starts.size == 0:
        raise ArithmeticError(f"add_semicircle: could not bracket the support (ω = {omega:g})")
    xs, ws, rs, hs, support = [], [], [], [], []
    target = 1.0 / omega ** 2
    # the same number of nodes on every interval: a narrow interval (the bump grown from an atom)
    # carries mass out of proportion to its length, and a count independent of ω keeps the
    # quadrature (hence every functional) a smooth function of ω between changes of topology
    per = max(64, nodes // starts.size)
    for s0, e0 in zip(starts, ends):
        k = per
        uu = 0.5 * (s0 + e0) + 0.5 * (e0 - s0) * np.cos(np.linspace(np.pi, 0.0, k))
        vlo, vhi = np.zeros(k), np.full(k, omega)
        for _ in range(48):
            vm = 0.5 * (vlo + vhi)
            big = -measure.stieltjes(uu + 1j * vm).imag / vm > target
            vlo = np.where(big, vm, vlo)
            vhi = np.where(big, vhi, vm)
        v = 0.5 * (vlo + vhi)
        v[0] = v[-1] = 0.0
        g = measure.stieltjes(uu + 1j * np.maximum(v, 1e-300))
        x = uu + omega ** 2 * g.real
        rho = v / (np.pi * omega ** 2)
        w = np.zeros(k)
        dx = np.diff(x)
        w[:-1] += 0.5 * dx * rho[:-1]
        w[1:] += 0.5 * dx * rho[1:]
        xs.append(x)
        ws.append(w)
        rs.append(rho)
        hs.append(g.real)
        support.append((float(x[0]), float(x[-1])))
    w = np.concatenate(ws)
    mass = float(w.sum())
    return SpectralDensity(np.concatenate(xs), w / mass, np.concatenate(rs) / mass, np.concatenate(hs),
                           tuple(support), mass)

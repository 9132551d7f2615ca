"""Numeric quadrature for Gaussian expectations and spectral laws.

Gauss–Hermite rules for ``z ~ N(0, 1)`` (probabilists' Hermite polynomials; weights sum to one),
their tensor products for ``N(0, I_k)``, and the same nodes refined to arbitrary precision with
mpmath for the ``precision=`` path of the solvers; Gauss rules of the Marchenko–Pastur law.
"""

from __future__ import annotations

import functools
import itertools

class _LazyMpmath:
    """mpmath, imported on first use (only the precision= path needs it; start-up time)."""

    def __getattr__(self, name):
        import mpmath

        return getattr(mpmath, name)


mp = _LazyMpmath()
import numpy as np

__all__ = ["gauss_hermite", "gauss_hermite_product", "gauss_hermite_mp", "gauss_hermite_product_mp",
           "gaussian_expectation", "gauss_rule", "half_normal", "gaussian_product", "gauss_legendre_unit",
           "product_rule", "marchenko_pastur", "marchenko_pastur_batch", "normal_panels",
           "normal_panels_product", "filter_order", "filter_rule", "filter_rule_lazy",
           "FILTER_MAX_TIME_SQRT_GAMMA"]


@functools.lru_cache(maxsize=None)
def gauss_hermite(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights with ``sum_i w_i f(x_i) ≈ E f(Z)``, Z ~ N(0, 1), exact for degree < 2 order."""
    if order < 1:
        raise ValueError(f"parameter 'order' must be an integer >= 1; got {order!r}")
    x, w = np.polynomial.hermite_e.hermegauss(order)
    w = w / w.sum()
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w


@functools.lru_cache(maxsize=None)
def gauss_hermite_product(dim: int, order: int) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Tensor-product rule for ``N(0, I_dim)``: ``order**dim`` nodes, as one array per coordinate."""
    x, w = gauss_hermite(order)
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    weights = functools.reduce(np.multiply.outer, [w] * dim).ravel()
    comps = tuple(g.ravel() for g in grids)
    for c in comps:
        c.setflags(write=False)
    weights.setflags(write=False)
    return comps, weights


def gauss_rule(x: np.ndarray, w: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``order``-point Gauss rule of the discrete measure ``sum_i w_i delta(x_i)``.

    Lanczos tridiagonalization of ``diag(x)`` from the start vector ``sqrt(w)`` (with full
    reorthogonalization, so it is stable for any order below ``len(x)``), then Golub–Welsch: the
    nodes are the eigenvalues of the Jacobi matrix and the weights the squared first components of
    its eigenvectors (normalised to sum to one). Applied to a fine discretization of a continuous
    measure (the "discretized Stieltjes" route of Gautschi), it gives that measure's Gauss rule.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if not 1 <= order < x.size:
        raise ValueError(f"parameter 'order' must be in [1, {x.size - 1}]; got {order!r}")
    basis = np.zeros((x.size, order))
    basis[:, 0] = np.sqrt(w / w.sum())
    diag, off = np.zeros(order), np.zeros(order)
    for k in range(order):
        v = x * basis[:, k]
        diag[k] = basis[:, k] @ v
        for _ in range(2):  # twice is enough (Kahan–Parlett)
            v -= basis[:, :k + 1] @ (basis[:, :k + 1].T @ v)
        if k + 1 < order:
            off[k] = np.linalg.norm(v)
            basis[:, k + 1] = v / off[k]
    jacobi = np.diag(diag) + np.diag(off[:-1], 1) + np.diag(off[:-1], -1)
    nodes, vecs = np.linalg.eigh(jacobi)
    weights = vecs[0] ** 2
    return nodes, weights / weights.sum()


@functools.lru_cache(maxsize=None)
def half_normal(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss rule for ``|Z|``, Z ~ N(0, 1) (density ``2 phi(x)`` on ``[0, inf)``); weights sum to one.

    Integrands that are smooth on the half-line but not across 0 (an indicator ``1{G > 0}`` times
    a smooth function, as in sign-link labels) converge geometrically with this rule, where the
    full-line Gauss–Hermite rule converges slowly. Built by :func:`gauss_rule` from a composite
    64-point Gauss–Legendre discretization of ``[0, 16]`` (mass beyond 16 is below 1e-57).
    """
    if order < 1:
        raise ValueError(f"parameter 'order' must be an integer >= 1; got {order!r}")
    xl, wl = np.polynomial.legendre.leggauss(64)
    edges = np.linspace(0.0, 16.0, 33)
    x = np.concatenate([(xl + 1) / 2 * (b - a) + a for a, b in zip(edges[:-1], edges[1:])])
    w = np.concatenate([wl / 2 * (b - a) for a, b in zip(edges[:-1], edges[1:])])
    w = w * 2 * np.exp(-x ** 2 / 2) / np.sqrt(2 * np.pi)
    nodes, weights = gauss_rule(x, w, order)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


@functools.lru_cache(maxsize=None)
def gauss_legendre_unit(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre rule for ``U ~ Uniform(0, 1)`` (weights sum to one)."""
    if order < 1:
        raise ValueError(f"parameter 'order' must be an integer >= 1; got {order!r}")
    x, w = np.polynomial.legendre.leggauss(order)
    x, w = (x + 1) / 2, w / 2
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w


_RULES = {"normal": gauss_hermite, "half": half_normal, "uniform": gauss_legendre_unit}


@functools.lru_cache(maxsize=None)
def product_rule(factors: tuple[tuple[str, int], ...]) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Tensor product of 1-D rules, one ``(kind, order)`` per coordinate: kind ``"normal"`` (Z),
    ``"half"`` (|Z|) or ``"uniform"`` (U(0, 1), Gauss–Legendre)."""
    rules = []
    for kind, order in factors:
        if kind not in _RULES:
            raise ValueError(f"quadrature kind must be one of {sorted(_RULES)}; got {kind!r}")
        rules.append(_RULES[kind](order))
    grids = np.meshgrid(*[r[0] for r in rules], indexing="ij")
    weights = functools.reduce(np.multiply.outer, [r[1] for r in rules]).ravel()
    comps = tuple(g.ravel() for g in grids)
    for c in comps:
        c.setflags(write=False)
    weights.setflags(write=False)
    return comps, weights


def gaussian_product(kinds: tuple[str, ...], order: int) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Tensor-product rule over coordinates that are each ``"normal"`` (Z) or ``"half"`` (|Z|)."""
    return product_rule(tuple((k, order) for k in kinds))


@functools.lru_cache(maxsize=None)
def gauss_hermite_mp(order: int, dps: int) -> tuple[list, list]:
    """The rule of :func:`gauss_hermite` refined by Newton's method at ``dps`` digits."""
    x0, _ = gauss_hermite(order)
    with mp.workdps(dps + 10):
        nodes, weights = [], []
        for start in x0:
            x = mp.mpf(float(start))
            for _ in range(100):
                h, hm1 = _hermite_e_pair(order, x)
                step = h / (order * hm1)
                x -= step
                if abs(step) < mp.mpf(10) ** (-(dps + 8)) * max(1, abs(x)):
                    break
            _, hm1 = _hermite_e_pair(order, x)
            nodes.append(x)
            weights.append(mp.factorial(order) / (order * hm1) ** 2)
        total = mp.fsum(weights)
        weights = [w / total for w in weights]
    return nodes, weights


def _hermite_e_pair(n: int, x):
    """(He_n(x), He_{n-1}(x)) by the three-term recurrence."""
    prev, cur = mp.mpf(1), x
    if n == 0:
        return prev, mp.mpf(0)
    for k in range(1, n):
        prev, cur = cur, x * cur - k * prev
    return cur, prev


def gauss_hermite_product_mp(dim: int, order: int, dps: int):
    x, w = gauss_hermite_mp(order, dps)
    pts = list(itertools.product(range(order), repeat=dim))
    comps = tuple([x[p[j]] for p in pts] for j in range(dim))
    weights = [mp.fprod(w[i] for i in p) for p in pts]
    return comps, weights


def gaussian_expectation(f, order: int = 80) -> float:
    """``E f(Z)`` for ``Z ~ N(0, 1)`` with a vectorized ``f`` (convenience for tests and models)."""
    x, w = gauss_hermite(order)
    return float(np.dot(w, f(x)))


@functools.lru_cache(maxsize=256)
def _marchenko_pastur_cached(gamma: float, order: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy.linalg import eigh_tridiagonal

    diag = np.full(order, 1.0 + gamma)
    diag[0] = max(1.0, gamma)
    nodes, vecs = eigh_tridiagonal(diag, np.full(order - 1, np.sqrt(gamma)))
    weights = vecs[0] ** 2 * min(1.0, 1.0 / gamma)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


def marchenko_pastur(gamma: float, order: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """Gauss rule of the absolutely continuous part of the Marchenko–Pastur law of ratio ``gamma``.

    The law is the limiting spectrum of ``X'X/n`` for ``X`` (n x p) with iid unit-variance
    entries and ``p/n -> gamma``: density ``sqrt((b-s)(s-a))/(2 pi gamma s)`` on
    ``[a, b] = [(1 - sqrt gamma)², (1 + sqrt gamma)²]``, of mass ``min(1, 1/gamma)``, plus an atom
    of mass ``(1 - 1/gamma)_+`` at 0 that this rule leaves out (add it where the integrand's value
    at 0 is known in closed form). The weights sum to ``min(1, 1/gamma)``; every node lies in
    ``(a, b)``.

    Construction: for gamma <= 1 the orthogonal polynomials of the law have the Jacobi matrix with
    diagonal ``(1, 1+gamma, 1+gamma, ...)`` and off-diagonal ``sqrt(gamma)`` (moments 1, 1+gamma,
    1+3gamma+gamma², ...); for gamma > 1 the continuous part, normalized, is gamma times the law of
    ratio 1/gamma, whose Jacobi matrix has diagonal ``(gamma, 1+gamma, ...)`` and the same
    off-diagonal. Golub–Welsch on the ``order x order`` truncation gives a rule exact for
    polynomials of degree < 2 order. Unlike a fixed rule in a rescaled variable it stays
    spectrally accurate at and near the hard edge (gamma = 1, density ~ s^-1/2).
    """
    if not gamma > 0 or not np.isfinite(gamma):
        raise ValueError(f"parameter 'gamma' must be in (0, inf); got {gamma!r}")
    if order < 2:
        raise ValueError(f"parameter 'order' must be an integer >= 2; got {order!r}")
    return _marchenko_pastur_cached(float(gamma), int(order))


def marchenko_pastur_batch(gamma, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Rules for many ratios at once: (nodes, weights), each of shape (len(gamma), order)."""
    gamma = np.asarray(gamma, dtype=float).reshape(-1)
    if gamma.size and np.all(gamma == gamma[0]):  # one ratio (e.g. a time grid): read-only views
        x, w = marchenko_pastur(float(gamma[0]), order)
        return np.broadcast_to(x, (gamma.size, order)), np.broadcast_to(w, (gamma.size, order))
    nodes = np.empty((gamma.size, order))
    weights = np.empty((gamma.size, order))
    uniq, inverse = np.unique(gamma, return_inverse=True)
    for i, g in enumerate(uniq):
        x, w = marchenko_pastur(float(g), order)
        nodes[inverse == i] = x
        weights[inverse == i] = w
    return nodes, weights


# Marchenko–Pastur rules for spectral filters e^{-2ts} (gradient flow on least squares, the lazy
# two-layer network): ParametricQuadratureSpace rules of gd-least-squares and two-layer-lazy.
# They live here, not in the model files, so that the stored numeric systems that name them load
# without importing a model file (and sympy): see asymptotics._front.
FILTER_MAX_TIME_SQRT_GAMMA = 2.4e5  # largest time*sqrt(gamma) for which the 4096-point rule is accurate


def filter_order(gamma_values, time_values) -> int:
    """Gauss–MP order for a batch: the exponential filter e^{-2ts} on an interval of length
    L = 4 sqrt(gamma) has Chebyshev coefficients ~ exp(-k²/(tL)), and the N-point Gauss rule
    integrates degree 2N - 1, so the error is ~ exp(-2N²/(tL)); N = sqrt(17 t L) + 32 keeps it
    below 1e-13 (measured: N = 256 gives 5e-13 at t = 1000, gamma = 1)."""
    t = float(np.max(time_values, initial=0.0))
    length = 4.0 * np.sqrt(float(np.max(gamma_values, initial=1.0)))
    order = int(np.ceil(np.sqrt(17.0 * t * length))) + 32
    return int(min(4096, max(64, 32 * int(np.ceil(order / 32)))))


def filter_rule(gamma, time):
    """((nodes,), weights) of the Gauss–MP rule of ratio ``gamma`` sized for e^{-2 time s}."""
    gamma = np.asarray(gamma, float)
    if not gamma.size:
        return (np.empty((0, 64)),), np.empty((0, 64))
    nodes, weights = marchenko_pastur_batch(gamma, filter_order(gamma, time))
    return (nodes,), weights


def filter_rule_lazy(alpha, time, init_scale):
    """:func:`filter_rule` at ratio 1/alpha and effective time ``time init_scale²`` (the lazy
    two-layer network's NTK flow; mu1² <= 1 for its activations)."""
    gamma = 1.0 / np.asarray(alpha, float)
    eff = np.asarray(time, float) * np.asarray(init_scale, float) ** 2
    return filter_rule(gamma, eff)


@functools.lru_cache(maxsize=None)
def normal_panels(panels: int = 60, per_panel: int = 8, width: float = 12.0):
    """Composite Gauss–Legendre rule for ``E f(Z)``, Z ~ N(0, 1), on [-width, width].

    ``panels`` equal panels of ``per_panel`` Legendre nodes, weights multiplied by the normal
    density. Unlike Gauss–Hermite it resolves integrands with sharp features anywhere in the
    range (a tanh of a large multiple of z, a logistic switching in the tail): with the defaults
    (480 nodes, spacing 0.05) such integrands converge to ~1e-13. The mass beyond ``width`` = 12
    is 4e-33.
    """
    if panels < 1 or per_panel < 1 or not width > 0:
        raise ValueError("normal_panels needs panels >= 1, per_panel >= 1 and width > 0")
    x, w = np.polynomial.legendre.leggauss(per_panel)
    edges = np.linspace(-width, width, panels + 1)
    half = (edges[1] - edges[0]) / 2
    mids = (edges[:-1] + edges[1:]) / 2
    nodes = (mids[:, None] + half * x[None, :]).ravel()
    weights = (half * np.broadcast_to(w, (panels, per_panel))).ravel() * np.exp(-nodes ** 2 / 2)
    weights = weights / np.sqrt(2 * np.pi)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


@functools.lru_cache(maxsize=None)
def normal_panels_product(dim: int, panels: int = 60, per_panel: int = 8, width: float = 12.0):
    """Tensor product of :func:`normal_panels` for ``N(0, I_dim)``."""
    x, w = normal_panels(panels, per_panel, width)
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    weights = functools.reduce(np.multiply.outer, [w] * dim).ravel()
    comps = tuple(g.ravel() for g in grids)
    for c in comps:
        c.setflags(write=False)
    weights.setflags(write=False)
    return comps, weights

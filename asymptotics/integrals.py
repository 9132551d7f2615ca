"""Numeric quadrature for Gaussian expectations.

Gauss–Hermite rules for ``z ~ N(0, 1)`` (probabilists' Hermite polynomials; weights sum to one),
their tensor products for ``N(0, I_k)``, and the same nodes refined to arbitrary precision with
mpmath for the ``precision=`` path of the solvers.
"""

from __future__ import annotations

import functools
import itertools

import mpmath as mp
import numpy as np

__all__ = ["gauss_hermite", "gauss_hermite_product", "gauss_hermite_mp", "gauss_hermite_product_mp",
           "gaussian_expectation", "gauss_rule", "half_normal", "gaussian_product", "gauss_legendre_unit",
           "product_rule"]


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

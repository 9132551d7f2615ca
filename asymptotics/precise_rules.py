"""Gauss quadrature rules in Arb at any precision: the nodes of every quadrature space, refined.

The float64 rules of :mod:`asymptotics.integrals` are accurate to ~1e-16; the high-precision path
needs the *same* rules (same measure, same order) to its working precision, and the rules at
twice the order for the second solve that measures the quadrature error. Each rule here comes
from the monic three-term recurrence of its orthogonal polynomials,
``p_{k+1}(x) = (x - a_k) p_k(x) - b_k p_{k-1}(x)``: nodes are the roots of ``p_n``, refined by
Newton's method in Arb from the float64 nodes, and weights the Christoffel numbers
``mu_0 b_1 ... b_{n-1} / (p_{n-1}(x_i) p_n'(x_i))`` (Gautschi, *Orthogonal Polynomials:
Computation and Approximation*, 2004, Sec. 1.4 and 3.1). Recurrences:

- ``normal`` (Z ~ N(0, 1), probabilists' Hermite): ``a_k = 0``, ``b_k = k``;
- ``uniform`` (U(0, 1), shifted Legendre): ``a_k = 1/2``, ``b_k = k²/(4(4k² - 1))``;
- ``half`` (|Z|, half-normal): from the exact moments ``E|Z|^k = (k - 1) E|Z|^{k-2}``,
  ``E|Z| = sqrt(2/pi)``, by Chebyshev's algorithm (Gautschi Sec. 2.1.7) at a working precision
  raised by 6 bits per order (the moment map's condition grows geometrically; the raise is
  checked in the tests by recomputing at +64 bits);
- Marchenko–Pastur (continuous part, ratio gamma): ``a_0 = max(1, gamma)``, ``a_k = 1 + gamma``,
  ``b_k = gamma``, mass ``min(1, 1/gamma)`` — exact in gamma, so gamma = 1 + 1e-30 is the rule of
  that gamma, not of the nearest double;
- ``panels`` (Z ~ N(0, 1), composite Gauss–Legendre on [-width, width]): the Legendre rule on
  each panel times the normal density; at high precision the panels are continued outwards (same
  spacing) until the neglected mass ``2 Phi(-width)`` is below the working precision.

``scale`` multiplies every order (the per-panel order for ``panels``).
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

import contextlib
import threading

from flint import arb, arb_poly, ctx, fmpq

from . import integrals

_LOCK = threading.RLock()


@contextlib.contextmanager
def working_precision(bits: int):
    """Set ``flint.ctx.prec`` for a block (this module sits below :mod:`asymptotics.balls`)."""
    with _LOCK:
        old = ctx.prec
        ctx.prec = int(bits)
        try:
            yield
        finally:
            ctx.prec = old

__all__ = ["gauss", "hermite", "legendre_unit", "half_normal", "panels", "marchenko_pastur",
           "product", "precise_gaussian", "precise_tensor", "precise_panels"]


def _starts(a, b):
    """Float64 nodes from the recurrence (Golub–Welsch on the Jacobi matrix): Newton's starts."""
    from scipy.linalg import eigh_tridiagonal

    diag = np.array([float(x) for x in a])
    off = np.sqrt(np.array([float(x) for x in b[1:]]))
    return eigh_tridiagonal(diag, off, eigvals_only=True)


def gauss(a, b, mu0, starts, bits: int, symmetric: bool = False):
    """Gauss rule (nodes, weights; lists of Arb) of the monic recurrence ``a``, ``b``
    (``b[0]`` unused) with total mass ``mu0``, Newton-refined from the float ``starts``.

    ``p_n`` and ``p_{n-1}`` are built as Arb polynomials (monomial basis) at a working precision
    raised until every evaluation at a node is accurate to ``bits`` (the balls say so: the
    monomial basis cancels catastrophically for large n, and Arb's radii measure by how much)."""
    if starts is None:
        starts = _starts(a, b)
    n = len(starts)
    extra = 2 * n + 64
    for _ in range(6):
        out = _gauss_at(a, b, mu0, starts, bits, bits + extra, symmetric)
        if out is not None:
            return out
        extra *= 2
    raise ArithmeticError(f"Gauss rule of order {n} did not reach {bits} bits")


def _gauss_at(a, b, mu0, starts, bits, work, symmetric=False):
    n = len(starts)
    starts = np.sort(np.asarray(starts, dtype=float))
    if symmetric:  # a symmetric measure: the positive nodes, mirrored; 0 exactly for odd n
        todo = np.concatenate([[0.0] if n % 2 else [], starts[starts > 1e-8]])
    else:
        todo = starts
    with working_precision(work):
        x = arb_poly([0, 1])
        p_prev, p = arb_poly([1]), x - a[0]
        norm = mu0
        for k in range(1, n):
            p_prev, p = p, (x - a[k]) * p - b[k] * p_prev
            norm = norm * b[k]
        dp = p.derivative()
        tol = arb(2) ** (-(bits // 2) - 8)
        limit = arb(2) ** (-bits - 4)
        nodes, weights = [], []
        for x0 in todo:
            t = arb(float(x0))
            final = False
            step = arb(0)
            for _ in range(0 if (symmetric and x0 == 0) else 60):
                step = (p(t) / dp(t)).mid()
                t = (t - step).mid()
                if final:
                    break
                final = abs(step) <= tol * (1 + abs(t))  # one more step after this: error ~ step^2
            den = p_prev(t) * dp(t)
            if not den.rel_accuracy_bits() > bits + 4 or not abs(step) <= limit * (1 + abs(t)) * 2 ** 40:
                return None
            nodes.append(t)
            weights.append(norm / den)
        if symmetric:
            pos = [(t, w) for t, w in zip(nodes, weights) if not t.is_zero()]
            zero = [(t, w) for t, w in zip(nodes, weights) if t.is_zero()]
            pairs = [(-t, w) for t, w in reversed(pos)] + zero + pos
            nodes, weights = [t for t, _ in pairs], [w for _, w in pairs]
        total = sum(weights, arb(0))
    with working_precision(bits):
        return [+t for t in nodes], [(w * mu0 / total).mid() for w in weights]


@functools.lru_cache(maxsize=64)
def hermite(order: int, bits: int):
    """Rule for E f(Z), Z ~ N(0, 1) (weights sum to one)."""
    with working_precision(bits + 32):
        a = [arb(0)] * order
        b = [arb(k) for k in range(order)]
    return gauss(a, b, arb(1), None, bits, symmetric=True)


@functools.lru_cache(maxsize=64)
def legendre_unit(order: int, bits: int):
    """Rule for E f(U), U ~ Uniform(0, 1)."""
    with working_precision(bits + 4 * order + 64):  # coefficients as accurate as the polynomials
        a = [arb(fmpq(1, 2))] * order
        b = [arb(0)] + [arb(fmpq(k * k, 4 * (4 * k * k - 1))) for k in range(1, order)]
    return gauss(a, b, arb(1), None, bits)


def _chebyshev(moments, n):
    """Recurrence coefficients (a_0..a_{n-1}, b_0..b_{n-1}) from 2n ordinary moments."""
    sig_prev = [arb(0)] * (2 * n)
    sig = list(moments[:2 * n])
    a = [sig[1] / sig[0]]
    b = [sig[0]]
    for k in range(1, n):
        new = [arb(0)] * (2 * n)
        for l in range(k, 2 * n - k):
            new[l] = (sig[l + 1] - a[k - 1] * sig[l] - b[k - 1] * sig_prev[l]).mid()
        # midpoints: the moment map is ill-conditioned and Arb's radii would grow with it (the
        # working precision, raised by 6 bits per order, absorbs the loss; checked in the tests)
        a.append((new[k + 1] / new[k] - sig[k] / sig[k - 1]).mid())
        b.append((new[k] / sig[k - 1]).mid())
        sig_prev, sig = sig, new
    return a, b


@functools.lru_cache(maxsize=64)
def half_normal(order: int, bits: int):
    """Rule for E f(|Z|) (density 2 phi on [0, inf))."""
    work = bits + 6 * order + 64
    with working_precision(work):
        m = [arb(1), (2 / arb.pi()).sqrt()]
        for k in range(2, 2 * order + 1):
            m.append((k - 1) * m[k - 2])
        a, b = _chebyshev(m, order)
    return gauss(a, b, arb(1), None, bits)


@functools.lru_cache(maxsize=32)
def panels(count: int, per_panel: int, width: float, bits: int):
    """Composite Gauss–Legendre rule for E f(Z): the float rule's panels, continued outwards."""
    t, w = legendre_unit(per_panel, bits)
    with working_precision(bits + 16):
        h = arb(2 * width) / count  # exact for the package's widths (a float over an int)
        # continue panels until 2 Phi(-W) < 2^-bits, i.e. W^2/2 > bits log 2 (+ margin)
        need = math.sqrt(2 * (bits + 16) * math.log(2)) + 1
        extra = max(0, int(math.ceil((need - width) / float(h))))
        lo0 = -arb(width) - extra * h
        norm = 1 / (2 * arb.pi()).sqrt()
        nodes, weights = [], []
        for j in range(count + 2 * extra):
            lo = lo0 + j * h
            for tk, wk in zip(t, w):
                x = lo + h * tk
                nodes.append(x)
                weights.append(h * wk * (-(x * x) / 2).exp() * norm)
    with working_precision(bits):
        return [+x for x in nodes], [+x for x in weights]


@functools.lru_cache(maxsize=256)
def _mp_cached(gamma_key: str, order: int, bits: int):
    with working_precision(bits + 4 * order + 64):
        gamma = _parse(gamma_key)
    return _mp_rule(gamma, order, bits)


def _mp_rule(gamma, order, bits):
    with working_precision(bits + 4 * order + 64):
        one = arb(1)
        a = [max(one, gamma) if not gamma.overlaps(one) else one] + [1 + gamma] * (order - 1)
        b = [arb(0)] + [gamma] * (order - 1)
        mu0 = one if gamma <= 1 else 1 / gamma
    x0, _ = integrals.marchenko_pastur(float(gamma.mid()), order)
    return gauss(a, b, mu0, x0, bits)


def marchenko_pastur(gamma, order: int, bits: int):
    """Gauss rule of the continuous part of the Marchenko–Pastur law of ratio ``gamma`` (an Arb
    ball or exact number), mass ``min(1, 1/gamma)`` (see :func:`integrals.marchenko_pastur`)."""
    gamma = gamma if isinstance(gamma, arb) else arb(gamma)
    return _mp_cached(_key(gamma), int(order), int(bits))


def _key(x) -> str:
    man, exp = x.mid().man_exp()
    return f"{int(man)}p{int(exp)}"


def product(rules):
    """Tensor product of 1-D rules: (components, weights) with ``prod(len)`` entries."""
    if len(rules) == 1:
        nodes, weights = rules[0]
        return (list(nodes),), list(weights)
    comps = tuple([] for _ in rules)
    weights = []
    for combo in itertools.product(*[range(len(r[0])) for r in rules]):
        w = arb(1)
        for j, i in enumerate(combo):
            comps[j].append(rules[j][0][i])
            w = w * rules[j][1][i]
        weights.append(w)
    return comps, weights


_ONE_D = {"normal": hermite, "half": half_normal, "uniform": legendre_unit}


def _parse(key: str):
    # arb('1234p-5')-style keys are not parsed by flint: rebuild from mantissa and exponent
    man, exp = key.split("p")
    return arb(int(man)) * arb(2) ** int(exp)


@functools.lru_cache(maxsize=None)
def precise_tensor(factors):
    """A ``precise(scale=1)`` callable for a tensor space of ``(kind, order)`` factors."""
    factors = tuple((str(k), int(o)) for k, o in factors)

    @functools.lru_cache(maxsize=8)
    def rule(scale: int, bits: int):
        return product([_ONE_D[k](o * scale, bits) for k, o in factors])

    def precise(scale: int = 1):
        return rule(int(scale), ctx.prec)

    return precise


@functools.lru_cache(maxsize=None)
def precise_gaussian(kinds, order):
    return precise_tensor(tuple((k, order) for k in kinds))


@functools.lru_cache(maxsize=None)
def precise_panels(dim: int, count: int, per_panel: int, width: float):
    @functools.lru_cache(maxsize=8)
    def rule(scale: int, bits: int):
        one = panels(count, per_panel * scale, float(width), bits)
        return product([one] * dim)

    def precise(scale: int = 1):
        return rule(int(scale), ctx.prec)

    return precise


def check_against_float(rule, float_rule, tol=1e-12) -> float:
    """Largest difference between an Arb rule and a float64 rule of the same order (tests)."""
    (nodes, weights), (x, w) = rule, float_rule
    dn = max(abs(float(a) - b) for a, b in zip(nodes, np.asarray(x)))
    dw = max(abs(float(a) - b) for a, b in zip(weights, np.asarray(w)))
    return max(dn, dw)

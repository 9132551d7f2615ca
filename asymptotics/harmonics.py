"""Spherical harmonics and Funk–Hecke spectra, the numeric side of :mod:`asymptotics.kernels`.

What the ``sphere`` variants (kernel-ridge, nt-ridge) read at run time, with no sympy: the
multiplicities ``N(d, k)``, the normalized Gegenbauer polynomials ``Q_k``, the
:class:`SphereCoefficients` of a kernel and the spectra built from them
(:func:`truncated_spectrum`, :func:`choose_degrees`). The coefficients themselves are computed
in :mod:`asymptotics.kernels` (a kernel's Taylor series is found symbolically); those of a kernel
known by a name (a named kernel or formula text, an activation's NT kernel) are kept in the code
cache by :func:`remembered` (float64 values as JSON, bit for bit), so a warm process reads them
back without sympy. Conventions and error bounds: :mod:`asymptotics.kernels`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import cache
from .validation import ParameterError

__all__ = ["multiplicity", "gegenbauer", "degree_cap", "SphereCoefficients", "remembered",
           "truncated_spectrum", "choose_degrees"]

_EPS = float(np.finfo(float).eps)


def multiplicity(d: int, k: np.ndarray | int) -> np.ndarray:
    """N(d, k): the dimension of degree-k spherical harmonics on S^{d-1} (float, may be huge)."""
    k = np.asarray(k, dtype=float)
    d = float(d)  # a Python int of 300 digits would make gammaln see an object array
    if d < 2:
        raise ParameterError(f"parameter 'd' must be an integer >= 2; got {d!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        from scipy.special import gammaln

        logb = gammaln(k + d - 2) - gammaln(k) - gammaln(d - 1)  # log binom(k + d - 3, k - 1)
        out = (2 * k + d - 2) / np.maximum(k, 1) * np.exp(logb)
    return np.where(k == 0, 1.0, out)


def gegenbauer(d: int, degree: int, t: np.ndarray) -> np.ndarray:
    """Q_k(t) for k = 0..degree (rows), normalised by Q_k(1) = 1."""
    t = np.asarray(t, dtype=float)
    out = np.empty((degree + 1,) + t.shape)
    out[0] = 1.0
    if degree >= 1:
        out[1] = t
    for k in range(1, degree):
        out[k + 1] = ((2 * k + d - 2) * t * out[k] - k * out[k - 1]) / (k + d - 2)
    return out


def degree_cap(d: int, limit: float = 1e300) -> int:
    """The largest K with N(d, K + 1) < ``limit`` (at most 200): higher degrees cannot be carried
    in float64 (their eigenvalues are below c_k/1e300 and act only through their trace)."""
    k = np.arange(1, 202)
    with np.errstate(over="ignore"):
        ok = multiplicity(int(d), k) < limit
    return int(min(200, np.argmin(ok) - 1 if not ok.all() else 200))  # ok[K] <-> N(d, K+1)


@dataclass(frozen=True, eq=False)
class SphereCoefficients:
    """Funk–Hecke coefficients ``c_k = N(d, k) ξ_k`` (k = 0..K) of a kernel on the sphere.

    ``error[k]`` bounds ``|c_k - true c_k|`` (coefficients not larger than their bound are
    reported as exactly 0: below rounding); ``method[k]`` is ``series`` (the Taylor route) or
    ``quadrature``; ``h1 = h(1) = Σ_k c_k`` over all degrees.
    """

    d: int
    c: np.ndarray
    error: np.ndarray
    method: tuple
    h1: float
    polynomial_degree: int | None  # degree of h when it is a polynomial (exact: c_k = 0 above it)

    @property
    def degree(self) -> int:
        return self.c.size - 1

    def truncate(self, K: int) -> "SphereCoefficients":
        """The same coefficients for degrees 0..K (K <= degree)."""
        if K > self.degree:
            raise ValueError(f"truncate: degree {K} above the {self.degree} computed")
        return SphereCoefficients(self.d, self.c[: K + 1], self.error[: K + 1], self.method[: K + 1], self.h1,
                                  self.polynomial_degree)

    @property
    def multiplicities(self) -> np.ndarray:
        return multiplicity(self.d, np.arange(self.degree + 1))

    @property
    def eigenvalues(self) -> np.ndarray:
        with np.errstate(under="ignore"):
            return self.c / self.multiplicities

    def rest(self, K: int) -> tuple[float, float]:
        """(Σ_{k > K} c_k, its error bound) = h(1) - Σ_{k <= K} c_k."""
        if self.polynomial_degree is not None and self.polynomial_degree <= K:
            return 0.0, 0.0
        head = self.c[: K + 1]
        rest = self.h1 - float(np.sum(head))
        err = float(np.sum(self.error[: K + 1])) + (K + 4) * _EPS * (abs(self.h1) + float(np.sum(np.abs(head))))
        if rest < -err:
            raise ParameterError(
                f"kernel: the degree-0..{K} coefficients sum to more than h(1) = {self.h1:.17g} "
                f"(by {-rest:.3g}, error bound {err:.3g}): the kernel is not positive definite on the sphere")
        return max(rest, 0.0), err

    def record(self) -> list:
        """The coefficients as JSON data (floats exactly; see :meth:`from_record`)."""
        return [int(self.d), [float(x) for x in self.c], [float(x) for x in self.error], list(self.method),
                float(self.h1), None if self.polynomial_degree is None else int(self.polynomial_degree)]

    @classmethod
    def from_record(cls, rec) -> "SphereCoefficients":
        d, c, error, method, h1, poly = rec
        return cls(int(d), np.asarray(c, dtype=float), np.asarray(error, dtype=float), tuple(method), float(h1),
                   None if poly is None else int(poly))


_MEMO: dict = {}
_LOCK = threading.Lock()


def remembered(name: str, d: int, degree: int, order: int, compute: Callable) -> SphereCoefficients:
    """The coefficients ``compute()`` returns (degrees 0..degree at dimension d; ``order`` any
    integer the computation depends on), kept in the code cache and in this process under
    ``name``: a later process reads them back, bit for bit, without computing (nor importing
    sympy). ``name`` must say everything the coefficients depend on besides the sizes, e.g.
    ``"kernel:ntk-relu"``."""
    key = (name, int(d), int(degree), int(order))
    with _LOCK:
        hit = _MEMO.get(key)
    if hit is None:
        rec = cache.remember("sphere-coefficients", (name, str(int(d)), str(int(degree)), str(int(order))),
                             lambda: compute().record())
        hit = SphereCoefficients.from_record(rec)
        with _LOCK:
            if len(_MEMO) > 256:
                _MEMO.clear()
            _MEMO[key] = hit
    return hit


def truncated_spectrum(coefficients: SphereCoefficients, degree: int) -> dict:
    """The spectrum used by the ``sphere`` variants, with what its errors are, from a kernel's
    coefficients of degree >= ``degree`` (:func:`asymptotics.kernels.sphere_coefficients`).

    Keys: ``eigenvalues``, ``multiplicities`` (degrees 0..degree and the lumped entry),
    ``c`` (c_0..c_degree), ``coef_error`` (Σ of the coefficients' error bounds plus the mass that
    float64 cannot carry: eigenvalues below the smallest normal number), ``tail_trace``
    (Σ_{k > degree} c_k), ``tail_eigenvalue`` (tail_trace/N(d, degree + 1), an upper bound on
    every neglected eigenvalue, since N(d, k) increases with k for d >= 3), ``coefficients``.
    """
    co = coefficients.truncate(degree)
    d, K = co.d, degree
    mult = multiplicity(int(d), np.arange(K + 2))
    rest, rest_err = co.rest(K)
    with np.errstate(under="ignore"):
        eig = np.append(co.c / mult[:-1], rest / mult[-1])
    lost = float(np.sum(np.append(co.c, rest)[(eig == 0) & (np.append(co.c, rest) > 0)]))
    return {"eigenvalues": eig, "multiplicities": mult, "c": co.c, "coef_error": float(np.sum(co.error)) + rest_err + lost,
            "tail_trace": rest, "tail_eigenvalue": float(eig[-1]), "coefficients": co}


def choose_degrees(coefficients: Callable, d: int, n_max: float, ridge_min: float, target_degree: int,
                   tolerance: float = 1e-13) -> int:
    """The automatic truncation: the smallest K >= max(1, target_degree) at which lumping the
    degrees above K perturbs df1 and df2 by at most ``tolerance`` (relative), from the bound
    ``tail_trace tail_eigenvalue/(n κ²)`` with ``κ >= (ridge + tail_trace/2)/n``; at most
    :func:`degree_cap` (d) (then the reported ``spectrum_error`` says what is left).
    ``coefficients``: the kernel, as a function K -> its :class:`SphereCoefficients` of degree K."""
    cap = degree_cap(d)
    lo = max(1, int(target_degree))
    if lo >= cap:
        return lo
    co = coefficients(cap)
    mult = multiplicity(int(d), np.arange(cap + 2))
    for K in range(lo, cap + 1):
        rest, _ = co.rest(K)
        if rest == 0.0:
            return K
        kappa_lo = max(ridge_min, rest / 2) / n_max
        if rest * (rest / mult[K + 1]) / (n_max * kappa_lo ** 2) <= tolerance:
            return K
    return cap

"""Signal priors: one vocabulary for every AMP / state-evolution model.

A prior is a finite mixture of Gaussians: weights ``w_k``, means ``mu_k`` and variances
``s_k^2 >= 0`` (an atom is a component of variance zero). This covers every prior the models
use:

- **named families** (:data:`FAMILIES`, declared as data: name -> components as functions of the
  density ``eps`` and the power ``var``): ``gaussian`` N(0, var); ``rademacher`` +-sqrt(var);
  ``bernoulli-gaussian`` 0 w.p. ``1 - eps``, else N(0, var) (tramp's ``gauss_bernoulli`` with
  ``rho = eps``); ``sparse-rademacher`` 0 w.p. ``1 - eps``, else +-sqrt(var/eps) (unit power
  ``E X^2 = var``); ``three-point`` 0 w.p. ``1 - eps``, else +-sqrt(var) (the LASSO papers'
  convention, ``var = 1``). The components are built with the same function for numbers and for
  sympy symbols, so the state-evolution equations of a named prior keep ``eps`` and ``var`` as
  parameters.
- **data**: :meth:`Prior.samples` (the empirical distribution), :meth:`Prior.discrete` (atoms),
  :meth:`Prior.mixture` (Gaussian components), :meth:`Prior.density` (a sympy density, with an
  optional atom at zero).

The sparse-regression models (``lasso``, ``basis-pursuit``) sum over atoms: :meth:`Prior.atoms`
gives them a list of atoms (Gaussian components are represented by ``atoms`` quantile atoms).
The Bayes-optimal models (``glm-bayes``, ``spiked-wigner``) use the mixture itself: their
posterior means are exact for Gaussian components at every SNR, whereas quantile atoms of a
density would be resolved one by one at high SNR (an artefact of the discretization). A density
therefore becomes, for them, the mixture :meth:`Prior.binned`: ``bins`` quantile bins of the
density, each a Gaussian with the bin's mass, mean and variance (moment-matched: the prior's mean
and second moment are exact; [heuristic] the mixture approximates the density's shape).

The Monte Carlo twins draw from the same mixture (:meth:`Prior.sample`) and run AMP with its
exact posterior mean (:meth:`Prior.posterior`): theory and simulation describe the same prior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .validation import ParameterError

__all__ = ["Prior", "as_prior", "Family", "FAMILIES", "family_components", "from_params"]


def _sqrt(x):
    if isinstance(x, (int, float, np.floating, np.integer)):
        return math.sqrt(x)
    import sympy as sp

    return sp.sqrt(x)


@dataclass(frozen=True)
class Family:
    """A named prior: its components ``[(weight, mean, variance), ...]`` as a function of
    ``eps`` (density of non-zero entries; ignored where ``uses_eps`` is False) and ``var`` (the
    power ``E X^2``, or the variance of the non-zero part for ``bernoulli-gaussian``)."""

    name: str
    doc: str
    components: Callable
    uses_eps: bool
    second_moment: Callable


FAMILIES = {f.name: f for f in (
    Family("gaussian", "N(0, var)",
           lambda eps, var: [(1, 0, var)], False, lambda eps, var: var),
    Family("rademacher", "+-sqrt(var) with probability 1/2 each",
           lambda eps, var: [(0.5, -_sqrt(var), 0), (0.5, _sqrt(var), 0)], False,
           lambda eps, var: var),
    Family("bernoulli-gaussian", "0 w.p. 1 - eps, else N(0, var) (E X^2 = eps var)",
           lambda eps, var: [(1 - eps, 0, 0), (eps, 0, var)], True, lambda eps, var: eps * var),
    Family("sparse-rademacher", "0 w.p. 1 - eps, else +-sqrt(var/eps) (E X^2 = var)",
           lambda eps, var: [(1 - eps, 0, 0), (eps / 2, -_sqrt(var / eps), 0),
                             (eps / 2, _sqrt(var / eps), 0)], True, lambda eps, var: var),
    Family("three-point", "0 w.p. 1 - eps, else +-sqrt(var) (E X^2 = eps var)",
           lambda eps, var: [(1 - eps, 0, 0), (eps / 2, -_sqrt(var), 0), (eps / 2, _sqrt(var), 0)],
           True, lambda eps, var: eps * var),
)}


def family_components(name: str, eps, var) -> list:
    """Components of a named prior (numbers or sympy expressions)."""
    try:
        fam = FAMILIES[name]
    except KeyError:
        raise ParameterError(f"unknown prior {name!r} (named priors: {', '.join(FAMILIES)})") from None
    return fam.components(eps, var)


@dataclass(frozen=True, eq=False)
class Prior:
    """A finite mixture: ``values`` (component means) with probabilities ``weights`` (summing
    to one) and ``variances`` (zero for an atom; default all zero: a discrete prior)."""

    values: np.ndarray
    weights: np.ndarray
    name: str = "empirical"
    variances: np.ndarray | None = None

    def __post_init__(self):
        v = np.asarray(self.values, dtype=float).ravel()
        w = np.asarray(self.weights, dtype=float).ravel()
        if v.size == 0 or not np.all(np.isfinite(v)):
            raise ParameterError("a prior needs at least one finite atom")
        if w.shape != v.shape or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ParameterError(
                f"prior weights must be {v.size} finite non-negative numbers with a positive sum")
        s = (np.zeros_like(v) if self.variances is None
             else np.asarray(self.variances, dtype=float).ravel())
        if s.shape != v.shape or not np.all(np.isfinite(s)) or np.any(s < 0):
            raise ParameterError(f"prior variances must be {v.size} finite non-negative numbers")
        for arr in (v, w, s):
            arr.setflags(write=False)
        object.__setattr__(self, "values", v)
        w = w / w.sum()
        w.setflags(write=False)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "variances", s)

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def samples(cls, x) -> "Prior":
        x = np.asarray(x, dtype=float).ravel()
        return cls(x, np.full(x.size, 1.0 / max(x.size, 1)), name=f"samples(n={x.size})")

    @classmethod
    def discrete(cls, values, weights) -> "Prior":
        return cls(values, weights, name="discrete")

    @classmethod
    def mixture(cls, weights, means, variances) -> "Prior":
        """A Gaussian mixture ``sum_k weights_k N(means_k, variances_k)`` (variance 0: an atom)."""
        return cls(means, weights, name="mixture", variances=variances)

    @classmethod
    def named(cls, name: str, eps: float = 1.0, var: float = 1.0) -> "Prior":
        """A named family (see :data:`FAMILIES`) at numeric ``eps`` and ``var``."""
        comps = [c for c in family_components(name, float(eps), float(var)) if c[0] > 0]
        w, m, s = (np.array([float(c[i]) for c in comps]) for i in range(3))
        return cls(m, w, name=f"{name}(eps={eps:g}, var={var:g})", variances=s)

    @classmethod
    def density(cls, expr, eps: float = 1.0, atoms: int = 2000, support=None) -> "Prior":
        """Zero with probability ``1 - eps``, else a draw from the (normalized) density ``expr``.

        Represented by ``atoms`` equally weighted atoms at the midpoint quantiles
        ``F^{-1}((i + 1/2)/atoms)`` (and the density itself kept for :meth:`binned`).
        ``support = (a, b)`` bounds the density's support (default: the real line, with the
        density assumed negligible beyond where its mass is below 1e-12).
        """
        import sympy as sp

        if not 0 <= eps <= 1:
            raise ParameterError(f"parameter 'eps' must be in [0, 1]; got {eps!r}")
        if not (isinstance(atoms, (int, np.integer)) and atoms >= 1):
            raise ParameterError(f"parameter 'atoms' must be a positive integer; got {atoms!r}")
        if isinstance(expr, str):
            from .expressions import parse

            e = parse(expr, what="prior", variable="x",
                      domain_hint="a density formula in x (e.g. 'exp(-abs(x))/2')")
        else:
            e = sp.sympify(expr) if isinstance(expr, sp.Basic) else None
            if e is None:
                raise ParameterError(f"a density must be a formula string or a sympy expression; got {expr!r}")
        free = sorted(e.free_symbols, key=str)
        if len(free) != 1:
            raise ParameterError(f"a density must be a sympy expression in one symbol; got {expr!r}")
        f = sp.lambdify(free[0], e, modules=["scipy", "numpy"])
        grid = _grid(support)
        with np.errstate(all="ignore"):
            dens = np.broadcast_to(np.asarray(f(grid), dtype=float), grid.shape)
        if not np.all(np.isfinite(dens)) or np.any(dens < 0):
            raise ParameterError(f"the density {expr} must be finite and non-negative on its support")
        cdf = np.concatenate([[0.0], np.cumsum(np.diff(grid) * (dens[1:] + dens[:-1]) / 2)])
        mass = cdf[-1]
        if not mass > 0:
            raise ParameterError(f"the density {expr} has no mass on {support or '(-inf, inf)'}")
        if abs(mass - 1) > 1e-3:
            raise ParameterError(
                f"the density {expr} integrates to {mass:.6g}, not 1: normalize it (or give its support)")
        cdf /= mass
        q = (np.arange(atoms) + 0.5) / atoms
        keep = np.concatenate([[True], np.diff(cdf) > 0])
        vals = np.interp(q, cdf[keep], grid[keep])
        values = np.concatenate([[0.0], vals]) if eps < 1 else vals
        weights = (np.concatenate([[1 - eps], np.full(atoms, eps / atoms)]) if eps < 1
                   else np.full(atoms, 1.0 / atoms))
        out = cls(values, weights, name=f"density({e}, eps={eps:g})")
        object.__setattr__(out, "_density", (grid[keep], cdf[keep], dens[keep] / mass, eps))
        return out

    # -- properties -----------------------------------------------------------------------------
    @property
    def second_moment(self) -> float:
        return float(np.dot(self.weights, self.values ** 2 + self.variances))

    @property
    def mean(self) -> float:
        return float(np.dot(self.weights, self.values))

    @property
    def is_discrete(self) -> bool:
        return bool(np.all(self.variances == 0))

    @property
    def size(self) -> int:
        return int(self.values.size)

    def key(self) -> tuple:
        """A hashable summary of the components (for caching equations built from them)."""
        return (self.weights.tobytes(), self.values.tobytes(), self.variances.tobytes())

    def sample(self, rng, size: int) -> np.ndarray:
        k = rng.choice(self.values.size, size=size, p=self.weights)
        x = self.values[k]
        if not self.is_discrete:
            x = x + np.sqrt(self.variances[k]) * rng.standard_normal(size)
        return x

    def posterior(self, y, snr):
        """Posterior mean and variance of ``X`` given ``y = sqrt(snr) X + Z`` (Z ~ N(0, 1)),
        elementwise; ``snr`` a scalar or an array broadcasting with ``y``. Log-sum-exp over the
        components (stable at any SNR)."""
        y = np.asarray(y, dtype=float)[..., None]
        r = np.asarray(snr, dtype=float)[..., None]
        sr = np.sqrt(r)
        s2 = 1 + r * self.variances
        with np.errstate(divide="ignore"):
            logw = np.log(self.weights)
        log_ev = logw - 0.5 * np.log(s2) - (y - sr * self.values) ** 2 / (2 * s2)
        log_ev = log_ev - log_ev.max(axis=-1, keepdims=True)
        p = np.exp(log_ev)
        p /= p.sum(axis=-1, keepdims=True)
        mean_k = (self.values + sr * self.variances * y) / s2
        var_k = self.variances / s2
        mean = np.sum(p * mean_k, axis=-1)
        var = np.sum(p * (var_k + (mean_k - mean[..., None]) ** 2), axis=-1)
        return mean, var

    def atoms(self, per_component: int = 2000) -> tuple[np.ndarray, np.ndarray]:
        """(values, weights) of a discrete prior: the atoms, with each Gaussian component
        replaced by ``per_component`` equally weighted midpoint-quantile atoms."""
        if self.is_discrete:
            return self.values, self.weights
        from scipy.special import ndtri

        qs = ndtri((np.arange(per_component) + 0.5) / per_component)
        vals, wts = [], []
        for m, w, s in zip(self.values, self.weights, self.variances):
            if s == 0:
                vals.append([m])
                wts.append([w])
            else:
                vals.append(m + np.sqrt(s) * qs)
                wts.append(np.full(per_component, w / per_component))
        return np.concatenate(vals), np.concatenate(wts)

    def as_params(self) -> dict:
        values, weights = self.atoms()
        return {"prior": "empirical", "prior_values": values, "prior_weights": weights}

    def binned(self, bins: int = 16) -> "Prior":
        """A mixture of at most ``bins`` components with the same mean and second moment.

        A discrete prior with at most ``bins`` atoms, or a mixture with at most ``bins``
        components, is returned unchanged. A density (from :meth:`density`) becomes ``bins``
        equal-mass quantile bins of the density, each a Gaussian with the bin's mean and variance,
        plus the atom at zero; other priors (many samples or atoms) are binned the same way over
        their sorted atoms. [heuristic: a smooth approximation of the density; exact first and
        second moments.]
        """
        if self.size <= bins:
            return self
        dens = getattr(self, "_density", None)
        if dens is None:
            pairs, inverse = np.unique(np.stack([self.values, self.variances], axis=1), axis=0,
                                       return_inverse=True)
            if len(pairs) < self.size:  # repeated samples: one component per distinct value
                w = np.bincount(inverse.ravel(), weights=self.weights, minlength=len(pairs))
                return Prior(pairs[:, 0], w, name=self.name, variances=pairs[:, 1]).binned(bins)
        if dens is not None:
            grid, cdf, pdf, eps = dens
            # cumulative mass, first and second moments on the density's grid (trapezoid), read
            # at the bin edges: the bins partition the grid's moments exactly
            def cum(f):
                return np.concatenate([[0.0], np.cumsum(np.diff(grid) * (f[1:] + f[:-1]) / 2)])

            m0, m1, m2 = cum(pdf), cum(pdf * grid), cum(pdf * grid ** 2)
            edges = np.interp(np.linspace(0, 1, bins + 1), cdf, grid)
            at = [np.interp(edges, grid, m) for m in (m0, m1, m2)]
            mass, first, second = (np.diff(a) for a in at)
            keep = mass > 0
            mass, first, second = mass[keep], first[keep], second[keep]
            means = list(first / mass)
            variances = list(np.maximum(second / mass - (first / mass) ** 2, 0.0))
            weights = mass
            weights = np.array(weights) / np.sum(weights) * eps
            if eps < 1:
                means, variances = [0.0] + means, [0.0] + variances
                weights = np.concatenate([[1 - eps], weights])
            return Prior(np.array(means), weights, name=f"binned({self.name}, bins={bins})",
                         variances=np.array(variances))
        order = np.argsort(self.values, kind="stable")
        v, w, s = self.values[order], self.weights[order], self.variances[order]
        point = (v == 0) & (s == 0)
        zero = float(w[point].sum())
        v, w, s = v[~point], w[~point], s[~point]
        nb = bins - (1 if zero > 0 else 0)
        cum = np.cumsum(w) / w.sum()
        idx = np.minimum((cum * nb - 1e-12).astype(int), nb - 1)
        means, variances, weights = [], [], []
        for b in range(nb):
            sel = idx == b
            if not np.any(sel):
                continue
            mass = w[sel].sum()
            mu = np.dot(w[sel], v[sel]) / mass
            means.append(mu)
            variances.append(np.dot(w[sel], (v[sel] - mu) ** 2 + s[sel]) / mass)
            weights.append(mass)
        if zero > 0:
            means, variances, weights = [0.0] + means, [0.0] + variances, [zero] + weights
        return Prior(np.array(means), np.array(weights), name=f"binned({self.name}, bins={bins})",
                     variances=np.array(variances))


def _grid(support) -> np.ndarray:
    """A fine grid for the density, dense near 0 and reaching far into the tails."""
    if support is None:
        half = np.concatenate([np.linspace(0, 1, 2001)[1:] ** 2 * 1.0,
                               np.geomspace(1.0, 1e3, 4000)[1:]])
        return np.concatenate([-half[::-1], [0.0], half])
    a, b = (float(s) for s in support)
    if not a < b:
        raise ParameterError(f"parameter 'support' must be an increasing pair; got {support!r}")
    if np.isinf(a) or np.isinf(b):
        g = _grid(None)
        return g[(g >= a) & (g <= b)]
    return np.linspace(a, b, 20001)


def as_prior(obj) -> Prior:
    """A :class:`Prior` from a Prior, an array of samples, or a sympy density (expression/string)."""
    if isinstance(obj, Prior):
        return obj
    if isinstance(obj, (list, tuple, np.ndarray)):
        return Prior.samples(obj)
    import sympy as sp

    if isinstance(obj, (sp.Expr, str)):
        if isinstance(obj, str):
            from .expressions import parse

            expr = parse(obj, what="prior", variable="x",
                         domain_hint="a named prior, a Prior, an array of samples or a density formula in x")
        else:
            expr = obj
        if len(expr.free_symbols) != 1:
            raise ParameterError(
                f"parameter 'prior' must be a named prior, a Prior, an array of samples or a "
                f"density in one symbol (e.g. 'exp(-abs(x))/2'); got {obj!r}")
        return Prior.density(expr)
    raise ParameterError(
        f"parameter 'prior' must be a prior name, a Prior, an array of samples or a sympy density; "
        f"got {obj!r}")


def from_params(p, eps_value=None, var_value=None) -> Prior:
    """The numeric :class:`Prior` of a model's validated prior fields (``prior``, ``eps``,
    ``prior_var``, ``prior_values``/``prior_weights``/``prior_variances``) at scalar ``eps`` and
    ``prior_var`` (for samplers and denoisers of the Monte Carlo twins)."""
    if p.prior == "empirical":
        return Prior(p.prior_values, p.prior_weights, variances=getattr(p, "prior_variances", None))
    e = float(p.eps if eps_value is None else eps_value)
    v = float(getattr(p, "prior_var", 1.0) if var_value is None else var_value)
    return Prior.named(p.prior, e, v)

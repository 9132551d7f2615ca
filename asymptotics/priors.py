"""Signal priors given by data: samples, a list of atoms, or a density, as a finite list of atoms.

The sparse-regression models (``lasso``, ``basis-pursuit``) accept ``prior=`` a named prior or
anything :func:`as_prior` understands; it becomes the ``empirical`` prior: atoms ``prior_values``
with weights ``prior_weights``, over which the state evolution sums in closed form and from which
the Monte Carlo twin draws.

- ``Prior.samples(x)``: the empirical distribution of the samples (equal weights).
- ``Prior.discrete(values, weights)``: a finite distribution.
- ``Prior.density(expr, eps=1, atoms=2000)``: ``X0 = 0`` with probability ``1 - eps``, else a draw
  from the density ``expr`` (a sympy expression in one symbol, or a string such as
  ``"exp(-abs(x))/2"``), represented by ``atoms`` equally weighted atoms at the midpoint
  quantiles ``F^{-1}((i + 1/2)/atoms)``. The state evolution of this discrete prior converges to
  that of the density as ``atoms`` grows (its soft-threshold moments are smooth functionals), and
  the simulator draws from the same atoms, so theory and Monte Carlo describe the same prior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import ParameterError

__all__ = ["Prior", "as_prior"]


@dataclass(frozen=True, eq=False)
class Prior:
    """A discrete signal distribution: ``values`` with probabilities ``weights`` (summing to 1)."""

    values: np.ndarray
    weights: np.ndarray
    name: str = "empirical"

    def __post_init__(self):
        v = np.asarray(self.values, dtype=float).ravel()
        w = np.asarray(self.weights, dtype=float).ravel()
        if v.size == 0 or not np.all(np.isfinite(v)):
            raise ParameterError("a prior needs at least one finite atom")
        if w.shape != v.shape or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ParameterError(
                f"prior weights must be {v.size} finite non-negative numbers with a positive sum")
        object.__setattr__(self, "values", v)
        object.__setattr__(self, "weights", w / w.sum())

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def samples(cls, x) -> "Prior":
        x = np.asarray(x, dtype=float).ravel()
        return cls(x, np.full(x.size, 1.0 / max(x.size, 1)), name=f"samples(n={x.size})")

    @classmethod
    def discrete(cls, values, weights) -> "Prior":
        return cls(values, weights, name="discrete")

    @classmethod
    def density(cls, expr, eps: float = 1.0, atoms: int = 2000, support=None) -> "Prior":
        """Zero with probability ``1 - eps``, else a draw from the (normalized) density ``expr``.

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
        return cls(values, weights, name=f"density({e}, eps={eps:g})")

    # -- properties -----------------------------------------------------------------------------
    @property
    def second_moment(self) -> float:
        return float(np.dot(self.weights, self.values ** 2))

    @property
    def mean(self) -> float:
        return float(np.dot(self.weights, self.values))

    def sample(self, rng, size: int) -> np.ndarray:
        return self.values[rng.choice(self.values.size, size=size, p=self.weights)]

    def as_params(self) -> dict:
        return {"prior": "empirical", "prior_values": self.values, "prior_weights": self.weights}


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

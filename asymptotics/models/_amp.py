"""Shared sympy building blocks of the AMP / state-evolution models (no model is registered here).

- ``Phi``, ``phi``: the standard normal cdf (the ``ndtr`` node: scipy's ``ndtr``, accurate in the
  lower tail; sympy would rewrite ``erfc(-y)`` as ``2 - erfc(y)``) and density.
- Soft-threshold moments in closed form. For ``eta(y; theta) = sign(y) (|y| - theta)_+`` and
  ``Z ~ N(0, 1)``, at a fixed signal value ``x`` (``a = (theta - x)/tau``, ``b = (theta + x)/tau``):

      E (eta(x + tau Z; theta) - x)^2 = tau^2 [a phi(a) + Phi(-a) + b phi(b) + Phi(-b)]
                                        - 2 tau theta [phi(a) + phi(b)]
                                        + theta^2 [Phi(-a) + Phi(-b)] + x^2 [1 - Phi(-a) - Phi(-b)],
      P(|x + tau Z| > theta)          = Phi(-a) + Phi(-b).

  (Split the line at the two thresholds: above, eta - x = tau Z - theta; below, tau Z + theta;
  between, -x; then use E[Z; Z > a] = phi(a) and E[Z^2; Z > a] = a phi(a) + Phi(-a).) At
  ``x = 0`` this is the classical ``2 tau^2 [(1 + alpha^2) Phi(-alpha) - alpha phi(alpha)]`` with
  ``alpha = theta/tau``. For a standard Gaussian signal ``X ~ N(0, 1)`` observed as
  ``Y = X + tau Z`` (``s^2 = 1 + tau^2``, ``a = theta/s``), since ``E[X | Y] = Y/s^2`` and, by
  Stein's lemma, ``E[Y eta(Y)] = s^2 P(|Y| > theta)``:

      E (eta(Y; theta) - X)^2 = 2 s^2 [(1 + a^2) Phi(-a) - a phi(a)] - 4 Phi(-a) + 1,
      P(|Y| > theta)          = 2 Phi(-a).

  Both are tested against Gauss–Hermite quadrature of the definition.
- Signal priors of the sparse-regression models (``bernoulli-gaussian``, ``three-point``,
  ``empirical``): the prior average of any function of the signal value, as an explicit finite
  sum in sympy, or a sum over the atoms of an array parameter (``prior_values``,
  ``prior_weights``) for a prior given by samples, a density or a list of atoms (see
  :mod:`asymptotics.priors`).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..symbolic import Average, ParamSpace, ndtr

__all__ = ["Phi", "phi", "soft_mse_at", "soft_df_at", "soft_mse_gauss", "soft_df_gauss",
           "PRIORS", "prior_average", "second_moment", "PRIOR_ATOMS"]

SQRT2 = sp.sqrt(2)


def Phi(x):
    """Standard normal cdf (stable node; accurate in the lower tail)."""
    return ndtr(x)


def phi(x):
    """Standard normal density."""
    return sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi)


def soft_mse_at(x, tau, theta):
    """E (eta(x + tau Z; theta) - x)^2 for a fixed signal value x (tau > 0)."""
    a = (theta - x) / tau
    b = (theta + x) / tau
    return (tau ** 2 * (a * phi(a) + Phi(-a) + b * phi(b) + Phi(-b))
            - 2 * tau * theta * (phi(a) + phi(b))
            + theta ** 2 * (Phi(-a) + Phi(-b))
            + x ** 2 * (1 - Phi(-a) - Phi(-b)))


def soft_df_at(x, tau, theta):
    """P(|x + tau Z| > theta): the probability that the soft threshold keeps the coordinate."""
    return Phi(-(theta - x) / tau) + Phi(-(theta + x) / tau)


def soft_mse_gauss(tau, theta):
    """E (eta(X + tau Z; theta) - X)^2 for X ~ N(0, 1)."""
    s = sp.sqrt(1 + tau ** 2)
    a = theta / s
    return 2 * s ** 2 * ((1 + a ** 2) * Phi(-a) - a * phi(a)) - 4 * Phi(-a) + 1


def soft_df_gauss(tau, theta):
    """P(|X + tau Z| > theta) for X ~ N(0, 1)."""
    return 2 * Phi(-theta / sp.sqrt(1 + tau ** 2))


# -- priors of the sparse-regression models -----------------------------------------------------
PRIORS = ("bernoulli-gaussian", "three-point", "empirical")
_xs, _ws = sp.symbols("x_atom w_atom", real=True)
PRIOR_ATOMS = ParamSpace("prior", {_xs: "prior_values", _ws: "prior_weights"})


def prior_average(prior: str, eps, at, gauss=None):
    """E_{X0 ~ prior} f(X0), with ``at(x)`` = f at a fixed value and ``gauss()`` = E f(X) for
    X ~ N(0, 1) (closed form where available; needed for ``bernoulli-gaussian``).

    ``bernoulli-gaussian``: X0 = 0 w.p. 1 - eps, N(0, 1) w.p. eps;
    ``three-point``: X0 = 0 w.p. 1 - eps, +1 or -1 w.p. eps/2 each;
    ``empirical``: the atoms ``prior_values`` with weights ``prior_weights`` (summing to one).
    """
    if prior == "bernoulli-gaussian":
        return (1 - eps) * at(sp.S.Zero) + eps * gauss()
    if prior == "three-point":
        return (1 - eps) * at(sp.S.Zero) + eps / 2 * (at(sp.S.One) + at(-sp.S.One))
    if prior == "empirical":
        return Average(_ws * at(_xs), PRIOR_ATOMS)
    raise ValueError(f"unknown prior {prior!r}")


def second_moment(prior: str, eps):
    """E X0^2 under the prior."""
    return prior_average(prior, eps, lambda x: x ** 2, lambda: sp.S.One)


# -- branches of a scalar state evolution u <- c h(u) -------------------------------------------
BRANCHES = ("amp", "informative", "unstable", "bayes")


def scalar_branch(u, level, c, rule: str, start: float = 0.0, trivial: bool = True,
                  level0: float = 1.0, potential=None) -> float:
    """A fixed point of the monotone map ``u <- c h(u)`` (``h`` increasing), from a scan.

    ``u`` is an increasing grid of positive values and ``level = u/h(u)`` on it: the positive
    fixed points at control ``c`` are the roots of ``level(u) = c``, stable where ``level``
    increases. ``trivial``: ``u = 0`` is a fixed point (``h(0) = 0``), stable iff
    ``c < level0 = level(0+)``. Rules: ``amp``, the limit of the iteration from ``start`` (``0``
    meaning ``0+`` when ``trivial``); ``informative``, the largest fixed point (the limit from
    ``start = inf``); ``unstable``, an unstable positive fixed point (NaN if none); ``bayes``, the
    stable fixed point maximizing ``potential(u_values, c)`` (0 counts, with potential 0, when it is
    stable). Returns the root interpolated linearly on the grid (a guess for Newton).
    """
    d = level - c
    idx = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) <= 0)
    idx = idx[~((d[idx] == 0) & (d[idx + 1] == 0))]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(d[idx] != d[idx + 1], d[idx] / (d[idx] - d[idx + 1]), 0.0)
    roots = u[idx] + t * (u[idx + 1] - u[idx])
    stable = level[idx + 1] > level[idx]
    zero_stable = trivial and c < level0
    if rule == "informative":
        return float(roots.max()) if roots.size else 0.0
    if rule == "unstable":
        bad = roots[~stable]
        return float(bad[len(bad) // 2]) if bad.size else float("nan")
    if rule == "bayes":
        cand = list(roots[stable])
        vals = list(potential(np.asarray(cand), c)) if cand else []
        if zero_stable or not cand:
            cand.append(0.0)
            vals.append(0.0)
        return float(cand[int(np.argmax(vals))])
    if rule != "amp":
        raise ValueError(f"unknown branch rule {rule!r}")
    if start <= 0 and trivial:
        up = not zero_stable
        start = 0.0
    else:
        lev = np.interp(start, u, level) if start <= u[-1] else level[-1]
        up = c > lev
    if up:
        above = roots[roots > start]
        return float(above.min()) if above.size else float(u[-1])
    below = roots[roots < start]
    return float(below.max()) if below.size else 0.0

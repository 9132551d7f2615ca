"""Shared sympy building blocks of the AMP / state-evolution models (no model is registered here).

- ``Phi``, ``phi``: the standard normal cdf and density, written with ``erfc`` so that tails are
  accurate (``Phi(-a)`` for large ``a`` is ``erfc(a/sqrt 2)/2``, never ``1 - Phi(a)``).
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

import sympy as sp

from ..symbolic import Average, ParamSpace

__all__ = ["Phi", "phi", "soft_mse_at", "soft_df_at", "soft_mse_gauss", "soft_df_gauss",
           "PRIORS", "prior_average", "second_moment", "PRIOR_ATOMS"]

SQRT2 = sp.sqrt(2)


def Phi(x):
    """Standard normal cdf, via erfc (accurate in the lower tail)."""
    return sp.erfc(-x / SQRT2) / 2


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

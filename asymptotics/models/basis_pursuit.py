"""Minimum-l1-norm interpolation (basis pursuit on noisy data): the lam -> 0+ limit of the LASSO.

Setting: ``y = A x0 + w`` with ``A in R^{n x p}`` of iid ``N(0, 1/n)`` entries, ``delta = n/p < 1``,
``w`` iid with variance ``noise``, ``x0`` iid from the ``prior`` (default: ``eps = 0``, pure
noise). The estimator interpolates: ``x_hat = argmin ||x||_1`` s.t. ``A x = y``.

State evolution (the LASSO's, see ``lasso``, at lam -> 0+): the threshold multiplier ``alpha``
makes the calibrated penalty vanish, i.e. the interpolation condition ``(1/delta) P(|X0 + tau Z| >
alpha tau) = 1``, and

    tau^2 = noise + (1/delta) E[(eta(X0 + tau Z; alpha tau) - X0)^2].

Observables: ``mse = (1/p)||x_hat - x0||^2``, ``excess_risk = mse/delta = tau^2 - noise``
(``E (a'(x_hat - x0))^2`` for a fresh row ``a ~ N(0, I/n)``, no noise), ``test_error =
excess_risk + noise``, ``tau``, ``alpha``, and for the pure-noise problem (``x0 = 0``, Su, Li, Liu
2026, B3 of THEORY.md [num]): ``alpha0 = sqrt(2) erfcinv(delta)`` (``2 Phi(-alpha0) = delta``),

    excess_variance = noise v/(1 - v),   v = (2/delta)[(1 + alpha0^2) Phi(-alpha0) - alpha0 phi(alpha0)],

the prediction variance of the min-l1 interpolator of pure noise, which decays only like
``noise/log(p/n)``: ``rate = excess_variance log(p/n) / noise -> 1`` as ``delta -> 0`` (since
``v ~ 2/alpha0^2`` and ``alpha0^2 ~ 2 log(1/delta)``). For comparison
``min_l2_excess_variance = noise delta/(1 - delta)`` (the minimum-l2-norm interpolator, which
decays like ``noise n/p``). With ``eps = 0`` the excess risk equals the excess variance.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import System, Unknown
from ..validation import Interval, param
from . import _amp
from ._registry import Model, Reference, Variant, register
from .lasso import PriorParams, se_moments, REFERENCES as _LASSO_REFS

delta, noise, eps = sp.symbols("delta noise eps", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)
tau2 = sp.Symbol("tau2", nonnegative=True)


def pure_noise():
    """(alpha0, v, excess_variance) of the pure-noise min-l1 interpolator, closed form in delta."""
    a0 = sp.sqrt(2) * sp.erfcinv(delta)
    v = 2 * ((1 + a0 ** 2) * _amp.Phi(-a0) - a0 * _amp.phi(a0)) / delta
    return a0, v, noise * v / (1 - v)


@functools.lru_cache(maxsize=None)
def system(prior: str) -> System:
    tau = sp.sqrt(tau2)
    mse, df, ex2 = se_moments(prior, tau, alpha * tau)
    a0, v, variance = pure_noise()
    return System(
        parameters=(delta, noise, eps),
        unknowns=(Unknown(tau2, guess=noise + ex2 / delta, lower=0.0,
                          doc="effective noise variance tau^2"),
                  Unknown(alpha, guess=a0, lower=0.0, doc="threshold multiplier at lam = 0+")),
        equations=(sp.Eq(tau2, noise + mse / delta), sp.Eq(df, delta)),
        observables={
            "mse": mse,
            "excess_risk": mse / delta,
            "test_error": mse / delta + noise,
            "tau": tau,
            "alpha": alpha,
            "excess_variance": variance,
            "rate": sp.Piecewise((variance * sp.log(1 / delta) / noise, noise > 0), (sp.S.One, True)),
            "min_l2_excess_variance": noise * delta / (1 - delta),
        },
    )


@dataclass(frozen=True, kw_only=True)
class Params(PriorParams):
    delta: float = param(domain=Interval(0, 1), doc="n/p < 1 (measurements per unknown)",
                         symbol="δ")
    noise: float = param(1.0, domain=Interval(0, np.inf, low_closed=True),
                         doc="noise variance Var w_i", symbol="σ²")
    eps: float = param(0.0, domain=Interval(0, 1, True, True),
                       doc="fraction of non-zero signal coordinates (0: pure noise)", symbol="ε")


_BIB_SLL = """@article{su2026boosting,
  title={When Does $\\ell_2$-Boosting Overfit Benignly? High-Dimensional Risk Asymptotics and the
         $\\ell_1$ Implicit Bias},
  author={Su, and Li, and Liu},
  journal={arXiv preprint arXiv:2605.06314}, year={2026},
  note={authors' first names not verified}
}"""

MODEL = register(Model(
    name="basis-pursuit",
    summary="minimum-l1-norm interpolation of noisy data: MSE, excess variance ~ noise/log(p/n)",
    variants=(Variant("default", Params, lambda p: system(p.prior),
                      "lam -> 0+ state evolution (interpolation constraint)",
                      example={"delta": 0.2, "noise": 1.0}),),
    references=(_LASSO_REFS[2], Reference("su2026boosting", _BIB_SLL,
                "Theta(sigma^2/log(p/n)) excess variance of min-l1 interpolation (abstract only; "
                "the exact pure-noise formula here is derived from the LASSO state evolution)")),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "mse": "(1/p)||x_hat - x0||^2",
        "excess_risk": "mse/delta = E (a'(x_hat - x0))^2, fresh row a, no noise",
        "test_error": "excess_risk + noise",
        "tau": "effective noise level of the pseudo-data",
        "alpha": "threshold multiplier at which the LASSO interpolates",
        "excess_variance": "excess risk of the min-l1 interpolator of pure noise (x0 = 0)",
        "rate": "excess_variance log(p/n)/noise (-> 1 as p/n -> inf)",
        "min_l2_excess_variance": "noise delta/(1 - delta): the min-l2 interpolator, for comparison",
    },
))

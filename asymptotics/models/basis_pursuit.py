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


RECOVERED = sp.Symbol("recovered", real=True)  # prepared: 1 where noiseless recovery is exact


@functools.lru_cache(maxsize=None)
def system(prior: str) -> System:
    tau = sp.sqrt(tau2)
    mse, df, ex2 = se_moments(prior, tau, alpha * tau)
    a0, v, variance = pure_noise()
    rec = RECOVERED > sp.Rational(1, 2)
    # tau -> 0 limit of P(|X0 + tau Z| > alpha tau): non-zero atoms are kept, zeros w.p. 2 Phi(-alpha)
    df0 = _amp.prior_average(prior, eps, lambda x: sp.Piecewise((2 * _amp.Phi(-alpha), sp.Eq(x, 0)),
                                                                 (1, True)), lambda: sp.S.One)
    return System(
        parameters=(delta, noise, eps, RECOVERED),
        unknowns=(Unknown(tau2, guess=sp.Piecewise((0, rec), (noise + ex2 / delta, True)),
                          lower=0.0, doc="effective noise variance tau^2"),
                  Unknown(alpha, guess=a0, lower=0.0, doc="threshold multiplier at lam = 0+")),
        # Noiseless: tau = 0 (exact recovery) is always a fixed point. Below the Donoho–Tanner
        # transition it is the solution (pinned, with the tau -> 0 limit of the interpolation
        # condition); above it the equation is divided by tau^2 so that Newton cannot fall on it.
        equations=(
            sp.Eq(sp.Piecewise((tau2, rec), (tau2 - noise - mse / delta, noise > 0),
                               (1 - mse / (delta * tau2), True)), 0),
            sp.Eq(sp.Piecewise((df0, rec), (df, True)), delta)),
        observables={
            "mse": sp.Piecewise((0, rec), (mse, True)),
            "excess_risk": sp.Piecewise((0, rec), (mse / delta, True)),
            "test_error": sp.Piecewise((0, rec), (mse / delta + noise, True)),
            "tau": tau,
            "alpha": alpha,
            "excess_variance": variance,
            "rate": sp.Piecewise((variance * sp.log(1 / delta) / noise, noise > 0), (sp.S.One, True)),
            "min_l2_excess_variance": noise * delta / (1 - delta),
        },
    )


@functools.lru_cache(maxsize=None)
def _rho_kernel():
    from ..codegen import Kernel
    from .donoho_tanner import delta as dt_delta, rho_of

    zz = sp.Symbol("z", nonnegative=True)
    return Kernel([rho_of(zz, 2)], (zz, dt_delta))


def dt_eps(delta_values) -> np.ndarray:
    """k/N at the Donoho–Tanner transition, by maximizing the sympy curve on a fine z grid
    (the maximum is flat: a 1e-3 grid gives ~1e-7 accuracy)."""
    d = np.atleast_1d(np.asarray(delta_values, dtype=float))
    z = np.linspace(0.0, 12.0, 12001)
    out = np.empty(d.size)
    for i, di in enumerate(d):
        (rho,) = _rho_kernel()({"z": z, "delta": np.full(z.size, di)}, batch=z.size)
        out[i] = np.max(rho) * di
    return out


def _prepare(p):
    shape = np.broadcast(np.asarray(p.delta), np.asarray(p.noise), np.asarray(p.eps)).shape
    d, nz, e = (np.broadcast_to(np.asarray(v, dtype=float), shape).ravel()
                for v in (p.delta, p.noise, p.eps))
    if p.prior == "empirical":
        e = np.full(d.size, float(np.sum(p.prior_weights[p.prior_values != 0])))
    rec = np.zeros(d.size)
    quiet = nz == 0
    if quiet.any():
        rec[quiet] = e[quiet] < dt_eps(d[quiet])
    return {"recovered": rec.reshape(shape)}


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
                      "lam -> 0+ state evolution (interpolation constraint)", prepare=_prepare,
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

"""The LASSO with Gaussian sensing matrices: AMP state evolution and its calibration.

Setting (Donoho, Maleki, Montanari 2009; Bayati, Montanari 2012): ``y = A x0 + w`` with
``A in R^{n x N}`` of iid ``N(0, 1/n)`` entries, ``delta = n/N``, ``x0`` iid from the ``prior``,
``w`` iid with variance ``noise``. The estimator is

    x_hat = argmin_x  (1/2) ||y - A x||^2 + lam ||x||_1

(note: scikit-learn's ``Lasso(alpha=a)`` minimizes ``(1/2n)||y - Ax||^2 + a||x||_1``, i.e. ``a = lam/n``).

AMP with threshold policy ``theta_t = alpha tau_t`` (soft threshold ``eta``), ``x^0 = 0``, ``z^0 = y``:

    r^t = x^t + A' z^t,   x^{t+1} = eta(r^t; theta_t),
    z^{t+1} = y - A x^{t+1} + (||x^{t+1}||_0 / n) z^t          (the Onsager term),

with ``tau_t = ||z^t||/sqrt(n)``. State evolution: ``r^t - x0`` is asymptotically ``tau_t Z``, and

    tau_{t+1}^2 = noise + (1/delta) E[(eta(X0 + tau_t Z; alpha tau_t) - X0)^2],
    tau_0^2     = noise + E[X0^2]/delta.

Calibration (Bayati–Montanari): the AMP fixed point is the LASSO solution at

    lam = alpha tau (1 - (1/delta) P(|X0 + tau Z| > alpha tau)),

increasing in ``alpha`` above the ``alpha`` where it vanishes (basis pursuit, see
``basis-pursuit``). Two variants: ``alpha`` (the threshold multiplier; one unknown ``tau^2``) and
``lam`` (the penalty; unknowns ``tau^2`` and the calibrated ``alpha``). Along iterations (parameter
``iteration = t``, default ``inf`` = the fixed point), ``tau^2`` follows the recursion from
``tau_0^2`` while ``alpha`` keeps its calibrated value: this is AMP run with the threshold
``alpha tau_t`` that makes its fixed point the LASSO at ``lam``.

Observables at iteration ``t`` describe the denoised estimate ``x_hat^t = eta(r^t; theta_t)``
(``= x^{t+1}``; at the fixed point, the LASSO solution): ``tau`` (``||r^t - x0||/sqrt N``), ``mse``
``= E(eta - X0)^2`` per coordinate, ``excess_risk = mse/delta`` (``E (a'(x_hat - x0))^2`` for a
fresh row ``a``; at the fixed point ``tau^2 - noise``), ``test_error = excess_risk + noise``,
``threshold = alpha tau``, ``nonzero_fraction = P(|X0 + tau Z| > threshold)`` (``||x_hat||_0/N``),
``alpha`` and ``lam`` (the calibration map, both ways).

Divergence: with ``delta < 1`` the recursion diverges (``tau = inf``) for ``alpha`` below the root
of ``2[(1 + alpha^2) Phi(-alpha) - alpha phi(alpha)] = delta``; such ``alpha`` are rejected. Between
that root and the basis-pursuit ``alpha`` the fixed point exists but ``lam < 0``: no LASSO
corresponds (reported as is).

Priors: ``bernoulli-gaussian`` (0 w.p. ``1 - eps``, else N(0, 1)), ``three-point`` (0 w.p.
``1 - eps``, else +-1), or ``empirical``: pass ``prior=`` a :class:`~asymptotics.priors.Prior`, an
array of samples or a sympy density (with an atom at zero: ``Prior.density(expr, eps=...)``).
Soft-threshold moments are closed forms in Phi/phi (see ``_amp``), so the equations carry no
quadrature for the named priors. Equation numbers of the sources are [recalled, not verified in
source]; every formula is checked against AMP runs, a direct LASSO solver and Monte Carlo.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import Bound, System, Unknown
from ..symbolic.functions import ndtr
from ..validation import Array, Integer, Interval, OneOf, param, ParameterError, Parameters
from . import _amp
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

delta, noise, eps, lam, iteration = sp.symbols("delta noise eps lam iteration", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)
tau2 = sp.Symbol("tau2", nonnegative=True)


def se_moments(prior: str, tau, theta):
    """(E mse, E df, E X0^2) of soft thresholding at (tau, theta) under the prior, in sympy."""
    mse = _amp.prior_average(prior, eps, lambda x: _amp.soft_mse_at(x, tau, theta),
                             lambda: _amp.soft_mse_gauss(tau, theta))
    df = _amp.prior_average(prior, eps, lambda x: _amp.soft_df_at(x, tau, theta),
                            lambda: _amp.soft_df_gauss(tau, theta))
    return mse, df, _amp.second_moment(prior, eps)


def _observables(mse, df, tau, a):
    return {
        "tau": tau,
        "mse": mse,
        "excess_risk": mse / delta,
        "test_error": mse / delta + noise,
        "threshold": a * tau,
        "nonzero_fraction": df,
        "alpha": a,
        "lam": a * tau * (1 - df / delta),
    }


_a_min = sp.Symbol("a_min", nonnegative=True)
_dz_at = 2 * ((1 + _a_min ** 2) * ndtr(-_a_min) - _a_min * sp.exp(-_a_min ** 2 / 2) / sp.sqrt(2 * sp.pi))
#: alpha_min(delta): the root in a of 2[(1 + a²)Φ(-a) - a φ(a)] = delta (the left side decreases
#: from 1 at a = 0), below which the state evolution diverges (tau = inf); 0 when delta >= 1.
DIVERGENCE = System(
    parameters=(delta,),
    unknowns=(Unknown(_a_min, guess=sp.Piecewise((0, delta >= 1), (sp.sqrt(2 * sp.log(1 + 1 / delta)), True)),
                      lower=0.0, doc="threshold multiplier at which the state evolution diverges"),),
    equations=(sp.Piecewise((_a_min, delta >= 1), (_dz_at - delta, True)),),
    observables={"alpha_min": sp.Piecewise((0, delta >= 1), (_a_min, True))},
)


@functools.lru_cache(maxsize=None)
def alpha_system(prior: str) -> System:
    tau = sp.sqrt(tau2)
    mse, df, ex2 = se_moments(prior, tau, alpha * tau)
    tau0 = noise + ex2 / delta
    return System(
        parameters=(delta, noise, eps, alpha, iteration),
        # Newton from tau_0^2 (above every fixed point) decreases monotonically to the largest
        # fixed point: the state evolution map is concave in tau^2, so the residual is convex.
        unknowns=(Unknown(tau2, guess=tau0, lower=0.0, start=tau0,
                          doc="effective noise variance tau^2 of the pseudo-data"),),
        equations=(sp.Eq(tau2, noise + mse / delta),),
        observables=_observables(mse, df, tau, alpha),
        iteration=iteration,
        bounds=(Bound(alpha, "above", DIVERGENCE, observable="alpha_min",
                      meaning="below it the state evolution diverges: tau = inf"),),
    )


@functools.lru_cache(maxsize=None)
def lam_system(prior: str) -> System:
    tau = sp.sqrt(tau2)
    mse, df, ex2 = se_moments(prior, tau, alpha * tau)
    tau0 = noise + ex2 / delta
    return System(
        parameters=(delta, noise, eps, lam, iteration),
        unknowns=(Unknown(tau2, guess=tau0, lower=0.0, start=tau0,
                          doc="effective noise variance tau^2 of the pseudo-data"),
                  Unknown(alpha, guess=sp.S(2), lower=0.0, doc="calibrated threshold multiplier")),
        equations=(sp.Eq(tau2, noise + mse / delta),
                   sp.Eq(lam, alpha * tau * (1 - df / delta))),
        observables=_observables(mse, df, tau, alpha),
        iteration=iteration,
    )


_DOC_PRIOR = ("signal prior: 'bernoulli-gaussian' (0 w.p. 1-eps, else N(0,1)), 'three-point' "
              "(0 w.p. 1-eps, else +-1), 'empirical' (atoms prior_values/prior_weights); or a Prior, "
              "an array of samples, or a sympy density (see asymptotics.priors)")


@dataclass(frozen=True, kw_only=True)
class PriorParams(Parameters):
    """The signal prior: a name, or atoms (``prior='empirical'``); shared by the sparse models."""

    eps: float = param(0.1, domain=Interval(0, 1, True, True),
                       doc="fraction of non-zero coordinates (bernoulli-gaussian, three-point; "
                           "ignored by empirical priors)", symbol="ε")
    prior: str = param("bernoulli-gaussian", domain=OneOf(_amp.PRIORS), doc=_DOC_PRIOR)
    prior_values: np.ndarray = param(None, domain=Array(Interval()),
                                     doc="atoms of an empirical prior")
    prior_weights: np.ndarray = param(None, domain=Array(_NONNEG),
                                      doc="probabilities of the atoms of an empirical prior")

    @classmethod
    def expand(cls, values: dict) -> dict:
        prior = values.get("prior")
        if prior is not None and not (isinstance(prior, str) and prior in _amp.PRIORS):
            from ..priors import as_prior

            if "prior_values" in values or "prior_weights" in values:
                raise ParameterError("give either 'prior' as data or 'prior_values'/'prior_weights'")
            values.update(as_prior(prior).as_params())
        return values

    def check(self):
        if self.prior == "empirical":
            if self.prior_values is None or self.prior_weights is None:
                raise ParameterError("prior='empirical' needs 'prior_values' and 'prior_weights' "
                                     "(or pass prior=<Prior, samples or density>)")
            if self.prior_values.shape != self.prior_weights.shape:
                raise ParameterError("'prior_values' and 'prior_weights' must have the same length")
            total = float(np.sum(self.prior_weights))
            if abs(total - 1) > 1e-9:
                raise ParameterError(f"parameter 'prior_weights' must sum to 1; got {total:.12g}")
        elif self.prior_values is not None or self.prior_weights is not None:
            raise ParameterError(f"'prior_values'/'prior_weights' need prior='empirical', "
                                 f"not {self.prior!r}")


@dataclass(frozen=True, kw_only=True)
class _Common(PriorParams):
    delta: float = param(domain=_POS, doc="undersampling ratio n/N (measurements per unknown)",
                         symbol="δ")
    noise: float = param(0.0, domain=_NONNEG, doc="measurement-noise variance Var w_i", symbol="σ²")
    iteration: float = param(np.inf, domain=Integer(0, np.inf, True, True),
                             doc="AMP iteration t (inf: the fixed point / LASSO solution)",
                             symbol="t")


@dataclass(frozen=True, kw_only=True)
class AlphaParams(_Common):
    """Threshold-multiplier parametrization: theta_t = alpha tau_t."""

    alpha: float = param(domain=_POS, doc="threshold multiplier: theta = alpha tau", symbol="α")

    # alpha > alpha_min(delta) (the state evolution diverges below it) is a System bound: see
    # alpha_system


@dataclass(frozen=True, kw_only=True)
class LamParams(_Common):
    """Penalty parametrization: (1/2)||y - Ax||^2 + lam ||x||_1."""

    lam: float = param(domain=_POS, doc="LASSO penalty in (1/2)||y - Ax||^2 + lam ||x||_1",
                       symbol="λ", aliases=("lambda",))


_BIB_DMM = """@article{donoho2009message,
  title={Message-passing algorithms for compressed sensing},
  author={Donoho, David L. and Maleki, Arian and Montanari, Andrea},
  journal={Proceedings of the National Academy of Sciences}, volume={106}, number={45},
  pages={18914--18919}, year={2009}
}"""
_BIB_BM = """@article{bayati2012lasso,
  title={The {LASSO} risk for {G}aussian matrices},
  author={Bayati, Mohsen and Montanari, Andrea},
  journal={IEEE Transactions on Information Theory}, volume={58}, number={4},
  pages={1997--2017}, year={2012}
}"""
_BIB_BM11 = """@article{bayati2011dynamics,
  title={The dynamics of message passing on dense graphs, with applications to compressed sensing},
  author={Bayati, Mohsen and Montanari, Andrea},
  journal={IEEE Transactions on Information Theory}, volume={57}, number={2},
  pages={764--785}, year={2011}
}"""

REFERENCES = (
    Reference("donoho2009message", _BIB_DMM,
              "AMP with Onsager term and its state evolution with threshold policy theta = alpha tau "
              "[equation numbers recalled, not verified in source]"),
    Reference("bayati2011dynamics", _BIB_BM11, "state evolution holds for AMP with Gaussian A"),
    Reference("bayati2012lasso", _BIB_BM,
              "LASSO risk = AMP fixed point; calibration lam = alpha tau (1 - E eta'/delta) "
              "[theorem numbers recalled, not verified in source]"),
)

MODEL = register(Model(
    name="lasso",
    summary="LASSO / AMP state evolution: tau, MSE, sparsity, calibration alpha <-> lam, trajectories",
    variants=(
        Variant("alpha", AlphaParams, lambda p: alpha_system(p.prior),
                "threshold multiplier alpha (AMP threshold alpha tau_t)",
                example={"delta": 0.5, "eps": 0.1, "noise": 0.04, "alpha": 1.5}),
        Variant("lam", LamParams, lambda p: lam_system(p.prior),
                "LASSO penalty lam; alpha from the calibration",
                example={"delta": 0.5, "eps": 0.1, "noise": 0.04, "lam": 0.3}),
    ),
    references=REFERENCES,
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "tau": "effective noise level tau of the pseudo-data r^t = x^t + A'z^t (r - x0 ~ tau Z)",
        "mse": "(1/N)||x_hat - x0||^2, x_hat = eta(r^t; theta_t) (the LASSO solution at t = inf)",
        "excess_risk": "mse/delta = E (a'(x_hat - x0))^2 for a fresh row a, no noise",
        "test_error": "excess_risk + noise",
        "threshold": "soft threshold theta = alpha tau",
        "nonzero_fraction": "||x_hat||_0 / N",
        "alpha": "threshold multiplier theta/tau",
        "lam": "LASSO penalty whose solution is the AMP fixed point (calibration)",
    },
))

"""Logistic-regression maximum likelihood in high dimensions: bias inflation alpha, sigma, lambda.

Setting (Sur & Candès 2019, PNAS, "A modern maximum-likelihood theory for high-dimensional
logistic regression"): n observations ``x_i ~ N(0, I_p/n)`` (note the 1/n), ``y_i in {0, 1}`` with
``P(y_i = 1 | x_i) = rho'(x_i'beta)``, ``rho(t) = log(1 + e^t)``, no intercept, ``p/n -> kappa``,
and ``signal`` = gamma² = lim Var(x_i'beta) = lim ||beta||²/n. The MLE exists w.h.p. iff
``kappa < h_MLE(gamma)`` (Candès & Sur 2020), reported as ``separability_threshold``; beyond it
``evaluate`` raises ParameterError (there is no MLE), and alpha, sigma -> inf as kappa -> h_MLE-.

Equations (Sur & Candès, the system for (alpha, sigma, lambda) [transcribed from the package's
theory catalogue, family C3, which checked it against Monte Carlo; equation numbers not verified
in source]), with ``prox_{lambda rho}(z) = argmin_t lambda rho(t) + (t - z)²/2`` and
``(Q1, Q2) ~ N(0, [[gamma², -alpha gamma²], [-alpha gamma², alpha² gamma² + kappa sigma²]])``:

    kappa² sigma² = E[ 2 rho'(Q1) (lambda rho'(prox_{lambda rho}(Q2)))² ],
    0             = E[ rho'(Q1) Q1 rho'(prox_{lambda rho}(Q2)) ],
    1 - kappa     = E[ 2 rho'(Q1) / (1 + lambda rho''(prox_{lambda rho}(Q2))) ],

written with ``Q1 = gamma z1``, ``Q2 = -alpha gamma z1 + sqrt(kappa) sigma z2`` over a 2-D
Gauss–Hermite rule, the proximal operator as an implicit sympy node (Newton over all nodes at
once; its derivatives by the implicit function theorem, so the Jacobian is exact).

Meaning: ``beta_hat_j ≈ alpha beta_j + sigma Z_j`` coordinate-wise (in the 1/n scaling the
coordinates are O(1)): alpha > 1 is the bias inflation, ``sigma² = lim ||beta_hat - alpha beta||²/p``,
and lambda is the proximal step ``x_i'beta_hat = prox_{lambda rho}(x_i'beta_hat_{(-i)})``
(estimated by ``tr H^{-1}`` with H the Hessian of the negative log-likelihood). The likelihood-ratio
statistic of a null coordinate is ``(kappa sigma²/lambda) chi²_1`` (``lrt_scale``).
Limits: kappa -> 0 gives alpha -> 1, sigma² -> 1/E rho''(gamma Z) (the classical Fisher
information), lambda ~ kappa/E rho''(gamma Z) and lrt_scale -> 1 (Wilks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import Average, Bound, System, Unknown, gaussian
from ..validation import Interval, param, Parameters
from ._classification import prox_logistic, separability_system, sigmoid
from . import _bibliography as bibliography
from ._registry import Model, Reference, Variant, register

kappa, signal = sp.symbols("kappa signal", nonnegative=True)
# Unknowns on the log scale: alpha, sigma and lambda all grow without bound as kappa -> h_MLE, and
# Newton in the logarithms converges from the small-kappa guess much closer to the threshold.
log_alpha, log_sigma, log_lam = sp.symbols("log_alpha log_sigma log_lambda", real=True)
alpha, sigma, lam = sp.exp(log_alpha), sp.exp(log_sigma), sp.exp(log_lam)
z1, z2 = sp.symbols("z1 z2", real=True)
# 2-D Gauss–Hermite, 100 x 100 nodes. The integrands are analytic, but as kappa -> h_MLE the scale
# of Q2 (~ sigma) grows while rho'(prox(Q2)) keeps O(1) features, so any fixed rule loses accuracy
# there. Measured against 160 and 240 nodes at gamma² = 5: relative error < 5e-9 for
# kappa <= 0.8 h_MLE, ~3e-5 at 0.9 h_MLE, ~5e-3 at 0.95 h_MLE (see the tests).
ORDER = 100
PLANE = gaussian(z1, z2, order=ORDER, name="gauss2_logistic_mle")

gamma = sp.sqrt(signal)
q1 = gamma * z1
q2 = -alpha * gamma * z1 + sp.sqrt(kappa) * sigma * z2
prox = prox_logistic(q2, lam)
rho1 = sigmoid(q1)                       # rho'(Q1)
rho1_prox = sigmoid(prox)                # rho'(prox)
rho2_prox = rho1_prox * (1 - rho1_prox)  # rho''(prox)
fisher = Average(sigmoid(q1) * (1 - sigmoid(q1)), PLANE)  # E rho''(gamma Z)
# signal = 0 (beta = 0, inside the documented range): the second equation reads 0/0 there. Its
# limit as gamma -> 0+ [derived here]: numerator and denominator are both O(gamma), with
# d/dgamma E[rho'(gamma z1) z1 g(-alpha gamma z1 + s z2)] = rho''(0) E g - alpha rho'(0) E g' and
# d/dgamma E[rho'(gamma z1) z1] = rho''(0), so the ratio tends to E g - 2 alpha E g', where
# g = rho'(prox(Q2)) and g' = rho''(prox)/(1 + lambda rho''(prox)) (prox' = 1/(1 + lambda rho'')).
# alpha is then the limit of the bias inflation as the signal vanishes (continuous in signal).
_alpha_limit = (Average(rho1_prox, PLANE)
                - 2 * alpha * Average(rho2_prox / (1 + lam * rho2_prox), PLANE))

SYSTEM = System(
    parameters=(kappa, signal),
    unknowns=(
        Unknown(log_alpha, guess=sp.Integer(0), doc="log of the bias inflation alpha"),
        Unknown(log_sigma, guess=-sp.log(fisher) / 2, doc="log sigma"),
        Unknown(log_lam, guess=sp.log(kappa / fisher), doc="log lambda (the proximal step)"),
    ),
    # The three equations of Sur & Candès, scaled to be O(1): the first in logarithms, the second
    # divided by E[rho'(Q1) Q1] > 0.
    equations=(
        sp.log(kappa ** 2 * sigma ** 2) - sp.log(Average(2 * rho1 * (lam * rho1_prox) ** 2, PLANE)),
        sp.Piecewise((_alpha_limit, sp.Eq(signal, 0)),
                     (Average(rho1 * q1 * rho1_prox, PLANE) / Average(rho1 * q1, PLANE), True)),
        1 - kappa - Average(2 * rho1 / (1 + lam * rho2_prox), PLANE),
    ),
    observables={
        "alpha": alpha,
        "sigma": sigma,
        "lambda": lam,
        "lrt_scale": kappa * sigma ** 2 / lam,
    },
    bounds=(Bound(kappa, "below", separability_system("logistic", kappa, signal, 0),
                  observable="separability_threshold",
                  meaning="h_MLE(gamma), the Candès–Sur phase transition: beyond it the data are "
                          "separable and the MLE does not exist",
                  name="separability_threshold"),),
)


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    """x ~ N(0, I_p/n), logistic labels, no intercept."""

    kappa: float = param(domain=Interval(0, 1), doc="dimension ratio p/n", symbol="κ")
    signal: float = param(1.0, domain=Interval(0, np.inf, low_closed=True),
                          doc="gamma² = lim Var(x'beta), the variance of the true log-odds", symbol="γ²")


_BIB_SC = """@article{sur2019modern,
  title={A modern maximum-likelihood theory for high-dimensional logistic regression},
  author={Sur, Pragya and Cand{\\`e}s, Emmanuel J.},
  journal={Proceedings of the National Academy of Sciences}, volume={116}, number={29},
  pages={14516--14525}, year={2019}
}"""

MODEL = register(Model(
    name="logistic-mle",
    summary="Sur–Candès: bias inflation alpha, sigma, lambda of the logistic MLE; rescaled LRT",
    variants=(Variant("default", Params, SYSTEM, "x ~ N(0, I/n), kappa = p/n, signal = gamma²",
                      example={"kappa": 0.2, "signal": 5.0}),),
    references=(
        Reference("sur2019modern", _BIB_SC,
                  "the (alpha, sigma, lambda) system and its meaning; headline example kappa = 0.2, "
                  "gamma² = 5: alpha ≈ 1.5 (equation numbers not verified in source)"),
        Reference("candes2020phase", bibliography.CANDES_SUR2020, "Thm 1: the MLE exists iff kappa < h_MLE(gamma)"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "alpha": "bias inflation: beta_hat ≈ alpha beta + sigma Z (alpha > 1)",
        "sigma": "lim ||beta_hat - alpha beta||/sqrt(p) (coordinates of beta are O(1) in the 1/n scaling)",
        "lambda": "proximal step: x_i'beta_hat = prox_{lambda rho}(x_i'beta_hat_(-i))",
        "lrt_scale": "kappa sigma²/lambda: the LRT of a null coordinate is lrt_scale * chi²_1",
        "separability_threshold": "h_MLE(gamma): the MLE exists iff kappa < it",
    },
))

"""Monte Carlo twin of ``random-features``: real random features on the sphere.

Each trial draws ``d``-dimensional inputs and weights uniform on the sphere of radius sqrt(d):
``N = round(psi1 d)`` weights θ_a, ``n = round(psi2 d)`` training inputs and ``n_test`` test
inputs; features ``F_ia = σ(<θ_a, x_i>/sqrt d)``; a target ``f(x) = <β_1, x> + f_NL(x)`` with
``β_1`` uniform on the sphere of radius sqrt(signal) and the degree-2 nonlinear part

    f_NL(x) = sqrt(nonlinear) (<u, x>² - 1) / sqrt((2d - 2)/(d + 2)),   u uniform on S^{d-1},

(mean zero, orthogonal to every polynomial of degree <= 1, and ``E f_NL² = nonlinear`` exactly on
the sphere of radius sqrt(d)); labels ``y = f(x) + ε``, ``ε ~ N(0, noise)``. The estimator is
MM's ridge ``â = (FᵀF + (n N/d) lam I)^{-1} Fᵀ y`` for every requested ``lam`` from one SVD of F.

Observables (test averages over the ``n_test`` fresh inputs, so unbiased for the expectation over
x; the standard error over trials includes that sampling): ``excess_risk`` = mean (f - f̂)²;
``bias`` = mean (f - E[f̂|X, Θ])²; ``variance_coefficient`` = mean ||F_test A||² row norms with
``f̂ = F_test A y``, so ``variance = noise * variance_coefficient``; ``bias_coefficient`` = the
bias of the linear part of the target alone divided by ``signal`` (NaN if signal = 0);
``train_error`` = ||y - F â||²/n; ``df1`` = tr FᵀF(FᵀF + pen)^{-1}/n.
"""

from __future__ import annotations

import numpy as np

from ..activations import activation
from ..validation import ParameterError
from ._registry import Simulator, register_simulator
from .ridge import RidgePath

__all__ = ["sphere", "rf_trial"]


def sphere(rng, count: int, d: int) -> np.ndarray:
    """``count`` points uniform on the sphere of radius sqrt(d) in R^d."""
    g = rng.standard_normal((count, d))
    return g * (np.sqrt(d) / np.linalg.norm(g, axis=1, keepdims=True))


def _sizes(params, d: int) -> tuple[int, int]:
    big_n = int(round(params.psi1 * d))
    n = int(round(params.psi2 * d))
    if big_n < 1 or n < 1:
        raise ParameterError(
            f"random-features: psi1*d = {params.psi1 * d:g} and psi2*d = {params.psi2 * d:g} must "
            f"round to at least 1; increase d")
    return big_n, n


def rf_trial(params, sizes, rng):
    d = sizes["d"]
    n_test = sizes["n_test"]
    big_n, n = _sizes(params, d)
    sigma = activation(params.activation).numpy
    theta = sphere(rng, big_n, d)
    x = sphere(rng, n, d)
    xt = sphere(rng, n_test, d)
    beta = rng.standard_normal(d)
    beta *= np.sqrt(params.signal) / np.linalg.norm(beta)
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    scale = np.sqrt(params.nonlinear / ((2.0 * d - 2.0) / (d + 2.0))) if d > 1 else 0.0

    def target(z):
        lin = z @ beta
        return lin, lin + scale * ((z @ u) ** 2 - 1.0)

    lin, f = target(x)
    lin_t, f_t = target(xt)
    y = f + np.sqrt(params.noise) * rng.standard_normal(n)
    feats = sigma(x @ theta.T / np.sqrt(d))
    feats_t = sigma(xt @ theta.T / np.sqrt(d))

    lams = np.atleast_1d(np.asarray(params.lam, dtype=float))
    path = RidgePath.fit(feats, y, penalty_scale=n * big_n / d)
    g, hfil, r = path.filters(lams)  # (L, r)
    proj = feats_t @ path.v  # n_test x r
    ut = path.u.T

    def predict(vec):
        z = ut @ vec  # r
        return proj @ (g * z).T  # n_test x L

    pred = predict(y)
    excess = np.mean((f_t[:, None] - pred) ** 2, axis=0)
    bias = np.mean((f_t[:, None] - predict(f)) ** 2, axis=0)
    if params.signal > 0:
        bias_coef = np.mean((lin_t[:, None] - predict(lin)) ** 2, axis=0) / params.signal
    else:
        bias_coef = np.full(lams.shape, np.nan)
    var_coef = (g ** 2) @ np.mean(proj ** 2, axis=0)
    z = ut @ y
    outside = float(y @ y - z @ z)
    train = (max(outside, 0.0) + (r ** 2) @ (z ** 2)) / n
    df1 = hfil.sum(axis=1) / n
    return {
        "excess_risk": excess,
        "test_error": excess + params.noise,
        "train_error": train,
        "bias": bias,
        "variance": params.noise * var_coef,
        "bias_coefficient": bias_coef,
        "variance_coefficient": var_coef,
        "df1": df1,
    }


def _effective(params, sizes):
    big_n, n = _sizes(params, sizes["d"])
    return {"psi1": big_n / sizes["d"], "psi2": n / sizes["d"]}


register_simulator(Simulator(
    model="random-features", variant="default", trial=rf_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * (3 * p.psi2 * p.psi1 * s["d"] ** 2 + 2 * s["n_test"] * p.psi1 * s["d"] + (p.psi1 * s["d"] + p.psi2 * s["d"] + s["n_test"]) * s["d"]),
    observables=('excess_risk', 'test_error', 'train_error', 'bias', 'variance', 'bias_coefficient', 'variance_coefficient', 'df1'),
    sizes={"d": "input dimension; N = round(psi1 d), n = round(psi2 d)",
           "n_test": "test inputs per trial for the risk (default 2000)"},
    defaults={"n_test": 2000},
    vectorized=("lam",), effective=_effective,
    description="inputs and weights uniform on the sphere of radius sqrt(d), real features σ(<θ,x>/sqrt d)",
    example={"d": 40, "n_test": 500, "psi1": 2.0, "psi2": 1.5, "lam": 0.1, "noise": 0.2},
))

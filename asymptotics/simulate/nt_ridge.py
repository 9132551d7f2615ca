"""Monte Carlo twin of ``nt-ridge`` (``sphere``): the actual NT feature matrix of a two-layer net.

Each trial draws N first-layer weights ``w_i ~ N(0, I_d/d)`` (``weights="gaussian"``) or uniform on
the unit sphere (``weights="sphere"``), n training and ``n_test`` test inputs
uniform on the sphere of radius sqrt(d), the NT features ``φ(x) = (σ'(<w_i, x>) x/sqrt(N d))_i``
(n x N d matrix Φ), the zonal-harmonic target of ``kernel-ridge``'s twin (degree-k part of power
``F_k²`` around an independent random direction), labels with noise, and fits
``θ̂ = Φ'(ΦΦ' + ridge I)^{-1} y`` for every ridge from one SVD of Φ (ridge 0: the minimum-norm
solution = pseudo-inverse, singular values below 1e-10 σ_max dropped). The excess risk is the
mean of (f* - f̂)² over the fresh test inputs (the exact target, evaluated at random test
points; the trial-to-trial standard error includes that sampling). Also returned:
``min_singular_value`` = the min(n, N d)-th singular value of Φ (0 at the interpolation
threshold n = N d up to finite-size fluctuations) and ``min_eigenvalue`` its square (the smallest
eigenvalue of the empirical NT kernel ΦΦ' for n <= N d, the smallest nonzero one above), ``bias`` and ``variance`` (from the fits to the
noiseless target and the noise coefficient), ``train_error`` and ``df1 = tr ΦΦ'(ΦΦ' + ridge)^{-1}/n``.
"""

from __future__ import annotations

import numpy as np

from ..activations import activation
from ..kernels import gegenbauer, multiplicity
from ..validation import ParameterError
from ._registry import Simulator, register_simulator
from .random_features import sphere


def _integer(name, value):
    if not np.isfinite(value) or value != int(value) or value < 1:
        raise ParameterError(f"nt-ridge: simulation needs a finite positive integer '{name}'; got {value!r}")
    return int(value)


def nt_features(x: np.ndarray, w: np.ndarray, dsigma) -> np.ndarray:
    """The n x (N d) NT feature matrix ``σ'(<w_i, x>) x / sqrt(N d)`` (unit-i blocks of d columns)."""
    n_, d_ = x.shape
    big_n = w.shape[0]
    s = dsigma(x @ w.T)  # n x N
    return (s[:, :, None] * x[:, None, :]).reshape(n_, big_n * d_) / np.sqrt(big_n * d_)


def _trial(params, sizes, rng):
    n = _integer("n", params.n)
    d = _integer("d", params.d)
    big_n = _integer("width", params.width)
    n_test = sizes["n_test"]
    dsigma = activation(params.activation).derivative().numpy
    powers = np.asarray(params.target_powers, dtype=float)
    deg = powers.size - 1
    norms = np.sqrt(multiplicity(d, np.arange(deg + 1)))
    dirs = sphere(rng, deg + 1, d) / np.sqrt(d)
    if params.weights == "sphere":
        w = sphere(rng, big_n, d) / np.sqrt(d)  # uniform on the unit sphere
    else:
        w = rng.standard_normal((big_n, d)) / np.sqrt(d)

    def target(z):
        out = np.zeros(z.shape[0])
        for k in range(deg + 1):
            if powers[k] > 0:
                out += np.sqrt(powers[k]) * norms[k] * gegenbauer(d, k, z @ dirs[k] / np.sqrt(d))[k]
        return out

    x, xt = sphere(rng, n, d), sphere(rng, n_test, d)
    f, f_t = target(x), target(xt)
    y = f + np.sqrt(params.noise) * rng.standard_normal(n)
    phi = nt_features(x, w, dsigma)
    u, sv, vt = np.linalg.svd(phi, full_matrices=False)
    ridges = np.atleast_1d(np.asarray(params.ridge, dtype=float))[:, None]
    live = sv > 1e-10 * sv[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        filt = np.where(live[None, :], sv[None, :] / (sv[None, :] ** 2 + ridges), 0.0)  # (R, r)
    pt = nt_features(xt, w, dsigma) @ vt.T  # test features in the right singular basis
    uy, uf = u.T @ y, u.T @ f
    excess = np.mean((f_t[:, None] - pt @ (filt * uy).T) ** 2, axis=0)
    bias = np.mean((f_t[:, None] - pt @ (filt * uf).T) ** 2, axis=0)
    var_coef = (filt ** 2) @ np.mean(pt ** 2, axis=0)
    fitted = (sv[None, :] * filt) * uy[None, :]  # coordinates of Φθ̂ on u
    train = (np.sum(y ** 2) - 2 * fitted @ uy + np.sum(fitted ** 2, axis=1)) / n
    df1 = np.sum(sv[None, :] * filt, axis=1) / n
    smin = sv[min(n, big_n * d) - 1] if sv.size >= min(n, big_n * d) else 0.0
    return {
        "excess_risk": excess,
        "test_error": excess + params.noise,
        "train_error": np.maximum(train, 0.0),
        "bias": bias,
        "variance": params.noise * var_coef,
        "df1": df1,
        "min_singular_value": np.full(excess.shape, smin),
        "min_eigenvalue": np.full(excess.shape, smin ** 2),
    }


register_simulator(Simulator(
    model="nt-ridge", variant="sphere", trial=_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * (3 * float(p.n) + 2 * s["n_test"]) * float(p.width) * float(p.d),
    observables=('excess_risk', 'test_error', 'train_error', 'bias', 'variance', 'df1', 'min_singular_value',
                 'min_eigenvalue'),
    vectorized=("ridge",),
    sizes={"n_test": "test inputs per trial for the risk (default 2000)"}, defaults={"n_test": 2000},
    description="the NT feature matrix of a two-layer net with random first layer; min-norm / ridge fit",
    example={"n": 120, "width": 10, "d": 8, "ridge": 0.01, "noise": 0.1, "activation": "relu",
             "target_powers": [0.0, 1.0, 0.5], "n_test": 400},
))

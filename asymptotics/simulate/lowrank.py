"""Monte Carlo twin of ``spiked-wigner``: Bayes-optimal AMP on a drawn spiked matrix.

Each trial draws ``x`` iid from the prior, ``W = (G + G')/sqrt(2)`` (off-diagonal variance 1,
diagonal 2) and ``Y = sqrt(snr/n) x x' + W``, then runs AMP on ``Y/sqrt(n)``:

    x^{t+1} = (Y/sqrt n) f_t - b_t f_{t-1},   f_t = g(x^t/sigma_t; gamma_t),   b_t = mean f_t',

with ``g(y; gamma) = E[X | sqrt(gamma) X + Z = y]`` generated from the model's sympy denoiser (the
same expression the state evolution averages), ``sigma_{t+1}^2 = ||f_t||^2/n`` and
``gamma_{t+1} = snr sigma_{t+1}^2`` (Nishimori: no oracle). The start is
``x^0 = sqrt(init) x + xi``, ``xi ~ N(0, I)``, ``gamma_0 = max(init, 1/n)`` (``init = 0``: an
uninformative start). The global sign of ``x`` cannot be estimated from ``Y`` (a start with a
small ``init`` may converge to ``-x``), so ``overlap`` is reported in absolute value: unbiased
where the theory is positive, biased up by O(1/sqrt n) where it is 0.

Observables at iteration t: ``overlap = |<x, f_t>|/n``, ``cosine``, ``mse =
(1/n^2)||f_t f_t' - x x'||_F^2`` (sign-invariant), ``gamma = mu^2/s^2`` from the regression of ``x^t`` on ``x``
(oracle, to compare with the state evolution), and ``spectral_overlap = <v, x>^2/||x||^2`` for the
top eigenvector ``v`` of ``Y``. ``iteration = inf``: AMP until the overlap changes by less than
1e-9 (at most 2000 iterations).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from .. import vocabulary
from ..codegen import Kernel
from ._registry import Simulator, register_simulator

__all__ = ["draw_spike", "amp_spiked"]


@functools.lru_cache(maxsize=None)
def _denoiser_kernel(prior: str):
    yy, gg = sp.Symbol("y", real=True), sp.Symbol("gamma", nonnegative=True)
    f = vocabulary.SPIKE_DENOISERS[prior](yy, gg)
    return Kernel([f, sp.diff(f, yy)], (yy, gg, vocabulary.SPIKE_EPS))


def draw_spike(prior: str, eps: float, rng, n: int) -> np.ndarray:
    if prior == "rademacher":
        return rng.choice((-1.0, 1.0), n)
    if prior == "gaussian":
        return rng.standard_normal(n)
    return (rng.random(n) < eps) * rng.choice((-1.0, 1.0), n) / np.sqrt(eps)


def amp_spiked(ymat, x0, snr, prior, eps, init, record, rng, max_iterations=2000, tol=1e-9):
    """Bayes-AMP on ``ymat`` (= Y/sqrt n); returns {t: statistics} for t in ``record``."""
    n = x0.size
    den = _denoiser_kernel(prior)
    x = np.sqrt(init) * x0 + rng.standard_normal(n)
    sigma2, gam = 1.0, max(init, 1.0 / n)
    f_prev = np.zeros(n)
    wanted = set(record)
    finite = [t for t in record if np.isfinite(t)]
    last = int(max(finite)) if finite else -1
    to_convergence = any(np.isinf(t) for t in record)
    out, prev_overlap, t = {}, np.inf, 0
    x0n = x0 @ x0 / n
    while True:
        s = np.sqrt(sigma2)
        f, df = den({"y": x / s, "gamma": np.full(n, gam), "eps": np.full(n, eps)}, batch=n)
        df = df / s
        overlap = x0 @ f / n
        ff = f @ f / n
        mu = (x0 @ x) / (x0 @ x0)
        resid = x - mu * x0
        stats = {
            "overlap": abs(overlap),
            "cosine": abs(overlap) / np.sqrt(x0n * ff) if ff > 0 else 0.0,
            "mse": x0n ** 2 - 2 * overlap ** 2 + ff ** 2,
            "gamma": mu ** 2 / (resid @ resid / n),
        }
        if t in wanted:
            out[t] = stats
        done = abs(overlap - prev_overlap) < tol
        if t >= last and (not to_convergence or done or t >= max_iterations):
            if to_convergence:
                out[np.inf] = stats
            break
        prev_overlap = overlap
        x_new = ymat @ f - df.mean() * f_prev
        f_prev, x = f, x_new
        sigma2 = max(ff, 1e-300)
        gam = snr * sigma2
        t += 1
    return out


def _trial(params, sizes, rng):
    from scipy.sparse.linalg import eigsh

    n = sizes["n"]
    x0 = draw_spike(params.prior, params.eps, rng, n)
    g = rng.standard_normal((n, n))
    ymat = (g + g.T) / np.sqrt(2 * n) + np.sqrt(params.snr) / n * np.outer(x0, x0)
    its = np.atleast_1d(np.asarray(params.iteration, dtype=float))
    record = sorted(set(its.tolist()), key=lambda t: (np.isinf(t), t))
    recs = amp_spiked(ymat, x0, params.snr, params.prior, params.eps, params.init, record, rng)
    _, vec = eigsh(ymat, k=1, which="LA", v0=rng.standard_normal(n))  # seeded: reproducible
    spectral = float((vec[:, 0] @ x0) ** 2 / (x0 @ x0))
    out = {k: np.array([recs[t][k] for t in its]) for k in ("overlap", "cosine", "mse", "gamma")}
    out["spectral_overlap"] = np.full(its.shape, spectral)
    return out


register_simulator(Simulator(
    model="spiked-wigner", variant="default", trial=_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 3 * s["n"] ** 2,
    observables=('overlap', 'cosine', 'mse', 'gamma', 'spectral_overlap'),
    sizes={"n": "dimension of x (Y is n x n)"}, vectorized=("iteration",),
    description="Bayes-optimal AMP with Onsager term (denoiser generated from the sympy prior)",
    example={"n": 300, "snr": 2.0, "prior": "rademacher", "init": 0.2, "iteration": 3},
))

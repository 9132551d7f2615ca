"""Monte Carlo twin of ``glm-bayes``: Bayes-optimal GAMP on a drawn teacher–student problem.

Each trial draws ``X`` (n x d, iid N(0, 1), ``n = round(alpha d)``), ``w*`` iid from the prior,
``z = X w*/sqrt(d)`` and the labels (``sign(z)`` or ``z + sqrt(noise) xi``), then runs GAMP with
scalar variances on ``F = X/sqrt(d)`` (Rangan 2011, in the Bayes-optimal form of Barbier et al.):

    V = mean(v),  omega = F w - V g_old,  g = g_out(omega, y, V),  A = -(n/d) mean(d g/d omega),
    b = F'g + A w,  (w, v) = posterior mean and variance of W given b/A = W + N(0, 1/A),

from ``w = 0``, ``v = 1`` (the prior mean and variance), ``g_old = 0``. Sign channel:
``g_out = y phi(x)/(sqrt(V) Phi(x))`` with ``x = y omega/sqrt(V)``, computed through ``log_ndtr``;
``d g_out/d omega = -r (x + r)/V``, ``r = phi(x)/Phi(x)``. Linear channel:
``g_out = (y - omega)/(V + noise)``.

Observables at iteration t, from the known ``w*``: ``overlap = <w, w*>/d``, ``cosine``,
``mse = ||w - w*||^2/d``, ``q_hat = A`` (of the previous step; 0 at t = 0) and ``test_error``:
sign channel, the exact misclassification rate ``arccos(cos(w, w*))/pi`` of ``sign(x'w)`` on a
fresh Gaussian input; linear, ``||w - w*||^2/d + noise``. ``iteration = inf``: until the overlap
changes by less than 1e-10 (at most 500 iterations). With binary weights the iteration stops
once every coordinate is certain (mean posterior variance below 1e-12: perfect recovery), since
float64 can no longer represent the channel's information there.
"""

from __future__ import annotations

import numpy as np

from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["gamp"]


def _gout_sign(omega, y, v):
    from scipy.special import log_ndtr

    sv = np.sqrt(v)
    x = y * omega / sv
    r = np.exp(-x ** 2 / 2 - log_ndtr(x)) / np.sqrt(2 * np.pi)
    return y * r / sv, -r * (x + r) / v


def _gout_linear(omega, y, v, noise):
    return (y - omega) / (v + noise), np.full_like(omega, -1.0 / (v + noise))


def _fin(prior, b, a):
    if prior == "gaussian":
        return b / (1 + a), np.full_like(b, 1.0 / (1 + a))
    w = np.tanh(b)
    return w, 1 - w ** 2


def gamp(f, y, wstar, prior, channel, noise, record, max_iterations=500, tol=1e-10):
    n, d = f.shape
    w, v = np.zeros(d), np.ones(d)
    g_old = np.zeros(n)
    a_prev = 0.0
    wanted = set(record)
    finite = [t for t in record if np.isfinite(t)]
    last = int(max(finite)) if finite else -1
    to_convergence = any(np.isinf(t) for t in record)
    out, prev, t = {}, np.inf, 0
    while True:
        overlap = w @ wstar / d
        err = (w - wstar) @ (w - wstar) / d
        nw = np.linalg.norm(w)
        cos = overlap * d / (nw * np.linalg.norm(wstar)) if nw > 0 else 0.0
        stats = {"overlap": overlap, "cosine": cos, "mse": err, "q_hat": a_prev,
                 "test_error": (np.arccos(np.clip(cos, -1, 1)) / np.pi if channel == "sign"
                                else err + noise)}
        if t in wanted:
            out[t] = stats
        vv = float(v.mean())
        # Saturated: every coordinate is certain (binary weights at a vertex). With V -> 0 the
        # channel's information is no longer representable in float64 (A underflows to 0 and the
        # next step would forget w), so the estimate is final.
        frozen = vv < 1e-12
        done = abs(overlap - prev) < tol or frozen
        if frozen:
            for s in record:
                if s > t:
                    out[s] = stats
        if (t >= last or frozen) and (not to_convergence or done or t >= max_iterations):
            if to_convergence:
                out[np.inf] = stats
            break
        prev = overlap
        omega = f @ w - vv * g_old
        if channel == "sign":
            g, dg = _gout_sign(omega, y, vv)
        else:
            g, dg = _gout_linear(omega, y, vv, noise)
        a = -dg.sum() / d
        b = f.T @ g + a * w
        w, v = _fin(prior, b, a)
        g_old, a_prev = g, a
        t += 1
    return out


def _trial(params, sizes, rng):
    d = sizes["d"]
    n = int(round(params.alpha * d))
    if n < 1:
        raise ParameterError(f"glm-bayes: alpha*d = {params.alpha * d:g} gives no samples")
    wstar = rng.standard_normal(d) if params.prior == "gaussian" else rng.choice((-1.0, 1.0), d)
    f = rng.standard_normal((n, d)) / np.sqrt(d)
    z = f @ wstar
    y = np.sign(z) if params.channel == "sign" else z + np.sqrt(params.noise) * rng.standard_normal(n)
    its = np.atleast_1d(np.asarray(params.iteration, dtype=float))
    record = sorted(set(its.tolist()), key=lambda t: (np.isinf(t), t))
    recs = gamp(f, y, wstar, params.prior, params.channel, params.noise, record)
    return {k: np.array([recs[t][k] for t in its])
            for k in ("overlap", "cosine", "mse", "q_hat", "test_error")}


register_simulator(Simulator(
    model="glm-bayes", variant="default", trial=_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 3 * p.alpha * s["d"] ** 2,
    observables=('overlap', 'cosine', 'mse', 'q_hat', 'test_error'),
    sizes={"d": "input dimension; n = round(alpha d) samples"}, vectorized=("iteration",),
    effective=lambda p, s: {"alpha": int(round(p.alpha * s["d"])) / s["d"]},
    description="Bayes-optimal GAMP (scalar variances) on Gaussian inputs",
    example={"d": 300, "alpha": 2.0, "prior": "gaussian", "iteration": 3},
))

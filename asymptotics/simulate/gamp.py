"""Monte Carlo twin of ``glm-bayes``: Bayes-optimal GAMP on a drawn teacher–student problem.

Each trial draws ``X`` (n x d, iid N(0, 1), ``n = round(alpha d)``), ``w*`` iid from the prior
(the same mixture as the theory: :class:`~asymptotics.priors.Prior`), ``z = X w*/sqrt(d)`` and
the labels from the channel, then runs GAMP with scalar variances on ``F = X/sqrt(d)`` (Rangan
2011, in the Bayes-optimal form of Barbier et al.):

    V = mean(v),  omega = F w - V g_old,  g = g_out(omega, y, V),  A = -(1/d) sum(d g/d omega),
    b = F'g + A w,  (w, v) = posterior mean and variance of W given b/A = W + N(0, 1/A),

from the start ``(w, v)`` = posterior mean and variance of ``w*`` given side information
``sqrt(init) w* + Z`` (``init = 0``: the prior mean and variance; ``init = inf``: ``w = w*``,
``v = 0``), ``g_old = 0``. Output functions (:data:`OUTPUTS`, one entry per channel):
``linear`` ``g_out = (y - omega)/(V + noise)``; ``sign``/``probit`` with ``s^2 = V + noise``:
``g_out = y phi(x)/(s Phi(x))``, ``x = y omega/s`` (through ``log_ndtr``),
``d g_out/d omega = -r (x + r)/s^2``, ``r = phi(x)/Phi(x)``.

Observables at iteration t, from the known ``w*``: ``overlap = <w, w*>/d``, ``cosine``,
``mse = ||w - w*||^2/d``, ``q_hat = A`` (of the previous step; ``init`` at t = 0) and
``test_error``: linear, ``||w - w*||^2/d + noise`` (the expected squared error on a fresh input);
sign/probit, the exact misclassification rate of ``sign(x'w)`` on a fresh Gaussian input,
``arccos(<w, w*>/(|w| sqrt(|w*|^2 + d noise)))/pi``. ``iteration = inf``: until the overlap
changes by less than 1e-10 (at most 500 iterations). The iteration also stops once every
coordinate is certain (mean posterior variance below 1e-12 with the noiseless sign channel:
perfect recovery), since float64 can no longer represent the channel's information there.
The twin never calls the theory: it uses only the prior's exact posterior mean.
"""

from __future__ import annotations

import numpy as np

from ..priors import from_params
from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["gamp", "OUTPUTS"]


def _gout_probit(omega, y, v, noise):
    from scipy.special import log_ndtr

    s = np.sqrt(v + noise)
    x = y * omega / s
    r = np.exp(-x ** 2 / 2 - log_ndtr(x)) / np.sqrt(2 * np.pi)
    return y * r / s, -r * (x + r) / s ** 2


def _gout_linear(omega, y, v, noise):
    return (y - omega) / (v + noise), np.full_like(omega, -1.0 / (v + noise))


def _labels_linear(z, noise, rng):
    return z + np.sqrt(noise) * rng.standard_normal(z.size)


def _labels_probit(z, noise, rng):
    return np.sign(z + (np.sqrt(noise) * rng.standard_normal(z.size) if noise > 0 else 0.0))


#: channel -> (label sampler, output function, classification?)
OUTPUTS = {
    "linear": (_labels_linear, _gout_linear, False),
    "sign": (_labels_probit, _gout_probit, True),
    "probit": (_labels_probit, _gout_probit, True),
}


def gamp(f, y, wstar, prior, channel, noise, record, init=0.0, rng=None, max_iterations=500,
         tol=1e-10):
    """Run Bayes-optimal GAMP; returns {iteration: observables} for the iterations in record."""
    n, d = f.shape
    _, gout, classify = OUTPUTS[channel]
    if init == 0:
        w, v = np.full(d, prior.mean), np.full(d, prior.second_moment - prior.mean ** 2)
    elif np.isinf(init):
        w, v = wstar.copy(), np.zeros(d)
    else:
        w, v = prior.posterior(np.sqrt(init) * wstar + rng.standard_normal(d), init)
    g_old = np.zeros(n)
    a_prev = float(init)
    wanted = set(record)
    finite = [t for t in record if np.isfinite(t)]
    last = int(max(finite)) if finite else -1
    to_convergence = any(np.isinf(t) for t in record)
    norm_star = np.linalg.norm(wstar)
    out, prev, t = {}, np.inf, 0
    while True:
        overlap = w @ wstar / d
        err = (w - wstar) @ (w - wstar) / d
        nw = np.linalg.norm(w)
        cos = overlap * d / (nw * norm_star) if nw > 0 else 0.0
        if classify:
            c = overlap * d / (nw * np.sqrt(norm_star ** 2 + d * noise)) if nw > 0 else 0.0
            test = np.arccos(np.clip(c, -1, 1)) / np.pi
        else:
            test = err + noise
        stats = {"overlap": overlap, "cosine": cos, "mse": err, "q_hat": a_prev, "test_error": test}
        if t in wanted:
            out[t] = stats
        vv = float(v.mean())
        # Saturated (noiseless sign channel): every coordinate is certain. With V -> 0 the
        # channel's information is no longer representable in float64, so the estimate is final.
        frozen = vv < 1e-12 and channel == "sign"
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
        g, dg = gout(omega, y, vv, noise)
        a = -dg.sum() / d
        b = f.T @ g + a * w
        w, v = prior.posterior(b / np.sqrt(a), a)
        g_old, a_prev = g, a
        t += 1
    return out


def _trial(params, sizes, rng):
    d = sizes["d"]
    n = int(round(params.alpha * d))
    if n < 1:
        raise ParameterError(f"glm-bayes: alpha*d = {params.alpha * d:g} gives no samples")
    prior = from_params(params)
    wstar = prior.sample(rng, d)
    f = rng.standard_normal((n, d)) / np.sqrt(d)
    labels, _, _ = OUTPUTS[params.channel]
    y = labels(f @ wstar, params.noise, rng)
    its = np.atleast_1d(np.asarray(params.iteration, dtype=float))
    record = sorted(set(its.tolist()), key=lambda t: (np.isinf(t), t))
    recs = gamp(f, y, wstar, prior, params.channel, params.noise, record, init=params.init, rng=rng)
    return {k: np.array([recs[t][k] for t in its])
            for k in ("overlap", "cosine", "mse", "q_hat", "test_error")}


register_simulator(Simulator(
    model="glm-bayes", variant="default", trial=_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 3 * p.alpha * s["d"] ** 2,
    observables=('overlap', 'cosine', 'mse', 'q_hat', 'test_error'),
    sizes={"d": "input dimension; n = round(alpha d) samples"}, vectorized=("iteration",),
    effective=lambda p, s: {"alpha": int(round(p.alpha * s["d"])) / s["d"]},
    description="Bayes-optimal GAMP (scalar variances) on Gaussian inputs, any separable prior",
    example={"d": 300, "alpha": 2.0, "prior": "gaussian", "iteration": 3},
))

"""Timing of state-evolution curves (AMP family) against a straightforward baseline, same process.

Ours: ``asymptotics.curve`` on 50 points (one batched Newton solve with the generated Jacobian;
closed-form soft-threshold moments, quadrature fused into one vectorized pass). "cold" includes
building the sympy system and generating its code (once per process); "warm" is a repeat.

Baseline ("peer"): what one writes without the package — per point, the state evolution iterated
to a fixed point (tolerance 1e-10) with every Gaussian expectation by ``scipy.integrate.quad`` and,
for the LASSO at a given penalty, the calibration solved by ``brentq`` over alpha around that
inner loop. It is timed on a few points and reported per point and extrapolated to 50. Both sides
are checked to agree (max relative difference printed).

Run: ``PYTHONPATH=. python benchmarks/bench_amp.py``
"""

from __future__ import annotations

import time

import numpy as np
from scipy import integrate, optimize, stats

import asymptotics as asy


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


# -- baselines ------------------------------------------------------------------------------------
def _soft(y, th):
    return np.sign(y) * np.maximum(np.abs(y) - th, 0.0)


def peer_lasso_tau2(alpha, delta, eps, noise):
    """Three-point prior: SE fixed point by iteration, expectations by quad."""
    def mse_at(x, tau):
        f = lambda z: (_soft(x + tau * z, alpha * tau) - x) ** 2 * stats.norm.pdf(z)
        return integrate.quad(f, -12, 12, limit=200, points=[(alpha * tau - x) / tau,
                                                             (-alpha * tau - x) / tau])[0]
    tau2 = noise + eps / delta
    for _ in range(10_000):
        tau = np.sqrt(tau2)
        new = noise + ((1 - eps) * mse_at(0.0, tau) + eps * mse_at(1.0, tau)) / delta
        if abs(new - tau2) < 1e-10 * tau2:
            return new
        tau2 = new
    return tau2


def peer_lasso_at_lam(lam, delta, eps, noise):
    def calib(alpha):
        tau = np.sqrt(peer_lasso_tau2(alpha, delta, eps, noise))
        df = (1 - eps) * 2 * stats.norm.sf(alpha) + eps * (
            stats.norm.sf(alpha - 1 / tau) + stats.norm.cdf(-alpha - 1 / tau))
        return alpha * tau * (1 - df / delta) - lam
    alpha = optimize.brentq(calib, 0.6, 8.0, xtol=1e-10)
    return alpha


def peer_spiked_overlap(snr):
    """Rademacher prior: gamma <- snr E tanh(gamma + sqrt(gamma) Z) from a small start."""
    m = lambda g: integrate.quad(lambda z: np.tanh(g + np.sqrt(g) * z) * stats.norm.pdf(z),
                                 -12, 12, limit=200)[0]
    g = 1e-3
    for _ in range(100_000):
        new = snr * m(g)
        if abs(new - g) < 1e-10 * max(g, 1e-12):
            return m(new)
        g = new
    return m(g)


def peer_glm_overlap(alpha):
    """Sign perceptron, Gaussian prior: q <- m_in(alpha F_out(q)), F_out by quad."""
    def f_out(q):
        v = 1 - q
        s = np.sqrt(q / v)
        g = lambda x: np.exp(-s ** 2 * x ** 2) / stats.norm.cdf(s * x) * stats.norm.pdf(x)
        return integrate.quad(g, -12, 12, limit=400)[0] / (np.pi * v)
    q = 0.0
    for _ in range(100_000):
        qh = alpha * f_out(q)
        new = qh / (1 + qh)
        if abs(new - q) < 1e-10:
            return new
        q = new
    return q


def main():
    rows = []

    # LASSO, penalty parametrization (the calibration inside), three-point prior
    kw = {"delta": 0.5, "eps": 0.1, "noise": 0.01, "prior": "three-point"}
    lams = np.geomspace(0.02, 2.0, 50)
    df, cold = timed(lambda: asy.curve("lasso", sweep={"lam": lams}, **kw))
    _, warm = timed(lambda: asy.curve("lasso", sweep={"lam": lams}, **kw))
    pick = lams[::12][:4]
    base, tb = timed(lambda: [peer_lasso_at_lam(l, 0.5, 0.1, 0.01) for l in pick])
    err = np.max(np.abs(np.array(base) - df["alpha"].values[::12][:4]) / np.array(base))
    rows.append(("lasso lam-curve (calibrated)", cold, warm, tb / len(pick), err))

    # LASSO, alpha parametrization, Bernoulli–Gaussian (closed forms)
    alphas = np.linspace(1.0, 4.0, 50)
    kw2 = {"delta": 0.5, "eps": 0.1, "noise": 0.01, "prior": "three-point"}
    df, cold = timed(lambda: asy.curve("lasso", sweep={"alpha": alphas}, **kw2))
    _, warm = timed(lambda: asy.curve("lasso", sweep={"alpha": alphas}, **kw2))
    pick = alphas[::12][:4]
    base, tb = timed(lambda: [peer_lasso_tau2(a, 0.5, 0.1, 0.01) for a in pick])
    err = np.max(np.abs(np.array(base) - df["tau"].values[::12][:4] ** 2) / np.array(base))
    rows.append(("lasso alpha-curve", cold, warm, tb / len(pick), err))

    # spiked Wigner, Rademacher prior, AMP branch
    snr = np.linspace(1.05, 3.0, 50)
    df, cold = timed(lambda: asy.curve("spiked-wigner", sweep={"snr": snr}))
    _, warm = timed(lambda: asy.curve("spiked-wigner", sweep={"snr": snr}))
    pick = snr[::12][:4]
    base, tb = timed(lambda: [peer_spiked_overlap(s) for s in pick])
    err = np.max(np.abs(np.array(base) - df["overlap"].values[::12][:4]) / np.array(base))
    rows.append(("spiked-wigner snr-curve", cold, warm, tb / len(pick), err))

    # GLM: sign perceptron, Gaussian prior
    al = np.linspace(0.2, 5.0, 50)
    df, cold = timed(lambda: asy.curve("glm-bayes", sweep={"alpha": al}))
    _, warm = timed(lambda: asy.curve("glm-bayes", sweep={"alpha": al}))
    pick = al[::12][:4]
    base, tb = timed(lambda: [peer_glm_overlap(a) for a in pick])
    err = np.max(np.abs(np.array(base) - df["overlap"].values[::12][:4]) / np.array(base))
    rows.append(("glm-bayes alpha-curve", cold, warm, tb / len(pick), err))

    # extras without a baseline: Donoho–Tanner and basis pursuit curves, SE trajectory
    for name, fn in [
        ("donoho-tanner delta-curve", lambda: asy.curve("donoho-tanner",
                                                         sweep={"delta": np.linspace(0.02, 0.98, 50)})),
        ("basis-pursuit delta-curve", lambda: asy.curve("basis-pursuit",
                                                         sweep={"delta": np.geomspace(1e-4, 0.9, 50)})),
        ("lasso 50-iteration trajectory", lambda: asy.curve("lasso", sweep={"iteration": np.arange(50)},
                                                            delta=0.5, eps=0.1, noise=0.01, alpha=1.5)),
        ("spiked sparse 3 branches x 50", lambda: [asy.curve("spiked-wigner", sweep={"snr": snr},
                                                             prior="sparse-rademacher", eps=0.05,
                                                             branch=b)
                                                   for b in ("amp", "informative", "bayes")]),
    ]:
        _, cold = timed(fn)
        _, warm = timed(fn)
        rows.append((name, cold, warm, float("nan"), float("nan")))

    print(f"{'curve (50 points)':34s} {'cold s':>8s} {'warm s':>8s} {'peer s/pt':>10s} "
          f"{'peer x50 s':>10s} {'ratio warm':>11s} {'max rel diff':>13s}")
    for name, cold, warm, per, err in rows:
        ratio = per * 50 / warm if np.isfinite(per) else float("nan")
        print(f"{name:34s} {cold:8.3f} {warm:8.3f} {per:10.3f} {per * 50:10.1f} {ratio:11.0f} "
              f"{err:13.1e}")


if __name__ == "__main__":
    main()

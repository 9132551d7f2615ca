"""Monte Carlo twins against the plain loop a user would write, same n, d, trials, in one run.

Each row runs the package's ``simulate`` and a plain loop on the same problem sizes and number of
trials (independent draws of the same distribution), and reports the time ratio
``baseline/ours`` (>= 1: the twin is at least as fast) and the agreement of the means of the
observables both compute (relative difference; both are Monte Carlo means over different draws,
so they agree up to a few standard errors, not to round-off). Times are the best of 3
interleaved repeats (1 for the 10-ridge row):

- logistic MLE (kappa = p/n = 0.2, n = 2000, signal 1): scikit-learn
  ``LogisticRegression(C=inf, fit_intercept=False, solver="newton-cholesky")`` at its
  default tolerance, then the Hessian at the estimate for ``lambda = tr H^{-1}`` (what the twin
  reports);
- logistic ERM (alpha = n/d = 2, d = 400, lam = 0.1): ``LogisticRegression(C=1/lam,
  fit_intercept=False)`` on ``x/sqrt(d)`` (lbfgs, default tolerance);
- hinge ERM (alpha = 2, d = 400, lam = 0.1): ``LinearSVC(C=1/lam, loss='hinge',
  fit_intercept=False, dual=True)`` (liblinear, default tolerance);
- LASSO (delta = n/N = 0.5, N = 1000, lam = 0.5, 10 penalties along a path per draw):
  ``Lasso(alpha=lam/n, fit_intercept=False)`` refit per penalty (default tolerance);
- kernel ridge on the sphere (n = 1200, d = 30, ntk-relu, n_test = 1000, 2 and 10 ridges): the
  plain kernel-matrix route, ``scipy.linalg.solve(K + ridge I, [y, f, K_test'], assume_a='pos')``
  per ridge for the same observables (test and train error, bias, variance, df1); the twin shares
  one eigendecomposition of K among the ridges (target >= 3x with 10 ridges).

The twins converge to tight tolerances (Newton decrement 1e-10, dual gradient 1e-12, coordinate
descent 1e-12) whereas the baselines run at scikit-learn's defaults: the comparison favours the
baselines. Run: ``python benchmarks/bench_twins.py`` (``--quick``: fewer trials).
"""

from __future__ import annotations

import math
import os
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy import linalg, special  # noqa: E402

import asymptotics as asy  # noqa: E402
from asymptotics.kernels import kernel_function  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def sk_logistic_mle(n, kappa, trials, seed):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    p = int(round(kappa * n))
    out = []
    for _ in range(trials):
        x = rng.standard_normal((n, p))
        b = np.zeros(p)
        b[0] = 1.0
        y = (rng.random(n) < special.expit(x @ b)).astype(float)
        clf = LogisticRegression(C=np.inf, fit_intercept=False, solver="newton-cholesky")
        bh = clf.fit(x, y).coef_.ravel()
        a = bh @ b
        sigma = math.sqrt(n / p * np.sum((bh - a * b) ** 2))
        w = special.expit(x @ bh)
        lam = float(np.trace(np.linalg.inv((x * (w * (1 - w))[:, None]).T @ x)))
        out.append((a, sigma, lam))
    return np.mean(out, axis=0), ("alpha", "sigma", "lambda")


def _labels(rng, score):
    return np.where(score > 0, 1.0, -1.0)


def sk_erm(loss, d, alpha, lam, trials, seed):
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(seed)
    n = int(round(alpha * d))
    out = []
    for _ in range(trials):
        x = rng.standard_normal((n, d))
        a = x / math.sqrt(d)
        y = _labels(rng, x[:, 0])
        if loss == "logistic":
            clf = LogisticRegression(C=1 / lam, fit_intercept=False)
        else:
            clf = LinearSVC(C=1 / lam, loss="hinge", fit_intercept=False, dual=True)
        w = clf.fit(a, y).coef_.ravel()
        m = w[0] * math.sqrt(d) / d
        q = w @ w / d
        out.append((m, q, m / math.sqrt(q)))
    return np.mean(out, axis=0), ("m", "q", "cosine")


def sk_lasso(big_n, delta, lams, trials, seed):
    from sklearn.linear_model import Lasso

    rng = np.random.default_rng(seed)
    n = int(round(delta * big_n))
    out = []
    for _ in range(trials):
        a = rng.standard_normal((n, big_n)) / math.sqrt(n)
        x0 = rng.standard_normal(big_n) * (rng.random(big_n) < 0.1)
        y = a @ x0 + math.sqrt(0.04) * rng.standard_normal(n)
        row = []
        for lam in lams:
            xh = Lasso(alpha=lam / n, fit_intercept=False).fit(a, y).coef_
            row.append(np.sum((xh - x0) ** 2) / big_n)
        out.append(row)
    return np.mean(out, axis=0), ("mse",)


def plain_kernel_ridge(n, d, n_test, ridges, trials, seed, kernel="ntk-relu"):
    from asymptotics.simulate.random_features import sphere

    h = kernel_function(kernel)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(trials):
        u = sphere(rng, 1, d)[0] / math.sqrt(d)
        x, xt = sphere(rng, n, d), sphere(rng, n_test, d)
        f, ft = x @ u, xt @ u  # a degree-1 target of unit power
        y = f + math.sqrt(0.1) * rng.standard_normal(n)
        k, kt = h(x @ x.T / d), h(xt @ x.T / d)
        row = []
        for r in ridges:
            sol = linalg.solve(k + r * np.eye(n), np.column_stack([y, f, kt.T]), assume_a="pos")
            pred, predf = kt @ sol[:, 0], kt @ sol[:, 1]
            excess = np.mean((ft - pred) ** 2)
            bias = np.mean((ft - predf) ** 2)
            variance = 0.1 * np.sum(sol[:, 2:] ** 2) / n_test
            train = np.mean((y - k @ sol[:, 0]) ** 2)
            df1 = np.trace(linalg.solve(k + r * np.eye(n), k, assume_a="pos")) / n
            row.append((excess, bias, variance, train, df1))
        out.append(row)
    return np.mean(out, axis=0), ("excess_risk", "bias", "variance", "train_error", "df1")


def main(quick=False):
    trials = 3 if quick else 10
    rows = []
    warnings.filterwarnings("ignore")

    def record(name, ours_fn, base_fn, names_ours, repeat=3):
        # interleaved repeats, best of each: a loaded shared machine inflates single timings
        t_o = t_b = np.inf
        for _ in range(repeat):
            t, sim = timed(ours_fn)
            t_o = min(t_o, t)
            t, (base, names) = timed(base_fn)
            t_b = min(t_b, t)
        mean = sim.mean
        ours = []
        for k in names:
            col = mean[names_ours.get(k, k)]
            ours.append(np.asarray(col, dtype=float).ravel())
        ours = np.concatenate(ours)
        base = np.asarray(base, dtype=float).T.ravel() if np.ndim(base) > 1 else np.asarray(base).ravel()
        diff = float(np.max(np.abs(ours - base) / np.maximum(np.abs(base), 1e-12)))
        rows.append((name, t_o, t_b, t_b / t_o, diff))
        print(f"{name:46s} {t_o:8.2f} {t_b:8.2f} {t_b / t_o:7.2f} {diff:10.2e}", flush=True)

    print(f"{'case (trials=' + str(trials) + ')':46s} {'ours s':>8s} {'base s':>8s} {'ratio':>7s} {'mean diff':>10s}")
    # warm-up (generated kernels, imports)
    asy.simulate("logistic-mle", n=100, trials=2, kappa=0.2)
    asy.simulate("erm", n=80, trials=2, alpha=2.0, lam=0.1, loss="logistic")
    asy.simulate("erm", n=80, trials=2, alpha=2.0, lam=0.1, loss="hinge")

    record("logistic MLE, kappa 0.2, n 2000",
           lambda: asy.simulate("logistic-mle", n=2000, trials=trials, seed=1, kappa=0.2, signal=1.0),
           lambda: sk_logistic_mle(2000, 0.2, trials, 2), {})
    for loss in ("logistic", "hinge"):
        record(f"{loss} ERM, alpha 2, d 400, lam 0.1",
               lambda: asy.simulate("erm", n=800, trials=trials, seed=3, alpha=2.0, lam=0.1, loss=loss,
                                    link="sign"),
               lambda: sk_erm(loss, 400, 2.0, 0.1, trials, 4), {})
    lams = np.geomspace(0.05, 2.0, 10)
    record("LASSO path (10 lam), delta 0.5, N 1000",
           lambda: asy.simulate("lasso", N=1000, trials=trials, seed=5, delta=0.5, lam=lams, eps=0.1,
                                noise=0.04),
           lambda: sk_lasso(1000, 0.5, lams, trials, 6), {})
    ridges = np.array([1e-3, 1e-1])
    record("kernel ridge sphere, n 1200, d 30, 2 ridges",
           lambda: asy.simulate("kernel-ridge", trials=max(trials // 3, 2), seed=7, n=1200, d=30,
                                ridge=ridges, noise=0.1, kernel="ntk-relu",
                                target_powers=[0.0, 1.0], n_test=1000),
           lambda: plain_kernel_ridge(1200, 30, 1000, ridges, max(trials // 3, 2), 8), {})
    ridges10 = np.geomspace(1e-3, 1.0, 10)
    record("kernel ridge sphere, 10 ridges (one eigh)",
           lambda: asy.simulate("kernel-ridge", trials=max(trials // 3, 2), seed=7, n=1200, d=30,
                                ridge=ridges10, noise=0.1, kernel="ntk-relu",
                                target_powers=[0.0, 1.0], n_test=1000),
           lambda: plain_kernel_ridge(1200, 30, 1000, ridges10, max(trials // 3, 2), 8), {},
           repeat=1)
    return rows


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)

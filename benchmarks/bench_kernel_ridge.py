"""Benchmark: a kernel-ridge learning curve, 10^5 eigenvalues x 200 sample sizes.

The batched, generated solver (``asymptotics.curve``) against a hand-written baseline that a user
would write with numpy and scipy: for each n, ``brentq`` on the scalar renormalized-ridge equation
and the risk from numpy sums. Both run here, after a warm-up; the numbers agree to 1e-9.
Run: ``PYTHONPATH=. python benchmarks/bench_kernel_ridge.py``.
"""

import time

import numpy as np
from scipy.optimize import brentq

import asymptotics as asy
from asymptotics import spectra

K = 100_000
NS = np.logspace(1, 4.5, 200)
LAM, NOISE = 1e-6, 0.1
SPEC = spectra.power_law(K, decay=1.5, source=0.5)
XI = SPEC.eigenvalues
THETA2 = XI * SPEC.target ** 2  # squared coefficients of f* in the eigenbasis


def batched():
    return asy.curve("kernel-ridge", sweep={"n": NS}, lam=LAM, noise=NOISE, spectrum=SPEC)


def baseline():
    out = []
    for n in NS:
        f = lambda k: k - LAM - k * np.sum(XI / (XI + k)) / n  # noqa: E731
        kappa = brentq(f, LAM + 1e-300, LAM + XI.sum() / n + 1e-12, xtol=1e-300, rtol=1e-15)
        df2 = np.sum(XI ** 2 / (XI + kappa) ** 2) / n
        bias = kappa ** 2 * np.sum(THETA2 / (XI + kappa) ** 2)
        out.append((bias + NOISE * df2) / (1 - df2))
    return np.array(out)


def best_of(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    batched()  # warm-up: code generation
    t_batch, frame = best_of(batched, 5)
    t_base, ref = best_of(baseline, 2)
    assert (frame.status == "converged").all()
    np.testing.assert_allclose(frame.excess_risk.to_numpy(), ref, rtol=1e-9)
    print(f"kernel-ridge learning curve: {K} eigenvalues x {NS.size} values of n (power law 1.5)")
    print(f"  batched curve():            {t_batch:7.3f} s  (best of 5)")
    print(f"  per-n brentq + numpy sums:  {t_base:7.3f} s  (best of 2)")
    print(f"  ratio baseline/batched:     {t_base / t_batch:7.1f}x")
    print(f"  Newton iterations: max {frame.iterations.max()}, mean {frame.iterations.mean():.2f}")


if __name__ == "__main__":
    main()

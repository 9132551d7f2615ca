"""Benchmark: a 1000-point random-features curve, one batched solve vs a per-point loop.

Prints wall times and their ratio, both measured in this process after a warm-up call (which
pays for code generation once). Run: ``PYTHONPATH=. python benchmarks/bench_random_features.py``.
"""

import time

import numpy as np

import asymptotics as asy

POINTS = 1000
GRID = np.logspace(-1, 1.5, POINTS)  # psi1 = N/d across the double-descent peak at psi1 = psi2
FIXED = dict(psi2=3.0, lam=1e-3, signal=1.0, noise=0.2, activation="relu")


def batched():
    return asy.curve("random-features", sweep={"psi1": GRID}, **FIXED)


def loop():
    return np.array([asy.evaluate("random-features", psi1=p, **FIXED).excess_risk for p in GRID])


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    batched()  # warm-up: code generation and compilation
    asy.evaluate("random-features", psi1=1.0, **FIXED)
    t_batch, frame = best_of(batched, 5)
    t_loop, values = best_of(loop, 1)
    assert (frame.status == "converged").all()
    np.testing.assert_allclose(frame.excess_risk.to_numpy(), values, rtol=1e-12)
    print(f"random-features curve, {POINTS} points (psi1 sweep, psi2=3, lam=1e-3, ReLU)")
    print(f"  batched curve():        {t_batch * 1e3:8.1f} ms  ({t_batch / POINTS * 1e6:.1f} us/point)")
    print(f"  per-point evaluate():   {t_loop * 1e3:8.1f} ms  ({t_loop / POINTS * 1e6:.1f} us/point)")
    print(f"  ratio loop/batched:     {t_loop / t_batch:8.1f}x")
    print(f"  Newton iterations: max {frame.iterations.max()}, mean {frame.iterations.mean():.2f}")


if __name__ == "__main__":
    main()

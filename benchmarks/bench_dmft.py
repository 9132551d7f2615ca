"""DMFT solvers: wall time against the exact spectral formula, measured in one process.

    PYTHONPATH=. python benchmarks/bench_dmft.py [--steps 1000]

Least squares (gd-least-squares setting gamma = 0.5, step = 0.2, lam = 0.005, noise = 0.25):
the Marchenko–Pastur formula evaluated on the T + 1 grid times in one vectorized call (the
baseline), the DMFT by its default causal solve (response equations in one causal pass, linear
correlation equations summed exactly) and by the textbook damped iteration on the whole history;
the maximum deviation from the formula is printed with each. Also: a logistic-regression DMFT
(sampled paths) and the Cugliandolo–Kurchan integrator for p = 3. On a shared, loaded machine set
OPENBLAS_NUM_THREADS=1: threaded BLAS on oversubscribed cores can be 10-50x slower.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import asymptotics as asy
from asymptotics.dmft import solve_glm, solve_least_squares


def timed(fn, repeat=1):
    best = np.inf
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main(steps: int):
    kw = dict(gamma=0.5, lam=0.005, noise=0.25, signal=1.0)
    step = 0.2
    times = step * np.arange(steps + 1)
    asy.evaluate("gd-least-squares", step=step, time=times[:5], **kw)  # compile once
    t_formula, formula = timed(lambda: asy.evaluate("gd-least-squares", step=step, time=times, **kw), 3)
    print(f"least squares, T = {steps} steps")
    print(f"  spectral formula (baseline)       {t_formula:8.3f} s")
    for method in ("causal", "iterate"):
        t, d = timed(lambda: solve_least_squares(step=step, steps=steps, method=method, **kw))
        dev = max(np.abs(d.excess_risk - formula.excess_risk).max(),
                  np.abs(d.train_error - formula.train_error).max())
        print(f"  DMFT {method:8s} {d.iterations:4d} sweep(s)   {t:8.3f} s   x{t / t_formula:7.1f}"
              f"   max |DMFT - formula| = {dev:.1e}   residual {d.residual:.1e}")
    from asymptotics.dmft import solve_least_squares_spectrum
    from asymptotics.spectra import power_law

    spec = power_law(300, decay=1.5, source=0.5)
    t, d = timed(lambda: solve_least_squares_spectrum(n=150, eigenvalues=spec.eigenvalues, target=spec.target,
                                                      step=0.5, steps=500, lam=0.01, noise=0.25))
    print(f"general covariance (power law, p = 300 distinct eigenvalues), T = 500 steps: {t:.2f} s, "
          f"{d.iterations} sweeps")
    t, d = timed(lambda: solve_glm(alpha=2.0, step=0.5, time=25.0, loss="logistic", paths=2048))
    print(f"logistic GLM DMFT, T = 50 steps, {d.params['paths']} paths: {t:.2f} s, {d.iterations} sweeps "
          f"({t / d.iterations:.3f} s/sweep), residual {d.residual:.1e}")
    from asymptotics.models.spherical_spin import solve

    t, d = timed(lambda: solve(3, 0.0, 25.0, 0.025))
    print(f"spherical p = 3 CK integrator, T = {d.times.size - 1} steps: {t:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    main(parser.parse_args().steps)

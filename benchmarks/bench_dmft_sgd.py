"""(S)GD DMFT on sampled paths: the causal one-pass solve against the damped iteration, one process.

    PYTHONPATH=. python benchmarks/bench_dmft_sgd.py [--paths 2048]

Setting: Gaussian-mixture classification (``dmft-gmm``: alpha = 2, Δ = 0.5, logistic loss, step
0.5) and teacher-student logistic regression (``dmft-glm``, alpha = 2), GD (b = 1) and SGD
(b = 0.3). Baseline: the damped fixed-point iteration on the whole history from zero (the
textbook DMFT scheme, ``method="iterate"``, tolerance 1e-8), run in the same process. The causal
solve runs one forward pass in time on the same paths (the exact fixed point) plus one sweep of
the whole-history map to measure the residual. Printed: wall times, the ratio, sweeps, and the
largest difference between the two solutions' test error and training loss. Then the causal
solve alone for longer horizons. On a shared machine set OPENBLAS_NUM_THREADS=1.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from asymptotics.dmft.glm import solve_gd, solve_mixture
from asymptotics.models.dmft_glm import spec


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main(paths: int):
    logistic = spec("logistic", "sign")
    solve_mixture(logistic, alpha=2.0, noise=0.5, step=0.5, steps=4, paths=256)  # compile the kernels
    cases = [("dmft-gmm", solve_mixture, dict(alpha=2.0, noise=0.5, step=0.5)),
             ("dmft-glm", solve_gd, dict(alpha=2.0, step=0.5, noise=0.1))]
    print(f"causal solve vs damped iteration (baseline), {paths} paths")
    for name, fn, kw in cases:
        for batch in (1.0, 0.3):
            for steps in (25, 50):
                t_it, it = timed(lambda: fn(logistic, steps=steps, batch=batch, paths=paths, method="iterate",
                                            max_sweeps=1000, **kw))
                t_ca, ca = timed(lambda: fn(logistic, steps=steps, batch=batch, paths=paths, **kw))
                dev = max(np.abs(it.test_error - ca.test_error).max(), np.abs(it.train_loss - ca.train_loss).max())
                print(f"  {name} b = {batch:3.1f} T = {steps:3d}: iterate {t_it:7.2f} s ({it.iterations:3d} sweeps, "
                      f"{it.message.split(',')[0]})   causal {t_ca:6.2f} s (residual {ca.residual:.0e})   "
                      f"x{t_it / t_ca:5.1f}   max |diff| = {dev:.1e}")
    print("causal solve, longer horizons (dmft-gmm, b = 0.3)")
    for steps in (100, 200):
        t, r = timed(lambda: solve_mixture(logistic, alpha=2.0, noise=0.5, step=0.5, steps=steps, batch=0.3,
                                           paths=paths))
        print(f"  T = {steps:3d}: {t:6.2f} s, residual {r.residual:.0e}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=2048)
    main(parser.parse_args().paths)

"""Monte Carlo sweep throughput with 1 vs 2 local worker processes (same grid, same numbers).

Run: ``python benchmarks/bench_sweep.py``. Prints points per second for each and their ratio
(ideal 2x on two free cores; process start-up and the parent's bookkeeping take the rest), and
checks that both give identical numbers.
"""

from __future__ import annotations

import os
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from asymptotics.sweep import sweep  # noqa: E402


def main():
    grid = {"gamma": np.geomspace(0.3, 5, 12), "lam": [0.0, 0.01, 0.1]}
    kwargs = dict(kind="simulate", n=300, trials=10, seed=0, noise=0.5)
    timings, frames = {}, {}
    for workers in (1, 2):
        t = time.perf_counter()
        frames[workers] = sweep("ridge", grid, workers=workers, **kwargs)
        timings[workers] = time.perf_counter() - t
    points = len(frames[1])
    for w, t in timings.items():
        print(f"{w} worker(s): {points} points x {kwargs['trials']} trials in {t:.2f} s "
              f"({points / t:.1f} points/s)")
    print(f"speed-up with 2 workers: {timings[1] / timings[2]:.2f}x")
    pd.testing.assert_frame_equal(frames[1], frames[2], check_exact=True)
    print("identical results: yes")


if __name__ == "__main__":
    sys.exit(main())

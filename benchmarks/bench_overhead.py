"""Fixed overhead of single-point theory and of closed-form curves, measured in this process.

(a) Square-loss ``erm`` one point at a time (50 calls along alpha): the closed form (the default)
    against the generic Newton solve of the same equations (``method='newton'``, the path every
    call took before) and against the arithmetic floor, the closed-form unknowns (V, m, q) in
    plain Python floats per point. Values equal to 1e-12.
(b) A 150-point closed-form curve of ``ridge`` (isotropic): ``curve`` (tidy DataFrame) against
    one vectorized ``evaluate`` of the same grid and against a bare vectorized numpy evaluation
    of the same formulas (kappa, df1, df2, bias, variance, test and train error). Target: curve
    within 2x of the vectorized evaluate; the ratio to bare numpy is reported.

Times are the best of several repeats (a loaded shared machine inflates the median).
Run: ``python benchmarks/bench_overhead.py``.
"""

from __future__ import annotations

import math
import os
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import asymptotics as asy  # noqa: E402


def best(fn, repeat=7):
    ts, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return min(ts), out


def erm_square_floor(alphas, lam, kappa, signal):
    """V, m, q of square-loss ERM in closed form, one point at a time (plain floats)."""
    out = []
    for a in alphas:
        b = lam + a - 1
        v = 2 / (b + math.sqrt(b * b + 4 * lam))
        m = a * kappa * v / (1 + v)
        q = v * v * (a * a * kappa * kappa / signal + a - 2 * a * m * kappa / signal) / ((1 + v) ** 2 - a * v * v)
        out.append((v, m, q))
    return np.array(out)


def ridge_bare(gamma, lam, signal=1.0, noise=1.0):
    b = 1 - gamma - lam
    root = np.sqrt(b * b + 4 * lam)
    kappa = np.where(b > 0, 2 * lam / (b + root), (root - b) / 2)
    df1 = gamma / (1 + kappa)
    df2 = gamma / (1 + kappa) ** 2
    gap1 = (1 - gamma + kappa) / (1 + kappa)
    gap2 = (1 - gamma + kappa * (2 + kappa)) / (1 + kappa) ** 2
    bias = signal * kappa ** 2 / (1 + kappa) ** 2 / gap2
    variance = noise * df2 / gap2
    test = bias + variance + noise
    return {"kappa": kappa, "df1": df1, "df2": df2, "bias": bias, "variance": variance,
            "test_error": test, "train_error": gap1 ** 2 * test}


def main():
    rows = []
    # (a) square-loss erm, 50 single calls
    alphas = np.linspace(0.5, 3.0, 50)
    lam = 0.1
    kw = dict(lam=lam, loss="square", link="sign", signal=1.0)
    asy.evaluate("erm", alpha=1.0, **kw)
    asy.evaluate("erm", alpha=1.0, method="newton", **kw)
    t_cf, cf = best(lambda: [asy.evaluate("erm", alpha=a, **kw) for a in alphas])
    t_nt, nt = best(lambda: [asy.evaluate("erm", alpha=a, method="newton", **kw) for a in alphas], 3)
    kappa = math.sqrt(2 / math.pi)
    t_fl, fl = best(lambda: erm_square_floor(alphas, lam, kappa, 1.0))
    diff = max(max(abs(r.V / s.V - 1), abs(r.q / s.q - 1), abs(r.cosine - s.cosine)) for r, s in zip(cf, nt))
    fdiff = max(abs(r.V / f[0] - 1) + abs(r.q / f[2] - 1) for r, f in zip(cf, fl))
    rows.append(("erm square, 50 single calls: closed form", t_cf, t_nt, t_nt / t_cf, diff))
    rows.append(("  vs the closed-form unknowns in plain floats", t_cf, t_fl, t_fl / t_cf, fdiff))
    # (b) 150-point ridge curve
    g = np.linspace(0.1, 3.0, 150)
    asy.curve("ridge", sweep={"gamma": g}, lam=0.1)
    t_curve, frame = best(lambda: asy.curve("ridge", sweep={"gamma": g}, lam=0.1), 30)
    t_eval, res = best(lambda: asy.evaluate("ridge", gamma=g, lam=0.1), 30)
    t_bare, bare = best(lambda: ridge_bare(g, 0.1), 30)
    d = max(float(np.max(np.abs(frame[k].to_numpy() / bare[k] - 1))) for k in ("kappa", "test_error", "train_error"))
    rows.append(("ridge 150-point curve vs vectorized evaluate", t_curve, t_eval, t_curve / t_eval, d))
    rows.append(("ridge 150-point curve vs bare numpy formulas", t_curve, t_bare, t_curve / t_bare, d))
    print(f"{'case':50s} {'ours ms':>9s} {'base ms':>9s} {'ratio':>8s} {'max rel diff':>13s}")
    for name, a, b, r, dd in rows:
        print(f"{name:50s} {a * 1e3:9.3f} {b * 1e3:9.3f} {r:8.2f} {dd:13.1e}")
    print("(first two rows: ratio = baseline/ours; last two: ratio = ours/baseline)")


if __name__ == "__main__":
    main()

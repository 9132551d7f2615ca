"""Ridge benchmarks, all measured in this process (ratios are what count; absolute times vary).

(a) 1000-point penalty curve of the general-Σ ridge, two-level spectrum given as 1000 eigenvalues,
    against a per-point ``scipy.optimize.fsolve`` loop on the same equations (target >= 50x, values
    equal to 1e-8);
(b) the same curve with 10^4 distinct power-law eigenvalues: against the fsolve loop (target >= 3x)
    and against the arithmetic floor, one vectorized pass of the observables' spectral sums over the
    whole grid at the solved κ (target within 10x);
(c) Monte Carlo: 50 penalties per draw from one SVD against scikit-learn's ``Ridge`` refit per
    penalty (target >= 10x), same coefficients to 1e-8.

Run: ``python benchmarks/bench_ridge.py`` (add ``--quick`` for a smaller run).
"""

from __future__ import annotations

import os
import sys
import time

# One BLAS thread for both sides: on a loaded 2-core machine, threaded BLAS made the SVD and
# scikit-learn's solves erratic by 10-100x (measured), which says nothing about either method.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
from scipy import optimize  # noqa: E402

import asymptotics as asy  # noqa: E402
from asymptotics import spectra  # noqa: E402
from asymptotics.simulate.ridge import RidgePath  # noqa: E402


def best_of(fn, repeat=3):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def fsolve_loop(s, w, n, lams, noise):
    """The baseline a user would write: per point, fsolve on κ - lam - κ df1(κ)/n = 0 with its
    derivative, then the observables' sums."""
    out = np.empty((len(lams), 2))
    k = float(lams[0] + s.sum() / n)
    for i, lam in enumerate(lams):
        # (fsolve warns on its own tolerance at a few points; the values are checked below)
        f = lambda k: [k[0] - lam - k[0] * np.sum(s / (s + k[0])) / n]
        fp = lambda k: [[1 - np.sum(s / (s + k[0])) / n + k[0] * np.sum(s / (s + k[0]) ** 2) / n]]
        k = optimize.fsolve(f, [lam + s.sum() / n], fprime=fp, xtol=1e-13)[0]
        df2 = np.sum(s ** 2 / (s + k) ** 2) / n
        bias = k ** 2 * np.sum(w ** 2 * s / (s + k) ** 2) / (1 - df2)
        out[i] = k, bias + noise * df2 / (1 - df2) + noise
    return out


def curve_case(name, spec, n, lams, noise, repeat):
    asy.evaluate("ridge", n=n, lam=lams[:2], noise=noise, spectrum=spec)  # compile once
    t_ours, r = best_of(lambda: asy.evaluate("ridge", n=n, lam=lams, noise=noise, spectrum=spec), repeat)
    t_base, base = best_of(lambda: fsolve_loop(spec.eigenvalues, spec.target, n, lams, noise), repeat)
    diff = np.max(np.abs(r.test_error - base[:, 1]) / base[:, 1])
    s, w, k = spec.eigenvalues, spec.target, np.asarray(r.kappa)[:, None]

    def floor():
        d = 1.0 / (s + k)
        a = s * d
        return a.sum(1), (a * a).sum(1), ((w * w * s) * d * d).sum(1)

    t_floor, _ = best_of(floor, repeat)
    print(f"({name}) {len(lams)}-point curve, p = {s.size}: ours {t_ours * 1e3:.1f} ms, fsolve loop "
          f"{t_base * 1e3:.0f} ms -> {t_base / t_ours:.0f}x faster; max rel. difference {diff:.1e}; "
          f"floor {t_floor * 1e3:.1f} ms -> ours = {t_ours / t_floor:.1f}x floor")
    return t_base / t_ours, diff, t_ours / t_floor


def monte_carlo_case(n, p, n_lams, repeat):
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, p))
    y = x @ (rng.standard_normal(p) / np.sqrt(p)) + 0.5 * rng.standard_normal(n)
    lams = np.geomspace(1e-3, 10, n_lams)
    t_ours, coef = best_of(lambda: RidgePath.fit(x, y).coefficients(lams), repeat)

    def sk():
        # sklearn's Ridge minimises ||y - Xb||² + alpha ||b||²: alpha = n lam for our per-sample lam
        return np.stack([Ridge(alpha=n * lam, fit_intercept=False).fit(x, y).coef_ for lam in lams], axis=1)

    t_sk, coef_sk = best_of(sk, 1)  # one run: ~10 s, and its spread is small at that length
    diff = np.max(np.abs(coef - coef_sk)) / np.max(np.abs(coef_sk))
    print(f"(c) {n_lams} penalties, n = {n}, p = {p}: one SVD {t_ours * 1e3:.0f} ms, sklearn Ridge refits "
          f"{t_sk * 1e3:.0f} ms -> {t_sk / t_ours:.0f}x faster; max rel. difference {diff:.1e}")
    return t_sk / t_ours, diff


def main(quick: bool = False):
    import warnings

    warnings.simplefilter("ignore", RuntimeWarning)  # fsolve's "not making good progress" notes
    lams = np.geomspace(1e-5, 10, 1000)
    repeat = 2 if quick else 3
    ra, da, _ = curve_case("a", spectra.two_level(1000, fraction=0.1, high=10.0, low=1.0), 400, lams, 0.25, repeat)
    rb, db, fb = curve_case("b", spectra.power_law(10_000, decay=1.5, source=0.5), 400, lams, 0.25, repeat)
    rc, dc = monte_carlo_case(400, 800, 50, repeat)
    ok = ra >= 50 and da < 1e-8 and rb >= 3 and db < 1e-8 and fb <= 10 and rc >= 10 and dc < 1e-8
    print("targets met" if ok else "TARGETS MISSED")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main("--quick" in sys.argv) else 1)

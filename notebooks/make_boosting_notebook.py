"""Writes notebooks/boosting.ipynb with nbformat (run from the repository root); outputs not stored."""

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).parent
SETUP = """import os
import numpy as np
import asymptotics as asy
from asymptotics.figures import render
from asymptotics.simulate.boosting import (stagewise_path, lasso_path, stagewise_steps,
                                           stopping_level)
FAST = os.environ.get("ASYMPTOTICS_FAST") == "1\""""

cells = [
    "md:# When does l2-boosting overfit benignly? (Su, Li, Liu 2026)\n\n"
    "Continuous-time l2-boosting (infinitesimal forward stagewise, FS₀) on n samples and p "
    "features, run to interpolation. Only the paper's abstract was available: the equations of the "
    "`boosting` model are **derived here** from the LASSO / basis-pursuit state evolution (isotropic "
    "design) and its two-class weighted-l1 version (spiked design), and every one is checked "
    "against the exact boosting and LASSO paths below. Conventions: `A` has iid N(0, Σ/n) rows "
    "scaled so that columns have unit norm on the tail; the path is indexed by its level "
    "`lam = ||A'r||_∞` (from `||A'y||_∞` down to 0 = interpolation) and its time is the l1 arc "
    "length of the coefficient path divided by n. Set `ASYMPTOTICS_FAST=1` for a quick run.",
    SETUP,
    "md:## The exact boosting path\n\n"
    "`stagewise_path` computes FS₀ by homotopy (Efron et al. 2004, the stagewise modification of "
    "LARS): the tied coordinates move at rates solving a non-negative quadratic program. It is the "
    "small-step limit of ε-forward stagewise:",
    """rng = np.random.default_rng(0)
n, p = 20, 60
a = rng.standard_normal((n, p)) / np.sqrt(n)
y = rng.standard_normal(n)
fs, la = stagewise_path(a, y), lasso_path(a, y)
for eps in (1e-2, 1e-3):
    b, steps = stagewise_steps(a, y, eps, level=0.5)
    print(f"eps = {eps:g}: {steps} steps, max |b_eps - b_FS0| = {np.abs(b - fs.at([0.5])[0]).max():.2e}")
print("breakpoints: stagewise", fs.breakpoints, " lasso", la.breakpoints)""",
    "md:FS₀ coincides with the LASSO path while that path is monotone; on Gaussian designs it is "
    "not, and FS₀ ends at a *different* interpolant, of larger l1 norm than the minimum-l1 one "
    "(the LASSO path's end):",
    """b_fs, b_l1 = fs.at([0.0])[0], la.at([0.0])[0]
print("residual of the boosting end point:", np.linalg.norm(a @ b_fs - y))
print("l1 norms: boosting", np.abs(b_fs).sum(), " min-l1", np.abs(b_l1).sum())
print("excess variance (pure noise): boosting", b_fs @ b_fs / n, " min-l1", b_l1 @ b_l1 / n)""",
    "md:## Risk along the path: theory, the stopping rule, the oracle, the tuned LASSO\n\n"
    "Under the l1-path idealization the risk at level `lam` is the LASSO's at penalty `lam`. The "
    "early-stopping rule stops once no feature is more correlated with the residual than noise "
    "could be, `lam ≤ sqrt(2 σ² log p)`; the oracle stops at the best point of the path.",
    """kw = dict(delta=0.25, eps=0.05, noise=0.25)
p = 400
stop = stopping_level(kw["noise"], p)
r = asy.evaluate("boosting", lam=[stop, 0.0], **kw)
print(f"rule (lam = {stop:.3f}): excess risk {r.excess_risk[0]:.4f}, time {r.time[0]:.4f}")
print(f"oracle (lam = {r.oracle_lam[0]:.3f}): excess risk {r.oracle_excess_risk[0]:.4f} "
      f"(= tuned LASSO {r.tuned_lasso_excess_risk[0]:.4f})")
print(f"interpolation: excess risk {r.excess_risk[1]:.4f}")""",
    "md:Theory against the twin, which runs both exact paths on each draw. At `lam = 0` the "
    "boosting `excess_risk` is FS₀'s end point (not the min-l1 interpolant: a few standard errors "
    "below), while `lasso_excess_risk` is the LASSO path's (exact):",
    """f = asy.check("boosting", n=40 if FAST else 200, trials=3 if FAST else 12, seed=1,
              lam=[0.0, 1.0, float(stop)], **kw)
f[f.observable.isin(["excess_risk", "lasso_excess_risk", "oracle_excess_risk",
                     "tuned_lasso_excess_risk", "time"])][["lam", "observable", "theory",
                                                           "simulation", "stderr", "z"]]""",
    "md:## Interpolating pure noise: the Θ(σ²/log(p/n)) rate\n\n"
    "`rate = excess_variance · log(p/n)/σ²` tends to 1 (slowly: `rate − 1 ≈ (log(π L) − 3)/(2L)`, "
    "`L = log(p/n)`); the min-l2 interpolant's variance is `σ² n/(p − n)`.",
    """d = np.array([1e-2, 1e-4, 1e-8, 1e-16, 1e-64])
r = asy.evaluate("boosting", delta=d, noise=1.0)
L = np.log(1 / d)
for row in zip(1 / d, r.excess_variance, r.min_l2_excess_variance, r.rate,
               1 + (np.log(np.pi * L) - 3) / (2 * L)):
    print("p/n = %-8.3g  min-l1 %.4g  min-l2 %.4g  rate %.5f  (1 + correction %.5f)" % row)""",
    "md:## Spiked-isotropic design: k* head eigenvalues, tail of effective rank r₂\n\n"
    "In `u = Σ^{1/2} x` coordinates the raw l1 penalty weights the head by `1/sqrt(spike)`. With a "
    "large spike the head is fitted almost freely (variance ≈ σ² k*/(n − k*)) and the tail carries "
    "the `σ²/log(r₂/n)` part:",
    """tails = np.array([4.0, 1e2, 1e4, 1e8])
r = asy.evaluate("boosting", head=0.05, tail=tails, spike=1e6, noise=1.0)
for row in zip(tails, r.excess_variance, r.head_variance, r.tail_variance, r.tail_rate,
               r.min_l2_excess_variance):
    print("r2/n = %-7.3g total %.4f  head %.4f  tail %.4f  tail rate %.4f  min-l2 %.2e" % row)
asy.check("boosting", n=30 if FAST else 120, trials=3 if FAST else 10, seed=2, head=0.1,
          tail=4.0, spike=20.0, noise=1.0)[["observable", "theory", "simulation", "z"]].head(12)""",
    "fig, data = render('boosting', fast=FAST)\ndisplay(fig)",
]

nb = nbf.v4.new_notebook()
nb.cells = [nbf.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbf.v4.new_code_cell(c)
            for c in cells]
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbf.write(nb, HERE / "boosting.ipynb")

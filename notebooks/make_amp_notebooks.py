"""Writes the AMP notebooks with nbformat (run from the repository root); outputs not stored."""

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).parent
SETUP = """import os
import numpy as np
import asymptotics as asy
from asymptotics.figures import render
FAST = os.environ.get("ASYMPTOTICS_FAST") == "1\""""


def notebook(cells):
    nb = nbf.v4.new_notebook()
    nb.cells = [nbf.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbf.v4.new_code_cell(c)
                for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


lasso = [
    "md:# AMP and state evolution\n\n## Part 1: LASSO, AMP and the Donoho–Tanner curve\n\n"
    "State evolution of AMP for `y = A x0 + w` (A iid N(0, 1/n), δ = n/N), its calibration to the "
    "LASSO penalty, AMP run on drawn instances, and the l1 phase transition. The full-resolution "
    "run is long (about an hour on one core, the spiked-Wigner branches alone ~10 min; long cells "
    "show a progress bar): set `ASYMPTOTICS_FAST=1` before starting Jupyter for a run in seconds.",
    SETUP,
    "md:## The calibration map, both ways\nα (threshold multiplier) → λ (penalty) and back.",
    """fwd = asy.evaluate("lasso", delta=0.5, eps=0.1, noise=0.04, alpha=[1.2, 1.5, 2.0, 3.0])
back = asy.evaluate("lasso", delta=0.5, eps=0.1, noise=0.04, lam=fwd.lam)
print("lam(alpha):", np.round(fwd.lam, 6))
print("alpha(lam):", np.round(back.alpha, 10))""",
    "md:## State evolution along iterations vs AMP on instances (`check` along iterations)",
    """frame = asy.check("lasso", N=300 if FAST else 4000, trials=3 if FAST else 20, seed=1,
                  delta=0.5, eps=0.1, noise=0.04, alpha=1.5, iteration=[0, 1, 2, 4, 8, np.inf])
frame[frame.observable.isin(["mse", "tau"])][["iteration", "observable", "theory", "simulation", "stderr", "z"]]""",
    "fig, data = render('amp-trajectory', fast=FAST)\ndisplay(fig)",
    "md:## LASSO risk vs penalty, with LASSO solutions by coordinate descent",
    "fig, data = render('lasso-risk', fast=FAST)\ndisplay(fig)",
    "md:## A prior given by samples or a density",
    """from asymptotics.priors import Prior
rng = np.random.default_rng(0)
samples = rng.laplace(size=20000) * (rng.random(20000) < 0.1)
print(asy.evaluate("lasso", delta=0.5, noise=0.01, lam=0.2, prior=Prior.samples(samples)).mse)
print(asy.evaluate("lasso", delta=0.5, noise=0.01, lam=0.2,
                   prior=Prior.density("exp(-abs(x))/2", eps=0.1)).mse)""",
    "md:## Donoho–Tanner phase transition (state evolution vs linear programming)",
    "fig, data = render('donoho-tanner', fast=FAST)\ndisplay(fig)",
]

spiked = [
    "md:## Part 2: Spiked Wigner, GLMs and min-l1 interpolation\n\n"
    "Bayes-optimal AMP for `Y = sqrt(snr/n) x x' + W`: all branches of the state evolution, the "
    "spinodal / information-theoretic / algorithmic thresholds; GAMP for the teacher–student "
    "perceptron; and the excess variance of the minimum-l1-norm interpolator.",
    """for eps in [0.02, 0.05, 0.2]:
    r = asy.evaluate("spiked-wigner", snr=1.0, prior="sparse-rademacher", eps=eps)
    print(f"eps={eps}: spinodal {r.spinodal:.4f}  IT {r.it_threshold:.4f}  algorithmic {r.algorithmic_threshold:.4f}")""",
    "fig, data = render('spiked-wigner-branches', fast=FAST)\ndisplay(fig)",
    "md:## AMP trajectories against the state evolution",
    """asy.check("spiked-wigner", n=200 if FAST else 2000, trials=2 if FAST else 10, seed=2, snr=2.0,
          init=0.1, iteration=[0, 2, 4, 8]).query("observable == 'overlap'")""",
    "md:## Teacher–student perceptron (GAMP)",
    """r = asy.evaluate("glm-bayes", alpha=1.0, prior="rademacher")
print("binary weights: alpha_IT =", round(r.perfect_recovery_threshold, 4),
      " alpha_alg =", round(r.algorithmic_threshold, 4))
asy.curve("glm-bayes", sweep={"alpha": np.linspace(0.25, 3, 12)})[["alpha", "overlap", "test_error"]]""",
    "md:## Minimum-l1 interpolation of pure noise: variance ~ σ²/log(p/n)",
    "fig, data = render('basis-pursuit-variance', fast=FAST)\ndisplay(fig)",
]

# one notebook (one kernel start in the test suite)
nbf.write(notebook(lasso + spiked), HERE / "amp_state_evolution.ipynb")

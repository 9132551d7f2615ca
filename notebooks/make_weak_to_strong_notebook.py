"""Writes notebooks/weak_to_strong_and_nuclear.ipynb with nbformat (outputs not stored).

Run from the repository root: ``python notebooks/make_weak_to_strong_notebook.py``.
"""

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).parent
SETUP = """import os
import time
import numpy as np
import pandas as pd
import asymptotics as asy
from asymptotics.figures import render
FAST = os.environ.get("ASYMPTOTICS_FAST") == "1\""""


def notebook(cells):
    nb = nbf.v4.new_notebook()
    nb.cells = [nbf.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbf.v4.new_code_cell(c)
                for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


cells = [
    "md:# Weak-to-strong ridge regression and the nuclear route of quadratic networks\n\n"
    "Two seed results whose papers were available here only as abstracts (Moniri & Hassani 2025, "
    "arXiv:2505.18346; Erba, Troiani, Zdeborová & Krzakala 2025, arXiv:2505.17958). Every equation in "
    "the models `weak-to-strong`, `nuclear-route` and `nuclear-recovery` is derived in this package and "
    "checked against the real procedures below. Set `ASYMPTOTICS_FAST=1` for a quick run.",
    SETUP,
    "md:## Part 1: a ridge teacher labels fresh data for a ridge student\n\n"
    "The teacher is ridge on `n_t` noisy samples; the student is ridge on `n_s` fresh inputs labelled by "
    "the teacher. `gain = teacher_error - student_error > 0` is weak-to-strong generalization.",
    "print(asy.models.get('weak-to-strong').describe()[:2400])",
    """r = asy.evaluate("weak-to-strong", gamma_teacher=2.0, gamma_student=0.5, lam_teacher=1e-3,
                 lam_student=[0.0, 0.01, 0.3, 3.0], signal=1.0, noise=0.5)
pd.DataFrame({k: r[k] for k in ["kappa_student", "teacher_error", "student_error", "gain", "disagreement"]},
             index=r.params["lam_student"])""",
    "md:### Who can be beaten? The best student against each teacher penalty\n\n"
    "With isotropic data the ridge at `lam* = noise·gamma/signal` is the Bayes posterior mean: no "
    "student beats it, and only under-regularized teachers are beaten.",
    """lam_opt = 0.5 * 2.0 / 1.0
lam_t = np.geomspace(1e-3, 10, 9)
grid = asy.evaluate("weak-to-strong", gamma_teacher=2.0, gamma_student=0.25, lam_teacher=lam_t[:, None],
                    lam_student=np.geomspace(1e-4, 1e2, 80), signal=1.0, noise=0.5)
pd.DataFrame({"lam_teacher / lam*": lam_t / lam_opt, "teacher_error": grid.teacher_error[:, 0],
              "best gain": grid.gain.max(axis=1)})""",
    "md:### Theory against real ridge fits (`check`)",
    """frame = asy.check("weak-to-strong", p=100 if FAST else 300, trials=4 if FAST else 20, seed=0,
                  gamma_teacher=2.0, gamma_student=0.5, lam_teacher=1e-3, lam_student=np.array([0.0, 0.01, 0.3]),
                  signal=1.0, noise=0.5)
frame[frame.observable.isin(["student_error", "gain", "disagreement"])][
    ["lam_student", "observable", "theory", "simulation", "stderr", "z"]]""",
    "md:### The figure: the shaded weak-to-strong region, and the aligned-penalty mechanism",
    "fig, data = render('weak-to-strong', fast=FAST)\ndisplay(fig)",
    "md:## Part 2: the nuclear route\n\n"
    "A quadratic network with `m >= d` units and an l2 penalty on its weights has the same global "
    "minima as nuclear-norm (trace) penalized sensing of a PSD matrix `S = W'W`. The state evolution "
    "uses the PSD eigenvalue soft threshold, whose error and divergence come from the free "
    "convolution of the teacher's spectrum with a semicircle.",
    "print(asy.models.get('nuclear-route').describe()[:3000])",
    "md:### Gradient descent on the network finds the convex minimum",
    """from asymptotics.simulate import nuclear_route as twin
rng = np.random.default_rng(0)
d, lam = 6, 0.05
s_star, x, phi, y = twin.draw(rng, d, alpha=1.0, kappa_star=0.5, noise=0.1)
basis = twin.sym_basis(d)
theta, _ = twin.solve_psd(phi.T @ phi / d, phi.T @ y / d, lam, d, basis)
s_hat = twin._unvec(theta, d, basis)
w, losses = twin.train_network(x, y, lam, width=d + 2, steps=4000 if FAST else 20000)
print("convex objective", 0.5 * np.sum((y - phi @ theta) ** 2) / d + lam * np.trace(s_hat))
print("network loss    ", losses[-1], "  ||W'W - S||/||S|| =", np.linalg.norm(w.T @ w - s_hat) / np.linalg.norm(s_hat))
print("eigenvalues of S:", np.round(np.linalg.eigvalsh(s_hat), 4))""",
    "md:### Thresholds: interpolation (noisy, lam -> 0+) and strong recovery (noiseless)",
    """ks = np.array([0.1, 0.25, 0.5, 0.75, 1.0])
rec = asy.evaluate("nuclear-recovery", kappa_star=ks)
interp = asy.evaluate("nuclear-route", alpha=1.0, lam=0.0, noise=0.1, kappa_star=ks, nodes=600 if FAST else 2000)
pd.DataFrame({"kappa_star": ks, "parameter count": rec.parameter_count, "recovery": rec.recovery_threshold,
              "interpolation (noise 0.1)": interp.interpolation_threshold,
              "noise -> 0+ limit": rec.zero_threshold_bound})""",
    "md:### Universality at finite size: Gaussian sensing vs the network's quadratic features\n\n"
    "The theory assumes Gaussian measurements; the network's `(x x' - I)/sqrt d` have the same "
    "covariance but skewed quadratic forms, which at d ~ 30 raise the error by 10-20%.",
    """point = dict(alpha=0.6, kappa_star=0.5, noise=0.1)
th = asy.evaluate("nuclear-route", lam=0.05, **point)
rows = []
for design in ["gaussian", "quadratic"]:
    out = twin.run_trials(20 if FAST else 40, 0.6, 0.5, 0.1, [0.05], trials=2 if FAST else 8, seed=1, design=design)
    rows.append({"design": design, "mse": out["mse"].mean(), "mse se": out["mse"].std(ddof=1) / np.sqrt(len(out["mse"])),
                 "train": out["train_error"].mean(), "rank": out["rank_fraction"].mean()})
rows.append({"design": "theory", "mse": th.mse, "train": th.train_error, "rank": th.rank_fraction})
pd.DataFrame(rows)""",
    "md:### The figure: errors against n/d² for teacher widths and penalties, and the learned spectrum",
    "fig, data = render('nuclear-route', fast=FAST)\ndisplay(fig)",
]

if __name__ == "__main__":
    nbf.write(notebook(cells), HERE / "weak_to_strong_and_nuclear.ipynb")

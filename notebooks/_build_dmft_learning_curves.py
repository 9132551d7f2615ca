"""Writes dmft_learning_curves.ipynb (run: python notebooks/_build_dmft_learning_curves.py)."""

import pathlib

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# Learning dynamics: spectral formula, DMFT and simulations\n\n"
        "Train and test error over training time for gradient descent on least squares (exact "
        "Marchenko–Pastur formula and the dynamical mean-field theory, which agree at every step), on "
        "logistic regression (DMFT with sampled paths) and the spherical p-spin test bed, each against "
        "real gradient descent at finite size. `ASYMPTOTICS_FAST=1` shrinks grids and trials."),
    nbf.v4.new_code_cell(
        "import os\n"
        "import numpy as np\n"
        "import matplotlib.pyplot as plt\n"
        "import asymptotics as asy\n"
        "from asymptotics.dmft import solve_least_squares, solve_glm\n"
        "from asymptotics.figures import render\n"
        "FAST = os.environ.get(\"ASYMPTOTICS_FAST\") == \"1\""),
    nbf.v4.new_markdown_cell(
        "## Least squares: early stopping\n\n"
        "Gradient flow from zero, `gamma = p/n`. The test error is minimal at a finite time and the "
        "long-time limit is the minimum-norm interpolator (HMRT); one vectorized call gives the whole "
        "curve."),
    nbf.v4.new_code_cell(
        "t = np.geomspace(0.01, 1e3, 200)\n"
        "fig, ax = plt.subplots(figsize=(5, 3.5))\n"
        "for gamma in (0.5, 0.9, 1.1, 2.0):\n"
        "    r = asy.evaluate(\"gd-least-squares\", gamma=gamma, time=t, noise=0.5)\n"
        "    best = np.argmin(r.test_error)\n"
        "    ax.plot(t, r.test_error, label=f\"gamma={gamma}: stop at t={t[best]:.2g}\")\n"
        "ax.set(xscale=\"log\", yscale=\"log\", xlabel=\"time\", ylabel=\"test error\"); ax.legend(fontsize=7)"),
    nbf.v4.new_code_cell("fig, data = render(\"gd-early-stopping\", fast=FAST)\ndisplay(fig)\ndata.head()"),
    nbf.v4.new_markdown_cell(
        "### The DMFT of the same dynamics\n\n"
        "`solve_least_squares` solves the discrete-time DMFT (gradient descent with step 0.2 here) and "
        "returns the order parameters as arrays: `C_theta[k, j] = <b_k, b_j>`, the responses, the "
        "memory kernels. It reproduces the spectral formula to rounding at every step."),
    nbf.v4.new_code_cell(
        "steps = 200 if FAST else 1000\n"
        "d = solve_least_squares(gamma=0.5, step=0.2, steps=steps, lam=0.005, noise=0.25)\n"
        "s = asy.evaluate(\"gd-least-squares\", gamma=0.5, step=0.2, time=d.times, lam=0.005, noise=0.25)\n"
        "print(d.message, f\"in {d.elapsed:.2f} s;\", \"max |DMFT - formula| =\",\n"
        "      np.abs(d.excess_risk - s.excess_risk).max())\n"
        "fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))\n"
        "im = axes[0].imshow(d.C_theta, origin=\"lower\", extent=[0, d.times[-1]] * 2); axes[0].set_title(\"C(t, t')\")\n"
        "plt.colorbar(im, ax=axes[0])\n"
        "for k in (10, 50, steps // 2):\n"
        "    axes[1].plot(d.times[k:] - d.times[k], d.R_ell[k:, k], label=f\"t' = {d.times[k]:g}\")\n"
        "axes[1].set(xscale=\"symlog\", title=\"residual response R_ell(t, t')\", xlabel=\"t - t'\"); axes[1].legend()"),
    nbf.v4.new_markdown_cell(
        "## Logistic regression (dmft-glm)\n\n"
        "Gradient descent on the summed logistic loss, labels `sign(h* + noise)`. The DMFT samples paths of "
        "the effective sample process (quasi-Monte Carlo) and solves the causal equations in one pass "
        "in time (`method=\"iterate\"` runs the damped iteration on the whole history instead); `check` "
        "compares whole trajectories with real gradient descent. Mini-batch SGD and Gaussian-mixture "
        "data: notebook `dmft_sgd`."),
    nbf.v4.new_code_cell(
        "g = solve_glm(alpha=3.0, step=0.5, time=10.0 if FAST else 50.0, noise=0.25, paths=512 if FAST else 4096)\n"
        "print(g.message, f\"({g.elapsed:.1f} s)\")\n"
        "asy.check(\"dmft-glm\", d=200 if FAST else 800, trials=3 if FAST else 10, alpha=3.0, step=0.5,\n"
        "          time=[1.0, 5.0, 10.0], noise=0.25, paths=512 if FAST else 4096).query(\"observable in ['test_error', 'train_error']\")"),
    nbf.v4.new_code_cell("fig, data = render(\"dmft-glm-logistic\", fast=FAST)\ndisplay(fig)"),
    nbf.v4.new_markdown_cell(
        "## Spherical p-spin\n\n"
        "p = 2 in closed form, p = 3 by the Cugliandolo–Kurchan equations. The 3-spin response "
        "`R(t_w + tau, t_w)` depends on the waiting time: aging."),
    nbf.v4.new_code_cell(
        "fig, data = render(\"spherical-spin-energy\", fast=FAST)\ndisplay(fig)\n"
        "from asymptotics.models.spherical_spin import solve\n"
        "r = solve(3, 0.0, 10.0 if FAST else 40.0, 0.05)\n"
        "fig, ax = plt.subplots(figsize=(5, 3.2))\n"
        "for tw in (1.0, 3.0, 8.0):\n"
        "    k = int(round(tw / 0.05))\n"
        "    ax.plot(r.times[k:] - tw, r.R[k:, k], label=f\"t_w = {tw:g}\")\n"
        "ax.set(xscale=\"log\", xlabel=\"tau\", ylabel=\"R(t_w + tau, t_w)\"); ax.legend()"),
]
nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
nbf.write(nb, pathlib.Path(__file__).with_name("dmft_learning_curves.ipynb"))

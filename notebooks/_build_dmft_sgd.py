"""Writes dmft_sgd.ipynb (run: python notebooks/_build_dmft_sgd.py)."""

import pathlib

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# Stochastic gradient descent by dynamical mean-field theory\n\n"
        "Mini-batch SGD on two-cluster Gaussian-mixture classification (the setting of Mignacco, "
        "Krzakala, Urbani, Zdeborová, NeurIPS 2020): `x = y v*/sqrt(d) + sqrt(Δ) z`, `y = ±1`, "
        "`n = alpha d`, a perceptron `h = x·θ/sqrt(d)` trained from zero on the summed loss, each "
        "sample entering the gradient of a step with probability `batch` = b. The DMFT (`dmft-gmm`) "
        "reduces the d-dimensional dynamics to one sample process and one weight process with "
        "selection variables `s(t) ~ Bernoulli(b)`, solved in one causal pass on quasi-Monte Carlo "
        "paths; the Monte Carlo twin runs real SGD. `ASYMPTOTICS_FAST=1` shrinks grids and trials."),
    nbf.v4.new_code_cell(
        "import os\n"
        "import numpy as np\n"
        "import matplotlib.pyplot as plt\n"
        "import asymptotics as asy\n"
        "from asymptotics.models.dmft_gmm import solve\n"
        "from asymptotics.figures import render\n"
        "FAST = os.environ.get(\"ASYMPTOTICS_FAST\") == \"1\"\n"
        "PATHS = 1024 if FAST else 4096"),
    nbf.v4.new_markdown_cell(
        "## GD vs SGD\n\n"
        "alpha = 2, Δ = 0.5, logistic loss, step 0.5, no ridge. Full-batch GD fits fastest and then "
        "overfits (the data are separable: ||θ|| grows and the test error rises); SGD at small batch "
        "trains more slowly at equal time and reaches a lower test error later. Lines: DMFT; dots: "
        "real SGD (±2 standard errors)."),
    nbf.v4.new_code_cell("fig, data = render(\"dmft-sgd-gmm\", fast=FAST)\ndisplay(fig)"),
    nbf.v4.new_markdown_cell(
        "## Whole trajectories against real SGD\n\n"
        "`check` runs real mini-batch SGD at finite d over seeds and compares every observable at "
        "every requested time with the theory (z-scores)."),
    nbf.v4.new_code_cell(
        "frame = asy.check(\"dmft-gmm\", d=200 if FAST else 1000, trials=4 if FAST else 10, seed=1,\n"
        "                  alpha=2.0, noise=0.5, step=0.5, time=[1.0, 5.0, 20.0], batch=0.3, paths=PATHS)\n"
        "frame.query(\"observable in ['train_loss', 'test_error', 'overlap']\")[\n"
        "    [\"time\", \"observable\", \"theory\", \"simulation\", \"stderr\", \"z\"]]"),
    nbf.v4.new_markdown_cell(
        "## Order parameters\n\n"
        "`solve` returns the two-time arrays: `C_theta[k, j] = θ_k·θ_j/d`, the response "
        "`R_theta` (strictly causal), the gradient-noise kernel `C_ell` (it carries the selection: "
        "`alpha Δ E[s_k ℓ'_k s_j ℓ'_j]`) and the memory kernel `R_ell`, plus the coherent drive "
        "`mu[k] = E[s_k y ℓ'_k]`."),
    nbf.v4.new_code_cell(
        "r = solve(alpha=2.0, noise=0.5, step=0.5, time=10.0 if FAST else 30.0, batch=0.3, paths=PATHS)\n"
        "print(r.message, f\"in {r.elapsed:.2f} s, method {r.method}\")\n"
        "fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))\n"
        "ext = [0, r.times[-1]] * 2\n"
        "for ax, name in zip(axes[:2], (\"C_theta\", \"C_ell\")):\n"
        "    im = ax.imshow(r[name], origin=\"lower\", extent=ext); ax.set_title(name); plt.colorbar(im, ax=ax)\n"
        "for k in (2, 6, 12):\n"
        "    axes[2].plot(r.times[k:] - r.times[k], r.R_theta[k:, k], label=f\"t' = {r.times[k]:g}\")\n"
        "axes[2].set(title=\"response R_theta(t, t')\", xlabel=\"t - t'\"); axes[2].legend();"),
    nbf.v4.new_markdown_cell(
        "## Persistent SGD\n\n"
        "With `persistence` = τ > 0 a sample stays in the batch for a time τ on average (a two-state "
        "Markov chain; τ = step/(1 - b) is plain SGD, τ = inf freezes the batch, which is GD on a "
        "fraction b of the data). Longer persistence makes the gradient noise more correlated in time."),
    nbf.v4.new_code_cell(
        "fig, ax = plt.subplots(figsize=(5, 3.4))\n"
        "T = 15.0 if FAST else 50.0\n"
        "for tau, color in ((0.0, \"C1\"), (2.0, \"C2\"), (10.0, \"C4\"), (np.inf, \"C7\")):\n"
        "    r = solve(alpha=2.0, noise=0.5, step=0.5, time=T, batch=0.3, persistence=tau, paths=PATHS)\n"
        "    ax.plot(r.times[1:], r.test_error[1:], color=color, label=f\"tau = {tau:g}\")\n"
        "gd = solve(alpha=2.0 * 0.3, noise=0.5, step=0.5, time=T, paths=PATHS)\n"
        "ax.plot(gd.times[1:], gd.test_error[1:], \"k:\", label=\"GD at alpha b (= tau = inf)\")\n"
        "ax.set(xscale=\"log\", xlabel=\"time\", ylabel=\"test error\", title=\"b = 0.3\"); ax.legend(fontsize=8);"),
    nbf.v4.new_markdown_cell(
        "## Square loss: the exact solution\n\n"
        "For the square loss the DMFT depends on the labels through E y² only, so it equals gradient "
        "descent on least squares with the spiked covariance Δ I + v*v*'/d, which "
        "`gd-least-squares` (variant `general`) solves by an independent route (one weight process "
        "per eigenvalue). The two agree to the O(1/p) finite-spectrum correction."),
    nbf.v4.new_code_cell(
        "from asymptotics.dmft import solve_least_squares_spectrum\n"
        "alpha, delta, eta, steps = 2.0, 0.5, 0.1, 60\n"
        "g = solve(alpha=alpha, noise=delta, step=eta, time=eta * steps, loss=\"square\")\n"
        "p = 10 ** 6\n"
        "eig = np.full(p, delta); eig[0] = delta + 1.0\n"
        "beta = np.zeros(p); beta[0] = 1.0 / (delta + 1.0)\n"
        "s = solve_least_squares_spectrum(n=alpha * p, eigenvalues=eig, target=beta, step=alpha * eta,\n"
        "                                 steps=steps, noise=delta / (delta + 1.0))\n"
        "print(\"max |2 test_loss - least-squares test MSE| =\", np.abs(2 * g.test_loss - s.test_error).max())"),
    nbf.v4.new_markdown_cell(
        "## The hinge loss\n\n"
        "The hinge's ℓ'' is a Dirac mass at the kink, which per-path tangents cannot see. The DMFT "
        "uses the mollifier ε log(1 + e^{(1 - yh)/ε}) and converges as ε -> 0 to real hinge descent "
        "(the simulator runs the exact subgradient at `smoothing=0`)."),
    nbf.v4.new_code_cell(
        "kw = dict(alpha=2.0, noise=0.5, step=0.2, loss=\"hinge\")\n"
        "T = 4.0 if FAST else 10.0\n"
        "fig, ax = plt.subplots(figsize=(5, 3.4))\n"
        "for eps in (0.4, 0.1, 0.025):\n"
        "    r = solve(smoothing=eps, time=T, paths=4096 if FAST else 16384, **kw)\n"
        "    ax.plot(r.times[1:], r.test_error[1:], label=f\"DMFT, smoothing {eps:g}\")\n"
        "sim = asy.simulate(\"dmft-gmm\", d=200 if FAST else 1000, trials=4 if FAST else 10, seed=0, smoothing=0.0,\n"
        "                   time=np.round(np.geomspace(0.2, T, 5) / 0.2) * 0.2, **kw).to_frame()\n"
        "ax.errorbar(sim.time, sim.test_error, 2 * sim.test_error_se, fmt=\"ko\", ms=3, label=\"exact hinge GD\")\n"
        "ax.set(xscale=\"log\", xlabel=\"time\", ylabel=\"test error\"); ax.legend(fontsize=8);"),
]
nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
nbf.write(nb, pathlib.Path(__file__).with_name("dmft_sgd.ipynb"))

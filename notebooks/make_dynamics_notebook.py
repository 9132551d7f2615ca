"""Writes dynamics_two_layer.ipynb (run: python notebooks/make_dynamics_notebook.py)."""

import pathlib

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# Training dynamics: decoupled descent and two-layer networks\n\n"
        "Two systems whose papers were available here only as abstracts (Lovig 2026, arXiv:2604.27883; "
        "Montanari & Urbani 2025, arXiv:2502.21269): the algorithms' theory below is derived in this "
        "package and checked against simulations (see the models' docstrings for what is derived and "
        "what is missing). `ASYMPTOTICS_FAST=1` shrinks sizes and grids."),
    nbf.v4.new_code_cell(
        "import os\n"
        "import numpy as np\n"
        "import matplotlib.pyplot as plt\n"
        "import asymptotics as asy\n"
        "from asymptotics.figures import render\n"
        "from asymptotics.simulate.decoupled import gd_and_dd\n"
        "FAST = os.environ.get(\"ASYMPTOTICS_FAST\") == \"1\""),
    nbf.v4.new_markdown_cell(
        "## 1. Decoupled descent\n\n"
        "Full-batch GD on a Gaussian mixture reuses the sample: its training error drifts below its "
        "test error. Decoupled descent (`decoupled-descent`) evaluates the gradient at the fields "
        "`h~ = XΘ/sqrt(d) - Δ K`, with the Onsager memory `K` of AMP, so that each training sample's "
        "field has the law of a fresh sample's: its *decoupled* training error is a test error computed "
        "from the training set. The state evolution is a recursion on `Q[t, s] = Θ^t·Θ^s/d`."),
    nbf.v4.new_code_cell("fig, data = render(\"decoupled-descent\", fast=FAST)\ndisplay(fig)"),
    nbf.v4.new_markdown_cell(
        "### State evolution against real decoupled descent\n\n"
        "`check` runs the algorithm on drawn mixtures and compares every observable at every "
        "requested iteration with the state evolution (z-scores)."),
    nbf.v4.new_code_cell(
        "frame = asy.check(\"decoupled-descent\", d=100 if FAST else 500, trials=3 if FAST else 10, seed=0,\n"
        "                  data=\"xor\", alpha=6.0, noise=0.3, lam=1.0, step=0.1, init_overlap=0.2, init_var=0.05,\n"
        "                  iteration=[2, 10] if FAST else [2, 10, 30])\n"
        "frame[[\"iteration\", \"observable\", \"theory\", \"simulation\", \"stderr\", \"z\"]]"),
    nbf.v4.new_markdown_cell(
        "### The natural step: a Markov state evolution in sympy\n\n"
        "With the matrix step `(ξ_t + lam)^{-1}` the recursion forgets its past; for two clusters it is "
        "a two-dimensional map `(m, q) -> (m', q')` (variant `natural-step`), whose fixed point every "
        "constant step reaches too."),
    nbf.v4.new_code_cell(
        "its = np.arange(0, 13)\n"
        "nat = asy.evaluate(\"decoupled-descent\", alpha=2.0, noise=0.5, lam=0.1, init_var=0.05, iteration=its)\n"
        "fixed = asy.evaluate(\"decoupled-descent\", alpha=2.0, noise=0.5, lam=0.1, init_var=0.05)\n"
        "steps = asy.evaluate(\"decoupled-descent\", alpha=2.0, noise=0.5, lam=0.1, init_var=0.05, step=0.5,\n"
        "                     iteration=np.arange(0, 41, 2))\n"
        "plt.figure(figsize=(4.5, 3.2))\n"
        "plt.plot(its, nat.test_error, \"o-\", label=\"natural step (sympy system)\")\n"
        "plt.plot(np.arange(0, 41, 2), steps.test_error, \"s-\", ms=3, label=\"step 0.5 (recursion)\")\n"
        "plt.axhline(fixed.test_error, color=\"k\", ls=\":\", label=\"fixed point\")\n"
        "plt.xlabel(\"iteration\"); plt.ylabel(\"test error\"); plt.legend(); plt.ylim(0.09, 0.16);"),
    nbf.v4.new_markdown_cell(
        "## 2. Two-layer networks under gradient flow\n\n"
        "`two-layer-lazy` is exact at infinite width in the NTK parametrization and proportional n/d: "
        "learning on t ~ 1, memorization of the noise on t ~ n/d (the kernel's identity part, of size "
        "(E σ'² - mu1²) d/n), test error flat meanwhile. `two-layer-population` is the mean-field network's "
        "feature-learning phase at n/d = inf. The finite-n/d mean-field DMFT (overfitting, feature "
        "unlearning) is not derived here: simulations show it."),
    nbf.v4.new_code_cell("fig, data = render(\"two-layer-dynamics\", fast=FAST)\ndisplay(fig)"),
    nbf.v4.new_markdown_cell(
        "### Time-scale separation in the lazy regime\n\n"
        "Training and test error vs time for growing n/d: the memorization time grows linearly in n/d "
        "while the test error converges on t ~ 1; the parameter displacement (complexity) keeps "
        "growing on the slow scale."),
    nbf.v4.new_code_cell(
        "t = np.geomspace(0.05, 1e4, 120)\n"
        "fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))\n"
        "for alpha in (2.0, 8.0, 32.0):\n"
        "    r = asy.evaluate(\"two-layer-lazy\", alpha=alpha, time=t, noise=0.25)\n"
        "    line, = axes[0].plot(t, r.test_error, label=f\"test, n/d = {alpha:g}\")\n"
        "    axes[0].plot(t, r.train_error, ls=\"--\", color=line.get_color())\n"
        "    axes[1].plot(t, r.displacement, color=line.get_color(), label=f\"n/d = {alpha:g}\")\n"
        "for ax in axes: ax.set_xscale(\"log\"); ax.set_xlabel(\"time t\")\n"
        "axes[0].set_ylabel(\"error (dashed: train)\"); axes[1].set_ylabel(\"||θ(t) - θ(0)||²\")\n"
        "axes[0].legend(); axes[1].legend();"),
]

nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                "language": "python"}})
out = pathlib.Path(__file__).with_name("dynamics_two_layer.ipynb")
nbf.write(nb, out)
print(f"wrote {out}")

"""Decoupled descent against gradient descent: train and test error vs iteration.

* ``decoupled-descent``: two panels, two clusters (alpha = 1.5, Δ = 0.5, ridge 0.2, logistic,
  step 0.2) and XOR (four clusters, quadratic two-neuron network, alpha = 6, Δ = 0.3, ridge 1,
  step 0.1, weakly informative start). Plain GD (dots: simulations; two clusters also the DMFT
  of ``dmft-gmm``, dashed) opens a gap between its training and test errors; decoupled descent
  (line: its state evolution, ``decoupled-descent``; dots: simulations on the same instances)
  has a decoupled training error on top of its test error at every iteration. Crosses: DD's raw
  training error (at the fitted fields), which is not the quantity of the identity.
"""

from __future__ import annotations

import numpy as np

from . import Figure, register

PANELS = (
    ("two clusters", dict(data="two-clusters", alpha=1.5, noise=0.5, lam=0.2, step=0.2)),
    ("XOR (four clusters)", dict(data="xor", alpha=6.0, noise=0.3, lam=1.0, step=0.1, init_overlap=0.2,
                                 init_var=0.05)),
)


def _make(fast: bool):
    import pandas as pd

    from .. import evaluate
    from ..plot import finish, subplots
    from ..simulate.decoupled import gd_and_dd

    last = 30 if fast else 160
    d, trials = (120, 3) if fast else (400, 10)
    its = np.unique(np.rint(np.geomspace(1, last, 8 if fast else 14))).astype(int)
    its = np.concatenate([[0], its])
    fig, axes = subplots(1, 2, width=4.3, height=3.3)
    rows = []
    for ax, (title, kw) in zip(axes[0], PANELS):
        grid = np.arange(last + 1)
        th = evaluate("decoupled-descent", iteration=grid, **kw)
        ax.plot(grid, th.test_error, color="C0", lw=1.6, label="DD test = decoupled train (SE)")
        if kw["data"] == "two-clusters":
            gd = evaluate("dmft-gmm", alpha=kw["alpha"], noise=kw["noise"], lam=kw["lam"], step=kw["step"],
                          time=kw["step"] * grid, loss="logistic", paths=1024 if fast else 4096)
            ax.plot(grid, gd.test_error, color="C3", ls="--", lw=1, label="GD test (DMFT)")
            ax.plot(grid, gd.train_error, color="C1", ls="--", lw=1, label="GD train (DMFT)")
            rows.append(pd.DataFrame({"panel": title, "iteration": grid, "gd_test_error": gd.test_error,
                                      "gd_train_error": gd.train_error, "source": "dmft-gmm"}))
        rows.append(pd.DataFrame({"panel": title, "iteration": grid, "dd_test_error": th.test_error,
                                  "source": "state evolution"}))
        sims = [gd_and_dd(d=d, seed=s, iterations=its, **kw) for s in range(trials)]
        stats = {}
        for alg in ("gd", "dd"):
            for name in ("test_error", "decoupled_train_error", "train_error"):
                vals = np.array([s[alg][name] for s in sims])
                stats[f"{alg}_{name}"] = vals.mean(0)
                stats[f"{alg}_{name}_se"] = vals.std(0, ddof=1) / np.sqrt(trials)
        style = (("gd_test_error", "C3", "s", "GD test"), ("gd_train_error", "C1", "s", "GD train"),
                 ("dd_test_error", "C0", "o", "DD test"), ("dd_decoupled_train_error", "C2", "^",
                                                          "DD decoupled train"))
        for key, color, marker, label in style:
            ax.errorbar(its, stats[key], yerr=2 * stats[key + "_se"], fmt=marker, ms=3.5, color=color,
                        mfc="white" if key.startswith("gd") else color, capsize=1.5, lw=0.8,
                        label=f"{label}, d = {d}")
        ax.plot(its, stats["dd_train_error"], "x", ms=3.5, color="0.45", label="DD raw train")
        ax.set_xscale("symlog", linthresh=1.0)
        finish(ax, "iteration t", "misclassification", legend=False, title=f"{title}: alpha = {kw['alpha']:g}, "
               f"Δ = {kw['noise']:g}, lam = {kw['lam']:g}")
        rows.append(pd.DataFrame({"panel": title, "iteration": its, **stats, "source": "simulation"}))
    axes[0][0].legend(fontsize=6, loc="upper right")
    return fig, pd.concat(rows, ignore_index=True)


register(Figure("decoupled-descent", "GD (train-test gap opens) vs decoupled descent (decoupled train "
                "error = test error) on two clusters and XOR: state evolution and simulations", _make,
                "Lovig 2026 (arXiv:2604.27883), construction and SE derived here"))

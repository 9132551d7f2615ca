"""The interpolation transition of neural-tangent ridge regression (Montanari–Zhong setting).

``nt-interpolation``: a two-layer ReLU network with N hidden units in d dimensions, linearized
around its random first layer (p = N d NT features); against n/(N d): the ridgeless and ridge
train and test errors of the ``nt-ridge`` finite-width theory [experimental], the N -> ∞ limit
(kernel ridge with the NT kernel), and the actual NT feature regression, whose smallest singular
value collapses at the threshold n = N d.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot
from ..api import curve
from ..simulate import simulate
from . import Figure, register


def nt_interpolation(fast: bool = False):
    d, width = (12, 15) if fast else (20, 40)
    p = width * d
    base = {"d": d, "noise": 0.1, "activation": "relu", "target_powers": [0.0, 1.0, 0.5, 0.25]}
    ratios = np.geomspace(0.1, 4.0, 60 if fast else 240)
    sim_ratios = np.array([0.25, 0.6, 1.0, 1.6, 3.0]) if fast else np.array(
        [0.15, 0.3, 0.5, 0.7, 0.85, 1.0, 1.15, 1.4, 1.8, 2.5, 3.5])
    trials, n_test = (2, 300) if fast else (6, 1500)
    fig, axes = plot.subplots(1, 2, width=4.3)
    frames = []
    ax = axes[0, 0]
    for ridge, color in [(0.0, "C3"), (1e-2, "C0")]:
        th = curve("nt-ridge", sweep={"n": ratios * p}, width=width, ridge=ridge, **base)
        th["ratio"] = th.n / p
        plot.plot_curve(ax, th, "ratio", "test_error", label=f"test, ridge = {ridge:g}", logx=True, color=color)
        plot.plot_curve(ax, th, "ratio", "train_error", color=color, ls="--", lw=0.8,
                        label=f"train, ridge = {ridge:g}")
        frames.append(th[["n", "ratio", "test_error", "train_error"]].assign(kind="theory", ridge=ridge, width=width))
        inf = curve("nt-ridge", sweep={"n": ratios * p}, width=np.inf, ridge=ridge, **base)
        inf["ratio"] = inf.n / p
        plot.plot_curve(ax, inf, "ratio", "test_error", color=color, ls=":", lw=0.8,
                        label="N → ∞ (NT kernel ridge)" if ridge else None)
        frames.append(inf[["n", "ratio", "test_error"]].assign(kind="theory", ridge=ridge, width=np.inf))
    sim = simulate("nt-ridge", trials=trials, seed=1, n=np.round(sim_ratios * p).astype(int)[:, None], width=width,
                   ridge=np.array([0.0, 1e-2]), n_test=n_test, **base).to_frame()
    sim["ratio"] = sim.n / p
    for ridge, color in [(0.0, "C3"), (1e-2, "C0")]:
        sub = sim[sim.ridge == ridge]
        plot.plot_points(ax, sub, "ratio", "test_error", color=color,
                         label=f"NT features, d = {d}, N = {width}" if ridge == 0 else None)
        plot.plot_points(ax, sub, "ratio", "train_error", color=color, fmt="s")
    frames.append(sim[["n", "ratio", "ridge", "test_error", "test_error_se", "train_error", "min_singular_value"]]
                  .assign(kind="simulation", width=width))
    ax.axvline(1.0, color="0.7", lw=0.6, ls=":")
    plot.finish(ax, "n / (N d)", "error", ylim=(0, 3.0), title=f"ReLU NT regression, d = {d}, N = {width}")
    ax.legend(loc="upper left", fontsize=6, frameon=False)

    ax = axes[0, 1]
    sub = sim[sim.ridge == 0.0]
    plot.plot_points(ax, sub, "ratio", "min_singular_value", color="k", label="σ_min(Φ)")
    ax.set_xscale("log")
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.axvline(1.0, color="0.7", lw=0.6, ls=":")
    plot.finish(ax, "n / (N d)", "smallest singular value of the NT features",
                title="interpolation threshold n = N d")
    return fig, pd.concat(frames, ignore_index=True)


register(Figure(
    "nt-interpolation",
    "NT (linearized two-layer ReLU) ridge / min-norm regression: train and test error and the smallest "
    "singular value of the NT features vs n/(N d), finite-width theory [experimental], N -> ∞ kernel "
    "limit and simulations",
    nt_interpolation,
    "Montanari & Zhong, arXiv:2007.12826 (setting; the figure and its sizes are chosen here, not read "
    "from the paper)",
))

"""The interpolation transition of neural-tangent ridge regression (Montanari–Zhong setting).

``nt-interpolation``: a two-layer ReLU network with N hidden units in d dimensions, linearized
around its random first layer (p = N d NT features); against n/(N d): the ridgeless and ridge
train and test errors of the ``nt-ridge`` finite-width theory [experimental], the N -> ∞ limit
(kernel ridge with the NT kernel), and the actual NT feature regression, whose smallest singular
value collapses at the threshold n = N d.

``nt-random-labels``: Montanari–Zhong's questions at fixed n and d as the width N grows: the
smallest eigenvalue of the empirical NT kernel ΦΦ' (zero at N d = n, then increasing to the
infinite-width kernel's, bounded away from zero for N d >> n) and the train and test error of
the minimum-norm NT interpolator with pure-noise labels and with structured labels, theory
[finite width: experimental] against the actual NT features (tanh, so that no sample is dead).
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


def nt_random_labels(fast: bool = False):
    d, n = (12, 120) if fast else (20, 200)
    act = "tanh"
    widths_th = np.geomspace(n / d * 0.1, n / d * 30, 60 if fast else 240)
    widths_sim = (np.array([1, 5, 10, 20, 60]) if fast else np.array([1, 2, 4, 7, 9, 10, 11, 13, 20, 40, 100, 200]))
    widths_sim = np.unique(np.round(widths_sim * (n / d) / 10).astype(int).clip(1))
    trials, n_test = (2, 200) if fast else (6, 2000)
    labels = {"pure noise": {"target_powers": [0.0], "noise": 1.0},
              "structured": {"target_powers": [0.0, 1.0, 0.5], "noise": 0.1}}
    fig, axes = plot.subplots(1, 2, width=4.3)
    frames = []

    ax = axes[0, 0]
    th = curve("nt-ridge", sweep={"width": widths_th}, n=n, d=d, ridge=0.0, activation=act, **labels["structured"])
    th["ratio"] = th.width * d / n
    over = th[th.ratio >= 1]
    plot.plot_curve(ax, over, "ratio", "min_eigenvalue", label="theory (N d >= n) [experimental]", logx=True,
                    color="C0")
    plot.plot_curve(ax, th[th.ratio <= 1], "ratio", "min_eigenvalue", color="C0", ls="--", lw=0.8,
                    label="smallest nonzero, N d < n [heuristic]")
    inf = asy_evaluate(n=n, d=d, width=np.inf, activation=act, **labels["structured"])
    ax.axhline(inf.min_eigenvalue, color="C0", ls=":", lw=0.8, label="N → ∞: NT kernel matrix")
    frames.append(th[["width", "ratio", "min_eigenvalue"]].assign(kind="theory", labels="any"))
    sim = simulate("nt-ridge", trials=trials, seed=7, n=n, d=d, width=widths_sim, ridge=0.0, activation=act,
                   n_test=50, **labels["structured"]).to_frame()
    sim["ratio"] = sim.width * d / n
    plot.plot_points(ax, sim, "ratio", "min_eigenvalue", color="k", label="σ_min(Φ)² (NT features)")
    frames.append(sim[["width", "ratio", "min_eigenvalue", "min_eigenvalue_se"]].assign(kind="simulation",
                                                                                         labels="structured"))
    ax.axvline(1.0, color="0.7", lw=0.6, ls=":")
    ax.set_yscale("log")
    plot.finish(ax, "N d / n  (parameters per sample)", "λ_min of the empirical NT kernel ΦΦ'",
                title=f"{act}: smallest eigenvalue, d = {d}, n = {n}", ylim=(1e-5, 3.0))
    ax.legend(loc="lower right", fontsize=6, frameon=False)

    ax = axes[0, 1]
    for (name, kw), color in zip(labels.items(), ("C3", "C2")):
        th = curve("nt-ridge", sweep={"width": widths_th}, n=n, d=d, ridge=0.0, activation=act, **kw)
        th["ratio"] = th.width * d / n
        plot.plot_curve(ax, th, "ratio", "test_error", label=f"{name} labels: test", logx=True, color=color)
        plot.plot_curve(ax, th, "ratio", "train_error", color=color, ls="--", lw=0.8, label=f"{name}: train")
        inf = asy_evaluate(n=n, d=d, width=np.inf, activation=act, **kw)
        ax.axhline(inf.test_error, color=color, ls=":", lw=0.8)
        frames.append(th[["width", "ratio", "test_error", "train_error"]].assign(kind="theory", labels=name))
        sim = simulate("nt-ridge", trials=trials, seed=8, n=n, d=d, width=widths_sim, ridge=0.0, activation=act,
                       n_test=n_test, **kw).to_frame()
        sim["ratio"] = sim.width * d / n
        plot.plot_points(ax, sim, "ratio", "test_error", color=color)
        plot.plot_points(ax, sim, "ratio", "train_error", color=color, fmt="s")
        frames.append(sim[["width", "ratio", "test_error", "test_error_se", "train_error"]]
                      .assign(kind="simulation", labels=name))
    ax.axvline(1.0, color="0.7", lw=0.6, ls=":")
    plot.finish(ax, "N d / n", "error of the min-norm NT interpolator", ylim=(0, 4.0),
                title="min-norm interpolator (dotted: N → ∞)")
    ax.legend(loc="upper right", fontsize=6, frameon=False)
    return fig, pd.concat(frames, ignore_index=True)


def asy_evaluate(**kw):
    from ..api import evaluate

    return evaluate("nt-ridge", **kw)


register(Figure(
    "nt-random-labels",
    "NT regime with random labels: smallest eigenvalue of the empirical NT kernel and train/test error "
    "of the min-norm NT interpolator (pure-noise and structured labels) vs N d/n, theory and NT-feature "
    "simulations",
    nt_random_labels,
    "Montanari & Zhong, arXiv:2007.12826 (questions and regime, from the abstract; the finite-width "
    "equations, the eigenvalue edge and the sizes are derived/chosen here)",
))

"""Deep linear networks trained to interpolation beside the minimum-l2-norm interpolator.

``deep-linear``: excess risk of the interpolating deep linear net against the initialization scale
(left: the excess over the min-norm interpolator's, i.e. the init-grown bias, depths 1, 2, 3, 5) and against the depth (right, three scales); theory of the ``deep-linear``
model (balanced init: exact; Gaussian init: leading order in α²) and the real networks trained by
gradient descent (balanced and Gaussian inits), with the min-norm interpolator's risk (the
variance part is the same for all of them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot
from ..api import curve
from ..simulate import simulate
from . import Figure, register

_BASE = {"gamma": 2.0, "signal": 1.0, "noise": 0.5}
_COLORS = {1: "C0", 2: "C1", 3: "C2", 5: "C3"}


def deep_linear(fast: bool = False):
    n, width, trials = (30, 6, 2) if fast else (100, 12, 6)
    fig, axes = plot.subplots(1, 2, width=4.4)
    frames = []
    scales = np.geomspace(0.05, 2.0, 40 if fast else 120)
    depths = (1, 3) if fast else (1, 2, 3, 5)
    sim_scales = np.array([0.3, 1.0]) if fast else np.array([0.15, 0.3, 0.6, 1.0, 1.5])

    ax = axes[0, 0]
    for depth in depths:
        color = _COLORS[depth]
        th = curve("deep-linear", sweep={"init_scale": scales}, depth=depth, init="balanced", **_BASE)
        plot.plot_curve(ax, th, "init_scale", "init_bias", label=f"L = {depth}", logx=True, logy=True,
                        color=color)
        frames.append(th[["init_scale", "excess_risk", "init_bias"]].assign(kind="theory", init="balanced", depth=depth))
        if depth > 1:
            small = curve("deep-linear", sweep={"init_scale": scales}, depth=depth, init="gaussian", **_BASE)
            plot.plot_curve(ax, small, "init_scale", "init_bias", color=color, ls="--", lw=0.7)
            frames.append(small[["init_scale", "excess_risk", "init_bias"]]
                          .assign(kind="theory", init="gaussian", depth=depth))
        for init, fmt in [("balanced", "o"), ("gaussian", "s")]:
            # Gaussian layers at α >= 1.5 are badly conditioned (products of Gaussian matrices):
            # gradient descent then needs > 1e5 steps, and the theory is a small-α one anyway.
            at = sim_scales if init == "balanced" else sim_scales[sim_scales < 1.2]
            sim = simulate("deep-linear", trials=trials, seed=depth, n=n, width=width, depth=depth,
                           init_scale=at, init=init, **_BASE).to_frame()
            plot.plot_points(ax, sim, "init_scale", "init_bias", color=color, fmt=fmt,
                             mfc="none" if init == "gaussian" else None)
            frames.append(sim[["init_scale", "excess_risk", "excess_risk_se", "init_bias", "init_bias_se",
                               "minnorm_excess_risk"]]
                          .assign(kind="simulation", init=init, depth=depth))
    mn = curve("deep-linear", sweep={"init_scale": scales}, depth=1, **_BASE)
    ax.plot([], [], "ko", ms=3, label=f"balanced init, n = {n}")
    ax.plot([], [], "ks", ms=3, mfc="none", label="Gaussian init")
    ax.plot([], [], "k--", lw=0.7, label="Gaussian, small-α theory")
    plot.finish(ax, "initialization scale α (per layer)", "excess risk − min-ℓ2 interpolator's",
                title="init-grown bias ||P⊥θ||² (the variance is the min-ℓ2 one)")
    ax.legend(fontsize=6, frameon=False, loc="upper left")

    ax = axes[0, 1]
    depth_grid = np.arange(1, 9)
    sim_depths = np.array([1, 3]) if fast else np.array([1, 2, 3, 4, 6, 8])
    for scale, color in [(0.5, "C4"), (1.0, "C5"), (1.4, "C6")]:
        th = curve("deep-linear", sweep={"depth": depth_grid}, init_scale=scale, **_BASE)
        th["depth"] = depth_grid
        ax.plot(th["depth"], th["excess_risk"], color=color, marker=".", lw=1, label=f"α = {scale:g}")
        frames.append(th[["depth", "excess_risk", "init_bias"]].assign(kind="theory", init="balanced",
                                                                      init_scale=scale))
        if fast and scale != 1.0:
            continue
        sim = simulate("deep-linear", trials=trials, seed=10, n=n, width=width, depth=sim_depths,
                       init_scale=scale, init="balanced", **_BASE).to_frame()
        plot.plot_points(ax, sim, "depth", "excess_risk", color=color)
        frames.append(sim[["depth", "excess_risk", "excess_risk_se", "init_bias", "minnorm_excess_risk"]]
                      .assign(kind="simulation", init="balanced", init_scale=scale))
    ax.axhline(float(mn["minnorm_excess_risk"].iloc[0]), color="k", ls=":", lw=1, label="min-ℓ2 interpolator")
    plot.finish(ax, "depth L", "excess risk", title="p/n = 2, signal 1, σ² = 0.5, balanced init")
    ax.legend(fontsize=6, frameon=False, loc="upper left")
    return fig, pd.concat(frames, ignore_index=True)


register(Figure(
    "deep-linear",
    "interpolating deep linear nets: excess risk vs initialization scale and depth beside the "
    "min-l2 interpolator; theory (balanced exact, Gaussian small-init) and trained networks",
    deep_linear,
    "setting of Chatterji & Long, JMLR 2023 (arXiv:2209.09315); the theory and the figure are "
    "derived and chosen here, not read from the paper",
))

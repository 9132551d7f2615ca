"""Tempered vs catastrophic overfitting of min-norm univariate ReLU interpolation.

``univariate-relu``: L_p excess risk ∫|f̂ - f*|^p (data hull, per unit length) against n for
p = 1, 1.5, 2, 3, random (left) and grid (right) design, pure-noise labels σ² = 1. Linear spline:
the ``univariate-relu`` model's exact constants (lines) and simulations (filled points, means ±
2 s.e.). Min-norm interpolant selected by a vanishing bias penalty: simulations only (open points,
medians over trials with interquartile bars: its risk has infinite mean for p >= 2), with the
model's growth laws for random design drawn as reference slopes through the median at n = 100:
(2/π) σ² log n at p = 2 and n^{p/2 - 1} at p = 3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot
from ..api import evaluate
from ..simulate import simulate
from . import Figure, register

_POWERS = {1.0: "C0", 1.5: "C1", 2.0: "C3", 3.0: "C4"}


def univariate_relu(fast: bool = False):
    sizes = np.array([30, 300]) if fast else np.array([10, 30, 100, 300, 1000, 3000, 10000])
    trials = 4 if fast else 30
    fig, axes = plot.subplots(1, 2, width=4.3)
    frames = []
    for col, design in enumerate(["random", "grid"]):
        ax = axes[0, col]
        for power, color in _POWERS.items():
            theory = float(evaluate("univariate-relu", power=power, noise=1.0, design=design).excess_risk)
            ax.axhline(theory, color=color, lw=1, label=f"p = {power:g}: spline (theory)")
            frames.append(pd.DataFrame({"n": [np.nan], "excess_risk": [theory]})
                          .assign(kind="theory", interpolant="spline", design=design, power=power))
            spline_rows, mn_rows = [], []
            for n in sizes:
                s = simulate("univariate-relu", trials=trials, seed=int(n), n=int(n), power=power, noise=1.0,
                             design=design)
                spline_rows.append({"n": n, "excess_risk": s.mean["excess_risk"],
                                    "excess_risk_se": s.stderr["excess_risk"]})
                q1, med, q3 = np.percentile(s.values["min_norm_excess_risk"], [25, 50, 75])
                mn_rows.append({"n": n, "excess_risk": med, "q1": q1, "q3": q3})
            sim, mn = pd.DataFrame(spline_rows), pd.DataFrame(mn_rows)
            plot.plot_points(ax, sim, "n", "excess_risk", color=color)
            frames.append(sim.assign(kind="simulation", interpolant="spline", design=design, power=power))
            ax.errorbar(mn["n"] * 1.08, mn["excess_risk"],
                        yerr=[mn["excess_risk"] - mn["q1"], mn["q3"] - mn["excess_risk"]],
                        fmt="o", mfc="white", color=color, ms=3.5, capsize=2)
            frames.append(mn.assign(kind="simulation", interpolant="min-norm", design=design, power=power))
            if design == "random" and power >= 2:
                law = evaluate("univariate-relu", power=power, noise=1.0, design=design)
                anchor = min(2, len(mn) - 1)  # n = 100 in the full figure (n = 10 is pre-asymptotic)
                n0, r0 = float(mn["n"].iloc[anchor]), float(mn["excess_risk"].iloc[anchor])
                grid = np.geomspace(n0, sizes[-1], 50)
                if power == 2:
                    ref = r0 + float(law.min_norm_log_growth) * np.log(grid / n0)
                else:
                    ref = r0 * (grid / n0) ** float(law.min_norm_growth_exponent)
                ax.plot(grid, ref, color=color, ls="--", lw=0.8)
                frames.append(pd.DataFrame({"n": grid, "excess_risk": ref})
                              .assign(kind="theory", interpolant="min-norm growth law", design=design,
                                      power=power))
        ax.set_xscale("log")
        ax.set_yscale("log")
        from matplotlib.ticker import NullFormatter

        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.plot([], [], "ko", ms=3.5, label="spline, simulated")
        ax.plot([], [], "ko", mfc="white", ms=3.5, label="min-norm (bias penalty -> 0), median")
        if design == "random":
            ax.plot([], [], "k--", lw=0.8, label="growth law (p = 2: (2/π) log n; p = 3: √n)")
        plot.finish(ax, "n", "L_p excess risk ∫|f̂ - f*|^p",
                    title=("random (uniform) design" if design == "random" else "grid design")
                    + ", σ² = 1")
        ax.legend(fontsize=5.5, frameon=False, loc="upper left", ncol=2)
    return fig, pd.concat(frames, ignore_index=True)


register(Figure(
    "univariate-relu",
    "min-norm univariate ReLU interpolation of noisy data: L_p risk vs n for p = 1, 1.5, 2, 3, random "
    "vs grid design; exact linear-spline constants, simulated spline and min-norm (spiky) interpolants",
    univariate_relu,
    "setting of Joshi, Vardi & Srebro, ICLR 2024 (arXiv:2307.15396); constants, growth laws and the "
    "figure are derived and chosen here, not read from the paper",
))

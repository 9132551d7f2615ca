"""Figures of the AMP / state-evolution family: LASSO, Donoho–Tanner, spiked Wigner, min-l1.

Each ``make(fast)`` returns ``(figure, data)``; ``data`` is a tidy DataFrame with a ``kind``
column (``theory`` or ``simulation``). ``fast=True`` uses small grids and sizes (seconds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot
from ..api import curve, evaluate
from ..simulate import simulate
from . import Figure, register


def _tag(frame, kind, **extra):
    frame = frame.copy()
    frame["kind"] = kind
    for k, v in extra.items():
        frame[k] = v
    return frame


def lasso_risk(fast: bool = False):
    """LASSO MSE vs lam (log scale) from the calibrated state evolution, with LASSO solutions
    (coordinate descent) at finite N."""
    kw = {"delta": 0.5, "eps": 0.1}
    lams = np.geomspace(0.01, 5, 25 if fast else 80)
    sim_lams = np.geomspace(0.02, 3, 3 if fast else 8)
    fig, axes = plot.subplots(1, 1, width=4.6)
    ax = axes[0, 0]
    frames = []
    for noise, color in [(0.01, "C0"), (0.1, "C1")]:
        th = curve("lasso", sweep={"lam": lams}, noise=noise, **kw)
        plot.plot_curve(ax, th, "lam", "mse", label=f"theory, noise={noise:g}", logx=True,
                        color=color)
        sim = simulate("lasso", N=300 if fast else 2000, trials=3 if fast else 10, seed=1,
                       lam=sim_lams, noise=noise, **kw).to_frame()
        plot.plot_points(ax, sim, "lam", "mse", color=color,
                         label=f"LASSO, N={300 if fast else 2000}")
        frames += [_tag(th[["lam", "mse", "alpha", "tau"]], "theory", noise=noise),
                   _tag(sim[["lam", "mse", "mse_se"]], "simulation", noise=noise)]
    best = evaluate("lasso", lam=lams, noise=0.1, **kw)
    i = int(np.argmin(best.mse))
    ax.axvline(lams[i], color="0.6", lw=0.8, ls=":")
    plot.finish(ax, "penalty λ", "MSE per coordinate",
                title="LASSO risk (δ = 0.5, Bernoulli–Gaussian ε = 0.1)")
    return fig, pd.concat(frames, ignore_index=True)


def amp_trajectory(fast: bool = False):
    """AMP's MSE per iteration against the state-evolution trajectory."""
    kw = {"delta": 0.5, "eps": 0.1, "noise": 0.04}
    its = np.arange(0, 16)
    fig, axes = plot.subplots(1, 1, width=4.2)
    ax = axes[0, 0]
    frames = []
    for alpha, color in [(1.2, "C0"), (2.5, "C2")]:
        th = curve("lasso", sweep={"iteration": its}, alpha=alpha, **kw)
        plot.plot_curve(ax, th, "iteration", "mse", label=f"state evolution, α={alpha}",
                        logy=True, color=color)
        sim = simulate("lasso", N=500 if fast else 4000, trials=3 if fast else 10, seed=2,
                       alpha=alpha, iteration=its[::2], **kw).to_frame()
        plot.plot_points(ax, sim, "iteration", "mse", color=color, label="AMP")
        frames += [_tag(th[["iteration", "mse", "tau"]], "theory", alpha=alpha),
                   _tag(sim[["iteration", "mse", "mse_se"]], "simulation", alpha=alpha)]
    plot.finish(ax, "iteration t", "MSE of η(r^t)", title="AMP vs state evolution (LASSO)")
    return fig, pd.concat(frames, ignore_index=True)


def donoho_tanner(fast: bool = False):
    """The l1 phase transition rho(delta) (signed and non-negative) with LP recovery thresholds."""
    deltas = np.linspace(0.02, 0.98, 40 if fast else 120)
    fig, axes = plot.subplots(1, 1, width=4.2)
    ax = axes[0, 0]
    frames = []
    for c, color in [("signed", "C0"), ("nonnegative", "C3")]:
        th = curve("donoho-tanner", sweep={"delta": deltas}, constraint=c)
        plot.plot_curve(ax, th, "delta", "rho", label=f"theory ({c})", color=color)
        sim_d = np.array([0.2, 0.5, 0.8]) if fast else np.linspace(0.1, 0.9, 9)
        sim = simulate("donoho-tanner", N=60 if fast else 400, trials=3 if fast else 10, seed=3,
                       delta=sim_d, constraint=c).to_frame()
        plot.plot_points(ax, sim, "delta", "rho", color=color, label=f"LP, N={60 if fast else 400}")
        frames += [_tag(th[["delta", "rho", "alpha"]], "theory", constraint=c),
                   _tag(sim[["delta", "rho", "rho_se"]], "simulation", constraint=c)]
    plot.finish(ax, "δ = n/N", "ρ = k/n", title="Donoho–Tanner phase transition", ylim=(0, 1))
    return fig, pd.concat(frames, ignore_index=True)


def spiked_branches(fast: bool = False):
    """Spiked Wigner overlap vs snr: Rademacher (continuous) and sparse Rademacher (first
    order): AMP from an uninformative start, the informative and unstable branches, the Bayes
    branch, thresholds, and AMP runs from small and large initial SNR."""
    snr = np.linspace(0.05, 2.0, 30 if fast else 200)
    fig, axes = plot.subplots(1, 2, width=4.0)
    frames = []
    ax = axes[0, 0]
    th = curve("spiked-wigner", sweep={"snr": snr})
    plot.plot_curve(ax, th, "snr", "overlap", label="AMP = Bayes (Rademacher)", color="C0")
    plot.plot_curve(ax, th, "snr", "spectral_overlap", label="top eigenvector (cos²)", color="0.5",
                    ls="--")
    sim = simulate("spiked-wigner", n=200 if fast else 2000, trials=2 if fast else 6, seed=4,
                   snr=np.array([1.5]) if fast else np.array([0.5, 1.0, 1.5, 2.0]),
                   init=0.2).to_frame()
    plot.plot_points(ax, sim, "snr", "overlap", color="C0", label="AMP runs")
    frames += [_tag(th[["snr", "overlap", "spectral_overlap"]], "theory", prior="rademacher"),
               _tag(sim[["snr", "overlap", "overlap_se"]], "simulation", prior="rademacher")]
    plot.finish(ax, "snr", "overlap (1/n)<x̂, x>", title="Rademacher prior")
    ax = axes[0, 1]
    kw = {"prior": "sparse-rademacher", "eps": 0.05}
    styles = {"amp": ("C0", "-", "AMP (uninformative start)"),
              "informative": ("C1", "-", "informative branch"),
              "unstable": ("C1", ":", "unstable branch"),
              "bayes": ("k", "--", "Bayes-optimal")}
    for branch, (color, ls, label) in styles.items():
        th = curve("spiked-wigner", sweep={"snr": snr}, branch=branch, **kw)
        plot.plot_curve(ax, th, "snr", "overlap", label=label, color=color, ls=ls)
        frames.append(_tag(th[["snr", "overlap", "status"]], "theory", prior="sparse-rademacher",
                           branch=branch))
    thr = evaluate("spiked-wigner", snr=1.0, **kw)
    for name, ls in [("spinodal", ":"), ("it_threshold", "--"), ("algorithmic_threshold", "-.")]:
        ax.axvline(thr[name], color="0.6", lw=0.8, ls=ls)
    for init, color in [(1e-3, "C0"), (5.0, "C1")]:
        sim = simulate("spiked-wigner", n=200 if fast else 3000, trials=2 if fast else 6, seed=5,
                       snr=np.array([0.9]) if fast else np.array([0.6, 0.85, 1.2, 1.6]),
                       init=init, **kw).to_frame()
        plot.plot_points(ax, sim, "snr", "overlap", color=color)
        frames.append(_tag(sim[["snr", "overlap", "overlap_se"]], "simulation",
                           prior="sparse-rademacher", init=init))
    plot.finish(ax, "snr", "overlap", title="sparse Rademacher ε = 0.05 (hard phase)")
    return fig, pd.concat(frames, ignore_index=True)


def basis_pursuit_variance(fast: bool = False):
    """Excess variance of min-l1 vs min-l2 interpolation of pure noise against p/n."""
    ratio = np.geomspace(1.5, 1e4, 40 if fast else 120)
    fig, axes = plot.subplots(1, 1, width=4.4)
    ax = axes[0, 0]
    th = curve("basis-pursuit", sweep={"delta": 1 / ratio}, noise=1.0)
    th["p_over_n"] = 1 / th["delta"]
    th["reference"] = 1 / np.log(th["p_over_n"])
    plot.plot_curve(ax, th, "p_over_n", "excess_variance", label="min-ℓ1 (state evolution)",
                    logx=True, logy=True, color="C0")
    plot.plot_curve(ax, th, "p_over_n", "min_l2_excess_variance", label="min-ℓ2: n/(p - n)",
                    color="C2")
    plot.plot_curve(ax, th, "p_over_n", "reference", label="σ²/log(p/n)", color="0.5", ls="--")
    sim_ratio = np.array([2.0, 5.0, 10.0]) if fast else np.array([2.0, 4.0, 8.0, 16.0, 32.0])
    sim = simulate("basis-pursuit", p=150 if fast else 1600, trials=2 if fast else 6, seed=6,
                   delta=1 / sim_ratio, noise=1.0).to_frame()
    sim["p_over_n"] = 1 / sim["delta"]
    plot.plot_points(ax, sim, "p_over_n", "excess_variance", color="C0", label="LP, min-ℓ1")
    plot.plot_points(ax, sim, "p_over_n", "min_l2_excess_variance", color="C2", label="min-ℓ2")
    plot.finish(ax, "p/n", "excess variance (σ² = 1)",
                title="Interpolating pure noise: ℓ1 decays like 1/log(p/n)")
    data = pd.concat([_tag(th[["p_over_n", "excess_variance", "min_l2_excess_variance", "rate"]],
                           "theory"),
                      _tag(sim[["p_over_n", "excess_variance", "excess_variance_se",
                                "min_l2_excess_variance"]], "simulation")], ignore_index=True)
    return fig, data


_REF = "shared/THEORY.md family D and B3"
register(Figure("lasso-risk", "LASSO MSE vs penalty: calibrated state evolution and LASSO "
                "solutions", lasso_risk, "Bayati–Montanari 2012; " + _REF))
register(Figure("amp-trajectory", "AMP MSE per iteration vs the state-evolution trajectory",
                amp_trajectory, "Donoho–Maleki–Montanari 2009; " + _REF))
register(Figure("donoho-tanner", "phase transition of l1 recovery with LP Monte Carlo",
                donoho_tanner, "Donoho–Tanner 2009; Donoho–Maleki–Montanari 2009"))
register(Figure("spiked-wigner-branches", "spiked Wigner overlap vs snr: AMP, informative, "
                "unstable and Bayes branches, thresholds", spiked_branches,
                "Lesieur–Krzakala–Zdeborová 2017; " + _REF,
                duration="about 10 min on one core (measured in issue 15); --fast: seconds"))
register(Figure("basis-pursuit-variance", "min-l1 vs min-l2 excess variance of pure-noise "
                "interpolation vs p/n", basis_pursuit_variance, "Su–Li–Liu 2026 (B3)"))

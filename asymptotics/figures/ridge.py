"""Ridge double-descent figures (Hastie, Montanari, Rosset, Tibshirani 2022).

- ``ridge-double-descent``: test error vs gamma = p/n for several penalties, theory curves and
  Monte Carlo points (n = 200, ±2 s.e.); what ``asymptotics demo`` draws.
- ``hmrt-ridgeless``: the shape of HMRT's isotropic figure: excess risk of the minimum-norm
  interpolator vs gamma for several SNR = signal/noise (noise = 1), with the optimally tuned ridge
  (lam* = noise gamma / signal) dashed, and Monte Carlo points for the interpolator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot
from ..api import curve, evaluate
from ..simulate import simulate
from . import Figure, register


def _sim_frame(gamma, n, trials, seed, **params):
    return simulate("ridge", trials=trials, seed=seed, n=n, gamma=gamma, **params).to_frame()


def double_descent(fast: bool = False, n: int = 200, lams=(0.0, 0.01, 0.1, 1.0), signal: float = 1.0,
                   noise: float = 0.25):
    grid = np.geomspace(0.1, 10, 120 if fast else 600)
    sim_gamma = np.geomspace(0.15, 8, 8 if fast else 14)
    trials = 3 if fast else 10
    fig, axes = plot.subplots(width=4.6, height=3.3)
    ax = axes[0, 0]
    frames = []
    sims = _sim_frame(sim_gamma[:, None], n, trials, 0, lam=np.asarray(lams)[None, :],
                      signal=signal, noise=noise)
    for i, lam in enumerate(lams):
        th = curve("ridge", sweep={"gamma": grid}, lam=lam, signal=signal, noise=noise)
        th["kind"] = "theory"
        frames.append(th)
        line = plot.plot_curve(ax, th, "gamma", "test_error", label=f"lam = {lam:g}", logx=True)
        pts = sims[sims["lam"] == lam]
        plot.plot_points(ax, pts, "gamma", "test_error", color=line.get_color())
    sims["kind"] = "simulation"
    frames.append(sims)
    ax.axvline(1.0, color="0.8", lw=0.8, zorder=0)
    plot.finish(ax, "gamma = p/n", "test error", ylim=(0, 3 * (signal + noise)),
                title=f"ridge, signal = {signal:g}, noise = {noise:g}; points: n = {n}, {trials} trials")
    return fig, pd.concat(frames, ignore_index=True)


def hmrt_ridgeless(fast: bool = False, n: int = 200, snrs=(1.0, 2.0, 5.0)):
    grid = np.geomspace(0.1, 10, 120 if fast else 600)
    sim_gamma = np.array([0.2, 0.5, 0.8, 1.3, 2.0, 4.0, 8.0]) if not fast else np.array([0.5, 2.0, 5.0])
    trials = 3 if fast else 10
    fig, axes = plot.subplots(width=4.6, height=3.3)
    ax = axes[0, 0]
    frames = []
    for snr in snrs:
        th = curve("ridge", sweep={"gamma": grid}, lam=0.0, signal=snr, noise=1.0)
        th["kind"], th["snr"] = "ridgeless", snr
        line = plot.plot_curve(ax, th, "gamma", "excess_risk", label=f"SNR = {snr:g}", logx=True)
        # optimal tuning lam* = noise gamma / signal, evaluated pointwise
        best = evaluate("ridge", gamma=grid, lam=grid / snr, signal=snr, noise=1.0).to_frame()
        best["kind"], best["snr"] = "optimal", snr
        plot.plot_curve(ax, best, "gamma", "excess_risk", color=line.get_color(), ls="--")
        sims = _sim_frame(sim_gamma, n, trials, 1, lam=0.0, signal=snr, noise=1.0)
        sims["kind"], sims["snr"] = "simulation", snr
        plot.plot_points(ax, sims, "gamma", "excess_risk", color=line.get_color())
        frames += [th, best, sims]
    plot.finish(ax, "gamma = p/n", "excess risk (noise = 1)", ylim=(0, 8),
                title="min-norm interpolation (solid), optimal ridge (dashed)")
    return fig, pd.concat(frames, ignore_index=True)


register(Figure("ridge-double-descent", "test error vs p/n for several ridge penalties, theory and "
                "Monte Carlo", double_descent, "Hastie et al. 2022, Fig. 2 style"))
register(Figure("hmrt-ridgeless", "min-norm interpolation risk vs p/n for several SNR, with the "
                "optimally tuned ridge", hmrt_ridgeless, "Hastie et al. 2022, isotropic model"))

"""Classification figures: max-margin test error, Sur–Candès bias inflation, Candès–Sur transition.

- ``mrsy-test-error``: test error of the max-margin classifier vs psi = p/n (isotropic features,
  logistic labels) for several signal strengths ||theta*||², theory curves from each model's
  separability threshold on, Monte Carlo points (exact hard-margin SVM), thresholds dotted. The
  shape of Montanari–Ruan–Sohn–Yan's isotropic curves (their figure numbers not verified).
- ``sur-candes-bias``: bias inflation alpha(kappa) of the logistic MLE for several gamma², up to
  0.95 h_MLE(gamma), with Monte Carlo points (Newton MLE) — Sur & Candès' headline effect
  (alpha = 1.499 at kappa = 0.2, gamma² = 5, marked).
- ``candes-sur-phase-transition``: the boundary kappa = h_MLE(intercept, gamma) separating the
  region where the logistic MLE exists from the one where the data are separable, for several
  intercepts, with Monte Carlo critical ratios (LP separability on nested samples).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot
from ..api import curve, evaluate
from ..simulate import simulate
from . import Figure, register


def mrsy_test_error(fast: bool = False, signals=(1.0, 4.0, 25.0), n: int = 200):
    n = 100 if fast else n
    trials = 3 if fast else 10
    fig, axes = plot.subplots(width=4.8, height=3.4)
    ax = axes[0, 0]
    frames = []
    for signal in signals:
        thr = evaluate("max-margin", psi=10.0, link="logistic", signal=signal).separability_threshold
        grid = thr * np.geomspace(1.0005, 60 / thr, 60 if fast else 300)
        th = curve("max-margin", sweep={"psi": grid}, link="logistic", signal=signal)
        th["kind"], th["signal"] = "theory", signal
        line = plot.plot_curve(ax, th, "psi", "test_error", label=f"||θ*||² = {signal:g}", logx=True)
        ax.axvline(thr, color=line.get_color(), ls=":", lw=0.8)
        sim_psi = thr * np.array([1.5, 4.0, 12.0] if fast else [1.3, 2.0, 4.0, 8.0, 20.0, 50.0])
        sim_psi = sim_psi[sim_psi < 60]
        sims = simulate("max-margin", n=n, trials=trials, seed=3, psi=sim_psi, link="logistic",
                        signal=signal).to_frame()
        sims["kind"], sims["signal"] = "simulation", signal
        plot.plot_points(ax, sims, "psi", "test_error", color=line.get_color())
        frames += [th, sims]
    plot.finish(ax, "psi = p/n", "test error", ylim=(0, 0.5),
                title=f"max-margin, logistic labels; points: n = {n}, {trials} trials")
    return fig, pd.concat(frames, ignore_index=True)


def sur_candes_bias(fast: bool = False, signals=(1.0, 5.0, 10.0), n: int = 1000):
    n = 200 if fast else n
    trials = 2 if fast else 10
    fig, axes = plot.subplots(width=4.6, height=3.4)
    ax = axes[0, 0]
    frames = []
    for signal in signals:
        thr = evaluate("logistic-mle", kappa=0.01, signal=signal).separability_threshold
        grid = np.linspace(0.005, 0.95 * thr, 30 if fast else 120)
        th = curve("logistic-mle", sweep={"kappa": grid}, signal=signal)
        th["kind"], th["signal"] = "theory", signal
        line = plot.plot_curve(ax, th, "kappa", "alpha", label=f"γ² = {signal:g}")
        sim_kappa = thr * (np.array([0.3, 0.7]) if fast else np.array([0.15, 0.3, 0.45, 0.6, 0.75]))
        sims = simulate("logistic-mle", n=n, trials=trials, seed=5, kappa=sim_kappa, signal=signal).to_frame()
        sims["kind"], sims["signal"] = "simulation", signal
        plot.plot_points(ax, sims, "kappa", "alpha", color=line.get_color())
        frames += [th, sims]
    ax.plot([0.2], [evaluate("logistic-mle", kappa=0.2, signal=5.0).alpha], "k*", ms=7,
            label="Sur–Candès: 1.499")
    ax.axhline(1.0, color="0.8", lw=0.8, zorder=0)
    plot.finish(ax, "kappa = p/n", "bias inflation alpha", ylim=(0.9, 5),
                title=f"logistic MLE; points: n = {n}, {trials} trials")
    return fig, pd.concat(frames, ignore_index=True)


def candes_sur_transition(fast: bool = False, intercepts=(0.0, 1.0, 2.0), p: int = 100):
    p = 30 if fast else p
    trials = 3 if fast else 12
    gamma = np.linspace(0.0, 10.0, 60 if fast else 300)
    fig, axes = plot.subplots(width=4.6, height=3.4)
    ax = axes[0, 0]
    frames = []
    for b0 in intercepts:
        th = curve("mle-existence", sweep={"signal": gamma ** 2}, intercept=b0)
        th["gamma"], th["kind"] = np.sqrt(th["signal"]), "theory"
        line = plot.plot_curve(ax, th, "gamma", "threshold", label=f"β₀ = {b0:g}")
        sim_gamma = np.array([1.0, 4.0]) if fast else np.array([0.5, 1.0, 2.0, 4.0, 8.0])
        sims = simulate("mle-existence", p=p, trials=trials, seed=7, signal=sim_gamma ** 2,
                        intercept=b0).to_frame()
        sims["gamma"], sims["kind"] = np.sqrt(sims["signal"]), "simulation"
        plot.plot_points(ax, sims, "gamma", "threshold", color=line.get_color())
        frames += [th, sims]
    ax.text(7.0, 0.3, "MLE does not exist\n(separable data)", fontsize=8, ha="center")
    ax.text(2.0, 0.05, "MLE exists", fontsize=8, ha="center")
    plot.finish(ax, "gamma (std of the log-odds x'β)", "kappa = p/n", ylim=(0, 0.55),
                title=f"Candès–Sur phase transition; points: p = {p}, {trials} trials")
    return fig, pd.concat(frames, ignore_index=True)


register(Figure("mrsy-test-error", "max-margin test error vs p/n for several signal strengths, "
                "theory and hard-margin SVM simulations", mrsy_test_error,
                "Montanari, Ruan, Sohn, Yan (Ann. Stat. 2025), isotropic case"))
register(Figure("sur-candes-bias", "bias inflation alpha of the logistic MLE vs p/n for several "
                "signal strengths, theory and Newton-MLE simulations", sur_candes_bias,
                "Sur & Candès (PNAS 2019)"))
register(Figure("candes-sur-phase-transition", "existence of the logistic MLE: h_MLE(intercept, "
                "gamma) with LP separability simulations", candes_sur_transition,
                "Candès & Sur (Ann. Stat. 2020), Fig. 1 style"))

"""Continuous-time l2-boosting (Su, Li, Liu 2026, abstract; THEORY B3): the risk along the
boosting path with the early-stopping rule and the oracle marked, and the excess variance of
min-l1 against min-l2 interpolation of pure noise (isotropic and spiked designs).

Theory is the ``boosting`` model (the l1-path idealization of the boosting path; exact for the
LASSO path and the min-l1 interpolant); points are its Monte Carlo twin, which runs the exact
forward-stagewise (boosting) and LASSO homotopies. ``fast=True`` uses small sizes (seconds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot
from ..api import curve, evaluate
from ..simulate import simulate
from ..simulate.boosting import stopping_level
from . import Figure, register


def _tag(frame, kind, panel, **extra):
    frame = frame.copy()
    frame["kind"] = kind
    frame["panel"] = panel
    for k, v in extra.items():
        frame[k] = v
    return frame


def _path_panel(ax, fast):
    kw = {"delta": 0.25, "eps": 0.05, "noise": 0.25}
    n = 48 if fast else 200
    p = round(n / kw["delta"])
    stop = float(stopping_level(kw["noise"], p))
    lams = np.concatenate([[0.0], np.geomspace(2e-3, 4.0, 30 if fast else 90)])
    th = curve("boosting", sweep={"lam": lams}, **kw)
    plot.plot_curve(ax, th, "time", "excess_risk", label="theory (l1 path)", color="C0")
    at = evaluate("boosting", lam=stop, **kw)
    sim_l = np.array(sorted({0.0, 0.25, 0.5, 1.0, 2.0, 3.0, round(stop, 6)}))
    sim = simulate("boosting", n=n, trials=2 if fast else 12, seed=11, lam=sim_l,
                   **kw).to_frame()
    plot.plot_points(ax, sim, "time", "excess_risk", color="C0",
                     label=f"boosting (exact FS₀), n={n}, p={p}")
    plot.plot_points(ax, sim, "time", "lasso_excess_risk", color="C1", fmt="s",
                     label="LASSO path, same data")
    ax.plot([at.time], [at.excess_risk], "v", color="C3", ms=8,
            label=f"stop rule: ‖A'r‖∞ ≤ √(2σ² log p) = {stop:.2f}")
    ax.plot([at.oracle_time], [at.oracle_excess_risk], "*", color="k", ms=10,
            label="oracle stop (= tuned LASSO)")
    row = sim[np.isclose(sim["lam"], round(stop, 6))]
    ax.errorbar(row["time"], row["excess_risk"], yerr=2 * row["excess_risk_se"], fmt="v",
                mfc="none", color="C3", ms=8)
    ax.errorbar(sim["oracle_time"].iloc[:1], sim["oracle_excess_risk"].iloc[:1],
                yerr=2 * sim["oracle_excess_risk_se"].iloc[:1], fmt="*", mfc="none", color="k",
                ms=10)
    plot.finish(ax, "time = l1 arc length / n", "excess risk",
                title="risk along the l2-boosting path (δ = 0.25, ε = 0.05, σ² = 0.25)")
    ax.legend(frameon=False, fontsize=7)
    return [_tag(th[["lam", "time", "excess_risk", "oracle_excess_risk", "oracle_time"]],
                 "theory", "path", stop_lam=stop),
            _tag(sim[["lam", "time", "excess_risk", "excess_risk_se", "lasso_excess_risk",
                      "oracle_excess_risk", "oracle_time", "tuned_lasso_excess_risk"]],
                 "simulation", "path", stop_lam=stop)]


def _variance_panel(ax, fast):
    ratio = np.geomspace(1.5, 1e4, 40 if fast else 120)
    th = curve("boosting", sweep={"delta": 1 / ratio}, noise=1.0)
    th["p_over_n"] = 1 / th["delta"]
    th["reference"] = 1 / np.log(th["p_over_n"])
    plot.plot_curve(ax, th, "p_over_n", "excess_variance", label="min-ℓ1 (state evolution)",
                    logx=True, logy=True, color="C0")
    plot.plot_curve(ax, th, "p_over_n", "min_l2_excess_variance", label="min-ℓ2: n/(p − n)",
                    color="C2")
    plot.plot_curve(ax, th, "p_over_n", "reference", label="σ²/log(p/n)", color="0.5", ls="--")
    sim_ratio = np.array([2.0, 4.0, 8.0]) if fast else np.array([2.0, 4.0, 10.0, 30.0, 100.0])
    n = 24 if fast else 60
    sim = simulate("boosting", n=n, trials=2 if fast else 8, seed=12, delta=1 / sim_ratio,
                   noise=1.0).to_frame()
    sim["p_over_n"] = 1 / sim["delta"]
    plot.plot_points(ax, sim, "p_over_n", "excess_variance", color="C0",
                     label=f"min-ℓ1 (LASSO path end), n={n}")
    plot.plot_points(ax, sim, "p_over_n", "excess_risk", color="C3", fmt="D", mfc="none",
                     label="boosting end point (FS₀)")
    plot.plot_points(ax, sim, "p_over_n", "min_l2_excess_variance", color="C2", label="min-ℓ2")
    plot.finish(ax, "p/n", "excess variance (σ² = 1)",
                title="interpolating pure noise (isotropic)")
    ax.legend(frameon=False, fontsize=7)
    return [_tag(th[["p_over_n", "excess_variance", "min_l2_excess_variance", "rate"]],
                 "theory", "isotropic-variance"),
            _tag(sim[["p_over_n", "excess_variance", "excess_variance_se", "excess_risk",
                      "excess_risk_se", "min_l2_excess_variance"]], "simulation",
                 "isotropic-variance")]


def _spiked_panel(ax, fast):
    kw = {"head": 0.1, "spike": 50.0, "noise": 1.0}
    tails = np.geomspace(1.5, 1e4, 40 if fast else 120)
    th = curve("boosting", sweep={"tail": tails}, **kw)
    th["reference"] = 1 / np.log(th["tail"])
    plot.plot_curve(ax, th, "tail", "excess_variance", label="min-ℓ1: total", logx=True,
                    logy=True, color="C0")
    plot.plot_curve(ax, th, "tail", "tail_variance", label="min-ℓ1: tail part", color="C0",
                    ls=":")
    plot.plot_curve(ax, th, "tail", "min_l2_excess_variance", label="min-ℓ2", color="C2")
    plot.plot_curve(ax, th, "tail", "reference", label="σ²/log(r₂/n)", color="0.5", ls="--")
    sim_tail = np.array([2.0, 8.0]) if fast else np.array([2.0, 5.0, 15.0, 50.0])
    n = 30 if fast else 100
    sim = simulate("boosting", n=n, trials=2 if fast else 8, seed=13, tail=sim_tail,
                   **kw).to_frame()
    plot.plot_points(ax, sim, "tail", "excess_variance", color="C0",
                     label=f"min-ℓ1 (LASSO path end), n={n}")
    plot.plot_points(ax, sim, "tail", "excess_risk", color="C3", fmt="D", mfc="none",
                     label="boosting end point (FS₀)")
    plot.plot_points(ax, sim, "tail", "min_l2_excess_variance", color="C2", label="min-ℓ2")
    plot.finish(ax, "r₂/n (tail dimensions per sample)", "excess variance (σ² = 1)",
                title="spiked design: k*/n = 0.1 head eigenvalues 50")
    ax.legend(frameon=False, fontsize=7)
    return [_tag(th[["tail", "excess_variance", "tail_variance", "head_variance",
                     "min_l2_excess_variance", "rate", "tail_rate"]], "theory", "spiked-variance",
                 **kw),
            _tag(sim[["tail", "excess_variance", "excess_variance_se", "excess_risk",
                      "min_l2_excess_variance"]], "simulation", "spiked-variance", **kw)]


def _rate_panel(ax, fast):
    ratio = np.geomspace(2.0, 1e16, 30 if fast else 100)
    iso = curve("boosting", sweep={"delta": 1 / ratio}, noise=1.0)
    iso["p_over_n"] = 1 / iso["delta"]
    plot.plot_curve(ax, iso, "p_over_n", "rate", label="isotropic: V log(p/n)/σ²", logx=True,
                    color="C0")
    sp_ = curve("boosting", sweep={"tail": ratio}, head=0.1, spike=1e8, noise=1.0)
    plot.plot_curve(ax, sp_, "tail", "tail_rate", label="spiked (spike 1e8, k*/n = 0.1): "
                    "V_tail log(r₂/n)/σ²", color="C1")
    L = np.log(iso["p_over_n"])
    iso["correction"] = np.where(iso["p_over_n"] >= 1e3, 1 + (np.log(np.pi * L) - 3) / (2 * L),
                                 np.nan)
    plot.plot_curve(ax, iso, "p_over_n", "correction", label="1 + (log(π L) − 3)/(2L), L = log(p/n)",
                    color="0.5", ls="--")
    ax.axhline(1.0, color="0.7", lw=0.8)
    plot.finish(ax, "p/n  (or r₂/n)", "variance × log(ratio) / σ²",
                title="the Θ(σ²/log) rate: constant 1, slowly", ylim=(0.85, 1.15))
    ax.legend(frameon=False, fontsize=7)
    return [_tag(iso[["p_over_n", "rate", "correction"]], "theory", "rate"),
            _tag(sp_[["tail", "tail_rate", "rate"]], "theory", "rate", head=0.1, spike=1e8)]


def boosting(fast: bool = False):
    """Risk along the boosting path with the stop rule and the oracle; excess variance of min-l1
    vs min-l2 interpolation against p/n (isotropic) and r_2/n (spiked); the log rate."""
    fig, axes = plot.subplots(2, 2, width=5.2, height=4.0)
    frames = []
    frames += _path_panel(axes[0, 0], fast)
    frames += _variance_panel(axes[0, 1], fast)
    frames += _spiked_panel(axes[1, 0], fast)
    frames += _rate_panel(axes[1, 1], fast)
    fig.tight_layout()
    return fig, pd.concat(frames, ignore_index=True)


register(Figure("boosting", "l2-boosting: risk along the path with the early-stopping rule and "
                "the oracle; min-l1 vs min-l2 excess variance vs p/n and r_2/n; the log rate",
                boosting, "Su–Li–Liu 2026 (abstract; THEORY B3); derived state evolution"))

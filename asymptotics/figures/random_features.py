"""Figures of the random-features / kernel family: Mei–Montanari double descent, linear random
features, and the staircase learning curve of kernel ridge regression on the sphere.

Each ``make(fast)`` returns ``(figure, data)``; ``data`` is a tidy DataFrame with a ``kind``
column (``theory`` or ``simulation``). ``fast=True`` uses small grids and sizes (seconds).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import plot
from ..api import curve, optimize
from ..kernels import multiplicity
from ..simulate import simulate
from . import Figure, register


def _tag(frame, kind, **extra):
    frame = frame.copy()
    frame["kind"] = kind
    for k, v in extra.items():
        frame[k] = v
    return frame


def mm_double_descent(fast: bool = False):
    """Test error vs N/n for several penalties and noise levels (ReLU, n/d = 3), with real random
    features regression on the sphere."""
    psi2 = 3.0
    ratios = np.geomspace(0.1, 10, 40 if fast else 300)
    sim_ratios = np.array([0.2, 0.6, 1.5, 4.0]) if fast else np.geomspace(0.15, 8, 10)
    d, trials = (30, 3) if fast else (100, 10)
    base = {"psi2": psi2, "signal": 1.0, "nonlinear": 0.0, "activation": "relu"}
    fig, axes = plot.subplots(1, 2, width=4.3)
    frames = []

    ax = axes[0, 0]
    noise = 0.2
    for lam, color in [(0.0, "C3"), (1e-3, "C0"), (1e-2, "C1"), (1e-1, "C2")]:
        th = curve("random-features", sweep={"psi1": ratios * psi2}, lam=lam, noise=noise, **base)
        th["ratio"] = th.psi1 / psi2
        plot.plot_curve(ax, th, "ratio", "test_error", label=f"λ = {lam:g}", logx=True, color=color)
        frames.append(_tag(th[["psi1", "ratio", "test_error", "excess_risk", "train_error"]], "theory",
                           lam=lam, noise=noise))
    opt = optimize("random-features", "test_error", "lam", bounds=(1e-6, 1e2),
                   psi1=ratios * psi2, noise=noise, **base)
    ax.plot(ratios, opt.test_error, color="k", ls="--", lw=1, label="optimal λ")
    frames.append(_tag(pd.DataFrame({"psi1": ratios * psi2, "ratio": ratios, "test_error": opt.test_error,
                                     "lam": opt.params["lam"]}), "theory", noise=noise, optimal=True))
    sim = simulate("random-features", d=d, n_test=500 if fast else 2000, trials=trials, seed=1,
                   psi1=(sim_ratios * psi2)[:, None], lam=np.array([1e-3, 1e-1]), noise=noise,
                   **base).to_frame()
    sim["ratio"] = sim.psi1 / psi2
    for lam, color in [(1e-3, "C0"), (1e-1, "C2")]:
        plot.plot_points(ax, sim[sim.lam == lam], "ratio", "test_error", color=color,
                         label=f"simulation d = {d}" if lam == 1e-3 else None)
    frames.append(_tag(sim[["psi1", "ratio", "lam", "test_error", "test_error_se"]], "simulation", noise=noise))
    ax.axvline(1.0, color="0.7", lw=0.6, ls=":")
    plot.finish(ax, "N / n  (ψ₁/ψ₂)", "test error  E(y - f̂(x))²  (τ² = 0.2)", ylim=(0, 2.5),
                title="ReLU random features, n/d = 3")

    ax = axes[0, 1]
    for noise, color in [(0.0, "C0"), (0.2, "C1"), (1.0, "C3")]:
        th = curve("random-features", sweep={"psi1": ratios * psi2}, lam=1e-3, noise=noise, **base)
        th["ratio"] = th.psi1 / psi2
        plot.plot_curve(ax, th, "ratio", "excess_risk", label=f"τ² = {noise:g}", logx=True, color=color)
        frames.append(_tag(th[["psi1", "ratio", "excess_risk"]], "theory", lam=1e-3, noise=noise))
    lin = curve("linear-random-features", sweep={"psi1": ratios * psi2}, psi2=psi2, lam=1e-3, noise=0.2)
    lin["ratio"] = lin.psi1 / psi2
    plot.plot_curve(ax, lin, "ratio", "excess_risk", label="linear features, τ² = 0.2", color="0.5",
                    ls="--")
    frames.append(_tag(lin[["psi1", "ratio", "excess_risk"]], "theory", lam=1e-3, noise=0.2, linear=True))
    ax.axvline(1.0, color="0.7", lw=0.6, ls=":")
    plot.finish(ax, "N / n  (ψ₁/ψ₂)", "excess risk  E(f(x) - f̂(x))²", ylim=(0, 2.5),
                title="λ = 1e-3: noise levels; linear features")
    return fig, pd.concat(frames, ignore_index=True)


def kernel_staircase(fast: bool = False):
    """Learning curves of kernel ridge regression with an inner-product kernel on the sphere: the
    staircase in log n / log d (exact finite-d spectra), its polynomial-regime limit, and kernel
    ridge regression with the actual kernel matrix."""
    powers = [0.0, 1.0, 0.5, 0.25, 0.125]
    kw = {"kernel": "exp", "target_powers": powers, "noise": 0.0, "ridge": 0.0}
    fig, axes = plot.subplots(1, 2, width=4.3)
    frames = []

    ax = axes[0, 0]
    expo = np.linspace(0.3, 4.3, 60 if fast else 400)
    for d, color in [(20, "C1"), (100, "C0"), (1000, "C2")]:
        th = curve("kernel-ridge", sweep={"n": d ** expo}, d=d, degrees=10, **kw)
        th["scale"] = np.log(th.n) / np.log(d)
        plot.plot_curve(ax, th, "scale", "excess_risk", label=f"d = {d}", color=color)
        frames.append(_tag(th[["n", "scale", "excess_risk", "kappa"]], "theory", d=d))
    # d -> inf: on each scale l the polynomial-regime formula, with n = alpha d^l / l!
    d_ref = 1e6
    for ell in (1, 2, 3, 4):
        scale = np.linspace(ell - 0.45, ell + 0.45, 40 if fast else 120)
        alpha = d_ref ** (scale - ell) * math.factorial(ell)
        poly = curve("kernel-ridge", sweep={"alpha": alpha}, degree=ell, **kw)
        poly["scale"] = scale
        plot.plot_curve(ax, poly, "scale", "excess_risk", color="k", lw=0.8, ls="--",
                        label="d → ∞ limit" if ell == 1 else None)
        frames.append(_tag(poly[["alpha", "scale", "excess_risk"]], "theory", d=np.inf, degree=ell))
    plot.finish(ax, "log n / log d", "excess risk", ylim=(0, 2.0),
                title="exp kernel on the sphere, F_k² = 1, 1/2, 1/4, 1/8")
    ax.legend(loc="upper right", frameon=False)

    ax = axes[0, 1]
    d = 10
    ns = np.geomspace(5, 3000, 100)
    sim_ns = np.array([20, 60, 200, 600]) if fast else np.array([10, 20, 40, 80, 160, 320, 640, 1280, 2500])
    for kernel, color in [("exp", "C0"), ("ntk-relu", "C3")]:
        kk = {**kw, "kernel": kernel, "noise": 0.05, "ridge": 1e-3}
        th = curve("kernel-ridge", sweep={"n": ns}, d=d, **kk)
        plot.plot_curve(ax, th, "n", "excess_risk", label=f"{kernel}: theory", logx=True, color=color)
        frames.append(_tag(th[["n", "excess_risk"]], "theory", d=d, kernel=kernel))
        sim = simulate("kernel-ridge", trials=3 if fast else 10, seed=2, n=sim_ns, d=d, n_test=500 if fast else 2000,
                       **kk).to_frame()
        plot.plot_points(ax, sim, "n", "excess_risk", color=color, label=f"{kernel}: kernel matrix")
        frames.append(_tag(sim[["n", "excess_risk", "excess_risk_se"]], "simulation", d=d, kernel=kernel))
    for k in (1, 2, 3):
        ax.axvline(multiplicity(d, k), color="0.75", lw=0.6, ls=":")
    plot.finish(ax, "samples n  (dotted: N(d, k), k = 1, 2, 3)", "excess risk", ylim=(0, 2.0),
                title=f"d = {d}: theory vs actual kernel ridge")
    return fig, pd.concat(frames, ignore_index=True)


register(Figure(
    "mm-double-descent",
    "Mei–Montanari random features: test error vs N/n for several penalties (and optimal λ), "
    "noise levels and linear features; simulation points from real random features on the sphere",
    mm_double_descent,
    "Mei & Montanari, arXiv:1908.05355, double-descent figures (ReLU, n/d = 3) [parameter values "
    "chosen here, not read from the paper]",
))
register(Figure(
    "kernel-staircase",
    "Kernel ridge regression on the sphere: staircase learning curve in log n / log d, its "
    "polynomial-regime limit, and kernel ridge with the actual kernel matrix",
    kernel_staircase,
    "Ghorbani–Mei–Misiakiewicz–Montanari (arXiv:1904.12191); Misiakiewicz (arXiv:2204.10425); "
    "Xiao et al. (arXiv:2205.14846)",
))

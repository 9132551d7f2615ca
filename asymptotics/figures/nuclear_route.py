"""The nuclear route: l2-regularized quadratic networks as nuclear-norm PSD sensing (Erba et al. 2025 setting).

``nuclear-route``: (a) test and train error against the sample ratio n/d² for several teacher
widths kappa_star at a small penalty, with the interpolation thresholds of the lam -> 0+ limit
(dotted) and the recovery thresholds of the noiseless problem (ticks); (b) the same for several
penalties at kappa_star = 1/2; (c) the spectrum of the learned matrix S = W'W at one point: the
theory's density of its positive eigenvalues and fraction of zero eigenvalues against the
eigenvalues of the convex solution on real quadratic-network data. Lines: the ``nuclear-route``
state evolution (derived here); points: the convex problem solved on the network's data (which
gradient descent on the network reaches, see the tests). At d ~ 30 the simulated errors exceed the
limit by ~10-20% (finite-size effect of the non-Gaussian quadratic measurements).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot
from ..api import curve, evaluate
from ..models import nuclear_route as model
from ..simulate import simulate
from ..simulate import nuclear_route as twin
from . import Figure, register


def _errors(ax, alphas, sim_alphas, fixed, color, label, d, trials, nodes):
    th = curve("nuclear-route", sweep={"alpha": alphas}, nodes=nodes, **fixed)
    plot.plot_curve(ax, th, "alpha", "test_error", label=label, color=color)
    plot.plot_curve(ax, th, "alpha", "train_error", color=color, ls="--", lw=0.8)
    sims = []
    for a in sim_alphas:
        sims.append(simulate("nuclear-route", d=d, trials=trials, seed=3, alpha=a, **fixed).to_frame())
    sim = pd.concat(sims, ignore_index=True)
    plot.plot_points(ax, sim, "alpha", "test_error", color=color)
    plot.plot_points(ax, sim, "alpha", "train_error", color=color, fmt="s", mfc="none")
    keep = ["alpha", "test_error", "train_error", "rank_fraction"]
    return [th[keep].assign(kind="theory", **fixed),
            sim[keep + ["test_error_se", "train_error_se"]].assign(kind="simulation", d=d, **fixed)]


def nuclear_route(fast: bool = False):
    fig, axes = plot.subplots(1, 3, width=3.6)
    frames = []
    noise = 0.1
    if fast:
        alphas, sim_alphas, d, trials, nodes = np.linspace(0.25, 1.15, 4), [0.9], 14, 2, 600
        widths, penalties = [(0.25, "C0"), (1.0, "C3")], []
    else:
        alphas, sim_alphas, d, trials, nodes = np.linspace(0.1, 1.5, 29), [0.2, 0.4, 0.6, 0.9, 1.3], 30, 4, 2000
        widths = [(0.25, "C0"), (0.5, "C1"), (1.0, "C3")]
        penalties = [(0.003, "C0"), (0.05, "C1"), (0.3, "C3")]

    ax = axes[0, 0]
    for ks, color in widths:
        frames += _errors(ax, alphas, sim_alphas, {"lam": 0.01, "noise": noise, "kappa_star": ks}, color,
                          f"κ* = {ks:g}", d, trials, nodes)
        zero = evaluate("nuclear-route", alpha=1.0, lam=0.0, noise=noise, kappa_star=ks, nodes=nodes)
        ax.axvline(zero.interpolation_threshold, color=color, ls=":", lw=0.8)
        ax.plot([zero.recovery_threshold], [0], marker="^", color=color, ms=5, clip_on=False)
    plot.finish(ax, "n / d²", "error (dashed: train)", title=f"(a) widths, λ = 0.01, Δ = {noise:g}", ylim=(0, 3))
    ax.legend(loc="upper right", fontsize=6, frameon=False)

    ax = axes[0, 1]
    for lam, color in penalties:
        frames += _errors(ax, alphas, sim_alphas, {"lam": lam, "noise": noise, "kappa_star": 0.5}, color,
                          f"λ = {lam:g}", d, trials, nodes)
    thr = evaluate("nuclear-route", alpha=1.0, lam=0.0, noise=noise, kappa_star=0.5, nodes=nodes)
    # the lam -> 0+ error has a cusp at the interpolation threshold: resolve it
    # (ζ -> 0 like sqrt(threshold - alpha) from below: a continuous but very sharp peak)
    steps = np.array([-1e-4, 1e-4]) if fast else np.r_[np.linspace(-0.04, 0.04, 9), -1e-3, -1e-4, 1e-4, 1e-3]
    near = thr.interpolation_threshold + steps
    th0 = curve("nuclear-route", sweep={"alpha": np.union1d(alphas, near)}, lam=0.0, noise=noise,
                kappa_star=0.5, nodes=nodes)
    plot.plot_curve(ax, th0, "alpha", "test_error", label="λ → 0+", color="k", lw=0.8)
    frames.append(th0[["alpha", "test_error", "train_error", "rank_fraction"]].assign(
        kind="theory", lam=0.0, noise=noise, kappa_star=0.5))
    ax.axvline(th0.interpolation_threshold.iloc[0], color="k", ls=":", lw=0.8)
    plot.finish(ax, "n / d²", "error (dashed: train)", title="(b) penalties, κ* = 1/2", ylim=(0, 3))
    ax.legend(loc="upper right", fontsize=6, frameon=False)

    ax = axes[0, 2]
    point = {"alpha": 0.6, "lam": 0.05, "noise": noise, "kappa_star": 0.5}
    eig, dens, atom = model.learned_spectrum(nodes=nodes, **point)
    ax.plot(eig, dens, color="C1", label=f"theory (zero eigenvalues: {atom:.2f})")
    d_spec = 20 if fast else 50
    rng = np.random.default_rng(5)
    values = []
    for _ in range(1 if fast else 3):
        s_star, _, phi, y = twin.draw(rng, d_spec, point["alpha"], point["kappa_star"], noise)
        basis = twin.sym_basis(d_spec)
        theta, _ = twin.solve_psd(phi.T @ phi / d_spec, phi.T @ y / d_spec, point["lam"], d_spec, basis)
        values.append(np.linalg.eigvalsh(twin._unvec(theta, d_spec, basis)))
    values = np.concatenate(values)
    positive = values[values > 1e-8 * values.max()]
    ax.hist(positive, bins=25, density=True, weights=None, color="0.6", alpha=0.6,
            label=f"convex fit, d = {d_spec} (zero: {1 - positive.size / values.size:.2f})")
    # the histogram is normalized over the positive eigenvalues: rescale the theory likewise
    ax.lines[-1].set_ydata(dens / (1 - atom))
    frames.append(pd.DataFrame({"eigenvalue": eig, "density_positive": dens / (1 - atom)}).assign(
        kind="theory-spectrum", zero_fraction=atom, **point))
    frames.append(pd.DataFrame({"eigenvalue": values}).assign(kind="simulation-spectrum", d=d_spec, **point))
    plot.finish(ax, "eigenvalue of S = W'W", "density of the positive eigenvalues",
                title="(c) spectrum of S, n/d² = 0.6, λ = 0.05")
    ax.legend(loc="upper right", fontsize=6, frameon=False)
    return fig, pd.concat(frames, ignore_index=True)


register(Figure(
    "nuclear-route",
    "quadratic networks with l2 penalty = nuclear-norm PSD sensing: test/train error vs n/d² for several "
    "teacher widths and penalties with the interpolation and recovery thresholds, and the learned "
    "spectrum; state evolution (derived here) and convex fits on the network's data",
    nuclear_route,
    "Erba, Troiani, Zdeborová, Krzakala, arXiv:2505.17958 (setting from the abstract; equations, figure "
    "and sizes derived/chosen here)",
))

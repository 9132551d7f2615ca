"""Learning curves over training time: theory (spectral formula / DMFT) against real gradient descent.

* ``gd-early-stopping``: gradient flow on least squares, train and test error vs time (log scale)
  for an under- and an over-parameterized ratio, the early-stopping optimum marked; lines from the
  Marchenko–Pastur formula, dots from gradient flow on Gaussian data (exact flow from one SVD).
* ``dmft-glm-logistic``: gradient descent on logistic regression with noisy labels, train and test
  misclassification vs time; lines from the DMFT (sampled paths), dots from real GD.
* ``spherical-spin-energy``: energy per spin vs time for the spherical 2-spin (closed form) and
  3-spin (DMFT) under gradient flow, with simulations.
* ``dmft-sgd-gmm``: full-batch GD vs mini-batch SGD (batch fraction b = 1, 0.3, 0.1) on two-cluster
  Gaussian-mixture classification (alpha = n/d = 2, Δ = 0.5, logistic loss): training loss and test
  misclassification vs time, lines from the DMFT (``dmft-gmm``), dots from real SGD (the setting
  of Mignacco, Krzakala, Urbani, Zdeborová 2020, THEORY.md E3).
"""

from __future__ import annotations

import numpy as np

from . import Figure, register


def _gd_early_stopping(fast: bool):
    import pandas as pd

    from .. import evaluate, simulate
    from ..plot import finish, plot_points, subplots

    gammas = (0.8, 1.5)
    noise, signal = 0.5, 1.0
    t_line = np.geomspace(0.05, 1e3, 80 if fast else 300)
    t_sim = np.geomspace(0.1, 500, 6 if fast else 12)
    n, trials = (100, 3) if fast else (400, 20)
    fig, axes = subplots(1, 2, width=4.0, height=3.1)
    rows = []
    for ax, gamma in zip(axes[0], gammas):
        th = evaluate("gd-least-squares", gamma=gamma, time=t_line, noise=noise, signal=signal)
        best = int(np.argmin(th.test_error))
        ax.plot(t_line, th.test_error, color="C0", label="test (theory)")
        ax.plot(t_line, th.train_error, color="C1", label="train (theory)")
        ax.axvline(t_line[best], color="0.6", ls=":", lw=1)
        ax.plot([t_line[best]], [th.test_error[best]], "v", color="C0", ms=5,
                label=f"early stop t = {t_line[best]:.3g}")
        sim = simulate("gd-least-squares", n=n, trials=trials, seed=0, gamma=gamma, time=t_sim,
                       noise=noise, signal=signal).to_frame()
        plot_points(ax, sim, "time", "test_error", color="C0", label=f"GD, n = {n}")
        plot_points(ax, sim, "time", "train_error", color="C1")
        ax.set_xscale("log")
        finish(ax, "training time t", "error", title=f"gamma = p/n = {gamma:g}, noise = {noise:g}")
        rows.append(pd.DataFrame({"gamma": gamma, "time": t_line, "test_error": th.test_error,
                                  "train_error": th.train_error, "source": "theory"}))
        sim = sim.assign(source="simulation")
        rows.append(sim[["gamma", "time", "test_error", "train_error", "test_error_se",
                         "train_error_se", "source"]])
    return fig, pd.concat(rows, ignore_index=True)


def _dmft_glm_logistic(fast: bool):
    import pandas as pd

    from .. import simulate
    from ..dmft import solve_glm
    from ..plot import finish, plot_points, subplots

    kw = dict(alpha=3.0, step=0.5, noise=0.25, loss="logistic", teacher="sign")
    t_max = 20.0 if fast else 100.0
    paths = 512 if fast else 4096
    d, trials = (200, 3) if fast else (1000, 10)
    theory = solve_glm(time=t_max, paths=paths, **kw)
    grid = theory.times[1:]
    t_sim = np.unique(np.round(np.geomspace(0.5, t_max, 6 if fast else 10) / kw["step"]) * kw["step"])
    sim = simulate("dmft-glm", d=d, trials=trials, seed=0, time=t_sim, paths=paths, **kw).to_frame()
    fig, axes = subplots(1, 1, width=4.4, height=3.2)
    ax = axes[0, 0]
    ax.plot(grid, theory.test_error[1:], color="C0", label="test error (DMFT)")
    ax.plot(grid, theory.train_error[1:], color="C1", label="train error (DMFT)")
    plot_points(ax, sim, "time", "test_error", color="C0", label=f"GD, d = {d}")
    plot_points(ax, sim, "time", "train_error", color="C1")
    ax.set_xscale("log")
    finish(ax, "training time t", "misclassification",
           title=f"logistic regression, alpha = n/d = {kw['alpha']:g}, label noise {kw['noise']:g}")
    data = pd.concat([
        pd.DataFrame({"time": theory.times, "test_error": theory.test_error,
                      "train_error": theory.train_error, "source": "dmft"}),
        sim[["time", "test_error", "train_error", "test_error_se", "train_error_se"]].assign(
            source="simulation"),
    ], ignore_index=True)
    return fig, data


def _spherical_energy(fast: bool):
    import pandas as pd

    from .. import evaluate, simulate
    from ..plot import finish, plot_points, subplots

    t = np.geomspace(0.05, 20 if fast else 50, 60 if fast else 150)
    dt = 0.05 if fast else 0.02
    fig, axes = subplots(1, 1, width=4.4, height=3.2)
    ax = axes[0, 0]
    rows = []
    for p, color in ((2, "C0"), (3, "C3")):
        th = evaluate("spherical-spin", p=p, temperature=0.0, time=t, dt=dt)
        ax.plot(t, th.energy, color=color, label=f"p = {p} ({'closed form' if p == 2 else 'DMFT'})")
        n, trials = ((200, 3) if p == 2 else (48, 3)) if fast else ((1000, 10) if p == 2 else (120, 8))
        ts = np.geomspace(0.1, 2.0 if p == 3 else 10.0, 5)
        sim = simulate("spherical-spin", n=n, trials=trials, seed=0, p=p, temperature=0.0,
                       time=ts).to_frame()
        plot_points(ax, sim, "time", "energy", color=color, label=f"simulation N = {n}")
        rows.append(pd.DataFrame({"p": p, "time": t, "energy": th.energy, "source": "theory"}))
        rows.append(sim[["p", "time", "energy", "energy_se"]].assign(source="simulation"))
    ax.axhline(-1.0, color="C0", ls=":", lw=1)
    ax.axhline(-np.sqrt(4 / 3), color="C3", ls=":", lw=1)
    ax.set_xscale("log")
    finish(ax, "time t", "energy per spin", title="spherical p-spin, gradient flow from a random start")
    return fig, pd.concat(rows, ignore_index=True)


def _dmft_sgd_gmm(fast: bool):
    import pandas as pd

    from .. import simulate
    from ..models.dmft_gmm import solve
    from ..plot import finish, plot_points, subplots

    kw = dict(alpha=2.0, noise=0.5, step=0.5, lam=0.0, loss="logistic")
    t_max = 20.0 if fast else 100.0
    paths = 1024 if fast else 2048
    d, trials = (200, 3) if fast else (1000, 10)
    t_sim = np.unique(np.round(np.geomspace(0.5, t_max, 5 if fast else 9) / kw["step"]) * kw["step"])
    fig, axes = subplots(1, 2, width=4.2, height=3.2)
    rows = []
    for b, color in ((1.0, "C0"), (0.3, "C1"), (0.1, "C3")):
        theory = solve(time=t_max, batch=b, paths=paths, **kw)
        label = "GD (b = 1)" if b == 1 else f"SGD b = {b:g}"
        sim = simulate("dmft-gmm", d=d, trials=trials, seed=0, time=t_sim, batch=b, paths=paths,
                       **kw).to_frame()
        for ax, name in zip(axes[0], ("train_loss", "test_error")):
            ax.plot(theory.times[1:], theory[name][1:], color=color, label=f"{label} (DMFT)")
            plot_points(ax, sim, "time", name, color=color, label=f"real (S)GD, d = {d}" if b == 1 else None)
        rows.append(pd.DataFrame({"batch": b, "time": theory.times, "train_loss": theory.train_loss,
                                  "test_error": theory.test_error, "train_error": theory.train_error,
                                  "source": "dmft"}))
        rows.append(sim[["batch", "time", "train_loss", "test_error", "train_error", "train_loss_se",
                         "test_error_se", "train_error_se"]].assign(source="simulation"))
    titles = (f"Gaussian mixture, alpha = n/d = {kw['alpha']:g}, Δ = {kw['noise']:g}",
              f"logistic loss, step {kw['step']:g}, lam = {kw['lam']:g}")
    for ax, ylabel, title in zip(axes[0], ("training loss", "test misclassification"), titles):
        ax.set_xscale("log")
        finish(ax, "training time t = k step", ylabel, title=title)
    return fig, pd.concat(rows, ignore_index=True)


register(Figure("gd-early-stopping", "train/test error of gradient flow on least squares vs time, "
                "theory (Marchenko–Pastur formula) vs simulation, early-stopping optimum marked",
                _gd_early_stopping, "Advani, Saxe, Sompolinsky 2020 (Fig. of learning curves); "
                "Ali, Kolter, Tibshirani 2019"))
register(Figure("dmft-glm-logistic", "train/test misclassification of gradient descent on logistic "
                "regression vs time, DMFT vs simulation", _dmft_glm_logistic,
                "Mignacco, Krzakala, Urbani, Zdeborová 2020 (style of their Fig. 2)"))
register(Figure("spherical-spin-energy", "energy per spin vs time, spherical 2- and 3-spin gradient "
                "flow: closed form / DMFT vs simulation", _spherical_energy,
                "Cugliandolo–Kurchan 1993; Cugliandolo–Dean 1995"))
register(Figure("dmft-sgd-gmm", "train loss and test error vs time for GD and mini-batch SGD (b = 1, 0.3, "
                "0.1) on two-cluster Gaussian-mixture classification, DMFT vs real SGD", _dmft_sgd_gmm,
                "Mignacco, Krzakala, Urbani, Zdeborová 2020 (NeurIPS), style of their GD vs SGD figures"))

"""Two-layer networks trained by gradient flow: train/test error and complexity vs log time.

* ``two-layer-dynamics``: target tanh(2z) (normalized, signal 1), label noise 0.25, tanh network.
  (a) Lazy (NTK parametrization): train and test error for n/d = 2 and 8, lines from
  ``two-layer-lazy`` (exact at m = inf, proportional n/d), dots from real networks of widths
  m = 256 and 1024: learning on t ~ 1, memorization of the training noise on t ~ n/d with a
  flat test error. (b) Mean-field parametrization, n/d = 4 and 16, widths 128 and 512: the real
  network against the n/d = inf population flow (``two-layer-population``, dashed), which it
  follows during feature learning; later it interpolates and the test error rises. (c) The
  mean-field networks' path norm (complexity) and alignment with the target direction: the
  complexity keeps growing on a slow time scale after the population flow has converged, while
  the alignment falls ("feature unlearning"). The finite-n/d theory of (b)–(c) (the DMFT of
  Montanari & Urbani 2025) is not derived here: those panels compare with the n/d = inf limit
  only.
"""

from __future__ import annotations

import numpy as np

from . import Figure, register

COMMON = dict(activation="tanh", target="tanh", signal=1.0, noise=0.25)


def _sim(times, trials, **kw):
    from ..simulate.two_layer import train_network

    runs = [train_network(times=times, seed=s, **COMMON, **kw) for s in range(trials)]
    out = {}
    for name in runs[0]:
        vals = np.array([r[name] for r in runs])
        out[name] = vals.mean(0)
        out[name + "_se"] = vals.std(0, ddof=1) / np.sqrt(trials) if trials > 1 else np.zeros(len(times))
    return out


def _make(fast: bool):
    import pandas as pd

    from .. import evaluate
    from ..plot import finish, subplots

    t_end = 100.0 if fast else 1000.0
    t_line = np.geomspace(0.05, t_end, 60 if fast else 160)
    t_sim = np.geomspace(0.3, t_end, 6 if fast else 12)
    trials = 2 if fast else 3
    d_lazy, widths_lazy = (16, (64, 128)) if fast else (40, (256, 1024))
    d_mf, widths_mf = (12, (32, 64)) if fast else (32, (128, 512))
    fig, axes = subplots(1, 3, width=4.0, height=3.3)
    ax_l, ax_m, ax_c = axes[0]
    ax_a = ax_c.twinx()
    rows = []
    markers = ("o", "s")
    for color, alpha in zip(("C0", "C3"), (2.0, 8.0)):
        th = evaluate("two-layer-lazy", alpha=alpha, time=t_line, **COMMON)
        ax_l.plot(t_line, th.test_error, color=color, lw=1.5, label=f"test, n/d = {alpha:g}")
        ax_l.plot(t_line, th.train_error, color=color, lw=1, ls="--", label=f"train, n/d = {alpha:g}")
        rows.append(pd.DataFrame({"panel": "lazy", "alpha": alpha, "time": t_line, "test_error": th.test_error,
                                  "train_error": th.train_error, "displacement": th.displacement,
                                  "source": "two-layer-lazy"}))
        for marker, m in zip(markers, widths_lazy):
            s = _sim(t_sim, trials, d=d_lazy, n=int(alpha * d_lazy), m=m, scaling="ntk", max_step=1.0)
            for key, fill in (("test_error", color), ("train_error", "white")):
                ax_l.errorbar(t_sim, s[key], yerr=2 * s[key + "_se"], fmt=marker, ms=3.5, color=color,
                              mfc=fill, capsize=1.5, lw=0.8,
                              label=f"m = {m}" if key == "test_error" and alpha == 2.0 else None)
            rows.append(pd.DataFrame({"panel": "lazy", "alpha": alpha, "m": m, "d": d_lazy, "time": t_sim,
                                      **s, "source": "simulation"}))
    ax_l.set_xscale("log")
    finish(ax_l, "time t", "mean squared error", legend=False, title="(a) lazy (NTK) regime")
    ax_l.legend(fontsize=6, frameon=False)

    pop = evaluate("two-layer-population", time=t_line, **COMMON)
    ax_m.plot(t_line, pop.test_error, color="k", ls="--", lw=1.2, label="n/d = inf (population)")
    ax_c.plot(t_line, pop.path_norm, color="k", ls="--", lw=1.2, label="path norm, n/d = inf")
    ax_a.plot(t_line, pop.alignment, color="k", ls=":", lw=1.2, label="alignment, n/d = inf")
    rows.append(pd.DataFrame({"panel": "mean-field", "alpha": np.inf, "time": t_line, "test_error": pop.test_error,
                              "path_norm": pop.path_norm, "alignment": pop.alignment,
                              "source": "two-layer-population"}))
    for color, alpha in zip(("C2", "C4"), (4.0, 16.0)):
        for marker, m in zip(markers, widths_mf):
            s = _sim(t_sim, trials, d=d_mf, n=int(alpha * d_mf), m=m, scaling="mean-field", max_step=0.25)
            for key, fill in (("test_error", color), ("train_error", "white")):
                ax_m.errorbar(t_sim, s[key], yerr=2 * s[key + "_se"], fmt=marker, ms=3.5, color=color, mfc=fill,
                              capsize=1.5, lw=0.8,
                              label=f"n/d = {alpha:g}, m = {m}" if key == "test_error" else None)
            if m == widths_mf[-1]:
                ax_c.plot(t_sim, s["path_norm"], marker + "-", color=color, ms=3.5, lw=0.8,
                          label=f"path norm, n/d = {alpha:g}")
                ax_a.plot(t_sim, s["alignment"], marker + ":", color=color, ms=3.5, lw=0.8, mfc="white",
                          label=f"alignment, n/d = {alpha:g}")
            rows.append(pd.DataFrame({"panel": "mean-field", "alpha": alpha, "m": m, "d": d_mf, "time": t_sim,
                                      **s, "source": "simulation"}))
    ax_m.set_xscale("log")
    finish(ax_m, "time t", "mean squared error", legend=False,
           title="(b) mean field: test (filled), train (open)")
    ax_m.legend(fontsize=6, frameon=False)
    ax_c.set_xscale("log")
    finish(ax_c, "time t", "path norm (1/m) Σ|a_j| ||w_j|| (solid)", legend=False,
           title=f"(c) mean field, m = {widths_mf[-1]}: complexity, alignment")
    ax_a.set_ylabel("alignment mean |w_j·θ̂|/||w_j|| (dotted)")
    ax_a.set_ylim(0, 1.05)
    handles = ax_c.get_legend_handles_labels()
    more = ax_a.get_legend_handles_labels()
    ax_c.legend(handles[0] + more[0], handles[1] + more[1], fontsize=6, frameon=False, loc="upper left")
    return fig, pd.concat(rows, ignore_index=True)


register(Figure("two-layer-dynamics", "two-layer networks under gradient flow: lazy regime (exact theory "
                "vs networks), mean-field regime (population flow vs networks), complexity and "
                "alignment vs log time", _make,
                "Montanari & Urbani 2025 (arXiv:2502.21269), theory here: lazy limit and n/d = inf flow"))

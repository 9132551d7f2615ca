"""Weak-to-strong generalization in ridge regression (Moniri & Hassani 2025 setting).

``weak-to-strong``: (a) isotropic data, an over-parameterized ridge teacher (p/n_t = 2) and a
student with four times more fresh samples: student and teacher test error against the student's
penalty for an under-regularized, a moderately and an optimally regularized teacher; the region
where the student beats its teacher (gain > 0) is shaded. (b) The aligned-penalty mechanism: an
optimally tuned plain-ridge teacher, a plain-ridge student (never better) and a student whose
penalty matrix is aligned with the target (better on a whole range of penalties). Lines: the
deterministic equivalent of the ``weak-to-strong`` model (derived here); points: real ridge fits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import plot, spectra
from ..api import curve
from ..simulate import simulate
from . import Figure, register


def _shade(ax, frame, color):
    """Shade between the teacher's and the student's error where the student is better."""
    x = frame.lam_student.to_numpy()
    ax.fill_between(x, frame.student_error, frame.teacher_error, where=frame.gain.to_numpy() > 0,
                    color=color, alpha=0.18, lw=0, interpolate=True)


def weak_to_strong(fast: bool = False):
    fig, axes = plot.subplots(1, 2, width=4.3)
    frames = []
    lam_s = np.geomspace(1e-4, 1e2, 50 if fast else 200)
    sim_lam_s = np.array([1e-3, 1e-2, 0.1, 1.0, 10.0])
    trials = 3 if fast else 20

    # (a) isotropic: the teacher's regularization decides whether the student can win
    ax = axes[0, 0]
    base = {"gamma_teacher": 2.0, "gamma_student": 0.5, "signal": 1.0, "noise": 0.5}
    lam_opt = base["noise"] * base["gamma_teacher"] / base["signal"]
    p = 100 if fast else 300
    for lam_t, color in [(1e-3, "C3"), (0.1, "C1"), (lam_opt, "C0")]:
        th = curve("weak-to-strong", sweep={"lam_student": lam_s}, lam_teacher=lam_t, **base)
        label = "optimal" if lam_t == lam_opt else f"{lam_t:g}"
        plot.plot_curve(ax, th, "lam_student", "student_error", label=f"student, λ_t = {label}", logx=True,
                        color=color)
        ax.axhline(th.teacher_error.iloc[0], color=color, ls="--", lw=0.8)
        _shade(ax, th, color)
        frames.append(th[["lam_student", "student_error", "teacher_error", "gain"]].assign(
            kind="theory", panel="isotropic", lam_teacher=lam_t))
        sim = simulate("weak-to-strong", p=p, trials=trials, seed=1, lam_teacher=lam_t, lam_student=sim_lam_s,
                       **base).to_frame()
        plot.plot_points(ax, sim, "lam_student", "student_error", color=color)
        frames.append(sim[["lam_student", "student_error", "student_error_se", "teacher_error", "gain",
                           "gain_se"]].assign(kind="simulation", panel="isotropic", lam_teacher=lam_t, p=p))
    plot.finish(ax, "student penalty λ_s", "test error",
                title="(a) Σ = I, p/n_t = 2, p/n_s = 1/2", ylim=(1.0, 1.6))
    ax.plot([], [], color="0.4", ls="--", lw=0.8, label="teachers")
    ax.legend(loc="lower left", fontsize=6, frameon=False)

    # (b) the aligned-penalty mechanism against an optimally tuned teacher
    ax = axes[0, 1]
    dim, n_t, n_s, noise = (200, 200, 400, 0.5) if fast else (300, 300, 600, 0.5)
    spec = spectra.two_level(dim, fraction=0.2, high=1.0, low=1.0, signal=1.0, alignment="top")
    block = int(round(0.2 * dim))
    weights = np.where(np.arange(dim) < block, 1.0, 100.0)
    common = {"n_teacher": n_t, "n_student": n_s, "lam_teacher": noise * dim / (n_t * spec.signal),
              "noise": noise, "spectrum": spec}
    for name, w, color in [("plain ridge student", None, "C7"), ("aligned-penalty student", weights, "C2")]:
        extra = {} if w is None else {"student_weights": w}
        th = curve("weak-to-strong", sweep={"lam_student": lam_s}, **common, **extra)
        plot.plot_curve(ax, th, "lam_student", "student_error", label=name, logx=True, color=color)
        _shade(ax, th, color)
        frames.append(th[["lam_student", "student_error", "teacher_error", "gain"]].assign(
            kind="theory", panel="aligned", student=name))
        sim = simulate("weak-to-strong", trials=trials, seed=2, lam_student=sim_lam_s, **common, **extra).to_frame()
        plot.plot_points(ax, sim, "lam_student", "student_error", color=color)
        frames.append(sim[["lam_student", "student_error", "student_error_se", "teacher_error", "gain",
                           "gain_se"]].assign(kind="simulation", panel="aligned", student=name))
    ax.axhline(th.teacher_error.iloc[0], color="k", ls="--", lw=0.8, label="tuned teacher")
    plot.finish(ax, "student penalty λ_s", "test error",
                title=f"(b) target on {block}/{dim} coords, Γ_s = 1 / 100",
                ylim=(0.7, 1.6))
    ax.legend(loc="upper left", fontsize=6, frameon=False)
    return fig, pd.concat(frames, ignore_index=True)


register(Figure(
    "weak-to-strong",
    "ridge teacher -> ridge student: student and teacher test error vs the student's penalty for several "
    "teacher penalties, the weak-to-strong region shaded, and the aligned-penalty mechanism; theory "
    "(derived here) and real ridge fits",
    weak_to_strong,
    "Moniri & Hassani, arXiv:2505.18346 (setting from the abstract; the equations, figure and sizes are "
    "derived/chosen here)",
))

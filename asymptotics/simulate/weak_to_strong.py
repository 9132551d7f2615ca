"""Monte Carlo twin of ``weak-to-strong``: a real ridge teacher labels fresh data for a real ridge student.

Each trial draws the teacher's data ``X_t`` (n_t x p, rows ``N(0, Σ)``, Σ diagonal in its
eigenbasis, which loses no generality for Gaussian data), ``y_t = X_t β + ε`` with
``ε ~ N(0, noise)``, and the student's fresh covariates ``X_s`` (n_s x p). The weighted ridges

    β_t = (X_t'X_t + n_t lam_t Γ_t)^{-1} X_t'y_t,      β_s = (X_s'X_s + n_s lam_s Γ_s)^{-1} X_s'X_s β_t

are ridges on the features ``X Γ^{-1/2}`` mapped back by ``Γ^{-1/2}``; each is computed from ONE
thin SVD per data set (``RidgePath`` of the ``ridge`` twin), reused across every teacher and
student penalty of the trial (common random numbers). Observables are exact given the draw
(Σ and β known): ``teacher_error = ||β_t - β||²_Σ + noise``, the same for the student,
``gain`` their difference, ``disagreement = ||β_s - β_t||²_Σ``, the two training errors, the
empirical renormalized ridges ``lam/(1 - df1)`` (NaN at lam = 0, as in ``ridge``) and ``signal``.
"""

from __future__ import annotations

import numpy as np

from ..validation import ParameterError
from ._registry import Simulator, register_simulator
from .ridge import RidgePath


OBSERVABLES = ("teacher_error", "student_error", "teacher_excess_risk", "student_excess_risk", "gain",
               "disagreement", "teacher_train_error", "student_train_error", "kappa_teacher",
               "kappa_student", "signal")


def _fit_path(x, weights):
    """A RidgePath for the features x Γ^{-1/2} (per-sample penalty), Γ = diag(weights)."""
    return RidgePath.fit(x / np.sqrt(weights), np.zeros(x.shape[0]))


def _coefficients(path, y, lams, weights):
    """β̂ = Γ^{-1/2} (ridge of y on x Γ^{-1/2}) for each penalty: (p, L)."""
    g, _, _ = path.filters(lams)
    z = path.u.T @ y
    return (path.v @ (g * z).T) / np.sqrt(weights)[:, None]


def _empirical_kappa(path, lams):
    _, h, _ = path.filters(lams)
    df1 = h.sum(axis=1) / path.u.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(lams > 0, lams / (1 - df1), np.nan)


def _run(rng, s, beta, noise, n_t, n_s, lam_t, lam_s, w_t, w_s):
    lam_t = np.atleast_1d(np.asarray(lam_t, dtype=float))
    lam_s = np.broadcast_to(np.atleast_1d(np.asarray(lam_s, dtype=float)), lam_t.shape)
    sq = np.sqrt(s)
    x_t = rng.standard_normal((n_t, s.size)) * sq
    y_t = x_t @ beta + np.sqrt(noise) * rng.standard_normal(n_t)
    x_s = rng.standard_normal((n_s, s.size)) * sq
    teacher_path = _fit_path(x_t, w_t)
    student_path = _fit_path(x_s, w_s)
    uniq, inverse = np.unique(lam_t, return_inverse=True)
    beta_t_all = _coefficients(teacher_path, y_t, uniq, w_t)  # (p, U)
    beta_t = beta_t_all[:, inverse]  # (p, L)
    labels = x_s @ beta_t  # teacher labels of the student's data, (n_s, L)
    g, _, _ = student_path.filters(lam_s)
    z = student_path.u.T @ labels  # (r, L)
    beta_s = (student_path.v @ (g.T * z)) / np.sqrt(w_s)[:, None]
    err_t = beta_t - beta[:, None]
    err_s = beta_s - beta[:, None]
    teacher_error = s @ err_t ** 2 + noise
    student_error = s @ err_s ** 2 + noise
    return {
        "teacher_error": teacher_error,
        "student_error": student_error,
        "teacher_excess_risk": teacher_error - noise,
        "student_excess_risk": student_error - noise,
        "gain": teacher_error - student_error,
        "disagreement": s @ (beta_s - beta_t) ** 2,
        "teacher_train_error": np.mean((y_t[:, None] - x_t @ beta_t) ** 2, axis=0),
        "student_train_error": np.mean((labels - x_s @ beta_s) ** 2, axis=0),
        "kappa_teacher": _empirical_kappa(teacher_path, uniq)[inverse],
        "kappa_student": _empirical_kappa(student_path, lam_s),
        "signal": np.full(lam_t.shape, float(s @ beta ** 2)),
    }


def _iso_sizes(params, sizes):
    p = sizes["p"]
    n_t = int(round(p / params.gamma_teacher))
    n_s = int(round(p / params.gamma_student))
    if n_t < 1 or n_s < 1:
        raise ParameterError(f"weak-to-strong: p = {p} gives n_teacher = {n_t}, n_student = {n_s}; "
                             f"need at least one sample each (increase 'p')")
    return p, n_t, n_s


def _isotropic_trial(params, sizes, rng):
    p, n_t, n_s = _iso_sizes(params, sizes)
    direction = rng.standard_normal(p)
    beta = direction * np.sqrt(params.signal) / np.linalg.norm(direction)
    ones = np.ones(p)
    return _run(rng, ones, beta, params.noise, n_t, n_s, params.lam_teacher, params.lam_student, ones, ones)


def _isotropic_effective(params, sizes):
    p, n_t, n_s = _iso_sizes(params, sizes)
    return {"gamma_teacher": p / n_t, "gamma_student": p / n_s}


def _integer(name, value):
    if value != int(value):
        raise ParameterError(f"weak-to-strong: simulation needs an integer sample size '{name}'; got {value!r}")
    return int(value)


def _general_trial(params, sizes, rng):
    n_t = _integer("n_teacher", params.n_teacher)
    n_s = _integer("n_student", params.n_student)
    return _run(rng, params.eigenvalues, params.target, params.noise, n_t, n_s, params.lam_teacher,
                params.lam_student, params.teacher_weights, params.student_weights)


register_simulator(Simulator(
    model="weak-to-strong", variant="isotropic", trial=_isotropic_trial, observables=OBSERVABLES,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * s["p"] ** 2 * (1 / p.gamma_teacher + 1 / p.gamma_student),
    sizes={"p": "dimension; n_teacher = round(p/gamma_teacher), n_student = round(p/gamma_student)"},
    vectorized=("lam_teacher", "lam_student"), effective=_isotropic_effective,
    description="x ~ N(0, I_p), β uniform on the sphere of radius sqrt(signal); ridge teacher -> ridge "
                "student, one SVD per data set",
    example={"p": 100, "gamma_teacher": 2.0, "gamma_student": 0.5, "lam_teacher": 0.01,
             "lam_student": 0.3, "signal": 1.0, "noise": 0.5},
))
register_simulator(Simulator(
    model="weak-to-strong", variant="general", trial=_general_trial, observables=OBSERVABLES,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * (float(p.n_teacher) + float(p.n_student)) * p.eigenvalues.size,
    vectorized=("lam_teacher", "lam_student"),
    description="x ~ N(0, diag(eigenvalues)), β = target; weighted ridges (penalty Γ diagonal in Σ's "
                "eigenbasis), one SVD per data set",
    example={"n_teacher": 100, "n_student": 400, "lam_teacher": 1e-3, "lam_student": 0.05, "noise": 0.5,
             "spectrum": "power-law:p=300,decay=1.5,source=0.5"},
))

"""Weak-to-strong generalization in ridge regression: a ridge student trained on a ridge teacher's labels.

Setting (Moniri & Hassani 2025, arXiv:2505.18346, the ridge and weighted-ridge mechanisms; only
their abstract was available here, so every equation below is DERIVED HERE and checked by Monte
Carlo and limits, not read in the paper). Covariates ``x ~ N(0, Σ)`` in ``R^p``, target
``y = x'β + ε``, ``Var ε = noise``.

- Teacher: ``n_teacher`` samples ``(X_t, y_t)`` with true labels, weighted ridge
  ``β_t = (X_t'X_t + n_t lam_teacher Γ_t)^{-1} X_t'y_t``.
- Student: ``n_student`` FRESH covariates ``X_s`` labelled by the teacher, ``ỹ = X_s β_t`` (no
  extra noise), weighted ridge ``β_s = (X_s'X_s + n_s lam_student Γ_s)^{-1} X_s'X_s β_t``.

Penalties are per sample (the ``ridge`` model's ``lam``; 0 = minimum-norm interpolation, the limit
lam -> 0+). ``Γ_t, Γ_s`` are penalty matrices ALIGNED with Σ (diagonal in its eigenbasis, entries
``teacher_weights``, ``student_weights`` > 0; default 1 = plain ridge): the weighted-ridge
mechanism is a student whose penalty is better aligned with the target (e.g. ``Γ_s = Σ^{-1/2}``
penalizes low-variance directions more).

Deterministic equivalent (derived here from the first- and second-order equivalents of the ridge
resolvent, the ``ridge`` model's renormalized ridge). For each estimator the renormalized ridge
``κ`` solves ``lam = κ (1 - Σ_i a_i / n)`` with the shrinkage factors ``a_i = s_i/(s_i + κ g_i)``
(``s_i`` eigenvalues of Σ, ``g_i`` penalty weights: a weighted ridge is the ``ridge`` model on the
spectrum ``s/g`` with target ``sqrt(g) β``). Write ``a`` (teacher, κ_t, n_t), ``b`` (student, κ_s,
n_s), ``γ_s = Σ b²/n_s``, and ``E_t`` the teacher's test error (the ``ridge`` formula
``E_t = [Σ s (1-a)² t² + noise] / (1 - Σ a²/n_t)``, ``t = β`` in Σ's eigenbasis). Then

1. the teacher is, in distribution of its quadratic forms, ``β_t ≈ a ⊙ β + w`` with independent
   ``w_i`` of variance ``a_i² E_t / (n_t s_i)`` (the Gaussian sequence model of ridge);
2. conditionally on ``β_t``, the student's error is its mean part plus its own sampling variance,
   ``||b ⊙ β_t - β||²_Σ + γ_s/(1-γ_s) ||(1-b) ⊙ β_t||²_Σ``;

so, averaging over the teacher (``C = Σ s a²(1-b)² t² + (E_t/n_t) Σ a²(1-b)²``),

    student_excess_risk = Σ s (1 - a b)² t² + (E_t/n_t) Σ a² b² + γ_s C / (1 - γ_s),
    disagreement        = E_x (x'(β_s - β_t))² = C / (1 - γ_s),
    student_train_error = (1/n_s)||X_s β_t - X_s β_s||² = (1 - Σ b/n_s)² disagreement,

``student_error = student_excess_risk + noise`` and ``gain = teacher_error - student_error``
(> 0: the student beats its teacher, weak-to-strong generalization). The teacher's observables are
the ``ridge`` model's.

Regimes and limits (tested): ``lam_student -> ∞`` gives the null risk ``β'Σβ + noise``;
``n_student -> ∞`` with ``lam_student -> 0`` gives the teacher back; an oracle teacher (``n_t ->
∞``, ``lam_t -> 0``) makes the student a noiseless ridge; an under-parameterized ridgeless student
(``lam_student = 0``, ``n_student >= rank Σ``, κ_s = 0) copies its teacher exactly (``gain = 0``),
and so does one at its interpolation peak (``n_student = rank Σ``); an over-parameterized ridgeless
student (``n_student < rank Σ``) interpolates the teacher's labels with κ_s > 0. At the teacher's
own interpolation peak (``lam_teacher = 0``, ``n_teacher = rank Σ``, ``noise > 0``) both errors are
``inf`` on purpose and ``gain`` is ``±inf`` by the sign of ``1 - ρ``, ``ρ`` the coefficient of
``E_t`` in the student's error (``gain = 0`` when the student copies). In the isotropic variant a
student can beat its teacher only if the teacher is under-regularized: at the optimal teacher
penalty ``lam_teacher = noise gamma_teacher / signal`` (the Bayes posterior mean for a Gaussian
prior) ``gain <= 0`` for every student (tested on grids; derived here, the paper's statement is
[src-abstract]).

Isotropic variant: Σ = I, ``gamma_teacher = p/n_t``, ``gamma_student = p/n_s``, ``signal = ||β||²``
(a = 1/(1+κ_t), b = 1/(1+κ_s), closed-form κ's from the ``ridge`` model). General variant: finite
p, ``eigenvalues`` of Σ, ``target`` = β in Σ's eigenbasis (or ``spectrum=``), sample counts
``n_teacher``, ``n_student``, and the optional aligned penalty weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import spectra
from ..symbolic import Average, ParamSpace, System, Unknown
from ..validation import Array, Interval, param
from . import _bibliography as bibliography
from . import ridge
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

# -- symbols (noise, the spectrum components s, t and the isotropic κ closed form come from ridge) --
noise, signal, s, t = ridge.noise, ridge.signal, ridge.s, ridge.t
lam_teacher, lam_student = sp.symbols("lam_teacher lam_student", nonnegative=True)
gamma_teacher, gamma_student = sp.symbols("gamma_teacher gamma_student", nonnegative=True)
n_teacher, n_student = sp.symbols("n_teacher n_student", nonnegative=True)
kappa_teacher, kappa_student = sp.symbols("kappa_teacher kappa_student", nonnegative=True)
g_t, g_s = sp.symbols("g_t g_s", positive=True)  # penalty weights of Γ_t, Γ_s in Σ's eigenbasis
SPECTRUM = ParamSpace("spectrum", {s: "eigenvalues", t: "target", g_t: "teacher_weights",
                                   g_s: "student_weights"})


def _observables(a, b, sig, count_t, count_s, teacher, teacher_peak, student_peak):
    """Observables from the shrinkage factors ``a`` (teacher), ``b`` (student) and three averaging
    operators: ``sig(f) = Σ s t² f``, ``count_t(f) = Σ f / n_t``, ``count_s(f) = Σ f / n_s``.

    ``teacher`` is the ``ridge`` observables dict of the teacher (test_error, train_error, ...).
    """
    e_t = teacher["test_error"]
    gamma_s = count_s(b ** 2)
    c = sig(a ** 2 * (1 - b) ** 2) + e_t * count_t(a ** 2 * (1 - b) ** 2)
    mean_part = sig((1 - a * b) ** 2) + e_t * count_t(a ** 2 * b ** 2)
    # The student copies its teacher exactly when κ_s = 0 (lam_s = 0 and n_s >= rank Σ: b = 1 on
    # every direction that matters), including at its own interpolation peak, where γ_s -> 1 and
    # C -> 0 (C/(1-γ_s) -> 0: the square system is solved exactly).
    copies = sp.Eq(kappa_student, 0)
    disagreement = sp.Piecewise((0, copies), (0, student_peak), (c / (1 - gamma_s), True))
    student_excess = sp.Piecewise((teacher["excess_risk"], copies),
                                  (mean_part + gamma_s * disagreement, True))
    student_error = student_excess + noise
    # At the teacher's peak (E_t = inf) the student's error is ρ E_t + O(1), ρ its coefficient.
    rho = count_t(a ** 2 * b ** 2) + gamma_s / (1 - gamma_s) * count_t(a ** 2 * (1 - b) ** 2)
    gain = sp.Piecewise((0, copies),
                        (sp.oo * sp.sign(1 - rho), sp.And(teacher_peak, noise > 0)),
                        (e_t - student_error, True))
    return {
        "teacher_error": e_t,
        "student_error": student_error,
        "teacher_excess_risk": teacher["excess_risk"],
        "student_excess_risk": student_excess,
        "gain": gain,
        "disagreement": disagreement,
        "teacher_train_error": teacher["train_error"],
        "student_train_error": sp.Piecewise((0, copies), ((1 - count_s(b)) ** 2 * disagreement, True)),
        "kappa_teacher": kappa_teacher,
        "kappa_student": kappa_student,
        "signal": sig(sp.Integer(1)),
    }


def _teacher(df1, df2, bias_num, signal_power, peak, gap1=None, gap2=None):
    """The teacher's ridge observables (``ridge._observables``) in the teacher's symbols."""
    obs = ridge._observables(df1.xreplace({ridge.kappa: kappa_teacher}),
                             df2.xreplace({ridge.kappa: kappa_teacher}), bias_num, signal_power, peak,
                             gap1=gap1, gap2=gap2)
    return {k: v.xreplace({ridge.kappa: kappa_teacher}) for k, v in obs.items()}


# -- isotropic --------------------------------------------------------------------------------
def _iso_kappa(gamma, lam):
    return ridge._ISO_KAPPA.xreplace({ridge.gamma: gamma, ridge.lam: lam})


_a_iso = 1 / (1 + kappa_teacher)
_b_iso = 1 / (1 + kappa_student)
_iso_teacher_peak = sp.And(sp.Eq(lam_teacher, 0), sp.Eq(gamma_teacher, 1))
_iso_student_peak = sp.And(sp.Eq(lam_student, 0), sp.Eq(gamma_student, 1))
_ISO_TEACHER = _teacher(
    gamma_teacher * _a_iso, gamma_teacher * _a_iso ** 2, signal * kappa_teacher ** 2 * _a_iso ** 2, signal,
    _iso_teacher_peak,
    # the ridge model's cancellation-free gaps 1 - γ/(1+κ), 1 - γ/(1+κ)² (exact near the peak)
    gap1=(sp.UnevaluatedExpr(1 - gamma_teacher) + kappa_teacher) / (1 + kappa_teacher),
    gap2=(sp.UnevaluatedExpr(1 - gamma_teacher) + kappa_teacher * (2 + kappa_teacher)) / (1 + kappa_teacher) ** 2,
)
ISOTROPIC = System(
    parameters=(gamma_teacher, gamma_student, lam_teacher, lam_student, signal, noise),
    unknowns=(
        Unknown(kappa_teacher, guess=lam_teacher + gamma_teacher, lower=0.0, doc="teacher's renormalized ridge"),
        Unknown(kappa_student, guess=lam_student + gamma_student, lower=0.0, doc="student's renormalized ridge"),
    ),
    equations=(sp.Eq(kappa_teacher, lam_teacher + kappa_teacher * gamma_teacher * _a_iso),
               sp.Eq(kappa_student, lam_student + kappa_student * gamma_student * _b_iso)),
    solution={kappa_teacher: _iso_kappa(gamma_teacher, lam_teacher),
              kappa_student: _iso_kappa(gamma_student, lam_student)},
    observables=_observables(_a_iso, _b_iso, lambda f: signal * f, lambda f: gamma_teacher * f,
                             lambda f: gamma_student * f, _ISO_TEACHER, _iso_teacher_peak, _iso_student_peak),
)


# -- general covariance, aligned weighted penalties ---------------------------------------------
def _avg(f):
    return Average(f, SPECTRUM)


_a = s / (s + kappa_teacher * g_t)
_b = s / (s + kappa_student * g_s)
_rank = _avg(sp.Heaviside(s, 0))
_teacher_peak = sp.And(sp.Eq(lam_teacher, 0), sp.Eq(n_teacher, _rank))
_student_peak = sp.And(sp.Eq(lam_student, 0), sp.Eq(n_student, _rank))


def _kappa_guess(kappa_sym, lam_sym, n_sym, weight):
    """``ridge``'s starting point (isotropic answer at the mean effective eigenvalue s/g), and the
    exact double root 0 at the interpolation peak."""
    mean_eig = _avg(s / weight) / _avg(sp.Integer(1))
    iso = _iso_kappa(_avg(sp.Integer(1)) / n_sym, lam_sym / mean_eig)
    return sp.Piecewise((0, sp.And(sp.Eq(lam_sym, 0), sp.Eq(n_sym, _rank))), (mean_eig * iso, True))


_GENERAL_TEACHER = _teacher(_avg(_a) / n_teacher, _avg(_a ** 2) / n_teacher,
                            _avg(s * t ** 2 * (1 - _a) ** 2), _avg(s * t ** 2), _teacher_peak)
GENERAL = System(
    parameters=(n_teacher, n_student, lam_teacher, lam_student, noise),
    unknowns=(
        Unknown(kappa_teacher, guess=_kappa_guess(kappa_teacher, lam_teacher, n_teacher, g_t), lower=0.0,
                doc="teacher's renormalized ridge"),
        Unknown(kappa_student, guess=_kappa_guess(kappa_student, lam_student, n_student, g_s), lower=0.0,
                doc="student's renormalized ridge"),
    ),
    equations=(sp.Eq(kappa_teacher, lam_teacher + kappa_teacher * _avg(_a) / n_teacher),
               sp.Eq(kappa_student, lam_student + kappa_student * _avg(_b) / n_student)),
    observables=_observables(_a, _b, lambda f: _avg(s * t ** 2 * f), lambda f: _avg(f) / n_teacher,
                             lambda f: _avg(f) / n_student, _GENERAL_TEACHER, _teacher_peak, _student_peak),
)

_DOC_LAM = ("per-sample ridge penalty of the {who}: (X'X + n lam Γ)^{{-1}} X'y; 0 = minimum-norm "
            "interpolation")


@dataclass(frozen=True, kw_only=True)
class IsotropicParams:
    """Σ = I_p; p/n_t -> gamma_teacher, p/n_s -> gamma_student."""

    gamma_teacher: float = param(domain=_POS, doc="teacher's aspect ratio p/n_teacher", symbol="γ_t")
    gamma_student: float = param(domain=_POS, doc="student's aspect ratio p/n_student", symbol="γ_s")
    lam_teacher: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM.format(who="teacher"), symbol="λ_t")
    lam_student: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM.format(who="student"), symbol="λ_s")
    signal: float = param(1.0, domain=_NONNEG, doc="signal power ||β||²", symbol="r²")
    noise: float = param(1.0, domain=_NONNEG, doc="label-noise variance of the teacher's labels", symbol="σ²")


@dataclass(frozen=True, kw_only=True)
class GeneralParams:
    """Σ by its eigenvalues, β in its eigenbasis; penalty matrices aligned with Σ (finite p)."""

    n_teacher: float = param(domain=_POS, doc="teacher's number of samples (true labels)", symbol="n_t")
    n_student: float = param(domain=_POS, doc="student's number of fresh samples (teacher labels)",
                             symbol="n_s")
    lam_teacher: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM.format(who="teacher"), symbol="λ_t")
    lam_student: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM.format(who="student"), symbol="λ_s")
    noise: float = param(1.0, domain=_NONNEG, doc="label-noise variance of the teacher's labels", symbol="σ²")
    eigenvalues: np.ndarray = param(domain=Array(_NONNEG), doc="eigenvalues of Σ (length p)")
    target: np.ndarray = param(domain=Array(Interval()), doc="β in Σ's eigenbasis (length p)")
    teacher_weights: np.ndarray = param(None, domain=Array(_POS),
                                        doc="eigenvalues of the teacher's penalty matrix Γ_t in Σ's "
                                            "eigenbasis (default 1: plain ridge)")
    student_weights: np.ndarray = param(None, domain=Array(_POS),
                                        doc="eigenvalues of the student's penalty matrix Γ_s in Σ's "
                                            "eigenbasis (default 1: plain ridge)")

    conveniences = {"spectrum": ("eigenvalues", "target")}

    @classmethod
    def expand(cls, values: dict) -> dict:
        """Accept ``spectrum=``; missing penalty weights are ones (plain ridge)."""
        values = spectra.expand_spectrum_argument(values)
        if "eigenvalues" in values:
            for key in ("teacher_weights", "student_weights"):
                if values.get(key) is None:
                    values[key] = np.ones(np.shape(values["eigenvalues"]))
        return values

    def check(self):
        spectra.check_spectrum_arrays("weak-to-strong", self.eigenvalues, target=self.target,
                                      teacher_weights=self.teacher_weights,
                                      student_weights=self.student_weights)


_BIB_MH = """@inproceedings{moniri2025mechanisms,
  title={On the Mechanisms of Weak-to-Strong Generalization: A Theoretical Perspective},
  author={Moniri, Behrad and Hassani, Hamed},
  booktitle={Advances in Neural Information Processing Systems}, year={2025},
  note={arXiv:2505.18346}
}"""

MODEL = register(Model(
    name="weak-to-strong",
    summary="ridge student trained on a ridge teacher's labels: student and teacher test error, "
            "weak-to-strong gain, aligned weighted penalties",
    variants=(
        Variant("isotropic", IsotropicParams, ISOTROPIC,
                "Σ = I, p/n_t -> gamma_teacher, p/n_s -> gamma_student (closed-form renormalized ridges)",
                example={"gamma_teacher": 2.0, "gamma_student": 0.5, "lam_teacher": 0.01,
                         "lam_student": 0.3, "signal": 1.0, "noise": 0.5}),
        Variant("general", GeneralParams, GENERAL,
                "general Σ at finite p, penalty matrices aligned with Σ (weighted ridge)",
                example={"n_teacher": 100, "n_student": 400, "lam_teacher": 1e-3, "lam_student": 0.05,
                         "noise": 0.5, "spectrum": "power-law:p=300,decay=1.5,source=0.5"}),
    ),
    references=(
        Reference("moniri2025mechanisms", _BIB_MH,
                  "setting of mechanisms 1 (ridge teacher -> ridge student, parameterization regimes) "
                  "and 2 (weighted ridge aligned with the target) [src-abstract: only the abstract "
                  "was read; the deterministic equivalent here is derived independently]"),
        Reference("atanasov2024scaling", bibliography.AZP2024,
                  "Sec. 3: renormalized ridge κ and the first/second-order deterministic equivalents "
                  "of the ridge resolvent used in the derivation"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "teacher_error": "teacher's test error E (y - x'β_t)², label noise included",
        "student_error": "student's test error E (y - x'β_s)² against the TRUE labels, noise included",
        "teacher_excess_risk": "teacher_error - noise = ||β_t - β||²_Σ",
        "student_excess_risk": "student_error - noise = ||β_s - β||²_Σ",
        "gain": "teacher_error - student_error (> 0: weak-to-strong generalization)",
        "disagreement": "E_x (x'(β_s - β_t))²: the student's error against its teacher's labels",
        "teacher_train_error": "(1/n_t)||y_t - X_t β_t||² (training labels include noise)",
        "student_train_error": "(1/n_s)||X_s β_t - X_s β_s||² (fit to the teacher's labels)",
        "kappa_teacher": "teacher's renormalized ridge κ_t",
        "kappa_student": "student's renormalized ridge κ_s",
        "signal": "signal power β'Σβ",
    },
))

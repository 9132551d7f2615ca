"""Max-margin linear classifier (hard-margin SVM without intercept) on isotropic Gaussian data.

Setting (Montanari, Ruan, Sohn, Yan 2019/2025, "The generalization error of max-margin linear
classifiers", isotropic case; Deng, Kammoun, Thrampoulidis 2019; Gardner 1988): n samples
``x_i ~ N(0, I_p)`` (unscaled), labels ``y_i in {+1, -1}`` with

    P(y_i = +1 | x_i) = flip + (1 - 2 flip) f(<theta*, x_i>),     ||theta*||² = signal,

``f`` the ``link`` (``sign``: noiseless; ``probit``: Phi; ``logistic``: 1/(1 + e^{-u})), p/n -> psi.
``signal`` is the paper's rho² (the variance of the noiseless score <theta*, x>; irrelevant for the
sign link). The estimator is

    theta_hat = argmax_{||theta||_2 <= 1} min_i y_i <theta, x_i>,   margin kappa_hat = that max-min,

which exists with a positive margin iff the data are linearly separable.

Equations (Gordon's comparison / CGMT; MRSY Thm 2 specialised to Sigma = I, the isotropic
characterisation [recalled, not verified in source: the corpus holds only the paper's abstract and
introduction; the equations below are derived from Gordon's theorem and checked against Monte
Carlo]): write ``theta_hat = c1 theta*/||theta*|| + c2 u`` with ``u ⊥ theta*``, ``c1² + c2² = 1``,
``V = y G`` (G the standardised teacher score) and ``Z ~ N(0, 1)`` independent. The margin kappa
is feasible at (c1, c2) iff ``E (kappa - c1 V - c2 Z)_+^2 <= psi c2²``. With ``t = c1/c2`` this
reads ``F(kappa, t) := E (kappa sqrt(1 + t²) - t V - Z)_+^2 <= psi``, and F is convex in t. So

    kappa*(psi) and t* solve   F(kappa, t) = psi,   dF/dt (kappa, t) = 0,

(the margin is the largest kappa for which the minimum over t of F reaches psi; the solver works in
the coordinates ``a = kappa sqrt(1 + t²)``, t, see :func:`system`), and

    c1* = t*/sqrt(1 + t*²) (= the cosine between theta_hat and theta*),   c2* = 1/sqrt(1 + t*²),
    test_error = P(y (c1* G + c2* Z) < 0) = E Phi(-t* V).

The inner expectation over Z is the closed form ``E (a - Z)_+^2 = (a² + 1) Phi(a) + a phi(a)``.
Separability threshold (Candès & Sur 2020; MRSY): the data are separable w.h.p. iff
``psi > psi* = min_t F(0, t) = min_t E (-t V - Z)_+^2``; ``psi* = 1/2`` for pure-noise labels
(Cover 1965: n = 2p) and 0 for noiseless sign labels. ``evaluate`` raises ParameterError for
``psi <= psi*`` (the max-margin classifier does not exist there) and reports psi* as the
observable ``separability_threshold``. Limits: kappa* -> 0 as psi -> psi*+; kappa* ~ sqrt(psi - 1)
and c1* -> 0 (test error -> 1/2) as psi -> inf: no benign overfitting with isotropic features.
Pure-noise labels (flip = 1/2) reduce to Gardner's capacity: ``E (kappa - Z)_+^2 = psi``.

Variant ``general`` (MRSY's general-covariance setting, finite p): ``x ~ N(0, Sigma)`` with Sigma
given by its eigenvalues and theta* by its coordinates in that basis, n samples; still
``||theta||_2 <= 1``. The score of theta_hat is ``c1 G + c2 Z`` (G the standardised teacher score)
with ``c1² + c2²`` = Var(<theta_hat, x>) (``score_variance``), and the test error is the isotropic
formula in (c1, c2). Its equations are the vanishing-penalty limit of the ``erm`` fixed point for
the hinge loss (see :func:`general_system`), checked against the isotropic equations at Sigma = I,
against ``erm`` at small penalty and against the exact SVM. Separability, being invariant under
x -> Sigma^{-1/2} x, has the isotropic threshold; ``n`` above ``max_samples = p/psi*`` raises.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import spectra
from ..symbolic import Average, Bound, System, Unknown
from ..validation import Array, Interval, param, ParameterError, Parameters
from ._classification import (FLIP_DOMAIN, LINK_DOMAIN, error_moment, label_mean, margin_moment,
                              separability_system)
from . import _bibliography as bibliography
from ._registry import Model, Reference, Variant, register
from . import erm as _erm

psi, signal, flip = sp.symbols("psi signal flip", nonnegative=True)
a, t = sp.symbols("a t", real=True)


_SYSTEMS: dict[str, System] = {}


def system(link: str) -> System:
    """Unknowns ``a = kappa sqrt(1 + t²)`` and ``t``: in these coordinates ``G(a, t) = E (a - t V - Z)_+^2``
    is jointly convex, the feasible set ``G <= psi`` is convex, and ``kappa = a/sqrt(1 + t²)`` is
    maximised on its boundary where ``G = psi`` and ``(1 + t²) G_t + t a G_a = 0`` (stationarity of
    ``a(t)/sqrt(1 + t²)`` along the boundary). Newton in (a, t) converges from the guess below on
    the whole domain (links x flip x signal x psi from the threshold to 1e3, tested), unlike in
    (kappa, t), where the stationarity equation is not convex for kappa < 0."""
    if link not in _SYSTEMS:
        g = margin_moment(a, t, link, signal, flip)
        mean_v = label_mean(link, signal, flip)  # E y G: the labels' alignment
        c2 = 1 / sp.sqrt(1 + t ** 2)
        _SYSTEMS[link] = System(
            parameters=(psi, signal, flip),
            unknowns=(
                # large psi: a ≈ sqrt(psi - 1) and t ≈ E[V]/kappa (sqrt(1 + psi) stays positive)
                Unknown(a, guess=sp.sqrt(1 + psi), doc="kappa sqrt(1 + t²)"),
                Unknown(t, guess=mean_v / sp.sqrt(psi), doc="t = c1/c2"),
            ),
            equations=(sp.Eq(g, psi), ((1 + t ** 2) * sp.diff(g, t) + t * a * sp.diff(g, a)) / g),
            observables={
                "margin": a * c2,
                "c1": t * c2,
                "c2": c2,
                "cosine": t * c2,
                "test_error": error_moment(t, link, signal, flip),
            },
            bounds=(Bound(psi, "above", separability_system(link, psi, signal, flip), observable="separability_threshold",
                          meaning="the separability threshold psi*: below it the data are not "
                                  "linearly separable and the max-margin classifier does not exist",
                          name="separability_threshold"),),
        )
    return _SYSTEMS[link]


# -- general covariance (finite p) ------------------------------------------------------------------
# The hard-margin SVM is the hinge ERM with a vanishing ridge penalty (for separable data the
# soft-margin solution equals the hard-margin one below a finite penalty). Taking lam -> 0 in the
# `erm` fixed point with V_hat V -> A, m_hat V -> M, q_hat V² -> Q and lam V/d -> nu (all finite)
# gives, with the prox of the hinge reduced to max(omega, 1) and scores omega = sqrt(q) xi:
#
#     A = 2 alpha E[Z0 1{omega < 1}],  M = 2 alpha E[dZ0 (1 - omega)_+],  Q = 2 alpha E[Z0 (1 - omega)_+²],
#     1 = (1/d) sum_j s_j/(nu + A s_j),
#     m = M sum_j s_j² b_j²/(nu + A s_j),   q = sum_j (M² s_j² b_j² + Q s_j/d) s_j/(nu + A s_j)²,
#     ||w_hat||² = sum_j (M² s_j² b_j² + Q s_j/d)/(nu + A s_j)²,    margin = 1/||w_hat||,
#
# (alpha = n/d, scores x'w unnormalised, m = b'Sigma w_hat, q = w_hat'Sigma w_hat for the
# margin-one solution). With Sigma = I it reproduces the isotropic equations above (tested to
# 1e-13), and it agrees with `erm` (hinge, lam -> 0, general) and with the exact SVM on
# anisotropic spectra. [derived here; MRSY Sec. 3 give the general-Sigma characterisation in
# their own variables, not transcribed.]
n_samples, dim, power = _erm.n_samples, _erm.dim, _erm.power
s_j, b_j, SPECTRUM = _erm.s_j, _erm.b_j, _erm.SPECTRUM
mean_s = sp.Symbol("mean_eigenvalue", positive=True)
log_nu = sp.Symbol("log_nu", real=True)
A_u, M_u, Q_u = sp.symbols("A M Q", real=True)
_GENERAL: dict[str, System] = {}


def _max_samples_system(link: str) -> System:
    """n* = p/psi*: the largest sample size at which the data are separable (psi* from the link)."""
    base = separability_system(link, psi, power, flip)
    thr = base.observables["separability_threshold"]
    if isinstance(thr, sp.Piecewise):  # noiseless sign labels: psi* = 0, separable at every n
        (_, noiseless), (value, _) = thr.args
        max_samples = sp.Piecewise((sp.oo, noiseless), (dim / value, True))
    else:
        max_samples = dim / thr
    return System(parameters=(n_samples, flip, dim, power), unknowns=base.unknowns,
                  equations=base.equations,
                  observables={"separability_threshold": thr, "max_samples": max_samples})


def general_system(link: str) -> System:
    if link in _GENERAL:
        return _GENERAL[link]
    cos, q = _erm.cos, _erm.q
    z0 = lambda xi: _erm._channel(link, xi)[0]
    dz0 = lambda xi: _erm._channel(link, xi)[1]
    two_d = _erm._channel(link, sp.Integer(0))[2]
    k = 1 / sp.sqrt(q)  # omega = 1
    integral = lambda f, bps, hi=_erm.XI_MAX: _erm._integral(f, bps, hi=hi, two_d=two_d)
    hinge = lambda xi: sp.Piecewise((1 - sp.sqrt(q) * xi, xi < k), (0, True))
    sub = {_erm.alpha: n_samples / dim, _erm.signal: power}
    a_ch = (2 * _erm.alpha * integral(z0, [sp.Integer(0)], hi=_erm._clip(k))).xreplace(sub)
    m_ch = (2 * _erm.alpha * integral(lambda xi: dz0(xi) * hinge(xi), [sp.Min(0, k), sp.Max(0, k)])).xreplace(sub)
    q_ch = (2 * _erm.alpha * integral(lambda xi: z0(xi) * hinge(xi) ** 2, [sp.Min(0, k), sp.Max(0, k)])).xreplace(sub)
    nu = sp.exp(log_nu)
    den = nu + A_u * s_j
    weights = M_u ** 2 * s_j ** 2 * b_j ** 2 + Q_u * s_j / dim
    norm2 = Average(weights / den ** 2, SPECTRUM)
    # Guess: few samples (n << p), where the max-margin direction tends to the minimum-norm
    # interpolator ~ X'y/tr(Sigma): its score covariance and variance, A = 2 alpha, nu = mean(s).
    yg = label_mean(link, power, flip) * sp.sqrt(power)  # E[y x'b]
    trace = dim * mean_s
    m0 = n_samples * yg * Average(s_j ** 2 * b_j ** 2, SPECTRUM) / (power * trace)
    q0 = (n_samples * Average(s_j ** 2, SPECTRUM)
          + n_samples ** 2 * yg ** 2 * Average(s_j ** 3 * b_j ** 2, SPECTRUM) / power ** 2) / trace ** 2
    a0 = 2 * n_samples / dim
    den0 = mean_s + a0 * s_j
    mm0 = m0 / Average(s_j ** 2 * b_j ** 2 / den0, SPECTRUM)
    qq0 = (q0 - mm0 ** 2 * Average(s_j ** 3 * b_j ** 2 / den0 ** 2, SPECTRUM)) * dim / Average(s_j ** 2 / den0 ** 2, SPECTRUM)
    sep = separability_system(link, psi, power, flip)  # psi* (its unknown rides along, decoupled)
    (t_sep,) = sep.unknown_symbols
    score_var = q / norm2
    system_ = System(
        parameters=(n_samples, flip, dim, power, mean_s),
        unknowns=(
            Unknown(cos, guess=m0 / sp.sqrt(power * q0), lower=-1.0, upper=1.0,
                    doc="cosine between the scores x'w_hat and x'b"),
            Unknown(_erm.log_q, guess=sp.log(q0), doc="log Var(x'w_hat), margin-one normalisation"),
            Unknown(log_nu, guess=sp.log(mean_s), doc="log of lim lam V/d"),
            Unknown(A_u, guess=a0, lower=0.0, doc="lim V_hat V = 2 alpha P(omega < 1)"),
            Unknown(M_u, guess=mm0, doc="lim m_hat V"),
            Unknown(Q_u, guess=sp.Max(qq0, sp.Rational(1, 10 ** 6)), lower=0.0, doc="lim q_hat V²"),
        ) + sep.unknowns,
        equations=(
            1 - Average(s_j / den, SPECTRUM) / dim,
            cos - M_u * Average(s_j ** 2 * b_j ** 2 / den, SPECTRUM) / sp.sqrt(power * q),
            1 - Average(weights * s_j / den ** 2, SPECTRUM) / q,
            A_u - a_ch,
            M_u - m_ch,
            Q_u - q_ch,
        ) + tuple(sep.residuals),
        observables={
            "margin": 1 / sp.sqrt(norm2),
            # the score of theta_hat = c1 (standardised teacher score) + c2 (independent noise)
            "c1": cos * sp.sqrt(score_var),
            "c2": sp.sqrt(score_var * (1 - cos ** 2)),
            "cosine": cos,
            "test_error": 2 * integral(z0, [], hi=0).xreplace(sub),
            "separability_threshold": sep.observables["separability_threshold"],
            "score_variance": score_var,
            "signal": power,
        },
        observable_docs={
            "score_variance": "Var(<theta_hat, x>) for the unit-norm theta_hat (c1² + c2²)",
            "signal": "theta*'Sigma theta*, the teacher score's power",
            "max_samples": "p/psi*: the largest n at which the data are separable",
        },
        bounds=(Bound(n_samples, "below", _max_samples_system(link), observable="max_samples",
                      meaning="p/psi*, the largest sample size at which the data are separable "
                              "(beyond it the max-margin classifier does not exist)",
                      name="max_samples"),),
        homotopy={n_samples: sp.Min(n_samples, dim / 100)},
    )
    _GENERAL[link] = system_
    return system_


@dataclass(frozen=True, kw_only=True)
class GeneralParams(spectra.SpectrumParameters):
    """x ~ N(0, Sigma) in R^p with Sigma given by its eigenvalues and theta* by its coordinates in
    Sigma's eigenbasis; n samples (finite p, the deterministic equivalent)."""

    n: float = param(domain=Interval(0, np.inf), doc="number of samples (psi = p/n)")
    link: str = param("sign", domain=LINK_DOMAIN, doc="label link f of the score <theta*, x>")
    flip: float = param(0.0, domain=FLIP_DOMAIN, doc="label-flip probability", symbol="ε")
    target: np.ndarray = param(domain=Array(Interval()),
                               doc="theta* in Sigma's eigenbasis (length p); signal = theta*'Sigma theta*")

    def check(self):
        super().check()
        if not np.any(self.eigenvalues * self.target ** 2 > 0):
            raise ParameterError("max-margin: the teacher has no power (theta*'Sigma theta* = 0); "
                                 "give a non-zero 'target'")


def _prepare_general(p) -> dict:
    return {"dim_erm": float(p.eigenvalues.size),
            "power_erm": float(np.sum(p.eigenvalues * p.target ** 2)),
            "mean_eigenvalue": float(np.mean(p.eigenvalues))}


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    """Isotropic Gaussian features, labels from a link of <theta*, x> with optional flips."""

    psi: float = param(domain=Interval(0, np.inf), doc="overparametrization ratio p/n", symbol="ψ")
    link: str = param("sign", domain=LINK_DOMAIN,
                      doc="label link f: 'sign' (noiseless), 'probit' (Phi) or 'logistic'")
    signal: float = param(1.0, domain=Interval(0, np.inf, low_closed=True),
                          doc="||theta*||², the variance of the noiseless score (irrelevant for link='sign')",
                          symbol="ρ²")
    flip: float = param(0.0, domain=FLIP_DOMAIN, doc="label-flip probability (1/2: pure-noise labels)",
                        symbol="ε")


_BIB_MRSY = """@article{montanari2025generalization,
  title={The generalization error of max-margin linear classifiers: Benign overfitting and high
         dimensional asymptotics in the overparametrized regime},
  author={Montanari, Andrea and Ruan, Feng and Sohn, Youngtak and Yan, Jun},
  journal={The Annals of Statistics}, volume={53}, number={2}, pages={822--853}, year={2025},
  note={arXiv:1911.01544}
}"""
_BIB_DKT = """@article{deng2022model,
  title={A model of double descent for high-dimensional binary linear classification},
  author={Deng, Zeyu and Kammoun, Abla and Thrampoulidis, Christos},
  journal={Information and Inference: A Journal of the IMA}, volume={11}, number={2},
  pages={435--495}, year={2022}, note={arXiv:1911.05822}
}"""

MODEL = register(Model(
    name="max-margin",
    summary="hard-margin SVM on isotropic Gaussian data: margin, (c1, c2), test error, separability threshold",
    variants=(
        Variant("isotropic", Params, lambda p: system(p.link),
                "x ~ N(0, I_p), p/n -> psi; labels from a sign/probit/logistic link with flips",
                example={"psi": 2.0, "link": "sign", "flip": 0.1}),
        Variant("general", GeneralParams, lambda p: general_system(p.link),
                "x ~ N(0, Sigma) at finite p (spectrum, teacher coordinates), n samples",
                prepare=_prepare_general,
                example={"n": 100, "flip": 0.1, "spectrum": "power-law:p=300,decay=1.2,source=0.5"},
                observables={
                    "score_variance": "Var(<theta_hat, x>) for the unit-norm theta_hat (c1² + c2²)",
                    "signal": "theta*'Sigma theta*, the teacher score's power",
                    "max_samples": "p/psi*: the largest n at which the data are separable"}),
    ),
    references=(
        Reference("montanari2025generalization", _BIB_MRSY,
                  "Sec. 2-3: margin and generalization error of max-margin via T(psi, kappa) and "
                  "(c1*, c2*) (isotropic case derived here from Gordon's theorem; equation numbers "
                  "not verified in source)"),
        Reference("deng2022model", _BIB_DKT, "CGMT characterisation of the hard-margin SVM (isotropic)"),
        Reference("candes2020phase", bibliography.CANDES_SUR2020, "Thm 1: separability threshold (psi* here)"),
        Reference("gardner1988space", bibliography.GARDNER1988, "pure-noise labels: capacity E(kappa - Z)_+^2 = psi"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "margin": "kappa*: the limit of max_{||theta|| <= 1} min_i y_i <theta, x_i>",
        "c1": "the score <theta_hat, x> = c1 G + c2 Z with G the standardised teacher score: "
              "<theta_hat, theta*/||theta*||> for isotropic features (theta_hat has unit norm)",
        "c2": "coefficient of the independent part Z of the score (c1² + c2² = 1 isotropic)",
        "cosine": "cosine between the scores <theta_hat, x> and <theta*, x> (= c1 isotropic)",
        "test_error": "misclassification rate P(y <x, theta_hat> < 0) on a fresh sample (includes label noise)",
        "separability_threshold": "psi*: the data are separable iff p/n > psi* (general variant also "
                                  "reports max_samples = p/psi*, score_variance and signal)",
    },
))

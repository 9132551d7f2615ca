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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import Bound, System, Unknown
from ..validation import Interval, param
from ._classification import (FLIP_DOMAIN, LINK_DOMAIN, error_moment, label_mean, margin_moment,
                              separability_system)
from ._registry import Model, Reference, Variant, register

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


@dataclass(frozen=True, kw_only=True)
class Params:
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
_BIB_CS = """@article{candes2020phase,
  title={The phase transition for the existence of the maximum likelihood estimate in
         high-dimensional logistic regression},
  author={Cand{\\`e}s, Emmanuel J. and Sur, Pragya},
  journal={The Annals of Statistics}, volume={48}, number={1}, pages={27--42}, year={2020},
  note={arXiv:1804.09753}
}"""
_BIB_GARDNER = """@article{gardner1988space,
  title={The space of interactions in neural network models},
  author={Gardner, Elizabeth},
  journal={Journal of Physics A: Mathematical and General}, volume={21}, number={1},
  pages={257--270}, year={1988}
}"""

MODEL = register(Model(
    name="max-margin",
    summary="hard-margin SVM on isotropic Gaussian data: margin, (c1, c2), test error, separability threshold",
    variants=(
        Variant("isotropic", Params, lambda p: system(p.link),
                "x ~ N(0, I_p), p/n -> psi; labels from a sign/probit/logistic link with flips",
                example={"psi": 2.0, "link": "sign", "flip": 0.1}),
    ),
    references=(
        Reference("montanari2025generalization", _BIB_MRSY,
                  "Sec. 2-3: margin and generalization error of max-margin via T(psi, kappa) and "
                  "(c1*, c2*) (isotropic case derived here from Gordon's theorem; equation numbers "
                  "not verified in source)"),
        Reference("deng2022model", _BIB_DKT, "CGMT characterisation of the hard-margin SVM (isotropic)"),
        Reference("candes2020phase", _BIB_CS, "Thm 1: separability threshold (psi* here)"),
        Reference("gardner1988space", _BIB_GARDNER, "pure-noise labels: capacity E(kappa - Z)_+^2 = psi"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "margin": "kappa*: the limit of max_{||theta|| <= 1} min_i y_i <theta, x_i>",
        "c1": "<theta_hat, theta*/||theta*||> (theta_hat has unit norm)",
        "c2": "norm of the part of theta_hat orthogonal to theta* (c1² + c2² = 1)",
        "cosine": "cosine between theta_hat and theta* (= c1 for isotropic features)",
        "test_error": "misclassification rate P(y <x, theta_hat> < 0) on a fresh sample (includes label noise)",
        "separability_threshold": "psi*: the data are separable iff psi > psi*",
    },
))

"""Convex empirical risk minimisation for binary classification with a ridge penalty.

Setting (teacher–student generalised linear model; Aubin, Krzakala, Lu, Zdeborová 2020;
Loureiro et al. 2021; Thrampoulidis, Abbasi, Hassibi 2018): n samples ``x_i ~ N(0, I_d)``,
``n/d -> alpha``, a teacher ``w*`` with ``||w*||²/d -> signal`` (rho: the variance of the score
``G = <w*, x>/sqrt d``), labels ``y = ±1`` with ``P(y = +1 | G) = flip + (1 - 2 flip) f(G)`` for
the ``link`` f (sign, probit Phi, logistic), and the estimator

    w_hat = argmin_w  sum_i loss(y_i <w, x_i>/sqrt d) + (lam/2) ||w||²,

for the margin losses ``square`` (1 - u)²/2 (= (y - t)²/2), ``logistic`` log(1 + e^{-u}) and
``hinge`` max(0, 1 - u). ``lam`` multiplies (1/2)||w||² against the *sum* of the losses.

Equations (replica-symmetric / CGMT fixed point for ridge-penalised GLMs [derived here in the
"scalar channel" form below; structure as in Aubin et al. 2020 and Loureiro et al. 2021, whose
equation numbers were not verified in source; the normalisation of m_hat differs from the theory
catalogue's C4, whose ``m = m_hat/(lam + V_hat)`` holds only for signal = 1]). Order parameters
``m = <w_hat, w*>/d``, ``q = ||w_hat||²/d``, ``V`` (the response), with conjugates

    V = 1/(lam + V_hat),      m = signal m_hat V,      q = (signal m_hat² + q_hat) V²,

    q_hat = 2 alpha E[Z0(xi) (P(omega) - omega)²] / V²,
    V_hat = 2 alpha E[Z0(xi) (1 - P'(omega))] / V,
    m_hat = 2 alpha E[dZ0(xi) (P(omega) - omega)] / V,

over xi ~ N(0, 1), with ``omega = sqrt(q) xi`` (the cavity field), ``P = prox_{V loss}`` (closed
form for square and hinge; for the logistic loss the implicit proximal node of
:mod:`asymptotics.models._classification`), and the teacher channel given the field:
``Z0(xi) = P(y = +1 | omega) = E f~(mu + sqrt(v) z)``, ``dZ0 = dZ0/dmu`` with ``mu = m xi/sqrt q``,
``v = signal - m²/q`` (closed forms for sign and probit links; a Gauss–Hermite average for the
logistic link). The labels' symmetry folds the sum over y into the factor 2.
Observables:

    cosine     = m / sqrt(signal q),
    test_error = P(y <w_hat, x> < 0) = 2 E[Z0(xi) 1{xi < 0}]  (includes label noise),
    train_loss = (1/n) sum_i loss = 2 E[Z0 loss(P(omega))],
    train_error= fraction of misclassified training points = 2 E[Z0 1{omega < V loss'(0)}].

Every expectation is a Gauss–Legendre quadrature on the pieces of [-10, 10] between the points
where the integrand is not smooth (0, where the teacher channel varies fastest, and the kinks of
the hinge prox at omega = 1 - V and 1): piecewise-analytic integrands converge geometrically.
Checks (tests): square loss = ridge regression on ±1 labels (closed form); hinge loss as lam -> 0
gives the max-margin classifier (cosine -> c1*, q kappa*² -> 1 at psi = 1/alpha); logistic
loss as lam -> 0 gives the Sur–Candès MLE; Monte Carlo for every loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import spectra
from ..symbolic import Average, ParamSpace, System, Unknown, tensor
from .. import vocabulary
from ..validation import Array, Interval, OneOf, param, Parameters
from ..vocabulary import LINKS, LOSSES
from ._classification import FLIP_DOMAIN, LINK_DOMAIN, label_mean, phi
from ._registry import Model, Reference, Variant, register

alpha, lam, signal, flip = sp.symbols("alpha lam signal flip", nonnegative=True)
# Unknowns: the cosine between w_hat and w* (kept in (-1, 1) by the solver's bounds, so that
# Cauchy–Schwarz m² <= signal q can never fail along the iteration) and the logarithms of q and V
# (which range over many decades: q ~ 1/lam² for large lam, ~ 1/kappa*² for hinge as lam -> 0).
cos, log_q, log_v = sp.symbols("cosine log_q log_V", real=True)
q, V = sp.exp(log_q), sp.exp(log_v)
m = cos * sp.sqrt(signal * q)
s_, z_ = sp.symbols("s_erm z_erm", real=True)

XI_MAX = 10         # |xi| <= 10 holds all but 1.5e-23 of the Gaussian mass
PIECE_ORDER = 48    # Gauss–Legendre nodes per smooth piece
LINK_ORDER = 40     # Gauss–Hermite nodes for the logistic teacher's inner average
SPACE_1D = tensor((s_, "uniform", PIECE_ORDER), name="erm_pieces")
SPACE_2D = tensor((s_, "uniform", PIECE_ORDER), (z_, "normal", LINK_ORDER), name="erm_pieces_link")


def _prox(loss: str, u):
    """``P(u) = prox_{V L}(u)``, its derivative in u, L(u) and L'(0), from the vocabulary."""
    declared = LOSSES[loss]
    p, dp = declared.prox_at(u, V)
    return p, dp, declared.value(u), declared.slope_at_zero


def _channel(link: str, xi):
    """(Z0, dZ0/dmu) at standardised cavity field xi, and whether they need the 2-D space."""
    mu = cos * sp.sqrt(signal) * xi           # m xi/sqrt q
    v = signal * (1 - cos ** 2)               # signal - m²/q
    declared = LINKS[link]
    two_d = declared.smoothed is None
    # E_z f(mu + sqrt(v) z): the link's closed form, else a Gauss–Hermite average over z
    smoothed = (declared.smoothed if not two_d
                else declared.probability.xreplace({vocabulary.U: vocabulary.MU + sp.sqrt(vocabulary.VAR) * z_}))
    at = {vocabulary.MU: mu, vocabulary.VAR: v}
    z0 = smoothed.xreplace(at)
    dz0 = sp.diff(smoothed, vocabulary.MU).xreplace(at)
    return flip + (1 - 2 * flip) * z0, (1 - 2 * flip) * dz0, two_d


def _clip(x):
    return sp.Max(-XI_MAX, sp.Min(XI_MAX, x))


def _integral(integrand, breakpoints, lo=-XI_MAX, hi=XI_MAX, two_d=False):
    """``int_lo^hi phi(xi) F(xi) dxi`` as Gauss–Legendre sums on the pieces between sorted
    ``breakpoints`` (clipped to [lo, hi]); ``integrand(xi)`` returns F."""
    space = SPACE_2D if two_d else SPACE_1D
    points = [lo] + [sp.Max(lo, sp.Min(hi, b)) for b in breakpoints] + [hi]
    total = 0
    for a, b in zip(points[:-1], points[1:]):
        xi = a + (b - a) * s_
        total += (b - a) * Average(phi(xi) * integrand(xi), space)
    return total


def _breakpoints(loss: str):
    """Sorted points (in xi) where the integrands are not smooth: 0, where the teacher channel
    varies fastest, merged with the loss's prox kinks omega_k = sqrt(q) xi (increasing in k)."""
    kinks = [k / sp.sqrt(q) for k in LOSSES[loss].kinks_at(V)]
    if not kinks:
        return [sp.Integer(0)]
    # the sorted merge of 0 into k_1 < ... < k_m, written with Min/Max (the sign of each k is
    # unknown symbolically): min(0, k_1), max(k_1, min(0, k_2)), ..., max(0, k_m)
    merged = [sp.Min(0, kinks[0])]
    merged += [sp.Max(lo, sp.Min(0, hi)) for lo, hi in zip(kinks[:-1], kinks[1:])]
    return merged + [sp.Max(0, kinks[-1])]


_SYSTEMS: dict = {}

# General covariance (finite p): eigenvalues s_j of Sigma and the teacher's coordinates b_j in its
# eigenbasis; the number of samples n; the penalty lam on the unnormalised weights.
n_samples = sp.Symbol("n", positive=True)
dim, power = sp.symbols("dim_erm power_erm", positive=True)  # prepared: p and b'Sigma b
vhat = sp.Symbol("V_hat", nonnegative=True)
s_j, b_j = sp.symbols("s_j b_j", real=True)
SPECTRUM = ParamSpace("erm_spectrum", {s_j: "eigenvalues", b_j: "target"})


def system(loss: str, link: str, general: bool = False) -> System:
    key = (loss, link, general)
    if key in _SYSTEMS:
        return _SYSTEMS[key]
    u = sp.Symbol("u_erm", real=True)
    p_u, dp_u, loss_u, slope0 = _prox(loss, u)
    if dp_u is None:
        dp_u = sp.diff(p_u, u)
    _, _, two_d = _channel(link, sp.Integer(0))

    def at(expr, xi):
        return expr.xreplace({u: sp.sqrt(q) * xi})

    def z0(xi):
        return _channel(link, xi)[0]

    def dz0(xi):
        return _channel(link, xi)[1]

    bps = _breakpoints(loss)
    I = lambda f: _integral(f, bps, two_d=two_d)
    gap = lambda xi: at(p_u, xi) - sp.sqrt(q) * xi  # P(omega) - omega
    q_hat = 2 * alpha * I(lambda xi: z0(xi) * gap(xi) ** 2) / V ** 2
    v_hat = 2 * alpha * I(lambda xi: z0(xi) * (1 - at(dp_u, xi))) / V
    m_hat = 2 * alpha * I(lambda xi: dz0(xi) * gap(xi)) / V
    threshold = slope0 * V / sp.sqrt(q)  # training point misclassified iff xi below this
    half_line = lambda f, top: _integral(f, [], lo=-XI_MAX, hi=top, two_d=two_d)
    observables = {
        "m": m,
        "q": q,
        "V": V,
        "cosine": cos,
        "test_error": 2 * half_line(z0, 0),
        "train_loss": 2 * I(lambda xi: z0(xi) * loss_u.xreplace({u: at(p_u, xi)})),
        "train_error": 2 * half_line(z0, _clip(threshold)),
    }
    unknowns = lambda g_cos, g_log_q, g_log_v: (
        Unknown(cos, guess=g_cos, lower=-1.0, upper=1.0, doc="cosine between the student's and the teacher's scores"),
        Unknown(log_q, guess=g_log_q, doc="log of the variance q of the student's score"),
        Unknown(log_v, guess=g_log_v, doc="log of the response V"),
    )
    if not general:
        # guess: the large-penalty solution w ≈ (|L'(0)|/lam) sum_i y_i x_i/sqrt d, whose cosine with
        # w* is E[yG]/sqrt(signal/alpha + E[yG]²) and whose norm² is (..)² (alpha + alpha² E[yG]²/signal)
        yg2 = label_mean(link, signal, flip) ** 2  # E[y G]²/signal (G standardised)
        scale = -slope0 / (lam + alpha)
        system_ = System(
            parameters=(alpha, lam, signal, flip),
            unknowns=unknowns(sp.sqrt(yg2 / (1 / alpha + yg2)),
                              sp.log(scale ** 2 * (alpha + alpha ** 2 * yg2)), -sp.log(lam + alpha / 2)),
            # V (lam + V_hat) = 1, m = signal m_hat V, q = (signal m_hat² + q_hat) V², scaled to O(1)
            equations=(
                V * (lam + v_hat) - 1,
                cos - sp.sqrt(signal) * m_hat * V / sp.sqrt(q),
                1 - (signal * m_hat ** 2 + q_hat) * V ** 2 / q,
            ),
            observables=observables,
            # the guess is the large-penalty solution: points it misses are reached from lam >= 20 alpha
            homotopy={lam: sp.Max(lam, 20 * (1 + alpha))},
        )
    else:
        # In the normalised variables of the isotropic equations: d = number of eigenvalues,
        # alpha = n/d, penalty lam/d, teacher theta_j = sqrt(d) b_j, scores x'w (= <sqrt(d) w, x>/sqrt d).
        # d and rho = b'Sigma b enter the channel integrals, so they are prepared numbers (sums of
        # the inputs), and V_hat, which sits inside the spectral sums, is an unknown of its own
        # (averages do not nest).
        lam_r = lam / dim
        sub = {alpha: n_samples / dim, signal: power}
        mh, qh, vh = (e.xreplace(sub) for e in (m_hat, q_hat, v_hat))
        v_hat_u = vhat  # may be exactly 0 (hinge at large penalty: no point on the flat part)
        denom = lam_r + v_hat_u * s_j
        v_prior = Average(s_j / denom, SPECTRUM) / dim
        m_prior = mh * Average(s_j ** 2 * b_j ** 2 / denom, SPECTRUM)
        q_prior = (mh ** 2 * Average(s_j ** 3 * b_j ** 2 / denom ** 2, SPECTRUM)
                   + qh / dim * Average(s_j ** 2 / denom ** 2, SPECTRUM))
        # guess: the large-penalty solution w ≈ (|L'(0)|/lam) sum_i y_i x_i
        yg = label_mean(link, power, flip) * sp.sqrt(power)   # E[y x'b]
        c = -slope0 / lam
        m0 = c * n_samples * yg * Average(s_j ** 2 * b_j ** 2, SPECTRUM) / power
        q0 = c ** 2 * (n_samples * Average(s_j ** 2, SPECTRUM)
                       + n_samples ** 2 * yg ** 2 * Average(s_j ** 3 * b_j ** 2, SPECTRUM) / power ** 2)
        trace = Average(s_j, SPECTRUM)
        v0 = trace / (lam + n_samples * trace / dim / 2)
        system_ = System(
            parameters=(n_samples, lam, flip, dim, power),
            unknowns=unknowns(m0 / sp.sqrt(power * q0), sp.log(q0), sp.log(v0)) + (
                Unknown(vhat, guess=n_samples / dim / (1 + v0), lower=0.0, doc="V_hat"),),
            equations=(
                1 - v_prior / V,
                cos - m_prior / sp.sqrt(power * q),
                1 - q_prior / q,
                v_hat_u - vh,
            ),
            observables={**{k: e.xreplace(sub) for k, e in observables.items()},
                         "m": cos * sp.sqrt(power * q), "signal": power},
            observable_docs={"signal": "b'Sigma b, the teacher score's power"},
            homotopy={lam: sp.Max(lam, 20 * (n_samples + dim) * trace)},
        )
    _SYSTEMS[key] = system_
    return system_


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    alpha: float = param(domain=Interval(0, np.inf), doc="sample ratio n/d", symbol="α")
    lam: float = param(domain=Interval(0, np.inf),
                       doc="ridge penalty: (lam/2)||w||² added to the sum (not the mean) of the losses",
                       symbol="λ", aliases=("lambda",))
    loss: str = param("logistic", domain=OneOf(tuple(LOSSES)),
                     doc="margin loss: " + "; ".join(f"'{k}' {v.doc}" for k, v in LOSSES.items()))
    link: str = param("sign", domain=LINK_DOMAIN, doc="teacher link: 'sign', 'probit' or 'logistic'")
    signal: float = param(1.0, domain=Interval(0, np.inf),
                          doc="||w*||²/d: the variance of the teacher score <w*, x>/sqrt d", symbol="ρ")
    flip: float = param(0.0, domain=FLIP_DOMAIN, doc="label-flip probability", symbol="ε")


@dataclass(frozen=True, kw_only=True)
class GeneralParams(spectra.SpectrumParameters):
    """x ~ N(0, Sigma) with Sigma given by its eigenvalues, the teacher b by its coordinates in
    Sigma's eigenbasis (finite p); scores x'w, no 1/sqrt(d)."""

    n: float = param(domain=Interval(0, np.inf), doc="number of samples")
    lam: float = param(domain=Interval(0, np.inf),
                       doc="ridge penalty: (lam/2)||w||² added to the sum of the losses (scores x'w)",
                       symbol="λ", aliases=("lambda",))
    loss: str = param("logistic", domain=OneOf(tuple(LOSSES)),
                     doc="margin loss: " + "; ".join(f"'{k}' {v.doc}" for k, v in LOSSES.items()))
    link: str = param("sign", domain=LINK_DOMAIN, doc="teacher link f of the score x'b")
    flip: float = param(0.0, domain=FLIP_DOMAIN, doc="label-flip probability", symbol="ε")
    target: np.ndarray = param(domain=Array(Interval()), doc="teacher b in Sigma's eigenbasis (length p); "
                               "the score's power b'Sigma b plays the role of signal")

    def check(self):
        super().check()
        if not np.any(self.eigenvalues * self.target ** 2 > 0):
            from ..validation import ParameterError
            raise ParameterError("erm: the teacher has no power (b'Sigma b = 0); give a non-zero 'target'")


_BIB_AUBIN = """@inproceedings{aubin2020generalization,
  title={Generalization error in high-dimensional perceptrons: approaching {B}ayes error with convex
         optimization},
  author={Aubin, Benjamin and Krzakala, Florent and Lu, Yue M. and Zdeborov{\\'a}, Lenka},
  booktitle={Advances in Neural Information Processing Systems}, volume={33}, year={2020},
  note={arXiv:2006.06560}
}"""
_BIB_LOUREIRO = """@inproceedings{loureiro2021learning,
  title={Learning curves of generic features maps for realistic datasets with a teacher-student model},
  author={Loureiro, Bruno and Gerbelot, C{\\'e}dric and Cui, Hugo and Goldt, Sebastian and
          Krzakala, Florent and M{\\'e}zard, Marc and Zdeborov{\\'a}, Lenka},
  booktitle={Advances in Neural Information Processing Systems}, volume={34}, year={2021},
  note={arXiv:2102.08127}
}"""
_BIB_TAH = """@article{thrampoulidis2018precise,
  title={Precise error analysis of regularized {M}-estimators in high dimensions},
  author={Thrampoulidis, Christos and Abbasi, Ehsan and Hassibi, Babak},
  journal={IEEE Transactions on Information Theory}, volume={64}, number={8}, pages={5592--5628},
  year={2018}
}"""

MODEL = register(Model(
    name="erm",
    summary="ridge-penalised convex ERM (square, logistic, hinge) on GLM teacher labels: overlaps, errors, loss",
    variants=(Variant("isotropic", Params, lambda p: system(p.loss, p.link),
                      "x ~ N(0, I_d), n/d -> alpha, margin loss + (lam/2)||w||²",
                      example={"alpha": 2.0, "lam": 0.1, "loss": "logistic", "link": "sign", "flip": 0.1}),
              Variant("general", GeneralParams, lambda p: system(p.loss, p.link, general=True),
                      "x ~ N(0, Sigma) at finite p (spectrum and teacher coordinates), n samples",
                      prepare=lambda p: {"dim_erm": float(p.eigenvalues.size),
                                         "power_erm": float(np.sum(p.eigenvalues * p.target ** 2))},
                      example={"n": 150, "lam": 1.0, "loss": "logistic", "link": "sign", "flip": 0.05,
                               "spectrum": "power-law:p=200,decay=1.2,source=0.5"},
                      observables={"signal": "b'Sigma b, the teacher score's power"})),
    references=(
        Reference("aubin2020generalization", _BIB_AUBIN,
                  "Sec. 2-3: replica fixed point for ERM in GLMs with ridge penalty (m, q, V and hats)"),
        Reference("loureiro2021learning", _BIB_LOUREIRO, "the same fixed point for general losses/links"),
        Reference("thrampoulidis2018precise", _BIB_TAH, "CGMT derivation for regularised M-estimators"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "m": "covariance of the student's and the teacher's scores (<w_hat, w*>/d isotropic; b'Sigma w_hat general)",
        "q": "variance of the student's score (||w_hat||²/d isotropic; w_hat'Sigma w_hat general)",
        "cosine": "m/sqrt(signal q): cosine between w_hat and w*",
        "V": "response: the proximal step of the training fields, h_i = prox_{V loss}(omega_i)",
        "test_error": "misclassification rate of sign(<w_hat, x>) on a fresh sample (includes label noise)",
        "train_loss": "(1/n) sum_i loss(y_i <w_hat, x_i>/sqrt d) (without the penalty)",
        "train_error": "fraction of training points with y_i <w_hat, x_i> < 0",
    },
))

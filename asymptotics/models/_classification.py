"""Shared pieces of the binary-classification models (max-margin, gardner, logistic-mle, erm).

Labels ``y in {+1, -1}`` depend on the teacher score ``G`` (standard Gaussian after scaling out its
power ``signal``) through a link ``f`` and a label-flip probability ``flip``:

    P(y = +1 | G) = flip + (1 - 2 flip) f(sqrt(signal) G),
    f = 1{u > 0} ("sign", noiseless), Phi(u) ("probit") or 1/(1 + e^{-u}) ("logistic").

Every symmetric link (``f(-u) = 1 - f(u)``) gives ``E h(y G) = 2 E[P(y = +1 | G) h(G)]``. For the
sign link that integrand jumps at ``G = 0``, so it is written ``(1 - flip) E h(|G|) + flip E h(-|G|)``
with a half-normal Gauss rule; for smooth links it is a Gauss–Hermite average. Inner Gaussian
expectations of ``(.)_+^2`` use the closed form ``E (a - b Z)_+^2 = (a² + b²) Phi(a/b) + a b phi(a/b)``.

For the sign link the three functionals the max-margin equations need are closed forms (derived
here and checked against quadrature in the tests), with ``s = sqrt(1 + t²)``, ``b = a/s`` and
Owen's T function:

    E_{|G|} (a - t|G| - Z)_+^2 = 2 (a² + s²) (Phi(b)/2 - T(b, t)) + 2 s a phi(b) Phi(t b)
                                 - 2 t (2 a Phi(a) + phi(a)) / sqrt(2 pi),
    E_{|G|} Phi(-t|G|) = 1/2 - atan(t)/pi,         E |G| = sqrt(2/pi),

(the first from ``G = t W/s² + xi/s`` with ``W = tG + Z``, then integration by parts), so the
sign link needs no quadrature and stays exact as t -> inf (psi -> 0 without label noise), where any
fixed rule would have to resolve the scale 1/t.
"""

from __future__ import annotations

import sympy as sp

from .. import vocabulary
from ..symbolic import Average, System, Unknown, gaussian
from ..symbolic.functions import expit, ndtr
from ..symbolic.special import OwenT
from ..validation import Interval, OneOf

__all__ = ["Phi", "phi", "pos2", "pos2_unit", "LINKS", "label_average", "link_probability",
           "sigmoid", "LINK_DOMAIN", "FLIP_DOMAIN", "margin_moment", "error_moment", "label_mean",
           "separability_system", "prox_logistic"]

LINKS = tuple(vocabulary.LINKS)
LINK_DOMAIN = OneOf(LINKS)
# flip = 1/2 makes labels pure noise (the Gardner / Cover setting); beyond 1/2 labels are anti-correlated
# with the teacher, which is the same problem with the teacher reversed, so the domain stops at 1/2.
FLIP_DOMAIN = Interval(0, 0.5, low_closed=True, high_closed=True)

# Quadrature orders. Half-normal rule: integrands smooth on [0, inf) converge geometrically; 80 nodes
# reproduce the closed forms of the tests to ~1e-15. Hermite rule for smooth links: the logistic
# link sigma(sqrt(signal) g) has poles at distance pi/sqrt(signal) from the real axis, so the order
# is generous (200 nodes: error below 1e-10 up to signal ~ 25).
HALF_ORDER = 80
HERMITE_ORDER = 200

_g = sp.Symbol("g_label", real=True)
HALF = gaussian(_g, order=HALF_ORDER, half=(_g,), name="halfnormal_label")
FULL = gaussian(_g, order=HERMITE_ORDER, name="gauss_label")


def Phi(a):
    """Standard normal CDF (the stable ``ndtr`` node: accurate in the lower tail)."""
    return ndtr(a)


def phi(a):
    return sp.exp(-a ** 2 / 2) / sp.sqrt(2 * sp.pi)


def sigmoid(u):
    """The logistic function as an overflow-safe node (derivatives S(1 - S))."""
    return expit(u)


def pos2(a, b):
    """``E (a - b Z)_+^2`` for Z ~ N(0, 1) and b > 0."""
    return (a ** 2 + b ** 2) * Phi(a / b) + a * b * phi(a / b)


def pos2_unit(a):
    """``E (a - Z)_+^2 = (a² + 1) Phi(a) + a phi(a)`` (Gardner's integral)."""
    return (a ** 2 + 1) * Phi(a) + a * phi(a)


def link_probability(link: str, u):
    """``f(u)`` for a link name (P(y = +1) at noiseless score u, before flips; the vocabulary's)."""
    return vocabulary.LINKS[link].probability.xreplace({vocabulary.U: u})


def label_average(h, link: str, signal, flip):
    """``E h(y G)`` over G ~ N(0, 1) and the label y | G (a sympy expression with averages).

    ``h`` is a Python function of one sympy argument (the signed score ``v = y G``).
    """
    if vocabulary.LINKS[link].sharp:  # f jumps at 0: integrate each half-line smoothly
        return (1 - flip) * Average(h(_g), HALF) + flip * Average(h(-_g), HALF)
    p_plus = flip + (1 - 2 * flip) * link_probability(link, sp.sqrt(signal) * _g)
    return Average(2 * p_plus * h(_g), FULL)


def _half_margin_moment(a, t):
    """``E (a - t|G| - Z)_+^2`` in closed form (see the module docstring)."""
    s = sp.sqrt(1 + t ** 2)
    b = a / s
    return (2 * (a ** 2 + s ** 2) * (Phi(b) / 2 - OwenT(b, t)) + 2 * s * a * phi(b) * Phi(t * b)
            - 2 * t * (2 * a * Phi(a) + phi(a)) / sp.sqrt(2 * sp.pi))


def margin_moment(a, t, link: str, signal, flip):
    """``E (a - t V - Z)_+^2`` with ``V = y G`` (closed form for the sign link)."""
    if vocabulary.LINKS[link].sharp:
        return (1 - flip) * _half_margin_moment(a, t) + flip * _half_margin_moment(a, -t)
    return label_average(lambda v: pos2_unit(a - t * v), link, signal, flip)


def error_moment(t, link: str, signal, flip):
    """``P(t V + Z < 0) = E Phi(-t V)``: the test error of a direction with c1/c2 = t."""
    if vocabulary.LINKS[link].sharp:
        return sp.Rational(1, 2) - (1 - 2 * flip) * sp.atan(t) / sp.pi
    return label_average(lambda v: Phi(-t * v), link, signal, flip)


def label_mean(link: str, signal, flip):
    """``E V = E y G`` (the labels' alignment with the teacher score)."""
    if vocabulary.LINKS[link].sharp:
        return (1 - 2 * flip) * sp.sqrt(2 / sp.pi)
    return label_average(lambda v: v, link, signal, flip)


_t_sep = sp.Symbol("t_sep", real=True)
_SEPARABILITY: dict = {}


def separability_system(link: str, ratio: sp.Symbol, signal, flip) -> System:
    """The separability threshold ``min_t E (-t V - Z)_+^2`` (observable ``separability_threshold``).

    Data ``(x_i, y_i)``, ``x ~ N(0, I_p)``, are linearly separable through the origin w.h.p. iff
    ``p/n`` exceeds it (Candès & Sur 2020, Thm 1 without intercept; Gordon's theorem at margin 0).
    The function of t is convex; for noiseless sign labels its infimum 0 is approached as t -> inf,
    so that case returns exactly 0 (the equation becomes ``t_sep = 0``). ``ratio`` only names the
    ratio parameter of the model the system serves; ``flip`` may be a symbol or a number.
    """
    key = (link, ratio, signal, flip)
    if key not in _SEPARABILITY:
        f0 = margin_moment(0, _t_sep, link, signal, flip)
        noiseless = sp.Eq(flip, 0) if vocabulary.LINKS[link].sharp else sp.false
        params = tuple(x for x in (ratio, signal, flip) if isinstance(x, sp.Symbol))
        _SEPARABILITY[key] = System(
            parameters=params,
            unknowns=(Unknown(_t_sep, guess=sp.Integer(1), doc="minimiser t of E(-tV - Z)_+^2"),),
            equations=(sp.Piecewise((_t_sep, noiseless), (sp.diff(f0, _t_sep), True)),),
            observables={"separability_threshold": sp.Piecewise((0, noiseless), (f0, True))},
        )
    return _SEPARABILITY[key]


# The proximal operator of the logistic loss is declared once, in the vocabulary.
prox_logistic = vocabulary.prox_logistic

"""One vocabulary: training losses, label links and teacher channels, declared once in sympy.

Every theory that trains on labels (``erm``, ``logistic-mle``, ``max-margin``, ``dmft-glm``,
``dmft-gmm``) and every Monte Carlo twin of them reads its loss and its labels from here, so a
loss or a link is added in one place: one entry in :data:`LOSSES` (or :data:`LINKS`) and the
equations, their Jacobians, the mpmath path and the twins' numeric code are generated from it.

Conventions. A prediction ``h`` for a label ``y``; for labels ``y = ±1`` a *margin loss* is a
function of the margin ``u = y h``: ``ℓ(y, h) = L(y h)``. ``prox`` is the proximal operator of
``V L`` in the margin, ``prox(u) = argmin_t V L(t) + (t - u)²/2``; ``kinks`` are the margins (as
functions of ``V``, increasing) where the prox is not smooth, so that quadratures can integrate
piecewise-analytic integrands piece by piece. Non-smooth losses carry a ``mollified`` version
(parameter ``smoothing``) for methods that need two derivatives (the DMFT).

Links give ``P(y = +1 | u) = f(u)`` at the noiseless score ``u``, before label flips
(``flip + (1 - 2 flip) f(u)``); ``smoothed(mu, var) = E_z f(mu + sqrt(var) z)`` in closed form
where it exists (sign: Φ(mu/sqrt var), probit: Φ(mu/sqrt(1 + var))), else None (a Gaussian
average); ``direction_error(c, signal)``, where it has a closed form, is the misclassification
probability ``P(y (c G + sqrt(1 - c²) Z) < 0)`` of a unit direction with cosine ``c`` to the
teacher (before flips), used by the twins' exact test errors.

Spike denoisers are the posterior means of the unit-power priors of the spiked matrix models
(:data:`SPIKE_DENOISERS`), shared by their state evolution and their AMP twins.

Teachers are generative channels ``y = φ(h*, ε)`` with ``ε ~ N(0, 1)`` scaled by ``noise`` (the
DMFT's parameterization: ``sign`` labels, ``linear`` regression targets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import sympy as sp

from .symbolic.functions import Sigmoid, Softplus, expit, logcosh, ndtr
from .symbolic.implicit_function import implicit

__all__ = ["Loss", "Link", "Teacher", "LOSSES", "LINKS", "TEACHERS", "prox_logistic",
           "Y", "H", "U", "V", "SMOOTHING", "MU", "VAR", "COS", "SIGNAL", "HSTAR", "EPS", "NOISE",
           "SPIKE_DENOISERS", "SPIKE_EPS"]

# -- symbols ------------------------------------------------------------------------------------
Y, H, U = sp.symbols("y h u", real=True)          # label, prediction, margin y h
V = sp.Symbol("V", positive=True)                 # step of the proximal operator
SMOOTHING = sp.Symbol("smoothing", positive=True)  # width of a mollified kink
MU, VAR = sp.Symbol("mu", real=True), sp.Symbol("var", nonnegative=True)
COS, SIGNAL = sp.Symbol("cosine", real=True), sp.Symbol("signal", nonnegative=True)
HSTAR, EPS = sp.symbols("hstar eps", real=True)
NOISE = sp.Symbol("noise", nonnegative=True)

_t, _z, _lam = sp.symbols("t_prox z_prox lam_prox", real=True)

#: ``prox_logistic(z, lam) = argmin_t lam log(1 + e^t) + (t - z)²/2``: the root of
#: ``t + lam sigmoid(t) = z``, which lies in ``[z - lam, z]`` (sigmoid takes values in (0, 1)).
#: A sympy node (see :mod:`asymptotics.symbolic.implicit_function`): derivatives by the implicit
#: function theorem, numbers by vectorized safeguarded Newton. For the margin loss
#: ``log(1 + e^{-u})`` the prox is ``-prox_logistic(-u, V)``.
prox_logistic = implicit("prox_logistic", _t, _t + _lam * Sigmoid(_t) - _z, (_z, _lam),
                         guess=_z - _lam * Sigmoid(_z), bracket=(_z - _lam, _z))


# -- losses -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loss:
    """A training loss. ``margin`` is L(u) (labels ±1); ``regression`` is ℓ(y, h) for real
    labels where the loss has one (square); ``prox`` is prox_{V L}(u) in (U, V) and
    ``prox_derivative`` its derivative in u where sympy's derivative of a Piecewise would lose
    the pieces; ``kinks`` the margins where the prox is not smooth; ``smooth`` whether L has two
    continuous derivatives (Newton fits); ``mollified`` a smooth version in ``SMOOTHING``."""

    name: str
    margin: sp.Expr
    prox: sp.Expr
    doc: str
    prox_derivative: sp.Expr | None = None
    kinks: tuple[sp.Expr, ...] = ()
    regression: sp.Expr | None = None
    smooth: bool = True
    mollified: sp.Expr | None = None

    def pointwise(self, smoothing: bool = False) -> sp.Expr:
        """ℓ(y, h): the regression form where there is one, else L(y h) (``smoothing``: the
        mollified loss of a non-smooth one)."""
        if self.regression is not None:
            return self.regression
        margin = self.mollified if (smoothing and self.mollified is not None) else self.margin
        return margin.xreplace({U: Y * H})

    def value(self, u) -> sp.Expr:
        return self.margin.xreplace({U: u})

    @property
    def slope_at_zero(self) -> sp.Expr:
        """L'(0) (right derivative at a kink): the gradient of every sample at w = 0."""
        return sp.limit(sp.diff(self.margin, U), U, 0, "+")

    def prox_at(self, u, step) -> tuple[sp.Expr, sp.Expr]:
        """(prox_{step L}(u), its derivative in u)."""
        sub = {U: u, V: step}
        p = self.prox.xreplace(sub)
        dp = (self.prox_derivative.xreplace(sub) if self.prox_derivative is not None
              else sp.diff(self.prox, U).xreplace(sub))
        return p, dp

    def kinks_at(self, step) -> list[sp.Expr]:
        return [k.xreplace({V: step}) for k in self.kinks]


_hinge_margin = sp.Piecewise((1 - U, U < 1), (0, True))

LOSSES: Mapping[str, Loss] = {loss.name: loss for loss in (
    Loss("square", (1 - U) ** 2 / 2, (U + V) / (1 + V), regression=(H - Y) ** 2 / 2,
         doc="(y - h)²/2 = (1 - y h)²/2 for labels ±1 (least squares on the labels)"),
    Loss("logistic", Softplus(-U), -prox_logistic(-U, V), doc="log(1 + e^{-y h})"),
    Loss("hinge", _hinge_margin,
         sp.Piecewise((U + V, U < 1 - V), (1, U <= 1), (U, True)),
         prox_derivative=sp.Piecewise((1, U < 1 - V), (0, U <= 1), (1, True)),
         kinks=(1 - V, sp.Integer(1)), smooth=False,
         mollified=SMOOTHING * Softplus((1 - U) / SMOOTHING),
         doc="max(0, 1 - y h) (mollified: smoothing log(1 + e^{(1 - y h)/smoothing}))"),
    Loss("squared-hinge", sp.Piecewise(((1 - U) ** 2 / 2, U < 1), (0, True)),
         sp.Piecewise(((U + V) / (1 + V), U < 1), (U, True)),
         prox_derivative=sp.Piecewise((1 / (1 + V), U < 1), (1, True)),
         kinks=(sp.Integer(1),), doc="max(0, 1 - y h)²/2"),
)}


# -- links (P(y = +1 | score)) ------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    """``probability`` f(u) = P(y = +1 | u) in U (before flips); ``smoothed`` E_z f(MU + sqrt(VAR) z)
    in closed form, or None; ``direction_error`` P(y (c G + sqrt(1 - c²) Z) < 0) in (COS, SIGNAL)
    for a teacher score sqrt(SIGNAL) G, or None; ``sharp`` whether f is the step 1{u > 0} (labels
    then split the Gaussian average into two half-lines, where the integrands are smooth)."""

    name: str
    probability: sp.Expr
    doc: str
    smoothed: sp.Expr | None = None
    direction_error: sp.Expr | None = None
    sharp: bool = False


LINKS: Mapping[str, Link] = {link.name: link for link in (
    Link("sign", sp.Heaviside(U, sp.Rational(1, 2)), "y = sign(score) (noiseless)",
         smoothed=ndtr(MU / sp.sqrt(VAR)), direction_error=sp.acos(COS) / sp.pi, sharp=True),
    # probit labels are sign(sqrt(signal) G + N), N ~ N(0, 1): the angle between two Gaussians
    Link("probit", ndtr(U), "P(y = +1) = Φ(score)", smoothed=ndtr(MU / sp.sqrt(1 + VAR)),
         direction_error=sp.acos(sp.sqrt(SIGNAL) * COS / sp.sqrt(SIGNAL + 1)) / sp.pi),
    Link("logistic", Sigmoid(U), "P(y = +1) = 1/(1 + e^{-score})"),
)}


# -- generative teachers y = φ(h*, ε) -------------------------------------------------------------
@dataclass(frozen=True)
class Teacher:
    """``label`` y as a sympy expression of the noiseless score HSTAR and a standard normal EPS
    scaled by NOISE; ``classification`` whether labels are ±1."""

    name: str
    label: sp.Expr
    classification: bool
    doc: str = ""


TEACHERS: Mapping[str, Teacher] = {t.name: t for t in (
    Teacher("sign", sp.sign(HSTAR + sp.sqrt(NOISE) * EPS), True, "y = sign(h* + sqrt(noise) ε)"),
    Teacher("linear", HSTAR + sp.sqrt(NOISE) * EPS, False, "y = h* + sqrt(noise) ε"),
)}


# -- scalar Bayes denoisers (unit-power priors of the spiked models) --------------------------------
SPIKE_EPS = sp.Symbol("eps", nonnegative=True)   # density of the sparse Rademacher prior


def log_odds_sparse(b, snr):
    """log P(X != 0 | b)/P(X = 0 | b) for the sparse Rademacher prior X = ±1/sqrt(eps) w.p. eps,
    given b = sqrt(snr) y, y = sqrt(snr) X + Z."""
    a = 1 / sp.sqrt(SPIKE_EPS)
    return sp.log(SPIKE_EPS / (1 - SPIKE_EPS)) + logcosh(a * b) - snr * a ** 2 / 2


#: Posterior mean E[X | sqrt(snr) X + Z = y] of the unit-power spike priors, in sympy (stable forms);
#: the spiked models' state evolution and their AMP twins use the same denoiser.
SPIKE_DENOISERS: Mapping[str, Callable] = {
    "rademacher": lambda y, snr: sp.tanh(sp.sqrt(snr) * y),
    "gaussian": lambda y, snr: sp.sqrt(snr) * y / (1 + snr),
    "sparse-rademacher": lambda y, snr: (sp.tanh(sp.sqrt(snr) * y / sp.sqrt(SPIKE_EPS)) / sp.sqrt(SPIKE_EPS)
                                         * expit(log_odds_sparse(sp.sqrt(snr) * y, snr))),
}


def names(table: Mapping) -> tuple[str, ...]:
    """The options of a vocabulary table, for a parameter's OneOf domain."""
    return tuple(table)

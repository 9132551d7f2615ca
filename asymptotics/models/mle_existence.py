"""Candès & Sur's phase transition for the existence of the logistic MLE, with an intercept.

Setting (Candès & Sur 2020, Ann. Statist., "The phase transition for the existence of the maximum
likelihood estimate in high-dimensional logistic regression"): n observations ``x_i ~ N(0, Sigma)``
in ``R^p``, ``y_i = ±1`` with ``P(y_i = 1 | x_i) = sigmoid(intercept + x_i'beta)``, and
``signal = gamma0² = lim Var(x_i'beta)`` (any non-singular Sigma: only Var(x'beta) matters). The
logistic MLE (fitted with an intercept) exists iff the data are not linearly separable, and as
n, p -> inf with p/n -> kappa this happens w.h.p. iff ``kappa < threshold``:

    threshold = h_MLE(intercept, gamma0) = min_{t0, t1} E (t0 Y + t1 Y X - Z)_+^2,

X, Z ~ N(0, 1) independent, ``P(Y = 1 | X) = sigmoid(intercept + gamma0 X)`` (Candès & Sur Thm 1;
the minimand's form was checked here against a third-party transcription of the paper and derived
from Gordon's theorem for separability with an intercept; the paper's equation number is not
verified in source). Inner expectation over Z in closed form (``E (a - Z)_+^2 = (a² + 1) Phi(a) +
a phi(a)``), X by Gauss–Hermite; the minimand is convex in (t0, t1), and the unknowns solve its
stationarity equations. ``threshold = 1/2`` when intercept = gamma0 = 0 (Cover: random labels),
decreasing in |intercept| and gamma0, -> 0 as either diverges; symmetric in intercept.
Without intercept it equals ``max-margin``'s separability threshold with the logistic link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import Average, System, Unknown, gaussian
from ..validation import Interval, param, Parameters
from ._classification import HERMITE_ORDER, pos2_unit, sigmoid
from . import _bibliography as bibliography
from ._registry import Model, Reference, Variant, register

intercept = sp.Symbol("intercept", real=True)
signal = sp.Symbol("signal", nonnegative=True)
t0, t1 = sp.symbols("t0 t1", real=True)
x = sp.Symbol("x_cs", real=True)
LINE = gaussian(x, order=HERMITE_ORDER, name="gauss_mle_existence")

p_plus = sigmoid(intercept + sp.sqrt(signal) * x)
u = t0 + t1 * x  # t0 Y + t1 Y X = Y u
minimand = Average(p_plus * pos2_unit(u) + (1 - p_plus) * pos2_unit(-u), LINE)

SYSTEM = System(
    parameters=(intercept, signal),
    unknowns=(
        # optimal t0 has the sign opposite to the intercept, t1 < 0 for gamma0 > 0
        Unknown(t0, guess=-intercept / 2, doc="minimiser t0"),
        Unknown(t1, guess=-sp.sqrt(signal) / 2, doc="minimiser t1"),
    ),
    equations=(sp.diff(minimand, t0), sp.diff(minimand, t1)),
    observables={"threshold": minimand},
)


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    intercept: float = param(0.0, domain=Interval(-np.inf, np.inf), doc="beta0, the true intercept",
                             symbol="β₀", aliases=("beta0",))
    signal: float = param(1.0, domain=Interval(0, np.inf, low_closed=True),
                          doc="gamma0² = lim Var(x'beta)", symbol="γ₀²")



MODEL = register(Model(
    name="mle-existence",
    summary="Candès–Sur phase transition h_MLE(intercept, gamma0): the logistic MLE exists iff p/n < it",
    variants=(Variant("default", Params, SYSTEM, "logistic labels with intercept, Gaussian covariates",
                      example={"intercept": 0.5, "signal": 1.0}),),
    references=(Reference("candes2020phase", bibliography.CANDES_SUR2020,
                          "Thm 1: h_MLE(beta0, gamma0) = min_{t0,t1} E(t0 Y + t1 V - Z)_+^2 "
                          "(equation number not verified in source)"),),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={"threshold": "h_MLE: the MLE exists w.h.p. iff p/n < threshold"},
))

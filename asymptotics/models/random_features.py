"""Random features ridge regression (Mei & Montanari, arXiv:1908.05355; CPAM 2022).

Setting, in the paper's conventions: inputs ``x_i`` (i <= n) and first-layer weights ``θ_a``
(a <= N) iid uniform on the sphere of radius sqrt(d); features ``σ(<θ_a, x>/sqrt d)``; labels
``y_i = f(x_i) + ε_i`` with ``Var ε = noise`` (τ²) and target ``f(x) = β_0 + <β_1, x> + f_NL(x)``,
``||β_1||² = signal`` (F_1²), ``E f_NL(x)² = nonlinear`` (F_*², the part of f orthogonal to
polynomials of degree <= 1). Estimator (their eq. (3) [recalled, not verified in source; the
normalization is confirmed by Monte Carlo below])

    â = argmin_a (1/n) Σ_i (y_i - Σ_a a_a σ(<θ_a, x_i>/sqrt d))² + (N lam / d) ||a||²,

in the limit N, n, d -> ∞ with ``psi1 = N/d`` and ``psi2 = n/d``. Activation constants for
G ~ N(0, 1): ``mu0 = E σ(G)``, ``mu1 = E G σ(G)``, ``mustar² = E σ(G)² - mu0² - mu1²``;
``ζ = mu1/mustar`` and ``λ̄ = lam/mustar²``.

Equations (MM Thm 1 / Def. 1 [recalled, not verified in source]; THEORY.md A3, [num]): with
``ξ = i s``, ``s = sqrt(psi1 psi2 λ̄)``, the Stieltjes-type functions ``ν_1, ν_2`` solve
``ν_1 = psi1 (-ξ - ν_2 - ζ² ν_2/(1 - ζ² ν_1 ν_2))^{-1}`` and the same with 1 <-> 2, and
``χ = ν_1 ν_2``. On the imaginary axis ``ν_j = i a_j`` with ``a_j > 0``, so with
``c = -χ = a_1 a_2 >= 0`` and ``h(c) = c + ζ² c/(1 + ζ² c)`` the two equations read
``s a_j = psi_j - h(c)``; multiplying them gives ONE scalar equation for ``c`` (derived here),

    s² c = (psi1 - h(c)) (psi2 - h(c)),   h(c) <= min(psi1, psi2),

solved on its branch as ``h(c) = [(psi1 + psi2) - sqrt((psi1 - psi2)² + 4 s² c)]/2`` (the
residual is increasing and concave in c, so Newton from the lower bound used as the initial guess
converges monotonically). At ``lam = 0`` it gives MM's ridgeless closed form ``h(c) =
min(psi1, psi2)``. Then, with ``χ = -c``, the polynomials ``E_0, E_1, E_2`` of MM Thm 1 (THEORY.md
A3) give the coefficients ``B = E_1/E_0`` and ``V = E_2/E_0`` and

    excess_risk = E_x (f(x) - f̂(x))² = signal B + (noise + nonlinear) V + nonlinear,
    test_error = excess_risk + noise.

``variance = noise V`` is the label-noise part; ``bias = excess_risk - variance`` (the nonlinear
target acts as noise that is fixed given the data, so it sits in the bias).

``train_error`` is **derived here, not from MM**: by Gaussian equivalence the features act as
Gaussian covariates ``z = mu1 Θx/sqrt(d) + mustar g`` and the target's part not linear in z as
noise, so the ridge GCV identity ``train = (1 - df1/n)² test`` (Atanasov–Zavatone-Veth–Pehlevan,
see ``ridge``) holds with ``df1/n = h(c)/psi2`` (``1 - df1/n = s a_2/psi2``). It is checked
against Monte Carlo in the tests.

Limits (tests): psi1 -> ∞ is kernel ridge regression with the limiting kernel, which in this
proportional regime is isotropic ridge with ``gamma = 1/psi2``, per-sample penalty
``(1 + psi2 λ̄)/(psi2 ζ²)`` and noise ``noise + nonlinear``; psi2 -> ∞ leaves the approximation
error ``signal B_∞ + nonlinear`` with ``B_∞`` from the Marchenko–Pastur law of ΘᵀΘ/N; lam -> ∞
gives the null risk ``signal + nonlinear``. At ``lam = 0`` and ``psi1 = psi2`` (N = n) the risk is
``inf`` on purpose (the interpolation peak; it diverges even without noise, because the features
cannot represent the linear target exactly). ``mustar = 0`` (a linear activation) is outside this
model: use ``linear-random-features``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import sympy as sp

from .. import cache
from ..activations import ActivationDomain, activation
from ..symbolic import System, Unknown
from ..validation import Interval, param, ParameterError, Parameters
from . import _bibliography as bibliography
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

# -- symbols ----------------------------------------------------------------------------------
psi1, psi2, lam, signal, nonlinear, noise = sp.symbols(
    "psi1 psi2 lam signal nonlinear noise", nonnegative=True)
mu1, mustar = sp.symbols("mu1 mustar", nonnegative=True)  # from the activation (Variant.prepare)
c = sp.Symbol("c", nonnegative=True)  # c = -χ = a1 a2

zeta2 = mu1 ** 2 / mustar ** 2
lam_bar = lam / mustar ** 2
s2 = psi1 * psi2 * lam_bar
h = c + zeta2 * c / (1 + zeta2 * c)
_small, _large = (psi1 + psi2 - sp.Abs(psi1 - psi2)) / 2, (psi1 + psi2 + sp.Abs(psi1 - psi2)) / 2
# Smaller root h of h² - (psi1+psi2) h + psi1 psi2 - s² c = 0, in the rationalized form.
_branch = 2 * (psi1 * psi2 - s2 * c) / (psi1 + psi2 + sp.sqrt((psi1 - psi2) ** 2 + 4 * s2 * c))
_ridgeless = sp.Eq(lam, 0)
EQUATION = sp.Eq(sp.Piecewise((h - _small, _ridgeless), (h - _branch, True)), 0)

# Ridgeless closed form (MM Thm 3 [recalled]; THEORY.md A3 [num]): h(c) = min(psi1, psi2).
_b = 1 + zeta2 - _small * zeta2
C_RIDGELESS = 2 * _small / (_b + sp.sqrt(_b ** 2 + 4 * zeta2 * _small))
# Lower bound on the root for lam > 0: c* >= min(m/(2(1+ζ²)), m M/(4 s²)) (m, M = min, max psi).
_C_LOW = sp.Min(_small / (2 * (1 + zeta2)), _small * _large / (4 * s2))
GUESS = sp.Piecewise((C_RIDGELESS, _ridgeless), (_C_LOW, True))

chi = -c
z2 = zeta2
E0 = (-chi ** 5 * z2 ** 3 + 3 * chi ** 4 * z2 ** 2 + (psi1 * psi2 - psi2 - psi1 + 1) * chi ** 3 * z2 ** 3
      - 2 * chi ** 3 * z2 ** 2 - 3 * chi ** 3 * z2 + (psi1 + psi2 - 3 * psi1 * psi2 + 1) * chi ** 2 * z2 ** 2
      + 2 * chi ** 2 * z2 + chi ** 2 + 3 * psi1 * psi2 * chi * z2 - psi1 * psi2)
E1 = psi2 * chi ** 3 * z2 ** 2 - psi2 * chi ** 2 * z2 + psi1 * psi2 * chi * z2 - psi1 * psi2
E2 = (chi ** 5 * z2 ** 3 - 3 * chi ** 4 * z2 ** 2 + (psi1 - 1) * chi ** 3 * z2 ** 3 + 2 * chi ** 3 * z2 ** 2
      + 3 * chi ** 3 * z2 + (-psi1 - 1) * chi ** 2 * z2 ** 2 - 2 * chi ** 2 * z2 - chi ** 2)

_peak = sp.And(_ridgeless, sp.Eq(psi1, psi2))
_inf = sp.oo
B = sp.Piecewise((_inf, _peak), (E1 / E0, True))
V = sp.Piecewise((_inf, _peak), (E2 / E0, True))
_effective_noise = noise + nonlinear
EXCESS = sp.Piecewise(
    (sp.Piecewise((_inf, signal + _effective_noise > 0), (0, True)), _peak),
    (signal * E1 / E0 + _effective_noise * E2 / E0 + nonlinear, True))
VARIANCE = sp.Piecewise((sp.Piecewise((_inf, noise > 0), (0, True)), _peak), (noise * E2 / E0, True))
BIAS = sp.Piecewise((sp.Piecewise((_inf, signal + nonlinear > 0), (0, True)), _peak),
                    (signal * E1 / E0 + nonlinear * E2 / E0 + nonlinear, True))
TEST = EXCESS + noise
DF1 = h / psi2  # df1/n: 1 - df1/n = s a2 / psi2
TRAIN = sp.Piecewise((0, _peak), ((1 - DF1) ** 2 * TEST, True))

SYSTEM = System(
    parameters=(psi1, psi2, lam, signal, nonlinear, noise, mu1, mustar),
    unknowns=(Unknown(c, guess=GUESS, lower=0.0,
                      doc="c = -χ = a1 a2, χ = ν1 ν2 at ξ = i sqrt(psi1 psi2 λ̄)"),),
    equations=(EQUATION,),
    observables={
        "excess_risk": EXCESS,
        "test_error": TEST,
        "train_error": TRAIN,
        "bias": BIAS,
        "variance": VARIANCE,
        "bias_coefficient": B,
        "variance_coefficient": V,
        "chi": chi,
        "df1": DF1,
        "zeta": mu1 / mustar,
        "mu1": mu1,
        "mustar": mustar,
    },
)


class _Moments(NamedTuple):
    mu1: float
    mustar: float
    mustar2: float


def _moments(value) -> list:
    coef = activation(value).coefficients()
    return [float(coef.mu1), float(coef.mustar), float(coef.mustar2)]


def _moments_of(value) -> list:
    """(mu1, mustar, mustar²) of the activation; a named one's are kept in the code cache, as
    computing them needs sympy (a warm process then validates and prepares without it)."""
    if isinstance(value, str):
        return cache.remember("activation-moments", (value,), lambda: _moments(value))
    return _moments(value)


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    """Mei–Montanari random features ridge regression; N/d -> psi1, n/d -> psi2."""

    psi1: float = param(domain=_POS, doc="number of random features over dimension, N/d", symbol="ψ₁")
    psi2: float = param(domain=_POS, doc="number of samples over dimension, n/d", symbol="ψ₂")
    lam: float = param(0.0, domain=_NONNEG, symbol="λ", aliases=("lambda",),
                       doc="ridge penalty λ of MM eq. (3): (1/n)||y - Fa||² + (N λ/d)||a||²; 0 = min-norm")
    signal: float = param(1.0, domain=_NONNEG, symbol="F₁²",
                          doc="power of the linear part of the target, ||β_1||²")
    nonlinear: float = param(0.0, domain=_NONNEG, symbol="F_*²",
                             doc="power of the nonlinear part of the target, E f_NL(x)²")
    noise: float = param(0.0, domain=_NONNEG, symbol="τ²", doc="label-noise variance Var ε")
    activation: object = param("relu", domain=ActivationDomain(), symbol="σ",
                               doc="activation: a name or a sympy expression in one variable")

    def check(self):
        coef = _Moments(*_moments_of(self.activation))
        if not coef.mustar2 > 0:
            raise ParameterError(
                f"random-features: parameter 'activation' must have a nonlinear part (mustar² = "
                f"E σ(G)² - mu0² - mu1² > 0); {self.activation!r} has mustar² = {coef.mustar2:g}. "
                f"A linear activation is the model 'linear-random-features'")


def prepare(p: Params) -> dict:
    coef = _Moments(*_moments_of(p.activation))
    return {"mu1": coef.mu1, "mustar": coef.mustar}


_BIB_MM = """@article{mei2022generalization,
  title={The generalization error of random features regression: Precise asymptotics and the double
         descent curve},
  author={Mei, Song and Montanari, Andrea},
  journal={Communications on Pure and Applied Mathematics}, volume={75}, number={4},
  pages={667--766}, year={2022}, note={arXiv:1908.05355}
}"""

MODEL = register(Model(
    name="random-features",
    summary="random features ridge regression on the sphere (Mei–Montanari): double descent in N/n",
    variants=(
        Variant("default", Params, SYSTEM,
                "N/d -> psi1, n/d -> psi2; activation by name or sympy expression",
                prepare=prepare,
                example={"psi1": 3.0, "psi2": 3.0, "lam": 1e-3, "signal": 1.0, "noise": 0.2,
                         "activation": "relu"}),
    ),
    references=(
        Reference("mei2022generalization", _BIB_MM,
                  "Thm 1 and Def. 1 (ν1, ν2, χ, E0, E1, E2; B, V), Thm 3 (ridgeless χ); eq. (3) "
                  "estimator [numbers recalled, not verified in source]"),
        Reference("atanasov2024scaling", bibliography.AZP2024,
                  "GCV identity E_tr = (λ/κ)² E_g used for train_error via Gaussian equivalence"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "excess_risk": "E_x (f(x) - f̂(x))², no label noise (MM's R)",
        "test_error": "excess_risk + noise",
        "train_error": "(1/n) Σ (y_i - f̂(x_i))² (labels with noise); derived via Gaussian equivalence",
        "bias": "excess_risk - variance (includes the nonlinear target part)",
        "variance": "label-noise part noise·V (inf at the ridgeless peak psi1 = psi2)",
        "bias_coefficient": "MM's B = E1/E0",
        "variance_coefficient": "MM's V = E2/E0",
        "chi": "MM's χ = ν1 ν2 at ξ = i sqrt(psi1 psi2 λ̄) (real, <= 0)",
        "df1": "effective degrees of freedom over n: h(-χ)/psi2 (1 = interpolation when psi1 >= psi2, lam = 0)",
        "zeta": "ζ = mu1/mustar",
        "mu1": "E G σ(G)",
        "mustar": "sqrt(E σ(G)² - mu0² - mu1²)",
    },
))

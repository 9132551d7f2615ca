"""Linear random features (random projections) ridge regression.

Setting (Bach 2023, arXiv:2303.01372; Atanasov–Zavatone-Veth–Pehlevan 2024, arXiv:2405.00592,
"linear random features"): n samples ``x_i ~ N(0, Σ)`` in ``R^d``, ``y_i = x_i'β + ε_i``,
``Var ε = noise``; a random projection ``F`` (d x N) with iid ``N(0, 1/N)`` entries; the model
``f(x) = v'F'x`` fitted by ridge on the N features ``z = F'x``:

    v̂ = argmin_v (1/n) ||y - X F v||² + lam ||v||²,     θ̂ = F v̂,

so ``lam`` is the per-sample penalty of ``ridge`` applied to the projected features (lam = 0: the
minimum-norm fit). With ``F`` scaled by sqrt(N/d) instead (entries N(0, 1/d)), this is exactly
Mei–Montanari's random features model with the linear activation σ(t) = t and penalty
``(N lam_MM/d)||a||²``: their ``lam_MM`` equals ``lam`` here.

Equations (derived here from two deterministic equivalents composed, the "S-transform product"
of AZP; Bach's ridgeless formulas are the special case lam = 0 [not verified in source]).
Conditional on F, the features are Gaussian and the part of y not linear in z acts as noise, so
``ridge``'s deterministic equivalent applies with covariance F'ΣF and renormalized ridge κ_1;
averaging over F, ``κ_1 (Σ̂_F + κ_1)^{-1} ≃ κ (Σ + κ)^{-1}`` with a second renormalized ridge κ.
With ``df1(κ) = tr Σ(Σ+κ)^{-1}``, ``df2(κ) = tr Σ²(Σ+κ)^{-2}``:

    lam = κ (1 - df1/N)(1 - df1/n),      κ_1 = κ (1 - df1/N),      κ' = 1/(1 - df2/N),
    DF2 = df1 - (κ_1/κ) κ' (df1 - df2)                  (= tr of the feature-level df2),
    test_error = [noise + κ β'Σ(Σ+κ)^{-1}β - κ_1 κ' β'Σ²(Σ+κ)^{-2}β] / (1 - DF2/n),
    train_error = (1 - df1/n)² test_error   (GCV identity of the feature-level ridge),

``excess_risk = test_error - noise``, ``variance = noise (DF2/n)/(1 - DF2/n)`` (label-noise part),
``bias = excess_risk - variance``. As N -> ∞, κ_1 = κ, DF2 = df2 and this is ``ridge``. The
equation has several roots at lam = 0; the solution is the largest (both factors positive), and
Newton starts above it, at ``lam + tr Σ (1/N + 1/n)``. At lam = 0 and ``n = min(N, rank Σ)`` the
risk is ``inf`` on purpose (the interpolation peak of the projected problem).

Isotropic variant: Σ = I_d, ``psi1 = N/d`` and ``psi2 = n/d`` (Mei–Montanari's letters), target
power ``signal = ||β||²``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import spectra
from ..symbolic import Average, ParamSpace, System, Unknown
from ..validation import Array, Interval, param, Parameters
from . import _bibliography as bibliography
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

lam, noise, signal, psi1, psi2, n, features = sp.symbols(
    "lam noise signal psi1 psi2 n features", nonnegative=True)
kappa = sp.Symbol("kappa", nonnegative=True)
s, t = sp.symbols("s t", real=True)
SPECTRUM = ParamSpace("spectrum", {s: "eigenvalues", t: "target"})


def _system(parameters, df1, df2, t1, t2, n_samples, n_features, trace, peak, guess=None):
    """Equations and observables from per-problem traces (see the module docstring).

    ``df1``, ``df2`` are traces (not normalized), ``t1 = β'Σ(Σ+κ)^{-1}β``, ``t2 = β'Σ²(Σ+κ)^{-2}β``.
    """
    q_feat = 1 - df1 / n_features
    q_samp = 1 - df1 / n_samples
    kappa1 = kappa * q_feat
    dk = 1 / (1 - df2 / n_features)
    # Both correction terms vanish at κ = 0 (their limit; (1 - df1/N)/(1 - df2/N) is 0/0 there
    # when N equals the rank of Σ, but it stays bounded, -> 1/2).
    at_zero = sp.Eq(kappa, 0)
    big_df2 = df1 - sp.Piecewise((0, at_zero), (q_feat * dk * (df1 - df2), True))
    gap = 1 - big_df2 / n_samples
    bias_num = sp.Piecewise((0, at_zero), (kappa * t1 - kappa1 * dk * t2, True))
    variance = sp.Piecewise((sp.Piecewise((sp.oo, noise > 0), (0, True)), peak),
                            (noise * (big_df2 / n_samples) / gap, True))
    bias = sp.Piecewise((sp.oo, sp.And(peak, bias_num > 0)), (0, peak), (bias_num / gap, True))
    excess = bias + variance
    test = excess + noise
    train = sp.Piecewise((0, peak), (q_samp ** 2 * test, True))
    return System(
        parameters=parameters,
        unknowns=(Unknown(kappa, guess=guess if guess is not None else
                          lam + trace * (1 / n_features + 1 / n_samples), lower=0.0,
                          doc="renormalized ridge of the projection level"),),
        equations=(sp.Eq(kappa * q_feat * q_samp, lam),),
        observables={
            "excess_risk": excess,
            "test_error": test,
            "train_error": train,
            "bias": bias,
            "variance": variance,
            "kappa": kappa,
            "kappa1": kappa1,
            "df1": df1 / n_samples,
            "df2": big_df2 / n_samples,
        },
    )


# Isotropic: Σ = I_d, everything per d: df1 = d/(1+κ), so df1/N = 1/(psi1 (1+κ)).
# The interpolation peak: n equal to the rank min(N, d) of the projected covariance, at lam = 0.
_iso_peak = sp.And(sp.Eq(lam, 0), sp.Eq(psi2, sp.Min(psi1, 1)))
ISOTROPIC = _system(
    (psi1, psi2, lam, signal, noise),
    df1=1 / (1 + kappa), df2=1 / (1 + kappa) ** 2,
    t1=signal / (1 + kappa), t2=signal / (1 + kappa) ** 2,
    n_samples=psi2, n_features=psi1, trace=1, peak=_iso_peak,
    # At lam = 0 the largest root is known: 1 + κ = max(1/psi1, 1/psi2, 1) (a double root at κ = 0
    # when N = d, where Newton would only converge linearly).
    guess=sp.Piecewise((sp.Max(0, 1 / psi1 - 1, 1 / psi2 - 1), sp.Eq(lam, 0)),
                       (lam + 1 / psi1 + 1 / psi2, True)),
)

_df1 = Average(s / (s + kappa), SPECTRUM)
_df2 = Average(s ** 2 / (s + kappa) ** 2, SPECTRUM)
_rank = Average(sp.Heaviside(s, 0), SPECTRUM)
GENERAL = _system(
    (n, features, lam, noise),
    df1=_df1, df2=_df2,
    t1=Average(s * t ** 2 / (s + kappa), SPECTRUM), t2=Average(s ** 2 * t ** 2 / (s + kappa) ** 2, SPECTRUM),
    n_samples=n, n_features=features, trace=Average(s, SPECTRUM),
    peak=sp.And(sp.Eq(lam, 0), sp.Eq(n, sp.Min(features, _rank))),
)

_DOC_LAM = "per-sample ridge penalty on the N projected features (MM's λ for a linear activation)"


@dataclass(frozen=True, kw_only=True)
class IsotropicParams(Parameters):
    """Σ = I_d; N/d -> psi1, n/d -> psi2."""

    psi1: float = param(domain=_POS, doc="number of random features over dimension, N/d", symbol="ψ₁")
    psi2: float = param(domain=_POS, doc="number of samples over dimension, n/d", symbol="ψ₂")
    lam: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM, symbol="λ", aliases=("lambda",))
    signal: float = param(1.0, domain=_NONNEG, doc="signal power ||β||²", symbol="r²")
    noise: float = param(0.0, domain=_NONNEG, doc="label-noise variance Var ε", symbol="σ²")


@dataclass(frozen=True, kw_only=True)
class GeneralParams(spectra.SpectrumParameters):
    """Σ by its eigenvalues, β by its coordinates in Σ's eigenbasis; n samples, N features."""

    n: float = param(domain=_POS, doc="number of samples")
    features: float = param(domain=_POS, doc="number of random features N", symbol="N", aliases=("N",))
    lam: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM, symbol="λ", aliases=("lambda",))
    noise: float = param(0.0, domain=_NONNEG, doc="label-noise variance Var ε", symbol="σ²")
    eigenvalues: np.ndarray = param(domain=Array(_NONNEG), doc="eigenvalues of Σ (length d)")
    target: np.ndarray = param(domain=Array(Interval()), doc="β in Σ's eigenbasis (length d)")


_BIB_BACH = """@article{bach2024high,
  title={High-dimensional analysis of double descent for linear regression with random projections},
  author={Bach, Francis},
  journal={SIAM Journal on Mathematics of Data Science}, volume={6}, number={1}, pages={26--50},
  year={2024}, note={arXiv:2303.01372}
}"""

MODEL = register(Model(
    name="linear-random-features",
    summary="ridge on N Gaussian random projections of Gaussian data: two renormalized ridges composed",
    variants=(
        Variant("isotropic", IsotropicParams, ISOTROPIC,
                "Σ = I_d, N/d -> psi1, n/d -> psi2 (MM's random features with a linear activation)",
                example={"psi1": 2.0, "psi2": 1.5, "lam": 0.05, "signal": 1.0, "noise": 0.2}),
        Variant("general", GeneralParams, GENERAL,
                "Σ given by its eigenvalues (finite d): deterministic equivalent with two ridges",
                example={"n": 100, "features": 150, "lam": 0.01, "noise": 0.1,
                         "spectrum": "power-law:p=300,decay=1.5,source=0.5"}),
    ),
    references=(
        Reference("bach2024high", _BIB_BACH,
                  "asymptotic equivalents of bias and variance of (ridge / min-norm) least squares with "
                  "random projections [equation numbers not verified in source]"),
        Reference("atanasov2024scaling", bibliography.AZP2024,
                  "linear random features: S-transform composition of the renormalized ridges; "
                  "GCV identity E_tr = (λ/κ)² E_g [section numbers not verified in source]"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "excess_risk": "E_x (x'(θ̂ - β))², no label noise",
        "test_error": "excess_risk + noise",
        "train_error": "(1/n)||y - XFv̂||² (labels with noise)",
        "bias": "excess_risk - variance (includes the part of β outside the projection)",
        "variance": "label-noise part of excess_risk (inf at the ridgeless peak N = n)",
        "kappa": "renormalized ridge of the projection level, κ(Σ+κ)^{-1} ≃ κ_1(Σ̂_F + κ_1)^{-1}",
        "kappa1": "renormalized ridge of the feature-level ridge, κ_1 = κ(1 - df1/N)",
        "df1": "df1(κ)/n = feature-level degrees of freedom over n",
        "df2": "feature-level df2 over n (variance amplification 1/(1 - df2))",
    },
))

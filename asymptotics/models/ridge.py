"""Ridge and ridgeless (minimum-norm) least squares with Gaussian covariates.

Setting (Hastie, Montanari, Rosset, Tibshirani 2022; Dobriban–Wager 2018; Atanasov,
Zavatone-Veth, Pehlevan 2024): n samples ``x_i ~ N(0, Σ)`` in ``R^p``, ``y_i = x_i'β + ε_i`` with
``E ε = 0``, ``Var ε = noise``. Estimator

    β̂ = argmin_b (1/n) ||y - X b||² + lam ||b||² = (X'X + n lam I)^{-1} X'y,

so ``lam`` is the per-sample penalty (HMRT's λ); ``lam = 0`` is the minimum-norm interpolator
``(X'X)^+ X'y``, the limit lam -> 0+.

Equations (deterministic equivalent; AZP arXiv:2405.00592 Sec. 3, renormalized ridge): the
effective ridge ``kappa`` solves

    lam = kappa (1 - df1(kappa)/n),    df1(κ) = tr Σ(Σ+κ)^{-1},  df2(κ) = tr Σ²(Σ+κ)^{-2},

and, with ``bias = κ² β'Σ(Σ+κ)^{-2}β / (1 - df2/n)`` and ``variance = noise (df2/n)/(1 - df2/n)``,

    excess_risk = E_x (x'(β̂ - β))² = bias + variance,     test_error = excess_risk + noise,
    train_error = (1/n)||y - Xβ̂||² = (1 - df1/n)² test_error  (= (lam/κ)² test_error).

The GCV estimate ``train_error / (1 - df1/n)²`` is asymptotically exact: its theoretical value is
``test_error``, and its Monte Carlo twin uses the training data only.

Isotropic variant (Σ = I, p/n -> ``gamma``): df1/n = γ/(1+κ), df2/n = γ/(1+κ)², and κ solves a
quadratic, ``κ = [γ + lam - 1 + sqrt((γ + lam - 1)² + 4 lam)] / 2``; this reproduces HMRT's
Theorem 1 (ridgeless: ``noise γ/(1-γ)`` for γ < 1, ``signal (1 - 1/γ) + noise/(γ - 1)`` for γ > 1)
and the ridge formula in terms of the Marchenko–Pastur Stieltjes transform. At ``lam = 0`` and
``gamma = 1`` (resp. ``n`` equal to the rank of Σ) the variance is ``inf`` when ``noise > 0``, on
purpose: the interpolation peak.

``df1`` and ``df2`` are reported per sample (divided by n).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import spectra
from ..symbolic import Average, ParamSpace, System, Unknown
from ..validation import Interval, param, Parameters
from . import _bibliography as bibliography
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

# -- symbols ----------------------------------------------------------------------------------
gamma, lam, signal, noise, n = sp.symbols("gamma lam signal noise n", nonnegative=True)
kappa = sp.Symbol("kappa", nonnegative=True)
s, t = sp.symbols("s t", real=True)  # eigenvalue of Σ, target coordinate in its eigenbasis
SPECTRUM = ParamSpace("spectrum", {s: "eigenvalues", t: "target"})


def _observables(df1, df2, bias_num, signal_power, ridgeless_peak, gap1=None, gap2=None):
    """Observables from the per-sample degrees of freedom and the bias numerator κ² β'Σ(Σ+κ)^{-2}β.

    ``gap1 = 1 - df1`` and ``gap2 = 1 - df2`` may be given in a cancellation-free form.

    ``ridgeless_peak`` is the condition (lam = 0 and 1 - df2 = 0) at which the variance diverges;
    there the bias is 0 (its limit from both sides) and the variance inf (0 without noise).
    """
    gap = 1 - df2 if gap2 is None else gap2
    gap1 = 1 - df1 if gap1 is None else gap1
    bias = sp.Piecewise((0, ridgeless_peak), (bias_num / gap, True))
    variance = sp.Piecewise((sp.Piecewise((sp.oo, noise > 0), (0, True)), ridgeless_peak),
                            (noise * df2 / gap, True))
    excess = bias + variance
    test = excess + noise
    train = sp.Piecewise((0, ridgeless_peak), (gap1 ** 2 * test, True))
    # GCV = train_error/(1 - df1)² equals test_error identically in the limit (AZP Sec. 3), so its
    # theoretical value is test_error; the Monte Carlo twin computes the estimator from training data.
    gcv = test
    return {
        "excess_risk": excess,
        "bias": bias,
        "variance": variance,
        "test_error": test,
        "train_error": train,
        "gcv": gcv,
        "df1": df1,
        "df2": df2,
        "kappa": kappa,
        "signal": signal_power,
    }


# -- isotropic --------------------------------------------------------------------------------
# κ² + bκ - lam = 0 with b = 1 - γ - lam, in the cancellation-free form of the positive root
# (b is kept unexpanded so that γ + lam - 1 is formed before anything is added to it).
_b = sp.UnevaluatedExpr(1 - gamma - lam)
_root = sp.sqrt(_b ** 2 + 4 * lam)
_ISO_KAPPA = sp.Piecewise((2 * lam / (_b + _root), _b > 0), ((_root - _b) / 2, True))
_iso_df1 = gamma / (1 + kappa)
_iso_df2 = gamma / (1 + kappa) ** 2
ISOTROPIC = System(
    parameters=(gamma, lam, signal, noise),
    unknowns=(Unknown(kappa, guess=lam + gamma, lower=0.0, doc="renormalized ridge"),),
    equations=(sp.Eq(kappa, lam + kappa * _iso_df1),),
    solution={kappa: _ISO_KAPPA},
    observables=_observables(
        _iso_df1, _iso_df2, signal * kappa ** 2 / (1 + kappa) ** 2, signal,
        sp.And(sp.Eq(lam, 0), sp.Eq(gamma, 1)),
        # 1 - γ/(1+κ) and 1 - γ/(1+κ)² with 1 - γ formed first: exact near the peak γ = 1, κ -> 0.
        gap1=(sp.UnevaluatedExpr(1 - gamma) + kappa) / (1 + kappa),
        gap2=(sp.UnevaluatedExpr(1 - gamma) + kappa * (2 + kappa)) / (1 + kappa) ** 2,
    ),
)

# -- general covariance (finite p, deterministic equivalent) ----------------------------------
_df1 = Average(s / (s + kappa), SPECTRUM) / n
_df2 = Average(s ** 2 / (s + kappa) ** 2, SPECTRUM) / n
_rank = Average(sp.Heaviside(s, 0), SPECTRUM)  # number of positive eigenvalues
_MEAN_EIG = Average(s, SPECTRUM) / Average(sp.Integer(1), SPECTRUM)
_MEAN_SUBS = {gamma: Average(sp.Integer(1), SPECTRUM) / n, lam: lam / _MEAN_EIG}
GENERAL = System(
    parameters=(n, lam, noise),
    # Start from the isotropic answer for Σ replaced by its mean eigenvalue m (exact for Σ = m I,
    # and a few Newton steps from the root otherwise; the residual κ - lam - κ df1(κ) is convex in
    # κ, so Newton then approaches the largest root monotonically). At the interpolation peak
    # (lam = 0, n = rank Σ) the root κ = 0 is double: start there exactly.
    unknowns=(Unknown(kappa, guess=sp.Piecewise((0, sp.And(sp.Eq(lam, 0), sp.Eq(n, _rank))),
                                                (_MEAN_EIG * _ISO_KAPPA.xreplace(_MEAN_SUBS), True)),
                      lower=0.0, doc="renormalized ridge"),),
    equations=(sp.Eq(kappa, lam + kappa * _df1),),
    observables=_observables(
        _df1, _df2, kappa ** 2 * Average(t ** 2 * s / (s + kappa) ** 2, SPECTRUM),
        Average(s * t ** 2, SPECTRUM), sp.And(sp.Eq(lam, 0), sp.Eq(n, _rank)),
    ),
)

_DOC_LAM = "per-sample ridge penalty: β̂ = (X'X + n lam I)^{-1} X'y; 0 = minimum-norm interpolator"
_DOC_NOISE = "label-noise variance Var ε"


@dataclass(frozen=True, kw_only=True)
class IsotropicParams(Parameters):
    """Σ = I_p, p/n -> gamma."""

    gamma: float = param(domain=_POS, doc="aspect ratio p/n", symbol="γ")
    lam: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM, symbol="λ", aliases=("lambda",))
    signal: float = param(1.0, domain=_NONNEG, doc="signal power ||β||² (HMRT's r²)", symbol="r²")
    noise: float = param(1.0, domain=_NONNEG, doc=_DOC_NOISE, symbol="σ²")


@dataclass(frozen=True, kw_only=True)
class GeneralParams(spectra.SpectrumParameters):
    """Σ given by its eigenvalues, β by its coordinates in Σ's eigenbasis (finite p)."""

    n: float = param(domain=_POS, doc="number of samples")
    lam: float = param(0.0, domain=_NONNEG, doc=_DOC_LAM, symbol="λ", aliases=("lambda",))
    noise: float = param(1.0, domain=_NONNEG, doc=_DOC_NOISE, symbol="σ²")


_BIB_HMRT = """@article{hastie2022surprises,
  title={Surprises in high-dimensional ridgeless least squares interpolation},
  author={Hastie, Trevor and Montanari, Andrea and Rosset, Saharon and Tibshirani, Ryan J.},
  journal={The Annals of Statistics}, volume={50}, number={2}, pages={949--986}, year={2022},
  note={arXiv:1903.08560}
}"""
_BIB_DW = """@article{dobriban2018high,
  title={High-dimensional asymptotics of prediction: Ridge regression and classification},
  author={Dobriban, Edgar and Wager, Stefan},
  journal={The Annals of Statistics}, volume={46}, number={1}, pages={247--279}, year={2018}
}"""
_BIB_BLLT = """@article{bartlett2020benign,
  title={Benign overfitting in linear regression},
  author={Bartlett, Peter L. and Long, Philip M. and Lugosi, G{\\'a}bor and Tsigler, Alexander},
  journal={Proceedings of the National Academy of Sciences}, volume={117}, number={48},
  pages={30063--30070}, year={2020}
}"""

MODEL = register(Model(
    name="ridge",
    summary="ridge / minimum-norm least squares: test, train, bias, variance, GCV, renormalized ridge",
    variants=(
        Variant("isotropic", IsotropicParams, ISOTROPIC,
                "Σ = I, p/n -> gamma (closed form; HMRT Thm 1 ridgeless, ridge via MP law)",
                example={"gamma": 2.0, "lam": 0.1, "signal": 1.0, "noise": 0.5}),
        Variant("general", GeneralParams, GENERAL,
                "general Σ at finite p: deterministic equivalent with renormalized ridge kappa",
                example={"n": 100, "lam": 0.01, "noise": 0.25,
                         "spectrum": "power-law:p=300,decay=1.5,source=0.5"}),
    ),
    references=(
        Reference("hastie2022surprises", _BIB_HMRT,
                  "Thm 1 (isotropic ridgeless risk), Thm 2 (general Σ ridgeless), Sec. 5 / Thm 5 "
                  "(isotropic ridge via the Marchenko–Pastur Stieltjes transform, optimal λ* = σ²γ/r²)"),
        Reference("dobriban2018high", _BIB_DW, "Thm 2.1 (isotropic ridge risk and optimal penalty)"),
        Reference("atanasov2024scaling", bibliography.AZP2024,
                  "Sec. 3: renormalized ridge κ, E_g = (bias + σ²)/(1 - df2/P), E_tr = (λ/κ)² E_g"),
        Reference("bartlett2020benign", _BIB_BLLT, "effective ranks r_k, R_k and k* (spectra module)"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "excess_risk": "E_x (x'(β̂ - β))², conditional on the data, no label noise",
        "bias": "||E[β̂|X] - β||²_Σ part of excess_risk",
        "variance": "noise part of excess_risk (inf at the ridgeless interpolation peak)",
        "test_error": "excess_risk + noise",
        "train_error": "(1/n)||y - Xβ̂||² (training labels include noise)",
        "gcv": "train_error/(1 - df1)²: the GCV estimate (asymptotically equal to test_error)",
        "df1": "tr Σ(Σ+κ)^{-1} / n",
        "df2": "tr Σ²(Σ+κ)^{-2} / n",
        "kappa": "renormalized (effective) ridge κ",
        "signal": "signal power β'Σβ",
    },
))

"""Kernel ridge regression: the spectral deterministic equivalent, inner-product kernels on the
sphere degree by degree, and the polynomial regime n ~ d^l with its self-induced ridge.

Estimator: ``f̂ = argmin_f (1/n) Σ_i (y_i - f(x_i))² + lam ||f||²_H = K(x, X)(K + n lam I)^{-1} y``
(``lam`` per sample, as in ``ridge``); the ``sphere`` and ``polynomial`` variants take instead the
penalty added to the kernel matrix, ``ridge = n lam`` (``(K + ridge I)^{-1}``), the normalization of
the polynomial-regime papers, where ``K_ii = h(1)`` stays of order one. Labels ``y = f*(x) + ε``,
``Var ε = noise``; the kernel is ``K(x, x') = Σ_k ξ_k φ_k(x) φ_k(x')`` with ``φ_k`` orthonormal in
L²(data) and the target ``f* = Σ_k θ_k φ_k``.

Spectral variant (Canatar–Bordelon–Pehlevan 2021; Simon et al. 2021 "eigenlearning";
Jacot et al. 2020; the same equations as ``ridge`` with Σ -> the kernel eigenvalues, THEORY.md A5
(a) [std]): eigenvalues ``ξ_k`` with multiplicities ``m_k`` (default 1) and per-eigenfunction
target coefficients ``θ_k``; the renormalized ridge κ solves

    κ = lam + κ df1(κ)/n,   df1 = Σ_k m_k ξ_k/(ξ_k + κ),   df2 = Σ_k m_k ξ_k²/(ξ_k + κ)²,
    excess_risk = [κ² Σ_k m_k θ_k²/(ξ_k + κ)² + noise df2/n] / (1 - df2/n),
    train_error = (1 - df1/n)² test_error.

``spectrum=`` accepts the covariance spectra of ``asymptotics.spectra`` (e.g.
``"power-law:p=100000,decay=1.5,source=1"``, eigenvalues s_k, target β_k in feature space),
mapped to ``ξ_k = s_k`` and ``θ_k = sqrt(s_k) β_k`` (same signal Σ θ_k²).

Sphere variant: ``x`` uniform on the sphere of radius sqrt(d), ``K(x, x') = h(<x, x'>/d)``; the
eigenvalues ``ξ_{d,k}`` and multiplicities ``N(d, k)`` are computed at this finite d by the
Funk–Hecke formula (``asymptotics.kernels``: each c_k to relative ~1e-15 at any d and degree by
the Taylor route where N(d, k) is large, with an error bound), degrees 0..K exactly and the higher
ones lumped into one entry carrying their trace ``h(1) - Σ_{k<=K} c_k``; ``target_powers[k]`` is
the power ``F_k²`` of the degree-k part of f*, spread evenly over the N(d, k) harmonics.
``degrees = 0`` (default) chooses K automatically: the smallest K >= max(1, target degree) with
``tail_trace tail_eigenvalue/(n κ_lo²) <= 1e-13`` for ``κ_lo = (ridge + tail_trace/2)/n`` (so
the lumped degrees have eigenvalues far below the renormalized ridge), or none left, capped at
200 and where N(d, K + 1) reaches 1e300; an explicit ``degrees`` is used as given (capped there:
higher degrees cannot be carried in float64 and act through their trace). Observable
``spectrum_error`` (DERIVED HERE) bounds, at the solution's κ, the change of df1 and df2 (over n)
and the relative change of the bias sum that the coefficients' errors and any tail of trace
``tail_trace`` with eigenvalues <= ``tail_eigenvalue`` can cause (see
:func:`spectrum_error`); to first order the risks then change by at most about
``4 spectrum_error test_error/(1 - df2)²`` (measured: at most 2.3x spectrum_error/(1 - df2)²
relative to test_error, over arccos0/arccos1/ntk-relu/exp, d = 5-50, n = 30-3000, K = 2-200).
Resolving more degrees (larger ``degrees``) changes the answer by no more than that. At ridge 0
with n above the rank of the resolved spectrum (κ = 0) it is 0 if that rank is exact (polynomial
kernels) and inf otherwise (a lumped tail changes the rank). This is the spectral equation above with exact
multiplicities, so it captures the staircase of learning curves at any (n, d): between n ~ d^l
and n ~ d^(l+1) the degrees < l are learned, degree l is being learned as in isotropic ridge,
and the degrees > l act through ``Σ_{k>l} c_k`` as a self-induced ridge and (their target power)
as noise.

Polynomial variant (d -> ∞ with ``n = alpha d^l/l!``; Ghorbani–Mei–Misiakiewicz–Montanari 2021,
Misiakiewicz 2022, Xiao–Hu–Misiakiewicz–Lu–Pennington 2022 [statement structure recalled,
constants re-derived here as the limit of the sphere variant]): with ``c_k`` the d -> ∞ degree-k
kernel coefficient (the Taylor coefficient h^(k)(0)/k!), the risk is that of isotropic ridge with
``gamma = 1/alpha`` (the N(d, l) ~ d^l/l! degree-l harmonics per sample), per-sample penalty
``gamma (ridge + Σ_{k>l} c_k)/c_l`` (the self-induced ridge), signal ``F_l²`` and noise
``noise + U``, plus the unlearned power ``U = Σ_{k>l} F_k² + Σ_{k<l, c_k = 0} F_k²``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import spectra
from ..harmonics import choose_degrees, degree_cap, remembered, truncated_spectrum
from ..kernels import KernelDomain, kernel_at_one, sphere_coefficients, taylor_coefficients
from ..symbolic import Average, ParamSpace, System, Unknown
from ..validation import Array, Integer, Interval, param, ParameterError, Parameters
from ._registry import Model, Reference, Variant, register
from .ridge import _observables as ridge_observables

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

n, lam, ridge, noise = sp.symbols("n lam ridge noise", nonnegative=True)
kappa = sp.Symbol("kappa", nonnegative=True)
xi, th = sp.symbols("xi theta", real=True)
SPECTRUM = ParamSpace("kernel_spectrum", {xi: "eigenvalues", th: "coefficients"}, weights="multiplicities")


coef_error, eigenvalue_error, zero_error, tail_trace, tail_eigenvalue = sp.symbols(
    "coef_error eigenvalue_error zero_error tail_trace tail_eigenvalue", nonnegative=True)
SPECTRUM_ERROR_PARAMS = (coef_error, eigenvalue_error, zero_error, tail_trace, tail_eigenvalue)


def spectrum_error(kappa_, count, ridgeless_above_rank):
    """Bound on the change of df1 and df2 (normalized by ``count``) and on the relative change of
    the bias sum Σ m θ²/(ξ + κ)² caused by the spectrum's errors, at fixed κ: the coefficients'
    error bounds (``coef_error`` = Σ_k err_k: a unit of c_k moves Σ m ξ/(ξ + κ) and
    Σ m ξ²/(ξ + κ)² by at most 1/κ; ``eigenvalue_error`` = max_k err_k/N(d, k) moves each bias
    term by at most 2 eigenvalue_error/κ relative) and the lumped tail (any eigenvalues <=
    tail_eigenvalue with total trace tail_trace give Σ m ξ/(ξ + κ) in [tail_trace/(κ +
    tail_eigenvalue), tail_trace/κ], an interval of width tail_trace tail_eigenvalue/(κ(κ +
    tail_eigenvalue)), and Σ m ξ²/(ξ + κ)² in an interval no wider; the bias has no tail terms).
    At κ = 0 (ridgeless, n above the rank of the spectrum used) the risk depends on the spectrum only
    through its rank: 0 if that rank is exact (no lumped tail, every coefficient reported as 0 exactly
    0: ``zero_error`` = Σ of their bounds = 0), else inf (the true kernel has more directions)."""
    trace_part = (coef_error + tail_trace * tail_eigenvalue / (kappa_ + tail_eigenvalue)) / (count * kappa_)
    at_zero = sp.Or(sp.Eq(kappa_, 0), ridgeless_above_rank)  # (Newton stops at κ ~ 1e-24 there)
    return sp.Piecewise((0, sp.And(at_zero, sp.Eq(tail_trace + zero_error, 0))),
                        (sp.oo, at_zero),
                        (sp.Max(trace_part, 2 * eigenvalue_error / kappa_), True))


def _spectral_system(penalty, parameters, extra=None):
    """The renormalized-ridge equations with kernel eigenvalues; ``penalty`` is the per-sample lam."""
    df1 = Average(xi / (xi + kappa), SPECTRUM) / n
    df2 = Average(xi ** 2 / (xi + kappa) ** 2, SPECTRUM) / n
    rank = Average(sp.Heaviside(xi, 0), SPECTRUM)
    obs = ridge_observables(
        df1, df2, kappa ** 2 * Average(th ** 2 / (xi + kappa) ** 2, SPECTRUM),
        Average(th ** 2, SPECTRUM), sp.And(sp.Eq(penalty, 0), sp.Eq(n, rank)))
    obs.update(extra or {})
    return System(
        parameters=parameters,
        # From above the root, where the residual κ - lam - κ df1(κ)/n is increasing and convex:
        # Newton decreases monotonically to the root (about 6 iterations on a power law).
        unknowns=(Unknown(kappa, guess=penalty + Average(xi, SPECTRUM) / n, lower=0.0,
                          doc="renormalized ridge (per sample)"),),
        equations=(sp.Eq(kappa, penalty + kappa * df1),),
        observables=obs,
    )


SPECTRAL = _spectral_system(lam, (n, lam, noise), {"spectrum_error": sp.S.Zero})  # the spectrum is given
SPHERE = _spectral_system(
    ridge / n, (n, ridge, noise, *SPECTRUM_ERROR_PARAMS),
    {"spectrum_error": spectrum_error(kappa, n, sp.And(sp.Eq(ridge, 0),
                                                       n >= Average(sp.Heaviside(xi, 0), SPECTRUM)))})

# -- polynomial regime: isotropic ridge on the degree-l block ----------------------------------
alpha = sp.Symbol("alpha", positive=True)
cl, tail, fl2, unlearned = sp.symbols("c_l tail F_l2 unlearned", nonnegative=True)
_gamma = 1 / alpha
_lr = _gamma * (ridge + tail) / cl  # per-sample penalty of the equivalent isotropic ridge
_k = sp.Symbol("kappa", nonnegative=True)
_absent = sp.Eq(cl, 0)  # the kernel has no degree-l component: nothing is learned at this scale
_df1 = sp.Piecewise((0, _absent), (_gamma / (1 + _k), True))
_df2 = sp.Piecewise((0, _absent), (_gamma / (1 + _k) ** 2, True))
_peak = sp.And(sp.Eq(ridge + tail, 0), sp.Eq(alpha, 1), sp.Not(_absent))
_bias_num = sp.Piecewise((fl2 + unlearned, _absent), (fl2 * _k ** 2 / (1 + _k) ** 2 + unlearned, True))
_poly_obs = ridge_observables(_df1, _df2, _bias_num, fl2 + unlearned, _peak)
_poly_obs = {k: v.subs(kappa, _k) if isinstance(v, sp.Basic) else v for k, v in _poly_obs.items()}
_poly_obs["kappa"] = _k
_poly_obs["self_induced_ridge"] = tail
_poly_obs["spectrum_error"] = sp.S.Zero  # the d -> ∞ coefficients are exact
POLYNOMIAL = System(
    parameters=(alpha, ridge, noise, cl, tail, fl2, unlearned),
    unknowns=(Unknown(_k, guess=_lr + _gamma, lower=0.0, doc="renormalized ridge / ξ_l"),),
    equations=(sp.Eq(_k, sp.Piecewise((1, _absent), (_lr + _k * _gamma / (1 + _k), True))),),
    solution={_k: sp.Piecewise((1, _absent), (((_gamma + _lr - 1) + sp.sqrt((_gamma + _lr - 1) ** 2 + 4 * _lr)) / 2,
                                              True))},
    observables=_poly_obs,
)

DOC_DEGREES = ("degrees resolved exactly, the higher ones lumped through their trace; 0 (default) = "
               "chosen automatically from n, ridge, d and the kernel's decay (see spectrum_error)")


_DOC_NOISE = "label-noise variance Var ε"
_DOC_RIDGE = "penalty added to the kernel matrix, (K + ridge I)^{-1} (= n lam); 0 = interpolation"


@dataclass(frozen=True, kw_only=True)
class SpectralParams(Parameters):
    """Kernel eigenvalues ξ_k (with multiplicities) and target coefficients θ_k; n samples."""

    n: float = param(domain=_POS, doc="number of samples")
    lam: float = param(0.0, domain=_NONNEG, symbol="λ", aliases=("lambda",),
                       doc="per-sample penalty: f̂ = K(x,X)(K + n lam I)^{-1} y; 0 = interpolation")
    noise: float = param(0.0, domain=_NONNEG, doc=_DOC_NOISE, symbol="σ²")
    eigenvalues: np.ndarray = param(domain=Array(_NONNEG), doc="kernel eigenvalues ξ_k (distinct or not)")
    coefficients: np.ndarray = param(domain=Array(Interval()),
                                     doc="target coefficient θ_k of f* on EACH eigenfunction of eigenvalue ξ_k")
    multiplicities: np.ndarray = param(None, domain=Array(_NONNEG),
                                       doc="number of eigenfunctions sharing ξ_k (default: 1 each)")

    conveniences = {"spectrum": ("eigenvalues", "coefficients")}

    @classmethod
    def expand(cls, values: dict) -> dict:
        values = spectra.expand_spectrum_argument(values, coefficients="coefficients", scale="function")
        if values.get("multiplicities") is None and "eigenvalues" in values:
            values["multiplicities"] = np.ones(np.shape(values["eigenvalues"]))
        return values

    def check(self):
        spectra.check_spectrum_arrays("kernel-ridge", self.eigenvalues, coefficients=self.coefficients,
                                      multiplicities=self.multiplicities)


@dataclass(frozen=True, kw_only=True)
class SphereParams(Parameters):
    """Inner-product kernel h(<x,x'>/d) on the sphere of radius sqrt(d); finite n and d."""

    n: float = param(domain=_POS, doc="number of samples")
    d: float = param(domain=Integer(3, np.inf, low_closed=True), doc="input dimension (one value, not swept)")
    ridge: float = param(0.0, domain=_NONNEG, doc=_DOC_RIDGE, symbol="λ")
    noise: float = param(0.0, domain=_NONNEG, doc=_DOC_NOISE, symbol="σ²")
    kernel: object = param("arccos1", domain=KernelDomain(), doc="h(t): a named kernel or an expression")
    target_powers: np.ndarray = param(domain=Array(_NONNEG, min_size=1),
                                      doc="F_k² = power of the degree-k part of f*, k = 0, 1, ...")
    degrees: float = param(0, domain=Integer(0, 200, low_closed=True, high_closed=True),
                           doc=DOC_DEGREES)

    def check(self):
        check_sphere_degrees("kernel-ridge", self)


def check_sphere_degrees(model: str, params) -> None:
    """One input dimension, and every target degree among the resolved ones (sphere variants)."""
    _single("d", params.d)
    deg = _single("degrees", params.degrees)
    if deg and params.target_powers.size > deg + 1:
        raise ParameterError(
            f"{model}: 'target_powers' has degrees up to {params.target_powers.size - 1} but only "
            f"'degrees' = {params.degrees:g} are resolved; raise 'degrees'")


def _single(name, value) -> int:
    """A parameter that selects the spectrum (not swept): one value, possibly repeated in an array."""
    vals = np.unique(np.asarray(value, dtype=float))
    if vals.size != 1:
        raise ParameterError(
            f"kernel-ridge: parameter '{name}' takes one value (it fixes the spectrum; sweep n, ridge or "
            f"noise instead); got {vals.size} different values")
    return int(vals[0])


def sphere_degrees(model: str, params, n_max: float, ridge_min: float, coefficients) -> int:
    """The degrees resolved: ``degrees`` if given (at most :func:`~asymptotics.harmonics.degree_cap`,
    above which N(d, k) exceeds 1e300 and those degrees act only through their trace), else the
    automatic truncation of :func:`~asymptotics.harmonics.choose_degrees` (``coefficients``: the
    kernel as a function K -> its coefficients of degree K)."""
    d, deg = _single("d", params.d), _single("degrees", params.degrees)
    target = params.target_powers.size - 1
    cap = degree_cap(d)
    if target > cap:
        raise ParameterError(
            f"{model}: 'target_powers' has degrees up to {target}, but at d = {d} the multiplicity "
            f"N(d, k) exceeds 1e300 above degree {cap}; give at most {cap + 1} target powers")
    if deg == 0:
        return choose_degrees(coefficients, d, n_max, ridge_min, target)
    return min(deg, cap)


def spectrum_values(spec: dict, target_powers, degree: int) -> dict:
    """The arrays and scalars a ``sphere`` system reads, from :func:`truncated_spectrum`."""
    mult = spec["multiplicities"]
    powers = np.zeros(degree + 2)
    powers[: target_powers.size] = target_powers
    co = spec["coefficients"]
    with np.errstate(under="ignore"):
        eig_err = float(np.max(co.error[: degree + 1] / mult[: degree + 1]))
    return {"eigenvalues": spec["eigenvalues"], "multiplicities": mult, "coefficients": np.sqrt(powers / mult),
            "coef_error": spec["coef_error"], "eigenvalue_error": eig_err,
            "zero_error": float(np.sum(co.error[: degree + 1][co.c[: degree + 1] == 0])),
            "tail_trace": spec["tail_trace"], "tail_eigenvalue": spec["tail_eigenvalue"]}


def _sphere_prepare(p: SphereParams) -> dict:
    d = _single("d", p.d)
    coefficients = kernel_coefficients(p.kernel, d)
    deg = sphere_degrees("kernel-ridge", p, float(np.max(p.n)), float(np.min(p.ridge)), coefficients)
    return spectrum_values(truncated_spectrum(coefficients(deg), deg), p.target_powers, deg)


def kernel_coefficients(kernel, d: int):
    """The kernel's Funk–Hecke coefficients at dimension d as a function of the degree K
    (:func:`asymptotics.kernels.sphere_coefficients`); a kernel given by a name or formula text
    has them kept in the code cache (computing them reads the kernel with sympy)."""
    if isinstance(kernel, str):
        return lambda K: remembered("kernel:" + kernel, d, K, 400, lambda: sphere_coefficients(kernel, d, K))
    return lambda K: sphere_coefficients(kernel, d, K)


@dataclass(frozen=True, kw_only=True)
class PolynomialParams(Parameters):
    """d -> ∞ with n = alpha d^l / l! (the polynomial regime of degree l)."""

    alpha: float = param(domain=_POS, doc="n l!/d^l: samples per degree-l harmonic", symbol="α")
    degree: float = param(domain=Integer(1, 50, low_closed=True, high_closed=True), symbol="l",
                          doc="the scale l: n ~ d^l (one value)")
    ridge: float = param(0.0, domain=_NONNEG, doc=_DOC_RIDGE, symbol="λ")
    noise: float = param(0.0, domain=_NONNEG, doc=_DOC_NOISE, symbol="σ²")
    kernel: object = param("arccos1", domain=KernelDomain(), doc="h(t): a named kernel or an expression")
    target_powers: np.ndarray = param(domain=Array(_NONNEG, min_size=1),
                                      doc="F_k² = power of the degree-k part of f*, k = 0, 1, ...")


def _polynomial_prepare(p: PolynomialParams) -> dict:
    ell = _single("degree", p.degree)
    coef = taylor_coefficients(p.kernel, ell)
    total = kernel_at_one(p.kernel)
    powers = np.asarray(p.target_powers, dtype=float)
    pw = lambda k: float(powers[k]) if k < powers.size else 0.0  # noqa: E731
    zero = np.abs(coef) <= 1e-14 * max(total, 1e-300)
    unlearned = float(np.sum(powers[ell + 1:])) + sum(pw(k) for k in range(ell) if zero[k])
    return {"c_l": 0.0 if zero[ell] else float(coef[ell]), "tail": max(total - float(np.sum(coef)), 0.0),
            "F_l2": pw(ell), "unlearned": unlearned}


_BIB_CBP = """@article{canatar2021spectral,
  title={Spectral bias and task-model alignment explain generalization in kernel regression and
         infinitely wide neural networks},
  author={Canatar, Abdulkadir and Bordelon, Blake and Pehlevan, Cengiz},
  journal={Nature Communications}, volume={12}, number={1}, pages={2914}, year={2021}
}"""
_BIB_SIMON = """@article{simon2023eigenlearning,
  title={The eigenlearning framework: A conservation law perspective on kernel ridge regression and
         wide neural networks},
  author={Simon, James B. and Dickens, Madeline and Karkada, Dhruva and DeWeese, Michael R.},
  journal={Transactions on Machine Learning Research}, year={2023}, note={arXiv:2110.03922}
}"""
_BIB_GMMM = """@article{ghorbani2021linearized,
  title={Linearized two-layers neural networks in high dimension},
  author={Ghorbani, Behrooz and Mei, Song and Misiakiewicz, Theodor and Montanari, Andrea},
  journal={The Annals of Statistics}, volume={49}, number={2}, pages={1029--1054}, year={2021},
  note={arXiv:1904.12191}
}"""
_BIB_MIS = """@article{misiakiewicz2022spectrum,
  title={Spectrum of inner-product kernel matrices in the polynomial regime and multiple descent
         phenomenon in kernel ridge regression},
  author={Misiakiewicz, Theodor},
  journal={arXiv preprint arXiv:2204.10425}, year={2022}
}"""
_BIB_XIAO = """@inproceedings{xiao2022precise,
  title={Precise learning curves and higher-order scaling limits for dot-product kernel regression},
  author={Xiao, Lechao and Hu, Hong and Misiakiewicz, Theodor and Lu, Yue M. and Pennington, Jeffrey},
  booktitle={Advances in Neural Information Processing Systems}, year={2022}, note={arXiv:2205.14846}
}"""
_BIB_MZ = """@article{montanari2022interpolation,
  title={The interpolation phase transition in neural networks: Memorization and generalization
         under lazy training},
  author={Montanari, Andrea and Zhong, Yiqiao},
  journal={The Annals of Statistics}, volume={50}, number={5}, pages={2816--2847}, year={2022},
  note={arXiv:2007.12826}
}"""

MODEL = register(Model(
    name="kernel-ridge",
    summary="kernel ridge regression: spectral deterministic equivalent, sphere kernels, polynomial regime",
    variants=(
        Variant("spectral", SpectralParams, SPECTRAL,
                "kernel eigenvalues (with multiplicities) and target coefficients; n samples",
                example={"n": 200, "lam": 1e-4, "noise": 0.1,
                         "spectrum": "power-law:p=5000,decay=1.5,source=0.5"}),
        Variant("sphere", SphereParams, SPHERE,
                "inner-product kernel on the sphere at finite d, degree-by-degree eigenvalues",
                prepare=_sphere_prepare,
                example={"n": 500, "d": 20, "ridge": 0.01, "noise": 0.1, "kernel": "ntk-relu",
                         "target_powers": [0.0, 1.0, 0.5, 0.25]}),
        Variant("polynomial", PolynomialParams, POLYNOMIAL,
                "d -> ∞ with n = alpha d^l/l!: isotropic ridge on degree l, self-induced ridge",
                prepare=_polynomial_prepare,
                example={"alpha": 2.0, "degree": 2, "ridge": 0.0, "noise": 0.1, "kernel": "ntk-relu",
                         "target_powers": [0.0, 1.0, 0.5, 0.25]},
                observables={"self_induced_ridge": "the ridge Σ_{k>l} c_k that the degrees above l "
                                                   "add, in units of the degree-l eigenvalue"}),
    ),
    references=(
        Reference("canatar2021spectral", _BIB_CBP, "spectral learning curve: κ equation and E_g (Sec. 2)"),
        Reference("simon2023eigenlearning", _BIB_SIMON, "eigenlearning: the same equations, conservation law"),
        Reference("ghorbani2021linearized", _BIB_GMMM, "KRR on the sphere for n ~ d^l learns degree <= l"),
        Reference("misiakiewicz2022spectrum", _BIB_MIS,
                  "kernel matrix = low degrees + degree-l Wishart part + self-induced ridge; multiple descent"),
        Reference("xiao2022precise", _BIB_XIAO, "precise learning curves for n ~ d^l, staircase"),
        Reference("montanari2022interpolation", _BIB_MZ,
                  "NT regime: min-norm NT interpolation as KRR with a self-induced ridge [abstract level]"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "excess_risk": "E_x (f*(x) - f̂(x))², no label noise",
        "bias": "noiseless part of excess_risk (includes unlearned target power)",
        "variance": "label-noise part of excess_risk (inf at the interpolation peak)",
        "test_error": "excess_risk + noise",
        "train_error": "(1/n) Σ (y_i - f̂(x_i))² (labels with noise)",
        "gcv": "train_error/(1 - df1)²: the GCV estimate (asymptotically equal to test_error)",
        "df1": "Σ_k m_k ξ_k/(ξ_k + κ) / n",
        "df2": "Σ_k m_k ξ_k²/(ξ_k + κ)² / n",
        "kappa": "renormalized ridge κ (per sample; in units of ξ_l for the polynomial variant)",
        "spectrum_error": "sphere: bound on the change of df1, df2 and the relative change of the bias sum "
                          "from the kernel spectrum's errors and its lumped tail (see conventions); 0 for the "
                          "spectral and polynomial variants (spectrum given exactly)",
        "signal": "target power Σ θ_k² (learnable and not)",
    },
))

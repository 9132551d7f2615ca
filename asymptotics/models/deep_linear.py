"""Deep linear networks trained to interpolation by gradient flow: min-norm variance, init-grown bias.

Setting (Chatterji & Long 2023, JMLR 24(117), arXiv:2209.09315): n samples ``x_i ~ N(0, I_p)``,
``y_i = x_i'β + ε_i``, ``||β||² = signal`` (β uniform on its sphere, or any β independent of the
design), ``Var ε = noise``, p/n -> ``gamma`` > 1 (over-parameterized, so interpolants exist). The
network is ``f(x) = x'W_1 W_2 ... W_L`` with ``W_1 ∈ R^{p x m}``, ``W_l ∈ R^{m x m}``
(1 < l < L), ``W_L ∈ R^{m x 1}`` (L = ``depth``; L = 1 is the linear model ``x'W_1``), trained by
gradient flow on ``(1/2n)||y - Xθ||²`` with the end-to-end vector ``θ = W_1 ... W_L``, run until it
interpolates. ``init_scale`` α is a per-layer scale (``||θ(0)||² ≈ α^{2L}``):

* ``init='gaussian'``: independent entries, ``W_1 ~ N(0, α²/p)``, ``W_l ~ N(0, α²/m)`` for l >= 2;
* ``init='balanced'``: rank one and balanced, ``W_1 = α a v_1'``, ``W_l = α v_{l-1} v_l'``,
  ``W_L = α v_{L-1}`` with unit vectors ``a`` uniform on S^{p-1} and ``v_l`` on S^{m-1}, so
  ``W_l'W_l = W_{l+1}W_{l+1}'`` (Chatterji–Long's balanced setting, from Azulay et al. 2021 for L = 2).

Chatterji and Long bound the excess risk; only their abstract was available here. The exact limits
below are DERIVED HERE (not read in the paper) and checked by Monte Carlo with the real network
trained by small-step gradient descent (tests/test_deep_linear.py). With P the projection onto the
row space of X and P⊥ = I - P:

1. (exact at every n, both inits; the paper's "same conditional variance") The gradient in ``W_1``
   is ``X'r (W_2...W_L)'``, whose columns lie in the row space, so ``P⊥W_1(t) = P⊥W_1(0)``; at
   interpolation ``Pθ_∞ = X^+ y``. Hence ``θ_∞ = X^+y + P⊥W_1(0)u_∞`` with ``u_∞ = W_2...W_L(∞)``:
   the noise enters only through ``X^+ε``, exactly as for the minimum-l2-norm interpolator. For
   Σ = I the row-space and null-space parts are orthogonal, so

       excess_risk = ||θ_∞ - β||² = variance + bias,   variance = ||X^+ε||²  (= the min-norm's),
       bias = ||P⊥(β - W_1(0)u_∞)||² -> signal (1 - 1/gamma) + init_bias,

   the cross term ``β'P⊥W_1(0)u_∞`` vanishing as p -> inf (W_1(0) is independent of β).
2. (``gaussian``) The loss sees W_1 only through ``XW_1 = XPW_1``, so the whole trajectory of
   ``(PW_1, W_2, ..., W_L)``, and ``u_∞``, is independent of ``P⊥W_1(0)``: given ``u_∞``,
   ``P⊥W_1(0)u_∞ ~ N(0, (α²/p)||u_∞||² P⊥)`` and ``init_bias = α² (1 - 1/gamma) ||u_∞||²``. As
   α -> 0 the conserved quantities ``W_l'W_l - W_{l+1}W_{l+1}' = O(α²)`` make the trained net
   balanced and rank one, ``||u_∞||² = ||θ_∞||^{2(L-1)/L}``, so to leading order

       init_bias = α² (1 - 1/gamma) a^{(L-1)/L},     a = ||X^+y||² -> signal/gamma + noise/(gamma - 1),

   with relative corrections O(α²) that this variant does not model (measured at n = 80, p = 160,
   width 20: +13% for L = 2 and +24% for L = 3 at α = 0.6, within 1-8% at α = 0.15; the figure
   ``deep-linear`` shows them).
3. (``balanced``, every α) A balanced net stays balanced; its end-to-end flow is
   ``θ' = -||θ||^{2-2/L}(g + (L-1) uu'g)``, u = θ/||θ||, g = X'(Xθ - y)/n (Arora, Cohen, Hazan 2018,
   output dimension 1). Since g ∈ row(X), ``P⊥θ`` only rescales, and ``d log||P⊥θ|| =
   ((L-1)/L) d log||θ||``: the ratio ``||P⊥θ(t)|| / ||θ(t)||^{(L-1)/L}`` is conserved. With
   ``||θ(0)|| = α^L`` and ``||P⊥θ(0)||² -> α^{2L}(1 - 1/gamma)``, ``T = init_bias`` solves

       T = α² (1 - 1/gamma) (a + T)^{(L-1)/L},

   a unique root (the right side is concave, sublinear). L = 1: T = α²(1 - 1/gamma) (both inits,
   exact for every α: θ_∞ = θ(0) + X^+(y - Xθ(0))). Depth amplifies a large initialization:
   T ≈ (α²(1 - 1/gamma))^L when that number exceeds 1, while for α²(1 - 1/gamma) < 1 the root tends to
   ``A a/(1 - A)``, A = α²(1 - 1/gamma), as L -> inf.

The minimum-norm quantities reuse the ``ridge`` model's isotropic deterministic equivalents (its
sympy expressions at lam = 0, HMRT Thm 1: bias ``signal (1 - 1/gamma)``, variance
``noise/(gamma - 1)``); ``minnorm_norm = ||X^+y||² = signal - bias + variance`` (Σ = I). The
interpolation peak gamma -> 1+ makes the variance diverge, so gamma must exceed 1; gamma <= 1
(no interpolant for noisy labels) is refused. ``init_scale = 0`` is the α -> 0+ limit (the
min-norm interpolator; a deep net started exactly at 0 does not move). ``train_error`` is 0
(interpolation).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import System, Unknown
from ..validation import Integer, Interval, OneOf, param
from . import ridge as _ridge
from ._registry import Model, Reference, Variant, register

gamma, signal, noise = _ridge.gamma, _ridge.signal, _ridge.noise  # the same symbols as ridge's
depth = sp.Symbol("depth", positive=True)
init_scale = sp.Symbol("init_scale", nonnegative=True)
T = sp.Symbol("init_bias", nonnegative=True)

# -- the minimum-l2-norm interpolator, from the ridge model's equations at lam = 0 -------------------
_kappa0 = _ridge.ISOTROPIC.solution[_ridge.kappa].subs(_ridge.lam, 0)


def _ridgeless(name: str) -> sp.Expr:
    return _ridge.ISOTROPIC.observables[name].subs(_ridge.kappa, _kappa0).subs(_ridge.lam, 0)


MINNORM_BIAS = _ridgeless("bias")
MINNORM_VARIANCE = _ridgeless("variance")
MINNORM_NORM = signal - MINNORM_BIAS + MINNORM_VARIANCE  # ||X^+y||² = ||Pβ||² + ||X^+ε||² (Σ = I)

_A = init_scale ** 2 * (1 - 1 / gamma)  # variance per unit ||u||² of P⊥W_1(0)u, times p - n
_k = (depth - 1) / depth
BALANCED_EQUATION = sp.Eq(T, _A * (MINNORM_NORM + T) ** _k)
SMALL_INIT_BIAS = _A * MINNORM_NORM ** _k


def _observables(init_bias):
    bias = MINNORM_BIAS + init_bias
    excess = bias + MINNORM_VARIANCE
    return {
        "excess_risk": excess,
        "bias": bias,
        "variance": MINNORM_VARIANCE,
        "init_bias": init_bias,
        "test_error": excess + noise,
        "train_error": sp.Integer(0),
        "norm": MINNORM_NORM + init_bias,
        "minnorm_excess_risk": MINNORM_BIAS + MINNORM_VARIANCE,
        "minnorm_norm": MINNORM_NORM,
    }


@functools.lru_cache(maxsize=None)
def system(init: str) -> System:
    """The System of one initialization (declared in :data:`INITS`)."""
    return INITS[init]()


def _balanced() -> System:
    # Newton on F(T) = T - A (a + T)^k (convex in T, F(0) <= 0) converges monotonically from any
    # point right of the root; 2 A a^k + (2A)^L is one (if T exceeded both, A a^k < T/2 and
    # A T^k < T/2, contradicting T <= A a^k + A T^k).
    guess = 2 * _A * MINNORM_NORM ** _k + (2 * _A) ** depth
    return System(
        parameters=(gamma, signal, noise, depth, init_scale),
        unknowns=(Unknown(T, guess=guess, lower=0.0,
                          doc="||P⊥θ_∞||²: the null-space part of θ grown from the initialization"),),
        equations=(BALANCED_EQUATION,),
        observables=_observables(T),
    )


def _gaussian() -> System:
    return System(parameters=(gamma, signal, noise, depth, init_scale), unknowns=(), equations=(),
                  observables=_observables(SMALL_INIT_BIAS))


# The initializations, declared once: name -> System factory (the simulator draws the same names).
INITS = {"balanced": _balanced, "gaussian": _gaussian}


@dataclass(frozen=True, kw_only=True)
class Params:
    """x ~ N(0, I_p), p/n -> gamma > 1; depth-L linear network from an initialization of scale α."""

    gamma: float = param(domain=Interval(1, np.inf), doc="aspect ratio p/n (> 1: interpolation)",
                         symbol="γ")
    depth: float = param(2, domain=Integer(1, np.inf, True), doc="number of layers L (1 = linear model)",
                         symbol="L", aliases=("layers",))
    init_scale: float = param(0.5, domain=Interval(0, np.inf, low_closed=True),
                              doc="per-layer initialization scale α (||θ(0)||² ≈ α^{2L}); 0 = the "
                                  "α -> 0+ limit", symbol="α", aliases=("alpha",))
    signal: float = param(1.0, domain=Interval(0, np.inf, low_closed=True), doc="signal power ||β||²",
                          symbol="||θ*||²")
    noise: float = param(1.0, domain=Interval(0, np.inf, low_closed=True),
                         doc="label-noise variance Var ε", symbol="σ²")
    init: str = param("balanced", domain=OneOf(tuple(INITS)),
                      doc="'balanced' (rank-one balanced, exact for every α) or 'gaussian' (i.i.d. "
                          "entries; leading order as α -> 0)")


_BIB_CL = """@article{chatterji2023deep,
  title={Deep linear networks can benignly overfit when shallow ones do},
  author={Chatterji, Niladri S. and Long, Philip M.},
  journal={Journal of Machine Learning Research}, volume={24}, number={117}, pages={1--39},
  year={2023}, note={arXiv:2209.09315}
}"""
_BIB_ACH = """@inproceedings{arora2018optimization,
  title={On the optimization of deep networks: Implicit acceleration by overparameterization},
  author={Arora, Sanjeev and Cohen, Nadav and Hazan, Elad},
  booktitle={International Conference on Machine Learning}, pages={244--253}, year={2018}
}"""
_BIB_AZULAY = """@inproceedings{azulay2021implicit,
  title={On the implicit bias of initialization shape: Beyond infinitesimal mirror descent},
  author={Azulay, Shahar and Moroshko, Edward and Nacson, Mor Shpigel and Woodworth, Blake and
          Srebro, Nathan and Globerson, Amir and Soudry, Daniel},
  booktitle={International Conference on Machine Learning}, pages={468--477}, year={2021}
}"""

MODEL = register(Model(
    name="deep-linear",
    summary="deep linear networks trained to interpolation: min-norm variance plus an init-grown bias",
    variants=(Variant("isotropic", Params, lambda p: system(p.init),
                      "Σ = I, p/n -> gamma > 1; balanced init exact (conserved ratio), Gaussian init "
                      "to leading order in α²",
                      example={"gamma": 2.0, "depth": 3, "init_scale": 0.8, "signal": 1.0,
                               "noise": 0.5, "init": "balanced"}),),
    references=(
        Reference("chatterji2023deep", _BIB_CL,
                  "abstract: interpolating deep linear nets have the conditional variance of the "
                  "min-l2 interpolator; bias bounds depend on the initialization (the exact limits "
                  "here are derived in this package, not read in the paper)"),
        Reference("arora2018optimization", _BIB_ACH,
                  "Thm 1: end-to-end dynamics of a balanced deep linear net (output dimension 1)"),
        Reference("azulay2021implicit", _BIB_AZULAY, "balanced initialization of two-layer linear nets"),
        Reference("hastie2022surprises", _ridge._BIB_HMRT, "Thm 1: ridgeless bias and variance (via ridge)"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "excess_risk": "||θ_∞ - β||² (Σ = I), no label noise",
        "bias": "||P⊥(β - θ_∞)||²: min-norm bias signal(1 - 1/gamma) plus init_bias",
        "variance": "||X^+ε||², identical to the min-l2 interpolator's (exact at every n)",
        "init_bias": "||P⊥θ_∞||²: the null-space part of the end-to-end vector grown from the init",
        "test_error": "excess_risk + noise",
        "train_error": "(1/n)||y - Xθ_∞||² = 0 (the flow interpolates)",
        "norm": "||θ_∞||² = minnorm_norm + init_bias",
        "minnorm_excess_risk": "excess risk of the minimum-l2-norm interpolator X^+y (ridge at lam = 0)",
        "minnorm_norm": "||X^+y||² = signal/gamma + noise/(gamma - 1)",
    },
))

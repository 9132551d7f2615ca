"""Noisy interpolation with univariate two-layer ReLU networks: linear splines and their spikes.

Setting (Joshi, Vardi, Srebro, ICLR 2024, arXiv:2307.15396; only their abstract was available
here): n points ``x_i`` in [0, 1], either i.i.d. uniform (``design='random'``) or the grid
``x_i = (i - 1)/(n - 1)`` (``design='grid'``), labels ``y_i = f*(x_i) + ε_i`` with
``ε_i ~ N(0, noise)`` (Gaussian noise is assumed for every constant below) and a Lipschitz target
f*, whose own interpolation error is O(1/n) and drops out of every limit. Networks
``f(x) = Σ_j a_j (w_j x + b_j)_+ + c_0 + c_1 x`` interpolate the data with minimal weight norm
``Σ_j (a_j² + w_j²)/2``. Risks are L_p losses, p = ``power`` in [1, 3]:

    excess_risk = ∫_0^1 |f̂(x) - f*(x)|^p dx   (L_p^p distance, no label noise),
    test_error  = E_{x, y} |f̂(x) - y|^p,      bayes_error = E|ε|^p = σ^p M_p,
    M_p = E|Z|^p = 2^{p/2} Γ((p+1)/2)/√π.

What is DERIVED HERE (not read in the paper), and checked in tests/test_univariate_relu.py:

1. Min-norm interpolants. The representation cost of such a network is ∫|f''| (Savarese et al.
   2019, with the skip connection c_1 x). Any interpolant's f' takes the value of each secant slope
   ``s_i = (y_{i+1} - y_i)/(x_{i+1} - x_i)`` inside [x_i, x_{i+1}], so ∫|f''| >= Σ_i |s_{i+1} - s_i|,
   which the LINEAR SPLINE through the data attains: the linear spline (extended by its end slopes)
   is a min-norm interpolant. It is not the only one: where the discrete curvatures at x_i and
   x_{i+1} have the same sign, every convex (concave) f between the chord and the "spike" formed by
   the two neighbouring secant lines costs the same (Hanin 2021). Verified against the linear
   program min Σ|a_j| over a fine grid of knots (its optimum equals the spline's total variation).
2. The tie broken by a vanishing penalty on the biases, ``Σ (a_j² + w_j² + δ b_j²)``, δ -> 0+,
   selects the unique min-norm interpolant minimizing ∫ x² |f''| among those (cost per unit of
   kink mass sqrt(1 + δ x²)). Derived here: on each run of same-sign curvature it has one kink in
   every interval whose two ends curve the same way, f' takes values v_j at the data points, and
   v maximizes the concave chain objective Σ_i Δ_i² [v_{i+1}/2 - (v_{i+1} - s_i)²/(2(v_{i+1} - v_i))]
   subject to s_{j-1} <= v_j <= s_j (convex runs; mirrored for concave ones); at the optimum the
   two kinks next to an interior data point are equidistant from it. A run of two kinks gives the
   full spike (the neighbouring secant lines extended until they meet). Verified against the
   lexicographic linear program (knots on a grid plus the candidate kinks: costs agree to 1e-12).
   The simulator calls this interpolant ``min-norm``.
3. Linear spline, both designs (exact). On [x_i, x_{i+1}] the spline of pure noise is
   (1-u)ε_i + uε_{i+1} ~ N(0, σ²(u² + (1-u)²)), so, as n -> inf (in probability, and exactly in
   expectation over the noise for every n when restricted to the data hull per unit length),

       excess_risk = σ^p M_p ∫_0^1 (u² + (1-u)²)^{p/2} du = σ^p M_p 2^{-p/2} ₂F₁(-p/2, 1/2; 3/2; -1),
       test_error  = σ^p M_p ∫_0^1 (1 + u² + (1-u)²)^{p/2} du,

   the same for random and grid designs: tempered for every p (p = 2: excess 2/3 σ², test
   5/3 σ²; p = 1: σ sqrt(2/π)(1 + asinh(1)/√2)/2 ≈ 0.6476 σ). The integrals are declared in sympy
   and evaluated by 48-point Gauss–Legendre (their integrands are smooth: exact to rounding).
4. Expectation over the training set (``expected_excess_risk``). With random design the spline
   (and every min-norm interpolant) extends the first and last secant lines to the ends of [0, 1]:
   on [0, x_1] it reaches |ε_2 - ε_1| x_1/(x_2 - x_1), and since the spacing x_2 - x_1 has a
   positive density at 0, E ∫_0^{x_1} |f̂|^p = ∞ for every p >= 1 and every n: returned as ``inf``
   on purpose (it vanishes in probability, as O_p(1/n)). On the grid there is no extrapolation and
   the expectation equals ``excess_risk`` exactly, for every n >= 2.
5. The min-norm (vanishing bias penalty) interpolant with random design: its spike on interval i
   is large only when both neighbouring spacings are small, which makes the run exactly the two
   kinks at x_i, x_{i+1} (a full spike). With Δ's in units of 1/n i.i.d. Exp(1) (Poisson limit),
   the spike depth H (in units of σ, per interval) has the tail

       P(H > t) ~ spike_tail / t²,   spike_tail = 2/π,

   and the interval's L_p contribution Y = n ∫_interval |f̂ - f*|^p / σ^p has
   P(Y > y) ~ contribution_tail y^{-2/p} with contribution_tail = Γ(3 + 2/p) / (π (p+1)^{2/p}).
   Hence (sums of n i.i.d. terms of tail index 2/p): tempered for p < 2 (finite mean; the
   constant depends on the whole run structure and is measured by simulation only, not given
   here), catastrophic for p >= 2: at p = 2 the excess risk grows like σ² contribution_tail
   log n = (2/π) σ² log n in probability (``min_norm_log_growth``), for p > 2 like n^{p/2 - 1}
   (``min_norm_growth_exponent``) times a random (stable) factor. On the grid the spikes are
   O(σ) with Gaussian tails: tempered for every p (all four tail observables 0). This reproduces
   the abstract's picture (tempered for L_1, catastrophic for L_2 and in expectation); the
   paper's exact theorems were not available.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import Average, System, tensor
from ..validation import Interval, OneOf, param
from ._registry import Model, Reference, Variant, register

power = sp.Symbol("power", positive=True)
noise = sp.Symbol("noise", positive=True)
u = sp.Symbol("u", real=True)  # position inside an interval, u ∈ [0, 1]
U = tensor((u, "uniform", 48), name="univariate_relu_u")

ABS_MOMENT = 2 ** (power / 2) * sp.gamma((power + 1) / 2) / sp.sqrt(sp.pi)  # E|Z|^p
_scale = noise ** (power / 2) * ABS_MOMENT
SPLINE_EXCESS = _scale * Average((u ** 2 + (1 - u) ** 2) ** (power / 2), U)
SPLINE_TEST = _scale * Average((1 + u ** 2 + (1 - u) ** 2) ** (power / 2), U)
BAYES = _scale
SPIKE_TAIL = 2 / sp.pi
CONTRIBUTION_TAIL = sp.gamma(3 + 2 / power) / (sp.pi * (power + 1) ** (2 / power))

# The two designs as data: what differs between them (expectation over the training set, the
# min-norm interpolant's spikes).
DESIGNS = {
    "random": {
        "expected_excess_risk": sp.oo,
        "min_norm_catastrophic": sp.Piecewise((1, power >= 2), (0, True)),
        "spike_tail": SPIKE_TAIL,
        "contribution_tail": CONTRIBUTION_TAIL,
        "min_norm_growth_exponent": sp.Max(power / 2 - 1, 0),
        "min_norm_log_growth": sp.Piecewise((noise * CONTRIBUTION_TAIL, sp.Eq(power, 2)), (0, True)),
    },
    "grid": {
        "expected_excess_risk": SPLINE_EXCESS,
        "min_norm_catastrophic": sp.Integer(0),
        "spike_tail": sp.Integer(0),
        "contribution_tail": sp.Integer(0),
        "min_norm_growth_exponent": sp.Integer(0),
        "min_norm_log_growth": sp.Integer(0),
    },
}


def _system(design: str) -> System:
    return System(
        parameters=(power, noise), unknowns=(), equations=(),
        observables={"excess_risk": SPLINE_EXCESS, "test_error": SPLINE_TEST, "bayes_error": BAYES,
                     "ratio": SPLINE_TEST / BAYES, **DESIGNS[design]},
    )


SYSTEMS = {name: _system(name) for name in DESIGNS}


@dataclass(frozen=True, kw_only=True)
class Params:
    """L_p risks of interpolants of n noisy points in [0, 1], n -> inf."""

    power: float = param(2.0, domain=Interval(1, 3, True, True), doc="exponent p of the L_p loss",
                         symbol="p", aliases=("p",))
    noise: float = param(1.0, domain=Interval(0, np.inf), doc="label-noise variance Var ε (Gaussian)",
                         symbol="σ²")
    design: str = param("random", domain=OneOf(tuple(DESIGNS)),
                        doc="'random': x_i i.i.d. uniform on [0, 1]; 'grid': x_i = (i - 1)/(n - 1)")


_BIB_JVS = """@inproceedings{joshi2024noisy,
  title={Noisy Interpolation Learning with Shallow Univariate {ReLU} Networks},
  author={Joshi, Nirmit and Vardi, Gal and Srebro, Nathan},
  booktitle={International Conference on Learning Representations}, year={2024},
  note={arXiv:2307.15396}
}"""
_BIB_SAVARESE = """@inproceedings{savarese2019infinite,
  title={How do infinite width bounded norm networks look in function space?},
  author={Savarese, Pedro and Evron, Itay and Soudry, Daniel and Srebro, Nathan},
  booktitle={Conference on Learning Theory}, pages={2667--2690}, year={2019}
}"""
_BIB_HANIN = """@article{hanin2021ridgeless,
  title={Ridgeless Interpolation with Shallow {ReLU} Networks in $1D$ is Nearest Neighbor Curvature
         Extrapolation and Provably Generalizes on {Lipschitz} Functions},
  author={Hanin, Boris}, journal={arXiv preprint arXiv:2109.12960}, year={2021}
}"""
_BIB_BF = """@inproceedings{boursier2023penalising,
  title={Penalising the biases in norm regularisation enforces sparsity},
  author={Boursier, Etienne and Flammarion, Nicolas},
  booktitle={Advances in Neural Information Processing Systems}, year={2023},
  note={arXiv:2303.01353}
}"""

MODEL = register(Model(
    name="univariate-relu",
    summary="min-norm univariate ReLU interpolation: exact L_p constants of the linear spline; "
            "tempered vs catastrophic spikes of the min-norm interpolant",
    variants=(Variant("default", Params, lambda p: SYSTEMS[p.design],
                      "random (uniform) or grid design: linear-spline constants (exact) and the "
                      "min-norm spikes' tail laws",
                      example={"power": 1.5, "noise": 0.5, "design": "random"}),),
    references=(
        Reference("joshi2024noisy", _BIB_JVS,
                  "abstract: tempered L_1, catastrophic L_2 and in expectation, for min-norm "
                  "univariate ReLU interpolation (constants and tail laws here derived in this "
                  "package, not read in the paper)"),
        Reference("savarese2019infinite", _BIB_SAVARESE, "representation cost ∫|f''| of univariate nets"),
        Reference("hanin2021ridgeless", _BIB_HANIN, "the set of min-norm interpolants (convex/concave "
                                                    "between same-sign curvature estimates)"),
        Reference("boursier2023penalising", _BIB_BF, "penalised biases select a unique interpolant"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "excess_risk": "∫_0^1 |f̂ - f*|^p of the linear spline, n -> inf (in probability); no label noise",
        "test_error": "E|f̂(x) - y|^p of the linear spline (includes the label noise)",
        "bayes_error": "E|ε|^p = σ^p M_p, the risk of f*",
        "ratio": "test_error / bayes_error (finite: tempered)",
        "expected_excess_risk": "lim_n E_train ∫_0^1 |f̂ - f*|^p: inf with random design (end "
                                "extrapolation, every p >= 1), = excess_risk on the grid",
        "min_norm_catastrophic": "1 if the min-norm (vanishing bias penalty) interpolant's L_p risk "
                                 "-> inf in probability (random design, p >= 2), else 0",
        "spike_tail": "lim t² P(spike depth > t σ) per interval (2/π random; 0 grid)",
        "contribution_tail": "lim y^{2/p} P(n ∫_interval |f̂ - f*|^p > y σ^p) per interval, min-norm",
        "min_norm_growth_exponent": "e in excess risk ~ n^e for p > 2 (random): p/2 - 1; else 0",
        "min_norm_log_growth": "c in excess risk ≈ c log n at p = 2 (random): (2/π)σ²; else 0",
    },
))

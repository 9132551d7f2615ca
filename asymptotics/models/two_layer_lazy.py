"""Two-layer network, lazy (NTK) regime: exact train/test error over gradient-flow time.

Context (Montanari & Urbani 2025, arXiv:2502.21269, "Dynamical decoupling of generalization and
overfitting in large two-layer networks"; THEORY.md E4): only the abstract was available here. Its
claims: at large width m and large n/d, gradient flow on a two-layer network separates a fast
time scale (learning) from a slow one tied to the growth of the network's complexity
(overfitting); lazy and mean-field initializations behave differently. This model is the part of
that picture that is EXACT and derived here: the lazy limit, at any n/d. The mean-field early
phase is ``two-layer-population``; the paper's full DMFT (mean-field, finite n/d) is not derived
here (see that model).

Setting (the conventions of :mod:`asymptotics.models._two_layer`): the NTK parametrization
f(x) = m^{-1/2} Σ_j a_j σ(w_j·x), both layers trained by gradient flow dθ/dt = -∇L on
L = (1/2n) Σ_i (y_i - f(x_i))², from a_j = ±init_scale in antisymmetric pairs (f ≡ 0 at t = 0),
w_j ~ N(0, I_d/d), n = alpha d samples x ~ N(0, I_d). Time: t of this flow.

Derivation (HERE). (i) m -> inf at fixed n, d: the flow is kernel gradient flow with the frozen
neural tangent kernel (Jacot et al. 2018), df/dt = -(1/n) K (f - y) on the training points and
f(x, t) = (1/n) Σ_i K(x, x_i) ∫_0^t (y_i - f_i) on a test point, with
K(x, x') = E[σ(w·x)σ(w·x')] + a0² E[σ'(w·x)σ'(w·x')] x·x'. (ii) n, d -> inf with n/d = alpha
(El Karoui's linearization; odd σ): K/n = a0² [mu1² XX'/n + kappa I] + o(1) in operator norm,
kappa = (E σ'(G)² - mu1²)/alpha, mu1 = E σ'(G); the second-layer kernel contributes O(1/d);
on a test point K(x, X)/n -> a0² mu1² x'X'/n. So the train residual is r(t) = e^{-t K/n} y and
the network's test function is linear, f(x) = x·β(t), with, in the eigenbasis of X'X/n,

    ω(s) = a0² (mu1² s + kappa),    φ(s) = a0² mu1² (1 - e^{-ω t})/ω      (β = φ(X'X/n) X'y/n).

The target's linear part b1 z (b1² = signal E[Gφ(G)]²) is learned; everything else
(s² = signal - b1² + noise) acts as noise (the nonlinear part of φ is invisible to a linear
predictor in the proportional regime). With F the Marchenko–Pastur law of ratio gamma = 1/alpha
(atom (1 - alpha)_+ at 0) and its continuous part integrated by its Gauss rule:

    train_error  = b1² ∫ s e^{-2ωt} dF + s² [gamma ∫ e^{-2ωt} dF + (1 - gamma)_+ e^{-2 a0² kappa t}]
    excess_risk  = b1² [∫ (s φ - 1)² dF + (1 - alpha)_+] + gamma s² ∫ s φ² dF + (s² - noise)
    test_error   = excess_risk + noise,       output_power = E_x f(x)² = ||β||²
                 = b1² ∫ s² φ² dF + gamma s² ∫ s φ² dF,
    displacement = ||θ(t) - θ(0)||² (all parameters; O(1) as m -> inf, each neuron moves O(1/m))
                 = b1² ∫ s (1 - e^{-ωt})²/ω dF + s² [gamma ∫ (1 - e^{-ωt})²/ω dF
                   + (1 - gamma)_+ (1 - e^{-a0² kappa t})²/(a0² kappa)].

Time scales (the lazy form of the abstract's decoupling): learning at t ~ 1/(a0² mu1²), while
the n - d directions of the training residual outside the span of the data (alpha > 1) are
memorized only through kappa ~ 1/alpha, at t ~ alpha/(a0² (E σ'² - mu1²)): the training error
falls to zero on that slow scale with no change of the test error, and the complexity
(displacement) grows on it to (1 - gamma) s² alpha/(a0² (E σ'² - mu1²)). The test error equals
gradient flow on ridge regression (``gd-least-squares`` with gamma = 1/alpha,
lam = kappa/mu1², time = a0² mu1² t, tested), and tends to ridge at lam = kappa/mu1² (the NTK's
implicit ridge) as t -> inf.

What is exact: the limit m -> inf, then n, d -> inf at fixed alpha, for every fixed t (kernel
linearization with odd σ). Finite m: O(m^{-1/2}) kernel fluctuations and motion of the features
(measured in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..integrals import filter_rule_lazy
from ..symbolic import Average, ParametricQuadratureSpace, System
from ..validation import Interval, ParameterError, param
from . import _two_layer as tl
from ._registry import Model, Reference, Variant, register
from .gd_least_squares import MAX_TIME_SQRT_GAMMA, mp_order

alpha, time, init_scale, signal, noise = sp.symbols("alpha time init_scale signal noise", nonnegative=True)
mu1, dsq, target_mu1 = sp.symbols("mu1 dsq target_mu1", real=True)  # from the tables (prepare)
s = sp.Symbol("s", positive=True)  # eigenvalue of X'X/n on the continuous part of the MP law


def _precise_rule(scale=1, alpha=None, time=None, init_scale=None):
    """The same rule in Arb at the working precision, at the exact ratio 1/alpha (the order from
    the float values, as for the float rule, times ``scale``)."""
    from flint import ctx

    from ..precise_rules import marchenko_pastur

    gamma_f = np.array([1.0 / float(alpha)])
    eff = np.array([float(time) * float(init_scale) ** 2])
    nodes, weights = marchenko_pastur(1 / alpha, mp_order(gamma_f, eff) * int(scale), ctx.prec)
    return (nodes,), weights


MP = ParametricQuadratureSpace("marchenko_pastur_lazy", (s,), (alpha, time, init_scale), filter_rule_lazy,
                               precise=_precise_rule)

gamma = 1 / alpha
kappa = (dsq - mu1 ** 2) / alpha
a2 = init_scale ** 2
omega = a2 * (mu1 ** 2 * s + kappa)
decay = sp.exp(-omega * time)
phi = a2 * mu1 ** 2 * (1 - decay) / omega
b1sq = signal * target_mu1 ** 2
ssq = signal * (1 - target_mu1 ** 2) + noise
null = sp.Max(0, 1 - gamma)  # fraction of training directions outside the span of the data
atom = sp.Max(0, 1 - alpha)  # MP atom at 0: directions of β* the data never see
slow = a2 * kappa
memorized = sp.Piecewise(((1 - sp.exp(-slow * time)) ** 2 / slow, slow > 0), (0, True))

_train = b1sq * Average(s * decay ** 2, MP) + ssq * (gamma * Average(decay ** 2, MP)
                                                      + null * sp.exp(-2 * slow * time))
_excess_lin = b1sq * (Average((s * phi - 1) ** 2, MP) + atom) + gamma * ssq * Average(s * phi ** 2, MP)
_test = _excess_lin + ssq

SYSTEM = System(
    parameters=(alpha, time, init_scale, signal, noise, mu1, dsq, target_mu1),
    unknowns=(),
    equations=(),
    observables={
        "train_error": _train,
        "test_error": _test,
        "excess_risk": _test - noise,
        "output_power": b1sq * Average(s ** 2 * phi ** 2, MP) + gamma * ssq * Average(s * phi ** 2, MP),
        "displacement": (b1sq * Average(s * (1 - decay) ** 2 / omega, MP)
                         + ssq * (gamma * Average((1 - decay) ** 2 / omega, MP) + null * memorized)),
    },
)


@dataclass(frozen=True, kw_only=True)
class Params(tl.NetworkParams):
    """NTK parametrization at m = inf, n/d -> alpha; gradient flow from the antisymmetric init."""

    alpha: float = param(domain=Interval(0, np.inf), doc="sample ratio n/d", symbol="α")

    def check(self):
        t, a0, al = np.broadcast_arrays(*(np.asarray(getattr(self, k), float)
                                          for k in ("time", "init_scale", "alpha")))
        if not np.all(np.isfinite(t)):
            raise ParameterError("two-layer-lazy: parameter 'time' must be finite (t -> inf is ridge "
                                 "regression at lam = kappa/mu1², see the conventions)")
        eff = t * a0 ** 2 / np.sqrt(al)
        if np.any(eff > MAX_TIME_SQRT_GAMMA):
            raise ParameterError(f"two-layer-lazy: parameter 'time' must satisfy time*init_scale²/"
                                 f"sqrt(alpha) <= {MAX_TIME_SQRT_GAMMA:.3g} (quadrature accuracy); got "
                                 f"time={float(np.max(t))!r}")


def prepare(p) -> dict:
    # tl.numbers keeps them in the code cache: computing them compiles the activation with sympy
    nb = tl.numbers(p.activation, p.target)
    return {"mu1": nb.mu1, "dsq": nb.dsq, "target_mu1": nb.target_mu1}


def kappa_value(activation: str, alpha_value: float) -> float:
    """kappa = (E σ'² - mu1²)/alpha: the memorization rate per init_scale² (the NTK's identity part)."""
    nb = tl.numbers(activation, "linear")
    return (nb.dsq - nb.mu1 ** 2) / alpha_value


_BIB_MU = """@article{montanari2025dynamical,
  title={Dynamical decoupling of generalization and overfitting in large two-layer networks},
  author={Montanari, Andrea and Urbani, Pierfrancesco},
  journal={arXiv preprint arXiv:2502.21269}, year={2025}
}"""
_BIB_JACOT = """@inproceedings{jacot2018neural,
  title={Neural tangent kernel: Convergence and generalization in neural networks},
  author={Jacot, Arthur and Gabriel, Franck and Hongler, Cl{\\'e}ment},
  booktitle={Advances in Neural Information Processing Systems (NeurIPS)}, year={2018}
}"""
_BIB_ELK = """@article{elkaroui2010spectrum,
  title={The spectrum of kernel random matrices},
  author={El Karoui, Noureddine},
  journal={The Annals of Statistics}, volume={38}, number={1}, pages={1--50}, year={2010}
}"""
REFERENCES = (
    Reference("montanari2025dynamical", _BIB_MU,
              "the questions (time-scale separation, complexity growth, lazy vs mean-field "
              "initialization); abstract only: nothing here is transcribed from the paper"),
    Reference("jacot2018neural", _BIB_JACOT, "m -> inf: kernel gradient flow with the frozen NTK"),
    Reference("elkaroui2010spectrum", _BIB_ELK,
              "linearization of inner-product kernel matrices in the proportional regime (Thm 2.1) "
              "[recalled, not verified in source]"),
)

MODEL = register(Model(
    name="two-layer-lazy",
    summary="two-layer network in the lazy (NTK) limit: train/test error, output power and parameter "
            "displacement over gradient-flow time, exact at proportional n/d",
    variants=(Variant("ntk", Params, SYSTEM, "m = inf NTK parametrization, linearized kernel, "
                      "Marchenko–Pastur spectral formulas", prepare=prepare,
                      example={"alpha": 2.0, "time": 10.0, "noise": 0.25}),),
    references=REFERENCES,
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "train_error": "(1/n) Σ (y_i - f(x_i))²",
        "test_error": "E (y - f(x))² on a fresh sample, label noise included",
        "excess_risk": "test_error - noise",
        "output_power": "E_x f(x)² on fresh inputs",
        "displacement": "||θ(t) - θ(0)||² summed over all parameters (NTK units)",
    },
))

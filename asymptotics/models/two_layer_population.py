"""Two-layer network, mean-field regime: the feature-learning phase (n/d -> inf) over time.

Context (Montanari & Urbani 2025, arXiv:2502.21269; THEORY.md E4): only the abstract was
available. The paper derives a DMFT for gradient flow of large two-layer networks at proportional
n/d and finds, at large width and large n/d, a fast feature-learning phase followed by slow
overfitting and a non-monotone test error ("feature unlearning"). This model is the part that is
DERIVED HERE and exact: the fast phase, as the limit in which overfitting is absent.

Setting (conventions of :mod:`asymptotics.models._two_layer`): the mean-field parametrization
f(x) = (1/m) Σ_j a_j σ(w_j·x), gradient flow with per-neuron rate m, dθ_j/dt = -m ∇_{θ_j} L,
L = (1/2n) Σ_i (y_i - f(x_i))² (each neuron then moves O(1) in time O(1)); a_j = ±init_scale in
antisymmetric pairs, w_j ~ N(0, I_d/d). Time: t of this flow.

Derivation (HERE). Limits in the order d -> inf and m -> inf, then n/d -> inf, at fixed t. With
n/d = inf the empirical risk is the population risk (train = test). With odd σ the pair
(-a, w) acts as (a, -w), and all neurons start at r = w·θ̂ = 0, s = ||w_⊥|| = 1: one neuron type
(a, r, s). The orthogonal directions of different neurons are asymptotically orthogonal, so the
average over neurons is an average over g = ŵ_⊥·x ~ N(0, 1) independent of z = θ̂·x:
f(x) = a F(z), F(z) = E_g σ(r z + s g), and the population gradient of w stays in span(θ̂, w_⊥):

    da/dt = E_z[(y(z) - a F(z)) F(z)],
    dr/dt = a E_z[(y(z) - a F(z)) z F1(z)],      F1(z) = E_g σ'(r z + s g),
    ds/dt = a E_z[(y(z) - a F(z)) G1(z)],        G1(z) = E_g[g σ'(r z + s g)],

y(z) = sqrt(signal) φ(z) (the label noise is orthogonal to every feature). σ, σ' and φ come from
the sympy tables; :func:`asymptotics.dmft.two_layer.solve_population` integrates the flow.
Checks: σ linear and φ linear give the closed form d(ar)/dt = sqrt(init_scale⁴ + 4 (ar)²)
(b1 - ar) (the balanced invariant a² - r² = init_scale², s = 1; tested); at large n/d the real
network follows the flow at early times (Monte Carlo, tested; the deviation grows with t and
shrinks with n/d: the overfitting that this limit leaves out).

Observables: ``train_error`` = ``test_error`` = E(y - f)² + noise; ``excess_risk`` =
E(y(z) - a F(z))²; ``output_power`` = a² E F²; ``displacement`` = (1/m) Σ_j ||θ_j(t) - θ_j(0)||²
= (a - init_scale)² + r² + (s - 1)²; ``path_norm`` = (1/m) Σ_j |a_j| ||w_j|| = |a| sqrt(r² + s²)
(the variation norm that bounds the network's Rademacher complexity); ``alignment`` =
|r|/sqrt(r² + s²) (mean cosine of the neurons with θ̂; at finite d it starts at ~ sqrt(2/(π d)),
not 0); ``second_layer`` = |a|.

What is MISSING (not derived here): the proportional-n/d DMFT of Montanari–Urbani for the
mean-field network, i.e. the effective processes of a neuron (first-layer weight with a
Gaussian gradient noise and a memory kernel from the sample side) and of a sample (its residual
with a response to its own past gradients), solved self-consistently. It is what predicts the
slow overfitting phase, the time scale of the complexity growth and the feature unlearning at
finite n/d. Here those are shown by simulation only (``two-layer-dynamics`` figure), against
this n/d = inf limit for the early phase and ``two-layer-lazy`` for the lazy regime.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validation import ParameterError
from . import _two_layer as tl
from ._registry import Model, Reference, Variant, register
from .two_layer_lazy import REFERENCES as _LAZY_REFS


@dataclass(frozen=True, kw_only=True)
class Params(tl.NetworkParams):
    """Mean-field parametrization, m = inf, n/d = inf (the population flow)."""

    def check(self):
        if not np.all(np.isfinite(np.asarray(self.time, float))):
            raise ParameterError("two-layer-population: parameter 'time' must be finite")


_GROUP = ("init_scale", "signal", "noise")


def solve(params=None, **kwargs):
    """The population flow up to ``max(time)``: a :class:`~asymptotics.dmft.DMFTResult` with the
    neuron state (a, r, s) and the observables on the requested times."""
    from ..dmft.two_layer import solve_population

    p = params if params is not None else MODEL.variants[0].validate(kwargs, MODEL.name)
    sigma, phi = tl.functions(p.activation, p.target)
    return solve_population(sigma, phi, signal=float(p.signal), noise=float(p.noise),
                            init_scale=float(p.init_scale), times=np.atleast_1d(p.time))


def _compute(p, values, batch, method):
    from ..dmft.evaluation import grouped_trajectories
    from ..dmft.two_layer import solve_population

    if method not in ("auto", "ode"):
        raise ParameterError(f"two-layer-population: parameter 'method' must be 'auto' or 'ode'; "
                             f"got {method!r}")
    sigma, phi = tl.functions(p.activation, p.target)
    times = values["time"]

    def run(g, idx):
        res = solve_population(sigma, phi, signal=g["signal"], noise=g["noise"], init_scale=g["init_scale"],
                               times=times[idx])
        pos = np.searchsorted(res.times, times[idx])
        return res, (lambda arr: arr[pos])

    return grouped_trajectories(values, batch, _GROUP, run, tuple(MODEL.observables), method)


_EQUATIONS = r"""\begin{aligned}
f(x) &= a\,F(z),\quad F(z) = \mathbb E_g\,\sigma(rz + sg),\quad z = \hat\theta\cdot x,\ g \sim \mathcal N(0,1) \\
\dot a &= \mathbb E_z[(y(z) - aF)F],\quad \dot r = a\,\mathbb E_z[(y - aF)\,z\,\mathbb E_g\sigma'(rz+sg)],\quad
\dot s = a\,\mathbb E_z[(y - aF)\,\mathbb E_g\, g\,\sigma'(rz+sg)] \\
\varepsilon_{\mathrm{train}} &= \varepsilon_{\mathrm{test}} = \mathbb E_z (y - aF)^2 + \sigma^2,\quad
(a, r, s)(0) = (a_0, 0, 1)
\end{aligned}"""

MODEL = register(Model(
    name="two-layer-population",
    summary="wide two-layer network, mean-field parametrization, n/d -> inf: the feature-learning "
            "phase of gradient flow (ODE for one neuron type); train = test",
    variants=(Variant("mean-field", Params, None, "m = inf, n/d = inf: population gradient flow of "
                      "(a, r, s)", example={"time": 2.0, "noise": 0.25},
                      compute=_compute, equations=_EQUATIONS),),
    references=_LAZY_REFS[:1] + (
        Reference("mei2018mean", """@article{mei2018mean,
  title={A mean field view of the landscape of two-layer neural networks},
  author={Mei, Song and Montanari, Andrea and Nguyen, Phan-Minh},
  journal={Proceedings of the National Academy of Sciences}, volume={115}, number={33},
  pages={E7665--E7671}, year={2018}
}""", "mean-field limit of two-layer networks (distributional dynamics) [recalled, not verified in "
      "source]"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "train_error": "(1/n) Σ (y_i - f(x_i))² (= test_error at n/d = inf)",
        "test_error": "E (y - f(x))², label noise included",
        "excess_risk": "test_error - noise",
        "output_power": "E_x f(x)²",
        "displacement": "(1/m) Σ_j ||θ_j(t) - θ_j(0)||²",
        "path_norm": "(1/m) Σ_j |a_j| ||w_j||",
        "alignment": "mean_j |w_j·θ̂|/||w_j||",
        "second_layer": "mean_j |a_j|",
    },
))

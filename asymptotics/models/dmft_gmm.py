"""(Stochastic) gradient descent on Gaussian-mixture classification: train and test error over time.

Setting (Mignacco, Krzakala, Urbani, Zdeborová, NeurIPS 2020, "Dynamical mean-field theory for
stochastic gradient descent in Gaussian mixture classification"; THEORY.md E3 / C5): two symmetric
clusters in d dimensions, n = alpha d samples

    x_μ = y_μ v*/sqrt(d) + sqrt(noise) z_μ,      y_μ = ±1 with probability 1/2,   z_μ ~ N(0, I_d),

with the cluster direction ``v*`` normalized by ``||v*||²/d = signal`` (the squared norm of the
cluster mean v*/sqrt(d); MKUZ take v* ~ N(0, I_d), i.e. signal = 1) and ``noise`` = Δ the variance
of each cluster. A perceptron without bias, predictor ``h = x·θ/sqrt(d)``, trained from θ = 0 by
mini-batch SGD on the summed loss (the normalization of MKUZ)

    θ_{k+1} = θ_k - step [ Σ_μ s_μ(k) ∂_θ ℓ(y_μ, x_μ·θ_k/sqrt(d)) + lam θ_k ],

observed at ``time = k * step``. The selection variables s_μ(k) ∈ {0, 1} are those of
``dmft-glm``: each sample is in the batch with probability ``batch`` = b; ``persistence`` = τ = 0
draws a fresh batch at every step (plain SGD, b = 1 is full-batch gradient descent), τ > 0 is
MKUZ's persistent SGD (a Markov chain leaving the batch with probability step/τ and entering it
with probability step b/((1 - b)τ) per step; τ = inf freezes the batch). Losses: those of
``dmft-glm`` (``logistic``, ``square`` (h - y)²/2 = (1 - yh)²/2, ``squared-hinge``, and the
``hinge`` through its mollifier of width ``smoothing``).

DMFT (derived here by the dynamical cavity method in discrete time, the scheme of
:mod:`asymptotics.dmft.glm`; MKUZ's equations were not available to compare line by line
[recalled, not verified in source]; every piece is checked against real SGD and the square loss
against the exact spectral solution): with m_k = θ_k·v*/d and C_θ[k, j] = θ_k·θ_j/d,

    sample process:  h_k = y m_k + ξ_k - Δ Σ_{j<k} χ[k, j] s_j ℓ'(y, h_j),   ξ ~ GP(0, Δ C_θ) ⊥ y,
    kernels:         C_ℓ = α Δ E[s_k ℓ'_k s_j ℓ'_j],  R_ℓ[k, j] = E[s_k ∂ℓ'_k/∂ξ_j],
                     μ_k = E[s_k y ℓ'_k],
    weight process:  θ_{k+1} = (1 - step lam) θ_k - step (α Δ Σ_{j≤k} R_ℓ[k, j] θ_j + α μ_k v + u_k),
                     u ~ GP(0, C_ℓ), v ~ N(0, signal),
    closure:         χ = -∂θ/∂u, C_θ = E θθ', m = E θ v.

The cluster direction enters the field as the deterministic drift y m_k and the weights as the
coherent force α μ_k v*; the isotropic part of the data is the teacher-student DMFT with the
field and the memory scaled by Δ. The square loss at b = 1 is solved in closed form (ℓ' is linear
in (ξ, y)); it equals gradient descent on least squares with x ~ N(0, Δ I + v* v*'/d) (tested
against ``gd-least-squares``, variant ``general``, with a spiked spectrum, and its long-time limit
against the ``ridge`` deterministic equivalent). Other losses average over ``paths`` sampled
paths (quasi-Monte Carlo, fixed seed: error ~ 1/sqrt(paths), a few 1e-3 at 2048 paths).

Observables: ``test_error`` = P(y x·θ < 0) on a fresh sample = Φ(-m/sqrt(Δ C)) (1/2 at θ = 0);
``train_error`` the misclassified fraction of the training set (ties count 1/2); ``train_loss``
and ``test_loss`` the average loss on all training samples (not only the batch) / on a fresh
sample; ``norm`` = C = ||θ||²/d; ``overlap`` = m = θ·v*/d; ``cosine`` = m/sqrt(C signal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validation import Interval, OneOf, param
from ._registry import Model, Reference, Variant, register
from .dmft_glm import (_BIB_GERBELOT, _BIB_MKUZ, LOSSES, Schedule, _method, check_schedule,
                       schedule_compute, theory_spec)

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

_EQUATIONS = r"""\begin{aligned}
h_k &= y\, m_k + \xi_k - \Delta \textstyle\sum_{j<k} \chi_{kj}\, s_j\, \ell'(y, h_j), \quad
  \xi \sim \mathcal N(0, \Delta C_\theta),\ y = \pm 1,\ s_k \sim \mathrm{Bernoulli}(b) \\
C_\ell &= \alpha \Delta\, \mathbb E[s_k \ell'_k\, s_j \ell'_j],\quad
  R_\ell = \mathbb E[s_k\, \partial \ell'_k/\partial \xi_j],\quad \mu_k = \mathbb E[s_k\, y\, \ell'_k] \\
\theta_{k+1} &= (1 - \eta\lambda)\theta_k - \eta\Big(\alpha\Delta \textstyle\sum_{j\le k} (R_\ell)_{kj}\theta_j
  + \alpha \mu_k v + u_k\Big),\quad u \sim \mathcal{GP}(0, C_\ell),\ v \sim \mathcal N(0, \rho) \\
\chi_{kj} &= -\mathbb E[\partial\theta_k/\partial u_j],\quad C_\theta = \mathbb E[\theta\theta^\top],\quad
  m = \mathbb E[\theta\, v],\quad \varepsilon_{\mathrm{test}} = \Phi\big(-m/\sqrt{\Delta C_\theta}\big)
\end{aligned}"""


@dataclass(frozen=True, kw_only=True)
class Params(Schedule):
    """Two symmetric Gaussian clusters ±v*/sqrt(d) of variance Δ, n/d -> alpha; (mini-batch)
    gradient descent from θ = 0 on a perceptron without bias."""

    alpha: float = param(domain=_POS, doc="sample ratio n/d", symbol="α")
    time: float = param(domain=_NONNEG, doc="training time = (number of steps) * step", symbol="t")
    step: float = param(0.1, domain=_POS, doc="(S)GD step size on the summed loss (MKUZ normalization)",
                        symbol="η")
    lam: float = param(0.0, domain=_NONNEG, doc="ridge penalty (lam/2)||θ||² added to the summed loss",
                       symbol="λ", aliases=("lambda",))
    noise: float = param(0.5, domain=_POS, doc="variance Δ of each cluster (input noise around the "
                         "means ±v*/sqrt d)", symbol="Δ", aliases=("Delta",))
    signal: float = param(1.0, domain=_POS, doc="squared norm ||v*||²/d of the cluster mean "
                          "(MKUZ: 1)", symbol="ρ")
    loss: str = param("logistic", domain=OneOf(tuple(LOSSES)), doc="training loss ℓ(y, h)")

    def check(self):
        check_schedule(self, "dmft-gmm")




def solve(params: Params | None = None, *, time=None, **kwargs):
    """DMFT of one trajectory up to ``max(time)``: a :class:`~asymptotics.dmft.DMFTResult` with the
    order parameters C(t, t'), R(t, t'), the memory kernels and the observables on the grid."""
    from ..dmft.glm import solve_mixture

    method = kwargs.pop("method", "causal")
    p = params if params is not None else MODEL.variants[0].validate(
        dict(kwargs, time=time if time is not None else 0.0), MODEL.name)
    steps = int(round(float(np.max(p.time)) / float(np.max(p.step))))
    return solve_mixture(theory_spec(p.loss, "sign", 0.0, float(p.smoothing), MODEL.name),
                         alpha=float(p.alpha), step=float(p.step), steps=max(steps, 1), lam=float(p.lam),
                         signal=float(p.signal), noise=float(p.noise), batch=float(p.batch),
                         persistence=float(p.persistence), paths=int(p.paths), seed=int(p.seed),
                         method=_method(method, MODEL.name), name=MODEL.name)


_OBSERVABLES_GMM = {
    "train_loss": "average loss Σ_μ ℓ(y_μ, h_μ)/n over all training samples",
    "train_error": "misclassified fraction of the training set",
    "test_error": "misclassification rate on a fresh sample, Φ(-m/sqrt(Δ C))",
    "test_loss": "expected loss on a fresh sample",
    "norm": "||θ||²/d",
    "overlap": "θ·v*/d",
    "cosine": "overlap / sqrt(norm signal)",
}

_BIB_MKLUZ = """@inproceedings{mignacco2020role,
  title={The role of regularization in classification of high-dimensional noisy {G}aussian mixture},
  author={Mignacco, Francesca and Krzakala, Florent and Lu, Yue M. and Urbani, Pierfrancesco and
          Zdeborov{\\'a}, Lenka},
  booktitle={International Conference on Machine Learning (ICML)}, pages={6874--6883}, year={2020},
  note={arXiv:2002.11544}
}"""

MODEL = register(Model(
    name="dmft-gmm",
    summary="gradient descent and mini-batch / persistent SGD on two-cluster Gaussian-mixture "
            "classification: train loss and test error over time by dynamical mean-field theory",
    variants=(
        Variant("two-clusters", Params, None,
                "x = y v*/sqrt(d) + sqrt(Δ) z, y = ±1; perceptron without bias; (S)GD; DMFT solved "
                "causally on sampled paths (square loss at b = 1: closed form)",
                example={"alpha": 2.0, "time": 2.0, "step": 0.25, "noise": 0.5, "loss": "logistic",
                         "batch": 0.3, "paths": 400},
                compute=schedule_compute(
                    "solve_mixture", lambda p, g: theory_spec(p.loss, "sign", 0.0, g["smoothing"], "dmft-gmm"),
                    "dmft-gmm", _OBSERVABLES_GMM, name="dmft-gmm"), equations=_EQUATIONS),
    ),
    references=(
        Reference("mignacco2020dynamical", _BIB_MKUZ,
                  "the model (two clusters ±v*/sqrt d, variance Δ, summed loss, selection variables "
                  "s_μ(t) ~ Bernoulli(b), persistent SGD) and its DMFT; only the abstract and "
                  "introduction were read here, the equations above are re-derived and checked "
                  "against real SGD [recalled, not verified in source]"),
        Reference("mignacco2020role", _BIB_MKLUZ,
                  "the same data model for convex ERM (the t -> inf limit of full-batch GD with ridge) "
                  "[recalled, not verified in source]"),
        Reference("gerbelot2024rigorous", _BIB_GERBELOT,
                  "discrete-time DMFT of SGD with selection variables, proof [abstract read only]"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables=_OBSERVABLES_GMM,
))

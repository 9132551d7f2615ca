"""(Stochastic) gradient descent on generalized linear models: train and test error over time by DMFT.

Setting (Celentano, Cheng, Montanari 2021; Mignacco, Krzakala, Urbani, Zdeborová 2020; THEORY.md
E2): n = alpha d samples ``x_μ ~ N(0, I_d)``; a teacher ``θ*`` with ``||θ*||²/d = signal`` gives
the score ``h*_μ = x_μ·θ*/sqrt(d)`` (variance ``signal``) and labels

    teacher = "sign":    y = sign(h* + sqrt(noise) ε)        (classification, probit label noise)
    teacher = "linear":  y = h* + sqrt(noise) ε              (regression)

with ε ~ N(0, 1). Mini-batch stochastic gradient descent from θ = 0 with step ``step``,

    θ_{k+1} = θ_k - step [ Σ_μ s_μ(k) ∂_θ ℓ(y_μ, x_μ·θ_k/sqrt(d)) + lam θ_k ],

observed at ``time = k * step`` (k steps), where the selection variables s_μ(k) ∈ {0, 1} put
each sample in the batch of step k with probability ``batch`` = b (Mignacco, Krzakala, Urbani,
Zdeborová 2020; THEORY.md E3). ``persistence`` = τ: 0 is plain SGD (a fresh Bernoulli(b) batch at
every step; b = 1 is full-batch gradient descent on L(θ) = Σ_μ ℓ + (lam/2)||θ||²); τ > 0 is their
"persistent SGD": s_μ is a two-state Markov chain in its stationary law, leaving the batch with
probability step/τ and entering it with probability step b/((1 - b) τ) per step, so that a sample
stays in the batch for a time τ on average and the dynamics has a continuous-time limit
(step -> 0 at fixed τ: the paper's "stochastic gradient flow"); τ = step/(1 - b) is plain SGD
again and τ = inf freezes the batch (gradient descent on a random fraction b of the data). The
ridge term is not multiplied by s. (MKUZ's exact parametrization of the chain is
[recalled, not verified in source]; the definition here is the one the simulator runs.)

Losses (written in sympy below; ℓ' and ℓ'' by differentiation): ``square`` (h - y)²/2,
``logistic`` log(1 + e^{-yh}), ``squared-hinge`` max(0, 1 - yh)²/2 (a smooth perceptron-type loss
with margin 1), and ``hinge`` max(0, 1 - yh) through the mollifier
ℓ_ε = ε log(1 + e^{(1 - yh)/ε}) of width ε = ``smoothing`` (0 < ℓ_ε - ℓ ≤ ε log 2; ℓ_ε -> hinge
as ε -> 0). The DMFT needs ε > 0: the kink's Dirac mass in ℓ'' is what the path tangents
cannot see, the mollifier spreads it over a width ε that the sampled paths resolve. The error
of ℓ_ε is odd about the kink, so smooth averages converge like O(ε²) at first and O(ε) once
margins pile up at the kink late in training (measured on the mixture: the test error moves by
8e-3, 5e-3, 2e-3, 1e-3 per halving of ε from 0.4 to 0.025 at t = 10, and ε = 0.025 matches real
hinge GD, which the simulator runs at smoothing = 0). The mollifier's narrow ℓ'' makes the
tangents noisy once many margins sit near the kink: at t = 10 there, 4096 and 16384 paths differ
by ~2% on the norm for ε between 0.1 and 0.025 (0.3% on the test error, 0.2% at ε = 0.4): use
>= 16384 paths late in training. This is the stat-phys
normalization (sum over samples, predictor x·θ/sqrt(d)); it equals ``gd-least-squares`` for the
square loss and linear teacher with gamma = 1/alpha, gd-least-squares' step = alpha * step,
its lam = lam/alpha, and its time = alpha * time.

The limit is a dynamical mean-field theory: a sample process (the field h of one training sample,
driven by a Gaussian process with covariance C_θ and a memory of its own past gradients) and a
weight process (one coordinate of θ, driven by Gaussian gradient noise C_ℓ, a memory kernel R_ℓ
and the teacher); see :mod:`asymptotics.dmft.glm` for the equations. They are causal (step k
needs steps < k only), so one forward pass in time on fixed sampled paths solves them exactly;
one sweep of the damped iteration on the whole history then measures the residual (``method =
"iterate"`` runs that iteration from zero instead). For losses other than the square loss the sample-process expectations are
averages over ``paths`` sampled paths (fixed seeds, so a solve is deterministic); their Monte
Carlo error ~ 1/sqrt(paths) is the accuracy of the theory values (a few 1e-3 at the default
paths = 2000): compare with simulations at that resolution. The order parameters C(t,t'),
R(t,t') and the memory kernels are returned by :func:`asymptotics.dmft.solve_glm` (one call per
trajectory).

Observables: ``test_error`` is the misclassification rate P(y ≠ sign(x·θ)) =
arccos(m / sqrt(C (signal + noise)))/π (classification; 1/2 at θ = 0) or the test MSE
C - 2m + signal + noise (regression, including the noise); ``train_error`` the misclassified
fraction of the training set (ties count 1/2) or (1/n)||y - Xθ/sqrt d||²; ``train_loss`` and
``test_loss`` the average loss on training / fresh samples; ``norm`` = ||θ||²/d = C,
``overlap`` = θ·θ*/d = m, ``cosine`` = m/sqrt(C signal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import measures, vocabulary
from ..measures import glm_spec
from ..validation import Integer, Interval, OneOf, param, ParameterError, Parameters, whole_steps
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

# -- equations: losses ℓ(y, h) and teachers y = φ(h*, ε), from the package's vocabulary -----------
y, h = vocabulary.Y, vocabulary.H
hstar, eps = vocabulary.HSTAR, vocabulary.EPS
noise = vocabulary.NOISE
smoothing = vocabulary.SMOOTHING

# The DMFT needs ℓ'' everywhere: non-smooth losses enter mollified (the hinge as
# ε log(1 + e^{(1-yh)/ε}); the exact hinge is the smoothing -> 0 limit).
LOSSES = {name: loss.pointwise(smoothing=True) for name, loss in vocabulary.LOSSES.items()}
# The exact hinge, for the simulator at smoothing = 0 (its ℓ'' = 0 off the kink misses the Dirac
# mass there, which is why the DMFT uses the mollified loss).
HINGE_EXACT = vocabulary.LOSSES["hinge"].pointwise()
TEACHERS = {name: t.label for name, t in vocabulary.TEACHERS.items()}

_EQUATIONS = r"""\begin{aligned}
h_k &= w_k - \textstyle\sum_{j<k} \chi_{kj}\, s_j\, \ell'(y, h_j), \quad (h^*, w) \sim \mathcal N\!\left(0,
  \begin{pmatrix} \rho & m^\top \\ m & C_\theta \end{pmatrix}\right),\ y = \varphi(h^*, \varepsilon),\
  s_k \sim \mathrm{Bernoulli}(b) \\
C_\ell &= \alpha\, \mathbb E[s_k \ell'_k\, s_j \ell'_j],\quad R_\ell = \mathbb E[s_k\, \partial \ell'_k/\partial w_j],\quad
  \Gamma_k = \mathbb E[s_k\, \partial \ell'_k/\partial h^*] \\
\theta_{k+1} &= (1 - \eta\lambda)\theta_k - \eta\Big(\alpha \textstyle\sum_{j\le k} (R_\ell)_{kj}\theta_j
  + \alpha \Gamma_k \theta^* + u_k\Big),\quad u \sim \mathcal{GP}(0, C_\ell) \\
\chi_{kj} &= -\mathbb E[\partial\theta_k/\partial u_j],\quad C_\theta = \mathbb E[\theta\theta^\top],\quad
  m = \mathbb E[\theta\,\theta^*]
\end{aligned}"""


def spec(loss: str, teacher: str, noise_value: float = 0.0, smoothing_value: float = 0.1):
    """The numeric :class:`~asymptotics.measures.GLMSpec` of a loss and a teacher of the
    vocabulary (``smoothing_value`` = ε of the mollified hinge; 0 gives the exact hinge)."""
    return glm_spec(loss, teacher, noise_value, smoothing_value, model="dmft-glm")


@dataclass(frozen=True, kw_only=True)
class Schedule(Parameters):
    """The (S)GD schedule fields shared by the DMFT classification models (dmft-glm, dmft-gmm)."""

    batch: float = param(1.0, domain=Interval(0, 1, high_closed=True), doc="mini-batch fraction: "
                         "each sample is in the batch of a step with probability batch (1 = full-batch "
                         "gradient descent)", symbol="b")
    persistence: float = param(0.0, domain=Interval(0, np.inf, low_closed=True, high_closed=True),
                               doc="persistence time of the batch selection: 0 = a fresh batch every "
                               "step (plain SGD), tau > 0 = persistent SGD (mean time a sample stays in "
                               "the batch; needs tau >= step max(1, b/(1-b))), inf = frozen batch",
                               symbol="τ")
    smoothing: float = param(0.1, domain=_NONNEG, doc="width ε of the mollified hinge "
                             "ε log(1 + e^{(1-yh)/ε}) (loss='hinge' only; the DMFT needs ε > 0, the "
                             "simulator runs the exact hinge at 0)", symbol="ε")
    paths: float = param(2000, domain=Integer(100, np.inf, True), doc="sampled paths of the DMFT "
                         "sample process (Monte Carlo error ~ 1/sqrt(paths); unused where the square "
                         "loss makes the DMFT exact at batch = 1)")
    seed: float = param(0, domain=Integer(0, np.inf, True), doc="seed of the sampled paths")


@dataclass(frozen=True, kw_only=True)
class Params(Schedule):
    """Teacher-student GLM, x ~ N(0, I_d), n/d -> alpha; (mini-batch) gradient descent from θ = 0."""

    alpha: float = param(domain=_POS, doc="sample ratio n/d", symbol="α")
    time: float = param(domain=_NONNEG, doc="training time = (number of steps) * step", symbol="t")
    step: float = param(0.1, domain=_POS, doc="gradient-descent step size on the summed loss "
                        "(stat-phys normalization, see conventions)", symbol="η")
    lam: float = param(0.0, domain=_NONNEG, doc="ridge penalty (lam/2)||θ||² added to the summed loss",
                       symbol="λ", aliases=("lambda",))
    signal: float = param(1.0, domain=_POS, doc="variance of the noiseless teacher score h* = ||θ*||²/d",
                          symbol="ρ")
    noise: float = param(0.0, domain=_NONNEG, doc="variance of the label noise added to h* (before the "
                         "sign for classification)", symbol="σ²")
    loss: str = param("logistic", domain=OneOf(tuple(LOSSES)), doc="training loss ℓ(y, h)")
    teacher: str = param("sign", domain=OneOf(tuple(TEACHERS)), doc="label model: 'sign' "
                         "(classification) or 'linear' (regression)")

    def check(self):
        check_schedule(self, "dmft-glm")


def check_schedule(p, name):
    """Shared checks of the (S)GD schedule: whole number of steps, a valid selection chain."""
    whole_steps(p.time, p.step)
    step_, time_, batch_, tau_ = np.broadcast_arrays(*(np.asarray(getattr(p, k), float)
                                                      for k in ("step", "time", "batch", "persistence")))
    with np.errstate(divide="ignore", invalid="ignore"):
        need = step_ * np.maximum(1.0, batch_ / (1.0 - batch_))
    bad = (batch_ < 1) & (tau_ > 0) & np.isfinite(tau_) & (tau_ < need * (1 - 1e-12))
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise ParameterError(
            f"{name}: parameter 'persistence' must be 0 (plain SGD), inf (frozen batch) or at least "
            f"step*max(1, batch/(1-batch)) = {need.ravel()[i]:g} (the selection chain's switching "
            f"probabilities per step must be <= 1); got persistence={float(tau_.ravel()[i])!r}")


_GROUP = ("alpha", "step", "lam", "signal", "noise", "batch", "persistence", "smoothing", "paths", "seed")


def _method(method, name):
    if method not in ("auto", "causal", "iterate"):
        raise ParameterError(f"{name}: parameter 'method' must be 'auto', 'causal' or 'iterate'; "
                             f"got {method!r}")
    return "iterate" if method == "iterate" else "causal"


def theory_spec(loss, teacher, noise_value, smoothing_value, name):
    """:func:`spec` for the DMFT: a non-smooth loss (the hinge) needs a positive smoothing."""
    # loss_traits: read from the code cache (no sympy in a warm process), names checked on a miss
    if measures.loss_traits(loss, teacher, name)["mollified"] and not float(smoothing_value) > 0:
        raise ParameterError(
            f"{name}: the DMFT of the {loss} loss needs parameter 'smoothing' > 0 (the mollifier "
            f"width; the exact loss is its limit smoothing -> 0, see the conventions); got "
            f"{smoothing_value!r}")
    return spec(loss, teacher, noise_value, smoothing_value)


def solve(params: Params | None = None, *, time=None, **kwargs):
    """DMFT of one trajectory up to ``max(time)``: a :class:`~asymptotics.dmft.DMFTResult`."""
    from ..dmft.glm import solve_gd

    method = kwargs.pop("method", "causal")
    p = params if params is not None else _validate(dict(kwargs, time=time if time is not None else 0.0))
    steps = int(round(float(np.max(p.time)) / float(np.max(p.step))))
    return solve_gd(theory_spec(p.loss, p.teacher, float(p.noise), float(p.smoothing), MODEL.name),
                    alpha=float(p.alpha), step=float(p.step), steps=max(steps, 1), lam=float(p.lam),
                    signal=float(p.signal), noise=float(p.noise), batch=float(p.batch),
                    persistence=float(p.persistence), paths=int(p.paths), seed=int(p.seed),
                    method=_method(method, MODEL.name))


def _validate(values):
    return MODEL.variants[0].validate(values, MODEL.name)


_OBSERVABLES = {
    "train_loss": "average training loss Σ_μ ℓ(y_μ, h_μ)/n",
    "train_error": "misclassified training fraction (classification) or training MSE (regression)",
    "test_error": "misclassification rate on a fresh sample (classification) or test MSE "
                  "including label noise (regression)",
    "test_loss": "expected loss on a fresh sample",
    "norm": "||θ||²/d",
    "overlap": "θ·θ*/d",
    "cosine": "overlap / sqrt(norm signal)",
}


def schedule_compute(solver: str, spec_of, model_name: str, observables, **extra):
    """A numeric variant's ``compute`` for a DMFT of (S)GD: one solve of ``asymptotics.dmft.glm.<solver>``
    per group of points sharing everything but ``time``; ``spec_of(params, group)`` gives its
    numeric loss/teacher spec. Shared by dmft-glm and dmft-gmm."""

    def compute(p, values, batch, method):
        from ..dmft import glm
        from ..dmft.evaluation import grouped_trajectories, time_steps

        how = _method(method, model_name)
        times = values["time"]

        def run(g, idx):
            k = time_steps(model_name, times[idx], g["step"], glm.MAX_STEPS, " (cost O(paths steps³))")
            result = getattr(glm, solver)(
                spec_of(p, g), alpha=g["alpha"], step=g["step"], steps=max(int(k.max()), 1),
                lam=g["lam"], signal=g["signal"], noise=g["noise"], batch=g["batch"],
                persistence=g["persistence"], paths=int(g["paths"]), seed=int(g["seed"]), method=how,
                **extra)
            return result, (lambda arr: arr[k])

        return grouped_trajectories(values, batch, _GROUP, run, tuple(observables), method)

    return compute


_BIB_CCM = """@article{celentano2021high,
  title={The high-dimensional asymptotics of first order methods with random data},
  author={Celentano, Michael and Cheng, Chen and Montanari, Andrea},
  journal={arXiv preprint arXiv:2112.07572}, year={2021}
}"""
_BIB_MKUZ = """@inproceedings{mignacco2020dynamical,
  title={Dynamical mean-field theory for stochastic gradient descent in Gaussian mixture classification},
  author={Mignacco, Francesca and Krzakala, Florent and Urbani, Pierfrancesco and Zdeborov{\\'a}, Lenka},
  booktitle={Advances in Neural Information Processing Systems (NeurIPS)}, volume={33}, year={2020},
  note={arXiv:2006.06098}
}"""
_BIB_GERBELOT = """@article{gerbelot2024rigorous,
  title={Rigorous dynamical mean-field theory for stochastic gradient descent methods},
  author={Gerbelot, C{\\'e}dric and Troiani, Emanuele and Mignacco, Francesca and Krzakala, Florent and
          Zdeborov{\\'a}, Lenka},
  journal={SIAM Journal on Mathematics of Data Science}, year={2024}, note={arXiv:2210.06591}
}"""

MODEL = register(Model(
    name="dmft-glm",
    summary="gradient descent and mini-batch SGD on GLMs (logistic, hinge, squared hinge, square "
            "loss): train/test error over time by dynamical mean-field theory",
    variants=(
        Variant("teacher-student", Params, None,
                "Gaussian data, teacher θ*, labels sign(h* + noise) or h* + noise; (S)GD; DMFT solved "
                "causally on sampled paths (or by damped iteration on the whole history)",
                example={"alpha": 2.0, "time": 2.0, "step": 0.25, "lam": 0.0, "loss": "logistic",
                         "teacher": "sign", "batch": 0.5, "paths": 400},
                compute=schedule_compute(
                    "solve_gd", lambda p, g: theory_spec(p.loss, p.teacher, g["noise"], g["smoothing"],
                                                         "dmft-glm"),
                    "dmft-glm", _OBSERVABLES), equations=_EQUATIONS),
    ),
    references=(
        Reference("celentano2021high", _BIB_CCM,
                  "DMFT / state evolution of first-order methods on GLMs with Gaussian data "
                  "(equation numbers [recalled, not verified in source])"),
        Reference("mignacco2020dynamical", _BIB_MKUZ,
                  "effective sample and weight processes for gradient flow / SGD on classification, "
                  "selection variables s_μ(t) ~ Bernoulli(b) and persistent SGD, numerical scheme "
                  "(sampled paths, iteration on the whole history); only the abstract and "
                  "introduction were read here: equations re-derived by the dynamical cavity method "
                  "and checked against real SGD [recalled, not verified in source]"),
        Reference("gerbelot2024rigorous", _BIB_GERBELOT,
                  "discrete-time (constant step) DMFT equations, proof [abstract read only]"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables=_OBSERVABLES,
))

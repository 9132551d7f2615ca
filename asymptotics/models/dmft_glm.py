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
import sympy as sp

from ..symbolic import Softplus
from ..validation import Integer, Interval, OneOf, ParameterError, param
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

# -- equations: losses ℓ(y, h) and teachers y = φ(h*, ε), in sympy --------------------------------
y, h = sp.symbols("y h", real=True)
hstar, eps = sp.symbols("hstar eps", real=True)
noise = sp.Symbol("noise", nonnegative=True)
smoothing = sp.Symbol("smoothing", positive=True)

LOSSES = {
    "square": (h - y) ** 2 / 2,
    "logistic": Softplus(-y * h),
    "squared-hinge": sp.Piecewise(((1 - y * h) ** 2 / 2, y * h < 1), (0, True)),
    "hinge": smoothing * Softplus((1 - y * h) / smoothing),  # mollified; exact hinge as smoothing -> 0
}
# The exact hinge, for the simulator at smoothing = 0 (its ℓ'' = 0 off the kink misses the Dirac
# mass there, which is why the DMFT uses the mollified loss).
HINGE_EXACT = sp.Piecewise((1 - y * h, y * h < 1), (0, True))
TEACHERS = {
    "sign": sp.sign(hstar + sp.sqrt(noise) * eps),
    "linear": hstar + sp.sqrt(noise) * eps,
}

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
    """The numeric :class:`~asymptotics.dmft.glm.GLMSpec` generated from the sympy tables
    (``smoothing_value`` = ε of the mollified hinge; 0 gives the exact hinge, for simulations)."""
    from ..codegen import Kernel
    from ..dmft.glm import GLMSpec

    if loss not in LOSSES:
        raise ParameterError(f"dmft-glm: parameter 'loss' must be one of {', '.join(map(repr, LOSSES))}; "
                             f"got {loss!r}")
    if teacher not in TEACHERS:
        raise ParameterError(f"dmft-glm: parameter 'teacher' must be one of "
                             f"{', '.join(map(repr, TEACHERS))}; got {teacher!r}")
    exact_hinge = loss == "hinge" and float(smoothing_value) == 0.0
    ell = HINGE_EXACT if exact_hinge else LOSSES[loss]
    d1 = sp.diff(ell, h)
    kernel = Kernel([ell, d1, sp.diff(d1, h)], (y, h, smoothing))
    eps_value = float(smoothing_value)
    label = Kernel([TEACHERS[teacher]], (hstar, eps, noise))

    def loss_fn(yv, hv):
        shape = np.shape(hv)
        yv = np.broadcast_to(np.asarray(yv, float), shape).reshape(-1)
        out = kernel({"y": yv, "h": np.asarray(hv, float).reshape(-1),
                      "smoothing": np.full(yv.shape, eps_value)})
        return tuple(np.asarray(o).reshape(shape) for o in out)

    def teacher_fn(hs, ev):
        return label({"hstar": hs, "eps": ev, "noise": np.full(hs.shape, noise_value)})[0].copy()

    return GLMSpec(loss_fn, teacher_fn, classification=(teacher == "sign"),
                   exact_linear=(loss == "square" and teacher == "linear"),
                   name=loss if not exact_hinge else "hinge(exact)", linear_loss=(loss == "square"))


@dataclass(frozen=True, kw_only=True)
class Schedule:
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
    step_, time_, batch_, tau_ = np.broadcast_arrays(*(np.asarray(getattr(p, k), float)
                                                      for k in ("step", "time", "batch", "persistence")))
    k = time_ / step_
    bad = np.abs(k - np.round(k)) > 1e-8 * np.maximum(1.0, k)
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise ParameterError(
            f"{name}: parameter 'time' must be a whole number of steps (time/step an integer); "
            f"got time={float(time_.ravel()[i])!r}, step={float(step_.ravel()[i])!r}")
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
    """:func:`spec` for the DMFT: the hinge needs a positive smoothing."""
    if loss == "hinge" and not float(smoothing_value) > 0:
        raise ParameterError(
            f"{name}: the DMFT of the hinge needs parameter 'smoothing' > 0 (the mollifier width; the "
            f"exact hinge is its limit smoothing -> 0, see the conventions); got {smoothing_value!r}")
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


def _compute(p, values, batch, method):
    from ..dmft.evaluation import grouped_trajectories, time_steps
    from ..dmft.glm import MAX_STEPS
    from ..dmft.glm import solve_gd

    how = _method(method, MODEL.name)
    times = values["time"]

    def run(g, idx):
        k = time_steps(MODEL.name, times[idx], g["step"], MAX_STEPS, " (cost O(paths steps³))")
        result = solve_gd(theory_spec(p.loss, p.teacher, g["noise"], g["smoothing"], MODEL.name),
                          alpha=g["alpha"], step=g["step"], steps=max(int(k.max()), 1), lam=g["lam"],
                          signal=g["signal"], noise=g["noise"], batch=g["batch"],
                          persistence=g["persistence"], paths=int(g["paths"]), seed=int(g["seed"]),
                          method=how)
        return result, (lambda arr: arr[k])

    return grouped_trajectories(values, batch, _GROUP, run, tuple(MODEL.observables), method)


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
                compute=_compute, equations=_EQUATIONS),
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
    observables={
        "train_loss": "average training loss Σ_μ ℓ(y_μ, h_μ)/n",
        "train_error": "misclassified training fraction (classification) or training MSE (regression)",
        "test_error": "misclassification rate on a fresh sample (classification) or test MSE "
                      "including label noise (regression)",
        "test_loss": "expected loss on a fresh sample",
        "norm": "||θ||²/d",
        "overlap": "θ·θ*/d",
        "cosine": "overlap / sqrt(norm signal)",
    },
))

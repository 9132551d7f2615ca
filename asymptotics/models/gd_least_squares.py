"""Gradient descent and gradient flow on least squares: exact learning curves over time.

Setting (Advani, Saxe, Sompolinsky 2020; Ali, Kolter, Tibshirani 2019; THEORY.md B4/E1): n samples
``x_i ~ N(0, I_p)``, ``y_i = x_i'β + ε_i`` with ``||β||² = signal`` (β uniform on its sphere, or
any β independent of the design), ``Var ε = noise``, ``p/n -> gamma``. Gradient descent from
``b = 0`` on

    L(b) = (1/2n) ||y - X b||² + (lam/2) ||b||²,      b_{k+1} = b_k - step ∇L(b_k),

reported at ``time = k * step``; ``step = 0`` is gradient flow ``db/dt = -∇L(b)``. ``lam`` is the
per-sample ridge penalty of the ``ridge`` model: as time -> inf the iterate tends to the ridge
estimator ``(X'X + n lam I)^{-1} X'y`` (the minimum-norm interpolator when lam = 0 and
gamma > 1).

Exact formula (spectral calculus, derived here; THEORY.md B4 [std, derived]): with ``Σ̂ = X'X/n``
and the filter ``φ(s) = exp(-time (s + lam))`` (flow) or ``(1 - step (s + lam))^k`` (descent),
the iterate is ``b = g(Σ̂) X'y/n`` with ``g(s) = (1 - φ(s))/(s + lam)``; the fitted fraction of an
eigendirection is ``h(s) = s g(s)``. Averaging over ε and over the direction of β, with ``F`` the
Marchenko–Pastur law of ratio gamma (atom of mass (1 - 1/gamma)_+ at 0, where h = 0):

    bias        = signal ∫ (1 - h(s))² dF(s)
    variance    = noise gamma ∫ s g(s)² dF(s)
    excess_risk = ||b - β||² = bias + variance,        test_error = excess_risk + noise,
    (for a general Σ: excess_risk = (b - β)'Σ(b - β))
    train_error = (1/n)||y - Xb||² = signal ∫ s (1 - h)² dF + noise [1 - gamma + gamma ∫ (1 - h)² dF],
    norm        = ||b||² = signal ∫ h² dF + variance.

The integrals over the continuous part of F use the Gauss rule of the Marchenko–Pastur law
(:func:`asymptotics.integrals.marchenko_pastur`, one rule per gamma), with an order chosen from
``time * sqrt(gamma)`` so that the exponential filter is integrated to ~1e-12 relative accuracy up
to ``time * sqrt(gamma) ~ 2e5``; the atom is added in closed form. A grid of times is one
vectorized call: ``evaluate("gd-least-squares", gamma=2, time=np.geomspace(0.1, 1e3, 200))``.

General covariance (variant ``general``: x ~ N(0, Σ), Σ by its eigenvalues, β by its coordinates
in Σ's eigenbasis, n samples, gradient descent with step > 0): no single spectral law suffices
(the risk sandwiches Σ between two functions of Σ̂), so the variant is solved by the DMFT of
:func:`asymptotics.dmft.solve_least_squares_spectrum` (one linear weight process per distinct
eigenvalue). Tested: it equals the isotropic formula for Σ = I, and its long-time limit equals
the ridge deterministic equivalent (``ridge``, variant ``general``) to ~1e-11.

Limits (tested): time -> inf equals the ``ridge`` model at the same lam (HMRT Thm 1 at lam = 0);
time = 0 gives bias = signal, train_error = signal + noise; descent with step -> 0 tends to the
flow. Descent with ``step (1 + sqrt gamma)² + step lam > 2`` is unstable: its risk grows
geometrically with k and overflows to ``inf`` (a genuine divergence, not a failure). The DMFT of
the same dynamics (:func:`asymptotics.dmft.solve_least_squares`) reproduces these curves at every
time step (tests/test_gd_least_squares.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import spectra
from ..integrals import FILTER_MAX_TIME_SQRT_GAMMA, filter_order, filter_rule
from ..symbolic import Average, Bound, ParametricQuadratureSpace, System
from ..validation import Interval, param, ParameterError, Parameters, whole_steps
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

gamma, lam, signal, noise, step, time = sp.symbols("gamma lam signal noise step time", nonnegative=True)
steps = sp.Symbol("steps", nonnegative=True)  # k = time/step, derived in prepare()
s = sp.Symbol("s", positive=True)  # eigenvalue of X'X/n on the continuous part of the MP law


MAX_TIME_SQRT_GAMMA = FILTER_MAX_TIME_SQRT_GAMMA  # largest time*sqrt(gamma) the rule resolves
mp_order = filter_order  # Gauss–MP order for e^{-2ts} (see asymptotics.integrals.filter_order)


def _precise_rule(scale=1, gamma=None, time=None):
    """The same Gauss–MP rule in Arb at the working precision, at the exact gamma (the order is
    chosen from the float values, as for the float rule, times ``scale``)."""
    from flint import ctx

    from ..precise_rules import marchenko_pastur

    order = mp_order(np.array([float(gamma)]), np.array([float(time)])) * int(scale)
    nodes, weights = marchenko_pastur(gamma, order, ctx.prec)
    return (nodes,), weights


MP = ParametricQuadratureSpace("marchenko_pastur", (s,), (gamma, time), filter_rule, precise=_precise_rule)

_filter = sp.Piecewise((sp.exp(-time * (s + lam)), sp.Eq(step, 0)),
                       ((1 - step * (s + lam)) ** steps, True))
_g = (1 - _filter) / (s + lam)  # b = g(Σ̂) X'y/n
_h = s * _g  # fitted fraction
_atom = sp.Max(0, 1 - 1 / gamma)  # mass of F at 0, where h = 0 (so 1 - h = 1, s g² = 0)

_bias = signal * (Average((1 - _h) ** 2, MP) + _atom)
_variance = noise * gamma * Average(s * _g ** 2, MP)
_excess = _bias + _variance
_train = (signal * Average(s * (1 - _h) ** 2, MP)
          + noise * (1 - gamma + gamma * (Average((1 - _h) ** 2, MP) + _atom)))
_norm = signal * Average(_h ** 2, MP) + _variance

ISOTROPIC = System(
    parameters=(gamma, lam, signal, noise, step, time, steps),
    unknowns=(),
    equations=(),
    observables={
        "excess_risk": _excess,
        "bias": _bias,
        "variance": _variance,
        "test_error": _excess + noise,
        "train_error": _train,
        "norm": _norm,
    },
    # time sqrt(gamma) <= MAX_TIME_SQRT_GAMMA: where the Marchenko–Pastur quadrature is accurate
    bounds=(Bound(time, "below", MAX_TIME_SQRT_GAMMA / sp.sqrt(gamma), inclusive=True,
                  meaning="the quadrature's accuracy limit time*sqrt(gamma); the time -> inf limit "
                          "is the 'ridge' model"),),
)


@dataclass(frozen=True, kw_only=True)
class IsotropicParams(Parameters):
    """x ~ N(0, I_p), p/n -> gamma; gradient descent (step > 0) or flow (step = 0) from b = 0."""

    gamma: float = param(domain=_POS, doc="aspect ratio p/n", symbol="γ")
    time: float = param(domain=_NONNEG, doc="training time t = (number of steps) * step "
                        "(flow time when step = 0)", symbol="t")
    lam: float = param(0.0, domain=_NONNEG, doc="per-sample ridge penalty in (1/2n)||y-Xb||² + "
                       "(lam/2)||b||²; time -> inf gives (X'X + n lam)^{-1} X'y", symbol="λ",
                       aliases=("lambda",))
    signal: float = param(1.0, domain=_NONNEG, doc="signal power ||β||²", symbol="r²")
    noise: float = param(1.0, domain=_NONNEG, doc="label-noise variance Var ε", symbol="σ²")
    step: float = param(0.0, domain=_NONNEG, doc="gradient-descent step size (learning rate); "
                        "0 = gradient flow", symbol="η", aliases=("learning_rate",))

    def check(self):
        if not np.all(np.isfinite(np.asarray(self.time, float))):
            raise ParameterError("gd-least-squares: parameter 'time' must be finite (time -> inf is "
                                 "the 'ridge' model at the same lam)")
        whole_steps(self.time, self.step, flow_allowed=True)


def _prepare(p) -> dict:
    names = ("gamma", "time", "lam", "signal", "noise", "step")
    shape = np.broadcast_shapes(*(np.shape(getattr(p, k)) for k in names))
    step_ = np.broadcast_to(np.asarray(p.step, float), shape)
    time_ = np.broadcast_to(np.asarray(p.time, float), shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(step_ > 0, np.round(time_ / np.where(step_ > 0, step_, 1.0)), 0.0)
    return {"steps": k}


@dataclass(frozen=True, kw_only=True)
class GeneralParams(spectra.SpectrumParameters):
    """x ~ N(0, Σ) with Σ given by its eigenvalues, β by its coordinates in Σ's eigenbasis; gradient
    descent (step > 0) solved by the DMFT."""

    n: float = param(domain=_POS, doc="number of samples")
    time: float = param(domain=_NONNEG, doc="training time = (number of steps) * step", symbol="t")
    step: float = param(domain=_POS, doc="gradient-descent step size (> 0: the DMFT is exact for "
                        "descent; the flow is its step -> 0 limit)", symbol="η", aliases=("learning_rate",))
    lam: float = param(0.0, domain=_NONNEG, doc="per-sample ridge penalty, as in the isotropic variant",
                       symbol="λ", aliases=("lambda",))
    noise: float = param(1.0, domain=_NONNEG, doc="label-noise variance Var ε", symbol="σ²")

    def check(self):
        super().check()
        whole_steps(self.time, self.step)


def _general_compute(p, values, batch, method):
    from ..dmft.evaluation import grouped_trajectories, time_steps
    from ..dmft.least_squares import MAX_STEPS
    from ..dmft.least_squares import solve_least_squares_spectrum

    if method != "auto":
        raise ParameterError(f"gd-least-squares (general): parameter 'method' must be 'auto' (the DMFT); "
                             f"got {method!r}")
    times = values["time"]

    def run(g, idx):
        k = time_steps(MODEL.name, times[idx], g["step"], MAX_STEPS, " (O(steps²) memory)")
        result = solve_least_squares_spectrum(n=g["n"], eigenvalues=p.eigenvalues, target=p.target,
                                              step=g["step"], steps=max(int(k.max()), 1), lam=g["lam"],
                                              noise=g["noise"])
        return result, (lambda arr: arr[k])

    return grouped_trajectories(values, batch, ("n", "lam", "noise", "step"), run,
                                tuple(MODEL.observables), method)


_GENERAL_EQUATIONS = r"""\begin{aligned}
\theta_i[k+1] &= (1-\eta\lambda)\theta_i[k] - \eta\Big(\alpha s_i \textstyle\sum_{j\le k} K[k-j]\theta_i[j]
  + \alpha s_i \Gamma[k]\theta^*_i + \sqrt{s_i}\,u[k]\Big),\quad u\sim\mathcal{GP}(0, C_\ell)\\
K &= (1 + \chi)^{-1},\quad \chi = \langle s\, r_s\rangle,\quad \Gamma = -K\mathbf 1,\quad
C_\ell = \alpha K\,(C_\theta - m\mathbf 1^\top - \mathbf 1 m^\top + (\rho+\sigma^2)\mathbf 1\mathbf 1^\top)\,K^\top\\
C_\theta &= \langle s\, \theta\theta^\top\rangle,\quad m = \langle s\,\theta^*\theta\rangle,\quad
\text{excess risk} = C_\theta[k,k] - 2m[k] + \rho
\end{aligned}"""


_BIB_ASS = """@article{advani2020high,
  title={High-dimensional dynamics of generalization error in neural networks},
  author={Advani, Madhu S. and Saxe, Andrew M. and Sompolinsky, Haim},
  journal={Neural Networks}, volume={132}, pages={428--446}, year={2020},
  note={arXiv:1710.03667}
}"""
_BIB_AKT = """@inproceedings{ali2019continuous,
  title={A Continuous-Time View of Early Stopping for Least Squares Regression},
  author={Ali, Alnur and Kolter, J. Zico and Tibshirani, Ryan J.},
  booktitle={Proceedings of the 22nd International Conference on Artificial Intelligence and Statistics (AISTATS)},
  series={PMLR}, volume={89}, pages={1370--1378}, year={2019},
  note={arXiv:1810.10082}
}"""
_BIB_MP = """@article{marchenko1967distribution,
  title={Distribution of eigenvalues for some sets of random matrices},
  author={Mar{\\v{c}}enko, Vladimir A. and Pastur, Leonid A.},
  journal={Mathematics of the USSR-Sbornik}, volume={1}, number={4}, pages={457--483}, year={1967}
}"""

MODEL = register(Model(
    name="gd-least-squares",
    summary="gradient descent / flow on (ridge) least squares: exact test, train, bias, variance "
            "at every time (Marchenko–Pastur spectral formula)",
    variants=(
        Variant("isotropic", IsotropicParams, ISOTROPIC,
                "x ~ N(0, I), p/n -> gamma: spectral formula over the Marchenko–Pastur law",
                prepare=_prepare,
                example={"gamma": 0.5, "time": 20.0, "lam": 0.005, "signal": 1.0, "noise": 0.25,
                         "step": 0.2}),
        Variant("general", GeneralParams, None,
                "x ~ N(0, Σ), finite spectrum: gradient descent by the DMFT (per-eigenvalue weight "
                "processes; time -> inf equals the ridge deterministic equivalent)",
                example={"n": 100, "time": 10.0, "step": 0.5, "lam": 0.01, "noise": 0.25,
                         "spectrum": "power-law:p=200,decay=1.5,source=0.5"},
                compute=_general_compute, equations=_GENERAL_EQUATIONS),
    ),
    references=(
        Reference("advani2020high", _BIB_ASS,
                  "Sec. 3-4: gradient-flow learning curves of linear regression from the "
                  "Marchenko–Pastur spectrum (eigenmode decomposition; equation numbers "
                  "[recalled, not verified in source])"),
        Reference("ali2019continuous", _BIB_AKT,
                  "Lemma/Thm on the exact risk of gradient flow as a spectral filter and its "
                  "comparison with ridge at lam = 1/t [recalled, not verified in source]"),
        Reference("marchenko1967distribution", _BIB_MP, "limiting spectral law of X'X/n"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "excess_risk": "||b(t) - β||² = E_x (x'(b - β))², averaged over label noise; no label noise",
        "bias": "signal part of excess_risk",
        "variance": "label-noise part of excess_risk",
        "test_error": "excess_risk + noise",
        "train_error": "(1/n)||y - X b(t)||² (training labels include noise)",
        "norm": "||b(t)||²",
    },
))

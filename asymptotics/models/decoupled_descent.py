"""Decoupled descent: gradient descent with Onsager corrections whose train error tracks the test error.

Source (Lovig 2026, arXiv:2604.27883, "Decoupled Descent: Exact Test Error Tracking Via Approximate
Message Passing"): only the abstract and table of contents were available here. The paper's
claims: full-batch gradient descent (GD) on a Gaussian mixture reuses the sample and biases the
training error; *decoupled descent* (DD) adds AMP-style Onsager corrections to GD so that its
training error asymptotically equals its test error (a *train-test identity*), and its dynamics
follow a low-dimensional state evolution (SE). Everything below -- the algorithm, its SE, the
natural step -- is DERIVED HERE from the state evolution of AMP with memory (Bayati–Montanari
2011; Javanmard–Montanari 2013; Celentano–Montanari–Wei 2020) and checked against simulations;
it is a construction with the paper's stated properties, not a transcription of the paper's
algorithm, which may differ in its details (damping, "pure DD").

Data. A Gaussian mixture in d dimensions, n = alpha d samples

    x_μ = μ_{c_μ}/sqrt(d) + sqrt(noise) z_μ,   z_μ ~ N(0, I_d),   μ_c = Σ_j U_{cj} v_j,

with r orthogonal directions v_j, ``||v_j||²/d = signal`` (the squared norm of a cluster mean),
``noise`` = Δ the variance of each cluster, cluster c drawn with probability π_c and labelled y_c:

    data = "two-clusters":  clusters ±v, y = ±1, π = 1/2 (dmft-gmm's model);
    data = "xor":           clusters ±v_1 (y = +1) and ±v_2 (y = -1), π = 1/4 (four clusters, XOR).

Predictors read k fields h = Θ'x/sqrt(d) of a weight matrix Θ (d x k): the perceptron
f = h (k = 1, two clusters) and the two-neuron quadratic network f = h_1² - h_2² (k = 2, xor; a
linear classifier cannot separate XOR). Losses ``logistic`` log(1 + e^{-y f}) and ``square``
(y - f)²/2, written in sympy below (gradients and Hessians in h by differentiation).

Time. Iterations t = 0, 1, 2, ... of full-batch steps on the summed loss (dmft-gmm's
normalization, so GD here is dmft-gmm at ``time = t step``):

    GD:   Θ^{t+1} = (1 - step lam) Θ^t - step X' g(h^t)/sqrt(d),            h^t = X Θ^t/sqrt(d),
    DD:   Θ^{t+1} = (1 - step lam) Θ^t - step X' g(h~^t)/sqrt(d),           h~^t = h^t - Δ K^t,
          K^{t+1} = K^t M_t - step g(h~^t),   M_t = (1 - step lam) I - step ξ_t,   K^0 = 0,
          ξ_t = (Δ/d) Σ_μ ∇²_h ℓ(h~^t_μ)   (k x k, the Onsager coefficient),

with g = ∇_h ℓ (an n x k matrix) and Δ estimated from the data as ||X||²_F/(nd) (consistent: the
bias is signal/d). DD is GD whose gradient is evaluated at the *decoupled fields* h~ instead of
the fitted fields h: the correction Δ K^t removes, sample by sample, the reaction of the fit to
the sample's own past gradients (h~_μ is the AMP analogue of a leave-one-out prediction). Its
training error (1/n) Σ_μ err(h~^t_μ) is the **decoupled train error**: computed from the
training data only, it tracks the test error (tested on simulations).

Derivation (HERE). Write A = sqrt(Δ/d) Z. DD is an AMP iteration with memory: the n-side
function is g(m_c + W^t) of the field W^t = A Θ^t - Δ K^t, the d-side function Θ^{t+1} is
linear in V^s = A'g(h~^s) - Θ^s ξ_s' with deterministic coefficients, and the Onsager term of the
n-side, Σ_{s<t} g^s (Δ/d) Σ_i ∂Θ^t_i/∂V^s_i, is exactly -Δ K^t. Its state evolution: W^t_μ is
a Gaussian process over t, independent of the sample's cluster, with Cov(W^t, W^s) = Δ Q^{ts},
Q^{ts} = Θ^t'Θ^s/d: the decoupled field of a training sample has the law of the field of a fresh
sample, which is the train-test identity. With Θ^t = Σ_j v_j B^t_j + Θ_rand P^t + N^t (the
Gaussian part N^t = Σ_s V^s L_{ts}, Cov(V^t, V^s) = Δ alpha E[g^t g^s']):

    B^{t+1} = B^t M_t - step alpha Σ_c π_c U_c' E[g^t | c]',    P^{t+1} = P^t M_t,
    N^{t+1} = N^t M_t - step V^t,      m_c^t = signal U_c B^t,
    Q^{ts} = signal B^t'B^s + init_var P^t'P^s + Cov(N^t, N^s),

a recursion on the two-time covariance (a row per iteration; E[g^t g^s'] is a 2k-dimensional
Gaussian integral, no response functions and no memory integrals: the SE is a recursion on
O(T²) numbers, against GD's DMFT, which needs the responses and sampled paths, see
``dmft-gmm``). Solved by :func:`asymptotics.dmft.decoupled.solve_decoupled` (tensor
Gauss–Hermite quadrature; k = 2 uses 96 nodes per dimension in the 2-d one-time integrals and 8 in
the 4-d two-time ones: 1e-5 from 14 nodes on the xor example of the figure, but only percent
accuracy on xor at small penalty, where the fields' scale grows and the integrands sharpen; the
result's ``residual`` estimates the two-time rule's relative error, see
:mod:`asymptotics.dmft.decoupled`).

Natural step (variant ``natural-step``, DERIVED HERE): the decoupled gradient is the gradient of
the test loss plus Gaussian noise, X'g(h~)/sqrt(d) + lam Θ = ∇L_test(Θ) + V, and the matrix step
P_t = (ξ_t + lam I)^{-1} (a Newton step on the noise directions) gives M_t = 0: the SE forgets
its past and becomes Markov. For two clusters (k = 1, margin losses ℓ(y h) = l(u), u = y h) it is

    e1 = E l'(u), e2 = E l'(u)², e3 = E l''(u),    u = m + sqrt(Δ q) Z,    P = 1/(Δ alpha e3 + lam),
    m^{t+1} = -signal alpha e1 P,        q^{t+1} = (signal alpha² e1² + Δ alpha e2) P²,

written in sympy below (a System with an iteration counter). Every step size shares the fixed
points of this map (the fixed point of K is -g P in all cases), so the ``gd-step`` trajectories
converge to the ``natural-step`` fixed point (tested). The natural-step iteration itself need not
converge to it: for the square loss m^{t+1} - m* = -(signal alpha P)(m^t - m*), unstable when
signal alpha P > 1 (e.g. alpha = 1.5, Δ = 0.5, lam = 0.2: the SE and simulations both diverge),
while ``iteration = inf`` still reports the fixed point, which small constant steps reach.
For the square loss that fixed point is ridge regression with the penalty lam (Δ(alpha - 1) + lam)/(Δ alpha + lam) (derived here: at the
fixed point h~ - y = (h - y)/(1 - Δ P), a GCV-type correction of the residuals; tested against
dmft-gmm's square-loss GD at long times).

Observables at iteration t (describing Θ^t): ``test_error`` the misclassification rate on a fresh
sample, Σ_c π_c P(y_c f(m_c + W) < 0), W ~ N(0, Δ Q^{tt}); ``decoupled_train_error`` the
misclassified training fraction at the decoupled fields (equal to test_error in the limit: the
identity); ``test_loss`` and ``decoupled_train_loss`` the same for the loss; ``norm`` =
tr(Q^{tt})/k = ||Θ||²_F/(dk); ``overlap`` = (1/k) Σ_a v_a·Θ_{:a}/d (neuron a against direction a);
``cosine`` = overlap/sqrt(norm signal). The raw training error of DD (at the fitted fields h) and
GD's trajectory are simulation outputs (:func:`asymptotics.simulate.decoupled.gd_and_dd`).

Initialization: Θ^0 = (init_overlap/signal) Σ_a v_a e_a' + sqrt(init_var) G (G iid N(0, 1)). The
proportional limit has the uninformative point overlap = 0 as an invariant of both GD and DD on
xor (the two clusters of a label cancel in the mean gradient; finite d escapes it only at times
~ log d): xor starts from a weakly informative init_overlap > 0.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import vocabulary
from ..measures import MIXTURE_LAYOUTS, MIXTURE_LOSSES, mixture_functions
from ..symbolic import Average, System, Unknown, gaussian, ndtr
from ..validation import Integer, Interval, OneOf, ParameterError, param
from ._registry import Model, Reference, Variant, register

_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)

# -- the data layouts and losses (shared with the twin: asymptotics.measures, asymptotics.vocabulary) -----
LAYOUTS = MIXTURE_LAYOUTS
functions = mixture_functions


# -- the natural-step state evolution (two clusters, margin losses): a System with an iteration ----
alpha, noise, signal, lam = sp.symbols("alpha noise signal lam", nonnegative=True)
init_overlap, init_var = sp.Symbol("init_overlap", real=True), sp.Symbol("init_var", nonnegative=True)
iteration = sp.Symbol("iteration", nonnegative=True)
m, q = sp.Symbol("m", real=True), sp.Symbol("q", nonnegative=True)
e1, e2, e3 = sp.symbols("e1 e2 e3", real=True)
z = sp.Symbol("z", real=True)
u = sp.Symbol("u", real=True)
GAUSS = gaussian(z, order=80)

# margin forms l(u), u = y f, of the vocabulary's losses: logistic softplus(-u), square (1 - u)²/2
MARGIN = {name: vocabulary.LOSSES[name].margin.xreplace({vocabulary.U: u}) for name in MIXTURE_LOSSES}


@functools.lru_cache(maxsize=None)
def natural_system(loss: str) -> System:
    lu = MARGIN[loss]
    d1, d2 = sp.diff(lu, u), sp.diff(lu, u, 2)
    at = {u: m + sp.sqrt(noise * q) * z}
    avg = {name: Average(expr.xreplace(at), GAUSS) for name, expr in
           (("e1", d1), ("e2", d1 ** 2), ("e3", d2), ("loss", lu))}
    q0 = init_overlap ** 2 / signal + init_var

    def start(expr):  # the expectations at the initial point (overwritten by the first sweep)
        return Average(expr.xreplace({u: init_overlap + sp.sqrt(noise * q0) * z}), GAUSS)

    step_ = 1 / (noise * alpha * e3 + lam)
    sd = sp.sqrt(noise * q)
    err = sp.Piecewise((ndtr(-m / sd), q > 0), (sp.Heaviside(-m, sp.S.Half), True))
    norm_ = q
    return System(
        parameters=(alpha, noise, signal, lam, init_overlap, init_var, iteration),
        # Gauss–Seidel order: the expectations at (m, q) first, then the new (m, q)
        unknowns=(
            Unknown(e1, guess=start(d1), start=start(d1), doc="E l'(u) at the current iterate"),
            Unknown(e2, guess=start(d1 ** 2), start=start(d1 ** 2), doc="E l'(u)²"),
            Unknown(e3, guess=start(d2), start=start(d2), doc="E l''(u)"),
            Unknown(m, guess=init_overlap, start=init_overlap, doc="overlap θ·v/d"),
            Unknown(q, guess=q0, lower=0.0, start=q0, doc="norm ||θ||²/d"),
        ),
        equations=(
            sp.Eq(e1, avg["e1"]), sp.Eq(e2, avg["e2"]), sp.Eq(e3, avg["e3"]),
            sp.Eq(m, -signal * alpha * e1 * step_),
            sp.Eq(q, (signal * alpha ** 2 * e1 ** 2 + noise * alpha * e2) * step_ ** 2),
        ),
        observables={
            "test_error": err,
            "decoupled_train_error": err,
            "test_loss": avg["loss"],
            "decoupled_train_loss": avg["loss"],
            "norm": norm_,
            "overlap": m,
            "cosine": sp.Piecewise((m / sp.sqrt(q * signal), q > 0), (0, True)),
        },
        iteration=iteration,
    )


# -- parameters ---------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class _Common:
    alpha: float = param(domain=_POS, doc="sample ratio n/d", symbol="α")
    noise: float = param(0.5, domain=_POS, doc="variance Δ of each cluster (input noise around the "
                         "means μ_c/sqrt d)", symbol="Δ", aliases=("Delta",))
    signal: float = param(1.0, domain=_POS, doc="squared norm ||v_j||²/d of a cluster mean", symbol="ρ")
    lam: float = param(0.0, domain=_NONNEG, doc="ridge penalty (lam/2)||Θ||²_F added to the summed loss",
                       symbol="λ", aliases=("lambda",))
    init_overlap: float = param(0.0, domain=Interval(), doc="initial overlap v_a·Θ_{:a}/d of neuron a "
                                "with direction a (xor needs > 0, see conventions)", symbol="m_0")
    init_var: float = param(0.0, domain=_NONNEG, doc="variance of the iid Gaussian part of Θ^0 "
                            "(per entry)", symbol="σ_0²")
    loss: str = param("logistic", domain=OneOf(MIXTURE_LOSSES), doc="training loss L(y f) of the "
                      "vocabulary: 'logistic' log(1 + e^{-y f}), 'square' (y - f)²/2")


@dataclass(frozen=True, kw_only=True)
class StepParams(_Common):
    """Decoupled descent with a constant step on the summed loss; the two-time state evolution."""

    iteration: float = param(domain=Integer(0, 100000, True, True), doc="iteration t (number of "
                             "steps taken)", symbol="t")
    step: float = param(domain=_POS, doc="step size on the summed loss (dmft-gmm's normalization)",
                        symbol="η")
    data: str = param("two-clusters", domain=OneOf(tuple(LAYOUTS)), doc="mixture layout: "
                      "'two-clusters' (±v, perceptron) or 'xor' (±v1 vs ±v2, quadratic network)")

    def check(self):
        s, lam_ = np.broadcast_arrays(np.asarray(self.step, float), np.asarray(self.lam, float))
        bad = s * lam_ >= 2
        if np.any(bad):
            i = np.flatnonzero(bad.ravel())[0]
            raise ParameterError(f"decoupled-descent: parameter 'step' must satisfy step*lam < 2 "
                                 f"(the ridge term alone is unstable otherwise); got step="
                                 f"{float(s.ravel()[i])!r}, lam={float(lam_.ravel()[i])!r}")


@dataclass(frozen=True, kw_only=True)
class NaturalParams(_Common):
    """Decoupled descent with the natural step (ξ_t + lam)^{-1}, two clusters: a Markov state
    evolution (sympy System with an iteration counter)."""

    iteration: float = param(np.inf, domain=Integer(0, np.inf, True, True), doc="iteration t (inf: "
                             "the fixed point, shared by every step size)", symbol="t")


_GROUP = ("alpha", "noise", "signal", "lam", "init_overlap", "init_var", "step")


def solve(params=None, **kwargs):
    """The state evolution of one ``gd-step`` trajectory up to ``max(iteration)``: a
    :class:`~asymptotics.dmft.DMFTResult` with Q[t, s] (k x k blocks), B^t and the observables."""
    from ..dmft.decoupled import solve_decoupled

    p = params if params is not None else MODEL.variant("gd-step").validate(kwargs, MODEL.name)
    return solve_decoupled(functions(p.data, p.loss), alpha=float(p.alpha), noise=float(p.noise),
                           signal=float(p.signal), lam=float(p.lam), step=float(p.step),
                           steps=int(np.max(p.iteration)), init_overlap=float(p.init_overlap),
                           init_var=float(p.init_var), name=MODEL.name)


def _compute(p, values, batch, method):
    from ..dmft.decoupled import solve_decoupled
    from ..dmft.evaluation import grouped_trajectories

    if method not in ("auto", "recursion"):
        raise ParameterError(f"decoupled-descent: parameter 'method' must be 'auto' or 'recursion'; "
                             f"got {method!r}")
    fns = functions(p.data, p.loss)
    its = values["iteration"]

    def run(g, idx):
        k = np.rint(its[idx]).astype(int)
        result = solve_decoupled(fns, alpha=g["alpha"], noise=g["noise"], signal=g["signal"], lam=g["lam"],
                                 step=g["step"], steps=int(k.max()), init_overlap=g["init_overlap"],
                                 init_var=g["init_var"], name=MODEL.name)
        return result, (lambda arr: arr[k])

    return grouped_trajectories(values, batch, _GROUP, run, tuple(MODEL.observables), method)


_EQUATIONS = r"""\begin{aligned}
\tilde h^t &= X\Theta^t/\sqrt d - \Delta K^t,\quad
\Theta^{t+1} = (1-\eta\lambda)\Theta^t - \eta X^\top \nabla\ell(\tilde h^t)/\sqrt d,\quad
K^{t+1} = K^t M_t - \eta \nabla\ell(\tilde h^t),\ M_t = (1-\eta\lambda) I - \eta\xi_t \\
\xi_t &= \Delta\alpha\,\mathbb E\,\nabla^2\ell(\tilde h^t),\quad
\tilde h^t \mid c \sim m_c^t + \mathcal N(0, \Delta Q^{tt}),\quad
\mathrm{Cov}(W^t, W^s) = \Delta Q^{ts} \\
B^{t+1} &= B^t M_t - \eta\alpha \textstyle\sum_c \pi_c U_c^\top \mathbb E[g^t\mid c]^\top,\quad
P^{t+1} = P^t M_t,\quad N^{t+1} = N^t M_t - \eta V^t,\quad
\mathrm{Cov}(V^t, V^s) = \Delta\alpha\,\mathbb E[g^t g^{s\top}] \\
Q^{ts} &= \rho\, B^{t\top} B^s + \sigma_0^2 P^{t\top}P^s + \mathrm{Cov}(N^t, N^s),\quad
m_c^t = \rho\, U_c B^t,\quad
\varepsilon_{\mathrm{test}} = \varepsilon_{\mathrm{train}}^{\mathrm{dec}} =
  \textstyle\sum_c \pi_c\, \mathbb P(y_c f(\tilde h) < 0)
\end{aligned}"""

_BIB_LOVIG = """@article{lovig2026decoupled,
  title={Decoupled Descent: Exact Test Error Tracking Via Approximate Message Passing},
  author={Lovig, Max},
  journal={arXiv preprint arXiv:2604.27883}, year={2026}
}"""
_BIB_BM = """@article{bayati2011dynamics,
  title={The dynamics of message passing on dense graphs, with applications to compressed sensing},
  author={Bayati, Mohsen and Montanari, Andrea},
  journal={IEEE Transactions on Information Theory}, volume={57}, number={2},
  pages={764--785}, year={2011}
}"""
_BIB_JM = """@article{javanmard2013state,
  title={State evolution for general approximate message passing algorithms, with applications to
         spatial coupling},
  author={Javanmard, Adel and Montanari, Andrea},
  journal={Information and Inference: A Journal of the IMA}, volume={2}, number={2},
  pages={115--144}, year={2013}
}"""
_BIB_CMW = """@inproceedings{celentano2020estimation,
  title={The estimation error of general first order methods},
  author={Celentano, Michael and Montanari, Andrea and Wu, Yuchen},
  booktitle={Conference on Learning Theory (COLT)}, pages={1078--1141}, year={2020}
}"""

MODEL = register(Model(
    name="decoupled-descent",
    summary="decoupled descent (GD with Onsager-corrected fields) on Gaussian mixtures (two clusters, "
            "XOR): state evolution; its decoupled train error equals its test error",
    variants=(
        Variant("gd-step", StepParams, None,
                "constant step on the summed loss; two-time state evolution (recursion on Q[t, s])",
                example={"alpha": 2.0, "iteration": 6, "step": 0.2, "noise": 0.5, "lam": 0.1},
                compute=_compute, equations=_EQUATIONS),
        Variant("natural-step", NaturalParams, lambda p: natural_system(p.loss),
                "natural step (ξ_t + lam)^{-1}, two clusters: Markov state evolution in (m, q)",
                example={"alpha": 2.0, "noise": 0.5, "lam": 0.1, "iteration": 5}),
    ),
    references=(
        Reference("lovig2026decoupled", _BIB_LOVIG,
                  "the algorithm's idea (Onsager-corrected GD, train-test identity on Gaussian mixtures "
                  "incl. XOR, low-dimensional state evolution); abstract and table of contents only: "
                  "the algorithm and SE here are derived here [not verified in source]"),
        Reference("bayati2011dynamics", _BIB_BM, "AMP state evolution with Gaussian matrices"),
        Reference("javanmard2013state", _BIB_JM,
                  "state evolution of general AMP with matrix-valued iterates (the Onsager "
                  "coefficients used here) [recalled, not verified in source]"),
        Reference("celentano2020estimation", _BIB_CMW,
                  "general first-order methods written as AMP with memory [recalled, not verified in "
                  "source]"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "test_error": "misclassification rate on a fresh sample",
        "decoupled_train_error": "misclassified training fraction at the decoupled fields h~ "
                                 "(equals test_error in the limit)",
        "test_loss": "expected loss on a fresh sample",
        "decoupled_train_loss": "average training loss at the decoupled fields",
        "norm": "||Θ||²_F/(d k)",
        "overlap": "(1/k) Σ_a v_a·Θ_{:a}/d",
        "cosine": "overlap / sqrt(norm signal)",
    },
))

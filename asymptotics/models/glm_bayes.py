"""Bayes-optimal GAMP for teacher–student generalized linear models: state evolution and phases.

Setting (Barbier, Krzakala, Macris, Miolane, Zdeborová 2019; Rangan 2011): inputs
``x_mu ~ N(0, I_d)``, teacher weights ``w*`` iid from the ``prior`` (``gaussian`` N(0, 1) or
``rademacher`` +-1; ``E w^2 = 1``), pre-activations ``z_mu = x_mu'w*/sqrt(d) ~ N(0, 1)`` and labels
``y = sign(z)`` (``channel='sign'``: the teacher–student perceptron) or ``y = z + sqrt(noise) xi``
(``channel='linear'``). ``alpha = n/d``.

State evolution of Bayes-optimal GAMP (the overlap ``q_t = (1/d) <w_hat^t, w*>`` of the
posterior-mean estimate, ``q_0 = 0``; one sweep = one GAMP iteration):

    qhat_t = alpha F_out(q_t),   q_{t+1} = m_in(qhat_t),

with ``m_in(qhat) = E[W E(W | sqrt(qhat) W + Z)]`` (the same function as the spiked Wigner
model's ``m``) and ``F_out(q) = E_{xi, y} g_out(y, sqrt(q) xi, 1 - q)^2``,
``g_out = d/d omega log Z_out``. Sign channel: ``Z_out = Phi(y omega/sqrt V)`` and, after the
change of variables ``u = sqrt(1 + 2q/V) xi`` (which keeps the integrand bounded as ``q -> 1``),

    F_out(q) = E_u[1/Phi(c u)] / (pi sqrt(V (V + 2q))),   V = 1 - q,   c = sqrt(q/(V + 2q)),

``F_out(0) = 2/pi``. Linear channel: ``F_out(q) = 1/(1 - q + noise)``. Free entropy (for the
Bayes branch and the thresholds): ``Phi = psi_in(qhat) - q qhat/2 + alpha Psi_out(q)`` with
``Psi_out = E_{xi,y} Z_out log Z_out`` (sign: ``2 E Phi(s xi) log Phi(s xi)``, ``s = sqrt(q/V)``;
linear: ``-log(2 pi e (V + noise))/2``); stationarity of ``Phi`` gives the state evolution
(``psi_in' = m_in/2``, ``Psi_out' = F_out/2``: tested). Perfect recovery of binary weights
(``q = 1``, ``qhat = inf``) has ``Phi = -log 2``; it is represented by ``q = 1`` and a pinned
``qhat = 1000`` (``m_in(1000) = 1`` in float64).

Observables: ``overlap = q``, ``cosine = sqrt(q)``, ``mse = 1 - q`` (``(1/d)||w_hat - w*||^2``),
``q_hat``, ``test_error``: sign channel, the misclassification rate of the Bayes-optimal
classifier ``arccos(sqrt(q))/pi``; linear channel, ``1 - q + noise`` (includes the label noise).
Thresholds (sign channel, binary weights; ``inf`` otherwise: no perfect recovery):
``algorithmic_threshold`` (alpha above which GAMP from ``q = 0`` reaches perfect recovery: the
maximum of ``alpha(qhat) = qhat/F_out(m_in(qhat))``) and ``perfect_recovery_threshold`` (the
information-theoretic alpha where ``Phi`` of the low branch equals ``-log 2``). Published values
``1.493`` and ``1.249`` [recalled, not verified in source] are reproduced to 3 digits.

Branches as in ``spiked-wigner`` (``amp``: from ``q = 0``; ``informative``: the largest fixed point
(perfect recovery for binary weights); ``unstable``; ``bayes``), found by a scan of
``alpha(qhat)`` and polished by Newton on the sympy equations.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import Average, Bound, System, Unknown, gaussian_panels, log_ndtr
from ..validation import Integer, Interval, OneOf, param, ParameterError, Parameters
from . import _amp
from ._registry import Model, Reference, Variant, register
from .spiked_wigner import free_entropy_fn, overlap_fn

PRIORS = ("gaussian", "rademacher")
CHANNELS = ("sign", "linear")
QHAT_PERFECT = 1000.0

alpha, noise, iteration = sp.symbols("alpha noise iteration", nonnegative=True)
q, qh = sp.symbols("q q_hat", nonnegative=True)
u = sp.Symbol("u", real=True)
GU = gaussian_panels(u, name="panels_glm_u")
Q_GUESS, QH_GUESS, QA_GUESS, QHA_GUESS, QI_GUESS, QHI_GUESS, FIRST = sp.symbols(
    "q_guess q_hat_guess q_alg_guess q_hat_alg_guess q_it_guess q_hat_it_guess first_order",
    real=True)


def f_out(channel: str, q_):
    if channel == "linear":
        return 1 / (1 - q_ + noise)
    v = 1 - q_
    c = sp.sqrt(q_ / (v + 2 * q_))
    return Average(1 / _amp.Phi(c * u), GU) / (sp.pi * sp.sqrt(v * (v + 2 * q_)))


def psi_out(channel: str, q_):
    if channel == "linear":
        return -sp.log(2 * sp.pi * sp.E * (1 - q_ + noise)) / 2
    s = sp.sqrt(q_ / (1 - q_))
    lp = log_ndtr(s * u)
    return 2 * Average(sp.exp(lp) * lp, GU)


@functools.lru_cache(maxsize=None)
def system(prior: str, channel: str) -> System:
    m = overlap_fn(prior, qh)
    first = FIRST > sp.Rational(1, 2)
    qa, qha, qi, qhi = sp.symbols("q_alg q_hat_alg q_it q_hat_it", nonnegative=True)
    qc = sp.Min(q, 1)  # q = 1 (perfect recovery) is reached up to round-off from either side
    if channel == "sign":
        err = sp.acos(sp.sqrt(qc)) / sp.pi
    else:
        err = 1 - qc + noise
    level_a = qha / f_out(channel, qa)
    stationary = f_out(channel, qa) - qha * sp.diff(f_out(channel, qa), qa) * sp.diff(
        overlap_fn(prior, qha), qha)
    alpha_i = qhi / f_out(channel, qi)
    it_cond = (free_entropy_fn(prior, qhi) - qi * qhi / 2 + alpha_i * psi_out(channel, qi)
               + sp.log(2))
    return System(
        parameters=(alpha, noise, iteration, Q_GUESS, QH_GUESS, QA_GUESS, QHA_GUESS, QI_GUESS,
                    QHI_GUESS, FIRST),
        unknowns=(
            Unknown(qh, guess=QH_GUESS, lower=0.0, start=sp.S.Zero,
                    doc="precision qhat of the input channel (qhat_{t-1} at iteration t)"),
            Unknown(q, guess=Q_GUESS, lower=0.0, start=sp.S.Zero,
                    doc="overlap q_t of the posterior mean with w*"),
            Unknown(qa, guess=QA_GUESS, lower=0.0, upper=1.0, doc="q at the algorithmic threshold"),
            Unknown(qha, guess=QHA_GUESS, lower=0.0, doc="qhat at the algorithmic threshold"),
            Unknown(qi, guess=QI_GUESS, lower=0.0, upper=1.0, doc="q of the low branch at alpha_IT"),
            Unknown(qhi, guess=QHI_GUESS, lower=0.0, doc="qhat of the low branch at alpha_IT"),
        ),
        equations=(
            # perfect recovery q = 1 has qhat = inf: pinned at QHAT_PERFECT (m_in = 1 there)
            sp.Eq(qh, sp.Piecewise((QHAT_PERFECT, q >= 1), (alpha * f_out(channel, q), True))),
            sp.Eq(q, m),
            sp.Eq(sp.Piecewise((qa - overlap_fn(prior, qha), first), (qa - QA_GUESS, True)), 0),
            sp.Eq(sp.Piecewise((stationary, first), (qha - QHA_GUESS, True)), 0),
            sp.Eq(sp.Piecewise((qi - overlap_fn(prior, qhi), first), (qi - QI_GUESS, True)), 0),
            sp.Eq(sp.Piecewise((it_cond, first), (qhi - QHI_GUESS, True)), 0),
        ),
        observables={
            "overlap": qc,
            "cosine": sp.sqrt(qc),
            "mse": 1 - qc,
            "q_hat": qh,
            "test_error": err,
            "algorithmic_threshold": sp.Piecewise((level_a, first), (sp.oo, True)),
            "perfect_recovery_threshold": sp.Piecewise((alpha_i, first), (sp.oo, True)),
        },
        iteration=iteration,
        # the linear channel y = <w*, x> + noise needs noise > 0 (the channel's likelihood)
        bounds=(Bound(noise, "above", sp.S.Zero, meaning="the linear channel's noise variance"),)
        if channel == "linear" else (),
    )


@functools.lru_cache(maxsize=None)
def _kernels(prior: str, channel: str):
    from ..codegen import Kernel

    return (Kernel([overlap_fn(prior, qh), free_entropy_fn(prior, qh)], (qh,)),
            Kernel([f_out(channel, q), psi_out(channel, q)], (q, noise)))


def scan(prior, channel, noise_value, top):
    """qhat grid with m_in, psi_in, F_out(m_in), Psi_out(m_in) on it."""
    hi = 50.0 if prior == "rademacher" else top
    grid = np.geomspace(1e-7, hi, 1500)
    kin, kout = _kernels(prior, channel)
    m, psi = kin({"q_hat": grid})
    m = np.minimum(m, 1 - 1e-15)
    f, pout = kout({"q": m, "noise": np.full(grid.size, noise_value)})
    return grid, m, psi, f, pout


def _prepare(p):
    shape = np.broadcast(np.asarray(p.alpha), np.asarray(p.noise)).shape
    a_v, n_v = (np.broadcast_to(np.asarray(v, dtype=float), shape).ravel() for v in (p.alpha, p.noise))
    keys = ("q_guess", "q_hat_guess", "q_alg_guess", "q_hat_alg_guess", "q_it_guess",
            "q_hat_it_guess", "first_order")
    out = {k: np.zeros(a_v.size) for k in keys}
    perfect_possible = p.prior == "rademacher" and p.channel == "sign"
    for nv in np.unique(n_v):
        a_max = min(float(a_v.max(initial=1.0)), 1e100)  # (1e300)**2 overflows a Python float
        top = max(1e3, 100.0 * a_max ** 2, 1.05 * a_max / max(float(nv), 1e-12) + 1)
        grid, m, psi, f, pout = scan(p.prior, p.channel, float(nv), top)
        level = grid / f
        phi_base = psi - m * grid / 2  # Phi = phi_base + alpha Psi_out
        pot = lambda uu, c: np.interp(uu, grid, phi_base) + c * np.interp(uu, grid, pout)
        first = 0.0
        qa = qha = qi = qhi = 0.0
        if perfect_possible:
            i_max = int(np.argmax(level))
            first = 1.0
            qha, qa = float(grid[i_max]), float(m[i_max])
            low = np.arange(i_max + 1)
            gap = phi_base[low] + level[low] * pout[low] + np.log(2)
            k = np.flatnonzero(np.sign(gap[:-1]) != np.sign(gap[1:]))
            j = k[-1] if k.size else 0
            qhi, qi = float(grid[j]), float(m[j])
        for i in np.flatnonzero(n_v == nv):
            c = a_v[i]
            rule = p.branch
            if perfect_possible and rule in ("informative", "bayes", "amp"):
                stable_low = _amp.scalar_branch(grid, level, c, "amp", 0.0, trivial=False)
                if rule == "amp":
                    perfect = stable_low >= grid[-1]
                elif rule == "informative":
                    perfect = True
                else:
                    perfect = (stable_low >= grid[-1]
                               or pot(np.array([stable_low]), c)[0] < -np.log(2))
                hat = QHAT_PERFECT if perfect else stable_low
            else:
                hat = _amp.scalar_branch(grid, level, c, rule, 0.0, trivial=False,
                                         potential=pot)
                if hat >= grid[-1] and not perfect_possible:
                    raise ParameterError(f"glm-bayes: alpha = {c:g} is beyond the scanned range")
            out["q_hat_guess"][i] = hat
            out["q_guess"][i] = 1.0 if hat == QHAT_PERFECT else np.interp(hat, grid, m)
            out["first_order"][i] = first
            out["q_alg_guess"][i], out["q_hat_alg_guess"][i] = qa, qha
            out["q_it_guess"][i], out["q_hat_it_guess"][i] = qi, qhi
    return {k: v.reshape(shape) for k, v in out.items()}


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    alpha: float = param(domain=Interval(0, np.inf), doc="samples per dimension n/d", symbol="α")
    prior: str = param("gaussian", domain=OneOf(PRIORS), doc="prior of the teacher weights")
    channel: str = param("sign", domain=OneOf(CHANNELS),
                         doc="'sign': y = sign(z) (perceptron); 'linear': y = z + sqrt(noise) xi")
    noise: float = param(0.0, domain=Interval(0, np.inf, low_closed=True),
                         doc="label-noise variance of the linear channel (> 0 there; unused by sign)",
                         symbol="Δ")
    branch: str = param("amp", domain=OneOf(_amp.BRANCHES),
                        doc="fixed point: 'amp' (GAMP from q = 0), 'informative', 'unstable', 'bayes'")
    iteration: float = param(np.inf, domain=Integer(0, np.inf, True, True),
                             doc="GAMP iteration t (inf: the fixed point)", symbol="t")

    # noise > 0 for the linear channel: a bound of that channel's System


_BIB_BKMMZ = """@article{barbier2019optimal,
  title={Optimal errors and phase transitions in high-dimensional generalized linear models},
  author={Barbier, Jean and Krzakala, Florent and Macris, Nicolas and Miolane, L{\\'e}o and
          Zdeborov{\\'a}, Lenka},
  journal={Proceedings of the National Academy of Sciences}, volume={116}, number={12},
  pages={5451--5460}, year={2019}
}"""
_BIB_RANGAN = """@inproceedings{rangan2011generalized,
  title={Generalized approximate message passing for estimation with random linear mixing},
  author={Rangan, Sundeep},
  booktitle={IEEE International Symposium on Information Theory}, pages={2168--2172}, year={2011}
}"""

MODEL = register(Model(
    name="glm-bayes",
    summary="Bayes-optimal GAMP state evolution for teacher–student GLMs (sign perceptron, linear)",
    variants=(Variant("default", Params, lambda p: system(p.prior, p.channel),
                      "GAMP state evolution (q, qhat); branches from a scan + Newton",
                      prepare=_prepare, example={"alpha": 2.0, "prior": "gaussian"}),),
    references=(
        Reference("barbier2019optimal", _BIB_BKMMZ,
                  "RS free entropy, state evolution of GAMP, perceptron thresholds alpha_IT and "
                  "alpha_alg [equations and values recalled, not verified in source]"),
        Reference("rangan2011generalized", _BIB_RANGAN, "the GAMP algorithm"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "overlap": "q = (1/d)<w_hat, w*> of the posterior mean on the selected branch",
        "cosine": "cos of the angle between w_hat and w* (sqrt(q))",
        "mse": "(1/d)||w_hat - w*||^2 = 1 - q",
        "q_hat": "precision of the effective scalar channel for w",
        "test_error": "sign: misclassification rate arccos(sqrt q)/pi; linear: 1 - q + noise",
        "algorithmic_threshold": "alpha from which GAMP reaches perfect recovery (binary, sign)",
        "perfect_recovery_threshold": "information-theoretic alpha of perfect recovery (binary, sign)",
    },
))

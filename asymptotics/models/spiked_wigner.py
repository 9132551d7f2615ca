"""Rank-one spiked Wigner model: Bayes-optimal AMP, its state evolution, and the phase diagram.

Observation ``Y = sqrt(snr/n) x x' + W`` with ``W`` symmetric Gaussian (off-diagonal entries of
variance 1) and ``x`` iid from the ``prior``: any zero-mean separable prior of the package's
vocabulary (:mod:`asymptotics.priors`; named: ``rademacher`` +-1, ``gaussian`` N(0, 1),
``sparse-rademacher`` 0 w.p. ``1 - eps``, ``+-1/sqrt(eps)`` w.p. ``eps/2`` each — all of power
``E X^2 = prior_var`` = 1 by default —, ``bernoulli-gaussian``, ``three-point``; or a Prior, samples,
a density). With ``rho = E X^2``, in the normalization ``Y/sqrt(n) = sqrt(snr) (x x'/n) +
W/sqrt(n)`` the spike's eigenvalue is ``lambda = sqrt(snr) rho`` and the spectral (BBP) threshold
is ``lambda = 1``, i.e. ``snr = 1/rho^2`` (``snr = 1`` at unit power).

Bayes-optimal AMP (Rangan–Fletcher; Deshpande–Montanari; Lesieur–Krzakala–Zdeborová):
``x^{t+1} = (Y/sqrt n) f_t(x^t) - b_t f_{t-1}(x^{t-1})``, ``b_t = mean f_t'(x^t)``, with
``f_t(x) = E[X | sqrt(gamma_t) X + Z = x/sigma_t]`` the posterior mean. State evolution: ``x^t`` is
asymptotically ``mu_t X + sigma_t Z`` with effective SNR ``gamma_t = mu_t^2/sigma_t^2`` and

    gamma_{t+1} = snr m(gamma_t),    m(gamma) = E[X E(X | sqrt(gamma) X + Z)] = 1 - mmse(gamma),

from ``gamma_0 = init`` (the SNR of the initial guess; parameter ``iteration`` counts steps).
The replica-symmetric free entropy of the branch with SNR ``gamma`` is ``F = psi(gamma) -
gamma m(gamma)/4`` with ``psi(gamma) = E log E_x exp(sqrt(gamma) Z x + gamma x X - gamma x^2/2)``
(``psi' = m/2``: I-MMSE, tested), ``F = 0`` for the trivial branch. The MMSE of ``x x'/n`` is
``rho^2 - q*^2`` with ``q*`` the overlap of the branch of largest ``F`` (Lelarge–Miolane; Barbier et
al.).

Branches (parameter ``branch``; all fixed points are found by scanning the curve
``snr(gamma) = gamma/m(gamma)`` and polished by Newton on the sympy equation):
``amp`` — the fixed point reached by the iteration from ``init`` (``init = 0`` means an
infinitesimally informative start: the weak-recovery branch for ``snr > 1``, else 0);
``informative`` — the largest fixed point (AMP from an informed start); ``unstable`` — the
unstable fixed point between them (exists only inside a first-order region); ``bayes`` — the
branch of largest free entropy.

Observables: ``overlap = m(gamma) = (1/n) <x_hat, x>`` of the posterior-mean estimate
``x_hat = f_t(x^t)``; ``cosine = sqrt(overlap)`` (``|cos|`` of the angle between ``x_hat`` and
``x``); ``mse = rho^2 - overlap^2`` (``(1/n^2)||x_hat x_hat' - x x'||_F^2`` of the branch);
``mmse = rho^2 - q*^2``; ``gamma``; ``spectral_overlap = max(1 - 1/(snr rho^2), 0)`` (squared
cosine of the top eigenvector, BBP); thresholds (functions of the prior only): ``algorithmic_threshold`` (the snr
above which AMP from an uninformative start reaches the informative branch; 1 for a continuous
transition), ``spinodal`` (the lowest snr where the informative branch exists) and
``it_threshold`` (where ``bayes`` jumps to it). For a continuous transition (rademacher, gaussian,
sparse with large ``eps``) the three equal ``1/rho^2`` (the weak-recovery threshold, where ``m'(0) = rho^2``); the sparse prior has a hard phase
``it_threshold < snr < algorithmic_threshold`` for small ``eps`` (about ``eps < 0.09``
[recalled, not verified in source]; located here by the scan).

``m`` and ``psi`` are the Bayes scalar channel of :mod:`._bayes` (shared with ``glm-bayes``):
``m = rho - mmse``, ``psi = gamma rho/2 - I(gamma)``, exact for mixtures at any SNR, with a
composite Gauss–Legendre rule (480 nodes) that resolves sharp posterior means of sparse priors.
A prior with non-zero mean has no trivial fixed point (``m(0) = (E X)^2``): not covered here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..priors import family_components
from ..symbolic import System, Unknown
from ..validation import Integer, Interval, OneOf, ParameterError, param
from . import _amp, _bayes
from ._bayes import BayesPriorParams, eps, prior_var
from ._registry import Model, Reference, Variant, register

PRIORS = _bayes.PRIOR_NAMES

snr, init, iteration = sp.symbols("snr init iteration", nonnegative=True)
g = sp.Symbol("gamma", nonnegative=True)
# prepared guesses and the first-order flag (from the scan in ``_prepare``)
G_GUESS, G_BAYES, G_MIN, G_MAX, G_IT, G_LOW, FIRST = sp.symbols(
    "gamma_guess gamma_bayes_guess gamma_min_guess gamma_max_guess gamma_it_guess gamma_low_guess "
    "first_order", real=True)


def _components(prior):
    return family_components(prior, eps, prior_var) if isinstance(prior, str) else list(prior)


def overlap_fn(prior, g_):
    """m(g) = E[X E(X | sqrt(g) X + Z)] = E X^2 - mmse(g) (prior: a name or components)."""
    return _bayes.scalar_channel(_components(prior), g_)["overlap"]


def free_entropy_fn(prior, g_):
    """psi(g) = E log E_x exp(sqrt(g) Z x + g x X - g x^2/2) = g E X^2/2 - I(g), psi' = m/2."""
    return _bayes.scalar_channel(_components(prior), g_)["psi"]


@functools.lru_cache(maxsize=64)
def _system(prior_key, comps) -> System:
    ch = _bayes.scalar_channel(list(comps), g)
    rho = ch["second_moment"]
    m_of = lambda u: ch["overlap"].xreplace({g: u})
    psi_of = lambda u: ch["psi"].xreplace({g: u})
    m = m_of(g)
    gb, gs, gm, gi, gl = sp.symbols("gamma_bayes gamma_min gamma_max gamma_it gamma_low",
                                    nonnegative=True)
    mb = m_of(gb)
    first = FIRST > sp.Rational(1, 2)
    trivial_side = sp.And(first, FIRST < sp.Rational(3, 2))  # kind 1: against the trivial branch
    maxwell = FIRST > sp.Rational(3, 2)  # kind 2: between two positive branches
    potential = lambda u: psi_of(u) - u * m_of(u) / 4

    def stationary(u):  # d/du [u/m(u)] = 0  <=>  m - u m' = 0
        mu = m_of(u)
        return mu - u * sp.diff(mu, u)

    level = lambda u: u / m_of(u)
    weak = 1 / rho ** 2  # level(0+) = 1/m'(0): the weak-recovery (continuous) threshold
    return System(
        parameters=(snr, eps, prior_var, init, iteration, G_GUESS, G_BAYES, G_MIN, G_MAX, G_IT,
                    G_LOW, FIRST),
        unknowns=(
            Unknown(g, guess=G_GUESS, lower=0.0, start=init,
                    doc="effective SNR gamma of the AMP iterate (selected branch)"),
            Unknown(gb, guess=G_BAYES, lower=0.0, doc="effective SNR of the Bayes branch"),
            Unknown(gs, guess=G_MIN, lower=0.0, doc="gamma at the spinodal (local min of snr)"),
            Unknown(gm, guess=G_MAX, lower=0.0, doc="gamma at the local max of snr (AMP jump)"),
            Unknown(gi, guess=G_IT, lower=0.0, doc="gamma of the informative branch at snr_IT"),
            Unknown(gl, guess=G_LOW, lower=0.0, doc="gamma of the low branch at snr_IT (kind 2)"),
        ),
        # gamma = 0 is an exact fixed point (m(0) = 0 for these zero-mean priors), but the
        # derivative of m involves z/(2 sqrt(gamma)) there (0 * inf): the map is pinned at 0 so
        # that Newton sees a finite Jacobian at the trivial branch.
        equations=(
            sp.Eq(g, sp.Piecewise((0, sp.Eq(g, 0)), (snr * m, True))),
            sp.Eq(gb, sp.Piecewise((0, sp.Eq(gb, 0)), (snr * mb, True))),
            sp.Eq(sp.Piecewise((stationary(gs), first), (gs - G_MIN, True)), 0),
            sp.Eq(sp.Piecewise((stationary(gm), first & (G_MAX > 0)), (gm - G_MAX, True)), 0),
            # IT: F(informative) = F(trivial) = 0, or the Maxwell construction (equal snr, F)
            sp.Eq(sp.Piecewise((potential(gi), trivial_side),
                               (potential(gi) - potential(gl), maxwell), (gi - G_IT, True)), 0),
            sp.Eq(sp.Piecewise((level(gi) - level(gl), maxwell), (gl - G_LOW, True)), 0),
        ),
        observables={
            "overlap": m,
            "cosine": sp.sqrt(m / rho),
            "mse": rho ** 2 - m ** 2,
            "mmse": rho ** 2 - mb ** 2,
            "gamma": g,
            "spectral_overlap": sp.Max(1 - 1 / (snr * rho ** 2), 0),
            "algorithmic_threshold": sp.Piecewise((level(gm), first & (G_MAX > 0)), (weak, True)),
            "spinodal": sp.Piecewise((level(gs), first), (weak, True)),
            "it_threshold": sp.Piecewise((level(gi), first), (weak, True)),
        },
        iteration=iteration,
    )


def system_for(p) -> System:
    return _system(_bayes.prior_key(p), tuple(_bayes.components_for(p)))


def _curve_kernel_of(comps):
    from ..codegen import Kernel

    ch = _bayes.scalar_channel(list(comps), g)
    return Kernel([ch["overlap"], ch["psi"], ch["second_moment"]], (g, eps, prior_var))


def _curve_kernel(p):
    """m, psi, rho of the prior as functions of gamma: numpy code found in the code cache by the
    prior's identity (its sympy channel is built on a cold cache only)."""
    from ..runtime import NamedKernel

    parts = tuple(x.hex() if isinstance(x, bytes) else x for x in _bayes.prior_key(p))
    return NamedKernel("spiked-wigner-curve", parts,
                       lambda: _curve_kernel_of(tuple(_bayes.components_for(p))))


def scan(p, eps_value: float, var_value: float, top: float):
    """(gamma grid, m, psi, rho) on a geometric grid from 1e-9 to ``top``."""
    grid = np.geomspace(1e-9, max(top, 4.0), 1500)
    kern = _curve_kernel(p)
    m, psi, rho = kern({"gamma": grid, "eps": np.full(grid.size, eps_value),
                        "prior_var": np.full(grid.size, var_value)})
    return grid, np.asarray(m), np.asarray(psi), float(np.asarray(rho).ravel()[0])


def _thresholds(grid, level, potential, weak=1.0):
    """Guesses from the local extrema of level = gamma/m: (kind, gamma_min, gamma_max, gamma_it,
    gamma_low). kind 0: continuous transition; 1: first order against the trivial branch (the
    local minimum of level is below 1); 2: first order between two positive branches (local max
    and min both above 1), where the IT point is a Maxwell construction between gamma_low and
    gamma_it at equal snr and equal free entropy."""
    d = np.diff(level)
    turn = np.flatnonzero(np.sign(d[1:]) != np.sign(d[:-1])) + 1
    minima = [i for i in turn if d[i - 1] < 0]
    if not minima:
        return 0.0, weak, 0.0, weak, 0.0
    i_min = minima[0]
    maxima = [i for i in turn if i < i_min and d[i - 1] > 0]
    i_max = maxima[-1] if maxima else None
    gmin, gmax = float(grid[i_min]), float(grid[i_max]) if i_max is not None else 0.0
    if level[i_min] < weak:
        beyond = np.flatnonzero((grid > gmin) & (potential > 0))
        return 1.0, gmin, gmax, float(grid[beyond[0]]) if beyond.size else gmin, 0.0
    # Maxwell: along the high branch, the low-branch root at the same snr and their F difference
    hi = np.arange(i_min, grid.size)
    hi = hi[level[hi] <= level[i_max]]
    lo_g, lo_l, lo_p = grid[: i_max + 1], level[: i_max + 1], potential[: i_max + 1]
    gl = np.interp(level[hi], lo_l, lo_g)
    diff = potential[hi] - np.interp(gl, lo_g, lo_p)
    k = np.flatnonzero(np.sign(diff[:-1]) != np.sign(diff[1:]))
    j = k[0] if k.size else 0
    return 2.0, gmin, gmax, float(grid[hi[j]]), float(gl[j])


def _prepare(p):
    arrays = [np.asarray(getattr(p, k), dtype=float) for k in ("snr", "eps", "prior_var", "init")]
    shape = np.broadcast(*arrays).shape
    snr_v, eps_v, var_v, init_v = (np.broadcast_to(a, shape).ravel() for a in arrays)
    out = {k: np.zeros(snr_v.size) for k in ("gamma_guess", "gamma_bayes_guess", "gamma_min_guess",
                                              "gamma_max_guess", "gamma_it_guess", "gamma_low_guess",
                                              "first_order")}
    groups = {}
    for i, key in enumerate(zip(eps_v, var_v)):
        groups.setdefault(key, []).append(i)
    for (e, v), idx in groups.items():
        idx = np.asarray(idx)
        grid, m, psi, rho = scan(p, float(e), float(v), 1.0)
        top = 1.05 * max(float(snr_v[idx].max(initial=0)) * rho, float(init_v[idx].max(initial=0))) + 1
        if top > grid[-1]:
            grid, m, psi, rho = scan(p, float(e), float(v), top)
        level = grid / m
        weak = 1 / rho ** 2
        potential_grid = psi - grid * m / 4
        pot = lambda u, c: np.interp(u, grid, potential_grid)
        first, gmin, gmax, git, glow = _thresholds(grid, level, potential_grid, weak)
        for i in idx:
            c, start = snr_v[i], init_v[i]
            out["gamma_guess"][i] = _amp.scalar_branch(grid, level, c, p.branch, start,
                                                       potential=pot, level0=weak)
            out["gamma_bayes_guess"][i] = _amp.scalar_branch(grid, level, c, "bayes",
                                                             potential=pot, level0=weak)
            out["first_order"][i] = first
            out["gamma_min_guess"][i] = gmin
            out["gamma_max_guess"][i] = gmax
            out["gamma_it_guess"][i] = git
            out["gamma_low_guess"][i] = glow
    return {k: val.reshape(shape) for k, val in out.items()}


@dataclass(frozen=True, kw_only=True)
class Params(BayesPriorParams):
    snr: float = param(domain=Interval(0, np.inf, low_closed=True),
                       doc="signal-to-noise ratio: Y = sqrt(snr/n) x x' + W (BBP at snr E[X^2]^2 = 1)",
                       symbol="λ²")
    prior: str = param("rademacher", domain=OneOf(PRIORS), doc=_bayes.DOC_PRIOR)
    branch: str = param("amp", domain=OneOf(_amp.BRANCHES),
                        doc="fixed point: 'amp' (reached from init), 'informative', 'unstable', "
                            "'bayes' (largest free entropy)")
    init: float = param(0.0, domain=Interval(0, np.inf, low_closed=True),
                        doc="SNR gamma_0 of AMP's initial guess (0: uninformative, 0+ at t = inf)",
                        symbol="γ₀")
    iteration: float = param(np.inf, domain=Integer(0, np.inf, True, True),
                             doc="AMP iteration t (inf: the fixed point)", symbol="t")

    def check(self):
        super().check()
        if self.prior == "empirical":
            mean = float(np.dot(self.prior_weights, self.prior_values))
            scale = float(np.sqrt(np.dot(self.prior_weights, self.prior_values ** 2)))
            if abs(mean) > 1e-9 * max(scale, 1e-300):
                raise ParameterError(
                    f"spiked-wigner: parameter 'prior' must have mean 0 (the model's trivial "
                    f"fixed point and thresholds assume it); got mean {mean:.6g}")


_BIB_LKZ = """@article{lesieur2017constrained,
  title={Constrained low-rank matrix estimation: phase transitions, approximate message passing and applications},
  author={Lesieur, Thibault and Krzakala, Florent and Zdeborov{\\'a}, Lenka},
  journal={Journal of Statistical Mechanics: Theory and Experiment}, pages={073403}, year={2017}
}"""
_BIB_DM = """@inproceedings{deshpande2014information,
  title={Information-theoretically optimal sparse {PCA}},
  author={Deshpande, Yash and Montanari, Andrea},
  booktitle={IEEE International Symposium on Information Theory}, pages={2197--2201}, year={2014}
}"""
_BIB_LM = """@article{lelarge2019fundamental,
  title={Fundamental limits of symmetric low-rank matrix estimation},
  author={Lelarge, Marc and Miolane, L{\\'e}o},
  journal={Probability Theory and Related Fields}, volume={173}, pages={859--929}, year={2019}
}"""
_BIB_BBP = """@article{baik2005phase,
  title={Phase transition of the largest eigenvalue for nonnull complex sample covariance matrices},
  author={Baik, Jinho and Ben Arous, G{\\'e}rard and P{\\'e}ch{\\'e}, Sandrine},
  journal={The Annals of Probability}, volume={33}, number={5}, pages={1643--1697}, year={2005}
}"""

MODEL = register(Model(
    name="spiked-wigner",
    summary="rank-one spiked Wigner: Bayes-AMP overlap (all branches), MMSE, spinodal/IT thresholds",
    variants=(Variant("default", Params, system_for,
                      "Bayes-optimal AMP state evolution, branches from a scan + Newton",
                      prepare=_prepare, example={"snr": 2.0, "prior": "rademacher"}),),
    references=(
        Reference("deshpande2014information", _BIB_DM,
                  "Bayes-optimal AMP and its state evolution for the spiked Wigner model "
                  "[equation numbers not verified in source]"),
        Reference("lesieur2017constrained", _BIB_LKZ,
                  "state evolution gamma' = snr m(gamma), free entropy, spinodal and IT "
                  "thresholds, sparse-Rademacher phase diagram [not verified in source]"),
        Reference("lelarge2019fundamental", _BIB_LM, "MMSE = 1 - q*^2 from the RS formula"),
        Reference("baik2005phase", _BIB_BBP, "spectral threshold snr = 1, top-eigenvector overlap"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "overlap": "(1/n)<x_hat, x> of the posterior-mean estimate on the selected branch",
        "cosine": "|cos| of the angle between x_hat and x (sqrt(overlap/rho))",
        "mse": "(1/n^2)||x_hat x_hat' - x x'||_F^2 = rho^2 - overlap^2 on the selected branch",
        "mmse": "minimum MSE of x x'/n: rho^2 - q*^2 on the branch of largest free entropy",
        "gamma": "effective SNR mu^2/sigma^2 of the AMP iterate",
        "spectral_overlap": "squared cosine of the top eigenvector with x: max(1 - 1/(snr rho^2), 0)",
        "algorithmic_threshold": "snr above which AMP from an uninformative start reaches the "
                                 "informative branch",
        "spinodal": "lowest snr where the informative branch exists",
        "it_threshold": "snr at which the Bayes-optimal overlap jumps (information-theoretic)",
    },
))

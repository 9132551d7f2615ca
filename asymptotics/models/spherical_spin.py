"""Spherical p-spin glass: gradient flow and Langevin dynamics from a random start (DMFT test bed).

Setting (Crisanti–Sommers 1992; Cugliandolo–Kurchan 1993; Cugliandolo–Dean 1995 for p = 2):
N spins on the sphere ``||s||² = N``,

    H(s) = -Σ_{i1<...<ip} J_{i1..ip} s_i1 ... s_ip,     Var J = p!/(2 N^{p-1}),

so ``E H(s) H(s') = N ξ(s·s'/N)`` with ``ξ(q) = q^p/2``; for p = 2 this is
``H = -Σ_{i<j} J_ij s_i s_j`` with ``Var J_ij = 1/N``, ground-state energy per spin -1. Dynamics:
``ds/dt = -∇H(s) - μ(t) s + η(t)`` with white noise of variance ``2 temperature``
(``temperature = 0``: projected gradient flow), μ(t) keeping s on the sphere, s(0) uniform on the
sphere. Observables at ``time``: ``energy`` = H(s(t))/N, ``mu`` = μ(t) (= T - p energy),
``c0`` = s(t)·s(0)/N. The two-time order parameters C(t,t') = s(t)·s(t')/N and
R(t,t') (response) come from :func:`asymptotics.dmft.solve_spherical_spin` /
:func:`asymptotics.dmft.spherical_spin` as arrays.

p = 2 is solved in closed form (``method="auto"`` or ``"closed-form"``): with ρ the semicircle
law on [-2, 2] and ``ν_T(dλ) = ρ(λ) dλ/(1 + T² - Tλ) + (1 - 1/T²)_+ δ_{T + 1/T}`` (derived here: the
measure whose Stieltjes transform is the Laplace transform of Γ(t) = exp(2∫μ)),

    energy = T/2 - E_ν[λ e^{2λt}] / (2 E_ν[e^{2λt}]),    c0 = E_ρ[e^{λt}] / sqrt(E_ν[e^{2λt}]),

with both averages written below in sympy over Gauss rules of ρ and ν_T (ν_T is the
Marchenko–Pastur law of ratio T² mapped by s -> (1 + T² - s)/T, so its Gauss rule stays exact at
and near T = 1). Limits: energy -> -1 + T/2 below T_c = 1 (energy = -1 + 3/(8t) + ... at T = 0),
-> -1/(2T) above. Every p (p = 2 with ``method="dmft"``) is solved by integrating the
Cugliandolo–Kurchan equations (:mod:`asymptotics.dmft.pspin`) with step ``dt`` (Heun, error
O(dt²), linear interpolation between grid times); the DMFT matches the p = 2 closed form with an
error shrinking as dt² (tests). Known p = 3 facts (tested): at T = 0 the energy decreases slowly
towards the threshold energy -sqrt(2(p-1)/p) = -1.1547; above the dynamical temperature
T_d = sqrt(3/8) = 0.612 the dynamics equilibrates to the paramagnetic energy -1/(2T).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..outcome import NumericOutput
from ..symbolic import Average, ParametricQuadratureSpace, System
from ..validation import Integer, Interval, param, ParameterError, Parameters
from ._registry import Model, Reference, Variant, register

_NONNEG = Interval(0, np.inf, low_closed=True)

temperature, time = sp.symbols("temperature time", nonnegative=True)
q = sp.Symbol("q", real=True)
lam_nu, lam_sc = sp.symbols("lambda_nu lambda_sc", real=True)


def xi(p: int) -> sp.Expr:
    """Covariance function ξ(q) = q^p/2 of the pure spherical p-spin model."""
    return q ** int(p) / 2


def _order(time_values) -> int:
    # e^{2λt} on [-2, 2] behaves like e^{-2ts} on an interval of length 4 (see gd_least_squares)
    t = float(np.max(time_values, initial=0.0))
    order = int(np.ceil(np.sqrt(17.0 * t * 4.0))) + 32
    return int(min(4096, max(64, 32 * int(np.ceil(order / 32)))))


def _nu_rule(temperature, time):
    from ..dmft.pspin import perturbed_semicircle

    order = _order(time)
    if temperature.size and np.all(temperature == temperature[0]):
        x, w, _, _ = perturbed_semicircle(float(temperature[0]), order)
        return (np.broadcast_to(x, (temperature.size, order)),), np.broadcast_to(w, (temperature.size, order))
    nodes = np.empty((temperature.size, order))
    weights = np.empty((temperature.size, order))
    uniq, inverse = np.unique(temperature, return_inverse=True)
    for i, T in enumerate(uniq):
        x, w, _, _ = perturbed_semicircle(float(T), order)
        nodes[inverse == i] = x
        weights[inverse == i] = w
    return (nodes,), weights


def _sc_rule(time):
    from ..dmft.pspin import perturbed_semicircle

    order = _order(time)
    x, w, _, _ = perturbed_semicircle(0.0, order)
    return (np.broadcast_to(x, (time.size, order)),), np.broadcast_to(w, (time.size, order))


NU = ParametricQuadratureSpace("nu_T", (lam_nu,), (temperature, time), _nu_rule)
SEMICIRCLE = ParametricQuadratureSpace("semicircle", (lam_sc,), (time,), _sc_rule)

_hot = temperature > 1
_c = sp.Piecewise((2, sp.Not(_hot)), (temperature + 1 / temperature, True))  # growth rate / 2t
_atom = sp.Piecewise((0, sp.Not(_hot)), (1 - 1 / temperature ** 2, True))  # e^{2t(λ*-c)} = 1 there
_gamma = Average(sp.exp(2 * time * (lam_nu - _c)), NU) + _atom  # Γ(t) e^{-2ct}
_lgamma = Average(lam_nu * sp.exp(2 * time * (lam_nu - _c)), NU) + _atom * _c  # Γ'(t)/2 e^{-2ct}
_mu = _lgamma / _gamma
P2_CLOSED_FORM = System(
    parameters=(temperature, time),
    unknowns=(),
    equations=(),
    observables={
        "energy": (temperature - _mu) / 2,
        "mu": _mu,
        "c0": Average(sp.exp(time * (lam_sc - 2)), SEMICIRCLE) / sp.sqrt(_gamma) * sp.exp((2 - _c) * time),
    },
)

_EQUATIONS = r"""\begin{aligned}
\partial_t C(t,t') &= -\mu(t) C(t,t') + \int_0^t \xi''(C(t,s)) R(t,s) C(s,t')\,ds
   + \int_0^{t'} \xi'(C(t,s)) R(t',s)\,ds \\
\partial_t R(t,t') &= -\mu(t) R(t,t') + \int_{t'}^t \xi''(C(t,s)) R(t,s) R(s,t')\,ds \\
\mu(t) &= T + \int_0^t [\xi'(C(t,s)) + \xi''(C(t,s)) C(t,s)] R(t,s)\,ds,\quad
e(t) = -\int_0^t \xi'(C(t,s)) R(t,s)\,ds,\quad \xi(q) = q^p/2
\end{aligned}"""


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    """Pure spherical p-spin, random start; gradient flow (temperature 0) or Langevin dynamics."""

    time: float = param(domain=_NONNEG, doc="time t of the (continuous-time) dynamics", symbol="t")
    p: float = param(2, domain=Integer(2, 12, True, True), doc="number of interacting spins per "
                     "term (2: solved in closed form)", symbol="p")
    temperature: float = param(0.0, domain=_NONNEG, doc="Langevin temperature T (0: gradient flow)",
                               symbol="T")
    dt: float = param(0.025, domain=Interval(0, 1, False, True), doc="integration step of the DMFT "
                      "(numerical; error O(dt²); unused by the p = 2 closed form)", symbol="Δt")


def _xi_kernel(p: int):
    from ..codegen import Kernel

    d1 = sp.diff(xi(p), q)
    return Kernel([d1, sp.diff(d1, q)], (q,))


def _xi_numeric(p: int):
    """(ξ'(q), ξ''(q)) as numpy code, found by p in the code cache (sympy only on a cold cache)."""
    from ..runtime import NamedKernel

    kernel = NamedKernel("pspin-xi", (p,), lambda: _xi_kernel(p))

    def fn(values):
        v = np.asarray(values, dtype=float)
        a, b = kernel({"q": v.reshape(-1)})
        return a.reshape(v.shape), b.reshape(v.shape)

    return fn


def solve(p_value: int, temperature_value: float, t_max: float, dt: float):
    """DMFT trajectory on the grid k dt, k = 0..ceil(t_max/dt): a DMFTResult."""
    from ..dmft.pspin import solve_spherical_spin

    steps = max(1, int(np.ceil(t_max / dt - 1e-9)))
    return solve_spherical_spin(_xi_numeric(int(p_value)), temperature=float(temperature_value), dt=dt,
                                steps=steps, params={"p": int(p_value)})


def _compute(params, values, batch, method):
    from ..dmft.evaluation import evaluate_system, grouped_trajectories

    if method not in ("auto", "closed-form", "dmft"):
        raise ParameterError(f"spherical-spin: parameter 'method' must be one of 'auto', 'closed-form', "
                             f"'dmft'; got {method!r}")
    p_values = values["p"]
    if method == "closed-form" and np.any(p_values != 2):
        raise ParameterError("spherical-spin: method='closed-form' exists for p = 2 only")
    names = tuple(MODEL.observables)
    closed = (p_values == 2) & (method != "dmft")
    out = None
    if np.any(~closed):
        times = values["time"]

        def run(g, idx):
            result = solve(g["p"], g["temperature"], float(times[idx].max()), g["dt"])
            return result, (lambda arr: np.interp(times[idx], result.times, arr))

        sub = {k: v[~closed] for k, v in values.items()}
        out = grouped_trajectories(sub, int(np.sum(~closed)), ("p", "temperature", "dt"), run, names,
                                   method)
    if np.all(~closed):
        return out
    exact = evaluate_system(P2_CLOSED_FORM, {k: v[closed] for k, v in values.items()},
                            int(np.sum(closed)))
    if out is None:
        return exact
    exact, out = exact.broadcast(int(np.sum(closed))), out.broadcast(int(np.sum(~closed)))

    def merge(a, b):
        arr = np.empty(batch, dtype=np.asarray(b).dtype)
        arr[closed], arr[~closed] = a, b
        return arr

    return NumericOutput({name: merge(exact.observables[name], out.observables[name]) for name in names},
                         merge(exact.status, out.status), merge(exact.residual, out.residual),
                         merge(exact.iterations, out.iterations), exact.method + "+" + out.method)


_BIB_CK = """@article{cugliandolo1993analytical,
  title={Analytical solution of the off-equilibrium dynamics of a long-range spin-glass model},
  author={Cugliandolo, Leticia F. and Kurchan, Jorge},
  journal={Physical Review Letters}, volume={71}, number={1}, pages={173--176}, year={1993}
}"""
_BIB_CD = """@article{cugliandolo1995full,
  title={Full dynamical solution for a spherical spin-glass model},
  author={Cugliandolo, Leticia F. and Dean, David S.},
  journal={Journal of Physics A: Mathematical and General}, volume={28}, number={15},
  pages={4213--4234}, year={1995}
}"""
_BIB_CS = """@article{crisanti1992spherical,
  title={The spherical p-spin interaction spin glass model: the statics},
  author={Crisanti, Andrea and Sommers, Hans-J{\\"u}rgen},
  journal={Zeitschrift f{\\"u}r Physik B Condensed Matter}, volume={87}, number={3},
  pages={341--354}, year={1992}
}"""

MODEL = register(Model(
    name="spherical-spin",
    summary="spherical p-spin glass: energy over time for gradient flow / Langevin dynamics "
            "(p = 2 closed form, any p by DMFT)",
    variants=(
        Variant("random-start", Params, None,
                "uniformly random start; p = 2 in closed form, p >= 3 by integrating the "
                "Cugliandolo–Kurchan equations",
                example={"p": 3, "temperature": 0.0, "time": 2.0, "dt": 0.05},
                compute=_compute, equations=_EQUATIONS),
    ),
    references=(
        Reference("cugliandolo1993analytical", _BIB_CK,
                  "dynamical equations for C(t,t'), R(t,t') and μ(t) of the spherical p-spin model, "
                  "threshold energy [recalled, not verified in source]"),
        Reference("cugliandolo1995full", _BIB_CD,
                  "exact solution of the p = 2 dynamics (Γ(t) renewal equation) [recalled, not "
                  "verified in source; the ν_T form is derived here]"),
        Reference("crisanti1992spherical", _BIB_CS, "model and normalization E H H' = N ξ(q)"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "energy": "H(s(t))/N, energy per spin (0 at the random start)",
        "mu": "Lagrange multiplier μ(t) of the spherical constraint (= T - p energy)",
        "c0": "s(t)·s(0)/N, correlation with the initial configuration",
    },
))

"""The Donoho–Tanner phase transition of l1 recovery, from AMP state evolution.

Noiseless compressed sensing ``y = A x0`` (``A`` n x N with iid Gaussian entries,
``delta = n/N``), ``x0`` with ``k = rho n`` non-zeros. Basis pursuit (``min ||x||_1`` s.t.
``Ax = y``; ``constraint='signed'``) or its non-negative version (``min 1'x`` s.t. ``Ax = y``,
``x >= 0``; ``constraint='nonnegative'``) recovers ``x0`` with probability tending to one when
``rho < rho(delta)`` and fails when ``rho > rho(delta)``.

State-evolution form (Donoho, Maleki, Montanari 2009): with the soft threshold at ``z tau``, the
worst-case sparse prior (non-zeros at +-infinity, fraction ``eps = rho delta``) gives
``tau_{t+1}^2 / tau_t^2 -> (1/delta)[eps (1 + z^2) + (1 - eps) c M(z)]`` as ``tau -> 0``, with
``M(z) = (1 + z^2) Phi(-z) - z phi(z)`` and ``c = 2`` (signed: both tails) or ``c = 1``
(non-negative: one tail). ``tau = 0`` is stable iff this ratio is below 1, i.e.
``rho < [1 - (c/delta) M(z)] / [1 + z^2 - c M(z)]``; optimizing the threshold gives

    rho(delta) = max_{z >= 0} [1 - (c/delta) M(z)] / [1 + z^2 - c M(z)].

The maximizer ``z*`` (observable ``alpha``: the minimax threshold multiplier) solves
``d rho/dz = 0``, written in sympy; Newton uses its generated derivative. DMM report that this
curve coincides with the Donoho–Tanner polytope curve [recalled, not verified in source]; here it
is tested by the stability of ``tau = 0`` in the ``basis-pursuit`` state evolution and by linear-
programming Monte Carlo. Observables: ``rho`` (= k/n at the transition), ``eps`` (= k/N =
rho delta), ``alpha`` (= z*). Limits: ``rho -> 1`` as ``delta -> 1``; ``rho ~ 1/(2 log(1/delta))``
as ``delta -> 0`` (signed).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from ..symbolic import System, Unknown
from ..validation import Interval, OneOf, param, Parameters
from . import _amp
from ._registry import Model, Reference, Variant, register
from .lasso import REFERENCES as _LASSO_REFS

delta = sp.Symbol("delta", positive=True)
z = sp.Symbol("z", nonnegative=True)

CONSTRAINTS = ("signed", "nonnegative")


def rho_of(z_, c):
    m = (1 + z_ ** 2) * _amp.Phi(-z_) - z_ * _amp.phi(z_)
    return (1 - c * m / delta) / (1 + z_ ** 2 - c * m)


@functools.lru_cache(maxsize=None)
def system(constraint: str) -> System:
    c = 2 if constraint == "signed" else 1
    rho = rho_of(z, c)
    # Guess sqrt(2 log(1/delta) + a) - sqrt(a), fitted at delta = 1/2 (exact there to 1e-2) and
    # with the right delta -> 0 growth; Newton on d rho/dz converges from it for delta in (0, 1).
    a = sp.Rational(1, 8) if c == 2 else sp.Rational(5, 4)
    guess = sp.sqrt(2 * sp.log(1 / delta) + a) - sp.sqrt(a)
    return System(
        parameters=(delta,),
        unknowns=(Unknown(z, guess=guess, lower=0.0, doc="minimax threshold multiplier z*"),),
        equations=(sp.Eq(sp.diff(rho, z), 0),),
        observables={"rho": rho, "eps": rho * delta, "alpha": z},
    )


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    delta: float = param(domain=Interval(0, 1), doc="undersampling ratio n/N", symbol="δ")
    constraint: str = param("signed", domain=OneOf(CONSTRAINTS),
                            doc="'signed' (basis pursuit) or 'nonnegative' (x >= 0 known)")


MODEL = register(Model(
    name="donoho-tanner",
    summary="phase transition rho(delta) = k/n of l1 recovery (signed and non-negative)",
    variants=(Variant("default", Params, lambda p: system(p.constraint),
                      "state-evolution (minimax) form of the Donoho–Tanner curve",
                      example={"delta": 0.5}),),
    references=(_LASSO_REFS[0],
                Reference("donoho2009counting", """@article{donoho2009counting,
  title={Counting faces of randomly projected polytopes when the projection radically lowers dimension},
  author={Donoho, David L. and Tanner, Jared},
  journal={Journal of the American Mathematical Society}, volume={22}, number={1},
  pages={1--53}, year={2009}
}""", "weak thresholds rho_W(delta) of the cross-polytope and simplex [not verified in source]")),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "rho": "k/n at the transition (sparsity per measurement)",
        "eps": "k/N = rho delta (fraction of non-zero coordinates)",
        "alpha": "maximizing threshold multiplier z*",
    },
))

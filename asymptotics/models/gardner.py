"""Gardner's capacity of the spherical perceptron with margin, for random labels.

Setting (Gardner 1988; Cover 1965 at zero margin): n patterns ``x_i ~ N(0, I_p)`` with labels
``y_i = ±1`` drawn independently of them. A unit vector ``w`` stores the patterns with margin kappa
if ``y_i <w, x_i> >= kappa`` for all i (Gardner writes ``|w|² = N`` and ``y w·x/sqrt N >= kappa``
with ``±1`` or Gaussian patterns: the same condition). The capacity is the largest
``alpha = n/p`` at which such a w exists w.h.p. as n, p -> inf:

    alpha_c(kappa) = 1 / int_{-kappa}^inf Dz (z + kappa)²  = 1 / E (kappa - Z)_+^2
                   = 1 / [ (kappa² + 1) Phi(kappa) + kappa phi(kappa) ]        (Gardner 1988, eq. (40)
                     [recalled, equation number not verified in source])

so alpha_c(0) = 2 (Cover's count of dichotomies: n = 2p) and alpha_c ~ 1/kappa² for large kappa.
The replica-symmetric formula is exact for kappa >= 0 (the problem is convex; it is the
max-margin model with pure-noise labels, ``max-margin`` at ``flip = 1/2``, where
``E (kappa - Z)_+^2 = psi``); for kappa < 0 it is not, so the domain is kappa >= 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import System
from ..validation import Interval, param, Parameters
from ._classification import pos2_unit
from . import _bibliography as bibliography
from ._registry import Model, Reference, Variant, register

kappa = sp.Symbol("kappa", nonnegative=True)

SYSTEM = System(
    parameters=(kappa,),
    unknowns=(),
    equations=(),
    observables={
        "capacity": 1 / pos2_unit(kappa),
        "critical_psi": pos2_unit(kappa),
    },
)


@dataclass(frozen=True, kw_only=True)
class Params(Parameters):
    kappa: float = param(0.0, domain=Interval(0, np.inf, low_closed=True),
                         doc="margin kappa (patterns x ~ N(0, I_p), unit-norm weights)", symbol="κ",
                         aliases=("margin",))


_BIB_COVER = """@article{cover1965geometrical,
  title={Geometrical and statistical properties of systems of linear inequalities with applications
         in pattern recognition},
  author={Cover, Thomas M.},
  journal={IEEE Transactions on Electronic Computers}, volume={EC-14}, number={3},
  pages={326--334}, year={1965}
}"""

MODEL = register(Model(
    name="gardner",
    summary="capacity of the spherical perceptron with margin kappa for random labels (Gardner; Cover at 0)",
    variants=(Variant("default", Params, SYSTEM, "random ±1 labels, Gaussian patterns",
                      example={"kappa": 0.5}),),
    references=(
        Reference("gardner1988space", bibliography.GARDNER1988,
                  "capacity alpha_c(kappa) = [int_{-kappa}^inf Dz (z + kappa)^2]^{-1} (replica-symmetric, "
                  "exact for kappa >= 0)"),
        Reference("cover1965geometrical", _BIB_COVER, "function counting theorem: alpha_c(0) = 2"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "capacity": "alpha_c = n/p at capacity (2 at kappa = 0)",
        "critical_psi": "p/n at capacity, 1/alpha_c = E (kappa - Z)_+^2 (1/2 at kappa = 0)",
    },
))

"""Strong-recovery threshold of the nuclear route: noiseless PSD matrix sensing with minimal trace.

Setting (Erba, Troiani, Zdeborová, Krzakala 2025, arXiv:2505.17958; see ``nuclear-route`` for the
model and its conventions): a quadratic network with ``m >= d`` hidden units trained with a small
l2 penalty (lam -> 0+) on ``n = alpha d²`` NOISELESS labels of a width-``m* = kappa_star d``
teacher computes the minimal-trace PSD matrix consistent with the data. It recovers the teacher
exactly when ``alpha`` exceeds the threshold computed here. Only the paper's abstract was
available: this threshold is DERIVED HERE from the small-noise limit of the ``nuclear-route``
state evolution (a statistical-dimension computation) and checked by convex-optimization Monte
Carlo; it is not read from the paper.

Derivation. The teacher matrix has rank fraction ``rho = min(kappa_star, 1)``. As the effective
noise ω of the state evolution tends to 0 with the eigenvalue threshold ``ζ = zbar ω``, the
PSD soft-threshold denoiser acts, in the teacher's eigenbasis, as the identity minus ``ζ`` on the
signal block, passes the two off-diagonal blocks, and soft-thresholds at ``ζ`` the null block, a
GOE of size ``(1 - rho) d``. Its error per ω² is

    psi(zbar) = 2 rho - rho² + rho zbar² + (1 - rho)² I(zbar / sqrt(1 - rho)),
    I(a) = E_SC (x - a)_+² = [(a² + 1) acos(a/2) - a sqrt(4 - a²)(a² + 26)/24] / π   (0 <= a <= 2),

``E_SC`` over the semicircle on [-2, 2] (``I = 0`` for a >= 2). The state evolution
``ω² <- psi ω² / (2 alpha)`` makes ω = 0 stable iff ``psi(zbar) < 2 alpha`` for the threshold the
calibration selects, hence

    recovery_threshold = min_{zbar >= 0} psi(zbar) / 2,

reached at ``zbar*`` (``dpsi/dzbar = 0``, solved by Newton: psi is convex). Checks: ``rho = 1``
(kappa_star >= 1) gives 1/2 (as many measurements, d²/2, as entries of a symmetric matrix);
``rho -> 0`` gives 0; it always exceeds the parameter count ``rho - rho²/2`` (degrees of freedom
of a rank-rho d PSD matrix per d²) and is at most ``psi(0)/2 = 1/2 - (1 - rho)²/4``, the
noiseless limit of the interpolation threshold of ``nuclear-route``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..symbolic import System, Unknown
from ..validation import Interval, param
from ._registry import Model, Reference, Variant, register

kappa_star = sp.Symbol("kappa_star", positive=True)
zbar = sp.Symbol("zbar", nonnegative=True)
rho = sp.Min(kappa_star, 1)


def semicircle_tail_moment(a):
    """I(a) = E (x - a)_+² for x on the semicircle [-2, 2] (exact; 0 for a >= 2, valid for a >= 0)."""
    inner = ((a ** 2 + 1) * sp.acos(a / 2) - a * sp.sqrt(4 - a ** 2) * (a ** 2 + 26) / 24) / sp.pi
    return sp.Piecewise((0, a >= 2), (inner, True))  # inner vanishes at 2 with its first derivative


def psi(z, r=rho):
    """The small-noise error per ω² of the PSD soft-threshold at ``z ω`` (see the module docstring)."""
    tail = sp.Piecewise((0, r >= 1), ((1 - r) ** 2 * semicircle_tail_moment(z / sp.sqrt(1 - r)), True))
    return 2 * r - r ** 2 + r * z ** 2 + tail


_PSI = psi(zbar)
SYSTEM = System(
    parameters=(kappa_star,),
    # the minimizer lies in [0, 2 sqrt(1 - rho)); Newton on the increasing dpsi/dz from its middle
    unknowns=(Unknown(zbar, guess=sp.sqrt(1 - sp.Min(kappa_star, sp.Rational(99, 100))) / 2, lower=0.0,
                      doc="minimizing threshold multiplier zbar* = ζ/ω"),),
    equations=(sp.Eq(sp.diff(_PSI, zbar), 0),),
    observables={
        "recovery_threshold": _PSI / 2,
        "threshold_multiplier": zbar,
        "rank_fraction": rho,
        "parameter_count": rho - rho ** 2 / 2,
        "zero_threshold_bound": psi(sp.Integer(0)) / 2,
    },
)


@dataclass(frozen=True, kw_only=True)
class Params:
    kappa_star: float = param(domain=Interval(0, np.inf), doc="teacher width ratio m*/d", symbol="κ*")


_BIB_ETZK = """@article{erba2025nuclear,
  title={The Nuclear Route: Sharp Asymptotics of {ERM} in Overparameterized Quadratic Networks},
  author={Erba, Vittorio and Troiani, Emanuele and Zdeborov{\\'a}, Lenka and Krzakala, Florent},
  journal={arXiv preprint arXiv:2505.17958}, year={2025}
}"""
_BIB_ALMT = """@article{amelunxen2014living,
  title={Living on the edge: phase transitions in convex programs with random data},
  author={Amelunxen, Dennis and Lotz, Martin and McCoy, Michael B. and Tropp, Joel A.},
  journal={Information and Inference}, volume={3}, number={3}, pages={224--294}, year={2014}
}"""

MODEL = register(Model(
    name="nuclear-recovery",
    summary="noiseless strong-recovery threshold alpha = n/d² of minimal-trace PSD sensing "
            "(quadratic networks at vanishing l2 penalty)",
    variants=(Variant("default", Params, SYSTEM, "small-noise limit of the nuclear-route state evolution",
                      example={"kappa_star": 0.5}),),
    references=(
        Reference("erba2025nuclear", _BIB_ETZK,
                  "strong-recovery threshold as a function of the teacher width [src-abstract: only the "
                  "abstract was read; the formula here is derived independently]"),
        Reference("amelunxen2014living", _BIB_ALMT,
                  "phase transitions of convex programs at the statistical dimension of the descent cone "
                  "(the structure of the derivation) [recalled, not verified in source]"),
    ),
    conventions=__doc__.split("\n\n", 1)[1],
    observables={
        "recovery_threshold": "alpha = n/d² above which the noiseless lam -> 0+ ERM recovers the teacher",
        "threshold_multiplier": "minimizing zbar* = ζ/ω of psi",
        "rank_fraction": "rho = min(kappa_star, 1), rank of the teacher matrix over d",
        "parameter_count": "rho - rho²/2: degrees of freedom of a rank-rho d PSD matrix over d²",
        "zero_threshold_bound": "psi(0)/2 = 1/2 - (1-rho)²/4 >= recovery_threshold",
    },
))

"""Shared tables of the two-layer gradient-flow models: activations, single-index targets, params.

Network f(x) = c_m Σ_{j<=m} a_j σ(w_j·x), inputs x ~ N(0, I_d) (||x||² ≈ d), first-layer weights
w_j ~ N(0, I_d/d) at initialization (w_j·x ~ N(0, 1)), second layer a_j = ±init_scale in
antisymmetric pairs (neuron j + m/2 copies w_j with the opposite sign of a_j, so f ≡ 0 at t = 0).
Target y = sqrt(signal) φ(z) + sqrt(noise) ε, z = θ̂·x for a unit θ̂, φ one of TARGETS normalized
to E φ(G)² = 1 (so ``signal`` is the power of the noiseless target), ε ~ N(0, 1).

Activations must be odd (E σ(G) = E σ(G) He_2(G) = 0): the kernel of the network on the data
then has no O(1) rank-one part along the constant vector (see ``two-layer-lazy``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..validation import Interval, OneOf, param

x = sp.Symbol("x", real=True)

#: odd activations σ(x), in sympy (σ' by differentiation)
ACTIVATIONS = {
    "tanh": sp.tanh(x),
    "erf": sp.erf(x),
    "linear": x,
}

#: single-index targets φ(z) before normalization to unit power
TARGETS = {
    "linear": x,
    "tanh": sp.tanh(2 * x),
    "cubic": x ** 3 - 3 * x,  # He_3: information exponent 3, no linear part
}


@dataclass(frozen=True)
class Numbers:
    """Gaussian constants (G ~ N(0, 1)) of an (activation, target) pair."""

    mu1: float  # E σ'(G) = E G σ(G)
    dsq: float  # E σ'(G)²
    target_mu1: float  # E G φ(G) of the normalized target: the linear part's coefficient
    target_norm: float  # sqrt(E φ(G)²) of the raw target (φ is divided by it)


@functools.lru_cache(maxsize=None)
def numbers(activation: str, target: str) -> Numbers:
    from ..activations import activation as make

    sig = ACTIVATIONS[activation]
    coef = make(sig).coefficients()
    dcoef = make(sp.diff(sig, x)).coefficients()
    tcoef = make(TARGETS[target]).coefficients()
    norm = float(np.sqrt(tcoef.second))
    return Numbers(mu1=coef.mu1, dsq=dcoef.second, target_mu1=tcoef.mu1 / norm, target_norm=norm)


@functools.lru_cache(maxsize=None)
def functions(activation: str, target: str):
    """Numpy functions generated from the sympy tables: (σ, σ', σ'') and the normalized target."""
    from ..codegen import Kernel

    sig = ACTIVATIONS[activation]
    nb = numbers(activation, target)
    act = Kernel([sig, sp.diff(sig, x), sp.diff(sig, x, 2)], (x,))
    tgt = Kernel([TARGETS[target] / nb.target_norm], (x,))

    def sigma(u):
        u = np.asarray(u, float)
        return tuple(np.asarray(v).reshape(u.shape) for v in act({"x": u.reshape(-1)}))

    def phi(z):
        z = np.asarray(z, float)
        return np.asarray(tgt({"x": z.reshape(-1)})[0]).reshape(z.shape)

    return sigma, phi


_POS = Interval(0, np.inf)
_NONNEG = Interval(0, np.inf, low_closed=True)


@dataclass(frozen=True, kw_only=True)
class NetworkParams:
    """Fields shared by the two-layer models."""

    time: float = param(domain=_NONNEG, doc="gradient-flow time (the model's normalization)", symbol="t")
    init_scale: float = param(1.0, domain=_POS, doc="|a_j| at initialization (second-layer scale)",
                              symbol="a_0")
    signal: float = param(1.0, domain=_NONNEG, doc="power E[signal φ(z)²] of the noiseless target "
                          "(0: pure-noise labels)", symbol="ρ")
    noise: float = param(0.25, domain=_NONNEG, doc="label-noise variance", symbol="σ²")
    activation: str = param("tanh", domain=OneOf(tuple(ACTIVATIONS)), doc="odd activation σ")
    target: str = param("linear", domain=OneOf(tuple(TARGETS)), doc="single-index target φ(θ̂·x), "
                        "normalized to unit power")

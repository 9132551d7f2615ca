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

from dataclasses import dataclass

import numpy as np

from ..measures import NETWORK_ACTIVATIONS, SINGLE_INDEX_TARGETS, network_functions, network_numbers
from ..validation import Interval, OneOf, param

# the tables live with the twin's shared definitions (asymptotics.measures)
ACTIVATIONS = NETWORK_ACTIVATIONS
TARGETS = SINGLE_INDEX_TARGETS
numbers = network_numbers
functions = network_functions


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

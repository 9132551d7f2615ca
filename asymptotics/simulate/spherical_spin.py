"""Monte Carlo twin of ``spherical-spin``: the real dynamics of N spins on the sphere.

Couplings: p = 2, ``J`` symmetric with ``J_ij ~ N(0, 1/N)`` (i < j), zero diagonal,
``H = -s'Js/2``; p = 3, ``H = -Σ_{i<j<k} J_ijk s_i s_j s_k`` with ``Var J_ijk = 3/N²`` (a
symmetrized Gaussian tensor with the coincident-index entries removed). Start uniform on the
sphere ``||s||² = N``. Dynamics: gradient flow for p = 2 at temperature 0 is integrated exactly in
the eigenbasis of J (``s(t) ∝ e^{Jt} s(0)``); otherwise Heun's scheme for the drift ``-∇H``
(step 0.01 for gradient flow, 0.0025 with noise) plus ``sqrt(2 T dt)`` Gaussian noise, each step
followed by projection back onto the sphere (the projection is the Lagrange multiplier μ).
Observables at the requested times (rounded to the nearest step): ``energy = H(s(t))/N - H(s(0))/N``
(the start's energy has mean exactly 0; subtracting it is a control variate that removes most of
the trial-to-trial spread), ``mu = T - p energy``, ``c0 = s(t)·s(0)/N``. Finite-N corrections
are O(1/N) with a large constant for p = 3 (about 5/N on the energy at t ~ 1-2: the coincident-
index terms removed from H alone lower its variance by a factor 1 - 3/N); the time-step bias is
O(dt²) for the drift and O(T dt) for the noise.
"""

from __future__ import annotations

import numpy as np

from ..validation import ParameterError
from ._registry import Simulator, register_simulator

_DT = 0.0025  # Langevin
_DT_FLOW = 0.01  # gradient flow (deterministic Heun: error O(dt²))


def _couplings(p: int, n: int, rng):
    if p == 2:
        a = rng.standard_normal((n, n)) / np.sqrt(n)
        j = np.triu(a, 1)
        j = j + j.T
        return j
    if p == 3:
        g = rng.standard_normal((n, n, n))
        s = (g + g.transpose(0, 2, 1) + g.transpose(1, 0, 2) + g.transpose(1, 2, 0)
             + g.transpose(2, 0, 1) + g.transpose(2, 1, 0)) / 6.0
        idx = np.arange(n)
        s[idx, idx, :] = 0.0
        s[idx, :, idx] = 0.0
        s[:, idx, idx] = 0.0
        return s / (np.sqrt(2.0) * n)  # H = -Σ_{ijk} S_ijk s_i s_j s_k with this scaling
    raise ParameterError(f"spherical-spin: the simulator supports p = 2 and p = 3; got p={p}")


def _energy_and_force(p: int, j, s):
    """(H(s), -∇H(s))."""
    if p == 2:
        js = j @ s
        return -0.5 * s @ js, js
    n = s.size
    m = (j.reshape(n * n, n) @ s).reshape(n, n)  # Σ_k S_ijk s_k
    v = m @ s  # Σ_jk S_ijk s_j s_k
    return -s @ v, 3.0 * v


def _trial(params, sizes, rng):
    n = sizes["n"]
    p = int(params.p)
    temp = float(params.temperature)
    times = np.atleast_1d(np.asarray(params.time, dtype=float))
    j = _couplings(p, n, rng)
    s0 = rng.standard_normal(n)
    s0 *= np.sqrt(n) / np.linalg.norm(s0)
    # Control variate: the energy of the random start has mean exactly 0 and carries most of the
    # trial-to-trial spread at short times; subtracting it leaves the mean unchanged.
    e_start = _energy_and_force(p, j, s0)[0] / n
    energy = np.empty(times.size)
    c0 = np.empty(times.size)
    if p == 2 and temp == 0:
        lam, vec = np.linalg.eigh(j)
        coef = vec.T @ s0
        for a, t in enumerate(times):
            s = vec @ (coef * np.exp(lam * t - lam.max() * t))
            s *= np.sqrt(n) / np.linalg.norm(s)
            energy[a] = _energy_and_force(p, j, s)[0] / n
            c0[a] = s @ s0 / n
    else:
        dt = _DT if temp > 0 else _DT_FLOW
        ks = np.rint(times / dt).astype(int)
        order = np.argsort(ks)
        s = s0.copy()
        k = 0
        noise = np.sqrt(2.0 * temp * dt)
        for a in order:
            while k < ks[a]:
                _, f1 = _energy_and_force(p, j, s)
                pred = s + dt * f1
                pred *= np.sqrt(n) / np.linalg.norm(pred)
                _, f2 = _energy_and_force(p, j, pred)
                s = s + 0.5 * dt * (f1 + f2)
                if noise:
                    s = s + noise * rng.standard_normal(n)
                s *= np.sqrt(n) / np.linalg.norm(s)
                k += 1
            energy[a] = _energy_and_force(p, j, s)[0] / n
            c0[a] = s @ s0 / n
    energy = energy - e_start
    return {"energy": energy, "mu": temp - p * energy, "c0": c0}


register_simulator(Simulator(
    model="spherical-spin", variant="random-start", trial=_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 3 * float(s["n"]) ** max(float(p.p), 2.0),
    observables=('energy', 'mu', 'c0'),
    sizes={"n": "number of spins N"}, vectorized=("time",),
    description="exact flow (p = 2, T = 0) or stochastic Heun + projection on the sphere",
    example={"n": 100, "p": 2, "temperature": 0.0, "time": [0.5, 2.0]},
))

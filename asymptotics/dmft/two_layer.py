"""Population mean-field dynamics of a wide two-layer network (the ``two-layer-population`` model).

One neuron type (a, r, s): second-layer weight a, first-layer overlap r = w·θ̂ and orthogonal norm
s = ||w - r θ̂||; the network is f(z) = a F(z), F(z) = E_g σ(r z + s g), a function of z = θ̂·x
only (m -> inf: law of large numbers over the neurons' orthogonal directions). Gradient flow of
the population risk (derived in :mod:`asymptotics.models.two_layer_population`):

    da/dt = E_z[(y(z) - a F) F],   dr/dt = a E_z[(y - a F) z F1],   ds/dt = a E_z[(y - a F) G1],

F1(z) = E_g σ'(rz + sg), G1(z) = E_g[g σ'(rz + sg)], y(z) = sqrt(signal) φ(z). The expectations
are tensor Gauss–Hermite sums (z: 96 nodes, g: 64 nodes); the flow is integrated by scipy's
DOP853 (rtol 1e-10, atol 1e-12).
"""

from __future__ import annotations

import time as _time

import numpy as np

from ..integrals import gauss_hermite
from ..outcome import Status
from .result import DMFTResult

__all__ = ["solve_population"]


def solve_population(sigma, phi, *, signal: float, noise: float, init_scale: float, times,
                     name: str = "two-layer-population") -> DMFTResult:
    """Integrate the population flow from (a, r, s) = (init_scale, 0, 1) and report the
    observables at ``times`` (any order; returned on the sorted unique grid)."""
    from scipy.integrate import solve_ivp

    start = _time.perf_counter()
    z, wz = gauss_hermite(96)
    g, wg = gauss_hermite(64)
    target = np.sqrt(signal) * phi(z)

    def parts(state):
        a, r, s = state
        u = r * z[:, None] + s * g[None, :]
        sig, dsig, _ = sigma(u)
        F = sig @ wg
        return a, F, dsig @ wg, (dsig * g[None, :]) @ wg, target - a * F

    def rhs(_, state):
        a, F, F1, G1, res = parts(state)
        return [wz @ (res * F), a * (wz @ (res * z * F1)), a * (wz @ (res * G1))]

    grid = np.unique(np.asarray(times, float))
    sol = solve_ivp(rhs, (0.0, float(grid[-1]) if grid.size else 0.0), [init_scale, 0.0, 1.0],
                    method="DOP853", t_eval=grid, rtol=1e-10, atol=1e-12)
    status = Status.CONVERGED if sol.success else Status.MAX_ITERATIONS
    states = sol.y.T if sol.success else np.full((grid.size, 3), np.nan)
    obs = {k: np.empty(grid.size) for k in ("train_error", "test_error", "excess_risk", "output_power",
                                            "displacement", "path_norm", "alignment", "second_layer")}
    for i, st in enumerate(states):
        a, F, _, _, res = parts(st)
        excess = float(wz @ res ** 2)
        q = np.hypot(st[1], st[2])
        obs["excess_risk"][i] = excess
        obs["test_error"][i] = obs["train_error"][i] = excess + noise
        obs["output_power"][i] = float(a ** 2 * (wz @ F ** 2))
        obs["displacement"][i] = (a - init_scale) ** 2 + st[1] ** 2 + (st[2] - 1) ** 2
        obs["path_norm"][i] = abs(a) * q
        obs["alignment"][i] = abs(st[1]) / q
        obs["second_layer"][i] = abs(a)
    return DMFTResult(model=name, params=dict(signal=signal, noise=noise, init_scale=init_scale),
                      times=grid, order_parameters={"a": states[:, 0], "r": states[:, 1], "s": states[:, 2]},
                      observables=obs, status=int(status), residual=0.0, iterations=int(sol.nfev),
                      method="ode(DOP853)", doc={"a": "second-layer weight", "r": "w·θ̂",
                                                 "s": "||w - (w·θ̂) θ̂||"},
                      elapsed=_time.perf_counter() - start)

"""DMFT (Cugliandolo–Kurchan equations) of gradient flow / Langevin dynamics on spherical spin glasses.

Model: N spins on the sphere ``||s||² = N``, Gaussian Hamiltonian with covariance
``E H(s) H(s') = N ξ(s·s'/N)``; the pure p-spin model ``H = -Σ_{i1<..<ip} J s_i1..s_ip`` with
``Var J = p!/(2 N^{p-1})`` has ``ξ(q) = q^p/2`` (p = 2: ``Var J_ij = 1/N``, ground-state energy per
spin -1). Dynamics from a uniformly random start: ``ds/dt = -∇H - μ(t) s + η``,
``<η_i(t) η_j(t')> = 2 T δ_ij δ(t - t')``, μ(t) keeping the spins on the sphere.

As N -> inf, ``C(t,t') = s(t)·s(t')/N`` and ``R(t,t') = Σ_i ∂s_i(t)/∂h_i(t') / N`` solve, for t > t'
(derived by the dynamical cavity method; the standard Cugliandolo–Kurchan 1993 form for
general ξ [recalled, not verified in source; checked here against the exact p = 2 solution and
against Monte Carlo]):

    ∂_t C(t,t') = -μ(t) C(t,t') + ∫_0^t ds ξ''(C(t,s)) R(t,s) C(s,t') + ∫_0^t' ds ξ'(C(t,s)) R(t',s)
    ∂_t R(t,t') = -μ(t) R(t,t') + ∫_t'^t ds ξ''(C(t,s)) R(t,s) R(s,t')
    μ(t) = T + ∫_0^t ds [ξ'(C(t,s)) + ξ''(C(t,s)) C(t,s)] R(t,s),    C(t,t) = 1, R(t,t⁻) = 1,

and the energy per spin is ``e(t) = -∫_0^t ds ξ'(C(t,s)) R(t,s)`` (so μ = T - p e for pure p-spin).

Numerics: the equations are causal, so they are integrated forward on the grid t_k = k dt, one row
(t_k, t_j ≤ t_k) at a time (Heun predictor-corrector in t, trapezoid rule in the memory integrals,
whose integrands have a kink at s = t' when T > 0 and are otherwise smooth): global error O(dt²),
cost O(T³) for T = steps. The convergence with dt is tested, and p = 2 is compared with the
closed form (:func:`spherical_p2`).
"""

from __future__ import annotations

import functools
import time as _time
from typing import Callable

import numpy as np

from ..outcome import Status
from ..validation import Integer, Interval, ParameterError, domain_error
from .result import DMFTResult

__all__ = ["solve_spherical_spin", "spherical_p2", "perturbed_semicircle", "MAX_STEPS"]

MAX_STEPS = 4000  # three (steps+1)² float64 arrays: 384 MiB


def _trap_weights(n: int, h: float) -> np.ndarray:
    w = np.full(n, h)
    if n == 1:
        return np.zeros(1)
    w[0] = w[-1] = h / 2
    return w


def solve_spherical_spin(xi: Callable[[np.ndarray], tuple], *, temperature: float, dt: float, steps: int,
                         name: str = "spherical-spin", params: dict | None = None) -> DMFTResult:
    """Integrate the Cugliandolo–Kurchan equations for covariance ξ on ``t_k = k dt``, k = 0..steps.

    ``xi(q) -> (ξ'(q), ξ''(q))`` (vectorized). Returns a :class:`DMFTResult` with observables
    ``energy`` (per spin), ``mu`` (Lagrange multiplier), ``c0`` (C(t, 0), overlap with the start)
    and order parameters ``C`` (symmetric, C[k, j] = C(t_k, t_j)) and ``R`` (R[k, j] = R(t_k, t_j)
    for j ≤ k with R[k, k] = 1, zero above the diagonal). The solve is a single causal pass: its
    ``residual`` is the largest violation of the discrete equations (rows recomputed from the
    stored solution), ~1e-13.
    """
    if not Interval(0, np.inf, low_closed=True).contains(temperature):
        raise domain_error("temperature", Interval(0, np.inf, low_closed=True), temperature, name)
    if not Interval(0, np.inf).contains(dt):
        raise domain_error("dt", Interval(0, np.inf), dt, name)
    if not Integer(1, MAX_STEPS, True, True).contains(steps):
        raise ParameterError(f"{name}: time/dt = {float(steps):.3g} time steps of dt = {float(dt):g}, more "
                             f"than the {MAX_STEPS} the DMFT solves (O(steps²) memory, O(steps³) "
                             f"time): raise 'dt' or lower 'time'")
    start = _time.perf_counter()
    T, h, n = float(temperature), float(dt), int(steps) + 1
    C = np.zeros((n, n))
    R = np.zeros((n, n))
    mu = np.zeros(n)
    energy = np.zeros(n)
    C[0, 0] = R[0, 0] = 1.0

    RT = np.zeros((n, n))  # R transposed, so that both memory integrals are matrix @ vector
    RT[0, 0] = 1.0

    def put_row(k, crow, rrow):
        C[k, :k + 1] = crow
        C[:k + 1, k] = crow
        R[k, :k + 1] = rrow
        RT[:k + 1, k] = rrow

    def derivatives(i):
        """(F_C[j], F_R[j]) for j = 0..i, μ_i and e_i, from the stored rows 0..i."""
        crow, rrow = C[i, :i + 1], R[i, :i + 1]
        d1, d2 = xi(crow)
        w = _trap_weights(i + 1, h)
        a = d2 * rrow  # ξ''(C(t,s)) R(t,s)
        mu_i = T + np.dot(w, (d1 + d2 * crow) * rrow)
        e_i = -np.dot(w, d1 * rrow)
        rsub = R[:i + 1, :i + 1]
        rdiag = np.ones(i + 1)
        # ∫_0^t ds ξ''R(t,s) C(s,t'): trapezoid over s = t_0..t_i (C symmetric)
        term1 = C[:i + 1, :i + 1] @ (a * w)
        # ∫_0^t' ds ξ'(C(t,s)) R(t',s): trapezoid over s = t_0..t_j for each j
        term2 = h * (rsub @ d1) - 0.5 * h * rsub[:, 0] * d1[0] - 0.5 * h * rdiag * d1
        term2[0] = 0.0
        # ∫_t'^t ds ξ''R(t,s) R(s,t'): trapezoid over s = t_j..t_i
        term3 = h * (RT[:i + 1, :i + 1] @ a) - 0.5 * h * a * rdiag - 0.5 * h * a[i] * rrow
        term3[i] = 0.0
        return -mu_i * crow + term1 + term2, -mu_i * rrow + term3, mu_i, e_i

    def step_row(i, fc, fr):
        """Row i+1 (j <= i) from rows <= i and their derivatives: Heun predictor-corrector.
        Leaves the predicted row stored; the caller stores the corrected one."""
        cp = np.empty(i + 2)
        rp = np.empty(i + 2)
        cp[:i + 1] = C[i, :i + 1] + h * fc
        rp[:i + 1] = R[i, :i + 1] + h * fr
        cp[i + 1] = rp[i + 1] = 1.0
        put_row(i + 1, cp, rp)
        fc2, fr2, _, _ = derivatives(i + 1)
        cc = np.append(C[i, :i + 1] + 0.5 * h * (fc + fc2[:i + 1]), 1.0)
        rc = np.append(R[i, :i + 1] + 0.5 * h * (fr + fr2[:i + 1]), 1.0)
        return cc, rc

    checks = {k for k in (n // 2, n - 2) if 0 < k < n - 1}
    saved = {}
    with np.errstate(over="ignore", invalid="ignore"):
        fc, fr, mu[0], energy[0] = derivatives(0)
        for i in range(n - 1):
            if i in checks:
                saved[i] = (fc, fr)
            cc, rc = step_row(i, fc, fr)
            put_row(i + 1, cc, rc)
            fc, fr, mu[i + 1], energy[i + 1] = derivatives(i + 1)
        finite = bool(np.all(np.isfinite(C)) and np.all(np.isfinite(R)))
        # Residual of the discrete equations at the stored solution: recompute a few rows from the
        # rows before them (zero up to rounding for a sound integration; inf if it blew up).
        residual = 0.0 if finite else float("inf")
        if finite:
            for i in sorted(saved):
                stored = (C[i + 1, :i + 2].copy(), R[i + 1, :i + 2].copy())
                cc, rc = step_row(i, *saved[i])
                put_row(i + 1, *stored)
                residual = max(residual, float(np.max(np.abs(cc - stored[0]))),
                               float(np.max(np.abs(rc - stored[1]))))
    status = Status.CONVERGED if finite else Status.NONFINITE
    doc = {
        "C": "C(t_k, t_j) = s(t_k)·s(t_j)/N (symmetric, C[k, k] = 1)",
        "R": "R(t_k, t_j) = Σ_i ∂s_i(t_k)/∂h_i(t_j)/N for j ≤ k (R[k, k] = 1), 0 above the diagonal",
    }
    return DMFTResult(
        model=name, params=dict(params or {}, temperature=T, dt=h, steps=int(steps)),
        times=h * np.arange(n), order_parameters={"C": C, "R": R},
        observables={"energy": energy, "mu": mu, "c0": C[:, 0].copy()},
        status=int(status), residual=residual, iterations=1, method=f"causal-heun(dt={h:g})",
        residual_history=np.array([residual]), doc=doc, elapsed=_time.perf_counter() - start,
    )


# -- p = 2: exact solution ----------------------------------------------------------------------
def perturbed_semicircle(temperature: float, order: int = 256):
    """Gauss rule of the measure ν_T with ``Γ(t) = E_ν e^{2λt}`` for p = 2 (see :func:`spherical_p2`):
    the continuous part ``ρ_sc(λ)/(1 + T² - Tλ)`` on [-2, 2] (mass min(1, 1/T²)), whose Jacobi
    matrix is tridiagonal with diagonal (min(T, 1/T), 0, 0, ...) and off-diagonal 1 (it is the
    image of the Marchenko–Pastur law of ratio T² under s -> (1 + T² - s)/T), plus the atom of
    mass (1 - 1/T²)_+ at λ* = T + 1/T returned separately. T = 0 gives the semicircle law.
    Returns (nodes, weights, atom_position, atom_mass)."""
    return _perturbed_semicircle(float(temperature), int(order))


@functools.lru_cache(maxsize=64)
def _perturbed_semicircle(temperature: float, order: int):
    from scipy.linalg import eigh_tridiagonal

    T = float(temperature)
    diag = np.zeros(order)
    diag[0] = min(T, 1.0 / T) if T > 0 else 0.0
    nodes, vecs = eigh_tridiagonal(diag, np.ones(order - 1))
    mass = min(1.0, 1.0 / T ** 2) if T > 0 else 1.0
    atom_mass = max(0.0, 1.0 - 1.0 / T ** 2) if T > 0 else 0.0
    atom = T + 1.0 / T if T > 1 else 2.0
    weights = vecs[0] ** 2 * mass
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights, atom, atom_mass


def spherical_p2(times, temperature: float, order: int = 512) -> dict:
    """Exact large-N dynamics of the spherical 2-spin model from a random start.

    In the eigenbasis of J (semicircle ρ on [-2, 2]) the flow is linear:
    ``s_λ(t) = e^{λt - ∫μ} [s_λ(0) + noise]``, and ``Γ(t) = exp(2 ∫_0^t μ)`` solves the renewal
    equation ``Γ(t) = f(t) + 2T ∫_0^t Γ(u) f(t-u) du``, ``f(t) = E_ρ e^{2λt}`` (Cugliandolo–Dean
    1995 [recalled, not verified in source]). Its Laplace transform ``G(z)/(1 - T G(z))`` (G the
    semicircle Stieltjes transform, z = s/2) is the Stieltjes transform of ν_T (derived here), so
    ``Γ(t) = E_{ν_T} e^{2λt}`` with ν_T of :func:`perturbed_semicircle`, and

        μ(t) = Γ'/(2Γ),   e(t) = (T - μ)/2 = T/2 - E_ν[λ e^{2λt}] / (2 E_ν[e^{2λt}]),
        R(t,t') = sqrt(Γ(t')/Γ(t)) g(t - t'),   C(t, 0) = g(t)/sqrt(Γ(t)),   g(τ) = E_ρ e^{λτ},
        C(t,t') = f((t+t')/2)/sqrt(Γ(t)Γ(t'))  at T = 0.

    Long times: e -> -1 + T/2 for T < 1 (e = -1 + 3/(8t) + ... at T = 0), e -> -1/(2T) for T > 1.
    Returns a dict of arrays over ``times``: energy, mu, c0, and the two-time ``R`` (and ``C`` at
    T = 0) on the grid ``times`` (for tests).
    """
    t = np.asarray(times, dtype=float)
    nodes, weights, atom, amass = perturbed_semicircle(temperature, order)
    sc_nodes, sc_w, _, _ = perturbed_semicircle(0.0, order)
    c = max(2.0, atom)
    ex = np.exp(2.0 * np.outer(t, nodes - c))
    at = amass * np.exp(2.0 * t * (atom - c))
    gam = ex @ weights + at  # Γ e^{-2ct}
    glam = ex @ (weights * nodes) + at * atom
    mu = glam / gam
    energy = (temperature - mu) / 2.0
    g_scaled = np.exp(np.outer(t, sc_nodes - 2.0)) @ sc_w  # g(t) e^{-2t}
    c0 = g_scaled / np.sqrt(gam) * np.exp((2.0 - c) * t)
    # two-time functions on the grid, in log space (Γ and g grow like e^{4t}, e^{2τ})
    tau = np.clip(t[:, None] - t[None, :], 0.0, None)
    lower = t[:, None] >= t[None, :]
    log_gam = np.log(gam) + 2.0 * c * t
    log_g = np.log(np.exp(tau[..., None] * (sc_nodes - 2.0)) @ sc_w) + 2.0 * tau
    R = np.where(lower, np.exp(0.5 * (log_gam[None, :] - log_gam[:, None]) + log_g), 0.0)
    out = {"energy": energy, "mu": mu, "c0": c0, "R": R}
    if temperature == 0:
        half = 0.5 * (t[:, None] + t[None, :])
        log_f = np.log(np.exp(2.0 * half[..., None] * (sc_nodes - 2.0)) @ sc_w) + 4.0 * half
        out["C"] = np.exp(log_f - 0.5 * (log_gam[:, None] + log_gam[None, :]))
    return out

"""Damped and Anderson-accelerated fixed-point iteration u <- G(u), batched over points.

Available when every equation is written ``Eq(unknown, G(unknowns))``. Iterates are projected
onto the unknowns' declared bounds. Convergence: ‖G(u) - u‖∞ ≤ ``ftol`` or ≤ ``xtol`` ‖u‖∞.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .result import SolverOutput, Status

__all__ = ["Damped", "Anderson"]


def _check_form(problem):
    if not problem.has_fixed_point_form:
        raise ValueError(
            "this system has no fixed-point form (equations must read Eq(unknown, G(unknowns))); "
            "use method='newton'"
        )


def _converged(g_minus_u, u, xtol, ftol):
    r = np.max(np.abs(g_minus_u), axis=1)
    return r, (r <= ftol) | (r <= xtol * np.maximum(np.max(np.abs(u), axis=1), 1e-300))


@dataclass(frozen=True)
class Damped:
    """u <- (1 - damping) u + damping G(u)."""

    damping: float = 0.5
    max_iterations: int = 10_000
    xtol: float = 1e-13
    ftol: float = 1e-14
    name: str = "damped"

    def solve(self, problem, u0) -> SolverOutput:
        _check_form(problem)
        if not 0 < self.damping <= 1:
            raise ValueError(f"parameter 'damping' must be in (0, 1]; got {self.damping!r}")
        batch = len(u0)
        u = problem.project(np.array(u0, dtype=float))
        status = np.full(batch, Status.MAX_ITERATIONS, dtype=np.int8)
        residual = np.full(batch, np.inf)
        iterations = np.zeros(batch, dtype=np.int64)
        active = np.arange(batch)
        for _ in range(self.max_iterations):
            ua = u[active]
            d = problem.fixed_point(ua, active) - ua
            r, conv = _converged(d, ua, self.xtol, self.ftol)
            residual[active] = r
            bad = ~np.isfinite(r)
            status[active[conv]] = Status.CONVERGED
            status[active[bad]] = Status.NONFINITE
            keep = ~(conv | bad)
            active, ua, d = active[keep], ua[keep], d[keep]
            if not active.size:
                break
            u[active] = problem.project(ua + self.damping * d)
            iterations[active] += 1
        return SolverOutput(u, status, residual, iterations, self.name)


@dataclass(frozen=True)
class Anderson:
    """Anderson acceleration (type II) of the damped map, with ``memory`` past differences.

    The least-squares coefficients are found from Tikhonov-regularised normal equations, batched
    over points (the regulariser is relative to the history's scale and only guards rank loss).
    """

    memory: int = 5
    damping: float = 1.0
    max_iterations: int = 2_000
    xtol: float = 1e-13
    ftol: float = 1e-14
    regularization: float = 1e-12
    name: str = "anderson"

    def solve(self, problem, u0) -> SolverOutput:
        _check_form(problem)
        batch, m = u0.shape
        u = problem.project(np.array(u0, dtype=float))
        status = np.full(batch, Status.MAX_ITERATIONS, dtype=np.int8)
        residual = np.full(batch, np.inf)
        iterations = np.zeros(batch, dtype=np.int64)
        mem = self.memory
        dx = np.zeros((batch, m, mem))
        df = np.zeros((batch, m, mem))
        prev_u = None
        prev_f = None
        active = np.arange(batch)
        for k in range(self.max_iterations):
            ua = u[active]
            f = problem.fixed_point(ua, active) - ua
            r, conv = _converged(f, ua, self.xtol, self.ftol)
            residual[active] = r
            bad = ~np.isfinite(r)
            status[active[conv]] = Status.CONVERGED
            status[active[bad]] = Status.NONFINITE
            if prev_u is not None:
                slot = (k - 1) % mem
                dx[active, :, slot] = ua - prev_u[active]
                df[active, :, slot] = f - prev_f[active]
            keep = ~(conv | bad)
            active, ua, f = active[keep], ua[keep], f[keep]
            if not active.size:
                break
            if prev_u is None:
                prev_u = np.array(u)
                prev_f = np.zeros_like(u)
            prev_u[active], prev_f[active] = ua, f
            cols = min(k, mem)
            step = self.damping * f
            if cols:
                F = df[active][:, :, :cols]
                X = dx[active][:, :, :cols]
                gram = np.einsum("bmi,bmj->bij", F, F)
                scale = np.maximum(np.trace(gram, axis1=1, axis2=2), 1e-300)
                gram += (self.regularization * scale)[:, None, None] * np.eye(cols)
                rhs = np.einsum("bmi,bm->bi", F, f)
                try:
                    gamma = np.linalg.solve(gram, rhs[..., None])[..., 0]
                except np.linalg.LinAlgError:
                    gamma = np.zeros((len(active), cols))
                gamma = np.where(np.isfinite(gamma), gamma, 0.0)
                step = step - np.einsum("bmi,bi->bm", X + self.damping * F, gamma)
            u[active] = problem.project(ua + step)
            iterations[active] += 1
        return SolverOutput(u, status, residual, iterations, self.name)

"""Batched Newton's method with the generated Jacobian, a backtracking line search and bounds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .result import SolverOutput, Status

__all__ = ["Newton"]


def _norm(f):
    return np.max(np.abs(f), axis=-1) if f.shape[-1] else np.zeros(f.shape[:-1])


def _solve(jac, rhs):
    """Solve J x = rhs for a batch; points with a singular J get NaN (flagged by the caller)."""
    if rhs.shape[-1] == 1:  # one unknown: a division (LAPACK's batched solve costs ~50 µs a call)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = rhs / jac[:, :, 0]
        return np.where(jac[:, :, 0] != 0, out, np.nan)
    try:
        return np.linalg.solve(jac, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full_like(rhs, np.nan)
        for b in range(len(rhs)):
            try:
                out[b] = np.linalg.solve(jac[b], rhs[b])
            except np.linalg.LinAlgError:
                pass
        return out


@dataclass(frozen=True)
class Newton:
    """Newton's method on F(u) = 0 for a batch of independent points.

    Each iteration solves J δ = -F with the Jacobian generated from the sympy equations, shortens
    the step so that the unknowns move at most halfway to a declared bound, and halves it until
    the max-norm of F decreases (Armijo condition). A point has converged when a full Newton step
    is below ``xtol`` relative to the unknowns, or below sqrt(xtol) while the residual falls by 10^4
    (the quadratic regime: the error left is of order step²), or when ‖F‖∞ ≤ ``ftol`` and the
    Newton step there is below ``polish_rtol`` relative to the unknowns (else one more step is taken,
    once: a small residual with a small Jacobian is not a small error — measured ‖F‖ = 1e-14 left a
    renormalized ridge κ wrong by 5e-12 relative — while at a multiple root the step stays large).
    """

    max_iterations: int = 100
    xtol: float = 1e-13
    ftol: float = 1e-14
    polish_rtol: float = 1e-12
    max_backtracks: int = 40
    name: str = "newton"

    def solve(self, problem, u0: np.ndarray) -> SolverOutput:
        batch, m = u0.shape
        lower, upper = problem.lower, problem.upper
        u = np.array(u0, dtype=float)
        status = np.full(batch, Status.MAX_ITERATIONS, dtype=np.int8)
        iterations = np.zeros(batch, dtype=np.int64)
        residual = np.full(batch, np.inf)
        active = np.arange(batch)
        f, jac = problem.residual_jacobian(u, active)
        res = _norm(f)
        polished = np.zeros(batch, dtype=bool)
        for it in range(self.max_iterations + 1):
            residual[active] = res
            bad = ~np.isfinite(res) | ~np.all(np.isfinite(jac.reshape(len(active), -1)), axis=1)
            done = res <= self.ftol
            polish = done & (res > 0) & ~bad & ~polished[active]
            if np.any(polish):
                # Small residual: converged if the next Newton step is negligible, else take it
                # (once: at a multiple root the step stays relatively large).
                idx = np.flatnonzero(polish)
                step = _solve(jac[idx], -f[idx])
                scale = np.maximum(np.abs(u[active[idx]]), 1e-300)
                negligible = ~np.all(np.isfinite(step), axis=1) | np.all(
                    np.abs(step) <= self.polish_rtol * scale, axis=1)
                polished[active[idx]] = True
                done[idx[~negligible]] = False
            status[active[done]] = Status.CONVERGED
            status[active[bad & ~done]] = Status.NONFINITE
            keep = ~(done | bad)
            if it == self.max_iterations:
                break
            active, u_a, f, jac, res = active[keep], u[active[keep]], f[keep], jac[keep], res[keep]
            if not active.size:
                break
            iterations[active] += 1
            step = _solve(jac, -f)
            singular = ~np.all(np.isfinite(step), axis=1)
            status[active[singular]] = Status.SINGULAR
            ok = ~singular
            active, u_a, f, jac, res, step = active[ok], u_a[ok], f[ok], jac[ok], res[ok], step[ok]
            if not active.size:
                break
            t = _fraction_to_boundary(u_a, step, lower, upper)
            new_u, new_f, new_j, new_res, accepted = self._line_search(problem, active, u_a, step, t, res)
            # Converged by step size: a full step negligible relative to the unknowns, or a full
            # step below sqrt(xtol) whose residual fell by a factor of at least 1e4 (the quadratic
            # regime, where the error left after the step is of order step², i.e. below xtol).
            with np.errstate(over="ignore", invalid="ignore"):  # a huge step is simply "not small"
                rel = np.max(np.abs(step) / np.maximum(np.abs(u_a), 1e-300), axis=1)
            quadratic = (rel <= np.sqrt(self.xtol)) & (new_res <= 1e-4 * res)
            tiny = accepted & (t == 1.0) & ((rel <= self.xtol) | quadratic)
            stalled = ~accepted
            # A line search that cannot improve a residual already at round-off level is converged.
            roundoff = stalled & (res <= 1e-9 * np.maximum(1.0, np.max(np.abs(u_a), axis=1)))
            status[active[stalled & ~roundoff]] = Status.STAGNATED
            conv = tiny | roundoff
            u[active[accepted]] = new_u[accepted]
            residual[active[accepted]] = new_res[accepted]
            status[active[conv]] = Status.CONVERGED
            go = accepted & ~conv
            active, f, jac, res = active[go], new_f[go], new_j[go], new_res[go]
            if not active.size:
                break
        return SolverOutput(u, status, residual, iterations, self.name)

    def _line_search(self, problem, active, u_a, step, t, res):
        n, m = u_a.shape
        new_u = np.empty_like(u_a)
        new_f = np.empty((n, m))
        new_j = np.empty((n, m, m))
        new_res = np.full(n, np.inf)
        accepted = np.zeros(n, dtype=bool)
        todo = np.arange(n)
        for _ in range(self.max_backtracks):
            trial = u_a[todo] + t[todo, None] * step[todo]
            f, j = problem.residual_jacobian(trial, active[todo])
            r = _norm(f)
            good = np.isfinite(r) & ((r <= (1 - 1e-4 * t[todo]) * res[todo]) | (r <= self.ftol))
            idx = todo[good]
            new_u[idx], new_f[idx], new_j[idx], new_res[idx] = trial[good], f[good], j[good], r[good]
            accepted[idx] = True
            todo = todo[~good]
            if not todo.size:
                break
            t[todo] *= 0.5
        return new_u, new_f, new_j, new_res, accepted


def _fraction_to_boundary(u, step, lower, upper):
    """Largest t <= 1 keeping u + t*step at most halfway from u to each bound."""
    t = np.ones(len(u))
    with np.errstate(divide="ignore", invalid="ignore"):
        down = np.where(step < 0, 0.5 * (lower - u) / step, np.inf)
        up = np.where(step > 0, 0.5 * (upper - u) / step, np.inf)
    lim = np.minimum(down, up)
    lim = np.where(np.isnan(lim), np.inf, lim)
    # A step that stays inside the bounds is taken whole; otherwise go halfway to the bound.
    inside = np.all((u + step >= lower) & (u + step <= upper), axis=1)
    return np.where(inside, t, np.minimum(t, np.min(lim, axis=1)))

"""How the unknowns of a batch of points are obtained: the strategy above the solvers.

Closed form when the system has one; otherwise Newton with the generated Jacobian (warm-started
coarse-to-fine on long one-parameter sweeps of costly points), an Anderson fallback on the
fixed-point map, continuation from a declared homotopy start, trajectories of the fixed-point
map for systems with an iteration counter, and parameter bounds solved from their own systems.
It sees compiled systems and parameter values, never a model.
"""

from __future__ import annotations

import numpy as np

from ..validation import ParameterError
from . import METHODS
from .continuation import CoarseToFine, Continuation
from .newton import Newton
from .problem import BatchProblem
from .result import SolverOutput, Status

__all__ = ["solve_batch", "solve_bounded", "solver"]


def solver(method: str, max_iterations: int | None):
    if method not in METHODS:
        raise ParameterError(
            f"parameter 'method' must be one of 'auto', 'closed-form', {', '.join(map(repr, METHODS))}; "
            f"got {method!r}"
        )
    kwargs = {} if max_iterations is None else {"max_iterations": int(max_iterations)}
    return METHODS[method](**kwargs)


_COARSE_MIN_TERMS = 64

#: Longest trajectory iterated step by step before it must have settled (bitwise fixed point).
MAX_TRAJECTORY = 20_000
_SETTLED = 8 * np.finfo(float).eps  # relative change per step below which a trajectory has settled


def _subset(compiled, values, index, batch=None):
    """The values of the points ``index`` (scalar parameters sliced, shared arrays kept)."""
    scalar = {p.name for p in compiled.params}

    def take(v):
        v = np.asarray(v, dtype=float)
        return (np.broadcast_to(v, (batch,)) if batch is not None else v)[index]

    return {k: (take(v) if k in scalar and np.ndim(v) else v) for k, v in values.items()}


def solve_batch(compiled, values, batch: int, method: str = "auto",
                max_iterations: int | None = None) -> SolverOutput:
    """Unknowns for a batch of points: closed form, or a solver with fallbacks for ``auto``.

    For a system with an iteration counter, points with a finite counter get the trajectory of
    the fixed-point map from the declared start (see :class:`~asymptotics.symbolic.System`).
    """
    if compiled.iteration is not None:
        t = np.broadcast_to(np.asarray(values[compiled.iteration], dtype=float), (batch,))
        if np.any(np.isfinite(t)):
            return _trajectory(compiled, values, batch, t, method, max_iterations)
    return _solve_fixed_point(compiled, values, batch, method, max_iterations)


def _trajectory(compiled, values, batch, t, method, max_iterations) -> SolverOutput:
    """Solve the points with t = inf; iterate the dynamic unknowns ``t`` times elsewhere."""
    finite = np.isfinite(t)
    dyn = compiled.dynamic
    all_dynamic = dyn.size == compiled.size
    u = np.full((batch, compiled.size), np.nan)
    status = np.zeros(batch, np.int8)
    residual = np.zeros(batch)
    iterations = np.zeros(batch, np.int64)
    # Unknowns without a start keep their fixed-point values along the trajectory, so those points
    # are solved too; when every unknown is dynamic the trajectory needs no solve (it exists even
    # where the fixed point does not, e.g. a diverging state evolution).
    solve = np.flatnonzero(~finite) if all_dynamic else np.arange(batch)
    methods = ["iteration"]
    if solve.size:
        out = _solve_fixed_point(compiled, _subset(compiled, values, solve, batch), solve.size,
                                 method, max_iterations)
        u[solve], status[solve] = out.u, out.status
        residual[solve], iterations[solve] = out.residual, out.iterations
        methods.insert(0, out.method)
    idx = np.flatnonzero(finite)
    sub = _subset(compiled, values, idx, batch)
    ut = u[idx].copy()
    if all_dynamic:
        ut[:] = 0.0
    ut[:, dyn] = compiled.start(sub, idx.size)
    steps = t[idx]
    longest = float(steps.max(initial=0))
    k = 0
    while k < longest:
        live = np.flatnonzero(steps > k)
        old = ut[np.ix_(live, dyn)]
        new = compiled.step(_subset(compiled, sub, live), ut[live])
        ut[np.ix_(live, dyn)] = new
        k += 1
        # A trajectory that reached its fixed point to round-off stays there: further steps move it
        # by a few ulps at most (iteration = 1e9 then costs what the settling took, not 1e9
        # steps). Points still moving keep iterating, up to MAX_TRAJECTORY steps.
        with np.errstate(invalid="ignore"):
            settled = (new == old) | (np.abs(new - old) <= _SETTLED * np.abs(new)) | (np.isnan(new) & np.isnan(old))
        if k < longest and np.all(settled):
            break
        if k >= MAX_TRAJECTORY and k < longest:
            i = live[np.flatnonzero(np.any(new != old, axis=1))[0]] if new.size else live[0]
            raise ParameterError(
                f"parameter '{compiled.iteration}' must be at most {MAX_TRAJECTORY} where the iteration "
                f"has not settled (still moving after {MAX_TRAJECTORY} steps); got {float(t[idx][i]):g}")
    steps = np.minimum(steps, 2.0 ** 62).astype(np.int64)  # iteration counts, reported as such
    good = np.all(np.isfinite(ut[:, dyn]), axis=1)
    static_ok = status[idx] == Status.CONVERGED
    u[idx] = ut
    status[idx] = np.where(static_ok, np.where(good, Status.CONVERGED, Status.NONFINITE), status[idx])
    residual[idx] = np.where(good, 0.0, np.inf) if all_dynamic else residual[idx]
    iterations[idx] = steps
    return SolverOutput(u, status, residual, iterations, "+".join(methods))


def _solve_fixed_point(compiled, values, batch: int, method: str = "auto",
                       max_iterations: int | None = None) -> SolverOutput:
    m = compiled.size
    if m == 0:
        return SolverOutput(np.empty((batch, 0)), np.zeros(batch, np.int8), np.zeros(batch),
                            np.zeros(batch, np.int64), "closed-form")
    problem = BatchProblem(compiled, values, batch)
    if compiled.has_closed_form and method in ("auto", "closed-form"):
        u = compiled.closed_form(problem.values(), batch)
        return SolverOutput(u, _closed_form_status(problem, u), _residual_norm(problem, u),
                            np.zeros(batch, np.int64), "closed-form")
    if method == "closed-form":
        raise ParameterError("method='closed-form': this model has no closed-form solution")
    u0 = problem.guess()
    undefined = ~np.all(np.isfinite(u0), axis=1)
    if undefined.any():
        # A model signals "no solution of this kind here" with an undefined (NaN) guess.
        out = SolverOutput(np.full_like(u0, np.nan), np.full(batch, Status.NO_SOLUTION, np.int8),
                           np.full(batch, np.inf), np.zeros(batch, np.int64), "none")
        ok = np.flatnonzero(~undefined)
        if ok.size:
            sub = _solve_fixed_point(compiled, _subset(compiled, values, ok, batch), ok.size,
                                     method, max_iterations)
            out.u[ok], out.status[ok], out.residual[ok] = sub.u, sub.status, sub.residual
            out.iterations[ok] = sub.iterations
            out = SolverOutput(out.u, out.status, out.residual, out.iterations, sub.method)
        return out
    if method != "auto":
        return solver(method, max_iterations).solve(problem, u0)
    if compiled.homotopy_names and max_iterations is None:
        # With a homotopy to fall back on, a direct solve that has not converged in 25 Newton
        # iterations (8 step halvings each) is abandoned early: continuation from the homotopy
        # start is cheaper than long backtracking line searches from a poor guess.
        newton = Newton(max_iterations=25, max_backtracks=8)
    else:
        newton = solver("newton", max_iterations)
    varying = problem.varying()
    if (len(varying) == 1 and batch >= CoarseToFine.min_batch
            and compiled.space_size(problem.values()) >= _COARSE_MIN_TERMS):
        # A long one-parameter sweep of costly points: solve a coarse subset, warm-start the rest
        # from it. (Where a point costs only a few terms, Python overhead dominates and one plain
        # batched Newton is faster: measured 3.5 ms vs 3.9 ms for 1000 points of a two-level
        # spectrum, while 10^4 eigenvalues take 145 ms instead of 186 ms with the warm start.)
        out = CoarseToFine().solve(problem, u0, newton, problem.values()[varying[0]])
    else:
        out = newton.solve(problem, u0)
    failed = np.flatnonzero(~out.converged)
    if failed.size and compiled.has_fixed_point_form:
        # Newton can wander from a poor guess; Anderson on the fixed-point map is slower but
        # follows the contraction when there is one.
        sub = problem.subset(failed)
        retry = solver("anderson", max_iterations).solve(sub, u0[failed])
        good = retry.converged
        if good.any():
            idx = failed[good]
            u, status, res, its = (out.u.copy(), out.status.copy(), out.residual.copy(),
                                   out.iterations.copy())
            u[idx], status[idx], res[idx] = retry.u[good], retry.status[good], retry.residual[good]
            its[idx] += retry.iterations[good]
            out = SolverOutput(u, status, res, its, "newton+anderson")
    failed = np.flatnonzero(~out.converged)
    if failed.size and compiled.homotopy_names:
        out = _homotopy(compiled, problem, out, failed, max_iterations)
    return out


# A closed form is accepted where it satisfies the equations: its residual is at round-off
# (1e-12 absolute), or the Newton correction there is below 1e-9 relative to the unknowns (a
# scale-free test: equations with large coefficients leave larger residuals at the same accuracy).
_CLOSED_FORM_FTOL = 1e-12
_CLOSED_FORM_RTOL = 1e-9


def _residual_norm(problem, u) -> np.ndarray:
    with np.errstate(all="ignore"):
        f = problem.residual(u, slice(None))
    return np.max(np.abs(f), axis=1) if f.shape[1] else np.zeros(len(u))


def _closed_form_status(problem, u) -> np.ndarray:
    """CONVERGED where the closed form solves the equations, INCONSISTENT where it does not."""
    finite = np.all(np.isfinite(u), axis=1)
    with np.errstate(all="ignore"):
        f, jac = problem.residual_jacobian(u, slice(None))
        res = np.max(np.abs(f), axis=1)
        small = res <= _CLOSED_FORM_FTOL
        check = finite & ~small & np.isfinite(res)
        ok = small.copy()
        if check.any():
            try:
                step = np.linalg.solve(jac[check], f[check][..., None])[..., 0]
            except np.linalg.LinAlgError:  # a singular point: judge by the residual alone
                step = np.full(f[check].shape, np.inf)
            scale = 1.0 + np.abs(u[check])
            ok[check] = np.all(np.abs(step) <= _CLOSED_FORM_RTOL * scale, axis=1)
    status = np.where(finite, np.where(ok | ~np.isfinite(res), Status.CONVERGED, Status.INCONSISTENT),
                      Status.NONFINITE)
    # A finite closed form whose residual cannot be evaluated (an equation singular exactly at the
    # point, e.g. 0/0 at the interpolation peak) is trusted: the form is the equations' limit there.
    return status.astype(np.int8)


def _homotopy(compiled, problem, out: SolverOutput, failed, max_iterations) -> SolverOutput:
    """Reach failed points by continuation from the system's homotopy start (where the guess is
    reliable), one point at a time: solve there from the guess, then walk the homotopy parameters
    to their target values with step halving."""
    u, status, res, its = out.u.copy(), out.status.copy(), out.residual.copy(), out.iterations.copy()
    # From a converged neighbour Newton needs a handful of iterations; a step that needs more is
    # too long, and failing fast lets the walker halve it sooner.
    inner = (Newton(max_iterations=12, max_backtracks=6) if max_iterations is None
             else solver("newton", max_iterations))
    scalar_names = list(problem._scalar)

    walker = Continuation()
    for i in failed:
        target = problem.point(i)
        start_values = compiled.homotopy_start({k: np.array([v]) for k, v in target.items()
                                                if k in problem._scalar} | problem._shared, 1)
        start = {**target, **{k: float(v[0]) for k, v in start_values.items()}}
        # Positive homotopy parameters (penalties, ratios) are walked geometrically: the walker
        # interpolates their logarithms, so a path from 1e3 down to 1e-4 takes even steps in scale.
        geometric = {k for k in start_values if start[k] > 0 and target[k] > 0}
        to_walk = lambda pt: {k: (np.log(v) if k in geometric else v) for k, v in pt.items()
                              if k in problem._scalar}

        def solve_at(point, u0):
            vals = {k: np.array([np.exp(v) if k in geometric else v]) for k, v in point.items()}
            return inner.solve(BatchProblem(compiled, {**problem._shared, **vals}, 1), u0)

        sub = BatchProblem(compiled, {**problem._shared, **{k: np.array([start[k]]) for k in scalar_names}}, 1)
        first = solver("newton", max_iterations).solve(sub, sub.guess())  # from the guess: full budget
        if first.status[0] != Status.CONVERGED:
            continue
        walked = walker.walk(solve_at, to_walk(start), to_walk(target), first.u[0])
        if walked.status[0] == Status.CONVERGED:
            u[i], status[i], res[i] = walked.u[0], Status.CONVERGED, walked.residual[0]
            its[i] += first.iterations[0] + walked.iterations[0]
    return SolverOutput(u, status, res, its, out.method + "+homotopy")


def _bounds(compiled, values, batch: int):
    """Evaluate the system's :class:`~asymptotics.symbolic.Bound` s.

    Returns ``(outside, reports, named)``: a boolean mask of points outside some bound, per-bound
    ``(bound, value array, violated mask)`` for messages, and ``{name: value array}`` for the
    bounds reported as observables. A bound that cannot be computed at a point (NaN) does not
    exclude it.
    """
    outside = np.zeros(batch, dtype=bool)
    reports, named = [], {}
    if not compiled.bounds:
        return outside, reports, named
    expr_values = iter(compiled.bound_expressions(values, batch))
    for bound, sub in zip(compiled.bounds, compiled.bound_systems):
        if sub is None:
            value = np.asarray(next(expr_values), dtype=float)
        else:
            out = solve_batch(sub, values, batch)
            value = np.asarray(sub.observables(values, out.u, batch)[bound.observable], dtype=float)
            value = np.where(out.converged, value, np.nan)
        x = np.broadcast_to(np.asarray(values[bound.parameter.name], dtype=float), (batch,))
        if bound.side == "above":
            bad = (x < value) if bound.inclusive else (x <= value)
        else:
            bad = (x > value) if bound.inclusive else (x >= value)
        bad &= np.isfinite(value)
        outside |= bad
        reports.append((bound, value, bad))
        if bound.name:
            named[bound.name] = value
    return outside, reports, named


def solve_bounded(compiled, values, batch: int, method: str = "auto",
                  max_iterations: int | None = None):
    """:func:`solve_batch` on the points inside the system's bounds; the others are flagged
    ``OUTSIDE_DOMAIN``. Returns ``(output, reports, named bound values)`` (see :func:`_bounds`)."""
    outside, reports, named = _bounds(compiled, values, batch)
    if not outside.any():
        return solve_batch(compiled, values, batch, method, max_iterations), reports, named
    inside = np.flatnonzero(~outside)
    m = compiled.size
    u = np.full((batch, m), np.nan)
    status = np.full(batch, Status.OUTSIDE_DOMAIN, dtype=np.int8)
    residual = np.full(batch, np.nan)
    iterations = np.zeros(batch, dtype=np.int64)
    name = "outside-domain"
    if inside.size:
        sub = solve_batch(compiled, _subset(compiled, values, inside, batch), inside.size, method,
                          max_iterations)
        u[inside], status[inside] = sub.u, sub.status
        residual[inside], iterations[inside] = sub.residual, sub.iterations
        name = sub.method
    return SolverOutput(u, status, residual, iterations, name), reports, named

"""Evaluate a model: validate parameters, solve its equations, compute its observables.

``evaluate`` works on any registered model; ``curve`` sweeps a grid and returns a tidy DataFrame,
repairing points a batched solve missed by continuation from converged neighbours; ``optimize``
tunes one parameter (e.g. the ridge penalty) to minimise an observable at every point.
"""

from __future__ import annotations

from typing import Any, Mapping

import mpmath as mp
import numpy as np

from . import models as _models
from .codegen import compile_system
from .solvers import (METHODS, BatchProblem, CoarseToFine, Continuation, ConvergenceError, Newton, Precise,
                      Result, SolverOutput, Status)
from .validation import ParameterError

__all__ = ["evaluate", "curve", "optimize", "solve_batch", "solve_bounded"]


def _solver(method: str, max_iterations: int | None):
    if method not in METHODS:
        raise ParameterError(
            f"parameter 'method' must be one of 'auto', 'closed-form', {', '.join(map(repr, METHODS))}; "
            f"got {method!r}"
        )
    kwargs = {} if max_iterations is None else {"max_iterations": int(max_iterations)}
    return METHODS[method](**kwargs)


def _prepare(model, params: Mapping[str, Any]):
    """Model, variant, validated params, broadcast shape and the flat value mapping."""
    model = _models.get(model)
    variant = model.select(params.keys())
    p = variant.validate(params, model.name)
    shape, scalars = _models._registry.broadcast_scalars(variant, p)
    values: dict[str, Any] = {k: v.reshape(-1) for k, v in scalars.items()}
    for name, spec in variant.param_specs.items():
        if spec.is_array and getattr(p, name) is not None:
            values[name] = getattr(p, name)
    if variant.prepare is not None:
        for k, v in variant.prepare(p).items():
            arr = np.asarray(v, dtype=float)
            values[k] = np.broadcast_to(arr, shape).reshape(-1) if arr.ndim == len(shape) and (
                arr.shape == shape) or arr.ndim == 0 else arr
    return model, variant, p, shape, values


_COARSE_MIN_TERMS = 64


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
    steps = t[idx].astype(np.int64)
    for k in range(int(steps.max(initial=0))):
        live = np.flatnonzero(steps > k)
        ut[np.ix_(live, dyn)] = compiled.step(_subset(compiled, sub, live), ut[live])
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
        f = compiled.residual(problem.values(), u)
        res = np.max(np.abs(f), axis=1)
        status = np.where(np.all(np.isfinite(u), axis=1), Status.CONVERGED, Status.NONFINITE)
        return SolverOutput(u, status.astype(np.int8), res, np.zeros(batch, np.int64), "closed-form")
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
        return _solver(method, max_iterations).solve(problem, u0)
    if compiled.homotopy_names and max_iterations is None:
        # With a homotopy to fall back on, a direct solve that has not converged in 25 Newton
        # iterations (8 step halvings each) is abandoned early: continuation from the homotopy
        # start is cheaper than long backtracking line searches from a poor guess.
        newton = Newton(max_iterations=25, max_backtracks=8)
    else:
        newton = _solver("newton", max_iterations)
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
        retry = _solver("anderson", max_iterations).solve(sub, u0[failed])
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


def _homotopy(compiled, problem, out: SolverOutput, failed, max_iterations) -> SolverOutput:
    """Reach failed points by continuation from the system's homotopy start (where the guess is
    reliable), one point at a time: solve there from the guess, then walk the homotopy parameters
    to their target values with step halving."""
    u, status, res, its = out.u.copy(), out.status.copy(), out.residual.copy(), out.iterations.copy()
    # From a converged neighbour Newton needs a handful of iterations; a step that needs more is
    # too long, and failing fast lets the walker halve it sooner.
    inner = (Newton(max_iterations=12, max_backtracks=6) if max_iterations is None
             else _solver("newton", max_iterations))
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
        first = _solver("newton", max_iterations).solve(sub, sub.guess())  # from the guess: full budget
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


def _bound_error(model, reports, status, values, scalar_names) -> ParameterError:
    """The ParameterError for the first point outside a bound: names parameter, threshold, value."""
    for bound, value, bad in reports:
        hits = np.flatnonzero(bad)
        if hits.size:
            i = hits[0]
            pname = bound.parameter.name
            x = float(np.broadcast_to(values[pname], bad.shape)[i])
            others = ", ".join(f"{k}={float(np.broadcast_to(values[k], bad.shape)[i]):g}"
                               for k in scalar_names if k != pname)
            at = f" at {others}" if others else ""
            relation = {("above", False): ">", ("above", True): ">=",
                        ("below", False): "<", ("below", True): "<="}[(bound.side, bound.inclusive)]
            what = f" ({bound.meaning})" if bound.meaning else ""
            more = f" ({int(bad.sum())} of {bad.size} points)" if bad.size > 1 else ""
            return ParameterError(
                f"{model.name}: parameter '{pname}' must be {relation} {value[i]:.10g}{what}{at}; "
                f"got {x:g}{more}")
    return ParameterError(f"{model.name}: a parameter lies outside its domain")


def _observables(compiled, values, out: SolverOutput, batch: int) -> tuple[dict, np.ndarray]:
    obs = compiled.observables(values, out.u, batch)
    status = out.status.copy()
    ok = status == Status.CONVERGED
    for name, v in obs.items():
        v = np.array(v)
        # A NaN at a solved point means the formula was evaluated outside its domain: flag it, never
        # hand it back as a number. (inf is a legitimate, documented divergence.)
        status[ok & np.isnan(v)] = Status.NONFINITE
        obs[name] = v
    bad = status != Status.CONVERGED
    for v in obs.values():
        v[bad] = np.nan
    return obs, status


def _describe_failure(model, shape, values, out_status, residual, scalar_names) -> str:
    flat = np.flatnonzero(out_status != Status.CONVERGED)
    first = flat[0]
    where = ", ".join(f"{k}={values[k][first]:g}" for k in scalar_names)
    code = Status(int(out_status[first]))
    total = out_status.size
    return (f"{model.name}: {flat.size} of {total} point(s) not solved (first at {where}: "
            f"{code.name.lower()}, residual {residual[first]:.3g}): {code.message}")


def evaluate(model, *, method: str = "auto", precision: int | None = None, throw: bool = True,
             max_iterations: int | None = None, **params) -> Result:
    """Evaluate a model's observables at one point or a broadcast grid of points.

    Parameters are the model's (see ``asymptotics list`` / ``models.get(name).describe()``); any
    scalar parameter may be an array, and arrays broadcast together. ``method`` is ``auto``
    (closed form if the model has one, else Newton with an Anderson fallback), ``closed-form``,
    ``newton``, ``damped`` or ``anderson``. ``precision`` (decimal digits) refines each point with
    mpmath and returns mpmath numbers. A point that does not converge raises
    :class:`ConvergenceError` (``throw=True``) or is flagged in ``status`` with NaN observables
    (``throw=False``).
    """
    model, variant, p, shape, values = _prepare(model, params)
    batch = int(np.prod(shape)) if shape else 1
    if variant.is_numeric:
        return _evaluate_numeric(model, variant, p, shape, values, batch, method, precision, throw)
    compiled = compile_system(variant.system_for(p))
    out, reports, named = solve_bounded(compiled, values, batch, method, max_iterations)
    if throw and np.any(out.status == Status.OUTSIDE_DOMAIN):
        raise _bound_error(model, reports, out.status, values, variant.scalar_params)
    if precision is not None:
        result = _refine(model, variant, p, shape, values, compiled, out, int(precision), throw)
        if named:  # bound values (e.g. a separability threshold) in float64, as computed above
            extra = {k: (float(v[0]) if not shape else np.asarray(v).reshape(shape)) for k, v in named.items()}
            result = _replace(result, observables={**result.observables, **extra})
        return result
    obs, status = _observables(compiled, values, out, batch)
    obs.update(named)
    result = _assemble(model, variant, p, shape, obs, out, status, compiled)
    if throw and np.any(status != Status.CONVERGED):
        raise ConvergenceError(
            _describe_failure(model, shape, values, status, out.residual, variant.scalar_params), result)
    return result


def _evaluate_numeric(model, variant, p, shape, values, batch, method, precision, throw) -> Result:
    """A numeric variant (e.g. a DMFT time stepper) computes its observables itself."""
    if precision is not None:
        raise ParameterError(f"{model.name}: precision= is not available for a numeric variant "
                             f"(its equations are solved by hand-written float64 code)")
    out = variant.compute(p, values, batch, method)
    status = np.broadcast_to(np.asarray(out["status"], dtype=np.int8), (batch,)).copy()
    residual = np.broadcast_to(np.asarray(out["residual"], dtype=float), (batch,))
    iterations = np.broadcast_to(np.asarray(out["iterations"]), (batch,))
    obs = {}
    for name, v in out["observables"].items():
        v = np.array(np.broadcast_to(np.asarray(v, dtype=float), (batch,)))
        status[(status == Status.CONVERGED) & np.isnan(v)] = Status.NONFINITE
        obs[name] = v
    for v in obs.values():
        v[status != Status.CONVERGED] = np.nan
    solved = SolverOutput(np.empty((batch, 0)), status, residual, iterations, str(out["method"]))

    class _NoUnknowns:
        unknown_names = ()

    result = _assemble(model, variant, p, shape, obs, solved, status, _NoUnknowns)
    if throw and np.any(status != Status.CONVERGED):
        raise ConvergenceError(
            _describe_failure(model, shape, values, status, residual, variant.scalar_params), result)
    return result


def _assemble(model, variant, p, shape, obs, out, status, compiled) -> Result:
    def shaped(a):
        a = np.asarray(a).reshape(shape)
        return a.item() if a.ndim == 0 else a

    unknowns = {name: shaped(out.u[:, j]) for j, name in enumerate(compiled.unknown_names)}
    params = {name: getattr(p, name) for name in variant.param_specs}
    return Result(
        model=model.name, variant=variant.name, params=params,
        observables={k: shaped(v) for k, v in obs.items()}, unknowns=unknowns,
        status=shaped(status), residual=shaped(out.residual), iterations=shaped(out.iterations),
        method=out.method, shape=tuple(shape), references=model.references,
        grid_params=variant.scalar_params,
    )


def _refine(model, variant, p, shape, values, compiled, out, digits, throw) -> Result:
    batch = out.u.shape[0]
    precise = Precise(digits=digits)
    dps = digits + precise.guard
    obs_cols: dict[str, list] = {k: [] for k in compiled.observable_names}
    u_cols: list[list] = [[] for _ in compiled.unknown_names]
    status = out.status.copy()
    residual = [mp.mpf(0)] * batch
    iterations = out.iterations.copy()
    problem = BatchProblem(compiled, values, batch)
    with mp.workdps(dps):
        for b in range(batch):
            point = {k: mp.mpf(float(v)) for k, v in problem.point(b).items()
                     if k in problem._scalar}
            point.update({k: v for k, v in problem._shared.items()})
            start = out.u[b] if np.all(np.isfinite(out.u[b])) else problem.guess()[b]
            if status[b] == Status.OUTSIDE_DOMAIN:
                for j in range(compiled.size):
                    u_cols[j].append(mp.nan)
                for k in obs_cols:
                    obs_cols[k].append(mp.nan)
                residual[b] = mp.nan
                continue
            steps = (point.get(compiled.iteration, mp.inf) if compiled.iteration is not None
                     else mp.inf)
            if compiled.size and steps != mp.inf:
                if compiled.dynamic.size != compiled.size:
                    raise ParameterError("precision= along an iteration needs every unknown to "
                                         "have a start")
                u = list(compiled.start_mp(point, dps))
                for _ in range(int(steps)):
                    u = list(compiled.step_mp(point, u, dps))
                status[b] = Status.CONVERGED
            elif compiled.size:
                ref = precise.refine(lambda u: compiled.residual_mp(point, u, dps),
                                     lambda u: compiled.jacobian_mp(point, u, dps),
                                     list(start), compiled.lower, compiled.upper)
                u = ref.u
                status[b] = Status.CONVERGED if ref.converged else Status.MAX_ITERATIONS
                residual[b] = ref.residual
                iterations[b] += ref.iterations
            else:
                u = []
            for j, val in enumerate(u):
                u_cols[j].append(val)
            for k, val in compiled.observables_mp(point, u, dps).items():
                obs_cols[k].append(val)

    def shaped(col):
        if not shape:
            return col[0]
        arr = np.empty(batch, dtype=object)
        arr[:] = col
        return arr.reshape(shape)

    result = Result(
        model=model.name, variant=variant.name,
        params={name: getattr(p, name) for name in variant.param_specs},
        observables={k: shaped(v) for k, v in obs_cols.items()},
        unknowns={n: shaped(c) for n, c in zip(compiled.unknown_names, u_cols)},
        status=shaped(list(status)) if shape else int(status[0]),
        residual=shaped(residual), iterations=shaped(list(iterations)),
        method=f"{out.method}+mpmath", shape=tuple(shape), references=model.references,
        grid_params=variant.scalar_params,
    )
    if throw and np.any(status != Status.CONVERGED):
        raise ConvergenceError(f"{model.name}: mpmath refinement did not converge to {digits} digits",
                               result)
    return result


def curve(model, sweep: Mapping[str, Any], *, method: str = "auto", throw: bool = False,
          continuation: bool = True, max_iterations: int | None = None, **fixed):
    """Observables on a grid, as a tidy pandas DataFrame (one row per point).

    ``sweep`` maps parameter names to 1-D grids; several entries make their Cartesian product (the
    first key varies slowest). Points the batched solve misses are approached by continuation along
    the first swept parameter from their nearest converged neighbour. Remaining failures keep NaN
    observables and a ``status`` other than ``converged`` (or raise with ``throw=True``).
    Columns: the parameters, observables, unknowns, ``status``, ``residual``, ``iterations``.
    """
    if not sweep:
        raise ParameterError("curve needs at least one swept parameter, e.g. sweep={'gamma': grid}")
    grids = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in sweep.items()}
    for k, g in grids.items():
        if g.ndim != 1 or g.size == 0:
            raise ParameterError(f"sweep '{k}' must be a non-empty 1-D grid; got shape {g.shape}")
    both = set(grids) & set(fixed)
    if both:
        raise ParameterError(f"parameter(s) {sorted(both)} are both swept and fixed")
    mesh = np.meshgrid(*grids.values(), indexing="ij")
    params = {**fixed, **dict(zip(grids, mesh))}
    model, variant, p, shape, values = _prepare(model, params)
    batch = int(np.prod(shape)) if shape else 1
    if variant.is_numeric:
        result = _evaluate_numeric(model, variant, p, shape, values, batch, method, None, throw)
        frame = result.to_frame()
        frame.attrs["sweep"] = list(grids)
        return frame
    compiled = compile_system(variant.system_for(p))
    out, reports, named = solve_bounded(compiled, values, batch, method, max_iterations)
    if continuation and compiled.size and not np.all(out.converged) and np.any(out.converged):
        out = _continue(compiled, values, out, shape, list(grids).index(next(iter(grids))), method,
                        max_iterations)
    obs, status = _observables(compiled, values, out, batch)
    obs.update(named)
    result = _assemble(model, variant, p, shape, obs, out, status, compiled)
    if throw and np.any(status != Status.CONVERGED):
        raise ConvergenceError(
            _describe_failure(model, shape, values, status, out.residual, variant.scalar_params), result)
    frame = result.to_frame()
    frame.attrs["sweep"] = list(grids)
    return frame


def _continue(compiled, values, out: SolverOutput, shape, axis: int, method, max_iterations):
    """Repair failed points by continuation from the nearest converged point along ``axis``."""
    u, status = out.u.copy(), out.status.copy()
    residual, iterations = out.residual.copy(), out.iterations.copy()
    problem = BatchProblem(compiled, values, len(u))
    scalar_names = list(problem._scalar)
    index = np.arange(len(u)).reshape(shape)
    inner = Newton() if method in ("auto", "newton") else _solver(method, max_iterations)

    def solve_at(point, u0):
        sub = BatchProblem(compiled, {**problem._shared, **{k: np.array([point[k]]) for k in scalar_names}}, 1)
        return inner.solve(sub, u0)

    walker = Continuation()
    on_trajectory = (np.isfinite(np.broadcast_to(np.asarray(values[compiled.iteration], dtype=float),
                                                 (len(u),)))
                     if compiled.iteration is not None else np.zeros(len(u), bool))
    for line in np.moveaxis(index, axis, -1).reshape(-1, shape[axis]):
        ok = [i for i in line if status[i] == Status.CONVERGED]
        if not ok:
            continue
        positions = {i: pos for pos, i in enumerate(line)}
        for pos, i in enumerate(line):
            if status[i] in (Status.CONVERGED, Status.NO_SOLUTION, Status.OUTSIDE_DOMAIN) or on_trajectory[i]:
                continue
            # nearest converged neighbour along the line (prefer ones repaired just before)
            src = min((j for j in line if status[j] == Status.CONVERGED),
                      key=lambda j: abs(positions[j] - pos))
            res = walker.walk(solve_at, problem.point(src), problem.point(i), u[src])
            if res.status[0] == Status.CONVERGED:
                u[i], status[i], residual[i] = res.u[0], Status.CONVERGED, res.residual[0]
                iterations[i] += res.iterations[0]
    return SolverOutput(u, status, residual, iterations, out.method + "+continuation")


def optimize(model, objective: str, over: str, *, bounds: tuple[float, float] = (1e-8, 1e4),
             log: bool = True, tol: float = 1e-10, max_iterations: int = 200, **params) -> Result:
    """Minimise ``objective`` over parameter ``over`` in ``bounds`` at every point of the grid.

    Golden-section search, vectorized over all points at once (on ``log(over)`` when ``log``), so
    the objective should be unimodal in ``over`` on the bracket. Returns the Result at the optimum;
    the optimal value of ``over`` is in ``result.params[over]``. A minimum found at an end of the
    bracket is flagged in ``status`` (max_iterations) rather than returned as interior.
    """
    if over in params:
        raise ParameterError(f"'{over}' is optimized; do not also give it")
    if not (bounds[0] < bounds[1]) or (log and bounds[0] <= 0):
        raise ParameterError(f"parameter 'bounds' must be an increasing pair (positive if log); got {bounds!r}")
    lo, hi = (np.log(bounds[0]), np.log(bounds[1])) if log else bounds
    shape = _prepare(model, {**params, over: bounds[0]})[3]
    tr = np.exp if log else (lambda x: x)

    def f(x):
        r = evaluate(model, throw=False, **params, **{over: tr(x)})
        v = np.asarray(r.observables[objective], dtype=float)
        return np.where(np.isnan(v), np.inf, v)

    invphi = (np.sqrt(5) - 1) / 2
    a = np.full(shape, lo, dtype=float)
    b = np.full(shape, hi, dtype=float)
    c, d = b - invphi * (b - a), a + invphi * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(max_iterations):
        if np.all(np.abs(b - a) <= tol * (1 + np.abs(a))):
            break
        # Keep the bracket around the smaller interior value; reuse one interior point and
        # evaluate the objective once per iteration at the new one (all points at once).
        left = fc < fd
        a, b = np.where(left, a, c), np.where(left, d, b)
        new = np.where(left, b - invphi * (b - a), a + invphi * (b - a))
        f_new = f(new)
        c, d, fc, fd = (np.where(left, new, d), np.where(left, c, new),
                        np.where(left, f_new, fd), np.where(left, fc, f_new))
    x = (a + b) / 2
    result = evaluate(model, throw=False, **params, **{over: tr(x)})
    at_edge = (np.abs(x - lo) < 1e-6 * (1 + abs(lo))) | (np.abs(x - hi) < 1e-6 * (1 + abs(hi)))
    if np.any(at_edge):
        status = np.where(at_edge, Status.MAX_ITERATIONS, np.asarray(result.status))
        result = _replace(result, status=status.item() if status.ndim == 0 else status)
    return result


def _replace(result: Result, **changes) -> Result:
    import dataclasses

    return dataclasses.replace(result, **changes)

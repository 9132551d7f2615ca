"""Evaluate a model: validate parameters, solve its equations, compute its observables.

The solving strategy (closed form, Newton with fallbacks, trajectories, bounds) lives in
:mod:`asymptotics.solvers.strategy`; this module knows models and turns their parameters into
values for it, and its output into a :class:`~asymptotics.solvers.Result`.

``evaluate`` works on any registered model; ``curve`` sweeps a grid and returns a tidy DataFrame,
repairing points a batched solve missed by continuation from converged neighbours; ``optimize``
tunes one parameter (e.g. the ridge penalty) to minimise an observable at every point.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

import numpy as np

from . import _front
from . import models as _models
from .outcome import NumericOutput
from .solvers import (BatchProblem, Continuation, ConvergenceError, Newton, Result,
                      SolverOutput, Status)
from .solvers.strategy import solve_batch, solve_bounded, solver
from .validation import ParameterError

__all__ = ["evaluate", "curve", "optimize", "solve_batch", "solve_bounded"]


def _front_or_file(fn):
    """Run ``fn`` on the model's cached front; if the front lacks something the call needs
    (``_front.FrontIncomplete``), forget it for this process and run through the model file."""

    @functools.wraps(fn)
    def call(model, *args, **kwargs):
        try:
            return fn(model, *args, **kwargs)
        except _front.FrontIncomplete:
            if not isinstance(model, str):
                raise
            _front.forget(model)
            return fn(model, *args, **kwargs)

    return call


def _resolve(model, use_front: bool = True):
    """(Model, from the code cache?): a model asked for by name before its file is imported comes
    from the cache of model declarations when it is there (see ``asymptotics._front``)."""
    if use_front and isinstance(model, str):
        hit = _front.lookup(model)
        if hit is not None:
            return hit[1], True
    return _models.get(model), False


def _prepare(model, params: Mapping[str, Any], variant: str | None = None, use_front: bool = False):
    """Model, variant, validated params, broadcast shape and the flat value mapping."""
    model, _ = _resolve(model, use_front)
    variant = model.resolve(params, variant=variant).variant
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


def _exact_split(model, params, variant=None):
    """Exact scalars ("1/10", Fraction, mpf, ...) -> float proxies + their exact values
    (:mod:`asymptotics.exact`); the exact values reach only the high-precision path."""
    if not any(_is_exact(v) for v in params.values()):
        return params, {}
    from . import exact as _exact

    m = _models.get(model)
    return _exact.split(m.resolve(params, variant=variant).variant.params, params, m.name)


def _is_exact(value) -> bool:
    """Cheap test (no sympy import) for values that may carry more than a float64."""
    if isinstance(value, (bool, float, np.ndarray, np.generic, list, tuple)) or value is None:
        return False
    if isinstance(value, int):
        return abs(value) > 2 ** 53
    if isinstance(value, str):  # a number ("1/10", "1e-1000", "sqrt(2)"), not a choice or spectrum
        try:
            float(value)
            return True
        except ValueError:
            return any(c.isdigit() for c in value) and not any(c in value for c in ":=,")
    mod = type(value).__module__ or ""
    return mod.startswith(("fractions", "decimal", "mpmath", "flint", "sympy"))


def _prepare_compiled(model, params: Mapping[str, Any], variant: str | None = None):
    """``_prepare`` and the compiled system (None for a numeric variant).

    The compiled system comes from the code cache without importing the model file where that is
    possible (the model's front and kernels are cached); otherwise from the model file's sympy
    system, whose code is then cached, and the model's front recorded.
    """
    name = model
    model, front = _resolve(name)
    if front:
        prepared = _prepare(model, params, variant)
        chosen, p = prepared[1], prepared[2]
        if chosen.is_numeric:
            return prepared, None
        compiled = _front.compiled_for(model.name, chosen, p,
                                       lambda: _prepare_compiled_from_file(name, params, variant)[1])
        if compiled is not None:
            return prepared, compiled
    return _prepare_compiled_from_file(name if isinstance(name, str) else model, params, variant)


def _prepare_compiled_from_file(model, params, variant=None):
    prepared = _prepare(model, params, variant)
    model, chosen, p, _shape, values = prepared
    if chosen.is_numeric:
        return prepared, None
    compiled = _compiled(model, chosen, p, values)
    _front.record(model, chosen, p, compiled)
    return prepared, compiled


def _compiled(model, variant, p, values):
    """The variant's compiled System, after checking that every name it reads has a value."""
    from .codegen import compile_system

    system = variant.system_for(p)
    _check_values(model, variant, system, values)
    return compile_system(system)


def _check_values(model, variant, system, values) -> None:
    """Every name the System reads has a value (a Params field or a prepared value)."""
    needed = {q.name for q in system.parameters}
    needed |= {name for space in system.spaces for _, name in getattr(space, "bindings", ())}
    missing = sorted(needed - set(values))
    if missing:
        raise _models.DeclarationError(
            f"{model.name} variant {variant.name!r}: the System reads {missing}, which are neither "
            f"Params fields nor values returned by Variant.prepare (it returned "
            f"{sorted(set(values) - set(variant.param_specs))}); name each sympy symbol as its field")


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


def _check_options(precision, max_iterations):
    for name, value, top in (("precision", precision, 10_000), ("max_iterations", max_iterations, 10 ** 7)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= top:
            raise ParameterError(f"parameter '{name}' must be an integer in [1, {top}]; got {value!r}")


@_front_or_file
def evaluate(model, *, variant: str | None = None, method: str = "auto",
             precision: int | None = None, throw: bool = True,
             max_iterations: int | None = None, **params) -> Result:
    """Evaluate a model's observables at one point or a broadcast grid of points.

    Parameters are the model's (see ``asymptotics list`` / ``models.get(name).describe()``); any
    scalar parameter may be an array, and arrays broadcast together. ``method`` is ``auto``
    (closed form if the model has one, else Newton with an Anderson fallback), ``closed-form``,
    ``newton``, ``damped`` or ``anderson``. ``precision`` (decimal digits) refines each point on
    Arb balls (python-flint) and returns mpmath numbers; scalar parameters may then be exact
    (``"1/10"``, ``"1e-1000"``, :class:`~fractions.Fraction`, ``mpmath.mpf``; see
    :mod:`asymptotics.exact`), and are used exactly, not rounded to float64. A point that does
    not converge raises :class:`ConvergenceError` (``throw=True``) or is flagged in ``status``
    with NaN observables (``throw=False``).
    """
    _check_options(precision, max_iterations)
    params, exact = _exact_split(model, params, variant)
    if precision is not None:  # the Arb path reads the sympy System: the model file's
        (model, variant, p, shape, values), compiled = _prepare_compiled_from_file(
            model if isinstance(model, str) else model, params, variant)
    else:
        (model, variant, p, shape, values), compiled = _prepare_compiled(model, params, variant)
    batch = int(np.prod(shape)) if shape else 1
    if variant.is_numeric:
        return _evaluate_numeric(model, variant, p, shape, values, batch, method, precision, throw)
    out, reports, named = solve_bounded(compiled, values, batch, method, max_iterations)
    if throw and np.any(out.status == Status.OUTSIDE_DOMAIN):
        raise _bound_error(model, reports, out.status, values, variant.scalar_params)
    if precision is not None:
        result = _refine(model, variant, p, shape, values, compiled, out, int(precision), throw, exact)
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
    # Hand-written numerics at extreme parameters overflow on the way to a NaN or inf; the NaN is
    # flagged below (never returned as a number), the floating-point warnings are not the message.
    with np.errstate(all="ignore"):
        out = variant.compute(p, values, batch, method)
    _front.record(model, variant, p, None)
    if not isinstance(out, NumericOutput):
        raise _models.DeclarationError(
            f"{model.name} variant {variant.name!r}: compute() must return an "
            f"asymptotics.outcome.NumericOutput (observables, Status codes, residual, iterations, "
            f"method); got {type(out).__name__}")
    out = out.broadcast(batch)
    status, residual, iterations = out.status, out.residual, out.iterations
    undocumented = sorted(set(out.observables) - set(model.observables))
    if undocumented:
        raise _models.DeclarationError(
            f"{model.name} variant {variant.name!r} computes {undocumented}, which Model.observables "
            f"does not document; add a line for each (name: meaning)")
    obs = {}
    for name, v in out.observables.items():
        v = np.array(np.broadcast_to(np.asarray(v, dtype=float), (batch,)))
        status[(status == Status.CONVERGED) & np.isnan(v)] = Status.NONFINITE
        obs[name] = v
    for v in obs.values():
        v[status != Status.CONVERGED] = np.nan
    solved = SolverOutput(np.empty((batch, 0)), status, residual, iterations, out.method)

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


def _refine(model, variant, p, shape, values, compiled, out, digits, throw, exact=None) -> Result:
    from . import precision as _precision  # Arb (python-flint) high-precision path

    return _precision.refine(model, variant, p, shape, values, compiled, out, digits, throw, exact)


@_front_or_file
def curve(model, sweep: Mapping[str, Any], *, variant: str | None = None, method: str = "auto",
          throw: bool = False, continuation: bool = True, max_iterations: int | None = None,
          **fixed):
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
    (model, variant, p, shape, values), compiled = _prepare_compiled(model, params, variant)
    batch = int(np.prod(shape)) if shape else 1
    if variant.is_numeric:
        result = _evaluate_numeric(model, variant, p, shape, values, batch, method, None, throw)
        frame = result.to_frame()
        frame.attrs["sweep"] = list(grids)
        return frame
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
    inner = Newton() if method in ("auto", "newton") else solver(method, max_iterations)

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


@_front_or_file
def optimize(model, objective: str, over: str, *, variant: str | None = None,
             bounds: tuple[float, float] = (1e-8, 1e4), log: bool = True, tol: float = 1e-10,
             max_iterations: int = 200, **params) -> Result:
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
    model, chosen, *_rest = _prepare(model, {**params, over: bounds[0]}, variant)
    shape = _rest[1]
    variant = chosen.name
    if objective not in model.observables:
        raise ParameterError(f"{model.name}: parameter 'objective' must be one of "
                             f"{', '.join(map(repr, model.observables))}; got {objective!r}")
    tr = np.exp if log else (lambda x: x)

    def f(x):
        r = evaluate(model, variant=variant, throw=False, **params, **{over: tr(x)})
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
    result = evaluate(model, variant=variant, throw=False, **params, **{over: tr(x)})
    at_edge = (np.abs(x - lo) < 1e-6 * (1 + abs(lo))) | (np.abs(x - hi) < 1e-6 * (1 + abs(hi)))
    if np.any(at_edge):
        status = np.where(at_edge, Status.MAX_ITERATIONS, np.asarray(result.status))
        result = _replace(result, status=status.item() if status.ndim == 0 else status)
    return result


def _replace(result: Result, **changes) -> Result:
    import dataclasses

    return dataclasses.replace(result, **changes)

"""Glue between numeric (DMFT) variants and ``evaluate``: one solve per group of points."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from ..outcome import NumericOutput, Status
from ..validation import ParameterError
from .result import DMFTResult

__all__ = ["grouped_trajectories"]


def time_steps(name: str, times, step: float, limit: int, cost: str = "") -> np.ndarray:
    """Grid indices ``k = time/step`` of the requested times; more than ``limit`` steps is a
    ParameterError that names the user's parameters ('time', 'step'), checked before any cast or
    allocation (``time = 1e300`` once overflowed into a negative index)."""
    ratio = np.asarray(times, dtype=float) / float(step)
    worst = float(np.max(ratio)) if ratio.size else 0.0
    if not np.all(np.isfinite(ratio)) or worst > limit:
        i = int(np.argmax(np.where(np.isfinite(ratio), ratio, np.inf))) if ratio.size else 0
        t = float(np.ravel(times)[i]) if ratio.size else float("nan")
        raise ParameterError(
            f"{name}: time/step = {t:g}/{float(step):g} = {t / float(step):.3g} time steps, more than the "
            f"{limit} the DMFT solves{cost}: lower 'time' or raise 'step'")
    return np.rint(ratio).astype(int)


def grouped_trajectories(values: Mapping[str, np.ndarray], batch: int, group_keys: Sequence[str],
                         run: Callable[[dict, np.ndarray], tuple[DMFTResult, np.ndarray]],
                         names: Sequence[str], method: str) -> dict:
    """Observables at ``batch`` points: points sharing ``group_keys`` values share one solve.

    ``run(params, idx)`` receives the group's parameters (floats) and the indices of its points,
    and returns the DMFT result and, per point, its grid index (or a float array of values to
    interpolate at: see the caller). Returns the :class:`NumericOutput` ``compute`` returns.
    """
    groups: dict[tuple, list[int]] = {}
    for i in range(batch):
        groups.setdefault(tuple(float(values[k][i]) for k in group_keys), []).append(i)
    obs = {name: np.full(batch, np.nan) for name in names}
    status = np.full(batch, Status.CONVERGED, dtype=np.int8)
    residual = np.zeros(batch)
    iterations = np.zeros(batch, dtype=np.int64)
    methods = []
    for key, idx in groups.items():
        idx = np.asarray(idx)
        result, pick = run(dict(zip(group_keys, key)), idx)
        for name in names:
            obs[name][idx] = pick(result.observables[name])
        status[idx] = result.status
        residual[idx] = result.residual
        iterations[idx] = result.iterations
        methods.append(result.method)
    return NumericOutput(obs, status, residual, iterations, "dmft:" + ",".join(sorted(set(methods))))


def evaluate_system(system, values: Mapping[str, np.ndarray], batch: int) -> dict:
    """Observables of a closed-form sympy :class:`~asymptotics.symbolic.System` (no unknowns) on
    a batch of points, as the :class:`NumericOutput` ``compute`` returns (used where a numeric variant has a
    closed form for part of its parameter space, e.g. p = 2 of the spherical p-spin)."""
    from ..codegen import compile_system

    compiled = compile_system(system)
    if compiled.size:
        raise ValueError("evaluate_system handles closed forms (no unknowns) only")
    obs = compiled.observables(values, np.empty((batch, 0)), batch)
    status = np.full(batch, Status.CONVERGED, dtype=np.int8)
    return NumericOutput({k: np.asarray(v, float) for k, v in obs.items()}, status, np.zeros(batch),
                         np.zeros(batch, dtype=np.int64), "closed-form")

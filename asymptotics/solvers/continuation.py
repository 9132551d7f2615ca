"""Natural-parameter continuation: walk from a solved point to an unsolved one.

Used by curves: points a batched solve could not reach are approached from their nearest
converged neighbour along the sweep, moving the scalar parameters linearly and halving the step
whenever the inner solver fails at an intermediate point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from .result import SolverOutput, Status

__all__ = ["Continuation"]


@dataclass(frozen=True)
class Continuation:
    """Approach ``target`` from ``start`` (parameter dicts of floats) with solution ``u_start``.

    ``solve_at(values, u0)`` must solve one point (a dict of scalar parameters) and return a
    one-point :class:`SolverOutput`. Steps shrink by half on failure down to ``min_step`` (as a
    fraction of the whole path) and grow by 1.5 after a success.
    """

    min_step: float = 1.0 / 4096
    max_solves: int = 400
    name: str = "continuation"

    def walk(self, solve_at: Callable[[Mapping[str, float], np.ndarray], SolverOutput],
             start: Mapping[str, float], target: Mapping[str, float], u_start: np.ndarray) -> SolverOutput:
        keys = [k for k in target if k in start and start[k] != target[k]]

        def at(s):
            return {**target, **{k: start[k] + s * (target[k] - start[k]) for k in keys}}

        s, h, u = 0.0, 1.0, np.asarray(u_start, dtype=float).reshape(1, -1)
        last = None
        solves = 0
        while solves < self.max_solves:
            h = min(h, 1.0 - s)
            out = solve_at(at(s + h), u)
            solves += 1
            if out.status[0] == Status.CONVERGED:
                s, u, last = s + h, out.u, out
                if s >= 1.0:
                    break
                h *= 1.5
            else:
                last = out if s + h >= 1.0 else last
                h *= 0.5
                if h < self.min_step:
                    break
        if last is None or s < 1.0:
            fail = last.status[0] if last is not None else Status.MAX_ITERATIONS
            status = np.array([fail if fail != Status.CONVERGED else Status.STAGNATED], dtype=np.int8)
            resid = last.residual if last is not None else np.array([np.inf])
            return SolverOutput(u, status, resid, np.array([solves]), self.name)
        return SolverOutput(last.u, last.status, last.residual, np.array([solves]), self.name)

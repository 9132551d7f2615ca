"""Damped fixed-point iteration on the whole history (the classic DMFT solution scheme).

A DMFT is a fixed point ``x = F(x)`` where ``x`` holds the order parameters on the whole time
grid (two-time kernels and one-time curves). One *sweep* evaluates ``F`` on the whole history;
the update is ``x <- (1 - damping) F(x) + damping x``. Causality (values at time t depend on
earlier times only) makes the iteration converge for any damping < 1 on a finite grid; damping
trades speed for robustness when the map overshoots.
"""

from __future__ import annotations

import time as _time
from typing import Callable, Mapping

import numpy as np

from ..outcome import Status

__all__ = ["damped_iteration", "sup_change"]


def sup_change(new: Mapping[str, np.ndarray], old: Mapping[str, np.ndarray]) -> float:
    """max over arrays of max |new - old| (inf if anything is not finite)."""
    out = 0.0
    for k, v in new.items():
        d = np.abs(np.asarray(v) - np.asarray(old[k]))
        if d.size:
            m = float(np.max(d))
            if not np.isfinite(m):
                return float("inf")
            out = max(out, m)
    return out


def damped_iteration(sweep: Callable[[dict], tuple[dict, object]], state: dict, *, damping: float = 0.0,
                     tol: float = 1e-10, max_sweeps: int = 200, callback=None):
    """Iterate ``state <- (1 - damping) sweep(state) + damping state`` until the sup-norm change of
    a sweep is below ``tol``.

    ``sweep(state) -> (new_state, aux)`` maps a dict of arrays to a dict with the same keys and
    anything else the caller wants back from the last sweep (e.g. memory kernels). Returns
    ``(state, aux, sweeps, residual, history, status, elapsed)``: the undamped image of the last
    sweep, its aux, the number of sweeps, the last residual, all residuals and a Status code.
    """
    if not 0.0 <= damping < 1.0:
        raise ValueError(f"parameter 'damping' must be in [0, 1); got {damping!r}")
    if max_sweeps < 1:
        raise ValueError(f"parameter 'max_sweeps' must be an integer >= 1; got {max_sweeps!r}")
    start = _time.perf_counter()
    history = []
    status = Status.MAX_ITERATIONS
    new, aux = state, None
    from .. import progress as _progress

    bar = _progress.bar(int(max_sweeps), "dmft sweeps", unit="sweep", delay=5.0)
    for it in range(1, int(max_sweeps) + 1):
        new, aux = sweep(state)
        res = sup_change(new, state)
        history.append(res)
        bar.update()
        bar.set_postfix_str(f"change {res:.2g} (tol {tol:.0e})", refresh=False)
        if callback is not None:
            callback(it, res)
        if not np.isfinite(res):
            status = Status.NONFINITE
            break
        if res < tol:
            status = Status.CONVERGED
            break
        if damping:
            state = {k: (1 - damping) * new[k] + damping * state[k] for k in new}
        else:
            state = new
    bar.close()
    return new, aux, it, history[-1], np.asarray(history), status, _time.perf_counter() - start

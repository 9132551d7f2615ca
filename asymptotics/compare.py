"""Theory against simulation: one call, a tidy table with z-scores."""

from __future__ import annotations

import numpy as np

from .api import evaluate
from .simulate import simulate

__all__ = ["check"]


def check(model, *, trials: int = 20, seed: int = 0, method: str = "auto", **params):
    """Compare a model's theory with its Monte Carlo twin at the same parameters.

    Runs :func:`~asymptotics.simulate` (finite-size arguments such as ``n`` go in ``params``), then
    evaluates the theory at the parameters matching the finite draw (e.g. ``gamma = p/n``), and
    returns a pandas DataFrame with one row per point and observable: the swept parameters,
    ``observable``, ``theory``, ``simulation``, ``stderr`` and ``z = (simulation - theory)/stderr``.
    Observables the estimator does not define at a point (NaN simulation) and those whose spread
    is at round-off level are left out. ``frame.attrs`` records model, trials, seed and sizes.
    """
    import pandas as pd

    sim = simulate(model, trials=trials, seed=seed, **params)
    theory_params = {k: v for k, v in sim.params.items()}
    theory = evaluate(sim.model, method=method, throw=False, **theory_params)
    shape = sim.shape
    size = int(np.prod(shape)) if shape else 1
    swept = {k: np.broadcast_to(np.asarray(v), shape).reshape(size)
             for k, v in sim.params.items()
             if not isinstance(v, str) and np.ndim(v) <= len(shape) and (np.ndim(v) == 0 or np.shape(v) == shape)}
    rows = []
    for name in sim.mean:
        if name not in theory.observables:
            continue
        th = np.broadcast_to(np.asarray(theory.observables[name], dtype=float), shape).reshape(size)
        mu = np.asarray(sim.mean[name], dtype=float).reshape(size)
        se = np.asarray(sim.stderr[name], dtype=float).reshape(size)
        for i in range(size):
            # A spread at round-off level (e.g. a bias that is exactly zero up to rounding) gives no
            # meaningful z-score; such rows are left out rather than reported as huge z.
            if np.isnan(mu[i]) or not se[i] > 1e-10 * max(1.0, abs(th[i]), abs(mu[i])):
                continue
            row = {k: v[i] for k, v in swept.items()}
            row.update(observable=name, theory=th[i], simulation=mu[i], stderr=se[i],
                       z=(mu[i] - th[i]) / se[i])
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs.update(model=sim.model, trials=sim.trials, seed=sim.seed, sizes=dict(sim.sizes))
    return frame

"""Theory against simulation: one call, a tidy table with z-scores."""

from __future__ import annotations

import numpy as np

from .api import evaluate
from .models import DeclarationError
from .simulate import simulate

__all__ = ["check"]


def check(model, *, variant: str | None = None, trials: int = 20, seed: int = 0,
          method: str = "auto", **params):
    """Compare a model's theory with its Monte Carlo twin at the same parameters.

    Runs :func:`~asymptotics.simulate` (finite-size arguments such as ``n`` go in ``params``), then
    evaluates the theory at the parameters matching the finite draw (e.g. ``gamma = p/n``), and
    returns a pandas DataFrame with one row per point and observable: the swept parameters,
    ``observable``, ``theory``, ``simulation``, ``stderr`` and ``z = (simulation - theory)/stderr``.
    Theory and simulation are always of the same variant (``variant=``, or the one the keywords
    choose). Observables the estimator does not define at a point (NaN simulation) and those
    whose spread is at round-off level are left out. ``frame.attrs`` records model, trials, seed and sizes.
    """
    import pandas as pd

    sim = simulate(model, variant=variant, trials=trials, seed=seed, **params)
    # The theory of the variant that was simulated, at the parameters of the finite draw.
    theory = evaluate(sim.model, variant=sim.variant, method=method, throw=False, **sim.params)
    shape = sim.shape
    size = int(np.prod(shape)) if shape else 1
    swept = {k: np.broadcast_to(np.asarray(v), shape).reshape(size)
             for k, v in sim.params.items()
             if not isinstance(v, str) and np.ndim(v) <= len(shape) and (np.ndim(v) == 0 or np.shape(v) == shape)}
    rows = []
    from .simulate import simulator_for

    extras = set(simulator_for(sim.model, sim.variant).extras)
    for name in sim.mean:
        if name in extras:  # measured without a theory: nothing to compare
            continue
        if name not in theory.observables:
            raise DeclarationError(
                f"{sim.model} ({sim.variant}): the simulator measures {name!r}, which this "
                f"variant's theory does not compute; remove it from Simulator.observables or add "
                f"it to the variant's observables")
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

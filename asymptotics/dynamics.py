"""DMFT trajectories of the dynamic models, from their keyword parameters.

Each function validates the parameters with the model's own Params (so the domains, defaults and
error messages are the model's) and returns the frozen :class:`~asymptotics.dmft.DMFTResult` of one
solve: order parameters C(t, t'), R(t, t') as arrays, observables on the time grid and the
convergence diagnostics. They are also available as ``asymptotics.dmft.solve_glm`` etc.
"""

from __future__ import annotations

from . import models
from .dmft import DMFTResult

__all__ = ["solve_glm", "solve_gmm", "spherical_spin"]


def spherical_spin(*, time: float, p: int = 2, temperature: float = 0.0, dt: float = 0.025) -> DMFTResult:
    """DMFT trajectory of the ``spherical-spin`` model on ``t_k = k dt`` up to ``time``: energy,
    μ, C(t, 0) and the order parameters C(t, t'), R(t, t') as arrays (any p, p = 2 included)."""
    from .models.spherical_spin import solve

    model = models.get("spherical-spin")
    prm = model.variants[0].validate({"time": time, "p": p, "temperature": temperature, "dt": dt},
                                     model.name)
    return solve(int(prm.p), float(prm.temperature), float(prm.time), float(prm.dt))


def solve_glm(**params) -> DMFTResult:
    """DMFT trajectory of the ``dmft-glm`` model up to ``max(time)`` (keyword parameters of that
    model, e.g. ``solve_glm(alpha=2, time=20, step=0.5, loss="logistic", batch=0.3)``; ``method=``
    ``"causal"`` (default) or ``"iterate"``)."""
    from .models.dmft_glm import solve

    model = models.get("dmft-glm")
    method = params.pop("method", "causal")
    return solve(model.variants[0].validate(params, model.name), method=method)


def solve_gmm(**params) -> DMFTResult:
    """DMFT trajectory of the ``dmft-gmm`` model up to ``max(time)`` (keyword parameters of that
    model, e.g. ``solve_gmm(alpha=2, time=20, step=0.5, noise=0.5, batch=0.3)``; ``method=``
    ``"causal"`` (default) or ``"iterate"``)."""
    from .models.dmft_gmm import solve

    return solve(**params)

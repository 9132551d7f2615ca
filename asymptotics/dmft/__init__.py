"""Dynamical mean-field theory (DMFT) solvers: order parameters of learning dynamics on a time grid.

Hand-written numeric code (time stepping / fixed-point iteration on the whole O(T²) history),
used where no finite symbolic system exists; each solver is tied by tests to a symbolic or
closed form where they overlap. Every solver returns a frozen :class:`DMFTResult` holding the
order parameters C(t, t'), R(t, t') (and memory kernels) as arrays, the observables' trajectories
and the convergence diagnostics (residual of the last sweep, number of sweeps).

* :func:`solve_least_squares` — gradient descent on (ridge) least squares (exact; equals the
  Marchenko–Pastur formula of the ``gd-least-squares`` model at every step);
  :func:`solve_least_squares_spectrum` — the same for a general feature covariance;
* :func:`solve_glm` — gradient descent and mini-batch / persistent SGD on GLMs (logistic, hinge,
  squared hinge, square loss), the model ``dmft-glm``; :func:`solve_gd` is the same solver taking
  a numeric loss/teacher spec;
* :func:`solve_gmm` — the same on two-cluster Gaussian-mixture classification, the model
  ``dmft-gmm``; :func:`solve_mixture` takes a numeric loss spec;
* :func:`spherical_spin` — gradient flow / Langevin dynamics of the spherical p-spin model
  (Cugliandolo–Kurchan equations, the model ``spherical-spin``); :func:`solve_spherical_spin` takes
  any covariance ξ(q); :func:`spherical_p2` is the exact p = 2 solution (energy, C, R).
"""

from .glm import GLMSpec, solve_gd, solve_mixture
from .iteration import damped_iteration
from .least_squares import solve_least_squares, solve_least_squares_spectrum
from .pspin import solve_spherical_spin, spherical_p2
from .result import DMFTResult

__all__ = ["DMFTResult", "GLMSpec", "damped_iteration", "solve_glm", "solve_gmm", "solve_gd", "solve_mixture", "solve_least_squares",
           "solve_least_squares_spectrum", "solve_spherical_spin", "spherical_p2", "spherical_spin"]


def spherical_spin(*, time: float, p: int = 2, temperature: float = 0.0, dt: float = 0.025) -> DMFTResult:
    """DMFT trajectory of the ``spherical-spin`` model on ``t_k = k dt`` up to ``time``: energy,
    μ, C(t, 0) and the order parameters C(t, t'), R(t, t') as arrays (any p, p = 2 included)."""
    from ..models import get
    from ..models.spherical_spin import solve

    model = get("spherical-spin")
    prm = model.variants[0].validate({"time": time, "p": p, "temperature": temperature, "dt": dt},
                                     model.name)
    return solve(int(prm.p), float(prm.temperature), float(prm.time), float(prm.dt))


def solve_glm(**params) -> DMFTResult:
    """DMFT trajectory of the ``dmft-glm`` model up to ``max(time)`` (keyword parameters of that
    model, e.g. ``solve_glm(alpha=2, time=20, step=0.5, loss="logistic", batch=0.3)``; ``method=``
    ``"causal"`` (default) or ``"iterate"``)."""
    from ..models import get

    model = get("dmft-glm")
    method = params.pop("method", "causal")
    p = model.variants[0].validate(params, model.name)
    from ..models.dmft_glm import solve

    return solve(p, method=method)


def solve_gmm(**params) -> DMFTResult:
    """DMFT trajectory of the ``dmft-gmm`` model up to ``max(time)`` (keyword parameters of that
    model, e.g. ``solve_gmm(alpha=2, time=20, step=0.5, noise=0.5, batch=0.3)``; ``method=``
    ``"causal"`` (default) or ``"iterate"``)."""
    from ..models.dmft_gmm import solve

    return solve(**params)

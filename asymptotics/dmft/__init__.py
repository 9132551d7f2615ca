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

__all__ = ["DMFTResult", "GLMSpec", "damped_iteration", "solve_gd", "solve_mixture", "solve_least_squares",
           "solve_least_squares_spectrum", "solve_spherical_spin", "spherical_p2"]

# This package is the engine: it knows no model. The conveniences that take a model's keyword
# parameters — solve_glm (dmft-glm), solve_gmm (dmft-gmm), spherical_spin (spherical-spin) — live
# in asymptotics.dynamics, one layer up, and asymptotics/__init__ also exposes them here
# (``from asymptotics.dmft import solve_glm``).


def __getattr__(name):
    # solve_glm, solve_gmm, spherical_spin: the model-keyword conveniences of asymptotics.dynamics,
    # one layer up, forwarded on first use (importing this engine imports no model)
    if name in ("solve_glm", "solve_gmm", "spherical_spin"):
        import importlib

        return getattr(importlib.import_module("asymptotics.dynamics"), name)
    raise AttributeError(f"module 'asymptotics.dmft' has no attribute {name!r}")

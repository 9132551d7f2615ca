"""asymptotics: exact high-dimensional limits of learning problems.

Each model's equations are written once in sympy; numeric code, Jacobians and arbitrary-precision
versions are generated from them. Every model has a Monte Carlo twin.

    >>> import asymptotics as asy
    >>> r = asy.evaluate("ridge", gamma=2.0, lam=0.0, signal=1.0, noise=0.5)
    >>> round(r.excess_risk, 6)   # signal (1 - 1/gamma) + noise/(gamma - 1)
    1.0
"""

from __future__ import annotations

from . import dmft, dynamics, models, spectra
from .api import curve, evaluate, optimize
from .compare import check
from .simulate import SimulationResult, simulate
from .solvers import ConvergenceError, Result, Status
from .spectra import Spectrum
from .sweep import sweep
from .validation import ParameterError

__version__ = "0.1.0"

# The DMFT engine knows no model; its model-keyword conveniences (asymptotics.dynamics) are
# exposed under asymptotics.dmft as the documented entry points.
dmft.solve_glm, dmft.solve_gmm, dmft.spherical_spin = (dynamics.solve_glm, dynamics.solve_gmm,
                                                       dynamics.spherical_spin)

__all__ = ["ConvergenceError", "ParameterError", "Result", "SimulationResult", "Spectrum", "Status",
           "check", "cite", "curve", "evaluate", "models", "optimize", "simulate", "spectra", "sweep"]


def cite(model_or_result) -> str:
    """BibTeX of the papers behind a model (a name, a Model, or a Result/SimulationResult)."""
    name = getattr(model_or_result, "model", model_or_result)
    return models.get(name).cite()

"""asymptotics: exact high-dimensional limits of learning problems.

Each model's equations are written once in sympy; numeric code, Jacobians and arbitrary-precision
versions are generated from them (and cached on disk: see :mod:`asymptotics.cache`). Every model
has a Monte Carlo twin.

    >>> import asymptotics as asy
    >>> r = asy.evaluate("ridge", gamma=2.0, lam=0.0, signal=1.0, noise=0.5)
    >>> round(r.excess_risk, 6)   # signal (1 - 1/gamma) + noise/(gamma - 1)
    1.0

The names below are imported on first use, so ``import asymptotics`` costs no sympy, pandas or
scipy import.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> (module, attribute); None: the module itself
_LAZY = {
    "models": ("asymptotics.models", None),
    "dmft": ("asymptotics.dmft", None),
    "dynamics": ("asymptotics.dynamics", None),
    "spectra": ("asymptotics.spectra", None),
    "curve": ("asymptotics.api", "curve"),
    "evaluate": ("asymptotics.api", "evaluate"),
    "optimize": ("asymptotics.api", "optimize"),
    "check": ("asymptotics.compare", "check"),
    "SimulationResult": ("asymptotics.simulate", "SimulationResult"),
    "simulate": ("asymptotics.simulate", "simulate"),
    "ConvergenceError": ("asymptotics.solvers.result", "ConvergenceError"),
    "Result": ("asymptotics.solvers.result", "Result"),
    "Status": ("asymptotics.solvers.result", "Status"),
    "Spectrum": ("asymptotics.spectra", "Spectrum"),
    "sweep": ("asymptotics.sweep", "sweep"),
    "ParameterError": ("asymptotics.validation", "ParameterError"),
    "load": ("asymptotics.io", "load"),
    "clear_cache": ("asymptotics.cache", "clear_cache"),
}

__all__ = ["ConvergenceError", "ParameterError", "Result", "SimulationResult", "Spectrum", "Status",
           "check", "cite", "clear_cache", "curve", "evaluate", "load", "models", "optimize",
           "simulate", "spectra", "sweep"]


def __getattr__(name):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'asymptotics' has no attribute {name!r}") from None
    value = importlib.import_module(module)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def cite(model_or_result) -> str:
    """BibTeX of the papers behind a model (a name, a Model, or a Result/SimulationResult)."""
    from . import models

    name = getattr(model_or_result, "model", model_or_result)
    return models.get(name).cite()


class _Package(type(importlib)):
    """The package module: ``asymptotics.simulate`` and ``asymptotics.sweep`` are functions (as
    they always were), although importing the submodules of those names sets the attribute."""

    def __setattr__(self, name, value):
        if name in ("simulate", "sweep") and isinstance(value, type(importlib)):
            value = getattr(value, name)
        super().__setattr__(name, value)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _Package

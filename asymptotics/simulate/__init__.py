"""Monte Carlo twins of the models: finite-size draws, real estimators, standard errors.

One file per estimator family registers its simulators; every public module of this package is
imported on first use, so a new simulator file needs no edit elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil

from ._registry import Simulator, register_simulator, registered, simulator_for
from .runner import SimulationResult, point_seed, simulate

__all__ = ["SimulationResult", "Simulator", "point_seed", "register_simulator", "registered",
           "simulate", "simulator_for"]

_LOADED = False


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_") and info.name != "runner":
            importlib.import_module(f"{__name__}.{info.name}")

"""Monte Carlo twins of the models: finite-size draws, real estimators, standard errors.

One file per estimator family registers its simulators; the modules that name a model
(``model="ridge"``) are imported when that model is simulated, and every module when all are
listed, so a new simulator file needs no edit elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil

from ._registry import Simulator, register_simulator, registered, simulator_for
from .runner import SimulationResult, point_seed, simulate

__all__ = ["SimulationResult", "Simulator", "point_seed", "register_simulator", "registered",
           "simulate", "simulator_for"]

_LOADED = False


def _modules_mentioning(text: str) -> list[str] | None:
    """Public modules of this package whose source contains ``text`` (None if unreadable)."""
    import pathlib

    out = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "runner":
            continue
        path = pathlib.Path(__path__[0]) / f"{info.name}.py"
        try:
            if text in path.read_text(encoding="utf-8"):
                out.append(info.name)
        except OSError:
            return None
    return out


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_") and info.name != "runner":
            importlib.import_module(f"{__name__}.{info.name}")

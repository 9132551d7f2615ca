"""Models: one file per model, each registering itself (see ``_registry``).

Every public module of this package is imported on first use of the registry, so a new model
file needs no edit elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil

from ._registry import Model, Reference, Variant, all_models, get, names, register

__all__ = ["Model", "Reference", "Variant", "all_models", "get", "names", "register"]

_LOADED = False


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")

"""Models: one file per model, each registering itself (see ``_registry``).

A model named ``my-model`` lives in ``models/my_model.py``; ``get("my-model")`` imports that file
only, ``names()`` lists the files without importing them, and ``all_models()`` imports every one.
A new model file needs no edit elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil

from . import _registry
from ._registry import (DeclarationError, Model, Reference, Resolution, Variant, all_models, get,
                        names, register)

__all__ = ["DeclarationError", "Model", "Reference", "Resolution", "Variant", "all_models", "get",
           "names", "register"]


def model_files() -> list[str]:
    """Model names from the public modules of this package (``random_features`` -> ``random-features``)."""
    return [info.name.replace("_", "-") for info in pkgutil.iter_modules(__path__)
            if not info.name.startswith("_")]

_LOADED = False


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    missing = sorted(set(model_files()) - set(_registry._REGISTRY))
    if missing:
        raise DeclarationError(
            f"models/{missing[0].replace('-', '_')}.py registers no model named {missing[0]!r}: a "
            f"model lives in the file named after it ('-' written '_')")

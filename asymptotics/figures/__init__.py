"""Named paper figures: each module registers :class:`Figure` objects rendered by
``asymptotics figure NAME`` and by :func:`render`.

A figure's ``make(fast)`` computes its data (theory curves and, where the paper shows them,
Monte Carlo points) and returns ``(matplotlib Figure, pandas DataFrame)``; ``fast=True`` uses
smaller grids and fewer trials so the test suite can run every figure.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

from ..validation import ParameterError

__all__ = ["Figure", "register", "get", "names", "render"]


@dataclass(frozen=True)
class Figure:
    name: str
    description: str
    make: Callable[[bool], tuple]
    reference: str = ""


_FIGURES: dict[str, Figure] = {}
_LOADED = False


def _load_all():
    global _LOADED
    if not _LOADED:
        _LOADED = True
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{__name__}.{info.name}")


def register(figure: Figure) -> Figure:
    if figure.name in _FIGURES and _FIGURES[figure.name] is not figure:
        raise ValueError(f"a figure named {figure.name!r} is already registered")
    _FIGURES[figure.name] = figure
    return figure


def names() -> list[str]:
    _load_all()
    return sorted(_FIGURES)


def get(name: str) -> Figure:
    _load_all()
    if name not in _FIGURES:
        close = difflib.get_close_matches(name, list(_FIGURES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ParameterError(f"unknown figure {name!r}{hint} (figures: {', '.join(sorted(_FIGURES))})")
    return _FIGURES[name]


def render(name: str, out: str | None = None, fast: bool = False):
    """Make a named figure; save it (PNG/PDF by extension) and its data (CSV beside it) if ``out``."""
    fig, data = get(name).make(fast)
    if out is not None:
        import pathlib

        path = pathlib.Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150, bbox_inches="tight")
        data.to_csv(path.with_suffix(".csv"), index=False)
    return fig, data

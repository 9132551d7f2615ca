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

__all__ = ["Figure", "register", "get", "names", "render", "output_paths", "check_output"]


@dataclass(frozen=True)
class Figure:
    name: str
    description: str
    make: Callable[[bool], tuple]
    reference: str = ""
    #: how long the full (not ``fast``) figure takes, when that is more than a minute, e.g.
    #: "about 10 min on one core"; shown by ``asymptotics figure --list`` and before rendering
    duration: str = ""


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


def image_formats() -> tuple[str, ...]:
    """The file suffixes matplotlib can write (``.png``, ``.pdf``, ``.svg``, ...)."""
    from matplotlib.backend_bases import FigureCanvasBase

    return tuple("." + k for k in sorted(FigureCanvasBase.get_supported_filetypes()))


def check_output(path) -> None:
    """Refuse an image path whose suffix matplotlib cannot write (before any work is done)."""
    import pathlib

    suffix = pathlib.Path(path).suffix.lower()
    formats = image_formats()
    if suffix not in formats:
        raise ParameterError(f"cannot write a figure to {str(path)!r}: unknown image format "
                             f"{suffix or '(none)'!r}; use one of {', '.join(formats)}")


def output_paths(out, name: str):
    """(image path, CSV path) for ``out``: an existing directory or one ending in a separator
    (``out/NAME.png``), a file stem without suffix (``out.png``), or an image file (its suffix must
    be a format matplotlib writes). ``None`` means ``NAME.png`` in the current directory."""
    import os
    import pathlib

    if out is None:
        image = pathlib.Path(f"{name}.png")
    else:
        text = str(out)
        path = pathlib.Path(text)
        if text.endswith(("/", os.sep)) or path.is_dir():
            image = path / f"{name}.png"
        elif not path.suffix:
            image = path.with_suffix(".png")
        else:
            check_output(path)
            image = path
    return image, image.with_suffix(".csv")


def render(name: str, out: str | None = None, fast: bool = False):
    """Make a named figure; save it and its data if ``out`` is given.

    ``out`` is a directory, a file stem or an image file (see :func:`output_paths`); the data go
    to a CSV beside the image (header row only, metadata in a ``.csv.json`` sidecar). The path is
    checked before the figure is computed. In a notebook the figure is returned without being
    shown twice: end the cell with ``fig`` to display it.
    """
    figure = get(name)
    paths = output_paths(out, name) if out is not None else None
    fig, data = figure.make(fast)
    if paths is not None:
        from .. import io

        image, csv = paths
        image.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(image, dpi=150, bbox_inches="tight")
        io.save_csv(data, csv, meta={"figure": name, "fast": bool(fast), "reference": figure.reference})
    from .. import plot

    plot.release(fig)
    return fig, data

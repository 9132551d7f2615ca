"""Paper-quality matplotlib figures: theory curves and Monte Carlo points with error bars.

matplotlib is imported lazily (a dependency since the README demo draws a figure; the package
imports without importing it).
Curves take the DataFrames returned by :func:`~asymptotics.curve` and
:meth:`SimulationResult.to_frame`; error bars are ±2 standard errors.
"""

from __future__ import annotations

import numpy as np

__all__ = ["subplots", "plot_curve", "plot_points", "finish"]


def _plt():
    try:
        import matplotlib

        matplotlib.use("Agg", force=False) if not _interactive() else None
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - exercised only without the extra
        raise ImportError("plotting needs matplotlib: pip install matplotlib") from err
    return plt


def _interactive() -> bool:
    import sys

    return "ipykernel" in sys.modules or hasattr(sys, "ps1")


def subplots(nrows: int = 1, ncols: int = 1, width: float = 4.2, height: float = 3.2, **kwargs):
    """A figure with a consistent paper style (size per panel in inches)."""
    plt = _plt()
    with plt.rc_context({"font.size": 9, "axes.titlesize": 9, "legend.fontsize": 8,
                         "axes.spines.top": False, "axes.spines.right": False}):
        fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows),
                                 squeeze=False, **kwargs)
    return fig, axes


def plot_curve(ax, frame, x: str, y: str, label: str | None = None, logx: bool = False,
               logy: bool = False, **kwargs):
    """Draw a theory curve; points that did not converge are left as gaps (NaN), inf is clipped to
    the axis by matplotlib (it is a divergence, not a value)."""
    xs = np.asarray(frame[x], dtype=float)
    ys = np.asarray(frame[y], dtype=float)
    order = np.argsort(xs)
    ys = np.where(np.isinf(ys), np.nan, ys)
    line, = ax.plot(xs[order], ys[order], label=label, **kwargs)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    return line


def plot_points(ax, frame, x: str, y: str, label: str | None = None, color=None, **kwargs):
    """Monte Carlo means with ±2 standard-error bars (column ``<y>_se``)."""
    se = frame[y + "_se"] if y + "_se" in frame else None
    kwargs.setdefault("fmt", "o")
    kwargs.setdefault("markersize", 3.5)
    kwargs.setdefault("capsize", 2)
    return ax.errorbar(frame[x], frame[y], yerr=None if se is None else 2 * np.asarray(se),
                       label=label, color=color, **kwargs)


def finish(ax, xlabel: str, ylabel: str, title: str | None = None, ylim=None, legend: bool = True):
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    ax.figure.tight_layout()


def release(fig) -> None:
    """In a notebook, close pyplot's reference to a finished figure, so the inline backend does not
    show it on its own (it did for some cells and not for others): the cell shows it, once, by
    ending with ``fig``. Elsewhere the figure stays open (``plt.show()`` still shows it)."""
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None and "ipykernel" in sys.modules:
        plt.close(fig)

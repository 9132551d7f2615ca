"""Checking a derivation numerically: values, rates, closed forms, series, bounds, transitions.

Every check returns a frozen, JSON-able :class:`Verdict` (status CERTIFIED / SUPPORTED / REFUTED /
INCONCLUSIVE, estimate with its error, verified digits, worst point, evidence table, plot, LaTeX
sentence, package version and a hash of the model's equations):

- :func:`value` — an observable at an exact point with its verified digits;
- :func:`rate` — exponent and constant of a limit (power or logarithmic scale) with error bars;
- :func:`identify` — a closed form for verified digits (PSLQ / findpoly at two precisions);
- :func:`series` — Taylor / Puiseux coefficients of a fixed point in a parameter;
- :func:`bound`, :func:`monotone`, :func:`theta` — inequalities over a parameter box, certified by
  Arb branch-and-bound or refuted by a certified counterexample;
- :func:`transition` — phase-transition points at high precision;
- :func:`same` — two formulations compared at random exact points, with a search for the
  change of normalization that reconciles them.

The CLI runs the same checks: ``asymptotics verify value|rate|identify|series|bound|transition|same``
with exit status 0 (supported/certified), 1 (refuted), 3 (inconclusive), 2 (bad input).
"""

from __future__ import annotations

import importlib
import sys

from .verdict import EXIT_CODES, Status, Verdict

# Functions live in modules of the same name (value.value, rate.rate, ...): imported on first use
# (``import asymptotics`` and the CLI start-up stay free of sympy and python-flint), and the
# package attribute stays the function even after ``import asymptotics.verify.value``.
_LAZY = {"value": "value", "Evaluator": "value", "rate": "rate", "identify": "identify",
         "series": "series", "bound": "bound", "enclose": "bound", "monotone": "bound",
         "theta": "bound", "transition": "transition", "same": "same", "report": None}
_SAME_NAME = {"value", "rate", "identify", "series", "bound", "transition", "same"}

__all__ = ["EXIT_CODES", "Status", "Verdict", "Evaluator", "value", "rate", "identify", "series",
           "bound", "enclose", "monotone", "theta", "transition", "same", "report"]


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_LAZY[name] or name}")
    value = module if _LAZY[name] is None else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


class _Package(type(importlib)):
    def __setattr__(self, name, value):
        if name in _SAME_NAME and isinstance(value, type(importlib)):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

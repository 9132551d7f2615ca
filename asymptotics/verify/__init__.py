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

from .verdict import EXIT_CODES, Status, Verdict

# The functions are bound after their modules (which share their names) are imported, so that
# ``asymptotics.verify.value`` is the function even after ``import asymptotics.verify.value``.
from . import report
from .value import Evaluator, value
from .rate import rate
from .identify import identify
from .series import series
from .bound import bound, enclose, monotone, theta
from .transition import transition
from .same import same

__all__ = ["EXIT_CODES", "Status", "Verdict", "Evaluator", "value", "rate", "identify", "series",
           "bound", "enclose", "monotone", "theta", "transition", "same", "report"]

"""The result of every check: a frozen, JSON-able :class:`Verdict`.

``status`` is one of

- ``CERTIFIED`` — proved by interval (Arb ball) arithmetic: a rigorous enclosure, an inequality
  certified on every box of a branch-and-bound cover, a counterexample whose margin is a ball
  entirely below zero;
- ``SUPPORTED`` — the numbers agree with the claim within an error estimate that is itself
  checked (two precisions, two quadrature orders, two extrapolation bases), but not proved;
- ``REFUTED`` — the claim is contradicted by more than the error estimate allows (or by a
  certified counterexample: ``details["certified"]`` says which);
- ``INCONCLUSIVE`` — the evidence does not decide (extrapolations that disagree, too few correct
  digits, drift), with a message that says why.

Exit codes for the CLI (so a paper's repository can run its claims in CI): 0 for CERTIFIED and
SUPPORTED, 1 for REFUTED, 3 for INCONCLUSIVE (2 is bad input).
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

__all__ = ["Status", "Verdict", "EXIT_CODES", "equations_hash", "jsonable", "number_text"]


class Status(str, enum.Enum):
    CERTIFIED = "certified"
    SUPPORTED = "supported"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"

    def __str__(self) -> str:
        return self.value


EXIT_CODES = {Status.CERTIFIED: 0, Status.SUPPORTED: 0, Status.REFUTED: 1, Status.INCONCLUSIVE: 3}


def number_text(x, digits: int | None = None) -> str:
    """A number (mpf, Arb ball, float, int, sympy) as a decimal string with ``digits`` digits."""
    if x is None:
        return "nan"
    mod = type(x).__module__ or ""
    if mod.startswith("flint"):
        from ..balls import to_mpf

        x = to_mpf(x)
        mod = "mpmath"
    if mod.startswith("mpmath"):
        import mpmath as mp

        if not mp.isfinite(x):
            return "nan" if mp.isnan(x) else ("inf" if x > 0 else "-inf")
        return mp.nstr(x, digits or max(mp.mp.dps, 15), min_fixed=-6, max_fixed=6, strip_zeros=False)
    if hasattr(x, "is_number") and getattr(x, "is_number", False):
        import sympy as sp

        return str(sp.N(x, digits or 30))
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(x, int):
        return str(x)
    return f"{v:.{(digits or 17)}g}"


def jsonable(value):
    """Nested values made JSON-serialisable (numbers of any kind as decimal strings or floats)."""
    import numpy as np

    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (int, str)) or value is None:
        return value
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
    return number_text(value)


def equations_hash(system) -> str:
    """SHA-256 (first 16 hex digits) of a System's parameters, unknowns, equations and
    observables: a verdict names the exact equations it checked."""
    import sympy as sp

    if system is None:
        return ""
    parts = [repr(tuple(str(p) for p in system.parameters)),
             repr(tuple(u.name for u in system.unknowns))]
    parts += [sp.srepr(e) for e in system.residuals]
    parts += [f"{k}={sp.srepr(v)}" for k, v in system.observables.items()]
    if system.solution:
        parts += [f"{k}:{sp.srepr(v)}" for k, v in system.solution.items()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _version() -> str:
    from .. import __version__

    return __version__


@dataclass(frozen=True)
class Verdict:
    """What a check found. Every field is JSON-able through :meth:`to_dict`.

    ``estimate`` and ``error`` are decimal strings (all the digits that were computed; use
    :attr:`value` for an mpmath number); ``digits`` the number of significant digits that are
    verified correct; ``worst_point`` the parameters of the decisive point (a counterexample, the
    smallest margin); ``evidence`` the evaluations, one mapping per row (:meth:`to_frame`);
    ``details`` kind-specific results (exponent, constant, the bases' estimates, a closed form, a
    reparametrization ...); ``equations_hash`` identifies the model's equations
    (:func:`equations_hash`).
    """

    kind: str
    status: Status
    claim: str
    estimate: str | None = None
    error: str | None = None
    digits: int | None = None
    worst_point: Mapping[str, Any] | None = None
    evidence: tuple = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""
    model: str | None = None
    equations_hash: str = ""
    version: str = field(default_factory=_version)

    def __post_init__(self):
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))
        object.__setattr__(self, "evidence", tuple(MappingProxyType(dict(r)) for r in self.evidence))
        if self.worst_point is not None:
            object.__setattr__(self, "worst_point", MappingProxyType(dict(self.worst_point)))

    # -- reading -----------------------------------------------------------------------------
    @property
    def ok(self) -> bool:
        """CERTIFIED or SUPPORTED."""
        return self.status in (Status.CERTIFIED, Status.SUPPORTED)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def value(self):
        """The estimate as an mpmath number (None if there is none)."""
        if self.estimate is None:
            return None
        import mpmath as mp

        with mp.workdps(max(len(self.estimate), 20)):
            return mp.mpf(self.estimate)

    def __float__(self) -> float:
        return float(self.estimate) if self.estimate is not None else math.nan

    # -- output ------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return jsonable({
            "kind": self.kind, "status": self.status, "claim": self.claim, "estimate": self.estimate,
            "error": self.error, "digits": self.digits, "worst_point": self.worst_point,
            "evidence": list(self.evidence), "details": self.details, "message": self.message,
            "model": self.model, "equations_hash": self.equations_hash, "version": self.version,
            "latex": self.latex(),
        })

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    def to_frame(self):
        """The evidence table as a pandas DataFrame (numbers as floats; full digits in to_dict)."""
        import pandas as pd

        rows = []
        for r in self.evidence:
            row = {}
            for k, v in r.items():
                try:
                    row[k] = float(v) if not isinstance(v, (str, bool)) else _maybe_float(v)
                except (TypeError, ValueError):
                    row[k] = v
            rows.append(row)
        return pd.DataFrame(rows)

    def latex(self) -> str:
        """One LaTeX sentence: claim, status and estimate with its error and provenance."""
        from .report import latex_sentence

        return latex_sentence(self)

    def plot(self, ax=None):
        """A matplotlib figure of the evidence (``details['plot']`` names the columns)."""
        from .report import plot

        return plot(self, ax=ax)

    def __str__(self) -> str:
        est = f" estimate {self.estimate}" if self.estimate is not None else ""
        err = f" ± {self.error}" if self.error is not None else ""
        dig = f" ({self.digits} digits)" if self.digits is not None else ""
        msg = f": {self.message}" if self.message else ""
        return f"{self.status.value.upper()} [{self.kind}] {self.claim}{est}{err}{dig}{msg}"


def _maybe_float(v: str):
    try:
        return float(v)
    except ValueError:
        return v

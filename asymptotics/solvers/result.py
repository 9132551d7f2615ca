"""Outcomes: the status codes with their remedies, the solver output and the public Result."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

__all__ = ["Status", "SolverOutput", "Result", "ConvergenceError"]


class Status(enum.IntEnum):
    """Outcome of a solve at one point. ``message`` says what happened and what to try."""

    CONVERGED = 0
    MAX_ITERATIONS = 1
    NONFINITE = 2
    SINGULAR = 3
    STAGNATED = 4
    NO_SOLUTION = 5
    OUTSIDE_DOMAIN = 6

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    Status.CONVERGED: "converged",
    Status.MAX_ITERATIONS: (
        "the iteration limit was reached before convergence; raise max_iterations, or use curve() "
        "which continues from converged neighbouring points"
    ),
    Status.NONFINITE: (
        "the residual or Jacobian became inf or NaN; the point may sit on a singularity (e.g. a "
        "ratio equal to 1 at zero penalty): try a small positive penalty, or precision= for mpmath"
    ),
    Status.SINGULAR: (
        "the Jacobian is singular; the solution may be non-unique or at a bifurcation: try "
        "method='anderson' or 'damped', or continuation along a curve"
    ),
    Status.OUTSIDE_DOMAIN: (
        "a parameter lies outside a range that depends on the other parameters (e.g. below a "
        "separability threshold), where the quantity does not exist; the error from evaluate() "
        "names the parameter and the threshold"
    ),
    Status.STAGNATED: (
        "the line search could not reduce the residual (poor initial guess): try curve() for "
        "continuation from a converged point, or method='damped'"
    ),
    Status.NO_SOLUTION: (
        "the model found no solution of the requested kind here (its initial guess is undefined, "
        "e.g. a branch of fixed points that does not exist at these parameters); not solved"
    ),
}


_INDEX: dict = {}


def _column_index(names: tuple):
    """A cached pandas Index of column names (building one costs ~100 us in pandas 3)."""
    import pandas as pd

    idx = _INDEX.get(names)
    if idx is None:
        if len(_INDEX) > 256:
            _INDEX.clear()
        idx = _INDEX[names] = pd.Index(list(names), dtype=object)
    return idx


_DTYPE: list = []


def _status_dtype():
    import pandas as pd

    if not _DTYPE:
        _DTYPE.append(pd.CategoricalDtype(_STATUS_NAMES))
    return _DTYPE[0]


# status code -> position among the names (codes are small non-negative integers)
_STATUS_NAMES = [st.name.lower() for st in Status]
_STATUS_CODE = np.full(max(int(st) for st in Status) + 1, -1, dtype=np.int64)
for _i, _st in enumerate(Status):
    _STATUS_CODE[int(_st)] = _i


@dataclass(frozen=True)
class SolverOutput:
    """What a solver returns for a batch of B points with m unknowns."""

    u: np.ndarray  # (B, m)
    status: np.ndarray  # (B,) int, values of Status
    residual: np.ndarray  # (B,) max-norm of the residual at u
    iterations: np.ndarray  # (B,)
    method: str

    @property
    def converged(self) -> np.ndarray:
        return self.status == Status.CONVERGED


class ConvergenceError(RuntimeError):
    """A solve did not converge; ``result`` holds the partial Result (with statuses)."""

    def __init__(self, message: str, result: "Result | None" = None):
        super().__init__(message)
        self.result = result


def _scalarize(v):
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return v.item()
    return v


@dataclass(frozen=True)
class Result:
    """Values of a model at one or many parameter points.

    ``observables`` and ``unknowns`` map names to floats (scalar input) or arrays of the broadcast
    shape of the scalar parameters; with ``precision=`` they are mpmath numbers. ``status`` holds
    :class:`Status` codes (an array when the input is an array), ``residual`` the max-norm of the
    equations' residual at the returned point, ``iterations`` the solver's iteration count and
    ``method`` how the unknowns were obtained (``closed-form``, ``newton``, ``anderson``, ...).
    Observables and unknowns are also attributes: ``result.excess_risk``.
    """

    model: str
    variant: str
    params: Mapping[str, Any]
    observables: Mapping[str, Any]
    unknowns: Mapping[str, Any]
    status: Any
    residual: Any
    iterations: Any
    method: str
    shape: tuple = ()
    references: tuple = field(default=(), repr=False)
    grid_params: tuple = ()  # names of the scalar (broadcast) parameters, for to_frame

    def __getattr__(self, name: str):
        # Only called when normal lookup fails: expose observables and unknowns as attributes.
        for store in ("observables", "unknowns"):
            values = object.__getattribute__(self, store)
            if name in values:
                return values[name]
        raise AttributeError(f"{self.model!r} result has no observable or unknown {name!r}")

    def __getitem__(self, name: str):
        if name in self.observables:
            return self.observables[name]
        if name in self.unknowns:
            return self.unknowns[name]
        if name in self.params:
            return self.params[name]
        raise KeyError(name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.observables) | set(self.unknowns))

    @property
    def converged(self):
        """True where the unknowns were solved to tolerance (bool or bool array)."""
        return _scalarize(np.asarray(self.status) == Status.CONVERGED)

    @property
    def message(self) -> str:
        """One line per distinct status: what happened and what to try."""
        codes = np.unique(np.asarray(self.status))
        return "; ".join(f"{Status(int(c)).name.lower()}: {Status(int(c)).message}" for c in codes)

    def to_frame(self):
        """A tidy pandas DataFrame: one row per point, parameters, observables, unknowns, diagnostics."""
        import pandas as pd

        shape = tuple(self.shape)
        size = int(np.prod(shape)) if shape else 1

        def flat(value, dtype=float):
            a = np.asarray(value, dtype=dtype)
            return a.reshape(size) if a.shape == shape else np.broadcast_to(a, shape).reshape(size)

        order: list[str] = []
        floats: dict[str, np.ndarray] = {}
        others: dict[str, Any] = {}
        for name, value in self.params.items():
            if self.grid_params and name not in self.grid_params and not isinstance(value, str):
                continue
            if isinstance(value, str):
                order.append(name)
                others[name] = np.full(size, value, dtype=object)
                continue
            try:  # scalar parameters broadcast to the grid; array parameters (spectra) are left out
                col = flat(value, None)
            except ValueError:
                continue
            order.append(name)
            if col.dtype.kind == "f":
                floats[name] = col
            else:
                others[name] = col
        for store in (self.observables, self.unknowns):
            for name, value in store.items():
                if name not in floats and name not in others:
                    order.append(name)
                floats[name] = flat(value)
        # categorical (one code per point): a list of strings costs ~2 us per point in pandas
        codes = _STATUS_CODE[flat(self.status, np.int64)]
        others["status"] = pd.Categorical.from_codes(codes, dtype=_status_dtype(), validate=False)
        floats["residual"] = flat(self.residual)
        others["iterations"] = flat(self.iterations, None)
        order += ["status", "residual", "iterations"]
        # one float block (one pandas allocation instead of a column-by-column consolidation),
        # then the few non-float columns inserted at their places
        fnames = [n for n in order if n in floats]
        block = np.empty((len(fnames), size))
        for j, n in enumerate(fnames):
            block[j] = floats[n]
        frame = pd.DataFrame(block.T, columns=_column_index(tuple(fnames)), copy=False)
        for pos, n in enumerate(order):
            if n in others:
                frame.insert(pos, n, others[n])
        frame.attrs["model"] = self.model
        frame.attrs["method"] = self.method
        return frame

    def to_dict(self) -> dict:
        """JSON-ready dict (floats and lists; inf kept as float('inf'))."""

        def conv(v):
            arr = np.asarray(v, dtype=float) if not isinstance(v, str) else v
            if isinstance(arr, str):
                return arr
            return arr.item() if arr.ndim == 0 else arr.tolist()

        status = np.asarray(self.status)
        return {
            "model": self.model,
            "variant": self.variant,
            "observables": {k: conv(v) for k, v in self.observables.items()},
            "unknowns": {k: conv(v) for k, v in self.unknowns.items()},
            "status": (Status(int(status)).name.lower() if status.ndim == 0
                       else [Status(int(s)).name.lower() for s in status.ravel()]),
            "residual": conv(self.residual),
            "iterations": np.asarray(self.iterations).astype(int).tolist(),
            "method": self.method,
        }

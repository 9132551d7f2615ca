"""Outcomes: the status codes with their remedies, the solver output and the public Result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..outcome import NumericOutput, Outcome, SolverOutput, Status

__all__ = ["Status", "SolverOutput", "NumericOutput", "Result", "ConvergenceError"]


class ConvergenceError(RuntimeError):
    """A solve did not converge; ``result`` holds the partial Result (with statuses)."""

    def __init__(self, message: str, result: "Result | None" = None):
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class Result(Outcome):
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

    _stores = ("observables", "unknowns")

    def _columns(self) -> dict[str, Any]:
        """Parameters, observables, unknowns and diagnostics, one row per point."""
        cols: dict[str, Any] = {}
        size = int(np.prod(self.shape)) if self.shape else 1
        for name, value in self.params.items():
            if self.grid_params and name not in self.grid_params and not isinstance(value, str):
                continue
            if isinstance(value, str):
                cols[name] = value
                continue
            arr = np.asarray(value)
            try:  # scalar parameters broadcast to the grid; array parameters (spectra) are left out
                cols[name] = np.broadcast_to(arr, self.shape).reshape(size)
            except ValueError:
                continue
        for store in (self.observables, self.unknowns):
            for name, value in store.items():
                cols[name] = np.broadcast_to(np.asarray(value, dtype=float), self.shape).reshape(size)
        status = np.broadcast_to(np.asarray(self.status), self.shape).reshape(size)
        cols["status"] = [Status(int(s)).name.lower() for s in status]
        cols["residual"] = np.broadcast_to(np.asarray(self.residual, dtype=float), self.shape).reshape(size)
        cols["iterations"] = np.broadcast_to(np.asarray(self.iterations), self.shape).reshape(size)
        return cols

    def _attrs(self) -> dict[str, Any]:
        return {"model": self.model, "variant": self.variant, "method": self.method}

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

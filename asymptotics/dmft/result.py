"""The frozen result of a DMFT solve: order parameters on a time grid, observables, diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..outcome import Outcome, Status

__all__ = ["DMFTResult"]


@dataclass(frozen=True)
class DMFTResult(Outcome):
    """Order parameters and observables of a dynamical mean-field solve.

    ``times`` is the grid ``t_0 = 0 < t_1 < ... < t_T`` (in the model's time units).
    ``order_parameters`` maps names to arrays on that grid: two-time kernels of shape (T+1, T+1)
    indexed ``[k, j]`` = (t_k, t_j) (responses are causal: zero above the diagonal, or strictly
    below it where the text says so), one-time quantities of shape (T+1,). ``observables`` maps
    names to trajectories of shape (T+1,); ``stderr`` gives the Monte Carlo standard error of the
    observables where the solver samples paths (empty otherwise). ``doc`` says what each array
    means and in which normalization.

    Diagnostics: ``residual`` is the sup-norm change of the order parameters in the last sweep of
    the fixed-point map (for a causal, one-pass solve: one extra sweep run at the solution to
    measure it), ``iterations`` the number of sweeps, ``residual_history`` the residual after
    every sweep, ``status`` a :class:`~asymptotics.Status` code (converged / max_iterations /
    nonfinite), ``method`` how it was solved, ``elapsed`` the wall time in seconds.
    """

    model: str
    params: Mapping[str, Any]
    times: np.ndarray
    order_parameters: Mapping[str, np.ndarray]
    observables: Mapping[str, np.ndarray]
    status: int
    residual: float
    iterations: int
    method: str
    residual_history: np.ndarray = field(default_factory=lambda: np.empty(0))
    stderr: Mapping[str, np.ndarray] = field(default_factory=dict)
    doc: Mapping[str, str] = field(default_factory=dict, repr=False)
    elapsed: float = 0.0

    _stores = ("observables", "order_parameters")
    _what = "DMFT result"

    @property
    def message(self) -> str:
        code = Status(int(self.status))
        return (f"{code.name.lower()} after {self.iterations} sweep(s), residual {self.residual:.3g}"
                + ("" if code == Status.CONVERGED else f": {code.message}"))

    def index(self, time) -> np.ndarray:
        """Grid indices of the given times (which must lie on the grid, up to rounding)."""
        time = np.asarray(time, dtype=float)
        step = self.times[1] - self.times[0] if self.times.size > 1 else 1.0
        k = np.rint(time / step).astype(int)
        if np.any(k < 0) or np.any(k >= self.times.size) or np.any(
                np.abs(self.times[np.clip(k, 0, self.times.size - 1)] - time) > 1e-8 * (1 + np.abs(time))):
            raise ValueError(f"times must lie on the grid t_k = k * {step:g}, k = 0..{self.times.size - 1}")
        return k

    def at(self, time) -> dict[str, Any]:
        """Observables at grid times (scalars for a scalar time)."""
        k = self.index(time)
        return {name: v[k] for name, v in self.observables.items()}

    def _columns(self) -> dict[str, Any]:
        """``time`` and one column per observable (``<obs>_se`` where sampled)."""
        cols: dict[str, Any] = {"time": self.times}
        for name, v in self.observables.items():
            cols[name] = v
            if name in self.stderr:
                cols[name + "_se"] = self.stderr[name]
        return cols

    def _attrs(self) -> dict[str, Any]:
        return {"model": self.model, "method": self.method, "residual": self.residual,
                "iterations": self.iterations}

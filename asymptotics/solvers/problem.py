"""A batch of root-finding problems, as the solvers see it.

The solvers never see a model: they see a :class:`BatchProblem`, B independent systems of m
equations sharing one compiled form and differing in their parameter values. Every method takes
``index``, the subset of points still being worked on, so a solver only pays for unconverged
points.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

__all__ = ["BatchProblem"]


class BatchProblem:
    """B systems F(u; θ_b) = 0 from one compiled system and per-point parameter values.

    ``values`` maps scalar parameter names to (B,) arrays and array-parameter names to arrays
    shared by every point.
    """

    def __init__(self, compiled, values: Mapping[str, np.ndarray], batch: int):
        self.compiled = compiled
        self.batch = batch
        self.size = compiled.size
        self.lower = compiled.lower
        self.upper = compiled.upper
        scalar = {p.name for p in compiled.params}
        self._scalar = {k: np.broadcast_to(np.asarray(v, dtype=float), (batch,))
                        for k, v in values.items() if k in scalar}
        self._shared = {k: v for k, v in values.items() if k not in scalar}

    def values(self, index=None) -> dict:
        if index is None:
            return {**self._scalar, **self._shared}
        return {**{k: v[index] for k, v in self._scalar.items()}, **self._shared}

    def varying(self) -> list[str]:
        """Names of the scalar parameters that are not constant across the batch."""
        return [k for k, v in self._scalar.items() if v.size > 1 and np.any(v != v[0])]

    def subset(self, index) -> "BatchProblem":
        """The problem restricted to the points ``index``."""
        return BatchProblem(self.compiled, self.values(index), len(index))

    def point(self, b: int) -> dict:
        """Parameter values of point b as Python floats (arrays shared)."""
        return {**{k: float(v[b]) for k, v in self._scalar.items()}, **self._shared}

    @property
    def has_fixed_point_form(self) -> bool:
        return self.compiled.has_fixed_point_form

    def residual(self, u, index):
        return self.compiled.residual(self.values(index), u)

    def residual_jacobian(self, u, index):
        return self.compiled.residual_jacobian(self.values(index), u)

    def fixed_point(self, u, index):
        return self.compiled.fixed_point(self.values(index), u)

    def guess(self):
        return self.compiled.guess(self.values(), self.batch)

    def project(self, u):
        """Clip into the unknowns' declared bounds (used by the fixed-point iterations only)."""
        return np.clip(u, self.lower, self.upper)

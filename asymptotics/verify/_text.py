"""Reading what a user types into verify: the package's safe formula reader, never Python's eval."""

from __future__ import annotations

from typing import Mapping

import sympy as sp

from ..expressions import formula

__all__ = ["read"]


def read(value, names: Mapping[str, sp.Expr] | None = None, what: str = "value") -> sp.Expr:
    """A sympy expression from a string (exact numbers; ``names`` map names to what they stand
    for) or from a number / sympy object."""
    if isinstance(value, str):
        return formula(value, names=names or {}, what=what, allow_infinity=True)
    return sp.sympify(value)

"""Symbolic layer (sympy only): system declarations and average nodes."""

from .nodes import Average, ParamSpace, QuadratureSpace, Space, averages_in, gaussian
from .system import System, Unknown

__all__ = ["Average", "ParamSpace", "QuadratureSpace", "Space", "System", "Unknown", "averages_in",
           "gaussian"]

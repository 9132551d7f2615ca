"""Symbolic layer (sympy only): system declarations and average nodes."""

from .nodes import Average, ParamSpace, QuadratureSpace, Space, averages_in, gaussian, tensor
from .implicit_function import ImplicitFunction, implicit
from .system import Bound, System, Unknown

__all__ = ["Average", "Bound", "ImplicitFunction", "ParamSpace", "QuadratureSpace", "Space", "System",
           "Unknown", "averages_in", "gaussian", "implicit", "tensor"]

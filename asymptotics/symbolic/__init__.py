"""Symbolic layer (sympy only): system declarations and average nodes."""

from .nodes import (Average, ParametricQuadratureSpace, ParamSpace, QuadratureSpace, Space, averages_in,
                    gaussian)
from .functions import Sigmoid, Softplus
from .system import System, Unknown

__all__ = ["Average", "ParamSpace", "ParametricQuadratureSpace", "QuadratureSpace", "Sigmoid", "Softplus",
           "Space", "System", "Unknown", "averages_in", "gaussian"]

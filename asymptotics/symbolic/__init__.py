"""Symbolic layer (sympy only): system declarations and average nodes."""

from .functions import Sigmoid, Softplus, expit, log_ndtr, logcosh, ndtr, softplus
from .nodes import (Average, ParametricQuadratureSpace, ParamSpace, QuadratureSpace, Space, averages_in,
                    gaussian, gaussian_panels)
from .system import System, Unknown

__all__ = ["Average", "ParamSpace", "ParametricQuadratureSpace", "QuadratureSpace", "Sigmoid", "Softplus",
           "Space", "System", "Unknown", "averages_in", "expit", "gaussian", "gaussian_panels",
           "log_ndtr", "logcosh", "ndtr", "softplus"]

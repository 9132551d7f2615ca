"""Symbolic layer (sympy only): system declarations and average nodes."""

from .functions import Sigmoid, Softplus, expit, log_ndtr, logcosh, ndtr, softplus
from .implicit_function import ImplicitFunction, implicit
from .nodes import (Average, ParametricQuadratureSpace, ParamSpace, QuadratureSpace, Space, averages_in,
                    gaussian, gaussian_panels, tensor)
from .system import Bound, System, Unknown

__all__ = ["Average", "Bound", "ImplicitFunction", "ParamSpace", "ParametricQuadratureSpace",
           "QuadratureSpace", "Sigmoid", "Softplus", "Space", "System", "Unknown", "averages_in", "expit",
           "gaussian", "gaussian_panels", "implicit", "log_ndtr", "logcosh", "ndtr", "softplus", "tensor"]

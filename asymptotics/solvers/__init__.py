"""Solvers: they know systems (through BatchProblem) and results, never a model."""

from .continuation import CoarseToFine, Continuation
from .fixed_point import Anderson, Damped
from .newton import Newton
from .precise import Precise, PreciseOutput
from .problem import BatchProblem
from .result import ConvergenceError, Result, SolverOutput, Status

METHODS = {"newton": Newton, "damped": Damped, "anderson": Anderson}

__all__ = ["Anderson", "CoarseToFine", "BatchProblem", "Continuation", "ConvergenceError", "Damped", "METHODS",
           "Newton", "Precise", "PreciseOutput", "Result", "SolverOutput", "Status"]

"""Lowering of sympy function nodes that bring their own numeric implementation.

A sympy Function subclass with classmethods ``numpy_impl()`` / ``mpmath_impl()`` (an implicitly
defined proximal operator, Owen's T, an overflow-safe sigmoid, ...) is lowered by :func:`lambdify`
to the callable they return, found by its class name. codegen and the implicit-function kernels
both lambdify through here, so a node may be used inside another node's equation.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["lowered_functions", "lambdify"]


def lowered_functions(exprs, modules: str) -> dict:
    """``{class name: implementation}`` for the self-lowering function classes in ``exprs``."""
    hook = "numpy_impl" if modules == "numpy" else "mpmath_impl"
    found = {}
    for e in exprs:
        for f in sp.sympify(e).atoms(sp.Function):
            impl = getattr(type(f), hook, None)
            if impl is not None:
                found[type(f).__name__] = impl()
    return found


def lambdify(args, exprs, modules: str, cse: bool | None = None):
    """``sympy.lambdify`` with self-lowering nodes resolved; ``modules`` is "numpy" or "mpmath".

    For numpy, scipy supplies erfc, gammaln, ... as ufuncs (math's scalar versions would break
    batching), and common subexpressions are eliminated unless ``cse=False``.
    """
    single = not isinstance(exprs, (list, tuple))
    exprs = [exprs] if single else list(exprs)
    base = ["scipy", "numpy"] if modules == "numpy" else [modules]
    cse = (modules == "numpy") if cse is None else cse
    fn = sp.lambdify(args, exprs, modules=[lowered_functions(exprs, modules)] + base, cse=cse,
                     dummify=True)
    if single:
        return lambda *a: fn(*a)[0]
    return fn

"""lambdify with self-lowering function nodes, for kernels built inside the symbolic layer.

Function nodes that declare ``numpy_impl`` / ``mpmath_impl`` (stable elementary functions in
:mod:`.functions`, Owen's T, implicitly defined proximal operators) are bound by name, as codegen
binds them (:func:`.functions.implementations`). The implicit-function kernels lambdify their own
equations through here, so a node may be used inside another node's equation.
"""

from __future__ import annotations

import sympy as sp

from .functions import implementations

__all__ = ["lambdify", "lambdify_code"]


def lambdify_code(args, exprs, modules: str, cse: bool | None = None):
    """The generated function of ``exprs`` (a list) as a picklable
    :class:`~asymptotics.runtime.GeneratedFunction` returning a list."""
    from .. import runtime

    base = ["scipy", "numpy"] if modules == "numpy" else [modules]
    custom = implementations(exprs, "numpy" if modules == "numpy" else "mpmath")
    cse = (modules == "numpy") if cse is None else cse
    fn = sp.lambdify(args, list(exprs), modules=([custom] if custom else []) + base, cse=cse, dummify=True)
    return runtime.GeneratedFunction.from_function(fn)


def lambdify(args, exprs, modules: str, cse: bool | None = None):
    """``sympy.lambdify`` for ``modules`` "numpy" (scipy ufuncs first, cse by default) or "mpmath"."""
    single = not isinstance(exprs, (list, tuple))
    exprs = [exprs] if single else list(exprs)
    base = ["scipy", "numpy"] if modules == "numpy" else [modules]
    custom = implementations(exprs, "numpy" if modules == "numpy" else "mpmath")
    cse = (modules == "numpy") if cse is None else cse
    fn = sp.lambdify(args, exprs, modules=([custom] if custom else []) + base, cse=cse, dummify=True)
    if single:
        return lambda *a: fn(*a)[0]
    return fn

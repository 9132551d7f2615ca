"""Implicit functions: the root ``t(a)`` of a scalar equation ``g(t; a) = 0``, as a sympy node.

Proximal operators have no closed form for most losses, yet the equations of convex ERM and
logistic regression are averages of expressions in them. :func:`implicit` declares such a root once
in sympy, e.g. the proximal operator of the logistic loss ``rho(t) = log(1 + e^t)``,

    t, z, lam = sp.symbols("t z lam", real=True)
    prox = implicit("prox_logistic", t, t + lam / (1 + sp.exp(-t)) - z, (z, lam),
                    guess=z - lam / 2, bracket=(z - lam, z))

and ``prox(z, lam)`` is then an ordinary sympy expression:

- **derivatives** come from the implicit function theorem, ``dt/da_k = -g_{a_k}/g_t`` evaluated at
  the root (the result contains the node itself, so second derivatives follow by the chain rule):
  Jacobians of systems that contain proximal operators are generated exactly by ``sympy.diff``;
- **numbers**: codegen lowers the node to a vectorized safeguarded Newton iteration over arrays
  (all quadrature nodes and parameter points at once) whose residual ``g`` and slope ``g_t`` are
  themselves generated from the declaration, and to a scalar mpmath version for ``precision=``.

Requirements: ``g`` must be increasing in ``t`` on the bracket (true for every proximal operator,
``g = t - z + lam * loss'(t)`` with a convex loss). With a ``bracket`` the iteration is globally
convergent (a Newton step leaving the current bracket is replaced by bisection); without one it is
plain Newton from ``guess``. Points where it fails to converge come back as NaN, which the evaluator
flags, never as a silent number.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from .. import runtime
from .lowering import lambdify_code

__all__ = ["ImplicitFunction", "implicit", "implicit_functions_in"]


class ImplicitFunction(sp.Function):
    """Base class of the nodes made by :func:`implicit` (one subclass per declared root)."""

    # Filled in by implicit(): the unknown, the equation g(t; a), the argument symbols a,
    # the guess and the optional bracket (expressions in a).
    _unknown: sp.Symbol
    _equation: sp.Expr
    _arguments: tuple
    _guess: sp.Expr
    _bracket: tuple | None

    @classmethod
    def eval(cls, *args):
        return None  # stays unevaluated; numbers come from the lowered kernels

    def fdiff(self, argindex=1):
        a = self._arguments[argindex - 1]
        g = self._equation
        d = -sp.diff(g, a) / sp.diff(g, self._unknown)
        return d.xreplace(self._substitution())

    def _substitution(self):
        sub = dict(zip(self._arguments, self.args))
        sub[self._unknown] = self
        return sub

    def equation_at(self) -> sp.Expr:
        """``g(self; args)``: zero by definition (used by tests and by derived expressions)."""
        return self._equation.xreplace(self._substitution())

    # -- lowering: codegen binds ``numpy_impl`` / ``mpmath_impl`` by class name ----------------------
    # (set per class by implicit(): callables that build their kernels on first use)

    def _latex(self, printer, exp=None):
        name = self.func.__name__.replace("_", r"\_")
        tex = r"\mathrm{%s}\left(%s\right)" % (name, ", ".join(printer._print(a) for a in self.args))
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)


def implicit(name: str, unknown: sp.Symbol, equation: sp.Expr, arguments: Sequence[sp.Symbol], *,
             guess: sp.Expr, bracket: tuple[sp.Expr, sp.Expr] | None = None) -> type:
    """Declare ``name(*arguments)`` = the root ``t`` of ``equation(t; arguments) = 0``.

    ``guess`` and ``bracket`` are expressions in ``arguments`` (the root must lie in the bracket,
    and ``equation`` must be increasing in ``unknown`` there). Returns a sympy Function class; the
    name must be a valid Python identifier, unique among the implicit functions of a model.
    """
    if not name.isidentifier():
        raise ValueError(f"an implicit function name must be an identifier; got {name!r}")
    arguments = tuple(arguments)
    equation = sp.sympify(equation)
    allowed = set(arguments) | {unknown}
    extra = equation.free_symbols - allowed
    if extra:
        raise ValueError(f"undeclared symbols {sorted(map(str, extra))} in the equation of {name}")
    for e in [guess] + list(bracket or ()):
        extra = sp.sympify(e).free_symbols - set(arguments)
        if extra:
            raise ValueError(f"guess/bracket of {name} may only use its arguments; got {sorted(map(str, extra))}")
    numpy_impl, mpmath_impl = _LazySolver("numpy"), _LazySolver("mpmath")
    attrs = {
        "numpy_impl": staticmethod(numpy_impl),
        "mpmath_impl": staticmethod(mpmath_impl),
        "nargs": len(arguments),
        "_unknown": unknown,
        "_equation": equation,
        "_arguments": arguments,
        "_guess": sp.sympify(guess),
        "_bracket": None if bracket is None else tuple(sp.sympify(b) for b in bracket),
        "__module__": __name__,
    }
    cls = type(name, (ImplicitFunction,), attrs)
    numpy_impl.cls = mpmath_impl.cls = cls
    return cls


def implicit_functions_in(exprs) -> set:
    """The ImplicitFunction classes used in some expressions (including inside averages)."""
    found = set()
    for e in exprs:
        for node in sp.preorder_traversal(sp.sympify(e)):
            if isinstance(node, ImplicitFunction):
                found.add(type(node))
                found |= implicit_functions_in(node.args)
    return found


# -- numeric kernels ---------------------------------------------------------------------------
class _LazySolver:
    """``numpy_impl``/``mpmath_impl`` of an implicit function: builds the solver (generated g, g_t,
    guess, bracket and the safeguarded Newton of :mod:`asymptotics.runtime`) on first use. The
    code cache stores the built solver (``__asymptotics_persist__``), which needs no sympy."""

    def __init__(self, backend: str):
        self.backend = backend
        self.cls = None
        self._solver = None

    def build(self):
        if self._solver is None:
            cls = self.cls
            args = cls._arguments
            t = cls._unknown
            g = lambdify_code((t,) + args, [cls._equation, sp.diff(cls._equation, t)], self.backend)
            guess = lambdify_code(args, [cls._guess], self.backend)
            bracket = (lambdify_code(args, list(cls._bracket), self.backend)
                       if cls._bracket is not None else None)
            make = runtime.ImplicitSolver if self.backend == "numpy" else runtime.ImplicitSolverMP
            self._solver = make(g, guess, bracket)
        return self._solver

    def __asymptotics_persist__(self):
        return self.build()

    def __call__(self, *values):
        return self.build()(*values)

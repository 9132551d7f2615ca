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

import mpmath as mp
import numpy as np
import sympy as sp

from .lowering import lambdify

__all__ = ["ImplicitFunction", "implicit", "implicit_functions_in"]

# Newton stops when the step is below _RTOL (1 + |t|): a few ulps, since convergence is quadratic.
_RTOL = 4 * np.finfo(float).eps
_MAX_ITERATIONS = 100


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
    kernels: dict = {}

    def numpy_impl(*values):
        if "numpy" not in kernels:
            kernels["numpy"] = _numpy_solver(cls)
        return kernels["numpy"](*values)

    def mpmath_impl(*values):
        if "mpmath" not in kernels:
            kernels["mpmath"] = _mpmath_solver(cls)
        return kernels["mpmath"](*values)

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
def _numpy_solver(cls):
    args = cls._arguments
    t = cls._unknown
    g_fn = lambdify((t,) + args, [cls._equation, sp.diff(cls._equation, t)], "numpy")
    guess_fn = lambdify(args, cls._guess, "numpy")
    bracket_fn = lambdify(args, list(cls._bracket), "numpy") if cls._bracket is not None else None

    def solve(*values):
        values = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
        shape = values[0].shape
        with np.errstate(all="ignore"):
            root = np.array(np.broadcast_to(guess_fn(*values), shape), dtype=float)
            if bracket_fn is not None:
                lo, hi = (np.array(np.broadcast_to(b, shape), dtype=float) for b in bracket_fn(*values))
                root = np.where((root > lo) & (root < hi), root, 0.5 * (lo + hi))
            done = np.zeros(shape, dtype=bool)
            for _ in range(_MAX_ITERATIONS):
                f, slope = g_fn(root, *values)
                f = np.broadcast_to(f, shape)
                step = f / slope
                new = root - step
                accept = np.isfinite(new)
                if bracket_fn is not None:
                    # g increasing: a positive residual means the root lies below. A Newton step
                    # is taken only if it stays in the bracket and is at most half the bracket's
                    # previous width (rtsafe's rule): otherwise bisect, so the bracket at least
                    # halves every two iterations and Newton cannot cycle.
                    width = hi - lo
                    hi = np.where(f > 0, root, hi)
                    lo = np.where(f < 0, root, lo)
                    accept &= (new >= lo) & (new <= hi) & (np.abs(step) <= 0.5 * width)
                    new = np.where(accept, new, 0.5 * (lo + hi))
                scale = _RTOL * (1 + np.abs(root))
                # converged: a zero residual, a negligible accepted Newton step, or a collapsed bracket
                small = (f == 0) | (accept & (np.abs(step) <= scale))
                if bracket_fn is not None:
                    small |= (hi - lo) <= scale
                root = np.where(done | (f == 0), root, new)
                done |= small
                if done.all():
                    break
            root = np.where(done & np.isfinite(root), root, np.nan)
        return root if root.ndim else float(root)

    return solve


def _mpmath_solver(cls):
    args = cls._arguments
    t = cls._unknown
    g_fn = lambdify((t,) + args, [cls._equation, sp.diff(cls._equation, t)], "mpmath")
    guess_fn = lambdify(args, cls._guess, "mpmath")
    bracket_fn = lambdify(args, list(cls._bracket), "mpmath") if cls._bracket else None

    def solve(*values):
        values = [v if isinstance(v, mp.mpf) else mp.mpf(v) for v in values]
        root = mp.mpf(guess_fn(*values))
        lo = hi = None
        if bracket_fn is not None:
            lo, hi = (mp.mpf(b) for b in bracket_fn(*values))
            if not lo < root < hi:
                root = (lo + hi) / 2
        tol = mp.mp.eps * 8
        for _ in range(10 * mp.mp.prec):
            f, slope = g_fn(root, *values)
            if f == 0:
                return root
            step = f / slope
            new = root - step
            accept = True
            if lo is not None:
                width = hi - lo
                if f > 0:
                    hi = root
                else:
                    lo = root
                accept = lo <= new <= hi and abs(step) <= width / 2
                if not accept:
                    new = (lo + hi) / 2
            if (accept and abs(step) <= tol * (1 + abs(root))) or (
                    lo is not None and hi - lo <= tol * (1 + abs(root))):
                return new
            root = new
        return mp.nan

    return solve

"""The one seam from sympy to numbers.

:class:`Kernel` turns a list of sympy expressions into a vectorized numpy function over a batch of
parameter points (common subexpressions eliminated, averages lowered to one fused weighted sum per
space), and into an mpmath function for one point. :class:`CompiledSystem` holds the kernels of a
:class:`~asymptotics.symbolic.System`: residual and Jacobian fused in one pass (the Jacobian is
``sympy.diff`` of the residual, never typed by hand), fixed-point map, initial guess, closed-form
solution and observables.

Argument layout: a kernel reads scalar parameters by name from a mapping of 1-D arrays of one
common length B (the batch), unknowns from a ``(B, m)`` array in the system's order, and the arrays
of each space (eigenvalues, quadrature nodes, ...) from the same mapping; it returns a list of
``(B,)`` arrays, one per expression.

Generated code is kept on disk (:mod:`asymptotics.cache`), keyed by the ``srepr`` of the
expressions, the package's sources and versions: a later process loads it (``runtime``) instead of
generating it again. Kernels are generated, and looked up, one at a time on first use, so a model
that is never solved by fixed-point iteration never pays for its fixed-point map.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE

from . import cache, runtime
from .runtime import BoundInfo, KernelCode, Name, NumericSystem, SystemMeta
from .symbolic.functions import implementations
from .symbolic.implicit_function import implicit_functions_in
from .symbolic.nodes import Space, averages_in
from .symbolic.system import System

__all__ = ["Kernel", "CompiledSystem", "compile_system", "system_key"]

# Integer powers up to this order are printed as products: numpy's ``x**(-2.0)`` goes through
# ``pow`` and costs ~10x a multiplication, which dominates sums over large spectra.
_MAX_UNROLLED_POWER = 8


def _numpy_printer():
    class _Printer(NumPyPrinter):
        def _print_Pow(self, expr, rational=False):
            e = expr.exp
            if e.is_Integer and 1 <= abs(int(e)) <= _MAX_UNROLLED_POWER and expr.base.is_commutative:
                base = self.parenthesize(expr.base, PRECEDENCE["Atom"], strict=False)
                prod = "*".join([base] * abs(int(e)))
                return f"({prod})" if e > 0 else f"(1/({prod}))"
            return super()._print_Pow(expr, rational=rational)

    return _Printer({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                     "user_functions": {}})


def _lambdify(args, exprs, modules) -> runtime.GeneratedFunction:
    # cse pays off for numpy (shared subexpressions such as 1/(s + kappa)); mpmath gets plain code.
    # scipy first: special functions (erf, erfc, gamma, ...) become vectorized scipy.special calls
    # instead of math-module scalars; stable nodes (expit, softplus, ...) are bound by name.
    kind = "numpy" if modules == "numpy" else "mpmath"
    custom = implementations(exprs, kind)
    mods = ["scipy", "numpy"] if modules == "numpy" else [modules]
    mods = [custom] + mods if custom else mods
    if modules == "numpy":
        fn = sp.lambdify(args, list(exprs), modules=mods, cse=True, dummify=True,
                         printer=_numpy_printer())
    else:
        fn = sp.lambdify(args, list(exprs), modules=mods, dummify=True)
    return runtime.GeneratedFunction.from_function(fn)


# -- cache keys ---------------------------------------------------------------------------------------
def _text(exprs) -> str:
    """A deterministic text of expressions: srepr, plus the definitions of implicit functions."""
    exprs = [sp.sympify(e) for e in exprs]
    parts = [sp.srepr(e) for e in exprs]
    for cls in sorted(implicit_functions_in(exprs), key=lambda c: c.__name__):
        parts.append(f"implicit {cls.__name__}: " + sp.srepr(
            (cls._unknown, cls._equation, cls._arguments, cls._guess, cls._bracket)))
    return "\n".join(parts)


def _digest(text: str) -> str:
    return cache.key(f"sympy {sp.__version__}", hashlib.sha256(text.encode()).hexdigest())


_KEYS: dict[int, tuple[System, str]] = {}


def system_key(system: System) -> str:
    """The cache key of a system: its declaration (srepr) with the package's sources and versions."""
    hit = _KEYS.get(id(system))
    if hit is not None and hit[0] is system:
        return hit[1]
    parts = ["parameters " + sp.srepr(tuple(system.parameters))]
    for u in system.unknowns:
        parts.append(f"unknown {sp.srepr(u.symbol)} [{u.lower!r}, {u.upper!r}]")
        parts.append(_text([u.guess] + ([u.start] if u.start is not None else [])))
    parts.append("equations\n" + "\n".join(
        f"{sp.srepr(eq.lhs)} = {sp.srepr(eq.rhs)}" if isinstance(eq, sp.Eq) else sp.srepr(eq)
        for eq in system.equations))
    parts.append(_text(system.residuals))
    parts.append("observables " + repr(list(system.observables)))
    parts.append(_text(list(system.observables.values())))
    if system.solution:
        parts.append("solution " + _text([system.solution[s] for s in system.unknown_symbols]))
    parts.append(f"iteration {system.iteration!r}")
    for b in system.bounds:
        value = (system_key(b.value) if isinstance(b.value, System) else _text([b.value]))
        parts.append(f"bound {b.parameter} {b.side} {b.observable!r} {b.meaning!r} {b.name!r} "
                     f"{b.inclusive!r} {value}")
    for k, v in (system.homotopy or {}).items():
        parts.append(f"homotopy {k} " + _text([v]))
    key = _digest("\n".join(parts))
    _KEYS[id(system)] = (system, key)
    return key


# -- kernels --------------------------------------------------------------------------------------------
class Kernel:
    """Vectorized (numpy) and single-point (mpmath) evaluation of sympy expressions.

    ``params`` are the scalar parameter symbols and ``unknowns`` the unknown symbols, in layout
    order. Every :class:`Average` inside the expressions is replaced by a dummy whose value is
    computed first, all averages over one space in one pass. The generated code is looked up in
    the cache (and stored there) on first use.
    """

    def __init__(self, exprs: Sequence[sp.Expr], params: Sequence[sp.Symbol],
                 unknowns: Sequence[sp.Symbol] = (), key: str | None = None):
        self.exprs = tuple(sp.sympify(e) for e in exprs)
        self.params = tuple(params)
        self.unknowns = tuple(unknowns)
        self._key = key
        self._np = None
        self._mp = None
        self._lock = threading.Lock()

    @property
    def key(self) -> str:
        """Cache key (without the backend)."""
        if self._key is None:
            self._key = _digest("kernel\n" + sp.srepr((self.params, self.unknowns)) + "\n"
                                + _text(self.exprs))
        return self._key

    # -- compilation (lazy: a model pays for the mpmath path only if it asks for precision) ------
    def _generate(self, modules) -> KernelCode:
        avgs = averages_in(self.exprs)
        dummies = tuple(sp.Dummy(f"avg{i}") for i in range(len(avgs)))
        repl = dict(zip(avgs, dummies))
        outer_exprs = tuple(e.xreplace(repl) for e in self.exprs)
        groups: dict[Space, list[tuple[int, sp.Expr]]] = {}
        for i, a in enumerate(avgs):
            groups.setdefault(a.space, []).append((i, a.integrand))
        args = self.params + self.unknowns
        outer = _lambdify(args + dummies, outer_exprs, modules)
        spaces = []
        batch_syms = set(args)
        for space, items in groups.items():
            # Averages that depend on no parameter or unknown (a trace, a rank, a normalisation)
            # are the same for every point: computed once per call, not once per point.
            moving = space.nodes_vary  # nodes that move with the parameters vary per point
            varying = [(i, e) for i, e in items if moving or e.free_symbols & batch_syms]
            constant = [(i, e) for i, e in items if not (moving or e.free_symbols & batch_syms)]
            for group, fn_args, per_point in ((varying, tuple(space.components) + args, True),
                                              (constant, tuple(space.components), False)):
                if group:
                    fn = _lambdify(fn_args, [e for _, e in group], modules)
                    spaces.append((space.numeric, tuple(i for i, _ in group), fn, per_point))
        return KernelCode(tuple(p.name for p in self.params), len(self.unknowns), len(dummies),
                          outer, tuple(spaces))

    def code(self, backend: str) -> KernelCode:
        """The generated code for ``backend`` ("numpy" or "mpmath"): cached, else generated."""
        key = f"{self.key}-{backend}"
        hit = runtime.loads(cache.read("kernel", key))
        if isinstance(hit, KernelCode):
            return hit
        code = self._generate(backend)
        data = runtime.dumps(code)
        if data is not None:
            cache.write("kernel", key, data)
        return code

    def _numpy(self) -> KernelCode:
        with self._lock:
            if self._np is None:
                self._np = self.code("numpy")
        return self._np

    def _mpmath(self) -> KernelCode:
        with self._lock:
            if self._mp is None:
                self._mp = self.code("mpmath")
        return self._mp

    def __call__(self, values: Mapping[str, np.ndarray], u: np.ndarray | None = None,
                 batch: int | None = None) -> list[np.ndarray]:
        """Evaluate on a batch. ``values`` maps parameter names to (B,) arrays (or scalars) and
        array-parameter names to their arrays; ``u`` is (B, m)."""
        return self._numpy()(values, u, batch)

    def mp(self, values: Mapping[str, object], u: Sequence = (), dps: int = 30) -> list:
        """Evaluate at one point with mpmath at the current working precision."""
        return self._mpmath().mp(values, u, dps)


# -- systems --------------------------------------------------------------------------------------------
class CompiledSystem(NumericSystem):
    """Numeric kernels of a :class:`System`, each generated (or loaded from the cache) on first use."""

    def __init__(self, system: System):
        self.system = system
        key = system_key(system)
        m = len(system.unknowns)
        bounds = tuple(system.bounds)
        bound_systems = tuple(compile_system(b.value) if isinstance(b.value, System) else None
                              for b in bounds)
        meta = SystemMeta(
            key=key,
            param_names=tuple(p.name for p in system.parameters),
            unknown_names=tuple(u.name for u in system.unknowns),
            lower=tuple(float(u.lower) for u in system.unknowns),
            upper=tuple(float(u.upper) for u in system.unknowns),
            observable_names=tuple(system.observables),
            dynamic=tuple(system.dynamic) if m else (),
            iteration=(system.iteration.name if m and system.iteration is not None else None),
            has_fixed_point=system.fixed_point_map is not None,
            has_solution=bool(system.solution),
            bounds=tuple(BoundInfo(Name(b.parameter.name), b.side, b.observable, b.meaning, b.name,
                                   b.inclusive, sub.key if sub is not None else None)
                         for b, sub in zip(bounds, bound_systems)),
            n_bound_exprs=sum(not isinstance(b.value, System) for b in bounds),
            homotopy_names=tuple(k.name for k in (system.homotopy or {})),
            spaces=tuple(s.numeric for s in system.spaces),
            observable_docs=dict(system.observable_docs),
        )
        super().__init__(meta, lambda: self, bound_systems)
        if cache.read("system", key) is None:
            data = runtime.dumps(meta)
            if data is not None:
                cache.write("system", key, data)
        # Kept for callers that look at the sympy parameters.
        self.params = tuple(system.parameters)
        self.unknowns = system.unknown_symbols

    def _exprs(self, role: str):
        """The sympy expressions of one kernel, with its parameters and unknowns."""
        s = self.system
        params, unknowns = tuple(s.parameters), s.unknown_symbols
        if role == "fj":
            return list(s.residuals) + list(s.jacobian()), params, unknowns
        if role == "f":
            return list(s.residuals), params, unknowns
        if role == "guess":
            return [u.guess for u in s.unknowns], params, ()
        if role == "g":
            return list(s.fixed_point_map), params, unknowns
        if role == "solution":
            return [s.solution[u] for u in unknowns], params, ()
        if role == "start":
            return [s.unknowns[i].start for i in s.dynamic], params, ()
        if role.startswith("step"):
            i = s.dynamic[int(role[4:])]
            return [s.equations[i].rhs], params, unknowns
        if role == "obs":
            return list(s.observables.values()), params, unknowns
        if role == "bounds":
            return [b.value for b in s.bounds if not isinstance(b.value, System)], params, ()
        if role == "homotopy":
            return list((s.homotopy or {}).values()), params, ()
        raise KeyError(role)

    def kernel_code(self, role: str, backend: str) -> KernelCode:
        exprs, params, unknowns = self._exprs(role)
        return Kernel(exprs, params, unknowns, key=f"{self.key}-{role}")._generate(backend)


_CACHE: dict[int, tuple[System, CompiledSystem]] = {}
_CACHE_LOCK = threading.RLock()  # re-entrant: a system compiles the systems of its bounds


def compile_system(system: System) -> CompiledSystem:
    """The (cached) compiled kernels of a system."""
    with _CACHE_LOCK:
        hit = _CACHE.get(id(system))
        if hit is not None and hit[0] is system:
            return hit[1]
        compiled = CompiledSystem(system)
        _CACHE[id(system)] = (system, compiled)
        runtime._LOADED.setdefault(compiled.key, compiled)
        return compiled

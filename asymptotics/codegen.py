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
"""

from __future__ import annotations

import threading
from typing import Mapping, Sequence

import mpmath as mp
import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE

from .symbolic.functions import implementations
from .symbolic.nodes import Space, averages_in
from .symbolic.system import System

__all__ = ["Kernel", "CompiledSystem", "compile_system"]

# Bound on the (point, node) pairs per block when lowering an average: 2**15 float64 is 256 KiB, so
# the few temporaries of a cse'd integrand stay in cache and come from numpy's allocator without
# page faults (measured: a division runs at ~1.4 ns/entry in such blocks, ~9 ns/entry in blocks
# of 2e5 entries).
_CHUNK_ENTRIES = 1 << 15


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


def _lambdify(args, exprs, modules):
    # cse pays off for numpy (shared subexpressions such as 1/(s + kappa)); mpmath gets plain code.
    # scipy first: special functions (erf, erfc, gamma, ...) become vectorized scipy.special calls
    # instead of math-module scalars; stable nodes (expit, softplus, ...) are bound by name.
    kind = "numpy" if modules == "numpy" else "mpmath"
    custom = implementations(exprs, kind)
    mods = ["scipy", "numpy"] if modules == "numpy" else [modules]
    mods = [custom] + mods if custom else mods
    if modules == "numpy":
        return sp.lambdify(args, list(exprs), modules=mods, cse=True, dummify=True,
                           printer=_numpy_printer())
    return sp.lambdify(args, list(exprs), modules=mods, dummify=True)


class Kernel:
    """Vectorized (numpy) and single-point (mpmath) evaluation of sympy expressions.

    ``params`` are the scalar parameter symbols and ``unknowns`` the unknown symbols, in layout
    order. Every :class:`Average` inside the expressions is replaced by a dummy whose value is
    computed first, all averages over one space in one pass.
    """

    def __init__(self, exprs: Sequence[sp.Expr], params: Sequence[sp.Symbol],
                 unknowns: Sequence[sp.Symbol] = ()):
        self.exprs = tuple(sp.sympify(e) for e in exprs)
        self.params = tuple(params)
        self.unknowns = tuple(unknowns)
        avgs = averages_in(self.exprs)
        self._dummies = tuple(sp.Dummy(f"avg{i}") for i in range(len(avgs)))
        repl = dict(zip(avgs, self._dummies))
        self._outer_exprs = tuple(e.xreplace(repl) for e in self.exprs)
        groups: dict[Space, list[tuple[int, sp.Expr]]] = {}
        for i, a in enumerate(avgs):
            groups.setdefault(a.space, []).append((i, a.integrand))
        self._groups = tuple((space, tuple(items)) for space, items in groups.items())
        self._np = None
        self._mp = None
        self._lock = threading.Lock()

    # -- compilation (lazy: a model pays for the mpmath path only if it asks for precision) ------
    def _compile(self, modules):
        args = self.params + self.unknowns
        outer = _lambdify(args + self._dummies, self._outer_exprs, modules)
        spaces = []
        batch_syms = set(args)
        for space, items in self._groups:
            # Averages that depend on no parameter or unknown (a trace, a rank, a normalisation)
            # are the same for every point: computed once per call, not once per point.
            moving = space.nodes_vary  # nodes that move with the parameters vary per point
            varying = [(i, e) for i, e in items if moving or e.free_symbols & batch_syms]
            constant = [(i, e) for i, e in items if not (moving or e.free_symbols & batch_syms)]
            for group, fn_args, per_point in ((varying, tuple(space.components) + args, True),
                                              (constant, tuple(space.components), False)):
                if group:
                    fn = _lambdify(fn_args, [e for _, e in group], modules)
                    spaces.append((space, tuple(i for i, _ in group), fn, per_point))
        return outer, tuple(spaces)

    def _numpy(self):
        with self._lock:
            if self._np is None:
                self._np = self._compile("numpy")
        return self._np

    def _mpmath(self):
        with self._lock:
            if self._mp is None:
                self._mp = self._compile("mpmath")
        return self._mp

    # -- numpy ----------------------------------------------------------------------------------
    def __call__(self, values: Mapping[str, np.ndarray], u: np.ndarray | None = None,
                 batch: int | None = None) -> list[np.ndarray]:
        """Evaluate on a batch. ``values`` maps parameter names to (B,) arrays (or scalars) and
        array-parameter names to their arrays; ``u`` is (B, m)."""
        outer, spaces = self._numpy()
        args = [np.asarray(values[p.name], dtype=float) for p in self.params]
        if self.unknowns:
            u = np.asarray(u, dtype=float)
            args += [u[:, j] for j in range(u.shape[1])]
        if batch is None:
            batch = max([a.size for a in args if a.ndim] + [1])
        args = [a if a.shape == (batch,) else np.broadcast_to(a, (batch,)) for a in args]
        avg_values: list[np.ndarray | None] = [None] * len(self._dummies)
        scalars = {p.name: a for p, a in zip(self.params, args)}
        with np.errstate(all="ignore"):
            scalars = {p.name: a for p, a in zip(self.params, args)}
            for space, indices, fn, per_point in spaces:
                sums = (_space_sums(space, fn, len(indices), args, values, batch, scalars) if per_point
                        else _constant_sums(space, fn, values, batch))
                for i, v in zip(indices, sums):
                    avg_values[i] = v
            out = outer(*args, *avg_values)
        return [o if isinstance(o, np.ndarray) and o.shape == (batch,) and o.dtype == float
                else np.broadcast_to(np.asarray(o, dtype=float), (batch,)) for o in out]

    # -- mpmath ---------------------------------------------------------------------------------
    def mp(self, values: Mapping[str, object], u: Sequence = (), dps: int = 30) -> list:
        """Evaluate at one point with mpmath at the current working precision."""
        outer, spaces = self._mpmath()
        args = [mp.mpf(values[p.name]) if not isinstance(values[p.name], mp.mpf) else values[p.name]
                for p in self.params] + list(u)
        avg_values = [None] * len(self._dummies)
        for space, indices, fn, per_point in spaces:
            comps, weights = space.mp_arrays(values, dps)
            comps = [[mp.mpf(c) if not isinstance(c, mp.mpf) else c for c in comp] for comp in comps]
            k = len(comps[0])
            weights = [mp.mpf(1)] * k if weights is None else [mp.mpf(w) for w in weights]
            sums = [[] for _ in indices]
            for idx in range(k):
                vals = fn(*(comp[idx] for comp in comps), *(args if per_point else ()))
                for j, v in enumerate(vals):
                    sums[j].append(weights[idx] * v)
            for i, terms in zip(indices, sums):
                avg_values[i] = mp.fsum(terms)
        return [mp.mpf(o) if not isinstance(o, (mp.mpf, mp.mpc)) else o
                for o in outer(*args, *avg_values)]


def _constant_sums(space: Space, fn, values, batch: int) -> list[np.ndarray]:
    """Sums of integrands that depend on the space's components only (the same for every point)."""
    comps, weights = space.arrays(values)
    k = comps[0].shape[0]
    out = []
    for v in fn(*comps):
        v = np.broadcast_to(np.asarray(v, dtype=float), (k,))
        total = float(np.einsum("k,k->", v, weights)) if weights is not None else float(v.sum())
        out.append(np.full(batch, total))
    return out


def _space_sums(space: Space, fn, count: int, args, values, batch: int, scalars) -> list[np.ndarray]:
    """Weighted sums over the space for every point of the batch, in cache-sized blocks.

    Blocks hold at most ``_CHUNK_ENTRIES`` (point, node) pairs: several points per block for small
    spaces, and for large spaces (a spectrum of 10^5 eigenvalues) one point and a slice of the
    space, with partial sums accumulated. Larger temporaries are much slower: numpy allocates them
    fresh (page faults) and they fall out of cache. Nodes shared by every point arrive as (K,)
    arrays, nodes that move with the parameters (a parametric quadrature) as (batch, K).
    """
    comps, weights = space.batch_arrays(values, scalars, batch)
    per_point = comps[0].ndim == 2
    k = comps[0].shape[-1]
    rows = max(1, _CHUNK_ENTRIES // max(k, 1))
    cols = max(1, min(k, _CHUNK_ENTRIES))
    out = [np.zeros(batch) for _ in range(count)]
    for start in range(0, batch, rows):
        stop = min(batch, start + rows)
        sub = [a[start:stop].reshape(-1, 1) for a in args]
        for c0 in range(0, k, cols):
            c1 = min(k, c0 + cols)
            if per_point:
                nodes = [c[start:stop, c0:c1] for c in comps]
                w = None if weights is None else weights[start:stop, c0:c1]
            else:
                nodes = [c[c0:c1].reshape(1, -1) for c in comps]
                w = None if weights is None else weights[c0:c1]
            vals = fn(*nodes, *sub)
            for o, v in zip(out, vals):
                if not (isinstance(v, np.ndarray) and v.shape == (stop - start, c1 - c0)):
                    v = np.broadcast_to(np.asarray(v, dtype=float), (stop - start, c1 - c0))
                # einsum, not ``v @ w``: a matrix-vector product may go to a multithreaded BLAS,
                # which gains nothing on this memory-bound sum and collapses on a loaded machine.
                if w is None:
                    o[start:stop] += v.sum(axis=1)
                elif per_point:
                    o[start:stop] += np.einsum("bk,bk->b", v, w)
                else:
                    o[start:stop] += np.einsum("bk,k->b", v, w)
    return out


class CompiledSystem:
    """Numeric kernels generated from a :class:`System` (compiled lazily, cached per system)."""

    def __init__(self, system: System):
        self.system = system
        self.params = tuple(system.parameters)
        self.unknowns = system.unknown_symbols
        self.unknown_names = tuple(u.name for u in system.unknowns)
        self.observable_names = tuple(system.observables)
        m = len(self.unknowns)
        self.size = m
        self.lower = np.array([u.lower for u in system.unknowns], dtype=float)
        self.upper = np.array([u.upper for u in system.unknowns], dtype=float)
        if m:
            jac = system.jacobian()
            self._fj = Kernel(list(system.residuals) + list(jac), self.params, self.unknowns)
            self._f = Kernel(system.residuals, self.params, self.unknowns)
            self._guess = Kernel([u.guess for u in system.unknowns], self.params)
            g = system.fixed_point_map
            self._g = Kernel(g, self.params, self.unknowns) if g is not None else None
            self._solution = (Kernel([system.solution[s] for s in self.unknowns], self.params)
                              if system.solution else None)
            self.dynamic = np.array(system.dynamic, dtype=int)
            self.iteration = system.iteration.name if system.iteration is not None else None
            if self.dynamic.size:
                dyn = [system.unknowns[i] for i in self.dynamic]
                self._start = Kernel([u.start for u in dyn], self.params)
                # one kernel per dynamic unknown: the trajectory updates them in order
                # (Gauss–Seidel), each seeing the new values of those before it
                self._steps = [Kernel([system.equations[i].rhs], self.params, self.unknowns)
                               for i in self.dynamic]
        else:
            self.dynamic = np.array([], dtype=int)
            self.iteration = None
        self._obs = Kernel(list(system.observables.values()), self.params, self.unknowns)
        # Bounds whose value is an expression share one kernel; system-valued ones are compiled
        # (and solved by the evaluator, which knows solvers) on their own.
        self.bounds = tuple(system.bounds)
        exprs = [b.value for b in self.bounds if not isinstance(b.value, System)]
        self._bound_exprs = Kernel(exprs, self.params) if exprs else None
        self.bound_systems = tuple(compile_system(b.value) if isinstance(b.value, System) else None
                                   for b in self.bounds)
        homotopy = dict(system.homotopy or {})
        self.homotopy_names = tuple(k.name for k in homotopy)
        self._homotopy = Kernel(list(homotopy.values()), self.params) if homotopy else None

    def space_size(self, values) -> int:
        """Number of terms of the largest average (after compression): the cost of one point."""
        if not hasattr(self, "_spaces"):
            self._spaces = self.system.spaces  # a sympy traversal: do it once
        sizes = [space.arrays(values)[0][0].shape[-1] for space in self._spaces
                 if not space.nodes_vary]
        return max(sizes, default=0)

    @property
    def has_fixed_point_form(self) -> bool:
        return self.size > 0 and self._g is not None

    @property
    def has_closed_form(self) -> bool:
        return self.size == 0 or self._solution is not None

    def _stack(self, cols, batch):
        return np.stack(cols, axis=-1) if cols else np.empty((batch, 0))

    def residual(self, values, u):
        return self._stack(self._f(values, u, len(u)), len(u))

    def residual_jacobian(self, values, u):
        m, b = self.size, len(u)
        cols = self._fj(values, u, b)
        f = self._stack(cols[:m], b)
        j = np.stack(cols[m:], axis=-1).reshape(b, m, m)
        return f, j

    def fixed_point(self, values, u):
        return self._stack(self._g(values, u, len(u)), len(u))

    def start(self, values, batch):
        """Initial values of the dynamic unknowns, (B, len(dynamic))."""
        return self._stack(self._start(values, None, batch), batch)

    def step(self, values, u):
        """One sweep of the fixed-point map over the dynamic unknowns, in order (Gauss–Seidel):
        returns their new values, (B, len(dynamic))."""
        u = np.array(u, dtype=float)
        for i, kernel in zip(self.dynamic, self._steps):
            u[:, i] = kernel(values, u, len(u))[0]
        return u[:, self.dynamic]

    def start_mp(self, values, dps):
        return self._start.mp(values, (), dps)

    def step_mp(self, values, u, dps):
        u = list(u)
        for i, kernel in zip(self.dynamic, self._steps):
            u[i] = kernel.mp(values, u, dps)[0]
        return [u[i] for i in self.dynamic]

    def guess(self, values, batch):
        return self._stack(self._guess(values, None, batch), batch)

    def closed_form(self, values, batch):
        return self._stack(self._solution(values, None, batch), batch)

    def homotopy_start(self, values, batch) -> dict[str, np.ndarray]:
        """Start values of the homotopy parameters (empty if the system declares none)."""
        if self._homotopy is None:
            return {}
        return dict(zip(self.homotopy_names, self._homotopy(values, None, batch)))

    def bound_expressions(self, values, batch) -> list[np.ndarray]:
        """Values of the expression-valued bounds, in the order of ``bounds`` (system ones skipped)."""
        return self._bound_exprs(values, None, batch) if self._bound_exprs is not None else []

    def observables(self, values, u, batch) -> dict[str, np.ndarray]:
        return dict(zip(self.observable_names, self._obs(values, u, batch)))

    # -- mpmath, one point ---------------------------------------------------------------------
    def residual_mp(self, values, u, dps):
        return self._f.mp(values, u, dps)

    def jacobian_mp(self, values, u, dps):
        m = self.size
        flat = self._fj.mp(values, u, dps)[m:]
        return [[flat[i * m + j] for j in range(m)] for i in range(m)]

    def observables_mp(self, values, u, dps):
        return dict(zip(self.observable_names, self._obs.mp(values, u, dps)))


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
        return compiled

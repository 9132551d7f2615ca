"""Generated numeric code at run time, without sympy.

:mod:`asymptotics.codegen` turns sympy expressions into numpy/mpmath functions once; this module
holds what those functions are once generated, in a form that is stored on disk (see
:mod:`asymptotics.cache`) and loaded back by a process that never imports sympy:

- :class:`GeneratedFunction`: the Python source of one generated function and the names it reads
  (numpy ufuncs, scipy.special functions, the package's stable elementary functions), compiled on
  first call;
- the numeric side of a summation space (:class:`ParamRule`, :class:`FixedRule`,
  :class:`ParametricRule`): where the nodes and weights of an ``Average`` come from;
- :class:`KernelCode`: a batch of expressions with their averages lowered to weighted sums (the
  numeric part of :class:`asymptotics.codegen.Kernel`); :class:`NamedKernel`: the code of a Kernel
  that run-time code builds from a named choice (a loss, an activation), found by that name;
- :class:`NumericSystem`: what the solvers see of a :class:`~asymptotics.symbolic.System`: sizes,
  bounds and kernels (residual + Jacobian, fixed-point map, guess, observables, ...), each kernel
  loaded from the cache or generated on first use;
- numeric implementations of the stable functions of :mod:`asymptotics.symbolic.functions`, of
  Owen's T and the safeguarded Newton iteration behind implicit functions.
"""

from __future__ import annotations

import importlib
import linecache
import marshal
import pickle
import sys
import threading
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from . import cache

__all__ = ["GeneratedFunction", "ParamRule", "FixedRule", "ParametricRule", "KernelCode", "NamedKernel",
           "NumericSystem", "SystemMeta", "BoundInfo", "load_system"]


# -- generated functions ----------------------------------------------------------------------------
_SEARCH = ("numpy", "scipy.special", "numpy.linalg", "math", "mpmath", "builtins")


def _resolve(ref):
    kind = ref[0]
    if kind == "module":
        return importlib.import_module(ref[1])
    if kind == "attr":
        obj = importlib.import_module(ref[1])
        for part in ref[2].split("."):
            obj = getattr(obj, part)
        return obj
    return ref[1]


def _reference(name: str, value):
    """How to find ``value`` (bound to ``name`` in generated code) in another process."""
    if isinstance(value, types.ModuleType):
        return ("module", value.__name__)
    persist = getattr(value, "__asymptotics_persist__", None)
    if persist is not None:
        return ("value", persist())
    for modname in _SEARCH:
        mod = sys.modules.get(modname)
        if mod is not None and getattr(mod, name, None) is value:
            return ("attr", modname, name)
    modname, qual = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if isinstance(modname, str) and isinstance(qual, str) and "<" not in qual:
        try:
            if _resolve(("attr", modname, qual)) is value:
                return ("attr", modname, qual)
        except (ImportError, AttributeError):
            pass
    return ("value", value)


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


class GeneratedFunction:
    """A generated function: its source, its name and the globals it reads; picklable.

    Compiled (``compile`` + ``exec``) on first call, in a namespace rebuilt from references:
    ``("module", name)``, ``("attr", module, qualified name)`` or ``("value", object)``.
    """

    __slots__ = ("source", "name", "refs", "_fn", "_lock", "_code")

    def __init__(self, source: str, name: str, refs: Mapping[str, tuple], fn: Callable | None = None):
        self.source = source
        self.name = name
        self.refs = dict(refs)
        self._fn = fn
        self._lock = threading.Lock()
        self._code = None

    @classmethod
    def from_function(cls, fn) -> "GeneratedFunction":
        """Capture a function made by ``sympy.lambdify`` (its source is in ``linecache``)."""
        code = fn.__code__
        source = "".join(linecache.getlines(code.co_filename))
        if not source:
            raise ValueError("generated function without source")
        glb = fn.__globals__
        refs = {n: _reference(n, glb[n]) for n in sorted(_global_names(code)) if n in glb}
        return cls(source, fn.__name__, refs, fn)

    def _compile(self):
        with self._lock:
            if self._fn is None:
                namespace = {n: _resolve(r) for n, r in self.refs.items()}
                code = None
                if self._code is not None:
                    try:
                        code = marshal.loads(self._code)
                    except (ValueError, EOFError, TypeError):
                        code = None
                if code is None:
                    code = self._compiled()
                exec(code, namespace)
                self._fn = namespace[self.name]
        return self._fn

    def __call__(self, *args):
        fn = self._fn if self._fn is not None else self._compile()
        return fn(*args)

    def _compiled(self):
        return compile(self.source, f"<asymptotics-generated {self.name}>", "exec")

    def __getstate__(self):
        # the byte code too (the cache key includes the Python version): loading skips compile()
        return {"source": self.source, "name": self.name, "refs": self.refs,
                "code": marshal.dumps(self._compiled()), "python": sys.version}

    def __setstate__(self, state):
        self.source, self.name, self.refs = state["source"], state["name"], state["refs"]
        self._code = state.get("code") if state.get("python") == sys.version else None
        self._fn = None
        self._lock = threading.Lock()


# -- numeric spaces ---------------------------------------------------------------------------------
_COMPRESSED: dict[tuple, tuple] = {}


def _compressed(comps: tuple[np.ndarray, ...]):
    """Collapse repeated entries into distinct ones weighted by their multiplicity.

    A spectrum with few distinct eigenvalues (two-level, block structure) then costs as many terms as
    it has distinct (eigenvalue, target) pairs, not p. Kept only when it saves at least half the
    terms; cached per array object (parameter arrays are read-only once validated).
    """
    key = tuple((id(c), c.size) for c in comps)
    hit = _COMPRESSED.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], comps)):
        return hit[1]
    # Cheap exit first: a spectrum with many distinct values of any component cannot compress.
    if any(2 * np.unique(c).size > c.size for c in comps):
        rows = None
    else:
        stacked = np.stack([np.ravel(c) for c in comps], axis=1)
        rows, counts = np.unique(stacked, axis=0, return_counts=True)
    if rows is not None and 2 * len(rows) <= comps[0].size:
        out = tuple(np.ascontiguousarray(rows[:, j]) for j in range(rows.shape[1])), counts.astype(float)
    else:
        out = comps, None
    if all(not c.flags.writeable for c in comps):
        if len(_COMPRESSED) > 16:
            _COMPRESSED.clear()
        _COMPRESSED[key] = (comps, out)
    return out


@dataclass(frozen=True)
class ParamRule:
    """Components bound to array parameters (``bindings``: their names), optionally weighted."""

    name: str
    bindings: tuple[str, ...]
    weights: str | None = None
    nodes_vary = False

    def arrays(self, params):
        comps = tuple(np.asarray(params[name], dtype=float) for name in self.bindings)
        if self.weights is None:
            return _compressed(comps)
        weights = np.asarray(params[self.weights], dtype=float)
        # unit weights are a plain sum (and may then compress repeated entries)
        return _compressed(comps) if np.all(weights == 1.0) else (comps, weights)

    def mp_arrays(self, params, dps):
        return self.arrays(params)

    def batch_arrays(self, params, scalars, batch):
        return self.arrays(params)


@dataclass(frozen=True)
class FixedRule:
    """Fixed quadrature nodes and weights: ``rule()`` and, for ``precision=``, ``mp_rule(dps)``."""

    name: str
    rule: Callable[[], tuple]
    mp_rule: Callable[[int], tuple] | None = None
    nodes_vary = False

    def arrays(self, params):
        return self.rule()

    def mp_arrays(self, params, dps):
        return self.rule() if self.mp_rule is None else self.mp_rule(dps)

    def batch_arrays(self, params, scalars, batch):
        return self.rule()


@dataclass(frozen=True)
class ParametricRule:
    """Nodes and weights that depend on scalar parameters: ``rule(**{name: (B,) array})``."""

    name: str
    parameters: tuple[str, ...]
    rule: Callable[..., tuple]
    nodes_vary = True

    def batch_arrays(self, params, scalars, batch):
        args = {p: np.broadcast_to(np.asarray(scalars[p], dtype=float), (batch,)) for p in self.parameters}
        comps, weights = self.rule(**args)
        comps = tuple(np.broadcast_to(np.asarray(c, dtype=float), np.shape(weights)) for c in comps)
        return comps, np.asarray(weights, dtype=float)

    def arrays(self, params):
        comps, weights = self.batch_arrays(params, params, 1)
        return tuple(c[0] for c in comps), weights[0]

    def mp_arrays(self, params, dps):
        return self.arrays({p: float(params[p]) for p in self.parameters})


# -- kernels ----------------------------------------------------------------------------------------
# Bound on the (point, node) pairs per block when lowering an average: 2**15 float64 is 256 KiB, so
# the few temporaries of a cse'd integrand stay in cache and come from numpy's allocator without
# page faults (measured: a division runs at ~1.4 ns/entry in such blocks, ~9 ns/entry in blocks
# of 2e5 entries).
_CHUNK_ENTRIES = 1 << 15


@dataclass
class KernelCode:
    """Generated code of a batch of expressions: ``outer`` reads the parameters, the unknowns and
    the values of the averages; ``spaces`` lists ``(rule, indices, fn, per_point)``, one function
    per space (``per_point`` False for sums that depend on no parameter: computed once per call)."""

    param_names: tuple[str, ...]
    n_unknowns: int
    n_averages: int
    outer: Callable
    spaces: tuple

    def __call__(self, values: Mapping[str, np.ndarray], u: np.ndarray | None = None,
                 batch: int | None = None) -> list[np.ndarray]:
        args = [np.asarray(values[p], dtype=float) for p in self.param_names]
        if self.n_unknowns:
            u = np.asarray(u, dtype=float)
            args += [u[:, j] for j in range(u.shape[1])]
        if batch is None:
            batch = max([a.size for a in args if a.ndim] + [1])
        args = [a if a.shape == (batch,) else np.broadcast_to(a, (batch,)) for a in args]
        avg_values: list[np.ndarray | None] = [None] * self.n_averages
        with np.errstate(all="ignore"):
            scalars = dict(zip(self.param_names, args))
            for rule, indices, fn, per_point in self.spaces:
                sums = (_space_sums(rule, fn, len(indices), args, values, batch, scalars) if per_point
                        else _constant_sums(rule, fn, values, batch))
                for i, v in zip(indices, sums):
                    avg_values[i] = v
            out = self.outer(*args, *avg_values)
        return [o if isinstance(o, np.ndarray) and o.shape == (batch,) and o.dtype == float
                else np.broadcast_to(np.asarray(o, dtype=float), (batch,)) for o in out]

    def mp(self, values: Mapping[str, object], u=(), dps: int = 30) -> list:
        """Evaluate at one point with mpmath (this kernel must hold mpmath code)."""
        import mpmath as mp

        args = [mp.mpf(values[p]) if not isinstance(values[p], mp.mpf) else values[p]
                for p in self.param_names] + list(u)
        avg_values = [None] * self.n_averages
        for rule, indices, fn, per_point in self.spaces:
            comps, weights = rule.mp_arrays(values, dps)
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
                for o in self.outer(*args, *avg_values)]


def _constant_sums(rule, fn, values, batch: int) -> list[np.ndarray]:
    """Sums of integrands that depend on the space's components only (the same for every point)."""
    comps, weights = rule.arrays(values)
    k = comps[0].shape[0]
    out = []
    for v in fn(*comps):
        v = np.broadcast_to(np.asarray(v, dtype=float), (k,))
        total = float(np.einsum("k,k->", v, weights)) if weights is not None else float(v.sum())
        out.append(np.full(batch, total))
    return out


def _space_sums(rule, fn, count: int, args, values, batch: int, scalars) -> list[np.ndarray]:
    """Weighted sums over the space for every point of the batch, in cache-sized blocks.

    Blocks hold at most ``_CHUNK_ENTRIES`` (point, node) pairs: several points per block for small
    spaces, and for large spaces (a spectrum of 10^5 eigenvalues) one point and a slice of the
    space, with partial sums accumulated. Larger temporaries are much slower: numpy allocates them
    fresh (page faults) and they fall out of cache. Nodes shared by every point arrive as (K,)
    arrays, nodes that move with the parameters (a parametric quadrature) as (batch, K).
    """
    comps, weights = rule.batch_arrays(values, scalars, batch)
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


class NamedKernel:
    """The numpy code of a :class:`~asymptotics.codegen.Kernel` known by a name: ``kind`` and
    ``parts`` (strings: the choices it is built from, e.g. a loss and a teacher).

    Run-time code that builds a Kernel from a named choice (a loss of the vocabulary, an
    activation) would import sympy in every process. Instead, the first process calls ``build()``
    (which may import sympy and returns the Kernel), generates its code and records the Kernel's
    key under the name (with the source fingerprint, like every cache key); later processes read
    the key and load the generated code without sympy. Without a cache (or after ``clear_cache``)
    it builds again: slower, never different. Called like the Kernel (``values, u, batch``)."""

    __slots__ = ("kind", "parts", "_build", "_code", "_lock")
    _LOADED: dict = {}  # cache entry -> KernelCode, for this process (entries carry the fingerprint)

    def __init__(self, kind: str, parts: tuple, build: Callable[[], Any]):
        self.kind, self.parts, self._build = kind, tuple(str(p) for p in parts), build
        self._code = None
        self._lock = threading.Lock()

    def code(self) -> KernelCode:
        with self._lock:
            if self._code is None:
                entry = cache.key("named-kernel", self.kind, *self.parts)
                code = NamedKernel._LOADED.get(entry)
                if code is None:
                    raw = cache.read("named-kernel", entry)
                    if raw is not None:
                        code = loads(cache.read("kernel", raw.decode("ascii", "replace") + "-numpy"))
                if not isinstance(code, KernelCode):
                    kernel = self._build()
                    code = kernel.code("numpy")  # generated and stored under the Kernel's own key
                    cache.write("named-kernel", entry, kernel.key.encode("ascii"))
                NamedKernel._LOADED[entry] = code
                self._code = code
        return self._code

    def __call__(self, values: Mapping[str, np.ndarray], u: np.ndarray | None = None,
                 batch: int | None = None) -> list[np.ndarray]:
        return self.code()(values, u, batch)


def dumps(obj) -> bytes | None:
    """Pickle for the cache; None if some part cannot be stored (e.g. a lambda rule)."""
    try:
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):
        return None


def loads(data: bytes | None):
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # a damaged or incompatible entry is a miss, never an error
        return None


# -- systems ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Name:
    """A parameter as the solvers see it: only its name (``.name``, like a sympy symbol)."""

    name: str


@dataclass(frozen=True)
class BoundInfo:
    """A :class:`~asymptotics.symbolic.Bound` without its sympy expression."""

    parameter: Name
    side: str
    observable: str = ""
    meaning: str = ""
    name: str = ""
    inclusive: bool = False
    system: str | None = None  # key of the system whose observable is the bound, if any


@dataclass(frozen=True)
class SystemMeta:
    """Everything about a compiled system except its kernels (picklable, sympy-free)."""

    key: str
    param_names: tuple[str, ...]
    unknown_names: tuple[str, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    observable_names: tuple[str, ...]
    dynamic: tuple[int, ...]
    iteration: str | None
    has_fixed_point: bool
    has_solution: bool
    bounds: tuple[BoundInfo, ...]
    n_bound_exprs: int
    homotopy_names: tuple[str, ...]
    spaces: tuple = ()  # numeric rules of the system's averages (for space_size)
    observable_docs: Mapping[str, str] = field(default_factory=dict)


def _kernel_key(system_key: str, role: str, backend: str) -> str:
    return f"{system_key}-{role}-{backend}"


class NumericSystem:
    """The kernels of a system, loaded from the cache or generated on first use.

    ``generator()`` returns the sympy side (an object with ``kernel_code(role, backend)``), called
    only for a kernel that is not in the cache; None means the kernels must all be cached.
    """

    def __init__(self, meta: SystemMeta, generator: Callable[[], Any] | None = None,
                 bound_systems: tuple = ()):
        self.meta = meta
        self.key = meta.key
        self._generator = generator
        self._kernels: dict[tuple[str, str], KernelCode] = {}
        self._lock = threading.RLock()
        self.params = tuple(Name(n) for n in meta.param_names)
        self.unknown_names = meta.unknown_names
        self.observable_names = meta.observable_names
        self.size = len(meta.unknown_names)
        self.lower = np.array(meta.lower, dtype=float)
        self.upper = np.array(meta.upper, dtype=float)
        self.dynamic = np.array(meta.dynamic, dtype=int)
        self.iteration = meta.iteration
        self.bounds = meta.bounds
        self.bound_systems = tuple(bound_systems)
        self.homotopy_names = meta.homotopy_names

    # -- kernels ----------------------------------------------------------------------------------
    def kernel(self, role: str, backend: str = "numpy") -> KernelCode:
        hit = self._kernels.get((role, backend))
        if hit is not None:
            return hit
        with self._lock:
            hit = self._kernels.get((role, backend))
            if hit is None:
                key = _kernel_key(self.key, role, backend)
                hit = loads(cache.read("kernel", key))
                if not isinstance(hit, KernelCode):
                    if self._generator is None:
                        raise LookupError(f"kernel {role}/{backend} of system {self.key[:12]} is not cached")
                    hit = self._generator().kernel_code(role, backend)
                    data = dumps(hit)
                    if data is not None:
                        cache.write("kernel", key, data)
                self._kernels[(role, backend)] = hit
        return hit

    def _call(self, role, values, u, batch):
        return self.kernel(role)(values, u, batch)

    # -- what the solvers use -----------------------------------------------------------------------
    def space_size(self, values) -> int:
        """Number of terms of the largest average (after compression): the cost of one point."""
        sizes = [rule.arrays(values)[0][0].shape[-1] for rule in self.meta.spaces if not rule.nodes_vary]
        return max(sizes, default=0)

    @property
    def has_fixed_point_form(self) -> bool:
        return self.size > 0 and self.meta.has_fixed_point

    @property
    def has_closed_form(self) -> bool:
        return self.size == 0 or self.meta.has_solution

    def _stack(self, cols, batch):
        return np.stack(cols, axis=-1) if cols else np.empty((batch, 0))

    def residual(self, values, u):
        return self._stack(self._call("f", values, u, len(u)), len(u))

    def residual_jacobian(self, values, u):
        m, b = self.size, len(u)
        cols = self._call("fj", values, u, b)
        f = self._stack(cols[:m], b)
        j = np.stack(cols[m:], axis=-1).reshape(b, m, m)
        return f, j

    def fixed_point(self, values, u):
        return self._stack(self._call("g", values, u, len(u)), len(u))

    def start(self, values, batch):
        """Initial values of the dynamic unknowns, (B, len(dynamic))."""
        return self._stack(self._call("start", values, None, batch), batch)

    def step(self, values, u):
        """One sweep of the fixed-point map over the dynamic unknowns, in order (Gauss–Seidel):
        returns their new values, (B, len(dynamic))."""
        u = np.array(u, dtype=float)
        for j, i in enumerate(self.dynamic):
            u[:, i] = self._call(f"step{j}", values, u, len(u))[0]
        return u[:, self.dynamic]

    def start_mp(self, values, dps):
        return self.kernel("start", "mpmath").mp(values, (), dps)

    def step_mp(self, values, u, dps):
        u = list(u)
        for j, i in enumerate(self.dynamic):
            u[i] = self.kernel(f"step{j}", "mpmath").mp(values, u, dps)[0]
        return [u[i] for i in self.dynamic]

    def guess(self, values, batch):
        return self._stack(self._call("guess", values, None, batch), batch)

    def closed_form(self, values, batch):
        return self._stack(self._call("solution", values, None, batch), batch)

    def homotopy_start(self, values, batch) -> dict[str, np.ndarray]:
        """Start values of the homotopy parameters (empty if the system declares none)."""
        if not self.homotopy_names:
            return {}
        return dict(zip(self.homotopy_names, self._call("homotopy", values, None, batch)))

    def bound_expressions(self, values, batch) -> list[np.ndarray]:
        """Values of the expression-valued bounds, in the order of ``bounds`` (system ones skipped)."""
        return self._call("bounds", values, None, batch) if self.meta.n_bound_exprs else []

    def observables(self, values, u, batch) -> dict[str, np.ndarray]:
        return dict(zip(self.observable_names, self._call("obs", values, u, batch)))

    def residual_mp(self, values, u, dps):
        return self.kernel("f", "mpmath").mp(values, u, dps)

    def jacobian_mp(self, values, u, dps):
        m = self.size
        flat = self.kernel("fj", "mpmath").mp(values, u, dps)[m:]
        return [[flat[i * m + j] for j in range(m)] for i in range(m)]

    def observables_mp(self, values, u, dps):
        return dict(zip(self.observable_names, self.kernel("obs", "mpmath").mp(values, u, dps)))


_LOADED: dict[str, NumericSystem] = {}


def load_system(key: str, generator: Callable[[], Any] | None = None) -> NumericSystem | None:
    """The system stored under ``key`` (its bound systems too), or None if it is not cached.

    ``generator()``, called only if a kernel is missing, returns the compiled sympy system
    (:class:`asymptotics.codegen.CompiledSystem`) that generates it.
    """
    hit = _LOADED.get(key)
    if hit is not None:
        if hit._generator is None and generator is not None:
            hit._generator = generator
        return hit
    meta = loads(cache.read("system", key))
    if not isinstance(meta, SystemMeta):
        return None
    subs = []
    for i, b in enumerate(meta.bounds):
        if b.system is None:
            subs.append(None)
            continue
        sub_gen = None if generator is None else (lambda i=i: generator().bound_systems[i])
        sub = load_system(b.system, sub_gen)
        if sub is None:
            return None
        subs.append(sub)
    system = NumericSystem(meta, generator, tuple(subs))
    _LOADED[key] = system
    return system


# -- stable elementary functions (the numeric side of asymptotics.symbolic.functions) ---------------
def np_expit(x):
    from scipy.special import expit

    return expit(x)


def np_softplus(x):
    return np.logaddexp(0.0, x)


def np_logcosh(x):
    a = np.abs(x)
    return a + np.log1p(np.exp(-2.0 * a)) - np.log(2.0)


def np_ndtr(x):
    from scipy.special import ndtr

    return ndtr(x)


def np_log_ndtr(x):
    from scipy.special import log_ndtr

    return log_ndtr(x)


def np_owens_t(h, a):
    from scipy.special import owens_t

    return owens_t(h, a)


def mp_expit(x):
    import mpmath as mp

    return 1 / (1 + mp.exp(-x))


def mp_softplus(x):
    import mpmath as mp

    return mp.log1p(mp.exp(x))


def mp_logcosh(x):
    import mpmath as mp

    return mp.log(mp.cosh(x))


def mp_ndtr(x):
    import mpmath as mp

    return mp.ncdf(x)


def mp_log_ndtr(x):
    import mpmath as mp

    return mp.log(mp.ncdf(x))


def mp_owens_t(h, a):
    import mpmath as mp

    h, a = mp.mpf(h), mp.mpf(a)
    return mp.quad(lambda x: mp.exp(-h ** 2 * (1 + x ** 2) / 2) / (1 + x ** 2), [0, a]) / (2 * mp.pi)


# -- implicit functions: safeguarded Newton on generated g, g_t ----------------------------------------
# Newton stops when the step is below _RTOL (1 + |t|): a few ulps, since convergence is quadratic.
_RTOL = 4 * np.finfo(float).eps
_MAX_ITERATIONS = 100


@dataclass
class ImplicitSolver:
    """The root t(a) of g(t; a) = 0 for arrays of arguments (``g`` returns ``[g, g_t]``).

    ``g`` must be increasing in t on the bracket. With a bracket the iteration is globally
    convergent (a Newton step leaving the bracket, or longer than half its previous width, is
    replaced by bisection: rtsafe's rule); without one it is plain Newton from the guess. Points
    that do not converge are NaN.
    """

    g: Callable
    guess: Callable
    bracket: Callable | None = None

    def __call__(self, *values):
        values = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
        shape = values[0].shape
        with np.errstate(all="ignore"):
            root = np.array(np.broadcast_to(self.guess(*values)[0], shape), dtype=float)
            if self.bracket is not None:
                lo, hi = (np.array(np.broadcast_to(b, shape), dtype=float) for b in self.bracket(*values))
                root = np.where((root > lo) & (root < hi), root, 0.5 * (lo + hi))
            done = np.zeros(shape, dtype=bool)
            for _ in range(_MAX_ITERATIONS):
                f, slope = self.g(root, *values)
                f = np.broadcast_to(f, shape)
                step = f / slope
                new = root - step
                accept = np.isfinite(new)
                if self.bracket is not None:
                    # g increasing: a positive residual means the root lies below.
                    width = hi - lo
                    hi = np.where(f > 0, root, hi)
                    lo = np.where(f < 0, root, lo)
                    accept &= (new >= lo) & (new <= hi) & (np.abs(step) <= 0.5 * width)
                    new = np.where(accept, new, 0.5 * (lo + hi))
                scale = _RTOL * (1 + np.abs(root))
                # converged: a zero residual, a negligible accepted Newton step, or a collapsed bracket
                small = (f == 0) | (accept & (np.abs(step) <= scale))
                if self.bracket is not None:
                    small |= (hi - lo) <= scale
                root = np.where(done | (f == 0), root, new)
                done |= small
                if done.all():
                    break
            root = np.where(done & np.isfinite(root), root, np.nan)
        return root if root.ndim else float(root)


@dataclass
class ImplicitSolverMP:
    """The same root at one point in mpmath (working precision), by safeguarded Newton."""

    g: Callable
    guess: Callable
    bracket: Callable | None = None

    def __call__(self, *values):
        import mpmath as mp

        values = [v if isinstance(v, mp.mpf) else mp.mpf(v) for v in values]
        root = mp.mpf(self.guess(*values)[0])
        lo = hi = None
        if self.bracket is not None:
            lo, hi = (mp.mpf(b) for b in self.bracket(*values))
            if not lo < root < hi:
                root = (lo + hi) / 2
        tol = mp.mp.eps * 8
        for _ in range(10 * mp.mp.prec):
            f, slope = self.g(root, *values)
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

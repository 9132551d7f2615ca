"""Model declarations kept in the code cache, so that a warm process evaluates without sympy.

A model file declares its equations with sympy at import time (building its ``System`` objects),
and importing sympy alone costs more than numpy and scipy together. The generated code of the
equations is cached (:mod:`asymptotics.cache`), but a process that imports the model file still
pays for sympy and for building the systems. So after a model has been evaluated once, its
declaration *minus the sympy systems* is stored too, as its "front":

- the :class:`~asymptotics.models.Model` with its variants, Params dataclasses (domains, defaults,
  ``check``/``expand``), ``prepare`` and numeric ``compute`` functions, serialized **by value** with
  ``cloudpickle`` (the functions and classes of the model file, as they were);
- for each variant, in place of its ``System``, a :class:`SystemRef`: the cache key of the
  compiled system, and for variants whose equations depend on a choice (``loss=``, ``prior=``, ...)
  one key per choice seen so far.

A later process that asks for the model before importing its file loads the front (a few ms) and
the cached kernels, and evaluates without importing sympy or the model file. The front is keyed by
the package's source fingerprint (any edit of any source file invalidates it) and the Python and
cloudpickle versions; anything missing (a choice not seen yet, a kernel not generated yet, an
unreadable entry) falls back to importing the model file, which then records what it generated.

What a front leaves out. Functions pickled by value carry the globals their code names, and
attribute names count (``p.noise`` names the module's sympy Symbol ``noise``); the model's ``MODEL``
holds its Systems. So, when a front is written, every sympy object, every object of
:mod:`asymptotics.symbolic` and every sympy function or class is replaced by an *absent* stand-in,
sympy modules by a module imported on first attribute access, and functions of package modules
that import sympy at import time (``measures``, ``kernels``, ...) by a reference imported on first
call. A stand-in that is used (called, computed with, converted, asked for an attribute) raises
:class:`FrontIncomplete`; ``evaluate``/``curve``/``optimize`` then forget the front for the process
and run through the model file: a front is a shortcut, never a different computation.

Contract this relies on (checked by tests/test_first_minute.py for every registered model): a
variant's ``system(params)`` callable depends only on the variant's choice parameters (strings).
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import pathlib
import pickle
import sys
import threading
import types

from . import cache, runtime

__all__ = ["SystemRef", "FrontIncomplete", "lookup", "record", "forget", "choice_key"]

_KIND = "front"
_LOCK = threading.Lock()
_LOADED: dict[str, object] = {}
_RECORDED: set = set()


@dataclasses.dataclass(frozen=True)
class SystemRef:
    """Stands in for a variant's System in a front: compiled-system keys by choice values."""

    keys: tuple = ()  # ((choice key, system key), ...)

    def key_for(self, choices: tuple) -> str | None:
        return dict(self.keys).get(choices)

    def __call__(self, params):
        # Variant.system_for on a front: the sympy system is not here (see lookup's fallback).
        raise LookupError("a model loaded from the code cache has no sympy system")


def choice_key(variant, params) -> tuple | None:
    """The values of the variant's choice parameters (None if one is not a plain string)."""
    out = []
    for name, spec in variant.param_specs.items():
        if spec.is_choice:
            value = getattr(params, name)
            if value is not None and not isinstance(value, str):
                return None
            out.append((name, value))
    return tuple(out)


def _key(name: str) -> str:
    import cloudpickle

    return cache.key(_KIND, name, f"cloudpickle {cloudpickle.__version__}")


class FrontIncomplete(LookupError):
    """A front's function used an object the front left out (see the module docstring)."""


def forget(name: str) -> None:
    """Do not use the front of model ``name`` again in this process (it lacked something)."""
    _LOADED[name] = _FORGOTTEN


_FORGOTTEN = ("", None)


def lookup(name: str):
    """The front of model ``name`` if it is cached and its model file is not imported; else None."""
    if not isinstance(name, str) or not cache.enabled():
        return None
    hit = _LOADED.get(name)
    if hit is _FORGOTTEN:
        return None
    if hit is not None:
        return hit if hit[0] not in sys.modules else None
    try:
        raw = cache.read(_KIND, _key(name))
    except ImportError:  # no cloudpickle: no fronts
        return None
    if raw is None:
        return None
    try:
        module, payload = pickle.loads(raw)
        if module in sys.modules:
            return None
        model = pickle.loads(payload)
    except Exception:  # an unreadable or stale front is a miss
        return None
    _LOADED[name] = (module, model)
    return module, model


def record(model, variant, params, compiled) -> None:
    """After an evaluation through the model file: store (or extend) the model's front."""
    if not cache.enabled() or variant.compute is None and compiled is None:
        return
    choices = choice_key(variant, params) if not variant.is_numeric else ()
    if choices is None:
        return
    tag = (model.name, variant.name, choices)
    if tag in _RECORDED:
        return
    _RECORDED.add(tag)
    module = variant.params.__module__
    if not module.startswith("asymptotics.models."):
        return  # a model defined elsewhere (a test, a user script): not cached
    try:
        import cloudpickle
    except ImportError:
        return
    with _LOCK:
        old = None
        raw = cache.read(_KIND, _key(model.name))
        if raw is not None:
            try:
                old = pickle.loads(pickle.loads(raw)[1])
            except Exception:
                old = None
        if variant.is_numeric and old is not None:
            return  # nothing to add: a numeric variant has no system keys
        old_refs = {}
        if old is not None:
            old_refs = {v.name: v.system for v in old.variants if isinstance(v.system, SystemRef)}
        variants = []
        for v in model.variants:
            if v.is_numeric:
                variants.append(v)
                continue
            keys = dict(old_refs.get(v.name, SystemRef()).keys)
            if v.name == variant.name:
                if keys.get(choices) == compiled.key:
                    return  # already recorded by an earlier process
                keys[choices] = compiled.key
            variants.append(dataclasses.replace(v, system=SystemRef(tuple(keys.items()))))
        front = dataclasses.replace(model, variants=tuple(variants))
        # The model file and its private helpers (``_amp``, ``_classification``, ...) by value: they
        # import sympy, so a reference to them would import it again when the front is loaded.
        # Every model module loaded (the model's own, its private helpers and the models it builds
        # on, e.g. lasso's Params for basis-pursuit) by value: a reference would import the file.
        mods = [m for n, m in list(sys.modules.items())
                if n.startswith("asymptotics.models.") and n != "asymptotics.models._registry"]
        try:
            for m in mods:
                cloudpickle.register_pickle_by_value(m)
                _BY_VALUE.add(m.__name__)
            try:
                payload = _dumps(cloudpickle, front, {id(model): front})
            finally:
                for m in mods:
                    cloudpickle.unregister_pickle_by_value(m)
                    _BY_VALUE.discard(m.__name__)
        except Exception:  # something in the model cannot be stored: no front, no harm
            return
        cache.write(_KIND, _key(model.name), pickle.dumps((module, payload)))


def _missing():
    return dataclasses.MISSING


class _Absent:
    """Stands in for an object a front leaves out (a sympy expression, a System, ...): carried
    along freely, but any use raises :class:`FrontIncomplete` (hash and ``==`` stay identity, so
    dictionaries holding it can be rebuilt)."""

    __slots__ = ("_what",)

    def __init__(self, what: str):
        object.__setattr__(self, "_what", what)

    def __repr__(self):
        return f"<{self._what}: left out of the cached front>"

    def __reduce__(self):
        return _Absent, (self._what,)

    def _use(self, *args, **kwargs):
        raise FrontIncomplete(f"{self._what} is not in the model's cached front")

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):  # protocol probes (copy, numpy, ...)
            raise AttributeError(name)
        self._use()

    __setattr__ = __delattr__ = __call__ = __getitem__ = __setitem__ = __iter__ = __len__ = _use
    __contains__ = __bool__ = __float__ = __int__ = __index__ = __complex__ = __str__ = _use
    __format__ = __lt__ = __le__ = __gt__ = __ge__ = __neg__ = __pos__ = __abs__ = _use
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = _use
    __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = _use
    __matmul__ = __rmatmul__ = __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = _use
    __instancecheck__ = __subclasscheck__ = __array__ = __array_ufunc__ = _use


class _AbsentSymbol(_Absent):
    """A sympy Symbol left out of a front: its ``name`` (and ``str``) are kept, as runtime code
    reads a symbol's name to find its column; any other use raises :class:`FrontIncomplete`."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        super().__init__(f"the sympy Symbol {name!r}")
        object.__setattr__(self, "name", name)

    def __reduce__(self):
        return _AbsentSymbol, (self.name,)

    def __str__(self):
        return self.name


def _lazy_module(name: str):
    return _LazyModule(name)


class _LazyModule(types.ModuleType):
    """A module imported on first attribute access (``sp`` in a front's functions)."""

    def __init__(self, name: str):
        super().__init__(name)

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(importlib.import_module(self.__name__), attr)

    def __reduce__(self):
        return _lazy_module, (self.__name__,)


def _lazy_function(module: str, qualname: str):
    def call(*args, **kwargs):
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj(*args, **kwargs)

    call.__name__ = call.__qualname__ = qualname
    call.__module__ = module
    call._front_lazy = (module, qualname)
    return call


def _cached_kernel(key: str):
    return _CachedKernel(key)


class _CachedKernel:
    """A :class:`~asymptotics.codegen.Kernel` of a model file (a module-level helper kernel) in a
    front: its numpy code from the code cache, by key; anything else is a :class:`FrontIncomplete`."""

    __slots__ = ("key", "_code")

    def __init__(self, key: str):
        self.key, self._code = key, None

    def __reduce__(self):
        return _cached_kernel, (self.key,)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise FrontIncomplete(f"kernel {self.key[:12]}: '{name}' is not in the model's cached front")

    def __call__(self, values, u=None, batch=None):
        if self._code is None:
            code = runtime.loads(cache.read("kernel", f"{self.key}-numpy"))
            if not isinstance(code, runtime.KernelCode):
                raise FrontIncomplete(f"kernel {self.key[:12]} is not in the code cache")
            self._code = code
        return self._code(values, u, batch)


def _cached_by_value(function, maxsize, typed):
    return functools.lru_cache(maxsize=maxsize, typed=typed)(function)


_SYMPY_AT_IMPORT: dict = {}


def _imports_sympy(module: str) -> bool:
    """Whether importing package module ``module`` imports sympy (its top-level imports, read from
    its source and followed through the package; imports inside functions do not count)."""
    if module == "sympy" or module.startswith("sympy."):
        return True
    if not module.startswith("asymptotics"):
        return False
    if module not in _SYMPY_AT_IMPORT:
        _SYMPY_AT_IMPORT[module] = False  # while it is being read: an import cycle adds nothing
        _SYMPY_AT_IMPORT[module] = _reads_sympy(module)
    return _SYMPY_AT_IMPORT[module]


def _reads_sympy(module: str) -> bool:
    root = pathlib.Path(__file__).resolve().parent
    parts = module.split(".")[1:]
    path = root.joinpath(*parts)
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError):
        return False
    package = parts if path.name == "__init__.py" else parts[:-1]
    parents = [".".join(["asymptotics"] + parts[:i]) for i in range(1, len(parts))]
    targets = []
    def top(nodes):  # statements run at import: the top level and its try/if blocks, not
        for node in nodes:  # functions, classes or ``if TYPE_CHECKING:``
            if isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    yield from top(node.body + node.orelse)
            elif isinstance(node, ast.Try):
                yield from top(node.body + node.orelse + node.finalbody
                               + [s for h in node.handlers for s in h.body])
            else:
                yield node

    for node in top(tree.body):
        for sub in (node,):
            if isinstance(sub, ast.Import):
                targets += [a.name for a in sub.names]
            elif isinstance(sub, ast.ImportFrom):
                if sub.level:
                    base = ["asymptotics"] + package[:len(package) - (sub.level - 1)]
                    mod = ".".join(base + ([sub.module] if sub.module else []))
                else:
                    mod = sub.module or ""
                targets.append(mod)
                targets += [f"{mod}.{a.name}" for a in sub.names
                            if root.joinpath(*(mod.split(".")[1:] + [a.name])).with_suffix(".py").exists()
                            or root.joinpath(*(mod.split(".")[1:] + [a.name]), "__init__.py").exists()]
    return any(t != module and _imports_sympy(t) for t in targets + parents)


def _left_out(obj):
    """The stand-in for ``obj`` in a front, or None to pickle it as usual."""
    sympy = sys.modules.get("sympy")
    if isinstance(obj, types.ModuleType):
        if not isinstance(obj, _LazyModule) and _imports_sympy(obj.__name__) and not _by_value(obj.__name__):
            return _lazy_module, (obj.__name__,)
        return None
    if isinstance(obj, (types.FunctionType, type)):
        module = getattr(obj, "__module__", "") or ""
        if module.startswith("sympy") or module.startswith("asymptotics.symbolic") or (
                sympy is not None and isinstance(obj, type) and issubclass(obj, sympy.Basic)):
            return _Absent, (f"{module}.{obj.__qualname__}",)
        if (isinstance(obj, types.FunctionType) and not _by_value(module) and _imports_sympy(module)
                and "<" not in obj.__qualname__):
            return _lazy_function, (module, obj.__qualname__)
        return None
    if isinstance(obj, functools._lru_cache_wrapper):
        wrapped = getattr(obj, "__wrapped__", None)
        if isinstance(wrapped, types.FunctionType) and _by_value(wrapped.__module__):
            params = obj.cache_parameters()
            return _cached_by_value, (wrapped, params["maxsize"], params["typed"])
        return None
    codegen = sys.modules.get("asymptotics.codegen")
    if codegen is not None and isinstance(obj, codegen.Kernel):
        if obj._np is not None:  # generated, hence in the code cache (or regenerated: a miss)
            return _cached_kernel, (obj.key,)
        return _Absent, ("a kernel not generated yet",)
    kind = type(obj)
    module = getattr(kind, "__module__", "") or ""
    if sympy is not None and type(obj) in (sympy.Symbol, sympy.Dummy):
        return _AbsentSymbol, (obj.name,)
    if (sympy is not None and isinstance(obj, sympy.Basic)) or module.startswith("sympy") or (
            module.startswith("asymptotics.symbolic")):
        return _Absent, (f"a {kind.__name__}",)
    return None


_BY_VALUE: set = set()


def _by_value(module: str) -> bool:
    return module in _BY_VALUE


def _itself(obj):
    return obj


def _dumps(cloudpickle, obj, replace: dict | None = None) -> bytes:
    """cloudpickle, with ``dataclasses.MISSING`` kept as the sentinel itself (a Params class pickled
    by value must say "no default" with the one object ``dataclasses`` compares against: a copy
    would make every required parameter look optional), and what a front leaves out replaced by
    stand-ins (see the module docstring). ``replace``: id -> object pickled in its place (the
    model file's ``MODEL``, which its functions name, is the front itself)."""
    import io

    replace = replace or {}

    class _Pickler(cloudpickle.Pickler):
        def reducer_override(self, obj):
            if obj is dataclasses.MISSING:
                return _missing, ()
            if id(obj) in replace and replace[id(obj)] is not obj:
                return _itself, (replace[id(obj)],)
            try:
                stand_in = _left_out(obj)
            except Exception:  # an object that cannot be inspected is pickled as usual
                stand_in = None
            if stand_in is not None:
                return stand_in
            return super().reducer_override(obj)

    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


def compiled_for(name: str, variant, params, fallback):
    """The compiled system of a front variant at ``params``, or None (then use the model file).

    ``fallback()`` returns the CompiledSystem made from the model file; it is called only if a
    kernel is missing from the cache.
    """
    ref = variant.system
    if not isinstance(ref, SystemRef):
        return None
    choices = choice_key(variant, params)
    key = ref.key_for(choices) if choices is not None else None
    if key is None:
        return None
    return runtime.load_system(key, fallback)

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

Contract this relies on (checked by tests/test_cache.py for every registered model): a variant's
``system(params)`` callable depends only on the variant's choice parameters (strings).
"""

from __future__ import annotations

import dataclasses
import pickle
import sys
import threading

from . import cache, runtime

__all__ = ["SystemRef", "lookup", "record", "choice_key"]

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


def lookup(name: str):
    """The front of model ``name`` if it is cached and its model file is not imported; else None."""
    if not isinstance(name, str) or not cache.enabled():
        return None
    hit = _LOADED.get(name)
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
        mods = [m for n, m in list(sys.modules.items())
                if n == module or (n.startswith("asymptotics.models._") and n != "asymptotics.models._registry")]
        try:
            for m in mods:
                cloudpickle.register_pickle_by_value(m)
            try:
                payload = _dumps(cloudpickle, front)
            finally:
                for m in mods:
                    cloudpickle.unregister_pickle_by_value(m)
        except Exception:  # something in the model cannot be stored: no front, no harm
            return
        cache.write(_KIND, _key(model.name), pickle.dumps((module, payload)))


def _missing():
    return dataclasses.MISSING


def _dumps(cloudpickle, obj) -> bytes:
    """cloudpickle, with ``dataclasses.MISSING`` kept as the sentinel itself: a Params class pickled
    by value must say "no default" with the one object ``dataclasses`` compares against (a copy
    would make every required parameter look optional)."""
    import io

    class _Pickler(cloudpickle.Pickler):
        def reducer_override(self, obj):
            if obj is dataclasses.MISSING:
                return _missing, ()
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

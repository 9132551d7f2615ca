"""Parameter declarations and the one error-message formatter.

A model's parameters are the fields of a frozen dataclass; each field is made by :func:`param`,
which records its domain, meaning and the paper's symbol. :func:`validate` turns user keyword
arguments into an instance of that dataclass, broadcasting scalar parameters and raising a
``ValueError`` that names the parameter, its valid range and the value received.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import types
import math
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

__all__ = [
    "Parameters",
    "Interval",
    "Integer",
    "OneOf",
    "FormulaOneOf",
    "Array",
    "param",
    "spec",
    "fields",
    "validate",
    "domain_error",
    "ParameterError",
]


class ParameterError(ValueError):
    """A parameter is unknown, missing, or outside its domain."""


class Parameters:
    """Base class of every model's Params dataclass: the hooks :func:`validate` calls.

    ``conveniences`` maps a convenience keyword to the fields it stands for (``spectrum`` ->
    ``eigenvalues``, ``target``); ``expand(values)`` (a classmethod) rewrites the user's keywords
    before validation (e.g. a Spectrum into its arrays); ``check()`` runs after every field is in
    its domain, for conditions that involve several fields (array lengths, whole numbers of steps),
    raising :class:`ParameterError` (the model's name is prefixed if the message lacks it).
    """

    conveniences: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    @classmethod
    def expand(cls, values: dict) -> dict:
        return values

    def check(self) -> None:
        return None


def whole_steps(time, step, flow_allowed: bool = False) -> None:
    """Raise unless ``time`` is a whole number of steps of size ``step`` at every broadcast point
    (``flow_allowed``: step = 0 means gradient flow, where any time is allowed)."""
    step_, time_ = np.broadcast_arrays(np.asarray(step, float), np.asarray(time, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(step_ > 0, time_ / np.where(step_ > 0, step_, 1.0), 0.0) if flow_allowed \
            else time_ / step_
    bad = np.abs(k - np.round(k)) > 1e-8 * np.maximum(1.0, k)
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise ParameterError(
            f"parameter 'time' must be a whole number of steps (time/step an integer) for gradient "
            f"descent; got time={float(time_.ravel()[i])!r}, step={float(step_.ravel()[i])!r}")


def adopt(params_cls: type) -> type:
    """A frozen Params dataclass that does not derive from :class:`Parameters`, given that base
    (same fields, name and module; its own hooks, if any, take precedence)."""
    derived = type(params_cls.__name__, (params_cls, Parameters),
                   {"__module__": params_cls.__module__, "__qualname__": params_cls.__qualname__,
                    "__doc__": params_cls.__doc__})
    return dataclasses.dataclass(frozen=True, kw_only=True)(derived)


def _fmt_value(value: Any) -> str:
    arr = np.asarray(value) if not isinstance(value, str) else None
    if arr is not None and arr.ndim > 0:
        flat = arr.ravel()
        if flat.size > 4:
            return f"array of shape {arr.shape} ({', '.join(map(repr, flat[:3].tolist()))}, ...)"
        return repr(flat.tolist())
    return repr(value.item() if hasattr(value, "item") else value)


def domain_error(name: str, domain: Any, value: Any, model: str | None = None) -> ParameterError:
    """The one formatter: ``model: parameter 'gamma' must be in (0, inf); got -1.0``."""
    where = f"{model}: " if model else ""
    return ParameterError(f"{where}parameter '{name}' must be {domain}; got {_fmt_value(value)}")


@dataclass(frozen=True)
class Interval:
    """A real interval; ``low``/``high`` may be infinite. Closed ends are included."""

    low: float = -math.inf
    high: float = math.inf
    low_closed: bool = False
    high_closed: bool = False

    def contains(self, value: Any) -> np.ndarray:
        x = np.asarray(value, dtype=float)
        ok = np.isfinite(x) | (np.isinf(x) & ((x == self.high) & self.high_closed))
        ok &= (x >= self.low) if self.low_closed else (x > self.low)
        ok &= (x <= self.high) if self.high_closed else (x < self.high)
        return ok

    def __str__(self) -> str:
        lo = "[" if self.low_closed else "("
        hi = "]" if self.high_closed else ")"
        fmt = lambda v: "inf" if v == math.inf else "-inf" if v == -math.inf else f"{v:g}"
        return f"in {lo}{fmt(self.low)}, {fmt(self.high)}{hi}"


@dataclass(frozen=True)
class Integer(Interval):
    """Integers inside an interval."""

    def contains(self, value: Any) -> np.ndarray:
        x = np.asarray(value, dtype=float)
        return super().contains(x) & (np.floor(x) == x)

    def __str__(self) -> str:
        return "an integer " + super().__str__()


@dataclass(frozen=True)
class OneOf:
    """A choice among named options (strings)."""

    options: tuple[str, ...]

    def contains(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.options

    def explain(self, name: str, value: Any) -> str:
        """The error message for a value outside the choice, with a did-you-mean."""
        hint = ""
        if isinstance(value, str):
            lower = {o.lower(): o for o in self.options}
            close = ([lower[value.lower()]] if value.lower() in lower else
                     difflib.get_close_matches(value.lower(), list(lower), n=1, cutoff=0.6))
            if close:
                hint = f"; did you mean {lower.get(close[0].lower(), close[0])!r}?"
        return f"parameter '{name}' must be {self}; got {_fmt_value(value)}{hint}"

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options)


@dataclass(frozen=True)
class FormulaOneOf(OneOf):
    """A named option, or a formula that ``reader`` accepts (``"module:function"``, imported on
    first use: this module stays free of sympy, and so does a model's cached declaration; see
    ``asymptotics._front``). ``formula`` says in words what a formula may be."""

    reader: str = ""
    formula: str = "a formula"

    def _read(self, value):
        import importlib

        module, _, name = self.reader.partition(":")
        return getattr(importlib.import_module(module), name)(value)

    def contains(self, value: Any) -> bool:
        if isinstance(value, str) and value in self.options:
            return True
        try:
            self._read(value)
        except ParameterError:
            return False
        return True

    def explain(self, name: str, value: Any) -> str:
        try:
            self._read(value)
        except ParameterError as err:
            return str(err)
        return super().explain(name, value)

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options) + f", or {self.formula}"


@dataclass(frozen=True)
class Array:
    """A one-dimensional array whose entries lie in ``element``; ``min_size`` entries at least."""

    element: Interval = Interval()
    min_size: int = 1

    def contains(self, value: Any) -> bool:
        x = np.asarray(value, dtype=float)
        return x.ndim == 1 and x.size >= self.min_size and bool(np.all(self.element.contains(x)))

    def __str__(self) -> str:
        return f"a 1-D array of at least {self.min_size} entries, each {self.element}"


_REQUIRED = dataclasses.MISSING


@dataclass(frozen=True)
class ParamSpec:
    """What :func:`param` records in a dataclass field's metadata."""

    domain: Any
    doc: str
    symbol: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def is_array(self) -> bool:
        return isinstance(self.domain, Array)

    @property
    def is_choice(self) -> bool:
        return isinstance(self.domain, OneOf)


def param(default: Any = _REQUIRED, *, domain: Any, doc: str, symbol: str | None = None,
          aliases: tuple[str, ...] = ()) -> Any:
    """Declare a model parameter (a dataclass field) with its domain, meaning and paper symbol.

    ``aliases`` are other accepted spellings (typically the paper's symbol when it differs from the
    readable name); they are mapped to the field name by :func:`validate`.
    """
    meta = {"asymptotics": ParamSpec(domain, doc, symbol, tuple(aliases))}
    if default is _REQUIRED:
        return dataclasses.field(metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def spec(field: dataclasses.Field) -> ParamSpec:
    return field.metadata["asymptotics"]


@functools.lru_cache(maxsize=None)
def fields(params_cls: type) -> Mapping[str, ParamSpec]:
    """Name -> ParamSpec for every declared parameter of a Params dataclass, in order (read-only,
    cached per class: evaluate reads it several times per call)."""
    return types.MappingProxyType(
        {f.name: spec(f) for f in dataclasses.fields(params_cls) if "asymptotics" in f.metadata})


@functools.lru_cache(maxsize=None)
def required(params_cls: type) -> frozenset[str]:
    return frozenset(
        f.name
        for f in dataclasses.fields(params_cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def resolve_aliases(params_cls: type, values: Mapping[str, Any], model: str | None = None) -> dict[str, Any]:
    """Map aliases to field names; reject unknown names with a suggestion."""
    specs = fields(params_cls)
    alias_map = {a: name for name, s in specs.items() for a in s.aliases}
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = key if key in specs else alias_map.get(key)
        if name is None:
            known = sorted(specs) + sorted(alias_map)
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            where = f"{model}: " if model else ""
            raise ParameterError(
                f"{where}unknown parameter '{key}'{hint} (parameters: {', '.join(sorted(specs))})"
            )
        if name in out:
            raise ParameterError(f"parameter '{name}' given twice (as '{key}' and another alias)")
        out[name] = value
    return out


class _scalar_domain:
    """A scalar parameter's domain as a message says it: a number (or a non-empty array of
    numbers, broadcast) in the interval."""

    def __init__(self, domain):
        self.domain = domain

    def __str__(self):
        return f"a number {self.domain} (or a non-empty array of such numbers)"


def validate(params_cls: type, values: Mapping[str, Any], model: str | None = None) -> Any:
    """Build a ``params_cls`` instance from keyword values, checking every domain.

    Scalar parameters may be arrays; they are checked element-wise (broadcasting is done later,
    by the evaluator). Array parameters are converted to float arrays. Raises
    :class:`ParameterError` naming the parameter, its domain and the value received.
    """
    values = resolve_aliases(params_cls, values, model)
    missing = required(params_cls) - set(values)
    if missing:
        where = f"{model}: " if model else ""
        raise ParameterError(f"{where}missing required parameter(s): {', '.join(sorted(missing))}")
    converted: dict[str, Any] = {}
    for name, s in fields(params_cls).items():
        if name not in values:
            continue
        value = values[name]
        if value is None and s.is_array and name not in required(params_cls):
            continue  # an optional array parameter passed as None (e.g. echoed back by simulate)
        if s.is_choice:
            if not s.domain.contains(value):
                where = f"{model}: " if model else ""
                raise ParameterError(where + s.domain.explain(name, value))
            converted[name] = value
            continue
        if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
            raise domain_error(name, s.domain if s.is_array else _scalar_domain(s.domain), value, model)
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise domain_error(name, s.domain if s.is_array else _scalar_domain(s.domain), value, model) from None
        if arr.dtype == bool or (not s.is_array and arr.size == 0):
            raise domain_error(name, _scalar_domain(s.domain), value, model)
        if s.is_array:
            if not s.domain.contains(arr):
                raise domain_error(name, s.domain, value, model)
            # Read-only input is kept as is (no copy), so caches keyed on the array object (e.g. a
            # compressed spectrum) survive across calls with the same Spectrum.
            if arr is not value or arr.flags.writeable:
                arr = arr.copy()
                arr.setflags(write=False)
            converted[name] = arr
            continue
        ok = s.domain.contains(arr)
        if not np.all(ok):
            bad = arr[~ok] if arr.ndim else arr
            raise domain_error(name, s.domain, bad.ravel()[0] if bad.ndim else bad, model)
        converted[name] = float(arr) if arr.ndim == 0 else arr
    instance = params_cls(**converted)
    try:
        instance.check()
    except ParameterError as err:
        if model and not str(err).startswith(f"{model}:"):
            raise ParameterError(f"{model}: {err}") from None
        raise
    return instance


# -- memory guard -----------------------------------------------------------------------------------
def _available_memory() -> float:
    """Bytes this process may allocate: ASYMPTOTICS_MAX_MEMORY (e.g. "8G") if set, else the
    machine's available memory (MemAvailable on Linux, physical memory elsewhere), else 8 GB."""
    import os

    text = os.environ.get("ASYMPTOTICS_MAX_MEMORY", "").strip()
    if text:
        units = {"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}
        try:
            scale = units.get(text[-1].lower(), 1.0)
            return float(text[:-1] if text[-1].lower() in units else text) * scale
        except ValueError:
            pass
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8e9


def _fmt_bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} B"


def check_memory(nbytes: float, what: str, knobs: str, model: str | None = None) -> None:
    """Refuse work that would allocate more than half the available memory (see
    :func:`_available_memory`), naming the estimate and the parameters that drive it (``knobs``),
    before anything is allocated."""
    if not np.isfinite(nbytes):
        nbytes = float("inf")
    limit = 0.5 * _available_memory()
    if nbytes > limit:
        where = f"{model}: " if model else ""
        raise ParameterError(
            f"{where}{what} would need about {_fmt_bytes(nbytes)} of memory, more than half of the "
            f"{_fmt_bytes(2 * limit)} available; lower {knobs} (or set ASYMPTOTICS_MAX_MEMORY)")


__all__ += ["check_memory"]

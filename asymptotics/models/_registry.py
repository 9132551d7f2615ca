"""Model declarations and the registry.

A model file builds one :class:`Model` (one or more :class:`Variant`, each a Params dataclass and
a sympy :class:`~asymptotics.symbolic.System`) and calls :func:`register`. ``asymptotics.models``
imports every module of this package, so adding a file is enough for the model to be listed,
evaluated, simulated and covered by the common tests.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np

from .. import validation

if TYPE_CHECKING:  # sympy is imported by the model files, not by the registry (start-up time)
    from ..symbolic import System


def _is_system(obj) -> bool:
    # no System can exist before its module is imported, so the registry need not import sympy
    mod = sys.modules.get("asymptotics.symbolic.system")
    return mod is not None and isinstance(obj, mod.System)

__all__ = ["DeclarationError", "Reference", "Resolution", "Variant", "Model", "register", "get",
           "names", "all_models"]


class DeclarationError(ValueError):
    """A model or simulator declaration is inconsistent; the message says what to fix."""


_CHECKED_SYSTEMS: dict[int, System] = {}


def _check_system_names(variant: "Variant", system: System) -> None:
    """The System's parameter symbols and array bindings against the variant's Params fields.

    A symbol named unlike its field would otherwise surface as a bare KeyError at the first
    evaluate; a scalar field that no equation reads would be silently ignored.
    """
    fields = validation.fields(variant.params)
    where = f"variant {variant.name!r} ({variant.params.__name__})"
    scalar = {n for n, s in fields.items() if not (s.is_array or s.is_choice)}
    needed = {p.name for p in system.parameters}
    arrays = {name for space in system.spaces for _, name in getattr(space, "bindings", ())}
    arrays |= {space.weights for space in system.spaces if getattr(space, "weights", None)}
    if variant.prepare is None:
        missing = sorted((needed | arrays) - set(fields))
        if missing:
            close = {m: difflib.get_close_matches(m, sorted(fields), n=1) for m in missing}
            hints = ", ".join(f"'{m}'" + (f" (field '{c[0]}'?)" if c else "") for m, c in close.items())
            raise DeclarationError(
                f"{where}: the System reads {hints}, which no Params field declares; name each "
                f"sympy symbol exactly as its field (or return it from Variant.prepare)")
    unused = sorted(scalar - needed) if variant.prepare is None else []  # prepare may read them
    if unused:
        raise DeclarationError(
            f"{where}: Params field(s) {unused} are not parameters of the System, so their values "
            f"would be ignored; add the symbol(s) to System.parameters or remove the field(s)")


@dataclass(frozen=True)
class Resolution:
    """What :meth:`Model.resolve` decides: the variant, its theory keywords and the finite sizes."""

    variant: "Variant"
    params: dict
    sizes: dict


def _split(params: dict, size_names) -> tuple[dict, dict]:
    size_names = set(size_names)
    return ({k: v for k, v in params.items() if k not in size_names},
            {k: v for k, v in params.items() if k in size_names})


@dataclass(frozen=True)
class Reference:
    """A source paper: a BibTeX entry and the equations/theorems the model encodes from it."""

    key: str
    bibtex: str
    equations: str = ""


@dataclass(frozen=True)
class Variant:
    """One parameterization of a model: its Params dataclass and its equations.

    ``system`` is a :class:`System`, or a function of the validated params returning one (for
    choices, such as a link function, that change the equations; it should cache its systems).
    ``prepare(params)`` returns extra values the equations read: derived scalars (e.g. Gaussian
    coefficients of an activation) and arrays bound to spaces. ``example`` is a typical point
    (keyword arguments for ``evaluate``), used by the common tests, the docs and the CLI.

    Numeric variants: where no finite symbolic system exists (a DMFT solved by time stepping),
    ``system`` is None and ``compute(params, values, batch, method)`` returns the observables
    itself, as a :class:`~asymptotics.outcome.NumericOutput` (observables, :class:`Status` codes,
    residual, iterations, method); ``values`` holds the broadcast scalar parameters as flat
    (batch,) arrays. ``equations`` is then the LaTeX of the equations the numeric code solves (for
    ``Model.latex``).

    The declaration is checked when the variant is made and when its model is registered (see
    :func:`check_variant`): the System's parameter symbols must be Params fields (or values that
    ``prepare`` returns), every scalar field must be a parameter of the System, and the params
    class must derive from :class:`~asymptotics.validation.Parameters`.
    """

    name: str
    params: type
    system: System | Callable[[Any], System] | None
    summary: str = ""
    prepare: Callable[[Any], Mapping[str, Any]] | None = None
    example: Mapping[str, Any] = field(default_factory=dict)
    compute: Callable[..., Mapping[str, Any]] | None = None
    equations: str = ""
    observables: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if (self.system is None) == (self.compute is None):
            raise DeclarationError(f"variant {self.name!r}: give exactly one of 'system' (sympy "
                                   f"equations) and 'compute' (a numeric solver)")
        if not (isinstance(self.params, type) and dataclasses.is_dataclass(self.params)
                and self.params.__dataclass_params__.frozen):
            raise DeclarationError(
                f"variant {self.name!r}: 'params' must be a frozen dataclass (deriving from "
                f"asymptotics.validation.Parameters, which declares the hooks expand/check/"
                f"conveniences); got {self.params!r}")
        if not issubclass(self.params, validation.Parameters):
            # A plain frozen dataclass is given the base, so that every Params has the hooks.
            object.__setattr__(self, "params", validation.adopt(self.params))
        if _is_system(self.system):
            _check_system_names(self, self.system)

    @property
    def is_numeric(self) -> bool:
        return self.compute is not None

    def system_for(self, params) -> System:
        if self.system is None:
            raise TypeError(f"variant {self.name!r} is numeric (no sympy system); use evaluate()")
        if _is_system(self.system):
            return self.system
        system = self.system(params)
        if id(system) not in _CHECKED_SYSTEMS:  # systems built from choices are checked once each
            _check_system_names(self, system)
            _CHECKED_SYSTEMS[id(system)] = system
        return system

    @property
    def param_specs(self) -> dict[str, validation.ParamSpec]:
        return validation.fields(self.params)

    @property
    def scalar_params(self) -> tuple[str, ...]:
        return tuple(n for n, s in self.param_specs.items() if not (s.is_array or s.is_choice))

    @property
    def names(self) -> set[str]:
        """Every keyword this variant's parameters accept: fields, aliases, conveniences."""
        specs = self.param_specs
        return (set(specs) | {a for s in specs.values() for a in s.aliases}
                | set(self.params.conveniences))

    def accepts(self, keys) -> bool:
        """Whether these keywords name only this variant's parameters and give every required one."""
        return set(keys) <= self.names and validation.required(self.params) <= self._canonical(keys)

    def _canonical(self, keys) -> set[str]:
        specs = self.param_specs
        alias = {a: n for n, s in specs.items() for a in s.aliases}
        out = {alias.get(k, k) for k in keys}
        for key in keys:
            out |= set(self.params.conveniences.get(key, ()))
        return out

    def validate(self, values: Mapping[str, Any], model: str):
        return validation.validate(self.params, self.params.expand(dict(values)), model)


@dataclass(frozen=True)
class Model:
    """A registered model: its name, variants, source papers and conventions."""

    name: str
    summary: str
    variants: tuple[Variant, ...]
    references: tuple[Reference, ...]
    conventions: str
    observables: Mapping[str, str] = field(default_factory=dict)

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        raise validation.ParameterError(
            f"{self.name}: parameter 'variant' must be one of "
            f"{', '.join(repr(v.name) for v in self.variants)}; got {name!r}")

    def resolve(self, params: Mapping[str, Any], *, variant: str | None = None,
                sizes: Mapping[str, Any] | None = None) -> "Resolution":
        """Which variant a call means, and which keywords are finite sizes for its simulator.

        The one rule behind evaluate, curve, optimize, simulate, check, sweep, the CLI and the
        figures. ``sizes`` maps variant names to the names of the finite-size arguments their
        Monte Carlo twins take (given by the caller that simulates; None for theory).

        With ``variant=`` that variant is used, and keywords among its sizes are sizes. Otherwise
        the keywords are read as theory parameters first: the variant they fit (names only its
        parameters, gives all it requires) is chosen, so ``evaluate`` and ``simulate`` with the same
        keywords always choose the same variant. Only where no variant fits and ``sizes`` are given
        are a variant's size names set aside before fitting. Keywords that fit several variants
        are an error naming them (pass ``variant=``).
        """
        params = dict(params)
        sizes = {k: tuple(v) for k, v in (sizes or {}).items()}
        if variant is not None:
            chosen = self.variant(variant)
            return Resolution(chosen, *_split(params, sizes.get(chosen.name, ())))
        keys = set(params)
        self._check_known(keys, sizes)
        fits = [v for v in self.variants if v.accepts(keys)]
        if not fits and sizes:
            fits = [v for v in self.variants
                    if v.name in sizes and v.accepts(keys - set(sizes[v.name]))]
        if len(fits) > 1:
            raise validation.ParameterError(
                f"{self.name}: the parameters {sorted(keys)} fit several variants "
                f"({', '.join(repr(v.name) for v in fits)}); pass variant= one of them "
                f"(CLI: --variant NAME)")
        if fits:
            return Resolution(fits[0], *_split(params, sizes.get(fits[0].name, ())))
        # No variant fits: choose the one validation will explain best (a variant whose required
        # parameters are all given names the stray keyword; a single variant names what is missing).
        complete = [v for v in self.variants
                    if validation.required(v.params) <= v._canonical(keys - set(sizes.get(v.name, ())))]
        if complete or len(self.variants) == 1:
            chosen = (complete or self.variants)[0]
            return Resolution(chosen, *_split(params, sizes.get(chosen.name, ())))
        options = "; ".join(
            f"{v.name}: {', '.join(sorted(validation.required(v.params)))}" for v in self.variants)
        raise validation.ParameterError(
            f"{self.name}: the parameters {sorted(keys)} match no variant; each variant needs "
            f"({options})")

    def _check_known(self, keys: set, sizes: Mapping[str, tuple]) -> None:
        known = set().union(*(v.names for v in self.variants), *sizes.values())
        stray = sorted(keys - known)
        if stray:
            close = difflib.get_close_matches(stray[0], sorted(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise validation.ParameterError(
                f"{self.name}: unknown parameter '{stray[0]}'{hint} (parameters: {', '.join(sorted(known))})")

    def select(self, keys) -> Variant:
        """The variant that theory keywords ``keys`` choose (see :meth:`resolve`)."""
        return self.resolve(dict.fromkeys(keys)).variant

    def describe(self) -> str:
        """Conventions, variants with their parameters, observables and references, as text."""
        lines = [f"{self.name}: {self.summary}", "", self.conventions.strip(), ""]
        for v in self.variants:
            lines.append(f"variant '{v.name}': {v.summary}")
            for pname, s in v.param_specs.items():
                f = {f.name: f for f in dataclasses.fields(v.params)}[pname]
                default = "" if f.default is dataclasses.MISSING else f" (default {f.default!r})"
                sym = f" [paper: {s.symbol}]" if s.symbol else ""
                lines.append(f"  {pname}: {s.doc}; {s.domain}{default}{sym}")
            lines.append("")
        if self.observables:
            lines.append("observables:")
            lines += [f"  {k}: {d}" for k, d in self.observables.items()]
            lines.append("")
        lines.append("references:")
        lines += [f"  [{r.key}] {r.equations}" for r in self.references]
        return "\n".join(lines)

    def documented(self, variant: "Variant | str", system: System | None = None) -> dict[str, str]:
        """Observable -> meaning for one variant: the model's list and its System's own additions."""
        v = self.variant(variant) if isinstance(variant, str) else variant
        system = system if system is not None else (v.system if _is_system(v.system) else None)
        return {**self.observables, **v.observables,
                **(dict(system.observable_docs) if system is not None else {})}

    def latex(self, variant: str | None = None, **params) -> str:
        """The equations and observables of a variant as LaTeX."""
        v = self.variant(variant) if variant else self.variants[0]
        if v.is_numeric:
            return v.equations
        symbols = {n: s.symbol for n, s in v.param_specs.items() if s.symbol}  # the paper's symbols
        system = v.system if _is_system(v.system) else v.system(v.validate(params, self.name))
        return system.latex(symbols)

    def cite(self) -> str:
        return "\n\n".join(r.bibtex.strip() for r in self.references)


_REGISTRY: dict[str, Model] = {}


def module_name(model_name: str) -> str:
    """The file that declares a model: ``models/<name with - as _>.py`` (``random-features`` is
    ``models/random_features.py``), so a model is imported only when it is asked for."""
    return model_name.replace("-", "_")


def check_model(model: Model) -> None:
    """Registration checks of a model: names, documented observables, variants (see Variant)."""
    if not model.variants:
        raise DeclarationError(f"model {model.name!r} declares no variant")
    seen = [v.name for v in model.variants]
    if len(set(seen)) != len(seen):
        raise DeclarationError(f"model {model.name!r}: variant names {seen} repeat")
    problems = []
    for v in model.variants:
        if not _is_system(v.system):
            continue  # choice-dependent or numeric: checked when built / by the common tests
        computed = set(v.system.observables) | {b.name for b in v.system.bounds if b.name}
        undocumented = sorted(computed - set(model.documented(v)))
        if undocumented:
            problems.append(f"variant {v.name!r} computes {undocumented}, which neither "
                            f"Model.observables nor Variant.observables documents; add a line for "
                            f"each (name: meaning)")
        absent = sorted(set(model.observables) - computed)
        if absent:
            problems.append(f"variant {v.name!r} does not compute {absent}, which Model.observables "
                            f"promises for every variant; move them to the Variant.observables of "
                            f"the variants that compute them")
    if problems:
        raise DeclarationError(f"model {model.name!r}: " + "; ".join(problems))


def register(model: Model) -> Model:
    """Register a model after checking its declaration (raises DeclarationError: what to fix)."""
    if model.name in _REGISTRY and _REGISTRY[model.name] is not model:
        raise DeclarationError(f"a model named {model.name!r} is already registered")
    caller = sys._getframe(1).f_globals.get("__name__", "")
    package = __name__.rsplit(".", 1)[0]
    if caller.startswith(package + ".") and caller.rsplit(".", 1)[1] != module_name(model.name):
        raise DeclarationError(
            f"model {model.name!r} is registered from {caller}; it must live in "
            f"models/{module_name(model.name)}.py so that get({model.name!r}) finds it")
    check_model(model)
    _REGISTRY[model.name] = model
    return model


def _import_model(name: str) -> None:
    from . import __name__ as package

    module = module_name(name)
    if module.startswith("_") or not module.replace("_", "").isalnum():
        return
    try:
        importlib.import_module(f"{package}.{module}")
    except ModuleNotFoundError as err:
        if err.name != f"{package}.{module}":
            raise


def get(model: "str | Model") -> Model:
    """A registered model by name (only its own file is imported)."""
    if isinstance(model, Model):
        return model
    if isinstance(model, str) and model not in _REGISTRY:
        _import_model(model)
    try:
        return _REGISTRY[model]
    except (KeyError, TypeError):
        known = names()
        close = difflib.get_close_matches(str(model), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise validation.ParameterError(
            f"unknown model {model!r}{hint} (models: {', '.join(known)})") from None


def names() -> list[str]:
    """Names of every model, from the files in ``models/`` (nothing is imported)."""
    from . import model_files

    return sorted(set(model_files()) | set(_REGISTRY))


def all_models() -> list[Model]:
    from . import _load_all

    _load_all()
    return [_REGISTRY[n] for n in sorted(_REGISTRY)]


def broadcast_scalars(variant: Variant, params) -> tuple[tuple[int, ...], dict[str, np.ndarray]]:
    """Broadcast the scalar parameters of a validated Params instance; (shape, name -> array)."""
    values = {n: np.asarray(getattr(params, n), dtype=float) for n in variant.scalar_params}
    try:
        shape = np.broadcast_shapes(*(v.shape for v in values.values()))
    except ValueError:
        shapes = {n: v.shape for n, v in values.items() if v.ndim}
        raise validation.ParameterError(
            f"array-valued parameters must broadcast together; got shapes {shapes}"
        ) from None
    return shape, {n: np.broadcast_to(v, shape) for n, v in values.items()}

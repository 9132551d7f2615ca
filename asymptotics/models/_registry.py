"""Model declarations and the registry.

A model file builds one :class:`Model` (one or more :class:`Variant`, each a Params dataclass and
a sympy :class:`~asymptotics.symbolic.System`) and calls :func:`register`. ``asymptotics.models``
imports every module of this package, so adding a file is enough for the model to be listed,
evaluated, simulated and covered by the common tests.
"""

from __future__ import annotations

import dataclasses
import difflib
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

__all__ = ["Reference", "Variant", "Model", "register", "get", "names", "all_models"]


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
    itself: a mapping with ``observables`` (name -> (batch,) array), ``status`` (Status codes),
    ``residual``, ``iterations`` ((batch,) arrays) and ``method`` (str); ``values`` holds the
    broadcast scalar parameters as flat (batch,) arrays. ``equations`` is then the LaTeX of the
    equations the numeric code solves (for ``Model.latex``).
    """

    name: str
    params: type
    system: System | Callable[[Any], System] | None
    summary: str = ""
    prepare: Callable[[Any], Mapping[str, Any]] | None = None
    example: Mapping[str, Any] = field(default_factory=dict)
    compute: Callable[..., Mapping[str, Any]] | None = None
    equations: str = ""

    def __post_init__(self):
        if (self.system is None) == (self.compute is None):
            raise ValueError(f"variant {self.name!r}: give exactly one of 'system' (sympy equations) "
                             f"and 'compute' (a numeric solver)")

    @property
    def is_numeric(self) -> bool:
        return self.compute is not None

    def system_for(self, params) -> System:
        if self.system is None:
            raise TypeError(f"variant {self.name!r} is numeric (no sympy system); use evaluate()")
        return self.system if _is_system(self.system) else self.system(params)

    @property
    def param_specs(self) -> dict[str, validation.ParamSpec]:
        return validation.fields(self.params)

    @property
    def scalar_params(self) -> tuple[str, ...]:
        return tuple(n for n, s in self.param_specs.items() if not (s.is_array or s.is_choice))

    def accepts(self, keys) -> bool:
        specs = self.param_specs
        names = set(specs) | {a for s in specs.values() for a in s.aliases}
        names |= set(getattr(self.params, "conveniences", ()))
        return set(keys) <= names and validation.required(self.params) <= self._canonical(keys)

    def _canonical(self, keys) -> set[str]:
        specs = self.param_specs
        alias = {a: n for n, s in specs.items() for a in s.aliases}
        out = {alias.get(k, k) for k in keys}
        for key in keys:
            out |= set(getattr(self.params, "conveniences", {}).get(key, ()))
        return out

    def validate(self, values: Mapping[str, Any], model: str):
        expand = getattr(self.params, "expand", None)
        if expand is not None:
            values = expand(dict(values))
        return validation.validate(self.params, values, model)


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
        raise KeyError(f"model {self.name!r} has no variant {name!r}")

    def select(self, keys) -> Variant:
        """The variant whose parameters match the given keyword names."""
        keys = set(keys)
        known = set()
        for v in self.variants:
            known |= set(v.param_specs) | {a for s in v.param_specs.values() for a in s.aliases}
            known |= set(getattr(v.params, "conveniences", ()))
        stray = sorted(keys - known)
        if stray:
            close = difflib.get_close_matches(stray[0], sorted(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise validation.ParameterError(
                f"{self.name}: unknown parameter '{stray[0]}'{hint} (parameters: {', '.join(sorted(known))})")
        matches = [v for v in self.variants if v.accepts(keys)]
        if matches:
            return matches[0]
        # A variant whose required parameters are all given: let validation name the stray key.
        complete = [v for v in self.variants if validation.required(v.params) <= v._canonical(keys)]
        if complete:
            return complete[0]
        if len(self.variants) == 1:
            return self.variants[0]  # let validation name the unknown or missing parameter
        options = "; ".join(
            f"{v.name}: {', '.join(sorted(validation.required(v.params)))}" for v in self.variants
        )
        raise validation.ParameterError(
            f"{self.name}: the parameters {sorted(keys)} match no variant; each variant needs "
            f"({options})"
        )

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


def register(model: Model) -> Model:
    if model.name in _REGISTRY and _REGISTRY[model.name] is not model:
        raise ValueError(f"a model named {model.name!r} is already registered")
    _REGISTRY[model.name] = model
    return model


def get(model: "str | Model") -> Model:
    if isinstance(model, Model):
        return model
    from . import _load_all

    _load_all()
    try:
        return _REGISTRY[model]
    except KeyError:
        close = difflib.get_close_matches(str(model), list(_REGISTRY), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise validation.ParameterError(
            f"unknown model {model!r}{hint} (models: {', '.join(sorted(_REGISTRY))})"
        ) from None


def names() -> list[str]:
    from . import _load_all

    _load_all()
    return sorted(_REGISTRY)


def all_models() -> list[Model]:
    return [get(n) for n in names()]


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

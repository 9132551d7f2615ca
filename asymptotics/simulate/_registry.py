"""Monte Carlo twins: registration of simulators for models' variants."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["Simulator", "register_simulator", "simulator_for"]


@dataclass(frozen=True)
class Simulator:
    """A finite-size twin of a model variant.

    ``trial(params, size, rng)`` draws one data set and fits the real estimator, returning the
    observables as 1-D arrays over the points of ``vectorized`` parameters (which arrive as 1-D
    arrays in ``params``; every other scalar parameter is a float). ``size`` holds the extra
    finite-size arguments declared in ``sizes`` (e.g. ``n`` for an isotropic model whose theory
    only knows the ratio). ``effective(params, size)`` returns the theory parameters matching the
    finite draw (e.g. ``gamma = p/n`` after rounding p), so that ``check`` compares like with like.
    ``example`` holds keyword arguments (sizes included) for a quick run, used by the common tests.
    ``memory(params, size)`` estimates the bytes one trial allocates at its peak (the largest
    matrices it draws and factorizes), so that a draw that cannot fit is refused up front.
    ``observables`` names what ``trial`` returns: each must be an observable of the model (the
    theory it is compared with), and a trial returning anything else is an error; ``extras`` names
    measured quantities that have no theory (reported by ``simulate``, never compared).

    Registration checks the declaration (:func:`register_simulator`): the model and variant exist,
    the observables are the model's, the size names are not parameters of the variant.
    """

    model: str
    variant: str
    trial: Callable[[Any, Mapping[str, int], Any], Mapping[str, Any]]
    observables: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    sizes: Mapping[str, str] = field(default_factory=dict)
    vectorized: tuple[str, ...] = ()
    effective: Callable[[Any, Mapping[str, int]], Mapping[str, float]] | None = None
    defaults: Mapping[str, int] = field(default_factory=dict)
    description: str = ""
    example: Mapping[str, Any] = field(default_factory=dict)
    memory: Callable[[Any, Mapping[str, int]], float] | None = None


_SIMULATORS: dict[tuple[str, str], Simulator] = {}


def register_simulator(sim: Simulator) -> Simulator:
    """Register a Monte Carlo twin after checking it against its model (DeclarationError: what to fix)."""
    from ..models import DeclarationError, get
    from ..validation import ParameterError

    try:
        model = get(sim.model)
    except ParameterError:
        raise DeclarationError(f"simulator for unknown model {sim.model!r}") from None
    try:
        variant = model.variant(sim.variant)
    except ParameterError:
        raise DeclarationError(
            f"simulator for {sim.model!r}: the model has no variant {sim.variant!r} (variants: "
            f"{', '.join(v.name for v in model.variants)})") from None
    if not sim.observables:
        raise DeclarationError(f"simulator for {sim.model!r} ({sim.variant}): declare the "
                               f"observables its trial returns (Simulator.observables)")
    documented = model.documented(variant)
    unknown = sorted(set(sim.observables) - set(documented))
    if unknown:
        import difflib

        hints = ", ".join(f"'{u}'" + (f" (did you mean '{c[0]}'?)" if (c := difflib.get_close_matches(
            u, list(documented), n=1)) else "") for u in unknown)
        raise DeclarationError(
            f"simulator for {sim.model!r} ({sim.variant}) measures {hints}, which the model does "
            f"not compute (observables: {', '.join(documented)}); name each as the theory does")
    from ..symbolic import System

    if isinstance(variant.system, System):
        computed = set(variant.system.observables) | {b.name for b in variant.system.bounds if b.name}
        missing = sorted(set(sim.observables) - computed)
        if missing:
            raise DeclarationError(
                f"simulator for {sim.model!r} ({sim.variant}) measures {missing}, which that "
                f"variant's System does not compute; compare like with like")
    clash = sorted(set(sim.sizes) & variant.names)
    if clash:
        raise DeclarationError(
            f"simulator for {sim.model!r} ({sim.variant}): size(s) {clash} are also parameters of "
            f"the variant; a finite size must have a name of its own")
    stray = sorted(set(sim.vectorized) - set(variant.scalar_params))
    if stray:
        raise DeclarationError(
            f"simulator for {sim.model!r} ({sim.variant}): vectorized {stray} are not scalar "
            f"parameters of the variant")
    key = (sim.model, sim.variant)
    if key in _SIMULATORS and _SIMULATORS[key] is not sim:
        raise DeclarationError(f"a simulator for {sim.model!r} ({sim.variant}) is already registered")
    _SIMULATORS[key] = sim
    return sim


def _load_for(model: str) -> None:
    """Import the twin modules that register simulators for ``model`` (found by the text
    ``model="<name>"`` in their source, so that simulating one model imports no other twin)."""
    from . import _load_all, _modules_mentioning

    names = _modules_mentioning(f'model="{model}"')
    if names is None:  # the sources are not readable (a zipped install): import every twin
        _load_all()
        return
    for name in names:
        importlib.import_module(f"{__package__}.{name}")


def sizes_by_variant(model) -> dict[str, tuple[str, ...]]:
    """Variant name -> the finite-size arguments of its simulator (for Model.resolve)."""
    _load_for(model)
    if not any(m == model for m, _ in _SIMULATORS):
        from . import _load_all

        _load_all()  # a twin registered from a module that names the model another way
    return {v: tuple(s.sizes) for (m, v), s in _SIMULATORS.items() if m == model}


def simulator_for(model: str, variant: str) -> Simulator:
    _load_for(model)
    if (model, variant) not in _SIMULATORS:
        from . import _load_all

        _load_all()  # a twin registered from a module that names the model another way
    try:
        return _SIMULATORS[(model, variant)]
    except KeyError:
        have = sorted(f"{m} ({v})" for m, v in _SIMULATORS)
        raise NotImplementedError(
            f"no Monte Carlo simulator for model {model!r} variant {variant!r} "
            f"(simulators: {', '.join(have)})") from None


def registered() -> list[Simulator]:
    from . import _load_all

    _load_all()
    return list(_SIMULATORS.values())

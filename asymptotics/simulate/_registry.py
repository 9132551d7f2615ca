"""Monte Carlo twins: registration of simulators for models' variants."""

from __future__ import annotations

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
    """

    model: str
    variant: str
    trial: Callable[[Any, Mapping[str, int], Any], Mapping[str, Any]]
    sizes: Mapping[str, str] = field(default_factory=dict)
    vectorized: tuple[str, ...] = ()
    effective: Callable[[Any, Mapping[str, int]], Mapping[str, float]] | None = None
    defaults: Mapping[str, int] = field(default_factory=dict)
    description: str = ""
    example: Mapping[str, Any] = field(default_factory=dict)
    memory: Callable[[Any, Mapping[str, int]], float] | None = None


_SIMULATORS: dict[tuple[str, str], Simulator] = {}


def register_simulator(sim: Simulator) -> Simulator:
    _SIMULATORS[(sim.model, sim.variant)] = sim
    return sim


def simulator_for(model: str, variant: str) -> Simulator:
    from . import _load_all

    _load_all()
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

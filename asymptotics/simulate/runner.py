"""The shared trial runner: seeds, grouping of grid points, means and standard errors."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .. import models as _models
from ..models._registry import broadcast_scalars
from .. import progress as _progress
from ..outcome import Outcome
from ..validation import Integer, ParameterError, check_memory, domain_error
from ._registry import simulator_for, sizes_by_variant

__all__ = ["SimulationResult", "simulate", "point_seed"]


@dataclass(frozen=True)
class SimulationResult(Outcome):
    """Monte Carlo estimates of a model's observables.

    ``mean`` and ``stderr`` (standard error of the mean over independent trials) map observable
    names to arrays of the broadcast shape of the scalar parameters (floats for one point);
    ``values`` holds the per-trial values with the trial axis first. ``params`` are the theory
    parameters that match the finite draw (e.g. ``gamma = p/n`` for the integer p used).
    NaN in ``mean`` marks an observable the estimator does not define at that point (documented by
    each simulator), never a failure.
    """

    model: str
    variant: str
    params: Mapping[str, Any]
    sizes: Mapping[str, int]
    trials: int
    seed: int
    mean: Mapping[str, Any]
    stderr: Mapping[str, Any]
    values: Mapping[str, np.ndarray]
    shape: tuple = ()

    _stores = ("mean",)
    _what = "simulation"

    @property
    def status(self):
        """Every Monte Carlo point is complete (NaN marks an observable undefined there)."""
        return np.zeros(self.shape, dtype=np.int8) if self.shape else 0

    def _columns(self) -> dict[str, Any]:
        """Parameter columns, ``<obs>`` and ``<obs>_se``, ``trials``: one row per point."""
        size = int(np.prod(self.shape)) if self.shape else 1
        cols: dict[str, Any] = {}
        for k, v in self.params.items():
            arr = np.asarray(v)
            if arr.ndim == 0 or arr.shape == self.shape:
                cols[k] = np.broadcast_to(arr, self.shape).reshape(size)
        for k in self.mean:
            cols[k] = np.asarray(self.mean[k], dtype=float).reshape(size)
            cols[k + "_se"] = np.asarray(self.stderr[k], dtype=float).reshape(size)
        cols["trials"] = np.full(size, self.trials)
        return cols

    def _attrs(self) -> dict[str, Any]:
        return {"model": self.model, "variant": self.variant, "seed": self.seed,
                "sizes": dict(self.sizes)}


def point_seed(seed: int, key: tuple) -> np.random.SeedSequence:
    """A seed sequence for one group of points, derived from the user's seed and the values of the
    parameters that change the draw, so a point's numbers do not depend on the rest of the grid."""
    digest = hashlib.sha256(repr(tuple((k, float(v)) for k, v in key)).encode()).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    return np.random.SeedSequence(entropy=int(seed), spawn_key=tuple(words))


def simulate(model, *, variant: str | None = None, trials: int = 20, seed: int = 0,
             dry_run: bool = False, **kwargs) -> SimulationResult | None:
    """Monte Carlo estimate of a model's observables at finite size.

    Draws ``trials`` independent data sets per point from ``seed``, fits the model's real estimator
    and measures the same observables as the theory. Scalar parameters may be arrays (broadcast as
    in :func:`~asymptotics.evaluate`); the simulator's vectorized parameters (e.g. the ridge
    penalty) share one draw per trial (common random numbers), others get their own seeds.
    Finite-size arguments (e.g. ``n``) are keyword arguments too; see the model's simulator.
    The variant is chosen as :func:`~asymptotics.evaluate` chooses it from the same keywords (see
    :meth:`~asymptotics.models.Model.resolve`), or named by ``variant=``.
    A draw that would not fit in memory is refused before anything is allocated (ParameterError
    with the estimate). ``dry_run=True`` only validates (and returns None). Runs longer than a few
    seconds show a progress bar with the time left on stderr (``ASYMPTOTICS_PROGRESS=0``: none).
    """
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 2:
        raise domain_error("trials", Integer(2, np.inf, True), trials)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise domain_error("seed", Integer(0, np.inf, True), seed)
    model = _models.get(model)
    resolution = model.resolve(kwargs, variant=variant, sizes=sizes_by_variant(model.name))
    variant = resolution.variant
    sim = simulator_for(model.name, variant.name)
    kwargs, given = resolution.params, resolution.sizes
    sizes = {}
    for name, doc in sim.sizes.items():
        value = given.get(name, sim.defaults.get(name))
        if value is None:
            raise ParameterError(f"{model.name}: simulate needs '{name}' ({doc})")
        if not Integer(1, np.inf, True).contains(value):
            raise domain_error(name, Integer(1, np.inf, True), value, model.name)
        sizes[name] = int(value)
    p = variant.validate(kwargs, model.name)
    shape, scalars = broadcast_scalars(variant, p)
    flat = {k: v.reshape(-1) for k, v in scalars.items()}
    npts = int(np.prod(shape)) if shape else 1
    if sim.memory is not None:
        # the largest draw over the grid (memory estimates grow with every parameter they read)
        worst = max((sim.memory(dataclasses.replace(p, **{k: float(flat[k][i]) for k in flat}), sizes)
                     for i in range(npts)), default=0.0) if npts <= 4096 else sim.memory(
            dataclasses.replace(p, **{k: float(np.max(flat[k])) for k in flat}), sizes)
        dims = [k for k in ("n", "d", "p", "width", "features", "spectrum") if k in variant.param_specs
                or k in getattr(variant.params, "conveniences", {})]
        knobs = ", ".join(f"'{k}'" for k in list(sim.sizes) + [k for k in dims if k not in sim.sizes]) or "the sizes"
        check_memory(float(worst), f"simulate {model.name} ({', '.join(f'{k}={v}' for k, v in sizes.items())})",
                     knobs, model.name)
    if dry_run:
        return None
    fixed = [k for k in variant.scalar_params if k not in sim.vectorized]
    groups: dict[tuple, list[int]] = {}
    for i in range(npts):
        groups.setdefault(tuple((k, float(flat[k][i])) for k in fixed), []).append(i)

    per_trial: dict[str, np.ndarray] = {}
    effective: dict[str, np.ndarray] = {k: flat[k].astype(float).copy() for k in flat}
    bar = _progress.bar(len(groups) * trials, f"simulate {model.name}", unit="trial", delay=5.0)
    for key, idx in groups.items():
        idx = np.asarray(idx)
        changes = {k: v for k, v in key}
        changes.update({k: flat[k][idx] for k in sim.vectorized if k in flat})
        gp = dataclasses.replace(p, **changes)
        seeds = point_seed(seed, key + tuple(sorted(sizes.items()))).spawn(trials)
        for t, ss in enumerate(seeds):
            out = sim.trial(gp, sizes, np.random.default_rng(ss))
            if set(out) != set(sim.observables) | set(sim.extras):
                raise _models.DeclarationError(
                    f"simulator for {model.name!r} ({variant.name}) returned "
                    f"{sorted(out)} but declares {sorted(set(sim.observables) | set(sim.extras))}; "
                    f"make trial() return exactly Simulator.observables (and extras)")
            bar.update()
            for name, val in out.items():
                arr = per_trial.setdefault(name, np.full((trials, npts), np.nan))
                arr[t, idx] = np.broadcast_to(np.asarray(val, dtype=float), idx.shape)
        if sim.effective is not None:
            for k, v in sim.effective(gp, sizes).items():
                effective[k][idx] = v

    bar.close()

    def shaped(a):
        a = np.asarray(a).reshape(shape)
        return a.item() if a.ndim == 0 else a

    mean = {k: shaped(v.mean(axis=0)) for k, v in per_trial.items()}
    stderr = {k: shaped(v.std(axis=0, ddof=1) / np.sqrt(trials)) for k, v in per_trial.items()}
    values = {k: v.reshape((trials,) + tuple(shape)) for k, v in per_trial.items()}
    params = {k: shaped(v) for k, v in effective.items()}
    for name, spec in variant.param_specs.items():
        if spec.is_array or spec.is_choice:
            params[name] = getattr(p, name)
    return SimulationResult(model.name, variant.name, params, sizes, int(trials), int(seed),
                            mean, stderr, values, tuple(shape))

"""The contract, run on every registered model, variant and simulator."""

import math

import numpy as np
import pytest

import asymptotics as asy
from asymptotics.models import all_models
from asymptotics.simulate import registered
from asymptotics.validation import fields

MODELS = all_models()
VARIANTS = [(m, v) for m in MODELS for v in m.variants]


def _id(mv):
    m, v = mv
    return f"{m.name}:{v.name}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_declares_references_conventions_and_observables(model):
    assert model.references and all(r.bibtex.strip().startswith("@") for r in model.references)
    assert all(r.equations for r in model.references), "say which equations each paper gives"
    assert len(model.conventions.strip()) > 100
    assert model.observables
    assert "@" in asy.cite(model.name)
    assert model.name in model.describe()


@pytest.mark.parametrize("mv", VARIANTS, ids=_id)
def test_example_evaluates_with_finite_observables(mv):
    model, variant = mv
    assert variant.example, "every variant declares an example point"
    result = asy.evaluate(model.name, **variant.example)
    assert result.variant == variant.name
    assert result.converged
    assert np.all(np.asarray(result.residual, dtype=float) < 1e-8)
    for name in model.observables:
        assert name in result.observables, f"documented observable {name} is not computed"
    for name, value in result.observables.items():
        assert not np.any(np.isnan(np.asarray(value, dtype=float))), name
    assert isinstance(model.latex(variant.name, **variant.example), str)


@pytest.mark.parametrize("mv", VARIANTS, ids=_id)
def test_parameters_are_documented_and_validated(mv):
    model, variant = mv
    for name, spec in fields(variant.params).items():
        assert spec.doc, f"{model.name}.{name} has no meaning"
        assert str(spec.domain)
    scalar = [n for n in variant.scalar_params if n in variant.example]
    if scalar:
        bad = dict(variant.example)
        bad[scalar[0]] = math.nan
        with pytest.raises(asy.ParameterError, match=scalar[0]):
            asy.evaluate(model.name, **bad)
    with pytest.raises(asy.ParameterError, match="unknown parameter"):
        asy.evaluate(model.name, **variant.example, not_a_parameter=1.0)


@pytest.mark.parametrize("sim", registered(), ids=lambda s: f"{s.model}:{s.variant}")
def test_simulator_example_runs_and_check_is_tidy(sim):
    assert sim.example, "every simulator declares a quick example"
    frame = asy.check(sim.model, trials=3, seed=1, **sim.example)
    assert len(frame) > 0
    assert set(["observable", "theory", "simulation", "stderr", "z"]) <= set(frame.columns)
    assert np.all(np.isfinite(frame["z"]))
    again = asy.simulate(sim.model, trials=3, seed=1, **sim.example)
    first = asy.simulate(sim.model, trials=3, seed=1, **sim.example)
    for k in first.mean:
        np.testing.assert_array_equal(np.asarray(first.mean[k]), np.asarray(again.mean[k]))


# -- the estimator-checks of every registered model and variant ---------------------------------
def _bad_values(spec):
    """Values outside a parameter's declared domain (each must raise ParameterError naming it)."""
    from asymptotics.validation import Array, Integer, Interval, OneOf

    d = spec.domain
    if isinstance(d, OneOf):
        return ["no-such-option"]
    if isinstance(d, Array):
        return [[math.nan], np.zeros((2, 2))]
    out = [math.nan]
    if isinstance(d, Interval):
        if np.isfinite(d.low):
            out.append(d.low - 1.0 if d.low_closed else d.low)
        if np.isfinite(d.high):
            out.append(d.high + 1.0 if d.high_closed else d.high)
        if isinstance(d, Integer):
            lo = d.low if np.isfinite(d.low) else 0.0
            out.append(max(lo, 0.0) + 1.5)
    return out


PARAMETERS = [(m, v, name) for m, v in VARIANTS for name in fields(v.params)]


@pytest.mark.parametrize("mvp", PARAMETERS, ids=lambda t: f"{t[0].name}:{t[1].name}:{t[2]}")
def test_every_parameter_rejects_values_outside_its_domain(mvp):
    model, variant, name = mvp
    spec = fields(variant.params)[name]
    base = {k: v for k, v in variant.example.items()
            if k not in variant.params.conveniences or name not in variant.params.conveniences[k]}
    if name in ("eigenvalues", "target", "coefficients", "multiplicities") and "spectrum" in variant.example:
        from asymptotics import spectra

        spec_obj = spectra.parse_spectrum(variant.example["spectrum"])
        base.pop("spectrum", None)
        base.update(variant.params.expand({"spectrum": spec_obj}))
    for bad in _bad_values(spec):
        with pytest.raises(asy.ParameterError, match=f"'{name}'"):
            asy.evaluate(model.name, variant=variant.name, **{**base, name: bad})


@pytest.mark.parametrize("mv", VARIANTS, ids=_id)
def test_resolution_is_the_same_for_theory_and_simulation(mv):
    model, variant = mv
    sizes = __import__("asymptotics.simulate._registry", fromlist=["x"]).sizes_by_variant(model.name)
    assert model.resolve(variant.example).variant is variant
    assert model.resolve(variant.example, sizes=sizes).variant is variant


@pytest.mark.parametrize("sim", registered(), ids=lambda s: f"{s.model}:{s.variant}")
def test_simulator_example_resolves_to_its_variant(sim):
    from asymptotics.simulate._registry import sizes_by_variant

    model = asy.models.get(sim.model)
    resolution = model.resolve(sim.example, sizes=sizes_by_variant(sim.model))
    assert resolution.variant.name == sim.variant
    assert set(resolution.sizes) <= set(sim.sizes)


def _system(model, variant):
    if variant.is_numeric:
        return None
    return variant.system_for(variant.validate(variant.example, model.name))


@pytest.mark.parametrize("mv", VARIANTS, ids=_id)
def test_documented_observables_are_the_computed_ones(mv):
    model, variant = mv
    result = asy.evaluate(model.name, variant=variant.name, **variant.example)
    documented = set(model.documented(variant, _system(model, variant)))
    assert set(result.observables) == documented, (
        f"computed but undocumented: {sorted(set(result.observables) - documented)}; "
        f"documented but not computed: {sorted(documented - set(result.observables))}")


CLOSED = [(m, v) for m, v in VARIANTS if not v.is_numeric and _system(m, v).solution is not None]


@pytest.mark.parametrize("mv", CLOSED, ids=_id)
def test_closed_form_equals_newton_and_solves_the_equations(mv):
    model, variant = mv
    system = _system(model, variant)
    example = dict(variant.example)
    # a small grid around the example: each scalar parameter in the example scaled by 0.7 and 1.3
    # (kept inside its domain), one at a time
    specs = fields(variant.params)
    points = [example]
    for name, value in example.items():
        if name in specs and not (specs[name].is_array or specs[name].is_choice) and \
                isinstance(value, (int, float)) and value != 0 and name != getattr(system.iteration, "name", None):
            for f in (0.7, 1.3):
                moved = value * f
                if isinstance(specs[name].domain, __import__("asymptotics.validation", fromlist=["Integer"]).Integer):
                    moved = float(round(moved))
                if specs[name].domain.contains(moved):
                    points.append({**example, name: moved})
    for point in points:
        closed = asy.evaluate(model.name, variant=variant.name, throw=False, **point)
        if not closed.converged:
            continue  # outside a parameter-dependent bound, say: nothing to compare
        assert closed.method == "closed-form"
        # converged means the closed form passed the residual / Newton-step test (solver tolerance)
        newton = asy.evaluate(model.name, variant=variant.name, method="newton", throw=False, **point)
        if not newton.converged:
            continue  # a hard point for plain Newton from the guess; the closed form stands
        for name, value in closed.unknowns.items():
            # both solve the same equations: agreement to the solvers' tolerance (1e-13 relative
            # steps; 1e-9 leaves room for conditioning)
            assert float(newton.unknowns[name]) == pytest.approx(float(value), rel=1e-9, abs=1e-12), name

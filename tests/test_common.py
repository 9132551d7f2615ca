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

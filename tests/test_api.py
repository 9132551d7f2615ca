"""evaluate / curve / optimize / simulate contracts on a toy model registered here, and on ridge."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics.models import Model, Reference, Variant, register
from asymptotics.symbolic import System, Unknown
from asymptotics.validation import Interval, param

a = sp.Symbol("a", positive=True)
x = sp.Symbol("x", positive=True)

# x² = a, started at x = 0 (a singular Jacobian) for a > 5: a batched Newton fails there, and the
# curve must repair those points by continuation from the converged ones.
SQRT = System(
    parameters=(a,),
    unknowns=(Unknown(x, guess=sp.Piecewise((0, a > 5), (a, True)), lower=0.0),),
    equations=(sp.Eq(x ** 2, a),),
    observables={"root": x, "inverse": 1 / x},
)


@dataclass(frozen=True, kw_only=True)
class SqrtParams:
    a: float = param(domain=Interval(0, np.inf), doc="the number whose square root is taken")


MODEL = register(Model(
    name="test-sqrt", summary="square root by Newton (a test fixture)",
    variants=(Variant("default", SqrtParams, SQRT, "x² = a", example={"a": 2.0}),),
    references=(Reference("none", "@misc{none, title={test}}", "x² = a"),),
    conventions="A toy model used by the test suite to exercise the evaluator and curves. " * 3,
    observables={"root": "sqrt(a)", "inverse": "1/sqrt(a)"},
))


def test_failures_raise_with_status_residual_and_remedy():
    with pytest.raises(asy.ConvergenceError) as info:
        asy.evaluate("test-sqrt", a=[1.0, 9.0])
    msg = str(info.value)
    assert "1 of 2 point(s)" in msg and "a=9" in msg and "singular" in msg
    partial = info.value.result
    assert partial.converged.tolist() == [True, False]
    # never a silent NaN: the failed point is NaN *and* flagged
    assert np.isnan(partial.root[1]) and partial.status[1] == asy.Status.SINGULAR


def test_throw_false_flags_instead_of_raising():
    r = asy.evaluate("test-sqrt", a=[1.0, 9.0], throw=False)
    assert r.root[0] == pytest.approx(1.0) and np.isnan(r.root[1])
    assert "singular" in r.message


def test_curve_repairs_failures_by_continuation():
    grid = np.linspace(1.0, 20.0, 40)
    frame = asy.curve("test-sqrt", sweep={"a": grid})
    assert (frame["status"] == "converged").all()
    np.testing.assert_allclose(frame["root"], np.sqrt(grid), rtol=1e-13)
    assert (frame["residual"] < 1e-12).all()
    frame2 = asy.curve("test-sqrt", sweep={"a": grid}, continuation=False)
    assert (frame2["status"] != "converged").sum() == (grid > 5).sum()
    with pytest.raises(asy.ConvergenceError):
        asy.curve("test-sqrt", sweep={"a": grid}, continuation=False, throw=True)


def test_broadcasting_shapes_and_frame():
    r = asy.evaluate("ridge", gamma=np.array([0.5, 2.0]), lam=np.array([[0.0], [0.1], [1.0]]))
    assert r.shape == (3, 2) and r.test_error.shape == (3, 2)
    frame = r.to_frame()
    assert len(frame) == 6 and {"gamma", "lam", "test_error", "status", "residual"} <= set(frame)
    with pytest.raises(asy.ParameterError, match="broadcast"):
        asy.evaluate("ridge", gamma=[0.5, 2.0, 3.0], lam=[0.1, 0.2])


def test_result_is_frozen_and_exposes_observables():
    r = asy.evaluate("ridge", gamma=2.0, lam=0.1)
    assert r.excess_risk == r["excess_risk"] == r.observables["excess_risk"]
    assert r.kappa == r.unknowns["kappa"] and r["gamma"] == 2.0
    with pytest.raises(AttributeError):
        r.not_an_observable
    with pytest.raises(Exception):
        r.method = "x"
    assert "hastie2022surprises" in asy.cite(r)


def test_curve_product_grid_and_errors():
    frame = asy.curve("ridge", sweep={"gamma": [0.5, 2.0], "lam": [0.0, 0.1, 1.0]}, noise=0.5)
    assert len(frame) == 6 and list(frame["gamma"]) == [0.5] * 3 + [2.0] * 3
    with pytest.raises(asy.ParameterError, match="both swept and fixed"):
        asy.curve("ridge", sweep={"gamma": [1.0]}, gamma=2.0)
    with pytest.raises(asy.ParameterError, match="at least one"):
        asy.curve("ridge", sweep={}, gamma=2.0)


def test_coarse_to_fine_warm_start_changes_nothing_but_iterations():
    spec = asy.spectra.power_law(2000, decay=1.3, source=0.8)
    lam = np.geomspace(1e-6, 10, 400)
    warm = asy.evaluate("ridge", n=300, lam=lam, noise=0.1, spectrum=spec)
    cold = asy.evaluate("ridge", n=300, lam=lam, noise=0.1, spectrum=spec, method="newton")
    assert "coarse-to-fine" in warm.method and "coarse" not in cold.method
    np.testing.assert_allclose(warm.kappa, cold.kappa, rtol=1e-12)
    assert warm.iterations.mean() < cold.iterations.mean()


def test_optimize_flags_an_optimum_at_the_bracket_edge():
    # with no noise the risk decreases as lam -> 0: the optimum sits at the lower bracket end
    r = asy.optimize("ridge", "test_error", over="lam", gamma=0.5, signal=1.0, noise=0.0,
                     bounds=(1e-3, 1.0))
    assert r.status == asy.Status.MAX_ITERATIONS
    with pytest.raises(asy.ParameterError, match="optimized"):
        asy.optimize("ridge", "test_error", over="lam", lam=0.1, gamma=0.5)


def test_simulation_result_frame():
    sim = asy.simulate("ridge", trials=3, seed=0, n=40, gamma=[0.5, 2.0], lam=0.1)
    frame = sim.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 2
    assert {"excess_risk", "excess_risk_se", "trials"} <= set(frame)
    assert sim.values["excess_risk"].shape == (3, 2)

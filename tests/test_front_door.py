"""One front door per model: variant resolution, checked declarations (issue: a newcomer's
two-variant model).

The newcomer's model is James–Stein shrinkage: ``y = θ + ε`` in R^p, ``ε ~ N(0, noise I_p)``,
``||θ||² = p signal``, estimate ``θ̂ = (1 - (p - 2) noise/||y||²) y``, observable the risk per
coordinate ``E||θ̂ - θ||²/p``. Variant ``asymptotic`` (p -> inf, closed form):
``noise signal/(signal + noise)``. Variant ``finite`` (numeric, exact at every p > 2): with
``X = ||y||²/noise`` noncentral chi-square (p degrees, non-centrality ``λ = p signal/noise``),
``risk = noise (1 - (p - 2)²/p E[1/X])`` and ``E[1/X] = (1/2) ∫_0^1 t^{p/2-2} e^{-λ(1-t)/2} dt``
(sum of the Poisson mixture of 1/(p - 2 + 2k) written as one integral; p = 3 needs the
integrable t^{-1/2} end, handled by quad). Both twins draw the real estimator; the asymptotic
twin takes the dimension as a finite size named ``p`` — the name the finite variant uses for a
parameter — which is exactly where keyword matching used to pick different variants in evaluate
and simulate.
"""

from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

import asymptotics as asy
from asymptotics.models import DeclarationError, Model, Reference, Variant, register
from asymptotics.models import _registry as model_registry
from asymptotics.outcome import NumericOutput, Status
from asymptotics.symbolic import System, Unknown
from asymptotics.validation import Integer, Interval, Parameters, param

sim_registry = importlib.import_module("asymptotics.simulate._registry")
from asymptotics.simulate import Simulator, register_simulator  # noqa: E402

_NONNEG = Interval(0, np.inf, low_closed=True)
signal, noise = sp.symbols("signal noise", nonnegative=True)
shrink = sp.Symbol("shrink", nonnegative=True)

# asymptotic: the shrinkage factor solves (signal + noise) shrink = signal (one linear equation,
# with its closed form), risk = (1 - shrink)² signal + shrink² noise
ASYMPTOTIC = System(
    parameters=(signal, noise),
    unknowns=(Unknown(shrink, guess=sp.Rational(1, 2), lower=0.0),),
    equations=(sp.Eq((signal + noise) * shrink, signal),),
    solution={shrink: signal / (signal + noise)},
    observables={"risk": (1 - shrink) ** 2 * signal + shrink ** 2 * noise},
)


@dataclass(frozen=True, kw_only=True)
class AsymptoticParams(Parameters):
    signal: float = param(1.0, domain=_NONNEG, doc="||θ||²/p")
    noise: float = param(1.0, domain=Interval(0, np.inf), doc="noise variance")


@dataclass(frozen=True, kw_only=True)
class FiniteParams(Parameters):
    p: float = param(domain=Integer(3, np.inf, low_closed=True), doc="dimension")
    signal: float = param(1.0, domain=_NONNEG, doc="||θ||²/p")
    noise: float = param(1.0, domain=Interval(0, np.inf), doc="noise variance")


def _finite_risk(p, signal_value, noise_value):
    lam = p * signal_value / noise_value
    inv = 0.5 * integrate.quad(lambda t: t ** (p / 2 - 2) * np.exp(-lam * (1 - t) / 2), 0, 1,
                               epsabs=1e-14, epsrel=1e-12)[0]
    return noise_value * (1 - (p - 2) ** 2 / p * inv)


def _finite_compute(params, values, batch, method):
    risk = np.array([_finite_risk(values["p"][i], values["signal"][i], values["noise"][i])
                     for i in range(batch)])
    return NumericOutput({"risk": risk}, np.full(batch, Status.CONVERGED), 0.0, 0, "quadrature")


def _js_trial(p, rng, signal_value, noise_value):
    theta = np.full(p, np.sqrt(signal_value))
    y = theta + np.sqrt(noise_value) * rng.standard_normal(p)
    est = (1 - (p - 2) * noise_value / (y @ y)) * y
    return {"risk": np.sum((est - theta) ** 2) / p}


BIB = "@misc{james1961, title={Estimation with quadratic loss}, author={James and Stein}, year={1961}}"


def _model(name="james-stein", finite_compute=_finite_compute, asymptotic=ASYMPTOTIC,
           observables=None):
    return Model(
        name=name, summary="James–Stein shrinkage",
        variants=(Variant("asymptotic", AsymptoticParams, asymptotic, "p -> inf",
                          example={"signal": 1.0, "noise": 0.5}),
                  Variant("finite", FiniteParams, None, "exact at finite p", compute=finite_compute,
                          equations="risk = noise (1 - (p-2)^2/p E[1/X])",
                          example={"p": 10, "signal": 1.0, "noise": 0.5})),
        references=(Reference("james1961", BIB, "eq. (2)"),),
        conventions="y = θ + ε in R^p, ε ~ N(0, noise I), ||θ||² = p signal; risk per coordinate. " * 2,
        observables=observables if observables is not None else {"risk": "E||θ̂ - θ||²/p"},
    )


@contextlib.contextmanager
def registered(model, *sims):
    try:
        register(model)
        for sim in sims:
            register_simulator(sim)
        yield model
    finally:
        model_registry._REGISTRY.pop(model.name, None)
        for sim in sims:
            sim_registry._SIMULATORS.pop((sim.model, sim.variant), None)


def _sims(name="james-stein", observables=("risk",)):
    return (
        Simulator(model=name, variant="asymptotic", observables=observables,
                  trial=lambda prm, sizes, rng: _js_trial(sizes["p"], rng, prm.signal, prm.noise),
                  sizes={"p": "dimension of θ"}, example={"p": 200, "signal": 1.0, "noise": 0.5}),
        Simulator(model=name, variant="finite", observables=observables,
                  trial=lambda prm, sizes, rng: _js_trial(int(prm.p), rng, prm.signal, prm.noise),
                  example={"p": 10, "signal": 1.0, "noise": 0.5}),
    )


@pytest.fixture
def james_stein():
    with registered(_model(), *_sims()) as model:
        yield model


def test_same_keywords_same_variant_in_evaluate_simulate_and_check(james_stein):
    kw = {"p": 10, "signal": 1.0, "noise": 0.5}
    assert asy.evaluate("james-stein", **kw).variant == "finite"
    assert asy.simulate("james-stein", trials=3, **kw).variant == "finite"
    frame = asy.check("james-stein", trials=400, seed=3, **kw)
    assert frame.attrs["model"] == "james-stein"
    # 400 trials: the exact finite-p risk must be within 4 standard errors of the simulation
    assert abs(frame["z"].iloc[0]) < 4
    exact = _finite_risk(10, 1.0, 0.5)
    assert frame["theory"].iloc[0] == pytest.approx(exact, rel=1e-12)
    # the asymptotic variant, named explicitly, treats p as the simulator's size; at p = 10 its
    # limit 1/3 differs from the exact 0.3576... by many standard errors (as it should)
    asym = asy.check("james-stein", variant="asymptotic", trials=400, seed=3, **kw)
    assert asym["theory"].iloc[0] == pytest.approx(0.5 / 1.5)
    assert abs(asym["z"].iloc[0]) > 6
    # ... and at p = 4000 it is within 4 standard errors (the O(1/p) gap is 3e-4, ~0.5 s.e.)
    big = asy.check("james-stein", variant="asymptotic", trials=100, seed=3, p=4000, signal=1.0,
                    noise=0.5)
    assert abs(big["z"].iloc[0]) < 4


def test_explicit_variant_everywhere(james_stein):
    assert asy.evaluate("james-stein", variant="asymptotic", signal=1.0).variant == "asymptotic"
    frame = asy.curve("james-stein", variant="finite", sweep={"p": [5, 10, 20]}, noise=0.5)
    assert np.all(np.diff(frame["risk"]) < 0)  # more coordinates: closer to the limit from above
    assert frame["risk"].iloc[-1] > 0.5 / 1.5
    with pytest.raises(asy.ParameterError, match="variant.*'asymptotic', 'finite'"):
        asy.evaluate("james-stein", variant="exact", p=10)
    with pytest.raises(asy.ParameterError, match="unknown parameter 'p'"):
        asy.evaluate("james-stein", variant="asymptotic", p=10)
    # the asymptotic simulator needs its size
    with pytest.raises(asy.ParameterError, match="simulate needs 'p'"):
        asy.simulate("james-stein", variant="asymptotic", trials=2, signal=1.0)


def test_finite_variant_tends_to_the_closed_form(james_stein):
    # the exact risk approaches noise signal/(signal + noise) at rate 1/p (a known limit)
    limit = asy.evaluate("james-stein", signal=2.0, noise=1.0).risk
    assert limit == pytest.approx(2 / 3, rel=1e-14)
    gaps = [asy.evaluate("james-stein", p=p, signal=2.0, noise=1.0).risk - limit for p in (100, 1000)]
    assert gaps[0] > 0
    assert gaps[1] == pytest.approx(gaps[0] / 10, rel=0.05)


def test_ambiguous_keywords_name_the_candidates():
    twin = _model(name="twin-ambiguous")
    both = Model(**{**twin.__dict__, "variants": (
        Variant("one", AsymptoticParams, ASYMPTOTIC, "", example={"signal": 1.0}),
        Variant("two", AsymptoticParams, ASYMPTOTIC, "", example={"signal": 1.0}))})
    with registered(both):
        with pytest.raises(asy.ParameterError, match="several variants \\('one', 'two'\\); pass variant="):
            asy.evaluate("twin-ambiguous", signal=1.0)
        assert asy.evaluate("twin-ambiguous", variant="two", signal=1.0).variant == "two"


def test_params_field_unlike_the_system_symbol_fails_at_declaration():
    @dataclass(frozen=True, kw_only=True)
    class Misnamed(Parameters):
        signal: float = param(1.0, domain=_NONNEG, doc="power")
        sigma2: float = param(1.0, domain=_NONNEG, doc="noise variance")

    with pytest.raises(DeclarationError, match="reads 'noise'.*no Params field.*name each sympy symbol"):
        Variant("bad", Misnamed, ASYMPTOTIC, "")


def test_simulator_for_a_missing_variant_or_misspelt_observable_is_refused(james_stein):
    with pytest.raises(DeclarationError, match="no variant 'asymptotics'"):
        register_simulator(Simulator(model="james-stein", variant="asymptotics", observables=("risk",),
                                     trial=lambda *a: {}))
    with pytest.raises(DeclarationError, match="'rsik' \\(did you mean 'risk'\\?\\)"):
        register_simulator(Simulator(model="james-stein", variant="finite", observables=("rsik",),
                                     trial=lambda *a: {}))
    with pytest.raises(DeclarationError, match="unknown model"):
        register_simulator(Simulator(model="no-such-model", variant="x", observables=("risk",),
                                     trial=lambda *a: {}))
    with pytest.raises(DeclarationError, match="size\\(s\\) \\['signal'\\] are also parameters"):
        register_simulator(Simulator(model="james-stein", variant="asymptotic", observables=("risk",),
                                     sizes={"signal": "?"}, trial=lambda *a: {}))


def test_trial_returning_other_names_than_declared_is_an_error():
    bad = Simulator(model="james-stein", variant="finite", observables=("risk",),
                    trial=lambda prm, sizes, rng: {"rsik": 0.0})
    with registered(_model(), bad):
        with pytest.raises(DeclarationError, match="returned \\['rsik'\\] but declares \\['risk'\\]"):
            asy.check("james-stein", trials=2, p=10)


def test_wrong_closed_form_is_not_reported_converged():
    wrong = System(parameters=ASYMPTOTIC.parameters, unknowns=ASYMPTOTIC.unknowns,
                   equations=ASYMPTOTIC.equations, observables=ASYMPTOTIC.observables,
                   solution={shrink: signal / (signal + 2 * noise)})
    with registered(_model(name="js-wrong", asymptotic=wrong)):
        r = asy.evaluate("js-wrong", throw=False, signal=1.0, noise=0.5)
        assert r.status == Status.INCONSISTENT and r.residual == pytest.approx(0.25)
        with pytest.raises(asy.ConvergenceError, match="inconsistent.*System.solution is wrong"):
            asy.evaluate("js-wrong", signal=1.0, noise=0.5)
        # where the wrong form happens to be right (noise = 0) the point is fine
        assert asy.evaluate("js-wrong", signal=1.0, noise=1e-300, throw=False).converged
        # Newton solves the equations themselves
        assert asy.evaluate("js-wrong", method="newton", signal=1.0, noise=0.5).risk == pytest.approx(1 / 3)


def test_numeric_variant_must_return_numeric_output():
    legacy = lambda params, values, batch, method: {"observables": {"risk": np.zeros(batch)},
                                                     "status": 0, "residual": 0, "iterations": 0,
                                                     "method": "x"}
    with registered(_model(name="js-legacy", finite_compute=legacy)):
        with pytest.raises(DeclarationError, match="must return an asymptotics.outcome.NumericOutput"):
            asy.evaluate("js-legacy", p=10)


def test_undocumented_or_phantom_observables_fail_at_registration():
    with pytest.raises(DeclarationError, match="computes \\['risk'\\], which neither.*does not compute \\['mse'\\]"):
        register(_model(name="js-undoc", observables={"mse": "?"}))
    assert "js-undoc" not in model_registry._REGISTRY


def test_model_outside_its_file_is_refused():
    # a model registered from a models/ module must live in the file named after it
    with pytest.raises(DeclarationError, match="must live in models/james_stein.py"):
        exec(compile("register(model)", "asymptotics/models/ridge.py", "exec"),
             {"__name__": "asymptotics.models.ridge", "register": register, "model": _model()})

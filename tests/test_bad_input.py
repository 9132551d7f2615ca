"""Bad input, every model, every parameter: a property test over random values.

For every registered variant, hypothesis replaces one parameter of the variant's example by a
random value (any float, inf, nan, huge and tiny numbers, integers, ``[]``, lists, strings, None,
booleans) and evaluates. Allowed outcomes only: a finite result (or a documented ``inf``), a
one-line :class:`ParameterError`, or a flagged non-convergence (:class:`ConvergenceError` with its
residual). Never another exception, a NaN, an empty result or a hang (30 s alarm). Derandomized so
that CI sees the same examples; the issue-15 reproducers are pinned in ``REPRODUCERS`` below.
"""

import signal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import asymptotics as asy
from asymptotics import models

VARIANTS = [(m.name, v.name) for m in models.all_models() for v in m.variants]

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e-300, 1e-12, 0.5, 1.0, 2.0, 10.0, 1e9, 1e300, -1e300]),
    st.integers(min_value=-10, max_value=10 ** 12),
    st.just([]),
    st.just([[]]),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=3),
    st.text(max_size=8),
    st.none(),
    st.booleans(),
)


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


def outcome(model, params, limit=30):
    """'ok', 'parameter', 'convergence' or an AssertionError describing a bad outcome."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(limit)
    try:
        r = asy.evaluate(model, **params)
    except asy.ParameterError as err:
        msg = str(err)
        assert "\n" not in msg and msg, f"{model} {params}: multi-line or empty message {msg!r}"
        return "parameter"
    except asy.ConvergenceError as err:
        assert "residual" in str(err), f"{model} {params}: non-convergence without residual: {err}"
        return "convergence"
    except _Hang:
        raise AssertionError(f"{model} {params}: no answer within {limit} s") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    for name, value in r.observables.items():
        arr = np.asarray(value, dtype=float)
        assert arr.size > 0, f"{model} {params}: empty observable {name}"
        assert not np.any(np.isnan(arr)), f"{model} {params}: NaN in {name} of a converged result"
    return "ok"


@pytest.mark.parametrize("model,variant", VARIANTS, ids=[f"{m}:{v}" for m, v in VARIANTS])
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_values_for_every_parameter(model, variant, data):
    v = models.get(model).variant(variant)
    name = data.draw(st.sampled_from(sorted(v.param_specs)), label="parameter")
    value = data.draw(VALUES, label="value")
    params = {k: val for k, val in v.example.items() if k != name}
    params[name] = value
    outcome(model, params)


# The reproducers of issue 15 (a bad-input campaign over every model): each gives a one-line error
# or a correct result.
REPRODUCERS = [
    ("ridge", {"gamma": []}, "parameter"),
    ("ridge", {"gamma": 2.0, "lam": [[]]}, "parameter"),
    ("random-features", {"psi1": [], "psi2": 1.5, "lam": 0.1}, "parameter"),
    ("lasso", {"delta": 0.5, "eps": 0.1, "noise": 0.04, "alpha": 1.5, "iteration": 1e9}, "ok"),
    ("glm-bayes", {"alpha": 2.0, "prior": "gaussian", "iteration": 1e9}, "ok"),
    ("spiked-wigner", {"snr": 2.0, "prior": "rademacher", "iteration": 1e9}, "ok"),
    ("logistic-mle", {"kappa": 0.2, "signal": 0.0}, "ok"),
    ("dmft-glm", {"alpha": 2.0, "time": 2.0, "step": 0.25, "paths": 1e9}, "parameter"),
    ("dmft-glm", {"alpha": 2.0, "time": 1e300, "step": 0.25}, "parameter"),
    ("gd-least-squares", {"n": 100, "time": 1e9, "step": 0.5, "spectrum": "power-law:p=200"}, "parameter"),
    ("ridge", {"n": 200, "lam": 0.01, "spectrum": "power-law:p=1e8"}, "parameter"),
    ("kernel-ridge", {"n": 100, "d": 1e300, "ridge": 0.01, "noise": 0.1, "target_powers": [0.0, 1.0]},
     "parameter"),
    ("glm-bayes", {"alpha": 1e300, "prior": "gaussian"}, "parameter"),
]


@pytest.mark.parametrize("model,params,expected", REPRODUCERS)
def test_issue_reproducers(model, params, expected):
    assert outcome(model, params) == expected


def test_messages_name_the_users_parameters_not_internals():
    with pytest.raises(asy.ParameterError) as info:
        asy.evaluate("gd-least-squares", n=100, time=1e9, step=0.5, spectrum="power-law:p=200")
    assert "'steps'" not in str(info.value) and "'time'" in str(info.value)
    with pytest.raises(asy.ParameterError) as info:
        asy.evaluate("spherical-spin", p=3, temperature=0.0, time=1e9, dt=0.05)
    assert "'dt'" in str(info.value) and len(str(info.value)) < 300
    with pytest.raises(asy.ParameterError) as info:
        asy.evaluate("random-features", psi1=2.0, psi2=1.5, lam=0.1, activation="1/x")
    assert "nan" not in str(info.value)


@pytest.mark.parametrize("argv,knob", [
    (dict(model="ridge", n=10 ** 7, gamma=2.0), "'n'"),
    (dict(model="random-features", d=40, n_test=10 ** 8, psi1=2.0, psi2=1.5), "'n_test'"),
    (dict(model="kernel-ridge", n=200, d=10, n_test=10 ** 8, ridge=0.01, noise=0.1,
          target_powers=[0.0, 1.0]), "'n_test'"),
])
def test_huge_simulations_are_refused_with_the_estimate(argv, knob):
    argv = dict(argv)
    model = argv.pop("model")
    with pytest.raises(asy.ParameterError, match="would need about .* of memory") as info:
        asy.simulate(model, trials=2, **argv)
    assert knob in str(info.value)


def test_precision_must_be_a_positive_integer():
    for bad in (0, -5, 2.5, True):
        with pytest.raises(asy.ParameterError, match="'precision' must be an integer"):
            asy.evaluate("ridge", gamma=2.0, lam=0.1, precision=bad)

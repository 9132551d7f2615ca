"""mle-existence (Candès & Sur): Cover, symmetry, equivalence with max-margin, monotonicity, LP Monte Carlo."""

import json
import pathlib

import numpy as np
import pytest

import asymptotics as asy

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "mle_existence.json").read_text())


@pytest.mark.parametrize("case", REF["threshold"])
def test_cover_value(case):
    r = asy.evaluate("mle-existence", intercept=case["intercept"], signal=case["signal"])
    assert r.threshold == pytest.approx(case["threshold"], abs=1e-14)


def test_symmetric_in_the_intercept_and_vanishing_for_large_effects():
    b0 = np.array([0.5, 1.0, 3.0])
    plus = asy.evaluate("mle-existence", intercept=b0, signal=2.0).threshold
    minus = asy.evaluate("mle-existence", intercept=-b0, signal=2.0).threshold
    np.testing.assert_allclose(plus, minus, rtol=1e-12)
    assert np.all(np.diff(plus) < 0)
    big = asy.evaluate("mle-existence", intercept=0.0, signal=[1.0, 100.0, 1e4]).threshold
    assert np.all(np.diff(big) < 0) and big[-1] < 0.01


def test_no_intercept_equals_separability_of_the_max_margin_model():
    for signal in (0.3, 3.0):
        cs = asy.evaluate("mle-existence", intercept=0.0, signal=signal).threshold
        mm = asy.evaluate("max-margin", psi=2.0, link="logistic", signal=signal).separability_threshold
        assert cs == pytest.approx(mm, rel=1e-12)


def test_intercept_only_labels():
    # gamma0 = 0: labels are i.i.d. with P(y = 1) = q = sigmoid(b0), independent of x. Then
    # h = min_t0 E(t0 Y - Z)_+^2 over Y = ±1: a 1-D problem checked by brute force.
    from scipy import optimize, stats
    b0 = 1.3
    q = 1 / (1 + np.exp(-b0))
    m1 = lambda a: (a * a + 1) * stats.norm.cdf(a) + a * stats.norm.pdf(a)
    res = optimize.minimize_scalar(lambda t: q * m1(t) + (1 - q) * m1(-t), bracket=(-3, 0, 3), tol=1e-12)
    r = asy.evaluate("mle-existence", intercept=b0, signal=0.0)
    assert r.threshold == pytest.approx(res.fun, rel=1e-9)


def test_monte_carlo():
    # p = 30, 15 trials, threshold estimate (p + 1)/n_c with n_c the critical size of one nested
    # sequence (LP separability with intercept; p + 1 coefficients): se ~ 0.012. With p/n_c instead
    # the estimate was 5% low at p = 30 (finite-size bias); with p + 1 it is within one standard
    # error at p = 30 for three parameter points (30 trials each) and at p = 60, 100.
    frame = asy.check("mle-existence", p=30, trials=15, seed=8, intercept=1.0, signal=1.0)
    assert np.all(np.abs(frame.z) < 4), frame


@pytest.mark.slow
@pytest.mark.parametrize("intercept,signal", [(0.0, 1.0), (1.0, 4.0), (2.0, 0.5)])
def test_monte_carlo_large(intercept, signal):
    frame = asy.check("mle-existence", p=100, trials=20, seed=9, intercept=intercept, signal=signal)
    assert np.all(np.abs(frame.z) < 4), frame

"""verify.value and the high-precision (Arb) path: exact parameters, Arb quadrature rules,
verified digits, every model's precision= path at its example point."""

import fractions
import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics import balls, exact, precise_rules, integrals
from asymptotics.validation import Interval, ParameterError
from asymptotics.verify import Status, value


# -- exact parameters --------------------------------------------------------------------------
@pytest.mark.parametrize("given, expected", [
    ("1/10", sp.Rational(1, 10)), ("1e-1000", sp.Rational(1, 10 ** 1000)),
    ("1 + 1e-30", 1 + sp.Rational(1, 10 ** 30)), (fractions.Fraction(3, 7), sp.Rational(3, 7)),
    (7, sp.Integer(7)), (0.1, sp.Rational(3602879701896397, 2 ** 55)), ("inf", sp.oo),
])
def test_exact_parse(given, expected):
    assert exact.parse(given) == expected


def test_exact_parse_mpf_and_sign():
    with mp.workdps(50):
        x = mp.mpf(-3) / 4
    assert exact.parse(x) == sp.Rational(-3, 4)


def test_float_proxy_stays_in_domain():
    # 1e-1000 underflows and 1 - 1e-30 rounds onto the excluded end: the proxies step back inside
    assert exact.float_proxy(exact.parse("1e-1000"), Interval(0, 1)) == 5e-324
    assert exact.float_proxy(exact.parse("1 - 1e-30"), Interval(0, 1)) < 1.0


def test_exact_domain_is_checked_exactly():
    with pytest.raises(ParameterError, match="gamma"):
        asy.evaluate("ridge", gamma="-1/10", precision=20)
    with pytest.raises(ParameterError, match="delta"):
        asy.evaluate("basis-pursuit", delta="1 + 1e-30", precision=20)  # delta < 1 exactly


def test_precision_uses_exact_parameters():
    """gamma = "1/10" is one tenth: excess risk sqrt(26) - 5 to 45 digits (optimal lam = noise gamma /
    signal); float 0.1 gives the digits of 0.1000000000000000055..., off at ~1e-17."""
    with mp.workdps(60):
        truth = mp.sqrt(26) - 5
    r = asy.evaluate("ridge", gamma="1/10", lam="1/10", signal=1, noise=1, precision=45)
    rf = asy.evaluate("ridge", gamma=0.1, lam=0.1, signal=1, noise=1, precision=45)
    with mp.workdps(60):
        assert abs(r.excess_risk - truth) < mp.mpf(10) ** -46
        assert 1e-19 < abs(rf.excess_risk - truth) < 1e-15


# -- Arb quadrature rules ------------------------------------------------------------------------
@pytest.mark.parametrize("kind, rule, floats", [
    ("normal", precise_rules.hermite, integrals.gauss_hermite),
    ("uniform", precise_rules.legendre_unit, integrals.gauss_legendre_unit),
    ("half", precise_rules.half_normal, integrals.half_normal),
])
def test_arb_rules_match_float_rules_and_moments(kind, rule, floats):
    # same rule as the float64 one (order 20; tolerance 1e-12: a few ulps of the largest node. At
    # order 40 the float half-normal rule, a Lanczos discretization, is itself off by ~1e-7 in its
    # nodes, while the Arb rule integrates every moment up to degree 79 exactly: see below)
    n20, w20 = rule(20, 200)
    x, w = floats(20)
    assert np.max(np.abs(np.array([float(v) for v in n20]) - np.asarray(x))) < 1e-12
    assert np.max(np.abs(np.array([float(v) for v in w20]) - np.asarray(w))) < 1e-13
    nodes, weights = rule(40, 200)
    # exact moments at 200 bits: E Z^6 = 15, E|Z|^79 = 2^(79/2) Gamma(40)/sqrt(pi), E U^5 = 1/6
    with balls.working_precision(200):
        k, exact_m = {"normal": (6, 15), "half": (79, 2 ** sp.Rational(79, 2) * sp.gamma(40) / sp.sqrt(sp.pi)),
                      "uniform": (5, sp.Rational(1, 6))}[kind]
        m = sum((wi * xi ** k for xi, wi in zip(nodes, weights)), balls.arb(0))
        with mp.workdps(60):
            assert abs(balls.to_mpf(m) / mp.mpf(sp.N(exact_m, 60)) - 1) < mp.mpf(10) ** -50
    # stable: recomputed with 64 more bits, the nodes agree to the working precision
    n2, w2 = rule(40, 264)
    assert max(abs(float(a - b)) for a, b in zip(weights, w2)) < 1e-55


def test_marchenko_pastur_rule_at_exact_gamma():
    with balls.working_precision(200):
        g = balls.constant(sp.Rational(1, 2))
        x, w = precise_rules.marchenko_pastur(g, 30, 200)
        m2 = sum((wi * xi ** 2 for xi, wi in zip(x, w)), balls.arb(0))  # E s^2 = 1 + gamma
        with mp.workdps(60):
            assert abs(balls.to_mpf(m2) - mp.mpf("1.5")) < mp.mpf(10) ** -55


def test_gd_least_squares_high_precision_against_quad():
    """Marchenko–Pastur nodes in Arb: the gradient-flow risk at gamma = 1/2, t = 1 equals mp.quad of
    its defining integrals to 1e-35 (the float rule was off by 2e-16)."""
    r = asy.evaluate("gd-least-squares", gamma="1/2", time=1, lam=0, signal=1, noise="1/4", step=0,
                     precision=40)
    with mp.workdps(50):
        g = mp.mpf(1) / 2
        a, b = (1 - mp.sqrt(g)) ** 2, (1 + mp.sqrt(g)) ** 2
        dens = lambda s: mp.sqrt((b - s) * (s - a)) / (2 * mp.pi * g * s)
        bias = mp.quad(lambda s: mp.exp(-2 * s) * dens(s), [a, b])
        var = g / 4 * mp.quad(lambda s: (1 - mp.exp(-s)) ** 2 / s * dens(s), [a, b])
        assert abs(r.excess_risk - (bias + var)) < mp.mpf(10) ** -35


# -- models' precision= paths (failed before: ZeroDivisionError, NameError erfcinv) -------------
@pytest.mark.parametrize("model, params, obs", [
    ("spiked-wigner", {"snr": 2.0, "prior": "rademacher"}, "overlap"),
    ("glm-bayes", {"alpha": 2.0, "prior": "gaussian"}, "overlap"),
    ("basis-pursuit", {"delta": 0.2, "noise": 1.0}, "mse"),
    ("erm", {"alpha": 2.0, "lam": 0.1, "loss": "logistic", "link": "sign", "flip": 0.1}, "m"),
])
def test_precision_path_at_example_points(model, params, obs):
    r = asy.evaluate(model, **params)
    hp = asy.evaluate(model, precision=25, **params)
    # the float64 value to float accuracy (relative 1e-10: the float solver's tolerance)
    assert float(hp.observables[obs]) == pytest.approx(float(r.observables[obs]), rel=1e-10)


@pytest.mark.slow
def test_precision_path_at_every_example_point():
    for m in asy.models.all_models():
        for v in m.variants:
            if v.is_numeric:
                continue
            r = asy.evaluate(m.name, **v.example)
            hp = asy.evaluate(m.name, precision=30, **v.example)
            for k, x in r.observables.items():
                x = np.asarray(x, dtype=float)
                if x.ndim == 0 and np.isfinite(x) and k in hp.observables:
                    assert float(hp.observables[k]) == pytest.approx(float(x), rel=1e-8, abs=1e-12), (m.name, k)


# -- value verdicts ------------------------------------------------------------------------------
def test_value_certified_closed_form():
    v = value("ridge", "excess_risk", digits=45, gamma="1/10", lam="1/10", signal=1, noise=1,
              claim="sqrt(26) - 5")
    assert v.status == Status.CERTIFIED and v.digits == 45
    with mp.workdps(60):
        assert abs(v.value - (mp.sqrt(26) - 5)) < mp.mpf(10) ** -44


def test_value_refutes_wrong_claim_and_float_input():
    v = value("ridge", "excess_risk", digits=40, gamma=0.1, lam=0.1, signal=1, noise=1,
              claim="sqrt(26) - 5")
    assert v.status == Status.REFUTED  # float 0.1 is not one tenth: agree to ~16 digits only


@pytest.mark.parametrize("gamma, sign", [("1 + 1e-40", 1), ("1 - 1e-40", -1)])
def test_ridgeless_peak_to_40_digits(gamma, sign):
    """variance (gamma - 1) = noise at gamma = 1 + 1e-40 (and -gamma noise = -(1 - 1e-40) below)."""
    v = value("ridge", "variance*(gamma - 1)", digits=40, gamma=gamma, lam=0, noise=1)
    assert v.status == Status.CERTIFIED and v.digits == 40
    with mp.workdps(60):
        target = 1 if sign > 0 else -(1 - mp.mpf(10) ** -40)
        assert abs(v.value - target) < mp.mpf(10) ** -40


def test_basis_pursuit_rate_at_extreme_delta():
    """delta = n/p = 10^-1000000: a rigorous enclosure of the min-l1 rate, 1.0000027782486918810...;
    the rate - 1 ≈ (log(pi log(p/n)) - 3)/(2 log(p/n)) asymptotics agree to their next order."""
    v = value("basis-pursuit", "rate", digits=20, delta="1e-1000000", noise=1)
    assert v.status == Status.CERTIFIED
    assert v.estimate.startswith("1.0000027782486918810")
    L = 1e6 * math.log(10)
    assert float(v.value) - 1 == pytest.approx((math.log(math.pi * L) - 3) / (2 * L), rel=1e-4)


def test_value_caps_float_node_spaces(monkeypatch):
    """A space without an Arb rule keeps its float64 nodes: the digits are capped at 15 and the
    verdict names the space. (Every space of the registered symbolic models has a rule; the cap is
    exercised by removing mle-existence's.)"""
    from asymptotics.models import mle_existence

    monkeypatch.setattr(mle_existence.LINE, "_precise", None)
    v = value("mle-existence", "threshold", digits=30, intercept="1/2", signal=1)
    assert v.digits <= 15 and "float64 nodes" in v.message and "gauss_mle_existence" in v.message


def test_value_json_roundtrip():
    import json

    v = value("gardner", "capacity", digits=30, kappa=0)
    d = json.loads(v.to_json())
    assert d["status"] == "certified" and d["estimate"].startswith("2.0000000000")
    assert d["equations_hash"] and d["version"] == asy.__version__


@pytest.mark.slow
def test_logistic_mle_digits_are_quadrature_limited():
    """GH 100x100 resolves the logistic integrands to ~1e-9..1e-12: the honest digit count says so."""
    v = value("logistic-mle", "alpha", digits=30, kappa="1/5", signal=5)
    assert v.status == Status.INCONCLUSIVE and 7 <= v.digits <= 14


@pytest.mark.parametrize("gamma, kappa, variance", [("1/2", 0, 1), (2, 1, 1)])
def test_ridgeless_closed_form_kappa_at_lam_zero(gamma, kappa, variance):
    """The closed-form kappa at lam = 0 (both branches of its Piecewise; the mpmath path divided by
    zero here): kappa = (gamma - 1)_+, variance = noise gamma/(1 - gamma) or noise/(gamma - 1)."""
    r = asy.evaluate("ridge", gamma=gamma, lam=0, noise=1, precision=30)
    assert r.kappa == kappa and r.variance == variance

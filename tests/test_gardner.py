"""gardner: Cover's value, Gardner's integral, limits, equivalence with max-margin, exact finite-p Monte Carlo."""

import json
import pathlib

import numpy as np
import pytest
from scipy import integrate, special, stats

import asymptotics as asy

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "gardner.json").read_text())


@pytest.mark.parametrize("case", REF["capacity"])
def test_cover_capacity(case):
    assert asy.evaluate("gardner", kappa=case["kappa"]).capacity == pytest.approx(case["capacity"], abs=1e-15)


@pytest.mark.parametrize("kappa", [0.1, 0.5, 1.0, 2.5])
def test_gardner_integral(kappa):
    integral = integrate.quad(lambda z: (z + kappa) ** 2 * stats.norm.pdf(z), -kappa, np.inf,
                              epsabs=1e-14, epsrel=1e-13)[0]
    r = asy.evaluate("gardner", kappa=kappa)
    assert r.capacity == pytest.approx(1 / integral, rel=1e-12)
    assert r.critical_psi * r.capacity == pytest.approx(1.0, rel=1e-14)


def test_limits_and_monotonicity():
    kappa = np.linspace(0, 20, 81)
    cap = asy.evaluate("gardner", kappa=kappa).capacity
    assert np.all(np.diff(cap) < 0)
    assert cap[-1] * (kappa[-1] ** 2 + 1) == pytest.approx(1.0, rel=1e-12)  # E(k - Z)² for large k


def test_equals_max_margin_with_pure_noise_labels():
    kappa = np.array([0.2, 0.8, 1.5])
    psi = asy.evaluate("gardner", kappa=kappa).critical_psi
    np.testing.assert_allclose(asy.evaluate("max-margin", psi=psi, flip=0.5).margin, kappa, rtol=1e-10)


def test_negative_margin_is_rejected():
    with pytest.raises(asy.ParameterError, match="kappa"):
        asy.evaluate("gardner", kappa=-0.5)


def _expected_capacity_at_finite_p(p):
    """E[n_c]/p exactly: P(first n random-label points separable) = 2^{1-n} sum_{k<p} C(n-1, k)
    = P(Binomial(n - 1, 1/2) <= p - 1)
    (Cover), and E n_c = sum_{n>=1} P(n_c >= n)."""
    total = 0.0
    for n in range(1, 20 * p):
        prob = special.bdtr(p - 1, n - 1, 0.5) if n > p else 1.0
        total += prob
        if prob < 1e-17:
            break
    return total / p


def test_monte_carlo_matches_cover_exactly_at_finite_p():
    # p = 40, 20 trials: the simulator's critical sample size has Cover's exact distribution, whose
    # mean is exactly 2p at every p (computed below), so the capacity estimate n_c/p is unbiased
    # at finite p and |z| < 4 on its standard error (~0.05) is a fair test.
    p = 40
    sim = asy.simulate("gardner", p=p, trials=20, seed=5, kappa=0.0)
    exact = _expected_capacity_at_finite_p(p)
    assert exact == pytest.approx(2.0, rel=1e-12)
    assert abs(sim.capacity - exact) < 4 * sim.stderr["capacity"]


def test_monte_carlo_positive_margin():
    # p = 50, 20 trials: se of n_c/p ~ 0.025; there is no finite-size bias at kappa = 0 (Cover,
    # above) and a positive margin adds one of order 1/p, below the standard error here.
    frame = asy.check("gardner", p=50, trials=20, seed=2, kappa=0.5)
    assert np.all(np.abs(frame.z) < 4), frame


@pytest.mark.slow
@pytest.mark.parametrize("kappa", [0.5, 1.0])
def test_monte_carlo_positive_margin_large(kappa):
    # p = 150, 20 trials: se ~ 0.015; checks that the finite-size bias stays below the noise.
    frame = asy.check("gardner", p=150, trials=20, seed=4, kappa=kappa)
    assert np.all(np.abs(frame.z) < 4), frame

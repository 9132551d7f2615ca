"""Minimum-l1-norm interpolation: the pure-noise closed form, the log(p/n) rate, Monte Carlo."""

import json
import pathlib

import numpy as np
import pytest
from scipy import stats

import asymptotics as asy

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "basis_pursuit.json").read_text())


@pytest.mark.parametrize("row", REF["values"], ids=lambda r: str(r["delta"]))
def test_theory_md_values(row):
    r = asy.evaluate("basis-pursuit", delta=row["delta"], noise=row["noise"])
    assert abs(r.excess_variance - row["excess_variance"]) <= row["tolerance"]


def test_pure_noise_state_evolution_equals_the_closed_form():
    d = np.array([0.9, 0.5, 0.2, 1e-3, 1e-9])
    r = asy.evaluate("basis-pursuit", delta=d, noise=2.0)
    np.testing.assert_allclose(r.excess_risk, r.excess_variance, rtol=1e-10)
    # threshold: 2 Phi(-alpha) = delta; closed form of the variance by scipy
    a0 = stats.norm.isf(d / 2)
    np.testing.assert_allclose(r.alpha, a0, rtol=1e-10)
    v = 2 * ((1 + a0 ** 2) * stats.norm.sf(a0) - a0 * stats.norm.pdf(a0)) / d
    np.testing.assert_allclose(r.excess_variance, 2.0 * v / (1 - v), rtol=1e-10)


def test_excess_variance_decays_like_noise_over_log_p_over_n():
    d = np.array([1e-2, 1e-4, 1e-8, 1e-16, 1e-32, 1e-64])
    r = asy.evaluate("basis-pursuit", delta=d, noise=1.0)
    dev = np.abs(r.rate - 1)
    assert np.all(np.diff(dev[1:]) < 0) and dev[-1] < 0.012
    # much slower than the min-l2 interpolator's noise n/p
    assert np.all(r.excess_variance / r.min_l2_excess_variance > 1 / (d * np.log(1 / d)) / 2)


def test_monte_carlo_linear_programming():
    # p = 200, 6 draws; the min-l1 variance fluctuates by ~10% per draw (n = 50); finite-size
    # bias of the LP solution vs the state evolution is a few percent at this size (THEORY B3:
    # 0.640 vs 0.648 at n = 200). |z| < 3.5.
    f = asy.check("basis-pursuit", p=200, trials=6, seed=1, delta=0.25, noise=1.0)
    assert np.all(np.abs(f["z"]) < 3.5), f.to_string()


@pytest.mark.slow
def test_monte_carlo_with_signal():
    f = asy.check("basis-pursuit", p=800, trials=12, seed=2, delta=[0.1, 0.3], noise=0.01,
                  eps=0.02, prior="three-point")
    assert np.all(np.abs(f["z"]) < 4), f.to_string()


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="delta"):
        asy.evaluate("basis-pursuit", delta=1.2)
    with pytest.raises(asy.ParameterError, match="noise"):
        asy.evaluate("basis-pursuit", delta=0.3, noise=-1)

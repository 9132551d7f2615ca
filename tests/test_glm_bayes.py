"""Bayes-optimal GAMP for GLMs: ridge equivalence, perceptron thresholds, stationarity, MC."""

import json
import pathlib

import numpy as np
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics.codegen import Kernel
from asymptotics.models import glm_bayes as gb
from asymptotics.models import spiked_wigner as sw

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "glm_bayes.json").read_text())


def test_linear_channel_with_gaussian_prior_is_ridge_at_the_optimal_penalty():
    # y = x'w*/sqrt(d) + noise: posterior mean = ridge with per-sample penalty noise*gamma/signal,
    # gamma = d/n = 1/alpha (see the ridge model); excess risk = 1 - q.
    alpha = np.array([0.3, 1.0, 2.5])
    r = asy.evaluate("glm-bayes", alpha=alpha, channel="linear", noise=0.3)
    ridge = asy.evaluate("ridge", gamma=1 / alpha, lam=0.3 / alpha, signal=1.0, noise=0.3)
    np.testing.assert_allclose(r.mse, ridge.excess_risk, rtol=1e-10)
    np.testing.assert_allclose(r.test_error, ridge.test_error, rtol=1e-10)


@pytest.mark.parametrize("row", REF["values"], ids=lambda r: [k for k in r if "threshold" in k][0])
def test_binary_perceptron_thresholds(row):
    r = asy.evaluate("glm-bayes", alpha=1.0, prior=row["prior"], channel=row["channel"])
    key = [k for k in row if "threshold" in k][0]
    assert abs(r[key] - row[key]) <= row["tolerance"]


def test_free_entropy_is_stationary_on_the_state_evolution():
    # Psi_out' = F_out/2 (sign channel), so that Phi = psi_in - q qhat/2 + alpha Psi_out is
    # stationary exactly where qhat = alpha F_out(q) and q = m_in(qhat).
    q = gb.q
    kern = Kernel([sp.diff(gb.psi_out("sign", q), q), gb.f_out("sign", q)], (q,))
    grid = np.array([0.05, 0.3, 0.7, 0.95])
    dpsi, f = kern({"q": grid})
    np.testing.assert_allclose(dpsi, f / 2, rtol=1e-9)
    # F_out(0) = 2/pi
    (f0,) = Kernel([gb.f_out("sign", q)], (q,))({"q": np.array([0.0])})
    assert f0[0] == pytest.approx(2 / np.pi, rel=1e-12)


def test_sign_perceptron_limits_and_monotonicity():
    a = np.array([1e-6, 0.5, 1.0, 2.0, 5.0, 20.0])
    r = asy.evaluate("glm-bayes", alpha=a)
    assert r.test_error[0] == pytest.approx(0.5 - np.sqrt(2e-6 / np.pi) / np.pi, abs=1e-6)
    assert np.all(np.diff(r.test_error) < 0) and np.all(np.diff(r.overlap) > 0)
    # known large-alpha decay of the Bayes error for a spherical teacher: ~ c/alpha
    assert 0.03 < r.test_error[-1] * 20.0 < 1.0
    assert r.algorithmic_threshold[0] == np.inf and r.perfect_recovery_threshold[0] == np.inf


def test_binary_perceptron_branches():
    a = np.array([1.0, 1.35, 1.6])
    amp = asy.evaluate("glm-bayes", alpha=a, prior="rademacher")
    bay = asy.evaluate("glm-bayes", alpha=a, prior="rademacher", branch="bayes")
    assert amp.overlap[0] < 1 and amp.overlap[1] < 1 and amp.overlap[2] == 1
    assert bay.overlap[0] < 1 and bay.overlap[1] == 1 == bay.overlap[2]
    assert amp.test_error[2] == 0
    # trajectory from q = 0: q_1 = m_in(2 alpha/pi), increasing to the fixed point
    tr = asy.evaluate("glm-bayes", alpha=1.0, prior="rademacher", iteration=np.arange(0, 80))
    assert tr.overlap[0] == 0 and np.all(np.diff(tr.overlap) >= -1e-15)
    assert tr.overlap[-1] == pytest.approx(amp.overlap[0], rel=1e-8)
    g = sp.Symbol("g", positive=True)
    (m1,) = Kernel([sw.overlap_fn("rademacher", g)], (g,))({"g": np.array([2 / np.pi])})
    assert tr.overlap[1] == pytest.approx(m1[0], rel=1e-12)


def test_monte_carlo_gamp_against_state_evolution():
    # d = 400, n = 800, 6 draws: the overlap per draw fluctuates by O(1/sqrt(d)) ~ 0.02-0.03;
    # finite-size bias of GAMP vs state evolution is O(1/d). |z| < 4.
    f = asy.check("glm-bayes", d=400, trials=6, seed=1, alpha=2.0, iteration=[1, 3, np.inf])
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    g = asy.check("glm-bayes", d=400, trials=6, seed=2, alpha=1.0, prior="rademacher",
                  iteration=[1, 3, np.inf])
    assert np.all(np.abs(g["z"]) < 4), g.to_string()


@pytest.mark.slow
def test_monte_carlo_large():
    f = asy.check("glm-bayes", d=2000, trials=10, seed=4, alpha=np.array([[0.5], [3.0]]),
                  iteration=np.array([[1, 4, np.inf]]))
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    g = asy.check("glm-bayes", d=1500, trials=10, seed=5, alpha=1.0, prior="rademacher",
                  channel="linear", noise=0.1, iteration=[1, 3, np.inf])
    assert np.all(np.abs(g["z"]) < 4), g.to_string()


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="noise"):
        asy.evaluate("glm-bayes", alpha=1.0, channel="linear", noise=0.0)
    with pytest.raises(asy.ParameterError, match="alpha"):
        asy.evaluate("glm-bayes", alpha=0.0)
    with pytest.raises(asy.ParameterError, match="channel"):
        asy.evaluate("glm-bayes", alpha=1.0, channel="relu")

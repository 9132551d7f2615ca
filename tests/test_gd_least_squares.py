"""gd-least-squares: spectral formula vs DMFT, limits, quadrature accuracy, Monte Carlo, bad inputs."""

import json
import pathlib

import mpmath as mp
import numpy as np
import pytest

import asymptotics as asy
from asymptotics.dmft import solve_least_squares

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "gd_least_squares.json").read_text())


def test_reference_values_of_theory_e1():
    r = asy.evaluate("gd-least-squares", time=REF["time"], **REF["params"])
    np.testing.assert_allclose(r.excess_risk, REF["excess_risk_dmft"], atol=REF["tolerance_dmft"])
    np.testing.assert_allclose(r.train_error, REF["train_error_dmft"], atol=REF["tolerance_dmft"])
    # E1's Monte Carlo (d = 2000, 4 seeds) sits ~0.006 below: finite-size bias of that run.
    np.testing.assert_allclose(r.excess_risk, REF["excess_risk_mc"], atol=0.01)


@pytest.mark.parametrize("gamma,lam,noise,step", [
    (0.5, 0.005, 0.25, 0.2), (2.0, 0.0, 0.5, 0.1), (1.0, 0.0, 1.0, 0.1), (3.0, 0.2, 0.1, 0.05),
])
def test_dmft_equals_spectral_formula_at_every_step(gamma, lam, noise, step):
    d = solve_least_squares(gamma=gamma, step=step, steps=300, lam=lam, noise=noise, signal=1.3)
    assert d.converged and d.residual < 1e-10
    s = asy.evaluate("gd-least-squares", gamma=gamma, step=step, time=d.times, lam=lam, noise=noise,
                     signal=1.3)
    for name in ("excess_risk", "test_error", "train_error", "norm"):
        np.testing.assert_allclose(d.observables[name], s.observables[name], rtol=1e-9, atol=1e-11)
    # order parameters: causal responses, Gram matrix with the norm on its diagonal
    assert np.allclose(np.triu(d.R_theta), 0.0)
    assert np.allclose(np.diag(d.C_theta), d.norm)


def test_iterated_and_causal_dmft_agree_and_iteration_converges():
    kw = dict(gamma=0.5, step=0.2, steps=150, lam=0.005, noise=0.25)
    a = solve_least_squares(method="causal", **kw)
    b = solve_least_squares(method="iterate", **kw)
    c = solve_least_squares(method="iterate", damping=0.4, **kw)
    assert b.converged and c.converged and b.iterations < c.iterations < 200
    assert np.all(np.diff(b.residual_history[-10:]) < 0)  # geometric convergence
    for r in (b, c):
        np.testing.assert_allclose(r.C_theta, a.C_theta, atol=1e-9)
        np.testing.assert_allclose(r.R_ell, a.R_ell, atol=1e-9)


@pytest.mark.parametrize("gamma,lam", [(0.5, 0.0), (0.5, 0.1), (2.0, 0.0), (2.0, 0.1), (1.0, 0.05)])
def test_long_time_limit_is_ridge_or_min_norm(gamma, lam):
    gd = asy.evaluate("gd-least-squares", gamma=gamma, lam=lam, time=2e4, noise=0.5, signal=2.0)
    ridge = asy.evaluate("ridge", gamma=gamma, lam=lam, noise=0.5, signal=2.0)
    for name in ("excess_risk", "bias", "variance", "train_error"):
        np.testing.assert_allclose(gd[name], ridge[name], rtol=1e-7, atol=1e-9)


def test_time_zero_and_early_stopping_optimum():
    r = asy.evaluate("gd-least-squares", gamma=2.0, time=0.0, signal=1.5, noise=0.3)
    assert r.bias == pytest.approx(1.5) and r.variance == 0 and r.train_error == pytest.approx(1.8)
    t = np.geomspace(0.01, 1e3, 400)
    curve = asy.evaluate("gd-least-squares", gamma=0.9, time=t, signal=1.0, noise=1.0).test_error
    best = np.argmin(curve)
    assert 0 < best < t.size - 1 and curve[-1] > curve[best] + 1.0  # overfitting near gamma = 1
    # Ali-Kolter-Tibshirani: flow at time t is within a factor 1.69 of ridge at lam = 1/t
    ridge = asy.evaluate("ridge", gamma=0.9, lam=1 / t, signal=1.0, noise=1.0).excess_risk
    flow = asy.evaluate("gd-least-squares", gamma=0.9, time=t, signal=1.0, noise=1.0).excess_risk
    assert np.all(flow <= 1.69 * ridge + 1e-12)


def test_descent_tends_to_flow_as_the_step_shrinks():
    t = 4.0
    flow = asy.evaluate("gd-least-squares", gamma=0.5, time=t, noise=0.5).excess_risk
    errs = [abs(asy.evaluate("gd-least-squares", gamma=0.5, time=t, noise=0.5, step=h).excess_risk - flow)
            for h in (0.1, 0.05, 0.025)]
    assert errs[0] > errs[1] > errs[2]
    assert errs[1] / errs[2] == pytest.approx(2.0, rel=0.1)  # first order in the step
    # ... and the DMFT of descent converges to the flow at the same rate (it equals descent)
    d = solve_least_squares(gamma=0.5, step=0.025, steps=160, noise=0.5)
    assert abs(d.excess_risk[-1] - flow) == pytest.approx(errs[2], rel=1e-6)


def _mp_excess(gamma, t, signal, noise):
    """Excess risk of gradient flow by mpmath quadrature in the angle variable (independent code)."""
    g, q = mp.mpf(gamma), mp.sqrt(gamma)

    def dens(th):
        s = (1 - q) ** 2 + 4 * q * mp.cos(th / 2) ** 2  # = 1 + g + 2q cos θ, no cancellation at θ = π
        return (2 / mp.pi) * mp.sin(th) ** 2 / s, s

    def integrand(th):
        w, s = dens(th)
        return w * (signal * mp.exp(-2 * t * s) + noise * g * (-mp.expm1(-t * s)) ** 2 / s)

    val = mp.quad(integrand, mp.linspace(0, mp.pi, 40))
    return float(val + signal * max(0, 1 - 1 / g))


@pytest.mark.parametrize("gamma,t", [(1.0, 1000.0), (0.999, 300.0), (1.001, 30.0), (0.3, 5.0)])
def test_quadrature_is_accurate_at_and_near_the_hard_edge(gamma, t):
    with mp.workdps(30):
        exact = _mp_excess(gamma, t, 1.0, 0.5)
    got = asy.evaluate("gd-least-squares", gamma=gamma, time=t, noise=0.5).excess_risk
    assert got == pytest.approx(exact, rel=1e-10)


def test_unstable_step_diverges_to_inf():
    # step (1 + sqrt gamma)^2 > 2 makes descent unstable: the risk overflows to inf, not NaN
    r = asy.evaluate("gd-least-squares", gamma=1.0, step=0.6, time=0.6 * 2000)
    assert r.converged and np.isinf(r.excess_risk)
    d = solve_least_squares(gamma=1.0, step=0.6, steps=300)
    assert not d.converged


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="whole number of steps"):
        asy.evaluate("gd-least-squares", gamma=1.0, step=0.3, time=1.0)
    with pytest.raises(asy.ParameterError, match="gamma"):
        asy.evaluate("gd-least-squares", gamma=-1.0, time=1.0)
    with pytest.raises(asy.ParameterError, match="time"):
        asy.evaluate("gd-least-squares", gamma=1.0, time=np.inf)
    with pytest.raises(asy.ParameterError, match="steps"):
        solve_least_squares(gamma=1.0, step=0.1, steps=0)
    with pytest.raises(asy.ParameterError, match="step"):
        solve_least_squares(gamma=1.0, step=0.0, steps=10)
    with pytest.raises(asy.ParameterError, match="method"):
        solve_least_squares(gamma=1.0, step=0.1, steps=10, method="newton")


@pytest.mark.parametrize("gamma,step,lam", [(0.5, 0.2, 0.005), (2.0, 0.0, 0.0)])
def test_monte_carlo_agreement(gamma, step, lam):
    # n = 300, 12 trials: standard errors ~1-2% of the values for the observables of one draw.
    # The conditional bias and variance are self-averaging (their spread is ~1/n, so their z-scores
    # are dominated by the O(1/n) finite-size bias): allow 4 standard errors plus 3|theory|/n.
    n = 300
    frame = asy.check("gd-least-squares", n=n, trials=12, seed=3, gamma=gamma, step=step, lam=lam,
                      noise=0.5, time=[1.0, 4.0, 20.0])
    assert len(frame) >= 15
    allowed = 4.0 * frame["stderr"] + 3.0 * np.abs(frame["theory"]) / n
    bad = np.abs(frame["simulation"] - frame["theory"]) > allowed
    assert not bad.any(), frame[bad]


# -- general covariance (DMFT with one weight process per eigenvalue) ----------------------------------
def test_general_variant_with_identity_covariance_equals_the_isotropic_formula():
    p, n = 120, 60
    r = asy.evaluate("gd-least-squares", n=n, eigenvalues=np.ones(p), target=np.full(p, 0.8 / np.sqrt(p)),
                     step=0.1, lam=0.02, noise=0.3, time=np.arange(0, 151) * 0.1)
    iso = asy.evaluate("gd-least-squares", gamma=p / n, signal=0.64, step=0.1, lam=0.02, noise=0.3,
                       time=np.arange(0, 151) * 0.1)
    assert r.variant == "general" and r.converged.all()
    for name in ("excess_risk", "bias", "variance", "train_error", "norm"):
        np.testing.assert_allclose(r[name], iso[name], rtol=1e-9, atol=1e-11)


def test_general_variant_long_time_limit_is_the_ridge_deterministic_equivalent():
    spec = asy.spectra.power_law(60, decay=1.5, source=0.5)
    gd = asy.evaluate("gd-least-squares", n=40, spectrum=spec, step=0.5, lam=0.2, noise=0.25, time=250.0)
    ridge = asy.evaluate("ridge", n=40, spectrum=spec, lam=0.2, noise=0.25)
    for name in ("excess_risk", "bias", "variance", "train_error"):
        assert gd[name] == pytest.approx(ridge[name], rel=1e-8)


def test_general_variant_monte_carlo_and_bad_inputs():
    # n = 400, p = 800, 8 trials: se ~1-2%; finite-n bias O(1/n) allowed as in the isotropic test
    n = 400
    frame = asy.check("gd-least-squares", n=n, trials=8, seed=2, time=[1.0, 20.0], step=0.1, lam=0.01,
                      noise=0.25, spectrum="two-level:p=800,fraction=0.1,high=5,low=0.5,signal=1")
    allowed = 4.0 * frame["stderr"] + 3.0 * np.abs(frame["theory"]) / n
    assert not (np.abs(frame["simulation"] - frame["theory"]) > allowed).any()
    with pytest.raises(asy.ParameterError, match="step"):
        asy.evaluate("gd-least-squares", n=10, eigenvalues=np.ones(5), target=np.ones(5), time=1.0, step=0.0)
    with pytest.raises(asy.ParameterError, match="target"):
        asy.evaluate("gd-least-squares", n=10, eigenvalues=np.ones(5), target=np.ones(4), time=1.0, step=0.5)

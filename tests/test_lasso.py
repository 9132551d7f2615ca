"""LASSO / AMP state evolution: closed forms, calibration both ways, AMP vs SE vs direct solver."""

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, stats

import asymptotics as asy
from asymptotics.codegen import Kernel
from asymptotics.models import _amp
from asymptotics.priors import Prior
from asymptotics.simulate.sparse import amp_lasso, draw_problem, solve_lasso, soft

BASE = {"delta": 0.5, "eps": 0.1, "noise": 0.04}


def _soft(y, th):
    return np.sign(y) * np.maximum(np.abs(y) - th, 0)


@pytest.mark.parametrize("x, tau, theta", [(0.0, 0.7, 1.1), (1.0, 0.3, 0.5), (-2.5, 1.2, 0.4),
                                           (0.2, 0.05, 3.0)])
def test_soft_threshold_moments_at_a_point_match_quadrature(x, tau, theta):
    X, T, TH = sp.symbols("X T TH", real=True)
    kern = Kernel([_amp.soft_mse_at(X, T, TH), _amp.soft_df_at(X, T, TH)], (X, T, TH))
    mse, df = (float(v[0]) for v in kern({"X": x, "T": tau, "TH": theta}, batch=1))
    f = lambda z: (_soft(x + tau * z, theta) - x) ** 2 * stats.norm.pdf(z)
    brk = [(theta - x) / tau, (-theta - x) / tau]
    ref = integrate.quad(f, -np.inf, np.inf, points=None, limit=200)[0] if False else sum(
        integrate.quad(f, lo, hi, limit=200)[0]
        for lo, hi in [(-np.inf, min(brk)), (min(brk), max(brk)), (max(brk), np.inf)])
    assert mse == pytest.approx(ref, rel=1e-9, abs=1e-14)
    assert df == pytest.approx(stats.norm.sf(brk[0]) + stats.norm.cdf(brk[1]), rel=1e-12)


def test_gaussian_slab_moments_match_quadrature():
    # average the (separately tested) fixed-point moments over x ~ N(0, 1) numerically
    X, T, TH = sp.symbols("X T TH", real=True)
    at = Kernel([_amp.soft_mse_at(X, T, TH), _amp.soft_df_at(X, T, TH)], (X, T, TH))
    slab = Kernel([_amp.soft_mse_gauss(T, TH), _amp.soft_df_gauss(T, TH)], (T, TH))
    xs = np.linspace(-12, 12, 24001)
    w = stats.norm.pdf(xs) * (xs[1] - xs[0])
    for tau, theta in [(0.3, 0.5), (1.5, 2.0), (0.05, 0.01)]:
        mse_x, df_x = at({"X": xs, "T": tau, "TH": theta}, batch=xs.size)
        mse, df = (float(v[0]) for v in slab({"T": tau, "TH": theta}, batch=1))
        assert mse == pytest.approx(w @ mse_x, rel=1e-8)
        assert df == pytest.approx(w @ df_x, rel=1e-8)


def test_fixed_point_satisfies_the_state_evolution_and_starts_at_tau0():
    r = asy.evaluate("lasso", **BASE, alpha=1.5, iteration=[0, np.inf])
    tau0, tau = r.tau
    assert tau0 ** 2 == pytest.approx(0.04 + 0.1 / 0.5, rel=1e-14)
    # tau^2 = noise + mse/delta at the fixed point; excess risk = tau^2 - noise
    assert tau ** 2 == pytest.approx(0.04 + r.mse[1] / 0.5, rel=1e-12)
    assert r.excess_risk[1] == pytest.approx(tau ** 2 - 0.04, rel=1e-12)
    # Donoho–Maleki–Montanari / THEORY D1 example: SE MSE at delta=0.5, eps=0.1, sigma=0.2, a=1.5
    assert r.mse[1] == pytest.approx(0.020635, abs=2e-6)


def test_trajectory_decreases_to_the_fixed_point():
    t = np.arange(0, 60)
    tau = asy.evaluate("lasso", **BASE, alpha=1.5, iteration=t).tau
    assert np.all(np.diff(tau) <= 1e-15)
    fixed = asy.evaluate("lasso", **BASE, alpha=1.5).tau
    assert tau[-1] == pytest.approx(fixed, rel=1e-10)


def test_calibration_map_both_ways():
    alphas = np.array([1.2, 1.5, 2.0, 3.0])
    fwd = asy.evaluate("lasso", **BASE, alpha=alphas)
    back = asy.evaluate("lasso", **BASE, lam=fwd.lam)
    np.testing.assert_allclose(back.alpha, alphas, rtol=1e-10)
    np.testing.assert_allclose(back.tau, fwd.tau, rtol=1e-10)
    assert np.all(np.diff(fwd.lam) > 0)  # lam(alpha) increasing above the basis-pursuit alpha


def test_lam_to_zero_is_basis_pursuit():
    kw = {"delta": 0.25, "eps": 0.02, "noise": 0.01, "prior": "three-point"}
    bp = asy.evaluate("basis-pursuit", **kw)
    small = asy.evaluate("lasso", **kw, lam=1e-7)
    assert small.mse == pytest.approx(bp.mse, rel=1e-5)
    assert small.alpha == pytest.approx(bp.alpha, rel=1e-5)


def test_empirical_prior_reproduces_named_priors():
    three = asy.evaluate("lasso", **BASE, prior="three-point", lam=0.3)
    atoms = Prior.discrete([0.0, 1.0, -1.0], [0.9, 0.05, 0.05])
    emp = asy.evaluate("lasso", delta=0.5, noise=0.04, prior=atoms, lam=0.3)
    assert emp.mse == pytest.approx(three.mse, rel=1e-12)
    # a sympy density with an atom at zero: Bernoulli–Gaussian up to the quantile discretization
    bg = asy.evaluate("lasso", **BASE, lam=0.3)
    dens = Prior.density("exp(-x**2/2)/sqrt(2*pi)", eps=0.1, atoms=4000)
    emp = asy.evaluate("lasso", delta=0.5, noise=0.04, prior=dens, lam=0.3)
    assert emp.mse == pytest.approx(bg.mse, rel=2e-4)


def test_noiseless_recovery_below_the_phase_transition():
    rho = asy.evaluate("donoho-tanner", delta=0.5).eps
    below = asy.evaluate("lasso", delta=0.5, eps=0.9 * rho, noise=0.0, prior="three-point",
                         alpha=asy.evaluate("donoho-tanner", delta=0.5).alpha)
    assert below.mse < 1e-12


def test_amp_fixed_point_is_the_lasso_solution():
    from asymptotics.models.lasso import AlphaParams

    p = AlphaParams(**BASE, alpha=1.5)
    a, x0, y = draw_problem(p, 600, np.random.default_rng(3))
    n, big_n = a.shape
    x, z = np.zeros(big_n), y.copy()
    for _ in range(3000):
        theta = 1.5 * np.linalg.norm(z) / np.sqrt(n)
        xn = soft(x + a.T @ z, theta)
        if np.linalg.norm(xn - x) < 1e-13 * np.linalg.norm(xn):
            break
        z = y - a @ xn + z * np.count_nonzero(xn) / n
        x = xn
    lam = theta * (1 - np.count_nonzero(xn) / n)
    direct = solve_lasso(a, y, lam)
    assert np.linalg.norm(direct - xn) <= 1e-6 * np.linalg.norm(xn)
    # and the recorded AMP statistics at t = inf agree with the direct solution's
    rec = amp_lasso(a, y, x0, 1.5, [np.inf])[np.inf]
    assert rec["lam"] == pytest.approx(lam, rel=1e-8)
    assert rec["mse"] == pytest.approx(np.sum((direct - x0) ** 2) / big_n, rel=1e-5)


def test_monte_carlo_agreement_along_iterations_and_at_the_lasso():
    # N = 500, 10 trials. Per-trial spread of tau^2 is dominated by the fluctuation of
    # ||x0||^2/N (about 12% for 100 Bernoulli–Gaussian non-zeros), which the standard error
    # includes; finite-N bias of the state evolution is O(1/N) here (0.2%), far below the
    # standard errors (2-5%). |z| < 4 over ~40 correlated rows.
    f = asy.check("lasso", N=500, trials=10, seed=7, **BASE, alpha=1.5,
                  iteration=[0, 2, 5, np.inf])
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    g = asy.check("lasso", N=400, trials=8, seed=3, **BASE, lam=[0.15, 0.6])
    assert np.all(np.abs(g["z"]) < 4), g.to_string()


@pytest.mark.slow
def test_monte_carlo_large():
    f = asy.check("lasso", N=4000, trials=40, seed=11, **BASE, alpha=np.array([[1.2], [2.5]]),
                  iteration=np.array([[1, 4, np.inf]]))
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    g = asy.check("lasso", N=3000, trials=30, seed=5, delta=0.3, eps=0.05, noise=0.01,
                  prior="three-point", lam=[0.02, 0.1, 0.5])
    assert np.all(np.abs(g["z"]) < 4), g.to_string()


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="alpha"):
        asy.evaluate("lasso", delta=0.2, alpha=0.3)  # below the divergence threshold
    with pytest.raises(asy.ParameterError, match="prior_weights"):
        asy.evaluate("lasso", delta=0.5, lam=0.1, prior="empirical", prior_values=[0.0, 1.0],
                     prior_weights=[0.5, 0.6])
    with pytest.raises(asy.ParameterError, match="prior"):
        asy.evaluate("lasso", delta=0.5, lam=0.1, prior="laplace-ish")
    with pytest.raises(asy.ParameterError, match="integrates"):
        asy.evaluate("lasso", delta=0.5, lam=0.1, prior=Prior.density("exp(-abs(x))"))
    with pytest.raises(asy.ParameterError, match="iteration"):
        asy.evaluate("lasso", delta=0.5, lam=0.1, iteration=2.5)
    with pytest.raises(asy.ParameterError, match="lam"):
        asy.evaluate("lasso", delta=0.5, lam=-1.0)

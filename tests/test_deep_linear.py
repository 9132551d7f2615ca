"""deep-linear: exact identities of the trained net, the balanced fixed point, limits, Monte Carlo."""

import numpy as np
import pytest
from scipy.optimize import brentq

import asymptotics as asy
from asymptotics.models import deep_linear
from asymptotics.simulate import deep_linear as dl


def _draw(rng, n, p, noise=0.5):
    x = rng.standard_normal((n, p))
    beta = rng.standard_normal(p)
    beta /= np.linalg.norm(beta)
    return x, beta, x @ beta + np.sqrt(noise) * rng.standard_normal(n)


# -- exact identities of the real network (finite n) ---------------------------------------------
@pytest.mark.parametrize("init,depth", [("gaussian", 3), ("balanced", 2)])
def test_row_space_part_is_the_min_norm_interpolator(init, depth):
    # P⊥W_1 never moves, so Pθ_∞ = X^+y: the noise reaches θ only through X^+ε (the min-norm
    # interpolator's variance term), whatever the depth and the initialization.
    rng = np.random.default_rng(0)
    x, beta, y = _draw(rng, 30, 70)
    w0 = dl.initial_weights(rng, init, 70, 6, depth, 0.7)
    ws, _, rel = dl.train_deep_linear(x, y, w0)
    theta, proj = dl.end_to_end(ws), dl.row_space_projector(x)
    mn = np.linalg.lstsq(x, y, rcond=None)[0]
    # stopped at relative training error 1e-10: Pθ - X^+y is ~ sqrt(1e-10)/σ_min(X) relative.
    assert rel < 1e-10
    np.testing.assert_allclose(proj(theta), mn, atol=1e-4 * np.linalg.norm(mn))
    # and the null-space part is P⊥W_1(0) u_∞ exactly (W_1 moved only inside the row space)
    u = dl.end_to_end([np.eye(6)] + ws[1:])
    np.testing.assert_allclose(theta - proj(theta), (w0[0] - proj(w0[0])) @ u, atol=1e-10)


@pytest.mark.parametrize("depth,scale", [(2, 0.3), (3, 1.3), (4, 0.6)])
def test_balanced_conserved_ratio_per_draw(depth, scale):
    # Derived here: ||P⊥θ(t)|| / ||θ(t)||^{(L-1)/L} is constant along the balanced flow, so the
    # trained net's ||P⊥θ_∞||² is the root of T = b0 ((a + T)/N0)^k from this draw's own numbers.
    rng = np.random.default_rng(depth)
    x, beta, y = _draw(rng, 40, 90)
    w0 = dl.initial_weights(rng, "balanced", 90, 8, depth, scale)
    th0, proj = dl.end_to_end(w0), dl.row_space_projector(x)
    b0, n0 = np.sum((th0 - proj(th0)) ** 2), th0 @ th0
    a = np.sum(np.linalg.lstsq(x, y, rcond=None)[0] ** 2)
    k = (depth - 1) / depth
    predicted = brentq(lambda t: t - b0 * ((a + t) / n0) ** k, 0, 1e4)
    th = dl.end_to_end(dl.train_deep_linear(x, y, w0)[0])
    # gradient descent, not flow: the ratio drifts by <= 0.3% over a run (measured for L <= 4 with
    # the simulator's step rule; see its docstring); 1% leaves room.
    assert np.sum((th - proj(th)) ** 2) == pytest.approx(predicted, rel=1e-2)


# -- theory: closed forms, limits, the ridge model ------------------------------------------------
def test_min_norm_terms_are_the_ridge_model_at_zero_penalty():
    gam = np.array([1.2, 2.0, 5.0])
    r = asy.evaluate("deep-linear", gamma=gam, depth=3, init_scale=0.4, signal=1.3, noise=0.7)
    ridge = asy.evaluate("ridge", gamma=gam, lam=0.0, signal=1.3, noise=0.7)
    np.testing.assert_allclose(r.variance, ridge.variance, rtol=1e-13)
    np.testing.assert_allclose(r.minnorm_excess_risk, ridge.excess_risk, rtol=1e-13)
    np.testing.assert_allclose(r.bias - r.init_bias, ridge.bias, rtol=1e-12)
    # HMRT Thm 1 (ridgeless, gamma > 1) and ||X^+y||² = signal/gamma + noise/(gamma - 1)
    np.testing.assert_allclose(r.minnorm_excess_risk, 1.3 * (1 - 1 / gam) + 0.7 / (gam - 1), rtol=1e-13)
    np.testing.assert_allclose(r.minnorm_norm, 1.3 / gam + 0.7 / (gam - 1), rtol=1e-13)


@pytest.mark.parametrize("init", ["balanced", "gaussian"])
def test_depth_one_and_zero_init(init):
    # L = 1: θ_∞ = θ(0) + X^+(y - Xθ(0)), so init_bias = α²(1 - 1/gamma) for every α (both inits).
    r = asy.evaluate("deep-linear", gamma=3.0, depth=1, init_scale=[0.0, 0.5, 2.0], init=init)
    np.testing.assert_allclose(r.init_bias, np.array([0.0, 0.25, 4.0]) * (2 / 3), rtol=1e-13)
    # α -> 0+: every depth gives the min-norm interpolator
    z = asy.evaluate("deep-linear", gamma=3.0, depth=[2, 5, 20], init_scale=0.0, init=init)
    np.testing.assert_allclose(z.excess_risk, z.minnorm_excess_risk, rtol=1e-14)


def test_balanced_root_limits():
    gam, a_signal, a_noise = 2.0, 1.0, 0.5
    a = a_signal / gam + a_noise / (gam - 1)  # = 1.0
    alpha = np.array([0.1, 0.5, 1.0, 1.8])
    A = alpha ** 2 * (1 - 1 / gam)
    for depth in [2, 3, 7]:
        r = asy.evaluate("deep-linear", gamma=gam, depth=depth, init_scale=alpha, noise=a_noise)
        k = (depth - 1) / depth
        np.testing.assert_allclose(r.init_bias, A * (a + r.init_bias) ** k, rtol=1e-12)  # the equation
        assert np.all(np.asarray(r.residual) < 1e-12)
    # L = 2 in closed form: T² = A²(a + T)
    r2 = asy.evaluate("deep-linear", gamma=gam, depth=2, init_scale=alpha, noise=a_noise)
    np.testing.assert_allclose(r2.init_bias, (A ** 2 + np.sqrt(A ** 4 + 4 * A ** 2 * a)) / 2, rtol=1e-12)
    # L -> inf: A a/(1 - A) when A < 1; exponential growth ~ A^L when A > 1
    deep = asy.evaluate("deep-linear", gamma=gam, depth=4000, init_scale=alpha[:2], noise=a_noise)
    np.testing.assert_allclose(deep.init_bias, A[:2] * a / (1 - A[:2]), rtol=2e-3)  # O(1/L)
    big = asy.evaluate("deep-linear", gamma=gam, depth=[20, 40], init_scale=2.0, noise=a_noise)
    assert np.allclose(np.log(big.init_bias) / np.array([20, 40]), np.log(2.0), rtol=0.05)
    # small init: balanced and Gaussian agree to leading order, T/α² -> (1 - 1/gamma) a^k
    tiny = asy.evaluate("deep-linear", gamma=gam, depth=5, init_scale=1e-4, noise=a_noise)
    lead = asy.evaluate("deep-linear", gamma=gam, depth=5, init_scale=1e-4, noise=a_noise, init="gaussian")
    assert tiny.init_bias == pytest.approx(lead.init_bias, rel=1e-7)


def test_depth_adds_bias_never_variance():
    r = asy.evaluate("deep-linear", gamma=2.0, depth=np.arange(1, 9), init_scale=0.9)
    assert np.all(np.diff(r.init_bias) > 0)  # for this A < 1 the root grows with depth
    assert np.all(r.variance == r.variance[0]) and np.all(r.excess_risk >= r.minnorm_excess_risk)


# -- Monte Carlo ------------------------------------------------------------------------------------
def _agree(frame, n, rel):
    """|sim - theory| <= 4 stderr + (3/n + rel)|theory|: the deterministic equivalents are exact up
    to O(1/n) (E||X^+ε||² = σ² n/(p - n - 1)), ``rel`` covers what the theory does not model
    (gradient-descent drift, higher orders in α)."""
    slack = 4 * frame["stderr"] + (3 / n + rel) * np.abs(frame["theory"])
    bad = frame[np.abs(frame["simulation"] - frame["theory"]) > slack]
    assert bad.empty, bad.to_string()


def test_monte_carlo_balanced():
    # n = 50, p = 100, width 6, 6 trials per point, depths 1-3 at α = 1: ~4 s.
    n = 50
    frame = asy.check("deep-linear", trials=6, seed=5, n=n, width=6, gamma=2.0, depth=[1, 2, 3],
                      init_scale=1.0, noise=0.5, init="balanced")
    assert set(frame["observable"]) >= {"excess_risk", "variance", "init_bias", "minnorm_excess_risk"}
    _agree(frame[frame.observable != "train_error"], n, rel=0.01)
    assert np.all(frame[frame.observable == "train_error"]["simulation"] < 1e-9)


def test_monte_carlo_gaussian_small_init():
    # α = 0.2: the leading-order theory misses O(α²) relative corrections (measured +0.4α² to +0.7α²
    # for L = 2, 3 at α = 0.6); 0.05 covers them. n = 50, width 10, 6 trials: ~5 s.
    n = 50
    frame = asy.check("deep-linear", trials=6, seed=6, n=n, width=10, gamma=2.0, depth=[2, 3],
                      init_scale=0.2, noise=0.5, init="gaussian")
    _agree(frame[frame.observable.isin(["init_bias", "excess_risk", "norm"])], n, rel=0.05)


@pytest.mark.slow
def test_monte_carlo_balanced_larger():
    # n = 150, p = 300, 16 trials, depths 2, 3, 5 at α = 1 (~35 s; measured |z| <= 1.4).
    n = 150
    frame = asy.check("deep-linear", trials=16, seed=7, n=n, width=8, gamma=2.0, depth=[2, 3, 5],
                      init_scale=1.0, noise=0.5, init="balanced")
    _agree(frame[frame.observable != "train_error"], n, rel=0.01)


# -- bad input -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,match", [
    ({"gamma": 1.0}, r"'gamma' must be in \(1, inf\); got 1.0"),
    ({"gamma": 2.0, "depth": 0}, r"'depth' must be an integer in \[1, inf\); got 0"),
    ({"gamma": 2.0, "depth": 2.5}, r"'depth'"),
    ({"gamma": 2.0, "init_scale": -0.1}, r"'init_scale' must be in \[0, inf\); got -0.1"),
    ({"gamma": 2.0, "init": "orthogonal"}, r"'init' must be one of 'balanced', 'gaussian'"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(asy.ParameterError, match=match):
        asy.evaluate("deep-linear", **kwargs)


def test_simulation_needs_overparameterization():
    with pytest.raises(asy.ParameterError, match="must exceed n"):
        asy.simulate("deep-linear", trials=2, n=10, gamma=1.04, depth=2)


def test_figure_fast():
    from asymptotics.figures import get

    fig, data = get("deep-linear").make(True)
    assert {"theory", "simulation"} <= set(data["kind"])
    assert np.all(np.isfinite(data["excess_risk"]))
    assert deep_linear.MODEL.name == "deep-linear"

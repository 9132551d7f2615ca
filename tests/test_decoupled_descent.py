"""decoupled-descent: Onsager-corrected GD on Gaussian mixtures and its state evolution.

Checks: the natural-step sympy system against the numeric recursion; every step size converging
to the natural-step fixed point; the square-loss fixed point against ridge GD of ``dmft-gmm``
(an independent code) at the penalty derived in the model docstring; the first step against GD's
DMFT (K^0 = 0: DD and GD coincide for one step); the mirror-pair reduction; quadrature orders;
Monte Carlo agreement with real decoupled descent (two clusters and XOR); the train-test
identity on simulations and GD's gap; bad inputs; the figure.
"""

import numpy as np
import pytest

import asymptotics as asy
from asymptotics.dmft import decoupled as D
from asymptotics.models.decoupled_descent import functions
from asymptotics.simulate.decoupled import gd_and_dd


@pytest.mark.parametrize("loss", ["logistic", "square"])
def test_natural_step_system_equals_the_recursion(loss):
    its = np.arange(0, 9)
    kw = dict(alpha=2.0, noise=0.5, lam=0.1, init_var=0.05, init_overlap=0.1)
    sym = asy.evaluate("decoupled-descent", iteration=its, loss=loss, **kw)
    num = D.solve_decoupled(functions("two-clusters", loss), signal=1.0, step=None, steps=8, **kw)
    # the two use different Gauss–Hermite orders (80 vs 60 nodes): 1e-7 covers the difference
    # (measured 4e-9 on the error, 4e-7 relative on the norm, which is ~10 here)
    np.testing.assert_allclose(num.test_error, sym.test_error, atol=1e-7)
    np.testing.assert_allclose(num.test_loss, sym.test_loss, atol=1e-7)
    np.testing.assert_allclose(num.norm, sym.norm, rtol=1e-6)
    np.testing.assert_allclose(num.overlap, sym.overlap, rtol=1e-6)


def test_every_step_size_converges_to_the_natural_fixed_point():
    kw = dict(alpha=2.0, noise=0.5, lam=0.1, init_var=0.05)
    fixed = asy.evaluate("decoupled-descent", **kw)
    assert fixed.converged
    long = asy.evaluate("decoupled-descent", step=1.0, iteration=100, **kw)
    # geometric convergence (contraction 0.84 per step measured: distance 2e-6 at t = 60, so
    # ~1e-9 at t = 100) plus the 80- vs 60-node quadrature difference (4e-9)
    for name in ("test_error", "norm", "overlap", "test_loss"):
        np.testing.assert_allclose(long[name], fixed[name], rtol=1e-7)


def test_square_loss_fixed_point_is_ridge_at_the_derived_penalty():
    # derived in the model: h~ - y = (h - y)/(1 - Δ P) at the fixed point, i.e. ridge with
    # lam' = lam (Δ(α - 1) + lam)/(Δα + lam); dmft-gmm's square loss at b = 1 is exact linear
    # algebra (closed form), converged at time 30 to 1e-9 (measured: time 60 changes 1e-10)
    alpha, delta, lam = 2.0, 0.5, 0.5
    lam_ridge = lam * (delta * (alpha - 1) + lam) / (delta * alpha + lam)
    dd = asy.evaluate("decoupled-descent", alpha=alpha, noise=delta, lam=lam, loss="square")
    gd = asy.evaluate("dmft-gmm", alpha=alpha, noise=delta, lam=lam_ridge, loss="square", step=0.25,
                      time=30.0)
    for name in ("test_error", "norm", "overlap"):
        np.testing.assert_allclose(dd[name], gd[name], rtol=1e-7)


def test_first_step_is_gradient_descent():
    # K^0 = 0 and Θ^0 = 0: one DD step is one GD step, so the SE equals GD's DMFT at time = step
    # (the field is deterministic at t = 0, so dmft-gmm's sampled paths are exact: measured 1e-15)
    kw = dict(alpha=2.0, noise=0.5, lam=0.1)
    dd = asy.evaluate("decoupled-descent", step=0.3, iteration=1, **kw)
    gd = asy.evaluate("dmft-gmm", step=0.3, time=0.3, loss="logistic", paths=128, **kw)
    for name in ("test_error", "test_loss", "norm", "overlap"):
        np.testing.assert_allclose(dd[name], gd[name], rtol=1e-9)
    # at t = 0 the trivial point: error 1/2, loss log 2
    zero = asy.evaluate("decoupled-descent", step=0.3, iteration=0, **kw)
    assert zero.test_error == 0.5 and abs(zero.test_loss - np.log(2)) < 1e-14


def test_mirror_pairs_and_quadrature_order():
    fns = functions("xor", "logistic")
    kw = dict(alpha=6.0, noise=0.3, signal=1.0, lam=1.0, step=0.1, init_overlap=0.2, init_var=0.05, steps=12)
    half = D.solve_decoupled(fns, **kw)
    full = D.solve_decoupled(fns, mirror=False, **kw)
    np.testing.assert_allclose(half.test_error, full.test_error, atol=1e-13)  # exact symmetry
    np.testing.assert_allclose(half.norm, full.norm, atol=1e-13)
    orders = dict(D.ORDERS)
    try:
        D.ORDERS[2] = (30, 12)
        fine = D.solve_decoupled(fns, **kw)
    finally:
        D.ORDERS.clear()
        D.ORDERS.update(orders)
    # 8 vs 12 Gauss–Hermite nodes per dimension in the 4-d integrals (measured 2e-6)
    np.testing.assert_allclose(half.test_error, fine.test_error, atol=2e-5)
    np.testing.assert_allclose(half.norm, fine.norm, rtol=1e-4)


def test_residual_estimates_the_two_time_rule_error():
    # residual = the 2k-dim two-time rule's relative error on the equal-time block (against the
    # one-time rule): small where the figure lives (lam = 1), and larger at small penalty, where
    # the integrands sharpen; it must track the change under a finer rule, not be a constant
    fns = functions("xor", "logistic")
    kw = dict(alpha=6.0, noise=0.3, signal=1.0, init_overlap=0.2, init_var=0.05, steps=12, step=0.1)
    easy = D.solve_decoupled(fns, lam=1.0, **kw)
    hard = D.solve_decoupled(fns, lam=0.05, **{**kw, "steps": 25, "step": 0.3, "init_var": 0.3})
    assert 0 < easy.residual < 1e-3
    assert hard.residual > 10 * easy.residual
    orders = dict(D.ORDERS)
    try:
        D.ORDERS[2] = (orders[2][0], 12)
        fine = D.solve_decoupled(fns, lam=1.0, **kw)
    finally:
        D.ORDERS.clear()
        D.ORDERS.update(orders)
    # the observables move by less than the estimate says (the estimate is an upper scale)
    assert np.max(np.abs(fine.test_error - easy.test_error)) < 10 * easy.residual


def _z_ok(frame, bound):
    bad = frame[np.abs(frame["z"]) > bound]
    assert bad.empty, bad[["iteration", "observable", "theory", "simulation", "stderr", "z"]]


def test_monte_carlo_two_clusters():
    # d = 200, n = 400, 10 draws; |z| < 3.5 over 21 comparisons (finite-size bias measured below
    # 1 standard error at d = 200: the Δ̂ estimate carries a signal/d = 0.5% bias)
    frame = asy.check("decoupled-descent", d=200, trials=10, seed=2, alpha=2.0, iteration=[3, 10, 25],
                      step=0.2, noise=0.5, lam=0.1)
    _z_ok(frame, 3.5)


def test_monte_carlo_xor():
    # d = 160, n = 960, 8 draws, iterations up to 15
    frame = asy.check("decoupled-descent", d=160, trials=8, seed=4, data="xor", alpha=6.0, noise=0.3,
                      lam=1.0, step=0.1, init_overlap=0.2, init_var=0.05, iteration=[2, 6, 15])
    _z_ok(frame, 3.5)


def test_train_test_identity_on_simulations_and_the_gd_gap():
    its = [5, 20, 60]
    kw = dict(data="xor", alpha=6.0, noise=0.3, lam=1.0, step=0.1, init_overlap=0.2, init_var=0.05)
    runs = [gd_and_dd(d=160, seed=s, iterations=its, **kw) for s in range(6)]
    gap_dd = np.array([r["dd"]["decoupled_train_error"] - r["dd"]["test_error"] for r in runs])
    gap_gd = np.array([r["gd"]["train_error"] - r["gd"]["test_error"] for r in runs])
    se_dd = gap_dd.std(0, ddof=1) / np.sqrt(len(runs))
    # the identity: DD's decoupled train error minus its test error is zero within 3.5 standard
    # errors of the paired difference (the per-draw gap is a binomial fluctuation ~ sqrt(e/n))
    assert np.all(np.abs(gap_dd.mean(0)) < 3.5 * se_dd + 1e-3), (gap_dd.mean(0), se_dd)
    # GD's gap opens: its training error falls below its test error by >> the noise (measured
    # -0.06 at t = 20 and -0.08 at t = 60, standard error ~0.003)
    se_gd = gap_gd.std(0, ddof=1) / np.sqrt(len(runs))
    assert np.all(gap_gd[:, 1:].mean(0) < -8 * se_gd[1:]) and gap_gd[:, 2].mean() < -0.05


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="data"):
        asy.evaluate("decoupled-descent", alpha=2.0, step=0.1, iteration=3, data="three-clusters")
    with pytest.raises(asy.ParameterError, match="step"):
        asy.evaluate("decoupled-descent", alpha=2.0, step=1.0, lam=3.0, iteration=3)
    with pytest.raises(asy.ParameterError, match="iteration"):
        asy.evaluate("decoupled-descent", alpha=2.0, step=0.1, iteration=2.5)
    with pytest.raises(asy.ParameterError, match="alpha"):
        asy.evaluate("decoupled-descent", alpha=-1.0, step=0.1, iteration=3)
    with pytest.raises(asy.ParameterError, match="loss"):
        asy.evaluate("decoupled-descent", alpha=2.0, loss="hinge")


def test_figure_fast():
    from asymptotics.figures import get

    fig, data = get("decoupled-descent").make(True)
    sim = data[data.source == "simulation"]
    # decoupled train error on DD's test error; GD's train error below its test error
    late = sim[sim.iteration == sim.iteration.max()]
    assert np.all(np.abs(late.dd_decoupled_train_error - late.dd_test_error) < 0.05)
    assert np.all(late.gd_train_error < late.gd_test_error - 0.02)

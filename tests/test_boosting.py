"""l2-boosting (Su, Li, Liu 2026, abstract): exact paths, the l1-path state evolution, the
interpolation limit (isotropic and spiked), early stopping, and Monte Carlo agreement."""

import numpy as np
import pytest

import asymptotics as asy
from asymptotics.simulate.boosting import (l2_boosting_steps, lasso_path, path_observables,
                                           stagewise_path, stagewise_steps, stopping_level)
from asymptotics.simulate.sparse import basis_pursuit, solve_lasso


def _design(n, p, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, p)) / np.sqrt(n), rng.standard_normal(n)


# -- the exact paths against the algorithms they are the limit of --------------------------------
def test_stagewise_homotopy_is_the_small_step_limit_of_forward_stagewise():
    a, y = _design(20, 60, 0)
    path = stagewise_path(a, y)
    for level in (1.0, 0.3):
        exact = path.at([level])[0]
        errors = []
        for eps in (1e-2, 1e-3):
            beta, _ = stagewise_steps(a, y, eps, level)
            errors.append(np.abs(beta - exact).max())
        # eps-stagewise moves coordinates in quanta of eps and chatters among tied ones: its
        # distance to the exact path is O(eps) (measured ~0.8-1.7 eps); allow 10 eps, and the
        # error must shrink with the step.
        assert errors[1] < 10 * 1e-3 and errors[1] < errors[0] / 3, errors


def test_stagewise_homotopy_is_the_small_shrinkage_limit_of_l2_boosting():
    a, y = _design(20, 60, 1)
    exact = stagewise_path(a, y).at([0.5])[0]
    errs = [np.abs(l2_boosting_steps(a, y, nu, 0.5)[0] - exact).max() for nu in (3e-2, 3e-3)]
    # componentwise gradient boosting with shrinkage nu: O(nu C) steps, same O(step) argument
    assert errs[1] < 0.05 * np.abs(exact).max() and errs[1] < errs[0] / 3, errs


def test_lasso_homotopy_against_coordinate_descent_and_linear_programming():
    a, y = _design(30, 90, 2)
    path = lasso_path(a, y)
    for lam in (2.0, 0.7, 0.2):
        # coordinate descent to tol 1e-12: agreement to ~1e-6 in the coefficients
        np.testing.assert_allclose(path.at([lam])[0], solve_lasso(a, y, lam), atol=1e-6)
    # the end of the path at lam = 0+ is the minimum-l1 interpolant (HiGHS LP, ~1e-9)
    np.testing.assert_allclose(path.at([0.0])[0], basis_pursuit(a, y), atol=1e-7)


def test_stagewise_equals_lasso_while_the_lasso_path_is_monotone():
    a, y = _design(30, 90, 3)
    fs, la = stagewise_path(a, y), lasso_path(a, y)
    # the first segment on which a LASSO coefficient shrinks in magnitude (FS_0 moves every
    # coordinate only in the sign of its correlation, i.e. away from zero)
    b = la.coef.toarray()
    shrinks = np.any((b[1:] - b[:-1]) * np.sign(b[:-1]) < -1e-12, axis=1)
    k = int(np.flatnonzero(shrinks)[0])
    levels = np.linspace(la.levels[k], la.levels[0], 25)
    np.testing.assert_allclose(fs.at(levels), la.at(levels), atol=1e-9)
    below = la.levels[k + 1]
    assert np.abs(fs.at([below]) - la.at([below])).max() > 1e-6
    # ... and differs afterwards; the end points are different interpolants, FS_0's of larger
    # l1 norm (the min-l1 interpolant is the LASSO's end)
    b_fs, b_la = fs.at([0.0])[0], la.at([0.0])[0]
    np.testing.assert_allclose(a @ b_fs, y, atol=1e-8)
    assert np.abs(b_fs).sum() > np.abs(b_la).sum() * (1 + 1e-3)
    # along FS_0 the level decreases continuously and the arc length grows at rate >= 1
    assert np.all(np.diff(fs.levels) < 0) and np.all(np.diff(fs.arc) >= -1e-12)
    assert fs.arc[-1] >= np.abs(b_fs).sum() - 1e-9


def test_path_observables_and_quadratic_minimum_are_exact():
    a, y = _design(25, 75, 4)
    path = lasso_path(a, y)
    x0 = np.zeros(75)
    x0[:3] = 1.0
    grid = np.linspace(0, path.levels[0], 4001)
    risk = path_observables(path, a, y, x0, np.ones(75), grid)["excess_risk"]
    best, level, _ = path.quadratic_minimum(np.ones(75), x0)
    # the segment-wise exact minimum is below every grid value and within the grid's resolution
    assert best / 25 <= risk.min() + 1e-12 and best / 25 > risk.min() - 1e-4
    assert abs(path_observables(path, a, y, x0, np.ones(75), [level])["excess_risk"][0]
               - best / 25) < 1e-12


# -- theory: special cases and limits ------------------------------------------------------------
def test_isotropic_at_interpolation_is_basis_pursuit_and_along_the_path_the_lasso():
    # (the three-point prior is covered by the slow Monte Carlo test: one more compilation)
    for kw in ({"delta": 0.25, "eps": 0.05, "noise": 0.25},
               {"delta": 0.5, "eps": 0.1, "noise": 0.01},
               {"delta": 0.1, "eps": 0.0, "noise": 2.0}):
        bp = asy.evaluate("basis-pursuit", **kw)
        r = asy.evaluate("boosting", lam=[0.0, 0.3, 1.5], **kw)
        np.testing.assert_allclose(r.excess_risk[0], bp.excess_risk, rtol=1e-9)
        np.testing.assert_allclose(r.alpha[0], bp.alpha, rtol=1e-9)
        np.testing.assert_allclose(r.excess_variance, bp.excess_variance, rtol=1e-12)
        la = asy.evaluate("lasso", lam=[0.3, 1.5], **kw)
        np.testing.assert_allclose(r.excess_risk[1:], la.excess_risk, rtol=1e-9)
        np.testing.assert_allclose(r.nonzero_fraction[1:], la.nonzero_fraction, rtol=1e-9)


def test_oracle_is_the_minimum_of_the_risk_along_the_path():
    kw = {"delta": 0.25, "eps": 0.05, "noise": 0.25}
    lams = np.concatenate([[0.0, 0.3], np.linspace(0.7, 1.2, 101), [2.0, 4.0]])
    r = asy.evaluate("boosting", lam=lams, **kw)
    k = int(np.argmin(r.excess_risk))
    o = r.oracle_excess_risk[0]
    # the stationary point is the minimum of the curve (grid step 5e-3 in lam: quadratic error)
    assert o <= r.excess_risk.min() + 1e-12 and o > r.excess_risk.min() - 1e-6
    assert abs(r.oracle_lam[0] - lams[k]) < 0.01
    on = asy.evaluate("boosting", lam=r.oracle_lam[0], **kw)
    np.testing.assert_allclose(on.excess_risk, o, rtol=1e-9)
    np.testing.assert_allclose(on.time, r.oracle_time[0], rtol=1e-9)
    # without signal the oracle never starts
    z = asy.evaluate("boosting", delta=0.25, noise=1.0, lam=0.5)
    assert z.oracle_excess_risk == 0 and np.isinf(z.oracle_lam) and z.oracle_time == 0


def test_path_limits_lam_to_infinity_and_noise_to_zero():
    kw = {"delta": 0.25, "eps": 0.05}
    far = asy.evaluate("boosting", lam=1e3, noise=0.25, **kw)
    # beyond every correlation the path has not started: risk = signal power eps/delta
    assert abs(far.excess_risk - 0.2) < 1e-12 and far.time < 1e-12
    # pure noise: everything scales with the noise variance (exact: tau is proportional)
    v = [asy.evaluate("boosting", delta=0.2, noise=s, lam=0.0) for s in (1e-8, 1.0)]
    np.testing.assert_allclose(v[0].excess_risk / 1e-8, v[1].excess_risk, rtol=1e-8)
    # with signal below the Donoho-Tanner transition, interpolation risk -> 0 linearly in the noise
    # (noise sensitivity); above it, to the noiseless basis pursuit's positive value
    below = asy.evaluate("boosting", delta=0.5, eps=0.05, noise=[1e-4, 1e-6], lam=0.0)
    assert below.excess_risk[1] < 0.011 * below.excess_risk[0] + 1e-12
    above = asy.evaluate("boosting", delta=0.25, eps=0.2, noise=1e-9, lam=0.0)
    bp0 = asy.evaluate("basis-pursuit", delta=0.25, eps=0.2, noise=0.0)
    assert bp0.excess_risk > 0.1
    np.testing.assert_allclose(above.excess_risk, bp0.excess_risk, rtol=1e-4)


def test_isotropic_rate_tends_to_one_with_the_known_correction():
    d = np.array([1e-4, 1e-16, 1e-64, 1e-256])
    r = asy.evaluate("boosting", delta=d, noise=3.0)
    L = np.log(1 / d)
    corr = (np.log(np.pi * L) - 3) / (2 * L)
    # rate - 1 follows the leading correction (VERIFY.md; next order O(log L / L^2))
    assert np.all(np.abs(r.rate - 1 - corr) < 2 * np.log(L) / L ** 2), (r.rate - 1, corr)
    assert abs(r.rate[-1] - 1) < 0.01 and np.all(np.diff(np.abs(r.rate - 1)) < 0)
    # min-l2 decays like noise n/p: the ratio of the two grows like (p/n)/log(p/n)
    ratio = r.excess_variance / r.min_l2_excess_variance
    assert np.all(ratio > 0.9 / (d * L))


def test_spiked_reduces_to_isotropic_at_unit_spike_and_without_head():
    h, t = 0.2, 3.0
    sp_ = asy.evaluate("boosting", head=h, tail=t, spike=1.0, signal=h, noise=0.5, lam=[0.0, 0.7])
    iso = asy.evaluate("boosting", delta=1 / (h + t), eps=h / (h + t), noise=0.5, lam=[0.0, 0.7])
    for k in ("excess_risk", "l1_norm", "nonzero_fraction", "alpha", "oracle_excess_risk",
              "oracle_lam", "excess_variance", "min_l2_excess_variance"):
        np.testing.assert_allclose(sp_[k], iso[k], rtol=1e-8, err_msg=k)
    nohead = asy.evaluate("boosting", head=0.0, tail=[2.0, 50.0], spike=7.0, noise=0.5)
    ref = asy.evaluate("boosting", delta=[0.5, 0.02], noise=0.5)
    np.testing.assert_allclose(nohead.excess_variance, ref.excess_variance, rtol=1e-9)
    np.testing.assert_allclose(nohead.min_l2_excess_variance, ref.min_l2_excess_variance,
                               rtol=1e-9)


def test_spiked_large_spike_tail_is_isotropic_with_n_minus_k():
    # spike -> inf: the head is unpenalized and interpolates first (active w.p. 1), leaving the
    # tail to interpolate n - k* samples with r_2 features (derived in the model's docstring)
    h, t = 0.1, np.array([3.0, 30.0, 3000.0])
    r = asy.evaluate("boosting", head=h, tail=t, spike=1e14, noise=1.0)
    iso = asy.evaluate("boosting", delta=(1 - h) / t, noise=1.0)
    np.testing.assert_allclose(r.tail_variance, iso.excess_variance, rtol=1e-5)
    np.testing.assert_allclose(r.head_variance, h / (1 - h) / (1 - iso.excess_variance
                                                               / (1 + iso.excess_variance)),
                               rtol=1e-5)
    np.testing.assert_allclose(r.excess_variance, r.head_variance + r.tail_variance, rtol=1e-12)
    # min-l2 with spike -> inf: noise [k/(n - k) + ...]: larger than the head-only variance
    assert np.all(r.min_l2_excess_variance > 0)


def test_spiked_rate_in_the_tail_dimension():
    tails = np.array([1e2, 1e8, 1e32, 1e128])
    finite = asy.evaluate("boosting", head=0.05, tail=tails, spike=5.0, noise=2.0)
    huge = asy.evaluate("boosting", head=0.05, tail=tails, spike=1e12, noise=2.0)
    # Theta(noise/log(r_2/n)) with constant 1: the tail part always; the total too when the
    # spike is finite (the head is then eventually thresholded as well); with an unpenalized head
    # the total keeps noise k*/(n - k*) and its rate grows like log(r_2/n)
    for r in (finite, huge):
        assert abs(r.tail_rate[-1] - 1) < 0.01 and np.all(np.diff(np.abs(r.tail_rate - 1)) < 0)
    assert abs(finite.rate[-1] - 1) < 0.01
    np.testing.assert_allclose(huge.head_variance[-1], 2.0 * 0.05 / 0.95, rtol=1e-2)
    assert np.all(np.diff(huge.rate) > 0)


def test_stopping_rule_theory_between_oracle_and_interpolation():
    kw = {"delta": 0.25, "eps": 0.05, "noise": 0.25}
    p = 400
    stop = stopping_level(kw["noise"], p)
    np.testing.assert_allclose(stop, np.sqrt(2 * 0.25 * np.log(400)))
    r = asy.evaluate("boosting", lam=[stop, 0.0], **kw)
    assert r.oracle_excess_risk[0] < r.excess_risk[0] < r.excess_risk[1]
    # the scale-free rule lam <= c ||r|| sqrt(2 log p / n) stops at alpha = c sqrt(2 log p)
    a = asy.evaluate("lasso", alpha=np.sqrt(2 * np.log(p)), **kw)
    at = asy.evaluate("boosting", lam=a.lam, **kw)
    np.testing.assert_allclose(at.alpha, np.sqrt(2 * np.log(p)), rtol=1e-9)


# -- Monte Carlo ----------------------------------------------------------------------------------
def test_monte_carlo_isotropic():
    # n = 80, p = 320, 8 draws, both exact paths per draw. Theory-exact observables (the LASSO
    # path, its tuned risk, the min-l1/min-l2 interpolants of the noise) and the boosting path at
    # levels where it has not yet left the LASSO path appreciably (lam >= 1: measured risk ratio
    # 0.99-1.00) must agree within |z| < 3.5 (finite-size bias of the state evolution at n = 80
    # is a few percent, below one standard error of 8 draws).
    f = asy.check("boosting", n=80, trials=8, seed=3, delta=0.25, noise=0.25, eps=0.05,
                  lam=[0.0, 1.0, 2.0])
    exact = {"lasso_excess_risk", "tuned_lasso_excess_risk", "excess_variance",
             "min_l2_excess_variance", "oracle_excess_risk", "oracle_lam"}
    sel = f[f.observable.isin(exact) | ((f["lam"] >= 1.0)
                                        & f.observable.isin({"excess_risk", "time", "alpha"}))]
    assert len(sel) > 12 and np.all(np.abs(sel["z"]) < 3.5), sel.to_string()


def test_monte_carlo_boosting_end_point_is_not_the_min_l1_interpolant():
    # Pure noise, n = 60, p = 240, 8 draws: FS_0's interpolant has lower excess variance than the
    # min-l1 interpolant on the same data (ratio measured 0.84-0.88 at n = 50-200, p/n = 4);
    # the ratio's spread over draws is ~0.05, so its mean of 8 lies in (0.75, 0.95).
    sim = asy.simulate("boosting", n=60, trials=8, seed=4, delta=0.25, noise=1.0, lam=0.0)
    ratio = sim.values["excess_risk"] / sim.values["excess_variance"]
    assert 0.75 < ratio.mean() < 0.95, ratio
    th = asy.evaluate("boosting", delta=0.25, noise=1.0)
    z = (sim.mean["excess_variance"] - th.excess_variance) / sim.stderr["excess_variance"]
    assert abs(z) < 3.5


def test_monte_carlo_spiked_pure_noise():
    # n = 80 (k* = 8 head dims of eigenvalue 20, r_2 = 320), pure noise, 6 draws: the min-l1
    # interpolant's variance and its head/tail split, the rates, the min-l2 variance, the LASSO
    # path at lam = 1 and the boosting path at lam = 1 (before it leaves the LASSO path);
    # |z| < 3.5 (finite-size bias of a few percent, below one standard error).
    f = asy.check("boosting", n=80, trials=6, seed=5, head=0.1, tail=4.0, spike=20.0, noise=0.25,
                  lam=[0.0, 1.0])
    exact = {"lasso_excess_risk", "excess_variance", "head_variance", "tail_variance", "rate",
             "tail_rate", "min_l2_excess_variance"}
    sel = f[f.observable.isin(exact) | ((f["lam"] >= 1.0) & f.observable.isin({"excess_risk",
                                                                               "time"}))]
    assert len(sel) > 8 and np.all(np.abs(sel["z"]) < 3.5), sel.to_string()


@pytest.mark.slow
def test_monte_carlo_spiked_with_signal():
    # n = 200 (k* = 20 head coordinates carry the target), 16 draws. The per-draw risk is skewed
    # (one draw in ~15 at twice the mean): 10 draws gave |z| up to 4.1 at this seed and < 1.3 at
    # two others (and 40 draws of the LASSO path alone |z| < 2), so 16 draws and |z| < 4.
    f = asy.check("boosting", n=200, trials=16, seed=7, head=0.1, tail=4.0, spike=20.0,
                  signal=1.0, noise=0.25, lam=[0.0, 1.0, 2.0])
    exact = {"lasso_excess_risk", "tuned_lasso_excess_risk", "excess_variance", "tail_rate"}
    sel = f[f.observable.isin(exact) | ((f["lam"] >= 2.0) & f.observable.isin({"excess_risk"}))]
    assert np.all(np.abs(sel["z"]) < 4), sel.to_string()


@pytest.mark.slow
def test_monte_carlo_three_point_prior():
    kw = {"delta": 0.5, "eps": 0.1, "noise": 0.01, "prior": "three-point"}
    bp = asy.evaluate("basis-pursuit", **kw)
    np.testing.assert_allclose(asy.evaluate("boosting", lam=0.0, **kw).excess_risk,
                               bp.excess_risk, rtol=1e-9)
    f = asy.check("boosting", n=150, trials=8, seed=8, lam=[0.0, 0.3], **kw)
    sel = f[f.observable.isin({"lasso_excess_risk", "tuned_lasso_excess_risk"})]
    assert np.all(np.abs(sel["z"]) < 4), sel.to_string()


@pytest.mark.slow
def test_monte_carlo_stop_rule_oracle_and_tuned_lasso_large():
    n, delta = 200, 0.25
    p = round(n / delta)
    stop = float(stopping_level(0.25, p))
    f = asy.check("boosting", n=n, trials=12, seed=6, delta=delta, noise=0.25, eps=0.05,
                  lam=[stop, 1.0])
    sel = f[f.observable.isin({"excess_risk", "oracle_excess_risk", "tuned_lasso_excess_risk",
                               "lasso_excess_risk", "oracle_time", "time"})]
    assert np.all(np.abs(sel["z"]) < 4), sel.to_string()


# -- bad inputs and the figure ------------------------------------------------------------------
@pytest.mark.parametrize("kw, name", [
    ({"delta": 1.0}, "delta"), ({"delta": 0.5, "noise": 0.0}, "noise"),
    ({"delta": 0.5, "lam": -1.0}, "lam"), ({"delta": 0.5, "eps": 1.5}, "eps"),
    ({"head": 0.1, "tail": 0.8, "spike": 3.0}, "tail"),
    ({"head": 0.1, "tail": 3.0, "spike": 0.5}, "spike"),
    ({"head": 0.0, "tail": 3.0, "spike": 2.0, "signal": 1.0}, "signal"),
    ({"head": 1.0, "tail": 3.0, "spike": 2.0}, "head"),
])
def test_bad_inputs(kw, name):
    with pytest.raises(asy.ParameterError, match=name):
        asy.evaluate("boosting", **kw)


def test_simulator_rejects_too_few_features():
    with pytest.raises(asy.ParameterError, match="p <= n"):
        asy.simulate("boosting", n=10, trials=2, delta=0.99)


@pytest.mark.slow  # the notebook test renders it in fast mode in the default suite
def test_figure_fast():
    from asymptotics.figures import get

    fig, data = get("boosting").make(True)
    assert set(data["panel"]) == {"path", "isotropic-variance", "spiked-variance", "rate"}
    sim = data[(data.panel == "isotropic-variance") & (data.kind == "simulation")]
    assert np.all(sim["excess_variance"] > sim["min_l2_excess_variance"])

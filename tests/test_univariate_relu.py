"""univariate-relu: the min-norm interpolants (against linear programs), exact spline constants,
the infinite expectation, the spikes' tail laws, Monte Carlo."""

import mpmath as mp
import numpy as np
import pytest
from scipy import special
from scipy.optimize import linprog

import asymptotics as asy
from asymptotics.simulate import univariate_relu as ur

SQRT_2_PI = np.sqrt(2 / np.pi)


# -- the min-norm interpolants, against linear programs -----------------------------------------------
def _lp(x, y, knots, weights=None, tv_bound=None):
    """min Σ w_j |a_j| over f(t) = c0 + c1 t + Σ a_j (t - b_j)_+ interpolating (x, y) (HiGHS)."""
    k = knots.size
    basis = np.maximum(x[:, None] - knots[None, :], 0.0)
    a_eq = np.hstack([np.ones((x.size, 1)), x[:, None], basis, -basis])
    w = np.ones(k) if weights is None else weights
    kw = {}
    if tv_bound is not None:
        kw = {"A_ub": np.r_[0, 0, np.ones(2 * k)][None, :], "b_ub": [tv_bound]}
    res = linprog(np.r_[0, 0, w, w], A_eq=a_eq, b_eq=y, bounds=[(None, None)] * 2 + [(0, None)] * (2 * k),
                  method="highs", **kw)
    assert res.status == 0, res.message
    a = res.x[2:2 + k] - res.x[2 + k:]
    return res.fun, a


def _kinks(f: ur.PiecewiseLinear):
    slopes = np.diff(f.values) / np.diff(f.knots)
    return f.knots[1:-1], np.diff(slopes)


@pytest.mark.parametrize("seed", range(6))
def test_spline_is_min_norm_and_vanishing_bias_penalty_selects_our_interpolant(seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(size=12))
    y = rng.standard_normal(12)
    spline = ur.linear_spline(x, y)
    ours = ur.min_norm_interpolant(x, y)
    loc, mass = _kinks(ours)
    knots = np.union1d(np.union1d(np.linspace(x[0], x[-1], 801)[1:-1], x[1:-1]), loc)
    tv_min, _ = _lp(x, y, knots)
    # representation cost Σ|a_j| = ∫|f''|: the spline attains the LP minimum (HiGHS: ~1e-9 rel.)
    assert np.abs(_kinks(spline)[1]).sum() == pytest.approx(tv_min, rel=1e-8)
    assert np.abs(mass).sum() == pytest.approx(tv_min, rel=1e-8)  # ours is min-norm too
    assert np.allclose(ours(x), y, atol=1e-10)
    # Among the min-norm interpolants the bias penalty (δ -> 0) minimizes ∫ x² |f''|: the LP over
    # knots that include ours cannot do better (it would if the chain solution were not optimal).
    centre = 0.5 * (x[0] + x[-1])
    best, _ = _lp(x, y, knots, weights=(knots - centre) ** 2, tv_bound=tv_min * (1 + 1e-11))
    assert np.sum(np.abs(mass) * (loc - centre) ** 2) == pytest.approx(best, rel=1e-7)
    assert best <= np.sum(np.abs(_kinks(spline)[1]) * (_kinks(spline)[0] - centre) ** 2) * (1 + 1e-9)


def test_two_kink_run_is_the_full_spike():
    # Convex run of exactly two kinks (points 1, 2): the min-norm interpolant on [x1, x2] is the
    # maximum of the neighbouring secant lines, meeting at the kinks' barycentre.
    x = np.array([0.0, 0.1, 0.5, 0.6, 0.7])
    y = np.array([1.0, 0.0, 0.2, 1.2, 0.0])
    f = ur.min_norm_interpolant(x, y)
    t = np.linspace(0.1, 0.5, 101)
    spike = np.maximum(0.0 - 10.0 * (t - 0.1), 0.2 + 10.0 * (t - 0.5))
    np.testing.assert_allclose(f(t), spike, atol=1e-12)
    # kink at the barycentre (10.5*0.1 + 9.5*0.5)/20 = 0.29 of the spline's kinks; depth = chord
    # 0.5*0.19 minus the spike's -1.9
    np.testing.assert_allclose(ur.spike_depths(x, y), [0, 0.095 + 1.9, 0, 0], rtol=1e-12, atol=1e-15)


# -- exact constants of the linear spline -----------------------------------------------------------------
def test_spline_constants_closed_forms():
    r = asy.evaluate("univariate-relu", power=[1.0, 2.0], noise=0.49)
    sigma = 0.7
    # p = 2: 2/3 σ² (the grid constant of THEORY.md B7) and 5/3 σ² with the label noise
    assert r.excess_risk[1] == pytest.approx(2 / 3 * sigma ** 2, rel=1e-14)
    assert r.test_error[1] == pytest.approx(5 / 3 * sigma ** 2, rel=1e-14)
    # p = 1: σ sqrt(2/π) (1 + asinh(1)/√2)/2
    assert r.excess_risk[0] == pytest.approx(sigma * SQRT_2_PI * (1 + np.arcsinh(1) / np.sqrt(2)) / 2, rel=1e-14)
    np.testing.assert_allclose(r.bayes_error, [sigma * SQRT_2_PI, sigma ** 2], rtol=1e-14)


@pytest.mark.parametrize("p", [1.0, 1.3, 2.5, 3.0])
def test_spline_constant_is_the_hypergeometric_closed_form(p):
    # ∫_0^1 (u² + (1-u)²)^{p/2} du = 2^{-p/2} 2F1(-p/2, 1/2; 3/2; -1);
    # ∫_0^1 (1 + u² + (1-u)²)^{p/2} du = (3/2)^{p/2} 2F1(-p/2, 1/2; 3/2; -1/3)  (v = 2u - 1).
    r = asy.evaluate("univariate-relu", power=p, noise=1.0, design="grid")
    m_p = float(2 ** (p / 2) * mp.gamma((p + 1) / 2) / mp.sqrt(mp.pi))
    assert r.excess_risk == pytest.approx(m_p * 2 ** (-p / 2) * float(mp.hyp2f1(-p / 2, 0.5, 1.5, -1)), rel=1e-13)
    assert r.test_error == pytest.approx(m_p * 1.5 ** (p / 2) * float(mp.hyp2f1(-p / 2, 0.5, 1.5, -1 / 3)), rel=1e-13)
    assert r.ratio > 1  # tempered: above the Bayes risk, finite


def test_designs_share_the_spline_constant_but_not_its_expectation():
    random = asy.evaluate("univariate-relu", power=[1.0, 2.0, 3.0], design="random")
    grid = asy.evaluate("univariate-relu", power=[1.0, 2.0, 3.0], design="grid")
    np.testing.assert_array_equal(random.excess_risk, grid.excess_risk)
    assert np.all(random.expected_excess_risk == np.inf)  # on purpose: end extrapolation
    np.testing.assert_array_equal(grid.expected_excess_risk, grid.excess_risk)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_end_extrapolation_has_infinite_mean(p):
    # B = ∫_0^{x_1} |f̂|^p with random design: P(B > b) ~ (2σ/√π) Γ(2 + 1/p) ((p + 1) n)^{-1/p} b^{-1/p}
    # (derived in the model's item 4), a tail of index 1/p <= 1, hence E B = inf for p >= 1.
    # 2e5 draws, the top 0.2% (400 exceedances: ~5% noise; finite-n and finite-b bias ~5%): 20%.
    rng = np.random.default_rng(int(p))
    n, draws = 30, 200_000
    x = np.sort(rng.uniform(size=(draws, n)), axis=1)[:, :2]
    e = rng.standard_normal((draws, 2))
    s1 = (e[:, 1] - e[:, 0]) / (x[:, 1] - x[:, 0])
    b_left = ur._lp_linear(e[:, 0] - s1 * x[:, 0], e[:, 0], x[:, 0], p)
    level = np.quantile(b_left, 1 - 2e-3)
    predicted = 2 / np.sqrt(np.pi) * special.gamma(2 + 1 / p) * ((p + 1) * n) ** (-1 / p)
    assert 2e-3 * level ** (1 / p) == pytest.approx(predicted, rel=0.2)


def test_rate_observables():
    r = asy.evaluate("univariate-relu", power=[1.0, 1.9, 2.0, 3.0], noise=0.5, design="random")
    np.testing.assert_array_equal(r.min_norm_catastrophic, [0, 0, 1, 1])
    np.testing.assert_allclose(r.min_norm_growth_exponent, [0, 0, 0, 0.5])
    np.testing.assert_allclose(r.min_norm_log_growth, [0, 0, 0.5 * 2 / np.pi, 0], rtol=1e-14)
    np.testing.assert_allclose(r.spike_tail, 2 / np.pi, rtol=1e-14)
    # contribution_tail = Γ(3 + 2/p)/(π (p+1)^{2/p}): 2/π at p = 2 (= the log-growth coefficient / σ²)
    assert r.contribution_tail[2] == pytest.approx(2 / np.pi, rel=1e-14)
    g = asy.evaluate("univariate-relu", power=3.0, design="grid")
    assert g.min_norm_catastrophic == 0 and g.spike_tail == 0 and g.contribution_tail == 0


# -- Monte Carlo ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("design", ["random", "grid"])
def test_monte_carlo_spline(design):
    # The hull-normalized risks are unbiased for the limit at every n (the model's item 3), so the
    # tolerance is 4 standard errors alone. n = 100, 30 trials, p in {1, 2, 3}: < 1 s.
    frame = asy.check("univariate-relu", trials=30, seed=11, n=100, power=[1.0, 2.0, 3.0], noise=0.5,
                      design=design)
    assert np.all(np.abs(frame["z"]) < 4), frame.to_string()
    assert set(frame["observable"]) >= {"excess_risk", "test_error"}
    if design == "grid":  # no extrapolation: the expectation over training sets is the same constant
        sim = asy.simulate("univariate-relu", trials=30, seed=12, n=50, power=2.0, noise=0.5, design="grid")
        theory = asy.evaluate("univariate-relu", power=2.0, noise=0.5, design="grid").expected_excess_risk
        assert abs(sim.mean["excess_risk_with_ends"] - theory) < 4 * sim.stderr["excess_risk_with_ends"]


def test_expected_test_loss_is_the_gaussian_absolute_moment():
    rng = np.random.default_rng(2)
    x = np.sort(rng.uniform(size=8))
    f = ur.linear_spline(x, rng.standard_normal(8))
    z, w = np.polynomial.hermite_e.hermegauss(120)
    t = np.linspace(x[0], x[-1], 4001)
    direct = np.array([(np.abs(v - 0.6 * z) ** 2.5) @ w / np.sqrt(2 * np.pi) for v in f(t)])
    # trapezoid on 4001 points of a smooth integrand vs 16-point Gauss–Legendre per piece: 1e-6
    trap = np.sum(0.5 * (direct[1:] + direct[:-1]) * np.diff(t))
    assert f.expected_test_loss(2.5, 0.36, x[0], x[-1]) == pytest.approx(trap, rel=1e-6)


def test_limit_does_not_depend_on_a_lipschitz_target():
    # f* = sin(2πx): its spline error is O(1/n²); the L_p distance of the noisy spline to f* tends to
    # the pure-noise constant. n = 2000, 10 trials; 4 standard errors + 1e-3 (quadrature at the
    # zero crossings of f̂ - f*).
    rng = np.random.default_rng(3)
    p, sigma = 1.5, 0.5
    vals = []
    for _ in range(10):
        x = np.sort(rng.uniform(size=2000))
        y = np.sin(2 * np.pi * x) + sigma * rng.standard_normal(x.size)
        f = ur.linear_spline(x, y)
        vals.append(f.lp_distance(p, x[0], x[-1], target=lambda t: np.sin(2 * np.pi * t)) / (x[-1] - x[0]))
    theory = asy.evaluate("univariate-relu", power=p, noise=sigma ** 2).excess_risk
    assert abs(np.mean(vals) - theory) < 4 * np.std(vals, ddof=1) / np.sqrt(10) + 1e-3


def test_min_norm_spikes_random_vs_grid():
    # Random design: P(depth > 10σ) ≈ 0.47/100 per interval at t = 10 (t² P -> 2/π with a -1.5/t
    # finite-t correction, measured); 2e4 intervals give ~94 ± 10. Grid: Gaussian-tailed depths, none.
    rng = np.random.default_rng(4)
    counts = {}
    for design in ["random", "grid"]:
        x = ur.design_points(rng, design, 20001)
        counts[design] = int(np.sum(ur.spike_depths(x, rng.standard_normal(x.size)) > 10))
    assert 55 < counts["random"] < 140 and counts["grid"] == 0


@pytest.mark.slow
def test_spike_tail_constant_is_two_over_pi():
    # 2e6 intervals; t² P(H > t) = C - b/t + ...: Richardson from t = 20, 40 removes the 1/t term
    # (measured 0.641 vs 2/π = 0.637). Standard error of the extrapolation ~0.045: 3 of them.
    rng = np.random.default_rng(5)
    depths = np.concatenate([ur.spike_depths(x, rng.standard_normal(x.size))[3:-3]
                             for x in (ur.design_points(rng, "random", 100_000) for _ in range(20))])
    c20, c40 = (np.mean(depths > t) * t * t for t in (20.0, 40.0))
    assert 2 * c40 - c20 == pytest.approx(2 / np.pi, abs=0.14)


def _min_norm_excess(rng, design, n, p):
    x = ur.design_points(rng, design, n)
    f = ur.min_norm_interpolant(x, rng.standard_normal(n))
    return f.lp_distance(p, x[0], x[-1]) / (x[-1] - x[0])


@pytest.mark.slow
def test_contribution_tail_drives_the_catastrophic_growth():
    # The per-interval contribution Y = n ∫_interval |f̂|^p / σ^p of the min-norm interpolant has
    # P(Y > y) ~ contribution_tail y^{-2/p}: the law behind the growth (2/π)σ² log n (p = 2) and
    # n^{p/2 - 1} (p = 3). 2e6 intervals; the finite-y correction is ~ 1/H ∝ y^{-1/p}, removed by
    # Richardson between y and 2^p y. Measured: 0.631 (p = 2; 2/π = 0.637) and 0.515 (p = 3;
    # 0.507), standard errors ~0.045 and ~0.02: tolerances 3 of them.
    rng = np.random.default_rng(7)
    contributions = {2.0: [], 3.0: []}
    for _ in range(20):
        n = 100_000
        x = ur.design_points(rng, "random", n)
        f = ur.min_norm_interpolant(x, rng.standard_normal(n))
        a, b, fa, fb = f.pieces(x[0], x[-1])
        interval = np.searchsorted(x, a, side="right") - 1
        for p in contributions:
            per = np.bincount(interval, ur._lp_linear(fa, fb, b - a, p), minlength=n - 1)
            contributions[p].append(n * per[3:-3])
    for p, level, tol in [(2.0, 400.0, 0.14), (3.0, 800.0, 0.06)]:
        y = np.concatenate(contributions[p])
        c1, c2 = (np.mean(y > v) * v ** (2 / p) for v in (level, 2 ** p * level))
        theory = asy.evaluate("univariate-relu", power=p, design="random").contribution_tail
        assert 2 * c2 - c1 == pytest.approx(theory, abs=tol)


@pytest.mark.slow
def test_min_norm_growth_and_tempered_regimes():
    # Medians over 40 trials (the means do not exist for p >= 2). p = 3: log-median slope 0.5 per
    # log n; at these n the tail constant is still rising (t² P(H > t) ~ 2/π - 1.5/t), which adds
    # ~0.1 to the local slope, and the median of a stable sum over 40 trials is noisy: within 0.3
    # (measured 0.67). Tempered: p = 1 random and p = 3 grid change by < 10% from n = 1e3 to 1e4
    # (measured 1.032 -> 1.036 and 1.086 -> 1.129).
    rng = np.random.default_rng(6)
    med = lambda design, n, p: np.median([_min_norm_excess(rng, design, n, p) for _ in range(40)])
    slope = np.log(med("random", 10_000, 3.0) / med("random", 100, 3.0)) / np.log(100)
    assert slope == pytest.approx(0.5, abs=0.3)
    for design, p in [("random", 1.0), ("grid", 3.0)]:
        assert med(design, 10_000, p) == pytest.approx(med(design, 1_000, p), rel=0.1)


# -- bad input --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,match", [
    ({"power": 0.5}, r"'power' must be in \[1, 3\]; got 0.5"),
    ({"power": 3.5}, r"'power'"),
    ({"noise": 0.0}, r"'noise' must be in \(0, inf\); got 0.0"),
    ({"design": "chebyshev"}, r"'design' must be one of 'random', 'grid'"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(asy.ParameterError, match=match):
        asy.evaluate("univariate-relu", **kwargs)


def test_simulation_needs_three_points():
    with pytest.raises(asy.ParameterError, match="n >= 3"):
        asy.simulate("univariate-relu", trials=2, n=2, power=2.0)


def test_figure_fast():
    from asymptotics.figures import get

    fig, data = get("univariate-relu").make(True)
    assert {"theory", "simulation"} <= set(data["kind"])

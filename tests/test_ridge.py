"""ridge: closed forms, limits, the general-Σ equivalent, GCV, optimal penalty, Monte Carlo."""

import json
import pathlib

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

import asymptotics as asy
from asymptotics import spectra
from asymptotics.models import ridge

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "ridge.json").read_text())


# -- closed forms -------------------------------------------------------------------------------
@pytest.mark.parametrize("gamma", [0.1, 0.5, 0.9, 1.1, 2.0, 10.0])
def test_ridgeless_matches_hmrt_theorem_1(gamma):
    signal, noise = 2.0, 0.7
    r = asy.evaluate("ridge", gamma=gamma, lam=0.0, signal=signal, noise=noise)
    if gamma < 1:
        expected_bias, expected_var = 0.0, noise * gamma / (1 - gamma)
    else:
        expected_bias, expected_var = signal * (1 - 1 / gamma), noise / (gamma - 1)
    assert r.bias == pytest.approx(expected_bias, abs=1e-12)
    assert r.variance == pytest.approx(expected_var, rel=1e-12)
    assert r.test_error == pytest.approx(expected_bias + expected_var + noise, rel=1e-12)


def test_interpolation_peak_is_inf_on_purpose():
    r = asy.evaluate("ridge", gamma=1.0, lam=0.0, signal=1.0, noise=0.5)
    assert r.excess_risk == np.inf and r.variance == np.inf and r.converged
    assert r.bias == 0.0
    # Without noise nothing diverges: the bias vanishes from both sides of gamma = 1.
    assert asy.evaluate("ridge", gamma=1.0, lam=0.0, signal=1.0, noise=0.0).excess_risk == 0.0
    # The general-Σ variant diverges where n equals the rank of Σ.
    g = asy.evaluate("ridge", n=50, lam=0.0, noise=0.5, spectrum=spectra.isotropic(50))
    assert g.excess_risk == np.inf


def _mp_law_moments(gamma, lam):
    """m(-lam) and m'(-lam) of the Marchenko–Pastur law by quadrature of its density (independent
    of the model's equations): m(z) = ∫ dF(s)/(s - z)."""
    a, b = (1 - np.sqrt(gamma)) ** 2, (1 + np.sqrt(gamma)) ** 2
    dens = lambda s: np.sqrt(max((b - s) * (s - a), 0.0)) / (2 * np.pi * gamma * s)
    atom = max(1 - 1 / gamma, 0.0)
    m = integrate.quad(lambda s: dens(s) / (s + lam), a, b, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
    dm = integrate.quad(lambda s: dens(s) / (s + lam) ** 2, a, b, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
    return m + atom / lam, dm + atom / lam ** 2


@pytest.mark.parametrize("gamma,lam", [(0.5, 0.1), (0.5, 1.0), (2.0, 0.05), (2.0, 0.5), (5.0, 2.0)])
def test_isotropic_ridge_matches_marchenko_pastur_formula(gamma, lam):
    # HMRT / Dobriban–Wager: B = r² λ² m'(-λ), V = σ² γ [m(-λ) - λ m'(-λ)].
    signal, noise = 1.3, 0.4
    m, dm = _mp_law_moments(gamma, lam)
    r = asy.evaluate("ridge", gamma=gamma, lam=lam, signal=signal, noise=noise)
    # quad's tolerance 1e-12 relative; the square-root edges cost a little: 1e-8 is safe.
    assert r.bias == pytest.approx(signal * lam ** 2 * dm, rel=1e-8)
    assert r.variance == pytest.approx(noise * gamma * (m - lam * dm), rel=1e-8)


def test_closed_form_kappa_solves_the_equation_symbolically():
    system = ridge.ISOTROPIC
    residual = system.residuals[0].subs(ridge.kappa, system.solution[ridge.kappa].doit())
    # Check on a grid of rationals (exact arithmetic): sympy's simplify of the nested root is slow.
    for g, l in [(sp.Rational(1, 2), sp.Rational(1, 10)), (2, sp.Rational(3, 7)), (7, 5)]:
        assert sp.nsimplify(sp.simplify(residual.subs({ridge.gamma: g, ridge.lam: l}))) == 0


def test_closed_form_is_accurate_where_roots_nearly_cancel():
    # κ ≈ lam/(1 - γ) for tiny lam and γ < 1; κ ≈ sqrt(lam) at γ = 1: both to full precision.
    r = asy.evaluate("ridge", gamma=[0.5, 1.0], lam=1e-14, precision=None)
    with mp.workdps(40):
        exact = [(lambda g, l: (-(1 - g - l) + mp.sqrt((1 - g - l) ** 2 + 4 * l)) / 2)(mp.mpf(g), mp.mpf(1e-14))
                 for g in (0.5, 1.0)]
    # γ = 1: b = 1 - γ - lam carries the rounding of γ + lam (~1e-16 absolute) into κ ≈ 1e-7,
    # a relative error up to ~1e-9; γ = 1/2 is exact to rounding.
    assert r.kappa[0] == pytest.approx(float(exact[0]), rel=1e-14)
    assert r.kappa[1] == pytest.approx(float(exact[1]), rel=1e-9)


@pytest.mark.parametrize("method", ["newton", "damped", "anderson"])
def test_solvers_agree_with_closed_form(method):
    gam = np.array([0.3, 0.9, 1.0, 1.5, 4.0])
    lam = np.array([[1e-3], [0.1], [3.0]])
    closed = asy.evaluate("ridge", gamma=gam, lam=lam, signal=1.0, noise=0.5)
    solved = asy.evaluate("ridge", gamma=gam, lam=lam, signal=1.0, noise=0.5, method=method)
    np.testing.assert_allclose(solved.kappa, closed.kappa, rtol=1e-11)
    np.testing.assert_allclose(solved.test_error, closed.test_error, rtol=1e-10)
    assert np.all(np.asarray(solved.residual) < 1e-12)


# -- the general-Σ deterministic equivalent -------------------------------------------------------
@pytest.mark.parametrize("p,n", [(100, 200), (400, 200), (300, 100)])
def test_general_at_identity_equals_isotropic(p, n):
    lam = np.array([0.0, 1e-3, 0.1, 1.0]) if p != n else np.array([1e-3, 0.1])
    iso = asy.evaluate("ridge", gamma=p / n, lam=lam, signal=1.0, noise=0.3)
    gen = asy.evaluate("ridge", n=n, lam=lam, noise=0.3, spectrum=spectra.isotropic(p, signal=1.0))
    for name in ["excess_risk", "bias", "variance", "test_error", "train_error", "df1", "df2", "kappa"]:
        np.testing.assert_allclose(gen[name], iso[name], rtol=1e-9, atol=1e-13, err_msg=name)


def test_general_two_level_against_mpmath_refinement():
    spec = spectra.two_level(200, fraction=0.2, high=5.0, low=0.5, signal=2.0)
    fast = asy.evaluate("ridge", n=120, lam=0.01, noise=0.5, spectrum=spec)
    precise = asy.evaluate("ridge", n=120, lam=0.01, noise=0.5, spectrum=spec, precision=30)
    assert precise.converged
    # float64 Newton is accurate to ~1e-13 relative on this well-conditioned equation.
    assert float(precise.kappa) == pytest.approx(fast.kappa, rel=1e-12)
    assert float(precise.test_error) == pytest.approx(fast.test_error, rel=1e-12)
    with mp.workdps(40):
        # the refined κ satisfies the equation to ~30 digits
        s = [mp.mpf(float(v)) for v in spec.eigenvalues]
        k = precise.kappa
        resid = k - mp.mpf(0.01) - k * mp.fsum(si / (si + k) for si in s) / 120
        assert abs(resid) < mp.mpf(10) ** -28


def test_general_ridgeless_both_sides():
    spec = spectra.power_law(300, decay=1.5, source=0.5)
    over = asy.evaluate("ridge", n=100, lam=0.0, noise=0.25, spectrum=spec)
    under = asy.evaluate("ridge", n=600, lam=0.0, noise=0.25, spectrum=spec)
    # over-parameterized: κ0 > 0 solves df1(κ0) = n, and the interpolator has zero train error
    assert over.kappa > 0 and over.df1 == pytest.approx(1.0, rel=1e-12)
    assert over.train_error == pytest.approx(0.0, abs=1e-12)
    # under-parameterized: κ = 0, unbiased, variance σ² p/(n - p)
    assert under.kappa == pytest.approx(0.0, abs=1e-12)
    assert under.bias == pytest.approx(0.0, abs=1e-12)
    assert under.variance == pytest.approx(0.25 * 300 / 300, rel=1e-10)
    # continuity lam -> 0+
    near = asy.evaluate("ridge", n=100, lam=1e-10, noise=0.25, spectrum=spec)
    assert near.test_error == pytest.approx(over.test_error, rel=1e-6)


# -- limits -------------------------------------------------------------------------------------
def test_large_penalty_gives_null_risk():
    r = asy.evaluate("ridge", gamma=[0.5, 2.0], lam=1e8, signal=1.7, noise=0.3)
    np.testing.assert_allclose(r.excess_risk, 1.7, rtol=1e-6)


def test_ridgeless_risk_tends_to_null_risk_as_gamma_grows():
    r = asy.evaluate("ridge", gamma=1e6, lam=0.0, signal=1.7, noise=0.3)
    assert r.excess_risk == pytest.approx(1.7, rel=1e-5)


def test_small_penalty_tends_to_ridgeless():
    gam = np.array([0.5, 2.0])
    a = asy.evaluate("ridge", gamma=gam, lam=1e-9, signal=1.0, noise=0.5)
    b = asy.evaluate("ridge", gamma=gam, lam=0.0, signal=1.0, noise=0.5)
    np.testing.assert_allclose(a.test_error, b.test_error, rtol=1e-7)


# -- GCV and train error ---------------------------------------------------------------------------
def test_gcv_identity_train_over_squared_gap_is_test_error():
    spec = spectra.power_law(500, decay=1.2, source=1.0)
    lam = np.geomspace(1e-4, 10, 9)
    r = asy.evaluate("ridge", n=200, lam=lam, noise=0.5, spectrum=spec)
    np.testing.assert_allclose(r.train_error / (1 - r.df1) ** 2, r.test_error, rtol=1e-12)
    np.testing.assert_allclose((lam / r.kappa) ** 2 * r.test_error, r.train_error, rtol=1e-10)


# -- optimal penalty -------------------------------------------------------------------------------
def test_optimal_penalty_is_noise_gamma_over_signal():
    gam = np.array([0.3, 1.0, 3.0])
    best = asy.optimize("ridge", "test_error", over="lam", gamma=gam, signal=2.0, noise=0.5)
    np.testing.assert_allclose(best.params["lam"], 0.5 * gam / 2.0, rtol=1e-6)


def test_optimally_tuned_risk_published_closed_forms():
    # R(λ*) = σ² γ m(-λ*) (HMRT / Dobriban–Wager). At r² = σ² = 1: γ = 1/2 gives √2 - 1 and
    # γ = 1 gives (√5 - 1)/2 (exact evaluations of that closed form; see reference_values/ridge.json).
    for case in REF["optimal_ridge"]:
        r = asy.evaluate("ridge", gamma=case["gamma"], lam=case["gamma"], signal=1.0, noise=1.0)
        assert r.excess_risk == pytest.approx(eval(case["excess_risk"], {"sqrt": np.sqrt}), rel=1e-12)


def test_no_double_descent_under_optimal_tuning():
    gam = np.geomspace(0.1, 10, 40)
    r = asy.evaluate("ridge", gamma=gam, lam=gam * 0.5 / 1.0, signal=1.0, noise=0.5)
    assert np.all(np.diff(r.excess_risk) > 0)


# Zero or values in a physical range (a penalty of 1e273 overflows κ, which is not the point here).
_value = lambda lo, hi: st.one_of(st.just(0.0), st.floats(lo, hi))


@settings(max_examples=40, deadline=None)
@given(gamma=st.floats(0.05, 20), lam=_value(1e-10, 10), signal=_value(1e-6, 5), noise=_value(1e-6, 5))
def test_invariants(gamma, lam, signal, noise):
    r = asy.evaluate("ridge", gamma=gamma, lam=lam, signal=signal, noise=noise)
    if np.isinf(r.test_error):
        assert lam == 0 and gamma == 1
        return
    assert r.bias >= 0 and r.variance >= 0
    assert r.test_error >= noise
    assert r.train_error <= r.test_error * (1 + 1e-12)
    # optimal tuning is never worse than any penalty
    if signal > 0:
        opt = asy.evaluate("ridge", gamma=gamma, lam=noise * gamma / signal, signal=signal, noise=noise)
        assert opt.excess_risk <= r.excess_risk * (1 + 1e-10) + 1e-14


# -- Monte Carlo ----------------------------------------------------------------------------------
def _agree(frame, n, bias_coef=4.0, z=4.0):
    """|sim - theory| <= z·stderr + bias_coef·|theory|/n: the deterministic equivalent is exact up
    to O(1/n) relative corrections (e.g. E tr (X'X)^{-1} = p/(n-p-1) vs p/(n-p) at lam = 0), and
    z = 4 standard errors keeps the family-wise false alarm rate small over ~40 comparisons."""
    slack = z * frame["stderr"] + bias_coef * np.abs(frame["theory"]) / n
    bad = frame[np.abs(frame["simulation"] - frame["theory"]) > slack]
    assert bad.empty, bad.to_string()


def test_monte_carlo_isotropic():
    n = 200
    frame = asy.check("ridge", trials=20, seed=3, n=n, gamma=np.array([[0.5], [2.0]]),
                      lam=np.array([0.0, 0.1, 1.0]), signal=1.0, noise=0.5)
    assert set(frame["observable"]) >= {"excess_risk", "bias", "variance", "train_error", "gcv", "kappa"}
    _agree(frame, n)


def test_monte_carlo_general_power_law():
    n = 200
    frame = asy.check("ridge", trials=20, seed=4, n=n, lam=np.array([0.0, 0.01, 0.1]), noise=0.25,
                      spectrum=spectra.power_law(400, decay=1.5, source=0.5))
    _agree(frame, n)


def test_simulation_is_seeded_and_grid_independent():
    a = asy.simulate("ridge", trials=4, seed=9, n=60, gamma=2.0, lam=[0.1, 1.0])
    b = asy.simulate("ridge", trials=4, seed=9, n=60, gamma=[2.0, 0.5], lam=[[0.1], [1.0]])
    # the point (gamma=2, lam=0.1) has the same numbers whatever else is in the grid
    assert a.mean["excess_risk"][0] == b.mean["excess_risk"][0, 0]
    c = asy.simulate("ridge", trials=4, seed=10, n=60, gamma=2.0, lam=[0.1, 1.0])
    assert c.mean["excess_risk"][0] != a.mean["excess_risk"][0]


# -- bad input --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,match", [
    ({"gamma": -1.0}, r"'gamma' must be in \(0, inf\); got -1.0"),
    ({"gamma": 2.0, "lam": -0.1}, r"'lam' must be in \[0, inf\); got -0.1"),
    ({"gamma": 2.0, "noise": float("nan")}, r"'noise'"),
    ({"gama": 2.0}, r"did you mean 'gamma'"),
    ({"n": 10, "eigenvalues": [1.0, 2.0], "target": [1.0]}, r"'target' must have the length"),
    ({"n": 10, "eigenvalues": [1.0, -2.0], "target": [1.0, 1.0]}, r"'eigenvalues'"),
    ({"n": 10, "spectrum": "power-law:p=10,decay=-1"}, r"'decay'"),
])
def test_bad_input_names_parameter_range_and_value(kwargs, match):
    with pytest.raises(asy.ParameterError, match=match):
        asy.evaluate("ridge", **kwargs)


def test_simulation_bad_sizes():
    with pytest.raises(asy.ParameterError, match="'n'"):
        asy.simulate("ridge", trials=3, gamma=2.0, n=0)
    with pytest.raises(asy.ParameterError, match="simulate needs 'n'"):
        asy.simulate("ridge", trials=3, gamma=2.0)
    with pytest.raises(asy.ParameterError, match="'trials'"):
        asy.simulate("ridge", trials=1, gamma=2.0, n=10)


def test_effective_ranks_bllt():
    # isotropic spectrum of size p: r_k = p - k, R_k = p - k
    r, R = spectra.effective_ranks(np.ones(50))
    np.testing.assert_allclose(r, 50 - np.arange(50))
    np.testing.assert_allclose(R, 50 - np.arange(50))
    assert spectra.k_star(np.ones(50), n=10) == 0
    # spiked: k heavy directions, then a flat tail of size p - k: k* = k when the tail is long
    spiked = np.r_[np.full(5, 100.0), np.ones(2000)]
    assert spectra.k_star(spiked, n=100) == 5
    assert spectra.bllt_variance_proxy(spiked, n=100) == pytest.approx(5 / 100 + 100 / 2000)
    assert spectra.k_star(np.ones(5), n=100) is None


@pytest.mark.parametrize("shape", [(60, 150), (150, 60), (80, 80)])
def test_ridge_path_matches_direct_solves(shape):
    from asymptotics.simulate.ridge import RidgePath

    rng = np.random.default_rng(7)
    n, p = shape
    x = rng.standard_normal(shape)
    y = rng.standard_normal(n)
    lams = np.array([0.0, 1e-3, 0.1, 2.0])
    path = RidgePath.fit(x, y)
    coef = path.coefficients(lams)
    for j, lam in enumerate(lams):
        direct = np.linalg.lstsq(x, y, rcond=None)[0] if lam == 0 else np.linalg.solve(
            x.T @ x + n * lam * np.eye(p), x.T @ y)
        # Gram route: squared singular values to ~1e-10 relative (see _GRAM_MIN_RATIO); n = p
        # (ill-conditioned) goes through LAPACK's SVD and matches lstsq to rounding.
        np.testing.assert_allclose(coef[:, j], direct, rtol=1e-7, atol=1e-9)

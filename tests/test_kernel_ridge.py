"""kernel-ridge: spectral DE = ridge, sphere eigenvalues, polynomial regime, staircase, Monte Carlo."""

import math

import numpy as np
import pytest

import asymptotics as asy
from asymptotics import kernels, spectra

TP = [0.0, 1.0, 0.5, 0.25, 0.125]


# -- spectra on the sphere ---------------------------------------------------------------------
def test_multiplicities_and_gegenbauer_orthogonality():
    # N(d, k) = binom(k+d-1, k) - binom(k+d-3, k-2): dimension of degree-k harmonics on S^{d-1}
    for d in (3, 5, 20):
        for k in range(0, 7):
            want = math.comb(k + d - 1, k) - (math.comb(k + d - 3, k - 2) if k >= 2 else 0)
            assert kernels.multiplicity(d, k) == pytest.approx(want, rel=1e-12)
    t, w = kernels._angle_rule(12, 200)
    q = kernels.gegenbauer(12, 5, t)
    gram = (q * w) @ q.T  # E[Q_k Q_l] = δ_kl / N(d, k)
    np.testing.assert_allclose(gram, np.diag(1 / kernels.multiplicity(12, np.arange(6))), atol=1e-14)


def test_sphere_eigenvalues_of_polynomial_kernels_and_large_d_limit():
    # h = t²: degree 0 gets 1/d, degree 2 gets (d-1)/d (exact); h(1) = Σ c_k always.
    _, _, c = kernels.sphere_spectrum("t**2", 10, 4)
    np.testing.assert_allclose(c, [0.1, 0, 0.9, 0, 0], atol=1e-13)
    for name in ("ntk-relu", "exp", "arccos0"):
        eig, mult, c = kernels.sphere_spectrum(name, 2000, 6)
        # (rounding in the oscillating quadrature: c_k is accurate to ~1e-16 sqrt(N(d, k)) ~ 3e-8 here)
        assert np.sum(eig * mult) == pytest.approx(kernels.kernel_at_one(name), rel=1e-6)
        np.testing.assert_allclose(c, kernels.taylor_coefficients(name, 6), atol=2e-3)  # O(1/d)
    # the two angular quadratures agree where both apply
    a = kernels.sphere_eigenvalues("ntk-relu", 200, 4)
    t, w = kernels._angle_rule(200, 400, "composite")
    b = kernels.gegenbauer(200, 4, t) @ (w * kernels.kernel_function("ntk-relu")(t))
    np.testing.assert_allclose(a * kernels.multiplicity(200, np.arange(5)),
                               b * kernels.multiplicity(200, np.arange(5)), atol=1e-10)


# -- spectral variant ---------------------------------------------------------------------------
def test_spectral_is_ridge_with_kernel_eigenvalues():
    spec = spectra.power_law(3000, decay=1.4, source=0.8)
    lam = np.array([0.0, 1e-4, 1e-2])
    a = asy.evaluate("kernel-ridge", n=300, lam=lam, noise=0.2, spectrum=spec)
    b = asy.evaluate("ridge", n=300, lam=lam, noise=0.2, spectrum=spec)
    for k in ("excess_risk", "train_error", "variance", "df1", "kappa"):
        np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=1e-30)


def test_multiplicities_equal_repeated_eigenvalues():
    ev, co, m = np.array([1.0, 0.1, 0.01]), np.array([0.5, 0.3, 0.1]), np.array([2.0, 30.0, 500.0])
    a = asy.evaluate("kernel-ridge", n=np.array([10.0, 100.0]), lam=1e-3, noise=0.1, eigenvalues=ev,
                     coefficients=co, multiplicities=m)
    b = asy.evaluate("kernel-ridge", n=np.array([10.0, 100.0]), lam=1e-3, noise=0.1,
                     eigenvalues=np.repeat(ev, m.astype(int)), coefficients=np.repeat(co, m.astype(int)))
    np.testing.assert_allclose(a.excess_risk, b.excess_risk, rtol=1e-10)
    np.testing.assert_allclose(a.train_error, b.train_error, rtol=1e-10)


def test_interpolation_threshold_and_ridgeless():
    r = asy.evaluate("kernel-ridge", n=np.array([50.0, 100.0, 150.0]), lam=0.0, noise=0.1,
                     eigenvalues=np.ones(100), coefficients=np.full(100, 0.1))
    assert np.isinf(r.excess_risk[1]) and np.all(np.isfinite(r.excess_risk[[0, 2]]))
    # isotropic check: ridgeless risk noise γ/(1-γ) for n > p (γ = p/n)
    assert r.excess_risk[2] == pytest.approx(0.1 * (2 / 3) / (1 / 3), rel=1e-10)


# -- sphere and polynomial variants --------------------------------------------------------------
def test_linear_kernel_on_the_sphere_is_isotropic_ridge():
    # h(t) = t: only degree 1 (ξ = 1/d, N = d): ridge with gamma = d/n, per-sample lam = gamma * ridge.
    d, n = 40, np.array([20.0, 80.0])
    a = asy.evaluate("kernel-ridge", n=n, d=d, ridge=0.05, noise=0.2, kernel="t", target_powers=[0.0, 1.5])
    b = asy.evaluate("ridge", gamma=d / n, lam=d / n * 0.05, signal=1.5, noise=0.2)
    # (ξ_1 = 1/d comes from the angular quadrature, accurate to ~1e-13)
    np.testing.assert_allclose(a.excess_risk, b.excess_risk, rtol=1e-8)
    np.testing.assert_allclose(a.train_error, b.train_error, rtol=1e-8)


@pytest.mark.parametrize("ell,alpha", [(1, 0.5), (1, 3.0), (2, 1.0), (2, 3.0)])
def test_sphere_at_large_d_tends_to_the_polynomial_regime(ell, alpha):
    poly = asy.evaluate("kernel-ridge", alpha=alpha, degree=ell, ridge=0.0, noise=0.1, kernel="ntk-relu",
                        target_powers=TP)
    gaps = []
    for d in (300, 3000):
        n = alpha * d ** ell / math.factorial(ell)
        s = asy.evaluate("kernel-ridge", n=n, d=d, ridge=0.0, noise=0.1, kernel="ntk-relu", target_powers=TP,
                         degrees=8)
        gaps.append(abs(s.excess_risk - poly.excess_risk))
    assert gaps[1] < 0.25 * gaps[0] + 1e-9  # O(1/d) convergence (measured ~1/d)
    assert gaps[1] < 3e-3


def test_polynomial_regime_l1_is_random_features_with_infinitely_many_features():
    # psi1 -> inf RF = KRR with the ReLU arc-cosine kernel; ridge added to K is psi2 * lam_MM.
    psi2, lam = 1.7, 0.02
    rf = asy.evaluate("random-features", psi1=1e9, psi2=psi2, lam=lam, noise=0.3, nonlinear=0.0)
    kr = asy.evaluate("kernel-ridge", alpha=psi2, degree=1, ridge=psi2 * lam, noise=0.3, kernel="relu",
                      target_powers=[0.0, 1.0])
    assert kr.excess_risk == pytest.approx(rf.excess_risk, rel=1e-7)


def test_self_induced_ridge_and_unlearnable_degrees():
    # A polynomial kernel of degree exactly l has no self-induced ridge: ridgeless KRR peaks at alpha = 1.
    peak = asy.evaluate("kernel-ridge", alpha=1.0, degree=2, ridge=0.0, noise=0.1, kernel="1 + t + t**2",
                        target_powers=TP)
    assert math.isinf(peak.excess_risk)
    smooth = asy.evaluate("kernel-ridge", alpha=1.0, degree=2, ridge=0.0, noise=0.1, kernel="exp",
                          target_powers=TP)
    assert smooth.self_induced_ridge == pytest.approx(math.e - 2.5, rel=1e-12) and math.isfinite(smooth.excess_risk)
    # ntk-relu has no degree-3 coefficient: degree 3 is never learned; at l = 3 nothing is learned there.
    r = asy.evaluate("kernel-ridge", alpha=5.0, degree=3, ridge=0.0, noise=0.1, kernel="ntk-relu", target_powers=TP)
    assert r.excess_risk == pytest.approx(0.25 + 0.125, rel=1e-12)


def test_staircase_plateaus():
    # Midway (geometrically) between N(d, l) and N(d, l+1) samples, degrees < l are learned, degree
    # l mostly, degrees > l not: Σ_{k>l} F_k² <= risk <= Σ_{k>=l} F_k², and the plateaus descend.
    d = 200
    mult = kernels.multiplicity(d, np.arange(4))
    n = np.sqrt(mult[1:3] * mult[2:4])
    r = asy.evaluate("kernel-ridge", n=n, d=d, ridge=0.0, noise=0.0, kernel="exp", target_powers=TP, degrees=8)
    tails = np.cumsum(TP[::-1])[::-1]  # Σ_{k>=j} F_k²
    for ell, risk in zip((1, 2), r.excess_risk):
        assert tails[ell + 1] < risk < tails[ell + 1] + 0.25 * TP[ell]
    assert r.excess_risk[0] > r.excess_risk[1]


@pytest.mark.parametrize("bad,match", [
    ({"ridge": -1.0}, "ridge"), ({"kernel": "not a kernel ("}, "kernel"), ({"d": 2.5}, "'d'"),
    ({"d": np.array([10, 20])}, "'d'"), ({"degrees": 2}, "degrees")])
def test_bad_sphere_inputs(bad, match):
    params = {"n": 100, "d": 10, "target_powers": TP, **bad}
    with pytest.raises(asy.ParameterError, match=match):
        asy.evaluate("kernel-ridge", **params)


def test_bad_spectral_inputs():
    with pytest.raises(asy.ParameterError, match="coefficients"):
        asy.evaluate("kernel-ridge", n=10, eigenvalues=[1.0, 0.5], coefficients=[1.0])
    with pytest.raises(asy.ParameterError, match="spectrum"):
        asy.evaluate("kernel-ridge", n=10, spectrum="no-such-spectrum")


# -- Monte Carlo ---------------------------------------------------------------------------------
# Tolerance: 4 standard errors plus a finite-size allowance of 3/n relative: at n = 100 (d = 15)
# the most precise observable (variance) deviated by 1.2%, at n = 400 and 1200 by < 0.1%.
def _agrees(frame, n_min):
    tol = 4 * frame.stderr + 3.0 / n_min * frame.theory.abs()
    return frame[(frame.simulation - frame.theory).abs() > tol]


def test_monte_carlo_spectral():
    frame = asy.check("kernel-ridge", trials=6, seed=1, n=np.array([60, 150]), lam=np.array([1e-5, 1e-2])[:, None],
                      noise=0.1, spectrum="power-law:p=400,decay=1.5,source=0.5")
    bad = _agrees(frame, 60)
    assert bad.empty, bad.to_string()


def test_monte_carlo_sphere_kernel_matrix():
    frame = asy.check("kernel-ridge", trials=5, seed=2, n=np.array([120, 360])[:, None], d=10,
                      ridge=np.array([1e-3, 0.1]), noise=0.1, kernel="ntk-relu", target_powers=[0.1, 1.0, 0.5, 0.25],
                      n_test=800)
    bad = _agrees(frame, 120)
    assert bad.empty, bad.to_string()


@pytest.mark.slow
def test_monte_carlo_sphere_large():
    frame = asy.check("kernel-ridge", trials=8, seed=3, n=np.array([100, 400, 1500])[:, None], d=15,
                      ridge=np.array([1e-3, 0.1]), noise=0.1, kernel="arccos1", target_powers=TP, n_test=2000)
    bad = _agrees(frame, 100)
    assert bad.empty, bad.to_string()

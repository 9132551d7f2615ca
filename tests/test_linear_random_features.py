"""linear-random-features: limits, closed forms, isotropic = general, Monte Carlo."""

import math

import numpy as np
import pytest

import asymptotics as asy
from asymptotics import spectra


@pytest.mark.parametrize("lam", [0.0, 0.01, 1.0])
@pytest.mark.parametrize("psi2", [0.5, 2.0])
def test_many_features_is_ridge(lam, psi2):
    a = asy.evaluate("linear-random-features", psi1=1e9, psi2=psi2, lam=lam, signal=1.0, noise=0.3)
    b = asy.evaluate("ridge", gamma=1 / psi2, lam=lam, signal=1.0, noise=0.3)
    for k in ("excess_risk", "train_error", "variance"):
        assert a[k] == pytest.approx(b[k], rel=1e-7, abs=1e-12)


def test_many_features_is_ridge_general():
    spec = spectra.power_law(200, decay=1.3, source=0.7)
    a = asy.evaluate("linear-random-features", n=80, features=1e10, lam=1e-3, noise=0.2, spectrum=spec)
    b = asy.evaluate("ridge", n=80, lam=1e-3, noise=0.2, spectrum=spec)
    assert a.test_error == pytest.approx(b.test_error, rel=1e-7)
    assert a.train_error == pytest.approx(b.train_error, rel=1e-7)


def test_isotropic_equals_general_with_identity():
    d = 400
    iso = asy.evaluate("linear-random-features", psi1=np.array([0.5, 1.5, 3.0]), psi2=1.2, lam=0.02,
                       signal=1.0, noise=0.1)
    gen = asy.evaluate("linear-random-features", n=1.2 * d, features=np.array([0.5, 1.5, 3.0]) * d, lam=0.02,
                       noise=0.1, eigenvalues=np.ones(d), target=np.full(d, 1 / math.sqrt(d)))
    np.testing.assert_allclose(gen.excess_risk, iso.excess_risk, rtol=1e-10)
    np.testing.assert_allclose(gen.train_error, iso.train_error, rtol=1e-10)


def test_ridgeless_closed_forms():
    # N >= d and n > d: the projection is invertible and least squares is unique: OLS risk
    # noise * gamma/(1 - gamma) with gamma = d/n.
    r = asy.evaluate("linear-random-features", psi1=np.array([1.0, 3.0]), psi2=3.0, lam=0.0, noise=0.3)
    np.testing.assert_allclose(r.excess_risk, 0.3 * (1 / 3) / (2 / 3), rtol=1e-10)
    # n -> inf: the fit is the projection of β on a random N-dim subspace: bias (1 - psi1) signal.
    r = asy.evaluate("linear-random-features", psi1=0.3, psi2=1e9, lam=0.0, signal=2.0, noise=0.3)
    assert r.excess_risk == pytest.approx(2.0 * 0.7, rel=1e-6)
    # N < n, lam = 0: train = (1 - N/n)^2 test (least squares with N parameters).
    r = asy.evaluate("linear-random-features", psi1=0.5, psi2=2.0, lam=0.0, noise=0.3)
    assert r.train_error == pytest.approx((1 - 0.25) ** 2 * r.test_error, rel=1e-12)
    assert r.variance == pytest.approx(0.3 * 0.5 / (2.0 - 0.5), rel=1e-10)  # noise N/(n - N)


def test_interpolation_peaks():
    r = asy.evaluate("linear-random-features", psi1=np.array([0.5, 2.0, 3.0]), psi2=np.array([0.5, 1.0, 3.0]),
                     lam=0.0, noise=0.2)
    assert np.isinf(r.excess_risk[0]) and np.isinf(r.excess_risk[1]) and np.isfinite(r.excess_risk[2])
    near = asy.evaluate("linear-random-features", psi1=0.5, psi2=0.5, lam=1e-9, noise=0.2)
    assert near.excess_risk > 1e2


def test_solver_converges_on_a_wide_grid():
    p1, p2, lam = np.meshgrid(np.logspace(-2, 2, 41), np.logspace(-2, 2, 21), np.r_[0, np.logspace(-8, 3, 6)],
                              indexing="ij")
    r = asy.evaluate("linear-random-features", psi1=p1, psi2=p2, lam=lam, noise=0.3, throw=False)
    assert np.all(np.asarray(r.status) == 0)
    fin = np.isfinite(r.excess_risk)
    assert np.all(fin | ((lam == 0) & (p2 == np.minimum(p1, 1))))
    assert np.all(r.excess_risk[fin] >= 0) and np.all(r.train_error[fin] <= r.test_error[fin] + 1e-12)


@pytest.mark.parametrize("bad", [{"psi1": -1.0}, {"lam": -1.0}, {"noise": float("inf")}])
def test_bad_inputs(bad):
    with pytest.raises(asy.ParameterError, match=next(iter(bad))):
        asy.evaluate("linear-random-features", **{"psi1": 1.0, "psi2": 2.0, **bad})


# Tolerance: 4 standard errors plus 3/d relative for finite-size bias (measured at d = 200: every
# observable within 2.3 standard errors except df1, whose relative deviation was 0.2% ~ 0.3/d).
def test_monte_carlo_agreement():
    d = 60
    frame = asy.check("linear-random-features", d=d, trials=6, seed=2, psi1=np.array([0.5, 3.0])[:, None],
                      psi2=1.0, lam=np.array([0.0, 0.05]), noise=0.2)
    tol = 4 * frame.stderr + 3.0 / d * frame.theory.abs()
    assert ((frame.simulation - frame.theory).abs() <= tol).all(), frame.to_string()
    frame = asy.check("linear-random-features", trials=6, seed=3, n=120, features=np.array([60, 200]),
                      lam=1e-2, noise=0.1, spectrum="power-law:p=240,decay=1.5,source=0.5")
    tol = 4 * frame.stderr + 3.0 / 120 * frame.theory.abs()
    assert ((frame.simulation - frame.theory).abs() <= tol).all(), frame.to_string()

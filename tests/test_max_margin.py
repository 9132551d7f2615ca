"""max-margin: independent brute force, closed forms, limits, Gardner/Cover, thresholds, Monte Carlo."""

import json
import math
import pathlib
import time

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, optimize, stats

import asymptotics as asy
from asymptotics.models._classification import margin_moment
from asymptotics.symbolic.lowering import lambdify

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "max_margin.json").read_text())


# -- an independent computation, in the paper's (kappa, rho) form --------------------------------
def _brute_force(psi, flip):
    """kappa* = max_rho kappa(rho), kappa(rho) solving E(kappa - rho V - c2 Z)_+^2 = psi c2², sign
    labels with flips: the inner expectation in closed form, |G| by composite Gauss–Legendre on
    [0, 12] (the integrand is smooth for c2 > 0), Brent's root and a bounded scalar maximisation."""
    xl, wl = np.polynomial.legendre.leggauss(40)
    edges = np.linspace(0, 12, 13)
    g = np.concatenate([(xl + 1) / 2 * (b - a) + a for a, b in zip(edges[:-1], edges[1:])])
    w = np.concatenate([wl / 2 * (b - a) for a, b in zip(edges[:-1], edges[1:])]) * 2 * stats.norm.pdf(g)

    def feasibility(kappa, rho):
        b = math.sqrt(1 - rho * rho)

        def m(a):
            return (a * a + b * b) * stats.norm.cdf(a / b) + a * b * stats.norm.pdf(a / b)

        return w @ ((1 - flip) * m(kappa - rho * g) + flip * m(kappa + rho * g))

    def kappa_of(rho):
        return optimize.brentq(lambda k: feasibility(k, rho) - psi * (1 - rho * rho), 0, 20, xtol=1e-15)

    res = optimize.minimize_scalar(lambda r: -kappa_of(r), bounds=(0.05, 0.95), method="bounded",
                                   options={"xatol": 1e-9})
    return -res.fun, res.x


@pytest.mark.parametrize("psi,flip", [(1.0, 0.0), (2.0, 0.1)])
def test_matches_independent_brute_force(psi, flip):
    kappa, rho = _brute_force(psi, flip)
    r = asy.evaluate("max-margin", psi=psi, flip=flip)
    assert r.margin == pytest.approx(kappa, rel=1e-10)
    # rho is the argmax of a flat maximum: the bounded search locates it to ~1e-8 only
    assert r.c1 == pytest.approx(rho, abs=1e-6)
    assert r.test_error == pytest.approx(flip + (1 - 2 * flip) * math.acos(rho) / math.pi, abs=1e-6)


def test_sign_link_closed_form_matches_quadrature():
    a, t = sp.symbols("a t", real=True)
    f = lambdify((a, t), margin_moment(a, t, "sign", 1, 0), "numpy")
    m1 = lambda x: (x * x + 1) * stats.norm.cdf(x) + x * stats.norm.pdf(x)
    for av in (-1.5, 0.0, 0.3, 2.0):
        for tv in (-3.0, -0.4, 0.0, 0.7, 3.0, 40.0):
            brk = [av / tv] if tv > 0 and 0 < av / tv < 12 else []
            quad = sum(integrate.quad(lambda g: 2 * stats.norm.pdf(g) * m1(av - tv * g), lo, hi,
                                      epsabs=1e-15, epsrel=1e-13, limit=200)[0]
                       for lo, hi in zip([0] + brk, brk + [12]))
            assert f(av, tv) == pytest.approx(quad, rel=1e-9, abs=1e-14)


# -- pure noise: Gardner and Cover -----------------------------------------------------------------
def test_pure_noise_labels_reduce_to_gardner_capacity():
    psi = np.array([0.55, 1.0, 3.0, 10.0])
    r = asy.evaluate("max-margin", psi=psi, flip=0.5)
    g = asy.evaluate("gardner", kappa=r.margin)
    np.testing.assert_allclose(g.critical_psi, psi, rtol=1e-12)
    np.testing.assert_allclose(r.c1, 0.0, atol=1e-12)
    np.testing.assert_allclose(r.test_error, 0.5, atol=1e-12)


@pytest.mark.parametrize("case", REF["separability_threshold"])
def test_cover_threshold_for_pure_noise(case):
    r = asy.evaluate("max-margin", psi=1.0, link=case["link"], flip=case["flip"])
    assert r.separability_threshold == pytest.approx(case["separability_threshold"], abs=1e-14)


@pytest.mark.parametrize("link", ["probit", "logistic"])
def test_smooth_links_with_zero_signal_are_pure_noise(link):
    r = asy.evaluate("max-margin", psi=2.0, link=link, signal=0.0)
    assert r.separability_threshold == pytest.approx(0.5, abs=1e-13)
    assert r.test_error == pytest.approx(0.5, abs=1e-13)


# -- thresholds and limits ----------------------------------------------------------------------------
def test_noiseless_sign_labels_are_always_separable():
    r = asy.evaluate("max-margin", psi=np.geomspace(1e-3, 1e3, 25))
    assert np.all(np.asarray(r.separability_threshold) == 0)
    assert np.all(np.diff(r.margin) > 0) and np.all(np.diff(r.test_error) > 0)
    # psi -> 0: theta_hat -> theta* (c1 -> 1) and the margin vanishes
    assert r.c1[0] > 0.9999 and r.margin[0] < 2e-3


def test_logistic_threshold_is_candes_sur_threshold():
    for signal in (0.5, 1.0, 5.0):
        mm = asy.evaluate("max-margin", psi=1.0, link="logistic", signal=signal)
        cs = asy.evaluate("mle-existence", intercept=0.0, signal=signal)
        assert mm.separability_threshold == pytest.approx(cs.threshold, rel=1e-12)


@pytest.mark.parametrize("link,flip", [("sign", 0.1), ("probit", 0.0), ("logistic", 0.2)])
def test_margin_vanishes_at_the_threshold(link, flip):
    thr = asy.evaluate("max-margin", psi=1.0, link=link, flip=flip, signal=2.0).separability_threshold
    r = asy.evaluate("max-margin", psi=thr * np.array([1 + 1e-9, 1 + 1e-6, 1 + 1e-3]), link=link,
                     flip=flip, signal=2.0)
    m = np.asarray(r.margin)
    assert np.all(m > 0) and m[0] < 1e-7
    # kappa* is linear in psi - psi* near the threshold
    slopes = m / (thr * np.array([1e-9, 1e-6, 1e-3]))
    assert slopes[0] == pytest.approx(slopes[1], rel=1e-3)


def test_large_psi_limit():
    # a² - 2 a t E[V] + t² + 1 = psi for large margins: kappa² -> psi - 1 + E[V]², c1 sqrt(psi) -> E[V]
    psi = 1e6
    r = asy.evaluate("max-margin", psi=psi, flip=0.1)
    mean_v = 0.8 * math.sqrt(2 / math.pi)
    assert r.margin ** 2 - (psi - 1) == pytest.approx(mean_v ** 2, rel=1e-5)
    assert r.c1 * math.sqrt(psi) == pytest.approx(mean_v, rel=1e-5)


def test_more_label_noise_means_smaller_margin_and_larger_error():
    r = asy.evaluate("max-margin", psi=3.0, flip=np.array([0.0, 0.05, 0.1, 0.2, 0.3, 0.4]))
    assert np.all(np.diff(r.margin) < 0) and np.all(np.diff(r.test_error) > 0)


def test_c_coefficients_on_the_unit_circle():
    r = asy.evaluate("max-margin", psi=np.array([0.7, 2.0, 9.0]), link="probit", signal=3.0)
    np.testing.assert_allclose(r.c1 ** 2 + r.c2 ** 2, 1.0, rtol=1e-14)
    np.testing.assert_allclose(r.cosine, r.c1)


def test_hundred_point_curve_is_fast():
    asy.evaluate("max-margin", psi=1.0, link="logistic", flip=0.1)  # compile outside the timing
    start = time.perf_counter()
    frame = asy.curve("max-margin", sweep={"psi": np.geomspace(0.5, 50, 100)}, link="logistic", flip=0.1)
    elapsed = time.perf_counter() - start
    assert (frame.status == "converged").all()
    assert elapsed < 2.0, f"100-point curve took {elapsed:.2f} s"


# -- bad input ------------------------------------------------------------------------------------------
def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="psi"):
        asy.evaluate("max-margin", psi=-1.0)
    with pytest.raises(asy.ParameterError, match="flip"):
        asy.evaluate("max-margin", psi=1.0, flip=0.7)
    with pytest.raises(asy.ParameterError, match="link"):
        asy.evaluate("max-margin", psi=1.0, link="tanh")
    with pytest.raises(asy.ParameterError, match="separability threshold"):
        asy.evaluate("max-margin", psi=0.4, link="logistic", signal=1.0)


# -- Monte Carlo ---------------------------------------------------------------------------------------
def test_monte_carlo_sign_link_with_flips():
    # n = 200, p = 400, 12 trials. Standard errors ~0.01 (margin, c1), ~0.003 (test error); the
    # finite-size bias measured at n = 200 vs 800 is below 0.01 for every observable
    # (test_monte_carlo_large below), so |z| < 4 is a fair bound.
    frame = asy.check("max-margin", n=200, trials=12, seed=3, psi=2.0, flip=0.1)
    assert set(frame.observable) >= {"margin", "c1", "test_error"}
    assert np.all(np.abs(frame.z) < 4), frame


@pytest.mark.slow
@pytest.mark.parametrize("kw", [dict(psi=1.0, flip=0.0), dict(psi=2.0, flip=0.1),
                                dict(psi=1.5, link="logistic", signal=4.0),
                                dict(psi=3.0, link="probit", signal=1.0, flip=0.05)])
def test_monte_carlo_large(kw):
    # n = 800 (p up to 2400), 10 trials: standard errors ~0.005; bias O(n^{-1/2}) ~ 0.005 at most.
    frame = asy.check("max-margin", n=800, trials=10, seed=11, **kw)
    assert np.all(np.abs(frame.z) < 4), frame


# -- general covariance ---------------------------------------------------------------------------
@pytest.mark.parametrize("psi,flip,link", [(2.0, 0.1, "sign"), (0.5, 0.0, "sign"), (1.5, 0.0, "logistic")])
def test_general_with_identity_covariance_is_isotropic(psi, flip, link):
    p = 300
    g = asy.evaluate("max-margin", n=p / psi, flip=flip, link=link, eigenvalues=np.ones(p),
                     target=np.full(p, math.sqrt(2.0 / p)))
    i = asy.evaluate("max-margin", psi=psi, flip=flip, link=link, signal=2.0)
    assert g.margin == pytest.approx(i.margin, rel=1e-10)
    assert g.cosine == pytest.approx(i.c1, rel=1e-10)
    assert g.c1 == pytest.approx(i.c1, rel=1e-10) and g.c2 == pytest.approx(i.c2, rel=1e-10)
    assert g.test_error == pytest.approx(i.test_error, rel=1e-10)
    assert g.separability_threshold == pytest.approx(i.separability_threshold, abs=1e-13)
    if i.separability_threshold > 0:
        assert g.max_samples == pytest.approx(p / i.separability_threshold, rel=1e-10)


def test_general_is_hinge_erm_with_vanishing_penalty():
    spec = "power-law:p=300,decay=1.2,source=0.5"
    g = asy.evaluate("max-margin", n=120, flip=0.05, spectrum=spec)
    h = asy.evaluate("erm", n=120, lam=1e-4, loss="hinge", flip=0.05, spectrum=spec)
    assert h.cosine == pytest.approx(g.cosine, rel=1e-8)
    assert h.test_error == pytest.approx(g.test_error, rel=1e-8)
    assert h.train_error == pytest.approx(0.0, abs=1e-12)


def test_general_bound_on_samples():
    spec = "power-law:p=300,decay=1.2,source=0.5"
    n_max = asy.evaluate("max-margin", n=50, flip=0.1, spectrum=spec).max_samples
    # separability is invariant under x -> Sigma^{-1/2} x: the isotropic threshold applies
    assert n_max == pytest.approx(300 / asy.evaluate("max-margin", psi=1.0, flip=0.1).separability_threshold)
    with pytest.raises(asy.ParameterError, match="parameter 'n' must be <"):
        asy.evaluate("max-margin", n=1.01 * n_max, flip=0.1, spectrum=spec)


def test_general_anisotropy_aligned_with_the_teacher_helps():
    # A decaying spectrum whose top directions carry the teacher: at the same p/n the max-margin
    # classifier generalises better than with isotropic features, and more samples help.
    spec = "power-law:p=400,decay=1.5,source=0.5"
    n = np.array([40.0, 80.0, 160.0])
    r = asy.evaluate("max-margin", n=n, flip=0.0, spectrum=spec)
    assert np.all(np.diff(r.test_error) < 0)
    iso = asy.evaluate("max-margin", psi=400 / n, flip=0.0)
    assert np.all(np.asarray(r.test_error) < np.asarray(iso.test_error))


def test_monte_carlo_general():
    # n = 200, p = 600 (power law), 6 trials: standard errors ~2% on margin and cosine; the theory
    # is the deterministic equivalent at this p (bias O(1/n)); z-scores measured within ±1.6 at n = 600.
    frame = asy.check("max-margin", n=200, trials=6, seed=3, flip=0.05,
                      spectrum="power-law:p=600,decay=1.2,source=0.5")
    assert np.all(np.abs(frame.z) < 4), frame


@pytest.mark.slow
@pytest.mark.parametrize("spec,kw", [("power-law:p=600,decay=1.5,source=0.5", dict(flip=0.0)),
                                     ("two-level:p=600,fraction=0.05,high=20", dict(flip=0.05)),
                                     ("power-law:p=500,decay=0.8,source=1.0", dict(link="logistic"))])
def test_monte_carlo_general_large(spec, kw):
    frame = asy.check("max-margin", n=500, trials=8, seed=6, spectrum=spec, **kw)
    assert np.all(np.abs(frame.z) < 4), frame

"""random-features (Mei–Montanari): activation coefficients, closed forms, limits, Monte Carlo."""

import json
import math
import pathlib

import numpy as np
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics.activations import activation

REF = pathlib.Path(__file__).parent / "reference_values" / "random_features.json"


# -- activation coefficients -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["relu", "abs", "sign", "step", "quadratic", "cubic", "hermite2",
                                  "Max(x - 1, 0)", "Abs(x)**3 - 2*x", "Piecewise((x, x > 0), (x/10, True))"])
def test_symbolic_and_quadrature_coefficients_agree(name):
    act = activation(name)
    exact = act.coefficients("symbolic")
    quad = act.coefficients("quadrature")
    assert exact.method == "symbolic" and exact.exact is not None
    assert quad.method == "gauss-legendre" if act.breakpoints else quad.method == "gauss-hermite"
    for k in ("mu0", "mu1", "second", "mustar2"):
        assert getattr(exact, k) == pytest.approx(getattr(quad, k), rel=1e-11, abs=1e-12), k


def test_relu_coefficients_are_exact():
    ex = activation("relu").coefficients().exact
    assert sp.simplify(ex["mu0"] - 1 / sp.sqrt(2 * sp.pi)) == 0
    assert sp.simplify(ex["mu1"] - sp.Rational(1, 2)) == 0
    assert sp.simplify(ex["mustar2"] - (sp.Rational(1, 4) - 1 / (2 * sp.pi))) == 0


def test_erf_quadrature_matches_classical_closed_forms():
    # E G erf(G) = 2/sqrt(3 pi); E erf(G)^2 = (2/pi) arcsin(2/3) (Gaussian integrals of erf).
    c = activation("erf").coefficients()
    assert c.method == "gauss-hermite"
    assert c.mu0 == pytest.approx(0.0, abs=1e-15)
    assert c.mu1 == pytest.approx(2 / math.sqrt(3 * math.pi), rel=1e-13)
    assert c.second == pytest.approx(2 / math.pi * math.asin(2 / 3), rel=1e-13)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus", "gelu", "silu", "exp", "tanh(3*x + 1)",
                                  "tanh(20*x)"])
def test_gauss_hermite_matches_composite_legendre(name):
    act = activation(name)
    f = act.numpy
    for g in (f, lambda z: z * f(z), lambda z: f(z) ** 2):
        assert act.expectation(g) == pytest.approx(act.expectation(g, rule="legendre"), rel=1e-12, abs=1e-14)
    # A steep activation defeats Gauss–Hermite at 200 nodes; the automatic rule notices and switches.
    assert act.coefficients().method == ("gauss-legendre" if "*x" in name else "gauss-hermite")


def test_activation_inputs():
    x, y = sp.symbols("x y")
    assert activation("tanh(2*u)").coefficients().mu1 == pytest.approx(
        activation(sp.tanh(2 * y)).coefficients().mu1)
    a = asy.evaluate("random-features", psi1=2.0, psi2=1.5, lam=0.1, activation=sp.tanh(x))
    b = asy.evaluate("random-features", psi1=2.0, psi2=1.5, lam=0.1, activation="tanh")
    assert a.excess_risk == pytest.approx(b.excess_risk, rel=1e-14)
    with pytest.raises(asy.ParameterError, match="activation"):
        asy.evaluate("random-features", psi1=2.0, psi2=1.5, activation="not a function (")
    with pytest.raises(asy.ParameterError, match="activation"):
        asy.evaluate("random-features", psi1=2.0, psi2=1.5, activation=x * y)
    with pytest.raises(asy.ParameterError, match="linear-random-features"):
        asy.evaluate("random-features", psi1=2.0, psi2=1.5, activation="linear")


@pytest.mark.parametrize("bad", [{"psi1": 0.0}, {"psi2": -1.0}, {"lam": -0.1}, {"noise": -1.0},
                                 {"nonlinear": float("nan")}])
def test_bad_inputs_name_the_parameter(bad):
    params = {"psi1": 2.0, "psi2": 1.5, "lam": 0.1, **bad}
    with pytest.raises(asy.ParameterError, match=next(iter(bad))):
        asy.evaluate("random-features", **params)


# -- closed forms and limits -------------------------------------------------------------------
def _chi_ridgeless(zeta2, psi):
    # MM Thm 3 (THEORY.md A3): chi = -[(psi z^2 - z^2 - 1) + sqrt((psi z^2 - z^2 - 1)^2 + 4 z^2 psi)]/(2 z^2)
    a = psi * zeta2 - zeta2 - 1
    return -(a + math.sqrt(a * a + 4 * zeta2 * psi)) / (2 * zeta2)


def test_reference_values():
    data = json.loads(REF.read_text())
    for case in data["cases"]:
        r = asy.evaluate("random-features", **case["params"])
        assert r.excess_risk == pytest.approx(case["excess_risk"], abs=data["tolerance_abs"])


@pytest.mark.parametrize("psi1,psi2", [(0.5, 3.0), (6.0, 3.0), (2.0, 1.0), (1.0, 4.0)])
def test_ridgeless_closed_form_and_continuity(psi1, psi2):
    c = activation("relu").coefficients()
    zeta2 = c.mu1 ** 2 / c.mustar2
    r0 = asy.evaluate("random-features", psi1=psi1, psi2=psi2, lam=0.0, noise=0.3, nonlinear=0.2)
    assert r0.chi == pytest.approx(_chi_ridgeless(zeta2, min(psi1, psi2)), rel=1e-12)
    small = asy.evaluate("random-features", psi1=psi1, psi2=psi2, lam=1e-11, noise=0.3, nonlinear=0.2)
    assert small.chi == pytest.approx(r0.chi, rel=1e-7)
    assert small.excess_risk == pytest.approx(r0.excess_risk, rel=1e-6)
    if psi1 < psi2:
        # Underparameterized least squares on N features: V = N/(n - N) exactly.
        assert r0.variance_coefficient == pytest.approx(psi1 / (psi2 - psi1), rel=1e-10)
        assert r0.train_error > 0
    else:
        assert r0.train_error == pytest.approx(0.0, abs=1e-14)  # interpolation


def test_interpolation_peak_is_inf_and_approached_continuously():
    r = asy.evaluate("random-features", psi1=3.0, psi2=3.0, lam=0.0, noise=0.2)
    assert math.isinf(r.excess_risk) and math.isinf(r.variance) and math.isinf(r.bias)
    assert r.train_error == 0.0
    # Even without noise the features cannot represent the linear target: B diverges too.
    r = asy.evaluate("random-features", psi1=3.0, psi2=3.0, lam=0.0, noise=0.0)
    assert math.isinf(r.excess_risk) and r.variance == 0.0
    lams = np.logspace(-4, -10, 4)
    vals = asy.evaluate("random-features", psi1=3.0, psi2=3.0, lam=lams, noise=0.2).excess_risk
    assert np.all(np.diff(vals) > 0) and vals[-1] > 1e3
    both = asy.evaluate("random-features", psi1=3.0, psi2=3.0, lam=0.0, signal=0.0, noise=0.0)
    assert both.excess_risk == 0.0


@pytest.mark.parametrize("act", ["relu", "tanh", "erf"])
@pytest.mark.parametrize("lam", [1e-3, 0.3])
def test_psi1_to_infinity_is_kernel_ridge(act, lam):
    # N -> inf: KRR with the limit kernel; for n ~ d it is isotropic ridge with gamma = 1/psi2,
    # per-sample penalty (1 + psi2 lam/mustar^2)/(psi2 zeta^2), noise + nonlinear as noise.
    c = activation(act).coefficients()
    zeta2, lam_bar, psi2 = c.mu1 ** 2 / c.mustar2, lam / c.mustar2, 2.0
    rf = asy.evaluate("random-features", psi1=1e8, psi2=psi2, lam=lam, noise=0.3, nonlinear=0.5,
                      activation=act)
    ridge = asy.evaluate("ridge", gamma=1 / psi2, lam=(1 + psi2 * lam_bar) / (psi2 * zeta2),
                         signal=1.0, noise=0.8)
    assert rf.excess_risk == pytest.approx(ridge.excess_risk + 0.5, rel=1e-6)


@pytest.mark.parametrize("psi1", [0.4, 1.0, 3.0])
def test_psi2_to_infinity_is_the_approximation_error(psi1):
    # n -> inf, lam = 0: B_inf = (1/d) tr (I + zeta^2 Θ'Θ/d)^{-1} = t m(-t), t = 1/(zeta^2 psi1),
    # m = Stieltjes transform of Marchenko–Pastur with ratio 1/psi1 (derived via Gaussian equivalence).
    c = activation("relu").coefficients()
    zeta2 = c.mu1 ** 2 / c.mustar2
    g, t = 1 / psi1, 1 / (zeta2 * psi1)
    m = (-(1 - g + t) + math.sqrt((1 - g + t) ** 2 + 4 * g * t)) / (2 * g * t)
    r = asy.evaluate("random-features", psi1=psi1, psi2=1e9, lam=0.0, noise=0.4, nonlinear=0.3)
    assert r.bias_coefficient == pytest.approx(t * m, rel=1e-6)
    assert r.excess_risk == pytest.approx(t * m + 0.3, rel=1e-6)


def test_large_penalty_gives_the_null_risk():
    r = asy.evaluate("random-features", psi1=np.array([0.5, 3.0]), psi2=2.0, lam=1e12, signal=1.3,
                     nonlinear=0.4, noise=0.5)
    np.testing.assert_allclose(r.excess_risk, 1.7, rtol=1e-9)
    np.testing.assert_allclose(r.test_error, 2.2, rtol=1e-9)


def test_near_linear_activation_is_linear_random_features():
    # σ = x + eps He2/sqrt(2): mustar = eps -> 0 is MM with a linear activation, an independent
    # derivation (two composed deterministic equivalents); the gap closes like eps^2.
    x = sp.Symbol("x")
    for p1, lam in [(0.5, 0.1), (2.0, 0.01), (2.0, 1.0)]:
        lin = asy.evaluate("linear-random-features", psi1=p1, psi2=1.5, lam=lam, noise=0.2)
        rf = asy.evaluate("random-features", psi1=p1, psi2=1.5, lam=lam, noise=0.2,
                          activation=x + 1e-3 * (x ** 2 - 1) / sp.sqrt(2))
        assert rf.excess_risk == pytest.approx(lin.excess_risk, rel=2e-5)
        assert rf.train_error == pytest.approx(lin.train_error, rel=2e-4)


def test_batched_curve_equals_pointwise_and_precision():
    grid = np.logspace(-1, 1, 7)
    frame = asy.curve("random-features", sweep={"psi1": grid}, psi2=2.0, lam=1e-3, noise=0.2)
    assert (frame.status == "converged").all()
    for p1, val in zip(grid, frame.excess_risk):
        assert asy.evaluate("random-features", psi1=p1, psi2=2.0, lam=1e-3, noise=0.2).excess_risk == \
            pytest.approx(val, rel=1e-12)
    hp = asy.evaluate("random-features", psi1=3.0, psi2=2.0, lam=1e-3, noise=0.2, precision=30)
    lo = asy.evaluate("random-features", psi1=3.0, psi2=2.0, lam=1e-3, noise=0.2)
    assert float(hp.excess_risk) == pytest.approx(lo.excess_risk, rel=1e-12)
    assert float(hp.residual) < 1e-30


def test_solver_converges_on_a_wide_grid():
    p1, p2, lam = np.meshgrid(np.logspace(-2, 2, 41), np.logspace(-2, 2, 21),
                              np.r_[0.0, np.logspace(-9, 4, 8)], indexing="ij")
    r = asy.evaluate("random-features", psi1=p1, psi2=p2, lam=lam, noise=0.1, nonlinear=0.1, throw=False)
    ok = np.asarray(r.status) == 0
    assert ok.all()
    assert np.all(np.asarray(r.residual) < 1e-10)
    finite = np.isfinite(r.excess_risk)
    assert np.all(r.excess_risk[finite] >= 0.1 - 1e-9)  # never below the unlearnable part F_*^2
    assert np.all(finite | ((lam == 0) & (p1 == p2)))


# -- Monte Carlo -------------------------------------------------------------------------------
# Tolerance: 4 standard errors (over trials, including the test-set sampling) plus a finite-size
# allowance. Measured relative deviations of the most precise observable (variance_coefficient at
# psi1 = 6, psi2 = 3, lam = 0.1) were 5.5%, 2.8%, 1.4% at d = 50, 100, 200, i.e. ~2.8/d; the tiny
# train error at lam = 1e-3, psi1 = 6 deviated by ~10/d. The allowance is 10/d relative.
def _assert_agrees(frame, d, observables):
    frame = frame[frame.observable.isin(observables)]
    assert len(frame) > 0
    tol = 4 * frame.stderr + (10.0 / d) * frame.theory.abs()
    bad = frame[(frame.simulation - frame.theory).abs() > tol]
    assert bad.empty, bad.to_string()


def test_monte_carlo_agreement():
    d = 60
    frame = asy.check("random-features", d=d, n_test=1000, trials=6, seed=3,
                      psi1=np.array([0.5, 3.0])[:, None], psi2=2.0, lam=np.array([1e-3, 0.1]),
                      noise=0.2)
    _assert_agrees(frame, d, ["excess_risk", "train_error", "variance_coefficient", "bias_coefficient", "df1"])
    frame = asy.check("random-features", d=d, n_test=1000, trials=6, seed=4, psi1=2.0, psi2=1.0,
                      lam=0.05, noise=0.1, nonlinear=0.3, activation="tanh")
    _assert_agrees(frame, d, ["excess_risk", "train_error", "bias", "variance"])


@pytest.mark.slow
def test_monte_carlo_agreement_large():
    d = 200
    frame = asy.check("random-features", d=d, n_test=2000, trials=20, seed=5,
                      psi1=np.array([0.5, 1.5, 3.0, 6.0])[:, None], psi2=3.0, lam=np.array([1e-3, 0.1]),
                      noise=0.2, nonlinear=0.2)
    _assert_agrees(frame, d, ["excess_risk", "train_error", "variance_coefficient", "bias"])

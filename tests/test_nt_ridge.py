"""nt-ridge: NT kernel from the Hermite content of σ', interpolation threshold n = N d, N -> ∞
limit = kernel ridge with the NT kernel, polynomial regime, Monte Carlo with the real NT features."""

import math

import numpy as np
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics import kernels
from asymptotics.activations import X
from asymptotics.models import nt_ridge

TP = [0.0, 1.0, 0.5, 0.25]
RELU_NTK = "t*(pi - acos(t))/(2*pi)"  # t E[step(u) step(v)] = t arccos0(t)


# -- the NT kernel and the self-induced ridge ------------------------------------------------------
def test_self_induced_ridge_symbolic_and_quadrature():
    c = nt_ridge.hermite_content("relu", 3)
    ex = c["exact"]
    assert ex is not None and ex["second"] == sp.Rational(1, 2)
    # step: a_0² = 1/4, a_1² = 1/(2π), a_2² = 0, a_3² = 1/(12π)
    assert [sp.simplify(v - w) for v, w in zip(ex["a2"], [sp.Rational(1, 4), 1 / (2 * sp.pi), 0,
                                                        1 / (12 * sp.pi)])] == [0, 0, 0, 0]
    assert sp.simplify(ex["tails"][2] - (sp.Rational(1, 4) - 1 / (2 * sp.pi))) == 0
    # quadrature route (the float a_j² before exact replacement) agrees with the symbolic one
    a2_num, second, _, _ = nt_ridge._hermite_squares(nt_ridge.derivative("relu"), 3)
    np.testing.assert_allclose(a2_num, [float(v) for v in ex["a2"]], atol=1e-13)
    assert second == pytest.approx(0.5, abs=1e-14)
    # a smooth activation (quadrature only): the tails are E σ'² minus the partial sums, decreasing
    t = nt_ridge.hermite_content("tanh", 4)
    assert t["exact"] is None and np.all(np.diff(t["tails"]) <= 1e-15) and t["tails"][-1] > 0
    # erf: σ' = 2 e^{-x²}/sqrt(π), E σ'² = 4/(π sqrt 5)
    assert nt_ridge.hermite_content("erf", 2)["second"] == pytest.approx(4 / (math.pi * math.sqrt(5)), rel=1e-12)


@pytest.mark.parametrize("name,closed", [
    ("relu", nt_ridge._TT * (sp.pi - sp.acos(nt_ridge._TT)) / (2 * sp.pi)),
    ("erf", 4 * nt_ridge._TT / (sp.pi * sp.sqrt(9 - 4 * nt_ridge._TT ** 2))),
])
def test_mehler_series_matches_closed_form_nt_kernels(name, closed):
    # The generic route (Mehler series of σ' to j = 60) against the closed-form dual kernel:
    # E[e^{-u²} e^{-v²}] = (9 - 4t²)^{-1/2} for correlation t; E[step step] = arccos0.
    a2, second, _, _ = nt_ridge._hermite_squares(nt_ridge.derivative(name), nt_ridge.MEHLER_TERMS)
    poly = sum(c * nt_ridge._TT ** (j + 1) for j, c in enumerate(a2))
    for d in (10, 20):
        e_series = kernels.sphere_eigenvalues(poly, d, 8) * kernels.multiplicity(d, np.arange(9))
        e_closed = kernels.sphere_eigenvalues(closed, d, 8) * kernels.multiplicity(d, np.arange(9))
        # truncating the series at j = 300 costs at most Σ_{j>300} a_j² E|t|^302: for the step
        # (a_j² ~ j^{-3/2}) 3e-6 relative on c_8 at d = 10 (measured), far less for smooth σ'
        np.testing.assert_allclose(e_series, e_closed, rtol=1e-5, atol=1e-12)
    assert second == pytest.approx(float(closed.subs(nt_ridge._TT, 1)), rel=1e-12)


# -- limits ----------------------------------------------------------------------------------------
def test_infinite_width_is_kernel_ridge_with_the_nt_kernel():
    n = np.array([100.0, 400.0, 1500.0])
    kw = {"n": n, "d": 20, "noise": 0.1, "target_powers": TP}
    for ridge in (0.0, 0.01):
        a = asy.evaluate("nt-ridge", width=np.inf, ridge=ridge, activation="relu", **kw)
        b = asy.evaluate("kernel-ridge", ridge=ridge, kernel=RELU_NTK, **kw)
        for k in ("excess_risk", "train_error", "variance"):
            np.testing.assert_allclose(a[k], b[k], rtol=1e-9, atol=1e-14)
        # and finite widths converge to it (O(n/(N d)) corrections)
        gaps = [np.max(np.abs(asy.evaluate("nt-ridge", width=w, ridge=ridge, **kw).excess_risk - b.excess_risk))
                for w in (1e4, 1e6)]
        assert gaps[1] < 0.02 * gaps[0] and gaps[1] < 1e-4


def test_polynomial_variant_is_polynomial_kernel_ridge_with_the_nt_kernel():
    for ell, alpha in [(1, 0.7), (2, 2.0), (3, 1.5)]:
        a = asy.evaluate("nt-ridge", alpha=alpha, degree=ell, ridge=0.0, noise=0.1, target_powers=TP + [0.1])
        b = asy.evaluate("kernel-ridge", alpha=alpha, degree=ell, ridge=0.0, noise=0.1, kernel=RELU_NTK,
                         target_powers=TP + [0.1])
        assert a.excess_risk == pytest.approx(b.excess_risk, rel=1e-10)
        assert a.self_induced_ridge == pytest.approx(b.self_induced_ridge, rel=1e-10)
    # the NT kernel has no constant term: degree 0 is never learned at any scale
    r = asy.evaluate("nt-ridge", alpha=50.0, degree=1, ridge=0.0, noise=0.0, target_powers=[0.3, 1.0])
    assert r.excess_risk > 0.3


def test_sphere_infinite_width_tends_to_polynomial_regime():
    poly = asy.evaluate("nt-ridge", alpha=2.0, degree=2, ridge=0.0, noise=0.1, target_powers=TP)
    gaps = []
    for d in (300, 3000):
        s = asy.evaluate("nt-ridge", n=2.0 * d ** 2 / 2, width=np.inf, d=d, ridge=0.0, noise=0.1,
                         target_powers=TP, degrees=8)
        gaps.append(abs(s.excess_risk - poly.excess_risk))
    assert gaps[1] < 0.25 * gaps[0] and gaps[1] < 5e-3  # O(1/d)


def test_interpolation_threshold_in_theory():
    # ridgeless: train error 0 below n = N d, positive above; the variance diverges at n = N d.
    r = asy.evaluate("nt-ridge", n=np.array([300.0, 400.0, 500.0]), width=20, d=20, ridge=0.0, noise=0.1,
                     target_powers=TP)
    assert r.train_error[0] == pytest.approx(0.0, abs=1e-12) and r.train_error[2] > 0.01
    assert math.isinf(r.variance[1]) and np.all(np.isfinite(r.excess_risk[[0, 2]]))
    np.testing.assert_allclose(r.interpolation_ratio, [0.75, 1.0, 1.25])


# -- Monte Carlo -----------------------------------------------------------------------------------
def test_monte_carlo_threshold_transition():
    # d = 10, N = 10: p = 100 NT features. The smallest singular value of Φ collapses at n = p and
    # the ridgeless train error switches from 0 to positive there. tanh (σ' > 0): with the ReLU a
    # sample that activates none of the N units has a zero feature row (probability 2^-N each, so
    # 1 - (1 - 2^-10)^50 = 4.8% of draws at n = 50 cannot be interpolated; measured 4.3% of 2000).
    s = asy.simulate("nt-ridge", trials=3, seed=4, n=np.array([50, 100, 150]), width=10, d=10, ridge=0.0,
                     noise=0.1, activation="tanh", target_powers=[0.0, 1.0], n_test=100)
    smin, train = np.asarray(s.mean["min_singular_value"]), np.asarray(s.mean["train_error"])
    assert smin[1] < 0.2 * min(smin[0], smin[2])  # measured: 0.0018 vs 0.082 and 0.049
    assert train[0] < 1e-12 and train[1] < 1e-6 and train[2] > 0.02


# Tolerance: 3 standard errors plus 20% relative. The theory for finite width is a Gaussian-
# equivalence heuristic for the structured NT features: at d = 20, N = 40 it was within 3-12% of
# 4-trial means (z <= 1.9) away from the peak; at d = 12 finite-d bias grows, hence 20%.
def test_monte_carlo_agreement():
    frame = asy.check("nt-ridge", trials=4, seed=5, n=np.array([90, 360])[:, None], width=15, d=12,
                      ridge=np.array([0.0, 0.01]), noise=0.1, target_powers=[0.0, 1.0, 0.5], n_test=600)
    frame = frame[frame.observable.isin(["excess_risk", "train_error", "test_error"])]
    tol = 3 * frame.stderr + 0.2 * frame.theory.abs() + 1e-12
    bad = frame[(frame.simulation - frame.theory).abs() > tol]
    assert bad.empty, bad.to_string()


@pytest.mark.slow
def test_monte_carlo_agreement_larger():
    frame = asy.check("nt-ridge", trials=8, seed=6, n=np.array([200, 400, 1200])[:, None], width=40, d=20,
                      ridge=np.array([0.0, 0.01]), noise=0.1, target_powers=TP, n_test=1500)
    frame = frame[frame.observable.isin(["excess_risk", "train_error"])]
    tol = 3 * frame.stderr + 0.15 * frame.theory.abs() + 1e-12
    bad = frame[(frame.simulation - frame.theory).abs() > tol]
    assert bad.empty, bad.to_string()


# -- bad inputs ------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad,match", [
    ({"width": -1.0}, "width"), ({"width": 0.0}, "width"), ({"d": 2.5}, "'d'"), ({"ridge": -0.1}, "ridge"),
    ({"activation": "no such ("}, "activation"), ({"d": np.array([10, 20])}, "'d'"), ({"degrees": 2}, "degrees")])
def test_bad_inputs(bad, match):
    params = {"n": 100, "width": 10, "d": 10, "target_powers": TP, **bad}
    with pytest.raises(asy.ParameterError, match=match):
        asy.evaluate("nt-ridge", **params)


def test_bad_simulation_inputs():
    with pytest.raises(asy.ParameterError, match="width"):
        asy.simulate("nt-ridge", trials=2, n=50, width=np.inf, d=10, target_powers=TP, n_test=10)
    with pytest.raises(asy.ParameterError, match="'n'"):
        asy.simulate("nt-ridge", trials=2, n=50.5, width=5, d=10, target_powers=TP, n_test=10)
    with pytest.raises(asy.ParameterError, match="degree"):
        asy.evaluate("nt-ridge", alpha=1.0, degree=0, target_powers=TP)
    assert X.name == "x"


def test_figure_fast():
    import matplotlib

    matplotlib.use("Agg")
    from asymptotics.figures import get

    fig, data = get("nt-interpolation").make(True)
    sim = data[(data.kind == "simulation") & (data.ridge == 0.0)].sort_values("ratio")
    # the smallest singular value is smallest at the threshold n = N d
    assert sim.min_singular_value.idxmin() == sim.ratio.sub(1.0).abs().idxmin()

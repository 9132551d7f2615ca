"""logistic-mle (Sur & Candès): published alpha*, classical limit, threshold, quadrature, Monte Carlo."""

import json
import math
import pathlib
import time

import numpy as np
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics.codegen import compile_system
from asymptotics.models import logistic_mle as lm
from asymptotics.symbolic import Average, System, gaussian
from asymptotics import integrals

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "logistic_mle.json").read_text())


@pytest.mark.parametrize("case", REF["alpha"])
def test_published_bias_inflation(case):
    r = asy.evaluate("logistic-mle", kappa=case["kappa"], signal=case["signal"])
    assert r.alpha == pytest.approx(case["alpha"], abs=case["abs_tol"])


def test_theory_catalogue_values():
    # Values the theory catalogue (C3) lists for (0.2, gamma² = 5) and (0.1, gamma² = 1), where they
    # were matched to Monte Carlo at n = 4000 (not published numbers; regression values here).
    r = asy.evaluate("logistic-mle", kappa=[0.2, 0.1], signal=[5.0, 1.0])
    np.testing.assert_allclose(r.alpha, [1.499, 1.124], atol=6e-4)
    np.testing.assert_allclose(r.sigma, [4.744, 2.617], atol=6e-4)
    assert r["lambda"][0] == pytest.approx(3.027, abs=6e-4)


def test_classical_limit():
    # kappa -> 0: alpha -> 1, sigma² -> 1/E rho''(gamma Z) (Fisher information), lambda ~ kappa/E rho'',
    # and the LRT is chi²_1 (Wilks): lrt_scale -> 1.
    for signal in (0.5, 5.0):
        x, w = integrals.gauss_hermite(200)
        s = 1 / (1 + np.exp(-math.sqrt(signal) * x))
        fisher = w @ (s * (1 - s))
        r = asy.evaluate("logistic-mle", kappa=1e-5, signal=signal)
        assert r.alpha == pytest.approx(1.0, abs=1e-4)
        assert r.sigma ** 2 == pytest.approx(1 / fisher, rel=1e-4)
        assert r["lambda"] == pytest.approx(1e-5 / fisher, rel=1e-4)
        assert r.lrt_scale == pytest.approx(1.0, abs=1e-4)


def test_monotone_divergence_towards_the_threshold():
    thr = asy.evaluate("logistic-mle", kappa=0.1, signal=1.0).separability_threshold
    kappa = thr * np.array([0.1, 0.3, 0.5, 0.7, 0.9, 0.97])
    r = asy.evaluate("logistic-mle", kappa=kappa, signal=1.0)
    for name in ("alpha", "sigma", "lambda", "lrt_scale"):
        assert np.all(np.diff(np.asarray(r[name])) > 0), name
    assert r.alpha[-1] > 3 * r.alpha[2]


def test_threshold_raises_and_matches_candes_sur():
    r = asy.evaluate("logistic-mle", kappa=0.1, signal=5.0)
    cs = asy.evaluate("mle-existence", intercept=0.0, signal=5.0)
    assert r.separability_threshold == pytest.approx(cs.threshold, rel=1e-12)
    with pytest.raises(asy.ParameterError, match=r"'kappa' must be < 0\.3255"):
        asy.evaluate("logistic-mle", kappa=0.33, signal=5.0)
    with pytest.raises(asy.ParameterError, match="kappa"):
        asy.evaluate("logistic-mle", kappa=1.5)


def test_quadrature_order_is_sufficient():
    # The shipped 100 x 100 rule against 160 x 160 (same equations, built from the model's own
    # expressions by replacing the space): agreement to 5e-9 (relative) up to 0.8 h_MLE.
    fine = gaussian(lm.z1, lm.z2, order=160, name="gauss2_logistic_mle_fine")
    swap = lambda e: e.replace(lambda n: isinstance(n, Average),
                               lambda n: Average(n.integrand, fine))
    sys = lm.SYSTEM
    fine_sys = System(parameters=sys.parameters,
                      unknowns=tuple(type(u)(u.symbol, swap(sp.sympify(u.guess)), u.lower, u.upper)
                                     for u in sys.unknowns),
                      equations=tuple(swap(e) for e in sys.residuals), observables=sys.observables)
    from asymptotics.api import solve_batch
    kappa = np.array([0.05, 0.2, 0.26])  # up to 0.8 h_MLE(sqrt 5)
    values = {"kappa": kappa, "signal": np.full(3, 5.0)}
    coarse = solve_batch(compile_system(sys), values, 3)
    dense = solve_batch(compile_system(fine_sys), values, 3)
    np.testing.assert_allclose(coarse.u, dense.u, rtol=0, atol=5e-9)  # log-unknowns: relative error


def test_a_point_is_fast():
    asy.evaluate("logistic-mle", kappa=0.15, signal=2.0)
    start = time.perf_counter()
    asy.evaluate("logistic-mle", kappa=0.12, signal=3.0)
    assert time.perf_counter() - start < 0.2


def test_monte_carlo():
    # n = 400, p = 40, 10 trials: standard errors ~0.02 (alpha), ~0.07 (sigma), ~0.006 (lambda);
    # the O(1/n) finite-size bias measured at n = 1000 is below half a standard error here.
    frame = asy.check("logistic-mle", n=400, trials=10, seed=1, kappa=0.1, signal=1.0)
    assert set(frame.observable) == {"alpha", "sigma", "lambda"}
    assert np.all(np.abs(frame.z) < 4), frame


@pytest.mark.slow
@pytest.mark.parametrize("kappa,signal", [(0.2, 5.0), (0.1, 1.0), (0.3, 1.0)])
def test_monte_carlo_large(kappa, signal):
    # n = 2000, 12 trials: se ~ 1-2% of each value; bias O(1/n).
    frame = asy.check("logistic-mle", n=2000, trials=12, seed=7, kappa=kappa, signal=signal)
    assert np.all(np.abs(frame.z) < 4), frame

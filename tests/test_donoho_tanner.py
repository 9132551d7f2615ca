"""Donoho–Tanner curve: published values, limits, state-evolution stability, LP Monte Carlo."""

import json
import pathlib

import numpy as np
import pytest

import asymptotics as asy

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "donoho_tanner.json").read_text())


@pytest.mark.parametrize("row", REF["values"], ids=lambda r: f"{r['constraint']}-{r['delta']}")
def test_published_values(row):
    r = asy.evaluate("donoho-tanner", delta=row["delta"], constraint=row["constraint"])
    assert abs(r.rho - row["rho"]) <= row["tolerance"]


def test_limits():
    d = np.array([1e-8, 1e-16, 1e-30])
    r = asy.evaluate("donoho-tanner", delta=d)
    ratio = r.rho * 2 * np.log(1 / d)  # rho ~ 1/(2 log(1/delta)) as delta -> 0
    assert np.all(np.abs(ratio - 1) < 0.04) and np.all(np.diff(np.abs(ratio - 1)) < 0)
    near = asy.evaluate("donoho-tanner", delta=[0.999, 0.999999])
    assert np.all(near.rho > 0.96) and near.rho[1] > near.rho[0]
    grid = np.linspace(0.05, 0.95, 19)
    for c in ("signed", "nonnegative"):
        rho = asy.evaluate("donoho-tanner", delta=grid, constraint=c).rho
        assert np.all(np.diff(rho) > 0)
    assert np.all(asy.evaluate("donoho-tanner", delta=grid, constraint="nonnegative").rho
                  > asy.evaluate("donoho-tanner", delta=grid).rho)


def test_curve_is_the_stability_boundary_of_basis_pursuit_state_evolution():
    # noiseless basis pursuit (lasso at lam -> 0+): x0 recovered (tau = 0) iff eps < rho delta
    for delta in (0.2, 0.5, 0.8):
        eps_c = asy.evaluate("donoho-tanner", delta=delta).eps
        below = asy.evaluate("basis-pursuit", delta=delta, noise=0.0, eps=0.97 * eps_c,
                             prior="three-point")
        above = asy.evaluate("basis-pursuit", delta=delta, noise=0.0, eps=1.03 * eps_c,
                             prior="three-point")
        assert below.mse < 1e-12 < 1e-6 < above.mse


def test_monte_carlo_linear_programming():
    # N = 100, 8 draws: the recovery threshold of one draw has a spread ~0.05 in rho; the
    # finite-size shift of the empirical transition at n = 50 is about -0.01 (Donoho–Tanner's
    # experiments), below two standard errors here. |z| < 3.
    f = asy.check("donoho-tanner", N=100, trials=8, seed=2, delta=[0.3, 0.6])
    assert np.all(np.abs(f["z"]) < 3), f.to_string()


@pytest.mark.slow
def test_monte_carlo_larger():
    f = asy.check("donoho-tanner", N=400, trials=20, seed=4, delta=[0.1, 0.5, 0.8])
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    g = asy.check("donoho-tanner", N=300, trials=20, seed=4, delta=0.5, constraint="nonnegative")
    assert np.all(np.abs(g["z"]) < 4), g.to_string()


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="delta"):
        asy.evaluate("donoho-tanner", delta=1.5)
    with pytest.raises(asy.ParameterError, match="constraint"):
        asy.evaluate("donoho-tanner", delta=0.5, constraint="positive")

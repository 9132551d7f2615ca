"""Core pieces added for the DMFT models: parameter-dependent quadrature, stable special functions,
numeric variants in the evaluator, the damped-iteration driver and the DMFT result."""

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics.codegen import Kernel, compile_system
from asymptotics.dmft import DMFTResult, damped_iteration
from asymptotics.integrals import marchenko_pastur, marchenko_pastur_batch
from asymptotics.models import Variant
from asymptotics.symbolic import Average, ParametricQuadratureSpace, Sigmoid, Softplus, System, Unknown


@pytest.mark.parametrize("gamma", [0.3, 1.0, 3.0])
def test_marchenko_pastur_rule_moments(gamma):
    x, w = marchenko_pastur(gamma, 64)
    assert w.sum() == pytest.approx(min(1.0, 1.0 / gamma))
    assert np.dot(w, x) == pytest.approx(1.0)  # the atom at 0 adds nothing to the moments
    assert np.dot(w, x ** 2) == pytest.approx(1.0 + gamma)
    assert np.dot(w, x ** 3) == pytest.approx(1.0 + 3 * gamma + gamma ** 2)
    a, b = (1 - np.sqrt(gamma)) ** 2, (1 + np.sqrt(gamma)) ** 2
    assert np.all((x > a) & (x < b))


def test_parametric_space_gives_per_point_nodes_and_jacobians():
    gamma, u = sp.symbols("gamma u", positive=True)
    s = sp.Symbol("s", positive=True)
    space = ParametricQuadratureSpace("mp", (s,), (gamma,),
                                      lambda gamma: ((marchenko_pastur_batch(gamma, 40)[0],),
                                                     marchenko_pastur_batch(gamma, 40)[1]))
    # u = E[s²] over the continuous part (+ nothing from the atom) = 1 + gamma, solved by Newton
    system = System(parameters=(gamma,), unknowns=(Unknown(u, guess=sp.S(1)),),
                    equations=(sp.Eq(u ** 2, Average(s ** 2, space) ** 2),), observables={"u": u})
    compiled = compile_system(system)
    g = np.array([0.2, 1.0, 4.0])
    f, j = compiled.residual_jacobian({"gamma": g}, np.c_[1 + g])
    np.testing.assert_allclose(f, 0.0, atol=1e-12)
    np.testing.assert_allclose(j[:, 0, 0], 2 * (1 + g))
    mean = Kernel([Average(s, space)], (gamma,))({"gamma": g})[0]
    np.testing.assert_allclose(mean, 1.0)


def test_sigmoid_and_softplus_are_exact_and_stable():
    x = sp.Symbol("x", real=True)
    assert sp.simplify((sp.diff(Softplus(x), x) - Sigmoid(x)).rewrite(sp.exp)) == 0
    assert sp.simplify(sp.diff(Sigmoid(x), x).rewrite(sp.exp)
                       - sp.diff(1 / (1 + sp.exp(-x)), x)) == 0
    k = Kernel([Softplus(x), Sigmoid(x), sp.diff(Sigmoid(x), x)], (x,))
    vals = k({"x": np.array([-800.0, 0.0, 800.0])})
    np.testing.assert_allclose(vals[0], [0.0, np.log(2), 800.0])
    np.testing.assert_allclose(vals[1], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(vals[2], [0.0, 0.25, 0.0])
    with mp.workdps(30):
        assert k.mp({"x": mp.mpf(1)})[0] == pytest.approx(float(mp.log(1 + mp.e)), rel=1e-15)


def test_numeric_variants_in_the_registry_and_evaluator():
    with pytest.raises(ValueError, match="exactly one"):
        Variant("bad", object, None)
    frame = asy.curve("spherical-spin", sweep={"time": [0.5, 1.0]}, p=2, temperature=0.3)
    assert list(frame["status"]) == ["converged", "converged"] and "energy" in frame
    assert r"\ell" in asy.models.get("dmft-glm").latex()


def test_damped_iteration_driver():
    # x = 0.5 x + 1 (per entry): fixed point 2; damping slows but converges to the same point
    sweep = lambda s: ({"x": 0.5 * s["x"] + 1.0}, None)
    out = damped_iteration(sweep, {"x": np.zeros(3)}, tol=1e-12)
    slow = damped_iteration(sweep, {"x": np.zeros(3)}, tol=1e-12, damping=0.5)
    np.testing.assert_allclose(out[0]["x"], 2.0)
    np.testing.assert_allclose(slow[0]["x"], 2.0)
    assert slow[2] > out[2] and out[5] == asy.Status.CONVERGED
    diverge = damped_iteration(lambda s: ({"x": 2 * s["x"] + 1}, None), {"x": np.zeros(1)}, max_sweeps=5)
    assert diverge[5] == asy.Status.MAX_ITERATIONS
    with pytest.raises(ValueError, match="damping"):
        damped_iteration(sweep, {"x": np.zeros(1)}, damping=1.0)


def test_dmft_result_is_frozen_and_indexable():
    r = DMFTResult(model="m", params={}, times=np.arange(3) * 0.5, order_parameters={"C": np.eye(3)},
                   observables={"e": np.array([0.0, 1.0, 2.0])}, status=0, residual=0.0, iterations=1,
                   method="x")
    assert r.at(1.0)["e"] == 2.0 and r.e[1] == 1.0 and r["C"].shape == (3, 3) and r.converged
    with pytest.raises(ValueError, match="grid"):
        r.at(0.7)
    with pytest.raises(Exception):
        r.iterations = 3


def test_sobol_points_from_the_code_cache_are_the_same_bits(tmp_path, monkeypatch):
    # small point sets are kept in the code cache (scipy.stats is slow to import); what comes back
    # must be the scrambled Sobol set itself, and an entry of the wrong size is recomputed
    from scipy.stats import qmc

    from asymptotics import cache
    from asymptotics.dmft import glm

    monkeypatch.setenv("ASYMPTOTICS_CACHE_DIR", str(tmp_path / "c"))
    direct = qmc.Sobol(d=7, scramble=True, seed=3).random_base2(6)
    first = glm.sobol_uniforms(7, 50, 3)  # 50 paths -> 64 points
    assert np.array_equal(first, direct)
    files = list((tmp_path / "c").rglob("*.pkl"))
    assert len(files) == 1 and files[0].parent.parent.name == "sobol"
    assert np.array_equal(glm.sobol_uniforms(7, 64, 3), direct)
    files[0].write_bytes(b"\0" * 16)  # damaged
    assert np.array_equal(glm.sobol_uniforms(7, 64, 3), direct)
    assert not np.array_equal(glm.sobol_uniforms(7, 64, 4), direct)  # the seed is part of the key
    big = glm.SOBOL_CACHE_ENTRIES // 8 + 1  # too large to keep: computed each time, not stored
    glm.sobol_uniforms(big, 8, 3)
    assert len(list((tmp_path / "c").rglob("*.pkl"))) == 2
    assert cache.enabled()

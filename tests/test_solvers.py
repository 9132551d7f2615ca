"""A zoo of systems x every solver; residuals are checked at the returned points."""

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from asymptotics import codegen, runtime
from asymptotics.solvers import (Anderson, BatchProblem, Continuation, Damped, Newton, Precise,
                                 Status)
from asymptotics.symbolic import Average, ParamSpace, System, Unknown, gaussian

a, b = sp.symbols("a b", real=True)
x, y = sp.symbols("x y", real=True)
z = sp.Symbol("z", real=True)
s = sp.Symbol("s", positive=True)

ZOO = {
    # x = a cos(x): a contraction for |a| < 1, Newton-friendly everywhere
    "cosine": System((a,), (Unknown(x, guess=sp.Integer(0)),), (sp.Eq(x, a * sp.cos(x)),),
                     {"x": x}),
    # two coupled equations with a root on the circle x = y = b/sqrt(2)
    "circle": System((b,), (Unknown(x, guess=b, lower=0.0), Unknown(y, guess=b / 2, lower=0.0)),
                     (sp.Eq(x ** 2 + y ** 2, b ** 2), sp.Eq(x, y)), {"x": x}),
    # a Gaussian-average equation: E tanh(x + z) = a, solved for the shift x
    "gaussian": System((a,), (Unknown(x, guess=sp.Integer(0)),),
                       (sp.Eq(Average(sp.tanh(x + z), gaussian(z, order=60)), a),), {"x": x}),
    # a spectral-average fixed point (the renormalized-ridge equation)
    "spectral": System((a,), (Unknown(x, guess=a + 10, lower=0.0),),
                       (sp.Eq(x, a + x * Average(s / (s + x), ParamSpace("sp", {s: "eigs"})) / 20),),
                       {"x": x}),
}
VALUES = {
    "cosine": {"a": np.array([0.1, 0.5, 0.9])},
    "circle": {"b": np.array([1.0, 2.0, 5.0])},
    "gaussian": {"a": np.array([-0.5, 0.0, 0.3])},
    "spectral": {"a": np.array([1e-3, 0.1, 1.0]), "eigs": np.linspace(0.1, 2.0, 40)},
}


def _problem(name):
    compiled = codegen.compile_system(ZOO[name])
    return compiled, BatchProblem(compiled, VALUES[name], 3)


@pytest.mark.parametrize("name", list(ZOO))
@pytest.mark.parametrize("solver", [Newton(), Damped(damping=0.7), Anderson()],
                         ids=["newton", "damped", "anderson"])
def test_zoo_residual_at_returned_point(name, solver):
    compiled, problem = _problem(name)
    if not compiled.has_fixed_point_form and not isinstance(solver, Newton):
        with pytest.raises(ValueError, match="fixed-point form"):
            solver.solve(problem, problem.guess())
        return
    out = solver.solve(problem, problem.guess())
    assert np.all(out.converged), out.status
    # The solver's reported residual is the true residual at u (recomputed independently).
    f = compiled.residual(problem.values(), out.u)
    np.testing.assert_allclose(np.max(np.abs(f), axis=1), out.residual, atol=1e-15)
    assert np.all(out.residual < 1e-10)


def test_known_roots():
    _, problem = _problem("circle")
    out = Newton().solve(problem, problem.guess())
    np.testing.assert_allclose(out.u[:, 0], VALUES["circle"]["b"] / np.sqrt(2), rtol=1e-13)
    _, problem = _problem("gaussian")
    out = Newton().solve(problem, problem.guess())
    assert out.u[1, 0] == pytest.approx(0.0, abs=1e-14)  # symmetry: E tanh(z) = 0


def test_generated_jacobian_matches_finite_differences():
    compiled, problem = _problem("circle")
    u = np.array([[0.3, 0.7], [1.0, 2.0], [3.0, 0.5]])
    _, jac = compiled.residual_jacobian(problem.values(), u)
    h = 1e-6
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        fd = (compiled.residual(problem.values(), u + e) - compiled.residual(problem.values(), u - e)) / (2 * h)
        np.testing.assert_allclose(jac[:, :, j], fd, rtol=1e-7, atol=1e-8)


def test_newton_respects_bounds_and_flags_failure():
    # x² + 1 = 0 has no real root: Newton must say so, not return a number that looks solved.
    sys_ = System((a,), (Unknown(x, guess=a),), (x ** 2 + 1,), {"x": x})
    compiled = codegen.compile_system(sys_)
    out = Newton(max_iterations=50).solve(BatchProblem(compiled, {"a": np.array([0.5])}, 1),
                                          np.array([[0.5]]))
    assert out.status[0] != Status.CONVERGED
    assert out.residual[0] >= 1.0 - 1e-12
    # a bound is never crossed: root at x = -1 while x >= 0 is imposed
    sys2 = System((a,), (Unknown(x, guess=a, lower=0.0),), (sp.Eq(x ** 2 - 1, a - 1 + 2 * x * 0),),
                  {"x": x})
    out2 = Newton().solve(BatchProblem(codegen.compile_system(sys2), {"a": np.array([0.0])}, 1),
                          np.array([[0.5]]))
    assert out2.u[0, 0] >= 0.0


def test_damping_is_validated():
    _, problem = _problem("cosine")
    with pytest.raises(ValueError, match="damping"):
        Damped(damping=1.5).solve(problem, problem.guess())


def test_continuation_reaches_a_point_newton_misses_from_the_guess():
    # x³ - x - a = 0 on the branch starting at x ≈ 1 for a = 0 (a fold at a = -2/(3√3)); from the
    # guess x = -2 Newton at a = 0 converges to the wrong branch x = -1, continuation from a = 2
    # (solved on the right branch) walks back along the branch to the root x = 1.
    sys_ = System((a,), (Unknown(x, guess=sp.Integer(-2)),), (sp.Eq(x ** 3 - x - a, 0),), {"x": x})
    compiled = codegen.compile_system(sys_)

    def solve_at(point, u0):
        return Newton().solve(BatchProblem(compiled, {"a": np.array([point["a"]])}, 1), u0)

    start = solve_at({"a": 6.0}, np.array([[2.0]]))
    assert start.converged[0]
    walked = Continuation().walk(solve_at, {"a": 6.0}, {"a": 0.0}, start.u[0])
    assert walked.status[0] == Status.CONVERGED
    assert walked.u[0, 0] == pytest.approx(1.0, abs=1e-12)


def test_precise_refinement_to_50_digits():
    compiled, problem = _problem("cosine")
    point = {"a": mp.mpf("0.5")}
    out = Precise(digits=50).refine(lambda u: compiled.residual_mp(point, u, 65),
                                    lambda u: compiled.jacobian_mp(point, u, 65), [0.45],
                                    compiled.lower, compiled.upper)
    assert out.converged
    with mp.workdps(60):
        xstar = mp.findroot(lambda t: t - mp.mpf("0.5") * mp.cos(t), 0.45)
        assert abs(out.u[0] - xstar) < mp.mpf(10) ** -50


def test_mpmath_gaussian_average_matches_numpy():
    compiled, problem = _problem("gaussian")
    u = np.array([[0.2], [0.2], [0.2]])
    f_np = compiled.residual(problem.values(), u)[0, 0]
    with mp.workdps(30):
        f_mp = compiled.residual_mp({"a": mp.mpf(-0.5)}, [mp.mpf(0.2)], 30)[0]
    assert float(f_mp) == pytest.approx(f_np, abs=1e-13)


def test_average_chunking_gives_identical_sums(monkeypatch):
    compiled, _ = _problem("spectral")
    vals = {"a": np.linspace(0.01, 1, 50), "eigs": np.linspace(0.1, 2.0, 40)}
    u = np.full((50, 1), 0.5)
    full = compiled.residual(vals, u)
    monkeypatch.setattr(runtime, "_CHUNK_ENTRIES", 40 * 7)  # 7 points per chunk
    fresh = codegen.CompiledSystem(ZOO["spectral"])
    np.testing.assert_allclose(fresh.residual(vals, u), full, rtol=1e-15)

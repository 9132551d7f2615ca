"""Core extensions used by the state-evolution models: trajectories of fixed-point maps, stable
special-function nodes, the composite Gauss–Legendre normal rule, the NO_SOLUTION status."""

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from asymptotics import integrals
from asymptotics.api import solve_batch
from asymptotics.codegen import Kernel, compile_system
from asymptotics.solvers import Status
from asymptotics.symbolic import (Average, System, Unknown, expit, gaussian, gaussian_panels,
                                  log_ndtr, logcosh, ndtr, softplus)

a, b, c, t = sp.symbols("a b c t", real=True)
u, v, w = sp.symbols("u v w", real=True)


def _values(**kw):
    return {k: np.atleast_1d(np.asarray(x, dtype=float)) for k, x in kw.items()}


def test_trajectory_of_an_affine_map_matches_closed_form():
    # u <- a u + b from u0 = c: u_t = a^t c + b (1 - a^t)/(1 - a); fixed point b/(1 - a)
    system = System(parameters=(a, b, c, t), unknowns=(Unknown(u, guess=b, start=c),),
                    equations=(sp.Eq(u, a * u + b),), observables={"u": u}, iteration=t)
    cs = compile_system(system)
    ts = np.array([0, 1, 2, 5, np.inf])
    out = solve_batch(cs, _values(a=0.5, b=1.0, c=3.0, t=ts), ts.size)
    exact = np.where(np.isinf(ts), 2.0, 0.5 ** np.where(np.isinf(ts), 0, ts) * 3.0
                     + (1 - 0.5 ** np.where(np.isinf(ts), 0, ts)) * 2.0)
    np.testing.assert_allclose(out.u[:, 0], exact, rtol=1e-13)
    assert np.all(out.status == Status.CONVERGED)
    np.testing.assert_array_equal(out.iterations[:4], [0, 1, 2, 5])


def test_trajectory_is_gauss_seidel_and_keeps_static_unknowns_solved():
    # (v, u) updated in order: v <- u + 1 then u <- v/2; w (no start) solves w^2 = 4, w > 0
    system = System(parameters=(t,),
                    unknowns=(Unknown(v, guess=sp.S(1), start=sp.S(0)),
                              Unknown(u, guess=sp.S(1), start=sp.S(0)),
                              Unknown(w, guess=sp.S(3), lower=0.0)),
                    equations=(sp.Eq(v, u + 1), sp.Eq(u, v / 2), sp.Eq(w ** 2, 4)),
                    observables={"u": u}, iteration=t)
    cs = compile_system(system)
    out = solve_batch(cs, _values(t=[1, 2, np.inf]), 3)
    # one sweep: v = 1, u = 1/2; two sweeps: v = 3/2, u = 3/4; fixed point u = 1, v = 2
    np.testing.assert_allclose(out.u[:, 1], [0.5, 0.75, 1.0], rtol=1e-12)
    np.testing.assert_allclose(out.u[:, 2], 2.0, rtol=1e-12)


def test_system_rejects_a_start_without_fixed_point_form():
    with pytest.raises(ValueError, match="fixed-point form|must read"):
        System(parameters=(t,), unknowns=(Unknown(u, guess=sp.S(1), start=sp.S(0)),),
               equations=(sp.Eq(u ** 2, 2),), observables={}, iteration=t)


def test_undefined_guess_is_no_solution_not_a_failure_of_the_others():
    system = System(parameters=(a,), unknowns=(Unknown(u, guess=sp.sqrt(a)),),
                    equations=(sp.Eq(u ** 2, a),), observables={})
    cs = compile_system(system)
    out = solve_batch(cs, _values(a=[4.0, -1.0]), 2)
    assert out.status[0] == Status.CONVERGED and out.status[1] == Status.NO_SOLUTION
    np.testing.assert_allclose(out.u[0, 0], 2.0)


@pytest.mark.parametrize("node, exact", [
    (expit, lambda x: 1 / (1 + mp.exp(-x))),
    (softplus, lambda x: mp.log1p(mp.exp(x))),
    (logcosh, lambda x: mp.log(mp.cosh(x))),
    (ndtr, lambda x: mp.ncdf(x)),
    (log_ndtr, lambda x: mp.log(mp.ncdf(x))),
])
def test_stable_nodes_values_and_derivatives(node, exact):
    x = sp.Symbol("x", real=True)
    kern = Kernel([node(x), sp.diff(node(x), x)], (x,))
    xs = np.array([-700.0, -40.0, -3.0, 0.0, 0.7, 40.0, 700.0])
    val, der = kern({"x": xs})
    assert np.all(np.isfinite(val)) and np.all(np.isfinite(der))
    with mp.workdps(40):
        for xi, vi, di in zip(xs, val, der):
            ref = exact(mp.mpf(xi))
            dref = mp.diff(exact, mp.mpf(xi))
            assert abs(vi - float(ref)) <= 1e-12 * max(1.0, abs(float(ref)))
            assert abs(di - float(dref)) <= 1e-10 * max(1.0, abs(float(dref)))


def test_ndtr_does_not_cancel_in_the_lower_tail():
    # sympy rewrites erfc(-y) as 2 - erfc(y); the node keeps Phi(-9) ~ 1.1e-19 exact
    x = sp.Symbol("x", real=True)
    (val,) = Kernel([1 / ndtr(-x)], (x,))({"x": np.array([9.0])})
    assert abs(val[0] * float(mp.ncdf(-9)) - 1) < 1e-12


def test_composite_normal_rule_resolves_sharp_integrands():
    nodes, weights = integrals.normal_panels()
    assert abs(weights.sum() - 1) < 1e-14
    for k, moment in [(2, 1.0), (4, 3.0), (6, 15.0)]:
        assert abs(weights @ nodes ** k - moment) < 1e-12
    # E tanh(8 (Z - 3)): a steep step far in the tail, exact value by mpmath
    z = sp.Symbol("z", real=True)
    (val,) = Kernel([Average(sp.tanh(8 * (z - 3)), gaussian_panels(z))], ())({}, batch=1)
    exact = mp.quad(lambda s: mp.tanh(8 * (s - 3)) * mp.npdf(s), [-mp.inf, 3, mp.inf])
    err = abs(val[0] - float(exact))
    assert err < 1e-8  # poles at distance pi/16 from the axis: ~1e-6 relative on a 0.4 panel
    (gh,) = Kernel([Average(sp.tanh(8 * (z - 3)), gaussian(z))], ())({}, batch=1)
    assert abs(gh[0] - float(exact)) > 100 * err  # Gauss–Hermite (80 nodes) resolves it worse

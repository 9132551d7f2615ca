"""Core extensions used by spectral models: weighted parameter spaces, hoisted parameter-free
integrands, integer powers printed as products."""


import mpmath as mp
import numpy as np
import sympy as sp

from asymptotics.codegen import Kernel
from asymptotics.symbolic import Average, ParamSpace

s, t = sp.symbols("s t", real=True)
k, a = sp.symbols("k a", nonnegative=True)


def test_weighted_space_equals_repeated_entries():
    weighted = ParamSpace("w", {s: "ev", t: "tg"}, weights="mult")
    plain = ParamSpace("p", {s: "ev_rep", t: "tg_rep"})
    ev, tg, mult = np.array([1.0, 0.5, 0.1]), np.array([0.3, -0.2, 0.7]), np.array([1.0, 3.0, 2.0])
    reps = mult.astype(int)
    values = {"ev": ev, "tg": tg, "mult": mult, "ev_rep": np.repeat(ev, reps), "tg_rep": np.repeat(tg, reps),
              "a": np.array([0.1, 1.0])}
    u = np.array([[0.2], [3.0]])
    f = lambda sp_: [Average(s / (s + k) ** 2 + a * t ** 2, sp_), Average(t ** 2, sp_)]  # noqa: E731
    got = Kernel(f(weighted), (a,), (k,))(values, u)
    want = Kernel(f(plain), (a,), (k,))(values, u)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-14)
    assert weighted != ParamSpace("w", {s: "ev", t: "tg"})  # the weights are part of the identity
    # mpmath path: same numbers, hoisted parameter-free integrand included
    kern = Kernel(f(weighted), (a,), (k,))
    with mp.workdps(30):
        mpv = kern.mp({**values, "a": mp.mpf("0.1")}, [mp.mpf("0.2")])
    np.testing.assert_allclose([float(v) for v in mpv], [g[0] for g in got], rtol=1e-14)


def test_integer_powers_are_products_and_parameter_free_sums_are_hoisted():
    space = ParamSpace("q", {s: "ev"})
    kern = Kernel([Average(s ** 2 / (s + k) ** 2, space), Average(s ** 3, space)], (), (k,))
    spaces = kern._numpy().spaces
    # one per-point group (the κ-dependent integrand) and one summed once (parameter-free)
    (_, varying, fn, per_point), (_, fixed, fn_fixed, once) = spaces
    assert varying == (0,) and fixed == (1,) and per_point and not once
    src = fn.source + fn_fixed.source
    assert "**" not in src and "power" not in src
    ev = np.linspace(0.1, 2.0, 7)
    u = np.array([[0.5], [2.0]])
    v0, v1 = kern({"ev": ev}, u)
    np.testing.assert_allclose(v0, [np.sum(ev ** 2 / (ev + x) ** 2) for x in (0.5, 2.0)], rtol=1e-14)
    np.testing.assert_allclose(v1, np.sum(ev ** 3), rtol=1e-14)


def test_newton_polishes_small_roots_to_full_relative_precision():
    # For c = 1e-8 the residual drops below the absolute ftol = 1e-14 while u is still far from
    # converged in relative terms; the polish step must bring it to ~1e-15 relative.
    from asymptotics.codegen import compile_system
    from asymptotics.solvers import BatchProblem, Newton
    from asymptotics.symbolic import System, Unknown

    u, c = sp.symbols("u c", positive=True)
    system = System(parameters=(c,), unknowns=(Unknown(u, guess=c * 3, lower=0.0),),
                    equations=(sp.Eq(u ** 2 / (u + c) + u / 2, c),), observables={"u": u})
    compiled = compile_system(system)
    cs = np.array([1e-8, 1e-4, 1.0])
    problem = BatchProblem(compiled, {"c": cs}, 3)
    out = Newton().solve(problem, problem.guess())
    assert np.all(out.converged)
    # exact root of u²/(u+c) + u/2 = c: 3u² - u c - 2c² = 0 -> u = c
    np.testing.assert_allclose(out.u[:, 0], cs, rtol=1e-14)
    loose = Newton(polish_rtol=np.inf).solve(problem, problem.guess())  # the absolute test alone
    assert abs(loose.u[0, 0] / cs[0] - 1) > 1e-10

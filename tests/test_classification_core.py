"""Core pieces added for the classification models: implicit-function nodes (proximal operators),
special-function nodes (Owen's T, sigmoid, softplus), the half-normal Gauss rule, and parameter
bounds solved from systems (status outside_domain)."""

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy import integrate, special, stats

import asymptotics as asy
from asymptotics import integrals
from asymptotics.api import solve_bounded
from asymptotics.codegen import Kernel, compile_system
from asymptotics.models._classification import prox_logistic
from asymptotics.symbolic import Average, Bound, System, Unknown, gaussian, implicit
from asymptotics.symbolic.lowering import lambdify
from asymptotics.symbolic.functions import Sigmoid, Softplus
from asymptotics.symbolic.special import OwenT
from asymptotics.solvers import Status


# -- implicit functions ---------------------------------------------------------------------------
t, z, lam = sp.symbols("t z lam", real=True)


def test_prox_solves_its_optimality_condition_over_arrays():
    f = prox_logistic.numpy_impl
    zz = np.linspace(-60, 60, 241)[:, None]
    ll = np.array([1e-10, 1e-3, 0.3, 1.0, 12.0, 1e3, 1e5])[None, :]
    root = f(zz, ll)
    assert root.shape == (241, 7) and np.all(np.isfinite(root))
    # the symbolic optimality condition t + lam sigmoid(t) = z, evaluated by independent code
    resid = root + ll * special.expit(root) - zz
    assert np.max(np.abs(resid) / (1 + np.abs(zz) + ll)) < 1e-14
    # it is the minimiser of lam log(1 + e^t) + (t - z)²/2 (convex): no better point nearby
    obj = lambda s: ll * np.logaddexp(0, s) + (s - zz) ** 2 / 2
    for h in (1e-6, -1e-6):
        assert np.all(obj(root + h) >= obj(root) - 1e-9)


def test_prox_cycling_regime_converges():
    # z ≈ 7, lam = 12: plain Newton from the guess cycles between ±5 (regression test for the
    # rtsafe safeguard: a step longer than half the previous bracket is replaced by bisection).
    f = prox_logistic.numpy_impl
    zz = np.linspace(4.0, 8.0, 81)
    root = f(zz, 12.0)
    assert np.all(np.isfinite(root))
    assert np.max(np.abs(root + 12 * special.expit(root) - zz)) < 1e-13


def test_prox_derivatives_are_the_implicit_function_theorem():
    expr = prox_logistic(z, lam)
    fn = lambdify((z, lam), [expr, sp.diff(expr, z), sp.diff(expr, lam), sp.diff(expr, z, 2)], "numpy")
    for zv, lv in [(-3.0, 0.5), (0.2, 2.0), (5.0, 10.0)]:
        p, dz, dl, dzz = fn(zv, lv)
        h = 1e-5
        fd_z = (fn(zv + h, lv)[0] - fn(zv - h, lv)[0]) / (2 * h)
        fd_l = (fn(zv, lv + h)[0] - fn(zv, lv - h)[0]) / (2 * h)
        fd_zz = (fn(zv + h, lv)[1] - fn(zv - h, lv)[1]) / (2 * h)
        assert dz == pytest.approx(fd_z, rel=1e-8)
        assert dl == pytest.approx(fd_l, rel=1e-8)
        assert dzz == pytest.approx(fd_zz, rel=1e-6, abs=1e-10)


def test_prox_mpmath_matches_float_and_is_exact():
    f_mp = prox_logistic.mpmath_impl
    f_np = prox_logistic.numpy_impl
    with mp.workdps(50):
        for zv, lv in [(-2.0, 3.0), (7.0, 12.0), (30.0, 0.1)]:
            r = f_mp(mp.mpf(zv), mp.mpf(lv))
            assert abs(r + lv / (1 + mp.exp(-r)) - zv) < mp.mpf(10) ** -45
            assert float(r) == pytest.approx(float(f_np(zv, lv)), rel=1e-14, abs=1e-14)


def test_generic_implicit_function_cube_root():
    cbrt = implicit("cbrt_test", t, t ** 3 + t - z, (z,), guess=z / 3, bracket=(-sp.Abs(z) - 1, sp.Abs(z) + 1))
    x = np.linspace(-100, 100, 201)
    r = cbrt.numpy_impl(x)
    assert np.max(np.abs(r ** 3 + r - x)) < 1e-10
    d = sp.diff(cbrt(z), z)  # 1/(3 t² + 1)
    val = lambdify((z,), d, "numpy")(2.0)
    root = cbrt.numpy_impl(2.0)
    assert val == pytest.approx(1 / (3 * root ** 2 + 1), rel=1e-14)


def test_implicit_rejects_undeclared_symbols():
    with pytest.raises(ValueError, match="undeclared"):
        implicit("bad_test", t, t + lam - z, (z,), guess=z)


def test_system_with_prox_has_exact_jacobian():
    # E[prox(u z, lam)²] = c: the generated Jacobian vs central differences.
    u = sp.Symbol("u", positive=True)
    g = sp.Symbol("g_t", real=True)
    space = gaussian(g, order=40)
    c = sp.Symbol("c", positive=True)
    system = System(parameters=(c, lam), unknowns=(Unknown(u, guess=sp.Integer(1), lower=0.0),),
                    equations=(Average(prox_logistic(u * g, lam) ** 2, space) - c,),
                    observables={"u": u})
    comp = compile_system(system)
    vals = {"c": np.array([0.5]), "lam": np.array([2.0])}
    uu = np.array([[1.3]])
    _, jac = comp.residual_jacobian(vals, uu)
    h = 1e-6
    fd = (comp.residual(vals, uu + h) - comp.residual(vals, uu - h)) / (2 * h)
    assert jac[0, 0, 0] == pytest.approx(fd[0, 0], rel=1e-7)


# -- special functions ----------------------------------------------------------------------------
@pytest.mark.parametrize("h,a", [(0.0, 1.0), (0.5, 2.0), (-1.3, 0.4), (2.0, -3.0), (0.1, 80.0)])
def test_owens_t_values_derivatives_and_mpmath(h, a):
    quad = integrate.quad(lambda x: math.exp(-h * h * (1 + x * x) / 2) / (1 + x * x), 0, a,
                          epsabs=1e-15, limit=200)[0] / (2 * math.pi)
    hs, as_ = sp.symbols("h a", real=True)
    expr = OwenT(hs, as_)
    fn = lambdify((hs, as_), [expr, sp.diff(expr, hs), sp.diff(expr, as_)], "numpy")
    val, dh, da = fn(h, a)
    assert val == pytest.approx(quad, abs=1e-14)
    e = 1e-6
    assert dh == pytest.approx((fn(h + e, a)[0] - fn(h - e, a)[0]) / (2 * e), abs=1e-8)
    assert da == pytest.approx((fn(h, a + e)[0] - fn(h, a - e)[0]) / (2 * e), abs=1e-8)
    with mp.workdps(30):
        mp_val = lambdify((hs, as_), expr, "mpmath")(mp.mpf(h), mp.mpf(a))
    assert float(mp_val) == pytest.approx(quad, abs=1e-14)


def test_bivariate_normal_identity_used_for_sign_labels():
    # P(W < h, U < 0) = Phi(h)/2 + T(h, t) for corr(W, U) = t/sqrt(1 + t²).
    for h, tt in [(0.3, 1.0), (-1.0, 2.5), (1.7, -0.4)]:
        rho = tt / math.sqrt(1 + tt * tt)
        exact = stats.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf([h, 0.0])
        assert stats.norm.cdf(h) / 2 + special.owens_t(h, tt) == pytest.approx(exact, abs=1e-7)


def test_sigmoid_and_softplus_nodes_are_overflow_free():
    x = sp.Symbol("x", real=True)
    fn = lambdify((x,), [Sigmoid(x), sp.diff(Sigmoid(x), x, 2), Softplus(x), sp.diff(Softplus(x), x)],
                  "numpy")
    xs = np.array([-1000.0, -800.0, -5.0, 0.0, 5.0, 800.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        s, s2, sp_, dsp = fn(xs)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(s2)) and np.all(np.isfinite(sp_))
    assert sp_[-1] == 1000.0 and sp_[0] == 0.0
    np.testing.assert_allclose(dsp, special.expit(xs), rtol=1e-15)


# -- quadrature -----------------------------------------------------------------------------------
def test_half_normal_rule_moments():
    x, w = integrals.half_normal(60)
    assert w.sum() == pytest.approx(1.0, abs=1e-15)
    for k in range(1, 12):
        exact = 2 ** (k / 2) * math.gamma((k + 1) / 2) / math.sqrt(math.pi)  # E|Z|^k
        assert w @ x ** k == pytest.approx(exact, rel=1e-13)
    assert w @ np.cos(3 * x) == pytest.approx(math.exp(-4.5), abs=1e-15)


def test_gauss_rule_reproduces_gauss_hermite():
    x, w = integrals.gauss_hermite(200)
    nodes, weights = integrals.gauss_rule(x, w, 20)
    ref_x, ref_w = integrals.gauss_hermite(20)
    np.testing.assert_allclose(nodes, ref_x, atol=1e-12)
    np.testing.assert_allclose(weights, ref_w, atol=1e-14)


def test_gaussian_space_with_half_components():
    g, h = sp.symbols("g_q h_q", real=True)
    space = gaussian(g, h, order=30, half=(h,))
    k = Kernel([Average(g ** 2 * h, space)], [])
    assert k({}, None, 1)[0][0] == pytest.approx(math.sqrt(2 / math.pi), rel=1e-13)
    with pytest.raises(ValueError, match="not components"):
        gaussian(g, order=10, half=(h,))


# -- bounds -----------------------------------------------------------------------------------------
a_, b_ = sp.symbols("a_b b_b", positive=True)
x_ = sp.Symbol("x_b", real=True)
_THRESHOLD = System(parameters=(b_,), unknowns=(Unknown(x_, guess=sp.Integer(1), lower=0.0),),
                    equations=(x_ ** 2 - b_,), observables={"root": x_})
_BOUNDED = System(
    parameters=(a_, b_),
    unknowns=(Unknown(sp.Symbol("y_b", positive=True), guess=sp.Integer(1), lower=0.0),),
    equations=(sp.Symbol("y_b", positive=True) ** 2 - (a_ - sp.sqrt(b_)),),
    observables={"y": sp.Symbol("y_b", positive=True)},
    bounds=(Bound(a_, "above", _THRESHOLD, observable="root", meaning="sqrt(b)", name="root_b"),),
)


def test_bound_from_system_flags_points_outside():
    comp = compile_system(_BOUNDED)
    a = np.array([0.5, 3.0, 1.0, 5.0])
    b = np.array([4.0, 4.0, 1.0, 1.0])
    out, reports, named = solve_bounded(comp, {"a_b": a, "b_b": b}, 4)
    np.testing.assert_array_equal(out.status, [Status.OUTSIDE_DOMAIN, Status.CONVERGED,
                                               Status.OUTSIDE_DOMAIN, Status.CONVERGED])
    np.testing.assert_allclose(named["root_b"], [2, 2, 1, 1])
    np.testing.assert_allclose(out.u[[1, 3], 0], [1.0, 2.0])
    assert np.all(np.isnan(out.u[[0, 2]]))


def test_bound_error_names_parameter_threshold_and_value():
    with pytest.raises(asy.ParameterError, match=r"parameter 'psi' must be > 0\.4181.*got 0\.3"):
        asy.evaluate("max-margin", psi=0.3, flip=0.2)
    r = asy.evaluate("max-margin", psi=[0.3, 1.0], flip=0.2, throw=False)
    assert list(np.asarray(r.status)) == [Status.OUTSIDE_DOMAIN, Status.CONVERGED]
    assert np.isnan(r.margin[0]) and r.margin[1] > 0
    # the bound's value is reported at every point, inside or not
    np.testing.assert_allclose(r.separability_threshold, 0.4181778474, rtol=1e-9)
    frame = asy.curve("max-margin", sweep={"psi": [0.2, 0.3, 0.5, 1.0]}, flip=0.2)
    assert list(frame.status) == ["outside_domain", "outside_domain", "converged", "converged"]

"""two-layer-lazy and two-layer-population: gradient flow of two-layer networks.

Lazy: the test error equals gradient flow on ridge (``gd-least-squares``, an independent formula)
under the derived map; limits t = 0, t -> inf (ridge at the NTK's implicit penalty, ``ridge``),
the linear network (no memorization); Monte Carlo against real NTK-parametrized networks; the
discretization of the simulator. Population: the closed form of the linear network, pure-noise
labels, Monte Carlo against real mean-field networks at large n/d. Bad inputs; the figure.
"""

import numpy as np
import pytest

import asymptotics as asy
from asymptotics.models._two_layer import numbers
from asymptotics.models.two_layer_lazy import kappa_value
from asymptotics.simulate.two_layer import schedule, train_network


@pytest.mark.parametrize("alpha", [0.5, 2.0, 8.0])
def test_lazy_test_error_is_gradient_flow_on_ridge(alpha):
    t = np.array([0.0, 0.5, 3.0, 30.0, 300.0])
    a0 = 1.3
    lazy = asy.evaluate("two-layer-lazy", alpha=alpha, time=t, init_scale=a0, target="tanh", noise=0.1)
    nb = numbers("tanh", "tanh")
    b1sq = nb.target_mu1 ** 2
    gd = asy.evaluate("gd-least-squares", gamma=1 / alpha, lam=kappa_value("tanh", alpha) / nb.mu1 ** 2,
                      time=a0 ** 2 * nb.mu1 ** 2 * t, signal=b1sq, noise=1 - b1sq + 0.1)
    np.testing.assert_allclose(lazy.test_error, gd.test_error, rtol=1e-12)  # the same MP rule
    # t = 0: f = 0
    assert lazy.train_error[0] == pytest.approx(1.1) and lazy.test_error[0] == pytest.approx(1.1)
    assert lazy.displacement[0] == 0 and lazy.output_power[0] == 0


def test_lazy_long_time_limit_is_ridge_at_the_implicit_penalty():
    alpha = 3.0
    nb = numbers("erf", "linear")
    lazy = asy.evaluate("two-layer-lazy", alpha=alpha, time=2e4, activation="erf", noise=0.3)
    ridge = asy.evaluate("ridge", gamma=1 / alpha, lam=kappa_value("erf", alpha) / nb.mu1 ** 2, signal=1.0,
                         noise=0.3)
    # slowest rate a0² kappa = 0.06: e^{-1200} at t = 2e4; the two codes use different rules
    np.testing.assert_allclose(lazy.test_error, ridge.test_error, rtol=1e-9)
    assert lazy.train_error < 1e-12  # alpha > 1: the identity part memorizes everything


def test_linear_network_cannot_memorize():
    # σ(x) = x: kappa = 0, the network is a linear model: for alpha > 1 the training error tends
    # to the least-squares residual noise (1 - 1/alpha) and the displacement stays bounded
    alpha, noise = 4.0, 0.5
    r = asy.evaluate("two-layer-lazy", alpha=alpha, time=[1e3, 1e4], activation="linear", noise=noise)
    np.testing.assert_allclose(r.train_error, noise * (1 - 1 / alpha), rtol=1e-9)
    np.testing.assert_allclose(r.test_error, noise * (1 + 1 / (alpha - 1)), rtol=1e-9)  # OLS risk
    np.testing.assert_allclose(r.displacement[0], r.displacement[1], rtol=1e-9)


def test_time_scale_separation_at_large_alpha():
    # learning at t ~ 1/(a0² mu1²), memorization at t ~ alpha/(a0² (E σ'² - mu1²)): at alpha = 32 the
    # test error is converged to 1e-3 by t = 30 while the training error is still far from 0
    r = asy.evaluate("two-layer-lazy", alpha=32.0, time=[30.0, 1e4, 3e4], noise=0.25)
    assert abs(r.test_error[0] - r.test_error[2]) < 1e-3
    assert r.train_error[0] > 0.5 * r.test_error[0] and r.train_error[2] < 1e-6
    assert r.displacement[2] > 5 * r.displacement[0]  # complexity grows on the slow scale


def test_lazy_monte_carlo():
    # d = 32, n = 64, width m = 256 (NTK parametrization), 6 draws; |z| < 3.5 for every observable
    # except the training error at t = 10, which carries the finite-d bias of the memorization rate
    # (the kernel's O(d^{-1/2}) non-linear parts: measured +0.014 here, +0.011 at d = 40 and
    # +0.004 at d = 80 for alpha = 8, t = 100, independent of m between 256 and 1024 and of the
    # GD step; see the slow test)
    frame = asy.check("two-layer-lazy", d=32, m=256, trials=6, seed=1, alpha=2.0, time=[1.0, 3.0, 10.0],
                      noise=0.25)
    late_train = (frame.observable == "train_error") & (frame.time == 10.0)
    assert np.all(np.abs(frame[~late_train].z) < 3.5), frame
    row = frame[late_train].iloc[0]
    assert abs(row.simulation - row.theory) < 0.03


def test_simulator_discretization_is_negligible():
    # the same draw (seed) with max_step 1 and 0.25: the GD schedule is a faithful flow (measured 2e-4)
    kw = dict(d=16, n=32, m=64, scaling="ntk", times=[2.0, 20.0], seed=3)
    a = train_network(max_step=1.0, **kw)
    b = train_network(max_step=0.25, growth=0.005, **kw)
    np.testing.assert_allclose(a["test_error"], b["test_error"], atol=3e-3)
    np.testing.assert_allclose(a["train_error"], b["train_error"], atol=3e-3)
    dts, idx = schedule([0.0, 1.0, 10.0], step=0.05, growth=0.02, max_step=0.5)
    assert np.isclose(np.cumsum(dts)[idx[2] - 1], 10.0) and idx[0] == 0


@pytest.mark.slow
def test_lazy_finite_d_bias_shrinks():
    t = [100.0]
    th = asy.evaluate("two-layer-lazy", alpha=8.0, time=t, noise=0.25).train_error
    bias = []
    for d in (40, 80):
        runs = [train_network(d=d, n=8 * d, m=512, scaling="ntk", times=t, noise=0.25, seed=s, max_step=1.0)
                for s in range(3)]
        bias.append(np.mean([r["train_error"][0] for r in runs]) - th)
    assert bias[1] < 0.8 * bias[0]


def test_population_linear_closed_form():
    from scipy.integrate import solve_ivp

    a0 = 0.5
    t = np.array([0.0, 0.5, 2.0, 5.0])
    r = asy.evaluate("two-layer-population", time=t, activation="linear", init_scale=a0, noise=0.25)
    # a² - r² = a0² is conserved, s = 1; p = a r solves dp/dt = sqrt(a0⁴ + 4p²)(1 - p)
    ref = solve_ivp(lambda _, p: np.sqrt(a0 ** 4 + 4 * p ** 2) * (1 - p), (0, 5), [0.0], t_eval=t, rtol=1e-12,
                    atol=1e-14).y[0]
    np.testing.assert_allclose(r.excess_risk, (1 - ref) ** 2, atol=1e-9)
    np.testing.assert_allclose(r.train_error, r.test_error)
    np.testing.assert_allclose(r.second_layer ** 2 - (r.alignment * r.path_norm / r.second_layer) ** 2,
                               a0 ** 2, rtol=1e-8)


def test_population_pure_noise_and_no_linear_part():
    r = asy.evaluate("two-layer-population", time=[0.0, 10.0], signal=0.0, noise=0.5)
    np.testing.assert_allclose(r.test_error, 0.5)  # nothing to learn: the network stays at f = 0
    np.testing.assert_allclose(r.second_layer, 1.0)
    # He_3 target: no linear part, r = 0 is invariant (information exponent 3: escape needs
    # r(0) != 0, i.e. times ~ log d at finite d)
    c = asy.evaluate("two-layer-population", time=[10.0], target="cubic", noise=0.0)
    assert c.alignment[0] < 1e-12 and abs(c.excess_risk[0] - 1.0) < 1e-12  # quadrature rounding only


def test_population_monte_carlo_at_large_alpha():
    # d = 24, n = 768 (n/d = 32), width 128, 4 draws, early times. The errors, output power and
    # second layer agree within 3.5 standard errors; the first-layer geometry has biases of the
    # finite sizes: the alignment starts at E|g|/sqrt(d) = sqrt(2/(pi d)) = 0.16 instead of 0, and
    # the noise part of w grows ||w|| (path norm +1.6% at t = 1, measured; O(d/n))
    frame = asy.check("two-layer-population", d=24, n=768, m=128, trials=4, seed=1, time=[0.5, 1.0, 2.0],
                      noise=0.25)
    errors = frame.observable.isin(["train_error", "test_error", "excess_risk", "output_power",
                                    "second_layer"])
    assert np.all(np.abs(frame[errors].z) < 3.5), frame[errors]
    geo = frame[frame.observable == "path_norm"]
    assert np.all(np.abs(geo.simulation / geo.theory - 1) < 0.04)
    al = frame[(frame.observable == "alignment") & (frame.time == 2.0)].iloc[0]
    assert abs(al.simulation - al.theory) < 0.06


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="activation"):
        asy.evaluate("two-layer-lazy", alpha=2.0, time=1.0, activation="relu")
    with pytest.raises(asy.ParameterError, match="time"):
        asy.evaluate("two-layer-lazy", alpha=2.0, time=np.inf)
    with pytest.raises(asy.ParameterError, match="alpha"):
        asy.evaluate("two-layer-lazy", alpha=0.0, time=1.0)
    with pytest.raises(asy.ParameterError, match="time"):
        asy.evaluate("two-layer-population", time=-1.0)
    with pytest.raises(asy.ParameterError, match="'m'"):
        train_network(d=4, n=8, m=5, scaling="ntk", times=[1.0])
    with pytest.raises(asy.ParameterError, match="scaling"):
        train_network(d=4, n=8, m=4, scaling="lazy", times=[1.0])


def test_figure_fast():
    from asymptotics.figures import get

    fig, data = get("two-layer-dynamics").make(True)
    lazy = data[(data.panel == "lazy") & (data.source == "two-layer-lazy")]
    late = lazy[lazy.time == lazy.time.max()]
    assert np.all(late.train_error < 0.2 * late.test_error)  # memorized, test flat
    pop = data[data.source == "two-layer-population"]
    assert pop.test_error.iloc[-1] < 0.3 < pop.test_error.iloc[0]

"""spherical-spin: p = 2 closed form and its limits, DMFT convergence to it, p = 3 facts, Monte Carlo."""

import numpy as np
import pytest

import asymptotics as asy
from asymptotics.dmft.pspin import solve_spherical_spin, spherical_p2

XI2 = lambda q: (q, np.ones_like(q))  # ξ = q²/2


def test_p2_closed_form_limits():
    r = asy.evaluate("spherical-spin", p=2, temperature=0.0, time=[0.0, 1e-4, 1e3])
    assert r.energy[0] == pytest.approx(0.0, abs=1e-14) and r.c0[0] == pytest.approx(1.0)
    assert r.energy[1] == pytest.approx(-1e-4, rel=1e-3)  # de/dt(0) = -ξ'(1) = -1
    assert r.energy[2] == pytest.approx(-1 + 3 / 8e3, abs=1e-6)  # -1 + 3/(8t) + O(t^-2)
    for T in (0.3, 0.8):  # below T_c = 1: e -> -1 + T/2 (power-law approach)
        e = asy.evaluate("spherical-spin", p=2, temperature=T, time=2e4).energy
        assert e == pytest.approx(-1 + T / 2, abs=2e-4)
    for T in (1.5, 3.0):  # above: equilibrium paramagnet -1/(2T), reached exponentially fast
        e = asy.evaluate("spherical-spin", p=2, temperature=T, time=60.0).energy
        assert e == pytest.approx(-1 / (2 * T), abs=1e-10)
    r = asy.evaluate("spherical-spin", p=2, temperature=0.7, time=5.0)
    assert r.mu == pytest.approx(0.7 - 2 * r.energy)


def test_p2_closed_form_is_continuous_through_the_critical_temperature():
    T = np.array([0.999, 1.0, 1.001])
    e = asy.evaluate("spherical-spin", p=2, temperature=T, time=30.0).energy
    assert np.all(np.abs(np.diff(e)) < 2e-3) and np.all(np.isfinite(e))
    # independent code path: the numeric helper integrates the same measure with its own rule
    np.testing.assert_allclose(e, [spherical_p2([30.0], t)["energy"][0] for t in T], atol=1e-12)


@pytest.mark.parametrize("T", [0.0, 0.5, 1.5])
def test_dmft_converges_to_p2_closed_form_at_second_order(T):
    errors = []
    for dt, steps in ((0.1, 50), (0.05, 100)):
        d = solve_spherical_spin(XI2, temperature=T, dt=dt, steps=steps)
        assert d.converged and d.residual < 1e-12
        ex = spherical_p2(d.times, T)
        err = max(np.abs(d.energy - ex["energy"]).max(), np.abs(d.R - ex["R"]).max(),
                  np.abs(d.c0 - ex["c0"]).max())
        if T == 0:
            err = max(err, np.abs(d.C - ex["C"]).max())
        errors.append(err)
    assert errors[1] < 3e-3
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.25)  # Heun: O(dt²)


def test_dmft_order_parameters_are_well_formed():
    d = solve_spherical_spin(lambda q: (1.5 * q ** 2, 3 * q), temperature=0.4, dt=0.05, steps=60)
    assert np.allclose(d.C, d.C.T) and np.allclose(np.diag(d.C), 1.0)
    assert np.allclose(np.diag(d.R), 1.0) and np.allclose(np.triu(d.R, 1), 0.0)
    assert np.all(np.abs(d.C) <= 1 + 1e-12)
    np.testing.assert_allclose(d.mu, 0.4 - 3 * d.energy, atol=1e-12)  # μ = T - p e for pure p-spin
    frame = d.to_frame()
    assert list(frame.columns[:2]) == ["time", "energy"] and len(frame) == 61


def test_p3_gradient_flow_and_high_temperature_equilibrium():
    r = asy.evaluate("spherical-spin", p=3, temperature=0.0, time=[5.0, 25.0], dt=0.05)
    threshold = -np.sqrt(4 / 3)  # -sqrt(2(p-1)/p): gradient flow ages above it
    assert r.energy[0] > r.energy[1] > threshold and r.energy[1] < threshold + 0.05
    # above T_d = sqrt(3/8) the dynamics equilibrates to the paramagnet, energy -1/(2T); the Heun
    # error is O(dt²) (2e-3 at dt = 0.05), so Richardson-extrapolate two steps
    coarse, fine = (asy.evaluate("spherical-spin", p=3, temperature=1.0, time=15.0, dt=dt).energy
                    for dt in (0.05, 0.025))
    assert abs(fine + 0.5) < abs(coarse + 0.5) < 3e-3
    assert (4 * fine - coarse) / 3 == pytest.approx(-0.5, abs=2e-4)


def test_method_choice_and_bad_inputs():
    a = asy.evaluate("spherical-spin", p=2, temperature=0.5, time=[1.0, 2.0])
    b = asy.evaluate("spherical-spin", p=2, temperature=0.5, time=[1.0, 2.0], method="dmft", dt=0.01)
    assert a.method == "closed-form" and b.method.startswith("dmft")
    np.testing.assert_allclose(a.energy, b.energy, atol=1e-4)
    with pytest.raises(asy.ParameterError, match="closed-form"):
        asy.evaluate("spherical-spin", p=3, time=1.0, method="closed-form")
    with pytest.raises(asy.ParameterError, match="'p'"):
        asy.evaluate("spherical-spin", p=1, time=1.0)
    with pytest.raises(asy.ParameterError, match="temperature"):
        asy.evaluate("spherical-spin", p=2, temperature=-1.0, time=1.0)
    with pytest.raises(asy.ParameterError, match="dt"):
        asy.evaluate("spherical-spin", p=3, time=1.0, dt=0.0)
    with pytest.raises(asy.ParameterError, match="precision"):
        asy.evaluate("spherical-spin", p=2, time=1.0, precision=30)


def test_monte_carlo_p2():
    # p = 2, T = 0 integrated exactly at N = 400; 12 trials give se ~0.005-0.01. At t <= 2 the
    # finite-N bias is O(1/N) (edge effects appear only for t ~ N^{2/3}): allow 4 se + 1/N.
    n = 400
    frame = asy.check("spherical-spin", n=n, trials=12, seed=2, p=2, temperature=0.0, time=[0.5, 1.0, 2.0])
    assert np.all(np.abs(frame["simulation"] - frame["theory"]) <= 4 * frame["stderr"] + 1.0 / n)
    # Langevin at T = 0.5, N = 200 (Heun + noise, dt = 0.0025)
    n = 200
    frame = asy.check("spherical-spin", n=n, trials=8, seed=4, p=2, temperature=0.5, time=[0.25, 1.0])
    assert np.all(np.abs(frame["simulation"] - frame["theory"]) <= 4 * frame["stderr"] + 1.0 / n)


def test_monte_carlo_p3_short_times():
    # p = 3 has a large finite-N correction (~5/N on the energy at t ~ 1-2, measured at N = 40,
    # 80, 160: the deviation shrinks towards the DMFT); at t = 0.5 and N = 60 it is ~0.05.
    n = 60
    frame = asy.check("spherical-spin", n=n, trials=10, seed=5, p=3, temperature=0.0, time=[0.25, 0.5],
                      dt=0.025)
    energy = frame[frame.observable == "energy"]
    assert np.all(np.abs(energy["simulation"] - energy["theory"]) <= 4 * energy["stderr"] + 5.0 / n)
    assert np.all(energy["simulation"] > energy["theory"] - 4 * energy["stderr"])  # finite N: higher


@pytest.mark.slow
def test_monte_carlo_p3_larger_n():
    n = 160
    frame = asy.check("spherical-spin", n=n, trials=16, seed=6, p=3, temperature=0.0, time=[1.0, 2.0],
                      dt=0.02)
    assert np.all(np.abs(frame["simulation"] - frame["theory"]) <= 4 * frame["stderr"] + 5.0 / n)

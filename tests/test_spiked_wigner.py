"""Spiked Wigner: BBP closed form, I-MMSE, branches and thresholds, AMP vs state evolution."""

import json
import pathlib

import numpy as np
import pytest
import sympy as sp

import asymptotics as asy
from asymptotics.codegen import Kernel
from asymptotics.models import spiked_wigner as sw

REF = json.loads((pathlib.Path(__file__).parent / "reference_values" / "spiked_wigner.json").read_text())


def test_gaussian_prior_is_the_bbp_closed_form():
    snr = np.array([0.5, 1.5, 2.0, 5.0])
    r = asy.evaluate("spiked-wigner", snr=snr, prior="gaussian")
    np.testing.assert_allclose(r.overlap, np.maximum(1 - 1 / snr, 0), atol=1e-12)
    np.testing.assert_allclose(r.overlap, r.spectral_overlap, atol=1e-12)
    assert REF["values"][1]["overlap"] == pytest.approx(
        asy.evaluate("spiked-wigner", snr=2.0, prior="gaussian").overlap, abs=1e-12)


@pytest.mark.parametrize("prior, eps", [("rademacher", 0.1), ("sparse-rademacher", 0.05),
                                        ("sparse-rademacher", 0.3), ("gaussian", 0.1)])
def test_i_mmse_and_rademacher_closed_form(prior, eps):
    g = sp.Symbol("g", positive=True)
    kern = Kernel([sw.overlap_fn(prior, g), sp.diff(sw.free_entropy_fn(prior, g), g),
                   sw.free_entropy_fn(prior, g)], (g, sw.eps, sw.prior_var))
    grid = np.array([1e-3, 0.1, 0.7, 2.0, 9.0])
    m, dpsi, psi = kern({"g": grid, "eps": np.full(grid.size, eps), "prior_var": np.ones(grid.size)})
    np.testing.assert_allclose(dpsi, m / 2, atol=1e-11)  # psi' = m/2 (I-MMSE)
    assert np.all(np.diff(m) > 0) and np.all((m > 0) & (m < 1))
    if prior == "rademacher":  # m(g) = E tanh(g + sqrt(g) Z) by 1-D quadrature
        from scipy import integrate, stats
        for gi, mi in zip(grid, m):
            ref = integrate.quad(lambda z: np.tanh(gi + np.sqrt(gi) * z) * stats.norm.pdf(z),
                                 -np.inf, np.inf, epsabs=1e-13)[0]
            assert mi == pytest.approx(ref, abs=1e-11)


def test_continuous_transition_at_snr_one_for_rademacher():
    r = asy.evaluate("spiked-wigner", snr=[0.5, 0.99, 1.01, 1.2, 3.0])
    assert np.all(r.overlap[:2] == 0) and np.all(r.overlap[2:] > 0)
    assert np.all(np.diff(r.overlap) >= 0)
    assert r.it_threshold[0] == r.spinodal[0] == r.algorithmic_threshold[0] == 1
    # continuous (second-order) transition: the overlap grows linearly in snr - 1
    s = np.array([1.001, 1.002])
    o = asy.evaluate("spiked-wigner", snr=s).overlap
    assert o[1] / o[0] == pytest.approx(2.0, rel=0.01)


def test_sparse_prior_hard_phase_thresholds_and_branches():
    r = asy.evaluate("spiked-wigner", snr=0.6, prior="sparse-rademacher", eps=0.02)
    assert r.spinodal < r.it_threshold < 1 < r.algorithmic_threshold
    kw = {"prior": "sparse-rademacher", "eps": 0.02}
    snr = np.array([0.3, 0.5, 0.9, 1.2])
    amp = asy.evaluate("spiked-wigner", snr=snr, **kw)
    inf = asy.evaluate("spiked-wigner", snr=snr, branch="informative", **kw)
    bay = asy.evaluate("spiked-wigner", snr=snr, branch="bayes", **kw)
    assert np.all(amp.overlap[:3] == 0) and amp.overlap[3] > 0.9
    assert inf.overlap[0] == 0 and np.all(inf.overlap[1:] > 0.8)  # exists above the spinodal
    it = r.it_threshold
    np.testing.assert_allclose(bay.overlap, np.where(snr > it, inf.overlap, 0.0), atol=1e-12)
    np.testing.assert_allclose(amp.mmse, 1 - bay.overlap ** 2, atol=1e-12)
    # the unstable branch exists only between the spinodal and 1
    un = asy.evaluate("spiked-wigner", snr=snr, branch="unstable", throw=False, **kw)
    assert np.isnan(un.overlap[0]) and 0 < un.overlap[1] < inf.overlap[1]
    assert np.isnan(un.overlap[3])
    # the spinodal is a turning point of the branch curve: inf overlap exists just above it only
    sp_ = asy.evaluate("spiked-wigner", snr=[r.spinodal * 0.999, r.spinodal * 1.001],
                       branch="informative", **kw)
    assert sp_.overlap[0] == 0 and sp_.overlap[1] > 0.5
    # at the IT threshold the informative branch has zero free entropy: bayes jumps there
    jump = asy.evaluate("spiked-wigner", snr=[it * 0.999, it * 1.001], branch="bayes", **kw)
    assert jump.overlap[0] == 0 and jump.overlap[1] > 0.5


def test_tricritical_density():
    row = REF["values"][0]
    first = asy.evaluate("spiked-wigner", snr=0.5, prior="sparse-rademacher",
                         eps=[row["tricritical_eps"] - row["tolerance"] - 0.005,
                              row["tricritical_eps"] + row["tolerance"]])
    assert first.spinodal[0] < 1 and first.spinodal[1] == 1


def test_trajectory_from_init_converges_to_the_branch():
    t = np.arange(0, 40)
    r = asy.evaluate("spiked-wigner", snr=2.0, init=0.05, iteration=t)
    assert r.gamma[0] == pytest.approx(0.05) and np.all(np.diff(r.overlap) > 0)
    fixed = asy.evaluate("spiked-wigner", snr=2.0)
    assert r.overlap[-1] == pytest.approx(fixed.overlap, rel=1e-8)
    # gamma_{t+1} = snr m(gamma_t)
    np.testing.assert_allclose(r.gamma[1:], 2.0 * r.overlap[:-1], rtol=1e-12)


def test_monte_carlo_amp_against_state_evolution():
    # n = 500, 5 draws, init gamma_0 = 0.2. The overlap per draw fluctuates by O(1/sqrt n)
    # ~ 0.04; finite-n bias of AMP vs state evolution is O(1/n). |z| < 4.
    f = asy.check("spiked-wigner", n=500, trials=5, seed=3, snr=2.5, init=0.2,
                  iteration=[0, 2, 4, np.inf])
    assert np.all(np.abs(f["z"]) < 4), f.to_string()


@pytest.mark.slow
def test_monte_carlo_sparse_and_rademacher_large():
    f = asy.check("spiked-wigner", n=2000, trials=10, seed=5, snr=np.array([[1.5], [3.0]]),
                  init=0.1, iteration=np.array([[1, 3, 6, np.inf]]))
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    g = asy.check("spiked-wigner", n=2000, trials=10, seed=6, snr=1.5, prior="sparse-rademacher",
                  eps=0.2, init=0.3, iteration=[1, 3, np.inf])
    assert np.all(np.abs(g["z"]) < 4), g.to_string()


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="snr"):
        asy.evaluate("spiked-wigner", snr=-1.0)
    with pytest.raises(asy.ParameterError, match="branch"):
        asy.evaluate("spiked-wigner", snr=1.0, branch="top")
    with pytest.raises(asy.ParameterError, match="eps"):
        asy.evaluate("spiked-wigner", snr=1.0, prior="sparse-rademacher", eps=1.5)
    with pytest.raises(asy.ConvergenceError, match="no_solution"):
        asy.evaluate("spiked-wigner", snr=2.0, branch="unstable")


def test_shared_prior_vocabulary_and_power():
    # Gaussian prior of variance v: m(gamma) = gamma v^2/(1 + gamma v), so the weak-recovery
    # fixed point is gamma = (snr v^2 - 1)/v and the BBP threshold snr = 1/v^2.
    v, snr = 2.0, np.array([0.1, 0.5, 3.0])
    r = asy.evaluate("spiked-wigner", snr=snr, prior="gaussian", prior_var=v)
    gam = np.maximum(snr * v ** 2 - 1, 0) / v
    np.testing.assert_allclose(r.gamma, gam, atol=1e-12)
    np.testing.assert_allclose(r.overlap, gam / snr, atol=1e-12)
    np.testing.assert_allclose(r.spectral_overlap, np.maximum(1 - 1 / (snr * v ** 2), 0), atol=1e-15)
    assert r.it_threshold[0] == pytest.approx(1 / v ** 2)
    # a non-zero mean is refused with a reason (Prior objects = named priors: test_glm_bayes)
    from asymptotics.priors import Prior
    with pytest.raises(asy.ParameterError, match="mean 0"):
        asy.evaluate("spiked-wigner", snr=2.0, prior=Prior.discrete([0.0, 1.0], [0.5, 0.5]))


@pytest.mark.slow
def test_monte_carlo_bernoulli_gaussian_spike():
    # n = 400, 4 draws; |z| < 4 (fluctuations O(1/sqrt n), bias O(1/n))
    f = asy.check("spiked-wigner", n=400, trials=4, seed=7, snr=3.0, prior="bernoulli-gaussian",
                  eps=0.3, prior_var=1 / 0.3, init=0.2, iteration=[1, 3, np.inf])
    assert np.all(np.abs(f["z"]) < 4), f.to_string()

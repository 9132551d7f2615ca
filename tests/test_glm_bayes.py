"""Bayes-optimal GAMP for GLMs: tramp's values, closed forms, thresholds, identities, Monte Carlo."""

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from scipy import integrate
from scipy.special import expit

import asymptotics as asy
from asymptotics.codegen import Kernel
from asymptotics.models import _bayes
from asymptotics.models import glm_bayes as gb
from asymptotics.priors import Prior, family_components

HERE = pathlib.Path(__file__).parent / "reference_values"
REF = json.loads((HERE / "glm_bayes.json").read_text())
TRAMP = json.loads((HERE / "glm_bayes_tramp.json").read_text())
BG = {"prior": "bernoulli-gaussian", "channel": "linear"}


def _ids(row):
    return f"{row['prior']}-a{row['alpha']}-eps{row.get('eps', '')}-d{row['noise']}-i{row.get('init', 0)}"


@pytest.mark.parametrize("row", TRAMP["fixed_points"], ids=_ids)
def test_tramp_state_evolution_fixed_points(row):
    # tramp's quadrature is accurate to ~1.5e-8 relative; the observed agreement is 1e-10.
    kw = {k: row[k] for k in ("prior", "eps", "channel", "noise", "init") if k in row}
    mse = asy.evaluate("glm-bayes", alpha=row["alpha"], **kw).mse
    if row.get("floor"):  # tramp clips precisions at 1e-11: its v is a floor
        assert 0 <= mse < row["mse"]
    else:
        assert mse == pytest.approx(row["mse"], rel=1e-8)


def test_low_noise_fixed_points_against_an_independent_quadrature():
    # V ~ 1e-10: the pair identity keeps the MMSE exact (an independent adaptive quadrature
    # agrees to 1e-9; tramp's own quadrature is 5e-5 off here, see the JSON).
    for row in TRAMP["low_noise"]["values"]:
        r = asy.evaluate("glm-bayes", alpha=row["alpha"], eps=row["eps"], noise=row["noise"],
                         init=row["init"], **BG)
        assert r.mse == pytest.approx(row["reference"], rel=1e-8)
        assert r.mse == pytest.approx(row["tramp"], rel=1e-4)


def test_tramp_critical_line_of_compressed_sensing():
    # tramp bisects the uninformed state evolution to alpha_tol = 0.001.
    crit = TRAMP["critical_lines"]
    vals = crit["values"][1::4]
    eps = np.array([v["eps"] for v in vals])
    r = asy.evaluate("glm-bayes", alpha=0.5, eps=eps, noise=crit["noise"], **BG)
    ref = np.array([v["algorithmic_threshold"] for v in vals])
    assert np.all(np.abs(r.algorithmic_threshold - ref) <= crit["alpha_tol"])
    # the informative branch exists from just above alpha = eps (noiseless limit: alpha = rho)
    assert np.all((r.spinodal > eps) & (r.spinodal < eps + 0.01))
    assert np.all((r.spinodal < r.it_threshold) & (r.it_threshold < r.algorithmic_threshold))


def test_linear_channel_with_gaussian_prior_is_ridge_at_the_optimal_penalty():
    # y = x'w*/sqrt(d) + noise: posterior mean = ridge with per-sample penalty noise*gamma/signal,
    # gamma = d/n = 1/alpha (see the ridge model); excess risk = 1 - q.
    alpha = np.array([0.3, 1.0, 2.5])
    r = asy.evaluate("glm-bayes", alpha=alpha, channel="linear", noise=0.3)
    ridge = asy.evaluate("ridge", gamma=1 / alpha, lam=0.3 / alpha, signal=1.0, noise=0.3)
    np.testing.assert_allclose(r.mse, ridge.excess_risk, rtol=1e-10)
    np.testing.assert_allclose(r.test_error, ridge.test_error, rtol=1e-10)


def test_mutual_information_of_the_gaussian_linear_model_is_the_marchenko_pastur_log_det():
    # I(w; y)/d = (1/2) E log(1 + lambda/noise), lambda ~ spectrum of F'F (F n x d, N(0, 1/d)):
    # alpha times a Marchenko–Pastur law of ratio c = 1/alpha (the atom at 0 adds nothing).
    for alpha, noise in ((2.0, 0.5), (0.5, 0.1)):
        c = 1 / alpha
        a, b = (1 - np.sqrt(c)) ** 2, (1 + np.sqrt(c)) ** 2
        dens = lambda x: np.sqrt((b - x) * (x - a)) / (2 * np.pi * c * x)
        ref = integrate.quad(lambda x: 0.5 * np.log1p(alpha * x / noise) * dens(x), a, b,
                             epsabs=1e-13, limit=200)[0]
        r = asy.evaluate("glm-bayes", alpha=alpha, channel="linear", noise=noise)
        assert r.mutual_information == pytest.approx(ref, rel=1e-10)


def _bg_mmse_quad(r, rho):
    """Bernoulli–Gaussian MMSE by adaptive quadrature in y (independent of the package)."""
    s2 = 1 + r

    def f(y):
        logit = np.log(rho / (1 - rho)) - 0.5 * np.log(s2) + y * y / 2 * (1 - 1 / s2)
        r1 = np.sqrt(r) * y / s2
        return rho * np.exp(-y * y / (2 * s2)) / np.sqrt(2 * np.pi * s2) * (1 / s2 + expit(-logit) * r1 ** 2)

    edges = sorted(set([0, 2, 4, 6, 8, 12, 20, 40] + list(np.sqrt(s2) * np.array([0.5, 1, 2, 4, 8, 16, 40]))))
    return 2 * sum(integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-13, limit=400)[0]
                   for lo, hi in zip(edges[:-1], edges[1:]))


def test_scalar_channel_mmse_i_mmse_and_closed_forms():
    r = sp.Symbol("r", positive=True)
    grid = np.array([1e-3, 0.5, 3.0, 1e2, 1e4, 1e7, 5e9, 1e12])
    ch = _bayes.scalar_channel(family_components("bernoulli-gaussian", 0.3, 1.0), r)
    m, i_, di = Kernel([ch["mmse"], ch["info"], sp.diff(ch["info"], r)], (r,))({"r": grid})
    ref = np.array([_bg_mmse_quad(x, 0.3) for x in grid])
    np.testing.assert_allclose(m, ref, rtol=1e-12)  # adaptive quad at epsrel 1e-13
    np.testing.assert_allclose(2 * di, m, rtol=1e-12)  # I-MMSE: I' = mmse/2
    # rademacher: mmse = 1 - E tanh(r + sqrt(r) Z) = 2 E expit(-2 (r + sqrt(r) Z)) (adaptive
    # quad, breakpoint at the posterior's switch); the panel rule is exact to ~1e-14 absolute.
    # sparse-rademacher and a 4-atom prior: I-MMSE
    g = np.array([0.01, 0.7, 2.0, 9.0, 40.0])
    chr_ = _bayes.scalar_channel(family_components("rademacher", 1.0, 1.0), r)
    (mr,) = Kernel([chr_["mmse"]], (r,))({"r": g})
    for gi, mi in zip(g, mr):
        ref = integrate.quad(lambda z: 2 * expit(-2 * (gi + np.sqrt(gi) * z)) * np.exp(-z * z / 2)
                             / np.sqrt(2 * np.pi), -40, 40, points=[-np.sqrt(gi)], epsabs=0,
                             epsrel=1e-13, limit=500)[0]
        assert mi == pytest.approx(ref, abs=1e-14)
    for comps in (family_components("sparse-rademacher", 0.05, 1.0),
                  [(0.1, -2.0, 0.0), (0.4, 0.0, 0.0), (0.3, 1.0, 0.0), (0.2, 0.5, 0.3)]):
        # I-MMSE by central differences in log r (h = 1e-4: truncation ~ h^2 ~ 1e-8 relative)
        c = _bayes.scalar_channel(comps, r)
        kern = Kernel([c["mmse"], c["info"]], (r,))
        m, i_ = kern({"r": g})
        h = 1e-4
        _, ip = kern({"r": g * np.exp(h)})
        _, im = kern({"r": g * np.exp(-h)})
        np.testing.assert_allclose((ip - im) / (2 * h) / g, m / 2, rtol=1e-6, atol=1e-13)
        assert np.all(np.diff(m) < 0) and np.all(np.diff(i_) > 0)


@pytest.mark.parametrize("channel, noise", [("linear", 0.05), ("sign", 0.0), ("probit", 0.2)])
def test_free_entropy_is_stationary_on_the_state_evolution(channel, noise):
    # d Psi_out/dV = -F_out/2 and I_in' = mmse/2 make Phi = qhat V/2 - I_in(qhat) +
    # alpha Psi_out(V) stationary in (qhat, V) exactly at the state-evolution fixed point.
    vv = sp.Symbol("V", positive=True)
    ch = gb.CHANNELS[channel]
    rho = 0.7
    kern = Kernel([sp.diff(ch.psi_out(vv, rho - vv, gb.noise), vv),
                   ch.f_out(vv, rho - vv, gb.noise)], (vv, gb.noise))
    grid = np.array([1e-4, 0.05, 0.3, 0.6])
    dpsi, f = kern({"V": grid, "noise": np.full(grid.size, noise)})
    np.testing.assert_allclose(dpsi, -f / 2, rtol=1e-9)
    r = asy.evaluate("glm-bayes", alpha=1.3, prior="bernoulli-gaussian", eps=0.4, channel=channel,
                     noise=noise)
    phi = lambda a: asy.evaluate("glm-bayes", alpha=a, prior="bernoulli-gaussian", eps=0.4,
                                 channel=channel, noise=noise).free_entropy
    # envelope theorem: dPhi/dalpha = Psi_out(V*) (central difference, error ~ h^2)
    h = 1e-4
    (psi_star,) = Kernel([ch.psi_out(vv, 0.4 - vv, gb.noise)], (vv, gb.noise))(
        {"V": np.array([r.mse]), "noise": np.array([noise])})
    assert (phi(1.3 + h) - phi(1.3 - h)) / (2 * h) == pytest.approx(psi_star[0], abs=1e-7)


def test_sign_channel_probit_limit_and_perceptron_limits():
    a = np.array([1e-6, 0.5, 1.0, 2.0, 5.0, 20.0])
    r = asy.evaluate("glm-bayes", alpha=a)
    assert r.test_error[0] == pytest.approx(0.5 - np.sqrt(2e-6 / np.pi) / np.pi, abs=1e-6)
    assert np.all(np.diff(r.test_error) < 0) and np.all(np.diff(r.overlap) > 0)
    assert 0.03 < r.test_error[-1] * 20.0 < 1.0  # Bayes error of a spherical teacher ~ c/alpha
    assert np.all(np.isinf(r.algorithmic_threshold))  # no first-order transition
    # probit with vanishing label noise -> sign (the overlap moves by O(sqrt(noise)))
    p = asy.evaluate("glm-bayes", alpha=2.0, channel="probit", noise=1e-10)
    assert p.overlap == pytest.approx(r.overlap[3], abs=1e-4)
    # the mutual information of the noiseless sign channel is at most alpha log 2 (binary labels)
    assert np.all(r.mutual_information <= a * np.log(2) + 1e-12)


@pytest.mark.parametrize("row", REF["values"], ids=lambda r: [k for k in r if "threshold" in k][0])
def test_binary_perceptron_thresholds(row):
    r = asy.evaluate("glm-bayes", alpha=1.0, prior=row["prior"], channel=row["channel"])
    key = [k for k in row if "threshold" in k][0]
    assert abs(r[key] - row[key]) <= row["tolerance"]


def test_binary_perceptron_branches():
    a = np.array([1.0, 1.35, 1.6])
    amp = asy.evaluate("glm-bayes", alpha=a, prior="rademacher")
    bay = asy.evaluate("glm-bayes", alpha=a, prior="rademacher", branch="bayes")
    assert amp.overlap[0] < 1 and amp.overlap[1] < 1 and amp.overlap[2] == 1
    assert bay.overlap[0] < 1 and bay.overlap[1] == 1 == bay.overlap[2]
    assert amp.test_error[2] == 0 and amp.spinodal[0] == 0
    # perfect recovery: Phi = -log 2, I(w; y)/d = log 2
    assert bay.free_entropy[2] == pytest.approx(-np.log(2), abs=1e-12)
    assert bay.mutual_information[2] == pytest.approx(np.log(2), abs=1e-12)
    # trajectory from q = 0: q_1 = m_in(2 alpha/pi), increasing to the fixed point
    tr = asy.evaluate("glm-bayes", alpha=1.0, prior="rademacher", iteration=np.arange(0, 80))
    assert abs(tr.overlap[0]) < 1e-15 and np.all(np.diff(tr.overlap) >= -1e-15)
    assert tr.overlap[-1] == pytest.approx(amp.overlap[0], rel=1e-8)
    assert tr.q_hat[1] == pytest.approx(2 / np.pi, rel=1e-12)
    # the informed start (init = inf) stays at perfect recovery
    inf = asy.evaluate("glm-bayes", alpha=1.0, prior="rademacher", init=np.inf,
                       iteration=[0, 3, np.inf])
    np.testing.assert_array_equal(inf.mse, 0.0)


def test_hard_phase_of_noisy_compressed_sensing():
    kw = dict(eps=0.5, noise=1e-4, **BG)
    r = asy.evaluate("glm-bayes", alpha=0.6, **kw)
    a_sp, a_it, a_alg = r.spinodal, r.it_threshold, r.algorithmic_threshold
    assert 0.5 < a_sp < a_it < a_alg < 0.75
    a = np.array([0.5 * (a_sp + a_it), 0.5 * (a_it + a_alg), a_alg * 1.001])
    amp = asy.evaluate("glm-bayes", alpha=a, **kw)
    inf = asy.evaluate("glm-bayes", alpha=a, branch="informative", **kw)
    un = asy.evaluate("glm-bayes", alpha=a, branch="unstable", throw=False, **kw)
    bay = asy.evaluate("glm-bayes", alpha=a, branch="bayes", **kw)
    assert np.all(amp.mse[:2] > 0.03) and np.all(inf.mse < 2e-3)
    assert amp.mse[2] == pytest.approx(inf.mse[2], rel=1e-10)
    assert np.all(inf.mse[:2] < un.mse[:2]) and np.all(un.mse[:2] < amp.mse[:2])
    assert np.isnan(un.mse[2])
    np.testing.assert_allclose(bay.mse, [amp.mse[0], inf.mse[1], inf.mse[2]], rtol=1e-12)
    np.testing.assert_allclose(amp.mmse, bay.mse, rtol=1e-12)
    # the informed start reaches the informative branch; at the IT threshold Phi is continuous
    np.testing.assert_allclose(asy.evaluate("glm-bayes", alpha=a, init=1e8, **kw).mse, inf.mse,
                               rtol=1e-10)
    lo = asy.evaluate("glm-bayes", alpha=a_it, **kw).free_entropy
    hi = asy.evaluate("glm-bayes", alpha=a_it, branch="informative", **kw).free_entropy
    assert lo == pytest.approx(hi, abs=1e-9)


def test_no_scan_cap_and_extreme_noise():
    # the example (refused before: "beyond the scanned range")
    r = asy.evaluate("glm-bayes", alpha=0.55, prior="rademacher", channel="linear", noise=0.01)
    assert r.q_hat == pytest.approx(0.55 / (r.mse + 0.01), rel=1e-12) and r.mse < 1e-12
    out = subprocess.run([sys.executable, "-m", "asymptotics.cli", "eval", "glm-bayes",
                          "alpha=0.55", "prior=rademacher", "channel=linear", "noise=0.01"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    # qhat ~ 1e12 (noise 1e-12): MSE -> eps noise/(alpha - eps) (the Gaussian part), to the
    # first order in 1/sqrt(qhat) corrections of the zero atom
    r = asy.evaluate("glm-bayes", alpha=[0.9, 50.0], eps=0.3, noise=1e-12, **BG)
    np.testing.assert_allclose(r.mse, 0.3e-12 / (np.array([0.9, 50.0]) - 0.3), rtol=2e-3)
    big = asy.evaluate("glm-bayes", alpha=[1e3, 1e6], prior="rademacher", channel="probit", noise=0.3)
    assert np.all(big.mse < 1e-10) and np.all(np.diff(big.q_hat) > 0)


def test_prior_objects_samples_and_densities():
    named = asy.evaluate("glm-bayes", alpha=1.2, eps=0.2, channel="probit", noise=0.1,
                         prior="bernoulli-gaussian")
    obj = asy.evaluate("glm-bayes", alpha=1.2, channel="probit", noise=0.1,
                       prior=Prior.named("bernoulli-gaussian", 0.2, 1.0))
    assert obj.mse == pytest.approx(named.mse, rel=1e-12)
    rad = asy.evaluate("glm-bayes", alpha=1.1, channel="linear", noise=0.05, prior="rademacher")
    smp = asy.evaluate("glm-bayes", alpha=1.1, channel="linear", noise=0.05,
                       prior=np.tile([-1.0, 1.0], 500))
    assert smp.mse == pytest.approx(rad.mse, rel=1e-12)


@pytest.mark.slow
def test_density_prior_binned():
    # a unit-variance Laplace density as a moment-matched Gaussian mixture ([heuristic]: with 16
    # bins, the default, the MMSE is within 1.5% of the density's at snr 0.5-500; 8 bins here to
    # keep the test fast, 3%): between the Gaussian (worst prior at fixed power) and binary ones
    dens = Prior.density("exp(-sqrt(2)*abs(x))/sqrt(2)")
    assert dens.binned().size == 16 and dens.binned().second_moment == pytest.approx(1.0, abs=1e-6)
    lap = asy.evaluate("glm-bayes", alpha=2.0, channel="linear", noise=0.1, prior=dens.binned(8))
    full = asy.evaluate("glm-bayes", alpha=2.0, channel="linear", noise=0.1, prior=dens)
    assert full.mse == pytest.approx(lap.mse, rel=0.05)  # 8 vs 16 bins: ~3% vs ~1.5% off
    gau = asy.evaluate("glm-bayes", alpha=2.0, channel="linear", noise=0.1)
    assert lap.mse < gau.mse
    assert lap.overlap + lap.mse == pytest.approx(1.0, abs=1e-6)  # E X^2 = 1 kept by the bins


def test_numeric_mixture_node_is_the_symbolic_form():
    # mixtures given by data with more than 3 components are evaluated by MixtureChannel (numpy);
    # the same identities expanded in sympy agree to round-off
    r = sp.Symbol("r", positive=True)
    comps = [(0.1, -2.0, 0.0), (0.4, 0.0, 0.0), (0.3, 1.0, 0.0), (0.2, 0.5, 0.3)]
    g = np.array([0.0, 1e-3, 0.3, 2.0, 20.0, 300.0, 1e4, 1e8])
    old = _bayes.SYMBOLIC_COMPONENTS
    try:
        _bayes.SYMBOLIC_COMPONENTS = 10
        sym = _bayes.scalar_channel(comps, r)
    finally:
        _bayes.SYMBOLIC_COMPONENTS = old
    m, i_, o = Kernel([sym["mmse"], sym["info"], sym["overlap"]], (r,))({"r": g})
    nm, ni, no = _bayes.MixtureChannel(comps).evaluate(g)
    np.testing.assert_allclose(nm, m, rtol=1e-13)
    np.testing.assert_allclose(no, o, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(ni, i_, rtol=1e-13, atol=1e-14)
    r1 = asy.evaluate("glm-bayes", alpha=1.5, channel="probit", noise=0.2,
                      prior=Prior.mixture([0.1, 0.4, 0.3, 0.2], [-2.0, 0.0, 1.0, 0.5], [0, 0, 0, 0.3]))
    assert 0 < r1.mse < r1.overlap + r1.mse


def test_monte_carlo_gamp_against_state_evolution():
    # d = 400-1000, 4-6 draws: overlaps fluctuate by O(1/sqrt(d)) per draw (the z uses the
    # spread over draws); the finite-size bias of GAMP vs state evolution is O(1/d). |z| < 4.
    f = asy.check("glm-bayes", d=400, trials=6, seed=1, alpha=2.0, iteration=[1, 3, np.inf])
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    g = asy.check("glm-bayes", d=400, trials=6, seed=2, alpha=1.0, prior="rademacher",
                  iteration=[1, 3, np.inf])
    assert np.all(np.abs(g["z"]) < 4), g.to_string()
    h = asy.check("glm-bayes", d=1000, trials=4, seed=3, alpha=0.6, eps=0.3, noise=1e-3,
                  iteration=[2, 5, np.inf], **BG)
    assert np.all(np.abs(h["z"]) < 4), h.to_string()
    k = asy.check("glm-bayes", d=600, trials=4, seed=4, alpha=1.2, prior="rademacher",
                  channel="probit", noise=0.1, iteration=[1, np.inf])
    assert np.all(np.abs(k["z"]) < 4), k.to_string()


def test_monte_carlo_informed_start_in_the_hard_phase():
    # alpha = 0.68 lies between the spinodal (0.649) and the algorithmic threshold (0.688) of
    # noise = 1e-4, eps = 0.5: GAMP from side information of precision 1e6 stays on the
    # informative branch (MSE ~ 6e-4), the uninformed start on the low one (MSE ~ 0.05).
    kw = dict(alpha=0.68, eps=0.5, noise=1e-4, iteration=[1, np.inf], **BG)
    f = asy.check("glm-bayes", d=1000, trials=4, seed=5, init=1e6, **kw)
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    th = f[(f.observable == "mse") & np.isinf(f.iteration)]
    assert float(th.theory.iloc[0]) < 1e-3


@pytest.mark.slow
def test_monte_carlo_large():
    f = asy.check("glm-bayes", d=2000, trials=10, seed=4, alpha=np.array([[0.5], [3.0]]),
                  iteration=np.array([[1, 4, np.inf]]))
    assert np.all(np.abs(f["z"]) < 4), f.to_string()
    g = asy.check("glm-bayes", d=1500, trials=10, seed=5, alpha=1.0, prior="rademacher",
                  channel="linear", noise=0.1, iteration=[1, 3, np.inf])
    assert np.all(np.abs(g["z"]) < 4), g.to_string()
    h = asy.check("glm-bayes", d=2000, trials=6, seed=6, alpha=1.5, eps=0.3, prior="bernoulli-gaussian",
                  channel="sign", iteration=[2, np.inf])
    assert np.all(np.abs(h["z"]) < 4), h.to_string()


def test_bad_inputs():
    with pytest.raises(asy.ParameterError, match="noise"):
        asy.evaluate("glm-bayes", alpha=1.0, channel="linear", noise=0.0)
    with pytest.raises(asy.ParameterError, match="noise"):
        asy.evaluate("glm-bayes", alpha=1.0, channel="sign", noise=0.1)
    with pytest.raises(asy.ParameterError, match="alpha"):
        asy.evaluate("glm-bayes", alpha=0.0)
    with pytest.raises(asy.ParameterError, match="channel"):
        asy.evaluate("glm-bayes", alpha=1.0, channel="relu")
    with pytest.raises(asy.ParameterError, match="eps"):
        asy.evaluate("glm-bayes", alpha=1.0, prior="bernoulli-gaussian", eps=1.0)
    with pytest.raises(asy.ParameterError, match="prior_weights"):
        asy.evaluate("glm-bayes", alpha=1.0, prior="empirical", prior_values=[0.0, 1.0],
                     prior_weights=[0.5, 0.6])
    with pytest.raises(asy.ParameterError, match="prior"):
        asy.evaluate("glm-bayes", alpha=1.0, prior="laplace-ish")

"""verify.bound / monotone / theta / enclose: worst cases, certified counterexamples, Arb
branch-and-bound certificates and Krawczyk enclosures."""

import pytest

import asymptotics as asy
from asymptotics.verify import Status
from asymptotics.verify.bound import bound, enclose, monotone, theta

TUNED = {"lam": "noise*gamma/signal"}  # optimally tuned isotropic ridge (Dobriban–Wager)


def test_false_bound_refuted_by_certified_counterexample():
    """R*(gamma) <= gamma/(1 + gamma) fails near gamma = 1.311: margin -0.12158510687..., an Arb
    ball entirely below zero."""
    v = bound("ridge", "excess_risk <= gamma/(1 + gamma)", over={"gamma": ("1/100", 100)}, tie=TUNED,
              signal=1, noise=1, grid_points=801)
    assert v.status == Status.REFUTED and v.details["certified"]
    assert float(v.details["worst_point_decimal"]["gamma"]) == pytest.approx(1.3111, abs=2e-3)
    assert float(v.estimate) == pytest.approx(-0.12158510687, abs=1e-9)


def test_tuned_ridge_risk_increasing_certified():
    """Nakkiran, Venkat, Kakade, Ma 2021: optimally tuned isotropic ridge risk increases with gamma;
    certified on [0.01, 100] by Arb boxes (thousands of them)."""
    v = monotone("ridge", "excess_risk", "gamma", over={"gamma": ("1/100", 100)}, tie=TUNED,
                 signal=1, noise=1, grid_points=401)
    assert v.status == Status.CERTIFIED
    assert 500 < v.details["boxes"] < 100000


@pytest.mark.slow
@pytest.mark.parametrize("noise", ["1/4", "4"])
def test_tuned_ridge_risk_increasing_other_noise(noise):
    v = monotone("ridge", "excess_risk", "gamma", over={"gamma": ("1/100", 100)}, tie=TUNED,
                 signal=1, noise=noise)
    assert v.status == Status.CERTIFIED


def test_untuned_ridgeless_not_monotone():
    """Without tuning the ridgeless risk has its peak: 'increasing on [1/2, 2]' is refuted."""
    v = monotone("ridge", "excess_risk", "gamma", over={"gamma": ("1/2", "9/10")}, lam="1/100",
                 signal=1, noise=1, grid_points=201, certify=False, increasing=False)
    assert v.status == Status.REFUTED


def test_theta_bounds_of_a_ratio():
    """Tuned ridge risk / (gamma/(1 + gamma)) stays in fixed positive bounds on [1/10, 10]."""
    v = theta("ridge", "excess_risk", "gamma/(1 + gamma)", over={"gamma": ("1/10", 10)}, tie=TUNED,
              signal=1, noise=1, grid_points=401)
    assert v.status == Status.SUPPORTED
    lo, hi = float(v.details["inf_ratio"]), float(v.details["sup_ratio"])
    assert 0 < lo < hi < 2


def test_krawczyk_enclosure_general_ridge():
    """General ridge, power-law p = 1000, n = 100, lam = 0.01, noise = 0.1: a certified enclosure of
    the excess risk 0.02302825385914392...; it contains the value that mpmath finds at 40 digits from
    the textbook deterministic equivalent, written here independently of the model file:
    κ - λ = (κ/n) Σ s/(s + κ), risk = (κ² Σ s β²/(s + κ)² + σ² df₂/n)/(1 - df₂/n)."""
    import mpmath as mp

    spectrum = "power-law:p=1000,decay=1.5,source=0.5"
    v = enclose("ridge", "excess_risk", digits=30, n=100, lam="1/100", noise="1/10", spectrum=spectrum)
    assert v.status == Status.CERTIFIED and v.details["method"] == "Krawczyk"
    # The enclosure is of the spectrum as given, in float64; numpy's vectorized pow that makes the
    # power law rounds differently on different CPUs (SIMD), which moves the 17th digit. So the
    # reference is computed from those same floats, not typed in.
    spec = asy.spectra.parse_spectrum(spectrum)
    with mp.workdps(40):
        s = [mp.mpf(float(x)) for x in spec.eigenvalues]
        b2 = [mp.mpf(float(x)) ** 2 for x in spec.target]
        n, lam, noise = 100, mp.mpf(1) / 100, mp.mpf(1) / 10
        kappa = mp.findroot(lambda k: k - lam - k / n * mp.fsum(x / (x + k) for x in s), mp.mpf("0.05"))
        df2 = mp.fsum(x ** 2 / (x + kappa) ** 2 for x in s)
        bias = kappa ** 2 * mp.fsum(x * b / (x + kappa) ** 2 for x, b in zip(s, b2))
        ref = (bias + noise * df2 / n) / (1 - df2 / n)
        assert abs(mp.mpf(v.estimate) - ref) < mp.mpf("1e-30")  # ball radius ~5e-32
    assert abs(float(ref) - 0.023028253859143922) < 1e-17  # an ulp of the inputs moves it ~4e-18

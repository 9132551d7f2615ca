"""verify.bound / monotone / theta / enclose: worst cases, certified counterexamples, Arb
branch-and-bound certificates and Krawczyk enclosures."""

import mpmath as mp
import pytest

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
    the excess risk 0.023028253859143927... (float64 gives ...925)."""
    v = enclose("ridge", "excess_risk", digits=30, n=100, lam="1/100", noise="1/10",
                spectrum="power-law:p=1000,decay=1.5,source=0.5")
    assert v.status == Status.CERTIFIED and v.details["method"] == "Krawczyk"
    assert v.estimate.startswith("0.023028253859143926")

"""verify.same: two formulations at random exact rational points; reparametrization search."""

import sympy as sp

from asymptotics.verify import Status, same

g, lam, signal, noise = sp.symbols("gamma lam signal noise", positive=True)
# Stieltjes transform of the Marchenko–Pastur law of ratio gamma at z = -lam, and m'(-lam)
M = (-(1 - g + lam) + sp.sqrt((1 - g + lam) ** 2 + 4 * g * lam)) / (2 * g * lam)
dM = -sp.diff(M, lam)
OVER = {"gamma": ("1/10", 10), "lam": ("1/100", 10)}


def test_ridge_against_stieltjes_form():
    """bias = signal lam² m'(-lam), variance = noise gamma [m(-lam) - lam m'(-lam)] (HMRT Sec. 5):
    equal to the model's observables at 40 random rational points to < 1e-47."""
    b = same("ridge:bias", signal * lam ** 2 * dM, over=OVER, signal="3/2", noise=1, points=40)
    v = same("ridge:variance", noise * g * (M - lam * dM), over=OVER, signal=1, noise="1/3", points=40)
    for r in (b, v):
        assert r.status == Status.SUPPORTED
        assert float(r.details["max_relative_difference"]) < 1e-47


def test_normalization_search_finds_the_map():
    """A copy written with lam' = lam gamma and the noise as a standard deviation differs; the
    search reports the map (lam -> gamma lam, noise -> sqrt(noise))."""
    sd = sp.Symbol("sigma", positive=True)
    copy = (sd ** 2 * g * (M - lam * dM)).xreplace({lam: lam / g}).xreplace({sd: noise})
    v = same("ridge:variance", copy, over={**OVER, "noise": ("1/10", 4)}, signal=1, points=8, digits=40)
    assert v.status == Status.REFUTED
    assert v.details["map"] == {"lam": "gamma*lam", "noise": "sqrt(noise)"}

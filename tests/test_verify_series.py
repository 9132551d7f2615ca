"""verify.series: Taylor / Puiseux coefficients of fixed points from the model's System."""

import pytest
import sympy as sp

from asymptotics.verify import Status, series


def test_isotropic_kappa_at_gamma_two():
    v = series("ridge", "kappa", "lam", 0, order=4, gamma=2)
    assert v.status == Status.CERTIFIED
    assert [v.details["coefficients"][str(k)] for k in range(5)] == ["1", "2", "-2", "6", "-22"]
    errs = [float(r["error"]) for r in v.details["error_ladder"]]
    assert all(b < a for a, b in zip(errs, errs[1:]))


def test_isotropic_kappa_symbolic_gamma():
    v = series("ridge", "kappa", "lam", 0, order=3, symbolic={"gamma": ">1"},
               claim="(gamma-1) + gamma*eps/(gamma-1) - gamma*eps**2/(gamma-1)**3"
                     " + gamma*(gamma+1)*eps**3/(gamma-1)**5")
    assert v.status == Status.CERTIFIED
    wrong = series("ridge", "kappa", "lam", 0, order=2, symbolic={"gamma": ">1"},
                   claim="(gamma-1) + gamma*eps/(gamma-1) - 2*gamma*eps**2/(gamma-1)**3")
    assert wrong.status == Status.REFUTED


def test_puiseux_at_the_peak():
    """gamma = 1: kappa = sqrt(lam) + lam/2 + lam^(3/2)/8 - lam^(5/2)/128 + ..."""
    v = series("ridge", "kappa", "lam", 0, order=3, gamma=1,
               claim="sqrt(eps) + eps/2 + eps**(3/2)/8 - eps**(5/2)/128")
    assert v.status == Status.CERTIFIED and v.details["puiseux"]


def test_marchenko_pastur_moments_are_narayana():
    """The Stieltjes transform m(-lam) = kappa/(lam (1 + kappa)) in 1/lam: coefficients (-1)^k times
    the moments 1, 1, 1 + gamma, 1 + 3 gamma + gamma², ... (Narayana polynomials); 1, 3, 11, 45 at
    gamma = 2."""
    g = sp.Symbol("gamma")
    v = series("ridge", "kappa/(lam*(1+kappa))", "lam", "inf", order=5, symbolic={"gamma": ">0"})
    c = {int(k): sp.sympify(x, locals={"gamma": g}) for k, x in v.details["coefficients"].items()}
    narayana = [1, 1, 1 + g, 1 + 3 * g + g ** 2, 1 + 6 * g + 6 * g ** 2 + g ** 3]
    for k, n in enumerate(narayana):
        assert sp.expand(c[k + 1] - (-1) ** k * n) == 0
    at2 = series("ridge", "kappa/(lam*(1+kappa))", "lam", "inf", order=5, gamma=2)
    assert [abs(int(at2.details["coefficients"][str(k)])) for k in range(2, 6)] == [1, 3, 11, 45]


def test_fixed_point_series_under_a_spectral_average():
    """General ridge, power-law spectrum p = 1000, n = 100, lam0 = 0.01: implicit-function
    theorem under the average; d kappa/d lam = 1.14392673158846 (agrees with a central finite
    difference of the solved kappa to its O(h²) error), error ladder falling with the order."""
    kw = dict(n=100, noise=1, spectrum="power-law:p=1000,decay=1.5,source=0.5")
    v = series("ridge", "kappa", "lam", "1/100", order=4, digits=25, **kw)
    assert v.status == Status.SUPPORTED
    c1 = float(v.details["coefficients"]["1"])
    assert c1 == pytest.approx(1.14392673158846, rel=1e-13)
    import asymptotics as asy

    h = 1e-5
    k = asy.evaluate("ridge", lam=[0.01 - h, 0.01 + h], **kw).kappa
    assert c1 == pytest.approx((k[1] - k[0]) / (2 * h), rel=1e-7)  # O(h² c3/c1) ~ 1e-8
    errs = [float(r["error"]) for r in v.details["error_ladder"]]
    assert all(b < a for a, b in zip(errs, errs[1:]))

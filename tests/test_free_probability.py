"""Free convolution with a semicircle: closed forms, moments, random matrices."""

import numpy as np
import pytest

from asymptotics import free_probability as fp


def test_point_mass_gives_the_semicircle():
    omega = 0.7
    dens = fp.add_semicircle(fp.DiscreteMeasure([0.0]), omega)
    exact = np.sqrt(np.maximum(4 * omega ** 2 - dens.x ** 2, 0)) / (2 * np.pi * omega ** 2)
    # bisection of v to 2^-48 ω and the closed-form Stieltjes transform: the density is exact at the nodes
    np.testing.assert_allclose(dens.density * dens.mass, exact, atol=1e-12)
    assert dens.support[0] == pytest.approx((-2 * omega, 2 * omega), abs=1e-12)
    # Hilbert transform of the semicircle on its support: x/(2 ω²)
    np.testing.assert_allclose(dens.hilbert, dens.x / (2 * omega ** 2), atol=1e-12)
    # trapezoid on Chebyshev nodes: mass and moments to ~1e-6 (square-root edges)
    assert dens.mass == pytest.approx(1.0, abs=1e-5)
    assert dens.integrate(dens.x ** 4) == pytest.approx(2 * omega ** 4, rel=1e-5)


@pytest.mark.parametrize("ratio,omega", [(0.5, 0.3), (2.0, 0.02), (2.0, 0.5), (4.0, 2.0)])
def test_marchenko_pastur_moments(ratio, omega):
    mp = fp.MarchenkoPastur(ratio)
    dens = fp.add_semicircle(mp, omega)
    # free cumulants add: mean 1, variance + ω²; third moment gains 3 ω² × mean
    m3 = 1 + 3 * ratio + ratio ** 2
    # quadrature error ~1e-5 (worst at small ω, where the atom's bump is narrow)
    assert abs(1 - dens.mass) < 3e-5
    assert dens.integrate(dens.x) == pytest.approx(1.0, abs=5e-5)
    assert dens.integrate(dens.x ** 2) == pytest.approx(mp.second_moment + omega ** 2, rel=1e-4)
    assert dens.integrate(dens.x ** 3) == pytest.approx(m3 + 3 * omega ** 2, rel=2e-4)
    if ratio > 1 and omega < 0.1:  # the atom at 0 stays a separate bump of mass 1 - 1/ratio
        assert len(dens.support) == 2
        assert 1 - dens.mass_above(dens.support[0][1] + 1e-9) == pytest.approx(1 - 1 / ratio, abs=1e-4)


def test_stieltjes_transforms_agree_with_quadrature():
    mp = fp.MarchenkoPastur(0.5)
    lo, hi = mp.edges
    s = np.linspace(lo, hi, 200001)
    rho = np.sqrt(np.maximum((hi - s) * (s - lo), 0)) / (2 * np.pi * 0.5 * s)
    z = 1.3 + 0.4j
    g = np.trapezoid(rho / (z - s), s)
    assert mp.stieltjes(z) == pytest.approx(g, abs=1e-7)
    u = 5.0  # outside the support: ∫ dμ/(u - s)²
    assert mp.inverse_square_moment(u) == pytest.approx(np.trapezoid(rho / (u - s) ** 2, s), rel=1e-7)
    disc = fp.DiscreteMeasure([1.0, 1.0, 3.0])
    assert disc.stieltjes(np.array(2.0 + 1j)) == pytest.approx((2 / 3) / (1 + 1j) + (1 / 3) / (-1 + 1j))


def test_random_matrix_spectrum():
    # S* = W'W/m (d = 1200, m = 600) plus ω GOE: a spectral functional and the divergence double sum
    rng = np.random.default_rng(0)
    d, omega = 1200, 0.5
    w = rng.standard_normal((d // 2, d))
    g = rng.standard_normal((d, d))
    ev = np.linalg.eigvalsh(w.T @ w / (d // 2) + omega * (g + g.T) / np.sqrt(2 * d))
    dens = fp.add_semicircle(fp.MarchenkoPastur(2.0), omega)
    f = lambda x: np.maximum(x - 0.3, 0)
    # finite-d fluctuations of linear spectral statistics are O(1/d); 5e-3 relative is ample
    assert np.mean(f(ev) ** 2) == pytest.approx(dens.integrate(f(dens.x) ** 2), rel=5e-3)
    fe = f(ev)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = (fe[:, None] - fe[None, :]) / (ev[:, None] - ev[None, :])
    np.fill_diagonal(k, (ev > 0.3).astype(float))
    assert k.mean() == pytest.approx(2 * dens.integrate(f(dens.x) * dens.hilbert), rel=5e-3)
    assert np.mean(ev > 0.3) == pytest.approx(dens.mass_above(0.3), abs=5e-3)


def test_bad_input():
    with pytest.raises(ValueError, match="omega"):
        fp.add_semicircle(fp.MarchenkoPastur(1.0), 0.0)
    with pytest.raises(ValueError, match="ratio"):
        fp.MarchenkoPastur(-1.0)

"""The vocabulary's declarations are what they say, and every consumer reads the same ones."""

import importlib

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, optimize, special

import asymptotics as asy
from asymptotics import vocabulary
from asymptotics.codegen import Kernel
from asymptotics.vocabulary import LINKS, LOSSES, U, V

classification_twin = importlib.import_module("asymptotics.simulate.classification")


def _numeric(expr, *symbols):
    kernel = Kernel([expr], symbols)
    return lambda **kw: float(np.asarray(kernel({k: np.array([v]) for k, v in kw.items()})[0]).reshape(-1)[0])


@pytest.mark.parametrize("name", list(LOSSES))
def test_prox_is_the_argmin_and_its_derivative(name):
    loss = LOSSES[name]
    value = _numeric(loss.margin, U)
    prox_expr, dprox_expr = loss.prox_at(U, V)
    prox = _numeric(prox_expr, U, V)
    dprox = _numeric(dprox_expr, U, V)
    rng = np.random.default_rng(0)
    for u, step in zip(rng.normal(0.5, 2.0, 12), rng.uniform(0.05, 3.0, 12)):
        best = optimize.minimize_scalar(lambda t: step * value(u=t) + (t - u) ** 2 / 2,
                                        bracket=(u - 5 * step - 5, u + 5), tol=1e-12)
        # the objective is strongly convex with curvature >= 1: |t - t*| <= sqrt(2 gap) ~ 1e-7
        assert prox(u=u, V=step) == pytest.approx(best.x, abs=1e-6)
        if all(abs(u - float(k.subs(V, step))) > 1e-3 for k in loss.kinks):
            h = 1e-6  # central difference away from the kinks: error O(h²) + rounding 1e-10
            fd = (prox(u=u + h, V=step) - prox(u=u - h, V=step)) / (2 * h)
            assert dprox(u=u, V=step) == pytest.approx(fd, abs=1e-6)
    assert float(loss.slope_at_zero) == pytest.approx(
        (value(u=1e-7) - value(u=-1e-7)) / 2e-7 if loss.smooth else (value(u=1e-7) - value(u=0)) / 1e-7,
        abs=1e-5)


@pytest.mark.parametrize("name", [n for n, link in LINKS.items() if link.smoothed is not None])
def test_link_smoothed_closed_forms(name):
    link = LINKS[name]
    f = _numeric(link.probability, U)
    closed = _numeric(link.smoothed, vocabulary.MU, vocabulary.VAR)
    for mu, var in ((0.3, 0.5), (-1.2, 2.0), (2.0, 0.1)):
        quad = integrate.quad(lambda z: f(u=mu + np.sqrt(var) * z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi),
                              -12, 12, points=[-mu / np.sqrt(var)], epsabs=1e-13, limit=200)[0]
        assert closed(mu=mu, var=var) == pytest.approx(quad, abs=1e-10)


@pytest.mark.parametrize("name", list(LINKS))
def test_direction_error_closed_forms_match_quadrature(name):
    # the twins' exact test error: closed form where declared, quadrature otherwise; both agree
    # with a direct two-dimensional integral of the definition (quadrature error ~1e-10)
    f = _numeric(LINKS[name].probability, U)
    for c, signal in ((0.6, 1.0), (0.9, 3.0), (-0.2, 0.5)):
        s = np.sqrt(1 - c * c)

        def integrand(g):
            p_plus = f(u=np.sqrt(signal) * g)
            return np.exp(-g * g / 2) / np.sqrt(2 * np.pi) * (
                p_plus * special.ndtr(-c * g / s) + (1 - p_plus) * special.ndtr(c * g / s))

        direct = integrate.quad(integrand, -12, 12, points=[0.0], epsabs=1e-13, limit=200)[0]
        got = classification_twin.test_error_from_cosine(c, name, signal, 0.0)
        assert got == pytest.approx(direct, abs=1e-9)


def test_consumers_read_the_vocabulary():
    # one declaration: erm's and dmft-glm's loss options, the classification links, the twin's fits
    assert asy.models.get("erm").variants[0].param_specs["loss"].domain.options == tuple(LOSSES)
    assert asy.models.get("dmft-glm").variants[0].param_specs["loss"].domain.options == tuple(LOSSES)
    assert asy.models.get("max-margin").variants[0].param_specs["link"].domain.options == tuple(LINKS)
    from asymptotics.models import dmft_glm

    assert dmft_glm.LOSSES["hinge"] == LOSSES["hinge"].pointwise(smoothing=True)
    assert sp.simplify(dmft_glm.LOSSES["square"] - LOSSES["square"].pointwise()) == 0


def test_squared_hinge_erm_theory_against_its_twin():
    # the squared hinge needs no code of its own: its prox and kink come from the vocabulary, its
    # twin is the generic Newton fit. n = 400 (d = 200), 12 trials: |z| < 4 covers the standard
    # error; the O(1/n) finite-size bias of these overlaps is below 0.5 s.e. at this size (the
    # other losses' tests measured it).
    frame = asy.check("erm", n=400, trials=12, seed=5, alpha=2.0, lam=0.3, loss="squared-hinge",
                      link="probit", signal=2.0, flip=0.05)
    assert set(frame["observable"]) >= {"cosine", "q", "train_loss", "test_error"}
    assert np.all(np.abs(frame["z"]) < 4), frame


def test_squared_hinge_tends_to_the_square_loss_at_large_penalty():
    # lam -> inf: w ≈ (|L'(0)|/lam) sum_i y_i x_i for every loss with L'(0) = -1, so the cosines of
    # the square and squared-hinge estimators agree to O(1/lam) (margins y a'w = O(1/lam) < 1:
    # both losses coincide on the data)
    kw = dict(alpha=2.0, link="sign", flip=0.1)
    gaps = []
    for lam in (1e2, 1e3):
        sq = asy.evaluate("erm", lam=lam, loss="square", **kw).cosine
        sh = asy.evaluate("erm", lam=lam, loss="squared-hinge", **kw).cosine
        gaps.append(abs(sq - sh))
    assert gaps[1] < 1e-9  # at lam = 1e3 every margin is below 1: the losses coincide exactly
    # ... while the hinge (linear below margin 1, not quadratic) approaches the same limit at rate
    # 1/lam: the gap shrinks tenfold from lam = 1e2 to 1e3 (to 20%: the next order is 1/lam²)
    hinge_gaps = [abs(asy.evaluate("erm", lam=lam, loss="hinge", **kw).cosine
                      - asy.evaluate("erm", lam=lam, loss="square", **kw).cosine) for lam in (1e2, 1e3)]
    assert hinge_gaps[0] / hinge_gaps[1] == pytest.approx(10, rel=0.2)


def test_the_name_tables_of_measures_match_their_sympy_forms():
    # measures keeps names (sympy-free, for domains and warm starts) apart from the forms that
    # build the kernels: adding an activation, target or layout must update both
    from asymptotics import measures

    _, activations, targets = measures.network_forms()
    assert tuple(activations) == measures.NETWORK_ACTIVATIONS
    assert tuple(targets) == measures.SINGLE_INDEX_TARGETS
    for data, layout in measures.MIXTURE_LAYOUTS.items():
        assert len(measures.mixture_forms(data)["fields"]) == layout.k

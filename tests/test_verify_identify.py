"""verify.identify: closed forms from verified digits, found at two precisions; none from floats."""

import mpmath as mp

from asymptotics.verify import Status, identify


def test_ridge_optimum_is_algebraic():
    """gamma = lam = 1/10, signal = noise = 1 (the optimal penalty): excess risk sqrt(26) - 5,
    root of x² + 10x - 1."""
    v = identify(model="ridge", observable="excess_risk", digits=45, gamma="1/10", lam="1/10",
                 signal=1, noise=1)
    assert v.status == Status.SUPPORTED
    assert v.details["coefficients"] == [1, 10, -1]
    assert v.details["closed_form"] in ("-5 + sqrt(26)", "sqrt(26) - 5")


def test_float_rounded_input_gives_nothing():
    v = identify(model="ridge", observable="excess_risk", digits=45, gamma=0.1, lam=0.1, signal=1, noise=1)
    assert v.status == Status.INCONCLUSIVE and "no relation" in v.message


def test_golden_ratio_at_gamma_one_and_claims():
    v = identify(model="ridge", observable="excess_risk", digits=40, gamma=1, lam=1, signal=1, noise=1,
                 claim="(sqrt(5) - 1)/2")
    assert v.status == Status.SUPPORTED and v.details["coefficients"] == [1, 1, -1]
    bad = identify(model="ridge", observable="excess_risk", digits=40, gamma=1, lam=1, signal=1,
                   noise=1, claim="0.618")
    assert bad.status == Status.REFUTED


def test_pslq_with_domain_basis():
    with mp.workdps(60):
        x = mp.mpf(1) / 3 + 2 * mp.sqrt(2 * mp.pi) + mp.log(2)
        v = identify(mp.nstr(x, 55), correct_digits=55)
    assert v.status == Status.SUPPORTED
    assert "log(2)" in v.details["closed_form"] and "1/3" in v.details["closed_form"]
    # the same number with only 20 correct digits: too few for a 4-term relation with spare digits
    short = identify(mp.nstr(x, 20), correct_digits=20)
    assert short.status == Status.INCONCLUSIVE

"""verify.transition: threshold observables at two precisions, branch points by extrapolation."""

import pytest

from asymptotics.verify import Status, transition


def test_gardner_capacity_two():
    v = transition("gardner", "capacity", kappa=0, claim=2)
    assert v.status == Status.CERTIFIED and v.estimate.startswith("2.00000000000000000000")


def test_cover_one_half_for_logistic_mle_without_signal():
    v = transition("mle-existence", "threshold", intercept=0, signal=0, claim="1/2")
    assert v.status in (Status.SUPPORTED, Status.CERTIFIED) and v.digits >= 25


@pytest.mark.parametrize("prior", ["rademacher", "gaussian"])
def test_bbp_threshold_by_branch_point(prior):
    """The informative branch of the spiked Wigner state evolution ends at snr = 1 (BBP); the
    order parameter gamma grows linearly beyond it."""
    v = transition("spiked-wigner", parameter="snr", unknown="gamma", at=0, snr=1.5, prior=prior,
                   claim=1)
    assert v.status == Status.SUPPORTED
    assert abs(float(v.estimate) - 1) < 1e-20
    assert float(v.details["order_parameter_exponent"]) == pytest.approx(1, abs=1e-3)


def test_wrong_threshold_refuted():
    v = transition("gardner", "capacity", kappa=0, claim="2.0001")
    assert v.status == Status.REFUTED


@pytest.mark.slow
def test_sparse_rademacher_thresholds_ordered_to_20_digits():
    """eps = 0.05: spinodal < IT < algorithmic (0.7214, 0.7473, 1.0054), agreeing to 20 digits
    between the two precisions (quadrature orders x2 and x4)."""
    v = transition("spiked-wigner", ["spinodal", "it_threshold", "algorithmic_threshold"], digits=25,
                   agree=20, snr=0.8, prior="sparse-rademacher", eps=0.05, quadrature=(2, 4),
                   claim="spinodal < it_threshold < algorithmic_threshold")
    assert v.status == Status.SUPPORTED and v.details["digits_agree"] >= 20
    vals = {k: float(x) for k, x in v.details["values"].items()}
    assert vals["spinodal"] == pytest.approx(0.7214, abs=1e-4)
    assert vals["it_threshold"] == pytest.approx(0.7473, abs=1e-4)
    assert vals["algorithmic_threshold"] == pytest.approx(1.0054, abs=1e-4)

"""Verdict objects, reports and the CLI's exit codes."""

import json

import pytest

from asymptotics.cli import main
from asymptotics.verify import EXIT_CODES, Status, value
from asymptotics.verify import report


def test_verdict_is_frozen_and_jsonable(tmp_path):
    v = value("ridge", "excess_risk", digits=30, gamma="1/2", lam="1/2", signal=1, noise=1)
    with pytest.raises(Exception):
        v.status = Status.REFUTED
    d = json.loads(v.to_json())
    assert set(d) >= {"status", "estimate", "digits", "evidence", "equations_hash", "version", "latex"}
    frame = v.to_frame()
    assert len(frame) == 2 and "value" in frame
    assert "certified" in v.latex()
    paths = report.write(v, tmp_path)
    for p in paths.values():
        assert (tmp_path / p.split("/")[-1]).exists()
    assert EXIT_CODES[v.status] == 0


def test_equations_hash_changes_with_the_equations():
    a = value("ridge", "kappa", digits=20, gamma=2, lam="1/10")
    b = value("ridge", "kappa", digits=20, n=10, lam="1/10", spectrum="isotropic:p=20")
    assert a.equations_hash != b.equations_hash and len(a.equations_hash) == 16


@pytest.mark.parametrize("argv, code", [
    (["verify", "value", "ridge", "excess_risk", "gamma=1/10", "lam=1/10", "signal=1", "noise=1",
      "--digits", "40", "--claim", "sqrt(26)-5"], 0),
    (["verify", "value", "ridge", "excess_risk", "gamma=1/10", "lam=1/10", "--claim", "0.1"], 1),
    (["verify", "value", "ridge", "excess_risk", "gamma=-1"], 2),
    (["verify", "value", "ridge", "nonsense", "gamma=2"], 2),
])
def test_cli_exit_codes(argv, code, capsys):
    assert main(argv) == code


def test_cli_inconclusive_exit_code(monkeypatch):
    """Too few verified digits (float64 nodes) for the requested 30: inconclusive, exit 3."""
    from asymptotics.models import mle_existence

    monkeypatch.setattr(mle_existence.LINE, "_precise", None)
    assert main(["verify", "value", "mle-existence", "threshold", "intercept=1/2", "--digits", "30"]) == 3


def test_cli_json_output(capsys):
    main(["verify", "series", "ridge", "kappa", "--parameter", "lam", "--at", "0", "--order", "2",
          "gamma=2", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert d["status"] == "certified" and d["details"]["coefficients"]["2"] == "-2"

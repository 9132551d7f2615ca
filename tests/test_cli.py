"""The command line: every subcommand, JSON output, one-line errors with exit status 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

from asymptotics import cli


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_show(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0 and "ridge" in out
    code, out, _ = run(capsys, "show", "ridge", "--latex")
    assert code == 0 and "\\begin{aligned}" in out and "hastie2022surprises" in out


def test_eval_json_has_observables_unknowns_and_status(capsys):
    code, out, _ = run(capsys, "eval", "ridge", "gamma=2", "lam=0", "signal=1", "noise=0.5", "--json")
    assert code == 0
    obj = json.loads(out)
    assert obj["status"] == "converged"
    assert obj["observables"]["excess_risk"] == pytest.approx(1.0)
    assert "kappa" in obj["unknowns"]
    code, out, _ = run(capsys, "eval", "ridge", "gamma=1", "lam=0", "--json")
    assert json.loads(out)["observables"]["excess_risk"] == "inf"  # strict JSON, divergence explicit


def test_eval_array_parameters_from_files(capsys, tmp_path):
    np.save(tmp_path / "eigs.npy", np.ones(300))
    np.savetxt(tmp_path / "target.txt", np.full(300, 1 / np.sqrt(300)))
    code, out, _ = run(capsys, "eval", "ridge", "n=150", "lam=0", "noise=0.5",
                       f"eigenvalues={tmp_path / 'eigs.npy'}", f"target={tmp_path / 'target.txt'}", "--json")
    assert code == 0
    # Σ = I, p/n = 2: signal (1 - 1/γ) + noise/(γ - 1)
    assert json.loads(out)["observables"]["excess_risk"] == pytest.approx(0.5 + 0.5, rel=1e-9)


def test_eval_precision(capsys):
    code, out, _ = run(capsys, "eval", "ridge", "gamma=2", "lam=0.1", "--precision", "30", "--json")
    assert code == 0
    kappa = json.loads(out)["unknowns"]["kappa"]
    assert isinstance(kappa, str) and len(kappa.replace(".", "")) >= 29


@pytest.mark.parametrize("argv,needle", [
    (["eval", "ridge", "gamma=-1"], "'gamma' must be in (0, inf); got -1.0"),
    (["eval", "ridge", "gama=2"], "did you mean 'gamma'"),
    (["eval", "nosuchmodel", "x=1"], "unknown model"),
    (["curve", "ridge", "--sweep", "gamma=1:2"], "key=start:stop:num"),
    (["eval", "ridge", "n=10", "eigenvalues=missing.npy", "target=missing.npy"], "file not found"),
])
def test_bad_input_is_one_line_and_status_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err and err.count("\n") == 1


def test_curve_csv_plot_and_json(capsys, tmp_path):
    out_csv, out_png = tmp_path / "c.csv", tmp_path / "c.png"
    code, _, _ = run(capsys, "curve", "ridge", "--sweep", "gamma=0.2:5:25", "--log", "lam=0.01",
                     "--out", str(out_csv), "--plot", str(out_png))
    assert code == 0 and out_png.stat().st_size > 1000
    import pandas as pd

    frame = pd.read_csv(out_csv)
    assert len(frame) == 25 and (frame["status"] == "converged").all()
    code, out, _ = run(capsys, "curve", "ridge", "lam=0.1", "--sweep", "gamma=0.5:2:3", "--json")
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert len(rows) == 3 and rows[0]["gamma"] == 0.5


def test_simulate_and_check(capsys):
    code, out, _ = run(capsys, "simulate", "ridge", "n=50", "trials=3", "seed=2", "gamma=2", "lam=0.1", "--json")
    assert code == 0 and "excess_risk_se" in json.loads(out.splitlines()[0])
    code, out, _ = run(capsys, "check", "ridge", "n=50", "trials=3", "gamma=2", "lam=0.1")
    assert code == 0 and "excess_risk" in out and " z" in out


def test_demo_writes_figure_and_csv(tmp_path):
    # through the installed console entry point, as a user runs it
    proc = subprocess.run([sys.executable, "-m", "asymptotics.cli", "demo", "--fast", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "ridge_double_descent.png").stat().st_size > 10_000
    assert (tmp_path / "ridge_double_descent.csv").stat().st_size > 1_000


def test_figure_list(capsys):
    code, out, _ = run(capsys, "figure", "--list")
    assert code == 0 and "ridge-double-descent" in out

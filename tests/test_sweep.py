"""Sweeps: persistence, resume after a kill, local processes vs dask, bad grids and stores."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

import asymptotics as asy
from asymptotics import cli
from asymptotics.sweep import SweepStoreError, grid_points, sweep

GRID = {"gamma": [0.5, 2.0, 4.0], "lam": [0.0, 0.1]}
SIM = dict(kind="simulate", n=60, trials=3, seed=5, noise=0.5)


def _same(a, b):
    a = a.sort_values(["gamma", "lam"]).reset_index(drop=True)
    b = b.sort_values(["gamma", "lam"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a[sorted(a.columns)], b[sorted(b.columns)], check_exact=True)


def test_theory_sweep_equals_curve():
    frame = sweep("ridge", GRID, noise=0.5, workers=1)
    ref = asy.curve("ridge", sweep=GRID, noise=0.5)
    assert list(frame["gamma"]) == list(ref["gamma"])  # grid order
    np.testing.assert_array_equal(frame["test_error"], ref["test_error"])


def test_simulation_sweep_equals_direct_simulation():
    frame = sweep("ridge", GRID, workers=1, **SIM)
    direct = asy.simulate("ridge", n=60, trials=3, seed=5, gamma=4.0, lam=0.1, noise=0.5)
    row = frame[(frame.gamma == 4.0) & (frame.lam == 0.1)].iloc[0]
    assert row["excess_risk"] == direct.mean["excess_risk"]


def test_store_roundtrip_and_nothing_recomputed(tmp_path):
    for ext in ("csv", "parquet"):
        store = tmp_path / "new" / "folder" / f"run.{ext}"  # folders are created
        first = sweep("ridge", GRID, store=store, workers=1, **SIM)
        before = store.stat().st_mtime_ns
        again = sweep("ridge", GRID, store=store, workers=1, **SIM)
        assert store.stat().st_mtime_ns == before  # complete: no new writes
        _same(first, again)
        # a larger grid computes only the new points and keeps the old numbers
        bigger = sweep("ridge", {"gamma": [0.5, 2.0, 4.0, 8.0], "lam": [0.0, 0.1]}, store=store,
                       workers=1, **SIM)
        assert len(bigger) == 8
        _same(bigger[bigger.gamma != 8.0], first)


KILLED = textwrap.dedent("""
    import importlib, sys, time
    sw = importlib.import_module("asymptotics.sweep")  # the module (asymptotics.sweep is the function)
    real = sw._run_chunk
    def slow(task):
        time.sleep(0.4)  # make the kill land mid-sweep
        return real(task)
    sw._run_chunk = slow
    sw.sweep("ridge", {"gamma": [0.5, 1.5, 2.0, 3.0, 4.0, 6.0], "lam": [0.0, 0.1]}, kind="simulate",
             n=60, trials=3, seed=5, noise=0.5, store=sys.argv[1], workers=1)
""")


def test_killed_sweep_resumes_to_identical_results(tmp_path):
    store = tmp_path / "killed.csv"
    script = tmp_path / "run.py"
    script.write_text(KILLED)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.Popen([sys.executable, str(script), str(store)], stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": root})
    deadline = time.time() + 120
    while time.time() < deadline:
        if store.exists() and store.read_text().count("\n") >= 3:  # header, 2+ rows
            break
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    partial = store.read_text().count("\n") - 1
    assert 2 <= partial < 12, "the kill should land mid-sweep"
    grid = {"gamma": [0.5, 1.5, 2.0, 3.0, 4.0, 6.0], "lam": [0.0, 0.1]}
    resumed = sweep("ridge", grid, store=store, workers=1, **SIM)
    clean = sweep("ridge", grid, workers=1, **SIM)
    _same(resumed, clean)
    assert pd.read_csv(store).shape[0] == 12  # a plain CSV: header row, then rows


def test_partial_last_row_is_dropped_and_recomputed(tmp_path):
    store = tmp_path / "run.csv"
    full = sweep("ridge", GRID, store=store, workers=1, **SIM)
    text = store.read_bytes()
    store.write_bytes(text[:-25])  # cut the last row in the middle, as a kill during a write would
    again = sweep("ridge", GRID, store=store, workers=1, **SIM)
    _same(full, again)


def test_local_processes_and_dask_equal_inline(tmp_path):
    distributed = pytest.importorskip("distributed")
    inline = sweep("ridge", GRID, workers=1, **SIM)
    procs = sweep("ridge", GRID, workers=2, **SIM)
    _same(inline, procs)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        on_dask = sweep("ridge", GRID, scheduler=client, store=tmp_path / "d.csv", **SIM)
        by_address = sweep("ridge", {"gamma": [0.5], "lam": [0.1]}, scheduler=cluster.scheduler_address, **SIM)
    _same(inline, on_dask)
    assert by_address["excess_risk"].iloc[0] == inline[(inline.gamma == 0.5) & (inline.lam == 0.1)]["excess_risk"].iloc[0]


@pytest.mark.parametrize("grid,match", [
    ({}, "non-empty grid"),
    ({"gamma": []}, "non-empty"),
    ({"gamma": [1.0, float("nan")]}, "finite"),
    ({"gamma": [1.0, 1.0]}, "repeated"),
    ({"gamma": [-1.0]}, "'gamma' must be in"),
    ({"gama": [1.0]}, "did you mean 'gamma'"),
])
def test_bad_grids(grid, match):
    with pytest.raises(asy.ParameterError, match=match):
        sweep("ridge", grid, workers=1)


def test_zip_mode_and_its_errors():
    frame = sweep("ridge", {"gamma": [0.5, 2.0], "lam": [0.1, 0.2]}, mode="zip", workers=1)
    assert len(frame) == 2 and list(frame.lam) == [0.1, 0.2]
    with pytest.raises(asy.ParameterError, match="equal lengths"):
        grid_points({"gamma": [0.5, 2.0], "lam": [0.1]}, mode="zip")


def test_bad_stores_are_never_overwritten(tmp_path):
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("a,b\n1,2\n")
    with pytest.raises(SweepStoreError, match="not an asymptotics sweep"):
        sweep("ridge", GRID, store=foreign, workers=1)
    assert foreign.read_text() == "a,b\n1,2\n"
    mine = tmp_path / "mine.csv"
    sweep("ridge", GRID, store=mine, workers=1, noise=0.5)
    content = mine.read_text()
    with pytest.raises(SweepStoreError, match="different sweep .*fixed"):
        sweep("ridge", GRID, store=mine, workers=1, noise=0.7)
    with pytest.raises(SweepStoreError, match="different sweep .*kind"):
        sweep("ridge", GRID, store=mine, workers=1, **SIM)
    assert mine.read_text() == content
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    with pytest.raises(SweepStoreError, match="not a readable Parquet"):
        sweep("ridge", GRID, store=broken, workers=1)
    with pytest.raises(asy.ParameterError, match="must end in .csv or .parquet"):
        sweep("ridge", GRID, store=tmp_path / "x.json", workers=1)


def test_cli_sweep(tmp_path, capsys):
    out = tmp_path / "s.csv"
    code = cli.main(["sweep", "ridge", "--grid", "gamma=0.5:2:4", "--grid", "lam=0:0.1:2", "noise=0.5",
                     "--out", str(out), "--workers", "1"])
    assert code == 0 and "8 points" in capsys.readouterr().out
    assert len(pd.read_csv(out)) == 8
    code = cli.main(["sweep", "ridge", "--grid", "gamma=0.5:2:2", "--simulate", "--trials", "3", "n=40",
                     "--out", str(tmp_path / "m.parquet"), "--workers", "1"])
    assert code == 0
    code = cli.main(["sweep", "ridge", "--grid", "gamma=0.5:2:4", "noise=0.7", "--out", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "different sweep" in err

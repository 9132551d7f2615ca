"""Sweeps that lose nothing: one test per fault seen in the field (issue 15).

Two sweeps on one store, shared temporary names, duplicated rows, a column that appears in a later
chunk, workers outliving a killed sweep, routes that differ in the last bits, resumed theory chunks,
stores of the previous layout, and the README's own command line.
"""

import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

import asymptotics as asy
from asymptotics import cli, io
from asymptotics.sweep import SweepStoreError, _Lock, _Store, sweep

ROOT = pathlib.Path(__file__).resolve().parents[1]
SIM = dict(kind="simulate", n=60, trials=3, seed=5, noise=0.5)


def test_a_store_in_use_is_refused_not_corrupted(tmp_path):
    store = tmp_path / "busy.csv"
    sweep("ridge", {"gamma": [0.5, 2.0]}, store=store, workers=1, progress=False, **SIM)
    before = store.read_bytes()
    holder = _Lock(store)  # another sweep holding the store (a separate open file: flock conflicts)
    holder.acquire()
    try:
        with pytest.raises(SweepStoreError, match="in use by another sweep .*pid"):
            sweep("ridge", {"gamma": [0.5, 2.0, 4.0]}, store=store, workers=1, progress=False, **SIM)
    finally:
        holder.release()
    assert store.read_bytes() == before
    # released: the next sweep proceeds and adds only the new point
    frame = sweep("ridge", {"gamma": [0.5, 2.0, 4.0]}, store=store, workers=1, progress=False, **SIM)
    assert len(frame) == 3 and len(pd.read_csv(store)) == 3


LOCKER = textwrap.dedent("""
    import sys, time
    from asymptotics.sweep import _Lock
    import pathlib
    lock = _Lock(pathlib.Path(sys.argv[1])); lock.acquire()
    print("locked", flush=True)
    time.sleep(60)
""")


def test_lock_of_a_killed_sweep_is_released_by_the_os(tmp_path):
    store = tmp_path / "k.parquet"
    proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(store)], stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(SweepStoreError, match="in use"):
            sweep("ridge", {"gamma": [0.5]}, store=store, workers=1, progress=False, noise=0.5)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    frame = sweep("ridge", {"gamma": [0.5]}, store=store, workers=1, progress=False, noise=0.5)
    assert len(frame) == 1


def test_temporary_files_are_per_process_and_cleaned_up(tmp_path):
    store = _Store(tmp_path / "t.parquet", {"format": "asymptotics-sweep"})
    tmp = store._tmp()
    assert f".{os.getpid()}.tmp" in tmp.name and tmp.parent == tmp_path
    tmp.unlink()
    sweep("ridge", {"gamma": [0.5, 2.0, 4.0]}, store=tmp_path / "t.parquet", workers=1, chunk_size=1,
          progress=False, noise=0.5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.parquet", "t.parquet.lock"]


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_duplicated_rows_are_one_point_each(tmp_path, ext):
    store = tmp_path / f"d.{ext}"
    grid = {"gamma": [0.5, 2.0], "lam": [0.0, 0.1]}
    first = sweep("ridge", grid, store=store, workers=1, progress=False, **SIM)
    if ext == "csv":  # two writers appended the same points twice (the old failure)
        body = store.read_text().split("\n", 1)[1]
        with open(store, "a") as fh:
            fh.write(body)
        assert len(pd.read_csv(store)) == 8
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pq.read_table(store)
        pq.write_table(pa.concat_tables([table, table]).replace_schema_metadata(table.schema.metadata), store)
    again = sweep("ridge", grid, store=store, workers=1, progress=False, **SIM)
    assert len(again) == 4
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    assert len(asy.load(store)) == 4


def test_a_column_that_appears_in_a_later_chunk_is_kept(tmp_path):
    # n = 60: gamma = 0.5 gives p = 30 exactly; gamma = 0.51 rounds to p = 31, so only the second
    # chunk reports effective_gamma = 31/60 (the old store froze its columns at the first chunk).
    for ext in ("csv", "parquet"):
        store = tmp_path / f"u.{ext}"
        frame = sweep("ridge", {"gamma": [0.5, 0.51]}, store=store, workers=1, progress=False, **SIM)
        assert frame["effective_gamma"].iloc[1] == pytest.approx(31 / 60)
        back = asy.load(store)
        assert "effective_gamma" in back and back["effective_gamma"].iloc[1] == pytest.approx(31 / 60)


KILL9 = textwrap.dedent("""
    import importlib, os, sys, time
    sw = importlib.import_module("asymptotics.sweep")
    real = sw._run_chunk
    def slow(task):
        print("worker", os.getpid(), flush=True)
        time.sleep(30)
        return real(task)
    sw._run_chunk = slow
    sw.sweep("ridge", {"gamma": [0.5, 1.5, 2.0, 3.0]}, kind="simulate", n=40, trials=2, noise=0.5,
             workers=2, progress=False)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_sweep_is_killed(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", KILL9], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    workers = set()
    deadline = time.time() + 60
    while len(workers) < 2 and time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith("worker"):
            workers.add(int(line.split()[1]))
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    t0 = time.time()
    deadline = time.time() + 10  # the watchdog polls every 0.5 s; prctl is immediate on Linux
    while time.time() < deadline and any(pathlib.Path(f"/proc/{p}").exists() for p in workers):
        time.sleep(0.1)
    alive = [p for p in workers if pathlib.Path(f"/proc/{p}").exists()
             and "Z" not in pathlib.Path(f"/proc/{p}/stat").read_text().split()[2]]
    assert not alive, f"workers {alive} outlived the killed sweep"
    assert time.time() - t0 < 5


def test_every_route_gives_identical_bits_even_with_threaded_blas(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import importlib

    package = importlib.import_module("asymptotics.simulate")
    real, seen = package.simulate, []

    def spy(*args, **kwargs):
        if not kwargs.get("dry_run"):  # the up-front validation draws nothing
            seen.append({i["num_threads"] for i in threadpoolctl.threadpool_info()
                         if i["user_api"] == "blas"})
        return real(*args, **kwargs)

    monkeypatch.setattr(package, "simulate", spy)
    # n = 200, p = 400: matrix products large enough for a threaded BLAS to split them
    grid = {"gamma": [0.5, 2.0], "lam": [0.0, 0.1]}
    kw = dict(kind="simulate", n=200, trials=2, seed=3, noise=0.5, progress=False)
    with threadpoolctl.threadpool_limits(4):  # what a user's process would have
        inline = sweep("ridge", grid, workers=1, **kw)
    # the inline route pins BLAS to one thread, as the workers do (a threaded BLAS sums in a
    # thread-dependent order: up to 4e-13 apart on a multi-core machine)
    assert seen and all(s <= {1} for s in seen)
    procs = sweep("ridge", grid, workers=2, **kw)
    pd.testing.assert_frame_equal(inline, procs, check_exact=True)


def test_a_resumed_theory_sweep_solves_the_same_chunks(tmp_path):
    grid = {"gamma": np.geomspace(0.2, 5, 12)}
    kw = dict(noise=0.5, lam=0.01, workers=1, chunk_size=4, progress=False)
    clean = sweep("ridge", grid, **kw)
    store = tmp_path / "r.csv"
    sweep("ridge", {"gamma": grid["gamma"][[0, 5, 9]]}, store=store, **kw)  # an earlier, partial run
    resumed = sweep("ridge", grid, store=store, **kw)
    pd.testing.assert_frame_equal(resumed[clean.columns], clean, check_exact=True)


def test_a_store_of_the_previous_layout_is_read_and_migrated(tmp_path):
    store = tmp_path / "old.csv"
    fresh = sweep("ridge", {"gamma": [0.5, 2.0]}, store=tmp_path / "new.csv", workers=1, progress=False,
                  noise=0.5)
    meta = json.loads((tmp_path / "new.csv.json").read_text())
    meta["version"] = 1
    store.write_text("# " + json.dumps(meta, sort_keys=True) + "\n" + (tmp_path / "new.csv").read_text())
    again = sweep("ridge", {"gamma": [0.5, 2.0]}, store=store, workers=1, progress=False, noise=0.5)
    pd.testing.assert_frame_equal(again, fresh, check_exact=True)
    assert not store.read_text().startswith("#") and io.sidecar_path(store).exists()


def test_a_csv_without_its_sidecar_is_refused_not_overwritten(tmp_path):
    stray = tmp_path / "data.csv"
    stray.write_text("gamma,test_error\n0.5,1.0\n")
    with pytest.raises(SweepStoreError, match="no metadata file data.csv.json"):
        sweep("ridge", {"gamma": [0.5]}, store=stray, workers=1, progress=False)
    assert stray.read_text() == "gamma,test_error\n0.5,1.0\n"


def test_the_readme_sweep_line_parses_as_written(tmp_path, capsys, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    line = next(s for s in readme.splitlines() if s.startswith("asymptotics sweep "))
    argv = line.split()[1:]
    assert "--log" in argv
    # as written, with small sizes so that the test is quick: the grids are what the line says
    argv = [a.replace("--trials", "--trials").replace("n=400", "n=30") for a in argv]
    argv[argv.index("--trials") + 1] = "2"
    argv[argv.index("--out") + 1] = str(tmp_path / "ridge.csv")
    argv = [a.replace("gamma=0.2:5:40", "gamma=0.2:5:4") for a in argv]
    assert cli.main(argv + ["--workers", "1", "--no-progress"]) == 0
    frame = pd.read_csv(tmp_path / "ridge.csv")
    np.testing.assert_allclose(sorted(set(frame.gamma)), np.geomspace(0.2, 5, 4))  # --log: this grid
    assert sorted(set(frame.lam)) == [0.0, 0.1]  # the next grid stays linear (and may hold 0)
    capsys.readouterr()


def test_sweep_progress_goes_to_stderr_without_a_tty(tmp_path, capfd, monkeypatch):
    monkeypatch.delenv("ASYMPTOTICS_PROGRESS", raising=False)
    assert cli.main(["sweep", "ridge", "--grid", "gamma=0.5:2:3", "--out", str(tmp_path / "p.csv"),
                     "--workers", "1", "--json"]) == 0
    out, err = capfd.readouterr()
    assert [json.loads(line)["gamma"] for line in out.splitlines()] == [0.5, 1.25, 2.0]  # clean JSON
    assert "sweep ridge" in err and "3/3" in err

"""Sweeps that survive and scale: grids of theory or Monte Carlo points, persisted as they come.

``sweep(model, grid, kind="theory" | "simulate", store="run.csv", ...)`` evaluates a grid (the
Cartesian product of the given values, or the values zipped) and returns a tidy DataFrame, one row
per point in grid order. With a ``store`` (``.csv`` or ``.parquet``) every finished chunk is
written to disk at once, so a sweep that is killed loses only the chunks in flight: started again,
it reads the store, checks that it belongs to the same sweep (model, kind, fixed parameters, seed,
trials, sizes — a foreign or unreadable file is an error, never overwritten) and computes only the
missing points. Monte Carlo seeds are derived from each point's parameters
(:func:`asymptotics.simulate.point_seed`), so a resumed or distributed sweep gives exactly the
numbers of an uninterrupted local one.

Execution: in this process (``workers=1``), local processes (default: one per core), or a
``dask.distributed`` cluster (``scheduler=`` an address or a ``Client``). A progress bar (tqdm)
is shown on an interactive terminal or with ``progress=True``.
"""

from __future__ import annotations

import concurrent.futures as cf
import io
import itertools
import json
import os
import pathlib
import tempfile
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import io as _io
from .io import tidy_store_frame
from . import models as _models
from . import progress as _progress
from .validation import ParameterError

__all__ = ["sweep", "grid_points", "SweepStoreError"]

_MAGIC = "asymptotics-sweep"
_VERSION = 2  # 2: plain CSV + JSON sidecar (1: metadata on a first "#" line)


class SweepStoreError(ParameterError):
    """The store file is unreadable, foreign, or belongs to another sweep."""


def grid_points(grid: Mapping[str, Iterable[float]], mode: str = "product") -> pd.DataFrame:
    """The points of a grid as a DataFrame (one column per swept parameter), in sweep order."""
    if not grid:
        raise ParameterError("sweep needs a non-empty grid, e.g. grid={'gamma': [0.5, 1, 2]}")
    values = {}
    for k, v in grid.items():
        arr = np.atleast_1d(np.asarray(v, dtype=float))
        if arr.ndim != 1 or arr.size == 0:
            raise ParameterError(f"grid '{k}' must be a non-empty 1-D list of numbers; got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"grid '{k}' must hold finite numbers; got {arr.tolist()[:5]}")
        values[k] = arr
    if mode == "product":
        rows = list(itertools.product(*values.values()))
    elif mode == "zip":
        sizes = {k: v.size for k, v in values.items()}
        if len(set(sizes.values())) != 1:
            raise ParameterError(f"zipped grids must have equal lengths; got {sizes}")
        rows = list(zip(*values.values()))
    else:
        raise ParameterError(f"parameter 'mode' must be one of 'product', 'zip'; got {mode!r}")
    frame = pd.DataFrame(rows, columns=list(values), dtype=float)
    if frame.duplicated().any():
        raise ParameterError("the grid has repeated points; give each value once")
    return frame


# -- the work, run in whichever process -------------------------------------------------------------
def _run_chunk(task: dict) -> pd.DataFrame:
    """Evaluate one chunk of points (a picklable task) and return its rows.

    BLAS is held to one thread on every route (in this process too): parallelism comes from the
    workers, oversubscribed BLAS threads made small Monte Carlo fits hundreds of times slower
    (measured), and a multithreaded BLAS sums in a thread-dependent order, so ``workers=1`` and
    the default route would differ in the last bits (measured: up to 4e-13). ``keep`` marks the
    points of the chunk to return (the others are already stored).
    """
    if task.get("single_thread"):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            return _run_chunk({**task, "single_thread": False})
    from .api import evaluate
    from .simulate import simulate

    points = pd.DataFrame(task["points"])
    keep = np.asarray(task.get("keep", [True] * len(points)), dtype=bool)
    fixed = _decode_fixed(task["fixed"])
    variant = task.get("variant")
    if task["kind"] == "theory":
        arrays = {k: points[k].to_numpy() for k in points}
        result = evaluate(task["model"], variant=variant, throw=False, **fixed, **arrays)
        frame = result.to_frame()
    else:
        rows = []
        for _, row in points.iterrows():
            sim = simulate(task["model"], variant=variant, trials=task["trials"], seed=task["seed"],
                           **task["sizes"], **fixed, **row.to_dict())
            rows.append(sim.to_frame())
        frame = pd.concat(rows, ignore_index=True)
    for k in points:  # the grid columns exactly as asked (the simulator may report effective ones)
        if k in frame and task["kind"] == "simulate" and not np.array_equal(frame[k], points[k]):
            frame["effective_" + k] = frame[k]
        frame[k] = points[k].to_numpy()
    return frame[keep].reset_index(drop=True)


def _encode_fixed(fixed: Mapping[str, Any]) -> dict:
    out = {}
    for k, v in fixed.items():
        if hasattr(v, "as_params"):  # a Spectrum
            v = {"eigenvalues": v.eigenvalues, "target": v.target}
            out[k] = {"__spectrum__": {kk: np.asarray(vv).tolist() for kk, vv in v.items()}}
        elif isinstance(v, np.ndarray):
            out[k] = {"__array__": v.tolist()}
        elif isinstance(v, (np.floating, np.integer)):
            out[k] = v.item()
        else:
            out[k] = v
    return out


def _decode_fixed(enc: Mapping[str, Any]) -> dict:
    from .spectra import Spectrum

    out = {}
    for k, v in enc.items():
        if isinstance(v, dict) and "__spectrum__" in v:
            out[k] = Spectrum(np.asarray(v["__spectrum__"]["eigenvalues"]), np.asarray(v["__spectrum__"]["target"]))
        elif isinstance(v, dict) and "__array__" in v:
            out[k] = np.asarray(v["__array__"], dtype=float)
        else:
            out[k] = v
    return out


# -- the store --------------------------------------------------------------------------------------
class _Lock:
    """An exclusive lock on a store for the duration of a sweep: ``<store>.lock`` held with
    ``flock`` (POSIX) or ``msvcrt.locking`` (Windows); the OS releases it when the process dies,
    so a killed sweep never leaves a stale lock. A second sweep on a store in use is refused."""

    def __init__(self, path: pathlib.Path):
        self.path = path.with_name(path.name + ".lock")
        self._fh = None

    def acquire(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            if os.name == "nt":  # pragma: no cover - exercised on Windows only
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise SweepStoreError(
                f"{self.path.with_suffix('')} is in use by another sweep ({holder}); wait for it to "
                f"finish, or give another store path") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        self._fh = fh

    def release(self):
        if self._fh is not None:
            self._fh.close()  # closing the file releases the lock; the (empty) lock file may stay
            self._fh = None


class _Store:
    """One store per sweep: CSV (header row, then rows appended as they come; metadata in the JSON
    sidecar ``<store>.json``) or Parquet (rewritten atomically after each chunk, metadata in the
    schema). Held under :class:`_Lock` by one sweep at a time; new columns in a later chunk widen
    the store (union of columns, the CSV rewritten atomically); temporary files are per process."""

    def __init__(self, path, meta: dict):
        self.path = pathlib.Path(path)
        self.meta = meta
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise ParameterError(f"parameter 'store' must end in .csv or .parquet; got {str(path)!r}")
        self.kind = suffix[1:]
        self._columns: list[str] | None = None
        self._frames: list[pd.DataFrame] = []
        self._lock = _Lock(self.path)

    def __enter__(self):
        self._lock.acquire()
        return self

    def __exit__(self, *exc):
        self._lock.release()

    def load(self) -> pd.DataFrame | None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        if self.kind == "csv":
            frame, meta, rewrite = self._load_csv()
        else:
            (frame, meta), rewrite = self._load_parquet(), False
        self._check_meta(meta)
        if rewrite:  # a legacy layout or a partial last row: rewrite, now that the store is ours
            self._rewrite_csv(frame)
        frame = tidy_store_frame(frame, meta)
        self._columns = list(frame.columns)
        self._frames = [frame]
        return frame

    def _check_meta(self, meta):
        if meta.get("format") != _MAGIC:
            raise SweepStoreError(f"{self.path} is not an asymptotics sweep store; refusing to overwrite it "
                                  f"(give another path, or delete the file)")
        mine = {k: v for k, v in self.meta.items() if k not in ("grid", "version")}
        theirs = {k: v for k, v in meta.items() if k not in ("grid", "version")}
        if mine != theirs:
            diff = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
            raise SweepStoreError(
                f"{self.path} holds a different sweep (differs in {', '.join(diff)}); refusing to mix "
                f"results: give another store path, or delete the file to start over")

    def _load_csv(self):
        raw = self.path.read_bytes()
        sidecar = _io.sidecar_path(self.path)
        legacy = raw.startswith(b"# {")
        if legacy:  # version 1: metadata on a first '#' line
            header, _, body = raw.partition(b"\n")
            try:
                meta = json.loads(header.decode()[2:])
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise SweepStoreError(f"{self.path}: unreadable metadata line; refusing to overwrite it") from None
        elif sidecar.exists():
            try:
                meta = json.loads(sidecar.read_text())
            except (UnicodeDecodeError, json.JSONDecodeError, OSError):
                raise SweepStoreError(f"{sidecar} is unreadable; refusing to overwrite the store") from None
            body = raw
        else:
            raise SweepStoreError(f"{self.path} is not an asymptotics sweep store (no metadata file "
                                  f"{sidecar.name} beside it); refusing to overwrite it")
        if not isinstance(meta, dict):
            raise SweepStoreError(f"{self.path}: unreadable metadata")
        truncated = bool(body) and not body.endswith(b"\n")
        if truncated:
            # Killed in the middle of writing a row: drop the partial row (it is recomputed).
            body = body[: body.rfind(b"\n") + 1]
        try:
            frame = pd.read_csv(io.BytesIO(body)) if body.strip() else pd.DataFrame()
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise SweepStoreError(f"{self.path} is corrupt ({err}); refusing to overwrite it") from None
        return frame, meta, legacy or truncated

    def _load_parquet(self):
        try:
            import pyarrow.parquet as pq

            table = pq.read_table(self.path)
        except ImportError as err:
            raise ImportError("Parquet stores need pyarrow: pip install pyarrow") from err
        except Exception as err:  # pyarrow raises several types for a damaged file
            raise SweepStoreError(f"{self.path} is not a readable Parquet file ({err}); refusing to "
                                  f"overwrite it") from None
        raw = (table.schema.metadata or {}).get(_io.PARQUET_KEY)
        meta = json.loads(raw) if raw else {}
        return table.to_pandas(), meta

    def _tmp(self) -> pathlib.Path:
        fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=f".{os.getpid()}.tmp",
                                    dir=self.path.parent)
        os.close(fd)
        return pathlib.Path(name)

    def _rewrite_csv(self, frame):
        tmp = self._tmp()
        try:
            frame.to_csv(tmp, index=False, float_format="%.17g")
            _io.write_json_atomic(_io.sidecar_path(self.path), self.meta)
            os.replace(tmp, self.path)
        finally:
            if tmp.exists():
                tmp.unlink()

    def append(self, frame: pd.DataFrame):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._columns is None:
            self._columns = list(frame.columns)
        new_columns = [c for c in frame.columns if c not in self._columns]
        if new_columns:  # union of columns: never drop what a later chunk reports
            self._columns += new_columns
        frame = frame.reindex(columns=self._columns)
        if self.kind == "csv":
            fresh = not self.path.exists() or self.path.stat().st_size == 0
            if new_columns and not fresh:
                old = pd.read_csv(self.path)
                self._rewrite_csv(pd.concat([old, frame], ignore_index=True).reindex(columns=self._columns))
                return
            if fresh:
                _io.write_json_atomic(_io.sidecar_path(self.path), self.meta)
            buf = io.StringIO()
            # repr-precision floats: the numbers read back are the numbers computed
            frame.to_csv(buf, index=False, header=fresh, float_format="%.17g")
            with open(self.path, "a") as fh:
                fh.write(buf.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            self._frames.append(frame)
            whole = pd.concat(self._frames, ignore_index=True).reindex(columns=self._columns)
            table = pa.Table.from_pandas(whole, preserve_index=False)
            table = table.replace_schema_metadata({_io.PARQUET_KEY: json.dumps(self.meta, sort_keys=True).encode()})
            tmp = self._tmp()
            try:
                pq.write_table(table, tmp)
                os.replace(tmp, self.path)
            finally:
                if tmp.exists():
                    tmp.unlink()


# -- the driver -------------------------------------------------------------------------------------
def _watch_parent(parent: int) -> None:
    """In a worker process: exit as soon as the sweep's process is gone (killed with -9, say).

    On Linux the kernel delivers SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG, for forked
    workers); everywhere a daemon thread checks every half second that the parent still exists.
    """
    import threading
    import time

    if os.getppid() == parent and os.name == "posix":
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # not Linux
            pass

    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def watch():
        while True:
            if not alive(parent) or (os.name == "posix" and os.getppid() == 1):
                os._exit(1)
            time.sleep(0.5)

    if not alive(parent):
        os._exit(1)
    threading.Thread(target=watch, name="asymptotics-parent-watch", daemon=True).start()


def _executor(scheduler, workers):
    if scheduler is not None:
        try:
            from dask.distributed import Client
        except ImportError as err:  # pragma: no cover
            raise ImportError("a dask scheduler needs dask[distributed]: pip install 'dask[distributed]'") from err
        if isinstance(scheduler, Client):
            return "dask", scheduler
        return "dask-own", Client(scheduler)
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ParameterError(f"parameter 'workers' must be an integer >= 1; got {workers!r}")
    if workers == 1:
        return "inline", None
    return "processes", cf.ProcessPoolExecutor(max_workers=int(workers), initializer=_watch_parent,
                                               initargs=(os.getpid(),))


def sweep(model, grid: Mapping[str, Iterable[float]], *, kind: str = "theory", mode: str = "product",
          variant: str | None = None, store=None, trials: int = 20, seed: int = 0,
          chunk_size: int | None = None, workers: int | None = None, scheduler=None,
          progress: bool | None = None, **fixed) -> pd.DataFrame:
    """Evaluate ``model`` on a grid; see the module docstring.

    ``grid`` maps parameter names to values (product, or ``mode="zip"``); ``fixed`` holds the other
    parameters and, for ``kind="simulate"``, the finite sizes (e.g. ``n=400``). ``chunk_size``
    points go to one task (default: 256 theory points — they are batched in one vectorized solve —
    or 1 Monte Carlo point). Chunks are cut from the whole grid, so a resumed sweep solves the same
    batches as an uninterrupted one (a chunk with a missing point is recomputed whole; only its
    missing rows are stored). ``progress``: None (default) shows a bar with the time left on stderr
    (every 30 s when stderr is not a terminal; ``ASYMPTOTICS_PROGRESS=0`` silences it), False
    hides it. Returns a DataFrame in grid order with the grid columns, the observables (and
    ``<obs>_se`` for simulations) and the diagnostics. The variant is resolved once, on the first
    point, as :func:`~asymptotics.evaluate` resolves it (or named by ``variant=``), and every
    chunk uses it.
    """
    if kind not in ("theory", "simulate"):
        raise ParameterError(f"parameter 'kind' must be one of 'theory', 'simulate'; got {kind!r}")
    model_obj = _models.get(model)
    points = grid_points(grid, mode)
    overlap = set(points) & set(fixed)
    if overlap:
        raise ParameterError(f"parameter(s) {sorted(overlap)} are both in the grid and fixed")
    for name, value in (("trials", trials), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (2 if name == "trials" else 0):
            raise ParameterError(f"parameter '{name}' must be an integer >= {2 if name == 'trials' else 0}; "
                                 f"got {value!r}")
    size_names = None
    if kind == "simulate":
        from .simulate._registry import sizes_by_variant

        size_names = sizes_by_variant(model_obj.name)
    # Resolve and validate once here, on the first point, so bad input fails before any work is
    # sent out and every chunk runs the same variant.
    probe = {**fixed, **points.iloc[0].to_dict()}
    resolution = model_obj.resolve(probe, variant=variant, sizes=size_names)
    sizes = {k: fixed.pop(k) for k in resolution.sizes}
    resolution.variant.validate(resolution.params, model_obj.name)
    variant = resolution.variant.name
    if kind == "simulate":
        from .simulate import simulate

        # sizes, trials and the simulator's own limits (memory, ...) checked before any work too
        simulate(model_obj.name, variant=variant, trials=int(trials), seed=int(seed), dry_run=True,
                 **sizes, **fixed, **points.iloc[0].to_dict())
    enc_fixed = _encode_fixed(fixed)
    meta = {"format": _MAGIC, "version": _VERSION, "model": model_obj.name, "kind": kind,
            "variant": variant, "fixed": enc_fixed, "grid_columns": list(points)}
    if kind == "simulate":
        meta.update(trials=int(trials), seed=int(seed), sizes={k: int(v) for k, v in sizes.items()})
    chunk = int(chunk_size) if chunk_size else (256 if kind == "theory" else 1)
    if chunk < 1:
        raise ParameterError(f"parameter 'chunk_size' must be an integer >= 1; got {chunk_size!r}")
    st = _Store(store, meta) if store is not None else None
    if st is not None:
        st.__enter__()  # the lock: a second sweep on this store is refused while this one runs
    try:
        return _run(model_obj, variant, points, kind, st, chunk, enc_fixed, trials, seed, sizes,
                    workers, scheduler, progress)
    finally:
        if st is not None:
            st.__exit__()


def _run(model_obj, variant, points, kind, st, chunk, enc_fixed, trials, seed, sizes, workers,
         scheduler, progress) -> pd.DataFrame:
    done = st.load() if st is not None else None
    missing = np.ones(len(points), dtype=bool)
    if done is not None and len(done):
        missing_cols = [c for c in points if c not in done]
        if missing_cols:
            raise SweepStoreError(f"{st.path} lacks grid column(s) {missing_cols}; it holds another sweep")
        have = done[list(points)].drop_duplicates()
        merged = points.merge(have, how="left", indicator=True)
        missing = (merged["_merge"] == "left_only").to_numpy()
    tasks = []
    for i in range(0, len(points), chunk):
        need = missing[i:i + chunk]
        if need.any():
            tasks.append({"kind": kind, "model": model_obj.name, "variant": variant,
                          "points": points.iloc[i:i + chunk].to_dict("list"), "keep": need.tolist(),
                          "fixed": enc_fixed, "trials": int(trials), "seed": int(seed), "sizes": sizes,
                          "single_thread": True})
    results = [] if done is None else [done]
    todo = int(missing.sum())
    bar = _progress.bar(todo, f"sweep {model_obj.name}", unit="pt", requested=progress) if tasks else None
    mode_, ex = _executor(scheduler, workers) if len(tasks) > 1 else ("inline", None)

    def collect(frame):
        if st is not None:
            st.append(frame)
        results.append(frame)
        if bar is not None:
            bar.update(len(frame))

    try:
        if mode_ == "inline":
            for task in tasks:
                collect(_run_chunk(task))
        elif mode_ == "processes":
            with ex:
                futures = [ex.submit(_run_chunk, t) for t in tasks]
                try:
                    for fut in cf.as_completed(futures):
                        collect(fut.result())
                except BaseException:
                    for fut in futures:
                        fut.cancel()
                    raise
        else:
            from dask.distributed import as_completed

            futures = ex.map(_run_chunk, tasks, pure=False)
            for fut in as_completed(futures):
                collect(fut.result())
    finally:
        if bar is not None:
            bar.close()
        if mode_ == "dask-own":
            ex.close()
    out = pd.concat(results, ignore_index=True) if results else pd.DataFrame(columns=list(points))
    # grid order, one row per requested point (a store may hold more points than this grid)
    out = tidy_store_frame(out, {"grid_columns": list(points)})
    out = points.merge(out, how="left", on=list(points))
    out.attrs.update(model=model_obj.name, kind=kind)
    return out

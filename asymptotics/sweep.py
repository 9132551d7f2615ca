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
import sys
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import models as _models
from .validation import ParameterError

__all__ = ["sweep", "grid_points", "SweepStoreError"]

_MAGIC = "asymptotics-sweep"
_VERSION = 1


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

    In worker processes BLAS is held to one thread: parallelism comes from the workers, and
    oversubscribed BLAS threads made small Monte Carlo fits hundreds of times slower (measured).
    """
    if task.get("single_thread"):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            return _run_chunk({**task, "single_thread": False})
    from .api import evaluate
    from .simulate import simulate

    points = pd.DataFrame(task["points"])
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
    return frame


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
class _Store:
    """One file per sweep: CSV (a header line with the sweep's metadata, then rows appended as
    they come) or Parquet (rewritten atomically after each chunk, metadata in the schema)."""

    def __init__(self, path, meta: dict):
        self.path = pathlib.Path(path)
        self.meta = meta
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise ParameterError(f"parameter 'store' must end in .csv or .parquet; got {str(path)!r}")
        self.kind = suffix[1:]
        self._columns: list[str] | None = None
        self._frames: list[pd.DataFrame] = []

    def load(self) -> pd.DataFrame | None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        if self.kind == "csv":
            frame, meta = self._load_csv()
        else:
            frame, meta = self._load_parquet()
        self._check_meta(meta)
        self._columns = list(frame.columns)
        if self.kind == "parquet":
            self._frames = [frame]
        return frame

    def _check_meta(self, meta):
        if meta.get("format") != _MAGIC:
            raise SweepStoreError(f"{self.path} is not an asymptotics sweep store; refusing to overwrite it "
                                  f"(give another path, or delete the file)")
        mine = {k: v for k, v in self.meta.items() if k != "grid"}
        theirs = {k: v for k, v in meta.items() if k != "grid"}
        if mine != theirs:
            diff = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
            raise SweepStoreError(
                f"{self.path} holds a different sweep (differs in {', '.join(diff)}); refusing to mix "
                f"results: give another store path, or delete the file to start over")

    def _load_csv(self):
        raw = self.path.read_bytes()
        header, _, body = raw.partition(b"\n")
        try:
            meta = json.loads(header.decode().removeprefix("# "))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise SweepStoreError(f"{self.path} is not an asymptotics sweep store (no metadata line); "
                                  f"refusing to overwrite it") from None
        if not isinstance(meta, dict):
            raise SweepStoreError(f"{self.path}: unreadable metadata line")
        if body and not body.endswith(b"\n"):
            # Killed in the middle of writing a row: drop the partial row (it is recomputed).
            body = body[: body.rfind(b"\n") + 1]
            with open(self.path, "wb") as fh:
                fh.write(header + b"\n" + body)
        try:
            frame = pd.read_csv(io.BytesIO(body)) if body.strip() else pd.DataFrame()
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise SweepStoreError(f"{self.path} is corrupt ({err}); refusing to overwrite it") from None
        return frame, meta

    def _load_parquet(self):
        try:
            import pyarrow.parquet as pq

            table = pq.read_table(self.path)
        except Exception as err:  # pyarrow raises several types for a damaged file
            raise SweepStoreError(f"{self.path} is not a readable Parquet file ({err}); refusing to "
                                  f"overwrite it") from None
        raw = (table.schema.metadata or {}).get(b"asymptotics")
        meta = json.loads(raw) if raw else {}
        return table.to_pandas(), meta

    def append(self, frame: pd.DataFrame):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._columns is None:
            self._columns = list(frame.columns)
        frame = frame.reindex(columns=self._columns)
        if self.kind == "csv":
            new = not self.path.exists() or self.path.stat().st_size == 0
            buf = io.StringIO()
            if new:
                buf.write("# " + json.dumps(self.meta, sort_keys=True) + "\n")
            # repr-precision floats: the numbers read back are the numbers computed
            frame.to_csv(buf, index=False, header=new, float_format="%.17g")
            with open(self.path, "a") as fh:
                fh.write(buf.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            self._frames.append(frame)
            table = pa.Table.from_pandas(pd.concat(self._frames, ignore_index=True), preserve_index=False)
            table = table.replace_schema_metadata({b"asymptotics": json.dumps(self.meta, sort_keys=True).encode()})
            tmp = self.path.with_suffix(".parquet.tmp")
            pq.write_table(table, tmp)
            os.replace(tmp, self.path)


# -- the driver -------------------------------------------------------------------------------------
def _executor(scheduler, workers):
    if scheduler is not None:
        try:
            from dask.distributed import Client
        except ImportError as err:  # pragma: no cover
            raise ImportError("a dask scheduler needs dask[distributed]: pip install 'hd-asymptotics[sweep]'") from err
        if isinstance(scheduler, Client):
            return "dask", scheduler
        return "dask-own", Client(scheduler)
    workers = (os.cpu_count() or 1) if workers is None else int(workers)
    if workers < 1:
        raise ParameterError(f"parameter 'workers' must be an integer >= 1; got {workers!r}")
    if workers == 1:
        return "inline", None
    return "processes", cf.ProcessPoolExecutor(max_workers=workers)


def _progress(total: int, enabled):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="pt", desc="sweep")


def sweep(model, grid: Mapping[str, Iterable[float]], *, kind: str = "theory", mode: str = "product",
          variant: str | None = None, store=None, trials: int = 20, seed: int = 0,
          chunk_size: int | None = None,
          workers: int | None = None, scheduler=None, progress: bool | None = None,
          **fixed) -> pd.DataFrame:
    """Evaluate ``model`` on a grid; see the module docstring.

    ``grid`` maps parameter names to values (product, or ``mode="zip"``); ``fixed`` holds the other
    parameters and, for ``kind="simulate"``, the finite sizes (e.g. ``n=400``). ``chunk_size``
    points go to one task (default: 256 theory points — they are batched in one vectorized solve —
    or 1 Monte Carlo point). Returns a DataFrame in grid order with the grid columns, the
    observables (and ``<obs>_se`` for simulations) and the diagnostics. The variant is resolved
    once, on the first point, as :func:`~asymptotics.evaluate` resolves it (or named by
    ``variant=``), and every chunk uses it.
    """
    if kind not in ("theory", "simulate"):
        raise ParameterError(f"parameter 'kind' must be one of 'theory', 'simulate'; got {kind!r}")
    model_obj = _models.get(model)
    points = grid_points(grid, mode)
    overlap = set(points) & set(fixed)
    if overlap:
        raise ParameterError(f"parameter(s) {sorted(overlap)} are both in the grid and fixed")
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
    enc_fixed = _encode_fixed(fixed)
    meta = {"format": _MAGIC, "version": _VERSION, "model": model_obj.name, "kind": kind,
            "variant": variant, "fixed": enc_fixed, "grid_columns": list(points)}
    if kind == "simulate":
        meta.update(trials=int(trials), seed=int(seed), sizes={k: int(v) for k, v in sizes.items()})
    st = _Store(store, meta) if store is not None else None
    done = st.load() if st is not None else None
    todo = points
    if done is not None and len(done):
        missing_cols = [c for c in points if c not in done]
        if missing_cols:
            raise SweepStoreError(f"{st.path} lacks grid column(s) {missing_cols}; it holds another sweep")
        have = done[list(points)].drop_duplicates()
        merged = points.merge(have, how="left", indicator=True)
        todo = points[(merged["_merge"] == "left_only").to_numpy()]
    chunk = int(chunk_size) if chunk_size else (256 if kind == "theory" else 1)
    if chunk < 1:
        raise ParameterError(f"parameter 'chunk_size' must be an integer >= 1; got {chunk_size!r}")
    tasks = [{"kind": kind, "model": model_obj.name, "variant": variant,
              "points": todo.iloc[i:i + chunk].to_dict("list"),
              "fixed": enc_fixed, "trials": int(trials), "seed": int(seed), "sizes": sizes}
             for i in range(0, len(todo), chunk)]
    results = [] if done is None else [done]
    bar = _progress(len(todo), progress) if tasks else None
    mode_, ex = _executor(scheduler, workers) if len(tasks) > 1 else ("inline", None)
    for task in tasks:
        task["single_thread"] = mode_ != "inline"

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
                for fut in cf.as_completed(futures):
                    collect(fut.result())
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
    # CSV stores 1.0 as "1": parameters and observables are floats whatever the store's format.
    counts = {"trials", "iterations"}
    for col in out.columns:
        if col not in counts and pd.api.types.is_integer_dtype(out[col]):
            out[col] = out[col].astype(float)
    out = points.merge(out, how="left", on=list(points))
    out.attrs.update(model=model_obj.name, kind=kind)
    return out

"""Files the package writes, and :func:`load` to read any of them back.

Every table is written so that the plain reader of its format reads it: ``pandas.read_csv(path)``
(or any CSV reader) sees a header row and then rows, nothing else; ``pandas.read_parquet(path)``
sees the columns. Metadata (which model, fixed parameters, seed, sizes, ...) lives beside the
data, never inside it:

- CSV: in a JSON *sidecar* ``<file>.csv.json`` (``runs/ridge.csv`` -> ``runs/ridge.csv.json``);
- Parquet: in the file's schema metadata (key ``asymptotics``).

:func:`load` reads a CSV (with its sidecar when present), a Parquet file or a sweep store (either
format, including stores written by earlier versions with a ``# {json}`` first line), and returns
a pandas DataFrame whose ``attrs`` hold the metadata; a sweep store comes back with one row per
grid point (duplicates from interrupted runs removed).
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile

__all__ = ["load", "save_csv", "sidecar_path", "read_metadata", "write_json_atomic", "tidy_store_frame"]

PARQUET_KEY = b"asymptotics"


def sidecar_path(path) -> pathlib.Path:
    """``runs/x.csv`` -> ``runs/x.csv.json``."""
    path = pathlib.Path(path)
    return path.with_name(path.name + ".json")


def write_json_atomic(path, obj) -> None:
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".{os.getpid()}.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(obj, fh, indent=1, sort_keys=True, default=_json_default)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _json_default(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    return str(value)


def save_csv(frame, path, meta: dict | None = None) -> pathlib.Path:
    """Write ``frame`` as a plain CSV (header row, repr-precision floats) and its metadata
    (``frame.attrs`` updated with ``meta``) to the JSON sidecar. Returns the CSV path."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = {**dict(frame.attrs), **(meta or {})}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".{os.getpid()}.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            frame.to_csv(fh, index=False, float_format="%.17g")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if info:
        write_json_atomic(sidecar_path(path), info)
    return path


def read_metadata(path) -> dict:
    """The metadata of a CSV (its sidecar, or a legacy ``# {json}`` first line) or a Parquet file."""
    path = pathlib.Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        raw = (pq.read_schema(path).metadata or {}).get(PARQUET_KEY)
        return json.loads(raw) if raw else {}
    side = sidecar_path(path)
    if side.exists():
        return json.loads(side.read_text())
    with open(path, "rb") as fh:
        first = fh.readline()
    if first.startswith(b"# {"):
        return json.loads(first[2:].decode())
    return {}


def load(path):
    """Read a table written by the package (or any CSV / Parquet file) into a DataFrame.

    ``path``: a ``.csv`` file (its ``.csv.json`` sidecar, if any, goes to ``frame.attrs``), a
    ``.parquet`` file (its ``asymptotics`` schema metadata to ``attrs``), or a sweep store of either
    format (legacy stores with a ``# {json}`` first line included). For a sweep store the rows are
    de-duplicated on the grid columns (the last row of a point wins; rows of a point computed twice
    are identical, seeds being derived per point) and parameters are floats.
    """
    import pandas as pd

    from .validation import ParameterError

    path = pathlib.Path(path)
    if not path.exists():
        raise ParameterError(f"load: no such file {str(path)!r}")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except ImportError as err:
            raise ImportError("reading Parquet needs pyarrow: pip install pyarrow") from err
        meta = read_metadata(path)
    elif suffix in (".csv", ".txt"):
        meta = read_metadata(path)
        with open(path, "rb") as fh:
            legacy = fh.readline().startswith(b"# {")
        frame = pd.read_csv(path, skiprows=1 if legacy else 0)
    else:
        raise ParameterError(f"load: parameter 'path' must end in .csv or .parquet; got {str(path)!r}")
    if meta.get("format") == "asymptotics-sweep":
        frame = tidy_store_frame(frame, meta)
    frame.attrs.update(meta)
    return frame


def _pd():
    import pandas as pd

    return pd


def tidy_store_frame(frame, meta):
    """A store's rows, one per grid point: duplicates (from interrupted or repeated runs; their
    numbers are identical, seeds being derived per point) are dropped, the last row of a point kept;
    integer-looking parameter columns are floats again (CSV writes 1.0 as 1)."""
    grid = [c for c in meta.get("grid_columns", []) if c in frame]
    if grid and len(frame):
        frame = frame.drop_duplicates(subset=grid, keep="last").reset_index(drop=True)
    counts = {"trials", "iterations"}
    for col in frame.columns:
        if col not in counts and _pd().api.types.is_integer_dtype(frame[col]):
            frame[col] = frame[col].astype(float)
    if "status" in frame:
        # CSV and Parquet give the names back as strings: the same Categorical as a fresh table,
        # so a resumed or re-read sweep equals the one computed in memory
        from .outcome import status_dtype

        names = frame["status"]
        if names.dropna().isin(status_dtype().categories).all():
            frame["status"] = names.astype(status_dtype())
    return frame

"""The on-disk cache of generated numeric code (and of model declarations; see ``_front``).

Generating the numpy code of a model's equations (sympy ``cse``, Jacobians by ``diff``, printing)
costs 0.2–1.5 s per system; loading the generated code back costs milliseconds. Every compiled
kernel is therefore stored once, as Python source plus the names it reads (``runtime``), in

- ``$ASYMPTOTICS_CACHE_DIR`` if set, else
- the platform's user cache directory (``platformdirs.user_cache_dir("asymptotics")``: on Linux
  ``$XDG_CACHE_HOME/asymptotics`` or ``~/.cache/asymptotics``, on macOS ``~/Library/Caches/asymptotics``,
  on Windows ``%LOCALAPPDATA%\\asymptotics\\Cache``),

in a sub-folder per package version. Entries are keyed by a SHA-256 of everything the code is
generated from: the sympy expressions (``srepr``), the package's own source files (so an edited
model or an edited code generator never reuses stale code), the package version and the versions
of Python, numpy, scipy and sympy. Writes go to a per-process temporary file in the same folder and
are renamed into place (``os.replace``, atomic on POSIX and Windows), so concurrent processes (a
sweep's workers, two notebooks) never read a partial entry; the last writer of identical content
wins. An unreadable entry is ignored and rewritten. A cache directory that cannot be written is
not an error: the code is then generated in memory, as without a cache.

``ASYMPTOTICS_CACHE=off`` disables the cache (nothing read or written). ``asymptotics cache clear``
or :func:`clear_cache` removes it; ``asymptotics cache info`` shows where it is and its size.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import sys
import tempfile

__all__ = ["cache_dir", "clear_cache", "enabled", "read", "write", "source_fingerprint", "info"]

_VERSION = "0.1.0"  # kept equal to asymptotics.__version__ (test_cache checks it)


def enabled() -> bool:
    return os.environ.get("ASYMPTOTICS_CACHE", "").strip().lower() not in ("0", "off", "no", "false")


def _platform_cache_root() -> pathlib.Path:
    try:
        import platformdirs

        return pathlib.Path(platformdirs.user_cache_dir("asymptotics", appauthor=False))
    except ImportError:  # the same rules, by hand
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
            return pathlib.Path(base) / "asymptotics" / "Cache"
        if sys.platform == "darwin":
            return pathlib.Path.home() / "Library" / "Caches" / "asymptotics"
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        return pathlib.Path(base) / "asymptotics"


def cache_root() -> pathlib.Path:
    """The cache folder of every version (``ASYMPTOTICS_CACHE_DIR`` or the platform's)."""
    override = os.environ.get("ASYMPTOTICS_CACHE_DIR")
    return pathlib.Path(override).expanduser() if override else _platform_cache_root()


def cache_dir() -> pathlib.Path:
    """The cache folder of this package version."""
    return cache_root() / _VERSION


def _path(kind: str, key: str) -> pathlib.Path:
    return cache_dir() / kind / key[:2] / f"{key}.pkl"


def read(kind: str, key: str) -> bytes | None:
    """The bytes stored under ``(kind, key)``, or None."""
    if not enabled():
        return None
    try:
        return _path(kind, key).read_bytes()
    except OSError:
        return None


def write(kind: str, key: str, data: bytes) -> bool:
    """Store ``data`` atomically (temporary file + rename); False if the cache is not writable."""
    if not enabled():
        return False
    path = _path(kind, key)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=f".{os.getpid()}.tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False


def remove(kind: str, key: str) -> None:
    try:
        _path(kind, key).unlink()
    except OSError:
        pass


def clear_cache() -> int:
    """Remove the whole cache (every version); returns the number of files removed."""
    root = cache_root()
    if not root.exists():
        return 0
    count = sum(1 for p in root.rglob("*") if p.is_file())
    shutil.rmtree(root, ignore_errors=True)
    return count


def info() -> dict:
    """Where the cache is, whether it is on, and how many entries and bytes it holds."""
    root = cache_dir()
    files = [p for p in root.rglob("*.pkl")] if root.exists() else []
    return {"path": str(root), "enabled": enabled(), "entries": len(files),
            "bytes": sum(p.stat().st_size for p in files)}


_FINGERPRINT: str | None = None


def source_fingerprint() -> str:
    """SHA-256 of the package's own source files, its version and the numeric stack's versions.

    Part of every key: generated code depends on the code generator, on the functions the
    equations call (their derivative rules) and on the model files, so any edit invalidates it.
    Costs ~8 ms once per process (80 files, 0.7 MB).
    """
    global _FINGERPRINT
    if _FINGERPRINT is None:
        root = pathlib.Path(__file__).resolve().parent
        h = hashlib.sha256()
        h.update(f"{_VERSION}|{sys.version}".encode())
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            h.update(str(path.relative_to(root)).encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


def key(*parts: str) -> str:
    """A cache key: SHA-256 of the source fingerprint and the given parts."""
    h = hashlib.sha256(source_fingerprint().encode())
    for p in parts:
        h.update(b"\0")
        h.update(p.encode())
    return h.hexdigest()


def remember(kind: str, parts: tuple, compute):
    """``compute()``, a JSON value (numbers, strings, lists), kept in the cache under ``kind`` and
    ``parts`` (strings) with the source fingerprint: a later process reads it back instead of
    computing it. For numbers a model derives from a named choice at run time with sympy (an
    activation's Gaussian moments), so that a warm process needs no sympy. Stored as JSON, never
    pickled: what is read back is data. Floats come back bit for bit (JSON keeps their repr)."""
    import json

    entry = key(kind, *parts)
    raw = read(kind, entry)
    if raw is not None:
        try:
            return json.loads(raw)
        except ValueError:  # a damaged entry is a miss
            pass
    value = compute()
    write(kind, entry, json.dumps(value).encode())
    return value

"""Progress of long work, on stderr (never on stdout: ``--json`` output stays clean).

:func:`bar` gives a tqdm bar with rate and time left. On a terminal it refreshes twice a second;
without one (a log file, CI, a notebook's stderr stream) it writes a line every 30 s, so long
unattended runs still say where they are. ``delay`` seconds pass before anything is shown, so
short calls stay silent. ``ASYMPTOTICS_PROGRESS=0`` turns every bar off, ``=1`` forces the
terminal style.
"""

from __future__ import annotations

import os
import sys

__all__ = ["bar", "enabled"]


class _Silent:
    def update(self, n=1):
        pass

    def set_postfix_str(self, s="", refresh=True):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def enabled(requested: bool | None = None) -> bool:
    """Whether to show progress: ``requested`` if given, else on unless ASYMPTOTICS_PROGRESS=0."""
    if requested is not None:
        return bool(requested)
    return os.environ.get("ASYMPTOTICS_PROGRESS", "").strip().lower() not in ("0", "off", "no", "false")


def bar(total: int | None, desc: str, unit: str = "it", requested: bool | None = None,
        delay: float = 0.0):
    """A progress bar on stderr (or a silent stand-in), usable as a context manager."""
    if not enabled(requested):
        return _Silent()
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return _Silent()
    stream = sys.stderr
    forced = os.environ.get("ASYMPTOTICS_PROGRESS", "").strip() == "1"
    tty = forced or (hasattr(stream, "isatty") and stream.isatty())
    return tqdm(total=total, desc=desc, unit=unit, file=stream, delay=delay, dynamic_ncols=tty,
                mininterval=0.5 if tty else 30.0, maxinterval=60.0 if tty else 300.0,
                ascii=not tty, leave=True)

"""Reports of verdicts: a LaTeX sentence, a plot, CSV + PNG + JSON files."""

from __future__ import annotations

import pathlib
import re

__all__ = ["latex_sentence", "plot", "write"]

_STATUS_WORD = {"certified": "certified", "supported": "supported numerically",
                "refuted": "refuted", "inconclusive": "inconclusive"}


def _tex_number(text: str | None) -> str:
    if text is None:
        return ""
    if re.fullmatch(r"[-+]?\d*\.?\d+e[-+]?\d+", text.strip().lower()):
        mant, _, exp = text.lower().partition("e")
        return rf"{mant}\cdot 10^{{{int(exp)}}}"
    return text


def latex_sentence(verdict) -> str:
    """E.g. ``$a = -1.0000000000 \\pm 3\\cdot 10^{-34}$ (gamma \\to 1^+, 24 points, 60 digits): supported``."""
    claim = verdict.claim.replace("_", r"\_")
    status = _STATUS_WORD[verdict.status.value]
    parts = []
    d = verdict.details
    if verdict.kind == "rate" and "exponent" in d:
        parts.append(f"$a = {_tex_number(d.get('exponent'))} \\pm {_tex_number(d.get('exponent_error'))}$")
        if d.get("constant") is not None:
            parts.append(f"$C = {_tex_number(d.get('constant'))} \\pm {_tex_number(d.get('constant_error'))}$")
        where = (f"({d.get('limit', '')}, {d.get('points', '')} points, "
                 f"{d.get('digits_used', '')} digits)").replace("_", r"\_")
        return f"{claim}: " + ", ".join(parts) + f" {where}; {status}."
    if verdict.kind == "series" and d.get("latex"):
        return f"{claim}: ${d['latex']}$ ({status})."
    if verdict.estimate is not None:
        est = f"${_tex_number(verdict.estimate)}"
        if verdict.error is not None:
            est += f" \\pm {_tex_number(verdict.error)}"
        est += "$"
        parts.append(est)
    if verdict.digits is not None:
        parts.append(f"{verdict.digits} verified digits")
    tail = f" ({', '.join(parts)})" if parts else ""
    return f"{claim}{tail}: {status}."


def plot(verdict, ax=None):
    """Plot the evidence: ``details['plot'] = {'x': col, 'y': [cols], 'logx': bool, 'logy': bool}``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    frame = verdict.to_frame()
    spec = dict(verdict.details.get("plot", {}))
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.5))
    else:
        fig = ax.figure
    if frame.empty:
        ax.text(0.5, 0.5, str(verdict.status), ha="center", va="center", transform=ax.transAxes)
        return fig
    numeric = [c for c in frame.columns if frame[c].dtype.kind in "fi"]
    x = spec.get("x", numeric[0] if numeric else frame.columns[0])
    ys = spec.get("y", [c for c in numeric if c != x][:2])
    for y in ys:
        ax.plot(frame[x], frame[y], "o-", ms=3, label=y)
    if spec.get("logx"):
        ax.set_xscale("log")
    if spec.get("logy"):
        ax.set_yscale("log")
    for level in spec.get("hlines", []):
        ax.axhline(float(level), color="k", lw=0.6, ls="--")
    ax.set_xlabel(x)
    ax.legend(fontsize=7)
    ax.set_title(f"{verdict.kind}: {verdict.status.value}", fontsize=9)
    fig.tight_layout()
    return fig


def write(verdict, directory, stem: str | None = None) -> dict:
    """Write ``STEM.csv`` (evidence), ``STEM.png`` (plot) and ``STEM.json`` (the verdict);
    returns the paths."""
    out = pathlib.Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    stem = stem or f"{verdict.kind}_{(verdict.model or 'claim').replace('-', '_')}"
    paths = {"csv": out / f"{stem}.csv", "png": out / f"{stem}.png", "json": out / f"{stem}.json"}
    verdict.to_frame().to_csv(paths["csv"], index=False)
    fig = verdict.plot()
    fig.savefig(paths["png"], dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    paths["json"].write_text(verdict.to_json(indent=1))
    return {k: str(v) for k, v in paths.items()}

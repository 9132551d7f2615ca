"""same — two formulations compared at random exact points; the reparametrization that
reconciles them when they differ.

A formulation is ``"model:observable"`` (or a ``(model, observable)`` pair; fixed model
parameters in ``fixed``), a sympy expression (or a string) in the parameter names, or a callable
``f(**params)`` returning an mpmath number or an Arb ball (params given as sympy Rationals).
Both are evaluated at ``points`` random rational points of the box ``over`` (seeded; log-uniform
along a positive side spanning a decade or more) at ``digits`` digits. They agree when every
relative difference is below ``10^-(digits - 8)``.

When they differ, the search tries the changes of normalization a derivation most often gets
wrong, applied to the second formulation's inputs (and output): the penalty ``lam`` times
``1, gamma, 1/gamma, n, p`` (whichever of these are parameters), a noise variance taken as a
standard deviation (``noise -> sqrt(noise)``) or the reverse (``noise -> noise²``), a ratio
inverted (``gamma -> 1/gamma``), and the risk with or without the noise (``b + noise``,
``b - noise``). A map under which they agree at every point is reported (the verdict is still
REFUTED: the formulations differ as written).
"""

from __future__ import annotations

import itertools
import random
from typing import Any, Mapping

import mpmath as mp
import sympy as sp

from .. import balls, exact as _exact
from ._text import read
from ..balls import arb, working_precision
from ..validation import ParameterError
from .value import Evaluator
from .verdict import Status, Verdict, number_text

__all__ = ["same", "candidate_maps"]


class _Formulation:
    def __init__(self, spec, fixed: Mapping[str, Any]):
        self.spec = spec
        self.fixed = dict(fixed)
        self.model = None
        if isinstance(spec, tuple) or (isinstance(spec, str) and ":" in spec and not any(
                c in spec.split(":", 1)[0] for c in "+-*/() ")):
            model, observable = spec if isinstance(spec, tuple) else spec.split(":", 1)
            self.ev = Evaluator(model, observable, **self.fixed)
            self.model = self.ev.model.name
            self.kind = "model"
            self.text = f"{self.model}:{observable}"
        elif callable(spec) and not isinstance(spec, sp.Basic):
            self.kind, self.fn, self.text = "callable", spec, getattr(spec, "__name__", "callable")
        else:
            self.kind = "expression"
            self.expr = spec if isinstance(spec, sp.Basic) else None
            self.text = str(spec)

    def names(self):
        if self.kind == "expression" and self.expr is not None:
            return {s.name for s in self.expr.free_symbols}
        return set()

    def __call__(self, point: Mapping[str, sp.Expr], digits: int):
        if self.kind == "model":
            return self.ev(digits, **point).mpf
        if self.kind == "callable":
            out = self.fn(**point)
            return balls.to_mpf(out) if isinstance(out, arb) else mp.mpf(out)
        expr = self.expr
        if expr is None:
            names = set(point) | set(self.fixed)
            expr = read(self.spec, {n: sp.Symbol(n) for n in names}, "formulation")
            self.expr = expr
        env = {**{k: v for k, v in self.fixed.items()}, **point}
        sub = {}
        for s in expr.free_symbols:
            if s.name not in env:
                raise ParameterError(f"same: the expression uses '{s.name}', which has no value")
            sub[s] = _exact.parse(env[s.name], s.name) if not isinstance(env[s.name], sp.Basic) else env[s.name]
        value = expr.xreplace(sub)
        with working_precision(balls.bits_for(digits + 15)):
            return balls.to_mpf(balls.constant(value))


def candidate_maps(names) -> list[dict]:
    """Input maps (name -> sympy expression of the original parameters) and output shifts."""
    s = {n: sp.Symbol(n) for n in names}
    options = []
    if "lam" in s:
        scal = [sp.Integer(1)] + [s[k] ** e for k in ("gamma", "psi", "alpha") if k in s for e in (1, -1)]
        scal += [s[k] for k in ("n", "p", "d") if k in s]
        options.append(("lam", [s["lam"] * f for f in scal]))
    for k in ("noise",):
        if k in s:
            options.append((k, [s[k], sp.sqrt(s[k]), s[k] ** 2]))
    for k in ("gamma", "psi", "alpha", "delta"):
        if k in s:
            options.append((k, [s[k], 1 / s[k]]))
    maps = []
    keys = [k for k, _ in options]
    for combo in itertools.product(*[v for _, v in options]):
        maps.append(dict(zip(keys, combo)))
    return maps


def _random_points(over, count, seed):
    rng = random.Random(seed)
    pts = []
    for _ in range(count):
        pt = {}
        for k, (lo, hi) in over.items():
            lo_e, hi_e = _exact.parse(lo, k), _exact.parse(hi, k)
            u = sp.Rational(rng.randrange(1, 10 ** 6), 10 ** 6)
            if lo_e > 0 and hi_e / lo_e >= 10:
                x = sp.exp(sp.log(lo_e) + u * (sp.log(hi_e) - sp.log(lo_e)))
                pt[k] = sp.nsimplify(float(x), rational=True, tolerance=float(x) * 1e-9)
            else:
                pt[k] = lo_e + u * (hi_e - lo_e)
        pts.append(pt)
    return pts


def same(a, b, *, over: Mapping[str, tuple], points: int = 40, digits: int = 50, seed: int = 0,
         search: bool = True, fixed: Mapping[str, Any] | None = None, **fixed_kw) -> Verdict:
    """Compare formulations ``a`` and ``b`` at ``points`` random rational points of ``over``."""
    fixed = {**(fixed or {}), **fixed_kw}
    fa, fb = _Formulation(a, fixed), _Formulation(b, fixed)
    pts = _random_points(over, points, seed)
    tol = mp.mpf(10) ** (-(digits - 8))
    rows, worst, worst_pt = [], mp.mpf(0), None
    with mp.workdps(digits + 10):
        va_all = []
        for pt in pts:
            va, vb = fa(pt, digits), fb(pt, digits)
            va_all.append(va)
            rel = abs(va - vb) / max(abs(va), abs(vb), mp.mpf(10) ** -300)
            rows.append({**{k: str(v) for k, v in pt.items()}, "a": number_text(va, 20),
                         "b": number_text(vb, 20), "relative_difference": number_text(rel, 3)})
            if rel > worst:
                worst, worst_pt = rel, pt
    claim = f"{fa.text} == {fb.text} on " + " x ".join(f"{k} in [{lo}, {hi}]" for k, (lo, hi) in over.items())
    details = {"points": points, "digits": digits, "seed": seed, "max_relative_difference": number_text(worst, 3)}
    model = fa.model or fb.model
    if worst <= tol:
        return Verdict(kind="same", status=Status.SUPPORTED, claim=claim, estimate=number_text(worst, 3),
                       evidence=rows, details=details, model=model,
                       message=f"agree at {points} random rational points to {number_text(worst, 2)} (relative)")
    message = f"differ by up to {number_text(worst, 3)} (relative)"
    if search:
        found = _search(fa, fb, pts, va_all, over, fixed, digits, tol)
        if found is not None:
            details["map"] = {k: str(v) for k, v in found[0].items() if str(v) != k}
            details["output"] = found[1]
            parts = [f"{k} -> {v}" for k, v in details["map"].items()]
            if found[1] != "b":
                parts.append(f"output {found[1]}")
            message += f"; they agree under the map {', '.join(parts) or 'identity'}"
        else:
            message += "; no reparametrization among the candidates reconciles them"
    return Verdict(kind="same", status=Status.REFUTED, claim=claim, estimate=number_text(worst, 3),
                   worst_point={k: str(v) for k, v in (worst_pt or {}).items()}, evidence=rows,
                   details=details, model=model, message=message)


def _search(fa, fb, pts, va_all, over, fixed, digits, tol):
    names = set(over) | {k for k, v in fixed.items() if not isinstance(v, (list, tuple)) and _numberlike(v)}
    maps = candidate_maps(names)
    outputs = ["b", "b + noise", "b - noise"] if "noise" in names else ["b"]

    def mapped(pt, m):
        env = {**{k: _exact.parse(v, k) for k, v in fixed.items() if k in names}, **pt}
        sub = {sp.Symbol(k): v for k, v in env.items()}
        out = dict(pt)
        for k, e in m.items():
            out[k] = e.xreplace(sub)
        return out, env

    with mp.workdps(digits + 10):
        for m in maps:
            for out in outputs:
                ok = True
                for idx in range(len(pts)):
                    if not ok:
                        break
                    pt, env = mapped(pts[idx], m)
                    try:
                        vb = fb(pt, digits)
                    except (ParameterError, ValueError, ZeroDivisionError):
                        ok = False
                        break
                    if out != "b":
                        noise = mp.mpf(sp.N(env["noise"], digits + 10))
                        vb = vb + noise if out == "b + noise" else vb - noise
                    va = va_all[idx]
                    if abs(va - vb) > tol * max(abs(va), abs(vb), mp.mpf(10) ** -300):
                        ok = False
                if ok:
                    return m, out
    return None


def _numberlike(v) -> bool:
    try:
        _exact.parse(v)
        return True
    except ParameterError:
        return False

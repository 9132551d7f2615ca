"""bound — inequalities over a parameter box: worst case, certified counterexample, certificate.

``bound(model, "excess_risk <= gamma/(1 + gamma)", over={"gamma": (0.01, 100)}, ...)`` studies the
margin ``rhs - lhs`` (``lhs - rhs`` for ``>=``) over the box:

1. **worst case** — a vectorized float64 grid (geometric along a parameter whose range spans a
   decade or more), then local refinement (bounded scalar minimisation in 1-D, Nelder–Mead
   otherwise) from the best grid points;
2. **counterexample** — the worst point, made an exact rational, is re-evaluated on Arb balls: a
   ball entirely below zero is a certified counterexample (REFUTED, ``certified=True``);
3. **certificate** — otherwise branch-and-bound: the margin is evaluated on Arb balls covering
   each box (rigorous for closed forms; for a fixed point over a finite spectrum the unknowns are
   enclosed per box by the Krawczyk operator, ``K(X) = u - Y F(u, B) + (I - Y F_u(X, B))(X - u)``
   with ``K(X) ⊂ X`` proving a unique root in ``X``); boxes whose lower bound is positive are
   certified, the others bisected (geometrically along wide positive ranges). All boxes certified
   is CERTIFIED; a budget exhausted with the grid positive is SUPPORTED with the undecided boxes.

:func:`monotone` is a bound on the derivative (``d observable/d parameter > 0`` for increasing;
the derivative of a fixed point by the implicit-function theorem, ``u_theta = -F_u^{-1} F_theta``),
:func:`theta` the infimum and supremum of a ratio (a Theta claim holds on the box when both are
positive and finite; bounds ``c1 <= ratio <= c2`` may be certified). ``tie`` makes a parameter a
function of others (``tie={"lam": "noise*gamma/signal"}``: optimally tuned ridge).
:func:`enclose` is the Krawczyk enclosure at one point: a certified value of a fixed point's
observable.
"""

from __future__ import annotations

import math
import time
from typing import Any, Mapping

import mpmath as mp
import numpy as np
import sympy as sp

from .. import balls, exact as _exact
from ._text import read
from ..balls import ArbKernel, arb, working_precision
from ..validation import ParameterError
from .value import Evaluator, resolve_expression
from .verdict import Status, Verdict, equations_hash, number_text

__all__ = ["bound", "monotone", "theta", "enclose"]


class _Problem:
    """The margin of a claim as a function of the box parameters (float and Arb)."""

    def __init__(self, model, expr_text: str, over: Mapping[str, tuple], fixed: Mapping[str, Any],
                 tie: Mapping[str, str] | None, derivative: str | None = None, sign: int = 1):
        self.over = {k: (_exact.parse(v[0], k), _exact.parse(v[1], k)) for k, v in over.items()}
        for k, (lo, hi) in self.over.items():
            if not lo < hi:
                raise ParameterError(f"box for '{k}' must have lo < hi; got ({lo}, {hi})")
        self.names = tuple(self.over)
        self.fixed = dict(fixed)
        self.tie_text = dict(tie or {})
        mid = {k: (lo + hi) / 2 for k, (lo, hi) in self.over.items()}
        self.ev = Evaluator(model, "0", **self.fixed)
        self.model = self.ev.model
        tied_mid = self._tie_values_exact(mid)
        system = self.ev.system(**mid, **tied_mid)
        self.system = system
        syms = {s.name: s for s in system.parameters}
        for k in self.names:
            if k not in syms:
                raise ParameterError(f"'{k}' is not a scalar parameter of {self.model.name}")
        self.box_syms = tuple(syms[k] for k in self.names)
        expr = (_inequality(system, expr_text, self.model.name) if _is_inequality(expr_text)
                else resolve_expression(system, expr_text, self.model.name))
        # ties: parameters as expressions of others (exact)
        local = {s.name: s for s in system.parameters}
        self.ties = {syms[k]: read(v, local, k) for k, v in self.tie_text.items()}
        unknowns = [u.symbol for u in system.unknowns]
        self.closed = bool(system.solution) or not (expr.free_symbols & set(unknowns))
        if system.solution:
            expr = expr.xreplace(dict(system.solution))
        expr = expr.xreplace(self.ties).doit()
        if derivative is not None:
            th = syms[derivative]
            if self.closed:
                expr = sp.diff(expr, th)
            else:
                res = [r.xreplace(self.ties) for r in system.residuals]
                J = sp.Matrix([[sp.diff(r, u) for u in unknowns] for r in res])
                Ft = sp.Matrix([sp.diff(r, th) for r in res])
                du = -J.LUsolve(Ft)
                expr = sp.diff(expr, th) + sum(sp.diff(expr, u) * du[i] for i, u in enumerate(unknowns))
        # fixed (non-box) scalar parameters: exact numbers in the expression
        exact_fixed = {}
        for k, v in self.fixed.items():
            if k in syms and k not in self.tie_text and not isinstance(v, (np.ndarray, list)) and not (
                    isinstance(v, str) and not _is_number_text(v)):
                try:
                    exact_fixed[syms[k]] = _exact.parse(v, k)
                except ParameterError:
                    pass
        self.expr = sp.sympify(sign * expr if sign else expr).xreplace(exact_fixed)
        self.exact_fixed = exact_fixed
        self.unknowns = unknowns
        self.residuals = [r.xreplace(self.ties).xreplace(exact_fixed) for r in system.residuals]
        self.jac = sp.Matrix([[sp.diff(r, u) for u in unknowns] for r in self.residuals]) if unknowns else None
        self.params_syms = tuple(system.parameters)
        self._arb = ArbKernel([self.expr], self.params_syms, unknowns)
        self._values = None
        self.rigorous = self._arb.rigorous and (self.closed or self._fixed_point_rigorous())

    def _fixed_point_rigorous(self) -> bool:
        if self.jac is None:
            return True
        self._F = ArbKernel(self.residuals, self.params_syms, self.unknowns)
        self._J = ArbKernel(list(self.jac), self.params_syms, self.unknowns)
        return self._F.rigorous and self._J.rigorous

    def _tie_values_exact(self, point):
        if not self.tie_text:
            return {}
        out = {}
        for k, text in self.tie_text.items():
            expr = _parse_names(text, set(self.fixed) | set(point) | set(self.tie_text))
            sub = {sp.Symbol(n): v for n, v in {**self.fixed, **point}.items()
                   if isinstance(v, (int, str, sp.Basic)) or _exact.is_exact_input(v)}
            sub = {s: _exact.parse(v, str(s)) for s, v in sub.items()}
            out[k] = sp.nsimplify(expr.xreplace(sub))
        return out

    # -- float ---------------------------------------------------------------------------------
    def floats(self, grid: Mapping[str, np.ndarray]) -> np.ndarray:
        """Margins at float points (arrays of one shape)."""
        from ..api import evaluate
        from ..codegen import Kernel

        shape = np.shape(next(iter(grid.values())))
        flat = {k: np.asarray(v, dtype=float).ravel() for k, v in grid.items()}
        n = next(iter(flat.values())).size
        fixed = {}
        for k, v in self.fixed.items():
            if k in self.tie_text:
                continue
            if _exact.is_exact_input(v) and not isinstance(v, np.ndarray):
                try:
                    fixed[k] = _exact.float_proxy(_exact.parse(v, k))
                    continue
                except ParameterError:
                    pass
            fixed[k] = v
        tied = {}
        if self.tie_text:
            for k, text in self.tie_text.items():
                env = {**{kk: np.asarray(vv, dtype=float) for kk, vv in fixed.items()
                          if not isinstance(vv, str) and np.ndim(vv) == 0}, **flat, "np": np}
                expr = _parse_names(text, set(env) - {"np"})
                f = sp.lambdify([sp.Symbol(s) for s in env if s != "np"], expr, "numpy")
                tied[k] = np.broadcast_to(f(*[env[s] for s in env if s != "np"]), (n,))
        r = evaluate(self.model, throw=False, **fixed, **flat, **tied)
        from ..api import _prepare

        _, _, _, _, values = _prepare(self.model, {**fixed, **{k: v[:1] for k, v in flat.items()},
                                                   **{k: v[:1] for k, v in tied.items()}})
        vals = dict(values)
        for s in self.params_syms:
            if s.name in flat:
                vals[s.name] = flat[s.name]
            elif s.name in tied:
                vals[s.name] = tied[s.name]
            else:
                vals[s.name] = np.broadcast_to(np.asarray(values[s.name], dtype=float).reshape(-1)[:1], (n,))
        u = np.stack([np.asarray(r.unknowns[u.name], dtype=float).reshape(-1) for u in self.system.unknowns],
                     axis=-1) if self.unknowns else np.empty((n, 0))
        if getattr(self, "_np_kernel", None) is None:
            self._np_kernel = Kernel([self.expr], self.params_syms, self.unknowns)
        out = np.asarray(self._np_kernel(vals, u, n)[0], dtype=float)
        self._values = values
        return out.reshape(shape)

    # -- Arb -----------------------------------------------------------------------------------
    def _point_values(self, box: Mapping[str, Any]):
        if self._values is None:
            self.floats({k: np.array([float(lo + hi) / 2]) for k, (lo, hi) in self.over.items()})
        vals = {}
        for s in self.params_syms:
            if s.name in box:
                vals[s.name] = box[s.name]
            elif s in self.exact_fixed:
                vals[s.name] = balls.constant(self.exact_fixed[s])
            else:
                v = self._values.get(s.name)
                vals[s.name] = arb(float(np.asarray(v).reshape(-1)[0])) if v is not None else arb.nan()
        for k, v in self._values.items():
            if k not in vals:
                vals[k] = v
        return vals

    def ball(self, box: Mapping[str, Any], u_guess=None):
        """Margin on a box (name -> Arb ball); None when the fixed point cannot be enclosed."""
        vals = self._point_values(box)
        if self.closed or not self.unknowns:
            return self._arb(vals, [arb(0)] * len(self.unknowns))[0], None
        X = self.krawczyk(vals, box, u_guess)
        if X is None:
            return None, None
        return self._arb(vals, X)[0], X

    def krawczyk(self, vals, box, u_guess=None, widen: int = 12):
        """Enclosure X of the unique root for every parameter in the box (or None)."""
        m = len(self.unknowns)
        midvals = {k: (v.mid() if isinstance(v, arb) else v) for k, v in vals.items()}
        u = list(u_guess) if u_guess is not None else self._root_at(midvals)
        if u is None:
            return None
        u = [x.mid() for x in u]
        J0 = self._J(midvals, u)
        with mp.workdps(int(balls.ctx.prec / 3.3)):
            M = mp.matrix([[balls.to_mpf(J0[i * m + j]) for j in range(m)] for i in range(m)])
            try:
                Y = M ** -1
            except ZeroDivisionError:
                return None
            Yb = [[balls.from_mpf(Y[i, j]) for j in range(m)] for i in range(m)]
        F = self._F(vals, u)
        YF = [sum((Yb[i][j] * F[j] for j in range(m)), arb(0)) for i in range(m)]
        r = [abs(x).upper() * 2 + abs(ui).upper() * arb(2) ** (-(balls.ctx.prec - 20)) for x, ui in zip(YF, u)]
        for _ in range(widen):
            X = [ui + arb(0, ri) for ui, ri in zip(u, r)]
            JX = self._J(vals, X)
            K = []
            for i in range(m):
                acc = u[i] - YF[i]
                for j in range(m):
                    cij = (arb(1) if i == j else arb(0)) - sum((Yb[i][k] * JX[k * m + j] for k in range(m)), arb(0))
                    acc += cij * (X[j] - u[j])
                K.append(acc)
            if all(X[i].contains_interior(K[i]) for i in range(m)):
                return K
            r = [ri * 4 for ri in r]
        return None

    def _root_at(self, midvals):
        """A root at the box midpoint by Newton on balls (midpoints)."""
        from ..precision import _solve_linear

        u = None
        try:
            flo = {k: float(v.mid()) for k, v in midvals.items() if isinstance(v, arb)}
            box_float = {k: np.array([flo[k]]) for k in self.names}
            self.floats(box_float)
            from ..api import evaluate

            fixed = {k: v for k, v in self.fixed.items() if k not in self.tie_text}
            fixed = {k: (_exact.float_proxy(_exact.parse(v, k)) if _exact.is_exact_input(v) and not isinstance(v, np.ndarray) else v)
                     for k, v in fixed.items()}
            tied = {s.name: flo[s.name] for s in self.ties}
            r = evaluate(self.model, throw=False, **fixed, **{k: flo[k] for k in self.names}, **tied)
            u = [arb(float(r.unknowns[x.name])) for x in self.system.unknowns]
        except Exception:  # noqa: BLE001 - fall back to the guess
            return None
        m = len(u)
        for _ in range(40):
            F = self._F(midvals, u)
            J = self._J(midvals, u)
            Jm = [[J[i * m + j] for j in range(m)] for i in range(m)]
            step = _solve_linear(Jm, F)
            u = [(u[i] - step[i]).mid() for i in range(m)]
            if all(abs(step[i]) <= abs(u[i]) * arb(2) ** (-(balls.ctx.prec - 16)) for i in range(m)):
                break
        return u


def _parse_names(text: str, names) -> sp.Expr:
    """Every name a plain symbol (``gamma`` is a parameter, not the Gamma function)."""
    return read(text, {n: sp.Symbol(n) for n in names}, "expression")


def _is_number_text(v: str) -> bool:
    try:
        _exact.parse(v)
        return True
    except ParameterError:
        return False


def _is_inequality(text: str) -> bool:
    return isinstance(text, str) and any(op in text for op in ("<=", ">=", "<", ">"))


def _inequality(system, text: str, model_name: str) -> sp.Expr:
    """margin = rhs - lhs for ``lhs <= rhs`` (lhs - rhs for ``>=``)."""
    for op in ("<=", ">=", "<", ">"):
        if op in text:
            lhs, rhs = text.split(op, 1)
            a = resolve_expression(system, lhs.strip(), model_name)
            b = resolve_expression(system, rhs.strip(), model_name)
            return b - a if op in ("<=", "<") else a - b
    raise ParameterError(f"expected an inequality 'lhs <= rhs'; got {text!r}")


def _grid(over, count):
    axes = []
    for k, (lo, hi) in over.items():
        lo_f, hi_f = float(lo), float(hi)
        if lo_f > 0 and hi_f / lo_f >= 10:
            axes.append(np.geomspace(lo_f, hi_f, count))
        else:
            axes.append(np.linspace(lo_f, hi_f, count))
    mesh = np.meshgrid(*axes, indexing="ij")
    return dict(zip(over, mesh))


def _box_ball(lo, hi):
    a = balls.constant(lo)
    b = balls.constant(hi)
    return a.union(b)


def _split(box, over_names):
    """Bisect the widest side (geometric mean for a positive side spanning a factor >= 4)."""
    def width(k):
        lo, hi = box[k]
        return float(sp.log(hi / lo)) if lo > 0 and hi / lo >= 4 else float((hi - lo) / max(abs(lo), abs(hi), sp.Rational(1, 10**6)))

    k = max(over_names, key=width)
    lo, hi = box[k]
    if lo > 0 and hi / lo >= 4:
        cut = sp.nsimplify(math.sqrt(float(lo) * float(hi)), rational=True, tolerance=1e-6)
        if not lo < cut < hi:
            cut = (lo + hi) / 2
    else:
        cut = (lo + hi) / 2
    a, b = dict(box), dict(box)
    a[k] = (lo, cut)
    b[k] = (cut, hi)
    return a, b


def _check(problem: _Problem, claim_text: str, kind: str, grid_points: int, max_boxes: int,
           digits: int, certify: bool, time_limit: float) -> Verdict:
    model = problem.model
    eq_hash = equations_hash(problem.system)
    dims = len(problem.names)
    count = {1: grid_points, 2: max(21, int(grid_points ** 0.5) * 3), 3: 31}.get(dims, 11)
    grid = _grid(problem.over, count)
    with np.errstate(all="ignore"):
        margins = problem.floats(grid)
    finite = np.isfinite(margins)
    if not finite.any():
        raise ParameterError(f"{model.name}: the margin of '{claim_text}' is not finite anywhere on the grid")
    flat = np.where(finite, margins, np.inf).ravel()
    order = np.argsort(flat)[: min(5, flat.size)]
    best_x, best_m = None, math.inf
    for idx in order:
        x0 = {k: float(grid[k].ravel()[idx]) for k in problem.names}
        x, mval = _refine(problem, x0)
        if mval < best_m:
            best_x, best_m = x, mval
    evidence = [{"stage": "grid", "points": int(margins.size), "min_margin": number_text(float(np.nanmin(margins)), 10)},
                {"stage": "refined", **{k: number_text(v, 12) for k, v in best_x.items()},
                 "min_margin": number_text(best_m, 12)}]
    # exact rational worst point, re-evaluated on balls
    exact_pt = {k: _rational_in(v, *problem.over[k]) for k, v in best_x.items()}
    with working_precision(balls.bits_for(digits)):
        mb, _ = problem.ball({k: balls.constant(v) for k, v in exact_pt.items()})
        mball_text = mb.str(digits, radius=True) if mb is not None else "nan"
        negative = mb is not None and mb < 0
    worst = {k: str(v) for k, v in exact_pt.items()}
    worst_float = {k: number_text(float(v), 12) for k, v in exact_pt.items()}
    details = {"kind": kind, "box": {k: [str(lo), str(hi)] for k, (lo, hi) in problem.over.items()},
               "worst_point_decimal": worst_float, "worst_margin": mball_text,
               "rigorous_kernel": bool(problem.rigorous), "tie": problem.tie_text}
    evidence.append({"stage": "arb recheck", **worst_float, "min_margin": mball_text})
    if negative:
        details["certified"] = True
        return Verdict(kind="bound", status=Status.REFUTED, claim=claim_text,
                       estimate=number_text(balls.to_mpf(mb), 16), error=number_text(balls.to_mpf(mb.rad()), 3),
                       worst_point=worst, evidence=evidence, details=details, model=model.name,
                       equations_hash=eq_hash,
                       message=(f"certified counterexample at {', '.join(f'{k}={v}' for k, v in worst_float.items())}: "
                                f"margin {mb.str(15, radius=False)} (Arb ball entirely below 0)"
                                if problem.rigorous else
                                f"counterexample at {worst_float}: margin {mb.str(15, radius=False)} "
                                f"(ball below 0; the margin's quadrature makes it accurate, not certified)"))
    if best_m < 0:
        return Verdict(kind="bound", status=Status.REFUTED, claim=claim_text, estimate=number_text(best_m, 12),
                       worst_point=worst, evidence=evidence, details={**details, "certified": False},
                       model=model.name, equations_hash=eq_hash,
                       message="negative margin in float64 (the Arb recheck did not confirm the sign)")
    if not certify or not problem.rigorous:
        why = "" if problem.rigorous else "; no certificate: the margin involves quadrature or implicit functions"
        return Verdict(kind="bound", status=Status.SUPPORTED, claim=claim_text, estimate=number_text(best_m, 12),
                       worst_point=worst, evidence=evidence, details=details, model=model.name,
                       equations_hash=eq_hash, message=f"smallest margin {best_m:.6g} on the grid and refined{why}")
    # branch and bound
    t0 = time.perf_counter()
    stack = [dict(problem.over)]
    certified = boxes = 0
    undecided = []
    bits = balls.bits_for(max(20, digits // 2))
    with working_precision(bits):
        while stack:
            if boxes >= max_boxes or time.perf_counter() - t0 > time_limit:
                undecided += stack
                break
            box = stack.pop()
            boxes += 1
            ballbox = {k: _box_ball(lo, hi) for k, (lo, hi) in box.items()}
            m, _ = problem.ball(ballbox)
            if m is not None and m > 0:
                certified += 1
                continue
            if m is not None and m < 0:
                undecided.append(box)
                break
            widths = [float(hi - lo) / max(abs(float(hi)), 1e-300) for lo, hi in box.values()]
            if max(widths) < 1e-14:
                undecided.append(box)
                continue
            stack.extend(_split(box, problem.names))
    elapsed = time.perf_counter() - t0
    details.update(boxes=boxes, certified_boxes=certified, undecided_boxes=len(undecided),
                   certification_seconds=round(elapsed, 3))
    evidence.append({"stage": "branch-and-bound", "boxes": boxes, "certified": certified,
                     "undecided": len(undecided), "seconds": round(elapsed, 3)})
    if not undecided:
        return Verdict(kind="bound", status=Status.CERTIFIED, claim=claim_text,
                       estimate=number_text(best_m, 12), worst_point=worst, evidence=evidence,
                       details={**details, "certified": True}, model=model.name, equations_hash=eq_hash,
                       message=f"margin > 0 certified on {certified} Arb boxes covering the box ({elapsed:.2f} s)")
    first = undecided[0]
    details["first_undecided"] = {k: [str(lo), str(hi)] for k, (lo, hi) in first.items()}
    return Verdict(kind="bound", status=Status.SUPPORTED, claim=claim_text, estimate=number_text(best_m, 12),
                   worst_point=worst, evidence=evidence, details=details, model=model.name,
                   equations_hash=eq_hash,
                   message=(f"grid minimum {best_m:.6g} > 0, but {len(undecided)} box(es) undecided after "
                            f"{boxes} boxes (budget); not certified"))


def _rational_in(x: float, lo, hi):
    q = sp.nsimplify(x, rational=True, tolerance=abs(x) * 1e-15 + 1e-300)
    q = sp.Rational(q)
    if not lo <= q <= hi:
        q = sp.Rational(*float(x).as_integer_ratio())
        q = min(max(q, lo), hi)
    return q


def _refine(problem, x0):
    from scipy.optimize import minimize, minimize_scalar

    names = problem.names

    def f(vec):
        pt = {k: np.array([v]) for k, v in zip(names, np.atleast_1d(vec))}
        for k, (lo, hi) in problem.over.items():
            if not float(lo) <= float(pt[k][0]) <= float(hi):
                return math.inf
        with np.errstate(all="ignore"):
            v = float(problem.floats(pt).ravel()[0])
        return v if math.isfinite(v) else math.inf

    if len(names) == 1:
        k = names[0]
        lo, hi = (float(b) for b in problem.over[k])
        x = x0[k]
        span = max((hi - lo) * 0.02, abs(x) * 0.05)
        a, b = max(lo, x - span), min(hi, x + span)
        res = minimize_scalar(f, bounds=(a, b), method="bounded", options={"xatol": 1e-12 * max(1, abs(x))})
        best = (res.x, res.fun) if res.fun < f(x) else (x, f(x))
        return {k: float(best[0])}, float(best[1])
    res = minimize(f, [x0[k] for k in names], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14})
    v0 = f([x0[k] for k in names])
    if res.fun < v0:
        return dict(zip(names, map(float, res.x))), float(res.fun)
    return dict(x0), v0


def bound(model, claim: str, *, over: Mapping[str, tuple], tie: Mapping[str, str] | None = None,
          grid_points: int = 2001, max_boxes: int = 50000, digits: int = 30, certify: bool = True,
          time_limit: float = 120.0, **fixed) -> Verdict:
    """Check an inequality ``claim`` (``"lhs <= rhs"`` in the model's symbols) over the box
    ``over = {name: (lo, hi)}`` (exact endpoints allowed). See the module docstring."""
    problem = _Problem(model, claim, over, fixed, tie)
    return _check(problem, f"{claim} on {_box_text(problem.over)}", "inequality", grid_points,
                  max_boxes, digits, certify, time_limit)


def monotone(model, observable: str, parameter: str, *, over: Mapping[str, tuple] | None = None,
             increasing: bool = True, tie: Mapping[str, str] | None = None, grid_points: int = 2001,
             max_boxes: int = 50000, digits: int = 30, certify: bool = True, time_limit: float = 120.0,
             **fixed) -> Verdict:
    """``observable`` increasing (or decreasing) in ``parameter`` on the box: the sign of the
    derivative (implicit-function theorem for fixed points). ``over`` defaults to the
    parameter's range given as ``fixed[parameter] = (lo, hi)``."""
    over = dict(over or {})
    if parameter not in over:
        raise ParameterError(f"monotone: give the range of '{parameter}' in over=")
    problem = _Problem(model, observable, over, fixed, tie, derivative=parameter,
                       sign=1 if increasing else -1)
    word = "increasing" if increasing else "decreasing"
    return _check(problem, f"{observable} {word} in {parameter} on {_box_text(problem.over)}",
                  "monotone", grid_points, max_boxes, digits, certify, time_limit)


def theta(model, observable: str, reference: str, *, over: Mapping[str, tuple],
          constants: tuple | None = None, tie: Mapping[str, str] | None = None, grid_points: int = 2001,
          max_boxes: int = 50000, digits: int = 30, certify: bool = True, **fixed) -> Verdict:
    """``observable = Theta(reference)`` on the box: infimum and supremum of the ratio, and with
    ``constants=(c1, c2)`` the certified bounds ``c1 <= ratio <= c2``."""
    ratio = f"({observable})/({reference})"
    lo_p = _Problem(model, ratio, over, fixed, tie)
    with np.errstate(all="ignore"):
        g = _grid(lo_p.over, grid_points if len(over) == 1 else 41)
        vals = lo_p.floats(g)
    inf, sup = float(np.nanmin(vals)), float(np.nanmax(vals))
    details = {"inf_ratio": number_text(inf, 10), "sup_ratio": number_text(sup, 10)}
    claim = f"{observable} = Theta({reference}) on {_box_text(lo_p.over)}"
    if constants is None:
        ok = inf > 0 and math.isfinite(sup)
        return Verdict(kind="theta", status=Status.SUPPORTED if ok else Status.REFUTED, claim=claim,
                       estimate=f"[{inf:.6g}, {sup:.6g}]", details=details, model=lo_p.model.name,
                       equations_hash=equations_hash(lo_p.system),
                       message=f"ratio in [{inf:.6g}, {sup:.6g}] on the grid")
    c1, c2 = constants
    low = bound(model, f"{c1} <= {ratio}", over=over, tie=tie, grid_points=grid_points,
                max_boxes=max_boxes, digits=digits, certify=certify, **fixed)
    high = bound(model, f"{ratio} <= {c2}", over=over, tie=tie, grid_points=grid_points,
                 max_boxes=max_boxes, digits=digits, certify=certify, **fixed)
    statuses = {low.status, high.status}
    status = (Status.REFUTED if Status.REFUTED in statuses else Status.CERTIFIED
              if statuses == {Status.CERTIFIED} else Status.SUPPORTED)
    details.update(lower=low.to_dict(), upper=high.to_dict())
    return Verdict(kind="theta", status=status, claim=f"{c1} <= {ratio} <= {c2} on {_box_text(lo_p.over)}",
                   estimate=f"[{inf:.6g}, {sup:.6g}]", details=details, model=lo_p.model.name,
                   equations_hash=equations_hash(lo_p.system), message=f"lower: {low.message}; upper: {high.message}")


def enclose(model, observable: str, *, digits: int = 30, **params) -> Verdict:
    """A certified enclosure of an observable at one exact point: a closed form on balls, or a
    fixed point over a finite spectrum enclosed by the Krawczyk operator."""
    ev = Evaluator(model, observable, **params)
    pv = ev(digits, solve_all=True)
    last = ev.last
    system = last["system"]
    compiled = last["compiled"]
    from ..precision import arb_system

    asys = arb_system(compiled)
    bits = balls.bits_for(digits + 15)
    with working_precision(bits):
        point = {k: balls.constant(v) if isinstance(v, sp.Basic) else v for k, v in last["point"].items()}
        if not compiled.size or system.solution:
            ball = pv.ball
            ok = pv.rigorous
        else:
            unknowns = [u.symbol for u in system.unknowns]
            F = ArbKernel(list(system.residuals), tuple(system.parameters), unknowns)
            J = ArbKernel(list(system.jacobian()), tuple(system.parameters), unknowns)
            fake = type("P", (), {})()
            fake.unknowns, fake._F, fake._J = unknowns, F, J
            X = _Problem.krawczyk(fake, point, {}, last["unknowns"])
            ok = X is not None and F.rigorous and J.rigorous
            if X is None:
                ball = pv.ball
            else:
                expr = resolve_expression(system, observable, ev.model.name)
                ball = asys.expressions((expr,))(point, X)[0]
                ok = ok and asys.expressions((expr,)).rigorous
        text = ball.str(digits, radius=True)
        acc = ball.rel_accuracy_bits() * math.log10(2) if ball.rad() != 0 else digits
    status = Status.CERTIFIED if ok and acc >= digits - 1 else Status.SUPPORTED
    return Verdict(kind="enclosure", status=status, claim=f"{observable} at {', '.join(f'{k}={v}' for k, v in params.items())}",
                   estimate=number_text(balls.to_mpf(ball), digits), error=number_text(balls.to_mpf(ball.rad()), 3),
                   digits=int(min(acc, digits)), details={"ball": text, "rigorous": bool(ok),
                                                          "method": "Krawczyk" if compiled.size and not system.solution else "closed form"},
                   model=ev.model.name, equations_hash=equations_hash(system),
                   message="rigorous enclosure" if ok else "not rigorous (quadrature or implicit functions)")


def _box_text(over) -> str:
    return " x ".join(f"{k} in [{lo}, {hi}]" for k, (lo, hi) in over.items())

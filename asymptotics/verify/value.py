"""value — an observable at an exact point, with the number of digits that are verified correct.

:func:`value` solves the model twice on Arb balls (:mod:`asymptotics.precision`): at ``digits``
(+15 guard digits) and at ``digits + 20`` with every quadrature order doubled. The digits on
which the two agree are ``digits_correct`` (capped at ``digits``): the first solve's errors —
rounding, Newton truncation and quadrature — all change in the second. Where the result is a
rigorous enclosure (a closed form, or finite sums over a given spectrum, evaluated on balls) the
digits come from the ball itself and the status is CERTIFIED. Spaces without Arb rules (float64
nodes) cap ``digits_correct`` at 15 and the verdict says which space; array inputs (spectra) and
float64 values prepared by a model are taken as the exact numbers they are.

:class:`Evaluator` is the engine every other check uses: an observable (a name, an unknown, or an
expression in the model's symbols, e.g. ``"variance*(gamma - 1)"``) at exact parameter values
(``"1/10"``, ``"1e-1000"``, ``Fraction``, ``mpf``, sympy numbers; see :mod:`asymptotics.exact`).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Mapping

import mpmath as mp
import numpy as np
import sympy as sp

from .. import balls, exact as _exact, models as _models, precision
from ._text import read
from ..balls import arb
from ..validation import ParameterError
from .verdict import Status, Verdict, equations_hash, number_text

__all__ = ["Evaluator", "PointValue", "value", "digits_between", "FLOAT_NODE_DIGITS"]

#: digits claimed at most where a space's nodes are float64 (their quadrature error is unknown)
FLOAT_NODE_DIGITS = 15


@dataclass(frozen=True)
class PointValue:
    """One evaluation: the ball, whether it is a rigorous enclosure, and diagnostics."""

    ball: Any
    rigorous: bool
    converged: bool
    float_nodes: tuple
    method: str
    message: str = ""

    @property
    def mpf(self):
        return balls.to_mpf(self.ball)

    @property
    def accurate_digits(self) -> float:
        """Relative accuracy of the ball in decimal digits (inf for an exact ball)."""
        b = self.ball
        if not b.is_finite():
            return 0.0
        if b.rad() == 0:
            return math.inf
        return max(0.0, b.rel_accuracy_bits() * math.log10(2))


class Evaluator:
    """``evaluator(digits, scale=1, **params)`` -> :class:`PointValue` of one observable.

    ``observable``: a name from the model's observables or unknowns, or an expression string in
    the variant's symbols (parameters, unknowns and observable names). Fixed parameters are given
    once; the moving ones at each call. The float64 solve (for Newton's start) is skipped when
    the expression involves no unknowns.
    """

    def __init__(self, model, observable: str, **fixed):
        self.model = _models.get(model)
        self.observable = observable
        self.fixed = dict(fixed)
        self._exprs: dict = {}
        self._lock = threading.Lock()
        self.last_system = None
        self._history: list = []
        self.last: dict = {}

    def variant(self, **moving):
        return self.model.select(set(self.fixed) | set(moving))

    def system(self, **moving):
        """The System of the variant (of the last evaluated point if no parameters are given)."""
        from ..api import _prepare

        if not moving and self.last_system is not None:
            return self.last_system
        params = {**self.fixed, **moving}
        proxies, _ = _exact.split(self.variant(**moving).params, params, self.model.name)
        _, variant, p, _, _ = _prepare(self.model, proxies)
        return variant.system_for(p)

    def expression(self, system) -> sp.Expr:
        with self._lock:
            hit = self._exprs.get(id(system))
            if hit is not None and hit[0] is system:
                return hit[1]
        expr = resolve_expression(system, self.observable, self.model.name)
        with self._lock:
            self._exprs[id(system)] = (system, expr)
        return expr

    def __call__(self, digits: int, scale: int = 1, continuation: bool = False, solve_all: bool = False,
                 **moving) -> PointValue:
        """The observable at one point. ``solve_all`` solves the unknowns even when the observable
        does not need them (``self.last`` then holds them: compiled system, point, unknowns)."""
        from ..api import _prepare
        from ..codegen import compile_system
        from ..solvers import Status as SolveStatus
        from ..solvers.strategy import solve_bounded

        params = {**self.fixed, **moving}
        proxies, exact = _exact.split(self.variant(**moving).params, params, self.model.name)
        model, variant, p, shape, values = _prepare(self.model, proxies)
        if shape:
            raise ParameterError(f"{model.name}: verify evaluates one point at a time; got arrays "
                                 f"of shape {shape}")
        if variant.is_numeric:
            raise ParameterError(f"{model.name}: variant '{variant.name}' is numeric (hand-written "
                                 f"float64 code): no high-precision path")
        system = variant.system_for(p)
        self.last_system = system
        compiled = compile_system(system)
        expr = self.expression(system)
        needs = (solve_all or bool(expr.free_symbols & set(compiled.unknowns))) and compiled.size > 0
        start = None
        if needs and not system.solution:
            out, reports, _ = solve_bounded(compiled, values, 1, "auto", None)
            if out.status[0] == SolveStatus.OUTSIDE_DOMAIN:
                from ..api import _bound_error

                raise _bound_error(model, reports, out.status, values, variant.scalar_params)
            if out.status[0] == SolveStatus.CONVERGED and np.all(np.isfinite(out.u[0])):
                start = out.u[0]
        predicted = None
        if needs and not system.solution and continuation and self._history:
            if start is None or not _proxies_exact(proxies, exact, variant):
                start, predicted = None, self._predict()
        point, floats = precision.point_values(compiled, values, 0, exact)
        for _ in range(4):
            sol = precision.solve_point(compiled, point, floats, start, digits, scale=scale,
                                        exprs=(expr,), solve=needs, start_arb=predicted)
            ball = sol.observables[0]
            pv = PointValue(ball, sol.rigorous, sol.converged, sol.float_nodes, sol.method, sol.message)
            # cancellation (a closed form at an extreme point) shows as a wide ball: retry wider
            if not ball.is_finite() or pv.accurate_digits >= digits + 2 or ball.is_zero():
                break
            digits = 2 * digits
        if continuation and needs and sol.converged:
            self._history = (self._history + [sol.unknowns])[-2:]
        self.last = {"compiled": compiled, "system": system, "point": point, "floats": floats,
                     "unknowns": sol.unknowns, "digits": digits, "solution": sol}
        return pv

    def _predict(self):
        """Start for the next point of a geometric grid: u1²/u0 per unknown (exact for power
        laws in the grid index), or the last solution."""
        if len(self._history) < 2:
            return list(self._history[-1])
        out = []
        for a, b in zip(*self._history):
            if a.is_finite() and b.is_finite() and not a.is_zero() and ((a > 0 and b > 0) or (a < 0 and b < 0)):
                out.append(b * b / a)
            else:
                out.append(b)
        return out


def _proxies_exact(proxies, exact, variant) -> bool:
    """Whether every exact parameter is (to 1e-15) its float proxy: else the float root belongs
    to another point (an underflowed 1e-1000 became 5e-324) and is no start."""
    from ..validation import fields

    specs = fields(variant.params)
    alias = {a: n for n, s in specs.items() for a in s.aliases}
    for key, value in proxies.items():
        name = alias.get(key, key)
        e = exact.get(name)
        if e is None:
            continue
        x = float(value)
        if not math.isfinite(x) or x == 0:
            if e != 0:
                return False
            continue
        if abs(float((e - sp.Rational(*x.as_integer_ratio())) / e)) > 1e-15 if e.is_Rational else (
                abs(x) < 1e-300):
            return False
    return True


def resolve_expression(system, observable, model_name: str = "") -> sp.Expr:
    """The sympy expression of an observable name, an unknown, or an expression string."""
    if isinstance(observable, sp.Basic):
        return observable
    if observable in system.observables:
        return sp.sympify(system.observables[observable])
    names = {s.name: s for s in system.parameters}
    names.update({u.name: u.symbol for u in system.unknowns})
    if observable in names:
        return names[observable]
    local = dict(names)
    local.update({k: sp.sympify(v) for k, v in system.observables.items()})
    try:
        expr = read(observable, local, "observable")
    except ParameterError as err:
        raise ParameterError(f"{model_name}: unknown observable or expression {observable!r} "
                             f"(observables: {', '.join(system.observables)}): "
                             f"{str(err).split(': ', 1)[-1]}") from None
    stray = {s.name for s in expr.free_symbols} - set(names)
    if stray:
        raise ParameterError(f"{model_name}: {observable!r} uses unknown names {sorted(stray)} "
                             f"(observables: {', '.join(system.observables)}; parameters and "
                             f"unknowns: {', '.join(sorted(names))})")
    return expr


def digits_between(a, b) -> float:
    """Number of significant decimal digits on which two numbers (mpf/arb) agree."""
    a, b = mp.mpf(balls.to_mpf(a) if isinstance(a, arb) else a), mp.mpf(
        balls.to_mpf(b) if isinstance(b, arb) else b)
    if not (mp.isfinite(a) and mp.isfinite(b)):
        return math.inf if a == b else 0.0
    if a == b:
        return math.inf
    scale = max(abs(a), abs(b))
    return max(0.0, float(-mp.log10(abs(a - b) / scale)))


def value(model, observable: str, *, digits: int = 30, claim=None, **params) -> Verdict:
    """An observable at an exact point with ``digits_correct`` verified by a second solve.

    ``claim`` (optional): a number or an expression string (``"sqrt(26) - 5"``) the value should
    equal; the verdict then REFUTES it when they differ in the verified digits.
    Status: CERTIFIED (rigorous ball, >= ``digits`` digits), SUPPORTED (the two solves agree to
    ``digits``), INCONCLUSIVE (fewer verified digits; the message says what limits them).
    """
    digits = int(digits)
    if digits < 1:
        raise ParameterError(f"parameter 'digits' must be an integer >= 1; got {digits}")
    ev = Evaluator(model, observable, **params)
    first = ev(digits, 1)
    second = ev(digits + 20, 2)
    m = ev.model
    system = ev.last_system
    with mp.workdps(digits + 30):
        v2 = second.mpf
        agree = digits_between(first.mpf, v2)
    reasons = []
    if second.rigorous and first.rigorous:
        correct = min(second.accurate_digits, digits)
        status = Status.CERTIFIED if correct >= digits else Status.INCONCLUSIVE
    else:
        correct = min(agree, digits)
        status = Status.SUPPORTED if correct >= digits else Status.INCONCLUSIVE
    nodes = tuple(dict.fromkeys(first.float_nodes + second.float_nodes))
    if nodes:
        correct = min(correct, FLOAT_NODE_DIGITS)
        reasons.append("; ".join(nodes) + f": digits capped at {FLOAT_NODE_DIGITS}")
        status = Status.SUPPORTED if correct >= digits else Status.INCONCLUSIVE
    if not (first.converged and second.converged):
        status = Status.INCONCLUSIVE
        reasons.append("the high-precision solve did not converge: " + (second.message or first.message))
    if status == Status.INCONCLUSIVE and not reasons:
        reasons.append(f"only {int(correct)} digits agree between the solve at {digits} digits and "
                       f"the one at {digits + 20} digits with doubled quadrature orders "
                       f"(quadrature- or solver-limited)")
    correct_int = int(math.floor(correct)) if math.isfinite(correct) else digits
    details = {"digits_requested": digits, "digits_agree": agree if math.isfinite(agree) else "all",
               "method": second.method, "rigorous": bool(second.rigorous), "float_nodes": list(nodes),
               "exact_inputs": {k: str(v) for k, v in params.items()}}
    claim_text = f"{observable} at {_point_text(params)}"
    if second.rigorous:
        details["ball"] = second.ball.str(digits + 5, radius=True)
    if claim is not None:
        target = _claim_number(claim, digits + 30)
        with mp.workdps(digits + 30):
            hit = digits_between(target, v2)
        details["claim"] = str(claim)
        details["claim_digits_agree"] = hit if math.isfinite(hit) else "all"
        claim_text += f" = {claim}"
        if hit + 1 < correct_int:
            status = Status.REFUTED
            reasons.insert(0, f"the claim agrees to only {hit:.1f} digits of {correct_int} verified")
        elif status == Status.INCONCLUSIVE and hit >= correct_int:
            reasons.insert(0, f"the claim agrees with all {correct_int} verified digits")
    with mp.workdps(digits + 20):
        shown = number_text(v2, max(correct_int, 1))
        err = mp.mpf(10) ** (-correct_int) * abs(v2) if v2 != 0 else mp.mpf(10) ** (-correct_int)
    evidence = ({"solve": 1, "digits": digits, "quadrature_scale": 1, "value": number_text(first.mpf, digits + 5)},
                {"solve": 2, "digits": digits + 20, "quadrature_scale": 2, "value": number_text(v2, digits + 25)})
    return Verdict(kind="value", status=status, claim=claim_text, estimate=shown,
                   error=number_text(err, 3), digits=correct_int,
                   worst_point={k: str(v) for k, v in params.items()}, evidence=evidence,
                   details=details, message="; ".join(reasons), model=m.name,
                   equations_hash=equations_hash(system))


def _claim_number(claim, dps: int):
    with mp.workdps(dps):
        if isinstance(claim, str):
            expr = read(claim, what="claim")
            return mp.mpf(sp.N(expr, dps).evalf(dps)) if not expr.is_Rational else (
                mp.mpf(int(expr.p)) / int(expr.q))
        return mp.mpf(claim) if not isinstance(claim, arb) else balls.to_mpf(claim)


def _point_text(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items() if not isinstance(v, np.ndarray))

"""transition — phase-transition points at high precision, from the model's augmented systems.

Two kinds:

- **threshold observables** (``observables=[...]``): models whose System already holds the
  augmented equations of their transitions — a fixed point with a singular Jacobian (a spinodal:
  ``d snr/d gamma = 0``), equal free entropies (the information-theoretic threshold), a capacity
  or a separability threshold (Gardner's ``1/E(kappa - Z)_+^2``, Candès–Sur's ``h_MLE``) — are
  solved on Arb balls twice (``digits``, and ``digits + 20`` with doubled quadrature): the
  digits on which the two agree are verified. Claimed values and orderings (``"spinodal <
  it_threshold < algorithmic_threshold"``) are checked.
- **branch points** (``parameter=``, ``unknown=``): the point where a branch of fixed points
  ends at ``unknown = at`` (the BBP transition: the overlap's branch reaching 0). The augmented
  system (the equations that involve the pinned unknown, with ``parameter`` as an unknown) is
  solved with the unknown pinned at ``at + h`` on a geometric grid of ``h`` by continuation, and
  ``parameter(h)`` is extrapolated to ``h = 0`` (:func:`~asymptotics.verify.rate.extrapolate`).
  The order parameter's local exponent ``beta`` in ``unknown - at ~ (parameter - threshold)^beta``
  is reported on the side where the branch exists; on the other side the branch is absent.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import mpmath as mp
import sympy as sp

from .. import balls, exact as _exact, precision
from ._text import read
from ..balls import arb
from ..validation import ParameterError
from .rate import extrapolate
from .value import Evaluator, digits_between
from .verdict import Status, Verdict, equations_hash, number_text

__all__ = ["transition"]


def transition(model, observables: Sequence[str] | str | None = None, *, parameter: str | None = None,
               unknown: str | None = None, at: Any = 0, digits: int = 30, claim=None,
               points: int = 20, agree: int | None = None, quadrature: tuple = (1, 2), **params) -> Verdict:
    """Transition points of ``model`` (see the module docstring).

    ``observables`` (threshold kind): names of threshold observables; ``claim``: a mapping
    name -> value, a single value, or an ordering string with ``<``. ``agree``: digits the two
    precisions must share (default ``digits - 5``); ``quadrature``: the order multipliers of the
    two solves (default (1, 2); (2, 4) when the declared rule itself limits the digits: the
    reported value is the finer rule's). Branch-point kind: ``parameter`` (the
    control, e.g. ``snr``), ``unknown`` (the order parameter, e.g. ``gamma``), ``at`` (its value
    on the trivial branch), ``params`` including a start value of ``parameter`` on the branch.
    """
    if parameter is not None:
        if unknown is None:
            raise ParameterError("transition: give 'unknown' (the order parameter) with 'parameter'")
        return _branch_point(model, parameter, unknown, at, digits, claim, points, params)
    if observables is None:
        raise ParameterError("transition: give threshold 'observables', or 'parameter' and 'unknown'")
    names = [observables] if isinstance(observables, str) else list(observables)
    need = digits - 5 if agree is None else agree
    rows, values, worst = [], {}, math.inf
    eq_hash, model_name = "", None
    for name in names:
        ev = Evaluator(model, name, **params)
        a = ev(digits, quadrature[0])
        b = ev(digits + 20, quadrature[1])
        with mp.workdps(digits + 30):
            va, vb = a.mpf, b.mpf
            d = digits_between(va, vb)
        if a.rigorous and b.rigorous:
            d = max(d, min(b.accurate_digits, digits))
        d = min(d, digits)
        worst = min(worst, d)
        values[name] = vb
        model_name, eq_hash = ev.model.name, equations_hash(ev.last_system)
        rows.append({"threshold": name, "value": number_text(vb, digits),
                     "digits_agree": d if math.isfinite(d) else digits,
                     "rigorous": bool(b.rigorous), "float_nodes": "; ".join(b.float_nodes)})
    status, msgs = Status.SUPPORTED, []
    if worst < need:
        status = Status.INCONCLUSIVE
        msgs.append(f"the two precisions agree to only {worst:.1f} digits (need {need})")
    elif all(r["rigorous"] for r in rows):
        status = Status.CERTIFIED
    if claim is not None:
        ok, text = _check_claim(claim, values, worst)
        msgs.append(text)
        if not ok:
            status = Status.REFUTED
    details = {"values": {k: number_text(v, digits) for k, v in values.items()},
               "quadrature_scales": list(quadrature),
               "digits_agree": worst if math.isfinite(worst) else digits, "kind": "thresholds"}
    est = number_text(values[names[0]], int(min(worst, digits))) if len(names) == 1 else None
    claim_text = f"{', '.join(names)} of {model_name} at " + ", ".join(f"{k}={v}" for k, v in params.items())
    return Verdict(kind="transition", status=status, claim=claim_text, estimate=est,
                   digits=int(worst) if math.isfinite(worst) else digits, evidence=rows, details=details,
                   message="; ".join(msgs), model=model_name, equations_hash=eq_hash)


def _check_claim(claim, values, digits):
    if isinstance(claim, str) and "<" in claim:
        names = [s.strip() for s in claim.split("<")]
        missing = [n for n in names if n not in values]
        if missing:
            raise ParameterError(f"transition: ordering names {missing} are not among the thresholds")
        ok = all(values[a] < values[b] for a, b in zip(names, names[1:]))
        return ok, (f"ordering {claim} holds" if ok else f"ordering {claim} fails: " +
                    ", ".join(f"{n}={mp.nstr(values[n], 10)}" for n in names))
    if not isinstance(claim, Mapping):
        claim = {next(iter(values)): claim}
    bad = []
    for name, c in claim.items():
        target = mp.mpf(sp.N(read(c, what="claim"), int(digits) + 10)) if isinstance(c, str) else mp.mpf(c)
        agree = digits_between(target, values[name])
        if agree + 1 < min(digits, 15 if not isinstance(c, str) else digits):
            bad.append(f"{name}: claimed {c}, found {mp.nstr(values[name], 15)} ({agree:.1f} digits agree)")
    if bad:
        return False, "; ".join(bad)
    return True, "claimed values agree with the verified digits"


def _component(system, pinned):
    """Indices of the equations connected to the pinned unknown (through shared unknowns)."""
    unknowns = [u.symbol for u in system.unknowns]
    res = list(system.residuals)
    eqs, syms = set(), {pinned}
    changed = True
    while changed:
        changed = False
        for i, r in enumerate(res):
            if i in eqs:
                continue
            if r.free_symbols & syms:
                eqs.add(i)
                new = (r.free_symbols & set(unknowns)) - syms
                if new:
                    syms |= new
                changed = True
    return sorted(eqs), [u for u in unknowns if u in syms and u != pinned]


def _branch_point(model, parameter, unknown, at, digits, claim, points, params):
    from ..codegen import compile_system
    from ..symbolic import System, Unknown

    if parameter not in params:
        raise ParameterError(f"transition: give a start value of '{parameter}' on the branch "
                             f"(e.g. {parameter}=1.5)")
    at_e = _exact.parse(at, "at")
    ev = Evaluator(model, unknown, **params)
    ev(digits, solve_all=True)  # solves once: ev.last_system, ev.last
    system = ev.last_system
    last = ev.last
    syms = {s.name: s for s in system.parameters}
    if parameter not in syms:
        raise ParameterError(f"transition: '{parameter}' is not a scalar parameter of {ev.model.name}")
    unk = {u.name: u for u in system.unknowns}
    if unknown not in unk:
        raise ParameterError(f"transition: '{unknown}' is not an unknown of {ev.model.name} "
                             f"({', '.join(unk)})")
    pinned = unk[unknown].symbol
    theta = syms[parameter]
    eq_idx, others = _component(system, pinned)
    if not eq_idx:
        raise ParameterError(f"transition: no equation involves '{unknown}'")
    if len(eq_idx) != len(others) + 1:
        raise ParameterError("transition: the augmented system is not square (equations connected "
                             f"to '{unknown}': {len(eq_idx)}, unknowns: {len(others) + 1})")
    theta_u = sp.Symbol(f"{parameter}_free", real=True)
    res = [system.residuals[i].xreplace({theta: theta_u}) for i in eq_idx]
    start_vals = {u.name: v for u, v in zip(system.unknowns, last["unknowns"])}
    aug = System(parameters=tuple(s for s in system.parameters if s != theta) + (pinned,),
                 unknowns=tuple([Unknown(o, guess=sp.Integer(0)) for o in others] +
                                [Unknown(theta_u, guess=sp.Integer(0))]),
                 equations=tuple(res), observables={"theta": theta_u})
    compiled = compile_system(aug)
    point = dict(last["point"])
    u_branch = start_vals[unknown]
    gap0 = u_branch - balls.constant(at_e) if isinstance(u_branch, arb) else None
    if gap0 is None or not gap0.is_finite() or gap0.is_zero():
        raise ParameterError(f"transition: at {parameter}={params[parameter]} the branch has "
                             f"{unknown} = {at}: start on the branch")
    sgn = 1 if gap0 > 0 else -1
    h0 = sp.nsimplify(abs(float(gap0.mid())) / 2, rational=True, tolerance=1e-3)
    hs, thetas, notes = [], [], []
    prev = [start_vals[o.name] for o in others] + [balls.constant(_exact.parse(params[parameter]))
                                                   if not isinstance(params[parameter], float)
                                                   else arb(params[parameter])]
    hist = []
    with mp.workdps(digits + 10):
        for k in range(points):
            h = h0 * sp.Rational(1, 2) ** k
            pt = dict(point)
            pt[pinned.name] = at_e + sgn * h
            guess = prev
            if len(hist) >= 2:
                guess = [b * b / a if (a.is_finite() and not a.is_zero() and (a > 0) == (b > 0)) else b
                         for a, b in zip(*hist[-2:])]
            sol = precision.solve_point(compiled, pt, {}, None, digits, start_arb=guess, exprs=(theta_u,))
            if not sol.converged:
                notes.append(f"stopped at h = {h}: {sol.message}")
                break
            hist.append(list(sol.unknowns))
            prev = list(sol.unknowns)
            hs.append(mp.mpf(int(h.p)) / int(h.q))
            thetas.append(balls.to_mpf(sol.unknowns[-1]))
        if len(hs) < 6:
            return Verdict(kind="transition", status=Status.INCONCLUSIVE,
                           claim=f"{parameter} where {unknown} -> {at}", model=ev.model.name,
                           equations_hash=equations_hash(system), message="; ".join(notes) or "too few points")
        fit = extrapolate(hs, thetas, digits)
        est, err = fit["estimate"], fit["error"]
        dist = [abs(t - est) for t in thetas]
        beta = [mp.log(hs[k + 1] / hs[k]) / mp.log(dist[k + 1] / dist[k])
                for k in range(len(hs) - 1) if dist[k] > 0 and dist[k + 1] > 0 and dist[k + 1] != dist[k]]
        side = "above" if thetas[-1] > est else "below"
        rows = [{"h": number_text(h, 10), f"{unknown} - {at}": number_text(sgn * h, 10),
                 parameter: number_text(t, digits)} for h, t in zip(hs, thetas)]
        details = {"kind": "branch point", "threshold": number_text(est, 20), "threshold_error": number_text(err, 3),
                   "fit": {"basis": fit.get("basis"), "consistent": fit.get("consistent"),
                           "beta": None if fit.get("beta") is None else number_text(fit["beta"], 6)},
                   "branch_side": f"the branch with {unknown} != {at} exists {side} the threshold",
                   "order_parameter_exponent": number_text(beta[-1], 8) if beta else None,
                   "other_side": f"{unknown} = {at} (trivial branch)",
                   "plot": {"x": "h", "y": [parameter], "logx": True}}
    status = Status.SUPPORTED if fit.get("consistent") else Status.INCONCLUSIVE
    message = "; ".join(notes)
    if claim is not None:
        c = mp.mpf(sp.N(read(claim, what="claim"), digits)) if isinstance(claim, str) else mp.mpf(claim)
        if abs(c - est) > 10 * err:
            status = Status.REFUTED
            message = f"claimed {claim}, found {number_text(est, 15)} ± {number_text(err, 2)}"
        elif status == Status.SUPPORTED:
            message = (message + "; " if message else "") + f"agrees with the claim {claim}"
    return Verdict(kind="transition", status=status, claim=f"{parameter} where {unknown} -> {at}",
                   estimate=number_text(est, 20), error=number_text(err, 3), evidence=rows, details=details,
                   message=message, model=ev.model.name, equations_hash=equations_hash(system))

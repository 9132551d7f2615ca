"""rate — exponent and constant of a limit, ``f ~ C h^a`` as ``h -> 0``, with error bars.

(For a limit at infinity the exponent and constant are those of the parameter itself:
``excess_risk ~ C n^a`` as ``n -> inf``.)

The parameter approaches its limit along a geometric grid ``h_k = h_0 r^k`` of the scale
variable ``h``:

- ``scale="power"``: ``h`` is the distance to the limit (``gamma = 1 + h``, ``lam = h``, ``n = 1/h``);
- ``scale="log"``: ``h = 1/log(1/distance)`` (``delta = exp(-1/h)``, ``h = 1/log(p/n)``), for
  limits approached like a power of a logarithm — the min-l1 interpolator's excess variance
  ``~ sigma²/log(p/n)``, the Donoho–Tanner curve ``rho ~ 1/(2 log(1/delta))``;
- ``scale="auto"``: both, keeping the one whose extrapolation is the more precise.

At each point the observable is computed on Arb balls at ``digits`` (exact parameter values:
``exp(-2^20)`` is entered exactly). Local exponents ``a_k = log(f_{k+1}/f_k)/log(r)`` tend to
``a``; they and the constants ``C_k = f_k/h_k^a`` are extrapolated to ``h = 0`` with two bases
of corrections:

- **A** pure powers ``h^{j beta}``,
- **B** powers with logarithms ``h^{j beta} (log h)^i``, ``i <= j`` (the corrections of a
  log-type approach, e.g. ``rate - 1 ~ (log(pi log(p/n)) - 3)/(2 log(p/n))``, are ``h log h``),

where the correction scale ``beta`` is fitted from the ratios of successive differences (and
rounded to a simple fraction when close: ``1/2`` for ``sqrt(lam)`` corrections). Each basis is
applied as a Richardson table (interpolation with ``J`` corrections on the last ``J + 1``
points); its error is the larger of the change when the window moves one point and when one
more correction is added, at the ``J`` where that is smallest. When the two bases disagree by
more than their errors the result is INCONCLUSIVE rather than a number. A claimed exponent or
constant is REFUTED when it lies more than ``10`` errors from the estimate, SUPPORTED within
``3`` errors and a relative error below ``tolerance``.

Local exponents that first settle and then move away (a finite-size effect, e.g. a finite
spectrum as n approaches p) are flagged as ``drift``: the estimate is then the flattest window's,
and the status INCONCLUSIVE. Standard tools assume power corrections without saying so
(``mpmath.limit`` returns 1.0044 on the min-l1 rate, whose limit is 1); basis B exists for them.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

import mpmath as mp
import sympy as sp

from ..validation import ParameterError
from ._text import read
from .value import Evaluator
from .verdict import Status, Verdict, equations_hash, number_text

__all__ = ["rate", "extrapolate", "local_exponents"]

_NICE = [Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(1),
         Fraction(3, 2), Fraction(2), Fraction(5, 2), Fraction(3), Fraction(4)]


def local_exponents(h, y):
    """``a_k = log(y_{k+1}/y_k) / log(h_{k+1}/h_k)`` (attributed to ``h_{k+1}``)."""
    return [mp.log(y[k + 1] / y[k]) / mp.log(h[k + 1] / h[k]) for k in range(len(y) - 1)]


def _beta(h, s, floor):
    """Correction scale from successive differences: d_k ~ h_k^beta (None if no corrections)."""
    d = [s[k] - s[k + 1] for k in range(len(s) - 1)]
    r = h[1] / h[0]
    betas = []
    for k in range(len(d) - 1):
        if abs(d[k]) > floor and abs(d[k + 1]) > floor and d[k] * d[k + 1] > 0:
            betas.append(mp.log(d[k + 1] / d[k]) / mp.log(r))
    if not betas:
        return None, d
    tail = sorted(betas[-max(3, len(betas) // 3):])
    beta = tail[len(tail) // 2]
    if beta <= 0.05:
        return None, d
    for q in _NICE:
        if abs(beta - q.numerator / mp.mpf(q.denominator)) < 0.12:
            return mp.mpf(q.numerator) / q.denominator, d
    return beta, d


def _basis(kind: str, beta, count: int):
    funcs = []
    if kind == "A":
        for j in range(1, count + 1):
            funcs.append((j, 0))
    else:
        j = 1
        while len(funcs) < count:
            for i in range(j, -1, -1):
                funcs.append((j, i))
            j += 1
        funcs = funcs[:count]
    return [lambda x, j=j, i=i: x ** (j * beta) * mp.log(x) ** i for j, i in funcs]


def _richardson(h, s, funcs, end):
    """Limit S of s_k = S + sum c_j phi_j(h_k) interpolated on points end-J..end."""
    J = len(funcs)
    rows = list(range(end - J, end + 1))
    A = mp.matrix([[1] + [f(h[k]) for f in funcs] for k in rows])
    b = mp.matrix([s[k] for k in rows])
    try:
        return mp.lu_solve(A, b)[0]
    except ZeroDivisionError:
        return mp.nan


def _one_basis(kind, h, s, beta, floor):
    n = len(s)
    jmax = min(8, (n - 3) // 2) if kind == "A" else min(10, n - 3)
    table = {}
    for J in range(1, jmax + 2):
        for end in (n - 1, n - 2, n - 3):
            if end - J >= 0:
                table[(J, end)] = _richardson(h, s, _basis(kind, beta, J), end)
    best = None
    for J in range(1, jmax + 1):
        est = table.get((J, n - 1))
        moved = table.get((J, n - 2))
        more = table.get((J + 1, n - 1))
        if est is None or moved is None or more is None or not mp.isfinite(est):
            continue
        moved2 = table.get((J, n - 3))
        err = max(abs(est - moved), abs(est - more), floor)
        if moved2 is not None and mp.isfinite(moved2):
            err = max(err, abs(est - moved2) / 4)
        if best is None or err < best[1]:
            best = (est, err, J)
    if best is None:
        return {"estimate": s[-1], "error": abs(s[-1] - s[-2]) + floor, "terms": 0}
    return {"estimate": best[0], "error": best[1], "terms": best[2]}


def extrapolate(h, s, digits: int = 30) -> dict:
    """Limit of a sequence ``s_k`` at ``h_k -> 0`` (geometric ``h``) with two correction bases.

    Returns ``estimate``, ``error``, ``basis`` ("A", "B", "exact" or None when inconclusive),
    ``consistent``, per-basis results, ``beta``, and ``drift`` (with the flattest window's
    estimate) when the differences first shrink and then grow.
    """
    n = len(s)
    if n < 4:
        raise ParameterError(f"extrapolation needs at least 4 points; got {n}")
    scale = max(abs(x) for x in s)
    floor = mp.mpf(10) ** (-(digits - 5)) * max(scale, mp.mpf(10) ** (-digits))
    beta, d = _beta(h, s, floor)
    out = {"beta": beta, "drift": False}
    ad = [abs(x) for x in d]
    # drift: differences that reach a minimum and then grow to the end (a convergent sequence with
    # power or h log h corrections has shrinking differences; a finite-size effect makes them grow)
    kmin = min(range(len(ad)), key=lambda k: ad[k])
    if (kmin < len(ad) - 1 and ad[kmin] > 100 * floor and ad[-1] > mp.mpf("1.05") * ad[kmin]
            and all(ad[k + 1] >= ad[k] for k in range(kmin, len(ad) - 1))):
        out["drift"] = True
        # flattest window: the two points around the smallest difference
        est = (s[kmin] + s[kmin + 1]) / 2
        out.update(estimate=est, error=max(ad[kmin], abs(s[kmin] - s[kmin + 1])) + floor, basis=None,
                   consistent=False, flattest_h=h[kmin + 1])
        return out
    if all(x <= floor for x in ad):
        out.update(estimate=s[-1], error=floor + max(ad), basis="exact", consistent=True, A=None, B=None)
        return out
    if beta is None:
        beta = mp.mpf(1)
        out["beta"] = beta
        out["beta_note"] = "no geometric decay of the differences; beta = 1 assumed"
    if beta < mp.mpf("0.15"):
        out.update(estimate=s[-1], error=abs(s[-1] - s[-2]) * 10 + floor, basis=None, consistent=False,
                   beta_note=f"correction scale beta = {mp.nstr(beta, 3)}: too slow to extrapolate")
        return out
    # The fitted beta is an estimate (log factors bias it: h log h gives local betas ~0.9 at
    # h ~ 1e-5): each basis is tried with it, with its nearest simple fraction and with 1/2, 1, 2,
    # keeping the beta whose table is the most self-consistent (smallest error).
    cands = {mp.nstr(beta, 12): beta}
    for q in _NICE:
        qv = mp.mpf(q.numerator) / q.denominator
        if abs(qv - beta) < 0.3 or q in (Fraction(1, 2), Fraction(1), Fraction(2)):
            cands[str(q)] = qv
    fits = {}
    for kind in ("A", "B"):
        best = None
        for label, bv in cands.items():
            if bv < mp.mpf("0.15"):
                continue
            fit = _one_basis(kind, h, s, bv, floor)
            fit["beta"] = bv
            if best is None or fit["error"] < best["error"]:
                best = fit
        fits[kind] = best
    a, b = fits["A"], fits["B"]
    out["A"], out["B"] = a, b
    gap = abs(a["estimate"] - b["estimate"])
    consistent = gap <= 3 * max(a["error"], b["error"])
    pick = a if a["error"] <= b["error"] else b
    out.update(estimate=pick["estimate"], error=pick["error"], basis="A" if pick is a else "B",
               consistent=bool(consistent), gap=gap)
    return out


def _grid_value(toward, side: int, scale: str, h):
    """The exact parameter value at scale variable h (a sympy number)."""
    if toward in (sp.oo, -sp.oo):
        dist_inv = 1 / h if scale == "power" else sp.exp(1 / h)
        return dist_inv if toward is sp.oo else -dist_inv
    dist = h if scale == "power" else sp.exp(-1 / h)
    return toward + side * dist


def _parse_toward(toward):
    if isinstance(toward, str):
        text = toward.strip()
        side = 0
        if text.endswith("+"):
            side, text = 1, text[:-1]
        elif text.endswith("-") and len(text) > 1:
            side, text = -1, text[:-1]
        if text.lower() in ("inf", "oo", "+inf", "infinity"):
            return sp.oo, 0
        return read(text, what="toward"), side
    if isinstance(toward, float) and math.isinf(toward):
        return (sp.oo if toward > 0 else -sp.oo), 0
    return sp.nsimplify(toward, rational=True) if isinstance(toward, float) else sp.sympify(toward), 0


def rate(model, observable: str, parameter: str, toward: Any = 0, *, side: str | None = None,
         scale: str = "auto", start=None, ratio="1/2", points: int = 24, digits: int = 40,
         exponent=None, constant=None, tolerance: float = 1e-4, function: Callable | None = None,
         **fixed) -> Verdict:
    """Exponent ``a`` and constant ``C`` of ``observable ~ C h^a`` as ``parameter -> toward``.

    ``toward``: the limit (a number, ``"inf"``, or ``"1+"`` / ``"1-"`` for a side); ``side``
    "+"/"-" (default "+"); ``scale`` "power", "log" or "auto"; ``start`` the first h (default
    1/10 in power scale, 1/4 in log scale); ``ratio`` the grid ratio (exact; default 1/2);
    ``points`` the grid size; ``digits`` the working precision (None: float64 through one
    vectorized ``evaluate``, ~13 digits, for models whose points are costly in Arb); ``exponent`` / ``constant`` a
    claim to test; ``tolerance`` the relative error below which a consistent claim is SUPPORTED.
    ``function`` (optional) replaces the model: ``function(value, digits)`` -> mpf, with the
    parameter value as an mpf at the working precision. Other keywords are fixed model parameters.
    """
    lim, lim_side = _parse_toward(toward)
    s_side = {"+": 1, "-": -1, None: lim_side or 1}.get(side)
    if s_side is None:
        raise ParameterError(f"parameter 'side' must be '+' or '-'; got {side!r}")
    if scale not in ("power", "log", "auto"):
        raise ParameterError(f"parameter 'scale' must be 'power', 'log' or 'auto'; got {scale!r}")
    if points < 6:
        raise ParameterError(f"parameter 'points' must be >= 6; got {points}")
    r = sp.nsimplify(ratio, rational=True) if not isinstance(ratio, str) else sp.Rational(ratio)
    if not 0 < r < 1:
        raise ParameterError(f"parameter 'ratio' must be in (0, 1); got {ratio}")
    if scale == "auto":
        tries = [_rate_one(model, observable, parameter, lim, s_side, sc, start, r, points, digits,
                           exponent, constant, tolerance, function, fixed) for sc in ("power", "log")]
        ok = [t for t in tries if t.details.get("exponent_relative_error") is not None]
        best = min(ok, key=lambda t: float(t.details["exponent_relative_error"])) if ok else tries[0]
        details = dict(best.details)
        other = tries[1] if best is tries[0] else tries[0]
        details["other_scale"] = {"scale": other.details.get("scale"), "exponent": other.details.get("exponent"),
                                  "exponent_error": other.details.get("exponent_error"),
                                  "status": other.status.value}
        return Verdict(kind="rate", status=best.status, claim=best.claim, estimate=best.estimate,
                       error=best.error, digits=best.digits, worst_point=best.worst_point,
                       evidence=best.evidence, details=details, message=best.message, model=best.model,
                       equations_hash=best.equations_hash)
    return _rate_one(model, observable, parameter, lim, s_side, scale, start, r, points, digits,
                     exponent, constant, tolerance, function, fixed)


def _rate_one(model, observable, parameter, lim, s_side, scale, start, r, points, digits, exponent,
              constant, tolerance, function, fixed) -> Verdict:
    h0 = sp.nsimplify(start, rational=True) if start is not None else (
        sp.Rational(1, 10) if scale == "power" else sp.Rational(1, 4))
    ev = None if function is not None else Evaluator(model, observable, **fixed)
    hs, ys, params, notes = [], [], [], []
    if digits is None:  # float64: for models whose points are expensive in Arb (large spectra)
        return _rate_float(ev, model, observable, parameter, lim, s_side, scale, h0, r, points,
                           exponent, constant, tolerance, fixed)
    with mp.workdps(digits + 10):
        for k in range(points):
            h = h0 * r ** k
            x = _grid_value(lim, s_side, scale, h)
            try:
                if function is not None:
                    from .. import balls

                    with balls.working_precision(balls.bits_for(digits + 10)):
                        xv = balls.to_mpf(balls.constant(x))
                    y = mp.mpf(function(xv, digits))
                else:
                    pv = ev(digits, continuation=True, **{parameter: x})
                    if not pv.converged:
                        raise ArithmeticError(pv.message or "no convergence")
                    y = pv.mpf
            except (ParameterError, ArithmeticError, ValueError, ZeroDivisionError) as err:
                notes.append(f"stopped at h = {h}: {str(err).splitlines()[0]}")
                break
            if not mp.isfinite(y):
                notes.append(f"stopped at h = {h}: non-finite value")
                break
            hs.append(mp.mpf(int(h.p)) / int(h.q))
            ys.append(y)
            params.append(x)
        limit_text = _limit_text(parameter, lim, s_side, scale)
        claim = _claim_text(observable, limit_text, exponent, constant)
        model_name = ev.model.name if ev is not None else None
        eq_hash = equations_hash(ev.system()) if ev is not None else ""
        base = dict(scale=scale, limit=limit_text, points=len(ys), digits_used=digits)
        if len(ys) < 6:
            return Verdict(kind="rate", status=Status.INCONCLUSIVE, claim=claim, details=base,
                           message="; ".join(notes) or "too few points", model=model_name,
                           equations_hash=eq_hash)
        if any(y == 0 for y in ys) or any((y > 0) != (ys[0] > 0) for y in ys):
            return Verdict(kind="rate", status=Status.INCONCLUSIVE, claim=claim, details=base,
                           message="the observable changes sign or vanishes on the grid: no power law",
                           model=model_name, equations_hash=eq_hash)
        flip = -1 if lim in (sp.oo, -sp.oo) else 1  # at infinity: f ~ C x^a with x the parameter
        a_k = [flip * a for a in local_exponents(hs, ys)]
        ex = extrapolate(hs[1:], a_k, digits)
        a_est, a_err = ex["estimate"], ex["error"]
        a_use, a_note = _exponent_for_constant(a_est, a_err, exponent)
        c_k = [y / h ** (flip * a_use) for y, h in zip(ys, hs)]
        cx = extrapolate(hs, c_k, digits)
        status, message = _judge(ex, cx, exponent, constant, a_use, tolerance)
        if notes:
            message = "; ".join([message] + notes) if message else "; ".join(notes)
        evidence = []
        for k in range(len(ys)):
            evidence.append({"h": number_text(hs[k], 12), parameter: _short(params[k]),
                             "value": number_text(ys[k], digits),
                             "local_exponent": number_text(a_k[k - 1], digits) if k else "nan",
                             "constant_k": number_text(c_k[k], digits)})
        details = {**base, "exponent": number_text(a_est, 20), "exponent_error": number_text(a_err, 3),
                   "exponent_relative_error": number_text(a_err / max(abs(a_est), mp.mpf(1)), 3),
                   "exponent_used_for_constant": number_text(a_use, 20), "exponent_note": a_note,
                   "constant": number_text(cx["estimate"], 20), "constant_error": number_text(cx["error"], 3),
                   "exponent_fit": _fit_summary(ex), "constant_fit": _fit_summary(cx),
                   "drift": bool(ex.get("drift") or cx.get("drift")),
                   "claim_exponent": None if exponent is None else str(exponent),
                   "claim_constant": None if constant is None else str(constant),
                   "plot": {"x": "h", "y": ["local_exponent"], "logx": True,
                            "hlines": [] if exponent is None else [float(read(exponent, what="exponent"))]}}
        worst = {parameter: _short(params[-1])}
    return Verdict(kind="rate", status=status, claim=claim, estimate=details["constant"],
                   error=details["constant_error"], digits=None, worst_point=worst,
                   evidence=evidence, details=details, message=message, model=model_name,
                   equations_hash=eq_hash)


def _rate_float(ev, model, observable, parameter, lim, s_side, scale, h0, r, points, exponent,
                constant, tolerance, fixed):
    """The same analysis on float64 values (one vectorized evaluate; about 13 digits)."""
    import numpy as np

    from ..api import evaluate

    hs = [h0 * r ** k for k in range(points)]
    xs = [_grid_value(lim, s_side, scale, h) for h in hs]
    xf = np.array([float(x) for x in xs])
    res = evaluate(model, throw=False, **fixed, **{parameter: xf})
    if observable not in res.observables:
        raise ParameterError(f"rate with digits=None needs an observable name; got {observable!r}")
    vals = np.asarray(res.observables[observable], dtype=float)
    ok = np.isfinite(vals)
    with mp.workdps(30):
        hm = [mp.mpf(int(h.p)) / int(h.q) for h, o in zip(hs, ok) if o]
        ym = [mp.mpf(float(v)) for v, o in zip(vals, ok) if o]
        limit_text = _limit_text(parameter, lim, s_side, scale)
        claim = _claim_text(observable, limit_text, exponent, constant)
        flip = -1 if lim in (sp.oo, -sp.oo) else 1
        a_k = [flip * a for a in local_exponents(hm, ym)]
        ex = extrapolate(hm[1:], a_k, 13)
        a_use, a_note = _exponent_for_constant(ex["estimate"], ex["error"], exponent)
        c_k = [y / h ** (flip * a_use) for y, h in zip(ym, hm)]
        cx = extrapolate(hm, c_k, 13)
        status, message = _judge(ex, cx, exponent, constant, a_use, tolerance)
        evidence = [{"h": number_text(h, 12), parameter: number_text(float(x), 12), "value": number_text(y, 15),
                     "local_exponent": number_text(a_k[k - 1], 12) if k else "nan",
                     "constant_k": number_text(c, 12)}
                    for k, (h, x, y, c) in enumerate(zip(hm, xf[ok], ym, c_k))]
        details = {"scale": scale, "limit": limit_text, "points": len(ym), "digits_used": "float64",
                   "exponent": number_text(ex["estimate"], 12), "exponent_error": number_text(ex["error"], 3),
                   "exponent_relative_error": number_text(ex["error"] / max(abs(ex["estimate"]), mp.mpf(1)), 3),
                   "exponent_used_for_constant": number_text(a_use, 12), "exponent_note": a_note,
                   "constant": number_text(cx["estimate"], 12), "constant_error": number_text(cx["error"], 3),
                   "exponent_fit": _fit_summary(ex), "constant_fit": _fit_summary(cx),
                   "drift": bool(ex.get("drift") or cx.get("drift")),
                   "claim_exponent": None if exponent is None else str(exponent),
                   "claim_constant": None if constant is None else str(constant),
                   "plot": {"x": "h", "y": ["local_exponent"], "logx": True}}
    return Verdict(kind="rate", status=status, claim=claim, estimate=details["constant"],
                   error=details["constant_error"], evidence=evidence, details=details, message=message,
                   model=ev.model.name, worst_point={parameter: str(xs[-1])})


def _short(x) -> str:
    text = str(x)
    return text if len(text) <= 60 else str(sp.N(x, 20))


def _fit_summary(fit: dict) -> dict:
    out = {k: fit.get(k) for k in ("basis", "consistent", "drift")}
    out["beta"] = None if fit.get("beta") is None else number_text(fit["beta"], 6)
    for key in ("A", "B"):
        if fit.get(key):
            out[key] = {"estimate": number_text(fit[key]["estimate"], 20),
                        "error": number_text(fit[key]["error"], 3), "terms": fit[key]["terms"],
                        "beta": number_text(fit[key].get("beta"), 6)}
    if fit.get("basis") in ("A", "B") and fit.get(fit["basis"]):
        out["beta"] = number_text(fit[fit["basis"]].get("beta"), 6)
    return out


def _exponent_for_constant(a_est, a_err, claim):
    """The exponent the constants are formed with: the claim if consistent, else a nearby simple
    fraction (denominator <= 12) if within 3 errors, else the estimate."""
    if claim is not None:
        c = _mpf(claim)
        if abs(c - a_est) <= max(3 * a_err, mp.mpf(10) ** (-8)):
            return c, "claimed exponent (consistent with the estimate)"
    q = Fraction(float(a_est)).limit_denominator(12)
    qv = mp.mpf(q.numerator) / q.denominator
    if abs(qv - a_est) <= 3 * a_err and a_err < 1e-3:
        return qv, f"exponent rounded to {q} (within 3 errors)"
    return a_est, "estimated exponent (constant inherits its error)"


def _mpf(x):
    e = read(x) if isinstance(x, str) else sp.nsimplify(x, rational=True)
    return mp.mpf(sp.N(e, mp.mp.dps))


def _judge(ex, cx, exponent, constant, a_use, tolerance):
    """Status and message from the exponent and constant fits and the claims."""
    msgs = []
    if ex.get("drift"):
        msgs.append("drift: the local exponents settle and then move away (a finite-size effect?) "
                    f"near h = {number_text(ex.get('flattest_h'), 3)}; the estimate is the flattest "
                    "window's")
        return Status.INCONCLUSIVE, "; ".join(msgs)

    def test(fit, claim, what):
        if claim is None:
            return None
        c = _mpf(claim)
        est, err = fit["estimate"], fit["error"]
        scale = max(abs(c), mp.mpf(1))
        far = abs(est - c) > 10 * err and abs(est - c) > mp.mpf(10) ** -12 * scale
        if fit.get("basis") in ("A", "B") and not fit.get("consistent"):
            a, b = fit["A"], fit["B"]
            both = (abs(a["estimate"] - c) > 10 * a["error"] and abs(b["estimate"] - c) > 10 * b["error"])
            if both:
                msgs.append(f"{what} {claim} excluded by both extrapolation bases")
                return Status.REFUTED
            msgs.append(f"{what}: the two extrapolation bases disagree "
                        f"(A {number_text(a['estimate'], 12)} ± {number_text(a['error'], 2)}, "
                        f"B {number_text(b['estimate'], 12)} ± {number_text(b['error'], 2)})")
            return Status.INCONCLUSIVE
        if far:
            msgs.append(f"{what} {claim} differs from the estimate {number_text(est, 12)} ± "
                        f"{number_text(err, 2)} by {number_text(abs(est - c) / err, 3)} errors")
            return Status.REFUTED
        if abs(est - c) <= 3 * err and err <= tolerance * scale:
            return Status.SUPPORTED
        msgs.append(f"{what}: estimate {number_text(est, 12)} ± {number_text(err, 2)} neither "
                    f"confirms nor excludes {claim} at tolerance {tolerance}")
        return Status.INCONCLUSIVE

    results = [test(ex, exponent, "exponent")]
    if exponent is None or results[0] == Status.SUPPORTED:
        results.append(test(cx, constant, "constant"))
    results = [r for r in results if r is not None]
    if not results:
        if not (ex.get("consistent") and cx.get("consistent", True)):
            msgs.append("the two extrapolation bases disagree: no estimate is reported as reliable")
            return Status.INCONCLUSIVE, "; ".join(msgs)
        return Status.SUPPORTED, "; ".join(msgs)
    if Status.REFUTED in results:
        return Status.REFUTED, "; ".join(msgs)
    if Status.INCONCLUSIVE in results:
        return Status.INCONCLUSIVE, "; ".join(msgs)
    return Status.SUPPORTED, "; ".join(msgs)


def _limit_text(parameter, lim, side, scale):
    if lim in (sp.oo, -sp.oo):
        where = f"{parameter} -> {'inf' if lim is sp.oo else '-inf'}"
    else:
        where = f"{parameter} -> {lim}{'+' if side > 0 else '-'}"
    h = "distance" if scale == "power" else "1/log(1/distance)"
    if lim in (sp.oo, -sp.oo):
        h = f"1/|{parameter}|" if scale == "power" else f"1/log|{parameter}|"
    return f"{where}, h = {h}"


def _claim_text(observable, limit_text, exponent, constant):
    a = "a" if exponent is None else str(exponent)
    c = "C" if constant is None else str(constant)
    var = limit_text.split(" ->")[0] if "-> inf" in limit_text or "-> -inf" in limit_text else "h"
    return f"{observable} ~ {c} {var}^{a} ({limit_text})"

"""identify — a closed form for verified digits: integer relations found at two precisions.

A relation found by PSLQ (Ferguson–Bailey–Arno 1999) or ``findpoly`` among ``n`` numbers known
to ``D`` digits is evidence only if its coefficients are small: any ``n`` numbers satisfy
relations with coefficients of ``D/n`` digits. :func:`identify` therefore

1. takes the digits :func:`~asymptotics.verify.value` verified (or a number with a stated
   number of correct digits),
2. searches at a *lower* precision ``D1 = D - spare`` for a polynomial of degree <= ``degree``
   (``findpoly``) or a linear relation with a domain basis (PSLQ on ``x, 1, pi, sqrt(2 pi),
   log 2, ...`` and the square roots of the exact parameters), with coefficients bounded so that
   ``(terms) * log10(max coefficient) <= D1 - spare``,
3. accepts it only if the same relation holds at the full precision ``D`` (residual below
   ``10^-(D - 5)``): the ``spare`` digits are a test the relation did not see.

Float-rounded inputs (``gamma = 0.1`` is 3602879701896397/2^55) give values with no small
relation, and nothing is found. A found relation is SUPPORTED (a closed form, not a proof);
nothing found is INCONCLUSIVE.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import mpmath as mp
import sympy as sp

from ..validation import ParameterError
from ._text import read
from .verdict import Status, Verdict, number_text

__all__ = ["identify", "DEFAULT_BASIS"]

DEFAULT_BASIS = ("pi", "sqrt(2*pi)", "sqrt(pi)", "sqrt(2)", "log(2)", "sqrt(3)", "log(3)",
                 "exp(-1/2)", "erfc(1/sqrt(2))")


def _guard_ok(coeffs, digits: int, spare: int) -> bool:
    big = max(abs(int(c)) for c in coeffs if c) if any(coeffs) else 1
    return len([c for c in coeffs if c]) * math.log10(max(big, 2)) <= digits - spare


def _poly_at(coeffs, x):
    return mp.polyval([mp.mpf(int(c)) for c in coeffs], x)


def _find_polynomial(x_low, x_full, degree, d1, d2, spare):
    for deg in range(1, degree + 1):
        with mp.workdps(d1):
            bound = int(10 ** max(1, (d1 - spare) / (deg + 1)))
            try:
                coeffs = mp.findpoly(x_low, deg, maxcoeff=bound, maxsteps=20000)
            except (ValueError, ZeroDivisionError):
                coeffs = None
        if not coeffs or not _guard_ok(coeffs, d1, spare):
            continue
        with mp.workdps(d2 + 10):
            scale = max(abs(mp.mpf(int(c))) * abs(x_full) ** (deg - i) for i, c in enumerate(coeffs))
            res = abs(_poly_at(coeffs, x_full))
        if res <= mp.mpf(10) ** (-(d2 - 5)) * scale:
            return [int(c) for c in coeffs], res / scale
    return None


def _basis_values(names, dps):
    out = []
    with mp.workdps(dps + 10):
        for name in names:
            expr = read(name, what="basis")
            out.append((str(name), expr, mp.mpf(sp.N(expr, dps + 10))))
    return out


def _find_linear(x_low, x_full, basis, d1, d2, spare):
    with mp.workdps(d1):
        vec = [x_low, mp.mpf(1)] + [mp.mpf(v) for _, _, v in basis]
        bound = int(10 ** max(1, (d1 - spare) / len(vec)))
        try:
            rel = mp.pslq(vec, maxcoeff=bound, maxsteps=20000)
        except (ValueError, ZeroDivisionError):
            rel = None
    if not rel or rel[0] == 0 or not _guard_ok(rel, d1, spare):
        return None
    with mp.workdps(d2 + 10):
        vec = [x_full, mp.mpf(1)] + [v for _, _, v in basis]
        res = abs(mp.fsum(mp.mpf(int(c)) * v for c, v in zip(rel, vec)))
        scale = max(abs(mp.mpf(int(c)) * v) for c, v in zip(rel, vec) if c)
    if res <= mp.mpf(10) ** (-(d2 - 5)) * scale:
        return [int(c) for c in rel], res / scale
    return None


def identify(x: Any = None, *, model=None, observable: str | None = None, digits: int = 40,
             correct_digits: int | None = None, degree: int = 4, basis=DEFAULT_BASIS,
             spare: int = 12, claim: str | None = None, **params) -> Verdict:
    """A closed form for a number (or for ``observable`` of ``model`` at exact ``params``).

    ``x`` and ``correct_digits``: a number (mpf or string) and how many of its digits are
    correct (default: all of its precision); or ``model``/``observable``/``params``: the value is
    computed by :func:`~asymptotics.verify.value` at ``digits`` and its verified digits used.
    ``degree``: the largest polynomial degree tried; ``basis``: constants for the linear search
    (strings or sympy numbers; the square roots of the exact parameters are added); ``spare``:
    digits held back to test a relation; ``claim``: a closed form to compare with.
    """
    from .value import value as _value

    extra = {}
    model_name, eq_hash = None, ""
    if model is not None:
        if observable is None:
            raise ParameterError("identify: give 'observable' with 'model'")
        v = _value(model, observable, digits=digits, **params)
        d2 = int(v.digits or 0)
        x_text = v.estimate
        extra = {"value_status": v.status.value, "value_message": v.message}
        model_name, eq_hash = v.model, v.equations_hash
        subject = f"{observable} at " + ", ".join(f"{k}={p}" for k, p in params.items())
        basis = tuple(basis) + tuple(_parameter_roots(params))
    else:
        if x is None:
            raise ParameterError("identify: give a number x (with correct_digits) or a model")
        x_text = x if isinstance(x, str) else mp.nstr(mp.mpf(x), mp.mp.dps, strip_zeros=False)
        d2 = int(correct_digits if correct_digits is not None else _digits_in(x_text))
        subject = f"x = {x_text[:24]}..."
    d1 = d2 - spare
    evidence, details = [], {"digits_verified": d2, "search_digits": d1, "spare_digits": spare,
                             "degree": degree, "basis": [str(b) for b in basis], **extra}
    if d1 < 15:
        return Verdict(kind="identify", status=Status.INCONCLUSIVE, claim=f"closed form of {subject}",
                       estimate=x_text, digits=d2, details=details, model=model_name,
                       equations_hash=eq_hash,
                       message=f"only {d2} verified digits: too few to search with {spare} spare")
    with mp.workdps(d2 + 10):
        x_full = mp.mpf(x_text)
    with mp.workdps(d1):
        x_low = +x_full
    found = None
    poly = _find_polynomial(x_low, x_full, degree, d1, d2, spare)
    if poly is not None:
        coeffs, rel = poly
        if coeffs[0] < 0:
            coeffs = [-c for c in coeffs]
        z = sp.Symbol("x")
        p = sum(int(c) * z ** (len(coeffs) - 1 - i) for i, c in enumerate(coeffs))
        root = _closest_root(p, z, x_full)
        found = {"kind": "polynomial", "relation": str(sp.Eq(p, 0)), "coefficients": coeffs,
                 "closed_form": str(root) if root is not None else None,
                 "relative_residual": number_text(rel, 3)}
        evidence.append({"search": f"findpoly degree <= {degree}", "found": str(p) + " = 0"})
    else:
        evidence.append({"search": f"findpoly degree <= {degree}", "found": "none"})
        bvals = _basis_values(basis, d2)
        lin = _find_linear(x_low, x_full, bvals, d1, d2, spare)
        if lin is not None:
            rel, res = lin
            terms = [sp.Integer(1)] + [e for _, e, _ in bvals]
            form = sp.nsimplify(-sum(int(c) * t for c, t in zip(rel[1:], terms)) / int(rel[0]))
            found = {"kind": "linear", "relation": [int(c) for c in rel], "closed_form": str(form),
                     "relative_residual": number_text(res, 3)}
            evidence.append({"search": "pslq with basis", "found": str(form)})
        else:
            evidence.append({"search": "pslq with basis", "found": "none"})
    if claim is not None:
        details["claim"] = claim
    if found is None:
        status = Status.INCONCLUSIVE
        message = (f"no relation with small coefficients at {d1} digits (tested at {d2}); a "
                   f"float-rounded input has none")
        if claim is not None:
            status, message = _compare_claim(claim, x_full, d2, message)
        return Verdict(kind="identify", status=status, claim=f"closed form of {subject}",
                       estimate=x_text, digits=d2, evidence=evidence, details=details,
                       message=message, model=model_name, equations_hash=eq_hash)
    details.update(found)
    status, message = Status.SUPPORTED, f"{found['closed_form']} (relation found at {d1} digits, holds at {d2})"
    if claim is not None:
        status, message = _compare_claim(claim, x_full, d2, message)
    return Verdict(kind="identify", status=status, claim=f"closed form of {subject}",
                   estimate=found.get("closed_form") or x_text, digits=d2, evidence=evidence,
                   details=details, message=message, model=model_name, equations_hash=eq_hash)


def _compare_claim(claim, x_full, d2, message):
    from .value import digits_between

    with mp.workdps(d2 + 10):
        c = mp.mpf(sp.N(read(claim, what="claim"), d2 + 10))
        agree = digits_between(c, x_full)
    if agree >= d2 - 2:
        return Status.SUPPORTED, f"the claim {claim} agrees with all {d2} verified digits; " + message
    return Status.REFUTED, f"the claim {claim} agrees to only {agree:.1f} of {d2} verified digits"


def _closest_root(p, z, x):
    best = None
    for r in sp.Poly(p, z).all_roots():
        try:
            val = complex(sp.N(r, 30))
        except TypeError:
            continue
        if abs(val.imag) > 1e-20:
            continue
        d = abs(val.real - float(x))
        if best is None or d < best[0]:
            best = (d, r)
    if best is None:
        return None
    root = best[1]
    simple = sp.nsimplify(sp.radsimp(root)) if not isinstance(root, sp.CRootOf) else root
    return sp.simplify(simple)


def _digits_in(text: str) -> int:
    return sum(ch.isdigit() for ch in text.split("e")[0].lstrip("-0.")) or 15


def _parameter_roots(params: Mapping[str, Any]):
    """sqrt of the exact rational parameters (a Marchenko–Pastur edge is (1 ± sqrt gamma)²)."""
    from .. import exact

    out = []
    for k, v in params.items():
        if isinstance(v, (str, int)) or exact.is_exact_input(v):
            try:
                e = exact.parse(v, k)
            except ParameterError:
                continue
            if e.is_Rational and e > 0 and not sp.sqrt(e).is_Rational:
                out.append(sp.sqrt(e))
    return out

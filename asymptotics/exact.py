"""Exact parameter values for the arbitrary-precision path.

A float64 parameter is a binary fraction: ``0.1`` is 0.1000000000000000055..., and ``1 + 1e-30``
or ``1e-1000`` cannot be entered at all. The high-precision path (``evaluate(..., precision=)`` and
:mod:`asymptotics.verify`) therefore accepts, for every scalar parameter,

- ``int``, :class:`fractions.Fraction`, :class:`decimal.Decimal`, ``mpmath.mpf``, a sympy number
  (``sympy.Rational(1, 10)``, ``sympy.sqrt(2)``), a python-flint ``fmpq``;
- a string read exactly by sympy with ``rational=True``: ``"1/10"``, ``"1e-1000"``,
  ``"1 + 1e-30"``, ``"sqrt(2)/2"``, ``"inf"``;
- a float, taken as the binary number it is (``0.1`` means 0.1000000000000000055...).

:func:`split` separates such values from the ones the float64 pipeline can take as they are:
each exact value is replaced by a float *proxy* (the nearest double, nudged into the parameter's
domain when rounding pushed it onto an excluded end: ``1e-1000`` -> the smallest positive double,
``1 - 1e-30`` -> the double below 1) and its exact value is kept for the mpmath/Arb solve, which
never sees the proxy. The domain is checked on the exact value.
"""

from __future__ import annotations

import decimal
import fractions
import math
from typing import Any, Mapping

import numpy as np
import sympy as sp

from .validation import Interval, ParameterError, domain_error
from .expressions import formula

__all__ = ["is_exact_input", "parse", "to_arb", "to_mpf", "float_proxy", "split", "contains"]


def is_exact_input(value: Any) -> bool:
    """True for values that carry more than a float64 (strings, rationals, mpf, sympy numbers)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (str, fractions.Fraction, decimal.Decimal, sp.Basic)):
        return True
    if isinstance(value, int) and not isinstance(value, np.integer):
        return abs(value) > 2 ** 53
    mod = type(value).__module__ or ""
    return mod.startswith("mpmath") or mod.startswith("flint")


def parse(value: Any, name: str = "value") -> sp.Expr:
    """The exact sympy number a parameter value denotes (raises ParameterError if none)."""
    if isinstance(value, sp.Basic):
        expr = value
    elif isinstance(value, (bool, np.bool_)):
        raise ParameterError(f"parameter '{name}' must be a number; got {value!r}")
    elif isinstance(value, (int, np.integer)):
        expr = sp.Integer(int(value))
    elif isinstance(value, fractions.Fraction):
        expr = sp.Rational(value.numerator, value.denominator)
    elif isinstance(value, decimal.Decimal):
        expr = sp.Rational(*value.as_integer_ratio()) if value.is_finite() else (
            sp.oo if value > 0 else -sp.oo)
    elif isinstance(value, (float, np.floating)):
        v = float(value)
        expr = sp.oo if v == math.inf else -sp.oo if v == -math.inf else (
            sp.nan if math.isnan(v) else sp.Rational(*v.as_integer_ratio()))
    elif isinstance(value, str):
        text = value.strip().lower()
        if text in ("inf", "+inf", "infinity", "oo"):
            expr = sp.oo
        elif text in ("-inf", "-infinity", "-oo"):
            expr = -sp.oo
        else:
            # the safe formula reader: exact numbers from their digits, never Python's eval
            try:
                expr = formula(value, what=name)
            except ParameterError as err:
                raise ParameterError(f"parameter '{name}' must be a number (e.g. '1/10', "
                                     f"'1e-1000'); {str(err).split(': ', 1)[-1]}") from None
            if expr.free_symbols:
                raise ParameterError(f"parameter '{name}' must be a number (e.g. '1/10', '1e-1000'); "
                                     f"got {value!r}")
    else:
        mod = type(value).__module__ or ""
        if mod.startswith("mpmath"):
            import mpmath as mp

            if not mp.isfinite(value):
                expr = sp.nan if mp.isnan(value) else (sp.oo if value > 0 else -sp.oo)
            else:
                sign, man, exp, _ = mp.mpf(value)._mpf_
                expr = (-1 if sign else 1) * sp.Integer(int(man)) * sp.Integer(2) ** int(exp)
        elif mod.startswith("flint") and hasattr(value, "p") and hasattr(value, "q"):
            expr = sp.Rational(int(value.p), int(value.q))
        else:
            raise ParameterError(f"parameter '{name}' must be a number; got {value!r}")
    expr = sp.nsimplify(expr) if isinstance(expr, sp.Float) else expr
    if not (expr.is_number or expr in (sp.oo, -sp.oo)) or expr.free_symbols:
        raise ParameterError(f"parameter '{name}' must be a number; got {value!r}")
    if expr is sp.nan or expr.is_extended_real is False:
        raise ParameterError(f"parameter '{name}' must be a real number; got {value!r}")
    return expr


def to_arb(expr: sp.Expr):
    """The exact number as an Arb ball at the current precision (python-flint)."""
    from . import balls

    return balls.constant(expr)


def to_mpf(expr: sp.Expr):
    """The exact number as an mpmath mpf at the current working precision."""
    import mpmath as mp

    if expr is sp.oo:
        return mp.inf
    if expr is -sp.oo:
        return mp.ninf
    if expr.is_Rational:
        return mp.mpf(int(expr.p)) / int(expr.q)
    return mp.mpf(sp.N(expr, mp.mp.dps + 10))


def contains(domain, expr: sp.Expr) -> bool:
    """Whether an Interval domain contains the exact number."""
    if not isinstance(domain, Interval):
        return bool(np.all(domain.contains(float(expr))))
    lo = sp.Rational(*float(domain.low).as_integer_ratio()) if math.isfinite(domain.low) else (
        sp.oo if domain.low > 0 else -sp.oo)
    hi = sp.Rational(*float(domain.high).as_integer_ratio()) if math.isfinite(domain.high) else (
        sp.oo if domain.high > 0 else -sp.oo)
    above = bool(expr >= lo) if domain.low_closed else bool(expr > lo)
    below = bool(expr <= hi) if domain.high_closed else bool(expr < hi)
    finite = expr.is_finite or (expr is sp.oo and domain.high == math.inf and domain.high_closed)
    return above and below and bool(finite)


def float_proxy(expr: sp.Expr, domain=None) -> float:
    """The nearest double to ``expr``, nudged into ``domain`` if rounding left it."""
    if expr is sp.oo:
        return math.inf
    if expr is -sp.oo:
        return -math.inf
    try:
        if expr.is_Rational:
            x = int(expr.p) / int(expr.q)  # correctly rounded, fast for huge integers
        else:
            from .balls import constant, working_precision

            with working_precision(128):
                ball = constant(expr)
                x = float(ball.mid()) if ball.is_finite() else float(sp.N(expr, 30))
    except OverflowError:
        x = math.inf if expr > 0 else -math.inf
    if x == 0.0 and expr != 0:
        negative = expr.p < 0 if expr.is_Rational else bool(expr < 0)
        x = -5e-324 if negative else 5e-324
    if domain is not None and isinstance(domain, Interval) and not bool(domain.contains(x)):
        # rounding pushed the value onto an excluded end (1 - 1e-30 -> 1.0): step back inside
        for _ in range(4):
            x = math.nextafter(x, domain.low if x >= domain.high else domain.high)
            if bool(domain.contains(x)):
                break
    return x


def split(params_cls, values: Mapping[str, Any], model: str) -> tuple[dict, dict]:
    """``(proxies, exact)``: the keyword values with every exact scalar replaced by its float
    proxy, and name -> exact sympy number for those (domains checked exactly).

    Aliases are resolved to field names in ``exact``; arrays and choices are passed through.
    """
    from .validation import fields

    specs = fields(params_cls)
    alias = {a: n for n, s in specs.items() for a in s.aliases}
    proxies: dict[str, Any] = {}
    exact: dict[str, sp.Expr] = {}
    for key, value in values.items():
        name = key if key in specs else alias.get(key, key)
        spec = specs.get(name)
        if spec is None or spec.is_array or spec.is_choice or not is_exact_input(value):
            proxies[key] = value
            continue
        expr = parse(value, name)
        if not contains(spec.domain, expr):
            raise domain_error(name, spec.domain, str(value), model)
        exact[name] = expr
        proxies[key] = float_proxy(expr, spec.domain)
    return proxies, exact

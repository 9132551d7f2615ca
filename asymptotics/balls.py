"""Arb balls (python-flint) for the high-precision path: sympy expressions lowered to Arb code.

An Arb ball is a multiprecision midpoint with an error radius: arithmetic on balls is
guaranteed to enclose the exact result (Johansson, "Arb", IEEE Trans. Computers 2017). This
module lowers sympy expressions, averages over quadrature spaces included, to Python code on
``flint.arb`` numbers:

- :func:`lambdify` — ``sympy.lambdify`` with an Arb printer and namespace (constants exact:
  rationals as ``fmpq``, floats as their binary value, ``pi`` at the working precision), common
  subexpressions eliminated. Arb never raises on ``1/0`` or ``sqrt(-1)`` (it returns NaN
  balls), so eliminating subexpressions out of the branches of a ``Piecewise`` is safe here,
  where the mpmath path of :mod:`asymptotics.codegen` must not.
- :class:`ArbKernel` — the Arb analogue of :class:`asymptotics.codegen.Kernel`: expressions
  with averages, evaluated at one point; every space supplies its nodes at the working precision
  through :func:`space_rule` (Gauss rules recomputed in Arb, see :mod:`asymptotics.precise_rules`;
  ``scale`` multiplies the quadrature orders, for the doubled-order second solve of
  :mod:`asymptotics.verify.value`). Spaces without such a rule fall back to their float64
  nodes, and the kernel records why (``kernel.float_nodes``).
- :func:`working_precision` — set the Arb precision (bits) for a block.

Rigour: ``Piecewise`` is evaluated in three-valued logic (a condition on a ball that straddles its
boundary is undecided, and the result is then the union of the branches that may apply), so
closed-form expressions evaluated on balls give rigorous enclosures (used by
:mod:`asymptotics.verify.bound` to certify inequalities). Quadrature sums are enclosures of the
*discretized* average only, and implicit functions (proximal operators) are computed by Newton on
midpoints: those results are accurate, not certified; :attr:`ArbKernel.rigorous` says which.
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from typing import Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

from flint import acb, arb, ctx, fmpq, fmpz

from .symbolic.nodes import (ParametricQuadratureSpace, ParamSpace, QuadratureSpace, Space,
                             averages_in)

__all__ = ["arb", "working_precision", "bits_for", "constant", "lambdify", "ArbKernel", "space_rule",
           "to_mpf", "from_mpf", "mid", "is_finite", "register"]

_LOCK = threading.RLock()


def bits_for(dps: int) -> int:
    """Arb precision in bits for ``dps`` decimal digits (plus a few guard bits)."""
    return int(math.ceil(dps * math.log2(10))) + 8


@contextlib.contextmanager
def working_precision(bits: int):
    """Set ``flint.ctx.prec`` to ``bits`` inside the block (restored after)."""
    with _LOCK:
        old = ctx.prec
        ctx.prec = int(bits)
        try:
            yield
        finally:
            ctx.prec = old


def _a(x):
    return x if isinstance(x, arb) else arb(x)


def mid(x):
    """The midpoint of a ball (an exact ball of radius 0)."""
    return _a(x).mid()


def is_finite(x) -> bool:
    return isinstance(x, arb) and x.is_finite() or (not isinstance(x, arb) and math.isfinite(float(x)))


def to_mpf(x):
    """The midpoint of a ball as an mpmath mpf (exact; NaN and infinities kept)."""
    import mpmath as mp

    x = _a(x)
    if x.is_nan():
        return mp.nan
    if not x.is_finite():
        m = x.mid()
        if m.is_finite():  # a finite midpoint with an infinite radius: no information
            return mp.nan
        return mp.inf if m > 0 else mp.ninf
    man, exp = x.mid().man_exp()
    if not int(man):
        return mp.mpf(0)
    # exact: an mpf built from the raw tuple is not rounded to the current mpmath precision
    from mpmath.libmp import from_man_exp

    return mp.mp.make_mpf(from_man_exp(int(man), int(exp)))


def from_mpf(x):
    import mpmath as mp

    x = mp.mpf(x)
    if mp.isnan(x):
        return arb.nan()
    if mp.isinf(x):
        return arb.pos_inf() if x > 0 else arb.neg_inf()
    sign, man, exp, _ = x._mpf_
    if not man:
        return arb(0)
    value = arb(fmpz(int(man))) * arb(2) ** int(exp)
    return -value if sign else value


# -- the namespace -----------------------------------------------------------------------------
def _erfcinv(x):
    return _a(x).erfcinv()


def _sign(x):
    return _a(x).sgn()


def _heaviside(x, h0=None):
    x = _a(x)
    if x > 0:
        return arb(1)
    if x < 0:
        return arb(0)
    if x.is_exact() and x == 0:
        return arb(h0) if h0 is not None else arb(fmpq(1, 2))
    return arb(0).union(arb(1))


# -- three-valued logic on balls: True / False when certain, None when the ball straddles -------
def _rel(op: str, a, b):
    a, b = _a(a), _a(b)
    if op == ">":
        return True if a > b else False if a <= b else None
    if op == ">=":
        return True if a >= b else False if a < b else None
    if op == "<":
        return True if a < b else False if a >= b else None
    if op == "<=":
        return True if a <= b else False if a > b else None
    if op == "==":
        return True if a == b else False if a != b else None
    if op == "!=":
        return True if a != b else False if a == b else None
    raise ValueError(op)


def _and(*xs):
    if any(x is False for x in xs):
        return False
    return True if all(x is True for x in xs) else None


def _or(*xs):
    if any(x is True for x in xs):
        return True
    return False if all(x is False for x in xs) else None


def _not(x):
    return None if x is None else (not x)


def _ite(cond, then, other):
    """Boolean if-then-else in three-valued logic."""
    if cond is True:
        return then
    if cond is False:
        return other
    return then if then is other else None


def _pw(*pairs):
    """Piecewise on balls: the first branch whose condition is certain; where a condition is
    undecided (the ball straddles its boundary) the union of every branch that may apply."""
    acc = None
    for i in range(0, len(pairs), 2):
        cond, value = pairs[i], pairs[i + 1]
        if cond is False:
            continue
        value = _a(value)
        acc = value if acc is None else acc.union(value)
        if cond is True:
            return acc
    return acc if acc is not None else arb.nan()


def _max(*xs):
    out = _a(xs[0])
    for x in xs[1:]:
        out = out.max(_a(x))
    return out


def _min(*xs):
    out = _a(xs[0])
    for x in xs[1:]:
        out = out.min(_a(x))
    return out


def _pow(x, p: int, q: int):
    """x**(p/q) for a rational exponent (x >= 0 where q is even)."""
    x = _a(x)
    if q == 2:
        r = x.sqrt()
    else:
        r = x.root(q) if x >= 0 else -((-x).root(q)) if q % 2 else arb.nan()
    return r ** p if p >= 0 else 1 / r ** (-p)


def _lambertw(x, k=0):
    return _a(x).lambertw(branch=int(k))


def _floor(x):
    return _a(x).floor()


def _ceil(x):
    return _a(x).ceil()


_FUNCTIONS = {
    "exp": lambda x: _a(x).exp(), "log": lambda x: _a(x).log(), "sqrt": lambda x: _a(x).sqrt(),
    "erf": lambda x: _a(x).erf(), "erfc": lambda x: _a(x).erfc(), "erfinv": lambda x: _a(x).erfinv(),
    "erfcinv": _erfcinv, "sin": lambda x: _a(x).sin(), "cos": lambda x: _a(x).cos(),
    "tan": lambda x: _a(x).tan(), "atan": lambda x: _a(x).atan(), "asin": lambda x: _a(x).asin(),
    "acos": lambda x: _a(x).acos(), "sinh": lambda x: _a(x).sinh(), "cosh": lambda x: _a(x).cosh(),
    "tanh": lambda x: _a(x).tanh(), "asinh": lambda x: _a(x).asinh(), "acosh": lambda x: _a(x).acosh(),
    "atanh": lambda x: _a(x).atanh(), "gamma": lambda x: _a(x).gamma(),
    "loggamma": lambda x: _a(x).lgamma(), "digamma": lambda x: _a(x).digamma(),
    "expm1": lambda x: _a(x).expm1(), "log1p": lambda x: _a(x).log1p(),
    "atan2": lambda y, x: arb.atan2(_a(y), _a(x)), "sign": _sign, "Heaviside": _heaviside,
    "floor": _floor, "ceil": _ceil, "lambertw": _lambertw, "LambertW": _lambertw,
    "log10": lambda x: _a(x).log() / arb(10).log(), "log2": lambda x: _a(x).log() / arb(2).log(),
    "hypot": lambda x, y: (_a(x) ** 2 + _a(y) ** 2).sqrt(),
    "arb": arb, "fmpq": fmpq, "_pow": _pow, "_rel": _rel, "_and": _and, "_or": _or, "_not": _not,
    "_pw": _pw, "_max": _max, "_min": _min, "_ite": _ite,
    "isnan": lambda x: _a(x).is_nan(), "isinf": lambda x: not _a(x).is_finite() and not _a(x).is_nan(),
}

# Implementations of the package's own sympy nodes (functions.py, special.py, implicit functions),
# by class name. A node class may also declare ``arb_impl`` itself.
_NODES: dict = {}


def register(name: str, impl) -> None:
    """Declare the Arb implementation of a sympy function node by its class name."""
    _NODES[name] = impl


def _expit(x):
    x = _a(x)
    return 1 / (1 + (-x).exp())


def _softplus(x):
    x = _a(x)
    return x + (-x).exp().log1p() if x > 0 else x.exp().log1p()


def _logcosh(x):
    x = abs(_a(x))
    return x + (-2 * x).exp().log1p() - arb(2).log()


def _ndtr(x):
    return (-_a(x) / arb(2).sqrt()).erfc() / 2


def _log_ndtr(x):
    return _ndtr(x).log()


def _owens_t(h, a):
    """T(h, a) = (1/2 pi) int_0^a exp(-h^2 (1 + x^2)/2)/(1 + x^2) dx (rigorous Arb integral)."""
    h, a = _a(h), _a(a)
    if a == 0:
        return arb(0)
    h2 = h * h / 2

    def f(x, analytic):
        d = 1 + x * x
        return (-h2 * d).exp() / d

    if not a.is_exact():  # ball endpoint: integrate to the midpoint, bound the rest by the integrand
        am, ar = a.mid(), a.rad()
        core = acb.integral(f, 0, am).real
        return (core + arb(0, ar)) / (2 * arb.pi())
    return acb.integral(f, 0, a).real / (2 * arb.pi())


register("expit", _expit)
register("Sigmoid", _expit)
register("softplus", _softplus)
register("Softplus", _softplus)
register("logcosh", _logcosh)
register("ndtr", _ndtr)
register("log_ndtr", _log_ndtr)
register("OwenT", _owens_t)


def _implementations(exprs) -> dict:
    from .symbolic.implicit_function import ImplicitFunction

    found = {}
    for e in exprs:
        for f in sp.sympify(e).atoms(sp.Function):
            cls = type(f)
            name = cls.__name__
            own = getattr(cls, "arb_impl", None)
            if own is not None:
                found[name] = own
            elif name in _NODES:
                found[name] = _NODES[name]
            elif isinstance(f, ImplicitFunction):
                found[name] = _implicit(cls)
                found.update(_implementations([cls._equation, cls._guess]))
    return found


# -- implicit functions: Newton from a float64 root ----------------------------------------------
_MATH_NODES = {
    "expit": lambda x: 1 / (1 + math.exp(-x)) if x > -700 else 0.0,
    "softplus": lambda x: x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x)),
    "logcosh": lambda x: abs(x) + math.log1p(math.exp(-2 * abs(x))) - math.log(2),
    "ndtr": lambda x: math.erfc(-x / math.sqrt(2)) / 2,
    "log_ndtr": lambda x: math.log(math.erfc(-x / math.sqrt(2)) / 2),
}
_MATH_NODES["Sigmoid"] = _MATH_NODES["expit"]
_MATH_NODES["Softplus"] = _MATH_NODES["softplus"]


@functools.lru_cache(maxsize=None)
def _implicit(cls):
    """Arb implementation of an implicit function: a float64 root (scalar safeguarded Newton in
    ``math``), then Newton steps on Arb midpoints until the step is below 2^(-prec/2) (quadratic
    convergence makes the next error ~ step²), so 2 Arb evaluations from a double root."""
    t = cls._unknown
    args = cls._arguments
    g, gt = cls._equation, sp.diff(cls._equation, t)
    g_arb = lambdify((t,) + tuple(args), [g, gt])
    try:
        g_math = sp.lambdify((t,) + tuple(args), [g, gt], modules=[_MATH_NODES, "math"])
        guess_math = sp.lambdify(args, cls._guess, modules=[_MATH_NODES, "math"])
        bracket_math = (sp.lambdify(args, list(cls._bracket), modules=[_MATH_NODES, "math"])
                        if cls._bracket is not None else None)
    except Exception:  # noqa: BLE001 - a node without a math version: start from the Arb guess
        g_math = guess_math = bracket_math = None
    guess_arb = lambdify(args, [cls._guess])

    def float_root(xs):
        try:
            r = float(guess_math(*xs))
            lo = hi = None
            if bracket_math is not None:
                lo, hi = (float(b) for b in bracket_math(*xs))
                if not lo < r < hi:
                    r = 0.5 * (lo + hi)
            for _ in range(200):
                f, d = g_math(r, *xs)
                if f == 0:
                    return r
                step = f / d
                new = r - step
                ok = math.isfinite(new)
                if lo is not None:
                    width = hi - lo
                    if f > 0:
                        hi = r
                    else:
                        lo = r
                    ok = ok and lo <= new <= hi and abs(step) <= 0.5 * width
                    if not ok:
                        new = 0.5 * (lo + hi)
                if abs(new - r) <= 4e-16 * (1 + abs(r)) or (lo is not None and hi - lo <= 4e-16 * (1 + abs(r))):
                    return new
                r = new
        except (ValueError, OverflowError, ZeroDivisionError, TypeError):
            return math.nan
        return math.nan

    # Last root per (rounded) argument tuple: a chord/Newton iteration re-evaluates the same
    # quadrature nodes with arguments that differ by less than the previous step, so the previous
    # root is a good start and the float64 solve is skipped.
    last: dict = {}

    def solve(*values):
        values = [_a(v) for v in values]
        if not all(v.is_finite() for v in values):
            return arb.nan()
        floats = [float(v) for v in values]
        # arguments rounded to 12 digits: the cached root is then a start accurate to ~1e-12,
        # from which two Newton steps reach 1e-48 (as two do from a float64 root)
        key = tuple(float(f"{x:.12e}") for x in floats) + (ctx.prec,)
        root = last.get(key)
        if root is None:
            r = float_root(floats) if g_math is not None else math.nan
            root = arb(r) if math.isfinite(r) else mid(guess_arb(*values)[0])
        tol = arb(2) ** (-(ctx.prec // 2) - 4)
        for _ in range(4 * int(math.log2(ctx.prec)) + 20):
            f, d = g_arb(root, *values)
            if f == 0:
                break
            step = (f / d).mid()
            if not step.is_finite():
                return arb.nan()
            root = (root - step).mid()
            if abs(step) <= tol * (1 + abs(root)):
                break
        else:
            return arb.nan()
        if len(last) > 200000:
            last.clear()
        last[key] = root
        return root

    return solve


# -- printing ------------------------------------------------------------------------------------
class _ArbPrinter(MpmathPrinter):
    def _print_Float(self, expr):
        p, q = sp.Rational(expr).p, sp.Rational(expr).q
        return f"arb(fmpq({p}, {q}))" if q != 1 else f"arb({p})"

    def _print_Rational(self, expr):
        return f"arb(fmpq({expr.p}, {expr.q}))"

    def _print_Half(self, expr):
        return "arb(fmpq(1, 2))"

    def _print_Integer(self, expr):
        return str(int(expr))

    def _print_Pi(self, expr):
        return "arb.pi()"

    def _print_Exp1(self, expr):
        return "arb.const_e()"

    def _print_EulerGamma(self, expr):
        return "arb.const_euler()"

    def _print_Infinity(self, expr):
        return "arb.pos_inf()"

    def _print_NegativeInfinity(self, expr):
        return "arb.neg_inf()"

    def _print_NaN(self, expr):
        return "arb.nan()"

    def _print_ComplexInfinity(self, expr):
        return "arb.nan()"

    def _print_Pow(self, expr, rational=False):
        b, e = expr.base, expr.exp
        if e.is_Rational and not e.is_Integer:
            if e == sp.S.Half:
                return f"sqrt({self._print(b)})"
            if e == -sp.S.Half:
                return f"(1/sqrt({self._print(b)}))"
            return f"_pow({self._print(b)}, {e.p}, {e.q})"
        if e.is_Integer:
            return f"({self._print(b)})**({int(e)})"
        return f"({self._print(b)})**({self._print(e)})"

    def _print_Piecewise(self, expr):
        parts = []
        for e, c in expr.args:
            parts += [self._print(c), self._print(e)]
        return f"_pw({', '.join(parts)})"

    def _print_Relational(self, expr):
        op = {"==": "==", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}[expr.rel_op]
        return f"_rel('{op}', {self._print(expr.lhs)}, {self._print(expr.rhs)})"

    def _print_And(self, expr):
        return f"_and({', '.join(self._print(a) for a in expr.args)})"

    def _print_Or(self, expr):
        return f"_or({', '.join(self._print(a) for a in expr.args)})"

    def _print_Not(self, expr):
        return f"_not({self._print(expr.args[0])})"

    def _print_ITE(self, expr):
        return f"_ite({', '.join(self._print(a) for a in expr.args)})"

    def _print_Xor(self, expr):
        raise NotImplementedError("Xor is not lowered to Arb")

    def _print_BooleanTrue(self, expr):
        return "True"

    def _print_BooleanFalse(self, expr):
        return "False"

    def _print_Max(self, expr):
        return f"_max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr):
        return f"_min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Heaviside(self, expr):
        args = ", ".join(self._print(a) for a in expr.args)
        return f"Heaviside({args})"


def _printer():
    return _ArbPrinter({"fully_qualified_modules": False, "inline": True,
                        "allow_unknown_functions": True, "user_functions": {}})


_BUILTIN = {"abs", "max", "min"}


def _printable(name: str, namespace) -> bool:
    if name in namespace:
        return True
    printer = _printer()
    target = printer.known_functions.get(name)
    if target is not None:
        target = target.split(".")[-1]
        return target in namespace or target in _BUILTIN
    return hasattr(printer, f"_print_{name}")


def lambdify(args, exprs, cse: bool = True):
    """Arb version of ``sympy.lambdify``: returns a function of Arb (or int/fmpq) arguments that
    returns a list of Arb balls (one per expression)."""
    exprs = [sp.sympify(e) for e in exprs]
    namespace = {**_FUNCTIONS, **_implementations(exprs)}
    missing = sorted(name for name in {type(f).__name__ for e in exprs for f in e.atoms(sp.Function)}
                     if not _printable(name, namespace))
    if missing:
        raise NotImplementedError(f"no Arb implementation for {', '.join(missing)} "
                                  f"(register one with asymptotics.balls.register)")
    fn = sp.lambdify(args, exprs, modules=[namespace], printer=_printer(), cse=cse, dummify=True)

    def call(*values):
        out = fn(*values)
        return [v if type(v) is arb else _bool_or_arb(v) for v in out]

    return call


def _bool_or_arb(v):
    if isinstance(v, (bool, np.bool_)):
        return arb(int(v))
    return arb(v)


@functools.lru_cache(maxsize=4096)
def _constant_fn(expr: sp.Expr):
    return lambdify((), [expr], cse=False)


def constant(expr) -> arb:
    """An exact sympy number (Rational, sqrt(2), pi/4, oo) as a ball at the current precision."""
    expr = sp.sympify(expr)
    if expr.is_Rational:
        return arb(fmpq(int(expr.p), int(expr.q))) if expr.q != 1 else arb(int(expr.p))
    if expr is sp.oo:
        return arb.pos_inf()
    if expr is -sp.oo:
        return arb.neg_inf()
    return _constant_fn(expr)()[0]


# -- spaces --------------------------------------------------------------------------------------
_RULES: dict = {}


def _float_arrays_arb(comps, weights):
    comps = [[arb(float(v)) for v in np.asarray(c, dtype=float).ravel()] for c in comps]
    weights = None if weights is None else [arb(float(w)) for w in np.asarray(weights, dtype=float).ravel()]
    return comps, weights


def space_rule(space: Space, values: Mapping[str, object], scale: int = 1):
    """``(components, weights, reason)`` of a space at the current precision: lists of Arb balls
    (weights None for a plain sum) and ``None``, or the float64 nodes and the reason they are not
    refined (the quadrature error of such a space is not reduced by precision)."""
    prec = ctx.prec
    if isinstance(space, ParamSpace):
        comps, weights = space.arrays(values)
        key = ("param", space, tuple(id(c) for c in comps), id(weights), prec)
        hit = _RULES.get(key)
        if hit is None or hit[0] is not comps[0]:
            hit = (comps[0], _float_arrays_arb(comps, weights))
            if len(_RULES) > 256:
                _RULES.clear()
            _RULES[key] = hit
        return hit[1][0], hit[1][1], None
    precise = getattr(space, "precise", None)
    if isinstance(space, ParametricQuadratureSpace):
        if precise is None:
            comps, weights = space.arrays({p.name: float(mid(values[p.name])) for p in space.parameters})
            c, w = _float_arrays_arb(comps, weights)
            return c, w, f"space '{space.name}' has float64 nodes (no Arb rule declared)"
        pars = {p.name: values[p.name] for p in space.parameters}
        key = ("parametric", space, tuple((k, str(mid(v))) for k, v in pars.items()), prec, scale)
        if key not in _RULES:
            _RULES[key] = precise(scale=scale, **pars)
        c, w = _RULES[key]
        return c, w, None
    if isinstance(space, QuadratureSpace):
        if precise is None:
            comps, weights = space.arrays(values)
            key = ("float", space, prec)
            if key not in _RULES:
                _RULES[key] = _float_arrays_arb(comps, weights)
            c, w = _RULES[key]
            return c, w, f"space '{space.name}' has float64 nodes (no Arb rule declared)"
        key = ("quadrature", space, prec, scale)
        if key not in _RULES:
            _RULES[key] = precise(scale=scale)
        c, w = _RULES[key]
        return c, w, None
    comps, weights = space.arrays(values)
    c, w = _float_arrays_arb(comps, weights)
    return c, w, f"space '{space.name}' ({type(space).__name__}) has float64 nodes"


# -- kernels -------------------------------------------------------------------------------------
class ArbKernel:
    """Expressions (averages allowed) evaluated at one point on Arb balls.

    ``params`` and ``unknowns`` are symbols in layout order, as for
    :class:`asymptotics.codegen.Kernel`. Call with a mapping name -> value (Arb balls for
    scalars, the model's arrays for array parameters), a list of Arb unknowns, and ``scale``
    (quadrature orders multiplied by it). ``float_nodes`` lists, after a call, the spaces that
    used float64 nodes and why; ``rigorous`` is True when the result is a rigorous enclosure of
    the expressions (no averages over quadrature rules, no implicit functions).
    """

    def __init__(self, exprs: Sequence[sp.Expr], params: Sequence[sp.Symbol],
                 unknowns: Sequence[sp.Symbol] = ()):
        from .symbolic.implicit_function import implicit_functions_in

        self.exprs = tuple(sp.sympify(e) for e in exprs)
        self.params = tuple(params)
        self.unknowns = tuple(unknowns)
        avgs = averages_in(self.exprs)
        self._dummies = tuple(sp.Dummy(f"avg{i}") for i in range(len(avgs)))
        repl = dict(zip(avgs, self._dummies))
        self._outer_exprs = tuple(e.xreplace(repl) for e in self.exprs)
        groups: dict[Space, list] = {}
        for i, a in enumerate(avgs):
            groups.setdefault(a.space, []).append((i, a.integrand))
        self._groups = tuple((space, tuple(items)) for space, items in groups.items())
        self._compiled = None
        self._lock = threading.Lock()
        self.float_nodes: tuple[str, ...] = ()
        self.has_implicit = bool(implicit_functions_in(self.exprs))
        self.spaces = tuple(space for space, _ in self._groups)
        self.rigorous = (not self.has_implicit and all(isinstance(s, ParamSpace) for s in self.spaces))
        self._constant_cache: dict = {}

    def _compile(self):
        with self._lock:
            if self._compiled is None:
                args = self.params + self.unknowns
                outer = lambdify(args + self._dummies, self._outer_exprs)
                spaces = []
                arg_set = set(args)
                for space, items in self._groups:
                    moving = isinstance(space, ParametricQuadratureSpace)
                    varying = [(i, e) for i, e in items if moving or e.free_symbols & arg_set]
                    constant = [(i, e) for i, e in items if not (moving or e.free_symbols & arg_set)]
                    for group, fn_args, per_point in ((varying, tuple(space.components) + args, True),
                                                      (constant, tuple(space.components), False)):
                        if group:
                            fn = lambdify(fn_args, [e for _, e in group])
                            spaces.append((space, tuple(i for i, _ in group), fn, per_point))
                self._compiled = (outer, tuple(spaces))
        return self._compiled

    def __call__(self, values: Mapping[str, object], u: Sequence = (), scale: int = 1) -> list:
        outer, spaces = self._compile()
        args = [_a(values[p.name]) for p in self.params] + [_a(x) for x in u]
        avg = [None] * len(self._dummies)
        reasons = []
        for space, indices, fn, per_point in spaces:
            comps, weights, reason = space_rule(space, values, scale)
            if reason:
                reasons.append(reason)
            if not per_point:
                key = (space, indices, ctx.prec, scale, id(comps[0]) if comps else 0)
                hit = self._constant_cache.get(key)
                if hit is not None and hit[0] is comps[0]:
                    for i, v in zip(indices, hit[1]):
                        avg[i] = v
                    continue
            sums = _weighted_sums(fn, comps, weights, args if per_point else [], len(indices))
            if not per_point:
                self._constant_cache[key] = (comps[0], sums)
            for i, v in zip(indices, sums):
                avg[i] = v
        self.float_nodes = tuple(dict.fromkeys(reasons))
        return outer(*args, *avg)


def _weighted_sums(fn, comps, weights, args, count):
    k = len(comps[0]) if comps else 0
    sums = [arb(0)] * count
    if weights is None:
        for idx in range(k):
            vals = fn(*(c[idx] for c in comps), *args)
            sums = [s + v for s, v in zip(sums, vals)]
    else:
        for idx in range(k):
            vals = fn(*(c[idx] for c in comps), *args)
            w = weights[idx]
            sums = [s + w * v for s, v in zip(sums, vals)]
    return sums

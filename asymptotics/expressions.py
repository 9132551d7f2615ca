"""A safe parser for formulas a user types: activations, kernels, prior densities.

Parameters come from command lines, sweep files and other tools' JSON, so a formula is never
evaluated as Python (``sympy.sympify`` runs ``eval``: ``activation="__import__('os').system(...)"``
would run a command). :func:`parse` reads the text with :mod:`ast` and builds the sympy expression
from a whitelist of nodes only:

- numbers (ints of at most 30 digits, floats), ``+ - * / **``, unary ``+ -``, parentheses;
- the formula's variable (``x`` for activations and densities, ``t`` for kernels; another single
  letter is accepted as the variable, e.g. ``tanh(2*u)``) and the constants ``pi`` and ``E``;
- calls of whitelisted functions by name with positional arguments (:data:`FUNCTIONS`), and
  ``Piecewise((value, condition), ..., (value, True))`` with one comparison per condition.

Anything else is a :class:`~asymptotics.ParameterError` that says what is not allowed: attribute
access, subscripts, keywords, lambdas, comprehensions, strings, dunder names, unknown names (with
a did-you-mean among the named choices, the functions and the variable, case-insensitive: ``RELU``
-> ``relu``). Size limits keep parsing cheap: at most 400 characters and 200 nodes, and a power
whose exponent is a number may not exceed 64 in absolute value (``9**9**9`` would otherwise make
sympy compute a number with 370 million digits).
"""

from __future__ import annotations

import ast
import difflib
from typing import Iterable, Mapping

from .validation import ParameterError

__all__ = ["parse", "FUNCTIONS", "MAX_LENGTH"]

MAX_LENGTH = 400
MAX_NODES = 200
MAX_EXPONENT = 64
MAX_INT_DIGITS = 30


def _functions():
    import sympy as sp

    relu = lambda a: sp.Max(0, a)  # noqa: E731
    return {
        "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos,
        "atan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "asinh": sp.asinh,
        "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "erf": sp.erf, "erfc": sp.erfc,
        "abs": sp.Abs, "Abs": sp.Abs, "sign": sp.sign, "Heaviside": lambda a: sp.Heaviside(a, sp.S.Half),
        "step": lambda a: sp.Heaviside(a, sp.S.Half), "max": sp.Max, "Max": sp.Max, "min": sp.Min,
        "Min": sp.Min, "relu": relu, "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
        "softplus": lambda a: sp.log(1 + sp.exp(a)), "acosh": sp.acosh, "atanh": sp.atanh,
    }


#: Names of the functions a formula may call.
FUNCTIONS = ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
             "atanh", "exp", "log", "sqrt", "erf", "erfc", "abs", "Abs", "sign", "Heaviside", "step",
             "max", "Max", "min", "Min", "relu", "sigmoid", "softplus")

_ARITY = {"max": None, "Max": None, "min": None, "Min": None}
_DESCRIBE = {
    ast.Attribute: "attribute access is", ast.Subscript: "subscripts are", ast.Lambda: "lambdas are",
    ast.ListComp: "comprehensions are", ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are", ast.GeneratorExp: "comprehensions are", ast.List: "lists are",
    ast.Tuple: "tuples are", ast.Dict: "dicts are", ast.Set: "sets are", ast.Compare: "comparisons are",
    ast.BoolOp: "boolean operators are", ast.IfExp: "conditional expressions are",
    ast.Starred: "star arguments are", ast.JoinedStr: "strings are", ast.NamedExpr: "assignments are",
    ast.Await: "await is", ast.Yield: "yield is", ast.YieldFrom: "yield is",
}
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


def _suggest(name: str, candidates: Iterable[str]) -> str:
    cands = sorted(set(candidates))
    lower = {c.lower(): c for c in cands}
    if name.lower() in lower:
        return f"; did you mean {lower[name.lower()]!r}?"
    close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
    return f"; did you mean {lower[close[0]]!r}?" if close else ""


def parse(text, *, what: str, variable: str, named: Mapping[str, object] = (),
          domain_hint: str = ""):
    """The sympy expression of a formula ``text`` in one variable, or a ParameterError.

    ``what`` names the parameter (``activation``), ``variable`` the preferred variable name (the
    result is always expressed in a symbol of that name, real), ``named`` the named choices (for
    did-you-mean; a bare named choice is resolved by the caller before calling this).
    """
    import sympy as sp

    def fail(reason: str):
        shown = f" in {text!r}" if isinstance(text, str) and len(text) <= 80 else ""
        raise ParameterError(f"parameter '{what}': {reason}{shown}; it must be "
                             f"{domain_hint or 'a formula'}")

    if not isinstance(text, str):
        fail(f"got a {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        fail(f"a formula may have at most {MAX_LENGTH} characters (got {len(text)})")
    if "__" in text:
        fail("dunder names are not allowed")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        fail("it is not a valid formula (syntax error)")
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        fail(f"a formula may have at most {MAX_NODES} parts")
    functions = _functions()
    sym = sp.Symbol(variable, real=True)
    var_names: set[str] = set()
    allowed_names = set(functions) | {"pi", "E", variable} | set(named)

    def unknown(name):
        hint = _suggest(name, allowed_names)
        fail(f"unknown name {name!r}{hint} (a formula may use {variable!r}, numbers, + - * / ** and "
             f"the functions {', '.join(FUNCTIONS)})")

    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                fail(f"{type(value).__name__} constants are not allowed")
            if isinstance(value, int):
                if len(str(abs(value))) > MAX_INT_DIGITS:
                    fail(f"integers may have at most {MAX_INT_DIGITS} digits")
                return sp.Integer(value)
            return sp.Float(value)
        if isinstance(node, ast.Name):
            name = node.id
            if name.startswith("_"):
                fail(f"the name {name!r} is not allowed")
            if name == variable:
                var_names.add(name)
                return sym
            if name == "pi":
                return sp.pi
            if name == "E":
                return sp.E
            if name in functions:
                fail(f"{name!r} is a function: call it, e.g. {name}({variable})")
            if len(name) == 1 and name.isalpha() and name.islower():
                var_names.add(name)
                if len(var_names) > 1:
                    fail(f"a formula has one variable; got {sorted(var_names)}")
                return sym
            unknown(name)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            inner = build(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BINOPS):
            left, right = build(node.left), build(node.right)
            if isinstance(node.op, ast.Pow):
                if right.is_number:
                    try:
                        big = abs(complex(right)) > MAX_EXPONENT
                    except (TypeError, ValueError):
                        big = True
                    if big:
                        fail(f"exponents may not exceed {MAX_EXPONENT} in absolute value")
                elif left.is_number and left.free_symbols == set():
                    pass  # b**f(x): fine (e.g. 2**x)
                return sp.Pow(left, right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Piecewise":
            return piecewise(node)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                fail("only plain function names may be called" if not isinstance(node.func, ast.Attribute)
                     else "attribute access is not allowed")
            name = node.func.id
            if name.startswith("_"):
                fail(f"the name {name!r} is not allowed")
            if name not in functions:
                unknown(name)
            if node.keywords:
                fail("keyword arguments are not allowed")
            args = [build(a) for a in node.args]
            if not args:
                fail(f"{name}() needs an argument")
            if _ARITY.get(name, 1) == 1 and len(args) != 1 and name not in _ARITY:
                fail(f"{name} takes one argument; got {len(args)}")
            return functions[name](*args)
        if isinstance(node, ast.BinOp):
            fail(f"the operator {type(node.op).__name__} is not allowed")
        if isinstance(node, ast.UnaryOp):
            fail(f"the operator {type(node.op).__name__} is not allowed")
        fail(f"{_DESCRIBE[type(node)]} not allowed" if type(node) in _DESCRIBE
             else f"{type(node).__name__} is not allowed")

    comparisons = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan, ast.Gt: sp.StrictGreaterThan,
                   ast.GtE: sp.GreaterThan}

    def condition(node):
        if isinstance(node, ast.Constant) and node.value is True:
            return sp.true
        if (isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in comparisons):
            return comparisons[type(node.ops[0])](build(node.left), build(node.comparators[0]))
        fail("a Piecewise condition must be one comparison (<, <=, >, >=) or True")

    def piecewise(node):
        if node.keywords or not node.args:
            fail("Piecewise takes (value, condition) pairs, the last with condition True")
        pairs = []
        for arg in node.args:
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                fail("Piecewise takes (value, condition) pairs, the last with condition True")
            pairs.append((build(arg.elts[0]), condition(arg.elts[1])))
        return sp.Piecewise(*pairs)

    expr = build(tree)
    if not isinstance(expr, sp.Expr):
        fail("it is not an expression")
    if expr.has(sp.zoo, sp.nan) or expr.has(sp.oo) or expr.has(sp.S.NegativeInfinity):
        fail("it is not finite")
    return expr

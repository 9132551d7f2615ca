"""The declaration of a model's equations: unknowns, equations, observables, in sympy.

A :class:`System` is pure data. Parameters are sympy symbols named exactly as the model's
``Params`` fields; unknowns carry an initial guess (a sympy expression in the parameters) and
bounds; equations are ``sympy.Eq(lhs, rhs)`` (residual ``lhs - rhs``), and when every equation
reads ``Eq(unknown_i, G_i(unknowns))`` the system also has a fixed-point form for damped and
Anderson iteration. Observables are named sympy expressions in parameters and unknowns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import sympy as sp

from .nodes import Average, Space, averages_in

__all__ = ["Bound", "Unknown", "System"]


@dataclass(frozen=True)
class Unknown:
    """An unknown of the equations.

    ``guess`` is a sympy expression in the parameters (averages allowed) used as the starting point;
    ``lower``/``upper`` bound the search (the solver never steps outside them). ``start``, when
    given, is the initial condition of the system's natural iteration ``u <- G(u)`` (a state
    evolution at t = 0, say); see :attr:`System.iteration`.
    """

    symbol: sp.Symbol
    guess: sp.Expr
    lower: float = -math.inf
    upper: float = math.inf
    doc: str = ""
    start: sp.Expr | None = None

    @property
    def name(self) -> str:
        return self.symbol.name


@dataclass(frozen=True)
class Bound:
    """A parameter's admissible range that depends on the other parameters.

    ``parameter`` must lie ``side`` (``"above"`` or ``"below"``) ``value``: a sympy expression in
    the parameters (averages allowed), or a :class:`System` solved first whose observable
    ``observable`` is the value (a threshold that is itself the solution of equations, e.g. the
    separability threshold of a classifier). The evaluator computes every bound before solving,
    solves only the points inside, and reports the others with status ``outside_domain`` (raising
    :class:`~asymptotics.ParameterError` from ``evaluate``). ``meaning`` names the threshold in
    that message; ``name``, if given, also reports the bound's value as an observable. Where the
    bound itself cannot be computed the point is solved anyway (and flagged if it fails).
    """

    parameter: sp.Symbol
    side: str
    value: "sp.Expr | System"
    observable: str = ""
    meaning: str = ""
    name: str = ""
    inclusive: bool = False

    def __post_init__(self):
        if self.side not in ("above", "below"):
            raise ValueError(f"Bound side must be 'above' or 'below'; got {self.side!r}")
        if isinstance(self.value, System) and self.observable not in self.value.observables:
            raise ValueError(f"Bound on {self.parameter}: the system has no observable "
                             f"{self.observable!r}")


@dataclass(frozen=True)
class System:
    """Equations F(u; θ) = 0 for unknowns u, and observables O(u; θ).

    ``parameters`` lists the scalar parameter symbols (array parameters enter only through the
    components of a :class:`~asymptotics.symbolic.nodes.Space`). ``solution`` optionally gives the
    unknowns in closed form; the evaluator then uses it instead of a solver, and the tests check
    that it satisfies the equations.

    ``iteration`` optionally names a parameter (one of ``parameters``) counting iterations of the
    fixed-point map: where its value ``t`` is finite, the unknowns that declare a ``start`` are not
    solved but set to ``start`` and updated ``t`` times by their equations ``u <- G(u)`` (a state
    evolution trajectory), in the order of ``unknowns`` (Gauss–Seidel: an update sees the new
    values of the unknowns before it, so ``(qhat, q)`` declared in that order make one sweep one
    step of the algorithm); the other unknowns keep their solved values. ``t = inf`` means the
    solved fixed point. The equations of unknowns with a ``start`` must be in fixed-point form.

    ``bounds`` restrict parameters to ranges that depend on the others (:class:`Bound`).
    ``homotopy`` maps parameters to start values (expressions in the parameters) where the
    unknowns' guess is reliable, e.g. ``{lam: Max(lam, 10 alpha)}``: points the direct solve
    misses are reached by continuation from there.
    """

    parameters: tuple[sp.Symbol, ...]
    unknowns: tuple[Unknown, ...]
    equations: tuple[sp.Eq, ...]
    observables: Mapping[str, sp.Expr]
    solution: Mapping[sp.Symbol, sp.Expr] | None = None
    observable_docs: Mapping[str, str] = field(default_factory=dict)
    iteration: sp.Symbol | None = None
    bounds: tuple[Bound, ...] = ()
    homotopy: Mapping[sp.Symbol, sp.Expr] | None = None

    def __post_init__(self):
        for k, v in (self.homotopy or {}).items():
            if k not in self.parameters:
                raise ValueError(f"homotopy on {k}, which is not a parameter of the system")
            extra = sp.sympify(v).free_symbols - set(self.parameters)
            if extra:
                raise ValueError(f"homotopy start of {k} uses {sorted(map(str, extra))}, which are "
                                 f"not parameters")
        for b in self.bounds:
            if b.parameter not in self.parameters:
                raise ValueError(f"Bound on {b.parameter}, which is not a parameter of the system")
            if isinstance(b.value, System):
                extra = set(b.value.parameters) - set(self.parameters)
            else:
                extra = sp.sympify(b.value).free_symbols - set(self.parameters)
            if extra:
                raise ValueError(f"Bound on {b.parameter} uses {sorted(map(str, extra))}, which are "
                                 f"not parameters of the system")
        for i, eq in enumerate(self.equations):
            if isinstance(eq, sp.logic.boolalg.BooleanAtom):
                raise ValueError(
                    f"equation {i} evaluated to {eq} when it was built; write sp.Eq(lhs, rhs, "
                    f"evaluate=False) or give the residual expression lhs - rhs")
        if len(self.unknowns) != len(self.equations):
            raise ValueError(
                f"a system needs as many equations as unknowns; got {len(self.equations)} "
                f"equations for {len(self.unknowns)} unknowns"
            )
        allowed = set(self.parameters) | set(self.unknown_symbols)
        for e in list(self.residuals) + list(self.observables.values()):
            extra = sp.sympify(e).free_symbols - allowed
            if extra:
                raise ValueError(f"undeclared symbols {sorted(map(str, extra))} in {e}")
        if self.solution is not None and set(self.solution) != set(self.unknown_symbols):
            raise ValueError("a closed-form solution must give every unknown")
        if self.iteration is not None:
            if self.iteration not in self.parameters:
                raise ValueError(f"the iteration counter {self.iteration} must be a parameter")
            if not self.dynamic:
                raise ValueError("a system with an iteration counter needs unknowns with a start")
        for u, eq in zip(self.unknowns, self.equations):
            if u.start is not None and eq.lhs != u.symbol:
                raise ValueError(f"unknown {u.name} has a start, so its equation must read "
                                 f"Eq({u.name}, G(...)); got {eq}")
            if u.start is not None and sp.sympify(u.start).free_symbols - set(self.parameters):
                raise ValueError(f"the start of {u.name} may only involve parameters")

    @property
    def unknown_symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(u.symbol for u in self.unknowns)

    @property
    def residuals(self) -> tuple[sp.Expr, ...]:
        return tuple(sp.sympify(eq.lhs - eq.rhs) if isinstance(eq, sp.Eq) else sp.sympify(eq)
                     for eq in self.equations)

    @property
    def dynamic(self) -> tuple[int, ...]:
        """Indices of the unknowns that declare a ``start`` (iterated along a trajectory)."""
        return tuple(i for i, u in enumerate(self.unknowns) if u.start is not None)

    @property
    def fixed_point_map(self) -> tuple[sp.Expr, ...] | None:
        """``G`` with equations ``u = G(u)`` in the unknowns' order, or None if not in that form."""
        out = []
        for unknown, eq in zip(self.unknowns, self.equations):
            if not isinstance(eq, sp.Eq) or eq.lhs != unknown.symbol:
                return None
            out.append(eq.rhs)
        return tuple(out)

    def jacobian(self) -> sp.Matrix:
        """d residual_i / d unknown_j, differentiating under every average."""
        return sp.Matrix([[sp.diff(r, u) for u in self.unknown_symbols] for r in self.residuals])

    @property
    def spaces(self) -> tuple[Space, ...]:
        exprs = (list(self.residuals) + list(self.observables.values()) + [u.guess for u in self.unknowns]
                 + [u.start for u in self.unknowns if u.start is not None])
        return tuple(dict.fromkeys(a.space for a in averages_in(exprs)))

    def latex(self, symbols: Mapping[str, str] | None = None) -> str:
        """The equations and observables as a LaTeX ``aligned`` block.

        ``symbols`` maps parameter names to the paper's symbols (unicode as in ``param(symbol=)``,
        e.g. ``{"lam": "λ", "noise": "σ²"}``); other multi-letter names are set upright
        (``\\mathrm{signal}``), never as a product of letters. Expressions kept unevaluated for the
        numerics (``UnevaluatedExpr``) are printed evaluated: the printer drops their parentheses.
        """
        names = latex_names(self._all_symbols(), symbols)
        tex = lambda e: latex_expr(e, names)  # noqa: E731
        lines = [tex(eq.lhs) + " &= " + tex(eq.rhs) if isinstance(eq, sp.Eq)
                 else tex(eq) + " &= 0" for eq in self.equations]
        if self.solution:
            lines += [tex(k) + r" &= " + tex(v) for k, v in self.solution.items()]
        lines += [r"\mathrm{%s} &= %s" % (name.replace("_", r"\_"), tex(expr))
                  for name, expr in self.observables.items()]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def _all_symbols(self) -> set:
        exprs = (list(self.residuals) + list(self.observables.values())
                 + list((self.solution or {}).values()))
        out = set(self.parameters) | set(self.unknown_symbols)
        for e in exprs:
            out |= {a for a in sp.preorder_traversal(sp.sympify(e)) if isinstance(a, sp.Symbol)}
        return out


def contains_average(expr) -> bool:
    return any(isinstance(n, Average) for n in sp.preorder_traversal(sp.sympify(expr)))


_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
    "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789"))


def tex_symbol(text: str) -> str:
    """A paper symbol written in unicode (``σ²``, ``ψ₁``, ``γ₀²``, ``F_*²``) as LaTeX."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in _GREEK:
            out.append("\\" + _GREEK[ch] + " ")
        elif ch in _SUB or ch in _SUPER:
            table, mark = (_SUB, "_") if ch in _SUB else (_SUPER, "^")
            j = i
            while j < len(text) and text[j] in table:
                j += 1
            out.append(mark + "{" + "".join(table[c] for c in text[i:j]) + "}")
            i = j
            continue
        elif ch == "_" and i + 1 < len(text):
            out.append("_{" + text[i + 1] + "}")
            i += 2
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out).replace(" _", "_").replace(" ^", "^").strip()


def latex_names(symbols, paper: Mapping[str, str] | None = None) -> dict:
    """symbol -> LaTeX: the paper's symbol where given, else sympy's (Greek names become Greek),
    else an upright name for multi-letter names."""
    paper = dict(paper or {})
    out = {}
    for sym in symbols:
        if sym.name in paper and paper[sym.name]:
            out[sym] = tex_symbol(paper[sym.name])
            continue
        base = sym.name.split("_")[0].rstrip("0123456789")
        if len(base) > 1 and sp.latex(sp.Symbol(base)) == base:  # a word, not a Greek letter
            out[sym] = r"\mathrm{%s}" % sym.name.replace("_", r"\_")
    return out


def latex_expr(expr, names: Mapping | None = None) -> str:
    """LaTeX of an expression with UnevaluatedExpr wrappers removed (printed evaluated)."""
    expr = sp.sympify(expr)
    if expr.has(sp.UnevaluatedExpr):
        expr = expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])
    return sp.latex(expr, symbol_names=dict(names or {}))

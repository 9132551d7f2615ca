"""Activation functions and their Gaussian coefficients.

An activation is a name (``relu``, ``tanh``, ``erf``, ``sigmoid``, ``quadratic``, ...), a formula
string in ``x`` such as ``"tanh(2*x)"`` (read by the safe parser of :mod:`asymptotics.expressions`:
never evaluated as Python), or a :class:`sympy.Expr` in one variable. It must be a finite real
function on the whole real line with ``E σ(G)² < inf`` (``1/x``, ``log(x)``, ``exp(x**2)`` are
refused).
:func:`activation` turns either into an :class:`Activation`, which knows

- its numpy function (``Activation.numpy``), for Monte Carlo;
- its Gaussian coefficients for ``G ~ N(0, 1)`` (:meth:`Activation.coefficients`)::

      mu0 = E σ(G),   mu1 = E G σ(G),   second = E σ(G)²,   mustar² = second - mu0² - mu1²,

  computed **exactly** (sympy numbers) when the activation is a polynomial or a piecewise
  polynomial (``Max``, ``Abs``, ``Heaviside``, ``sign``, ``Piecewise`` with polynomial pieces and
  constant breakpoints: each piece integrates in closed form against the Gaussian density through
  the truncated-moment recursion ``∫_a^b x^k φ = [-x^{k-1} φ]_a^b + (k-1) ∫_a^b x^{k-2} φ``), and
  by **quadrature** otherwise: Gauss–Hermite (200 nodes) for smooth activations, checked against
  150 nodes; composite Gauss–Legendre on [-40, 40] (panels of width 1/2, split at the breakpoints)
  for activations with kinks or jumps, and for smooth ones where the Gauss–Hermite check fails
  (singularities close to the real axis, e.g. a steep tanh). ``coefficients(method="quadrature")`` forces the numeric route, so tests can check that
  the two agree;
- its Hermite coefficients ``mu_k = E σ(G) He_k(G)`` (:meth:`Activation.hermite`), which give the
  dual (random-features) kernel ``E σ(G) σ(G') = Σ_k mu_k² ρ^k / k!`` for correlation ρ.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .validation import FormulaOneOf, ParameterError

__all__ = ["Activation", "ActivationDomain", "GaussianCoefficients", "NAMED", "activation"]

X = sp.Symbol("x", real=True)

#: Named activations as sympy expressions in ``x``.
NAMED: dict[str, sp.Expr] = {
    "relu": sp.Max(0, X),
    "abs": sp.Abs(X),
    "sign": sp.sign(X),
    "step": sp.Heaviside(X, sp.Rational(1, 2)),
    "linear": X,
    "quadratic": X ** 2,
    "cubic": X ** 3,
    "hermite2": (X ** 2 - 1) / sp.sqrt(2),
    "tanh": sp.tanh(X),
    "erf": sp.erf(X),
    "sigmoid": 1 / (1 + sp.exp(-X)),
    "softplus": sp.log(1 + sp.exp(X)),
    "gelu": X * (1 + sp.erf(X / sp.sqrt(2))) / 2,
    "silu": X / (1 + sp.exp(-X)),
    "exp": sp.exp(X),
}

_KINKS = (sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign, sp.Piecewise)


@dataclass(frozen=True)
class GaussianCoefficients:
    """``mu0 = E σ(G)``, ``mu1 = E G σ(G)``, ``second = E σ(G)²`` and ``mustar2 = second - mu0² - mu1²``.

    ``exact`` holds the sympy values when they were computed symbolically (else None); ``method``
    says how: ``symbolic``, ``gauss-hermite`` or ``gauss-legendre`` (composite, split at kinks).
    """

    mu0: float
    mu1: float
    second: float
    mustar2: float
    method: str
    exact: dict | None = field(default=None, compare=False)

    @property
    def mustar(self) -> float:
        return math.sqrt(max(self.mustar2, 0.0))


def ActivationDomain() -> FormulaOneOf:
    """The domain of an activation parameter: a named activation or a formula in x (read by
    :func:`activation`)."""
    return FormulaOneOf(tuple(NAMED), reader="asymptotics.activations:activation",
                        formula="a formula in x (e.g. 'tanh(2*x)')")


_HINT = ("a named activation (" + ", ".join(NAMED) + ") or a formula in x with + - * / ** and "
         "whitelisted functions (e.g. 'tanh(2*x)')")


def _check_real_line(expr: sp.Expr, value) -> None:
    """An activation must be a finite real function on the whole real line, with E σ(G)² < inf:
    checked on a grid of [-40, 40] (0 and ±1e-9 included), where the Gaussian weight of a
    square-integrable σ has |σ(x)| e^{-x²/4} -> 0."""
    grid = np.concatenate([np.linspace(-40.0, 40.0, 4001), [0.0, 1e-9, -1e-9]])
    try:
        f = sp.lambdify(X, expr, modules=["scipy", "numpy"])
        with np.errstate(all="ignore"):
            vals = np.broadcast_to(np.asarray(f(grid)), grid.shape)
    except (TypeError, ValueError, NameError, ZeroDivisionError, OverflowError, AttributeError):
        raise ParameterError(f"parameter 'activation' must be {_HINT}; {value!r} cannot be "
                             f"evaluated on the real line") from None
    if np.iscomplexobj(vals):
        bad = np.flatnonzero(np.abs(np.imag(vals)) > 0)
        if bad.size:
            raise ParameterError(f"parameter 'activation' must be real on the real line; {value!r} is "
                                 f"complex at x = {grid[bad[0]]:g}")
        vals = np.real(vals)
    vals = np.asarray(vals, dtype=float)
    bad = np.flatnonzero(~np.isfinite(vals))
    if bad.size:
        raise ParameterError(f"parameter 'activation' must be finite on the real line (a function σ "
                             f"with E σ(G)² < inf); {value!r} is not finite at x = {grid[bad[0]]:g}")
    tail = np.abs(vals[[0, 4000]]) * np.exp(-40.0 ** 2 / 4)
    if np.any(tail > 1e-12 * (1 + np.max(np.abs(vals[1600:2401])))):
        raise ParameterError(f"parameter 'activation' must have E σ(G)² < inf; {value!r} grows too fast "
                             f"(faster than exp(x²/4))")


def _parse(value) -> tuple[str, sp.Expr]:
    if isinstance(value, Activation):
        return value.name, value.expr
    if isinstance(value, str):
        key = value.strip()
        if key in NAMED:
            return key, NAMED[key]
        from .expressions import parse

        expr = parse(key, what="activation", variable="x", named=NAMED, domain_hint=_HINT)
    elif isinstance(value, sp.Basic):
        expr = value
        key = str(value)
    else:
        raise ParameterError(f"parameter 'activation' must be {_HINT}; got {value!r}")
    if not isinstance(expr, sp.Expr):
        raise ParameterError(f"parameter 'activation' must be an expression; got {value!r}")
    free = expr.free_symbols
    if len(free) > 1:
        raise ParameterError(
            f"parameter 'activation' must be an expression in ONE variable; {value!r} has "
            f"{sorted(map(str, free))}")
    if free:
        (var,) = free
        expr = expr.xreplace({var: X})
    _check_real_line(expr, value)
    return key, expr


@functools.lru_cache(maxsize=256)
def _cached(key: str, expr: sp.Expr) -> "Activation":
    return Activation(key, expr)


def activation(value) -> "Activation":
    """The :class:`Activation` for a name, a sympy expression or a string expression."""
    if isinstance(value, Activation):
        return value
    key, expr = _parse(value)
    return _cached(key, expr)


# -- exact Gaussian integrals of piecewise polynomials -------------------------------------------
_PHI = lambda a: sp.exp(-a ** 2 / 2) / sp.sqrt(2 * sp.pi)  # noqa: E731


def _cdf(a):
    if a == sp.oo:
        return sp.S.One
    if a == -sp.oo:
        return sp.S.Zero
    return (1 + sp.erf(a / sp.sqrt(2))) / 2


def _boundary(k: int, a) -> sp.Expr:
    """a^k φ(a), which vanishes at ±inf."""
    if a in (sp.oo, -sp.oo):
        return sp.S.Zero
    return a ** k * _PHI(a)


@functools.lru_cache(maxsize=None)
def _truncated_moment(k: int, a, b) -> sp.Expr:
    """∫_a^b x^k φ(x) dx exactly (a < b, possibly infinite)."""
    if k == 0:
        return _cdf(b) - _cdf(a)
    if k == 1:
        return _boundary(0, a) - _boundary(0, b)
    return _boundary(k - 1, a) - _boundary(k - 1, b) + (k - 1) * _truncated_moment(k - 2, a, b)


def _pieces(expr: sp.Expr):
    """[(polynomial, (a, b)), ...] covering the real line, or None if not piecewise polynomial."""
    if expr.is_polynomial(X):
        return [(sp.expand(expr), (-sp.oo, sp.oo))]
    if not expr.has(*_KINKS):
        return None
    try:
        pw = sp.piecewise_fold(expr.rewrite(sp.Piecewise))
        if not isinstance(pw, sp.Piecewise):
            return None
        pairs = pw.as_expr_set_pairs(sp.Interval(-sp.oo, sp.oo))
    except Exception:  # sympy cannot decompose it: fall back to quadrature
        return None
    out = []
    for piece, region in pairs:
        regions = region.args if isinstance(region, sp.Union) else (region,)
        for reg in regions:
            if isinstance(reg, sp.FiniteSet) or reg is sp.S.EmptySet:
                continue  # measure zero
            if not isinstance(reg, sp.Interval) or not piece.is_polynomial(X):
                return None
            if not (reg.start.is_number and reg.end.is_number):
                return None
            out.append((sp.expand(piece), (reg.start, reg.end)))
    return out or None


def _exact_expectation(pieces) -> sp.Expr:
    total = sp.S.Zero
    for poly, (a, b) in pieces:
        for (k,), coeff in sp.Poly(poly, X).terms():
            total += coeff * _truncated_moment(k, a, b)
    return sp.simplify(total)


def _breakpoints(expr: sp.Expr) -> list[float]:
    """Real points where a piecewise activation may be non-smooth (empty if smooth)."""
    if not expr.has(*_KINKS):
        return []
    pieces = _pieces(expr)
    pts: set[float] = set()
    if pieces is not None:
        for _, (a, b) in pieces:
            for e in (a, b):
                if e.is_finite:
                    pts.add(float(e))
        return sorted(pts)
    # Non-polynomial pieces: the zeros of the arguments of the kink functions.
    for node in sp.preorder_traversal(expr):
        if isinstance(node, _KINKS) and not isinstance(node, sp.Piecewise):
            args = node.args if not isinstance(node, sp.Heaviside) else node.args[:1]
            for arg in args:
                if arg.free_symbols:
                    for r in sp.solve(arg, X):
                        if r.is_real:
                            pts.add(float(r))
        elif isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                for rel in cond.atoms(sp.Rel):
                    for r in sp.solve(rel.lhs - rel.rhs, X):
                        if r.is_real:
                            pts.add(float(r))
    return sorted(pts)


class Activation:
    """An activation function σ: its expression, numpy function and Gaussian coefficients."""

    def __init__(self, name: str, expr: sp.Expr):
        self.name = name
        self.expr = expr
        self._fn = None

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Activation) and other.expr == self.expr

    def __hash__(self) -> int:
        return hash(("activation", self.expr))

    @property
    def numpy(self):
        """Vectorized numpy function of the activation."""
        if self._fn is None:
            f = sp.lambdify(X, self.expr, modules=["scipy", "numpy"])
            self._fn = lambda z: np.broadcast_to(np.asarray(f(z), dtype=float), np.shape(z))
        return self._fn

    @property
    def breakpoints(self) -> list[float]:
        return _breakpoints(self.expr)

    def derivative(self) -> "Activation":
        """σ' as an Activation (``Heaviside(x)`` for the ReLU), shared by theory and twins.

        Jumps of σ (``sign``, ``step``) give Dirac masses in the distributional derivative; a
        Gaussian pre-activation hits them with probability 0, so the gradient of a network (the
        NT features of ``nt-ridge``, as its Monte Carlo twin computes them) sees σ' = 0 there: the
        masses are dropped. For ``sign`` and ``step`` σ' = 0 almost everywhere."""
        d = sp.diff(self.expr, X).replace(sp.DiracDelta, lambda *args: sp.S.Zero)
        return _cached(f"d/dx {self.name}", d)

    @functools.cached_property
    def _exact(self):
        pieces = [_pieces(e) for e in (self.expr, X * self.expr, self.expr ** 2)]
        if any(p is None for p in pieces):
            return None
        mu0, mu1, second = (_exact_expectation(p) for p in pieces)
        return {"mu0": mu0, "mu1": mu1, "second": second,
                "mustar2": sp.simplify(second - mu0 ** 2 - mu1 ** 2)}

    def expectation(self, g, order: int = 200, rule: str = "auto") -> float:
        """``E g(G)`` numerically, for a vectorized ``g``, kink-aware (see the module docstring).
        ``g`` may return an array (..., nodes) of several integrands: the result is then an array.

        ``rule`` = ``auto`` (Gauss–Hermite if the activation is smooth, else composite
        Gauss–Legendre split at its breakpoints), ``hermite`` or ``legendre``.
        """
        kinks = self.breakpoints
        if rule == "legendre" or (rule == "auto" and kinks):
            return _composite_legendre(g, kinks)
        value = _hermite(g, order)
        if rule == "auto":
            # Gauss–Hermite converges slowly when σ has singularities close to the real axis (a
            # steep tanh): compare with a lower order and switch to the composite rule if needed.
            check = _hermite(g, (3 * order) // 4)
            if np.any(np.abs(value - check) > 1e-13 * np.maximum(1.0, np.abs(value))):
                return _composite_legendre(g, kinks)
        return value

    def coefficients(self, method: str = "auto") -> GaussianCoefficients:
        """Gaussian coefficients; ``method`` = ``auto`` (exact where possible), ``symbolic`` or
        ``quadrature``."""
        return self._coefficients(method)

    @functools.lru_cache(maxsize=4)
    def _coefficients(self, method: str) -> GaussianCoefficients:
        if method not in ("auto", "symbolic", "quadrature"):
            raise ParameterError(f"parameter 'method' must be 'auto', 'symbolic' or 'quadrature'; got {method!r}")
        if method in ("auto", "symbolic"):
            ex = self._exact
            if ex is not None:
                vals = {k: float(v) for k, v in ex.items()}
                return GaussianCoefficients(vals["mu0"], vals["mu1"], vals["second"], vals["mustar2"],
                                            "symbolic", ex)
            if method == "symbolic":
                raise ParameterError(
                    f"activation {self.name!r} is not a (piecewise) polynomial: its Gaussian coefficients "
                    f"have no symbolic evaluation here; use method='quadrature'")
        f = self.numpy
        mu0 = self.expectation(f)
        mu1 = self.expectation(lambda z: z * f(z))
        second = self.expectation(lambda z: f(z) ** 2)
        # Guard the cancellation in second - mu0² - mu1² (e.g. a linear activation): clip rounding.
        mustar2 = second - mu0 ** 2 - mu1 ** 2
        if abs(mustar2) <= 1e-13 * max(second, 1e-300):
            mustar2 = 0.0
        meth = "gauss-legendre" if self.breakpoints or not self._hermite_converges() else "gauss-hermite"
        return GaussianCoefficients(mu0, mu1, second, mustar2, meth)

    def _hermite_converges(self, order: int = 200) -> bool:
        f = self.numpy
        a, b = _hermite(lambda z: f(z) ** 2, order), _hermite(lambda z: f(z) ** 2, (3 * order) // 4)
        return abs(a - b) <= 1e-13 * max(1.0, abs(a))

    def hermite(self, degree: int, order: int = 200) -> np.ndarray:
        """``mu_k = E σ(G) He_k(G)`` for k = 0..degree (probabilists' Hermite polynomials)."""
        f = self.numpy

        def he(z):
            out = [np.ones_like(z), z]
            for k in range(1, degree):
                out.append(z * out[k] - k * out[k - 1])
            return out[: degree + 1]

        return np.array([self.expectation(lambda z, k=k: f(z) * he(z)[k], order) for k in range(degree + 1)])


    def hermite_exact(self, degree: int):
        """Exact ``mu_k = E σ(G) He_k(G)`` (sympy numbers) for k = 0..degree, or None when σ is
        not a (piecewise) polynomial (then use :meth:`hermite`)."""
        out = []
        for k in range(degree + 1):
            pieces = _pieces(sp.expand(self.expr * sp.hermite_prob(k, X)))
            if pieces is None:
                return None
            out.append(_exact_expectation(pieces))
        return out


def _hermite(g, order: int):
    x, w = np.polynomial.hermite_e.hermegauss(order)
    return _reduce(np.asarray(g(x)) @ (w / w.sum()))


def _reduce(value):
    """A float for a scalar integrand, an array for a vector one (``g`` returning (..., nodes))."""
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float)


def _composite_legendre(g, kinks, half_width: float = 40.0, panel: float = 0.5, nodes: int = 48) -> float:
    """∫ g(x) φ(x) dx over [-40, 40] (φ(40) ~ 1e-348) by Gauss–Legendre panels split at the kinks."""
    edges = sorted({-half_width, half_width, *[k for k in kinks if -half_width < k < half_width]})
    grid = []
    for a, b in zip(edges[:-1], edges[1:]):
        m = max(1, int(math.ceil((b - a) / panel)))
        grid.extend(np.linspace(a, b, m + 1)[:-1].tolist())
    grid.append(edges[-1])
    grid = np.array(grid)
    xl, wl = np.polynomial.legendre.leggauss(nodes)
    a, b = grid[:-1, None], grid[1:, None]
    x = (a + b) / 2 + (b - a) / 2 * xl[None, :]
    w = (b - a) / 2 * wl[None, :] * np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)
    with np.errstate(over="ignore", invalid="ignore"):
        vals = np.asarray(g(x.ravel()))
        vals = vals.reshape(vals.shape[:-1] + x.shape)
    vals = np.where(w > 0, vals, 0.0)
    return _reduce(np.sum(w * vals, axis=(-2, -1)))

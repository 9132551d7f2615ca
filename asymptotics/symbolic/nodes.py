"""Symbolic averages: weighted sums over an index set, kept unevaluated until codegen.

A model writes ``Average(f(s, t, kappa), SPECTRUM)`` for ``sum_i f(s_i, t_i, kappa)``, where the
components ``s``, ``t`` of the space are bound to array parameters (eigenvalues, target
coordinates), or ``Average(g(z), gaussian(1))`` for ``E_z g(z)`` with ``z ~ N(0, 1)``, bound to
Gauss–Hermite nodes. The node differentiates under the sum, so Jacobians of equations that
contain averages are obtained by ``sympy.diff`` like any other expression; codegen lowers every
node to one vectorized weighted sum.
"""

from __future__ import annotations

import functools
from typing import Callable, Mapping

import numpy as np
import sympy as sp

from .. import runtime

__all__ = ["Space", "ParamSpace", "QuadratureSpace", "ParametricQuadratureSpace", "Average", "gaussian",
           "gaussian_panels", "tensor", "averages_in"]


class Space(sp.Atom):
    """An index set with components (symbols varying along the index) and weights.

    Subclasses say how to produce the component arrays and weights from the model's parameters.
    A Space is a sympy atom so that it can sit inside expression trees; it is identified by its
    name and components.
    """

    is_commutative = True

    def __new__(cls, name: str, components: tuple[sp.Symbol, ...]):
        obj = super().__new__(cls)
        obj._name = name
        obj._components = tuple(components)
        return obj

    @property
    def name(self) -> str:
        return self._name

    @property
    def components(self) -> tuple[sp.Symbol, ...]:
        return self._components

    def _hashable_content(self):
        return (type(self).__name__, self._name, self._components)

    def __getnewargs__(self):
        return (self._name, self._components)

    def arrays(self, params: Mapping[str, object]) -> tuple[tuple[np.ndarray, ...], np.ndarray | None]:
        """Component arrays (each of length K) and weights (length K, or None for a plain sum)."""
        raise NotImplementedError

    def mp_arrays(self, params: Mapping[str, object], dps: int):
        """The same at ``dps`` decimal digits (mpmath numbers); defaults to the float arrays."""
        comps, weights = self.arrays(params)
        return comps, weights

    #: True when the nodes or weights depend on scalar parameters (one rule per point).
    nodes_vary = False

    def batch_arrays(self, params: Mapping[str, object], scalars: Mapping[str, np.ndarray], batch: int):
        """Component arrays and weights for a batch of ``batch`` points.

        ``scalars`` maps scalar parameter names to their (batch,) arrays. The default ignores them
        (nodes shared by every point, arrays of shape (K,)); a space whose nodes depend on the
        parameters returns arrays of shape (batch, K).
        """
        return self.arrays(params)

    @property
    def numeric(self):
        """The sympy-free rule giving this space's nodes and weights (:mod:`asymptotics.runtime`)."""
        raise NotImplementedError

    def _sympystr(self, printer) -> str:
        return self._name

    def _sympyrepr(self, printer) -> str:
        # part of the cache key of generated code: everything that identifies the space
        return f"{type(self).__name__}({self._describe(printer)})"

    def _describe(self, printer) -> str:
        return f"{self._name!r}, {printer._print(self._components)}"

    def _latex(self, printer) -> str:
        return r"\mathrm{%s}" % self._name


class ParamSpace(Space):
    """Components bound to array parameters of the model; a sum over entries, optionally weighted.

    ``ParamSpace("spectrum", {s: "eigenvalues", t: "target"})`` makes ``Average(f, space)`` mean
    ``sum_i f(eigenvalues[i], target[i])``. With ``weights="multiplicities"`` it means
    ``sum_i multiplicities[i] f(eigenvalues[i], target[i])``: a spectrum with repeated eigenvalues
    (e.g. the degree-k eigenvalue of an inner-product kernel on the sphere, repeated N(d, k) times)
    is then summed over its distinct values only.
    """

    def __new__(cls, name: str, bindings: Mapping[sp.Symbol, str] | tuple, weights: str | None = None):
        items = tuple(bindings.items()) if isinstance(bindings, Mapping) else tuple(bindings)
        obj = super().__new__(cls, name, tuple(sym for sym, _ in items))
        obj._bindings = items
        obj._weights = weights
        return obj

    def __getnewargs__(self):
        return (self._name, self._bindings, self._weights)

    def _hashable_content(self):
        return (type(self).__name__, self._name, self._bindings, self._weights)

    @property
    def bindings(self) -> tuple[tuple[sp.Symbol, str], ...]:
        return self._bindings

    @property
    def weights(self) -> str | None:
        """Name of the array parameter holding the weights (None: a plain sum)."""
        return self._weights

    @property
    def numeric(self) -> runtime.ParamRule:
        return runtime.ParamRule(self._name, tuple(name for _, name in self._bindings), self._weights)

    def arrays(self, params):
        return self.numeric.arrays(params)

    def _describe(self, printer) -> str:
        return f"{self._name!r}, {printer._print(self._bindings)}, {self._weights!r}"

    def _latex(self, printer) -> str:
        return "i"


def _callable_text(f) -> str:
    """A deterministic description of a rule (module-level functions and partials of them); an
    anonymous function gets its repr, which holds its address: such a space is then never reused
    from the cache across processes (correct, only slower)."""
    if isinstance(f, functools.partial):
        return f"partial({_callable_text(f.func)}, {f.args!r}, {sorted(f.keywords.items())!r})"
    mod, qual = getattr(f, "__module__", None), getattr(f, "__qualname__", "")
    if mod and qual and "<" not in qual:
        return f"{mod}.{qual}"
    return repr(f)


class QuadratureSpace(Space):
    """Components bound to fixed quadrature nodes with weights (e.g. Gauss–Hermite for N(0, I))."""

    def __new__(cls, name: str, components: tuple[sp.Symbol, ...],
                rule: Callable[[], tuple[tuple[np.ndarray, ...], np.ndarray]],
                mp_rule: Callable[[int], tuple] | None = None):
        obj = super().__new__(cls, name, components)
        obj._rule = rule
        obj._mp_rule = mp_rule
        return obj

    def __getnewargs__(self):
        return (self._name, self._components, self._rule, self._mp_rule)

    @property
    def numeric(self) -> runtime.FixedRule:
        return runtime.FixedRule(self._name, self._rule, self._mp_rule)

    def _describe(self, printer) -> str:
        mp_rule = "None" if self._mp_rule is None else _callable_text(self._mp_rule)
        return (f"{self._name!r}, {printer._print(self._components)}, {_callable_text(self._rule)}, "
                f"{mp_rule}")

    def arrays(self, params):
        return self._rule()

    def mp_arrays(self, params, dps):
        if self._mp_rule is None:
            return self._rule()
        return self._mp_rule(dps)

    def _latex(self, printer) -> str:
        return ",".join(printer._print(c) for c in self._components)


class ParametricQuadratureSpace(Space):
    """Quadrature nodes and weights that depend on scalar parameters (one rule per point).

    ``rule(**{name: (B,) array})`` receives the values of ``parameters`` (symbols) for a batch of
    B points and returns ``(components, weights)``: a tuple of (B, K) arrays and a (B, K) array.
    Use it for a measure whose shape moves with a parameter (e.g. the Marchenko–Pastur law with
    ratio gamma), where a fixed rule in a rescaled variable would lose accuracy at a singular
    parameter value. The nodes may depend on parameters but never on unknowns, so derivatives
    with respect to unknowns still pass under the average; derivatives with respect to the
    ``parameters`` do not include the motion of the nodes (no solver takes those). The mpmath path
    evaluates the rule in double precision at the point.
    """

    nodes_vary = True

    def __new__(cls, name: str, components: tuple[sp.Symbol, ...], parameters: tuple[sp.Symbol, ...],
                rule: Callable[..., tuple[tuple[np.ndarray, ...], np.ndarray]]):
        obj = super().__new__(cls, name, components)
        obj._parameters = tuple(parameters)
        obj._rule = rule
        return obj

    def __getnewargs__(self):
        return (self._name, self._components, self._parameters, self._rule)

    def _hashable_content(self):
        return (type(self).__name__, self._name, self._components, self._parameters)

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        return self._parameters

    @property
    def numeric(self) -> runtime.ParametricRule:
        return runtime.ParametricRule(self._name, tuple(p.name for p in self._parameters), self._rule)

    def _describe(self, printer) -> str:
        return (f"{self._name!r}, {printer._print(self._components)}, "
                f"{printer._print(self._parameters)}, {_callable_text(self._rule)}")

    def batch_arrays(self, params, scalars, batch):
        args = {p.name: np.broadcast_to(np.asarray(scalars[p.name], dtype=float), (batch,))
                for p in self._parameters}
        comps, weights = self._rule(**args)
        comps = tuple(np.broadcast_to(np.asarray(c, dtype=float), np.shape(weights)) for c in comps)
        return comps, np.asarray(weights, dtype=float)

    def arrays(self, params):
        comps, weights = self.batch_arrays(params, params, 1)
        return tuple(c[0] for c in comps), weights[0]

    def mp_arrays(self, params, dps):
        point = {p.name: float(params[p.name]) for p in self._parameters}
        return self.arrays(point)

    def _latex(self, printer) -> str:
        return ",".join(printer._print(c) for c in self._components)


def gaussian(*components: sp.Symbol, order: int = 80, name: str | None = None,
             half: tuple[sp.Symbol, ...] = ()) -> QuadratureSpace:
    """Space for ``E f(z_1, ..., z_k)`` with ``z ~ N(0, I_k)`` by a Gauss–Hermite tensor rule.

    Components listed in ``half`` are instead ``|z_j|`` (half-normal, density ``2 phi`` on
    ``[0, inf)``) with their own Gauss rule: write ``E h(Y G)`` for a sign-link label as
    ``(1 - eps) E h(|G|) + eps E h(-|G|)`` to keep the integrand smooth. The arbitrary-precision
    path uses mpmath-refined nodes for normal components and the float64 rule for half-normal ones.
    """
    from .. import integrals  # local import: integrals is numeric, nodes stays importable alone

    if not components:
        raise ValueError("gaussian() needs at least one component symbol")
    stray = set(half) - set(components)
    if stray:
        raise ValueError(f"half-normal components {sorted(map(str, stray))} are not components")
    k = len(components)
    kinds = tuple("half" if c in half else "normal" for c in components)
    if "half" not in kinds:
        return QuadratureSpace(
            name or f"gauss{k}_{order}_" + "_".join(str(c) for c in components),
            tuple(components),
            functools.partial(integrals.gauss_hermite_product, k, order),
            functools.partial(integrals.gauss_hermite_product_mp, k, order),
        )
    tag = "".join("h" if kind == "half" else "n" for kind in kinds)
    return QuadratureSpace(
        name or f"gauss{tag}_{order}_" + "_".join(str(c) for c in components),
        tuple(components),
        functools.partial(integrals.gaussian_product, kinds, order),
    )


def tensor(*factors: tuple, name: str | None = None) -> QuadratureSpace:
    """Tensor-product space from per-component rules: ``tensor((s, "uniform", 40), (z, "normal", 60))``.

    Each factor is ``(symbol, kind, order)`` with kind ``"normal"`` (z ~ N(0, 1), Gauss–Hermite),
    ``"half"`` (|z|, half-normal Gauss rule) or ``"uniform"`` (U(0, 1), Gauss–Legendre: map it onto
    an interval [lo, hi] in the integrand, ``(hi - lo) f(lo + (hi - lo) s)``, whose ends may depend
    on unknowns, to integrate piecewise-smooth functions between their kinks). Orders may differ
    per component. The arbitrary-precision path uses the float64 nodes.
    """
    from .. import integrals

    if not factors:
        raise ValueError("tensor() needs at least one (symbol, kind, order) factor")
    comps = tuple(f[0] for f in factors)
    spec = tuple((str(f[1]), int(f[2])) for f in factors)
    for kind, _ in spec:
        if kind not in ("normal", "half", "uniform"):
            raise ValueError(f"quadrature kind must be 'normal', 'half' or 'uniform'; got {kind!r}")
    tag = "_".join(f"{k[0]}{o}{c}" for (k, o), c in zip(spec, comps))
    return QuadratureSpace(name or f"tensor_{tag}", comps, functools.partial(integrals.product_rule, spec))


def gaussian_panels(*components: sp.Symbol, panels: int = 60, per_panel: int = 8,
                    width: float = 12.0, name: str | None = None) -> QuadratureSpace:
    """Space for ``E f(z)``, ``z ~ N(0, I_k)``, by a composite Gauss–Legendre rule (see
    :func:`asymptotics.integrals.normal_panels`): for integrands with sharp features (posterior
    means of discrete priors at high SNR) where Gauss–Hermite converges slowly. The mpmath path
    uses the float64 nodes."""
    from .. import integrals

    if not components:
        raise ValueError("gaussian_panels() needs at least one component symbol")
    k = len(components)
    return QuadratureSpace(
        name or f"panels{k}_{panels}x{per_panel}_" + "_".join(str(c) for c in components),
        tuple(components),
        functools.partial(integrals.normal_panels_product, k, panels, per_panel, width),
    )


class Average(sp.Expr):
    """``sum_i w_i f(components_i)`` over a :class:`Space` (unevaluated; lowered by codegen)."""

    is_commutative = True

    def __new__(cls, integrand, space: Space):
        integrand = sp.sympify(integrand)
        if not isinstance(space, Space):
            raise TypeError("Average needs a Space as its second argument")
        if not (integrand.free_symbols & set(space.components)):
            # Constant in the index: the sum is the integrand times the total weight; keep the
            # node (the total weight, e.g. the number of eigenvalues, is only known numerically).
            pass
        return super().__new__(cls, integrand, space)

    @property
    def integrand(self) -> sp.Expr:
        return self.args[0]

    @property
    def space(self) -> Space:
        return self.args[1]

    @property
    def free_symbols(self):
        return self.integrand.free_symbols - set(self.space.components)

    def _eval_derivative(self, x):
        if x in self.space.components:
            raise ValueError(f"cannot differentiate with respect to the summation variable {x}")
        d = sp.diff(self.integrand, x)
        return sp.S.Zero if d == 0 else Average(d, self.space)

    def _eval_is_real(self):
        return self.integrand.is_real

    def _latex(self, printer) -> str:
        space = self.space
        body = printer._print(self.integrand)
        if isinstance(space, QuadratureSpace):
            return r"\mathbb{E}_{%s}\left[%s\right]" % (printer._print(space), body)
        return r"\sum_{%s}\left(%s\right)" % (printer._print(space), body)

    def _sympystr(self, printer) -> str:
        return f"Average({printer._print(self.integrand)}, {self.space.name})"


def averages_in(exprs) -> list[Average]:
    """All Average nodes in the expressions, innermost first, without duplicates."""
    found: dict[Average, None] = {}
    for e in exprs:
        for node in sp.preorder_traversal(sp.sympify(e)):
            if isinstance(node, Average):
                if any(isinstance(a, Average) for a in sp.preorder_traversal(node.integrand)):
                    raise NotImplementedError("nested averages are not supported; use a product space")
                found[node] = None
    return list(found)

"""Symbolic averages: weighted sums over an index set, kept unevaluated until codegen.

A model writes ``Average(f(s, t, kappa), SPECTRUM)`` for ``sum_i f(s_i, t_i, kappa)``, where the
components ``s``, ``t`` of the space are bound to array parameters (eigenvalues, target
coordinates), or ``Average(g(z), gaussian(1))`` for ``E_z g(z)`` with ``z ~ N(0, 1)``, bound to
Gauss–Hermite nodes. The node differentiates under the sum, so Jacobians of equations that
contain averages are obtained by ``sympy.diff`` like any other expression; codegen lowers every
node to one vectorized weighted sum.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import sympy as sp

__all__ = ["Space", "ParamSpace", "QuadratureSpace", "Average", "gaussian", "gaussian_panels",
           "averages_in"]


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

    def _sympystr(self, printer) -> str:
        return self._name

    def _latex(self, printer) -> str:
        return r"\mathrm{%s}" % self._name


class ParamSpace(Space):
    """Components bound to array parameters of the model; a plain (unweighted) sum over entries.

    ``ParamSpace("spectrum", {s: "eigenvalues", t: "target"})`` makes ``Average(f, space)`` mean
    ``sum_i f(eigenvalues[i], target[i])``.
    """

    def __new__(cls, name: str, bindings: Mapping[sp.Symbol, str] | tuple):
        items = tuple(bindings.items()) if isinstance(bindings, Mapping) else tuple(bindings)
        obj = super().__new__(cls, name, tuple(sym for sym, _ in items))
        obj._bindings = items
        return obj

    def __getnewargs__(self):
        return (self._name, self._bindings)

    def _hashable_content(self):
        return (type(self).__name__, self._name, self._bindings)

    @property
    def bindings(self) -> tuple[tuple[sp.Symbol, str], ...]:
        return self._bindings

    def arrays(self, params):
        return tuple(np.asarray(params[name], dtype=float) for _, name in self._bindings), None

    def _latex(self, printer) -> str:
        return "i"


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

    def arrays(self, params):
        return self._rule()

    def mp_arrays(self, params, dps):
        if self._mp_rule is None:
            return self._rule()
        return self._mp_rule(dps)

    def _latex(self, printer) -> str:
        return ",".join(printer._print(c) for c in self._components)


def gaussian(*components: sp.Symbol, order: int = 80, name: str | None = None) -> QuadratureSpace:
    """Space for ``E f(z_1, ..., z_k)`` with ``z ~ N(0, I_k)`` by a Gauss–Hermite tensor rule."""
    from .. import integrals  # local import: integrals is numeric, nodes stays importable alone

    if not components:
        raise ValueError("gaussian() needs at least one component symbol")
    k = len(components)
    return QuadratureSpace(
        name or f"gauss{k}_{order}_" + "_".join(str(c) for c in components),
        tuple(components),
        lambda: integrals.gauss_hermite_product(k, order),
        lambda dps: integrals.gauss_hermite_product_mp(k, order, dps),
    )


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
        lambda: integrals.normal_panels_product(k, panels, per_panel, width),
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

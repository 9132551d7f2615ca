"""The high-precision path: a compiled system solved at one exact point on Arb balls.

``evaluate(model, precision=d, ...)`` and :mod:`asymptotics.verify` come here. For each point:

1. the parameters enter exactly (:mod:`asymptotics.exact`: ``"1/10"`` is one tenth, not the double
   nearest to it; a float is the binary number it is);
2. the unknowns start from the float64 root (or, where the point is not representable in float64
   or the float solve failed, from the declared guess evaluated in Arb);
3. a chord iteration ``u <- u - J^{-1} F(u)`` with the float64 Jacobian ``J`` at the float root
   and the residual ``F`` in Arb at ``d + guard`` digits: each step costs one residual pass (no
   Jacobian in high precision) and gains as many digits as ``J`` has correct (~13); it switches to
   Newton with the Arb Jacobian where it contracts slowly (an ill-conditioned point, a start far
   from the root) or where the residual leaves the float64 range (extreme parameters);
4. closed-form solutions and observables are evaluated directly on balls; a trajectory
   (``iteration`` finite) is iterated in Arb.

Every quadrature space supplies its rule at the working precision (``scale`` multiplies the
orders; :mod:`asymptotics.precise_rules`). Spaces without one use their float64 nodes; the names
come back in ``PrecisePoint.float_nodes`` so callers can cap the digits they claim.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Mapping

import mpmath as mp
import numpy as np

from . import balls
from .balls import ArbKernel, arb, working_precision

__all__ = ["GUARD", "PrecisePoint", "arb_system", "solve_point", "refine", "point_values"]

#: extra decimal digits carried beyond those requested
GUARD = 15


@dataclass(frozen=True)
class PrecisePoint:
    """One point solved in Arb: unknowns and observables (balls), diagnostics."""

    unknowns: tuple
    observables: Mapping[str, Any]
    converged: bool
    residual: float
    iterations: int
    method: str
    float_nodes: tuple[str, ...] = ()
    rigorous: bool = False
    message: str = ""


class ArbSystem:
    """Arb kernels of a compiled system (residual, Jacobian, guess, solution, observables)."""

    def __init__(self, compiled):
        s = compiled.system
        self.compiled = compiled
        params, unknowns = compiled.params, compiled.unknowns
        self.size = compiled.size
        self._params, self._unknowns = params, unknowns
        self.observables = ArbKernel(list(s.observables.values()), params, unknowns)
        self.observable_names = tuple(s.observables)
        self._f = self._fj = self._guess = self._solution = None
        self._start = self._steps = None
        self._extra: dict = {}
        self._lock = threading.Lock()

    def _build(self, name):
        s = self.compiled.system
        with self._lock:
            if name == "f" and self._f is None:
                self._f = ArbKernel(s.residuals, self._params, self._unknowns)
            elif name == "fj" and self._fj is None:
                jac = s.jacobian()
                self._fj = ArbKernel(list(s.residuals) + list(jac), self._params, self._unknowns)
            elif name == "guess" and self._guess is None:
                self._guess = ArbKernel([u.guess for u in s.unknowns], self._params)
            elif name == "solution" and self._solution is None:
                self._solution = ArbKernel([s.solution[u] for u in self._unknowns], self._params)
            elif name == "trajectory" and self._start is None:
                dyn = [s.unknowns[i] for i in s.dynamic]
                self._start = ArbKernel([u.start for u in dyn], self._params)
                self._steps = [ArbKernel([s.equations[i].rhs], self._params, self._unknowns)
                               for i in s.dynamic]

    def residual(self, point, u, scale=1):
        self._build("f")
        return self._f(point, u, scale), self._f.float_nodes

    def residual_jacobian(self, point, u, scale=1):
        self._build("fj")
        flat = self._fj(point, u, scale)
        m = self.size
        return flat[:m], [[flat[m + i * m + j] for j in range(m)] for i in range(m)], self._fj.float_nodes

    def guess(self, point, scale=1):
        self._build("guess")
        return self._guess(point, (), scale)

    def solution(self, point, scale=1):
        self._build("solution")
        return self._solution(point, (), scale), self._solution.float_nodes

    def trajectory(self, point, steps: int, scale=1):
        self._build("trajectory")
        dyn = list(self.compiled.system.dynamic)
        u = list(self._start(point, (), scale))
        full = [arb(0)] * self.size
        for j, i in enumerate(dyn):
            full[i] = u[j]
        for _ in range(steps):
            for i, kernel in zip(dyn, self._steps):
                full[i] = kernel(point, full, scale)[0]
        return full

    def observe(self, point, u, scale=1):
        vals = self.observables(point, u, scale)
        return dict(zip(self.observable_names, vals)), self.observables.float_nodes

    def expressions(self, exprs):
        """A cached Arb kernel for other expressions in the parameters and unknowns."""
        key = tuple(exprs)
        with self._lock:
            hit = self._extra.get(key)
            if hit is None:
                hit = ArbKernel(list(exprs), self._params, self._unknowns)
                self._extra[key] = hit
        return hit

    @property
    def rigorous(self) -> bool:
        """Closed form (or no unknowns) and every kernel rigorous."""
        s = self.compiled.system
        if self.size and not s.solution:
            return False
        kernels = [self.observables]
        if self.size:
            self._build("solution")
            kernels.append(self._solution)
        return all(k.rigorous for k in kernels)


_SYSTEMS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_SYSTEMS_LOCK = threading.Lock()


def arb_system(compiled) -> ArbSystem:
    with _SYSTEMS_LOCK:
        hit = _SYSTEMS.get(compiled)
        if hit is None:
            hit = ArbSystem(compiled)
            _SYSTEMS[compiled] = hit
        return hit


def point_values(compiled, values: Mapping[str, Any], b: int, exact: Mapping[str, Any] | None = None):
    """(Arb point, float64 batch-of-one values) for point ``b`` of a flat value mapping."""
    scalar = {p.name for p in compiled.params}
    exact = exact or {}
    point, floats = {}, {}
    for k, v in values.items():
        if k in scalar:
            arr = np.broadcast_to(np.asarray(v, dtype=float).reshape(-1) if np.ndim(v) else
                                  np.asarray(v, dtype=float), (max(np.size(v), 1),))
            x = float(arr[b] if arr.size > 1 else arr[0])
            floats[k] = np.array([x])
            e = exact.get(k)
            if e is not None:
                point[k] = e  # a sympy number: made a ball at the working precision by solve_point
            else:
                point[k] = arb(x)
        else:
            point[k] = v
            floats[k] = v
    return point, floats


def _float(x) -> float:
    try:
        return float(x.mid()) if isinstance(x, arb) else float(x)
    except (OverflowError, ValueError):
        return math.nan


def _solve_linear(J, F):
    """J^{-1} F for Arb midpoints (mpmath LU at the current precision)."""
    dps = int(balls.ctx.prec / 3.32) + 5
    with mp.workdps(dps):
        Jm = mp.matrix([[balls.to_mpf(x) for x in row] for row in J])
        Fm = mp.matrix([balls.to_mpf(x) for x in F])
        step = mp.lu_solve(Jm, Fm)
        return [balls.from_mpf(step[i]) for i in range(len(F))]


def solve_point(compiled, point: Mapping[str, Any], floats: Mapping[str, Any], start, digits: int, *,
                scale: int = 1, max_iterations: int = 60, exprs=None, solve: bool = True,
                start_arb=None) -> PrecisePoint:
    """Solve one point to ``digits`` significant digits (working at ``digits + GUARD``).

    ``point``: Arb values of the scalar parameters (and the arrays); ``floats``: the same as a
    float64 batch of one (for the float Jacobian); ``start``: the float64 root or None.
    ``exprs``: sympy expressions to evaluate instead of the observables (returned keyed by their
    position); ``solve=False`` skips the unknowns (for expressions that do not involve them);
    ``start_arb``: a start in Arb (e.g. predicted by continuation) used when ``start`` is None.
    """
    import sympy as sp

    system = arb_system(compiled)
    bits = balls.bits_for(digits + GUARD)
    floats_used: list[str] = []
    with working_precision(bits):
        point = {k: balls.constant(v) if isinstance(v, sp.Basic) else v for k, v in point.items()}
        m = compiled.size
        s = compiled.system
        iterations, method, converged, residual, message = 0, "", True, 0.0, ""
        steps = point.get(compiled.iteration) if compiled.iteration is not None else None
        finite_steps = steps is not None and _float(steps) != math.inf
        if m == 0 or not solve:
            u, method = [arb.nan()] * m, "closed-form"
        elif finite_steps:
            if compiled.dynamic.size != m:
                from .validation import ParameterError

                raise ParameterError("precision= along an iteration needs every unknown to have "
                                     "a start")
            u, method = system.trajectory(point, int(_float(steps)), scale), "trajectory"
        elif s.solution:
            u, fl = system.solution(point, scale)
            floats_used += fl
            method = "closed-form"
        else:
            u, iterations, converged, residual, method, message, fl = _newton(
                system, compiled, point, floats, start, digits, scale, max_iterations, start_arb)
            floats_used += fl
        if exprs is None:
            obs, fl = system.observe(point, u, scale)
            kernels_rigorous = system.observables.rigorous
        else:
            kernel = system.expressions(exprs)
            obs = dict(enumerate(kernel(point, u, scale)))
            fl = kernel.float_nodes
            kernels_rigorous = kernel.rigorous
        floats_used += fl
        if m == 0 or not solve:
            rigorous = kernels_rigorous
        elif s.solution and method == "closed-form":
            system._build("solution")
            rigorous = kernels_rigorous and system._solution.rigorous
        else:
            rigorous = False
    return PrecisePoint(tuple(u), obs, converged, residual, iterations, method,
                        tuple(dict.fromkeys(floats_used)), rigorous, message)


def _newton(system, compiled, point, floats, start, digits, scale, max_iterations, start_arb=None):
    m = compiled.size
    lower, upper = compiled.lower, compiled.upper
    tol = 10.0 ** (-(digits + 2))
    J = None
    used: list[str] = []
    if start is not None and np.all(np.isfinite(start)):
        u = [arb(float(x)) for x in start]
        try:
            with np.errstate(all="ignore"):
                _, jac = compiled.residual_jacobian(floats, np.asarray(start, dtype=float)[None, :])
            J = jac[0]
            if not np.all(np.isfinite(J)) or np.linalg.cond(J) > 1e12:
                J = None
        except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
            J = None
    elif start_arb is not None:
        u = [balls.mid(x) for x in start_arb]
    else:
        u = [balls.mid(g) for g in system.guess(point, scale)]
    prev = math.inf
    stalls = 0
    method = "chord" if J is not None else "newton"
    res = math.inf
    for it in range(1, max_iterations + 1):
        if method == "chord":
            F, fl = system.residual(point, u, scale)
            Ff = np.array([_float(x) for x in F])
            if not np.all(np.isfinite(Ff)) or any(x != 0 and f == 0 for x, f in zip(F, Ff)):
                method = "newton"  # the residual left the float64 range: Newton in Arb
                continue
            res = float(np.max(np.abs(Ff))) if m else 0.0
            if res == 0:
                return u, it, True, 0.0, "chord", "", fl
            step_f = np.linalg.solve(J, Ff)
            step = [arb(float(x)) for x in step_f]
        else:
            F, Jb, fl = system.residual_jacobian(point, u, scale)
            res = max((_float(abs(x)) for x in F), default=0.0)
            if all(x == 0 for x in F):
                return u, it, True, 0.0, "newton", "", fl
            try:
                step = _solve_linear(Jb, F)
            except (ZeroDivisionError, ValueError):
                return u, it, False, res, "newton", "singular Jacobian in the Arb Newton step", fl
        used = fl
        t = 1.0
        for _ in range(60):
            trial = [(u[i] - t * step[i]).mid() for i in range(m)]
            vals = [_float(x) for x in trial]
            if all(lower[i] <= vals[i] <= upper[i] for i in range(m)):
                break
            t /= 2
        full = max(_float(abs(step[i])) / max(_float(abs(trial[i])), 1e-300) for i in range(m))
        if t == 1.0 and full <= tol:
            return trial, it, True, res, method, "", used
        if method == "newton" and res > 0:
            # backtracking: a full Newton step that increases the residual (a start outside the
            # basin, e.g. at an extreme parameter) is halved until the residual decreases
            for _ in range(30):
                Ft, _ = system.residual(point, trial, scale)
                rt = max((_float(abs(x)) for x in Ft), default=0.0)
                if math.isfinite(rt) and rt <= res * (1 - 1e-4 * t):
                    break
                t /= 2
                trial = [(u[i] - t * step[i]).mid() for i in range(m)]
        u = trial
        size = max(_float(abs(step[i])) / max(_float(abs(u[i])), 1e-300) for i in range(m))
        if t == 1.0 and size <= tol:
            return u, it, True, res, method, "", used
        # Linear convergence with a measured contraction ratio r: the next correction is ~ r size.
        # Stop when that is 1000x below the tolerance (and the ratio itself is small).
        ratio = size / prev if prev not in (0.0, math.inf) else math.inf
        if t == 1.0 and method == "chord" and ratio < 1e-3 and size * ratio <= 1e-3 * tol:
            return u, it, True, res, method, "", used
        if method == "chord" and it >= 2 and size > 1e-3 * prev:
            method = "newton"  # slow contraction: the float Jacobian is not good enough here
        elif method == "newton" and size > 0.9 * prev:
            stalls += 1
            if stalls >= 4:
                return u, it, False, res, method, (f"Newton stalled at relative step {size:.2g} "
                                                   f"(residual {res:.3g})"), used
        prev = size
    return u, max_iterations, False, res, method, f"no convergence in {max_iterations} steps", used


# -- Result assembly for evaluate(precision=) -------------------------------------------------------
def refine(model, variant, p, shape, values, compiled, out, digits: int, throw: bool,
           exact: Mapping[str, Any] | None = None, scale: int = 1):
    """The :class:`~asymptotics.solvers.Result` of ``evaluate(..., precision=digits)``: every point
    solved in Arb from its float64 root, with the exact parameter values where given. Values come
    back as mpmath numbers (the midpoints of the balls)."""
    from .solvers import ConvergenceError, Result, Status

    batch = out.u.shape[0]
    obs_cols: dict[str, list] = {k: [] for k in compiled.observable_names}
    u_cols: list[list] = [[] for _ in compiled.unknown_names]
    status = out.status.copy()
    residual = [mp.mpf(0)] * batch
    iterations = out.iterations.copy()
    notes: list[str] = []
    with mp.workdps(digits + GUARD):
        for b in range(batch):
            if status[b] == Status.OUTSIDE_DOMAIN:
                for col in u_cols:
                    col.append(mp.nan)
                for k in obs_cols:
                    obs_cols[k].append(mp.nan)
                residual[b] = mp.nan
                continue
            point, floats = point_values(compiled, values, b, exact)
            start = out.u[b] if status[b] == Status.CONVERGED and np.all(np.isfinite(out.u[b])) else None
            sol = solve_point(compiled, point, floats, start, digits, scale=scale)
            status[b] = Status.CONVERGED if sol.converged else Status.MAX_ITERATIONS
            residual[b] = mp.mpf(sol.residual)
            iterations[b] += sol.iterations
            notes += sol.float_nodes
            for j, val in enumerate(sol.unknowns):
                u_cols[j].append(balls.to_mpf(val))
            for k, val in sol.observables.items():
                obs_cols[k].append(balls.to_mpf(val))

    def shaped(col):
        if not shape:
            return col[0]
        arr = np.empty(batch, dtype=object)
        arr[:] = col
        return arr.reshape(shape)

    result = Result(
        model=model.name, variant=variant.name,
        params={name: getattr(p, name) for name in variant.param_specs},
        observables={k: shaped(v) for k, v in obs_cols.items()},
        unknowns={n: shaped(c) for n, c in zip(compiled.unknown_names, u_cols)},
        status=shaped(list(status)) if shape else int(status[0]),
        residual=shaped(residual), iterations=shaped(list(iterations)),
        method=f"{out.method}+arb", shape=tuple(shape), references=model.references,
        grid_params=variant.scalar_params,
    )
    if throw and np.any(status != Status.CONVERGED):
        raise ConvergenceError(f"{model.name}: high-precision refinement did not converge to "
                               f"{digits} digits", result)
    return result

"""Arbitrary-precision refinement: Newton's method in mpmath from a float64 solution."""

from __future__ import annotations

from dataclasses import dataclass

class _LazyMpmath:
    """mpmath, imported on first use (only the precision= path needs it; start-up time)."""

    def __getattr__(self, name):
        import mpmath

        return getattr(mpmath, name)


mp = _LazyMpmath()

__all__ = ["Precise", "PreciseOutput"]


@dataclass(frozen=True)
class PreciseOutput:
    u: list  # mpmath numbers
    converged: bool
    residual: object  # mpf, max-norm
    iterations: int


@dataclass(frozen=True)
class Precise:
    """Refine one point to ``digits`` significant digits.

    Works at ``digits + guard`` decimal digits; stops when the Newton step is below
    ``10**-(digits + 2)`` relative to the unknowns or the residual vanishes at working precision.
    Steps are halved to stay inside the declared bounds.
    """

    digits: int = 30
    guard: int = 15
    max_iterations: int = 200
    name: str = "mpmath"

    def refine(self, residual, jacobian, u0, lower, upper) -> PreciseOutput:
        dps = self.digits + self.guard
        with mp.workdps(dps):
            u = [mp.mpf(float(x)) if not isinstance(x, mp.mpf) else x for x in u0]
            tol = mp.mpf(10) ** (-(self.digits + 2))
            f = residual(u)
            converged = False
            it = 0
            for it in range(1, self.max_iterations + 1):
                if all(v == 0 for v in f):
                    converged = True
                    break
                J = mp.matrix(jacobian(u))
                try:
                    step = mp.lu_solve(J, mp.matrix([-v for v in f]))
                except ZeroDivisionError:
                    break
                t = mp.mpf(1)
                for _ in range(200):
                    trial = [u[i] + t * step[i] for i in range(len(u))]
                    if all(lower[i] <= trial[i] <= upper[i] for i in range(len(u))):
                        break
                    t /= 2
                u = trial
                f = residual(u)
                if t == 1 and all(abs(step[i]) <= tol * max(abs(u[i]), mp.mpf(10) ** (-dps))
                                  for i in range(len(u))):
                    converged = True
                    break
            res = max((abs(v) for v in f), default=mp.mpf(0))
        return PreciseOutput(u, converged, res, it)

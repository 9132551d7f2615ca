"""DMFT of (stochastic) gradient descent on generalized linear models (dense kernels, any loss).

Setting (DMFT normalization of Mignacco, Krzakala, Urbani, Zdeborová 2020 and of
Celentano, Cheng, Montanari 2021; THEORY.md E1/E2/E3): n = alpha d samples, predictor
``h = x·θ/sqrt(d)``, mini-batch SGD with step η from θ = 0,

    θ_{k+1} = θ_k - η [ Σ_μ s_μ(k) ∂_θ ℓ(y_μ, x_μ·θ_k/sqrt(d)) + lam θ_k ],

with selection variables s_μ(k) ∈ {0, 1} of mean b = ``batch`` (:func:`selection_paths`; b = 1
is full-batch gradient descent on L(θ) = Σ_μ ℓ + (lam/2)||θ||²). Two data models:

* teacher-student (:func:`solve_gd`): ``x_μ ~ N(0, I_d)``, labels ``y_μ = φ(h*_μ, ε_μ)`` from a
  teacher ``θ*`` with ``h*_μ = x_μ·θ*/sqrt(d)``, ``Var h* = ρ = signal``;
* two symmetric clusters (:func:`solve_mixture`): ``x_μ = y_μ v*/sqrt(d) + sqrt(Δ) z_μ``,
  y = ±1, ``||v*||²/d = ρ = signal``, Δ = ``noise``.

Effective processes (discrete time, derived by the dynamical cavity method [std structure,
THEORY.md E2; the selection variables and the mixture re-derived here, MKUZ's equations not
read in the source], checked: the square loss equals E1 / ``gd-least-squares`` exactly (the
mixture: with a spiked covariance), every loss, batch and persistence against real SGD in
tests/test_dmft_glm.py and tests/test_dmft_gmm.py). With Δ = 1 and no drift for the teacher:

* sample process, one per sample: ``h[k] = y m[k] [mixture] + ξ[k] - Δ Σ_{j<k} χ[k, j] s[j] ℓ'(y, h[j])``
  where ξ is Gaussian: teacher ``(h*, ξ)`` with ``Cov(ξ_k, ξ_j) = C_θ[k, j]``, ``Cov(ξ_k, h*) = m[k]``,
  ``Var h* = ρ``, ``y = φ(h*, ε)``; mixture ``Cov ξ = Δ C_θ`` independent of y;
* kernels: ``C_ℓ[k, j] = α Δ E[s_k ℓ'_k s_j ℓ'_j]``, ``R_ℓ[k, j] = E[s_k ∂ℓ'_k/∂ξ_j]`` (includes the
  local ``s_k ℓ''(y, h[k])`` at j = k), and the drive ``g[k]``: teacher
  ``Γ[k] = E[s_k ∂ℓ'_k/∂h*]`` with the ξ-path held fixed, mixture ``μ[k] = E[s_k y ℓ'_k]``;
* weight process, one per coordinate: ``θ[k+1] = (1 - η lam) θ[k] - η (α Δ Σ_{j≤k} R_ℓ[k, j] θ[j]
  + α g[k] v + u[k])``, ``u ~ GP(0, C_ℓ)``, ``v ~ N(0, ρ)`` (θ* or v*); it is linear,
  ``θ = P u + b v``, and closes the loop: ``χ = -P``, ``C_θ = P C_ℓ P' + ρ b b'``, ``m = ρ b``.

Expectations over the sample process: for the square loss at b = 1 (teacher: with a linear
teacher) they are exact linear algebra (``K = (I + Δχ)^{-1}``); otherwise they are averages over
``paths`` sampled paths with fixed scrambled-Sobol (quasi-Monte Carlo) points (normals for ξ, h*,
ε; uniforms for the selection chain), so that the map is deterministic; ``paths`` is rounded up
to a power of two. The residual sampling error is below ~1e-3 at 2048 paths for the square loss
(tested against the exact engine; with selection variables the measured seed-to-seed spread at
4096 paths is ~1e-4 on errors and losses, ~0.5% on the norm); the standard errors reported for
the training observables are the iid-sampling ones (an upper bound). ``R_ℓ`` is computed by
propagating the exact tangent ``∂h[k]/∂ξ[j]`` along every path (``D = (I + Δχ diag(s ℓ''))^{-1}``);
``Γ`` by Gaussian integration by parts, ``E[s_k ℓ'_k h*] = Σ_j R_ℓ[k, j] m[j] + Γ[k] ρ`` (valid
for labels that jump in h*, such as sign). A loss must have an absolutely continuous ℓ' (square,
logistic, squared hinge: yes; the plain hinge: no, its ℓ'' has a Dirac mass the tangents cannot
see; the models use a mollified hinge instead).

Solution: the equations are causal (the weight process at step k needs the kernels up to k - 1,
the sample process at step k the order parameters up to k), so :meth:`_SampledEngine.causal`
solves them in one forward pass on the fixed paths (cost O(paths T³/3), memory (T+1)² paths for
the tangents), and one sweep of the whole-history map then measures the residual (~1e-14);
``method="iterate"`` is the damped fixed-point iteration of (χ, C_θ, m) on the whole history from
zero (cost per sweep O(paths T³/3), chunked over paths, memory O(chunk T²)); both reach the same
fixed point (tested). The exact linear engines always iterate (cheap).
"""

from __future__ import annotations

import time as _time

import numpy as np
import scipy.linalg as sl

from ..measures import GLMSpec, selection_rates
from ..measures import mixture_error as _mixture_error, test_loss_mixture as _test_loss_mixture
from ..measures import teacher_student_errors
from .. import cache, progress as _progress
from ..validation import Integer, Interval, ParameterError, check_memory, domain_error
from .iteration import damped_iteration
from .result import DMFTResult

__all__ = ["solve_gd", "solve_mixture", "GLMSpec", "MAX_STEPS", "selection_paths"]

MAX_STEPS = 2000

_CHUNK_ENTRIES = 1 << 22  # entries of one chunk of tangent matrices (32 MiB)


#: Sobol point sets up to this many numbers (1 MiB) are kept in the code cache: scipy.stats, which
#: makes them, costs ~0.5-0.9 s to import, several times a small DMFT solve
SOBOL_CACHE_ENTRIES = 1 << 17


def sobol_uniforms(dim: int, paths: int, seed: int) -> np.ndarray:
    """Points of a scrambled Sobol sequence in [0, 1)^dim: (paths', dim), paths' = paths rounded up
    to a power of two (scipy.stats.qmc; small sets are read back from the code cache, the same
    bits, keyed by the sizes, the seed and scipy's version)."""
    import scipy

    m = int(np.ceil(np.log2(max(int(paths), 2))))
    shape = (1 << m, int(dim))
    entry = None
    if shape[0] * shape[1] <= SOBOL_CACHE_ENTRIES:
        entry = cache.key("sobol", str(shape[1]), str(m), str(int(seed)), scipy.__version__)
        raw = cache.read("sobol", entry)
        if raw is not None and len(raw) == 8 * shape[0] * shape[1]:
            return np.frombuffer(raw, dtype="<f8").reshape(shape).astype(float)
    from scipy.stats import qmc

    points = qmc.Sobol(d=shape[1], scramble=True, seed=int(seed)).random_base2(m)
    if entry is not None:
        cache.write("sobol", entry, np.ascontiguousarray(points, dtype="<f8").tobytes())
    return points


def _normals(u: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri

    return ndtri(np.clip(u, 1e-16, 1 - 1e-16))


def sobol_normals(dim: int, paths: int, seed: int):
    """Standard normal points from a scrambled Sobol sequence: (paths', dim-1) and (paths',), with
    paths' = paths rounded up to a power of two. Quasi-Monte Carlo: at 2048 paths the DMFT
    trajectories of the square loss are 10-20x closer to the exact solution than with iid draws
    (measured against the exact linear engine)."""
    z = _normals(sobol_uniforms(dim, paths, seed))
    return np.ascontiguousarray(z[:, :-1]), z[:, -1].copy()


def selection_paths(u: np.ndarray, batch: float, persistence: float, step: float) -> np.ndarray:
    """Mini-batch selection variables s[k] in {0, 1} (array like ``u``, time first) from uniforms.

    ``persistence`` = 0: a fresh Bernoulli(batch) draw at every step (plain SGD). 0 < persistence
    < inf: persistent SGD, a two-state Markov chain started in its stationary law Bernoulli(batch)
    that leaves the batch with probability step/persistence and enters it with probability
    step*batch/((1 - batch)*persistence) per step (mean time in the batch: persistence); the choice
    persistence = step/(1 - batch) is plain SGD again. persistence = inf: the selection is frozen
    (gradient descent on a fixed random fraction ``batch`` of the samples)."""
    if batch >= 1.0:
        return np.ones_like(u)
    s = np.empty_like(u)
    s[0] = u[0] < batch
    if persistence == 0.0:
        s[1:] = u[1:] < batch
    elif np.isinf(persistence):
        s[1:] = s[0]
    else:
        leave = step / persistence
        enter = step * batch / ((1.0 - batch) * persistence)
        for k in range(1, u.shape[0]):
            s[k] = np.where(s[k - 1] > 0, u[k] >= leave, u[k] < enter)
    return s


def _weight_process(r_ell, gam, alpha, eta, lam):
    """Responses of the linear weight process: P (to u) and b (to θ*)."""
    n = r_ell.shape[0]
    a = np.eye(n)
    a[1:] += -(1.0 - eta * lam) * np.eye(n)[:-1] + eta * alpha * r_ell[:-1]
    rhs = np.zeros((n, n + 1))
    rhs[1:, :n] = -eta * np.eye(n)[:-1]
    rhs[1:, n] = -eta * alpha * gam[:-1]
    sol = sl.solve_triangular(a, rhs, lower=True, check_finite=False)
    return sol[:, :n], sol[:, n]


def _cholesky_row(lower: np.ndarray, joint: np.ndarray, r: int, live: np.ndarray) -> None:
    """Row ``r`` of the Cholesky factor of the PSD matrix ``joint`` (rows < r already in ``lower``).

    Singular directions are exact zeros here (w[0] = 0 when θ starts at 0): a pivot whose
    residual variance is below 1e-12 of the largest variance so far is set to 0 and its column
    left out of later rows (``live`` marks the others). Row by row, so the causal solver and the
    whole-history map factorize the same matrix identically."""
    idx = np.flatnonzero(live[:r])
    x = np.zeros(r)
    if idx.size:
        x[idx] = sl.solve_triangular(lower[np.ix_(idx, idx)], joint[r, idx], lower=True,
                                     check_finite=False)
    lower[r, :r] = x
    d = joint[r, r] - x @ x
    scale = max(float(np.max(np.diag(joint)[:r + 1])), 1e-300)
    if d > 1e-12 * scale:
        lower[r, r] = np.sqrt(d)
        live[r] = True
    else:
        lower[r, r] = 0.0
        live[r] = False


def _cholesky_rows(joint: np.ndarray) -> np.ndarray:
    n = joint.shape[0]
    lower = np.zeros_like(joint)
    live = np.zeros(n, dtype=bool)
    for r in range(n):
        _cholesky_row(lower, joint, r, live)
    return lower


# Largest tangent store of the causal pass (entries of the (T+1, T+1, paths) array): 2 GiB.
_CAUSAL_ENTRIES = 1 << 28


class _SampledEngine:
    """Sample-process expectations by (quasi-)Monte Carlo over fixed paths.

    Paths (fixed for the whole solve): normals ``z`` (time-major, (n + 1, paths)) whose first row
    drives the teacher score h* (teacher-student data) or the label y = sign(z[0]) (mixture), the
    others the Gaussian field through the Cholesky factor of its covariance; ``eps`` the label noise;
    ``s`` (n, paths) the mini-batch selection variables (None for full batch).

    The sample process of one training sample (module docstring):
    ``h[k] = y m[k] [mixture] + ξ[k] - Δ Σ_{j<k} χ[k, j] s[j] ℓ'[j]``; the kernels are
    ``C_ℓ = α Δ E[s_k ℓ'_k s_j ℓ'_j]``, ``R_ℓ[k, j] = E[s_k ∂ℓ'_k/∂ξ_j]`` and the drive ``g[k]``
    (teacher: Γ by Gaussian integration by parts; mixture: E[s_k y ℓ'_k])."""

    def __init__(self, spec: GLMSpec, n: int, paths: int, seed: int, *, mixture: bool = False,
                 batch: float = 1.0, persistence: float = 0.0, step: float = 1.0):
        self.spec = spec
        self.mixture = bool(mixture)
        extra = n if batch < 1.0 else 0
        u = sobol_uniforms(n + 2 + extra, paths, seed)
        z = _normals(u[:, :n + 2])
        self.z = np.ascontiguousarray(z[:, :n + 1].T)  # time-major: (n + 1, paths)
        self.eps = z[:, n + 1].copy()
        self.paths = self.z.shape[1]
        self.s = (selection_paths(np.ascontiguousarray(u[:, n + 2:].T), batch, persistence, step)
                  if extra else None)
        self.label = np.where(self.z[0] >= 0, 1.0, -1.0) if self.mixture else None

    # -- pieces shared by the whole-history map and the causal pass -----------------------------
    def _joint(self, c_theta, m, rho, delta):
        n = c_theta.shape[0]
        joint = np.zeros((n + 1, n + 1))
        if self.mixture:
            joint[0, 0] = 1.0
            joint[1:, 1:] = delta * c_theta
        else:
            joint[0, 0] = rho
            joint[0, 1:] = joint[1:, 0] = m
            joint[1:, 1:] = c_theta
        return joint

    def _labels(self, lead):
        return self.label if self.mixture else self.spec.teacher(lead, self.eps)

    def _field_step(self, k, xi, y, m, chi, delta, grad, arrays):
        """h[k] from the Gaussian field and the memory of past (selected) gradients; stores ℓ, ℓ'
        and returns (s ℓ', s ℓ'') at step k."""
        h, lval = arrays
        hk = xi + y * m[k] if self.mixture else xi.copy()
        if k:
            hk -= delta * (chi[k, :k] @ grad[:k])
        h[k] = hk
        lval[k], lp, lpp = self.spec.loss(y, hk)
        if self.s is not None:
            return self.s[k] * lp, self.s[k] * lpp
        return lp, lpp

    def _drive(self, grad_k, lead, y, r_row, m, rho):
        if self.mixture:
            return float(grad_k @ y) / self.paths
        if rho > 0:
            return (float(grad_k @ lead) / self.paths - float(r_row @ m[:r_row.size])) / rho
        return 0.0

    # -- the map on the whole history (damped iteration) -----------------------------------------
    def __call__(self, chi, c_theta, m, rho, alpha, delta=1.0):
        n = c_theta.shape[0]
        x = _cholesky_rows(self._joint(c_theta, m, rho, delta)) @ self.z  # (n + 1, paths)
        lead, xi = x[0], x[1:]
        y = self._labels(lead)
        h = np.empty_like(xi)
        lval = np.empty_like(xi)
        grad = np.empty_like(xi)  # s ℓ'
        curv = np.empty_like(xi)  # s ℓ''
        for k in range(n):
            grad[k], curv[k] = self._field_step(k, xi[k], y, m, chi, delta, grad, (h, lval))
        r_ell = self._responses(delta * chi, curv)
        c_ell = alpha * delta * (grad @ grad.T) / self.paths
        gam = np.array([self._drive(grad[k], lead, y, r_ell[k, :k + 1], m, rho) for k in range(n)])
        return c_ell, r_ell, gam, {"h": h, "y": y, "loss": lval}

    def _responses(self, chi, lpp):
        """R_ℓ = E[diag(a) D], D = (I + χ diag a)^{-1} per path (a = s ℓ'', χ the effective memory
        Δχ), by the causal row recursion D[k, :] = e_k - Σ_{i<k} χ[k, i] a[i] D[i, :], over chunks
        of paths (layout (n, n, m))."""
        n, paths = lpp.shape
        chunk = max(1, _CHUNK_ENTRIES // (n * n))
        total = np.zeros((n, n))
        for start in range(0, paths, chunk):
            l2 = lpp[:, start:start + chunk]  # (n, m)
            mm = l2.shape[1]
            d = np.zeros((n, n, mm))
            for k in range(n):
                d[k, k] = 1.0
                if k:
                    v = chi[k, :k, None] * l2[:k]  # (k, m)
                    d[k, :k] -= np.einsum("im,ijm->jm", v, d[:k, :k])
            total += np.einsum("km,kjm->kj", l2, d)
        return total / paths

    # -- one causal pass (the exact solution of the fixed point, time step by time step) ----------
    def causal(self, alpha, step, lam, rho, delta=1.0):
        """Solve the DMFT forward in time: the weight process at step k needs the kernels up to
        k - 1 only, and the sample process at step k the order parameters up to k, so one pass
        over the grid gives the fixed point of the whole-history map on the same paths. Returns
        ``(state, (C_ℓ, R_ℓ, g, paths))`` as the map does. The per-path tangents of all steps are
        kept, (T+1)² paths entries."""
        n, paths = self.z.shape[0] - 1, self.paths
        if n * n * paths > _CAUSAL_ENTRIES:
            raise ParameterError(
                f"dmft: the causal solve keeps (steps+1)^2 * paths = {n * n * paths:.3g} tangent entries "
                f"(limit {_CAUSAL_ENTRIES:.3g}, 8 bytes each): use fewer paths or steps, or method='iterate' "
                f"(which works on chunks of paths)")
        chi = np.zeros((n, n))
        c_theta = np.zeros((n, n))
        m = np.zeros(n)
        resp = np.zeros((n, n))  # ∂θ_k/∂u_j of the weight process (χ = -resp)
        bvec = np.zeros(n)  # ∂θ_k/∂θ* (teacher or cluster direction)
        r_ell = np.zeros((n, n))
        c_ell = np.zeros((n, n))
        gam = np.zeros(n)
        joint = np.zeros((n + 1, n + 1))
        lower = np.zeros((n + 1, n + 1))
        live = np.zeros(n + 1, dtype=bool)
        joint[0, 0] = 1.0 if self.mixture else rho
        _cholesky_row(lower, joint, 0, live)
        lead = lower[0, 0] * self.z[0]
        y = self._labels(lead)
        h = np.empty((n, paths))
        lval = np.empty((n, paths))
        grad = np.zeros((n, paths))
        tangents = np.zeros((n, n, paths))  # [k, j, path] = a_k ∂h_k/∂ξ_j
        decay = 1.0 - step * lam
        # a long solve (paths x steps large: 30 s and more) says where it is, on stderr
        bar = _progress.bar(n, "dmft time steps", unit="step", delay=5.0)
        for k in range(n):
            bar.update()
            if k:  # weight process at step k from the kernels up to k - 1
                rrow = r_ell[k - 1, :k]
                resp[k, :k] = decay * resp[k - 1, :k] - step * alpha * delta * (rrow @ resp[:k, :k])
                resp[k, k - 1] -= step
                bvec[k] = (decay * bvec[k - 1] - step * alpha * delta * (rrow @ bvec[:k])
                           - step * alpha * gam[k - 1])
                chi[k, :k] = -resp[k, :k]
                row = resp[:k + 1, :k] @ (c_ell[:k, :k] @ resp[k, :k]) + rho * bvec[k] * bvec[:k + 1]
                c_theta[k, :k + 1] = row
                c_theta[:k + 1, k] = row
                m[k] = rho * bvec[k]
            if self.mixture:
                joint[k + 1, 1:k + 2] = joint[1:k + 2, k + 1] = delta * c_theta[k, :k + 1]
            else:
                joint[k + 1, 1:k + 2] = joint[1:k + 2, k + 1] = c_theta[k, :k + 1]
                joint[k + 1, 0] = joint[0, k + 1] = m[k]
            _cholesky_row(lower, joint, k + 1, live)
            xi = lower[k + 1, :k + 2] @ self.z[:k + 2]
            grad[k], curv = self._field_step(k, xi, y, m, chi, delta, grad, (h, lval))
            row_t = tangents[k]
            if k:
                acc = chi[k, :k] @ tangents[:k, :k, :].reshape(k, k * paths)
                row_t[:k] = -delta * acc.reshape(k, paths)
            row_t[k] = 1.0
            row_t[:k + 1] *= curv
            r_ell[k, :k + 1] = row_t[:k + 1].mean(axis=1)
            cl = alpha * delta * (grad[:k + 1] @ grad[k]) / paths
            c_ell[k, :k + 1] = cl
            c_ell[:k + 1, k] = cl
            gam[k] = self._drive(grad[k], lead, y, r_ell[k, :k + 1], m, rho)
        state = {"chi": chi, "C_theta": c_theta, "m": m}
        bar.close()
        return state, (c_ell, r_ell, gam, {"h": h, "y": y, "loss": lval})


def _exact_linear(chi, c_theta, m, rho, sigma2, alpha):
    n = c_theta.shape[0]
    k = sl.solve_triangular(np.eye(n) + chi, np.eye(n), lower=True, check_finite=False)
    big_m = c_theta - m[:, None] - m[None, :] + (rho + sigma2)
    c_ell = alpha * (k @ big_m @ k.T)
    return c_ell, k, -k.sum(axis=1), None


def _exact_linear_mixture(chi, c_theta, m, delta, alpha):
    """Square loss on the mixture, full batch: ℓ' = h - y is linear in (ξ, y), ℓ' = K(ξ + y(m - 1))
    with K = (I + Δχ)^{-1}, so C_ℓ = αΔ K (Δ C_θ + (m - 1)(m - 1)') K', R_ℓ = K, E[y ℓ'] = K(m - 1)."""
    n = c_theta.shape[0]
    k = sl.solve_triangular(np.eye(n) + delta * chi, np.eye(n), lower=True, check_finite=False)
    mu = m - 1.0
    c_ell = alpha * delta * (k @ (delta * c_theta + np.outer(mu, mu)) @ k.T)
    return c_ell, k, k @ mu, {"K": k}


def _check_common(name, alpha, step, lam, signal, noise, batch, persistence, paths, seed, steps, damping,
                  method):
    def positive(nm, v, dom):
        if not np.all(dom.contains(v)):
            raise domain_error(nm, dom, v, name)
        return float(v)

    out = {
        "alpha": positive("alpha", alpha, Interval(0, np.inf)),
        "step": positive("step", step, Interval(0, np.inf)),
        "lam": positive("lam", lam, Interval(0, np.inf, low_closed=True)),
        "signal": positive("signal", signal, Interval(0, np.inf, low_closed=True)),
        "noise": positive("noise", noise, Interval(0, np.inf, low_closed=True)),
        "batch": positive("batch", batch, Interval(0, 1, high_closed=True)),
        "persistence": positive("persistence", persistence,
                                Interval(0, np.inf, low_closed=True, high_closed=True)),
    }
    for nm, v, lo in (("paths", paths, 2), ("seed", seed, 0)):
        if not Integer(lo, np.inf, True).contains(v):
            raise domain_error(nm, Integer(lo, np.inf, True), v, name)
    if Integer(1, MAX_STEPS, True, True).contains(steps):
        # the sampled engine keeps a few (paths, steps + 1) float64 arrays (paths rounded up to a
        # power of two), the causal solve (steps + 1)² kernels
        n = float(steps) + 1
        check_memory(8.0 * (6 * 2.0 * float(paths) * n + 8 * n * n), f"the DMFT with paths={float(paths):g} "
                     f"and {int(steps)} time steps", "'paths' (or the number of steps time/step)", name)
    if not Integer(1, MAX_STEPS, True, True).contains(steps):
        raise ParameterError(f"{name}: time/step = {float(steps):.3g} time steps, more than the "
                             f"{MAX_STEPS} the DMFT solves (cost O(paths steps³) per sweep): raise the "
                             f"step or shorten the time")
    if not 0.0 <= damping < 1.0:
        raise ParameterError(f"{name}: parameter 'damping' must be in [0, 1); got {damping!r}")
    if method not in ("causal", "iterate"):
        raise ParameterError(f"{name}: parameter 'method' must be 'causal' or 'iterate'; got {method!r}")
    rates = selection_rates(out["batch"], out["persistence"], out["step"])
    if rates is not None and max(rates) > 1.0:
        raise ParameterError(
            f"{name}: parameter 'persistence' must be 0 (plain SGD), inf (frozen batch) or at least "
            f"step*max(1, batch/(1-batch)) = {out['step'] * max(1.0, out['batch'] / (1 - out['batch'])):g} "
            f"(the selection chain's switching probabilities per step must be <= 1); got {persistence!r}")
    return out


def _solve(spec: GLMSpec, *, mixture: bool, alpha, step, steps, lam, signal, noise, batch, persistence,
           paths, seed, damping, tol, max_sweeps, method, name) -> DMFTResult:
    v = _check_common(name, alpha, step, lam, signal, noise, batch, persistence, paths, seed, steps,
                      damping, method)
    alpha, step, lam, rho, batch, persistence = (v[k] for k in ("alpha", "step", "lam", "signal", "batch",
                                                                "persistence"))
    start = _time.perf_counter()
    n = int(steps) + 1
    delta = v["noise"] if mixture else 1.0  # cluster variance Δ scales the field and the memory
    sigma2 = 0.0 if mixture else v["noise"]
    full = batch >= 1.0
    exact = full and (spec.linear_loss if mixture else spec.exact_linear)
    engine = None if exact else _SampledEngine(spec, n, int(paths), int(seed), mixture=mixture,
                                               batch=batch, persistence=persistence, step=step)

    def expectations(state):
        if engine is not None:
            return engine(state["chi"], state["C_theta"], state["m"], rho, alpha, delta)
        if mixture:
            return _exact_linear_mixture(state["chi"], state["C_theta"], state["m"], delta, alpha)
        return _exact_linear(state["chi"], state["C_theta"], state["m"], rho, sigma2, alpha)

    def sweep(state):
        c_ell, r_ell, gam, paths_out = expectations(state)
        p, b = _weight_process(delta * r_ell, gam, alpha, step, lam)
        c_new = p @ c_ell @ p.T + rho * np.outer(b, b)
        c_new = 0.5 * (c_new + c_new.T)
        return {"chi": -p, "C_theta": c_new, "m": rho * b}, (c_ell, r_ell, gam, paths_out)

    state0 = {"chi": np.zeros((n, n)), "C_theta": np.zeros((n, n)), "m": np.zeros(n)}
    causal = engine is not None and method == "causal"
    with np.errstate(over="ignore", invalid="ignore"):
        if causal:
            # One causal pass solves the fixed point; the iteration then checks it (one sweep,
            # residual ~1e-14) and would polish it if it did not.
            state0, _ = engine.causal(alpha, step, lam, rho, delta)
        state, aux, sweeps, residual, history, status, _ = damped_iteration(
            sweep, state0, damping=damping, tol=tol, max_sweeps=max_sweeps)
    c_ell, r_ell, gam, sampled = aux
    c_theta, m, chi = state["C_theta"], state["m"], state["chi"]
    diag = np.diag(c_theta).copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(diag > 0, m / np.sqrt(np.maximum(diag, 1e-300) * rho), 0.0) if rho > 0 \
            else np.zeros(n)
    stderr = {}
    if mixture:
        test_error = _mixture_error(diag, m, delta)
        test_loss = _test_loss_mixture(spec.loss, diag, m, delta)
    else:
        test_error, test_loss = teacher_student_errors(spec, diag, m, rho, sigma2)
    if sampled is None:  # exact linear: square loss, linear teacher
        train_error = np.diag(c_ell) / alpha
        train_loss = train_error / 2.0
    elif "K" in sampled:  # exact linear mixture: h | y=1 ~ N(1 + K(m - 1), Δ K C K')
        from scipy.special import ndtr

        k_mat = sampled["K"]
        train_loss = np.diag(c_ell) / (2.0 * alpha * delta)
        mean = 1.0 + gam
        sd = np.sqrt(np.maximum(delta * np.einsum("ij,jk,ik->i", k_mat, c_theta, k_mat), 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            train_error = np.where(sd > 0, ndtr(-mean / np.where(sd > 0, sd, 1.0)),
                                   0.5 + 0.5 * np.sign(-mean))
    else:
        h, y, lval = sampled["h"], sampled["y"], sampled["loss"]  # (n, paths), (paths,)
        if spec.classification or mixture:
            margin = y[None, :] * h
            wrong = (margin < 0) + 0.5 * (margin == 0)
        else:
            wrong = (h - y[None, :]) ** 2
        train_error = wrong.mean(axis=1)
        train_loss = lval.mean(axis=1)
        root = np.sqrt(h.shape[1])
        stderr = {"train_error": wrong.std(axis=1, ddof=1) / root,
                  "train_loss": lval.std(axis=1, ddof=1) / root}
    observables = {
        "train_loss": train_loss, "train_error": train_error, "test_error": test_error,
        "test_loss": test_loss, "norm": diag, "overlap": m, "cosine": cosine,
    }
    drive = "Gamma" if not mixture else "mu"
    order = {"C_theta": c_theta, "m": m, "R_theta": chi, "C_ell": c_ell, "R_ell": r_ell, drive: gam}
    sel = "s_k " if not full else ""
    target = "θ*" if not mixture else "v*"
    doc = {
        "C_theta": "θ_k·θ_j/d, weight autocorrelation",
        "m": f"θ_k·{target}/d, overlap with the {'teacher' if not mixture else 'cluster mean direction'}",
        "R_theta": "χ[k, j] = -E ∂θ_k/∂u_j, weight response to a gradient kick (strictly causal)",
        "C_ell": f"alpha{' Δ' if mixture else ''} E[{sel}ℓ'_k {sel.replace('k', 'j')}ℓ'_j], gradient-noise "
                 f"kernel of the weight process",
        "R_ell": f"E {sel}∂ℓ'_k/∂ξ_j, memory kernel (response of the residual to the field; causal, "
                 f"diagonal = E {sel}ℓ''_k)",
        drive: ("E[s_k ∂ℓ'_k/∂h*] with the field path held fixed (drives the teacher term)" if not mixture
                else "E[s_k y ℓ'_k], coherent drive along the cluster direction v*"),
    }
    if engine is None:
        method_name = "iterate(exact-linear)"
    else:
        method_name = ("causal" if causal else "iterate") + f"(qmc-paths={engine.paths})"
    method_name += f",damping={damping:g}" if damping else ""
    params = {"alpha": alpha, "step": step, "steps": int(steps), "lam": lam, "signal": rho,
              "noise": v["noise"], "batch": batch, "persistence": persistence,
              "paths": int(paths) if engine is None else engine.paths, "seed": int(seed),
              "loss": spec.name, "data": "mixture" if mixture else "teacher"}
    return DMFTResult(
        model=name, params=params, times=step * np.arange(n), order_parameters=order,
        observables=observables, status=int(status), residual=float(residual),
        iterations=int(sweeps) + (1 if causal else 0), method=method_name, residual_history=history,
        stderr=stderr, doc=doc, elapsed=_time.perf_counter() - start,
    )


def solve_gd(spec: GLMSpec, *, alpha: float, step: float, steps: int, lam: float = 0.0,
             signal: float = 1.0, noise: float = 0.0, paths: int = 2000, seed: int = 0,
             damping: float = 0.0, tol: float = 1e-8, max_sweeps: int = 300,
             batch: float = 1.0, persistence: float = 0.0, method: str = "causal",
             name: str = "dmft-glm") -> DMFTResult:
    """Solve the DMFT of (stochastic) gradient descent on a teacher-student GLM (normalization:
    module docstring).

    ``batch`` = b in (0, 1] is the mini-batch fraction (1: full-batch gradient descent),
    ``persistence`` the persistence time of the selection (0: plain SGD, a fresh batch every step;
    inf: a frozen batch; see :func:`selection_paths`). ``method``: ``"causal"`` (one forward pass
    in time, then one sweep of the whole-history map to measure the residual) or ``"iterate"``
    (damped fixed-point iteration on the whole history from zero). Square loss with a linear
    teacher at b = 1 is solved exactly (linear algebra, iteration).

    Returns a :class:`DMFTResult` on the grid ``times = k * step``, k = 0..steps, with
    observables ``train_loss`` (E ℓ(y, h_k) over all training samples), ``train_error``
    (misclassified fraction, or (1/n)||y - Xθ/sqrt d||² for regression), ``test_error``
    (misclassification rate arccos(m/sqrt(C(ρ+σ²)))/π, or the test MSE C - 2m + ρ + σ² including
    noise), ``test_loss``, ``norm`` (||θ_k||²/d), ``overlap`` (θ_k·θ*/d) and ``cosine``, and the
    order parameters ``C_theta``, ``m``, ``R_theta`` (= χ), ``C_ell``, ``R_ell``, ``Gamma``.
    """
    return _solve(spec, mixture=False, alpha=alpha, step=step, steps=steps, lam=lam, signal=signal,
                  noise=noise, batch=batch, persistence=persistence, paths=paths, seed=seed,
                  damping=damping, tol=tol, max_sweeps=max_sweeps, method=method, name=name)


def solve_mixture(spec: GLMSpec, *, alpha: float, step: float, steps: int, lam: float = 0.0,
                  signal: float = 1.0, noise: float = 1.0, paths: int = 2000, seed: int = 0,
                  damping: float = 0.0, tol: float = 1e-8, max_sweeps: int = 300,
                  batch: float = 1.0, persistence: float = 0.0, method: str = "causal",
                  name: str = "dmft-gmm") -> DMFTResult:
    """Solve the DMFT of (stochastic) gradient descent on two symmetric Gaussian clusters
    ``x = y v*/sqrt(d) + sqrt(noise) z``, y = ±1, ||v*||²/d = ``signal`` (see
    :mod:`asymptotics.models.dmft_gmm`); ``spec.teacher`` is not used. Same options as
    :func:`solve_gd`; the square loss at b = 1 is solved exactly (linear algebra).

    Observables: ``train_loss``, ``train_error`` (misclassified training fraction), ``test_error``
    = Φ(-m/sqrt(Δ C)), ``test_loss``, ``norm`` = C = ||θ||²/d, ``overlap`` = m = θ·v*/d,
    ``cosine`` = m/sqrt(C signal); order parameters as :func:`solve_gd` with ``mu`` = E[s y ℓ']
    in place of ``Gamma``."""
    return _solve(spec, mixture=True, alpha=alpha, step=step, steps=steps, lam=lam, signal=signal,
                  noise=noise, batch=batch, persistence=persistence, paths=paths, seed=seed,
                  damping=damping, tol=tol, max_sweeps=max_sweeps, method=method, name=name)

"""Monte Carlo twins of the classification models: exact estimators on Gaussian data.

- ``max-margin``: the hard-margin SVM without intercept, solved exactly as a least-distance
  program (Lawson & Hanson 1974, ch. 23): ``min ||w|| s.t. Z w >= 1`` with ``Z = diag(y) X`` is
  the non-negative least-squares problem ``min_{u >= 0} ||[Z'; 1'] u - e_{p+1}||`` (scipy's
  active-set NNLS, finite termination); the residual ``r`` gives ``w = -r[:p]/r[p]`` and
  ``r = 0`` certifies that the data are not separable. The solution is checked against the
  constraints (``min_i z_i'w = 1`` to 1e-8). Margin ``1/||w||``; c1 is the first coordinate of
  ``w/||w||`` (the teacher is ``sqrt(signal) e_1``, no loss of generality for isotropic data).
- ``gardner`` and ``mle-existence``: the critical sample size ``n_c`` (the largest n at which the
  first n points of one random sequence are separable, with margin kappa, resp. with an
  intercept) by bisection; separability is monotone along a nested sequence, so the bisection is
  exact. Separability with intercept is an LP feasibility problem (scipy.optimize.linprog, HiGHS).
- ``logistic-mle``: the logistic MLE by Newton's method with a backtracking line search on the
  log-likelihood (it exists iff the data are not separable; a trial whose data turn out
  separable is reported as NaN).
- ``erm``: ridge-penalized ERM for every loss of the vocabulary: square (normal equations),
  hinge (exact box-constrained dual QP), any smooth loss (logistic, squared hinge) by damped
  Newton with the loss's derivatives generated from its sympy declaration.

Test errors are exact given the estimate (functions of its cosine with the teacher; Gaussian
integrals by scipy quadrature), never from a test sample.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp
from scipy import integrate, optimize, special

from .. import vocabulary
from ..codegen import Kernel
from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["hard_margin", "separable", "critical_sample_size", "label_draw", "test_error_from_cosine",
           "logistic_mle"]


# -- data: links and losses from the vocabulary ----------------------------------------------
@functools.lru_cache(maxsize=None)
def _link_kernel(link: str):
    return Kernel([vocabulary.LINKS[link].probability], (vocabulary.U,))


def _link(link: str, u):
    """P(y = +1 | u) of the vocabulary's link, vectorized (generated from its sympy form)."""
    if link not in vocabulary.LINKS:
        raise ParameterError(f"unknown link {link!r}")
    u = np.asarray(u, dtype=float)
    return np.broadcast_to(_link_kernel(link)({"u": u.reshape(-1)})[0], u.size).reshape(u.shape)


def label_draw(rng, score, link: str, flip: float):
    """Labels ±1 with ``P(y = +1 | score) = flip + (1 - 2 flip) f(score)``."""
    prob = flip + (1 - 2 * flip) * _link(link, np.asarray(score, dtype=float))
    return np.where(rng.random(np.shape(score)) < prob, 1.0, -1.0)


@functools.lru_cache(maxsize=None)
def _direction_error_kernel(link: str):
    expr = vocabulary.LINKS[link].direction_error
    return None if expr is None else Kernel([expr], (vocabulary.COS, vocabulary.SIGNAL))


def test_error_from_cosine(cosine: float, link: str, signal: float, flip: float) -> float:
    """``P(y (c1 G + c2 Z) < 0)`` for a unit-norm direction with cosine ``c1`` to the teacher.

    G, Z independent standard normals, y drawn from the link at score ``sqrt(signal) G``. The
    link's closed form where the vocabulary declares one (sign, probit: angles between
    Gaussians), else by quadrature over G.
    """
    c1 = float(np.clip(cosine, -1.0, 1.0))
    c2 = math.sqrt(max(1.0 - c1 * c1, 0.0))
    closed = _direction_error_kernel(link)
    if closed is not None:
        value = closed({"cosine": np.array([c1]), "signal": np.array([float(signal)])})[0]
        return flip + (1 - 2 * flip) * float(np.asarray(value).reshape(-1)[0])

    def integrand(g):
        p_plus = flip + (1 - 2 * flip) * float(_link(link, math.sqrt(signal) * g))
        wrong_if_plus = special.ndtr(-c1 * g / c2) if c2 > 0 else float(c1 * g < 0)
        return math.exp(-g * g / 2) / math.sqrt(2 * math.pi) * (
            p_plus * wrong_if_plus + (1 - p_plus) * (1 - wrong_if_plus))

    return integrate.quad(integrand, -40, 40, epsabs=1e-13, epsrel=1e-12, limit=200)[0]


@functools.lru_cache(maxsize=None)
def _loss_kernel(loss: str):
    """L, L', L'' of the vocabulary's margin loss, in the margin u."""
    margin = vocabulary.LOSSES[loss].margin
    d1 = sp.diff(margin, vocabulary.U)
    return Kernel([margin, d1, sp.diff(d1, vocabulary.U)], (vocabulary.U,))


def margin_loss(loss: str, margins, derivatives: int = 0):
    """The margin loss L (and its first ``derivatives`` derivatives) at the given margins."""
    m = np.asarray(margins, dtype=float).reshape(-1)
    out = _loss_kernel(loss)({"u": m})
    return tuple(np.broadcast_to(np.asarray(o, dtype=float), m.shape) for o in out[:derivatives + 1])


# -- estimators -------------------------------------------------------------------------------
def hard_margin(z: np.ndarray) -> np.ndarray | None:
    """``argmin ||w|| s.t. z_i'w >= 1`` (rows z_i = y_i x_i), or None if infeasible (not separable).

    Exact: least-distance programming by NNLS (see the module docstring).
    """
    n, p = z.shape
    e = np.vstack([z.T, np.ones((1, n))])
    f = np.zeros(p + 1)
    f[-1] = 1.0
    u, _ = optimize.nnls(e, f, maxiter=max(100, 50 * n))
    r = e @ u - f
    if abs(r[-1]) <= 1e-12:
        return None
    w = -r[:p] / r[-1]
    slack = z @ w
    # NNLS is exact up to round-off, which grows like ||w|| = 1/margin near non-separability
    if slack.min() < 1 - 1e-6:  # pragma: no cover
        raise RuntimeError(f"hard-margin solve violates a constraint by {1 - slack.min():.2e}")
    return w


def separable(a: np.ndarray) -> bool:
    """Whether some w has ``a_i'w > 0`` for all rows (strict linear separability), by an LP.

    ``max s  s.t.  a_i'w >= s,  -1 <= w_j <= 1,  s <= 1``: always feasible and bounded (so the LP
    solver never has to certify infeasibility); the rows are separable iff the optimum is positive
    (in general position, which Gaussian rows are with probability one).
    """
    n, d = a.shape
    cost = np.zeros(d + 1)
    cost[-1] = -1.0
    a_ub = np.hstack([-a, np.ones((n, 1))])
    res = optimize.linprog(cost, A_ub=a_ub, b_ub=np.zeros(n), bounds=[(-1, 1)] * d + [(None, 1)],
                           method="highs")
    if res.status != 0:  # pragma: no cover - the LP is feasible and bounded by construction
        raise RuntimeError(f"linprog failed: {res.message}")
    return -res.fun > 1e-9


def critical_sample_size(check, start: int) -> int:
    """The largest n with ``check(n)`` True, for a monotone predicate (True up to n_c, then False).

    Doubles from ``start`` until the predicate fails, then bisects.
    """
    lo = 0
    hi = max(int(start), 1)
    while check(hi):
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if check(mid):
            lo = mid
        else:
            hi = mid
    return lo


def logistic_mle(x: np.ndarray, y01: np.ndarray, lam: float = 0.0, max_iterations: int = 200,
                 tol: float = 1e-10) -> np.ndarray | None:
    """``argmin_b sum_i [log(1 + e^{x_i'b}) - y_i x_i'b] + (lam/2)||b||²`` by damped Newton.

    Returns None when the minimiser does not exist (lam = 0 and separable data: the iterates
    diverge) or Newton does not converge. Convergence: Newton decrement² / 2 below ``tol``.
    """
    n, p = x.shape
    b = np.zeros(p)

    def objective(beta):
        s = x @ beta
        return np.sum(np.logaddexp(0.0, s) - y01 * s) + 0.5 * lam * beta @ beta

    f = objective(b)
    for _ in range(max_iterations):
        s = x @ b
        mu = special.expit(s)
        grad = x.T @ (mu - y01) + lam * b
        hess = (x * (mu * (1 - mu))[:, None]).T @ x + lam * np.eye(p)
        try:
            step = np.linalg.solve(hess, -grad)
        except np.linalg.LinAlgError:
            return None
        decrement = -grad @ step
        if decrement / 2 <= tol:
            return b
        t = 1.0
        for _ in range(60):
            new = b + t * step
            fn = objective(new)
            if fn <= f - 1e-4 * t * decrement:
                break
            t /= 2
        else:
            return None
        b, f = new, fn
        if not np.all(np.isfinite(b)) or np.linalg.norm(b) > 1e6:
            return None
    return None


# -- max-margin -------------------------------------------------------------------------------
def _p_from_ratio(ratio: float, n: int, model: str, name: str) -> int:
    p = int(round(ratio * n))
    if p < 1:
        raise ParameterError(f"{model}: {name}*n = {ratio * n:g} gives no features; increase n")
    return p


def _max_margin_trial(params, sizes, rng):
    n = sizes["n"]
    p = _p_from_ratio(params.psi, n, "max-margin", "psi")
    x = rng.standard_normal((n, p))
    y = label_draw(rng, math.sqrt(params.signal) * x[:, 0], params.link, params.flip)
    w = hard_margin(y[:, None] * x)
    if w is None:
        nan = float("nan")
        return {"margin": nan, "c1": nan, "c2": nan, "cosine": nan, "test_error": nan}
    norm = np.linalg.norm(w)
    c1 = w[0] / norm
    return {
        "margin": 1 / norm,
        "c1": c1,
        "c2": math.sqrt(max(1 - c1 * c1, 0.0)),
        "cosine": c1,
        "test_error": test_error_from_cosine(c1, params.link, params.signal, params.flip),
    }


register_simulator(Simulator(
    model="max-margin", variant="isotropic", trial=_max_margin_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * s["n"] * max(p.psi * s["n"], 1.0),
    observables=('margin', 'c1', 'c2', 'cosine', 'test_error'),
    sizes={"n": "number of samples; p = round(psi n)"},
    effective=lambda params, sizes: {"psi": _p_from_ratio(params.psi, sizes["n"], "max-margin", "psi")
                                     / sizes["n"]},
    description="x ~ N(0, I_p), teacher sqrt(signal) e_1, exact hard-margin SVM (LDP by NNLS); "
                "NaN for a draw that is not separable",
    example={"n": 80, "psi": 2.0, "link": "sign", "flip": 0.1},
))


# -- gardner ----------------------------------------------------------------------------------
def _gardner_trial(params, sizes, rng):
    p = sizes["p"]
    kappa = params.kappa
    rows = []

    def sample(n):
        while sum(len(r) for r in rows) < n:
            m = max(n, 64)
            x = rng.standard_normal((m, p))
            y = np.where(rng.random(m) < 0.5, 1.0, -1.0)
            rows.append(y[:, None] * x)
        return np.vstack(rows)[:n]

    def check(n):
        if kappa == 0:  # plain separability: an LP, robust where the margin tends to 0
            return separable(sample(n))
        w = hard_margin(sample(n))
        return w is not None and 1 / np.linalg.norm(w) >= kappa

    n_c = critical_sample_size(check, p)
    return {"capacity": n_c / p, "critical_psi": p / max(n_c, 1)}


register_simulator(Simulator(
    model="gardner", variant="default", trial=_gardner_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * 8.0 * s["p"] ** 2,
    observables=('capacity', 'critical_psi'),
    sizes={"p": "dimension; the capacity is n_c/p with n_c found by bisection"},
    description="random ±1 labels on N(0, I_p) patterns; n_c = largest n whose first n patterns "
                "have max-margin >= kappa (exact hard-margin SVM)",
    example={"p": 20, "kappa": 0.5},
))


# -- logistic MLE (Sur & Candès) and MLE existence (Candès & Sur) -----------------------------
def _logistic_mle_trial(params, sizes, rng):
    n = sizes["n"]
    p = _p_from_ratio(params.kappa, n, "logistic-mle", "kappa")
    gamma = math.sqrt(params.signal)
    x = rng.standard_normal((n, p))
    # Sur–Candès scale x ~ N(0, I/n) and beta with ||beta||²/n = gamma²: equivalently x ~ N(0, I)
    # and b = beta/sqrt(n) with ||b|| = gamma; beta_hat = sqrt(n) b_hat.
    b = np.zeros(p)
    b[0] = gamma
    y01 = (rng.random(n) < special.expit(x @ b)).astype(float)
    b_hat = logistic_mle(x, y01)
    if b_hat is None:
        nan = float("nan")
        return {"alpha": nan, "sigma": nan, "lambda": nan}
    alpha = b_hat @ b / (b @ b)
    sigma = math.sqrt(n / p * np.sum((b_hat - alpha * b) ** 2))
    w = special.expit(x @ b_hat)
    hess = (x * (w * (1 - w))[:, None]).T @ x
    lam = float(np.trace(np.linalg.inv(hess)))  # x_i'H_{-i}^{-1}x_i ≈ tr H^{-1}: the prox step
    return {"alpha": alpha, "sigma": sigma, "lambda": lam}


register_simulator(Simulator(
    model="logistic-mle", variant="default", trial=_logistic_mle_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * s["n"] * max(p.kappa * s["n"], 1.0),
    observables=('alpha', 'sigma', 'lambda'),
    sizes={"n": "number of samples; p = round(kappa n)"},
    effective=lambda params, sizes: {"kappa": _p_from_ratio(params.kappa, sizes["n"], "logistic-mle", "kappa")
                                     / sizes["n"]},
    description="x ~ N(0, I_p), P(y = 1 | x) = sigmoid(x'b), ||b||² = signal; MLE by Newton; "
                "alpha = <b_hat, b>/||b||², sigma² = (n/p)||b_hat - alpha b||², lambda = tr H^{-1}",
    example={"n": 200, "kappa": 0.1, "signal": 1.0},
))


def _mle_existence_trial(params, sizes, rng):
    p = sizes["p"]
    gamma = math.sqrt(params.signal)
    rows = []

    def sample(n):
        while sum(len(r) for r in rows) < n:
            m = max(n, 64)
            x = rng.standard_normal((m, p))
            y = np.where(rng.random(m) < special.expit(params.intercept + gamma * x[:, 0]), 1.0, -1.0)
            rows.append(y[:, None] * np.hstack([np.ones((m, 1)), x]))
        return np.vstack(rows)[:n]

    n_c = critical_sample_size(lambda n: separable(sample(n)), 2 * p)
    # p + 1 fitted coefficients (slope and intercept): the finite-n analogue of kappa (Cover's count
    # for affine separations of n points in R^p is the homogeneous one in R^{p+1})
    return {"threshold": (p + 1) / max(n_c, 1)}


register_simulator(Simulator(
    model="mle-existence", variant="default", trial=_mle_existence_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * 16.0 * s["p"] ** 2,
    observables=('threshold',),
    sizes={"p": "number of covariates; threshold estimate p/n_c"},
    description="x ~ N(0, I_p), P(y = 1 | x) = sigmoid(intercept + x'b), ||b||² = signal; n_c = "
                "largest n whose first n points are separable with an intercept (LP)",
    example={"p": 20, "intercept": 0.0, "signal": 1.0},
))


# -- ridge-penalised ERM ----------------------------------------------------------------------
def _hinge_ridge(a: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """``argmin_w sum_i max(0, 1 - y_i a_i'w) + (lam/2)||w||²`` through its dual, a box-constrained
    QP ``max_{0 <= b <= 1} sum b - ||A'(b y)||²/(2 lam)``, solved by L-BFGS-B to a projected-gradient
    tolerance of 1e-12 (the dual is smooth and strongly concave on the span of the data)."""
    z = y[:, None] * a
    gram = z @ z.T / lam

    def neg_dual(b):
        gb = gram @ b
        return 0.5 * b @ gb - b.sum(), gb - 1.0

    n = len(y)
    res = optimize.minimize(neg_dual, np.full(n, 0.5), jac=True, method="L-BFGS-B",
                            bounds=[(0.0, 1.0)] * n,
                            options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-12, "maxcor": 30})
    return z.T @ res.x / lam


def _ridge_fit(a: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Square loss: the normal equations (A'A + lam I) w = A'y."""
    return np.linalg.solve(a.T @ a + lam * np.eye(a.shape[1]), a.T @ y)


def _newton_fit(loss: str, a: np.ndarray, y: np.ndarray, lam: float, max_iterations: int = 200,
                tol: float = 1e-10) -> np.ndarray:
    """``argmin_w sum_i L(y_i a_i'w) + (lam/2)||w||²`` for a smooth margin loss of the vocabulary,
    by damped Newton with the loss's generated derivatives (a generalized Hessian where L'' jumps,
    as for the squared hinge). Convergence: Newton decrement²/2 below ``tol``."""
    z = y[:, None] * a
    w = np.zeros(a.shape[1])

    def objective(v):
        return float(np.sum(margin_loss(loss, z @ v)[0]) + 0.5 * lam * v @ v)

    f = objective(w)
    for _ in range(max_iterations):
        _, d1, d2 = margin_loss(loss, z @ w, 2)
        grad = z.T @ d1 + lam * w
        step = np.linalg.solve((z * d2[:, None]).T @ z + lam * np.eye(len(w)), -grad)
        decrement = -grad @ step
        if decrement / 2 <= tol:
            return w
        t = 1.0
        for _ in range(60):
            fn = objective(w + t * step)
            if fn <= f - 1e-4 * t * decrement:
                break
            t /= 2
        else:  # pragma: no cover - strictly convex with lam > 0
            raise RuntimeError(f"penalised {loss} ERM: the line search failed")
        w, f = w + t * step, fn
    raise RuntimeError(f"penalised {loss} ERM did not converge")  # pragma: no cover


# The estimators with a route of their own: the square loss in closed form, the hinge (not
# differentiable) through its exact dual QP. Every other loss of the vocabulary is smooth enough
# for Newton, so a new loss needs no entry here.
_FITTERS = {"square": _ridge_fit, "hinge": _hinge_ridge}


def fit_erm(loss: str, a: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """The ridge-penalised ERM estimator for a loss of the vocabulary."""
    fitter = _FITTERS.get(loss)
    return fitter(a, y, lam) if fitter is not None else _newton_fit(loss, a, y, lam)


def _erm_observables(loss, margins, m, q, cosine, link, power, flip):
    return {"m": m, "q": q, "cosine": cosine,
            "test_error": test_error_from_cosine(cosine, link, power, flip),
            "train_loss": float(np.mean(margin_loss(loss, margins)[0])),
            "train_error": float(np.mean(margins < 0))}


def _erm_trial(params, sizes, rng):
    n = sizes["n"]
    d = _p_from_ratio(1 / params.alpha, n, "erm", "1/alpha")
    x = rng.standard_normal((n, d))
    a = x / math.sqrt(d)
    score = math.sqrt(params.signal) * x[:, 0]  # w* = sqrt(signal d) e_1: <w*, x>/sqrt d
    y = label_draw(rng, score, params.link, params.flip)
    w = fit_erm(params.loss, a, y, params.lam)
    m = w[0] * math.sqrt(params.signal * d) / d
    q = w @ w / d
    cosine = m / math.sqrt(params.signal * q) if params.signal > 0 else 0.0
    return _erm_observables(params.loss, y * (a @ w), m, q, cosine, params.link, params.signal,
                            params.flip)


register_simulator(Simulator(
    model="erm", variant="isotropic", trial=_erm_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * s["n"] * max(s["n"] / p.alpha, 1.0),
    observables=('m', 'q', 'cosine', 'test_error', 'train_loss', 'train_error'),
    sizes={"n": "number of samples; d = round(n/alpha)"},
    effective=lambda params, sizes: {"alpha": sizes["n"] / _p_from_ratio(1 / params.alpha, sizes["n"], "erm", "1/alpha")},
    description="x ~ N(0, I_d), w* = sqrt(signal d) e_1; square: normal equations, logistic: Newton, "
                "hinge: dual box QP (L-BFGS-B); test error exact from the cosine",
    example={"n": 120, "alpha": 2.0, "lam": 0.1, "loss": "logistic", "link": "sign", "flip": 0.1},
))


def _erm_general_trial(params, sizes, rng):
    n = params.n
    if n != int(n):
        raise ParameterError(f"erm: simulation needs an integer sample size 'n'; got {n!r}")
    n = int(n)
    s, b = params.eigenvalues, params.target
    x = rng.standard_normal((n, s.size)) * np.sqrt(s)
    y = label_draw(rng, x @ b, params.link, params.flip)
    w = fit_erm(params.loss, x, y, params.lam)
    power = float(np.sum(s * b * b))
    m = float(np.sum(s * b * w))   # Cov(x'b, x'w)
    q = float(np.sum(s * w * w))   # Var(x'w)
    cosine = m / math.sqrt(power * q)
    return _erm_observables(params.loss, y * (x @ w), m, q, cosine, params.link, power, params.flip)


register_simulator(Simulator(
    model="erm", variant="general", trial=_erm_general_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * float(p.n) * p.eigenvalues.size,
    observables=('m', 'q', 'cosine', 'test_error', 'train_loss', 'train_error'),
    description="x ~ N(0, diag(eigenvalues)), teacher b = target; the estimators of the isotropic "
                "twin on unnormalised scores x'w",
    example={"n": 150, "lam": 1.0, "loss": "logistic", "link": "sign", "flip": 0.05,
             "spectrum": "power-law:p=200,decay=1.2,source=0.5"},
))


def _max_margin_general_trial(params, sizes, rng):
    n = params.n
    if n != int(n):
        raise ParameterError(f"max-margin: simulation needs an integer sample size 'n'; got {n!r}")
    n = int(n)
    s, b = params.eigenvalues, params.target
    x = rng.standard_normal((n, s.size)) * np.sqrt(s)
    y = label_draw(rng, x @ b, params.link, params.flip)
    w = hard_margin(y[:, None] * x)
    if w is None:
        nan = float("nan")
        return {"margin": nan, "cosine": nan, "test_error": nan, "score_variance": nan, "c1": nan, "c2": nan}
    power = float(np.sum(s * b * b))
    norm2 = float(w @ w)
    q = float(np.sum(s * w * w))
    cosine = float(np.sum(s * b * w)) / math.sqrt(power * q)
    score_var = q / norm2
    return {"margin": 1 / math.sqrt(norm2), "cosine": cosine, "score_variance": score_var,
            "c1": cosine * math.sqrt(score_var), "c2": math.sqrt(score_var * max(1 - cosine ** 2, 0.0)),
            "test_error": test_error_from_cosine(cosine, params.link, power, params.flip)}


register_simulator(Simulator(
    model="max-margin", variant="general", trial=_max_margin_general_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * float(p.n) * p.eigenvalues.size,
    observables=('margin', 'cosine', 'score_variance', 'c1', 'c2', 'test_error'),
    description="x ~ N(0, diag(eigenvalues)), theta* = target; exact hard-margin SVM (LDP by NNLS); "
                "cosine between the scores x'w_hat and x'theta*",
    example={"n": 60, "flip": 0.1, "spectrum": "power-law:p=120,decay=1.2,source=0.5"},
))

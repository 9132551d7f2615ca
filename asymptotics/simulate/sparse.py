"""Monte Carlo twins of the sparse-regression models: AMP, the LASSO, basis pursuit, l1 recovery.

Every trial draws ``A`` (n x N, iid N(0, 1/n), ``n = round(delta N)``), ``x0`` iid from the prior
and ``y = A x0 + w`` with ``w ~ N(0, noise)``, then runs a real algorithm:

- ``lasso`` at finite ``iteration``: AMP with the Onsager term and threshold ``alpha tau_t``,
  ``tau_t = ||z^t||/sqrt(n)`` (``alpha`` given, or, for ``lam``, the AMP whose fixed point is the
  LASSO at ``lam``: alpha read off that LASSO's solution on the same instance,
  ``alpha = threshold/(||z||/sqrt(n))``, so the twin never consults the theory), recording, at every requested t, the statistics of
  ``eta(r^t; theta_t)`` with ``r^t = x^t + A'z^t``.
- ``lasso`` at ``iteration = inf``: variant ``lam``: the LASSO solved directly by coordinate
  descent (scikit-learn, ``Lasso(alpha=lam/n)`` since it scales the loss by 1/(2n)); variant
  ``alpha``: AMP run to convergence. For the LASSO solution the pseudo-data are rebuilt from the
  fixed-point relations ``z = (y - A x_hat)/(1 - ||x_hat||_0/n)``, ``r = x_hat + A'z``, and
  ``threshold = lam/(1 - ||x_hat||_0/n)``.
- ``basis-pursuit``: min ||x||_1 s.t. Ax = y, as a linear program (HiGHS).
- ``donoho-tanner``: the largest sparsity k at which basis pursuit recovers a k-sparse signal
  (nested supports, bisection on k), per draw.

Observables use the known ``x0``: ``tau = ||r - x0||/sqrt(N)``, ``mse = ||x_hat - x0||^2/N``,
``excess_risk = ||x_hat - x0||^2/n`` (``= E_a (a'(x_hat - x0))^2``, exact given the draw),
``nonzero_fraction = ||x_hat||_0/N``.
"""

from __future__ import annotations

import numpy as np

from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["draw_signal", "amp_lasso", "solve_lasso", "basis_pursuit", "soft"]


def soft(x, theta):
    return np.sign(x) * np.maximum(np.abs(x) - theta, 0.0)


def draw_signal(params, rng, size: int) -> np.ndarray:
    """``size`` iid draws from the model's prior (named or empirical atoms)."""
    prior = params.prior
    if prior == "bernoulli-gaussian":
        return rng.standard_normal(size) * (rng.random(size) < params.eps)
    if prior == "three-point":
        return (rng.random(size) < params.eps) * rng.choice((-1.0, 1.0), size)
    if prior == "empirical":
        return params.prior_values[rng.choice(params.prior_values.size, size=size,
                                              p=params.prior_weights)]
    raise ParameterError(f"no sampler for prior {prior!r}")


def _sizes(delta: float, big_n: int) -> int:
    n = int(round(delta * big_n))
    if n < 2:
        raise ParameterError(f"delta*N = {delta * big_n:g} gives fewer than 2 measurements; "
                             "increase N")
    return n


def draw_problem(params, big_n: int, rng):
    n = _sizes(params.delta, big_n)
    a = rng.standard_normal((n, big_n)) / np.sqrt(n)
    x0 = draw_signal(params, rng, big_n)
    y = a @ x0 + np.sqrt(params.noise) * rng.standard_normal(n)
    return a, x0, y


def _stats(x0, r, xhat, theta, n):
    big_n = x0.size
    err = xhat - x0
    nnz = np.count_nonzero(xhat)
    return {
        "tau": float(np.linalg.norm(r - x0) / np.sqrt(big_n)),
        "mse": float(err @ err / big_n),
        "excess_risk": float(err @ err / n),
        "threshold": float(theta),
        "nonzero_fraction": nnz / big_n,
    }


def amp_lasso(a, y, x0, alpha: float, record, max_iterations: int = 3000, tol: float = 1e-10):
    """AMP for the LASSO with threshold ``alpha ||z^t||/sqrt(n)``.

    ``record`` is a sorted list of iterations (``inf`` allowed: run until the change of x is below
    ``tol`` relative); returns {t: statistics of eta(r^t; theta_t)}.
    """
    n, big_n = a.shape
    x = np.zeros(big_n)
    z = y.copy()
    out = {}
    wanted = set(record)
    finite = [t for t in record if np.isfinite(t)]
    last = int(max(finite)) if finite else -1
    run_to_convergence = any(np.isinf(t) for t in record)
    t = 0
    while True:
        tau_hat = np.linalg.norm(z) / np.sqrt(n)
        theta = alpha * tau_hat
        r = x + a.T @ z
        xn = soft(r, theta)
        if t in wanted:
            out[t] = _stats(x0, r, xn, theta, n)
            out[t]["alpha"] = alpha
            out[t]["lam"] = theta * (1 - np.count_nonzero(xn) / n)
        change = np.linalg.norm(xn - x) / max(np.linalg.norm(xn), 1e-300)
        if t >= last and (not run_to_convergence or change < tol or t >= max_iterations):
            if run_to_convergence:
                rec = _stats(x0, r, xn, theta, n)
                rec["alpha"] = alpha
                rec["lam"] = theta * (1 - np.count_nonzero(xn) / n)
                rec["converged"] = bool(change < tol)
                out[np.inf] = rec
            break
        z = y - a @ xn + z * (np.count_nonzero(xn) / n)
        x = xn
        t += 1
    return out


def solve_lasso(a, y, lam: float, tol: float = 1e-12, max_iter: int = 100_000):
    """argmin (1/2)||y - Ax||^2 + lam ||x||_1 by coordinate descent (scikit-learn)."""
    try:
        from sklearn.linear_model import Lasso
    except ImportError as err:  # pragma: no cover - scikit-learn is a test/bench dependency
        raise ImportError("the LASSO simulator needs scikit-learn: pip install scikit-learn") from err
    import warnings

    n = a.shape[0]
    model = Lasso(alpha=lam / n, fit_intercept=False, tol=tol, max_iter=max_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(a, y)
    return model.coef_.copy()


def lasso_stats(a, y, x0, xhat, lam):
    """Observables of a LASSO solution, pseudo-data rebuilt from the fixed-point relations."""
    n = a.shape[0]
    nnz = np.count_nonzero(xhat)
    onsager = 1 - nnz / n
    z = (y - a @ xhat) / onsager
    r = xhat + a.T @ z
    theta = lam / onsager
    rec = _stats(x0, r, xhat, theta, n)
    rec["alpha"] = theta / (np.linalg.norm(z) / np.sqrt(n))
    rec["lam"] = lam
    return rec


def _lasso_trial(params, sizes, rng, variant):
    big_n = sizes["N"]
    a, x0, y = draw_problem(params, big_n, rng)
    key = "alpha" if variant == "alpha" else "lam"
    pen = np.atleast_1d(np.asarray(getattr(params, key), dtype=float))
    its = np.broadcast_to(np.atleast_1d(np.asarray(params.iteration, dtype=float)), pen.shape)
    names = ("tau", "mse", "excess_risk", "test_error", "threshold", "nonzero_fraction", "alpha",
             "lam")
    out = {k: np.full(pen.shape, np.nan) for k in names}
    for value in np.unique(pen):
        idx = np.flatnonzero(pen == value)
        record = sorted(set(its[idx].tolist()), key=lambda t: (np.isinf(t), t))
        recs = {}
        if variant == "lam":
            if np.isinf(record[-1]):
                recs[np.inf] = lasso_stats(a, y, x0, solve_lasso(a, y, value), value)
            finite = [t for t in record if np.isfinite(t)]
            if finite:
                # AMP whose fixed point is this LASSO: alpha read off the LASSO solution of the
                # same instance (threshold / residual scale), never from the theory.
                fit = recs.get(np.inf) or lasso_stats(a, y, x0, solve_lasso(a, y, value), value)
                recs.update(amp_lasso(a, y, x0, fit["alpha"], finite))
        else:
            recs = amp_lasso(a, y, x0, value, record)
        for i in idx:
            rec = recs[its[i]]
            for k in names:
                if k == "test_error":
                    out[k][i] = rec["excess_risk"] + params.noise
                else:
                    out[k][i] = rec[k]
    return out


def _effective_delta(params, sizes):
    return {"delta": _sizes(params.delta, sizes["N"]) / sizes["N"]}


register_simulator(Simulator(
    model="lasso", variant="alpha", trial=lambda p, s, r: _lasso_trial(p, s, r, "alpha"),
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * p.delta * s["N"] ** 2,
    observables=('tau', 'mse', 'excess_risk', 'test_error', 'threshold', 'nonzero_fraction', 'alpha', 'lam'),
    sizes={"N": "number of unknowns; n = round(delta N) measurements"},
    vectorized=("alpha", "iteration"), effective=_effective_delta,
    description="AMP with Onsager term and threshold alpha ||z||/sqrt(n) on a Gaussian design",
    example={"N": 400, "delta": 0.5, "eps": 0.1, "noise": 0.04, "alpha": 1.5},
))
register_simulator(Simulator(
    model="lasso", variant="lam", trial=lambda p, s, r: _lasso_trial(p, s, r, "lam"),
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * p.delta * s["N"] ** 2,
    observables=('tau', 'mse', 'excess_risk', 'test_error', 'threshold', 'nonzero_fraction', 'alpha', 'lam'),
    sizes={"N": "number of unknowns; n = round(delta N) measurements"},
    vectorized=("lam", "iteration"), effective=_effective_delta,
    description="LASSO by coordinate descent (iteration = inf) or AMP calibrated on the instance's "
                "LASSO solution (finite iteration)",
    example={"N": 400, "delta": 0.5, "eps": 0.1, "noise": 0.04, "lam": 0.3},
))


# -- basis pursuit -------------------------------------------------------------------------------
def basis_pursuit(a, y, nonnegative: bool = False):
    """argmin ||x||_1 s.t. Ax = y (x >= 0 if ``nonnegative``), by linear programming (HiGHS)."""
    from scipy.optimize import linprog

    n, p = a.shape
    if nonnegative:
        res = linprog(np.ones(p), A_eq=a, b_eq=y, bounds=(0, None), method="highs")
        if res.status != 0:
            return None
        return res.x
    res = linprog(np.ones(2 * p), A_eq=np.hstack([a, -a]), b_eq=y, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"basis pursuit LP failed: {res.message}")
    return res.x[:p] - res.x[p:]


def _bp_trial(params, sizes, rng):
    p = sizes["p"]
    a, x0, y = draw_problem(params, p, rng)
    n = a.shape[0]
    w = y - a @ x0
    xhat = basis_pursuit(a, y)
    err = xhat - x0
    xw = basis_pursuit(a, w) if np.any(x0) else xhat
    variance = float(xw @ xw / n)
    l2 = np.linalg.lstsq(a, w, rcond=None)[0]  # minimum-l2-norm interpolator (n < p)
    return {
        "mse": float(err @ err / p),
        "excess_risk": float(err @ err / n),
        "test_error": float(err @ err / n) + params.noise,
        "excess_variance": variance,
        "rate": variance * np.log(p / n) / params.noise if params.noise > 0 else 1.0,
        "min_l2_excess_variance": float(l2 @ l2 / n),
    }


def _bp_effective(params, sizes):
    return {"delta": _sizes(params.delta, sizes["p"]) / sizes["p"]}


register_simulator(Simulator(
    model="basis-pursuit", variant="default", trial=_bp_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 8 * p.delta * s["p"] ** 2,
    observables=('mse', 'excess_risk', 'test_error', 'excess_variance', 'rate', 'min_l2_excess_variance'),
    sizes={"p": "number of unknowns; n = round(delta p) measurements"},
    effective=_bp_effective,
    description="min ||x||_1 s.t. Ax = y by linear programming (HiGHS); the pure-noise interpolator "
                "and the min-l2 interpolator of the same noise for the variance observables",
    example={"p": 200, "delta": 0.25, "noise": 1.0},
))


# -- Donoho–Tanner -------------------------------------------------------------------------------
def recovery_threshold(a, rng, nonnegative: bool = False, tol: float = 1e-6) -> int:
    """Largest k such that l1 minimization recovers the k-sparse signal on nested supports.

    One support order and one sign/amplitude draw per call; success at k is decided by solving
    the LP and comparing with x0 (relative l2 error below ``tol``). Bisection assumes success is
    monotone in k along nested supports (true up to rare exceptions near the transition).
    """
    n, p = a.shape
    order = rng.permutation(p)
    amp = rng.standard_normal(p)
    amp = np.abs(amp) if nonnegative else amp

    def ok(k):
        x0 = np.zeros(p)
        x0[order[:k]] = amp[order[:k]]
        xh = basis_pursuit(a, a @ x0, nonnegative)
        return xh is not None and np.linalg.norm(xh - x0) <= tol * max(np.linalg.norm(x0), 1e-300)

    lo, hi = 0, n  # ok(lo) holds; find the largest ok
    if ok(hi):
        return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo


def _dt_trial(params, sizes, rng):
    big_n = sizes["N"]
    n = _sizes(params.delta, big_n)
    a = rng.standard_normal((n, big_n)) / np.sqrt(n)
    k = recovery_threshold(a, rng, params.constraint == "nonnegative")
    # the transition sits between the last success k and the first failure k + 1
    rho = (k + 0.5) / n
    return {"rho": rho, "eps": rho * n / big_n}


register_simulator(Simulator(
    model="donoho-tanner", variant="default", trial=_dt_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 8 * p.delta * s["N"] ** 2,
    observables=('rho', 'eps'),
    sizes={"N": "number of unknowns; n = round(delta N) measurements"},
    effective=lambda p, s: {"delta": _sizes(p.delta, s["N"]) / s["N"]},
    description="largest recoverable sparsity by LP (nested supports, bisection), per draw",
    example={"N": 100, "delta": 0.5},
))

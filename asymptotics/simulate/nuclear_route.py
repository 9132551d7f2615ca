"""Monte Carlo twin of ``nuclear-route``: the convex PSD problem solved on real quadratic-network data.

Each trial draws a teacher ``W* (m* x d)``, ``m* = max(1, round(kappa_star d))``, iid N(0, 1),
``S* = W*'W*/m*``, ``n = round(alpha d²)`` inputs ``x ~ N(0, I_d)`` and labels
``y = <A(x), S*> + sqrt(noise) ξ`` with ``A(x) = (x x' - I)/sqrt d`` (exactly the teacher network
``(1/(m* sqrt d)) Σ_k [(w*_k·x)² - ||w*_k||²]``), and solves

    min_{S ⪰ 0} (1/(2d)) Σ_μ (y_μ - <A_μ, S>)² + lam Tr S

by accelerated proximal gradient (FISTA with adaptive restart; step 1/L, L the top eigenvalue of
the Hessian) in the orthonormal coordinates of symmetric matrices (off-diagonal entries times
sqrt 2), where the Hessian ``Φ'Φ/d`` is formed once per data set. The proximal map is the PSD
eigenvalue soft threshold ``U (λ - lam/L)_+ U'``; penalties of one trial are solved from the
largest down, each warm-started at the previous solution. Stopping: relative step below 1e-10
(a ``RuntimeError`` with the last step if 50000 iterations do not reach it). ``lam = 0`` (the
limit lam -> 0+, a minimum-trace selection among interpolators) is not simulated.

Observables are exact given the draw: ``mse = ||S - S*||²_F/d``, ``excess_risk = 2 mse`` (the
population error of a fresh Gaussian input), ``test_error = excess_risk + noise``,
``train_error``, ``rank_fraction`` (eigenvalues above 1e-8 of the largest, over d),
``mean_eigenvalue = Tr S/d`` and ``top_eigenvalue``. :func:`train_network` trains the network
itself (full-batch gradient descent on W) to check the equivalence; :func:`run_trials` also
simulates Gaussian sensing matrices of the same covariance (the universality surrogate).
"""

from __future__ import annotations

import numpy as np

from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["sym_basis", "draw", "solve_psd", "train_network", "run_trials"]


def sym_basis(d: int):
    """Upper-triangle indices and the scale (1 on the diagonal, sqrt 2 off it) of the orthonormal
    coordinates θ of symmetric d x d matrices (<A, S>_F = θ_A·θ_S)."""
    iu = np.triu_indices(d)
    return iu, np.where(iu[0] == iu[1], 1.0, np.sqrt(2.0))


def _vec(s, basis):
    iu, scale = basis
    return s[iu] * scale


def _unvec(theta, d, basis):
    iu, scale = basis
    s = np.zeros((d, d))
    s[iu] = theta / scale
    return s + np.triu(s, 1).T


def draw(rng, d: int, alpha: float, kappa_star: float, noise: float, design: str = "quadratic"):
    """(S*, X, Φ, y): teacher matrix, inputs, measurement rows θ_{A_μ} and labels."""
    n = int(round(alpha * d * d))
    m = max(1, int(round(kappa_star * d)))
    if n < 1:
        raise ParameterError(f"nuclear-route: alpha d² = {alpha * d * d:g} gives no samples; increase 'd'")
    w = rng.standard_normal((m, d))
    s_star = w.T @ w / m
    basis = sym_basis(d)
    iu, scale = basis
    x = rng.standard_normal((n, d))
    if design == "quadratic":
        phi = (x[:, iu[0]] * x[:, iu[1]] - (iu[0] == iu[1])) * scale / np.sqrt(d)
    elif design == "gaussian":  # same covariance (2/d) I in the θ coordinates, Gaussian entries
        phi = rng.standard_normal((n, iu[0].size)) * np.sqrt(2.0 / d)
    else:
        raise ParameterError(f"nuclear-route: 'design' must be 'quadratic' or 'gaussian'; got {design!r}")
    y = phi @ _vec(s_star, basis) + np.sqrt(noise) * rng.standard_normal(n)
    return s_star, x, phi, y


def _prox(theta, step_penalty, d, basis):
    vals, vecs = np.linalg.eigh(_unvec(theta, d, basis))
    vals = np.maximum(vals - step_penalty, 0.0)
    return _vec((vecs * vals) @ vecs.T, basis)


def solve_psd(hessian, linear, lam, d, basis, start=None, tol=1e-10, max_iterations=50000, lipschitz=None):
    """FISTA for min 0.5 θ'Hθ - b'θ + lam Tr S(θ) over PSD S; returns (θ, iterations)."""
    big_l = float(np.linalg.eigvalsh(hessian)[-1]) if lipschitz is None else lipschitz
    theta = np.zeros(hessian.shape[0]) if start is None else start.copy()
    z, t = theta.copy(), 1.0
    for it in range(1, max_iterations + 1):
        new = _prox(z - (hessian @ z - linear) / big_l, lam / big_l, d, basis)
        if (z - new) @ (new - theta) > 0:  # adaptive restart (O'Donoghue–Candès)
            t = 1.0
        t_new = 0.5 * (1 + np.sqrt(1 + 4 * t * t))
        step = np.linalg.norm(new - theta)
        z = new + (t - 1) / t_new * (new - theta)
        theta, t = new, t_new
        if step <= tol * max(1.0, np.linalg.norm(theta)):
            return theta, it
    raise RuntimeError(f"nuclear-route: proximal gradient did not converge in {max_iterations} iterations "
                       f"(last relative step {step / max(1.0, np.linalg.norm(theta)):.2e})")


def _observables(s, s_star, phi, y, theta, noise, d):
    vals = np.linalg.eigvalsh(s)
    mse = float(np.sum((s - s_star) ** 2) / d)
    top = float(vals[-1])
    return {
        "test_error": 2 * mse + noise,
        "excess_risk": 2 * mse,
        "train_error": float(np.mean((y - phi @ theta) ** 2)),
        "mse": mse,
        "rank_fraction": float(np.sum(vals > 1e-8 * max(top, 1e-300)) / d),
        "mean_eigenvalue": float(np.trace(s) / d),
        "top_eigenvalue": top,
    }


def _fits(rng, d, alpha, kappa_star, noise, lams, design):
    lams = np.atleast_1d(np.asarray(lams, dtype=float))
    if np.any(lams <= 0):
        raise ParameterError("nuclear-route: simulation needs 'lam' > 0 (lam = 0 is the limit lam -> 0+, "
                             "a minimum-trace selection among interpolators); use a small positive lam")
    s_star, _, phi, y = draw(rng, d, alpha, kappa_star, noise, design)
    basis = sym_basis(d)
    hessian = phi.T @ phi / d
    linear = phi.T @ y / d
    big_l = float(np.linalg.eigvalsh(hessian)[-1])
    out = {}
    theta = None
    for k in np.argsort(-lams):  # largest penalty first (sparsest, fastest), then warm starts
        theta, _ = solve_psd(hessian, linear, lams[k], d, basis, start=theta, lipschitz=big_l)
        obs = _observables(_unvec(theta, d, basis), s_star, phi, y, theta, noise, d)
        for name, v in obs.items():
            out.setdefault(name, np.empty(lams.size))[k] = v
    return out


def run_trials(d, alpha, kappa_star, noise, lams, trials, seed=0, design="quadratic"):
    """Per-trial observables (name -> (trials, L) array) for ``design`` 'quadratic' (the network's
    data) or 'gaussian' (Gaussian sensing rows of the same covariance)."""
    rng = np.random.default_rng(seed)
    rows = [_fits(rng, int(d), alpha, kappa_star, noise, lams, design) for _ in range(int(trials))]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def train_network(x, y, lam, width, steps=20000, rng=None, init_scale=0.1):
    """Full-batch gradient descent on the quadratic network ``f(x) = (1/sqrt d) Σ_k [(w_k·x)² -
    ||w_k||²]`` with loss ``(1/(2d)) Σ (y - f)² + lam ||W||_F²``, from a small random start; the step
    starts at a bound on the inverse curvature, is halved whenever the loss would rise and grows by 2%
    after each accepted step.
    Returns (W, losses)."""
    rng = np.random.default_rng(0) if rng is None else rng
    n, d = x.shape
    w = init_scale * rng.standard_normal((int(width), d))

    def loss_grad(w):
        xw = x @ w.T  # (n, m)
        f = ((xw ** 2).sum(axis=1) - np.sum(w * w)) / np.sqrt(d)
        r = y - f
        m_mat = (x.T * r) @ x - r.sum() * np.eye(d)  # Σ r_μ (x x' - I)
        grad = -(2.0 / (d * np.sqrt(d))) * w @ m_mat + 2 * lam * w
        return 0.5 * np.sum(r * r) / d + lam * np.sum(w * w), grad

    scale = np.linalg.norm(x, axis=1) ** 2
    step = 0.5 / (np.mean(scale ** 2) * n / d ** 2 + 2 * lam + 1.0)
    value, grad = loss_grad(w)
    losses = [value]
    for _ in range(int(steps)):
        trial = w - step * grad
        new_value, new_grad = loss_grad(trial)
        if new_value > value:
            step /= 2
            continue
        w, value, grad = trial, new_value, new_grad
        step *= 1.02  # probe a longer step again (halved back whenever the loss rises)
        losses.append(value)
    return w, np.array(losses)


def _trial(params, sizes, rng):
    return _fits(rng, sizes["d"], params.alpha, params.kappa_star, params.noise, params.lam, "quadratic")


def _effective(params, sizes):
    d = sizes["d"]
    return {"alpha": int(round(params.alpha * d * d)) / d ** 2,
            "kappa_star": max(1, int(round(params.kappa_star * d))) / d}


register_simulator(Simulator(
    model="nuclear-route", variant="default", trial=_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * p.alpha * s["d"] ** 2 * (s["d"] * (s["d"] + 1) / 2 + s["d"]),
    observables=("test_error", "excess_risk", "train_error", "mse", "rank_fraction", "mean_eigenvalue",
                 "top_eigenvalue"),
    sizes={"d": "input dimension; n = round(alpha d²) samples, teacher width round(kappa_star d)"},
    vectorized=("lam",), effective=_effective,
    description="quadratic-network data, the convex PSD problem solved by FISTA with eigenvalue "
                "soft thresholding (global minima of the network's l2-regularized loss)",
    example={"d": 20, "alpha": 0.6, "lam": 0.05, "noise": 0.1, "kappa_star": 0.5},
))

"""Monte Carlo twins of gradient-descent models: the real (full-batch) GD at finite size, over time.

``gd-least-squares``: n samples ``x ~ N(0, I_p)``, p = round(gamma n), β uniform on the sphere of
radius sqrt(signal), ``y = Xβ + ε``. For ``step > 0`` the iterate is computed by running gradient
descent ``b <- b - step (X'(Xb - y)/n + lam b)`` and recording it at the requested times; for
``step = 0`` (gradient flow) the exact flow ``b(t) = V g_t(S) V' X'y/n`` from one SVD. Observables
are exact given the draw: ``excess_risk = ||b - β||²``, ``train_error = ||y - Xb||²/n``,
``norm = ||b||²``; ``bias`` and ``variance`` are the conditional-on-X parts
``||E[b|X] - β||²`` and ``noise tr(g(Σ̂)² Σ̂)/n``, from the SVD. Variant ``general``: x ~ N(0, Σ)
with Σ diagonal (its eigenbasis), β = target, real gradient descent; norms in Σ
(``excess_risk = (b - β)'Σ(b - β)``), conditional bias/variance from the SVD of X.

``dmft-glm``: d features, n = round(alpha d) samples ``x ~ N(0, I_d)``, teacher ``θ*`` with
``||θ*||²/d = signal`` exactly, labels from the model's sympy teacher, gradient descent on the
summed loss with predictor ``x·θ/sqrt(d)`` from θ = 0. ``test_error`` and ``test_loss`` are the
population values for the trained θ (exact for Gaussian x given ``C = ||θ||²/d`` and
``m = θ·θ*/d``, by the same formulas as the theory), ``train_*`` the empirical ones over all n
samples. With ``batch`` < 1 it is real mini-batch SGD: at every step each sample enters the
gradient with probability ``batch`` (independently; or by the persistent chain of the model's
``persistence``), the ridge term is not subsampled. ``loss='hinge'`` runs the mollified hinge of
width ``smoothing``, and the exact hinge (subgradient -y 1[yh < 1]) at smoothing = 0.

``dmft-gmm``: the same (S)GD on two symmetric clusters ``x = y v*/sqrt(d) + sqrt(noise) z``,
``||v*||²/d = signal`` exactly, y = ±1 uniform; ``test_error`` = Φ(-m/sqrt(noise C)) (exact
given θ), ``test_loss`` by quadrature over a fresh sample given (C, m).
"""

from __future__ import annotations

import numpy as np

from ..validation import ParameterError
from ..measures import glm_spec, mixture_error, selection_rates, teacher_student_errors, test_loss_mixture
from ._registry import Simulator, register_simulator


def _steps(time, step):
    time = np.atleast_1d(np.asarray(time, dtype=float))
    return np.rint(time / step).astype(int)


# -- least squares ---------------------------------------------------------------------------------
def _ls_p(gamma, n):
    p = int(round(gamma * n))
    if p < 1:
        raise ParameterError(f"gd-least-squares: gamma*n = {gamma * n:g} gives no features; increase n")
    return p


def _ls_trial(params, sizes, rng):
    n = sizes["n"]
    p = _ls_p(params.gamma, n)
    lam, step, noise = float(params.lam), float(params.step), float(params.noise)
    times = np.atleast_1d(np.asarray(params.time, dtype=float))
    beta = rng.standard_normal(p)
    beta *= np.sqrt(params.signal) / np.linalg.norm(beta)
    x = rng.standard_normal((n, p))
    y = x @ beta + np.sqrt(noise) * rng.standard_normal(n)
    u, d, vt = np.linalg.svd(x, full_matrices=False)
    s = d ** 2 / n
    tol = max(n, p) * np.finfo(float).eps * (d[0] if d.size else 0.0)
    live = d > tol
    if step > 0:
        ks = _steps(times, step)
        phi = np.where(live[None, :], (1.0 - step * (s[None, :] + lam)) ** ks[:, None], 1.0)
        # Real gradient descent, recorded at the requested step counts.
        b = np.zeros(p)
        iterates = {}
        xty = x.T @ y / n
        wanted = set(ks.tolist())
        if 0 in wanted:
            iterates[0] = b.copy()
        for k in range(1, int(ks.max(initial=0)) + 1):
            b = b - step * (x.T @ (x @ b) / n - xty + lam * b)
            if k in wanted:
                iterates[k] = b.copy()
        coef = np.stack([iterates[k] for k in ks.tolist()], axis=1)  # (p, T)
    else:
        phi = np.where(live[None, :], np.exp(-times[:, None] * (s[None, :] + lam)), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(live[None, :], (1.0 - phi) / (s[None, :] + lam), 0.0)  # (T, r)
    h = g * s[None, :]
    vb = vt @ beta
    if step == 0:
        coef = vt.T @ (g * (d * (u.T @ y) / n)[None, :]).T
    err = coef - beta[:, None]
    resid = y[:, None] - x @ coef
    outside = beta @ beta - vb @ vb  # part of β orthogonal to the row space of X
    bias = max(outside, 0.0) + ((1.0 - h) ** 2) @ (vb ** 2)
    variance = noise * (g ** 2 @ s) / n
    excess = np.sum(err ** 2, axis=0)
    return {
        "excess_risk": excess,
        "bias": bias,
        "variance": variance,
        "test_error": excess + noise,
        "train_error": np.sum(resid ** 2, axis=0) / n,
        "norm": np.sum(coef ** 2, axis=0),
    }


register_simulator(Simulator(
    model="gd-least-squares", variant="isotropic", trial=_ls_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * s["n"] * max(p.gamma * s["n"], 1.0),
    observables=('excess_risk', 'bias', 'variance', 'test_error', 'train_error', 'norm'),
    sizes={"n": "number of samples; p = round(gamma n)"}, vectorized=("time",),
    effective=lambda params, sizes: {"gamma": _ls_p(params.gamma, sizes["n"]) / sizes["n"]},
    description="real gradient descent (step > 0) or exact gradient flow (step = 0) on Gaussian data",
    example={"n": 80, "gamma": 0.5, "time": [2.0, 8.0], "lam": 0.005, "noise": 0.25, "step": 0.2},
))


def _ls_general_trial(params, sizes, rng):
    n = params.n
    if n != int(n):
        raise ParameterError(f"gd-least-squares: simulation needs an integer sample size 'n'; got {n!r}")
    n = int(n)
    s_cov, beta = params.eigenvalues, params.target
    lam, step, noise = float(params.lam), float(params.step), float(params.noise)
    ks = _steps(params.time, step)
    x = rng.standard_normal((n, s_cov.size)) * np.sqrt(s_cov)
    y = x @ beta + np.sqrt(noise) * rng.standard_normal(n)
    b = np.zeros(s_cov.size)
    snaps = {}
    wanted = set(ks.tolist())
    xty = x.T @ y / n
    for k in range(int(ks.max(initial=0)) + 1):
        if k in wanted:
            snaps[k] = b.copy()
        b = b - step * (x.T @ (x @ b) / n - xty + lam * b)
    coef = np.stack([snaps[k] for k in ks.tolist()], axis=1)
    err = coef - beta[:, None]
    # conditional bias and variance from the SVD of X: the iterate is V g(S) V' X'y/n
    u, d, vt = np.linalg.svd(x, full_matrices=False)
    sv = d ** 2 / n
    live = d > max(x.shape) * np.finfo(float).eps * (d[0] if d.size else 0.0)
    phi = np.where(live[None, :], (1.0 - step * (sv[None, :] + lam)) ** ks[:, None], 1.0)
    g = np.where(live[None, :], (1.0 - phi) / (sv[None, :] + lam), 0.0)
    mean_err = vt.T @ ((g * sv[None, :]) * (vt @ beta)[None, :]).T - beta[:, None]
    vsig = (vt ** 2) @ s_cov  # (V'ΣV)_jj
    return {
        "excess_risk": s_cov @ err ** 2,
        "bias": s_cov @ mean_err ** 2,
        "variance": noise * (g ** 2 @ (sv * vsig)) / n,
        "test_error": s_cov @ err ** 2 + noise,
        "train_error": np.sum((y[:, None] - x @ coef) ** 2, axis=0) / n,
        "norm": np.sum(coef ** 2, axis=0),
    }


register_simulator(Simulator(
    model="gd-least-squares", variant="general", trial=_ls_general_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * float(p.n) * p.eigenvalues.size,
    observables=('excess_risk', 'bias', 'variance', 'test_error', 'train_error', 'norm'), vectorized=("time",),
    description="real gradient descent on x ~ N(0, diag(eigenvalues)), β = target",
    example={"n": 100, "time": [2.0, 10.0], "step": 0.5, "lam": 0.01, "noise": 0.25,
             "spectrum": "power-law:p=200,decay=1.5,source=0.5"},
))


# -- GLM ---------------------------------------------------------------------------------------------
def selections(rng, n, batch, persistence, step):
    """Selection vectors s(k) in {0, 1}^n for k = 0, 1, ... (None: full batch), the chain of
    :func:`asymptotics.dmft.glm.selection_paths` drawn with ``rng``."""
    if batch >= 1.0:
        while True:
            yield None
    sel = rng.random(n) < batch
    rates = selection_rates(batch, persistence, step)
    while True:
        yield sel.astype(float)
        u = rng.random(n)
        if rates is not None:
            sel = np.where(sel, u >= rates[0], u < rates[1])
        elif persistence == 0.0:
            sel = u < batch
        # persistence = inf: frozen


def _sgd(x, y, loss, ks, step, lam, batch, persistence, rng):
    """Real (S)GD from θ = 0 on Σ_μ s_μ ℓ(y_μ, x_μ·θ/sqrt d) + (lam/2)||θ||², the iterates at the
    step counts ``ks`` as columns of a (d, len(ks)) array."""
    n, d = x.shape
    root = np.sqrt(d)
    theta = np.zeros(d)
    snaps = {}
    wanted = set(ks.tolist())
    kmax = int(ks.max(initial=0))
    draw = selections(rng, n, float(batch), float(persistence), float(step))
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(kmax + 1):
            if k in wanted:
                snaps[k] = theta.copy()
            if k == kmax:
                break
            lp = loss(y, x @ theta / root)[1]
            sel = next(draw)
            if sel is not None:
                lp = lp * sel
            theta = theta - step * (x.T @ lp / root + lam * theta)
    return np.stack([snaps[k] for k in ks.tolist()], axis=1)


def _train_stats(x, y, thetas, loss, classification):
    h = x @ thetas / np.sqrt(x.shape[1])  # (n, T)
    with np.errstate(over="ignore", invalid="ignore"):
        lval = loss(np.broadcast_to(y[:, None], h.shape), h)[0]
    if classification:
        margin = y[:, None] * h
        train_error = np.mean((margin < 0) + 0.5 * (margin == 0), axis=0)
    else:
        train_error = np.mean((h - y[:, None]) ** 2, axis=0)
    return lval.mean(axis=0), train_error


def _samples(alpha, d, model):
    """n = round(alpha d), at least one sample."""
    n = int(round(alpha * d))
    if n < 1:
        raise ParameterError(f"{model}: alpha*d = {alpha * d:g} gives no samples; increase d")
    return n


def _glm_n(alpha, d):
    return _samples(alpha, d, "dmft-glm")


def _glm_trial(params, sizes, rng):
    d = sizes["d"]
    n = _glm_n(params.alpha, d)
    step, lam, rho, noise = float(params.step), float(params.lam), float(params.signal), float(params.noise)
    sp = glm_spec(params.loss, params.teacher, noise, float(params.smoothing), "dmft-glm")
    ks = _steps(params.time, step)
    star = rng.standard_normal(d)
    star *= np.sqrt(rho * d) / np.linalg.norm(star)
    x = rng.standard_normal((n, d))
    y = sp.teacher(x @ star / np.sqrt(d), rng.standard_normal(n))
    thetas = _sgd(x, y, sp.loss, ks, step, lam, params.batch, params.persistence, rng)
    train_loss, train_error = _train_stats(x, y, thetas, sp.loss, sp.classification)
    c = np.sum(thetas ** 2, axis=0) / d
    m = star @ thetas / d
    test_error, test_loss = teacher_student_errors(sp, c, m, rho, noise)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(c > 0, m / np.sqrt(np.maximum(c, 1e-300) * rho), 0.0)
    return {"train_loss": train_loss, "train_error": train_error, "test_error": test_error,
            "test_loss": test_loss, "norm": c, "overlap": m, "cosine": cosine}


register_simulator(Simulator(
    model="dmft-glm", variant="teacher-student", trial=_glm_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * p.alpha * s["d"] ** 2,
    observables=('train_loss', 'train_error', 'test_error', 'test_loss', 'norm', 'overlap', 'cosine'),
    sizes={"d": "dimension; n = round(alpha d) samples"}, vectorized=("time",),
    effective=lambda params, sizes: {"alpha": _glm_n(params.alpha, sizes["d"]) / sizes["d"]},
    description="real (mini-batch) gradient descent on Gaussian teacher-student data",
    example={"d": 100, "alpha": 2.0, "time": [1.0, 2.0], "step": 0.25, "loss": "logistic",
             "teacher": "sign", "batch": 0.5, "paths": 400},
))


# -- Gaussian mixture ----------------------------------------------------------------------------------
def _gmm_n(alpha, d):
    return _samples(alpha, d, "dmft-gmm")


def _gmm_trial(params, sizes, rng):
    d = sizes["d"]
    n = _gmm_n(params.alpha, d)
    step, lam, rho, delta = float(params.step), float(params.lam), float(params.signal), float(params.noise)
    sp = glm_spec(params.loss, "sign", 0.0, float(params.smoothing), "dmft-gmm")
    ks = _steps(params.time, step)
    v = rng.standard_normal(d)
    v *= np.sqrt(rho * d) / np.linalg.norm(v)
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    x = y[:, None] * v[None, :] / np.sqrt(d) + np.sqrt(delta) * rng.standard_normal((n, d))
    thetas = _sgd(x, y, sp.loss, ks, step, lam, params.batch, params.persistence, rng)
    train_loss, train_error = _train_stats(x, y, thetas, sp.loss, True)
    c = np.sum(thetas ** 2, axis=0) / d
    m = v @ thetas / d
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(c > 0, m / np.sqrt(np.maximum(c, 1e-300) * rho), 0.0)
    return {"train_loss": train_loss, "train_error": train_error,
            "test_error": mixture_error(c, m, delta), "test_loss": test_loss_mixture(sp.loss, c, m, delta),
            "norm": c, "overlap": m, "cosine": cosine}


register_simulator(Simulator(
    model="dmft-gmm", variant="two-clusters", trial=_gmm_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * 4 * p.alpha * s["d"] ** 2,
    observables=('train_loss', 'train_error', 'test_error', 'test_loss', 'norm', 'overlap', 'cosine'),
    sizes={"d": "dimension; n = round(alpha d) samples"}, vectorized=("time",),
    effective=lambda params, sizes: {"alpha": _gmm_n(params.alpha, sizes["d"]) / sizes["d"]},
    description="real (mini-batch / persistent) SGD on two symmetric Gaussian clusters",
    example={"d": 100, "alpha": 2.0, "time": [1.0, 2.0], "step": 0.25, "noise": 0.5, "loss": "logistic",
             "batch": 0.3, "paths": 400},
))

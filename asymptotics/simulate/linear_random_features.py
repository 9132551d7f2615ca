"""Monte Carlo twin of ``linear-random-features``: ridge on Gaussian random projections.

Each trial draws ``X`` (n x d) with rows ``N(0, Σ)`` (Σ diagonal in its eigenbasis), ``y = Xβ + ε``,
a projection ``F`` (d x N) with iid ``N(0, 1/N)`` entries, and fits ridge on ``Z = XF`` for every
requested penalty from one SVD of Z: ``v̂ = (Z'Z + n lam I)^{-1} Z'y``, ``θ̂ = F v̂``. Observables
are exact given the draw: ``excess_risk = (θ̂ - β)'Σ(θ̂ - β)``, ``bias`` the same for the
noiseless labels, ``variance = noise tr(A'ΣA)`` with ``θ̂ = A y``, ``train_error = ||y - Zv̂||²/n``,
``df1 = tr Z'Z(Z'Z + n lam)^{-1}/n``. Isotropic: β uniform on the sphere of radius sqrt(signal).
"""

from __future__ import annotations

import numpy as np

from ..validation import ParameterError
from ._registry import Simulator, register_simulator
from .ridge import RidgePath


def _observables(rng, x, y, f_clean, s, beta, noise, big_n, lams):
    n, d = x.shape
    f = rng.standard_normal((d, big_n)) / np.sqrt(big_n)
    z = x @ f
    path = RidgePath.fit(z, y)
    g, hfil, r = path.filters(lams)
    fv = f @ path.v  # d x r
    uy = path.u.T @ y
    uf = path.u.T @ f_clean
    err = fv @ (g * uy).T - beta[:, None]
    mean_err = fv @ (g * uf).T - beta[:, None]
    vsig = (fv ** 2).T @ s  # (FV)'Σ(FV) diagonal
    outside = float(y @ y - uy @ uy)
    train = (max(outside, 0.0) + (r ** 2) @ (uy ** 2)) / n
    excess = s @ err ** 2
    return {
        "excess_risk": excess,
        "test_error": excess + noise,
        "train_error": train,
        "bias": s @ mean_err ** 2,
        "variance": noise * (g ** 2 @ vsig),
        "df1": hfil.sum(axis=1) / n,
    }


def _draw(rng, n, s, beta, noise):
    x = rng.standard_normal((n, s.size)) * np.sqrt(s)
    clean = x @ beta
    return x, clean + np.sqrt(noise) * rng.standard_normal(n), clean


def _iso_sizes(params, d):
    big_n, n = int(round(params.psi1 * d)), int(round(params.psi2 * d))
    if big_n < 1 or n < 1:
        raise ParameterError("linear-random-features: psi1*d and psi2*d must round to >= 1; increase d")
    return big_n, n


def _iso_trial(params, sizes, rng):
    d = sizes["d"]
    big_n, n = _iso_sizes(params, d)
    beta = rng.standard_normal(d)
    beta *= np.sqrt(params.signal) / np.linalg.norm(beta)
    s = np.ones(d)
    x, y, clean = _draw(rng, n, s, beta, params.noise)
    return _observables(rng, x, y, clean, s, beta, params.noise, big_n, np.atleast_1d(params.lam))


def _iso_effective(params, sizes):
    big_n, n = _iso_sizes(params, sizes["d"])
    return {"psi1": big_n / sizes["d"], "psi2": n / sizes["d"]}


def _general_trial(params, sizes, rng):
    for name in ("n", "features"):
        v = getattr(params, name)
        if v != int(v):
            raise ParameterError(f"linear-random-features: simulation needs an integer '{name}'; got {v!r}")
    s, beta = params.eigenvalues, params.target
    x, y, clean = _draw(rng, int(params.n), s, beta, params.noise)
    return _observables(rng, x, y, clean, s, beta, params.noise, int(params.features),
                        np.atleast_1d(params.lam))


register_simulator(Simulator(
    model="linear-random-features", variant="isotropic", trial=_iso_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * (p.psi1 * s["d"] ** 2 + p.psi2 * s["d"] ** 2 + 3 * p.psi1 * p.psi2 * s["d"] ** 2),
    observables=('excess_risk', 'test_error', 'train_error', 'bias', 'variance', 'df1'),
    sizes={"d": "input dimension; N = round(psi1 d), n = round(psi2 d)"}, vectorized=("lam",),
    effective=_iso_effective,
    description="x ~ N(0, I_d), F with iid N(0, 1/N) entries, ridge on XF from one SVD",
    example={"d": 60, "psi1": 2.0, "psi2": 1.5, "lam": 0.05, "signal": 1.0, "noise": 0.2},
))
register_simulator(Simulator(
    model="linear-random-features", variant="general", trial=_general_trial,
    # peak bytes of one trial: the data matrix and the estimator's copies of it
    memory=lambda p, s: 8.0 * (p.eigenvalues.size * (float(p.features) + float(p.n)) + 3 * float(p.n) * float(p.features)),
    observables=('excess_risk', 'test_error', 'train_error', 'bias', 'variance', 'df1'), vectorized=("lam",),
    description="x ~ N(0, diag(eigenvalues)), F with iid N(0, 1/N) entries, ridge on XF",
    example={"n": 100, "features": 150, "lam": 0.01, "noise": 0.1,
             "spectrum": "power-law:p=300,decay=1.5,source=0.5"},
))

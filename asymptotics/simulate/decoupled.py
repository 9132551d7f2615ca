"""Monte Carlo twin of ``decoupled-descent``: plain GD and decoupled descent on drawn mixtures.

One draw: r orthogonal directions v_j with ||v_j||²/d = signal exactly (Gram–Schmidt of Gaussian
vectors), n = round(alpha d) samples x_μ = μ_{c_μ}/sqrt(d) + sqrt(noise) z_μ with clusters drawn
iid from the layout's probabilities, Θ^0 = (init_overlap/signal) Σ_a v_a e_a' + sqrt(init_var) G.
The algorithms (the model's conventions) run on the summed loss with the model's sympy loss:

    GD: Θ <- (1 - step lam) Θ - step X'g(XΘ/sqrt d)/sqrt d;
    DD: the same at the decoupled fields h~ = XΘ/sqrt d - Δ̂ K, K <- K M - step g(h~),
        M = (1 - step lam) I - step (Δ̂/d) Σ_μ ∇²ℓ(h~_μ), Δ̂ = ||X||²_F/(n d)   (no oracle input);

the natural step replaces ``step`` by the matrix (ξ̂ + lam I)^{-1}. Recorded per iteration:
``test_error`` and ``test_loss`` exact given Θ (a fresh sample has h ~ N(U_c V'Θ/d, Δ Θ'Θ/d):
the misclassification by one-dimensional conditioning, the loss by Gauss–Hermite), the
decoupled train error/loss over the n training samples at h~, ``norm``, ``overlap``, ``cosine``.
:func:`gd_and_dd` runs both algorithms on one instance (common random numbers) and also returns
the raw training error/loss (at the fitted fields h) of each.
"""

from __future__ import annotations

import numpy as np

from ..measures import mixture_expectations, mixture_functions
from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["draw", "run", "gd_and_dd"]

_MAX_NATURAL = 300  # iteration = inf: natural-step iterations run at most (stops once converged)


def _n(alpha, d):
    n = int(round(alpha * d))
    if n < 1:
        raise ParameterError(f"decoupled-descent: alpha*d = {alpha * d:g} gives no samples; increase d")
    return n


def draw(fns, *, alpha, noise, signal, init_overlap, init_var, d, rng):
    """One instance: X (n, d), labels (n,), clusters (n,), directions V (d, r), Θ^0 (d, k)."""
    n = _n(alpha, d)
    U = fns.means
    r, k = U.shape[1], fns.k
    v, _ = np.linalg.qr(rng.standard_normal((d, r)))
    v *= np.sqrt(signal * d)
    cl = rng.choice(len(fns.probs), size=n, p=fns.probs)
    mu = U[cl] @ v.T  # (n, d): the cluster means μ_c
    x = mu / np.sqrt(d) + np.sqrt(noise) * rng.standard_normal((n, d))
    theta0 = (init_overlap / signal) * v[:, :k] + np.sqrt(init_var) * rng.standard_normal((d, k))
    return x, fns.labels[cl], cl, v, theta0


def _population(fns, theta, v, noise, signal):
    d, k = theta.shape
    overlaps = v.T @ theta / d  # (r, k)
    means = fns.means @ overlaps  # (C, k)
    per_c, err = mixture_expectations(fns, means, noise * theta.T @ theta / d)
    loss = float(sum(fns.probs[c] * per_c[c][0] for c in range(len(per_c))))
    norm = float(np.sum(theta ** 2) / (d * k))
    overlap = float(np.trace(overlaps[:k, :k]) / k)
    cos = overlap / np.sqrt(norm * signal) if norm > 0 else 0.0
    return {"test_error": err, "test_loss": loss, "norm": norm, "overlap": overlap, "cosine": cos}


def run(fns, x, labels, v, theta0, *, algorithm, step, lam, iterations, noise, signal, natural_tol=1e-10):
    """Run ``algorithm`` ('gd' or 'dd') and return {name: array over ``iterations``}.

    ``step=None`` is the natural step (DD only); ``iterations`` may then contain inf: the iterate
    once the relative change per step is below ``natural_tol`` (at most 300 iterations)."""
    n, d = x.shape
    k = fns.k
    its = np.atleast_1d(np.asarray(iterations, dtype=float))
    finite = its[np.isfinite(its)]
    last = int(finite.max()) if finite.size else 0
    to_inf = bool(np.any(~np.isfinite(its)))
    if to_inf and step is not None:
        raise ParameterError("decoupled-descent: iteration = inf needs the natural step")
    root = np.sqrt(d)
    delta_hat = float(np.sum(x ** 2) / (n * d))
    eye = np.eye(k)
    theta, kmem = theta0.copy(), np.zeros((n, k))

    def stats():
        h = x @ theta / root
        ht = h - delta_hat * kmem if algorithm == "dd" else h
        out = _population(fns, theta, v, noise, signal)
        out["decoupled_train_error"] = float(np.mean(fns.error(ht, labels)))
        out["decoupled_train_loss"] = float(np.mean(fns.derivatives(ht, labels)[0]))
        out["train_error"] = float(np.mean(fns.error(h, labels)))
        out["train_loss"] = float(np.mean(fns.derivatives(h, labels)[0]))
        return out

    rows = {}
    wanted = set(int(i) for i in finite)
    t, change = 0, np.inf
    while True:
        if t in wanted:
            rows[t] = stats()
        if t >= last and (not to_inf or change < natural_tol or t >= max(last, _MAX_NATURAL)):
            break
        h = x @ theta / root
        ht = h - delta_hat * kmem if algorithm == "dd" else h
        _, grad, hess = fns.derivatives(ht, labels)
        xi = delta_hat * hess.sum(axis=0) / d
        xi = (xi + xi.T) / 2
        stp = np.linalg.inv(xi + lam * eye) if step is None else step * eye
        new = theta - (x.T @ grad / root + lam * theta) @ stp
        if algorithm == "dd":
            kmem = kmem @ (eye - (xi + lam * eye) @ stp) - grad @ stp
        change = np.linalg.norm(new - theta) / max(np.linalg.norm(theta), 1e-300)
        theta = new
        t += 1
    final = stats() if to_inf else None
    names = (final or rows[max(rows)]).keys()
    return {name: np.array([rows[int(i)][name] if np.isfinite(i) else final[name] for i in its])
            for name in names}


def _trial(params, sizes, rng, natural):
    data = "two-clusters" if natural else params.data
    fns = mixture_functions(data, params.loss)
    x, labels, _, v, theta0 = draw(fns, alpha=float(params.alpha), noise=float(params.noise),
                                   signal=float(params.signal), init_overlap=float(params.init_overlap),
                                   init_var=float(params.init_var), d=sizes["d"], rng=rng)
    res = run(fns, x, labels, v, theta0, algorithm="dd", step=None if natural else float(params.step),
              lam=float(params.lam), iterations=params.iteration, noise=float(params.noise),
              signal=float(params.signal))
    res.pop("train_error")
    res.pop("train_loss")
    return res


def gd_and_dd(*, d: int, seed: int = 0, iterations, data: str = "two-clusters", loss: str = "logistic",
              alpha: float, noise: float = 0.5, signal: float = 1.0, lam: float = 0.0, step: float,
              init_overlap: float = 0.0, init_var: float = 0.0):
    """Plain GD and decoupled descent on ONE drawn instance (common random numbers): a dict
    ``{"gd": {...}, "dd": {...}}`` of arrays over ``iterations`` with the model's observables plus
    ``train_error``/``train_loss`` at the fitted fields (for GD the decoupled fields are the
    fitted ones)."""
    fns = mixture_functions(data, loss)
    rng = np.random.default_rng(seed)
    x, labels, _, v, theta0 = draw(fns, alpha=alpha, noise=noise, signal=signal, init_overlap=init_overlap,
                                   init_var=init_var, d=int(d), rng=rng)
    kw = dict(step=step, lam=lam, iterations=iterations, noise=noise, signal=signal)
    return {alg: run(fns, x, labels, v, theta0, algorithm=alg, **kw) for alg in ("gd", "dd")}


OBSERVABLES = ("test_error", "test_loss", "norm", "overlap", "cosine", "decoupled_train_error",
               "decoupled_train_loss")


def _effective(params, sizes):
    return {"alpha": _n(params.alpha, sizes["d"]) / sizes["d"]}


register_simulator(Simulator(
    model="decoupled-descent", variant="gd-step", trial=lambda p, s, r: _trial(p, s, r, False),
    observables=OBSERVABLES,
    sizes={"d": "dimension; n = round(alpha d) samples"}, vectorized=("iteration",), effective=_effective,
    description="decoupled descent (Onsager-corrected full-batch GD) on a drawn Gaussian mixture",
    example={"d": 100, "alpha": 2.0, "iteration": [0, 3, 6], "step": 0.2, "noise": 0.5, "lam": 0.1},
))

register_simulator(Simulator(
    model="decoupled-descent", variant="natural-step", trial=lambda p, s, r: _trial(p, s, r, True),
    observables=OBSERVABLES,
    sizes={"d": "dimension; n = round(alpha d) samples"}, vectorized=("iteration",), effective=_effective,
    description="decoupled descent with the natural step on two drawn clusters",
    example={"d": 100, "alpha": 2.0, "iteration": [1, 3, 5], "noise": 0.5, "lam": 0.1},
))

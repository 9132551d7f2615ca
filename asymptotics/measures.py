"""Definitions a theory and its Monte Carlo twin share (they are not results of either).

- :class:`GLMSpec` and :func:`glm_spec`: a loss and a teacher of :mod:`asymptotics.vocabulary`
  as vectorized numeric functions (generated from their sympy forms by codegen), used by the DMFT
  engine and by the twins that run the real (S)GD;
- :func:`selection_rates`: the per-step rates of the persistent-SGD selection chain (the algorithm's
  definition: the DMFT samples it on paths, the twin runs it on data);
- the exact population loss / error of a linear predictor given its overlaps with the teacher
  (``h ~ N(0, c)`` with ``Cov(h, h*) = m``): one-dimensional Gaussian integrals that both the DMFT
  (on its order parameters) and the twins (on the trained estimator's overlaps) evaluate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

from . import vocabulary
from .codegen import Kernel
from .integrals import gauss_hermite
from .validation import ParameterError

__all__ = ["GLMSpec", "glm_spec", "selection_rates", "psd_cholesky", "test_loss_classification",
           "test_loss_regression", "test_loss_mixture", "mixture_error", "teacher_student_errors"]


@dataclass(frozen=True)
class GLMSpec:
    """Numeric loss and teacher: ``loss(y, h) -> (ℓ, ℓ', ℓ'')`` and ``teacher(h*, ε) -> y``
    (vectorized), ``classification`` (labels ±1: test error is the misclassification rate),
    ``exact_linear`` (square loss and linear teacher: expectations in closed form)."""

    loss: Callable[[np.ndarray, np.ndarray], tuple]
    teacher: Callable[[np.ndarray, np.ndarray], np.ndarray]
    classification: bool
    exact_linear: bool
    name: str = ""
    linear_loss: bool = False  # ℓ'' = 1 (square loss): the mixture at b = 1 is exact linear algebra


def glm_spec(loss: str, teacher: str, noise_value: float = 0.0, smoothing_value: float = 0.1,
             model: str = "") -> GLMSpec:
    """The numeric GLMSpec of a vocabulary loss and teacher: ``(ℓ, ℓ', ℓ'')`` in the prediction
    and the labels ``y = φ(h*, ε)``. Non-smooth losses are mollified with ``smoothing_value``
    (0: the exact loss, whose ℓ'' misses the kink's mass; for simulations)."""
    where = f"{model}: " if model else ""
    if loss not in vocabulary.LOSSES:
        raise ParameterError(f"{where}parameter 'loss' must be one of "
                             f"{', '.join(map(repr, vocabulary.LOSSES))}; got {loss!r}")
    if teacher not in vocabulary.TEACHERS:
        raise ParameterError(f"{where}parameter 'teacher' must be one of "
                             f"{', '.join(map(repr, vocabulary.TEACHERS))}; got {teacher!r}")
    declared = vocabulary.LOSSES[loss]
    exact = declared.mollified is not None and float(smoothing_value) == 0.0
    ell = declared.pointwise(smoothing=not exact)
    d1 = sp.diff(ell, vocabulary.H)
    kernel = Kernel([ell, d1, sp.diff(d1, vocabulary.H)], (vocabulary.Y, vocabulary.H, vocabulary.SMOOTHING))
    eps_value = float(smoothing_value)
    label = Kernel([vocabulary.TEACHERS[teacher].label], (vocabulary.HSTAR, vocabulary.EPS, vocabulary.NOISE))

    def loss_fn(yv, hv):
        shape = np.shape(hv)
        yv = np.broadcast_to(np.asarray(yv, float), shape).reshape(-1)
        out = kernel({"y": yv, "h": np.asarray(hv, float).reshape(-1),
                      "smoothing": np.full(yv.shape, eps_value)})
        return tuple(np.broadcast_to(np.asarray(o, float), yv.shape).reshape(shape) for o in out)

    def teacher_fn(hs, ev):
        return label({"hstar": hs, "eps": ev, "noise": np.full(hs.shape, noise_value)})[0].copy()

    square = declared.regression is not None
    return GLMSpec(loss_fn, teacher_fn, classification=vocabulary.TEACHERS[teacher].classification,
                   exact_linear=(square and not vocabulary.TEACHERS[teacher].classification),
                   name=loss if not exact else f"{loss}(exact)", linear_loss=square)


def selection_rates(batch: float, persistence: float, step: float):
    """(leave, enter) probabilities per step of the selection chain (see :func:`selection_paths`);
    None for plain SGD (persistence = 0) or frozen selection (persistence = inf)."""
    if batch >= 1.0 or persistence == 0.0 or np.isinf(persistence):
        return None
    return step / persistence, step * batch / ((1.0 - batch) * persistence)


def psd_cholesky(cov: np.ndarray) -> np.ndarray:
    """Lower factor L with L L' = cov + δ I, δ the smallest of 1e-12, 1e-10, ... times the scale
    that makes Cholesky succeed (cov is PSD but singular: w[0] = 0 when θ starts at 0)."""
    scale = max(float(np.max(np.diag(cov), initial=0.0)), 1e-300)
    for rel in (1e-12, 1e-10, 1e-8, 1e-6):
        try:
            return np.linalg.cholesky(cov + rel * scale * np.eye(cov.shape[0]))
        except np.linalg.LinAlgError:
            continue
    w, v = np.linalg.eigh(cov)
    return v * np.sqrt(np.clip(w, 0.0, None))


def test_loss_classification(loss, c, m, rho, noise, order=80):
    """E ℓ(y, h) for a fresh sample: h ~ N(0, c), z = h* + sqrt(noise) ε with Cov(h, z) = m,
    y = sign(z); conditioning on h leaves P(y = 1 | h) = Φ(mean/sd), a 1-D Gauss–Hermite integral."""
    from scipy.special import ndtr

    x, wts = gauss_hermite(order)
    out = np.empty(c.size)
    vz = rho + noise
    for k in range(c.size):
        sd = np.sqrt(max(c[k], 0.0))
        h = sd * x
        if sd > 0:
            mean = m[k] / c[k] * h
            var = max(vz - m[k] ** 2 / c[k], 0.0)
        else:
            mean, var = 0.0 * h, vz
        p_plus = ndtr(mean / np.sqrt(var)) if var > 0 else (mean > 0) + 0.5 * (mean == 0)
        lp = loss(np.ones_like(h), h)[0]
        lm = loss(-np.ones_like(h), h)[0]
        out[k] = np.dot(wts, p_plus * lp + (1 - p_plus) * lm)
    return out


def test_loss_regression(loss, c, m, rho, noise, order=40):
    """E ℓ(y, h) for a fresh sample with y = z = h* + sqrt(noise) ε jointly Gaussian with h."""
    x, wts = gauss_hermite(order)
    u, v = np.meshgrid(x, x, indexing="ij")
    w2 = np.outer(wts, wts)
    out = np.empty(c.size)
    vz = rho + noise
    for k in range(c.size):
        cov = np.array([[max(c[k], 0.0), m[k]], [m[k], vz]])
        lchol = psd_cholesky(cov)
        h = lchol[0, 0] * u
        y = lchol[1, 0] * u + lchol[1, 1] * v
        out[k] = np.sum(w2 * loss(y, h)[0])
    return out


def test_loss_mixture(loss, c, m, delta, order=80):
    """E ℓ(y, h) on a fresh mixture sample: y = ±1 equally likely, h = y m + sqrt(Δ C) Z."""
    x, wts = gauss_hermite(order)
    out = np.empty(c.size)
    for k in range(c.size):
        sd = np.sqrt(max(delta * c[k], 0.0))
        plus = loss(np.ones_like(x), m[k] + sd * x)[0]
        minus = loss(-np.ones_like(x), -m[k] + sd * x)[0]
        out[k] = 0.5 * np.dot(wts, plus + minus)
    return out


def mixture_error(c, m, delta):
    """P(y h < 0) for h = y m + sqrt(Δ C) Z: Φ(-m / sqrt(Δ C)) (1/2 at C = 0)."""
    from scipy.special import ndtr

    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.maximum(delta * c, 0.0))
        return np.where(sd > 0, ndtr(-m / np.where(sd > 0, sd, 1.0)), 0.5 + 0.5 * np.sign(-m))


def teacher_student_errors(spec: GLMSpec, c, m, rho: float, noise: float):
    """(test error, test loss) of linear predictors with ``||θ||²/d = c`` and ``θ·θ*/d = m``
    on fresh teacher-student data (teacher score variance ``rho``, label noise ``noise``):
    classification error arccos(m/sqrt(c (rho + noise)))/π (sign labels), else the squared error
    c - 2m + rho + noise; the loss by :func:`test_loss_classification` / :func:`test_loss_regression`."""
    c, m = np.asarray(c, dtype=float), np.asarray(m, dtype=float)
    if spec.classification:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(c > 0, m / np.sqrt(np.maximum(c, 1e-300) * (rho + noise)), 0.0)
        return (np.arccos(np.clip(ratio, -1.0, 1.0)) / np.pi,
                test_loss_classification(spec.loss, c, m, rho, noise))
    return c - 2.0 * m + rho + noise, test_loss_regression(spec.loss, c, m, rho, noise)

"""Definitions a theory and its Monte Carlo twin share (they are not results of either).

- :class:`GLMSpec` and :func:`glm_spec`: a loss and a teacher of :mod:`asymptotics.vocabulary`
  as vectorized numeric functions (generated from their sympy forms by codegen), used by the DMFT
  engine and by the twins that run the real (S)GD;
- :func:`selection_rates`: the per-step rates of the persistent-SGD selection chain (the algorithm's
  definition: the DMFT samples it on paths, the twin runs it on data);
- the exact population loss / error of a linear predictor given its overlaps with the teacher
  (``h ~ N(0, c)`` with ``Cov(h, h*) = m``): one-dimensional Gaussian integrals that both the DMFT
  (on its order parameters) and the twins (on the trained estimator's overlaps) evaluate;
- Gaussian-mixture layouts with a k-field predictor (two clusters, XOR) compiled from their sympy
  forms, and their population errors given the fields' law (``decoupled-descent`` and its twin);
- the odd activations and single-index targets of the two-layer models and their numeric
  functions (``two-layer-lazy``, ``two-layer-population`` and the network twin).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import cache
from .integrals import gauss_hermite
from .runtime import NamedKernel
from .validation import ParameterError

# Sympy stays out of this module's import and of its numeric functions in a warm process: the
# sympy forms (of the vocabulary, the layouts, the activations) are read inside the ``build``
# functions of NamedKernels and ``cache.remember`` computations, which run only on a cold cache.

__all__ = ["GLMSpec", "glm_spec", "selection_rates", "psd_cholesky", "test_loss_classification",
           "test_loss_regression", "test_loss_mixture", "mixture_error", "teacher_student_errors",
           "MIXTURE_LAYOUTS", "MIXTURE_LOSSES", "MixtureLayout", "MixtureFunctions", "mixture_functions",
           "psd_sqrt", "mixture_test_error", "mixture_expectations", "MIXTURE_ORDERS",
           "NETWORK_ACTIVATIONS", "SINGLE_INDEX_TARGETS", "NetworkNumbers", "network_numbers",
           "network_functions"]


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


def _loss_traits(loss: str, teacher: str, where: str) -> dict:
    """What a GLMSpec needs to know of a vocabulary loss and teacher besides their forms (the names
    are checked here: the computation behind the remembered value)."""
    from . import vocabulary

    if loss not in vocabulary.LOSSES:
        raise ParameterError(f"{where}parameter 'loss' must be one of "
                             f"{', '.join(map(repr, vocabulary.LOSSES))}; got {loss!r}")
    if teacher not in vocabulary.TEACHERS:
        raise ParameterError(f"{where}parameter 'teacher' must be one of "
                             f"{', '.join(map(repr, vocabulary.TEACHERS))}; got {teacher!r}")
    declared = vocabulary.LOSSES[loss]
    return {"mollified": declared.mollified is not None, "square": declared.regression is not None,
            "classification": bool(vocabulary.TEACHERS[teacher].classification)}


def loss_traits(loss: str, teacher: str = "sign", model: str = "") -> dict:
    """``mollified`` (a non-smooth loss with a smooth version), ``square`` (a regression form:
    the square loss) and ``classification`` (±1 labels) of a vocabulary loss and teacher; a
    ParameterError for a name the vocabulary does not have."""
    where = f"{model}: " if model else ""
    return cache.remember("loss-traits", (str(loss), str(teacher)),
                          lambda: _loss_traits(str(loss), str(teacher), where))


def _glm_loss_kernel(loss: str, smooth: bool):
    import sympy as sp

    from . import vocabulary
    from .codegen import Kernel

    ell = vocabulary.LOSSES[loss].pointwise(smoothing=smooth)
    d1 = sp.diff(ell, vocabulary.H)
    return Kernel([ell, d1, sp.diff(d1, vocabulary.H)], (vocabulary.Y, vocabulary.H, vocabulary.SMOOTHING))


def _glm_teacher_kernel(teacher: str):
    from . import vocabulary
    from .codegen import Kernel

    return Kernel([vocabulary.TEACHERS[teacher].label], (vocabulary.HSTAR, vocabulary.EPS, vocabulary.NOISE))


def glm_spec(loss: str, teacher: str, noise_value: float = 0.0, smoothing_value: float = 0.1,
             model: str = "") -> GLMSpec:
    """The numeric GLMSpec of a vocabulary loss and teacher: ``(ℓ, ℓ', ℓ'')`` in the prediction
    and the labels ``y = φ(h*, ε)``. Non-smooth losses are mollified with ``smoothing_value``
    (0: the exact loss, whose ℓ'' misses the kink's mass; for simulations)."""
    traits = loss_traits(loss, teacher, model)
    exact = traits["mollified"] and float(smoothing_value) == 0.0
    smooth = not exact
    kernel = NamedKernel("glm-loss", (loss, smooth), lambda: _glm_loss_kernel(loss, smooth))
    eps_value = float(smoothing_value)
    label = NamedKernel("glm-teacher", (teacher,), lambda: _glm_teacher_kernel(teacher))

    def loss_fn(yv, hv):
        shape = np.shape(hv)
        yv = np.broadcast_to(np.asarray(yv, float), shape).reshape(-1)
        out = kernel({"y": yv, "h": np.asarray(hv, float).reshape(-1),
                      "smoothing": np.full(yv.shape, eps_value)})
        return tuple(np.broadcast_to(np.asarray(o, float), yv.shape).reshape(shape) for o in out)

    def teacher_fn(hs, ev):
        return label({"hstar": hs, "eps": ev, "noise": np.full(hs.shape, noise_value)})[0].copy()

    square = traits["square"]
    return GLMSpec(loss_fn, teacher_fn, classification=traits["classification"],
                   exact_linear=(square and not traits["classification"]),
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


# -- Gaussian-mixture layouts with a k-field predictor (decoupled-descent and its twin) ---------------
MIXTURE_LOSSES = ("logistic", "square")  # smooth margin losses of the vocabulary


@dataclass(frozen=True)
class MixtureLayout:
    """Clusters (mean coefficients U_c on r orthogonal directions, labels, probabilities) and the
    k fields of the predictor that classifies them (its sympy form and the conditional error are
    :func:`mixture_forms`). Clusters come in mirror pairs (c, c + C/2) with U_{c'} = -U_c and
    ℓ_{c'}(-h) = ℓ_c(h), so integrating the first half with doubled weights is exact
    (``MixtureFunctions.half``)."""

    k: int
    means: tuple
    labels: tuple
    probs: tuple
    doc: str = ""


MIXTURE_LAYOUTS = {
    "two-clusters": MixtureLayout(
        k=1, means=((1.0,), (-1.0,)), labels=(1.0, -1.0), probs=(0.5, 0.5),
        doc="clusters ±v, y = ±1; perceptron f = h"),
    "xor": MixtureLayout(
        k=2, means=((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)), labels=(1.0, -1.0, 1.0, -1.0),
        probs=(0.25, 0.25, 0.25, 0.25),
        doc="clusters ±v1 (y = +1), ±v2 (y = -1); quadratic network f = h1² - h2²"),
}


def mixture_forms(data: str) -> dict:
    """The sympy forms of a layout: ``fields`` (h_1..h_k), ``label`` y, ``predictor`` f(h),
    ``conditional_error`` = P(y f(h) < 0 | h_1..h_{k-1}) for h_k ~ N(cmean, csd²) with the symbols
    ``cmean``, ``csd``."""
    import sympy as sp

    from . import vocabulary
    from .symbolic import ndtr

    h1, h2 = sp.symbols("h1 h2", real=True)
    cmean, csd = sp.Symbol("cmean", real=True), sp.Symbol("csd", positive=True)
    y = vocabulary.Y
    if data == "two-clusters":
        fields, predictor, cond = (h1,), h1, ndtr(-y * cmean / csd)
    elif data == "xor":
        # y = +1 errs iff |h2| > |h1|, y = -1 iff |h2| < |h1|; h2 | h1 ~ N(cmean, csd²)
        fields, predictor = (h1, h2), h1 ** 2 - h2 ** 2
        cond = (1 - y) / 2 + y * (ndtr((cmean - sp.Abs(h1)) / csd) + ndtr((-cmean - sp.Abs(h1)) / csd))
    else:
        raise ParameterError(f"parameter 'data' must be one of {', '.join(map(repr, MIXTURE_LAYOUTS))}; "
                             f"got {data!r}")
    return {"fields": fields, "label": y, "predictor": predictor, "conditional_error": cond,
            "cmean": cmean, "csd": csd}


def _mixture_kernel(data: str, loss: str, role: str):
    import sympy as sp

    from . import vocabulary
    from .codegen import Kernel

    f = mixture_forms(data)
    hs, y = f["fields"], f["label"]
    ell = vocabulary.LOSSES[loss].margin.xreplace({vocabulary.U: y * f["predictor"]})
    grad = [sp.diff(ell, a) for a in hs]
    if role == "derivatives":
        return Kernel([ell, *grad, *(sp.diff(g, b) for g in grad for b in hs)], (*hs, y))
    if role == "gradient":
        return Kernel(grad, (*hs, y))
    if role == "error":
        return Kernel([sp.Heaviside(-y * f["predictor"], sp.S.Half)], (*hs, y))
    return Kernel([f["conditional_error"]], (*hs[:-1], f["cmean"], f["csd"], y))


@dataclass(frozen=True)
class MixtureFunctions:
    """Numeric functions of one (layout, loss), generated from the sympy forms by codegen:
    ``derivatives(h (P, k), y (P,))`` -> (ℓ, ∇_h ℓ (P, k), ∇²_h ℓ (P, k, k)), ``gradient`` the
    middle one alone, ``error`` the misclassification indicator (ties 1/2), ``conditional_error``
    (h_1..h_{k-1}, cmean, csd, y) -> P(err | h_1..h_{k-1})."""

    layout: MixtureLayout
    loss: str
    derivatives: Callable
    gradient: Callable
    error: Callable
    conditional_error: Callable

    @property
    def k(self) -> int:
        return self.layout.k

    @property
    def means(self) -> np.ndarray:
        return np.asarray(self.layout.means, float)

    @property
    def labels(self) -> np.ndarray:
        return np.asarray(self.layout.labels, float)

    @property
    def probs(self) -> np.ndarray:
        return np.asarray(self.layout.probs, float)

    def half(self) -> "MixtureFunctions":
        """The same functions on the first cluster of each mirror pair, with doubled weights."""
        lay = self.layout
        idx = range(len(lay.probs) // 2)
        sub = MixtureLayout(lay.k, tuple(lay.means[i] for i in idx), tuple(lay.labels[i] for i in idx),
                            tuple(2 * lay.probs[i] for i in idx), lay.doc)
        return MixtureFunctions(sub, self.loss, self.derivatives, self.gradient, self.error,
                                self.conditional_error)


_FIELD_NAMES = ("h1", "h2")


def _mix_args(names, hv, yv):
    hv = np.asarray(hv, float)
    vals = {name: np.ascontiguousarray(hv[:, j]) for j, name in enumerate(names)}
    vals["y"] = np.broadcast_to(np.asarray(yv, float), (hv.shape[0],))
    return vals


_MIXTURE_CACHE: dict = {}


def mixture_functions(data: str, loss: str) -> MixtureFunctions:
    """Compile the loss L(y f(h)) of :data:`vocabulary.LOSSES`, its gradient and Hessian in the
    fields and the errors of a layout of :data:`MIXTURE_LAYOUTS`."""
    key = (data, loss)
    if key in _MIXTURE_CACHE:
        return _MIXTURE_CACHE[key]
    if data not in MIXTURE_LAYOUTS:
        raise ParameterError(f"parameter 'data' must be one of {', '.join(map(repr, MIXTURE_LAYOUTS))}; "
                             f"got {data!r}")
    if loss not in MIXTURE_LOSSES:
        raise ParameterError(f"parameter 'loss' must be one of {', '.join(map(repr, MIXTURE_LOSSES))}; "
                             f"got {loss!r}")
    lay = MIXTURE_LAYOUTS[data]
    k = lay.k
    hs = _FIELD_NAMES[:k]
    deriv, gradk, err, cond = (NamedKernel("mixture", (data, loss, role),
                                           lambda role=role: _mixture_kernel(data, loss, role))
                               for role in ("derivatives", "gradient", "error", "conditional"))

    def derivatives(hv, yv):
        res = deriv(_mix_args(hs, hv, yv))
        p = np.asarray(hv).shape[0]
        return (np.asarray(res[0]), np.stack(res[1:1 + k], axis=1),
                np.stack(res[1 + k:], axis=1).reshape(p, k, k))

    def gradient(hv, yv):
        return np.stack(gradk(_mix_args(hs, hv, yv)), axis=1)

    def error(hv, yv):
        return np.asarray(err(_mix_args(hs, hv, yv))[0])

    def conditional(hv, mean, sd, yv):
        vals = _mix_args(hs[:-1], hv, yv)
        vals.update(cmean=np.asarray(mean, float), csd=np.asarray(sd, float))
        return np.asarray(cond(vals)[0])

    out = MixtureFunctions(lay, loss, derivatives, gradient, error, conditional)
    _MIXTURE_CACHE[key] = out
    return out


def psd_sqrt(cov: np.ndarray) -> np.ndarray:
    """A factor L with L L' = cov for a (batch of) PSD matrices, singular ones included
    (symmetric square root by eigendecomposition; negative rounding eigenvalues clipped)."""
    w, v = np.linalg.eigh(cov)
    return v * np.sqrt(np.clip(w, 0.0, None))[..., None, :]


def mixture_test_error(fns: MixtureFunctions, means, cov, order: int = 200) -> float:
    """Σ_c π_c P(y_c f(h) < 0), h ~ N(means[c], cov): the last field integrated in closed form
    given the others (``conditional_error``), the others by Gauss–Hermite (no indicator is
    integrated by quadrature)."""
    k = fns.k
    cov = np.asarray(cov, float)
    total = 0.0
    if k == 1:
        sd = np.sqrt(max(cov[0, 0], 0.0))
        for c in range(means.shape[0]):
            mu, yc = means[c, 0], fns.labels[c]
            val = (fns.conditional_error(np.empty((1, 0)), [mu], [sd], [yc])[0] if sd > 0
                   else (0.5 if mu == 0 else float(yc * mu < 0)))
            total += fns.probs[c] * val
        return float(total)
    # k = 2: h1 ~ N(mu1, s11), h2 | h1 ~ N(mu2 + s21/s11 (h1 - mu1), s22 - s21²/s11)
    x, w = gauss_hermite(order)
    s11, s21, s22 = cov[0, 0], cov[1, 0], cov[1, 1]
    sd1 = np.sqrt(max(s11, 0.0))
    slope = s21 / s11 if s11 > 0 else 0.0
    csd = np.sqrt(max(s22 - slope * s21, 1e-300))
    for c in range(means.shape[0]):
        h1 = means[c, 0] + sd1 * x
        cm = means[c, 1] + slope * (h1 - means[c, 0])
        vals = fns.conditional_error(h1[:, None], cm, np.full_like(h1, csd), np.full_like(h1, fns.labels[c]))
        total += fns.probs[c] * float(w @ vals)
    return float(total)


#: Gauss–Hermite nodes per dimension for k-field mixtures: one-time (k dims) and two-time rules.
#: k = 2 (xor, f = h1² - h2²): the logistic of f sharpens along |h1| = |h2| as the weights grow, so
#: the one-time rule needs many nodes (24 gave errors ~1e-3 in E ∇²ℓ at norm ~4, lam = 0.05; 96:
#: < 1e-6, measured against 200); it is cheap (96² nodes). The 4-d two-time rule stays at 8: its
#: error is estimated per run (``solve_decoupled``'s ``residual``).
MIXTURE_ORDERS = {1: (60, 40), 2: (96, 8)}


def mixture_expectations(fns: MixtureFunctions, means, cov, order: int | None = None):
    """Per cluster c: (E ℓ, E ∇ℓ (k), E ∇²ℓ (k, k)) over h = means[c] + N(0, cov) (tensor
    Gauss–Hermite), and the misclassification Σ_c π_c P(y_c f(h) < 0)."""
    from .integrals import gauss_hermite_product

    comps, wts = gauss_hermite_product(fns.k, order or MIXTURE_ORDERS[fns.k][0])
    nodes, wts = np.stack(comps, axis=1), np.asarray(wts)
    lower = psd_sqrt(np.asarray(cov, float))
    out = []
    for c in range(means.shape[0]):
        h = means[c] + nodes @ lower.T
        ell, grad, hess = fns.derivatives(h, np.full(h.shape[0], fns.labels[c]))
        out.append((wts @ ell, wts @ grad, np.tensordot(wts, hess, axes=1)))
    return out, mixture_test_error(fns, means, cov)


# -- two-layer networks: odd activations and single-index targets (two-layer-* and their twin) --------
#: odd activations σ(x) of the two-layer models (σ' by differentiation); sympy forms: network_forms
NETWORK_ACTIVATIONS = ("tanh", "erf", "linear")

#: single-index targets φ(z) before normalization to unit power
SINGLE_INDEX_TARGETS = ("linear", "tanh", "cubic")


def network_forms() -> tuple:
    """(x, {activation: σ(x)}, {target: φ(x)}): the sympy forms of :data:`NETWORK_ACTIVATIONS`
    and :data:`SINGLE_INDEX_TARGETS` (targets before normalization)."""
    import sympy as sp

    x = sp.Symbol("x", real=True)
    activations = {"tanh": sp.tanh(x), "erf": sp.erf(x), "linear": x}
    targets = {
        "linear": x,
        "tanh": sp.tanh(2 * x),
        "cubic": x ** 3 - 3 * x,  # He_3: information exponent 3, no linear part
    }
    return x, activations, targets


@dataclass(frozen=True)
class NetworkNumbers:
    """Gaussian constants (G ~ N(0, 1)) of an (activation, target) pair: mu1 = E σ'(G),
    dsq = E σ'(G)², target_mu1 = E G φ(G) of the normalized target, target_norm = sqrt(E φ_raw²)."""

    mu1: float
    dsq: float
    target_mu1: float
    target_norm: float


_NET_CACHE: dict = {}


def _check_network(activation: str, target: str) -> None:
    for name, table, what in ((activation, NETWORK_ACTIVATIONS, "activation"),
                              (target, SINGLE_INDEX_TARGETS, "target")):
        if name not in table:
            raise ParameterError(f"parameter '{what}' must be one of {', '.join(map(repr, table))}; "
                                 f"got {name!r}")


def _network_numbers(activation: str, target: str) -> list:
    import sympy as sp

    from .activations import activation as make

    x, activations, targets = network_forms()
    sig = activations[activation]
    coef = make(sig).coefficients()
    dcoef = make(sp.diff(sig, x)).coefficients()
    tcoef = make(targets[target]).coefficients()
    norm = float(np.sqrt(tcoef.second))
    return [float(coef.mu1), float(dcoef.second), float(tcoef.mu1 / norm), norm]


def network_numbers(activation: str, target: str) -> NetworkNumbers:
    """The :class:`NetworkNumbers` of a pair (computed once with sympy, then read from the cache)."""
    key = ("numbers", activation, target)
    if key not in _NET_CACHE:
        _check_network(activation, target)
        values = cache.remember("network-numbers", (activation, target),
                                lambda: _network_numbers(activation, target))
        _NET_CACHE[key] = NetworkNumbers(*values)
    return _NET_CACHE[key]


def _network_kernel(activation: str, target: str, role: str, norm: float):
    import sympy as sp

    from .codegen import Kernel

    x, activations, targets = network_forms()
    if role == "activation":
        sig = activations[activation]
        return Kernel([sig, sp.diff(sig, x), sp.diff(sig, x, 2)], (x,))
    return Kernel([targets[target] / norm], (x,))


def network_functions(activation: str, target: str):
    """Numpy functions generated by codegen: ``sigma(u) -> (σ, σ', σ'')`` and the unit-power
    target ``phi(z)``."""
    key = ("functions", activation, target)
    if key in _NET_CACHE:
        return _NET_CACHE[key]
    _check_network(activation, target)
    nb = network_numbers(activation, target)
    act = NamedKernel("network-activation", (activation,),
                      lambda: _network_kernel(activation, target, "activation", nb.target_norm))
    tgt = NamedKernel("network-target", (target, repr(nb.target_norm)),
                      lambda: _network_kernel(activation, target, "target", nb.target_norm))

    def sigma(u):
        u = np.asarray(u, float)
        return tuple(np.asarray(v).reshape(u.shape) for v in act({"x": u.reshape(-1)}))

    def phi(z):
        z = np.asarray(z, float)
        return np.asarray(tgt({"x": z.reshape(-1)})[0]).reshape(z.shape)

    _NET_CACHE[key] = (sigma, phi)
    return sigma, phi

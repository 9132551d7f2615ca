"""Exact DMFT of gradient descent on (ridge) least squares, solved on the whole history.

Normalization (THEORY.md E1, [num]-checked there against Monte Carlo). The package's
``gd-least-squares`` setting (x ~ N(0, I_p), loss (1/2n)||y - Xb||² + (lam/2)||b||², step η,
p/n = gamma, ||β||² = signal) is rewritten in the DMFT normalization of Celentano–Cheng–Montanari
and Mignacco et al.: features ``x/sqrt(d)`` (d = p), ``θ = sqrt(d) b``, loss summed over samples,

    θ_{k+1} = θ_k - η_E (λ_E θ_k + X_E'(X_E θ_k - y)),    α = n/d = 1/gamma,
    η_E = η gamma,   λ_E = lam / gamma,   ρ = signal,   σ² = noise,

so that ``C_θ[k, j] = θ_k·θ_j/d = <b_k, b_j>`` and ``m[k] = θ_k·θ*/d = <b_k, β>``. The effective
processes (discrete time, exact for gradient descent with step η_E):

* sample process: ``h[k] = w[k] - Σ_{j<k} χ[k, j] ℓ'[j]``, ``ℓ' = h - y``, with (w, h*) Gaussian,
  ``Cov w = C_θ``, ``Cov(w[k], h*) = m[k]``, ``Var h* = ρ``, ``y = h* + σ ε``. It is linear:
  ``ℓ' = K (w - y 1)`` with ``K = (I + χ)^{-1}`` (the residual response R_ℓ), so
  ``C_ℓ = α K M K'``, ``M = C_θ - m1' - 1m' + (ρ + σ²) 11'`` and ``Γ = -K 1``;
* weight process: ``θ[k+1] = (1 - η_E λ_E) θ[k] - η_E (α Σ_{j≤k} K[k, j] θ[j] + α Γ[k] θ* + u[k])``,
  ``u ~ GP(0, C_ℓ)``, so ``θ = P u + b θ*`` with the response ``P`` and ``b`` from the same
  recursion; closure ``χ = -P``, ``C_θ = P C_ℓ P' + ρ b b'``, ``m = ρ b``.

Observables: ``excess_risk = C_θ[k,k] - 2 m[k] + ρ`` (= ||b_k - β||²), ``train_error = C_ℓ[k,k]/α``
(= (1/n)||y - X b_k||²), ``norm = C_θ[k,k]``, ``test_error = excess_risk + σ²``.

Speed: with a quadratic loss and constant step and penalty the responses are time-translation
invariant, ``K[k, j] = K[k-j]`` and ``P[k, j] = P[k-j]`` (lower-triangular Toeplitz). The solver
stores them as sequences (power series: K = 1/(1 + χ)), applies them to the two-time correlations
by FFT convolution along the time axis, and iterates the whole history (undamped by default: the
map contracts by ~1/2 per sweep; THEORY.md E1 reports 20-30 sweeps). The general solver
:func:`asymptotics.dmft.solve_gd` (dense kernels, any loss) gives the same numbers for the square
loss; the tests tie both to the Marchenko–Pastur formula of ``gd-least-squares`` at every step.
"""

from __future__ import annotations

import time as _time

import numpy as np

from ..validation import Integer, Interval, ParameterError, domain_error
from ..outcome import Status
from .iteration import damped_iteration, sup_change
from .result import DMFTResult

__all__ = ["solve_least_squares", "solve_least_squares_spectrum", "ltt_apply", "series_reciprocal",
           "MAX_STEPS"]

MAX_STEPS = 5000  # a handful of (steps+1)² float64 kernels: ~1 GiB at the limit


def series_reciprocal(a: np.ndarray) -> np.ndarray:
    """Coefficients of 1/a(z) truncated to len(a) terms (a[0] != 0): the first column of the
    inverse of the lower-triangular Toeplitz matrix with first column a."""
    n = a.size
    out = np.zeros(n)
    out[0] = 1.0 / a[0]
    rev = a[::-1]  # rev[n-1-i] = a[i]
    for k in range(1, n):
        # out[k] = -(1/a0) Σ_{i=1..k} a[i] out[k-i]
        out[k] = -np.dot(rev[n - 1 - k:n - 1], out[:k]) / a[0]
    return out


def _fft_size(n: int) -> int:
    import scipy.fft

    return scipy.fft.next_fast_len(2 * n - 1, real=True)


def _rowconv(x: np.ndarray, spectrum: np.ndarray, nfft: int, n: int) -> np.ndarray:
    import scipy.fft

    return scipy.fft.irfft(scipy.fft.rfft(x, nfft, axis=-1) * spectrum, nfft, axis=-1)[..., :n]


def ltt_apply(seq: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``L x`` for the lower-triangular Toeplitz matrix ``L[k, j] = seq[k - j]`` (k >= j), applied
    to every column of ``x`` (shape (n,) or (n, m)) by FFT convolution along the time axis."""
    import scipy.fft

    n = seq.size
    nfft = _fft_size(n)
    spec = scipy.fft.rfft(seq, nfft)
    xt = np.ascontiguousarray(np.asarray(x, dtype=float).T)
    return _rowconv(xt, spec, nfft, n).T


def _sandwich(seq: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``L x L'`` for lower-triangular Toeplitz L (first column seq) and symmetric x."""
    import scipy.fft

    n = seq.size
    nfft = _fft_size(n)
    spec = scipy.fft.rfft(seq, nfft)
    a = _rowconv(x, spec, nfft, n)  # x L' (x symmetric: row j of x convolved with seq)
    z = _rowconv(np.ascontiguousarray(a.T), spec, nfft, n)  # (L x L')' row by row
    return 0.5 * (z + z.T)


def _weight_responses(k_seq: np.ndarray, alpha: float, eta: float, lam: float):
    """Γ = -K1 and the weight-process responses P (to u) and b (to θ*) given K."""
    n = k_seq.size
    gam = -np.cumsum(k_seq)
    p = np.zeros(n)
    b = np.zeros(n)
    decay = 1.0 - eta * lam
    krev = k_seq[::-1]
    for k in range(n - 1):
        kk = krev[n - 1 - k:]  # K[k - j] for j = 0..k
        p[k + 1] = decay * p[k] - eta * alpha * np.dot(kk, p[:k + 1]) - (eta if k == 0 else 0.0)
        b[k + 1] = decay * b[k] - eta * alpha * (np.dot(kk, b[:k + 1]) + gam[k])
    return gam, p, b


def _responses(chi: np.ndarray, alpha: float, eta: float, lam: float):
    """One sweep of the response equations: K = 1/(1 + χ), then Γ, P, b."""
    a = chi.copy()
    a[0] += 1.0
    k_seq = series_reciprocal(a)
    return (k_seq,) + _weight_responses(k_seq, alpha, eta, lam)


def _causal_responses(n: int, alpha: float, eta: float, lam: float):
    """The response fixed point in one causal pass: K[k] needs χ = -P up to k, P[k+1] needs K up
    to k (exact; the Picard iteration converges to the same sequences)."""
    k_seq = np.zeros(n)
    p = np.zeros(n)
    k_seq[0] = 1.0
    decay = 1.0 - eta * lam
    for k in range(n):
        if k >= 1:
            # (1 + χ) K = 1 with χ = -P:  K[k] = Σ_{i=1..k} P[i] K[k-i]
            k_seq[k] = np.dot(p[1:k + 1], k_seq[k - 1::-1])
        if k + 1 < n:
            p[k + 1] = decay * p[k] - eta * alpha * np.dot(k_seq[k::-1], p[:k + 1]) - (eta if k == 0 else 0.0)
    return (k_seq,) + _weight_responses(k_seq, alpha, eta, lam)


def _series_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """First column of the product of two lower-triangular Toeplitz matrices (a * b mod z^n)."""
    import scipy.fft

    n = a.size
    nfft = _fft_size(n)
    return scipy.fft.irfft(scipy.fft.rfft(a, nfft) * scipy.fft.rfft(b, nfft), nfft)[:n]


def _correlations_series(k_seq, p, b, alpha, rho, sigma2, tol=1e-17):
    """Solve the linear correlation equations exactly given the responses.

    ``C_θ = P C_ℓ P' + ρ bb'`` and ``C_ℓ = α K (C_θ - m1' - 1m' + c 11') K'`` with m = ρ b give
    ``C_θ = G C_θ G' + U D U'``, ``G = sqrt(α) P K`` (lower-triangular Toeplitz, strictly causal,
    hence nilpotent), ``U = [G1, G m, b]`` and a 3x3 D. So ``C_θ = Σ_j (G^j U) D (G^j U)'``; the
    terms decay geometrically (at the rate of the Picard iteration) and the sum stops when
    ``G^j U`` is below ``tol`` relative to U (at most n terms: G^n = 0).
    """
    n = k_seq.size
    m = rho * b
    g_seq = np.sqrt(alpha) * _series_product(p, k_seq)
    c = rho + sigma2
    u = np.stack([ltt_apply(g_seq, np.ones(n)), ltt_apply(g_seq, m), b], axis=1)
    d = np.array([[c, -1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, rho]])
    blocks = []
    scale = max(np.max(np.abs(u)), 1e-300)
    term = u
    for _ in range(n):
        blocks.append(term)
        size = np.max(np.abs(term))
        if size < tol * scale or not np.isfinite(size):  # converged, or an unstable step blew up
            break
        term = ltt_apply(g_seq, term)
    y = np.concatenate(blocks, axis=1)  # n x 3J
    yd = np.concatenate([blk @ d for blk in blocks], axis=1)
    c_theta = yd @ y.T
    c_theta = 0.5 * (c_theta + c_theta.T)
    big_m = c_theta - m[:, None] - m[None, :] + c
    c_ell = alpha * _sandwich(k_seq, big_m)
    return c_theta, m, c_ell, len(blocks)


def _check(name, value, domain):
    if not np.all(domain.contains(value)):
        raise domain_error(name, domain, value, "dmft least squares")
    return float(value)


def solve_least_squares(*, gamma: float, step: float, steps: int, lam: float = 0.0, signal: float = 1.0,
                        noise: float = 1.0, method: str = "causal", damping: float = 0.0,
                        tol: float = 1e-11, max_sweeps: int = 500) -> DMFTResult:
    """DMFT of gradient descent on least squares, in the parameters of ``gd-least-squares``.

    ``steps`` iterations of step ``step`` (> 0) from b = 0; the grid is ``times = k * step``,
    k = 0..steps. Returns a :class:`DMFTResult` with observables ``excess_risk``, ``test_error``,
    ``train_error``, ``norm`` (arrays over the grid) and order parameters ``C_theta`` (Gram
    matrix <b_k, b_j>), ``m`` (<b_k, β>), ``C_ell`` (α E ℓ'_k ℓ'_j = (1/d) r_k·r_j with residuals
    r = X b - y), ``R_ell`` (residual response K[k, j]), ``R_theta`` (weight response χ[k, j] =
    -∂θ_k/∂u_j, strictly causal), ``Gamma`` (response of ℓ' to the teacher field), in the DMFT
    normalization of the module docstring.

    ``method``: ``"iterate"`` is the textbook scheme, damped fixed-point iteration of all order
    parameters on the whole history (``damping``, ``tol``, ``max_sweeps``); ``"causal"`` (default,
    ~10x faster at T = 1000) solves the response equations in one causal pass and the linear
    correlation equations exactly (:func:`_correlations_series`), then runs one sweep of the full
    map at the solution to report its residual. Both give the same fixed point (tested).
    Raises :class:`ParameterError` for bad inputs.
    """
    gamma = _check("gamma", gamma, Interval(0, np.inf))
    step = _check("step", step, Interval(0, np.inf))
    lam = _check("lam", lam, Interval(0, np.inf, low_closed=True))
    signal = _check("signal", signal, Interval(0, np.inf, low_closed=True))
    noise = _check("noise", noise, Interval(0, np.inf, low_closed=True))
    if not Integer(1, MAX_STEPS, True, True).contains(steps):
        raise domain_error("steps", Integer(1, MAX_STEPS, True, True), steps, "dmft least squares")
    if method not in ("causal", "iterate"):
        raise ParameterError(f"dmft least squares: parameter 'method' must be one of 'causal', "
                             f"'iterate'; got {method!r}")
    if not 0.0 <= damping < 1.0:
        raise ParameterError(f"dmft least squares: parameter 'damping' must be in [0, 1); got {damping!r}")
    steps = int(steps)
    start = _time.perf_counter()
    alpha, eta, lam_e, rho, sigma2 = 1.0 / gamma, step * gamma, lam / gamma, signal, noise
    n = steps + 1

    def sweep(state):
        chi, c_theta, m = state["chi"], state["C_theta"], state["m"]
        k_seq, gam, p, b = _responses(chi, alpha, eta, lam_e)
        big_m = c_theta - m[:, None] - m[None, :] + (rho + sigma2)
        c_ell = alpha * _sandwich(k_seq, big_m)
        c_new = _sandwich(p, c_ell) + rho * np.outer(b, b)
        return {"chi": -p, "C_theta": c_new, "m": rho * b}, (k_seq, gam, c_ell)

    with np.errstate(over="ignore", invalid="ignore"):
        if method == "iterate":
            state0 = {"chi": np.zeros(n), "C_theta": np.zeros((n, n)), "m": np.zeros(n)}
            state, aux, sweeps, residual, history, status, _ = damped_iteration(
                sweep, state0, damping=damping, tol=tol, max_sweeps=max_sweeps)
            k_seq, gam, c_ell = aux
            c_theta, m, chi = state["C_theta"], state["m"], state["chi"]
            label = "iterate" + (f"(damping={damping:g})" if damping else "")
        else:
            k_seq, gam, p, b = _causal_responses(n, alpha, eta, lam_e)
            c_theta, m, c_ell, terms = _correlations_series(k_seq, p, b, alpha, rho, sigma2)
            chi = -p
            state = {"chi": chi, "C_theta": c_theta, "m": m}
            check, _ = sweep(state)
            residual = sup_change(check, state)
            history = np.array([residual])
            sweeps = 1
            # The causal solution is exact up to rounding: a residual well above rounding means the
            # equations blew up (an unstable step), reported as nonfinite rather than converged.
            scale = 1.0 + float(np.max(np.abs(c_theta), initial=0.0))
            status = (Status.CONVERGED if np.isfinite(residual) and residual <= max(tol, 1e-12 * scale)
                      else Status.NONFINITE)
            label = f"causal+series({terms} terms)"
    diag = np.diag(c_theta).copy()
    excess = diag - 2.0 * m + rho
    idx = np.arange(n)
    lower = idx[:, None] - idx[None, :]
    toeplitz = lambda seq: np.where(lower >= 0, seq[np.clip(lower, 0, n - 1)], 0.0)
    order = {
        "C_theta": c_theta,
        "m": m,
        "C_ell": c_ell,
        "R_ell": toeplitz(k_seq),
        "R_theta": toeplitz(chi),
        "Gamma": gam,
    }
    observables = {
        "excess_risk": excess,
        "test_error": excess + sigma2,
        "train_error": np.diag(c_ell) / alpha,
        "norm": diag,
    }
    doc = {
        "C_theta": "<b_k, b_j> (= θ_k·θ_j/d), the weight autocorrelation",
        "m": "<b_k, β>, overlap with the target",
        "C_ell": "alpha E[ℓ'_k ℓ'_j] = (1/d) Σ_μ r_μ(k) r_μ(j), residual autocorrelation (r = Xb - y)",
        "R_ell": "E ∂ℓ'_k/∂w_j = K[k, j] = ((I + R_theta)^{-1})[k, j], residual response (Toeplitz)",
        "R_theta": "-E ∂θ_k/∂u_j, weight response to a gradient kick (strictly causal, Toeplitz)",
        "Gamma": "E ∂ℓ'_k/∂h* (w fixed) = -(K 1)[k]",
    }
    return DMFTResult(
        model="gd-least-squares",
        params={"gamma": gamma, "lam": lam, "signal": signal, "noise": noise, "step": step,
                "steps": steps},
        times=step * np.arange(n), order_parameters=order, observables=observables,
        status=int(status), residual=float(residual), iterations=int(sweeps), method=label,
        residual_history=np.asarray(history), doc=doc, elapsed=_time.perf_counter() - start,
    )


# -- general covariance ------------------------------------------------------------------------------
def _general_responses(n: int, s: np.ndarray, frac: np.ndarray, alpha: float, eta: float, lam: float):
    """Responses for eigenvalues ``s`` (distinct) with fractions ``frac`` (multiplicity / d).

    r[:, k+1] = (1 - ηλ) r[:, k] - η α s Σ_{j≤k} K[k-j] r[:, j] + η δ_{k0}   (unit gradient kick)
    χ[k] = Σ_s frac_s s r_s[k],   K = 1/(1 + χ) as a power series, Γ = -cumsum(K),
    b[:, k+1] = (1 - ηλ) b[:, k] - η α s (Σ_{j≤k} K[k-j] b[:, j] + Γ[k])   (teacher response).
    All in one causal pass (K[k] needs χ up to k, r[:, k+1] needs K up to k)."""
    m = s.size
    r = np.zeros((m, n))
    b = np.zeros((m, n))
    k_seq = np.zeros(n)
    chi = np.zeros(n)
    gam = np.zeros(n)
    decay = 1.0 - eta * lam
    ws = frac * s
    k_seq[0] = 1.0
    for k in range(n):
        if k >= 1:
            k_seq[k] = -np.dot(chi[1:k + 1], k_seq[k - 1::-1])
        gam[k] = (gam[k - 1] if k else 0.0) - k_seq[k]
        if k + 1 < n:
            kk = k_seq[k::-1]
            r[:, k + 1] = decay * r[:, k] - eta * alpha * s * (r[:, :k + 1] @ kk) + (eta if k == 0 else 0.0)
            b[:, k + 1] = decay * b[:, k] - eta * alpha * s * (b[:, :k + 1] @ kk + gam[k])
            chi[k + 1] = np.dot(ws, r[:, k + 1])
    return k_seq, gam, r, b, chi


def _weighted_sandwich_operator(r: np.ndarray, weights: np.ndarray):
    """``A -> Σ_s weights_s R_s A R_s'`` for lower-triangular Toeplitz R_s (first columns r[s]):
    a 2-D convolution of A with Σ_s w_s r_s ⊗ r_s, done in the Fourier domain (the kernel is
    built once; each application is one rfft2/irfft2 pair)."""
    import scipy.fft

    m, n = r.shape
    nfft = _fft_size(n)
    full = scipy.fft.fft(r, nfft, axis=1)  # (m, nfft)
    half = scipy.fft.rfft(r, nfft, axis=1)  # (m, nfft//2 + 1)
    kernel = (full.T * weights) @ half  # (nfft, nfft//2 + 1)

    def apply(a: np.ndarray) -> np.ndarray:
        spec = scipy.fft.rfft2(a, (nfft, nfft))
        out = scipy.fft.irfft2(spec * kernel, (nfft, nfft))[:n, :n]
        return 0.5 * (out + out.T)

    return apply


def solve_least_squares_spectrum(*, n: float, eigenvalues, target, step: float, steps: int,
                                 lam: float = 0.0, noise: float = 1.0, damping: float = 0.0,
                                 tol: float = 1e-11, max_sweeps: int = 500) -> DMFTResult:
    """DMFT of gradient descent on least squares with a general feature covariance.

    Setting of ``gd-least-squares`` (variant ``general``): x ~ N(0, Σ) in R^p with Σ's eigenvalues
    ``eigenvalues`` (length p), the target β with coordinates ``target`` in Σ's eigenbasis,
    ``n`` samples, loss (1/2n)||y - Xb||² + (lam/2)||b||², step ``step`` > 0, ``steps`` iterations.
    In the DMFT normalization (d = p, α = n/p, η_E = step/α, λ_E = α lam, θ*_i = sqrt(p) β_i)
    every eigen-coordinate has its own linear weight process,
    ``θ_i[k+1] = (1 - η_E λ_E) θ_i[k] - η_E (α s_i Σ_j K[k-j] θ_i[j] + α s_i Γ[k] θ*_i + sqrt(s_i) u[k])``,
    and the sample process sees the s-weighted averages ``χ = mean_i s_i r_i``,
    ``C_θ = mean_i s_i E θ_i θ_i'`` (so C_θ[k, j] = b_k'Σ b_j), ``m = mean_i s_i θ*_i E θ_i``
    (= b_k'Σβ). The responses are solved in one causal pass; the correlations, linear given the
    responses, by damped fixed-point iteration on the whole history (a noise-free and a unit-noise
    part, giving bias and variance separately). For Σ = I it equals :func:`solve_least_squares`.

    Observables: ``excess_risk`` = (b - β)'Σ(b - β), ``bias``, ``variance``, ``test_error`` (+noise),
    ``train_error`` = (1/n)||y - Xb||², ``norm`` = ||b||².
    """
    s_all = np.asarray(eigenvalues, dtype=float).reshape(-1)
    beta = np.asarray(target, dtype=float).reshape(-1)
    if s_all.size == 0 or beta.shape != s_all.shape or np.any(~np.isfinite(s_all)) or np.any(s_all < 0):
        raise ParameterError("dmft least squares: 'eigenvalues' must be a finite non-negative 1-D array and "
                             "'target' an array of the same length")
    n_samples = _check("n", n, Interval(0, np.inf))
    step = _check("step", step, Interval(0, np.inf))
    lam = _check("lam", lam, Interval(0, np.inf, low_closed=True))
    noise = _check("noise", noise, Interval(0, np.inf, low_closed=True))
    if not Integer(1, MAX_STEPS, True, True).contains(steps):
        raise domain_error("steps", Integer(1, MAX_STEPS, True, True), steps, "dmft least squares")
    if not 0.0 <= damping < 1.0:
        raise ParameterError(f"dmft least squares: parameter 'damping' must be in [0, 1); got {damping!r}")
    start = _time.perf_counter()
    p = s_all.size
    alpha = n_samples / p
    eta, lam_e = step / alpha, lam * alpha
    steps = int(steps)
    npts = steps + 1
    uniq, inverse = np.unique(s_all, return_inverse=True)
    frac = np.bincount(inverse, minlength=uniq.size) / p
    # teacher weight per distinct eigenvalue: mean_i s_i θ*_i² restricted to that eigenvalue
    tw = np.bincount(inverse, weights=s_all * p * beta ** 2, minlength=uniq.size) / p
    rho = float(np.dot(s_all, beta ** 2))  # β'Σβ
    k_seq, gam, r, b, chi = _general_responses(npts, uniq, frac, alpha, eta, lam_e)
    m = tw @ b  # b_k'Σβ
    ones = np.ones(npts)
    sand_theta = _weighted_sandwich_operator(r, frac * uniq ** 2)  # Σ_s frac s² R_s · R_s'
    sand_norm = _weighted_sandwich_operator(r, frac * uniq)  # for ||b||² = mean_i θ_i²
    teacher_part = (b.T * tw) @ b  # Σ_s tw_s b_s b_s'
    norm_teacher = ((b ** 2).T @ np.bincount(inverse, weights=p * beta ** 2, minlength=uniq.size)) / p

    def k_sandwich(a):
        return alpha * _sandwich(k_seq, a)

    base0 = -m[:, None] - m[None, :] + rho  # signal part of M (besides C_θ)
    base1 = np.outer(ones, ones)  # unit-noise part

    def sweep(state):
        c0, c1 = state["C_signal"], state["C_noise"]
        new0 = sand_theta(k_sandwich(c0 + base0)) + teacher_part
        new1 = sand_theta(k_sandwich(c1 + base1))
        return {"C_signal": new0, "C_noise": new1}, None

    with np.errstate(over="ignore", invalid="ignore"):
        state0 = {"C_signal": np.zeros((npts, npts)), "C_noise": np.zeros((npts, npts))}
        state, _, sweeps, residual, history, status, _ = damped_iteration(
            sweep, state0, damping=damping, tol=tol, max_sweeps=max_sweeps)
        c0, c1 = state["C_signal"], state["C_noise"]
        c_theta = c0 + noise * c1
        c_ell = k_sandwich(c_theta - m[:, None] - m[None, :] + rho + noise)
        norm = np.diag(sand_norm(k_sandwich(c0 + base0) + noise * k_sandwich(c1 + base1))) + norm_teacher
    bias = np.diag(c0) - 2 * m + rho
    variance = noise * np.diag(c1)
    idx = np.arange(npts)
    lower = idx[:, None] - idx[None, :]
    toeplitz = lambda seq: np.where(lower >= 0, seq[np.clip(lower, 0, npts - 1)], 0.0)
    observables = {
        "excess_risk": bias + variance, "bias": bias, "variance": variance,
        "test_error": bias + variance + noise, "train_error": np.diag(c_ell) / alpha, "norm": norm,
    }
    order = {"C_theta": c_theta, "m": m, "C_ell": c_ell, "R_ell": toeplitz(k_seq), "R_theta": toeplitz(chi),
             "Gamma": gam}
    doc = {
        "C_theta": "b_k'Σ b_j, the weight autocorrelation seen by the data",
        "m": "b_k'Σ β",
        "C_ell": "alpha E[ℓ'_k ℓ'_j] = (1/p) r_k·r_j, residual autocorrelation (r = Xb - y)",
        "R_ell": "E ∂ℓ'_k/∂w_j = ((I + R_theta)^{-1})[k, j], residual response (Toeplitz)",
        "R_theta": "χ[k - j] = mean_i s_i r_i[k - j], Σ-weighted weight response (strictly causal)",
        "Gamma": "E ∂ℓ'_k/∂h* = -(K 1)[k]",
    }
    return DMFTResult(
        model="gd-least-squares",
        params={"n": n_samples, "p": p, "lam": lam, "noise": noise, "step": step, "steps": steps},
        times=step * np.arange(npts), order_parameters=order, observables=observables,
        status=int(status), residual=float(residual), iterations=int(sweeps),
        method="causal-responses+iterate" + (f"(damping={damping:g})" if damping else ""),
        residual_history=np.asarray(history), doc=doc, elapsed=_time.perf_counter() - start,
    )

"""Monte Carlo twins of ``two-layer-lazy`` and ``two-layer-population``: the real network, trained.

One draw: n samples x ~ N(0, I_d), a unit direction θ̂, labels y = sqrt(signal) φ(θ̂·x) +
sqrt(noise) ε (φ from the model's sympy table, normalized to unit power), a fresh test set of
``n_test`` samples. The network f(x) = c_m Σ_j a_j σ(w_j·x) starts from w_j ~ N(0, I_d/d),
a_j = ±init_scale in antisymmetric pairs (f ≡ 0), and is trained by full-batch gradient descent
on L = (1/2n) Σ_i (y_i - f(x_i))² as a discretization of gradient flow:

    scaling "ntk":         c_m = m^{-1/2},  θ <- θ - dt ∇L            (two-layer-lazy's time);
    scaling "mean-field":  c_m = 1/m,       θ_j <- θ_j - dt m ∇_{θ_j}L (two-layer-population's).

Step sizes follow log-time: dt_k = min(max_step, max(step, growth t_k)), shortened to land on
every recorded time, so a trajectory to t = 1000 takes ~ 50 ln(t/step) + t/max_step steps; the
discretization error of a mode of rate ω is ~ ω dt/2 (bounded in the tests through the exact
discrete filter of the lazy theory). Recorded: ``train_error``; ``test_error`` (fresh samples,
noise included), ``excess_risk`` (against the noiseless target on the test set),
``output_power`` = mean f² on the test set; ``displacement`` = Σ_j ||θ_j - θ_j(0)||² (ntk) or
(1/m) Σ_j ||θ_j - θ_j(0)||² (mean-field); ``path_norm`` = (1/m) Σ_j |a_j| ||w_j||,
``alignment`` = mean_j |w_j·θ̂|/||w_j||, ``second_layer`` = mean_j |a_j| (mean-field only).
"""

from __future__ import annotations

import numpy as np

from ..measures import network_functions
from ..validation import ParameterError
from ._registry import Simulator, register_simulator

__all__ = ["train_network", "schedule"]


def schedule(times, step=0.05, growth=0.02, max_step=0.5):
    """Step sizes (array) of the log-time schedule and the step indices of ``times`` (sorted)."""
    times = np.asarray(times, float)
    targets = np.unique(times[times > 0])
    dts, marks = [], {}
    t = 0.0
    for target in targets:
        while t < target * (1 - 1e-12):
            dt = min(max_step, max(step, growth * t), target - t)
            dts.append(dt)
            t += dt
        marks[float(target)] = len(dts)
    idx = np.array([0 if tt <= 0 else marks[float(tt)] for tt in times], dtype=int)
    return np.asarray(dts), idx


def train_network(*, d: int, n: int, m: int, scaling: str, times, activation="tanh", target="linear",
                  signal=1.0, noise=0.25, init_scale=1.0, n_test=2000, step=0.05, growth=0.02,
                  max_step=0.5, rng=None, seed=0):
    """Train one network; returns {observable: array over ``times``} (see the module docstring)."""
    if scaling not in ("ntk", "mean-field"):
        raise ParameterError(f"parameter 'scaling' must be 'ntk' or 'mean-field'; got {scaling!r}")
    if m < 2 or m % 2:
        raise ParameterError(f"parameter 'm' (width) must be an even integer >= 2 (antisymmetric pairs); "
                             f"got {m!r}")
    rng = np.random.default_rng(seed) if rng is None else rng
    sigma, phi = network_functions(activation, target)
    direction = rng.standard_normal(d)
    direction /= np.linalg.norm(direction)

    def data(count):
        xs = rng.standard_normal((count, d))
        clean = np.sqrt(signal) * phi(xs @ direction)
        return xs, clean, clean + np.sqrt(noise) * rng.standard_normal(count)

    x, _, y = data(n)
    xt, clean_t, yt = data(n_test)
    half = rng.standard_normal((m // 2, d)) / np.sqrt(d)
    w = np.vstack([half, half])
    a = init_scale * np.concatenate([np.ones(m // 2), -np.ones(m // 2)])
    w0, a0 = w.copy(), a.copy()
    c = 1.0 / m if scaling == "mean-field" else 1.0 / np.sqrt(m)
    rate = float(m) if scaling == "mean-field" else 1.0
    dts, idx = schedule(times, step, growth, max_step)
    records = {}

    def record(k):
        ft = c * sigma(xt @ w.T)[0] @ a
        f = c * sigma(x @ w.T)[0] @ a
        disp = np.sum((w - w0) ** 2) + np.sum((a - a0) ** 2)
        wn = np.linalg.norm(w, axis=1)
        records[k] = {
            "train_error": float(np.mean((y - f) ** 2)),
            "test_error": float(np.mean((yt - ft) ** 2)),
            "excess_risk": float(np.mean((clean_t - ft) ** 2)),
            "output_power": float(np.mean(ft ** 2)),
            "displacement": float(disp / m if scaling == "mean-field" else disp),
            "path_norm": float(np.mean(np.abs(a) * wn)),
            "alignment": float(np.mean(np.abs(w @ direction) / wn)),
            "second_layer": float(np.mean(np.abs(a))),
        }

    wanted = set(idx.tolist())
    with np.errstate(over="raise", invalid="raise"):
        try:
            for k in range(len(dts) + 1):
                if k in wanted:
                    record(k)
                if k == len(dts):
                    break
                pre = x @ w.T
                act, dact, _ = sigma(pre)
                r = (c * act @ a - y) / n  # dL/df_i
                grad_a = c * act.T @ r
                grad_w = c * ((dact * r[:, None]).T @ x) * a[:, None]
                a = a - dts[k] * rate * grad_a
                w = w - dts[k] * rate * grad_w
        except FloatingPointError:
            raise ParameterError(f"gradient descent diverged at step {k} (dt = {dts[k]:g}); lower "
                                 f"'max_step'") from None
    names = records[idx[0]].keys()
    return {name: np.array([records[i][name] for i in idx]) for name in names}


_LAZY = ("train_error", "test_error", "excess_risk", "output_power", "displacement")


def _lazy_n(alpha, d):
    n = int(round(alpha * d))
    if n < 1:
        raise ParameterError(f"two-layer-lazy: alpha*d = {alpha * d:g} gives no samples; increase d")
    return n


def _lazy_trial(params, sizes, rng):
    out = train_network(d=sizes["d"], n=_lazy_n(float(params.alpha), sizes["d"]), m=sizes["m"], scaling="ntk",
                        times=params.time, activation=params.activation, target=params.target,
                        signal=float(params.signal), noise=float(params.noise),
                        init_scale=float(params.init_scale), rng=rng)
    return {k: out[k] for k in _LAZY}  # path norm etc. are not lazy-theory observables


register_simulator(Simulator(
    model="two-layer-lazy", variant="ntk", trial=_lazy_trial, observables=_LAZY,
    sizes={"d": "input dimension; n = round(alpha d) samples", "m": "width (even)"},
    vectorized=("time",),
    effective=lambda p, s: {"alpha": _lazy_n(float(p.alpha), s["d"]) / s["d"]},
    description="the NTK-parametrized network trained by full-batch GD (log-time steps)",
    example={"d": 40, "m": 200, "alpha": 2.0, "time": [1.0, 5.0], "noise": 0.25},
))


def _population_trial(params, sizes, rng):
    out = train_network(d=sizes["d"], n=sizes["n"], m=sizes["m"], scaling="mean-field", times=params.time,
                        activation=params.activation, target=params.target, signal=float(params.signal),
                        noise=float(params.noise), init_scale=float(params.init_scale), rng=rng)
    return out


register_simulator(Simulator(
    model="two-layer-population", variant="mean-field", trial=_population_trial,
    observables=_LAZY + ("path_norm", "alignment", "second_layer"),
    sizes={"d": "input dimension", "n": "samples (the theory is n/d -> inf)", "m": "width (even)"},
    vectorized=("time",),
    description="the mean-field-parametrized network trained by full-batch GD at large n/d",
    example={"d": 20, "n": 400, "m": 100, "time": [0.5, 2.0], "noise": 0.25},
))

"""Writes notebooks/interpolation_beyond_ridge.ipynb with nbformat (run from the repository root);
outputs not stored."""

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).parent
SETUP = """import os
import numpy as np
import matplotlib.pyplot as plt
import asymptotics as asy
from asymptotics.figures import render
FAST = os.environ.get("ASYMPTOTICS_FAST") == "1\""""

cells = [
    "md:# Interpolation beyond ridge: deep linear networks and univariate ReLU networks\n\n"
    "Two interpolating learners whose noise sensitivity can be computed exactly. Deep linear networks "
    "trained by gradient flow (Chatterji & Long 2023) have *exactly* the conditional variance of the "
    "minimum-ℓ2-norm interpolator; the initialization only adds bias. Min-norm univariate ReLU "
    "networks (Joshi, Vardi & Srebro 2024) interpolate noisy data by a linear spline — or by a spiky "
    "member of the same min-norm set — whose L_p risk is tempered or catastrophic depending on p and "
    "on the design. Only the papers' abstracts were available: the limits below are derived in this "
    "package and checked by Monte Carlo (see the models' docstrings). Set `ASYMPTOTICS_FAST=1` for a "
    "quick run.",
    SETUP,
    "md:## Deep linear networks\n\n"
    "`f(x) = x'W_1...W_L`, x ~ N(0, I_p), p/n = γ > 1. The row-space part of the end-to-end vector is "
    "always the min-norm interpolator `X^+y`; the null-space part `P⊥W_1(0)u_∞` is grown from the "
    "initialization. With a balanced initialization the ratio `||P⊥θ||/||θ||^{(L-1)/L}` is conserved "
    "along the flow, so the init-grown bias T solves `T = α²(1 - 1/γ)(a + T)^{(L-1)/L}`.",
    """r = asy.evaluate("deep-linear", gamma=2.0, depth=[1, 2, 3, 5, 10], init_scale=1.0, signal=1.0, noise=0.5)
print("variance (all depths):", r.variance)
print("min-norm excess risk:  ", r.minnorm_excess_risk[0])
print("init-grown bias:       ", np.round(r.init_bias, 4))""",
    "md:The exact identity, on one trained network: its row-space part is the min-norm interpolator.",
    """from asymptotics.simulate import deep_linear as dl
rng = np.random.default_rng(0)
n, p = 40, 80
X = rng.standard_normal((n, p)); beta = rng.standard_normal(p) / np.sqrt(p)
y = X @ beta + np.sqrt(0.5) * rng.standard_normal(n)
ws, steps, rel = dl.train_deep_linear(X, y, dl.initial_weights(rng, "gaussian", p, 8, 3, 0.7))
theta = dl.end_to_end(ws); P = dl.row_space_projector(X)
print(f"{steps} gradient steps, training error {rel:.1e};",
      "||P theta - X^+ y|| =", np.linalg.norm(P(theta) - np.linalg.lstsq(X, y, rcond=None)[0]))""",
    """asy.check("deep-linear", n=40 if FAST else 120, width=6, trials=3 if FAST else 12, seed=1, gamma=2.0,
          depth=3, init_scale=1.0, noise=0.5, init="balanced")""",
    "fig, data = render('deep-linear', fast=FAST)\ndisplay(fig)",
    "md:## Univariate ReLU networks: which min-norm interpolant?\n\n"
    "The representation cost ∫|f''| is minimized by the linear spline, and equally by every function "
    "that bends the same way as the data between two same-curvature points. A vanishing penalty on the "
    "biases picks one: one kink per such interval, equidistant kinks around each data point, and full "
    "*spikes* (the neighbouring secant lines extended) on isolated intervals.",
    """from asymptotics.simulate import univariate_relu as ur
rng = np.random.default_rng(3)
x = np.sort(rng.uniform(size=14)); y = rng.standard_normal(14)
t = np.linspace(0, 1, 2000)
plt.figure(figsize=(6, 2.6))
plt.plot(t, ur.linear_spline(x, y)(t), label="linear spline")
plt.plot(t, ur.min_norm_interpolant(x, y)(t), label="min-norm, bias penalty -> 0", lw=0.8)
plt.plot(x, y, "ko", ms=3); plt.ylim(-6, 6); plt.legend(fontsize=7); plt.show()""",
    "md:Exact constants of the linear spline (the same for random and grid design; `ratio` = test "
    "error / Bayes error: tempered), and the expectation over training sets, infinite with random "
    "design because of the extrapolated ends:",
    """asy.curve("univariate-relu", sweep={"power": [1.0, 1.5, 2.0, 2.5, 3.0]}, noise=1.0, design="random")[
    ["power", "excess_risk", "test_error", "ratio", "expected_excess_risk", "min_norm_catastrophic",
     "min_norm_growth_exponent", "min_norm_log_growth"]]""",
    """asy.check("univariate-relu", n=100, trials=10 if FAST else 40, seed=2, power=[1.0, 2.0, 3.0], design="grid")""",
    "md:The spikes of the min-norm interpolant have a Pareto tail `P(depth > tσ) ≈ (2/π)/t²` with random "
    "design (none on a grid): the L_p risk is tempered for p < 2 and grows like (2/π)σ² log n at p = 2 "
    "and like n^{p/2-1} beyond.",
    """x = ur.design_points(rng, "random", 20_000 if FAST else 200_000)
depths = ur.spike_depths(x, rng.standard_normal(x.size))
for level in [5, 10, 20]:
    print(f"t = {level:3d}: t^2 P(depth > t) = {np.mean(depths > level) * level ** 2:.3f}   (limit 2/pi = {2 / np.pi:.3f})")""",
    "fig, data = render('univariate-relu', fast=FAST)\ndisplay(fig)",
]

nb = nbf.v4.new_notebook()
nb.cells = [nbf.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbf.v4.new_code_cell(c) for c in cells]
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbf.write(nb, HERE / "interpolation_beyond_ridge.ipynb")

"""Writes the random-features and kernel notebooks with nbformat (outputs not stored).

Run from the repository root: ``python notebooks/make_rf_notebooks.py``.
"""

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).parent
SETUP = """import os
import time
import numpy as np
import pandas as pd
import asymptotics as asy
from asymptotics.figures import render
FAST = os.environ.get("ASYMPTOTICS_FAST") == "1\""""


def notebook(cells):
    nb = nbf.v4.new_notebook()
    nb.cells = [nbf.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbf.v4.new_code_cell(c)
                for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


random_features = [
    "md:# Random features regression: the Mei–Montanari double descent\n\n"
    "Ridge regression on `N` random features `σ(<θ_a, x>/sqrt d)` of `n` samples on the sphere of "
    "radius sqrt(d), in the limit `N/d → psi1`, `n/d → psi2` (Mei & Montanari, arXiv:1908.05355). "
    "`asy.models.get('random-features').describe()` states the conventions. Set `ASYMPTOTICS_FAST=1` "
    "for a quick run.",
    SETUP,
    "print(asy.models.get('random-features').describe()[:1500])",
    "md:## Activations: Gaussian coefficients, exact where sympy can, by quadrature otherwise",
    """from asymptotics.activations import activation
rows = []
for name in ["relu", "abs", "quadratic", "tanh", "erf", "gelu", "tanh(3*x + 1)"]:
    c = activation(name).coefficients()
    q = activation(name).coefficients("quadrature")
    rows.append({"activation": name, "mu0": c.mu0, "mu1": c.mu1, "mustar2": c.mustar2, "method": c.method,
                 "|exact - quadrature|": abs(c.mustar2 - q.mustar2)})
pd.DataFrame(rows)""",
    "activation('relu').coefficients().exact",
    "md:## One point, the ridgeless limit, the interpolation peak",
    """r = asy.evaluate("random-features", psi1=3.0, psi2=3.0, lam=1e-3, noise=0.2)
print(r.excess_risk, r.test_error, r.train_error, r.bias_coefficient, r.variance_coefficient)
print(asy.evaluate("random-features", psi1=[0.5, 2.9, 3.0, 6.0], psi2=3.0, lam=0.0, noise=0.2).excess_risk)""",
    "md:## A 1000-point curve in one batched solve",
    """t0 = time.perf_counter()
frame = asy.curve("random-features", sweep={"psi1": np.geomspace(0.3, 30, 1000)}, psi2=3.0, lam=1e-3, noise=0.2)
print(f"{time.perf_counter() - t0:.3f} s,", frame.status.value_counts().to_dict())
frame[["psi1", "excess_risk", "test_error", "train_error", "chi"]].iloc[::200]""",
    "md:## Theory against real random features on the sphere (`check`)\n\n"
    "In fast mode the sizes are small (d = 40, 3 trials): the standard errors are themselves rough and "
    "finite-size bias is a few percent (it decays like 1/d), so |z| of a few is expected there.",
    """frame = asy.check("random-features", d=40 if FAST else 150, n_test=500 if FAST else 2000,
                  trials=3 if FAST else 10, seed=0, psi1=np.array([0.5, 3.0, 6.0])[:, None], psi2=3.0,
                  lam=np.array([1e-3, 0.1]), noise=0.2)
frame[frame.observable.isin(["excess_risk", "train_error"])][["psi1", "lam", "observable", "theory", "simulation", "stderr", "z"]]""",
    "md:## The figure: double descent in N/n, penalties, noise levels, linear features",
    "fig, data = render('mm-double-descent', fast=FAST)\ndisplay(fig)",
    "md:## Limits: infinitely many features is kernel ridge regression",
    """rf = asy.evaluate("random-features", psi1=1e9, psi2=2.0, lam=0.05, noise=0.3)
kr = asy.evaluate("kernel-ridge", alpha=2.0, degree=1, ridge=2.0 * 0.05, noise=0.3, kernel="relu",
                  target_powers=[0.0, 1.0])
print(rf.excess_risk, kr.excess_risk)""",
]

kernels = [
    "md:# Kernel ridge regression: spectral learning curves and the polynomial staircase\n\n"
    "The deterministic equivalent of kernel ridge regression from the kernel's eigenvalues, inner-"
    "product kernels on the sphere degree by degree, and the regime n ~ d^l with its self-induced "
    "ridge. Set `ASYMPTOTICS_FAST=1` for a quick run.",
    SETUP,
    "md:## A power-law learning curve: 10^5 eigenvalues, 200 sample sizes",
    """spec = asy.spectra.power_law(100_000, decay=1.5, source=0.5)
ns = np.logspace(1, 4.5, 200)
asy.curve("kernel-ridge", sweep={"n": ns[:2]}, lam=1e-6, noise=0.1, spectrum=spec)  # code generation
t0 = time.perf_counter()
lc = asy.curve("kernel-ridge", sweep={"n": ns}, lam=1e-6, noise=0.1, spectrum=spec)
print(f"{time.perf_counter() - t0:.2f} s for {ns.size} points")
ax = lc.plot(x="n", y=["excess_risk", "train_error"], logx=True, logy=True)""",
    "md:## Theory against kernel ridge with Gaussian features of the same spectrum",
    """asy.check("kernel-ridge", trials=3 if FAST else 10, seed=1, n=np.array([50, 200]), lam=1e-4, noise=0.1,
          spectrum="power-law:p=1000,decay=1.5,source=0.5")[["n", "observable", "theory", "simulation", "z"]]""",
    "md:## Inner-product kernels on the sphere: eigenvalues and multiplicities",
    """from asymptotics import kernels
for name in ["arccos1", "ntk-relu", "exp"]:
    eig, mult, c = kernels.sphere_spectrum(name, 100, 6)
    print(f"{name:9s} c_k (d=100):", np.round(c, 5), " Taylor (d→∞):", np.round(kernels.taylor_coefficients(name, 6), 5))""",
    "md:## The staircase, its d → ∞ limit, and the actual kernel matrix",
    "fig, data = render('kernel-staircase', fast=FAST)\ndisplay(fig)",
    "md:## The polynomial regime: self-induced ridge and unlearnable degrees",
    """for kernel in ["exp", "ntk-relu", "1 + t + t**2"]:
    r = asy.evaluate("kernel-ridge", alpha=[0.5, 1.0, 4.0], degree=2, ridge=0.0, noise=0.1, kernel=kernel,
                     target_powers=[0.0, 1.0, 0.5, 0.25])
    print(f"{kernel:12s} self-induced ridge {r.self_induced_ridge[0]:.4f}  risk {np.round(r.excess_risk, 4)}")""",
]

for name, cells in [("random_features_double_descent", random_features), ("kernel_staircase", kernels)]:
    nbf.write(notebook(cells), HERE / f"{name}.ipynb")

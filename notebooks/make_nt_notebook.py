"""Writes notebooks/nt_random_labels.ipynb with nbformat (outputs not stored).

Run from the repository root: ``python notebooks/make_nt_notebook.py``.
"""

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).parent
SETUP = """import os
import numpy as np
import pandas as pd
import asymptotics as asy
from asymptotics import kernels
from asymptotics.figures import render
FAST = os.environ.get("ASYMPTOTICS_FAST") == "1\""""

CELLS = [
    "md:# Neural-tangent regression with random labels (Montanari–Zhong setting)\n\n"
    "A two-layer network `f(x) = N^{-1/2} Σ_i a_i σ(<w_i, x>)` linearized around its random first layer "
    "has `p = N d` NT features `σ'(<w_i, x>) x / sqrt(N d)`; `nt-ridge` gives the train and test error of "
    "NT ridge / min-norm regression and the smallest eigenvalue of the empirical NT kernel `ΦΦ'` "
    "(Montanari & Zhong, arXiv:2007.12826: bounded away from zero once `N d >> n`, so arbitrary labels are "
    "interpolated). The finite-width equations are a Gaussian-equivalence heuristic (see the conventions); "
    "the infinite-width and polynomial-regime limits are the kernel results. Set `ASYMPTOTICS_FAST=1` for "
    "a quick run.",
    SETUP,
    "print(asy.models.get('nt-ridge').describe()[:2500])",
    "md:## Kernel spectra on the sphere at large d (issue 16)\n\n"
    "Funk–Hecke coefficients `c_k` by the Taylor route (relative precision at any d and degree, each with "
    "an error bound) instead of quadrature times the multiplicity `N(d, k)`; here the exp kernel against "
    "its modified-Bessel closed form at d = 2000.",
    """import mpmath as mp
d, K = 2000, 40
co = kernels.sphere_coefficients("exp", d, K)
lam = mp.mpf(d - 2) / 2
exact = np.array([float(mp.gamma(lam) * 2 ** lam * (k + lam) * mp.besseli(k + lam, 1) * mp.rf(2 * lam, k)
                        / mp.factorial(k)) for k in range(K + 1)])
pd.DataFrame({"k": range(0, K + 1, 8), "c_k": co.c[::8], "relative error": (np.abs(co.c - exact) / exact)[::8],
              "stated bound": (co.error / exact)[::8], "method": co.method[::8]})""",
    """r = asy.evaluate("kernel-ridge", n=4000, d=2000, ridge=0.1, noise=0.1, kernel="exp", target_powers=[0.2, 1, 0.5])
print("excess risk", float(r.excess_risk), " spectrum_error", float(r.spectrum_error))""",
    "md:## The smallest eigenvalue of the empirical NT kernel\n\n"
    "Zero at the interpolation threshold `N d = n`, then increasing towards the infinite-width kernel's "
    "(and, as d grows at `n = alpha d`, towards the self-induced ridge `E σ'² - a_0²` when alpha > 1). "
    "Theory (the spectrum's edge in the deterministic equivalent) against `σ_min(Φ)²` of the actual NT "
    "features; at `n < N d` the simulation sits below it (5-30% at these small sizes, 2-6% at d = 20-80 in "
    "the tests: finite width and the downward edge fluctuations).",
    """kw = dict(n=120, d=12, ridge=0.0, activation="tanh", target_powers=[0.0, 1.0, 0.5], noise=0.1)
frame = asy.check("nt-ridge", trials=2 if FAST else 8, seed=1, width=np.array([5, 10, 15, 30, 100]), n_test=20, **kw)
frame[frame.observable == "min_eigenvalue"][["width", "theory", "simulation", "stderr"]]""",
    """print("N -> inf:", float(asy.evaluate("nt-ridge", width=np.inf, **kw).min_eigenvalue))
# d -> inf with n = 2 d (l = 1) and N d >> n: the self-induced ridge E σ'² - a_0², bounded away from zero
print("polynomial regime (n = 2d, d -> inf):",
      float(asy.evaluate("nt-ridge", alpha=2.0, degree=1, activation="tanh", target_powers=[0.0]).min_eigenvalue),
      " d = 2000:", float(asy.evaluate("nt-ridge", n=4000, d=2000, width=np.inf, activation="tanh",
                                       target_powers=[0.0]).min_eigenvalue))""",
    "md:## Random labels: interpolation and test error of the min-norm NT interpolator\n\n"
    "Pure-noise labels (noise variance 1, no signal) and structured labels; train error 0 once `N d > n`, "
    "test error `1 + variance` for pure noise, decreasing with overparametrization.",
    """rows = []
for name, lab in {"pure noise": dict(target_powers=[0.0], noise=1.0),
                  "structured": dict(target_powers=[0.0, 1.0, 0.5], noise=0.1)}.items():
    r = asy.evaluate("nt-ridge", n=120, d=12, width=np.array([5.0, 20.0, 100.0, np.inf]), ridge=0.0,
                     activation="tanh", **lab)
    rows += [{"labels": name, "width": w, "train": tr, "test": te}
             for w, tr, te in zip([5, 20, 100, np.inf], r.train_error, r.test_error)]
pd.DataFrame(rows)""",
    """fig, data = render("nt-random-labels", fast=FAST)
fig""",
]


def notebook(cells):
    nb = nbf.v4.new_notebook()
    nb.cells = [nbf.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbf.v4.new_code_cell(c)
                for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


if __name__ == "__main__":
    nbf.write(notebook(CELLS), HERE / "nt_random_labels.ipynb")

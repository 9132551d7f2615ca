"""Writes notebooks/classification.ipynb with nbformat (run from the repository root); outputs not stored."""

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).parent
SETUP = """import os
import numpy as np
import asymptotics as asy
from asymptotics.figures import render
FAST = os.environ.get("ASYMPTOTICS_FAST") == "1\""""

cells = [
    "md:# Max-margin, logistic regression and convex ERM in high dimensions\n\n"
    "Montanari–Ruan–Sohn–Yan's max-margin classifier, Gardner's capacity, Sur–Candès' logistic MLE, "
    "Candès–Sur's phase transition for its existence, and ridge-penalised ERM with square, logistic "
    "and hinge losses, each against its Monte Carlo twin. Set `ASYMPTOTICS_FAST=1` for a quick run.",
    SETUP,
    "md:## Max-margin: margin, direction and test error; the separability threshold",
    """r = asy.evaluate("max-margin", psi=[0.5, 1.0, 2.0, 4.0], link="sign", flip=0.1)
print("separability threshold psi* =", r.separability_threshold[0])
asy.curve("max-margin", sweep={"psi": [0.5, 1.0, 2.0, 4.0]}, flip=0.1)[["psi", "margin", "c1", "c2", "test_error", "status"]]""",
    "md:Below the threshold the data are not separable and the classifier does not exist: "
    "`evaluate` says so, naming the threshold.",
    """try:
    asy.evaluate("max-margin", psi=0.2, flip=0.1)
except asy.ParameterError as err:
    print(err)""",
    "md:Theory against the exact hard-margin SVM (least-distance programming by NNLS):",
    """asy.check("max-margin", n=150 if FAST else 800, trials=4 if FAST else 20, seed=1, psi=2.0, flip=0.1)""",
    "fig, data = render('mrsy-test-error', fast=FAST)\ndisplay(fig)",
    "md:### General covariance\n\nWith a decaying spectrum whose top directions carry the teacher, "
    "the max-margin classifier generalises better than with isotropic features at the same p/n "
    "(the `general` variant: the vanishing-penalty limit of hinge ERM, checked against the exact SVM).",
    """spec = "power-law:p=400,decay=1.5,source=0.5"
n = np.array([20.0, 40.0, 80.0, 160.0, 320.0])
general = asy.evaluate("max-margin", n=n, flip=0.05, spectrum=spec)
isotropic = asy.evaluate("max-margin", psi=400 / n, flip=0.05)
print("p/n:            ", 400 / n)
print("test error, Sigma power law:", np.round(general.test_error, 4))
print("test error, isotropic:      ", np.round(isotropic.test_error, 4))
asy.check("max-margin", n=60 if FAST else 300, trials=3 if FAST else 10, seed=4, flip=0.05,
          spectrum="power-law:p=180,decay=1.5,source=0.5" if FAST else spec)""",
    "md:## Gardner's capacity (random labels) and Cover's 2",
    """print(asy.evaluate("gardner", kappa=[0.0, 0.5, 1.0]).capacity)
asy.check("gardner", p=30 if FAST else 100, trials=5 if FAST else 20, seed=2, kappa=0.0)""",
    "md:## Sur–Candès: bias inflation of the logistic MLE",
    """r = asy.evaluate("logistic-mle", kappa=0.2, signal=5.0)
print(f"alpha = {r.alpha:.4f}, sigma = {r.sigma:.4f}, lambda = {r['lambda']:.4f}, LRT scale = {r.lrt_scale:.4f}")""",
    "fig, data = render('sur-candes-bias', fast=FAST)\ndisplay(fig)",
    "md:## Candès–Sur: when does the MLE exist?",
    "fig, data = render('candes-sur-phase-transition', fast=FAST)\ndisplay(fig)",
    "md:## Ridge-penalised ERM: logistic, hinge, square losses\n\n"
    "The hinge loss at vanishing penalty is the max-margin classifier, the logistic loss the MLE:",
    """mm = asy.evaluate("max-margin", psi=0.5)
hinge = asy.evaluate("erm", alpha=2.0, lam=1e-3, loss="hinge")
print("cosine:", hinge.cosine, "vs max-margin c1:", mm.c1, "  q kappa*^2 =", hinge.q * mm.margin ** 2)
lam = np.geomspace(1e-3, 10, 30)
frame = asy.curve("erm", sweep={"lam": lam}, alpha=2.0, loss="logistic", flip=0.1)
frame[["lam", "cosine", "test_error", "train_error", "train_loss"]].iloc[::5]""",
    """asy.check("erm", n=200 if FAST else 1000, trials=3 if FAST else 10, seed=3, alpha=2.0, lam=0.1,
          loss="logistic", link="logistic", signal=4.0)""",
]

nb = nbf.v4.new_notebook()
nb.cells = [nbf.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbf.v4.new_code_cell(c) for c in cells]
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbf.write(nb, HERE / "classification.ipynb")

"""Writes notebooks/checking_a_derivation.ipynb with nbformat (run from the repository root); outputs not stored."""

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).parent
SETUP = """import os
import mpmath as mp
import sympy as sp
import asymptotics as asy
from asymptotics import verify
FAST = os.environ.get("ASYMPTOTICS_FAST") == "1\""""

cells = [
    "md:# Checking a derivation numerically\n\n"
    "`asymptotics.verify` checks the claims a derivation makes — a value, a rate, a closed form, a "
    "series, an inequality, a transition point, the equality of two formulations — on the package's "
    "own equations, with exact parameters and Arb balls. Every check returns a `Verdict` "
    "(CERTIFIED / SUPPORTED / REFUTED / INCONCLUSIVE) with its evidence; the CLI "
    "`asymptotics verify ...` exits 0 / 1 / 3 so a paper's repository can run its claims in CI.",
    SETUP,
    "md:## 1. The seed paper's rate: excess variance ~ sigma²/log(p/n)\n\n"
    "The minimum-l1 interpolator of pure noise (model `basis-pursuit`) has excess variance "
    "`noise v/(1 - v)`, `v = (2/delta)[(1 + a²)Phi(-a) - a phi(a)]`, `2 Phi(-a) = delta`. Its rate "
    "`excess_variance log(p/n)/sigma²` tends to 1, but slowly, with `h log h` corrections "
    "(`h = 1/log(p/n)`): standard extrapolation assumes power corrections and gets it wrong without "
    "saying so.",
    """ev = verify.Evaluator("basis-pursuit", "rate", noise=1)
with mp.workdps(30):
    print("mpmath.limit:", mp.limit(lambda d: ev(25, delta=d).mpf, 0))   # assumes powers of delta
print("rate at delta = 1e-1000000:", verify.value("basis-pursuit", "rate", digits=20, delta="1e-1000000", noise=1).estimate)""",
    "md:`verify.rate` works in the scale variable `h = 1/log(1/delta)` on a geometric grid "
    "(`delta = exp(-1/h)` entered exactly, down to `exp(-2^25)`), extrapolates the local exponents "
    "and constants with two correction bases (pure powers; powers with logarithms) and refutes the "
    "factor-2 claim `sigma²/(2 log(p/n))`:",
    """v = verify.rate("basis-pursuit", "excess_variance", "delta", 0, scale="log", exponent=1, constant="1/2",
                noise=1, points=14 if FAST else 24)
print(v)
print("bases:", v.details["constant_fit"])
v.plot();""",
    """print(verify.rate("basis-pursuit", "excess_variance", "delta", 0, scale="log", exponent=1, constant=1,
                  noise=1, points=14 if FAST else 24))""",
    "md:## 2. Exponents at the ridgeless interpolation peak\n\n"
    "Variance `noise/(gamma - 1)` above the peak, `noise gamma/(1 - gamma)` below it (exponent -1, "
    "constant noise), and at `gamma = 1` as `lam -> 0`: `kappa ~ sqrt(lam)`, variance "
    "`~ noise/(2 sqrt(lam))` (exponent -1/2, constant 1/2; the correction scale `sqrt(h)` is fitted).",
    """for toward, param, fixed, a, c in [("1+", "gamma", {"lam": 0}, -1, 1), ("1-", "gamma", {"lam": 0}, -1, 1),
                                   (0, "lam", {"gamma": 1}, "-1/2", "1/2")]:
    r = verify.rate("ridge", "variance", param, toward, scale="power", exponent=a, constant=c, noise=1,
                    points=12 if FAST else 20, **fixed)
    print(f"{param} -> {toward}: a = {r.details['exponent']} ± {r.details['exponent_error']}, "
          f"C = {r.details['constant']} ± {r.details['constant_error']}, beta = {r.details['constant_fit']['beta']}: {r.status}")""",
    "md:## 3. Certified inequalities for optimally tuned ridge\n\n"
    "Nakkiran, Venkat, Kakade and Ma (2021): with the optimal penalty `lam = noise gamma/signal` the "
    "risk increases with `gamma`. `verify.monotone` differentiates the closed form and certifies the "
    "sign of the derivative on `[0.01, 100]` by branch-and-bound on Arb boxes; a false bound is "
    "refuted by a certified counterexample.",
    """tuned = {"lam": "noise*gamma/signal"}
m = verify.monotone("ridge", "excess_risk", "gamma", over={"gamma": ("1/100", 100)}, tie=tuned, signal=1, noise=1,
                    grid_points=201 if FAST else 2001)
print(m)
b = verify.bound("ridge", "excess_risk <= gamma/(1 + gamma)", over={"gamma": ("1/100", 100)}, tie=tuned,
                 signal=1, noise=1, grid_points=201 if FAST else 2001)
print(b)""",
    "md:## 4. A fixed point's series\n\n"
    "Coefficients from the model's own equations: exact (sympy) where a closed form is declared — "
    "with symbolic parameters, and Puiseux exponents at the peak — and by the implicit-function "
    "theorem under the spectral average otherwise, with the error ladder of the partial sums.",
    """print(verify.series("ridge", "kappa", "lam", 0, order=4, gamma=2).details["series"])
print(verify.series("ridge", "kappa", "lam", 0, order=3, symbolic={"gamma": ">1"}).details["series"])
print(verify.series("ridge", "kappa", "lam", 0, order=3, gamma=1).details["series"])
s = verify.series("ridge", "kappa", "lam", "1/100", order=3 if FAST else 4, digits=25, n=100, noise=1,
                  spectrum="power-law:p=1000,decay=1.5,source=0.5")
print(s.details["coefficients"]); print(s.details["error_ladder"])""",
    "md:## 5. Two formulations, and the normalization that reconciles them\n\n"
    "The ridge variance against its Stieltjes-transform form (HMRT Sec. 5), at random exact "
    "rational points; then a copy written with `lam' = lam gamma` and the noise as a standard "
    "deviation: the search finds the map.",
    """g, lam, noise = sp.symbols("gamma lam noise", positive=True)
M = (-(1 - g + lam) + sp.sqrt((1 - g + lam) ** 2 + 4 * g * lam)) / (2 * g * lam)   # m(-lam)
dM = -sp.diff(M, lam)                                                              # m'(-lam)
over = {"gamma": ("1/10", 10), "lam": ("1/100", 10)}
print(verify.same("ridge:variance", noise * g * (M - lam * dM), over=over, signal=1, noise="1/3",
                  points=10 if FAST else 40))
sd = sp.Symbol("sigma", positive=True)
copy = (sd ** 2 * g * (M - lam * dM)).xreplace({lam: lam / g}).xreplace({sd: noise})
print(verify.same("ridge:variance", copy, over={**over, "noise": ("1/10", 4)}, signal=1, points=6, digits=40).message)""",
    "md:## 6. Closed forms from verified digits\n\n"
    "At `gamma = lam = 1/10` (exact) the tuned ridge risk is `sqrt(26) - 5`; at the float `0.1` "
    "there is no small relation to find.",
    """print(verify.identify(model="ridge", observable="excess_risk", digits=45, gamma="1/10", lam="1/10", signal=1, noise=1))
print(verify.identify(model="ridge", observable="excess_risk", digits=45, gamma=0.1, lam=0.1, signal=1, noise=1))""",
    "md:## In CI\n\n"
    "```\nasymptotics verify rate basis-pursuit excess_variance --parameter delta --toward 0 --scale log \\\n"
    "    --exponent 1 --constant 1/2 noise=1          # exit status 1: refuted\n```",
    """from asymptotics.cli import main
print("exit status:", main(["verify", "value", "ridge", "excess_risk", "gamma=1/10", "lam=1/10", "signal=1", "noise=1",
                             "--digits", "40", "--claim", "sqrt(26)-5"]))""",
]


def build():
    nb = nbf.v4.new_notebook()
    for c in cells:
        if c.startswith("md:"):
            nb.cells.append(nbf.v4.new_markdown_cell(c[3:]))
        else:
            nb.cells.append(nbf.v4.new_code_cell(c))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbf.write(nb, HERE / "checking_a_derivation.ipynb")


if __name__ == "__main__":
    build()

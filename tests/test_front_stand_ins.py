"""What a model's cached front leaves out (asymptotics._front): stand-ins that raise on use, and
the fallback to the model file when a front lacks what a call needs. The numbers of a warm
process (front + cached kernels) are the bits of the cold one, with or without that fallback."""

import json
import os
import pathlib
import pickle
import shutil
import subprocess
import sys

import numpy as np
import pytest

from asymptotics import _front

ROOT = pathlib.Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
       "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def test_an_absent_object_travels_but_any_use_raises():
    stub = pickle.loads(pickle.dumps(_front._Absent("a System")))
    holder = {stub: 1, "x": [stub]}  # hashable by identity: dictionaries holding it rebuild
    assert holder[stub] == 1 and "left out" in repr(stub)
    uses = [lambda: stub + 1, lambda: 2 * stub, lambda: stub(), lambda: stub.free_symbols,
            lambda: float(stub), lambda: bool(stub), lambda: str(stub), lambda: np.asarray(stub, dtype=float),
            lambda: isinstance(3, stub), lambda: len(stub), lambda: stub[0], lambda: -stub]
    for use in uses:
        with pytest.raises(_front.FrontIncomplete):
            use()


def test_an_absent_symbol_keeps_its_name_only():
    sym = pickle.loads(pickle.dumps(_front._AbsentSymbol("tau2")))
    assert sym.name == "tau2" and str(sym) == "tau2"
    with pytest.raises(_front.FrontIncomplete):
        sym ** 2


def test_a_lazy_module_imports_on_first_use():
    mod = pickle.loads(pickle.dumps(_front._LazyModule("json")))
    assert mod.dumps([1]) == "[1]"


def test_remembered_values_come_back_bit_for_bit_and_a_damaged_entry_is_a_miss(tmp_path, monkeypatch):
    from asymptotics import cache

    monkeypatch.setenv("ASYMPTOTICS_CACHE_DIR", str(tmp_path / "c"))
    calls = []
    value = [0.1 + 0.2, float("inf"), 1e-300]

    def compute():
        calls.append(1)
        return value

    assert cache.remember("probe", ("a",), compute) == value
    assert cache.remember("probe", ("a",), compute) == value and len(calls) == 1  # read back
    cache.write("probe", cache.key("probe", "a"), b"{not json")
    assert cache.remember("probe", ("a",), compute) == value and len(calls) == 2


def test_which_package_modules_import_sympy_at_import_time():
    # read from the sources: the registry and validation are sympy-free (start-up), the symbolic
    # layer and the shared sympy tables are not
    assert not _front._imports_sympy("asymptotics.models._registry")
    assert not _front._imports_sympy("asymptotics.validation")
    assert not _front._imports_sympy("asymptotics.runtime")
    assert not _front._imports_sympy("asymptotics.measures")  # its kernels are NamedKernels
    assert _front._imports_sympy("asymptotics.symbolic.nodes")
    assert _front._imports_sympy("asymptotics.vocabulary")
    assert _front._imports_sympy("asymptotics.models.lasso")


_CHILD = r"""
import json, sys, numpy
import asymptotics as asy
from asymptotics import _front
name, example = sys.argv[1], json.loads(sys.argv[2])
r = asy.evaluate(name, throw=False, **example)
print(json.dumps({"obs": {k: repr(numpy.asarray(v).tolist()) for k, v in sorted(r.observables.items())},
                  "sympy": "sympy" in sys.modules,
                  "fallback": _front._LOADED.get(name) is _front._FORGOTTEN}))
"""

# lasso's Params for basis-pursuit, helper kernels and symbol names in glm-bayes; boosting's scan
# and nuclear-route's recovery threshold: NamedKernels; random-features: a named activation's moments from cache.remember; gd-least-squares: its
# Marchenko–Pastur rule lives in asymptotics.integrals, so the stored system names no model file;
# the DMFT models: their losses, teachers, mixture layouts, activations and ξ are NamedKernels
# (asymptotics.runtime), found by name in the cache, and so is spiked-wigner's scan of its prior;
# the sphere variants: a named kernel's (activation's) Funk–Hecke coefficients (harmonics.remembered)
CASES = {"basis-pursuit": ({"delta": 0.2, "noise": 1.0}, False),
         "random-features": ({"psi1": 3.0, "psi2": 3.0, "lam": 1e-3, "activation": "relu"}, False),
         "gd-least-squares": ({"gamma": 0.5, "time": 20.0, "lam": 0.005, "step": 0.2}, False),
         "glm-bayes": ({"alpha": 2.0, "prior": "gaussian"}, False),
         "dmft-glm": ({"alpha": 2.0, "time": 1.0, "step": 0.25, "loss": "hinge", "teacher": "sign",
                       "batch": 0.5, "paths": 100}, False),
         "decoupled-descent": ({"variant": "gd-step", "data": "xor", "alpha": 2.0, "iteration": 3, "step": 0.2,
                                "noise": 0.5, "lam": 0.1}, False),
         "spherical-spin": ({"p": 3, "temperature": 0.0, "time": 1.0, "dt": 0.05}, False),
         "two-layer-population": ({"time": 1.0, "noise": 0.25, "activation": "erf"}, False),
         "spiked-wigner": ({"snr": 1.5, "prior": "sparse-rademacher", "eps": 0.2}, False),
         "kernel-ridge": ({"n": 300, "d": 12, "ridge": 0.01, "noise": 0.1, "kernel": "exp",
                           "target_powers": [0.0, 1.0, 0.5]}, False),
         "nt-ridge": ({"n": 300, "width": 30, "d": 12, "ridge": 0.01, "noise": 0.1, "activation": "tanh",
                       "weights": "sphere", "target_powers": [0.0, 1.0, 0.5]}, False),
         "boosting": ({"delta": 0.25, "noise": 0.25, "eps": 0.05, "lam": 1.0}, False),
         "nuclear-route": ({"alpha": 0.6, "lam": 0.05, "noise": 0.1, "kappa_star": 0.5, "nodes": 600}, False)}


def _cold_and_warm(name, example, tmp_path, between=None):
    env = {**ENV, "ASYMPTOTICS_CACHE_DIR": str(tmp_path / "cache")}
    runs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", _CHILD, name, json.dumps(example)], env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if between is not None and len(runs) == 1:
            between(tmp_path / "cache")
    return runs


@pytest.mark.parametrize("name", list(CASES))
def test_a_warm_process_gives_the_cold_bits(name, tmp_path):
    example, falls_back = CASES[name]
    cold, warm = _cold_and_warm(name, example, tmp_path)
    assert cold["sympy"]  # the first process generated the code from the equations
    assert warm["obs"] == cold["obs"]  # the same bits, through the front or after its fallback
    assert warm["fallback"] is falls_back
    assert warm["sympy"] is falls_back  # a complete front never imports sympy


def test_a_front_whose_named_kernel_left_the_cache_falls_back_to_the_model_file(tmp_path):
    # boosting's scan kernel is a NamedKernel: without its entry the front cannot build it (the
    # sympy blocks are stand-ins), so the call goes through the model file, with the same bits
    example = CASES["boosting"][0]

    def drop(root):
        removed = [shutil.rmtree(p) for p in root.glob("*/named-kernel")]
        assert removed

    cold, warm = _cold_and_warm("boosting", example, tmp_path, between=drop)
    assert warm["obs"] == cold["obs"]
    assert warm["fallback"] and warm["sympy"]


def _first_examples():
    import asymptotics as asy

    return {name: dict(asy.models.get(name).variants[0].example) for name in asy.models.names()}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_first_examples()))
def test_every_model_starts_warm_without_sympy_and_gives_the_cold_bits(name, tmp_path):
    # what benchmarks/bench_startup.py measures, as a check: a warm process evaluates each model's
    # first example from its cached front and code only (about 1-3 s per model, hence slow)
    example = json.loads(json.dumps(_first_examples()[name], default=lambda v: np.asarray(v).tolist()))
    cold, warm = _cold_and_warm(name, example, tmp_path)
    assert warm["obs"] == cold["obs"]
    assert not warm["fallback"] and not warm["sympy"]

"""Imports run one way, layer by layer, with no cycle; the twins never call the theory.

The layers (lowest first) are written down in LAYERS: a module may import from its own layer or
any layer below it, never above; within a layer the import graph between components has no
cycle. Components are top-level modules or subpackages of ``asymptotics``.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "asymptotics"

LAYERS = [
    ("leaf", {"outcome", "validation", "cache", "runtime", "progress"}),
    ("data", {"integrals", "spectra", "priors", "activations", "kernels", "harmonics", "free_probability",
              "expressions", "precise_rules"}),
    ("symbolic", {"symbolic"}),
    ("vocabulary", {"vocabulary"}),
    ("codegen", {"codegen", "balls", "exact"}),
    ("shared definitions", {"measures"}),
    ("solvers", {"solvers", "precision"}),
    ("theory", {"models", "dmft"}),
    ("api", {"api", "dynamics", "_front"}),
    ("twins", {"simulate", "compare"}),
    ("front ends", {"sweep", "plot", "figures", "cli", "verify", "io", "__init__",
                    "__main__", "_version"}),
]
LEVEL = {c: i for i, (_, comps) in enumerate(LAYERS) for c in comps}


def _component(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _is_module(parts) -> bool:
    return (ROOT.joinpath(*parts).with_suffix(".py").exists() or (ROOT.joinpath(*parts) / "__init__.py").exists())


def _imports(path: pathlib.Path):
    """(component, full dotted target) of every import of the package in a file (lazy ones too)."""
    tree = ast.parse(path.read_text())
    pkg = list(path.relative_to(ROOT).parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if not (node.module or "").startswith("asymptotics"):
                    continue
                parts = node.module.split(".")[1:]
            else:
                parts = pkg[:len(pkg) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            # a name imported from a package may be a submodule: report it as such
            targets = [parts + [alias.name] if _is_module(parts + [alias.name]) else parts
                       for alias in node.names]
            for t in targets:
                if t:
                    yield t[0], ".".join(t)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("asymptotics."):
                    parts = alias.name.split(".")[1:]
                    yield parts[0], ".".join(parts)


FILES = sorted(ROOT.rglob("*.py"))


def test_every_component_has_a_layer():
    missing = sorted({_component(f) for f in FILES} - set(LEVEL))
    assert not missing, f"add {missing} to LAYERS in tests/test_architecture.py (and to DESIGN.md)"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_down_the_layers(path):
    here = _component(path)
    for target, full in _imports(path):
        if target == here or target not in LEVEL:
            continue
        assert LEVEL[target] <= LEVEL[here], (
            f"{path.relative_to(ROOT)} ({LAYERS[LEVEL[here]][0]}) imports {full} "
            f"({LAYERS[LEVEL[target]][0]}), a higher layer")


def test_no_import_cycle_between_components():
    graph: dict[str, set[str]] = {}
    for f in FILES:
        here = _component(f)
        graph.setdefault(here, set()).update(t for t, _ in _imports(f) if t != here and t in LEVEL)
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail + [node, nxt]))
            if not state.get(nxt):
                visit(nxt, trail + [node])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [])


def test_twins_never_call_the_theory():
    # a Monte Carlo twin may read a model's declarations (its Params, through the registry) and
    # the shared definitions (vocabulary, measures, codegen), never a solver, the evaluator, the
    # DMFT engine, or a model module's internals
    for f in (ROOT / "simulate").glob("*.py"):
        for target, full in _imports(f):
            assert target not in {"api", "solvers", "dmft", "dynamics"}, f"{f.name} imports {full}"
            assert not full.startswith("models.") or full == "models._registry", (
                f"{f.name} imports {full} (a model's internals)")


def test_solvers_and_codegen_import_no_model():
    files = list((ROOT / "solvers").glob("*.py")) + [ROOT / "codegen.py"] + list((ROOT / "symbolic").glob("*.py"))
    for f in files:
        for target, full in _imports(f):
            assert target not in {"models", "simulate"}, f"{f.name} imports {full}"


def test_models_do_not_import_solvers():
    for f in (ROOT / "models").glob("*.py"):
        for target, full in _imports(f):
            assert target not in {"solvers", "api"}, f"{f.name} imports {full}"

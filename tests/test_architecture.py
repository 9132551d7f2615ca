"""Imports run one way: the solvers and codegen know no model."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1] / "asymptotics"


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name


def test_solvers_and_codegen_import_no_model():
    files = list((ROOT / "solvers").glob("*.py")) + [ROOT / "codegen.py"] + list((ROOT / "symbolic").glob("*.py"))
    for f in files:
        for mod in _imports(f):
            assert "models" not in mod and "simulate" not in mod, f"{f.name} imports {mod}"


def test_models_do_not_import_solvers():
    for f in (ROOT / "models").glob("*.py"):
        for mod in _imports(f):
            assert "solvers" not in mod and "api" not in mod, f"{f.name} imports {mod}"

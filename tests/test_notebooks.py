"""Every notebook in notebooks/ runs top to bottom in fast mode (ASYMPTOTICS_FAST=1)."""

import os
import pathlib

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_fast_mode(path, monkeypatch, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("ASYMPTOTICS_FAST", "1")
    # The kernel's own (inline) backend, as a user runs the notebook: figures must be displayed.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    # The kernel must import this checkout, installed or not.
    root = str(path.parents[1])
    monkeypatch.setenv("PYTHONPATH", root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code" and "render(" in cell.source:
            shown = [k for out in cell.get("outputs", []) for k in out.get("data", {})]
            assert "image/png" in shown, f"no figure shown by the cell {cell.source.splitlines()[0]!r}"

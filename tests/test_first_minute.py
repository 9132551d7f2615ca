"""Issue 15, "the first minute": the reproducers of a new user's first commands, one test each.

Files that load with plain readers, the command line's help, outputs, errors and pipes, and the
code cache (cold and warm processes, concurrent writers, clearing it).
"""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import asymptotics as asy
from asymptotics import cache, cli

ROOT = pathlib.Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- files load with plain readers ------------------------------------------------------------------
def test_sweep_csv_is_a_plain_csv_with_a_json_sidecar(tmp_path, capsys):
    out = tmp_path / "runs" / "x.csv"
    assert run(capsys, "sweep", "ridge", "--grid", "gamma=0.5:2:4", "noise=0.5", "--out", str(out),
               "--workers", "1", "--no-progress")[0] == 0
    frame = pd.read_csv(out)  # no arguments: a header row, then rows
    assert list(frame["gamma"]) == [0.5, 1.0, 1.5, 2.0] and "test_error" in frame
    meta = json.loads((tmp_path / "runs" / "x.csv.json").read_text())
    assert meta["model"] == "ridge" and meta["fixed"] == {"noise": 0.5}
    loaded = asy.load(out)
    assert loaded.attrs["model"] == "ridge" and len(loaded) == 4


def test_parquet_store_reads_with_pandas_and_load(tmp_path):
    store = tmp_path / "x.parquet"
    asy.sweep("ridge", {"gamma": [0.5, 2.0]}, store=store, workers=1, progress=False, noise=0.5)
    assert len(pd.read_parquet(store)) == 2
    assert asy.load(store).attrs["kind"] == "theory"


def test_curve_out_and_figure_data_are_plain_csv(tmp_path, capsys):
    csv = tmp_path / "c.csv"
    assert run(capsys, "curve", "ridge", "--sweep", "gamma=0.5:2:3", "lam=0.1", "--out", str(csv))[0] == 0
    assert len(pd.read_csv(csv)) == 3
    assert asy.load(csv).attrs["sweep"] == ["gamma"]


def test_load_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(asy.ParameterError, match="no such file"):
        asy.load(tmp_path / "missing.csv")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(asy.ParameterError, match="must end in .csv or .parquet"):
        asy.load(tmp_path / "x.json")


# -- the command line ---------------------------------------------------------------------------------
def _actions(parser):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield "subcommand " + choice.dest, choice.help
            for name, sub in action.choices.items():
                for a in _actions(sub):
                    yield (f"{name}: {a[0]}", a[1])
        elif not isinstance(action, argparse._HelpAction):
            yield "/".join(action.option_strings) or action.dest, action.help


def test_every_option_and_subcommand_has_help_text():
    missing = [name for name, text in _actions(cli._parser()) if not text]
    assert not missing, f"no help text: {missing}"


@pytest.mark.parametrize("argv,needle", [
    (["eval", "ridge", "gamma=2", "--precision", "-5"], "integer >= 1; got -5"),
    (["eval", "ridge", "gamma=2", "--precision", "0"], "integer >= 1; got 0"),
    (["simulate", "ridge", "n=20", "gamma=2", "trials=abc"], "'trials' must be an integer"),
    (["check", "ridge", "n=20", "gamma=2", "trials=2.5"], "'trials' must be an integer"),
    (["eval", "ridge", "gamma=2", "gamma=3"], "given twice"),
    (["eval"], "the following arguments are required"),
    (["nosuchcommand"], "invalid choice"),
    (["figure", "ridge-double-descent", "--out", "x.unknownext"], "unknown image format '.unknownext'"),
    (["figure", "no-such-figure"], "unknown figure"),
    (["sweep", "ridge", "--grid", "gamma=0:1:3", "--log", "--out", "x.csv"], "--log needs a positive"),
    (["eval", "ridge", "n=10", "eigenvalues=eigs.npy", "target=eigs.npy"], "file not found"),
])
def test_errors_are_one_line_with_status_2(capsys, argv, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2, err
    assert needle in err and err.count("\n") == 1, err
    assert "Traceback" not in err


def test_bad_array_files_are_one_line_errors(capsys, tmp_path):
    bad_npy = tmp_path / "bad.npy"
    bad_npy.write_bytes(b"this is not a numpy file")
    bad_txt = tmp_path / "bad.txt"
    bad_txt.write_text("1 2 three\n")
    pickled = tmp_path / "obj.npy"
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)  # never unpickled
    for path in (bad_npy, bad_txt, pickled):
        code, _, err = run(capsys, "eval", "ridge", "n=10", f"eigenvalues={path}", f"target={path}")
        assert code == 2 and "cannot read numbers from" in err and err.count("\n") == 1, err


def test_figure_unknown_extension_is_refused_before_any_work(capsys, monkeypatch):
    from asymptotics import figures

    def boom(fast):  # the figure must not be computed
        raise AssertionError("computed before the output was checked")

    fig = figures.get("ridge-double-descent")
    monkeypatch.setitem(figures._FIGURES, "ridge-double-descent",
                        figures.Figure(fig.name, fig.description, boom, fig.reference))
    code, _, err = run(capsys, "figure", "ridge-double-descent", "--out", "x.unknownext")
    assert code == 2 and "unknown image format" in err


@pytest.mark.parametrize("kind", ["dir", "dir/", "stem", "file"])
def test_figure_out_directory_stem_or_file_writes_what_it_says(capsys, tmp_path, kind, monkeypatch):
    from asymptotics import figures

    calls = []

    def small(fast):
        import matplotlib.pyplot as plt

        calls.append(fast)
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        return fig, pd.DataFrame({"x": [0.0, 1.0]})

    monkeypatch.setitem(figures._FIGURES, "tiny", figures.Figure("tiny", "a test figure", small))
    target = {"dir": tmp_path, "dir/": f"{tmp_path / 'new'}/", "stem": tmp_path / "stem",
              "file": tmp_path / "f.pdf"}[kind]
    code, out, err = run(capsys, "figure", "tiny", "--out", str(target), "--json")
    assert code == 0, err
    written = json.loads(out)
    image, data = pathlib.Path(written["image"]), pathlib.Path(written["data"])
    expected = {"dir": tmp_path / "tiny.png", "dir/": tmp_path / "new" / "tiny.png",
                "stem": tmp_path / "stem.png", "file": tmp_path / "f.pdf"}[kind]
    assert image == expected and image.stat().st_size > 500
    assert data == expected.with_suffix(".csv") and list(pd.read_csv(data)["x"]) == [0.0, 1.0]


def test_closed_pipe_exits_quietly():
    # `asymptotics list | head -1`: the reader leaves after one line
    proc = subprocess.Popen(f"{sys.executable} -m asymptotics.cli list | head -1", shell=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert out.count(b"\n") == 1 and b"Broken pipe" not in err and b"Traceback" not in err, err


@pytest.mark.parametrize("argv", [
    ["list", "--json"], ["show", "ridge", "--json"],
    ["eval", "ridge", "gamma=2", "--json"],
    ["curve", "ridge", "--sweep", "gamma=0.5:2:2", "--json"],
    ["simulate", "ridge", "n=30", "trials=2", "gamma=2", "--json"],
    ["check", "ridge", "n=30", "trials=2", "gamma=2", "--json"],
    ["figure", "--list", "--json"], ["cache", "info", "--json"],
])
def test_json_on_every_subcommand_that_prints_numbers(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    for line in out.strip().splitlines():
        json.loads(line)


def test_demo_without_matplotlib_is_a_one_line_error(tmp_path):
    # a Python that cannot import matplotlib (as on a machine without it)
    code = ("import sys; sys.modules['matplotlib'] = None; from asymptotics import cli; "
            f"sys.exit(cli.main(['demo', '--fast', '--out', {str(tmp_path)!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=120)
    assert proc.returncode == 2 and "matplotlib" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


# -- the code cache -------------------------------------------------------------------------------------
_PROBE = ("import json, sys, asymptotics as asy; r = asy.evaluate('ridge', gamma=2.0, lam=0.1); "
          "print(json.dumps([r.test_error, 'sympy' in sys.modules]))")


def _probe(env):
    proc = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_warm_process_neither_imports_sympy_nor_regenerates(tmp_path):
    env = {**ENV, "ASYMPTOTICS_CACHE_DIR": str(tmp_path / "cache")}
    cold_value, cold_sympy = _probe(env)
    files = sorted(p.relative_to(tmp_path) for p in (tmp_path / "cache").rglob("*.pkl"))
    assert cold_sympy and files  # the first process generated (and stored) the code
    warm_value, warm_sympy = _probe(env)
    assert warm_value == cold_value and not warm_sympy  # same bits, no sympy
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "cache").rglob("*.pkl")) == files


def test_concurrent_cold_processes_share_one_cache(tmp_path):
    env = {**ENV, "ASYMPTOTICS_CACHE_DIR": str(tmp_path / "cache")}
    procs = [subprocess.Popen([sys.executable, "-c", _PROBE], stdout=subprocess.PIPE, env=env, text=True)
             for _ in range(2)]
    values = []
    for p in procs:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0
        values.append(json.loads(out.strip().splitlines()[-1])[0])
    assert len(set(values)) == 1
    assert not [p for p in (tmp_path / "cache").rglob("*.tmp")]  # renamed into place, none left
    assert _probe(env) == [values[0], False]


def test_cache_clear_and_off(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASYMPTOTICS_CACHE_DIR", str(tmp_path / "c"))
    assert cache.write("kernel", "ab" * 32, b"x")
    assert cache.read("kernel", "ab" * 32) == b"x"
    code, out, _ = run(capsys, "cache", "clear")
    assert code == 0 and "removed 1 file" in out and not (tmp_path / "c").exists()
    assert asy.clear_cache() == 0
    monkeypatch.setenv("ASYMPTOTICS_CACHE", "off")
    assert not cache.write("kernel", "ab" * 32, b"x") and cache.read("kernel", "ab" * 32) is None


def test_a_damaged_cache_entry_is_a_miss(tmp_path, monkeypatch):
    from asymptotics import runtime

    monkeypatch.setenv("ASYMPTOTICS_CACHE_DIR", str(tmp_path / "c"))
    cache.write("kernel", "cd" * 32, b"\x80\x05garbage")
    assert runtime.loads(cache.read("kernel", "cd" * 32)) is None


def test_the_cache_folder_follows_the_platform_rules(monkeypatch, tmp_path):
    monkeypatch.delenv("ASYMPTOTICS_CACHE_DIR", raising=False)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert cache.cache_root() == tmp_path / "xdg" / "asymptotics"
    assert cache._VERSION == asy.__version__


def test_import_asymptotics_imports_no_heavy_module():
    code = ("import sys, asymptotics; heavy = [m for m in ('sympy', 'pandas', 'scipy', 'matplotlib', "
            "'dask', 'mpmath') if m in sys.modules]; print(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=120)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


FRONT_MODELS = ["ridge", "lasso", "random-features", "dmft-glm"]  # systems, choices, prepare, compute

_DECLARATION = """
import dataclasses, json, sys
import numpy as np
import asymptotics as asy
from asymptotics import validation

def describe(model):
    out = {}
    for v in model.variants:
        first = next(iter(v.param_specs))
        try:
            v.validate({**v.example, first: float("nan")}, model.name)
            msg = None
        except asy.ParameterError as err:
            msg = str(err)
        p = v.validate(v.example, model.name)
        out[v.name] = {
            "required": sorted(validation.required(v.params)),
            "missing_defaults": [f.name for f in dataclasses.fields(v.params) if f.default is dataclasses.MISSING],
            "example": {f.name: repr(np.asarray(getattr(p, f.name)).tolist()) for f in dataclasses.fields(v.params)},
            "nan_message": msg,
        }
    return out
"""


def test_model_fronts_declare_what_the_model_files_declare(tmp_path):
    # A front (the model's declaration stored with its generated code; see asymptotics._front) is
    # the model file's Params, hooks and metadata pickled by value: in a process that loads it
    # without the model file, the same required parameters, defaults, validation and messages.
    env = {**ENV, "ASYMPTOTICS_CACHE_DIR": str(tmp_path / "c")}
    names = repr(FRONT_MODELS)
    record = (_DECLARATION + f"\nreal = {{}}\nfor name in {names}:\n    m = asy.models.get(name)\n"
              "    for v in m.variants:\n        asy.evaluate(name, variant=v.name, throw=False, **v.example)\n"
              "    real[name] = describe(m)\nprint(json.dumps(real))")
    load = (_DECLARATION + "\nfrom asymptotics import _front\nout = {}\n"
            f"for name in {names}:\n    hit = _front.lookup(name)\n    assert hit is not None, name\n"
            "    assert hit[0] not in sys.modules\n    out[name] = describe(hit[1])\nprint(json.dumps(out))")
    results = []
    for code in (record, load):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                              timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert results[0] == results[1]


def test_a_warm_process_gives_the_cold_numbers_for_a_model_with_choices(tmp_path):
    env = {**ENV, "ASYMPTOTICS_CACHE_DIR": str(tmp_path / "cache")}
    code = ("import json, sys, asymptotics as asy; r = asy.evaluate('lasso', delta=0.5, eps=0.1, "
            "noise=0.04, alpha=[1.2, 1.5], prior='three-point'); "
            "print(json.dumps([list(r.observables['mse']), 'sympy' in sys.modules]))")
    runs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert runs[0][0] == runs[1][0]  # the same bits from the front and cached kernels

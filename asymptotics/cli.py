"""Command line: ``asymptotics list | show | eval | curve | simulate | check | sweep | figure | demo | cache``.

Parameters are ``key=value``: a number, a comma-separated list of numbers (broadcast like an
array), a name (for choices), or, for array parameters, a path to a ``.npy`` or text file.
``--json`` prints JSON (one object; one per line for tables) in which non-finite numbers are the
strings ``"inf"``, ``"-inf"`` and ``"nan"``; progress bars go to stderr, never to stdout. Bad input
exits with status 2 and one line naming the parameter, its valid range and the value received;
no command ends in a traceback (``ASYMPTOTICS_TRACEBACK=1`` shows one for a bug report). Output
piped into a command that stops reading (``asymptotics list | head``) ends quietly.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import sys

__all__ = ["main"]

_FILE_SUFFIXES = (".npy", ".txt", ".csv", ".dat")


class CliError(Exception):
    pass


def _read_array(text: str):
    import numpy as np

    path = pathlib.Path(text)
    if not path.exists():
        raise CliError(f"file not found: {text}")
    try:
        if path.suffix == ".npy":
            value = np.load(path, allow_pickle=False)
        else:
            value = np.loadtxt(path, delimiter="," if path.suffix == ".csv" else None, ndmin=1)
        value = np.asarray(value, dtype=float).ravel()
    except (ValueError, OSError, EOFError, TypeError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise CliError(f"cannot read numbers from {text}: {first}") from None
    return value


def _parse_value(text: str):
    import numpy as np

    if pathlib.Path(text).suffix in _FILE_SUFFIXES:
        return _read_array(text)
    try:
        return float(text)
    except ValueError:
        pass
    if "," in text and ":" not in text:
        try:
            return np.array([float(v) for v in text.split(",")])
        except ValueError:
            pass
    return text


def _parse_params(items: list[str]) -> dict:
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CliError(f"expected key=value, got {item!r}")
        key = key.strip()
        if key in params:
            raise CliError(f"parameter '{key}' given twice")
        params[key] = _parse_value(value.strip())
    return params


def _as_int(value):
    """An integer-valued number as int (``trials=20``); anything else unchanged, for validation."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _jsonable(value):
    import numpy as np

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _dump(obj) -> str:
    return json.dumps(_jsonable(obj), allow_nan=False)


def _print_records(frame):
    for rec in frame.to_dict(orient="records"):
        print(_dump(rec))


# -- grids ----------------------------------------------------------------------------------------
class _GridAction(argparse.Action):
    """``--sweep``/``--grid key=start:stop:num[:log]``: appended in order, with a log flag."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = list(getattr(namespace, self.dest, None) or [])
        items.append([values, getattr(namespace, "_log_all", False)])
        setattr(namespace, self.dest, items)


class _LogAction(argparse.Action):
    """``--log``: the grid given just before it is geometric (before any grid: every grid)."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = getattr(namespace, "grids", None)
        if items:
            items[-1][1] = True
        else:
            namespace._log_all = True


def _grid(spec: str, log: bool):
    import numpy as np

    key, sep, rng = spec.partition("=")
    parts = rng.split(":")
    if parts and parts[-1] == "log":
        parts, log = parts[:-1], True
    if not sep or not key or len(parts) != 3:
        raise CliError(f"--sweep/--grid expects key=start:stop:num (or key=start:stop:num:log), got {spec!r}")
    try:
        start, stop, num = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise CliError(f"--sweep/--grid expects numbers in key=start:stop:num, got {spec!r}") from None
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise CliError(f"--sweep/--grid: start and stop must be finite, got {spec!r}")
    if not 1 <= num <= 10 ** 7:
        raise CliError(f"--sweep/--grid: num must be an integer in [1, 10000000], got {num}")
    if log:
        if start <= 0 or stop <= 0:
            raise CliError(f"--log needs a positive start and stop, got {spec!r} (put --log right after "
                           f"the grid it applies to, or write key=start:stop:num:log)")
        return key, np.geomspace(start, stop, num)
    return key, np.linspace(start, stop, num)


def _grids(args) -> dict:
    out = {}
    for spec, log in args.grids or []:
        key, values = _grid(spec, log or getattr(args, "_log_all", False))
        if key in out:
            raise CliError(f"--sweep/--grid: '{key}' given twice")
        out[key] = values
    return out


# -- commands ---------------------------------------------------------------------------------------
def cmd_list(args):
    from . import models

    rows = []
    for m in models.all_models():
        rows.append({"model": m.name, "summary": m.summary,
                     "variants": {v.name: sorted(v.param_specs) for v in m.variants}})
    if args.json:
        for r in rows:
            print(_dump(r))
        return
    for r in rows:
        print(f"{r['model']:<24} {r['summary']}")
        for v, ps in r["variants"].items():
            print(f"  {'':<22} variant {v}: {', '.join(ps)}")


def _default(f):
    import dataclasses

    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def cmd_show(args):
    import dataclasses

    from . import models

    m = models.get(args.model)
    if args.json:
        variants = {}
        for v in m.variants:
            fields = {f.name: f for f in dataclasses.fields(v.params)}
            variants[v.name] = {
                "summary": v.summary, "example": dict(v.example),
                "parameters": {n: {"doc": s.doc, "domain": str(s.domain), "symbol": s.symbol,
                                   "aliases": list(s.aliases),
                                   "default": _default(fields[n])}
                               for n, s in v.param_specs.items()}}
            if args.latex:
                variants[v.name]["latex"] = m.latex(v.name, **v.example)
        print(_dump({"model": m.name, "summary": m.summary, "conventions": m.conventions,
                     "variants": variants, "observables": dict(m.observables),
                     "references": [r.key for r in m.references]}))
        return
    print(m.describe())
    if args.latex:
        for v in m.variants:
            print(f"\n% variant {v.name}")
            print(m.latex(v.name, **v.example))


def cmd_eval(args):
    import numpy as np

    from .api import evaluate

    params = _parse_params(args.params)
    r = evaluate(args.model, variant=args.variant, method=args.method, precision=args.precision,
                 **params)
    d = r.to_dict()
    if args.precision is not None:
        import mpmath as mp

        fmt = lambda v: mp.nstr(v, args.precision) if not isinstance(v, np.ndarray) else [mp.nstr(x, args.precision) for x in v.ravel()]  # noqa: E731
        d["observables"] = {k: fmt(v) for k, v in r.observables.items()}
        d["unknowns"] = {k: fmt(v) for k, v in r.unknowns.items()}
    if args.json:
        print(_dump(d))
        return
    print(f"{r.model} ({r.variant}): {d['status'] if isinstance(d['status'], str) else 'see status'}, "
          f"method {r.method}")
    for k, v in {**d["observables"], **d["unknowns"]}.items():
        print(f"  {k:<14} {v}")


def cmd_curve(args):
    from .api import curve

    params = _parse_params(args.params)
    sweep = _grids(args)
    if args.plot:
        _check_figure_suffix(args.plot)
    frame = curve(args.model, sweep=sweep, variant=args.variant, method=args.method, **params)
    if args.out:
        from . import io

        io.save_csv(frame, args.out)
    if args.plot:
        from . import plot

        x = next(iter(sweep))
        logx = any(log for spec, log in args.grids if spec.partition("=")[0] == x) or bool(
            getattr(args, "_log_all", False))
        ys = args.y or [c for c in ("test_error", "excess_risk", "mse", "overlap") if c in frame][:1]
        for y in ys:
            if y not in frame:
                raise CliError(f"--y {y}: no such observable (columns: {', '.join(frame.columns)})")
        fig, axes = plot.subplots()
        for y in ys:
            plot.plot_curve(axes[0, 0], frame, x, y, label=y, logx=logx)
        plot.finish(axes[0, 0], x, ", ".join(ys), title=args.model)
        pathlib.Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.plot, dpi=150, bbox_inches="tight")
    if args.json:
        _print_records(frame)
    elif not args.out:
        print(frame.to_string(index=False))
    bad = (frame["status"] != "converged").sum()
    if bad:
        print(f"warning: {bad} point(s) did not converge (see the status column)", file=sys.stderr)


def _trials_seed(params, default_trials=20):
    trials = _as_int(params.pop("trials", default_trials))
    seed = _as_int(params.pop("seed", 0))
    return trials, seed


def cmd_simulate(args):
    from .simulate import simulate

    params = _parse_params(args.params)
    trials, seed = _trials_seed(params)
    sim = simulate(args.model, variant=args.variant, trials=trials, seed=seed, **params)
    frame = sim.to_frame()
    if args.json:
        _print_records(frame)
    else:
        print(frame.to_string(index=False))


def cmd_check(args):
    from .compare import check

    params = _parse_params(args.params)
    trials, seed = _trials_seed(params)
    frame = check(args.model, variant=args.variant, trials=trials, seed=seed, **params)
    if args.json:
        _print_records(frame)
    else:
        print(frame.to_string(index=False, float_format=lambda v: f"{v:.5g}"))


def cmd_sweep(args):
    from .sweep import sweep

    params = _parse_params(args.params)
    grid = _grids(args)
    kind = "simulate" if args.simulate else "theory"
    extra = {}
    if args.simulate:
        extra["trials"] = args.trials if args.trials is not None else 20
        extra["seed"] = _as_int(params.pop("seed", 0))
    elif args.trials is not None or "seed" in params:
        raise CliError("--trials and seed= apply to --simulate sweeps only")
    frame = sweep(args.model, grid, kind=kind, mode="zip" if args.zip else "product",
                  variant=args.variant, store=args.out,
                  workers=args.workers, scheduler=args.scheduler,
                  progress=False if args.no_progress else (True if args.progress else None),
                  **extra, **params)
    if args.json:
        _print_records(frame)
    else:
        print(f"{len(frame)} points in {args.out}")


def _check_figure_suffix(path: str):
    from .figures import check_output

    check_output(path)


def cmd_figure(args):
    from . import figures

    if args.list or not args.name:
        rows = [(name, figures.get(name)) for name in figures.names()]
        if args.json:
            for name, f in rows:
                print(_dump({"figure": name, "description": f.description, "reference": f.reference,
                             "duration": f.duration}))
            return
        for name, f in rows:
            long = f" [{f.duration}]" if f.duration else ""
            print(f"{name:<28} {f.description}{long}")
        return
    figure = figures.get(args.name)  # unknown names fail before any work
    image, data = figures.output_paths(args.out, args.name)
    if figure.duration and not args.fast:
        print(f"asymptotics figure {args.name}: {figure.duration}; --fast for a quick version",
              file=sys.stderr)
    figures.render(args.name, out=str(image), fast=args.fast)
    if args.json:
        print(_dump({"figure": args.name, "image": str(image), "data": str(data)}))
    else:
        print(f"wrote {image} and {data}")


def cmd_demo(args):
    from . import figures

    out = args.out
    if not pathlib.Path(out).suffix and not out.endswith(("/", os.sep)):
        out += os.sep  # demo's --out without a suffix is a folder (the default: ./asymptotics-demo/)
    image, data = figures.output_paths(out, "ridge_double_descent")
    figures.render("ridge-double-descent", out=str(image), fast=args.fast)
    if args.json:
        print(_dump({"figure": "ridge-double-descent", "image": str(image), "data": str(data)}))
    else:
        print(f"wrote {image} and {data}")


def cmd_cache(args):
    from . import cache

    if args.action == "clear":
        n = cache.clear_cache()
        print(_dump({"removed": n, "path": str(cache.cache_root())}) if args.json
              else f"removed {n} file(s) from {cache.cache_root()}")
    else:
        info = cache.info()
        print(_dump(info) if args.json else
              f"{info['path']}: {info['entries']} entries, {info['bytes'] / 1e6:.1f} MB"
              + ("" if info["enabled"] else " (disabled by ASYMPTOTICS_CACHE)"))


# -- parser ---------------------------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1; got {value}")
    return value


_PARAMS_HELP = ("model parameters, e.g. gamma=2 lam=0.1: numbers, comma-separated lists (broadcast "
                "as arrays), names for choices, or .npy/.txt/.csv files for array parameters")
_JSON_HELP = "print JSON instead of text (one object per line for tables)"
_METHOD_HELP = ("solver: auto (closed form, else Newton with fallbacks), closed-form, newton, damped "
                "or anderson")


def _parser():
    from . import __version__

    p = _Parser(prog="asymptotics", description=__doc__.split("\n\n")[0],
                epilog="`asymptotics COMMAND --help` for the options of a command.")
    p.add_argument("--version", action="version", version=f"asymptotics {__version__}",
                   help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("list", help="the registered models with their variants and parameters",
                       description="The registered models with their variants and parameters.")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("show", help="a model's conventions, parameters, observables, references",
                       description="A model's conventions, parameters, observables and references.")
    s.add_argument("model", help="model name (see `asymptotics list`)")
    s.add_argument("--latex", action="store_true", help="also print the equations as LaTeX")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("eval", help="evaluate a model at key=value parameters",
                       description="Evaluate a model's observables at key=value parameters.")
    s.add_argument("model", help="model name (see `asymptotics list`)")
    s.add_argument("params", nargs="*", metavar="key=value", help=_PARAMS_HELP)
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.add_argument("--method", default="auto", help=_METHOD_HELP)
    s.add_argument("--precision", type=_positive_int, default=None, metavar="DIGITS",
                   help="refine with mpmath to this many decimal digits (an integer >= 1)")
    s.set_defaults(func=cmd_eval)

    grid_help = ("a swept parameter: key=start:stop:num (linear) or key=start:stop:num:log "
                 "(geometric); repeat for a product of grids")
    log_help = "make the grid given just before this option geometric (before any grid: every grid)"

    s = sub.add_parser("curve", help="sweep parameters; print, --out CSV, --plot PNG",
                       description="Observables on a grid of parameters (continuation along the "
                                   "first swept parameter), as a table, a CSV file or a plot.")
    s.add_argument("model", help="model name (see `asymptotics list`)")
    s.add_argument("params", nargs="*", metavar="key=value", help="fixed parameters; " + _PARAMS_HELP)
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--sweep", action=_GridAction, dest="grids", required=True,
                   metavar="key=start:stop:num[:log]", help=grid_help)
    s.add_argument("--log", action=_LogAction, nargs=0, help=log_help)
    s.add_argument("--out", metavar="FILE.csv", help="write the table as CSV (header row, then rows; "
                   "metadata in FILE.csv.json beside it)")
    s.add_argument("--plot", metavar="FILE.png", help="draw the curve (PNG, PDF, SVG, ...)")
    s.add_argument("--y", action="append", metavar="OBSERVABLE",
                   help="observable(s) to plot (repeatable; default: test_error or the first of "
                        "excess_risk, mse, overlap)")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.add_argument("--method", default="auto", help=_METHOD_HELP)
    s.set_defaults(func=cmd_curve)

    s = sub.add_parser("simulate", help="Monte Carlo: n=.. trials=.. seed=.. key=value ...",
                       description="Monte Carlo estimates from the model's real estimator on drawn "
                                   "data: mean and standard error per observable.")
    s.add_argument("model", help="model name (see `asymptotics list`)")
    s.add_argument("params", nargs="*", metavar="key=value",
                   help="sizes (e.g. n=400), trials= (default 20), seed= (default 0) and "
                        "parameters; " + _PARAMS_HELP)
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.set_defaults(func=cmd_simulate)

    s = sub.add_parser("check", help="theory vs Monte Carlo with z-scores",
                       description="Theory against its Monte Carlo twin at the same parameters: "
                                   "theory, simulation, standard error and z per observable.")
    s.add_argument("model", help="model name (see `asymptotics list`)")
    s.add_argument("params", nargs="*", metavar="key=value",
                   help="sizes (e.g. n=400), trials=, seed= and parameters; " + _PARAMS_HELP)
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("sweep", help="a persisted, resumable grid of theory or Monte Carlo points",
                       description="A grid of theory or Monte Carlo points written to a store as it "
                                   "is computed; run again to resume. Progress (with an estimate of "
                                   "the time left) goes to stderr.")
    s.add_argument("model", help="model name (see `asymptotics list`)")
    s.add_argument("params", nargs="*", metavar="key=value",
                   help="fixed parameters (and sizes such as n=400, seed= for --simulate); " + _PARAMS_HELP)
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--grid", action=_GridAction, dest="grids", required=True,
                   metavar="key=start:stop:num[:log]", help=grid_help)
    s.add_argument("--log", action=_LogAction, nargs=0, help=log_help)
    s.add_argument("--zip", action="store_true", help="zip the grids (equal lengths) instead of "
                   "taking their product")
    s.add_argument("--simulate", action="store_true", help="Monte Carlo instead of theory")
    s.add_argument("--trials", type=_positive_int, default=None,
                   help="Monte Carlo trials per point (default 20; --simulate only)")
    s.add_argument("--out", required=True, metavar="FILE.csv|FILE.parquet",
                   help="the store (resumed if present; CSV gets a FILE.csv.json metadata sidecar)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="a dask.distributed scheduler address "
                   "(default: local processes)")
    s.add_argument("--workers", type=_positive_int, metavar="N",
                   help="local worker processes (default: one per core; 1 = in this process)")
    s.add_argument("--progress", action="store_true", help="show the progress bar even when stderr "
                   "is not a terminal (it then updates every 30 s)")
    s.add_argument("--no-progress", action="store_true", help="no progress output")
    s.add_argument("--json", action="store_true", help="print the points as JSON lines (instead of "
                   "the count)")
    s.set_defaults(func=cmd_sweep)

    s = sub.add_parser("figure", help="render a named paper figure (image + CSV of its data)",
                       description="Render a named paper figure and write the data behind it as CSV.")
    s.add_argument("name", nargs="?", help="figure name (see --list)")
    s.add_argument("--out", metavar="PATH",
                   help="an existing directory or one ending in / (writes PATH/NAME.png and "
                        "PATH/NAME.csv), a file stem (PATH.png, PATH.csv) or an image file "
                        "(.png, .pdf, .svg, ...; the CSV beside it); default: NAME.png here")
    s.add_argument("--fast", action="store_true", help="small grids and few trials (seconds)")
    s.add_argument("--list", action="store_true", help="list the figures (long ones say how long)")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.set_defaults(func=cmd_figure)

    s = sub.add_parser("demo", help="ridge double-descent figure and its data",
                       description="The ridge double-descent figure (theory curves and Monte Carlo "
                                   "points) and its data.")
    s.add_argument("--out", default="asymptotics-demo", metavar="PATH",
                   help="a folder (created if missing; default: ./asymptotics-demo/) or an image file "
                        "(.png, .pdf, ...; the CSV beside it)")
    s.add_argument("--fast", action="store_true", help="small grids and few trials")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("cache", help="the cache of generated code: where it is, or clear it",
                       description="Generated numeric code is cached on disk (ASYMPTOTICS_CACHE_DIR, "
                                   "else the user cache directory); ASYMPTOTICS_CACHE=off disables it.")
    s.add_argument("action", choices=("info", "clear"), nargs="?", default="info",
                   help="info (default): location and size; clear: remove it")
    s.add_argument("--json", action="store_true", help=_JSON_HELP)
    s.set_defaults(func=cmd_cache)

    return p


def _quiet_broken_pipe():
    # The reader went away (`asymptotics list | head`): stop writing, exit quietly.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    # key=value parameters may come before or after options such as --sweep: argparse stops
    # collecting positionals at the first option, so gather the rest from the leftovers.
    try:
        args, extra = parser.parse_known_args(argv)
        stray = [e for e in extra if "=" not in e or e.startswith("-") or not hasattr(args, "params")]
        if stray:
            parser.error(f"unrecognized arguments: {' '.join(stray)}")
    except SystemExit as done:  # --help, --version, or a one-line usage error (status 2)
        return done.code if isinstance(done.code, int) else 2
    if extra:
        args.params = list(args.params) + extra
    try:
        args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
        return 0
    except KeyboardInterrupt:
        print(f"asymptotics {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # every error is one line; a bug report can ask for the traceback
        if os.environ.get("ASYMPTOTICS_TRACEBACK"):
            raise
        from .solvers.result import ConvergenceError
        from .validation import ParameterError

        text = str(err).strip().splitlines()[0] if str(err).strip() else ""
        if isinstance(err, ImportError):
            text = text or "a required package is missing"
        elif not isinstance(err, (ParameterError, CliError, ConvergenceError, OSError)):
            text = f"{type(err).__name__}: {text} (unexpected; ASYMPTOTICS_TRACEBACK=1 shows where)"
        try:
            print(f"asymptotics {args.command}: error: {text}", file=sys.stderr)
        except BrokenPipeError:
            pass
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Command line: ``asymptotics list | show | eval | curve | simulate | check | sweep | figure | demo``.

Parameters are ``key=value``: a number, a comma-separated list of numbers (broadcast like an
array), a name (for choices), or, for array parameters, a path to a ``.npy`` or text file.
``--json`` prints JSON (one object; one per line for curves) in which non-finite numbers are the
strings ``"inf"``, ``"-inf"`` and ``"nan"``. Bad input exits with status 2 and one line naming the
parameter, its valid range and the value received.
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import sys

import numpy as np

__all__ = ["main"]


class CliError(Exception):
    pass


def _parse_value(text: str):
    path = pathlib.Path(text)
    if path.suffix in (".npy", ".txt", ".csv", ".dat") and path.exists():
        return np.load(path) if path.suffix == ".npy" else np.loadtxt(path, delimiter="," if path.suffix == ".csv" else None).ravel()
    if path.suffix in (".npy", ".txt", ".csv", ".dat"):
        raise CliError(f"file not found: {text}")
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
        if not sep or not key:
            raise CliError(f"expected key=value, got {item!r}")
        params[key.strip()] = _parse_value(value.strip())
    return params


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _dump(obj) -> str:
    return json.dumps(_jsonable(obj), allow_nan=False)


def _grid(spec: str, log: bool):
    key, sep, rng = spec.partition("=")
    parts = rng.split(":")
    if not sep or len(parts) != 3:
        raise CliError(f"--sweep/--grid expects key=start:stop:num, got {spec!r}")
    try:
        start, stop, num = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise CliError(f"--sweep/--grid expects numbers in key=start:stop:num, got {spec!r}") from None
    if num < 1:
        raise CliError(f"--sweep/--grid: num must be >= 1, got {num}")
    if log:
        if start <= 0 or stop <= 0:
            raise CliError(f"--log needs positive start and stop, got {spec!r}")
        return key, np.geomspace(start, stop, num)
    return key, np.linspace(start, stop, num)


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


def cmd_show(args):
    from . import models

    m = models.get(args.model)
    print(m.describe())
    if args.latex:
        for v in m.variants:
            print(f"\n% variant {v.name}")
            print(m.latex(v.name, **v.example))


def cmd_eval(args):
    from .api import evaluate

    params = _parse_params(args.params)
    r = evaluate(args.model, variant=args.variant, method=args.method, precision=args.precision,
                 **params)
    d = r.to_dict()
    if args.precision is not None:
        import mpmath as mp

        fmt = lambda v: mp.nstr(v, args.precision) if not isinstance(v, np.ndarray) else [mp.nstr(x, args.precision) for x in v.ravel()]
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
    sweep = dict(_grid(s, args.log) for s in args.sweep)
    frame = curve(args.model, sweep=sweep, variant=args.variant, method=args.method, **params)
    if args.out:
        pathlib.Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(args.out, index=False)
    if args.plot:
        from . import plot

        x = next(iter(sweep))
        ys = args.y or [c for c in ("test_error", "excess_risk", "mse", "overlap") if c in frame][:1]
        fig, axes = plot.subplots()
        for y in ys:
            if y not in frame:
                raise CliError(f"--y {y}: no such observable (observables: {', '.join(frame.columns)})")
            plot.plot_curve(axes[0, 0], frame, x, y, label=y, logx=args.log)
        plot.finish(axes[0, 0], x, ", ".join(ys), title=args.model)
        pathlib.Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.plot, dpi=150, bbox_inches="tight")
    if args.json:
        for rec in frame.to_dict(orient="records"):
            print(_dump(rec))
    elif not args.out:
        print(frame.to_string(index=False))
    bad = (frame["status"] != "converged").sum()
    if bad:
        print(f"warning: {bad} point(s) did not converge (see the status column)", file=sys.stderr)


def cmd_simulate(args):
    from .simulate import simulate

    params = _parse_params(args.params)
    trials = int(params.pop("trials", 20))
    seed = int(params.pop("seed", 0))
    sim = simulate(args.model, variant=args.variant, trials=trials, seed=seed, **params)
    frame = sim.to_frame()
    if args.json:
        for rec in frame.to_dict(orient="records"):
            print(_dump(rec))
    else:
        print(frame.to_string(index=False))


def cmd_check(args):
    from .compare import check

    params = _parse_params(args.params)
    trials = int(params.pop("trials", 20))
    seed = int(params.pop("seed", 0))
    frame = check(args.model, variant=args.variant, trials=trials, seed=seed, **params)
    if args.json:
        for rec in frame.to_dict(orient="records"):
            print(_dump(rec))
    else:
        print(frame.to_string(index=False, float_format=lambda v: f"{v:.5g}"))


def cmd_sweep(args):
    from .sweep import sweep

    params = _parse_params(args.params)
    grid = dict(_grid(g, args.log) for g in args.grid)
    kind = "simulate" if args.simulate else "theory"
    extra = {}
    if args.simulate:
        extra["trials"] = int(args.trials or 20)
        extra["seed"] = int(params.pop("seed", 0))
    elif args.trials is not None or "seed" in params:
        raise CliError("--trials and seed= apply to --simulate sweeps only")
    frame = sweep(args.model, grid, kind=kind, mode="zip" if args.zip else "product",
                  variant=args.variant, store=args.out,
                  workers=args.workers, scheduler=args.scheduler, progress=args.progress or None,
                  **extra, **params)
    print(f"{len(frame)} points in {args.out}")


def cmd_figure(args):
    from . import figures

    if args.list or not args.name:
        for name in figures.names():
            print(f"{name:<28} {figures.get(name).description}")
        return
    out = args.out or f"{args.name}.png"
    figures.render(args.name, out=out, fast=args.fast)
    print(f"wrote {out} and {pathlib.Path(out).with_suffix('.csv')}")


def cmd_demo(args):
    from . import figures

    out = pathlib.Path(args.out)
    png = out / "ridge_double_descent.png"
    figures.render("ridge-double-descent", out=str(png), fast=args.fast)
    print(f"wrote {png} and {png.with_suffix('.csv')}")


def _parser():
    from . import __version__

    p = argparse.ArgumentParser(prog="asymptotics", description=__doc__.split("\n\n")[0])
    p.add_argument("--version", action="version", version=f"asymptotics {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("list", help="registered models")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("show", help="a model's conventions, parameters, observables, references")
    s.add_argument("model")
    s.add_argument("--latex", action="store_true", help="also print the equations as LaTeX")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("eval", help="evaluate a model at key=value parameters")
    s.add_argument("model")
    s.add_argument("params", nargs="*", metavar="key=value")
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--method", default="auto")
    s.add_argument("--precision", type=int, default=None, help="digits (mpmath refinement)")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("curve", help="sweep parameters; print, --out CSV, --plot PNG")
    s.add_argument("model")
    s.add_argument("params", nargs="*", metavar="key=value")
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--sweep", action="append", required=True, metavar="key=start:stop:num")
    s.add_argument("--log", action="store_true", help="geometric grids")
    s.add_argument("--out")
    s.add_argument("--plot")
    s.add_argument("--y", action="append", help="observable(s) to plot")
    s.add_argument("--json", action="store_true")
    s.add_argument("--method", default="auto")
    s.set_defaults(func=cmd_curve)

    s = sub.add_parser("simulate", help="Monte Carlo: n=.. trials=.. seed=.. key=value ...")
    s.add_argument("model")
    s.add_argument("params", nargs="*", metavar="key=value")
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_simulate)

    s = sub.add_parser("check", help="theory vs Monte Carlo with z-scores")
    s.add_argument("model")
    s.add_argument("params", nargs="*", metavar="key=value")
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("sweep", help="a persisted, resumable grid of theory or Monte Carlo points")
    s.add_argument("model")
    s.add_argument("params", nargs="*", metavar="key=value")
    s.add_argument("--variant", help="the model variant (default: the one the parameters fit)")
    s.add_argument("--grid", action="append", required=True, metavar="key=start:stop:num")
    s.add_argument("--log", action="store_true", help="geometric grids")
    s.add_argument("--zip", action="store_true", help="zip the grids instead of their product")
    s.add_argument("--simulate", action="store_true", help="Monte Carlo instead of theory")
    s.add_argument("--trials", type=int, default=None)
    s.add_argument("--out", required=True, help="store: FILE.csv or FILE.parquet (resumed if present)")
    s.add_argument("--scheduler", help="dask.distributed scheduler address")
    s.add_argument("--workers", type=int, help="local processes (default: one per core)")
    s.add_argument("--progress", action="store_true")
    s.set_defaults(func=cmd_sweep)

    s = sub.add_parser("figure", help="render a named paper figure (PNG/PDF + CSV)")
    s.add_argument("name", nargs="?")
    s.add_argument("--out")
    s.add_argument("--fast", action="store_true")
    s.add_argument("--list", action="store_true")
    s.set_defaults(func=cmd_figure)

    s = sub.add_parser("demo", help="ridge double-descent figure and its data")
    s.add_argument("--out", default="asymptotics-demo")
    s.add_argument("--fast", action="store_true")
    s.set_defaults(func=cmd_demo)

    return p


def main(argv: list[str] | None = None) -> int:
    from .solvers import ConvergenceError
    from .validation import ParameterError

    parser = _parser()
    # key=value parameters may come before or after options such as --sweep: argparse stops
    # collecting positionals at the first option, so gather the rest from the leftovers.
    args, extra = parser.parse_known_args(argv)
    stray = [e for e in extra if "=" not in e or e.startswith("-") or not hasattr(args, "params")]
    if stray:
        parser.error(f"unrecognized arguments: {' '.join(stray)}")
    if extra:
        args.params = list(args.params) + extra
    try:
        args.func(args)
    except (ParameterError, CliError, ConvergenceError, NotImplementedError, FileNotFoundError,
            OSError) as err:
        print(f"asymptotics {args.command}: error: {str(err).splitlines()[0]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

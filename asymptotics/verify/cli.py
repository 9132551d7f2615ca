"""``asymptotics verify value|rate|identify|series|bound|transition|same ...``

Parameters are ``key=value`` and are read *exactly*: ``gamma=0.1`` is one tenth, ``delta=1e-1000``
and ``gamma=1+1e-30`` are what they say (see :mod:`asymptotics.exact`). Boxes are
``--over name=lo:hi``. The exit status is 0 when the claim is CERTIFIED or SUPPORTED, 1 when it is
REFUTED, 3 when the check is INCONCLUSIVE and 2 for bad input, so a paper's repository can run
its claims in CI::

    asymptotics verify rate basis-pursuit excess_variance --parameter delta --toward 0 \\
        --scale log --exponent 1 --constant 1/2 noise=1        # exit 1: refuted

``--json`` prints the verdict as one JSON object; ``--out DIR`` also writes CSV, PNG and JSON.
"""

from __future__ import annotations

import pathlib

from ..validation import ParameterError

__all__ = ["add_parser"]


def _params(items) -> dict:
    import numpy as np

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ParameterError(f"expected key=value, got {item!r}")
        value = value.strip()
        path = pathlib.Path(value)
        if path.suffix in (".npy", ".txt", ".csv") and path.exists():
            value = np.load(path) if path.suffix == ".npy" else np.loadtxt(path, delimiter="," if path.suffix == ".csv" else None).ravel()
        out[key.strip()] = value
    return out


def _ranges(items) -> dict:
    out = {}
    for item in items or []:
        key, sep, rng = item.partition("=")
        lo, colon, hi = rng.partition(":")
        if not sep or not colon:
            raise ParameterError(f"--over expects name=lo:hi, got {item!r}")
        out[key.strip()] = (lo.strip(), hi.strip())
    return out


def _pairs(items) -> dict:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ParameterError(f"expected name=expression, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _emit(verdict, args) -> int:
    if args.json:
        print(verdict.to_json())
    else:
        print(verdict)
        print(verdict.latex())
    if getattr(args, "out", None):
        from .report import write

        paths = write(verdict, args.out)
        if not args.json:
            print("wrote " + ", ".join(paths.values()))
    return verdict.exit_code


def _value(args):
    from .value import value

    return _emit(value(args.model, args.observable, digits=args.digits, claim=args.claim,
                       **_params(args.params)), args)


def _rate(args):
    from .rate import rate

    return _emit(rate(args.model, args.observable, args.parameter, args.toward, side=args.side,
                      scale=args.scale, start=args.start, points=args.points, digits=args.digits,
                      exponent=args.exponent, constant=args.constant, tolerance=args.tolerance,
                      **_params(args.params)), args)


def _identify(args):
    from .identify import identify

    return _emit(identify(model=args.model, observable=args.observable, digits=args.digits,
                          degree=args.degree, claim=args.claim, **_params(args.params)), args)


def _series(args):
    from .series import series

    return _emit(series(args.model, args.quantity, args.parameter, args.at, order=args.order,
                        symbolic=_pairs(args.symbolic), digits=args.digits, claim=args.claim,
                        **_params(args.params)), args)


def _bound(args):
    from .bound import bound, monotone

    params = _params(args.params)
    over = _ranges(args.over)
    if args.monotone:
        if not args.parameter:
            raise ParameterError("--monotone needs --parameter")
        v = monotone(args.model, args.claim, args.parameter, over=over,
                     increasing=args.monotone == "increasing", tie=_pairs(args.tie),
                     max_boxes=args.max_boxes, **params)
    else:
        v = bound(args.model, args.claim, over=over, tie=_pairs(args.tie), max_boxes=args.max_boxes,
                  **params)
    return _emit(v, args)


def _transition(args):
    from .transition import transition

    names = [o for o in args.observables if "=" not in o]
    params = _params([o for o in args.observables if "=" in o] + list(args.params))
    if args.parameter:
        v = transition(args.model, parameter=args.parameter, unknown=args.unknown, at=args.at,
                       digits=args.digits, claim=args.claim, **params)
    else:
        v = transition(args.model, names, digits=args.digits, claim=args.claim, **params)
    return _emit(v, args)


def _same(args):
    from .same import same

    return _emit(same(args.a, args.b, over=_ranges(args.over), points=args.points, digits=args.digits,
                      seed=args.seed, **_params(args.params)), args)


_MODEL = "a model name (asymptotics list shows them)"
_OBSERVABLE = "an observable of the model (asymptotics show MODEL lists them)"


def add_parser(sub) -> None:
    """Add the ``verify`` command (with its sub-commands) to the main parser's subparsers."""
    p = sub.add_parser("verify", help="check a derivation: value | rate | identify | series | bound | "
                                      "transition | same (exit 0 supported, 1 refuted, 3 inconclusive)")
    vs = p.add_subparsers(dest="check", required=True)

    def common(s, digits=30):
        s.add_argument("params", nargs="*", metavar="key=value",
                       help="model parameters, read exactly (gamma=1/10, delta=1e-1000); a .npy/.txt/.csv "
                            "path is read as an array")
        s.add_argument("--digits", type=int, default=digits,
                       help=f"significant digits to work at (default {digits})")
        s.add_argument("--json", action="store_true", help="print the verdict as one JSON object")
        s.add_argument("--out", help="directory for CSV, PNG and JSON")

    s = vs.add_parser("value", help="an observable at an exact point, with its verified digits")
    s.add_argument("model", help=_MODEL)
    s.add_argument("observable", help=_OBSERVABLE)
    s.add_argument("--claim", help="expected value (number or expression, e.g. 'sqrt(26)-5')")
    common(s)
    s.set_defaults(func=_value)

    s = vs.add_parser("rate", help="exponent and constant of a limit with error bars")
    s.add_argument("model", help=_MODEL)
    s.add_argument("observable", help=_OBSERVABLE)
    s.add_argument("--parameter", required=True, help="the parameter sent to its limit")
    s.add_argument("--toward", default="0", help="limit: a number, inf, or 1+ / 1-")
    s.add_argument("--side", choices=["+", "-"], default=None,
                   help="approach the limit from above (+) or below (-); default from --toward, else +")
    s.add_argument("--scale", choices=["power", "log", "auto"], default="auto",
                   help="fit C h^a (power), C log(1/h)^a (log), or both and keep the better (auto)")
    s.add_argument("--start", default=None, help="first h of the geometric grid")
    s.add_argument("--points", type=int, default=24, help="points of the geometric grid (default 24)")
    s.add_argument("--exponent", default=None, help="claimed exponent a in C h^a")
    s.add_argument("--constant", default=None, help="claimed constant C in C h^a")
    s.add_argument("--tolerance", type=float, default=1e-4,
                   help="relative error below which a consistent claim is SUPPORTED (default 1e-4)")
    common(s, 40)
    s.set_defaults(func=_rate)

    s = vs.add_parser("identify", help="a closed form of verified digits (PSLQ / findpoly)")
    s.add_argument("model", help=_MODEL)
    s.add_argument("observable", help=_OBSERVABLE)
    s.add_argument("--degree", type=int, default=4, help="largest polynomial degree tried (default 4)")
    s.add_argument("--claim", help="expected closed form, e.g. 'sqrt(26)-5'")
    common(s, 40)
    s.set_defaults(func=_identify)

    s = vs.add_parser("series", help="Taylor/Puiseux coefficients in a parameter")
    s.add_argument("model", help=_MODEL)
    s.add_argument("quantity", help="an unknown, observable or expression of them")
    s.add_argument("--parameter", required=True, help="the expansion parameter")
    s.add_argument("--at", default="0", help="expansion point: a number, or inf for powers of 1/parameter")
    s.add_argument("--order", type=int, default=4, help="highest power kept (default 4)")
    s.add_argument("--symbolic", action="append", metavar="name=>1", help="keep a parameter symbolic")
    s.add_argument("--claim", help="expected series as an expression in eps, e.g. '1 - eps/2 + eps**2/8'")
    common(s)
    s.set_defaults(func=_series)

    s = vs.add_parser("bound", help="an inequality (or monotonicity) over a parameter box")
    s.add_argument("model", help=_MODEL)
    s.add_argument("claim", help="'lhs <= rhs', or an observable with --monotone")
    s.add_argument("--over", action="append", required=True, metavar="name=lo:hi",
                   help="a side of the parameter box (repeat for each parameter)")
    s.add_argument("--tie", action="append", metavar="name=expression",
                   help="a parameter set from the others, e.g. lam=gamma/10 (repeatable)")
    s.add_argument("--monotone", choices=["increasing", "decreasing"],
                   help="claim the observable is monotone in --parameter instead of an inequality")
    s.add_argument("--parameter", help="the parameter of a --monotone claim")
    s.add_argument("--max-boxes", type=int, default=50000,
                   help="most sub-boxes the certifier may split into (default 50000)")
    common(s)
    s.set_defaults(func=_bound)

    s = vs.add_parser("transition", help="phase-transition points at high precision")
    s.add_argument("model", help=_MODEL)
    s.add_argument("observables", nargs="*", help="threshold observables, then key=value parameters")
    s.add_argument("--parameter", help="branch-point kind: the control parameter (e.g. snr)")
    s.add_argument("--unknown", help="branch-point kind: the order parameter leaving its trivial value")
    s.add_argument("--at", default="0", help="the order parameter's value on the trivial branch (default 0)")
    s.add_argument("--claim", help="expected value, or an ordering such as 'a < b'")
    s.set_defaults(params=[])
    s.add_argument("--digits", type=int, default=30, help="significant digits to work at (default 30)")
    s.add_argument("--json", action="store_true", help="print the verdict as one JSON object")
    s.add_argument("--out", help="directory for CSV, PNG and JSON")
    s.set_defaults(func=_transition)

    s = vs.add_parser("same", help="two formulations at random exact points")
    s.add_argument("a", help="model:observable or an expression")
    s.add_argument("b", help="model:observable or an expression")
    s.add_argument("--over", action="append", required=True, metavar="name=lo:hi",
                   help="a side of the box the random exact points are drawn from (repeatable)")
    s.add_argument("--points", type=int, default=40, help="random exact points compared (default 40)")
    s.add_argument("--seed", type=int, default=0, help="seed of the random points (default 0)")
    common(s, 50)
    s.set_defaults(func=_same)

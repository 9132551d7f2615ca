"""Timing of the high-precision path (``evaluate(..., precision=30)``) at every model's example point.

Ours: the Arb path of :mod:`asymptotics.precision` — exact parameters, Gauss rules recomputed in
Arb, a chord iteration from the float64 root (one residual pass per step, no high-precision
Jacobian), implicit functions (proximal operators) from a float64 root. "first" includes
generating the Arb code and the rules (once per process); "point" is a second, different point
(the first scalar parameter times 1.001), i.e. the cost per 30-digit point. CPU seconds
(``time.process_time``) are reported next to wall seconds: this machine is shared, and wall time
includes waiting for a core.

Baseline (same process): the mpmath path this package had before (``codegen.Kernel.mp`` with
plain lambdified mpmath code — no common subexpressions, so the Jacobian re-solves every proximal
operator once per occurrence — and full mpmath Newton with residual and Jacobian at every step
(``solvers.Precise``), parameters rounded to float64 first). It is stopped after
``--baseline-limit`` seconds (SIGALRM) and then reported as ``> limit``.

``digits`` is :func:`asymptotics.verify.value`'s verified digit count at 30 requested digits (a
second solve at 50 digits with doubled quadrature orders); ``--no-digits`` skips it.

Run: ``PYTHONPATH=. python benchmarks/bench_precision.py [--baseline-limit 60] [--no-digits]``
"""

from __future__ import annotations

import argparse
import signal
import time

import mpmath as mp
import numpy as np

import asymptotics as asy
from asymptotics import models


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def baseline(model, variant, params, digits=30):
    """The pre-Arb mpmath refinement (float64-rounded parameters, Kernel.mp, Precise Newton)."""
    from asymptotics.api import _prepare
    from asymptotics.codegen import compile_system
    from asymptotics.solvers import BatchProblem, Precise
    from asymptotics.solvers.strategy import solve_bounded

    model_, variant_, p, shape, values = _prepare(model, params)
    compiled = compile_system(variant_.system_for(p))
    out, _, _ = solve_bounded(compiled, values, 1, "auto", None)
    precise = Precise(digits=digits)
    dps = digits + precise.guard
    problem = BatchProblem(compiled, values, 1)
    with mp.workdps(dps):
        point = {k: mp.mpf(float(v)) for k, v in problem.point(0).items() if k in problem._scalar}
        point.update(problem._shared)
        u = []
        steps = point.get(compiled.iteration, mp.inf) if compiled.iteration is not None else mp.inf
        if compiled.size and steps != mp.inf:
            u = list(compiled.start_mp(point, dps))
            for _ in range(int(steps)):
                u = list(compiled.step_mp(point, u, dps))
        elif compiled.size:
            start = out.u[0] if np.all(np.isfinite(out.u[0])) else problem.guess()[0]
            ref = precise.refine(lambda x: compiled.residual_mp(point, x, dps),
                                 lambda x: compiled.jacobian_mp(point, x, dps), list(start),
                                 compiled.lower, compiled.upper)
            u = ref.u
        return compiled.observables_mp(point, u, dps)


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def _moved(variant, example):
    params = dict(example)
    for k in variant.scalar_params:
        v = params.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v not in (0, np.inf) and (
                k not in ("iteration", "degree", "p", "d", "n", "width")):
            params[k] = float(v) * 1.001
            return params
    return params


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-limit", type=float, default=60.0)
    ap.add_argument("--no-digits", action="store_true")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    rows = []
    for m in models.all_models():
        for v in m.variants:
            if v.is_numeric or (args.only and m.name not in args.only):
                continue
            ex = dict(v.example)
            row = {"model": m.name, "variant": v.name}
            try:
                _, row["float_s"], _ = _timed(lambda: asy.evaluate(m.name, **ex))
                r, row["first_wall"], row["first_cpu"] = _timed(lambda: asy.evaluate(m.name, precision=30, **ex))
                moved = _moved(v, ex)
                asy.evaluate(m.name, **moved)
                _, row["point_wall"], row["point_cpu"] = _timed(lambda: asy.evaluate(m.name, precision=30, **moved))
                first_obs = next(iter(r.observables))
                ours = r.observables[first_obs]
            except Exception as err:  # noqa: BLE001 - report, do not stop the table
                row["error"] = f"{type(err).__name__}: {str(err)[:80]}"
                rows.append(row)
                print(row, flush=True)
                continue
            try:
                signal.setitimer(signal.ITIMER_REAL, args.baseline_limit)
                base, row["baseline_wall"], row["baseline_cpu"] = _timed(lambda: baseline(m.name, v, ex))
                signal.setitimer(signal.ITIMER_REAL, 0)
                with mp.workdps(40):
                    b = base[first_obs]
                    row["agree_digits"] = (float(-mp.log10(abs(b - ours) / abs(ours))) if b != ours and ours != 0
                                           else 30.0)
            except _Timeout:
                row["baseline_wall"] = f"> {args.baseline_limit:g}"
            except Exception as err:  # noqa: BLE001
                signal.setitimer(signal.ITIMER_REAL, 0)
                row["baseline_wall"] = f"fails: {type(err).__name__}"
            if not args.no_digits:
                try:
                    from asymptotics.verify import value

                    ver = value(m.name, first_obs, digits=30, **ex)
                    row["digits"] = ver.digits
                    row["digits_note"] = (ver.message or "")[:70]
                except Exception as err:  # noqa: BLE001
                    row["digits"] = f"fails: {type(err).__name__}"
            rows.append(row)
            print(row, flush=True)
    print()
    head = f"{'model':<24}{'variant':<12}{'float s':>8}{'first s':>9}{'point s':>9}{'point cpu':>10}{'baseline s':>12}{'ratio':>8}{'digits':>7}"
    print(head)
    for r in rows:
        if "error" in r:
            print(f"{r['model']:<24}{r['variant']:<12} error: {r['error']}")
            continue
        b = r.get("baseline_wall")
        ratio = f"{b / r['first_wall']:.1f}x" if isinstance(b, float) else "-"
        bs = f"{b:.2f}" if isinstance(b, float) else str(b)
        print(f"{r['model']:<24}{r['variant']:<12}{r['float_s']:>8.2f}{r['first_wall']:>9.2f}"
              f"{r['point_wall']:>9.2f}{r['point_cpu']:>10.2f}{bs:>12}{ratio:>8}{str(r.get('digits', '')):>7}")
    return rows


if __name__ == "__main__":
    main()

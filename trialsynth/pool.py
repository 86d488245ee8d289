"""The `trialsynth pool` command: read a CSV of study data, pool it with one or more tau² estimators, render.

The lead wires it into trialsynth/cli.py with `add_pool_parser(commands)` and `COMMANDS["pool"] = cmd_pool`.
Reading and validation live in analysis.table, fitting in analysis.pooling, plots in analysis.plots;
this module parses options, calls them and renders the results (text, JSON or CSV).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path

from analysis.errors import FitError
from trialsynth.errors import InputError

EPILOG_POOL = ("examples:\n  trialsynth pool trials.csv --measure SMD\n"
               "  trialsynth pool trials.csv --measure RR --method REML,DL,PM --test knha --plot forest.png\n"
               "  trialsynth pool prepost.csv --measure SMCR --ri 0.5 --format json\n\n"
               "DATA.csv has one row per study: an optional `study` label column and the escalc columns of\n"
               "the measure, e.g. SMD: m1i,sd1i,n1i,m2i,sd2i,n2i; RR/OR/RD: ai,bi,ci,di (or ai,n1i,ci,n2i);\n"
               "GEN: yi,vi (or yi,sei); PR/PLO/...: xi,ni; SMCR: m1i,m2i,sd1i,ni,ri.")
SCALAR_KEYS = ("method", "measure", "test", "k", "estimate", "se", "ci_low", "ci_high", "p_value", "tau2",
               "tau2_ci_low", "tau2_ci_high", "i2", "h2", "q", "q_df", "q_p", "pi_low", "pi_high")
BACK_TRANSFORMED = {"RR": "risk ratio", "OR": "odds ratio", "ROM": "ratio of means", "PLN": "proportion",
                    "PLO": "proportion", "PAS": "proportion", "PFT": "proportion"}


def add_pool_parser(commands) -> argparse.ArgumentParser:
    """Add the `pool` subcommand to `commands` (an argparse subparsers object) and return its parser."""
    pool = commands.add_parser("pool", help="pool the effect sizes of a CSV of studies (random- or fixed-effects)",
                               description="Compute effect sizes from a CSV of study data (metafor escalc "
                                           "columns) and pool them, as metafor's rma() does.",
                               epilog=EPILOG_POOL, formatter_class=argparse.RawDescriptionHelpFormatter)
    pool.add_argument("data", metavar="DATA.csv", help="CSV with one row per study")
    pool.add_argument("--measure", required=True, metavar="MEASURE",
                      help="effect measure (metafor escalc name): GEN, MD, SMD, ROM, RR, OR, RD, PR, PLN, PLO, "
                           "PAS, PFT, MN, MC, SMCR, SMCC")
    pool.add_argument("--method", default="REML", metavar="METHODS",
                      help="tau² estimator, or a comma-separated list: FE, DL, REML, ML, PM, HS, SJ, HE, EB "
                           "(default: REML)")
    pool.add_argument("--test", choices=["z", "knha"], default="z",
                      help="z tests, or Knapp-Hartung t tests (default: z)")
    pool.add_argument("--ri", type=float, metavar="R",
                      help="assumed pre-post correlation for MC/SMCR/SMCC rows without an ri value "
                           "(adds a sensitivity analysis over r = 0.2, 0.5, 0.8)")
    pool.add_argument("--format", choices=["text", "json", "csv"], default="text", help="output format")
    pool.add_argument("--plot", metavar="FILE", help="write a forest plot of the first method (.png or .svg)")
    return pool


def parse_methods(text: str) -> list[str]:
    """Return the estimator names of a comma-separated list, upper-cased and de-duplicated.

    Raises InputError for an empty list or an unknown name (listing the valid ones)."""
    from analysis.pooling import ESTIMATORS

    names = [part.strip().upper() for part in str(text).split(",") if part.strip()]
    if not names:
        raise InputError(f"--method needs at least one estimator; got {text!r}. Use one of {', '.join(ESTIMATORS)}")
    unknown = [n for n in names if n not in ESTIMATORS]
    if unknown:
        raise InputError(f"unknown --method {', '.join(unknown)}; use one of {', '.join(ESTIMATORS)} "
                         "(or a comma-separated list such as REML,DL)")
    return list(dict.fromkeys(names))


def run_pool(data, measure: str, methods: list[str], *, test: str = "z", ri: float | None = None) -> list[dict]:
    """Fit every method to the studies of `data` (a CSV path or buffer); return one dict per method.

    Each dict holds "result" (the MetaResult), "effects" (the EffectSizes) and, when a pre-post
    correlation was assumed for some rows, "ri_sensitivity" (a list of refits at r = 0.2, 0.5, 0.8).
    Raises InputError for bad data (see analysis.table) or fewer than 2 studies for a random-effects
    model, FitError when a fit fails.
    """
    from analysis.pooling import rma
    from analysis.table import SENSITIVITY_RI, check_measure, effect_sizes_from_frame, load_csv, needs_assumed_ri

    measure = check_measure(measure)
    source = f"data file {data}" if isinstance(data, (str, Path)) else "the data"
    frame = load_csv(data)
    assumed = ri is not None and needs_assumed_ri(frame, measure)
    if ri is None and needs_assumed_ri(frame, measure):
        raise InputError(f"measure {measure} needs the pre-post correlation ri of every study; {source} has "
                         "no ri value for some rows. Add an ri column or pass --ri R (e.g. --ri 0.5) to assume one")
    effects = effect_sizes_from_frame(frame, measure, ri=ri, source=source)
    k = len(effects.yi)
    random = [m for m in methods if m != "FE"]
    if k < 2 and random:
        raise InputError(f"a random-effects model ({', '.join(random)}) needs at least 2 studies; {source} has "
                         f"k = {k}. Add studies or use --method FE")
    out = []
    for method in methods:
        result = rma(effects.yi, effects.vi, method=method, test=test, labels=effects.labels, measure=measure)
        entry = {"result": result, "effects": effects}
        if assumed:
            entry["ri_sensitivity"] = [_refit_at(frame, measure, r, method, test, source) for r in SENSITIVITY_RI]
        out.append(entry)
    return out


def cmd_pool(args) -> int:
    """Run `trialsynth pool`: print the pooled results of each method; write the forest plot if asked."""
    from analysis.table import check_measure

    measure = check_measure(args.measure)
    methods = parse_methods(args.method)
    if args.plot:
        from analysis.plots import _check_path

        _check_path(args.plot)   # refuse a bad extension before the work
    fits = run_pool(args.data, measure, methods, test=args.test, ri=args.ri)
    if args.format == "json":
        text = json.dumps([_record(f, with_studies=True) for f in fits], indent=2, ensure_ascii=False)
    elif args.format == "csv":
        text = _render_csv(fits)
    else:
        text = "\n\n".join(render_text(f, ri=args.ri) for f in fits)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if args.format != "text":
        for note in _notes(fits[0]):
            print(f"trialsynth: note: {note}", file=sys.stderr)
    if args.plot:
        from analysis.plots import forest_plot

        first = fits[0]["result"]
        kind = "fixed-effects model" if first.method == "FE" else f"random-effects model ({first.method})"
        forest_plot(first, args.plot, transform=_plot_transform(fits[0]), title=f"{measure}: {kind}")
        if args.format == "text":
            print(f"forest plot of {first.method} written to {args.plot}")
    return 0


# ------------------------------------------------------------------------------------------- rendering

def render_text(fit: dict, *, ri: float | None = None) -> str:
    """Return a metafor-like printed summary of one fitted method (fit as returned by run_pool)."""
    r = fit["result"]
    effects = fit["effects"]
    level = f"{r.level:g}%"
    lines = [f"{_model_title(r)} (k = {r.k}; measure: {r.measure}; test: {r.test})", ""]
    if r.method != "FE":
        tau2 = f"tau^2 (estimated amount of total heterogeneity): {_f(r.tau2)}"
        if r.se_tau2 is not None:
            tau2 += f" (SE = {_f(r.se_tau2)})"
        if r.tau2_ci_low is not None and r.tau2_ci_high is not None:
            tau2 += f", {level} CI [{_f(r.tau2_ci_low)}, {_f(r.tau2_ci_high)}]"
        lines += [tau2, f"tau (square root of estimated tau^2 value):      {_f(math.sqrt(max(r.tau2, 0)))}"]
    lines += [f"I^2 (total heterogeneity / total variability):   {r.i2:.2f}%",
              f"H^2 (total variability / sampling variability):  {_f(r.h2, 2)}", "",
              "Test for Heterogeneity:", f"Q(df = {r.q_df}) = {_f(r.q)}, p-val = {_p(r.q_p)}", "",
              "Model Results:", ""]
    stat = "tval" if r.test == "knha" else "zval"
    df = f" (df = {_g(r.dfs)})" if r.dfs is not None else ""
    header = ["estimate", "se", stat, "pval", "ci.lb", "ci.ub"]
    row = [_f(r.estimate), _f(r.se), _f(float(r.stat[0]), 4), _p(r.p_value), _f(r.ci_low), _f(r.ci_high)]
    widths = [max(len(h), len(v)) for h, v in zip(header, row)]
    lines.append("  ".join(h.rjust(w) for h, w in zip(header, widths)) + df)
    lines.append("  ".join(v.rjust(w) for v, w in zip(row, widths)))
    if r.pi_low is not None and r.pi_high is not None and r.method != "FE":
        lines += ["", f"{level} prediction interval: [{_f(r.pi_low)}, {_f(r.pi_high)}]"]
    if r.measure in BACK_TRANSFORMED:
        from analysis.effects import transform_back

        est, lo, hi = transform_back(r.measure, [r.estimate, r.ci_low, r.ci_high], ni=effects.ni)
        line = f"back-transformed ({BACK_TRANSFORMED[r.measure]}): {_f(est)}, {level} CI [{_f(lo)}, {_f(hi)}]"
        if r.pi_low is not None and r.pi_high is not None and r.method != "FE":
            plo, phi = transform_back(r.measure, [r.pi_low, r.pi_high], ni=effects.ni)
            line += f"; PI [{_f(plo)}, {_f(phi)}]"
        lines += ["", line]
    if fit.get("ri_sensitivity"):
        lines += ["", f"Sensitivity to the assumed pre-post correlation (--ri {ri:g} used for rows without ri):",
                  "     r  estimate  ci.lb    ci.ub    tau^2   I^2"]
        for s in fit["ri_sensitivity"]:
            if s.get("error"):
                lines.append(f"  {s['ri']:.1f}  not estimable: {s['error']}")
            else:
                lines.append(f"  {s['ri']:4.1f}  {_f(s['estimate']):>8}  {_f(s['ci_low']):>7}  {_f(s['ci_high']):>7}"
                             f"  {_f(s['tau2']):>7}  {s['i2']:.1f}%")
    notes = _notes(fit)
    if notes:
        lines += [""] + [f"note: {n}" for n in notes]
    return "\n".join(lines)


def _render_csv(fits: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(SCALAR_KEYS), lineterminator="\n")
    writer.writeheader()
    for fit in fits:
        record = _record(fit, with_studies=False)
        writer.writerow({k: "" if record[k] is None else record[k] for k in SCALAR_KEYS})
    return buffer.getvalue()


def _record(fit: dict, *, with_studies: bool) -> dict:
    """The JSON/CSV object of one method: the SCALAR_KEYS, then studies and ri_sensitivity."""
    full = fit["result"].to_dict()
    out = {k: _clean(full.get(k)) for k in SCALAR_KEYS}
    if with_studies:
        out["studies"] = [{k: _clean(s.get(k)) for k in ("study", "yi", "vi", "weight")} for s in full["studies"]]
        if "ri_sensitivity" in fit:
            out["ri_sensitivity"] = [{k: _clean(v) for k, v in s.items()} for s in fit["ri_sensitivity"]]
    return out


def _refit_at(frame, measure: str, r: float, method: str, test: str, source: str) -> dict:
    from analysis.pooling import rma
    from analysis.table import effect_sizes_from_frame

    effects = effect_sizes_from_frame(frame, measure, ri=r, source=source)
    try:
        res = rma(effects.yi, effects.vi, method=method, test=test, labels=effects.labels, measure=measure)
    except FitError as exc:
        return {"ri": r, "estimate": None, "ci_low": None, "ci_high": None, "tau2": None, "i2": None,
                "error": str(exc)}
    return {"ri": r, "estimate": res.estimate, "se": res.se, "ci_low": res.ci_low, "ci_high": res.ci_high,
            "p_value": res.p_value, "tau2": res.tau2, "i2": res.i2}


def _notes(fit: dict) -> list[str]:
    return list(dict.fromkeys(list(getattr(fit["effects"], "warnings", ())) +
                              list(getattr(fit["result"], "warnings", ()))))


def _plot_transform(fit: dict):
    measure = fit["result"].measure
    if measure in ("RR", "OR", "ROM", "PLN"):
        return "exp"
    if measure in BACK_TRANSFORMED:
        from analysis.effects import transform_back

        ni = fit["effects"].ni
        return lambda v: transform_back(measure, v, ni=ni)
    return None


def _model_title(r) -> str:
    if r.method == "FE":
        return "Fixed-effects model"
    return f"Random-effects model (tau^2 estimator: {r.method})"


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
        return None if isinstance(value, float) and not math.isfinite(value) else value
    return value


def _f(value, digits: int = 4) -> str:
    if value is None or not math.isfinite(float(value)):
        return "NA"
    return f"{float(value):.{digits}f}"


def _g(value) -> str:
    return f"{float(value):g}"


def _p(p) -> str:
    if p is None or not math.isfinite(float(p)):
        return "NA"
    return "<.0001" if p < 0.0001 else f"{p:.4f}"


__all__ = ["add_pool_parser", "cmd_pool", "run_pool", "render_text", "parse_methods", "EPILOG_POOL"]

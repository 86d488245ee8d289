"""The `trialsynth pool` command: read a CSV of study data, pool it with one or more tau² estimators, render.

The lead wires it into trialsynth/cli.py with `add_pool_parser(commands)` and `COMMANDS["pool"] = cmd_pool`.
Reading and validation live in analysis.table, fitting in analysis.pooling, plots in analysis.plots;
this module parses options, calls them and renders the results (text, JSON or CSV). It imports
neither pandas nor scipy, and matplotlib only for --plot, so a small pool runs in well under a second.
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
               "  trialsynth pool dat.bcg.csv --measure RR --columns ai=tpos,bi=tneg,ci=cpos,di=cneg --label author,year\n"
               "  trialsynth pool trials.csv --measure MD --plot forest.pdf --dpi 300 --width 7 --units 'DAS28 points'\n"
               "  trialsynth pool prepost.csv --measure SMCR --ri 0.5 --format json\n\n"
               "DATA.csv has one row per study: an optional `study` label column and the escalc columns of\n"
               "the measure, e.g. SMD: m1i,sd1i,n1i,m2i,sd2i,n2i; RR/OR/RD: ai,bi,ci,di (or ai,n1i,ci,n2i);\n"
               "GEN: yi,vi (or yi,sei); PR/PLO/...: xi,ni; SMCR: m1i,m2i,sd1i,ni,ri. Other names map onto\n"
               "them with --columns, as metafor's escalc(ai = tpos, ...) does.")
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
    pool.add_argument("--columns", metavar="MAP", type=parse_column_map,
                      help="map escalc names onto the file's columns, e.g. ai=tpos,bi=tneg,ci=cpos,di=cneg "
                           "(metafor's escalc(ai = tpos, ...))")
    pool.add_argument("--label", metavar="COLUMNS", type=parse_label_columns,
                      help="column(s) whose values, joined by spaces, label each study, e.g. author,year "
                           "(default: the study column)")
    pool.add_argument("--format", choices=["text", "json", "csv"], default="text", help="output format")
    pool.add_argument("--plot", metavar="FILE", help="write a forest plot of the first method (.png, .svg or .pdf)")
    pool.add_argument("--dpi", type=float, metavar="N", help="resolution of a PNG forest plot (default 110; 300 for print)")
    pool.add_argument("--width", type=float, metavar="INCHES", help="width of the forest plot in inches")
    pool.add_argument("--units", metavar="TEXT", help="the outcome's units, shown in the forest plot's axis label")
    pool.add_argument("--favours", nargs=2, metavar=("LEFT", "RIGHT"),
                      help='labels under the forest plot\'s axis (default "Favours intervention" "Favours control")')
    pool.add_argument("--groups", nargs=2, metavar=("ARM1", "ARM2"),
                      help='headings of the two arms\' columns (default "Intervention" "Control")')
    return pool


def parse_column_map(text: str) -> dict[str, str]:
    """Parse --columns "ai=tpos,bi=tneg" into {"ai": "tpos", "bi": "tneg"}; raises InputError (an
    argparse type error) for an entry without "=" or an empty name."""
    mapping: dict[str, str] = {}
    for part in str(text).split(","):
        if not part.strip():
            continue
        target, sep, column = part.partition("=")
        if not sep or not target.strip() or not column.strip():
            raise argparse.ArgumentTypeError(f"{part.strip()!r} is not NAME=COLUMN; write e.g. "
                                             "--columns ai=tpos,bi=tneg,ci=cpos,di=cneg")
        mapping[target.strip().lower()] = column.strip()
    if not mapping:
        raise argparse.ArgumentTypeError("--columns needs NAME=COLUMN pairs, e.g. ai=tpos,bi=tneg")
    return mapping


def parse_label_columns(text: str) -> list[str]:
    """Parse --label "author,year" into ["author", "year"]."""
    columns = [c.strip() for c in str(text).split(",") if c.strip()]
    if not columns:
        raise argparse.ArgumentTypeError("--label needs one or more column names, e.g. --label author,year")
    return columns


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


def run_pool(data, measure: str, methods: list[str], *, test: str = "z", ri: float | None = None,
             columns: dict[str, str] | None = None, label: list[str] | None = None) -> list[dict]:
    """Fit every method to the studies of `data` (a CSV path or buffer); return one dict per method.

    `columns` maps escalc names onto the file's columns ({"ai": "tpos", ...}); `label` names the
    columns that label the studies. Each dict holds "result" (the MetaResult, carrying the per-arm
    input columns), "effects" (the EffectSizes) and, when a pre-post correlation was assumed for
    some rows, "ri_sensitivity" (a list of refits at r = 0.2, 0.5, 0.8). Raises InputError for bad
    data (see analysis.table) or fewer than 2 studies for a random-effects model, FitError when a
    fit fails.
    """
    from analysis.pooling import rma
    from analysis.table import SENSITIVITY_RI, check_measure, effect_sizes_from_frame, load_csv, needs_assumed_ri

    measure = check_measure(measure)
    source = f"data file {data}" if isinstance(data, (str, Path)) else "the data"
    frame = load_csv(data, columns=columns, label=label)
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
        result = rma(effects, method=method, test=test, measure=measure)
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
        _check_plot_options(args)   # refuse a bad extension, dpi or width before the work
    fits = run_pool(args.data, measure, methods, test=args.test, ri=args.ri, columns=getattr(args, "columns", None),
                    label=getattr(args, "label", None))
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
        if first.k == 1:
            kind = "a single study, not pooled"
        else:
            kind = "fixed-effects model" if first.method == "FE" else f"random-effects model ({first.method})"
        forest_plot(first, args.plot, transform=_plot_transform(fits[0]), title=f"{measure}: {kind}",
                    dpi=getattr(args, "dpi", None), width=getattr(args, "width", None),
                    units=getattr(args, "units", None), favours=getattr(args, "favours", None),
                    groups=getattr(args, "groups", None))
        if args.format == "text":
            print(f"forest plot of {first.method} written to {args.plot}")
    return 0


def _check_plot_options(args) -> None:
    from pathlib import PurePath

    suffix = PurePath(args.plot).suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise InputError(f"--plot {args.plot!r} must end in .png, .svg or .pdf (got {suffix or 'no extension'}); "
                         "name the file forest.png, forest.svg or forest.pdf")
    dpi, width = getattr(args, "dpi", None), getattr(args, "width", None)
    if dpi is not None and not 20 <= dpi <= 1200:
        raise InputError(f"--dpi must be between 20 and 1200 (300 for print); got {dpi:g}")
    if width is not None and not 3 <= width <= 40:
        raise InputError(f"--width must be between 3 and 40 inches (a journal column is about 3.5, a page 7); "
                         f"got {width:g}")


# ------------------------------------------------------------------------------------------- rendering

def render_text(fit: dict, *, ri: float | None = None) -> str:
    """Return the printed summary of one fitted method (fit as returned by run_pool): metafor's
    print(res) layout, then the measure and test, the tau² CI (confint), the prediction interval
    (predict) and the back-transformed estimate."""
    r = fit["result"]
    effects = fit["effects"]
    level = f"{r.level:g}%"
    test = "Knapp-Hartung t test" if r.test == "knha" else "z test"
    lines = [str(r), "", f"Measure: {r.measure}; {test}; {level} intervals"]
    if r.k == 1:
        lines.append("k = 1: not pooled; the estimate above is the study's own.")
    if r.tau2_ci_low is not None and r.tau2_ci_high is not None:
        ci = f"tau^2 {level} CI (Q-profile): [{_f(r.tau2_ci_low)}, {_f(r.tau2_ci_high)}]"
        if r.tau2_ci_widened:
            ci += " (a bound lies beyond metafor's default search limit max(100, 10 tau^2), where confint() stops " \
                  "and prints '>'; the search was widened until it was found)"
        lines.append(ci)
    if r.pi_low is not None and r.pi_high is not None and r.method != "FE":
        lines.append(f"{level} prediction interval: [{_f(r.pi_low)}, {_f(r.pi_high)}]")
    if r.measure in BACK_TRANSFORMED:
        from analysis.effects import transform_back

        est, lo, hi = transform_back(r.measure, [r.estimate, r.ci_low, r.ci_high], ni=effects.ni)
        line = f"back-transformed ({BACK_TRANSFORMED[r.measure]}): {_f(est)}, {level} CI [{_f(lo)}, {_f(hi)}]"
        if r.pi_low is not None and r.pi_high is not None and r.method != "FE":
            plo, phi = transform_back(r.measure, [r.pi_low, r.pi_high], ni=effects.ni)
            line += f"; PI [{_f(plo)}, {_f(phi)}]"
        lines.append(line)
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
        res = rma(effects, method=method, test=test, measure=measure, tau2_ci=False)
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


__all__ = ["add_pool_parser", "cmd_pool", "run_pool", "render_text", "parse_methods", "parse_column_map",
           "parse_label_columns", "EPILOG_POOL"]

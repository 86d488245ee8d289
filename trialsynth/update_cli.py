"""The `trialsynth update` and `trialsynth demo` commands (wired into trialsynth/cli.py).

`update` runs trialsynth.update.run_update and prints its "what changed" account; `demo` creates
(or reuses) a review folder and runs `update --from` on the bundled MSC-for-RA snapshot, offline.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

EPILOG_UPDATE = ("examples:\n  trialsynth update                          # harvest every enabled source, then the rest\n"
                 "  trialsynth update --from new_abstracts.jsonl  # offline: import a file instead of harvesting\n"
                 "  trialsynth update --source pubmed --jobs 2\n\n"
                 "Writes report.html, summary.md and results.json in the review folder and prints what changed\n"
                 "since the last update.")
EPILOG_DEMO = ("example:\n  trialsynth demo msc-ra-demo\n  trialsynth demo msc-ra-demo --from more_abstracts.jsonl\n\n"
               "Creates the review folder (or reuses it) and runs `trialsynth update --from` on the bundled\n"
               "MSC-for-RA snapshot (or on --from), offline; open DIR/report.html in a browser.")


def add_update_parsers(commands: Any, review_option: Callable[[argparse.ArgumentParser], None]) -> None:
    update = commands.add_parser("update", help="harvest, extract, screen, pool and report: one living-review update",
                                 epilog=EPILOG_UPDATE, formatter_class=argparse.RawDescriptionHelpFormatter)
    review_option(update)
    update.add_argument("--from", dest="from_path", metavar="PATH",
                        help="import this file or folder instead of harvesting (offline)")
    update.add_argument("--source", action="append", default=[], choices=["pubmed", "europepmc", "ctgov"],
                        help="harvest only this source (repeatable)")
    update.add_argument("--jobs", type=int, default=1, metavar="N", help="extractor worker processes (default 1)")
    demo = commands.add_parser("demo", help="offline demo: a review update of the bundled MSC-for-RA corpus",
                               epilog=EPILOG_DEMO, formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("directory", nargs="?", default="msc-ra-demo", metavar="DIR",
                      help="review folder to create or update (default: msc-ra-demo)")
    demo.add_argument("--from", dest="from_path", metavar="PATH",
                      help="import this file instead of the bundled snapshot")


def _progress(label: str):
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc=label, unit="rec", leave=False, file=sys.stderr)

    def update(done: int, total: int | None = None) -> None:
        if total is not None and bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()
    return update


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def print_extract_problems(s, out=None) -> None:
    """Say which records the extractor could not read (and why), and which changed while it read them."""
    out = out or sys.stdout
    if s.failures:
        print(f"{_count(len(s.failures), 'record')} could not be extracted (skipped; retried when the record or "
              "the extractor changes):", file=out)
        for record_id, reason in s.failures[:10]:
            print(f"  {record_id}: {reason}", file=out)
        if len(s.failures) > 10:
            print(f"  ... and {len(s.failures) - 10} more (see results.json, failed_records)", file=out)
    if s.changed_meanwhile:
        print(f"{_count(s.changed_meanwhile, 'record')} changed while being extracted; `trialsynth extract` "
              "reads them again next time.", file=out)


def print_outcome(outcome: Any, out: Any = None) -> None:
    from trialsynth.extraction import ExtractSummary

    out = out or sys.stdout
    totals = outcome.totals
    extracted = outcome.extract
    print(f"extracted {extracted.get('extracted', 0)} records ({extracted.get('new', 0)} new); "
          f"{totals.get('included', 0)} of {totals.get('records', 0)} records included "
          f"({totals.get('cohorts', 0)} cohorts)", file=out)
    summary = ExtractSummary(**{k: v for k, v in extracted.items() if k != "failures"},
                             failures=tuple(tuple(f) for f in extracted.get("failures", ())))
    print_extract_problems(summary, out)
    if outcome.context is not None and outcome.context.flagged_values:
        flagged = outcome.context.flagged_values
        print(f"{len(flagged)} implausible value(s) left out of their pools (see the report):", file=out)
        for f in flagged[:5]:
            print(f"  {f.label} ({f.record_id}), {f.outcome}{f', ' + f.arm if f.arm else ''}: {f.field} = "
                  f"{f.value}: {f.rule}", file=out)
    print(f"pooled analyses: {totals.get('pooled', 0)}; direction-of-effect syntheses: "
          f"{totals.get('directions', 0)}", file=out)
    print("what changed:", file=out)
    for line in outcome.changes:
        print(f"  - {line}", file=out)
    if outcome.report_html:
        kept = " (unchanged: nothing it shows has changed)" if outcome.reused else ""
        print(f"report: {outcome.report_html}{kept}", file=out)
        print(f"summary: {outcome.summary_md}", file=out)


def cmd_update(args: Any) -> int:
    from trialsynth.errors import InputError
    from trialsynth.review import find_review
    from trialsynth.update import run_update

    if args.jobs < 1:
        raise InputError(f"--jobs must be 1 or more; got {args.jobs}.")
    review = find_review(getattr(args, "review", None))
    if args.from_path and args.source:
        raise InputError("--from imports a file instead of harvesting; drop --source (or --from).")
    outcome = run_update(review, from_path=args.from_path, sources=args.source, jobs=args.jobs,
                         progress_for=_progress)
    print_outcome(outcome)
    return 0


def cmd_demo(args: Any) -> int:
    from trialsynth.review import find_review, init_review
    from trialsynth.update import run_update
    from trialsynth.workflow import bundled_snapshot

    target = Path(args.directory)
    review = find_review(target) if (target / "review.toml").is_file() else init_review(target)
    source = Path(args.from_path) if args.from_path else bundled_snapshot()
    print(f"review folder: {review.root}")
    print(f"update from {source.name} (offline)")
    outcome = run_update(review, from_path=source, progress_for=_progress)
    print_outcome(outcome)
    return 0

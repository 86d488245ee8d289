"""The `trialsynth` command line. Thin commands: parse options, call one library function, render.

Library errors (trialsynth.errors.USER_ERRORS: the app's and every stage's) become a one-line message on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import sys
from pathlib import Path
from typing import Sequence

from trialsynth import __version__
from trialsynth.errors import USER_ERRORS, InputError

EPILOG_INIT = "example:\n  trialsynth init msc-ra-review"
EPILOG_HARVEST = ("examples:\n  trialsynth harvest                      # every enabled source, only what is new\n"
                  "  trialsynth harvest --source pubmed\n"
                  "  trialsynth harvest --from corpus/snapshots/msc_ra_dev.jsonl\n"
                  "  trialsynth harvest --from embase_export.ris")
EPILOG_RECORDS = "examples:\n  trialsynth records\n  trialsynth records --format csv -o records.csv"
EPILOG_EXTRACT = ("examples:\n  trialsynth extract                      # the review's new and changed records\n"
                  "  trialsynth extract --force --jobs 4\n"
                  "  trialsynth extract --input abstracts.jsonl --output predictions.jsonl   # no review needed\n"
                  "  trialsynth extract --input articles.jsonl --prompts prompts.jsonl --output answers.jsonl\n\n"
                  "--input takes JSONL of {\"id\", \"title\", \"abstract\"} objects (optional \"full_text_xml\",\n"
                  "\"publication_types\", \"mesh_terms\"), the JSONL of `trialsynth records --format jsonl`, or\n"
                  "PubMed EFetch XML; the output has one prediction (JSON object) per line, in input order.")
EPILOG_SCREEN = ("examples:\n  trialsynth screen --list\n"
                 "  trialsynth screen --include PMID:31908418 --reason \"phase I/II trial of UC-MSC in RA\"\n"
                 "  trialsynth screen --exclude NCT01547091 --reason \"duplicate cohort\" --reviewer \"A. Reviewer\"\n"
                 "  trialsynth screen --clear 31908418\n\n"
                 "ID is the store's record id (see `trialsynth records`), a PMID (PMID:31908418 or 31908418), a DOI,\n"
                 "an NCT id or a PMCID. A reviewer decision always wins over the extractor's screening and is\n"
                 "kept through re-extraction; every decision is logged. The reviewer is --reviewer, else\n"
                 "$TRIALSYNTH_REVIEWER, else the OS user name.")
EPILOG_EXPORT = ("examples:\n  trialsynth export                       # every format into the review's exports/\n"
                 "  trialsynth export --format ris -o included.ris\n"
                 "  trialsynth export --format csv,bibtex -o out/\n\n"
                 "Formats: csv and xlsx (the evidence table of the included studies, corrections applied),\n"
                 "ris and bibtex (the included references, for Zotero, EndNote, Mendeley), json (every record's\n"
                 "screening and the included studies' evidence). Included = reviewer decisions over the extractor.")
EPILOG_CORRECTIONS = ("examples:\n  trialsynth corrections --check\n"
                      "  trialsynth corrections --check --file drafts/corrections.toml\n\n"
                      "The review folder's corrections.csv (columns record_id, measure, arm, timepoint_weeks, field,\n"
                      "value, reviewer, source, note; one value per line) or corrections.toml ([[correction]] tables)\n"
                      "holds values a reviewer read from full texts. trialsynth only reads it; it is applied on\n"
                      "top of every extraction (export, screen --list).")
EPILOG_TABLE = ("examples:\n  trialsynth table                        # included studies, CSV on stdout\n"
                "  trialsynth table -o evidence.xlsx --all\n"
                "  trialsynth table --input predictions.jsonl --format parquet -o evidence.parquet")


def _review_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--review", metavar="DIR", default=argparse.SUPPRESS,
                        help="the review folder (default: the current folder or a parent holding review.toml)")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="trialsynth", description="Living systematic reviews: harvest, extract, pool, report.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"trialsynth {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log retries and requests to stderr")
    _review_option(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help="create a review folder with the default MSC-for-RA protocol",
                               epilog=EPILOG_INIT, formatter_class=argparse.RawDescriptionHelpFormatter)
    init.add_argument("directory", nargs="?", default=".", metavar="DIR", help="folder to create (default: .)")
    init.add_argument("--force", action="store_true", help="rewrite review.toml (the store is kept)")

    harvest = commands.add_parser("harvest", help="fetch new records from the protocol's sources, or import files",
                                  epilog=EPILOG_HARVEST, formatter_class=argparse.RawDescriptionHelpFormatter)
    _review_option(harvest)
    harvest.add_argument("--from", dest="from_path", metavar="PATH",
                         help="import a file or folder instead (PubMed XML, Europe PMC JSON, "
                              "ClinicalTrials.gov JSON, RIS, trialsynth JSONL)")
    harvest.add_argument("--source", action="append", default=[], choices=["pubmed", "europepmc", "ctgov"],
                         help="harvest only this source (repeatable)")
    harvest.add_argument("--format", choices=["text", "json"], default="text", help="summary format")

    reparse = commands.add_parser("reparse", help="re-read stored raw payloads with the current parsers",
                                  epilog="example:\n  trialsynth reparse",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    _review_option(reparse)

    records = commands.add_parser("records", help="list the stored records",
                                  epilog=EPILOG_RECORDS, formatter_class=argparse.RawDescriptionHelpFormatter)
    _review_option(records)
    records.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")
    records.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    extract = commands.add_parser("extract", help="extract the evidence (sample size, cells, dose, outcomes) "
                                  "from records", epilog=EPILOG_EXTRACT,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    _review_option(extract)
    extract.add_argument("--force", action="store_true", help="extract every record again, not only new and "
                         "changed ones")
    extract.add_argument("--jobs", type=_positive_int, default=1, metavar="N",
                         help="extractor processes (default: 1)")
    extract.add_argument("--input", metavar="FILE", help="extract the records of FILE instead of the review's")
    extract.add_argument("--output", "-o", metavar="OUT", help="with --input: the prediction JSONL to write "
                         "(- or absent: stdout)")
    extract.add_argument("--prompts", metavar="PROMPTS", help="with --input: answer the prompts of PROMPTS (JSONL of "
                         "{prompt_id, record_id, outcome, intervention, comparator}): one answer line each")

    table = commands.add_parser("table", help="the evidence table: one row per study, arm, outcome and timepoint",
                                epilog=EPILOG_TABLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    _review_option(table)
    table.add_argument("--format", choices=["csv", "xlsx", "parquet", "jsonl"],
                       help="table format (default: from the -o suffix, else csv)")
    table.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    table.add_argument("--all", action="store_true", help="every extracted record, not only included studies")
    table.add_argument("--input", metavar="FILE", help="build the table from a prediction JSONL "
                       "(`trialsynth extract --output`) instead of the review")

    from trialsynth.pool import add_pool_parser

    add_pool_parser(commands)

    screen = commands.add_parser("screen", help="record a reviewer's include/exclude decision, or list the screening",
                                 epilog=EPILOG_SCREEN, formatter_class=argparse.RawDescriptionHelpFormatter)
    _review_option(screen)
    action = screen.add_mutually_exclusive_group(required=True)
    action.add_argument("--include", metavar="ID", help="include the record, whatever the extractor said")
    action.add_argument("--exclude", metavar="ID", help="exclude the record, whatever the extractor said")
    action.add_argument("--clear", metavar="ID", help="withdraw the reviewer decision (the extractor decides again)")
    action.add_argument("--list", action="store_true", help="every record's decision, who made it and why")
    screen.add_argument("--reason", help="why (required with --include and --exclude)")
    screen.add_argument("--reviewer", metavar="NAME", help="who decides (default: $TRIALSYNTH_REVIEWER, then the "
                        "OS user name)")

    export = commands.add_parser("export", help="export the evidence table, the included references (RIS, "
                                 "BibTeX) and the review as JSON", epilog=EPILOG_EXPORT,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    _review_option(export)
    export.add_argument("--format", default="all", metavar="FORMAT",
                        help="csv, xlsx, ris, bibtex, json or all (several joined by commas; default: all)")
    export.add_argument("-o", "--output", metavar="DIR_OR_FILE",
                        help="folder to write into (default: the review's exports/), or a file for one format")

    corrections = commands.add_parser("corrections", help="check the reviewer's corrections file",
                                      epilog=EPILOG_CORRECTIONS, formatter_class=argparse.RawDescriptionHelpFormatter)
    _review_option(corrections)
    corrections.add_argument("--check", action="store_true",
                             help="validate the file against the vocabulary and the store (the default action)")
    corrections.add_argument("--file", metavar="PATH", help="check this file instead of the review's "
                             "corrections.csv / corrections.toml")

    from trialsynth.update_cli import add_update_parsers

    add_update_parsers(commands, _review_option)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _progress_bar(label: str):
    """Return a progress callback drawing a tqdm bar on stderr (silent when stderr is not a terminal)."""
    from tqdm import tqdm

    bar = tqdm(desc=label, unit="rec", file=sys.stderr, disable=None, leave=False)

    def update(done: int, total: int | None) -> None:
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.close()
    return update


def _render_summary(summary, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(summary.to_dict(), indent=2, sort_keys=True)
    lines = []
    for s in summary.sources:
        since = f" since {s.since}" if s.since else ""
        requests = f", {s.requests} requests" if s.requests is not None else ""
        lines.append(f"{s.source}{since}: {s.new} new, {s.merged} merged into existing records, "
                     f"{s.updated} updated, {s.unchanged} unchanged, {s.fulltexts} full texts{requests}")
    c = summary.counts
    per_source = ", ".join(f"{k} {v}" for k, v in sorted(c["identified"].items())) or "none"
    lines.append(f"store: {c['records']} records ({c['identified_total']} identified: {per_source}; "
                 f"{c['duplicates_removed']} duplicates removed; {c['fulltexts']} full texts)")
    return "\n".join(lines)


def _records_rows(review) -> list[dict]:
    from corpus.store import Store

    with Store(review.store_path) as store:
        rows = []
        for stored in store.records():
            r = stored.record
            rows.append({"id": stored.id, "sources": ";".join(stored.sources), "pmid": r.ids.pmid or "",
                         "doi": r.ids.doi or "", "pmcid": r.ids.pmcid or "", "nct": ";".join(r.ids.nct),
                         "year": r.year or "", "title": r.title, "publication_types": ";".join(r.publication_types),
                         "_stored": stored})
        return rows


def _render_records(rows: list[dict], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(r["_stored"].to_dict(), ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    columns = ["id", "sources", "pmid", "doi", "pmcid", "nct", "year", "title", "publication_types"]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    widths = {"id": 24, "year": 4, "sources": 16, "pmid": 8, "doi": 24, "title": 56, "publication_types": 28}
    shown = ["id", "year", "sources", "pmid", "doi", "title", "publication_types"]

    def cell(value: object, width: int) -> str:
        text = str(value)
        return (text[: width - 1] + "…") if len(text) > width else text.ljust(width)
    lines = ["  ".join(cell(c, widths[c]) for c in shown).rstrip()]
    lines += ["  ".join(cell(r[c], widths[c]) for c in shown).rstrip() for r in rows]
    lines.append(f"{len(rows)} records")
    return "\n".join(lines) + "\n"


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_init(args) -> int:
    from trialsynth.review import init_review

    review = init_review(args.directory, force=args.force)
    print(f"initialised review in {review.root} (protocol {review.protocol_path.name}, "
          f"store {review.store_path.name}); edit the protocol, then run `trialsynth harvest`")
    return 0


def cmd_harvest(args) -> int:
    from trialsynth.review import find_review
    from trialsynth.workflow import run_harvest, run_import

    review = find_review(getattr(args, "review", None))
    if args.from_path:
        summary = run_import(review, args.from_path, progress=_progress_bar("import"))
    else:
        summary = run_harvest(review, only=args.source, progress_for=_progress_bar)
    print(_render_summary(summary, args.format))
    return 0


def cmd_reparse(args) -> int:
    from corpus.reparse import reparse_store
    from corpus.store import Store
    from trialsynth.review import find_review

    review = find_review(getattr(args, "review", None))
    with Store(review.store_path) as store:
        counts = reparse_store(store)
    print(f"re-parsed stored payloads without downloading: {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged, {counts['skipped']} without a parser")
    return 0


def cmd_records(args) -> int:
    from trialsynth.review import find_review

    review = find_review(getattr(args, "review", None))
    _emit(_render_records(_records_rows(review), args.format), args.output)
    return 0


def cmd_demo(args) -> int:
    from trialsynth.update_cli import cmd_demo as run_demo

    return run_demo(args)


def cmd_update(args) -> int:
    from trialsynth.update_cli import cmd_update as run_update

    return run_update(args)


def cmd_extract(args) -> int:
    from trialsynth.extraction import extract_file, run_extract
    from trialsynth.review import find_review

    if args.input:
        if args.force:
            raise InputError("--force applies to a review's records; with --input every record of the file "
                             "is extracted. Drop --force.")
        output = args.output or "-"
        if args.prompts:
            from trialsynth.extraction import answer_file

            done = answer_file(args.input, args.prompts, output, jobs=args.jobs, progress=_progress_bar("answer"))
            print(f"answered {done.answered} of {done.prompts} prompts ({done.abstained} abstained, "
                  f"{done.without_record} without their record in {args.input}) to "
                  f"{'stdout' if output == '-' else output}", file=sys.stderr if output == "-" else sys.stdout)
            return 0
        summary = extract_file(args.input, output, jobs=args.jobs, progress=_progress_bar("extract"))
        where = "stdout" if output == "-" else output
        print(f"extracted {summary.extracted} records from {args.input} ({summary.input_format}) to {where}; "
              f"{summary.included} included", file=sys.stderr if output == "-" else sys.stdout)
        return 0
    if args.prompts:
        raise InputError("--prompts needs --input (the articles the prompts are about). Add --input ARTICLES.jsonl.")
    if args.output:
        raise InputError("--output needs --input (a standalone file); in a review the predictions are stored. "
                         "Use `trialsynth table` to export them.")
    review = find_review(getattr(args, "review", None))
    s = run_extract(review, force=args.force, jobs=args.jobs, progress=_progress_bar("extract"))
    print(f"extracted {s.extracted} records ({s.new} new, {s.re_extracted} re-extracted, {s.up_to_date} up to "
          f"date); {s.included} included (extractor {s.version})")
    return 0


def cmd_table(args) -> int:
    from trialsynth.extraction import (evidence_table, read_predictions, store_table, table_format,
                                       write_table)
    from trialsynth.review import find_review

    fmt = table_format(args.format, args.output)
    if args.input:
        frame = evidence_table(read_predictions(args.input), include_all=args.all)
    else:
        frame, records, missing = store_table(find_review(getattr(args, "review", None)), include_all=args.all)
        if missing:
            print(f"trialsynth: note: {missing} of {records} records have no extraction; run "
                  "`trialsynth extract` first.", file=sys.stderr)
    write_table(frame, fmt, args.output)
    if args.output and args.output != "-":
        studies = frame["record_id"].nunique()
        print(f"wrote {len(frame)} rows ({studies} studies) to {args.output} ({fmt})")
    return 0


def cmd_screen(args) -> int:
    from trialsynth.review import find_review
    from trialsynth.screening import clear, decide, screening_rows

    review = find_review(getattr(args, "review", None))
    if args.list:
        if args.reason or args.reviewer:
            raise InputError("--reason and --reviewer go with --include, --exclude or --clear, not --list.")
        sys.stdout.write(_render_screening(screening_rows(review)))
        return 0
    if args.clear is not None:
        if args.reason:
            raise InputError("--clear takes no --reason (the log records who cleared the decision and when).")
        done = clear(review, args.clear, args.reviewer)
        if done.previous is None:
            print(f"{done.record_id}: no reviewer decision to clear; the extractor's screening applies.")
        else:
            print(f"{done.record_id}: cleared the decision of {done.previous['reviewer']} "
                  f"({'include' if done.previous['include'] else 'exclude'}); the extractor's screening applies again.")
        return 0
    include = args.include is not None
    done = decide(review, args.include if include else args.exclude, include, args.reason, args.reviewer)
    was = ""
    if done.previous is not None:
        was = f" (was {'include' if done.previous['include'] else 'exclude'} by {done.previous['reviewer']})"
    print(f"{done.record_id}: {'include' if include else 'exclude'} by reviewer:{done.reviewer}{was}: {done.reason}")
    return 0


def _render_screening(rows) -> str:
    widths = {"id": max([24] + [len(r.record_id) for r in rows]), "decision": 8,
              "by": max([10] + [len(r.decided_by) for r in rows])}
    lines = [f"{'id'.ljust(widths['id'])}  {'decision'.ljust(8)}  {'by'.ljust(widths['by'])}  reason"]
    for r in rows:
        lines.append(f"{r.record_id.ljust(widths['id'])}  {r.decision.ljust(8)}  {r.decided_by.ljust(widths['by'])}  "
                     f"{r.reason or ''}".rstrip())
    included = sum(r.decision == "include" for r in rows)
    by_reviewer = sum(r.decided_by.startswith("reviewer:") for r in rows)
    lines.append(f"{len(rows)} records: {included} included, {sum(r.decision == 'exclude' for r in rows)} excluded, "
                 f"{sum(r.decision == '-' for r in rows)} not extracted; {by_reviewer} decided by a reviewer")
    return "\n".join(lines) + "\n"


def cmd_export(args) -> int:
    from trialsynth.exports import parse_formats, write_exports
    from trialsynth.review import find_review

    review = find_review(getattr(args, "review", None))
    for path in write_exports(review, parse_formats(args.format), args.output):
        print(f"wrote {path}")
    return 0


def cmd_corrections(args) -> int:
    from trialsynth.corrections import check_corrections
    from trialsynth.review import find_review

    review = find_review(getattr(args, "review", None))
    check = check_corrections(review, args.file)
    outcome = f"{check.replacing} replacing extracted values, {check.adding} adding outcome rows"
    print(f"{check.path.name}: {_count(len(check.corrections), 'correction')} ({_count(check.values, 'value')}) for "
          f"{_count(check.records, 'record')}; {outcome}. OK")
    if check.not_extracted:
        print(f"note: {len(check.not_extracted)} record(s) have no extraction yet ({', '.join(check.not_extracted)}); "
              "their corrections apply after `trialsynth extract`.")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def cmd_pool(args) -> int:
    from trialsynth.pool import cmd_pool as run_pool

    return run_pool(args)


COMMANDS = {"init": cmd_init, "harvest": cmd_harvest, "reparse": cmd_reparse, "records": cmd_records,
            "extract": cmd_extract, "table": cmd_table, "pool": cmd_pool, "demo": cmd_demo,
            "screen": cmd_screen, "export": cmd_export, "corrections": cmd_corrections, "update": cmd_update}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 error, 130 interrupted)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="trialsynth: %(levelname)s: %(message)s", stream=sys.stderr)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except USER_ERRORS as exc:
        print(f"trialsynth: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("trialsynth: interrupted; every completed batch is stored, run the command again to resume.",
              file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

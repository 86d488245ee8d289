"""`trialsynth update`: harvest (or import) -> extract -> screen -> synthesise -> report, and what changed.

Every stage does only what is new: the harvest fetches new records (high-water marks), the
extractor runs on records without a current extraction, and screening, synthesis and report are
recomputed from the store (cheap, and always consistent with the reviewer's latest decisions and
corrections). The update's results (included studies, pooled estimates, direction syntheses) are
kept in the store's run log, so the next update can say what changed: new records per source,
newly included and excluded studies, every pooled estimate that moved (old -> new with CIs) and
every conclusion that changed (a CI that now excludes or includes no effect).
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from corpus.records import Record
from corpus.store import Store
from trialsynth import __version__
from trialsynth.armcompare import arm_comparisons
from trialsynth.extraction import format_doses, run_extract
from trialsynth.overlap import CohortInfo
from trialsynth.plan import AnalysisPlan, load_plan
from trialsynth.results import CorrectionNote, FailedRecord, ReportContext, StudyRow, UpdateEntry
from trialsynth.review import Review
from trialsynth.synthesis import StudyInput, SynthesisResult, conclusion, synthesise
from trialsynth.view import display_surname  # noqa: F401 (also imported from here)
from trialsynth.view import keep_long_lived, sparing_collector

__all__ = ["SEED_PMID", "UpdateOutcome", "build_context", "run_update", "what_changed"]

SEED_PMID = "31908418"
# the results cache's pooled analyses keep their mappings' order (results.json as a fresh update writes it)
POOLED_FORMAT = "format:pooled-ordered"
COMPARATIVE = {"MC", "SMCR", "MD", "SMD", "RR", "OR", "RD"}  # measures where 0 (model scale) is "no effect"


@dataclass(frozen=True)
class UpdateOutcome:
    """What an update did. `context` is None when nothing the results depend on had changed since the
    last completed update: the report and results.json were left as they are (`reused`)."""

    context: ReportContext | None
    report_html: Path | None
    summary_md: Path | None
    changes: tuple[str, ...]
    harvest: dict[str, Any]
    extract: dict[str, Any]
    totals: dict[str, int] = field(default_factory=dict)  # records, included, cohorts, pooled, directions
    reused: bool = False


def _totals(context: ReportContext) -> dict[str, int]:
    return {"records": len(context.studies), "included": sum(1 for s in context.studies if s.included),
            "cohorts": context.prisma.studies_included, "pooled": len(context.pooled),
            "directions": len(context.directions)}


def _code_stamp() -> str:
    """A stamp of the code that turns the store into results (trialsynth, analysis, the report templates):
    an upgrade, or a changed rule, makes the next update recompute everything."""
    import hashlib

    import analysis

    digest = hashlib.sha256(__version__.encode())
    for package in (Path(__file__).parent, Path(analysis.__file__).parent):
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".j2", ".html", ".css", ".js", ".json", ".md") and "__pycache__" not in path.parts:
                st = path.stat()
                digest.update(f"{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def review_state(review: Review, store: Store) -> str:
    """A digest of everything an update's results are computed from: the store's records, extractions,
    failures and decisions (Store.state_digest), review.toml, the corrections file, the code and the
    extractor version. Equal digests mean equal results."""
    import hashlib

    from extract.pipeline import EXTRACTOR_VERSION
    from trialsynth.corrections import find_corrections_file

    digest = hashlib.sha256(f"{store.state_digest()}|{EXTRACTOR_VERSION}|{_code_stamp()}".encode())
    corrections = find_corrections_file(review.root)
    for path in (review.protocol_path, corrections):
        if path is not None:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _snapshot(context: ReportContext) -> dict[str, Any]:
    """What the next update compares against (kept in the run log)."""
    return {"totals": _totals(context),
        "included": sorted(s.record_id for s in context.studies if s.included),
        "labels": {s.record_id: s.label for s in context.studies},
        "excluded": sorted(s.record_id for s in context.studies if not s.included),
        "pooled": {p.key: {"estimate": p.estimate, "ci_low": p.ci_low, "ci_high": p.ci_high, "k": p.k,
                           "measure": p.measure, "conclusion": conclusion(p)} for p in context.pooled},
        "directions": {f"{d.outcome}|{d.window}": {"k": len(d.entries),
                                                    "benefit": (d.vote or {}).get("n_benefit"),
                                                    "harm": (d.vote or {}).get("n_harm")}
                       for d in context.directions},
    }


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.4g}"


def _shown(entry: Mapping[str, Any]) -> str:
    """"estimate [low, high]" on the reader's scale: ratios exp-transformed, proportions back-transformed."""
    measure = entry.get("measure")
    vals = [entry["estimate"], entry["ci_low"], entry["ci_high"]]
    scale = ""
    if measure in ("RR", "OR"):
        vals = [math.exp(v) for v in vals]
        scale = f" ({measure})"
    elif measure in ("PLO", "PFT", "PAS", "PLN", "PR"):
        from analysis import transform_back
        vals = [float(v) * 100 for v in transform_back(measure, vals)]
        return f"{vals[0]:.3g}% [{vals[1]:.3g}%, {vals[2]:.3g}%]"
    return f"{_fmt(vals[0])} [{_fmt(vals[1])}, {_fmt(vals[2])}]{scale}"


def _studies(k: int) -> str:
    return f"{k} study" if k == 1 else f"{k} studies"


def what_changed(previous: Mapping[str, Any] | None, current: Mapping[str, Any],
                 harvest: Mapping[str, Any]) -> list[str]:
    """The update's account, one line per change (see the module docstring)."""
    lines: list[str] = []
    for src in harvest.get("sources", []):
        new = src.get("new", 0)
        merged = src.get("merged", 0) + src.get("updated", 0)
        name = str(src.get("source"))
        if name == "import" and src.get("query"):
            name = Path(str(src["query"])).name  # an offline import: the file's name
        elif "/" in name:
            name = Path(name).name
        lines.append(f"new records from {name}: {new}" + (f" (and {merged} merged into known records)" if merged
                                                          else ""))
    labels = dict((previous or {}).get("labels", {}))
    labels.update(current.get("labels", {}))
    if previous is None:
        lines.append(f"first update: {len(current['included'])} studies included, {len(current['excluded'])} "
                     f"excluded; {len(current['pooled'])} pooled analyses, {len(current['directions'])} "
                     "direction-of-effect syntheses")
        return lines
    old_inc, new_inc = set(previous.get("included", [])), set(current["included"])
    for rid in sorted(new_inc - old_inc):
        lines.append(f"newly included: {labels.get(rid, rid)} ({rid})")
    for rid in sorted(old_inc - new_inc):
        lines.append(f"newly excluded: {labels.get(rid, rid)} ({rid})")
    old_p, new_p = previous.get("pooled", {}), current["pooled"]
    for key in sorted(set(old_p) | set(new_p)):
        a, b = old_p.get(key), new_p.get(key)
        name = key.replace("|", ", ")
        if a is None and b is not None:
            lines.append(f"new analysis {name}: {_shown(b)}, k = {b['k']}")
        elif b is None and a is not None:
            lines.append(f"analysis {name} no longer has data (was {_shown(a)}, k = {a['k']})")
        elif a is not None and b is not None and any(
                abs(a[f] - b[f]) > 1e-9 * max(1.0, abs(a[f])) for f in ("estimate", "ci_low", "ci_high")):
            lines.append(f"{name} moved: {_shown(a)} (k = {a['k']}) -> {_shown(b)} (k = {b['k']})")
            if b.get("measure") in COMPARATIVE and a.get("conclusion") != b.get("conclusion"):
                lines.append(f"CONCLUSION CHANGED for {name}: the 95% CI now {b['conclusion']} "
                             f"(before: {a['conclusion']})")
    old_d, new_d = previous.get("directions", {}), current["directions"]
    for key in sorted(set(old_d) | set(new_d)):
        a, b = old_d.get(key), new_d.get(key)
        if a != b and b is not None:
            was = _studies(a["k"]) if a else "none"
            lines.append(f"direction of effect {key.replace('|', ', ')}: {_studies(b['k'])} "
                         f"({b['benefit'] or 0} benefit, {b['harm'] or 0} harm), was {was}")
    if len(lines) == len(harvest.get("sources", [])):
        lines.append("no change in included studies or results")
    return lines


def _previous_snapshot(store: Store) -> tuple[dict[str, Any] | None, list[UpdateEntry]]:
    """The snapshot of the last completed update (None before the first) and every completed update."""
    history = []
    previous = None
    for run in store.runs():
        if not str(run["command"]).startswith("update") or run["status"] != "ok":
            continue
        summary = json.loads(run["summary"] or "{}")
        previous = summary.get("snapshot")
        history.append(UpdateEntry(run["id"], run["started_at"], run["finished_at"],
                                   {k: v for k, v in summary.items() if k != "snapshot"},
                                   tuple(summary.get("changes", []))))
    return previous, history


def _source_label(command: str | None, source: str | None) -> str:
    """How the account names where a record came from: an imported file's name, else the source."""
    command = command or ""
    if command.startswith("harvest --from ") or command.startswith("update --from "):
        return Path(command.split(" --from ", 1)[1]).name
    return source or "unknown source"


def added_since_last_update(store: Store, harvest: Mapping[str, Any]) -> dict[str, Any]:
    """Return the "sources" of the account: records added, merged and updated since the last *completed*
    update, per source or imported file, whatever ran in between (an update killed after its import,
    a `harvest`). The sources of this update's own harvest come first, even when they added nothing."""
    last = store.last_run("update")
    since = int(last["id"]) if last else 0
    tally: dict[str, dict[str, int]] = {}
    for src in harvest.get("sources", []):
        name = str(src.get("source"))
        label = Path(str(src["query"])).name if name == "import" and src.get("query") else name
        tally.setdefault(label, {"new": 0, "merged": 0, "updated": 0})
    for _, _, source, command in store.records_created_after(since):
        tally.setdefault(_source_label(command, source), {"new": 0, "merged": 0, "updated": 0})["new"] += 1
    for source, _, first_run, command, kind in store.hits_changed_after(since):
        tally.setdefault(_source_label(command, source), {"new": 0, "merged": 0, "updated": 0})[kind] += 1
    return {"sources": [{"source": label, **counts} for label, counts in tally.items()]}


def build_context(review: Review, *, changes: Sequence[str] = (), now: str | None = None,
                  history: Sequence[UpdateEntry] | None = None, store: Store | None = None,
                  cache_results: bool = False) -> tuple[ReportContext, SynthesisResult, AnalysisPlan]:
    """Screen, synthesise and assemble the report context from the review's store (no harvest).
    `history`: the earlier updates when the caller has read the run log already; `store`: the
    command's open store (else the review's is opened, read-only); `cache_results`: reuse the pooled
    analyses whose inputs are unchanged (the store's results cache) and keep this update's there."""
    if store is None:
        from trialsynth.reviewstore import open_store

        with open_store(review, write=False) as own:
            return build_context(review, changes=changes, now=now, history=history, store=own)
    from extract.pipeline import EXTRACTOR_VERSION

    protocol = review.protocol()
    plan = load_plan(protocol.raw, str(review.protocol_path))
    from trialsynth.forest import forest_data
    from trialsynth.prisma import flow, store_counts
    from trialsynth.view import load_view

    view = load_view(review, store, lazy=True)  # the store stays open while the context is built
    counts = store_counts(store)
    if history is None:
        _, history = _previous_snapshot(store)
    records, predictions, screening, corrections = view.records, view.predictions, view.screening, view.corrections
    failures = store.extraction_failures()
    failed_reason = {f["record_id"]: f["reason"] for f in failures}
    studies: list[StudyRow] = []
    inputs: list[StudyInput] = []
    computed: dict[str, tuple[Mapping[str, Any], ...]] = {}
    labels = view.labels()
    for rid in sorted(records, key=lambda r: (records[r].year or 0, records[r].first_author or "", r)):
        rec = records[rid]
        pred = view.summary(rid) or {}  # the few fields read here, for every record (the full prediction below)
        extracted = view.has_prediction(rid)
        not_yet = (f"not extracted: the extractor could not read it ({failed_reason[rid]})" if rid in failed_reason
                   else "not extracted yet")
        include, reason, by = screening.get(rid, (False, not_yet, "extractor"))
        label = labels[rid]
        is_seed = rec.ids.pmid == SEED_PMID or rid == SEED_PMID
        arms = pred.get("arms") or []
        design = None
        if extracted:
            design = "controlled" if any(a.get("control") for a in arms) else "single arm"
        studies.append(StudyRow(
            record_id=rid, label=label, title=rec.title, year=rec.year,
            first_author=display_surname(rec.authors[0] if rec.authors else None),
            journal=rec.journal, pmid=rec.ids.pmid, doi=rec.ids.doi, pmcid=rec.ids.pmcid,
            nct=rec.ids.nct[0] if rec.ids.nct else None, included=include,
            screening_reason=None if include else reason, decided_by=by, n_enrolled=pred.get("n_enrolled"),
            cell_source=pred.get("cell_source"), route=pred.get("route"),
            doses=format_doses(pred.get("doses") or []), design=design, is_seed=is_seed))
        if include and extracted:
            pred = predictions[rid]
            doses = frozenset((float(d["value"]), str(d["unit"])) for d in pred.get("doses") or []
                              if d.get("value") is not None)
            cohort = CohortInfo(rid, label, rec.first_author, rec.year, tuple(rec.ids.nct), pred.get("n_enrolled"),
                                pred.get("cell_source"), pred.get("route"), doses)
            computed[rid] = tuple(arm_comparisons(pred))  # once: the synthesis and the comparisons table read them
            inputs.append(StudyInput(rid, label, rec.year, pred, cohort, is_seed, computed[rid]))
    cache = None
    if cache_results:  # analyses cached before POOLED_FORMAT had their mappings' keys sorted: not reused
        cache = store.cached_prefix("pooled:") if store.cached([POOLED_FORMAT]) else {}
    result = synthesise(inputs, plan, cache)
    if cache is not None:
        store.put_cached([(key, cache[key]) for key in result.used] + [(POOLED_FORMAT, True)], prune_prefix="pooled:")
    merged_away = sum(len(g.record_ids) - 1 for g in result.overlaps)
    rows = tuple(view.table_rows())  # the evidence table's rows, without a pandas round trip
    keep_long_lived()
    notes = tuple(CorrectionNote(c.record_id, c.target, c.value_text, c.reviewer,
                                 "; ".join(x for x in (c.source, c.note, _relative(c.origin, review.root)) if x))
                  for c in corrections)
    failed = tuple(FailedRecord(f["record_id"], labels.get(f["record_id"], f["record_id"]),
                                records[f["record_id"]].title, f["reason"], f["extractor_version"], f["failed_at"])
                   for f in failures if f["record_id"] in records)
    context = ReportContext(
        review_title=str(protocol.raw.get("review", {}).get("title", "trialsynth review")),
        question=str(protocol.raw.get("review", {}).get("question", "")),
        generated_at=now or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        trialsynth_version=__version__, extractor_version=EXTRACTOR_VERSION,
        prisma=flow(view, counts, merged_away),
        studies=tuple(studies), evidence_rows=rows, pooled=result.pooled, directions=result.directions,
        overlaps=result.overlaps, corrections=notes, history=tuple(history), changes=tuple(changes),
        plan=plan.to_dict(), forest=forest_data(result.pooled, plan), flagged_values=result.flagged,
        failed_records=failed, comparisons=tuple(view.comparison_rows(computed=computed, labels=labels)))
    return context, result, plan


def run_update(review: Review, *, from_path: str | Path | None = None, sources: Sequence[str] = (),
               jobs: int = 1, write: bool = True, progress_for: Callable[[str], Any] | None = None,
               store: Store | None = None) -> UpdateOutcome:
    """One living-review update (see the module docstring). Raises one of trialsynth.errors.USER_ERRORS.

    The store is opened once (`store`: the command's open store) and passed to every stage. What
    changed is said against the last *completed* update, so the records of an update that was killed
    are reported in full by the next one. The store is checked before anything is written: a missing
    or empty store whose history says it held records is an error (trialsynth.reviewstore), so the
    last good report and results.json are never overwritten from an empty store.
    """
    if store is None:
        from trialsynth.reviewstore import open_store

        with open_store(review) as own:
            return run_update(review, from_path=from_path, sources=sources, jobs=jobs, write=write,
                              progress_for=progress_for, store=own)
    with sparing_collector():
        return _run_update(review, from_path, sources, jobs, write, progress_for, store)


def _run_update(review: Review, from_path: str | Path | None, sources: Sequence[str], jobs: int, write: bool,
                progress_for: Callable[[str], Any] | None, store: Store) -> UpdateOutcome:
    from trialsynth.reviewstore import record_history
    from trialsynth.workflow import run_harvest, run_import

    if from_path is not None:
        harvest = run_import(review, from_path, progress=progress_for("import") if progress_for else None,
                             store=store)
    else:
        harvest = run_harvest(review, only=sources, progress_for=progress_for, store=store)
    extracted = run_extract(review, jobs=jobs, progress=progress_for("extract") if progress_for else None,
                            store=store)
    previous, history = _previous_snapshot(store)
    account = added_since_last_update(store, harvest.to_dict())
    command = f"update --from {from_path}" if from_path else "update"
    state = review_state(review, store)
    last = store.last_run("update")
    last_state = json.loads(last["summary"] or "{}").get("state") if last else None
    if (write and previous is not None and last_state == state and "totals" in previous
            and all((review.root / name).is_file() for name in ("report.html", "summary.md", "results.json"))):
        # nothing the results depend on changed: the report and results.json already say it all
        changes = tuple(what_changed(previous, previous, account))
        store.start_run(command)
        store.finish_run("ok", {"snapshot": previous, "state": state, "changes": list(changes), "reused": True,
                                "harvest": harvest.to_dict().get("sources", []), "since_last_update": account["sources"],
                                "extract": extracted.to_dict()})
        record_history(review, store, command, included=previous["totals"]["included"], pooled=len(previous["pooled"]))
        return UpdateOutcome(None, review.root / "report.html", review.root / "summary.md", changes,
                             harvest.to_dict(), extracted.to_dict(), dict(previous["totals"]), reused=True)
    run_id = store.start_run(command)
    try:
        context, _, _ = build_context(review, history=history, store=store, cache_results=True)
        snapshot = _snapshot(context)
        changes = tuple(what_changed(previous, snapshot, account))
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        this_run = UpdateEntry(run_id, now, now, {"harvest": harvest.to_dict().get("sources", []),
                                                  "extract": extracted.to_dict()}, changes)
        context = _with(context, changes=changes, history=context.history + (this_run,))
        html = md = None
        if write:
            from trialsynth.figcache import figures_from
            from trialsynth.report import write_report

            with figures_from(store):
                html, md = write_report(context, review.root)
            write_results(context, review.root / "results.json")
    except BaseException:
        store.run_id = run_id
        store.finish_run("failed")
        raise
    store.run_id = run_id
    store.finish_run("ok", {"snapshot": snapshot, "state": state, "changes": list(changes),
                            "harvest": harvest.to_dict().get("sources", []), "since_last_update": account["sources"],
                            "extract": extracted.to_dict()})
    record_history(review, store, command, included=len(snapshot["included"]), pooled=len(snapshot["pooled"]))
    # the history shown in the report includes this update
    return UpdateOutcome(context, html, md, changes, harvest.to_dict(), extracted.to_dict(), _totals(context))


def write_results(context: ReportContext, path: Path) -> Path:
    """Write results.json (ReportContext.to_dict()) atomically, field by field and the evidence and
    comparison rows one by one, so a large review is never held twice in memory: one top-level key per line, values as
    compact JSON (the C encoder). NaN and infinities are null."""
    from dataclasses import fields as dataclass_fields

    from trialsynth.extraction import atomic_output
    from trialsynth.results import _json_fields, _jsonable

    def plain(value: Any) -> Any:  # numpy scalars and anything else JSON does not know
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value if isinstance(value, (int, float, str, bool)) or value is None else str(value)

    def dump(value: Any) -> str:
        return json.dumps(_jsonable(value), ensure_ascii=False, default=plain, allow_nan=False)

    def dump_row(row: Mapping[str, Any]) -> str:  # an evidence row holds scalars only: no conversion but NaN's
        try:
            return json.dumps(row, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            return dump(row)

    names = _json_fields(type(context))
    assert set(names) <= {f.name for f in dataclass_fields(context)}
    with atomic_output(path, "w") as fh:
        fh.write("{\n")
        for n, name in enumerate(names):
            value = getattr(context, name)
            fh.write(f"  {json.dumps(name)}: ")
            if name in ("evidence_rows", "comparisons"):
                fh.write("[" + ",".join(dump_row(row) for row in value[:1]))
                for start in range(1, len(value), 500):
                    fh.write("".join("," + dump_row(row) for row in value[start:start + 500]))
                fh.write("]")
            else:
                fh.write(dump(value))
            fh.write(",\n" if n < len(names) - 1 else "\n")
        fh.write("}\n")
    return path


def _relative(text: str | None, root: Path) -> str | None:
    """`text` with the review folder's absolute path left out ("/home/a/rev/corrections.csv line 2" ->
    "corrections.csv line 2"): the report never shows where a review lives on someone's disk."""
    if not text:
        return text
    for prefix in (str(Path(root).resolve()), str(root)):
        text = text.replace(prefix.rstrip("/\\") + "/", "").replace(prefix.rstrip("/\\") + "\\", "")
    return text


def _with(context: ReportContext, **kw: Any) -> ReportContext:
    from dataclasses import replace
    return replace(context, **kw)

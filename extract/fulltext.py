"""Open-access full texts (JATS): outcome rows from the results sections and results tables.

- Sections whose path contains "result" are read like the abstract (extract.outcomes), with
  provenance "section:<path>" and offsets into that section's text.
- Table cells (extract.tables.table_values) become rows: the row or section label is mapped to
  the measure vocabulary; the column's arm and timepoint (or the row's, when timepoints are
  rows) give arm and timepoint; mean (SD) / median (IQR) cells fill baseline or follow-up (or
  change, when the column or row says so), n (%) cells fill responders, P cells the P value.
  Provenance: "table:<label> r<row> c<col>" with the verbatim cell text.

A malformed or hostile XML (entities, DTD) never stops the extraction: the body is skipped and
the abstract is still extracted (extract.jats parses with entity resolution and network off).
"""
from __future__ import annotations

import re
from dataclasses import replace

from extract.document import analyse
from extract.evidence import OutcomeRow, Provenance
from extract.jats import Article, parse_jats
from extract.nlp import load_rules
from extract.outcomes import Context, outcome_rows
from extract.quantities import find_timepoints
from extract.schedule import earlier_study_sentences, study_timepoints
from extract.tables import table_values

__all__ = ["fulltext_rows", "parse_article"]

_BASELINE = re.compile(r"\bbaseline\b|\bbefore\b|\bpre-?(?:treatment|intervention)?\b|\bstart\b|\bentry\b|"
                       r"\bweek\s?0\b|\bday\s?0\b|\binitial\b", re.I)
_CHANGE = re.compile(r"\bchange|\bdifference\b|\bdelta\b|Δ|\breduction\b|\bimprovement\b", re.I)


def _kind_of(measure: str) -> str | None:
    for m in load_rules("measures")["measures"]:
        if m["name"] == measure:
            return m["kind"]
    return None


def parse_article(xml: str) -> tuple[Article | None, str | None]:
    """The parsed article, or None and a warning saying why the body was skipped."""
    try:
        return parse_jats(xml), None
    except Exception as exc:  # noqa: BLE001 - any malformed full text: skip the body, keep the abstract
        return None, f"full text skipped: it is not readable JATS XML ({type(exc).__name__}: {str(exc)[:160]})"


def _measure_of(label: str) -> tuple[str | None, str]:
    t = analyse(label, "table")
    for m in t.mentions:
        if m.kind == "MEASURE":
            return m.value, m.text
    return None, label


_END = re.compile(r"\bend\b|\bfinal\b|\bpost-?(?:treatment|intervention)?\b|\bafter\b|\bfollow-?up\b", re.I)
_BASELINE_TABLE = re.compile(r"\bbaseline\b|\bcharacteristics\b|\bdemographic", re.I)


def _weeks(text: str | None, followup: float | None = None) -> tuple[float | None, bool]:
    if not text:
        return None, False
    if _BASELINE.search(text):
        return 0.0, True
    if _END.search(text) and not find_timepoints(text):
        return followup, False
    tps = [tp for tp in find_timepoints(text) if tp.kind != "baseline"]
    return (tps[-1].weeks if tps else None), False


def _table_rows(article: Article, record_id: str, ctx: Context) -> list[OutcomeRow]:
    merged: dict[tuple[str, str, float | None, str], dict] = {}
    order: list[tuple[str, str, float | None, str]] = []
    for table in article.tables:
        baseline_table = bool(_BASELINE_TABLE.search(table.caption or ""))
        for tv in table_values(table):
            label = tv.measure or tv.section or tv.row_label
            if not label:
                continue
            measure, measure_text = _measure_of(label)
            if measure is None:
                continue
            context = " ".join(x for x in (tv.timepoint, tv.column_label, tv.row_label) if x)
            weeks, is_baseline = _weeks(tv.timepoint or tv.column_label, ctx.followup_weeks)
            if weeks is None and not is_baseline:
                weeks, is_baseline = _weeks(tv.row_label if tv.row_label != label else None, ctx.followup_weeks)
            if baseline_table and weeks is None:
                is_baseline = True
            kind = _kind_of(measure)
            if kind == "safety" and tv.kind in ("mean_sd", "median_iqr"):
                continue  # adverse events are counts, never means ("n (grade)" looks like mean (SD))
            is_change = bool(_CHANGE.search(context))
            arm = tv.arm or ctx.default_arm
            key = (measure, arm, None if is_baseline else weeks, table.label)
            if key not in merged:
                merged[key] = {
                    "measure": measure, "measure_text": measure_text, "measure_canonical": measure,
                    "arm": arm, "n": tv.n,
                    "timepoint_weeks": None if is_baseline else weeks,
                    "timepoint": None if (is_baseline or weeks is None) else (tv.timepoint or tv.column_label),
                    "provenance": Provenance(record_id, f"table:{table.label} r{tv.row} c{tv.col}", tv.text),
                }
                order.append(key)
            row = merged[key]
            if tv.n and not row.get("n"):
                row["n"] = tv.n
            if tv.kind in ("mean_sd", "median_iqr"):
                mean = tv.mean if tv.kind == "mean_sd" else tv.median
                sd = tv.sd if tv.kind == "mean_sd" else None
                slot = "change" if is_change else "baseline" if is_baseline else "followup"
                row[f"{slot}_mean"], row[f"{slot}_sd"] = mean, sd
                row["statistic"] = "mean (sd)" if tv.kind == "mean_sd" else f"median (iqr {tv.q1}-{tv.q3})"
                row["provenance"] = Provenance(record_id, f"table:{table.label} r{tv.row} c{tv.col}", tv.text)
            elif tv.kind == "n_pct":
                row["n_responders"], row["percent_responders"] = tv.count, tv.pct
            elif tv.kind == "p" and tv.p_text:
                row["p_value"] = tv.p_text if tv.p_text[0] in "<>=≤≥" else f"={tv.p_text}"
    out = []
    for key in order:
        row = merged[key]
        if not any(row.get(k) is not None for k in OutcomeRow.NUMBERS):
            continue
        out.append(OutcomeRow(**row))
    # baseline rows lend their values to the follow-up rows of the same measure and arm
    base = {(r.measure, r.arm): r for r in out if r.timepoint_weeks is None and r.baseline_mean is not None}
    lent: set[tuple[str, str | None]] = set()
    final = []
    for r in out:
        b = base.get((r.measure, r.arm))
        if b is not None and r is not b and r.baseline_mean is None:
            r = replace(r, baseline_mean=b.baseline_mean, baseline_sd=b.baseline_sd)
            lent.add((r.measure, r.arm))
        final.append(r)
    return [r for r in final if not (r is base.get((r.measure, r.arm)) and (r.measure, r.arm) in lent)]


def fulltext_rows(article: Article, record_id: str, ctx: Context
                  ) -> tuple[list[OutcomeRow], list[Provenance], list[str]]:
    """Rows from the results sections and tables, the safety statements, and warnings."""
    rows: list[OutcomeRow] = []
    safety: list[Provenance] = []
    for sec in article.sections:
        if "result" not in sec.path.lower():
            continue
        t = analyse(sec.text, f"section:{sec.path}")
        skip = earlier_study_sentences(t)
        sctx = replace(ctx, timepoints=tuple(study_timepoints(t, skip)), skip_sentences=skip)
        more, more_safety = outcome_rows(t, sctx)
        rows += more
        safety += more_safety
    warnings: list[str] = []
    try:
        rows += _table_rows(article, record_id, ctx)
    except Exception as exc:  # noqa: BLE001 - an unreadable table must not lose the rest of the record
        warnings.append(f"results tables skipped ({type(exc).__name__}: {str(exc)[:160]}); the text was extracted")
    return rows, safety, warnings

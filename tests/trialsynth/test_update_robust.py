"""An update never aborts on one study's data, nor on one record the extractor cannot read.

Every record here is FICTITIOUS (tests/fixtures/review/README.md).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from trialsynth.cli import main
from trialsynth.overlap import CohortInfo
from trialsynth.plan import load_plan
from trialsynth.synthesis import StudyInput, synthesise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review"
IMPLAUSIBLE = FIXTURES / "implausible_fictitious.jsonl"


def _study(rid, outcomes, arms):
    pred = {"id": rid, "include": True, "n_enrolled": 50, "arms": arms, "outcomes": outcomes, "doses": []}
    cohort = CohortInfo(rid, f"Fictitious {rid}", rid, 2020, (), 50, "adipose tissue", "intravenous", frozenset())
    return StudyInput(rid, f"Fictitious {rid}", 2020, pred, cohort)


def _ae(arm, n, x, **extra):
    return {"measure": "adverse events", "arm": arm, "n": n, "n_responders": x, "timepoint_weeks": 24.0,
            "provenance": {"location": "abstract", "text": "fictitious sentence"}, **extra}


ARMS = [{"name": "cohort A", "n": 20}, {"name": "cohort B", "n": 20}, {"name": "placebo group", "n": 10,
                                                                       "control": True}]


def test_responders_above_the_group_size_are_flagged_and_left_out_of_that_pool():
    bad = _study("S1", [_ae("cohort A", 20, 17), _ae("cohort B", 20, 25), _ae("placebo group", 10, 4)], ARMS)
    good = _study("S2", [_ae("cohort A", 20, 5), _ae("placebo group", 10, 4)], ARMS[::2])
    result = synthesise([bad, good], load_plan({}))
    [flag] = result.flagged
    assert (flag.record_id, flag.outcome, flag.arm, flag.field, flag.value) == ("S1", "adverse events", "cohort B",
                                                                                 "n_responders", 25)
    assert "exceed the group size" in flag.rule and flag.verbatim == "fictitious sentence"
    [pooled] = result.pooled
    assert [s.record_id for s in pooled.studies] == ["S2"]


@pytest.mark.parametrize("row, field", [
    (_ae("cohort A", 20, 5, percent_responders=137.0), "percent_responders"),
    (_ae("cohort A", 20, 5, flags=["responders 25 > n 20"]), "flags"),
    ({"measure": "DAS28", "arm": "cohort A", "n": 20, "change_mean": -1.0, "change_sd": -0.5,
      "timepoint_weeks": 24.0}, "change_sd"),
])
def test_each_rule_flags_its_value(row, field):
    result = synthesise([_study("S1", [row], ARMS[:1])], load_plan({}))
    assert [f.field for f in result.flagged] == [field] and not result.pooled


def test_a_value_the_extractor_marked_and_a_rule_catches_is_flagged_once():
    row = _ae("cohort B", 20, 25, flags=["responders 25 > n 20"])
    result = synthesise([_study("S1", [row], ARMS[:1])], load_plan({}))
    assert [(f.field, f.value) for f in result.flagged] == [("n_responders", 25)]


def test_an_update_with_an_impossible_count_still_writes_the_report(tmp_path, capsys):
    root = tmp_path / "rev"
    assert main(["demo", str(root)]) == 0
    assert main(["update", "--review", str(root), "--from", str(IMPLAUSIBLE)]) == 0, capsys.readouterr().err
    results = json.loads((root / "results.json").read_text(encoding="utf-8"))
    [flag] = [f for f in results["flagged_values"] if f["record_id"] == "fictitious-2025-b"]
    assert flag["field"] == "n_responders" and flag["value"] == 25 and flag["outcome"] == "adverse events"
    assert not [s for p in results["pooled"] for s in p["studies"] if s["record_id"] == "fictitious-2025-b"
                and p["outcome"] == "adverse events"]
    assert "fictitious-2025-b" in results["prisma"] or any(s["record_id"] == "fictitious-2025-b"
                                                            for s in results["studies"])


# --- trial-registry records ---------------------------------------------------------------------------

def test_a_ctgov_entry_and_a_central_registry_record_are_screened_as_register_records():
    from corpus.ctgov import parse_study
    from corpus.importer import import_path
    from trialsynth.extraction import record_input
    from extract.pipeline import Extractor

    study = {"protocolSection": {  # SYNTHETIC registry entry
        "identificationModule": {"nctId": "NCT09999991", "briefTitle": "UC-MSC in Rheumatoid Arthritis"},
        "statusModule": {"overallStatus": "RECRUITING", "startDateStruct": {"date": "2023-01"}},
        "conditionsModule": {"conditions": ["Rheumatoid Arthritis"]},
        "armsInterventionsModule": {"interventions": [{"type": "BIOLOGICAL",
                                                       "name": "Umbilical cord mesenchymal stem cells"}]},
        "descriptionModule": {"briefSummary": "The safety of umbilical cord MSCs."}}}
    ctgov = parse_study(study)
    [_, central] = [h.record for h in import_path(FIXTURES.parent / "ris" / "cochrane_central_SYNTHETIC.ris")[0]]
    for record in (ctgov, central):
        inp = record_input("r", record)
        assert inp.record_type == "registry" and "rheumatoid arthritis" in " ".join(inp.conditions).lower()
        assert any("mesenchymal" in i for i in inp.interventions)
        evidence = Extractor().extract(inp)
        assert evidence.screening.include, evidence.screening.reasons


# --- incremental: an update with nothing new redoes nothing --------------------------------------------

def test_an_update_with_nothing_new_leaves_the_report_as_it_is(tmp_path, capsys):
    root = tmp_path / "rev"
    assert main(["demo", str(root)]) == 0
    report = root / "report.html"
    stamp = report.stat().st_mtime_ns
    capsys.readouterr()
    assert main(["update", "--review", str(root), "--from", str(FIXTURES.parent.parent.parent / "corpus" /
                                                                 "snapshots" / "msc_ra_dev.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "no change in included studies or results" in out and "(unchanged: nothing it shows has changed)" in out
    assert "7 of 11 records included" in out
    assert report.stat().st_mtime_ns == stamp
    # whatever the results depend on (here the protocol) makes the next update rebuild them
    protocol = root / "review.toml"
    protocol.write_text(protocol.read_text("utf-8").replace('test = "knha"', 'test = "z"'), encoding="utf-8")
    assert main(["update", "--review", str(root), "--from", str(IMPLAUSIBLE)]) == 0
    assert report.stat().st_mtime_ns != stamp
    results = json.loads((root / "results.json").read_text("utf-8"))
    assert results["plan"]["test"] == "z"


def test_an_unchanged_analysis_comes_from_the_cache_without_its_sensitivity_analyses(monkeypatch):
    import trialsynth.synthesis as synthesis

    def das28(rid, year, m):
        return _study(rid, [{"measure": "DAS28", "arm": "cohort A", "n": 20, "change_mean": m, "change_sd": 1.1,
                             "timepoint_weeks": 12.0, "provenance": {"location": "abstract", "text": "s"}}], ARMS[:1])

    studies = [das28(f"S{i}", 2010 + i, -1.0 - i / 10) for i in range(5)]
    plan = load_plan({})
    cache: dict = {}
    first = synthesise(studies, plan, cache)
    stored = json.loads(json.dumps(cache))  # as the store keeps it
    monkeypatch.setattr(synthesis, "leave_one_out", lambda *a, **k: pytest.fail("recomputed"))
    monkeypatch.setattr(synthesis, "cumulative", lambda *a, **k: pytest.fail("recomputed"))
    again = synthesise(studies, plan, stored)
    assert [p.to_dict() for p in again.pooled] == [p.to_dict() for p in first.pooled]
    assert again.pooled[0].fit is not None and again.used == first.used
    # one study more: a new fingerprint, so the analysis is computed again
    monkeypatch.undo()
    more = synthesise(studies + [das28("S9", 2024, -2.0)], plan, stored)
    assert more.used != first.used and more.pooled[0].k == 6


def test_the_figures_of_unchanged_analyses_are_not_drawn_again(tmp_path, capsys, monkeypatch):
    import sqlite3

    import analysis.plots as plots

    root = tmp_path / "rev"
    assert main(["demo", str(root)]) == 0  # the demo's analyses all have k = 1: no forest plot
    extra = Path(__file__).resolve().parents[1] / "fixtures" / "review" / "new_abstracts_fictitious.jsonl"
    assert main(["update", "--review", str(root), "--from", str(extra)]) == 0  # DAS28 now has k = 2
    first = (root / "report.html").read_text("utf-8")
    assert first.count('class="forest-plot"') > 0
    drawn = {"n": 0}
    real = plots.forest_plot

    def counted(*args, **kwargs):
        drawn["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(plots, "forest_plot", counted)
    excluded = tmp_path / "excluded.jsonl"  # a FICTITIOUS animal study: the store changes, no analysis does
    excluded.write_text(json.dumps({"id": "fictitious-mice", "title": "FICTITIOUS: MSCs in collagen-induced arthritis "
                                    "in mice", "abstract": "Mice with collagen-induced arthritis received MSCs.",
                                    "year": 2024, "authors": ["Mouse"]}) + "\n", encoding="utf-8")
    assert main(["update", "--review", str(root), "--from", str(excluded)]) == 0
    assert drawn["n"] == 0
    second = (root / "report.html").read_text("utf-8")
    assert second.count("<svg") == first.count("<svg")
    # an SVG edited into the store with active content is not trusted: the figure is drawn again
    conn = sqlite3.connect(root / "review.sqlite")
    conn.execute("UPDATE results_cache SET value = replace(value, '<svg ', '<svg onload=\\\"alert(1)\\\" ') "
                 "WHERE key LIKE 'figure:forest:%'")
    conn.commit()
    conn.close()
    (root / "review.toml").write_text((root / "review.toml").read_text("utf-8") + "\n", encoding="utf-8")
    assert main(["update", "--review", str(root), "--from", str(excluded)]) == 0
    assert drawn["n"] > 0 and "alert(1)" not in (root / "report.html").read_text("utf-8")


def test_an_update_renders_the_evidence_rows_of_the_records_it_changed_only(tmp_path, capsys, monkeypatch):
    import sqlite3

    import trialsynth.report as report

    root = tmp_path / "rev"
    assert main(["demo", str(root)]) == 0
    first = (root / "report.html").read_text("utf-8")
    rendered: list[str] = []
    real = report._evidence_view

    def counted(row, *args, **kwargs):
        rendered.append(str(row.get("record_id")))
        return real(row, *args, **kwargs)

    monkeypatch.setattr(report, "_evidence_view", counted)
    extra = FIXTURES / "new_abstracts_fictitious.jsonl"  # one FICTITIOUS included study: its rows only are new
    assert main(["update", "--review", str(root), "--from", str(extra)]) == 0
    assert rendered and set(rendered) == {"fictitious-2025-a"}
    second = (root / "report.html").read_text("utf-8")
    assert second.count('class="evidence-row') > first.count('class="evidence-row')
    # a piece edited into the store with active content is not trusted: those rows are rendered again
    conn = sqlite3.connect(root / "review.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM results_cache WHERE key LIKE 'html:evidence:%'").fetchone()[0] > 1
    conn.execute("UPDATE results_cache SET value = replace(value, '<td>', '<td onclick=\\\"alert(1)\\\">') "
                 "WHERE key LIKE 'html:evidence:%'")
    conn.execute("UPDATE results_cache SET value = replace(value, '<br>', '<script>alert(2)</script>') "
                 "WHERE key LIKE 'html:evidence:%'")
    conn.commit()
    conn.close()
    (root / "review.toml").write_text((root / "review.toml").read_text("utf-8") + "\n", encoding="utf-8")
    rendered.clear()
    assert main(["update", "--review", str(root), "--from", str(extra)]) == 0
    third = (root / "report.html").read_text("utf-8")
    assert rendered and "alert(" not in third
    assert third.count('class="evidence-row') == second.count('class="evidence-row')


def test_one_update_opens_the_store_once(tmp_path, capsys, monkeypatch):
    import corpus.store as store_module

    root = tmp_path / "rev"
    assert main(["init", str(root)]) == 0
    opened = []
    real = store_module.Store.__init__

    def counting(self, *args, **kwargs):
        opened.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(store_module.Store, "__init__", counting)
    assert main(["update", "--review", str(root), "--from", str(IMPLAUSIBLE)]) == 0
    assert len(opened) == 1


def test_an_update_that_reuses_its_caches_equals_a_fresh_review_of_the_same_records(tmp_path, capsys):
    """Results, evidence and figures of a review updated three times (the pooled and figure caches used)
    are those of one fresh update from all the records at once; only the history and timestamps differ."""
    import re

    snapshot = FIXTURES.parent.parent.parent / "corpus" / "snapshots" / "msc_ra_dev.jsonl"
    extra = FIXTURES / "new_abstracts_fictitious.jsonl"
    mice = tmp_path / "excluded.jsonl"  # a FICTITIOUS animal study: excluded, no analysis changes
    mice.write_text(json.dumps({"id": "fictitious-mice", "title": "FICTITIOUS: MSCs in collagen-induced arthritis "
                                "in mice", "abstract": "Mice with collagen-induced arthritis received MSCs.",
                                "year": 2024, "authors": ["Mouse"]}) + "\n", encoding="utf-8")
    living = tmp_path / "living"
    assert main(["init", str(living)]) == 0
    for source in (snapshot, extra, mice):
        assert main(["update", "--review", str(living), "--from", str(source)]) == 0
    everything = tmp_path / "everything.jsonl"
    everything.write_text("".join(p.read_text("utf-8") for p in (snapshot, extra, mice)), encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert main(["init", str(fresh)]) == 0
    assert main(["update", "--review", str(fresh), "--from", str(everything)]) == 0
    capsys.readouterr()

    def results(root):
        data = json.loads((root / "results.json").read_text("utf-8"))
        return {k: v for k, v in data.items() if k not in ("generated_at", "history", "changes")}

    def figures(root):
        return re.findall(r"<figure\b.*?</figure>", (root / "report.html").read_text("utf-8"), flags=re.S)

    a, b = results(living), results(fresh)
    assert a["pooled"] and a == b
    assert figures(living) == figures(fresh) and any("<svg" in f for f in figures(fresh))

    # byte for byte: the report and results.json of the living review are the fresh review's, but for
    # the update's own account (what changed, the history) and its timestamps
    def page(root):
        text = (root / "report.html").read_text("utf-8")
        text = re.sub(r'<section class="changes".*?</section>|<table class="history-table">.*?</table>', "", text,
                      flags=re.S)
        return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "TIME", text)

    def lines(root):
        return [line for line in (root / "results.json").read_text("utf-8").splitlines()
                if not line.startswith(('  "generated_at": ', '  "history": ', '  "changes": '))]

    assert page(living) == page(fresh) and 'class="evidence-row' in page(fresh)
    assert lines(living) == lines(fresh)

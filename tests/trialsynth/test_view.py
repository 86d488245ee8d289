"""One corrected view: `table`, `export`, the report and pooling read the same studies and values.

Run on the demo review plus the FICTITIOUS test record (tests/fixtures/review/README.md), with the
real extractor; the reviewer's decisions and the corrected values below are fictitious.
"""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from trialsynth.cli import main
from trialsynth.review import find_review
from trialsynth.update import build_context
from trialsynth.view import load_view

FICT = "fictitious-2025-a"
ANIMAL = "27957329"  # the extractor excludes it (animal study); the reviewer includes it here
SEED = "31908418"  # the extractor includes it; the reviewer excludes it here

CORRECTIONS = ("record_id,measure,arm,timepoint_weeks,field,value,reviewer,source,note\n"
               f"{FICT},DAS28,Fictitious arm,52,followup_mean,3.2,Ann,Table 2,\n"
               f"{FICT},DAS28,Fictitious arm,52,followup_sd,1.1,Ann,Table 2,\n")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def screened(fictitious_review_template, copy_review, capsys, monkeypatch):
    """The review after one reviewer exclusion, one reviewer inclusion and a corrections file."""
    monkeypatch.setenv("TRIALSYNTH_REVIEWER", "Ann")
    root = copy_review(fictitious_review_template)
    assert cli(capsys, "screen", "--review", str(root), "--exclude", f"PMID:{SEED}", "--reason", "same cohort")[0] == 0
    assert cli(capsys, "screen", "--review", str(root), "--include", ANIMAL, "--reason", "RA patients")[0] == 0
    (root / "corrections.csv").write_text(CORRECTIONS, encoding="utf-8")
    return root


def _table(capsys, root, *extra: str) -> pd.DataFrame:
    code, out, err = cli(capsys, "--review", str(root), "table", *extra)
    assert code == 0, err
    return pd.read_csv(io.StringIO(out), dtype={"record_id": str})


def test_table_follows_the_reviewers_decisions(screened, capsys):
    table = _table(capsys, screened)
    assert SEED not in set(table["record_id"])  # excluded by the reviewer
    assert ANIMAL in set(table["record_id"])  # included by the reviewer, although the extractor excluded it
    assert table["include"].all()
    everything = _table(capsys, screened, "--all")
    flags = everything.drop_duplicates("record_id").set_index("record_id")["include"]
    assert not flags[SEED] and flags[ANIMAL]


def test_table_shows_the_corrected_values(screened, capsys):
    table = _table(capsys, screened)
    das28 = table[(table["record_id"] == FICT) & (table["arm"] == "Fictitious arm")]
    assert das28[["followup_mean", "followup_sd"]].values.tolist() == [[3.2, 1.1]]
    assert das28["entered_by"].tolist() == ["reviewer:Ann"]


def test_table_and_export_agree(screened, capsys):
    table = _table(capsys, screened)
    assert cli(capsys, "export", "--review", str(screened), "--format", "csv")[0] == 0
    exported = pd.read_csv(screened / "exports" / "evidence.csv", dtype={"record_id": str})
    pd.testing.assert_frame_equal(table, exported)
    xlsx = screened / "t.xlsx"
    assert cli(capsys, "--review", str(screened), "table", "-o", str(xlsx))[0] == 0
    assert cli(capsys, "export", "--review", str(screened), "--format", "xlsx")[0] == 0
    pd.testing.assert_frame_equal(pd.read_excel(xlsx, dtype={"record_id": str}),
                                  pd.read_excel(screened / "exports" / "evidence.xlsx", dtype={"record_id": str}))


def test_the_report_reads_the_same_view(screened, capsys):
    review = find_review(str(screened))
    view = load_view(review)
    context, _, _ = build_context(review, now="2025-01-01 00:00 UTC")
    included = {s.record_id for s in context.studies if s.included}
    assert included == set(view.included) and SEED not in included and ANIMAL in included
    rows = pd.DataFrame(list(context.evidence_rows))
    assert set(rows["record_id"]) == set(view.included)
    fict = rows[(rows["record_id"] == FICT) & (rows["arm"] == "Fictitious arm")]
    assert fict[["followup_mean", "followup_sd"]].values.tolist() == [[3.2, 1.1]]
    exported = json.loads(json.dumps(view.table().astype(object).where(view.table().notna(), None)
                                     .to_dict("records")))
    assert [r["record_id"] for r in context.evidence_rows] == [r["record_id"] for r in exported]
    pooled_ids = {s.record_id for p in context.pooled for s in p.studies}
    assert SEED not in pooled_ids and pooled_ids <= included


def test_the_view_keeps_the_extractors_own_decision(screened):
    view = load_view(find_review(str(screened)))
    assert view.extracted[SEED]["include"] and not view.screening[SEED][0]
    assert view.screening[SEED][2] == "reviewer:Ann" and view.screening[ANIMAL] == (True, "RA patients",
                                                                                     "reviewer:Ann")
    assert view.corrections_file is not None and view.corrections_file.name == "corrections.csv"
    assert len(view.corrections) == 1 and len(view.corrections[0].values) == 2


@pytest.mark.parametrize("include_all", [False, True])
def test_the_table_rows_are_the_tables_records_without_pandas(screened, include_all):
    view = load_view(find_review(str(screened)))
    frame = view.table(include_all=include_all)
    expected = [{k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v) for k, v in row.items()}
                for row in frame.to_dict("records")]
    rows = view.table_rows(include_all=include_all)
    assert rows == expected
    assert [[type(v) for v in row.values()] for row in rows] == [[type(v) for v in row.values()] for row in expected]


def test_only_the_corrected_predictions_are_copied(screened):
    view = load_view(find_review(str(screened)))
    assert view.predictions[SEED] is view.extracted[SEED]  # no correction: shared, not copied
    corrected, own = view.predictions[FICT], view.extracted[FICT]
    assert corrected is not own
    assert "reviewer:Ann" in json.dumps(corrected) and "reviewer:Ann" not in json.dumps(own)


def test_an_update_computes_each_studys_arm_comparisons_once(demo_review_template, copy_review, monkeypatch):
    import trialsynth.armcompare as armcompare
    import trialsynth.synthesis as synthesis
    import trialsynth.update as update

    calls: list[str] = []
    real = armcompare.arm_comparisons

    def counted(prediction):
        calls.append(str(prediction.get("id", "")))
        return real(prediction)

    for module in (armcompare, synthesis, update):
        monkeypatch.setattr(module, "arm_comparisons", counted)
    review = find_review(str(copy_review(demo_review_template)))
    context, _, _ = build_context(review, now="2025-01-01 00:00 UTC")
    included = [s.record_id for s in context.studies if s.included]
    assert len(calls) == len(included)
    assert [c for c in context.comparisons if c["source"] == "arms"]  # the demo's computed ones are still listed


def _as_before_summaries(store_path) -> None:
    """Turn a store back into what trialsynth wrote before extraction summaries (migration 0011 undone)."""
    import sqlite3

    conn = sqlite3.connect(store_path)
    conn.execute("DROP TRIGGER extractions_summary_stale")
    conn.execute("ALTER TABLE extractions DROP COLUMN summary_json")
    conn.execute("DELETE FROM migrations WHERE name = '0011_extraction_summaries'")
    conn.commit()
    conn.close()


def _outputs(root, capsys) -> tuple[str, str, dict[str, bytes]]:
    from trialsynth.report import render_html

    review = find_review(str(root))
    context, _, _ = build_context(review, now="2025-01-01 00:00 UTC")
    shutil_out = root / "exports"
    assert cli(capsys, "export", "--review", str(root), "--format", "csv,ris,bibtex,json")[0] == 0
    exported = {p.name: p.read_bytes() for p in sorted(shutil_out.iterdir())}
    return json.dumps(context.to_dict(), sort_keys=True, default=str), render_html(context), exported


def test_a_store_from_before_the_summaries_keeps_everything_and_gives_the_same_report(screened, capsys):
    """An older store (no extraction summaries) is migrated when opened: every decision and correction is
    kept, the report and the exports are the same as from a store that had the summaries all along."""
    from corpus.store import Store, extraction_summary

    store_path = screened / "review.sqlite"
    before = _outputs(screened, capsys)
    with Store(store_path) as store:
        decisions = store.decisions()
    _as_before_summaries(store_path)
    with Store(store_path) as store:  # migrated: every summary filled from its evidence
        rows = store.conn.execute("SELECT evidence_json, summary_json FROM extractions").fetchall()
        assert rows and all(json.loads(s) == extraction_summary(json.loads(e)) for e, s in rows)
        assert store.decisions() == decisions
    after = _outputs(screened, capsys)
    assert after == before
    assert SEED not in {r["record_id"] for r in load_view(find_review(str(screened))).table_rows()}


def test_an_extraction_without_its_summary_is_read_from_its_evidence(screened, capsys):
    """A summary the store does not have (NULL: an older trialsynth replaced the evidence) is taken from the
    evidence itself: the same view, report and exports."""
    from corpus.store import Store

    before = _outputs(screened, capsys)
    with Store(screened / "review.sqlite") as store, store.atomic():
        store.conn.execute("UPDATE extractions SET summary_json = NULL")
    assert _outputs(screened, capsys) == before


def test_the_view_decodes_only_the_included_predictions(screened):
    from trialsynth.view import StoredPredictions

    view = load_view(find_review(str(screened)))
    assert isinstance(view.extracted, StoredPredictions)
    undecoded = set(view.extracted._texts)
    assert undecoded and not undecoded & set(view.included)
    assert set(view.extracted) >= set(view.included) | undecoded
    assert not view.screening[SEED][0] and SEED in undecoded  # excluded by the reviewer: never decoded
    for rid in sorted(undecoded):  # asked for: decoded as corrections.stored_predictions gives it
        summary = view.summary(rid)
        assert summary and all(view.extracted[rid][key] == value for key, value in summary.items()
                               if key != "provenance")
    from corpus.store import Store
    from trialsynth.corrections import stored_predictions

    with Store(screened / "review.sqlite") as store:
        assert dict(view.extracted) == stored_predictions(store)
        assert list(view.extracted) == list(stored_predictions(store))


def test_with_an_open_store_the_view_reads_the_other_evidence_when_first_asked(screened):
    from corpus.store import Store
    from trialsynth.corrections import stored_predictions

    review = find_review(str(screened))
    with Store(screened / "review.sqlite") as store:
        assert not load_view(review, store).extracted._unread  # not lazy: every evidence read
        view = load_view(review, store, lazy=True)
        unread = set(view.extracted._unread)
        assert SEED in unread and not unread & set(view.included) and FICT not in unread  # FICT: corrected
        assert view.summary(SEED)["include"] is True  # the extractor's, read from the summary
        assert view.extracted[SEED]["include"] is True and not view.extracted._unread  # the rest read at once
        assert dict(view.extracted) == stored_predictions(store)

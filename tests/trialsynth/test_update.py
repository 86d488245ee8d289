"""`trialsynth demo` / `trialsynth update` end to end on the bundled corpus, offline.

The added records file and the corrected values are FICTITIOUS (tests/fixtures/review/README.md).
"""
import json
from pathlib import Path

import pytest

from trialsynth.cli import main

EXTRA = Path(__file__).resolve().parents[1] / "fixtures" / "review" / "new_abstracts_fictitious.jsonl"


def _changes(out: str) -> list[str]:
    lines = out.split("what changed:\n", 1)[1].splitlines()
    return [line[4:] for line in lines if line.startswith("  - ")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("review") / "msc-ra-demo"
    return root


def test_demo_update_writes_the_report_with_the_seed(demo, capsys):
    assert main(["demo", str(demo)]) == 0
    out = capsys.readouterr().out
    assert _changes(out)[0] == "new records from msc_ra_dev.jsonl: 11"
    assert "first update: 7 studies included, 4 excluded" in out
    html = (demo / "report.html").read_text(encoding="utf-8")
    # every analysis of the bundled corpus has k = 1: shown as not pooled, so no forest plot is drawn
    for anchor in ('id="prisma"', 'id="evidence-table"', 'id="forest-plots"', 'not pooled (k = 1)',
                   'id="direction-synthesis"'):
        assert anchor in html
    assert "Wang 2019" in html and "PubMed 31908418" in html.replace("\n", " ") or "31908418" in html
    results = json.loads((demo / "results.json").read_text(encoding="utf-8"))
    seed_dirs = [d for d in results["directions"] for e in d["entries"] if e["record_id"] == "31908418"]
    assert {(d["outcome"], d["window"]) for d in seed_dirs} >= {
        ("DAS28", "27–52 weeks"), ("DAS28", "> 52 weeks"), ("HAQ", "27–52 weeks"), ("HAQ", "> 52 weeks"),
        ("ESR", "27–52 weeks"), ("CRP", "> 52 weeks"), ("RF", "27–52 weeks"), ("anti-CCP", "> 52 weeks")}
    # the seed's numbers are not available offline: it is in no pooled analysis
    assert not [s for p in results["pooled"] for s in p["studies"] if s["record_id"] == "31908418"]
    assert results["prisma"]["records_screened"] == 11 and results["prisma"]["reports_included"] == 7
    assert (demo / "summary.md").read_text(encoding="utf-8").startswith("#")
    overlap = results["overlaps"][0]
    assert set(overlap["record_ids"]) == {"park2018_sctm_cure_iv", "kim2021_acr_abstract1709"}


def test_a_second_update_with_an_added_file_reports_exactly_that(demo, capsys):
    assert main(["update", "--review", str(demo), "--from", str(EXTRA)]) == 0
    changes = _changes(capsys.readouterr().out)
    assert changes[0] == "new records from new_abstracts_fictitious.jsonl: 1"
    assert "newly included: Fictitious 2025 (fictitious-2025-a)" in changes
    assert any(c.startswith("DAS28, ≤ 12 weeks, MC moved: -1.6 [-2.63, -0.574] (k = 1) -> ") for c in changes)
    assert any(c.startswith("CONCLUSION CHANGED for DAS28, ≤ 12 weeks, MC") for c in changes)
    assert not any("Wang" in c or "ESR" in c for c in changes)  # nothing else moved


def test_an_update_with_nothing_new_says_so(demo, capsys):
    assert main(["update", "--review", str(demo), "--from", str(EXTRA)]) == 0
    changes = _changes(capsys.readouterr().out)
    assert changes == ["new records from new_abstracts_fictitious.jsonl: 0", "no change in included studies or results"]


def test_a_reviewer_correction_survives_re_extraction(demo, capsys):
    (demo / "corrections.csv").write_text(
        "record_id,measure,arm,timepoint_weeks,field,value,reviewer,source,note\n"
        "fictitious-2025-a,DAS28,MSC (single arm),12,change_mean,-2.0,Test Reviewer,fictitious full text,test\n",
        encoding="utf-8")
    assert main(["update", "--review", str(demo), "--from", str(EXTRA)]) == 0
    changes = _changes(capsys.readouterr().out)
    assert any(c.startswith("DAS28, ≤ 12 weeks, MC moved") for c in changes)
    assert main(["extract", "--review", str(demo), "--force"]) == 0
    assert main(["update", "--review", str(demo), "--from", str(EXTRA)]) == 0
    changes = _changes(capsys.readouterr().out)
    assert "no change in included studies or results" in changes  # the correction still applies
    results = json.loads((demo / "results.json").read_text(encoding="utf-8"))
    [das] = [p for p in results["pooled"] if p["key"] == "DAS28|≤ 12 weeks|MC"]
    fict = [s for s in das["studies"] if s["record_id"] == "fictitious-2025-a"][0]
    assert fict["yi"] == -2.0 and fict["source"] == "reviewer:Test Reviewer"
    rows = [r for r in results["evidence_rows"] if r["record_id"] == "fictitious-2025-a" and r["measure"] == "DAS28"]
    assert rows[0]["change_mean"] == -2.0 and rows[0]["entered_by"] == "reviewer:Test Reviewer"
    html = (demo / "report.html").read_text(encoding="utf-8")
    assert "Test Reviewer" in html


def test_a_reviewer_exclusion_is_reported_and_kept(demo, capsys):
    assert main(["screen", "--review", str(demo), "--exclude", "fictitious-2025-a", "--reason",
                 "fictitious test record", "--reviewer", "Test Reviewer"]) == 0
    assert main(["update", "--review", str(demo), "--from", str(EXTRA)]) == 0
    changes = _changes(capsys.readouterr().out)
    assert "newly excluded: Fictitious 2025 (fictitious-2025-a)" in changes
    assert any(c.startswith("DAS28, ≤ 12 weeks, MC moved") and "(k = 1)" in c.split("->")[1] for c in changes)

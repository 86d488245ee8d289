"""PRISMA 2020 counts: every box follows from the one above, per database and register.

The demo is the bundled snapshot; the mixed review is built here from the recorded PubMed EFetch
XML, a recorded ClinicalTrials.gov study and the SYNTHETIC Embase and Web of Science RIS exports
(tests/fixtures/ris/README.md), which share one paper (DOI 10.2147/DDDT.S225613).
"""
from __future__ import annotations

import json

import pytest

from corpus.store import Store
from tests.conftest import fixture_path
from trialsynth.cli import main
from trialsynth.prisma import flow, store_counts
from trialsynth.review import find_review
from trialsynth.update import build_context
from trialsynth.view import load_view


def _box_chain(p: dict) -> None:
    identified = sum(p["databases"].values()) + sum(p["registers"].values())
    assert identified == p["identified_total"]
    assert identified - p["duplicates_removed"] - p["records_not_screened"] == p["records_screened"]
    assert p["records_screened"] - p["records_excluded"] == p["reports_sought"]
    assert p["reports_sought"] - p["reports_not_retrieved"] == p["reports_assessed"]
    assert p["reports_assessed"] - p["reports_excluded"] == p["reports_included"]
    assert p["excluded_by_automation"] + p["excluded_by_reviewer"] == p["records_excluded"]
    assert sum(p["exclusion_reasons"].values()) == p["records_excluded"]
    assert sum(p["report_exclusion_reasons"].values()) == p["reports_excluded"]
    assert 0 < p["studies_included"] <= p["reports_included"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("prisma") / "demo"
    assert main(["demo", str(root)]) == 0
    return root


def test_the_demos_boxes_chain(demo):
    p = json.loads((demo / "results.json").read_text("utf-8"))["prisma"]
    _box_chain(p)
    assert p["databases"] == {"JSONL import": 11} and p["registers"] == {}
    assert (p["duplicates_removed"], p["records_screened"], p["records_excluded"]) == (0, 11, 4)
    assert p["excluded_by_automation"] == 4
    # the 7 records that passed screening are the reports sought (not every record with a PMCID)
    assert (p["reports_sought"], p["reports_not_retrieved"], p["reports_assessed"]) == (7, 0, 7)
    assert (p["reports_excluded"], p["reports_included"], p["studies_included"]) == (0, 7, 6)


def test_the_report_shows_every_box(demo):
    html = (demo / "report.html").read_text("utf-8")
    for box in ("Records screened (n = 11)", "Records excluded** (n = 4)", "Reports sought for retrieval (n = 7)",
                "Reports not retrieved† (n = 0)", "Reports assessed for eligibility (n = 7)",
                "Reports excluded (n = 0):", "Studies included in review (n = 6)",
                "Reports of included studies (n = 7)", "A report counts as retrieved when"):
        assert box in html, box


def test_reviewer_decisions_move_records_between_boxes(demo, tmp_path, capsys):
    import shutil

    root = tmp_path / "rev"
    shutil.copytree(demo, root)
    # the extractor included the seed: a reviewer's exclusion is an eligibility exclusion, with its reason
    assert main(["screen", "--review", str(root), "--exclude", "31908418", "--reason", "same cohort as a later report",
                 "--reviewer", "Ann"]) == 0
    # the extractor excluded an animal study: a reviewer's inclusion lets it through screening
    assert main(["screen", "--review", str(root), "--include", "27957329", "--reason", "RA patients",
                 "--reviewer", "Ann"]) == 0
    capsys.readouterr()
    context, _, _ = build_context(find_review(str(root)))
    p = context.prisma.to_dict()
    _box_chain(p)
    assert (p["records_excluded"], p["reports_sought"], p["reports_excluded"], p["reports_included"]) == (3, 8, 1, 7)
    assert p["report_exclusion_reasons"] == {"same cohort as a later report": 1}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("prisma") / "mixed"
    assert main(["init", str(root)]) == 0
    for path in (fixture_path("pubmed", "efetch_two_articles_batch.xml"),
                 fixture_path("pubmed", "efetch_rct_structured_22663011.xml"),
                 fixture_path("ctgov", "study_NCT00763412_with_results.json"),
                 fixture_path("ris", "embase_SYNTHETIC.ris"), fixture_path("ris", "wos_SYNTHETIC.ris")):
        assert main(["harvest", "--review", str(root), "--from", str(path)]) == 0
    assert main(["extract", "--review", str(root)]) == 0
    return root


def test_a_mixed_review_counts_per_database_and_register(mixed):
    review = find_review(str(mixed))
    with Store(review.store_path) as store:
        counts = store_counts(store)
        records = store.counts()["records"]
    assert set(counts.databases) == {"PubMed", "Embase", "Web of Science"}
    assert counts.registers == {"ClinicalTrials.gov": 1}
    assert counts.databases["PubMed"] == 3
    assert counts.identified - counts.duplicates_removed == records
    context, _, _ = build_context(review)
    p = context.prisma.to_dict()
    assert p["identified_total"] - p["duplicates_removed"] - p["records_not_screened"] == p["records_screened"]
    assert p["records_screened"] - p["records_excluded"] == p["reports_sought"]
    assert p["reports_sought"] - p["reports_not_retrieved"] == p["reports_assessed"]
    assert p["reports_assessed"] - p["reports_excluded"] == p["reports_included"]
    assert p == flow(load_view(review), counts, 0).to_dict() | {"studies_included": p["studies_included"]}
    # the paper both databases exported is identified by each and removed once as a duplicate
    assert counts.databases["Embase"] == 2 and counts.databases["Web of Science"] == 2
    assert counts.duplicates_removed >= 1

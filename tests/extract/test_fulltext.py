"""Rows from open-access JATS full texts (tests/fixtures/fulltext, see its SOURCES.md)."""
from pathlib import Path

import pytest

from extract.evidence import ExtractionInput
from extract.pipeline import Extractor

FULLTEXT = Path(__file__).resolve().parents[1] / "fixtures" / "fulltext"


def _extract(name: str):
    xml = (FULLTEXT / f"{name}.nxml").read_text(encoding="utf-8")
    return Extractor().extract(ExtractionInput(id=name, full_text_xml=xml))


def _table_rows(ev):
    return [o for o in ev.outcomes if o.provenance.location.startswith("table:")]


def test_rowspan_measure_over_baseline_and_end_rows():
    ev = _extract("PMC5409664")
    das = {o.arm: o for o in _table_rows(ev) if o.measure == "DAS28"}
    assert set(das) == {"Group I", "Group II", "Group III"}
    g1 = das["Group I"]
    assert (g1.baseline_mean, g1.baseline_sd, g1.followup_mean, g1.followup_sd, g1.n) == (4.99, 0.88, 3.91, 0.8, 20)
    assert g1.timepoint_weeks == 12.0  # "End of study" = the study's 12-week follow-up
    assert g1.provenance.location.startswith("table:Table 2 r")
    assert g1.provenance.text  # the verbatim cell


def test_counts_rows_are_responders_not_means():
    ev = _extract("PMC4359699")
    cdai = [o for o in _table_rows(ev) if o.measure == "CDAI" and o.timepoint_weeks == 24.0]
    assert cdai and all(o.followup_mean is None and o.n_responders is not None for o in cdai)


def test_baseline_characteristics_table_is_baseline():
    ev = _extract("PMC4359699")
    das = [o for o in _table_rows(ev) if o.measure == "DAS28" and o.arm == "Placebo-etanercept"]
    assert das and das[0].baseline_mean == 4.9 and das[0].followup_mean is None


def test_adverse_event_grades_are_not_means():
    ev = _extract("PMC5541727")
    assert not [o for o in ev.outcomes if o.measure == "adverse events" and o.followup_mean is not None]


@pytest.mark.parametrize("xml", [
    "", "<article>", "not xml at all", "<?xml version='1.0'?><article><body><p>cut",
    '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><article><body><p>&x;</p></body></article>',
])
def test_a_broken_full_text_keeps_the_abstract(xml):
    ev = Extractor().extract(ExtractionInput(id="x", title="MSCs in rheumatoid arthritis",
                                             abstract="Twelve patients received MSCs. HAQ decreased.",
                                             full_text_xml=xml))
    assert ev.n_enrolled == 12
    assert [o.measure for o in ev.outcomes] == ["HAQ"]
    assert "root:" not in repr(ev.to_prediction())
    if xml.strip():
        assert ev.warnings and ev.warnings[0].startswith("full text skipped") or ev.outcomes

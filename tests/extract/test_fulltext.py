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
    das = [o for o in _table_rows(ev) if o.measure_canonical == "DAS28" and o.arm == "Group I"]
    base = [o for o in das if o.timepoint_weeks == 0.0]
    end = [o for o in das if o.timepoint_weeks == 12.0]  # "End of study" = the study's 12-week follow-up
    assert [(o.baseline_mean, o.baseline_sd, o.n) for o in base] == [(4.99, 0.88, 20)]
    assert [(o.followup_mean, o.followup_sd, o.n, o.kind) for o in end] == [(3.91, 0.8, 20, "value")]
    assert end[0].provenance.location == "table:Table 2 r13 c2" and end[0].provenance.text == "3.91 ± 0.80 ***"
    assert end[0].baseline_mean is None  # one row per cell: never another cell's numbers


def test_counts_rows_are_responders_not_means():
    ev = _extract("PMC4359699")
    cdai = [o for o in _table_rows(ev) if o.measure.startswith("CDAI LDA") and o.timepoint_weeks == 24.0]
    assert len(cdai) == 2
    assert all(o.followup_mean is None and o.n_responders is not None and o.kind == "responders" for o in cdai)


def test_baseline_characteristics_table_is_baseline():
    ev = _extract("PMC4359699")
    das = [o for o in _table_rows(ev) if o.measure_canonical == "DAS28" and o.arm == "Placebo-etanercept"]
    assert [(o.baseline_mean, o.followup_mean, o.timepoint_weeks) for o in das] == [(4.9, None, 0.0)]


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

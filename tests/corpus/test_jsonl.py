"""The tool's JSONL format: minimal lines, export round trip, errors, and the committed snapshot."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from corpus.jsonl import read_jsonl, write_jsonl
from corpus.records import AbstractSection, Ids, Record
from corpus.store import StoredRecord
from corpus.errors import InputError

SNAPSHOT = Path(__file__).resolve().parents[2] / "corpus" / "snapshots" / "msc_ra_dev.jsonl"
GOLD_KEYS = ("gold", "is_msc_ra_clinical_trial", "label", "timepoints_weeks_convention", "record_type",
             "abstract_truncated", "alt_urls")


def test_minimal_lines():
    text = ('{"id": "x1", "title": "MSC for RA", "abstract": "Ten patients."}\n\n'
            '{"id": 42, "title": "Second", "abstract": "", "pmid": "31908418",'
            ' "doi": "https://doi.org/10.2147/DDDT.S225613", "pmcid": "6930836", "nct": "NCT01547091"}\n')
    first, second = read_jsonl(text)
    assert (first.record.source, first.record.source_id) == ("jsonl", "x1")
    assert (first.record.title, first.record.abstract) == ("MSC for RA", "Ten patients.")
    assert first.raw == '{"id": "x1", "title": "MSC for RA", "abstract": "Ten patients."}'
    assert first.raw_format == "jsonl"
    assert second.record.source_id == "42"
    assert second.record.ids == Ids(pmid="31908418", doi="10.2147/dddt.s225613", pmcid="PMC6930836",
                                    nct=("NCT01547091",))


def test_ids_object_wins_over_flat_keys_and_note_is_kept():
    line = json.dumps({"id": "a", "ids": {"pmid": "1"}, "pmid": "2", "doi": "10.1/x", "note": "hand-made"})
    rec = read_jsonl(line)[0].record
    assert rec.ids.pmid == "1" and rec.ids.doi == "10.1/x" and rec.note == "hand-made"


def _stored() -> list[StoredRecord]:
    wang = Record(source="pubmed", source_id="31908418", title="Efficacy of UC-MSC in RA — ünïcode",
                  abstract="Background\nText.", abstract_sections=(AbstractSection("Methods", "64 patients"),),
                  authors=("Wang L", "Huang S"), journal="Drug Des Devel Ther", year=2019, pub_date="2019-12-23",
                  ids=Ids(pmid="31908418", doi="10.2147/dddt.s225613", pmcid="PMC6930836", nct=("NCT01547091",)),
                  publication_types=("Journal Article", "Clinical Trial, Phase I"),
                  mesh_terms=("Arthritis, Rheumatoid",),
                  keywords=("MSC",), language="eng")
    bare = Record(source="ris", source_id="ris:0123456789abcdef", title="Bare")
    return [StoredRecord(id="pmid-31908418", record=wang, sources=("pubmed", "ris"),
                         hit_ids=(("pubmed", "31908418"), ("ris", "10.2147/dddt.s225613"))),
            StoredRecord(id="r2", record=bare, sources=("ris",), hit_ids=(("ris", "ris:0123456789abcdef"),))]


def test_export_round_trip():
    stored = _stored()
    out = io.StringIO()
    assert write_jsonl(stored, out) == 2
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "ünïcode" in lines[0]  # ensure_ascii=False
    assert json.loads(lines[0]) == json.loads(json.dumps(stored[0].to_dict()))
    assert list(json.loads(lines[0])) == sorted(json.loads(lines[0]))
    hits = read_jsonl(out.getvalue(), origin="export.jsonl")
    for hit, sr in zip(hits, stored, strict=True):
        rec, orig = hit.record, sr.record
        assert (rec.source, rec.source_id) == ("jsonl", sr.id)
        for name in ("title", "abstract", "abstract_sections", "ids", "year", "pub_date", "journal", "authors",
                     "publication_types", "mesh_terms", "keywords", "language"):
            assert getattr(rec, name) == getattr(orig, name), name
    assert hits[0].raw == lines[0]


def test_bad_json_line_names_origin_and_line():
    text = '{"id": "a", "title": "ok"}\n\n{"id": "b", "title": \n'
    with pytest.raises(InputError, match=r"mine\.jsonl line 3: not valid JSON \(Expecting value"):
        read_jsonl(text, origin="mine.jsonl")


def test_line_that_is_not_an_object():
    with pytest.raises(InputError, match=r"<string> line 1: expected a JSON object, got list"):
        read_jsonl('[1, 2]\n')


@pytest.mark.parametrize("line", ['{"title": "no id"}', '{"id": null, "title": "t"}', '{"id": ""}'])
def test_missing_id(line):
    with pytest.raises(InputError, match=r'f\.jsonl line 2: .*has no "id"; add one'):
        read_jsonl('{"id": "ok"}\n' + line + "\n", origin="f.jsonl")


def test_wrong_field_type_is_an_input_error():
    with pytest.raises(InputError, match=r"line 1: a field has the wrong type"):
        read_jsonl('{"id": "a", "year": "around 2019"}')


def test_committed_snapshot_reads_without_gold_annotations():
    text = SNAPSHOT.read_text(encoding="utf-8")
    hits = read_jsonl(text, origin=str(SNAPSHOT))
    assert len(hits) == 11
    assert len({h.record.source_id for h in hits}) == 11
    for hit in hits:
        assert hit.record.title and len(hit.record.abstract) > 300 and hit.record.year
        assert "not a PubMed download" in hit.record.note
        obj = json.loads(hit.raw)
        assert set(obj) == {"id", "title", "authors", "abstract", "year", "journal", "ids", "note"}
        assert not any(f"\"{key}\":" in hit.raw for key in GOLD_KEYS)
    wang = next(h.record for h in hits if h.record.source_id == "31908418")
    assert wang.ids == Ids(pmid="31908418", doi="10.2147/dddt.s225613", pmcid="PMC6930836")
    park = next(h.record for h in hits if h.record.source_id == "park2018_sctm_cure_iv")
    assert park.ids.pmid is None  # a non-numeric id is no PMID

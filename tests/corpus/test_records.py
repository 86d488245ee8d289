"""The record type: hand-written to_dict (the same bytes as dataclasses.asdict gave), and the markup rule."""
from __future__ import annotations

import dataclasses
import json

import pytest

from corpus.markup import plain_text, script_text
from corpus.records import AbstractSection, Ids, Record, normalise_title
from tests.conftest import CTGOV_FILES, PUBMED_FILES, fixture_path


def _asdict_to_dict(record: Record) -> dict:
    """The to_dict of trialsynth 0.1 (dataclasses.asdict, then the same conversions)."""
    data = dataclasses.asdict(record)
    data["ids"] = {"pmid": record.ids.pmid, "doi": record.ids.doi, "pmcid": record.ids.pmcid,
                   "nct": list(record.ids.nct)}
    data["abstract_sections"] = [{"label": s.label, "text": s.text} for s in record.abstract_sections]
    for key in ("authors", "publication_types", "mesh_terms", "keywords"):
        data[key] = list(data[key])
    data["registry"] = dict(record.registry)
    return data


def _fixture_records() -> list[Record]:
    from corpus.ctgov import parse_ctgov_json
    from corpus.europepmc import parse_europepmc_json
    from corpus.pubmed import parse_pubmed_xml
    from corpus.ris import parse_ris

    out = []
    for name in PUBMED_FILES:
        out += [h.record for h in parse_pubmed_xml(fixture_path("pubmed", name).read_bytes())]
    out += [h.record for h in parse_europepmc_json(fixture_path("europepmc", "search_core_cancer_page1.min.json")
                                                  .read_bytes())]
    for name in CTGOV_FILES:
        out += [h.record for h in parse_ctgov_json(fixture_path("ctgov", name).read_bytes())]
    for path in sorted(fixture_path("ris").glob("*.ris")):
        out += [h.record for h in parse_ris(path.read_text(encoding="utf-8-sig"))]
    out.append(Record(source="jsonl", source_id="x", abstract_sections=(AbstractSection("A", "b"),),
                      ids=Ids(nct=("NCT00000001",)), registry={"nested": {"list": [1, (2, 3)]}}))
    return out


def test_to_dict_gives_the_bytes_asdict_gave():
    records = _fixture_records()
    assert len(records) > 40 and any(r.registry for r in records)
    for record in records:
        for sort_keys in (False, True):
            assert json.dumps(record.to_dict(), sort_keys=sort_keys, ensure_ascii=False) == \
                json.dumps(_asdict_to_dict(record), sort_keys=sort_keys, ensure_ascii=False)
        assert Record.from_dict(record.to_dict()) == record


def test_to_dict_shares_the_immutable_parts_and_copies_the_registry_one_level():
    record = Record(source="ctgov", source_id="NCT00000001", registry={"arm_groups": [{"label": "A"}]})
    data = record.to_dict()
    assert data["registry"] == record.registry and data["registry"] is not record.registry


@pytest.mark.parametrize("fragment, text", [
    ("2 × 10<sup>7</sup> cells/kg", "2 × 10^7 cells/kg"),
    ("1 × 10<sup>−6</sup> M", "1 × 10^−6 M"),
    ("CD4<sup>+</sup> and CD8<sup>−</sup> T cells", "CD4+ and CD8− T cells"),
    ("CD25<sup>+/+</sup>", "CD25+/+"),
    ("Ca<sup>2+</sup> influx", "Ca^2+ influx"),
    ("x<sub>i</sub> and CO<sub>2</sub>", "x_i and CO_2"),
    ("IC<sub>50</sub> of 5 nM", "IC_50 of 5 nM"),
    ("t<sub>1/2</sub>", "t_(1/2)"),
    ("as shown before<sup>1,2</sup>.", "as shown before^(1,2)."),
    ("IL-1<i>&beta;</i> and TNF-&#945;", "IL-1β and TNF-α"),
    ("<b>Methods</b><p>Ten   patients</p>", "Methods Ten patients"),
    ("a<sup></sup>b", "ab"),
    # plain text is not HTML: a '<' that is no tag stays
    ("p<0.05 and a<b and c>d; n < 5", "p<0.05 and a<b and c>d; n < 5"),
    ("R&D &amp; AT&T &notanentity", "R&D & AT&T &notanentity"),
    ("10<SUP>7</SUP>", "10^7"),
    ('<span class="x">MSC</span>', "MSC"),
])
def test_markup_keeps_its_meaning(fragment, text):
    assert plain_text(fragment) == text


def test_script_rule():
    assert script_text("sup", " 7 ") == "^7" and script_text("sub", "i") == "_i"
    assert script_text("sup", "+") == "+" and script_text("sup", "x + 1") == "^(x + 1)"


def test_a_lost_superscript_and_a_kept_one_normalise_to_the_same_title():
    assert normalise_title("2 × 10^7 cells and vitamin D_3") == normalise_title("2 × 107 cells and vitamin D3")

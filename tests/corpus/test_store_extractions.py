"""The store's extractions: JSON text per record with the extractor version that made it."""
from __future__ import annotations

import json

import pytest

from corpus.records import FullText, Hit, Ids, Record
from corpus.store import MIGRATIONS, Store
from corpus.errors import StoreError


def hit(source_id: str, **fields) -> Hit:
    record = Record(source="pubmed", source_id=source_id, ids=Ids(pmid=source_id), **fields)
    return Hit(record, raw=json.dumps({"id": source_id}), raw_format="test")


def evidence(record_id: str, include: bool = True) -> str:
    return json.dumps({"id": record_id, "include": include, "outcomes": [], "note": "é ± ×"}, ensure_ascii=False)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "review.sqlite") as s:
        s.add_hits([hit("1", title="First trial"), hit("2", title="Second trial"), hit("3", title="Third trial")])
        yield s


def ids(store: Store) -> list[str]:
    return [s.id for s in store.records()]


def test_migration_is_appended_and_named():
    names = [name for name, _ in MIGRATIONS]
    assert names[0] == "0001_records" and "0002_extractions" in names
    assert names == sorted(names)


def test_an_old_store_gains_the_table(tmp_path):
    path = tmp_path / "review.sqlite"
    with Store(path) as s:
        s.add_hits([hit("1", title="A trial")])
        s.conn.execute("DROP TABLE extractions")
        s.conn.execute("DELETE FROM migrations WHERE name='0002_extractions'")
    with Store(path) as again:
        assert again.record_ids_needing_extraction("v1") == ids(again)


def test_put_and_read_back(store):
    a, b, _ = ids(store)
    assert store.put_extractions([(a, "v1", evidence(a)), (b, "v1", evidence(b, include=False))]) == 2
    got = store.extraction(a)
    assert got["id"] == a and got["include"] is True and got["note"] == "é ± ×"
    assert got["extractor_version"] == "v1"
    assert store.extraction("nope") is None
    listed = list(store.extractions())
    assert [(rid, version) for rid, version, _ in listed] == [(a, "v1"), (b, "v1")]
    assert listed[1][2]["include"] is False
    assert store.extraction_versions() == {a: "v1", b: "v1"}
    row = store.conn.execute("SELECT extracted_at FROM extractions WHERE record_id=?", (a,)).fetchone()
    assert row[0].startswith("20")


def test_put_replaces_an_earlier_extraction(store):
    a = ids(store)[0]
    store.put_extractions([(a, "v1", evidence(a, include=False))])
    store.put_extractions([(a, "v2", evidence(a, include=True))])
    assert store.extraction(a)["include"] is True and store.extraction(a)["extractor_version"] == "v2"
    assert len(list(store.extractions())) == 1


def test_needing_extraction_is_new_or_other_version(store):
    a, b, c = ids(store)
    assert store.record_ids_needing_extraction("v2") == [a, b, c]
    store.put_extractions([(a, "v2", evidence(a)), (b, "v1", evidence(b))])
    assert store.record_ids_needing_extraction("v2") == [b, c]
    assert store.record_ids_needing_extraction("v1") == [a, c]


def test_a_failure_mid_batch_stores_nothing(store):
    a, b, c = ids(store)

    def items():
        yield a, "v1", evidence(a)
        yield b, "v1", evidence(b)
        raise RuntimeError("the extractor crashed on the third record")

    with pytest.raises(RuntimeError):
        store.put_extractions(items())
    assert list(store.extractions()) == []
    with pytest.raises(StoreError, match="not a JSON object"):
        store.put_extractions([(a, "v1", evidence(a)), (b, "v1", "{truncated")])
    with pytest.raises(StoreError, match="no such record"):
        store.put_extractions([(a, "v1", evidence(a)), ("ghost", "v1", evidence("ghost"))])
    assert list(store.extractions()) == []
    assert store.record_ids_needing_extraction("v1") == [a, b, c]


def test_a_batch_inside_an_outer_transaction_is_a_savepoint(store):
    a, b, _ = ids(store)
    with store.atomic():
        store.put_extractions([(a, "v1", evidence(a))])
        with pytest.raises(StoreError):
            store.put_extractions([(b, "v1", evidence(b)), (b, "v1", "[]")])
    assert store.extraction_versions() == {a: "v1"}


def test_changed_record_content_drops_its_extraction(store):
    a, b, _ = ids(store)
    store.put_extractions([(a, "v1", evidence(a)), (b, "v1", evidence(b))])
    store.add_hits([hit("1", title="First trial")])  # unchanged: the extraction stays
    assert set(store.extraction_versions()) == {a, b}
    store.add_hits([hit("1", title="First trial", abstract="Now with an abstract.")])
    assert set(store.extraction_versions()) == {b}
    assert store.record_ids_needing_extraction("v1")[0] == a


def test_a_new_or_changed_full_text_drops_the_extraction(tmp_path):
    with Store(tmp_path / "review.sqlite") as store:
        store.add_hits([Hit(Record(source="pubmed", source_id="9", title="Open access trial",
                                   ids=Ids(pmid="9", pmcid="PMC99")), raw="{}", raw_format="test")])
        rid = ids(store)[0]
        store.put_extractions([(rid, "v1", evidence(rid))])
        store.add_hits([], fulltexts=[FullText("PMC99", "<article/>")])
        assert store.extraction(rid) is None
        store.put_extractions([(rid, "v1", evidence(rid))])
        store.add_hits([], fulltexts=[FullText("PMC99", "<article/>")])  # same text: kept
        assert store.extraction(rid) is not None


def test_merging_two_records_drops_the_absorbed_extraction(store):
    store.add_hits([Hit(Record(source="ris", source_id="10.9/x", title="Totally different spelling",
                               ids=Ids(doi="10.9/x")), raw="{}", raw_format="test")])
    before = ids(store)
    store.put_extractions([(rid, "v1", evidence(rid)) for rid in before])
    bridge = Hit(Record(source="europepmc", source_id="MED:1", title="First trial", ids=Ids(pmid="1", doi="10.9/x")),
                 raw="{}", raw_format="test")
    assert store.add_hits([bridge])[0].status == "merged"  # no foreign-key error from the absorbed record
    after = ids(store)
    assert len(after) == len(before) - 1
    assert set(store.extraction_versions()) <= set(after)
    assert store.record_ids_needing_extraction("v1") == [rid for rid in after if rid not in store.extraction_versions()]
    assert "1" in store.record_ids_needing_extraction("v1")


@pytest.mark.parametrize("text, ok", [('{"include": true}', True), ('{"effect": NaN, "hi": Infinity}', True),
                                      ('[1, 2]', False), ('"text"', False), ('{truncated', False), ("", False)])
def test_an_extraction_must_be_a_json_object_as_python_reads_it(store, text, ok):
    a, _, _ = ids(store)
    if ok:
        assert store.put_extractions([(a, "v1", text)]) == 1
        assert store.extraction(a)["extractor_version"] == "v1"
    else:
        with pytest.raises(StoreError, match="not a JSON object"):
            store.put_extractions([(a, "v1", text)])


def test_extraction_inputs_come_in_the_order_asked_without_the_ids_no_longer_stored(store):
    a, b, c = ids(store)
    got = [(stored.id, fingerprint) for stored, _, fingerprint in store.extraction_inputs([c, "ghost", a, b, a])]
    assert [rid for rid, _ in got] == [c, a, b, a]
    one_by_one = [next(iter(store.extraction_inputs([rid])))[2] for rid in (c, a, b, a)]
    assert [fingerprint for _, fingerprint in got] == one_by_one


def test_each_extraction_keeps_its_summary(store):
    from corpus.store import extraction_summary

    a, b, _ = ids(store)
    full = {"include": False, "exclusion_reason": "animal study", "doses": [{"value": 1e6, "unit": "cells/kg"}],
            "outcomes": [{"measure": "DAS28"}], "provenance": {"include": {"entered_by": "extractor"},
                                                               "n_enrolled": {"text": "20 patients"}}}
    store.put_extractions([(a, "v1", json.dumps(full)), (b, "v1", evidence(b))])
    summary = extraction_summary(full)
    assert summary == {"include": False, "exclusion_reason": "animal study", "doses": full["doses"],
                       "provenance": {"include": {"entered_by": "extractor"}}}
    rows = {rid: (summary_json, json.loads(text)) for rid, _, summary_json, text in store.extraction_texts()}
    assert json.loads(rows[a][0]) == summary and rows[a][1] == full
    assert json.loads(rows[b][0]) == {"include": True}


def test_evidence_replaced_without_its_summary_loses_the_summary(store):
    """A writer that knows nothing of summaries (an older trialsynth) replaces the evidence: the summary
    it left would be stale, so it is cleared (readers then decode the evidence)."""
    a = ids(store)[0]
    store.put_extractions([(a, "v1", evidence(a, include=True))])
    with store.atomic():
        store.conn.execute("UPDATE extractions SET evidence_json=?, extractor_version='v0' WHERE record_id=?",
                           (evidence(a, include=False), a))
    (_, _, summary_json, _), = store.extraction_texts()
    assert summary_json is None
    store.put_extractions([(a, "v1", evidence(a, include=True))])  # the same summary as before: kept
    (_, _, summary_json, _), = store.extraction_texts()
    assert json.loads(summary_json) == {"include": True}


def test_an_old_store_gains_the_summaries(tmp_path):
    path = tmp_path / "review.sqlite"
    with Store(path) as s:
        s.add_hits([hit("1", title="A trial"), hit("2", title="Another trial")])
        a, b = ids(s)
        s.put_extractions([(a, "v1", evidence(a)), (b, "v1", evidence(b, include=False))])
        s.set_decision(b, True, "RA patients", "Ann")
        s.conn.execute("DROP TRIGGER extractions_summary_stale")
        s.conn.execute("ALTER TABLE extractions DROP COLUMN summary_json")
        s.conn.execute("DELETE FROM migrations WHERE name='0011_extraction_summaries'")
    with Store(path) as again:
        got = {rid: json.loads(summary) for rid, _, summary, _ in again.extraction_texts()}
        assert got == {a: {"include": True}, b: {"include": False}}
        assert again.decisions()[b]["include"] and again.decisions()[b]["reason"] == "RA patients"
        assert [name for name, in again.conn.execute("SELECT name FROM migrations ORDER BY name")] == \
            [name for name, _ in MIGRATIONS]

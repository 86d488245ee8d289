"""The store's reviewer screening decisions: one per record, a log that is never deleted, kept through merges."""
from __future__ import annotations

import json

import pytest

from corpus.records import Hit, Ids, Record
from corpus.store import MIGRATIONS, Store
from corpus.errors import StoreError


def hit(source_id: str, **fields) -> Hit:
    record = Record(source="pubmed", source_id=source_id, ids=Ids(pmid=source_id), **fields)
    return Hit(record, raw=json.dumps({"id": source_id}), raw_format="test")


def ids(store: Store) -> list[str]:
    return [s.id for s in store.records()]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "review.sqlite") as s:
        s.add_hits([hit("1", title="First trial"), hit("2", title="Second trial"), hit("3", title="Third trial")])
        yield s


def add_doi_twin(store: Store) -> str:
    """Store a RIS record that only a later hit (PMID 1 + its DOI) reveals to be record 1; return its id."""
    store.add_hits([Hit(Record(source="ris", source_id="10.9/x", title="Totally different spelling",
                               ids=Ids(doi="10.9/x")), raw="{}", raw_format="test")])
    return store.records_with("doi", "10.9/x")[0]


def bridge(store: Store) -> None:
    bridging = Hit(Record(source="europepmc", source_id="MED:1", title="First trial", ids=Ids(pmid="1", doi="10.9/x")),
                   raw="{}", raw_format="test")
    assert store.add_hits([bridging])[0].status == "merged"


def test_migration_is_appended_after_the_shipped_ones():
    names = [name for name, _ in MIGRATIONS]
    assert names[:2] == ["0001_records", "0002_extractions"]
    assert "0003_screening_decisions" in names and names == sorted(names)


def test_an_old_store_gains_the_tables(tmp_path):
    path = tmp_path / "review.sqlite"
    with Store(path) as s:
        s.add_hits([hit("1", title="A trial")])
        s.conn.execute("DROP TABLE screening_decisions")
        s.conn.execute("DROP TABLE screening_log")
        s.conn.execute("DELETE FROM migrations WHERE name='0003_screening_decisions'")
    with Store(path) as again:
        again.set_decision("1", False, "not RA", "ann")
        assert again.decisions()["1"]["include"] is False


def test_set_and_read_back(store):
    store.set_decision("2", False, "population: osteoarthritis, not RA", "ann")
    store.set_decision("1", True, "  RCT of UC-MSC in RA ", "bob ")
    got = store.decisions()
    assert list(got) == ["1", "2"]
    assert got["1"]["include"] is True and got["1"]["reason"] == "RCT of UC-MSC in RA" and got["1"]["reviewer"] == "bob"
    assert got["2"] == {"include": False, "reason": "population: osteoarthritis, not RA", "reviewer": "ann",
                        "decided_at": got["2"]["decided_at"]}
    assert got["2"]["decided_at"].startswith("20")


def test_a_new_decision_replaces_the_old_and_the_log_keeps_both(store):
    store.set_decision("1", False, "first look: animal study", "ann")
    store.set_decision("1", True, "full text: patients with RA", "bob")
    assert store.decisions()["1"]["include"] is True and store.decisions()["1"]["reviewer"] == "bob"
    log = store.decision_log("1")
    assert [(e["action"], e["include"], e["reviewer"]) for e in log] == [("exclude", False, "ann"),
                                                                        ("include", True, "bob")]
    assert log[0]["reason"] == "first look: animal study"


def test_unknown_record_is_an_error_naming_it_and_stores_nothing(store):
    with pytest.raises(StoreError, match=r"no record 'PMID:999'.*trialsynth records"):
        store.set_decision("PMID:999", True, "why", "ann")
    with pytest.raises(StoreError, match="'nope'"):
        store.clear_decision("nope", "ann")
    assert store.decisions() == {} and store.decision_log() == []


@pytest.mark.parametrize("reason, reviewer, message", [("", "ann", "needs a reason"), ("   ", "ann", "needs a reason"),
                                                       ("why", "", "reviewer's name")])
def test_reason_and_reviewer_are_required(store, reason, reviewer, message):
    with pytest.raises(StoreError, match=message):
        store.set_decision("1", True, reason, reviewer)
    assert store.decisions() == {}


def test_clear_withdraws_and_logs(store):
    assert store.clear_decision("1", "ann") is False  # nothing to clear: nothing logged
    assert store.decision_log() == []
    store.set_decision("1", False, "duplicate", "ann")
    assert store.clear_decision("1", "bob") is True
    assert store.decisions() == {}
    assert [(e["action"], e["include"], e["reviewer"]) for e in store.decision_log()] == [
        ("exclude", False, "ann"), ("clear", None, "bob")]


def test_a_failed_transaction_stores_no_decision_and_no_log(store):
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.set_decision("1", True, "why", "ann")
            raise RuntimeError("boom")
    assert store.decisions() == {} and store.decision_log() == []


def test_extractions_and_record_changes_never_touch_decisions(store):
    store.set_decision("1", False, "reviewer says no", "ann")
    store.put_extractions([("1", "v1", json.dumps({"id": "1", "include": True, "outcomes": []}))])
    store.put_extractions([("1", "v2", json.dumps({"id": "1", "include": True, "outcomes": []}))])
    store.add_hits([hit("1", title="First trial", abstract="Now with an abstract.")])  # drops the extraction
    assert store.extraction("1") is None
    assert store.decisions()["1"]["include"] is False


@pytest.mark.parametrize("decided", ["pubmed record", "ris record"])
def test_a_decision_on_a_merged_away_record_moves_to_the_survivor(store, decided):
    twin = add_doi_twin(store)
    record = "1" if decided == "pubmed record" else twin
    store.set_decision(record, False, "conference abstract of a reported cohort", "ann")
    before = set(ids(store))
    bridge(store)
    (absorbed,) = before - set(ids(store))
    survivor = ({"1", twin} - {absorbed}).pop()
    decisions = store.decisions()
    assert set(decisions) == {survivor}  # the decision is never lost
    assert decisions[survivor]["reason"] == "conference abstract of a reported cohort"
    assert decisions[survivor]["reviewer"] == "ann"
    if decided == "ris record":
        assert absorbed == twin  # the PubMed record survives, so this case moves the decision
    if record == absorbed:
        merge = [e for e in store.decision_log(survivor) if e["action"] == "merge"]
        assert len(merge) == 1 and absorbed in merge[0]["note"] and merge[0]["include"] is False
        assert [e["action"] for e in store.decision_log(absorbed)] == ["exclude"]  # the history stays


def test_when_both_records_carry_a_decision_the_later_one_wins_and_both_are_logged(store):
    twin = add_doi_twin(store)
    store.set_decision("1", True, "older: include", "ann")
    store.set_decision(twin, False, "newer: exclude", "bob")
    # make the order of the two decisions unambiguous whatever the clock's resolution
    store.conn.execute("UPDATE screening_decisions SET decided_at='2000-01-01T00:00:00+00:00' WHERE record_id='1'")
    bridge(store)
    (survivor,) = set(store.decisions())
    assert survivor in ("1", twin)
    assert store.decisions()[survivor]["reason"] == "newer: exclude"
    log = store.decision_log()
    assert [e["action"] for e in log] == ["include", "exclude", "merge"]
    assert "older: include" in log[-1]["note"] or "newer: exclude" in log[-1]["note"]

"""The store: migrations, transactions, upserts and deduplication across sources."""
from __future__ import annotations

import itertools
import json

import pytest

from corpus.records import Hit, Ids, Record
from corpus.store import MIGRATIONS, Store
from corpus.errors import StoreError


def hit(source: str, source_id: str, **fields) -> Hit:
    record = Record(source=source, source_id=source_id, **fields)
    return Hit(record, raw=json.dumps({"id": source_id}), raw_format="test")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "review.sqlite") as s:
        yield s


def test_migrations_run_once(tmp_path):
    path = tmp_path / "review.sqlite"
    Store(path).close()
    with Store(path) as again:
        names = [r[0] for r in again.conn.execute("SELECT name FROM migrations")]
    assert names == [name for name, _ in MIGRATIONS]


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "review.sqlite"
    path.write_text("this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)


def test_atomic_rolls_back_everything(store):
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.add_hits([hit("pubmed", "1", title="A trial", ids=Ids(pmid="1"))])
            raise RuntimeError("crash mid-batch")
    assert store.counts()["records"] == 0


def test_nested_atomic_is_a_savepoint(store):
    with store.atomic():
        store.add_hits([hit("pubmed", "1", title="A trial", ids=Ids(pmid="1"))])
        with pytest.raises(ValueError):
            with store.atomic():
                store.add_hits([hit("pubmed", "2", title="Another", ids=Ids(pmid="2"))])
                raise ValueError
    assert store.counts()["records"] == 1


def test_upsert_new_unchanged_updated(store):
    first = hit("pubmed", "1", title="A trial", ids=Ids(pmid="1"))
    assert store.add_hits([first])[0].status == "new"
    assert store.add_hits([first])[0].status == "unchanged"
    revised = hit("pubmed", "1", title="A trial (revised)", ids=Ids(pmid="1"))
    assert store.add_hits([revised])[0].status == "updated"
    assert store.get("1").record.title == "A trial (revised)"


def test_dedup_by_pmid_doi_and_pmcid(store):
    store.add_hits([hit("pubmed", "111", title="MSC for RA", year=2019, ids=Ids(pmid="111", doi="10.1/abc"))])
    by_pmid = store.add_hits([hit("europepmc", "MED:111", title="MSC for RA.", ids=Ids(pmid="111"))])[0]
    by_doi = store.add_hits([hit("ris", "10.1/abc", title="MSC for RA", ids=Ids(doi="10.1/abc"))])[0]
    by_pmcid_first = store.add_hits([hit("europepmc", "PMC:PMC9", title="x", ids=Ids(pmcid="PMC9"))])[0]
    assert (by_pmid.status, by_pmid.record_id) == ("merged", "111")
    assert (by_doi.status, by_doi.record_id) == ("merged", "111")
    assert by_pmcid_first.status == "new"
    counts = store.counts()
    assert counts["records"] == 2 and counts["duplicates_removed"] == 2
    assert counts["identified"] == {"pubmed": 1, "europepmc": 2, "ris": 1}


def test_conflicting_ids_never_merge(store):
    store.add_hits([hit("pubmed", "1", title="Same title of a paper here", year=2020, authors=("Wang L",),
                        ids=Ids(pmid="1"))])
    other = store.add_hits([hit("pubmed", "2", title="Same title of a paper here", year=2020, authors=("Wang L",),
                                ids=Ids(pmid="2"))])[0]
    assert other.status == "new"


def test_registry_link_joins_publication_and_registry_not_two_papers(store):
    store.add_hits([hit("ctgov", "NCT01234567", title="Registry entry", ids=Ids(nct=("NCT01234567",)))])
    paper = store.add_hits([hit("pubmed", "10", title="Trial paper", ids=Ids(pmid="10", nct=("NCT01234567",)))])[0]
    follow_up = store.add_hits([hit("pubmed", "11", title="Three-year follow-up",
                                    ids=Ids(pmid="11", nct=("NCT01234567",)))])[0]
    assert paper.status == "merged" and paper.record_id == "NCT01234567"
    assert follow_up.status == "new"
    assert store.records_with("nct", "NCT01234567") == ["11", "NCT01234567"]


def test_fuzzy_title_year_first_author(store):
    store.add_hits([hit("pubmed", "5", title="Umbilical cord MSC therapy for rheumatoid arthritis: a phase I/II study",
                        year=2019, authors=("Wang L", "Huang S"), ids=Ids(pmid="5"))])
    near = store.add_hits([hit("ris", "ris:1", title="Umbilical-cord MSC therapy for rheumatoid arthritis - "
                               "a phase I-II study.", year=2020, authors=("Wang, L.",))])[0]
    other_author = store.add_hits([hit("ris", "ris:2", title="Umbilical cord MSC therapy for rheumatoid arthritis: "
                                       "a phase I/II study", year=2019, authors=("Park EH",))])[0]
    other_year = store.add_hits([hit("ris", "ris:3", title="Umbilical cord MSC therapy for rheumatoid arthritis: a "
                                     "phase I/II study", year=2016, authors=("Wang L",))])[0]
    assert near.status == "merged"
    assert other_author.status == "new" and other_year.status == "new"


def test_a_hit_bridging_two_records_merges_them(store):
    store.add_hits([hit("pubmed", "7", title="Paper", ids=Ids(pmid="7"))])
    store.add_hits([hit("ris", "10.9/x", title="Totally different spelling", ids=Ids(doi="10.9/x"))])
    bridge = store.add_hits([hit("europepmc", "MED:7", title="Paper", ids=Ids(pmid="7", doi="10.9/x"))])[0]
    assert bridge.status == "merged"
    assert store.counts()["records"] == 1
    assert set(store.get("7").sources) == {"pubmed", "ris", "europepmc"}


def test_merged_record_does_not_depend_on_arrival_order(tmp_path):
    hits = [hit("ctgov", "NCT00000001", title="Registry title", year=2015, ids=Ids(nct=("NCT00000001",)),
                registry={"status": "COMPLETED"}),
            hit("pubmed", "42", title="Paper title", year=2016, abstract="Abstract from PubMed.",
                authors=("Kim H",), publication_types=("Clinical Trial",), ids=Ids(pmid="42", nct=("NCT00000001",))),
            hit("europepmc", "MED:42", title="Paper title.", year=2016, abstract="Abstract from Europe PMC.",
                publication_types=("Journal Article",), ids=Ids(pmid="42", pmcid="PMC42"), is_open_access=True)]
    merged = set()
    for n, order in enumerate(itertools.permutations(hits)):
        with Store(tmp_path / f"s{n}.sqlite") as store:
            store.add_hits(order)
            (stored,) = list(store.records())
            r = stored.record
            merged.add((r.title, r.abstract, r.ids, r.publication_types, r.is_open_access, r.registry["status"]))
    assert len(merged) == 1
    title, abstract, ids, types, oa, _ = merged.pop()
    assert (title, abstract) == ("Paper title", "Abstract from PubMed.")
    assert ids == Ids(pmid="42", pmcid="PMC42", nct=("NCT00000001",)) and oa


def test_high_water_marks(store):
    assert store.get_mark("pubmed", "q") is None
    store.set_mark("pubmed", "q", "2026-01-01")
    store.set_mark("pubmed", "q", "2026-02-01")
    assert store.get_mark("pubmed", "q") == "2026-02-01"


def test_registry_entry_arriving_last_joins_one_publication_only(store):
    store.add_hits([hit("pubmed", "10", title="Trial paper", ids=Ids(pmid="10", nct=("NCT01234567",)))])
    store.add_hits([hit("pubmed", "11", title="Follow-up", ids=Ids(pmid="11", nct=("NCT01234567",)))])
    registry = store.add_hits([hit("ctgov", "NCT01234567", title="Registry entry", ids=Ids(nct=("NCT01234567",)))])[0]
    assert (registry.status, registry.record_id) == ("merged", "10")
    assert store.counts()["records"] == 2


def test_reparse_restores_fields_from_raw_payloads_without_download(tmp_path):
    from corpus.pubmed import parse_pubmed_xml
    from corpus.reparse import reparse_store
    from tests.conftest import fixture_path

    with Store(tmp_path / "r.sqlite") as store:
        store.add_hits(parse_pubmed_xml(fixture_path("pubmed", "efetch_rct_structured_22663011.xml").read_bytes()))
        # an older parser's output: no title, no NCT link
        stale = store.hits_of("22663011")[0].to_dict()
        stale.update(title="", ids={**stale["ids"], "nct": []})
        store.conn.execute("UPDATE hits SET parsed=?, fingerprint='old' WHERE source='pubmed'", (json.dumps(stale),))
        counts = reparse_store(store)
        assert counts == {"updated": 1, "unchanged": 0, "skipped": 0, "records_changed": 0}
        record = store.get("22663011").record
        assert record.title.startswith("Improved survival") and record.ids.nct == ("NCT01245062",)
        assert reparse_store(store) == {"updated": 0, "unchanged": 1, "skipped": 0, "records_changed": 0}


def test_an_updated_hit_that_gains_a_registry_link_joins_the_registry_record(store):
    store.add_hits([hit("ctgov", "NCT01234567", title="Registry entry", ids=Ids(nct=("NCT01234567",)))])
    store.add_hits([hit("pubmed", "10", title="Trial paper", ids=Ids(pmid="10"))])
    assert store.counts()["records"] == 2
    revised = store.add_hits([hit("pubmed", "10", title="Trial paper", ids=Ids(pmid="10", nct=("NCT01234567",)))])[0]
    assert (revised.status, revised.record_id) == ("updated", "10")
    assert store.counts()["records"] == 1
    assert set(store.get("10").sources) == {"pubmed", "ctgov"}

"""A merge only ever adds; each RIS database is its own source; PRISMA identification counts from the store.

The defect of issue 12: importing the Embase RIS and then the Web of Science RIS of the same paper
left the record with `pmid: null`, the Embase abstract replaced by the WoS one and "1 updated".
"""
from __future__ import annotations

import json

import pytest

from corpus.harvest import import_hits
from corpus.importer import import_path
from corpus.records import REGISTRY
from corpus.store import Store
from tests.conftest import fixture_path

WANG_DOI = "10.2147/dddt.s225613"


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "review.sqlite") as s:
        yield s


def _import(store, name):
    hits, _ = import_path(fixture_path("ris", name))
    return import_hits(store, hits, label=name)


def _wang(store):
    (record_id,) = store.records_with("doi", WANG_DOI)
    return store.get(record_id)


def test_embase_then_web_of_science_keeps_the_pmid_and_both_abstracts(store):
    embase = _import(store, "embase_SYNTHETIC.ris")
    wos = _import(store, "wos_SYNTHETIC.ris")
    assert (embase.new, embase.merged, embase.updated) == (2, 0, 0)
    assert (wos.new, wos.merged, wos.updated) == (1, 1, 0)  # a duplicate removed, not an update
    wang = _wang(store)
    assert wang.record.ids.pmid == "31908418"
    assert store.records_with("pmid", "31908418") == [wang.id]
    assert wang.sources == ("ris:Embase", "ris:Web of Science")
    abstracts = {h.source: h.abstract for h in store.hits_of(wang.id)}
    assert abstracts["ris:Embase"].startswith("Background: Disease-modifying anti-rheumatic drugs")
    assert abstracts["ris:Web of Science"].startswith("Background: The response of rheumatoid arthritis")
    # the rule: two RIS databases have one rank, the longest complete abstract wins
    assert wang.record.abstract == max(abstracts.values(), key=len)


@pytest.mark.parametrize("order", [("embase_SYNTHETIC.ris", "wos_SYNTHETIC.ris"),
                                   ("wos_SYNTHETIC.ris", "embase_SYNTHETIC.ris")])
def test_the_merged_record_does_not_depend_on_import_order(tmp_path, order):
    with Store(tmp_path / "a.sqlite") as store:
        for name in order:
            _import(store, name)
        merged = _wang(store).record
    with Store(tmp_path / "b.sqlite") as store:
        for name in reversed(order):
            _import(store, name)
        assert _wang(store).record == merged


def test_prisma_identification_counts_per_database(store):
    for name in ("embase_SYNTHETIC.ris", "wos_SYNTHETIC.ris", "scopus_SYNTHETIC.ris", "cochrane_central_SYNTHETIC.ris"):
        _import(store, name)
    counts = store.identification()
    per_source = {s.source: (s.label, s.kind, s.identified, s.registry_records) for s in counts.sources}
    assert per_source == {"ris:CENTRAL": ("CENTRAL", "database", 2, 1), "ris:Embase": ("Embase", "database", 2, 0),
                          "ris:Scopus": ("Scopus", "database", 2, 0),
                          "ris:Web of Science": ("Web of Science", "database", 2, 0)}
    # Wang (Embase + WoS) and Ghoryani (Scopus + CENTRAL) are found twice
    assert (counts.identified, counts.duplicates_removed, counts.records) == (8, 2, 6)
    assert counts.registry_records == 1
    assert counts.to_dict()["sources"][0] == {"source": "ris:CENTRAL", "label": "CENTRAL", "kind": "database",
                                              "identified": 2, "registry_records": 1}
    assert store.counts()["identified"] == {"ris:CENTRAL": 2, "ris:Embase": 2, "ris:Scopus": 2,
                                            "ris:Web of Science": 2}


def test_a_register_source_is_counted_as_a_register(store):
    from corpus.ctgov import parse_ctgov_json

    store.add_hits(parse_ctgov_json(fixture_path("ctgov", "study_NCT00763412_with_results.json").read_bytes()))
    (source,) = store.identification().registers
    assert (source.source, source.label, source.identified, source.registry_records) == (
        "ctgov", "ClinicalTrials.gov", 1, 1)


def test_a_central_registry_record_is_a_register_record_with_its_condition_and_intervention(store):
    _import(store, "cochrane_central_SYNTHETIC.ris")
    (record_id,) = store.records_with("nct", "NCT01547091")
    record = store.get(record_id).record
    assert record.record_type == REGISTRY
    assert record.registry["conditions"] == ["rheumatoid arthritis"]
    assert record.registry["interventions"] == [{"type": None,
                                                 "name": "umbilical cord mesenchymal stem cells intravenously"}]
    assert record.registry["primary_outcomes"] == [{"measure": "ACR20 at 12 weeks"}]
    assert record.registry["register_url"] == "https://clinicaltrials.gov/show/NCT01547091"


def test_identifiers_are_never_removed(store):
    from corpus.records import Hit, Ids, Record

    first = Record("pubmed", "1", title="A trial of MSC", ids=Ids(pmid="1", doi="10.1/old"))
    store.add_hits([Hit(first, raw="{}", raw_format="test")])
    revised = Record("pubmed", "1", title="A trial of MSC", ids=Ids(pmid="1", doi="10.1/new"))
    assert store.add_hits([Hit(revised, raw="{}", raw_format="test")])[0].status == "updated"
    assert store.records_with("doi", "10.1/old") == ["1"] and store.records_with("doi", "10.1/new") == ["1"]
    assert store.get("1").record.ids.doi == "10.1/new"


def _old_layout_store(path, hits):
    """A store as trialsynth 0.1 wrote it: migrations 0001-0003, full JSON in parsed and merged."""
    import sqlite3

    from corpus import store as store_module
    from corpus.dedup import merge_hits, title_key

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, sql in store_module.MIGRATIONS[:3]:
        for statement in store_module._statements(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO migrations VALUES (?, '2025-01-01')", (name,))
    by_record: dict[str, list] = {}
    for record_id, source, hit in hits:
        rec = hit.record
        data = {**rec.to_dict(), "source": source}
        data.pop("record_type")
        conn.execute("INSERT INTO hits VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1)",
                     (source, rec.source_id, record_id, json.dumps(data), rec.fingerprint(), hit.raw_format, hit.raw,
                      rec.entry_date))
        by_record.setdefault(record_id, []).append(rec)
    for record_id, recs in by_record.items():
        merged = merge_hits(recs)
        data = {**merged.to_dict(), "source": "ris"}
        data.pop("record_type")
        conn.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, 1, 1)",
                     (record_id, json.dumps(data), title_key(merged), merged.year, merged.first_author))
        conn.execute("INSERT INTO extractions VALUES (?, 'x', '2025-01-01', '{}')", (record_id,))
    conn.close()


def test_an_old_store_is_migrated_and_reparse_names_each_database(tmp_path):
    """The old code had overwritten the Embase hit with the WoS one (same key "ris" + DOI); after the
    upgrade, reparse moves it to "ris:Web of Science", and importing Embase again brings the PMID back."""
    from corpus.reparse import reparse_store
    from corpus.ris import parse_ris

    wos = parse_ris(fixture_path("ris", "wos_SYNTHETIC.ris").read_text("utf-8"))
    path = tmp_path / "review.sqlite"
    _old_layout_store(path, [(f"doi:{h.record.ids.doi}", "ris", h) for h in wos])
    with Store(path) as store:
        assert store.counts()["identified"] == {"ris": 2}
        assert store.extraction(f"doi:{WANG_DOI}") is not None  # same title and abstract: kept
        counts = reparse_store(store)
        assert counts["updated"] == 2 and counts["skipped"] == 0
        assert store.counts()["identified"] == {"ris:Web of Science": 2}
        assert store.counts()["records"] == 2
        _import(store, "embase_SYNTHETIC.ris")
        assert _wang(store).record.ids.pmid == "31908418"
        assert store.identification().duplicates_removed == 1


def test_reparse_recomputes_merged_records_and_restores_lost_identifiers(store):
    from corpus.reparse import reparse_store

    _import(store, "embase_SYNTHETIC.ris")
    _import(store, "wos_SYNTHETIC.ris")
    wang = _wang(store)
    # what an older store held: the PMID neither in the merged record nor in the identifier index
    head = json.loads(store.conn.execute("SELECT merged FROM records WHERE id=?", (wang.id,)).fetchone()[0])
    head["ids"]["pmid"] = None
    store.conn.execute("UPDATE records SET merged=? WHERE id=?", (json.dumps(head), wang.id))
    store.conn.execute("DELETE FROM identifiers WHERE scheme='pmid'")
    assert store.get(wang.id).record.ids.pmid is None
    counts = reparse_store(store)
    assert counts["records_changed"] == 1 and counts["unchanged"] == 4
    assert store.get(wang.id).record.ids.pmid == "31908418"
    assert store.records_with("pmid", "31908418") == [wang.id]


def test_superscripts_reach_the_store_as_text_with_meaning(store):
    """A PubMed and a Europe PMC record with 10<sup>7</sup> in the abstract: 10^7 in the store."""
    from corpus.europepmc import parse_europepmc_json
    from corpus.pubmed import parse_pubmed_xml

    article = ("<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>90000001</PMID><Article>"
               "<ArticleTitle>CD4<sup>+</sup> cells after MSC</ArticleTitle><Abstract><AbstractText Label=\"METHODS\">"
               "Patients received 2 × 10<sup>7</sup> cells/kg; IL-1<i>β</i> fell.</AbstractText></Abstract>"
               "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    result = {"id": "90000002", "source": "MED", "pmid": "90000002", "title": "x<sub>i</sub> of MSC",
              "abstractText": "<h4>Methods</h4>Patients received 4 &#x000d7; 10<sup>7</sup> cells.",
              "pubYear": "2020"}
    pubmed = parse_pubmed_xml(article)
    europepmc = parse_europepmc_json(json.dumps({"resultList": {"result": [result]}}))
    store.add_hits(pubmed + europepmc)
    assert store.get("90000001").record.abstract == "METHODS\nPatients received 2 × 10^7 cells/kg; IL-1β fell."
    assert store.get("90000001").record.title == "CD4+ cells after MSC"
    assert store.get("90000002").record.abstract == "Methods\nPatients received 4 × 10^7 cells."
    assert store.get("90000002").record.title == "x_i of MSC"
    assert "<sup>7</sup>" in pubmed[0].raw  # the raw payload is unchanged

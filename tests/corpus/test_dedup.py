"""Matching and merging as pure functions: records and candidates in, decisions out (no store)."""
from __future__ import annotations

import itertools

from corpus import dedup
from corpus.dedup import Candidate, match_by_ids, match_by_title, merge, title_keys, title_skeleton
from corpus.records import REGISTRY, AbstractSection, Ids, Record, normalise_title


def cand(record_id: str, title: str = "", year: int | None = None, author: str | None = None, **ids) -> Candidate:
    return Candidate(record_id, normalise_title(title), year, author,
                     {k: frozenset(v if isinstance(v, (set, frozenset, tuple, list)) else {v}) for k, v in ids.items()})


TITLE = "Umbilical cord MSC therapy for rheumatoid arthritis: a phase I/II study"


def test_dedup_imports_no_store():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(dedup))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and m.startswith("corpus.store") for m in imported)


def test_match_by_ids_in_identifier_order_and_never_across_conflicts():
    record = Record("europepmc", "MED:7", ids=Ids(pmid="7", doi="10.9/x"))
    found = [("pmid", cand("7", pmid="7")), ("doi", cand("doi:10.9/x", doi="10.9/x")),
             ("doi", cand("other", doi="10.9/x", pmid="8"))]
    assert match_by_ids(record, found) == ["7", "doi:10.9/x"]  # 'other' has another PMID


def test_the_registry_link_joins_a_paper_and_its_register_entry_not_two_papers():
    paper = Record("pubmed", "11", ids=Ids(pmid="11", nct=("NCT01234567",)))
    found = [("nct", cand("10", pmid="10", nct="NCT01234567")), ("nct", cand("NCT01234567", nct="NCT01234567"))]
    assert match_by_ids(paper, found) == ["NCT01234567"]


def test_match_by_title_rules():
    record = Record("ris:Embase", "r", title=TITLE, year=2020, authors=("Wang L",))
    near = cand("a", TITLE.replace(":", " -"), 2019, "wang")
    other_author = cand("b", TITLE, 2020, "park")
    far_year = cand("c", TITLE, 2017, "wang")
    no_author_other_year = cand("d", TITLE, 2019, None)
    no_author_same_year = cand("e", TITLE, 2020, None)
    assert match_by_title(record, [other_author, far_year, no_author_other_year]) == []
    assert match_by_title(record, [near]) == ["a"]
    assert match_by_title(record, [no_author_same_year]) == ["e"]
    conflicting = cand("f", TITLE, 2020, "wang", doi="10.1/other")
    assert match_by_title(Record("ris", "s", title=TITLE, year=2020, authors=("Wang L",), ids=Ids(doi="10.1/mine")),
                          [conflicting]) == []


def test_title_skeleton_folds_spellings_plurals_and_function_words():
    assert title_skeleton("randomised trials of the cells in paediatric tumours") == \
        title_skeleton("randomized trial of cells in pediatric tumors") == "randomized trial cell pediatric tumor"


def test_title_keys_are_the_skeleton_its_start_and_its_end():
    long = "mesenchymal stem cell therapy for rheumatoid arthritis a prospective phase i ii study in china"
    skeleton = title_skeleton(long)
    assert title_keys(long) == tuple(sorted({skeleton, skeleton[:40].rstrip(), skeleton[-40:].lstrip()}))
    assert title_keys("short title") == ("short title",) and title_keys("the of") == ()
    # one change near the start leaves the end key; one near the end leaves the start key
    assert set(title_keys("x" + long[1:])) & set(title_keys(long))
    assert set(title_keys(long[:-2] + "xx")) & set(title_keys(long))


def _hits() -> list[Record]:
    return [
        Record("ris:Embase", "10.2147/x", title="Title from Embase", abstract="Embase abstract, the longer one.",
               authors=("Wang L",), year=2019, ids=Ids(doi="10.2147/x", pmid="31908418"), keywords=("MSC",)),
        Record("ris:Web of Science", "10.2147/x", title="Title from WoS", abstract="WoS abstract.",
               authors=("Wang L",), year=2019, volume="13", ids=Ids(doi="10.2147/x"), keywords=("RA",)),
        Record("ctgov", "NCT01547091", title="Registry title", abstract="Brief summary of the trial, long long long.",
               year=2012, ids=Ids(nct=("NCT01547091",)), registry={"status": "COMPLETED"}, record_type=REGISTRY),
    ]


def test_a_merge_only_adds_and_does_not_depend_on_order():
    results = [merge(list(order)).record for order in itertools.permutations(_hits())]
    assert all(r == results[0] for r in results)
    record = results[0]
    assert record.ids == Ids(pmid="31908418", doi="10.2147/x", nct=("NCT01547091",))  # no identifier dropped
    assert record.title == "Title from Embase"  # RIS databases before CT.gov; then by source name
    assert record.volume == "13"  # never an empty value over a filled one
    assert record.keywords == ("MSC", "RA") and record.registry == {"status": "COMPLETED"}
    assert record.record_type == "publication" and record.year == 2019


def test_the_abstract_rule():
    embase, wos, ctgov = _hits()
    # the same rank (two RIS databases): the longest complete abstract
    assert merge([wos, embase]).abstract_from is embase
    # a complete abstract beats a truncated one, whatever its source
    pubmed_cut = Record("pubmed", "31908418", abstract="A long PubMed abstract that was cut (ABSTRACT TRUNCATED AT 250 WORDS)")
    assert merge([pubmed_cut, wos]).abstract_from is wos
    pubmed = Record("pubmed", "31908418", abstract="Short.",
                    abstract_sections=(AbstractSection("", "Short."),))
    merged = merge([pubmed, embase, ctgov])
    assert merged.abstract_from is pubmed and merged.record.abstract_sections == pubmed.abstract_sections
    assert merge([ctgov]).record.abstract == ctgov.abstract  # a register entry's summary when nothing else


def test_a_register_entry_alone_is_a_registry_record():
    assert merge([_hits()[2]]).record.record_type == REGISTRY

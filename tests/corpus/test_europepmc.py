"""Europe PMC parsing (recorded real search responses) and request logic (a real server on 127.0.0.1)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from corpus.europepmc import (PARSER_VERSION, EuropePmcSource, parse_abstract_html, parse_europepmc_json,
                              parse_search_json)
from corpus.http import HttpClient
from corpus.records import AbstractSection
from corpus.source import Known
from tests.loopback import LoopbackServer
from corpus.errors import HarvestError, MalformedResponseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "europepmc"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_id(hits):
    return {h.record.source_id: h for h in hits}


# --- parsing -------------------------------------------------------------------------------

def test_parser_version():
    assert PARSER_VERSION == "europepmc-3"


def test_core_page_hits_cursor_and_count():
    hits, cursor, count = parse_search_json(fixture("search_core_cancer_page1.min.json"))
    assert len(hits) == 25 and count == 5059039
    assert cursor == "AoIIP4ZawSg1MzEyODI1MA=="
    assert all(h.raw_format == "europepmc-json" and h.record.source == "europepmc" for h in hits)
    assert hits[0].record.source_id == "MED:39709209"
    assert sum(1 for h in hits if h.record.abstract) == 21
    assert parse_europepmc_json(fixture("search_core_cancer_page1.min.json"))[3].record == hits[3].record


def test_core_h4_headings_become_labelled_sections():
    rec = by_id(parse_europepmc_json(fixture("search_core_cancer_page1.min.json")))["MED:40468710"].record
    assert [s.label for s in rec.abstract_sections] == ["Objective", "Design", "Methods", "Results", "Conclusions"]
    assert rec.abstract.startswith("Objective\nThis study investigated whether psychological flexibility")
    assert "\nDesign\nThis was an online, prospective" in rec.abstract
    assert rec.abstract == "\n".join(f"{s.label}\n{s.text}" for s in rec.abstract_sections)
    results = rec.abstract_sections[3].text
    assert "(at p\u2009<\u2009.001) predicted" in results  # a literal '<' stays text; U+2009 is kept
    assert "<h4>" not in rec.abstract and "  " not in rec.abstract
    assert rec.title == ("The role of psychological flexibility in relation to health outcomes in people in "
                         "remission from cancer.")


def test_core_fields_ids_types_openness():
    hits = by_id(parse_europepmc_json(fixture("search_core_cancer_page1.min.json")))
    rec = hits["MED:40437959"].record
    assert rec.ids.pmid == "40437959" and rec.ids.pmcid == "PMC12120539" and rec.ids.doi == "10.1002/hpja.70059"
    assert rec.is_open_access
    assert rec.publication_types == ("research-article", "Journal Article")
    assert rec.authors[:2] == ("Kwok C", "Xu X")
    assert rec.journal == "Health Promot J Austr" and rec.year == 2025 and rec.language == "eng"
    assert (rec.pub_date, rec.entry_date) == ("2025-07-01", "2025-05-31")
    assert "Neoplasms" in rec.mesh_terms and rec.keywords[:2] == ("Chinese", "Cancer Screening")
    assert rec.abstract_sections[0] == AbstractSection("Issue addressed", rec.abstract_sections[0].text)
    closed = hits["MED:39709208"].record
    assert closed.ids.pmcid == "PMC12124214" and not closed.is_open_access
    assert hits["MED:39709209"].record.ids.doi == "10.1016/s0140-6736(24)02600-x"
    sub = hits["MED:40511629"].record
    assert "Hydrogen sulfide (H_2S) is of particular interest" in sub.abstract  # <sub>2</sub> is _2 (corpus.markup)
    unstructured = hits["MED:40476859"].record
    assert [s.label for s in unstructured.abstract_sections] == [""]  # mid-text <b>Keywords:</b> is no heading
    assert "Keywords: Molecular Imaging" in unstructured.abstract


def test_raw_round_trip_gives_the_same_fingerprint():
    for hit in parse_europepmc_json(fixture("search_core_cancer_page1.min.json")):
        again = parse_europepmc_json(json.dumps({"resultList": {"result": [json.loads(hit.raw)]}}))[0]
        assert again.record.fingerprint() == hit.record.fingerprint()
        assert again.raw == hit.raw


def test_lite_results():
    hits, cursor, count = parse_search_json(fixture("search_lite_cancer_page1.json"))
    assert len(hits) == 25 and count == 5059039 and cursor == "AoIIP4ZawSg1MzEyODI1MA=="
    rec = hits[0].record
    assert rec.source_id == "MED:39709209" and rec.abstract == "" and not rec.is_open_access
    assert rec.authors == ("Schoenfeld JD", "Haas-Kogan DA", "O'Neill AF")  # from authorString
    assert rec.journal == "Lancet" and rec.year == 2025 and rec.entry_date == "2024-12-22"
    assert rec.publication_types == ("journal article",)


def test_ext_id_lookup_pmcid_and_flat_pub_types():
    hits, cursor, count = parse_search_json(fixture("search_ext_id_pmid_20516115.json"))
    assert (len(hits), cursor, count) == (1, None, 1)
    rec = hits[0].record
    assert (rec.source_id, rec.ids.pmid, rec.ids.pmcid) == ("MED:20516115", "20516115", "PMC3040717")
    assert rec.ids.doi == "10.1158/0008-5472.can-09-4563" and not rec.is_open_access
    assert "research-article" in rec.publication_types and len(rec.authors) == 11


def test_no_results():
    assert parse_search_json(fixture("search_no_results.json")) == ([], None, 0)


def test_truncated_and_error_bodies_are_malformed():
    body = fixture("search_core_cancer_page1.min.json")
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        parse_search_json(body[: len(body) // 2])
    with pytest.raises(MalformedResponseError, match="Internal error"):
        parse_search_json('{"errCode":500,"errMsg":"Internal error"}')
    with pytest.raises(MalformedResponseError, match="resultList"):
        parse_search_json('{"version":"6.9"}')


def test_abstract_html_bold_heading_and_empty():
    sections = parse_abstract_html("<p><b>Background:</b> Text one.</p><p><b>Methods</b> Text two &amp; more.</p>")
    assert sections == (AbstractSection("Background", "Text one."), AbstractSection("Methods", "Text two & more."))
    assert parse_abstract_html("") == () and parse_abstract_html(None) == ()
    assert parse_abstract_html("<h3>Aim</h3>a<1 year") == (AbstractSection("Aim", "a<1 year"),)


# --- request logic against a local server ----------------------------------------------------

JATS = (FIXTURES / "fulltext_PMC4359699.xml").read_text("utf-8")


def result(n: int, *, oa: bool = False, pmcid: str | None = None) -> dict:
    out = {"id": str(1000 + n), "source": "MED", "pmid": str(1000 + n), "title": f"Trial {n}.",
           "pubYear": "2020", "firstIndexDate": "2020-01-01", "isOpenAccess": "Y" if oa else "N"}
    if pmcid:
        out["pmcid"] = pmcid
    return out


class FakeEuropePmc(LoopbackServer):
    """/search over `results` in pages of `size` (cursors "c<start>"), /{PMCID}/fullTextXML from `fulltexts`."""

    def __init__(self, results: list[dict], size: int = 2, fulltexts: dict[str, str] | None = None):
        super().__init__()
        self.results, self.size, self.fulltexts = results, size, fulltexts or {}
        self.base = self.url("rest")

    def endpoint(self, path: str) -> str:
        return "fulltext" if path.endswith("/fullTextXML") else "search"

    def answer(self, method: str, endpoint: str, path: str, params: dict[str, str]) -> tuple[int, str, str]:
        if endpoint == "fulltext":
            xml = self.fulltexts.get(path.rsplit("/", 2)[-2])
            return (200, xml, "application/xml") if xml is not None else (404, "", "application/xml")
        cursor = params.get("cursorMark", "*")
        start = 0 if cursor == "*" else int(cursor[1:])
        page = self.results[start:start + self.size]
        out: dict = {"version": "6.9", "hitCount": len(self.results), "resultList": {"result": page}}
        if page:  # the real API repeats the cursor on the last page
            out["nextCursorMark"] = f"c{start + self.size}" if start + self.size < len(self.results) else cursor
        return 200, json.dumps(out), "application/json"

    def searches(self) -> list[dict[str, str]]:
        return [r.params for r in self.requests if r.path.endswith("/search")]


def make_source(api: FakeEuropePmc, **kwargs) -> EuropePmcSource:
    client = HttpClient(min_interval=0, backoff_base=0.01, max_retries=2, timeout=5)
    return EuropePmcSource(client, base=api.base, **kwargs)


def test_cursor_paging_over_two_pages_then_stop():
    with FakeEuropePmc([result(i) for i in range(4)], size=2) as api:
        batches = list(make_source(api, page_size=2).harvest("cancer", None, Known()))
    assert [len(b.hits) for b in batches] == [2, 2] and all(b.total == 4 for b in batches)
    assert [b.hits[0].record.source_id for b in batches] == ["MED:1000", "MED:1002"]
    searches = api.searches()
    assert [s["cursorMark"] for s in searches] == ["*", "c2"]  # the repeated cursor on page 2 ends paging
    assert searches[0] == {"query": "cancer", "format": "json", "resultType": "core", "pageSize": "2",
                           "cursorMark": "*"}


def test_since_adds_first_idate_clause_and_page_size_is_capped():
    with FakeEuropePmc([result(0)]) as api:
        list(make_source(api, page_size=5000).harvest("stem cells AND arthritis", "2024-06-01", Known()))
    search = api.searches()[0]
    assert search["query"] == "(stem cells AND arthritis) AND (FIRST_IDATE:[2024-06-01 TO 3000-12-31])"
    assert search["pageSize"] == "1000"


def test_zero_hits_is_one_request():
    with FakeEuropePmc([]) as api:
        assert list(make_source(api).harvest("nothing", None, Known())) == []
    assert len(api.requests) == 1


def test_fulltext_fetched_for_open_access_and_skipped_when_known():
    results = [result(0, oa=True, pmcid="PMC11"), result(1, oa=False, pmcid="PMC12"), result(2, oa=True)]
    with FakeEuropePmc(results, size=10, fulltexts={"PMC11": JATS, "PMC12": JATS}) as api:
        api.faults["fulltext"].append(("body", JATS[:500]))  # truncated XML: retried by the client
        batches = list(make_source(api).harvest("q", None, Known()))
        fetched = [r.path for r in api.requests if r.path.endswith("/fullTextXML")]
        assert len(batches) == 1 and len(batches[0].hits) == 3
        [text] = batches[0].fulltexts
        assert (text.pmcid, text.source, text.xml) == ("PMC11", "europepmc", JATS)
        assert fetched == ["/rest/PMC11/fullTextXML"] * 2

        api.requests.clear()
        batches = list(make_source(api).harvest("q", None, Known(has_fulltext=lambda p: p == "PMC11")))
        assert batches[0].fulltexts == ()
        assert not [r.path for r in api.requests if r.path.endswith("/fullTextXML")]

        api.requests.clear()
        batches = list(make_source(api, fetch_fulltext=False).harvest("q", None, Known()))
        assert batches[0].fulltexts == () and len(api.requests) == 1


def test_missing_fulltext_is_logged_and_recorded_as_unavailable(caplog):
    results = [result(0, oa=True, pmcid="PMC404"), result(1, oa=True, pmcid="PMC11")]
    with FakeEuropePmc(results, size=10, fulltexts={"PMC11": JATS}) as api:
        with caplog.at_level(logging.WARNING, logger="trialsynth.europepmc"):
            batches = list(make_source(api).harvest("q", None, Known()))
    assert len(batches) == 1 and len(batches[0].hits) == 2
    assert [(t.pmcid, bool(t.xml)) for t in batches[0].fulltexts] == [("PMC404", False), ("PMC11", True)]
    assert any("PMC404" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_non_article_fulltext_is_retried_then_skipped(caplog):
    with FakeEuropePmc([result(0, oa=True, pmcid="PMC11")], fulltexts={"PMC11": JATS}) as api:
        api.faults["fulltext"].extend([("body", "<error>no</error>")] * 3)
        with caplog.at_level(logging.WARNING, logger="trialsynth.europepmc"):
            batches = list(make_source(api).harvest("q", None, Known()))
    assert batches[0].fulltexts == () and len(batches[0].hits) == 1
    assert sum(1 for r in api.requests if r.path.endswith("/fullTextXML")) == 3
    assert any("expected <article>" in r.getMessage() for r in caplog.records)


def test_search_error_body_is_retried_then_raises():
    with FakeEuropePmc([result(0)]) as api:
        api.faults["search"].append(("body", '{"errCode":500,"errMsg":"Internal error"}'))
        assert len(list(make_source(api).harvest("q", None, Known()))) == 1
        api.faults["search"].extend([("body", '{"errCode":500,"errMsg":"Internal error"}')] * 3)
        with pytest.raises(HarvestError, match="Internal error"):
            list(make_source(api).harvest("q", None, Known()))


def test_volume_issue_and_pages_are_read():
    record = by_id(parse_europepmc_json(fixture("search_core_cancer_page1.min.json")))["MED:39709209"].record
    assert (record.volume, record.issue, record.pages) == ("404", "10471", "2603-2604")
    lite = by_id(parse_europepmc_json(fixture("search_lite_cancer_page1.json")))["MED:39709209"].record
    assert (lite.volume, lite.pages) == (None, "2603-2604")  # lite results carry pageInfo only

"""PubMed parsing (recorded real EFetch responses) and request logic (a real server on 127.0.0.1)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from corpus.http import HttpClient
from corpus.pubmed import (PARSER_VERSION, PubMedSource, parse_esearch_xml, parse_medline_date,
                           parse_pubmed_xml, split_date_range)
from corpus.records import AbstractSection
from corpus.source import Known
from tests.fakeapi import FakeApis, FakeData
from corpus.errors import HarvestError, InputError, MalformedResponseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pubmed"
EFETCH_FILES = ["efetch_rct_structured_28731372.xml", "efetch_rct_structured_22663011.xml",
                "efetch_season_date_23657305.xml", "efetch_two_articles_batch.xml",
                "efetch_observational_structured_pubmed5.xml", "efetch_medlinedate_SYNTHETIC.xml"]
SECRET = "k3y-SECRET-0123456789abcdef"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def one(name: str):
    hits = parse_pubmed_xml(fixture(name))
    assert len(hits) == 1
    return hits[0].record


# --- parsing -------------------------------------------------------------------------------

def test_parser_version():
    assert PARSER_VERSION == "pubmed-3"


def test_rct_structured_abstract_ids_and_thin_space():
    hit = parse_pubmed_xml(fixture("efetch_rct_structured_28731372.xml"))[0]
    rec = hit.record
    assert hit.raw_format == "pubmed-xml" and hit.raw.startswith("<PubmedArticle")
    assert (rec.source, rec.source_id, rec.ids.pmid) == ("pubmed", "28731372", "28731372")
    assert rec.title.startswith("Exploring the effect of vitamin D_3 supplementation")  # <sub>3</sub> is _3
    assert [s.label for s in rec.abstract_sections] == ["BACKGROUND", "OBJECTIVES", "METHODS", "RESULTS",
                                                         "CONCLUSION"]
    methods = rec.abstract_sections[2].text
    assert "n\u2009=\u200930" in methods and "14,000\u2009IU/day" in methods  # U+2009 kept as is
    assert "\n" not in methods and "  " not in methods
    assert rec.abstract.startswith("BACKGROUND\nEpstein-Barr virus")
    assert "\nMETHODS\nThis study utilized" in rec.abstract
    assert rec.abstract == "\n".join(f"{s.label}\n{s.text}" for s in rec.abstract_sections)
    assert rec.ids.pmcid == "PMC6108041" and rec.is_open_access
    assert rec.ids.doi == "10.1177/1352458517722646"
    assert "Randomized Controlled Trial" in rec.publication_types
    assert rec.authors[:2] == ("Rolf L", "Muris AH") and "Du Pasquier R" in rec.authors
    assert rec.journal == "Mult Scler"
    assert (rec.year, rec.pub_date, rec.entry_date, rec.language) == (2018, "2018-09", "2017-07-22", "eng")
    assert "Epstein–Barr virus" in rec.keywords and "Cholecalciferol" in rec.mesh_terms
    assert rec.registry == {}


def test_databank_nct_and_full_pub_date():
    rec = one("efetch_rct_structured_22663011.xml")
    assert rec.ids.nct == ("NCT01245062",)
    assert rec.ids.doi == "10.1056/nejmoa1203421" and rec.ids.pmcid is None and not rec.is_open_access
    assert (rec.year, rec.pub_date, rec.entry_date) == (2012, "2012-07-12", "2012-06-06")
    assert rec.journal == "N Engl J Med" and rec.authors[0] == "Flaherty KT"
    assert rec.abstract_sections[-1].label == "CONCLUSIONS"


def test_season_date_gives_first_month():
    rec = one("efetch_season_date_23657305.xml")
    assert (rec.year, rec.pub_date) == (2013, "2013-01")
    assert rec.entry_date == "2013-05-10"
    assert rec.authors[0] == "Costa-Matos L" and "Girão F" in rec.authors


def test_two_article_batch_with_old_record():
    hits = parse_pubmed_xml(fixture("efetch_two_articles_batch.xml"))
    assert [h.record.source_id for h in hits] == ["17284678", "9997"]
    old = hits[1].record
    assert (old.year, old.pub_date, old.entry_date) == (1976, "1976-09-28", "1976-09-28")
    assert old.ids.doi is None and old.ids.pmcid is None and old.authors == ("Strekas TC",)
    assert old.abstract_sections == (AbstractSection("", old.abstract),)  # unlabelled: text only
    assert hits[0].record.ids.pmcid == "PMC1800922"


def test_empty_set_gives_no_hits():
    assert parse_pubmed_xml(fixture("efetch_empty_set_37909814.xml")) == []


def test_observational_record():
    rec = one("efetch_observational_structured_pubmed5.xml")
    assert rec.source_id == "28775130" and rec.ids.pmcid == "PMC5771820"
    assert "Randomized Controlled Trial" not in rec.publication_types
    assert rec.abstract_sections[0].label == "OBJECTIVES"
    assert rec.keywords[0] == "agriculture" and rec.pub_date == "2018-02"


def test_synthetic_medline_date_and_author_rules():
    rec = one("efetch_medlinedate_SYNTHETIC.xml")
    assert (rec.year, rec.pub_date) == (1998, "1998-12")
    assert rec.title == "A randomised trial of drug X versus placebo in H_2O-deprived patients."
    assert rec.authors == ("Doe JA", "Synthetic Trial Group")  # ValidYN="N" skipped, CollectiveName kept
    assert rec.journal == "Journal of Synthetic Trials"  # no MedlineTA, no ISOAbbreviation
    assert rec.ids.doi == "10.9999/synth.1998.001"  # from ELocationID
    assert rec.ids.nct == ("NCT00000102",)  # found in the abstract text
    assert rec.entry_date == "1999-01-05"  # no entrez date: the pubmed date


@pytest.mark.parametrize("text,expected", [("1998 Dec-1999 Jan", (1998, 12)), ("2000 Spring", (2000, 3)),
                                           ("1999-2000", (1999, None)), ("2001 Nov 5-12", (2001, 11)),
                                           ("", (None, None))])
def test_parse_medline_date(text, expected):
    assert parse_medline_date(text) == expected


@pytest.mark.parametrize("name", EFETCH_FILES)
def test_raw_round_trip_gives_same_record(name):
    for hit in parse_pubmed_xml(fixture(name)):
        again = parse_pubmed_xml(f"<PubmedArticleSet>{hit.raw}</PubmedArticleSet>")
        assert len(again) == 1
        assert again[0].record == hit.record
        assert again[0].record.fingerprint() == hit.record.fingerprint()


def test_str_input_with_encoding_declaration():
    text = fixture("efetch_season_date_23657305.xml").decode("utf-8")
    text = text.replace('<?xml version="1.0" ?>', '<?xml version="1.0" encoding="UTF-8"?>')
    assert parse_pubmed_xml(text)[0].record.source_id == "23657305"


@pytest.mark.parametrize("body", [
    fixture("efetch_rct_structured_28731372.xml")[: len(fixture("efetch_rct_structured_28731372.xml")) // 2],
    b"", b"not xml at all", b'{"error":"API rate limit exceeded"}'])
def test_truncated_or_malformed_body_raises(body):
    with pytest.raises(MalformedResponseError, match="malformed"):
        parse_pubmed_xml(body)


def test_error_body_and_wrong_root_raise():
    with pytest.raises(MalformedResponseError, match="Empty id list"):
        parse_pubmed_xml(b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>")
    with pytest.raises(MalformedResponseError, match="expected <PubmedArticleSet>"):
        parse_pubmed_xml(fixture("esearch_phrase_not_found.xml"))


def test_billion_laughs_is_not_expanded():
    lol = "".join(f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10))
    doc = (f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY lol0 "lol">{lol}]>'
           "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
           "<ArticleTitle>Title &lol9; end</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
           "</PubmedArticleSet>")
    try:
        hits = parse_pubmed_xml(doc.encode())
    except MalformedResponseError:
        return  # refusing the document is as good as not expanding it
    assert hits[0].record.title == "Title end"
    assert len(hits[0].raw) < 1000


def test_external_entity_is_not_read(tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET-CONTENT")
    doc = (f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "{secret_file.as_uri()}">'
           '<!ENTITY p SYSTEM "file:///etc/passwd">]>'
           "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>2</PMID><Article>"
           "<ArticleTitle>A &x; B &p;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
           "</PubmedArticleSet>")
    try:
        hits = parse_pubmed_xml(doc)
    except MalformedResponseError:
        return
    assert hits[0].record.title == "A B"
    assert "TOP-SECRET" not in hits[0].raw and "root:" not in hits[0].raw


def test_parse_esearch_bodies():
    count, ids, webenv, key = parse_esearch_xml(fixture("esearch_usehistory_webenv.xml"))
    assert (count, len(ids), ids[0], webenv, key) == (42249, 100, "41297076", "MCID_6927d6e7fee3e90f880ec190", "1")
    assert parse_esearch_xml(fixture("esearch_phrase_not_found.xml")) == (0, [], None, None)
    with pytest.raises(MalformedResponseError, match="Invalid db name specified: fleegle"):
        parse_esearch_xml(fixture("esearch_invalid_db_error.xml"))
    with pytest.raises(MalformedResponseError):
        parse_esearch_xml(fixture("esearch_usehistory_webenv.xml")[:500])


def test_split_date_range():
    first, second = split_date_range(dt.date(2020, 1, 1), dt.date(2020, 1, 10))
    assert first == (dt.date(2020, 1, 1), dt.date(2020, 1, 5))
    assert second == (dt.date(2020, 1, 6), dt.date(2020, 1, 10))
    assert split_date_range(dt.date(2020, 1, 1), dt.date(2020, 1, 2)) == (
        (dt.date(2020, 1, 1), dt.date(2020, 1, 1)), (dt.date(2020, 1, 2), dt.date(2020, 1, 2)))
    with pytest.raises(ValueError):
        split_date_range(dt.date(2020, 1, 1), dt.date(2020, 1, 1))


# --- request logic against a real server on 127.0.0.1 ----------------------------------------

ARTICLES: list[tuple[str, str, str]] = []  # (pmid, entry date, <PubmedArticle> text), search order
for _name in EFETCH_FILES:
    for _hit in parse_pubmed_xml(fixture(_name)):
        ARTICLES.append((_hit.record.source_id, _hit.record.entry_date or "1900-01-01", _hit.raw))
ALL_IDS = [a[0] for a in ARTICLES]


class FakeEutils(FakeApis):
    """FakeApis' ESearch/EFetch over ARTICLES at `base` (.../eutils/); WebEnv histories "MCID_test<n>"."""

    def __init__(self):
        super().__init__(FakeData(pubmed=ARTICLES), webenv_prefix="MCID_test")
        self.base = self.url("eutils")


@pytest.fixture
def api():
    with FakeEutils() as server:
        yield server


def make_source(api, **kwargs) -> PubMedSource:
    client = HttpClient(min_interval=0, backoff_base=0.01, max_retries=2, timeout=5)
    return PubMedSource(client, base=api.base, email="me@example.org", **kwargs)


def test_nothing_new_makes_one_request(api):
    source = make_source(api)
    assert list(source.harvest("vitamin d", None, Known(source_ids=frozenset(ALL_IDS)))) == []
    assert [(r.method, r.endpoint) for r in api.requests] == [("GET", "esearch")]
    params = api.requests[0].params
    assert params["db"] == "pubmed" and params["term"] == "vitamin d" and params["usehistory"] == "y"
    assert params["retmax"] == "9999" and params["tool"] == "trialsynth" and params["email"] == "me@example.org"
    assert "mindate" not in params and "api_key" not in params


def test_all_new_pages_through_webenv(api):
    source = make_source(api, batch_size=2, api_key=SECRET)
    batches = list(source.harvest("q", None, Known()))
    assert [h.record.source_id for b in batches for h in b.hits] == ALL_IDS
    assert [b.total for b in batches] == [len(ALL_IDS)] * 4
    assert [(r.method, r.endpoint) for r in api.requests] == [("GET", "esearch")] + [("GET", "efetch")] * 4
    fetches = [r.params for r in api.requests if r.endpoint == "efetch"]
    assert [p["retstart"] for p in fetches] == ["0", "2", "4", "6"]
    assert all(p["WebEnv"] == "MCID_test0" and p["query_key"] == "1" and p["retmax"] == "2" for p in fetches)
    assert all(r.params["api_key"] == SECRET and r.params["tool"] == "trialsynth" for r in api.requests)


def test_some_known_posts_id_lists(api):
    known = Known(source_ids=frozenset(ALL_IDS[1::2]))
    source = make_source(api, batch_size=2)
    batches = list(source.harvest("q", None, known))
    new = ALL_IDS[0::2]
    assert [h.record.source_id for b in batches for h in b.hits] == new
    assert all(b.total == len(new) for b in batches)
    posts = [r.params for r in api.requests if r.endpoint == "efetch"]
    assert all(r.method == "POST" for r in api.requests if r.endpoint == "efetch")
    assert [p["id"] for p in posts] == [",".join(new[:2]), ",".join(new[2:])]
    assert all(p["db"] == "pubmed" and p["retmode"] == "xml" and "WebEnv" not in p for p in posts)


def test_since_searches_an_entry_date_window(api):
    source = make_source(api)
    batches = list(source.harvest("q", "2013-01-01", Known()))
    params = api.requests[0].params
    assert (params["datetype"], params["mindate"], params["maxdate"]) == ("edat", "2013/01/01", "3000/12/31")
    assert sorted(h.record.source_id for b in batches for h in b.hits) == ["23657305", "28731372", "28775130"]
    with pytest.raises(InputError, match="ISO date"):
        list(source.harvest("q", "01/02/2013", Known()))


def test_large_count_is_split_into_date_windows(api):
    source = make_source(api)
    source._search_limit = 2  # stands in for ESearch's 9,999 so that six records need windows
    batches = list(source.harvest("q", None, Known(source_ids=frozenset({"9997"}))))
    got = [h.record.source_id for b in batches for h in b.hits]
    assert sorted(got) == sorted(set(ALL_IDS) - {"9997"}) and len(got) == len(set(got))
    searches = [r.params for r in api.requests if r.endpoint == "esearch"]
    windows = [(p["mindate"], p["maxdate"]) for p in searches[1:]]
    assert windows[0] == ("1800/01/01", dt.date.today().strftime("%Y/%m/%d"))
    assert all(p["datetype"] == "edat" for p in searches[1:])
    assert all(r.method == "POST" for r in api.requests if r.endpoint == "efetch")


def test_phrase_not_found_is_zero_hits(api):
    api.faults["esearch"].append(("body", fixture("esearch_phrase_not_found.xml")))
    assert list(make_source(api).harvest("abcXYZ", None, Known())) == []
    assert len(api.requests) == 1


def test_esearch_error_body_raises_with_its_text(api):
    for _ in range(3):
        api.faults["esearch"].append(("body", fixture("esearch_invalid_db_error.xml")))
    with pytest.raises(HarvestError, match="Invalid db name specified: fleegle"):
        list(make_source(api).harvest("q", None, Known()))
    assert len(api.requests) == 3  # the client retried the rejected body, then gave up


def test_truncated_efetch_is_retried(api):
    body = api.efetch({"id": ",".join(ALL_IDS[:2])})
    api.faults["efetch"].append(("body", body[: len(body) // 2]))
    batches = list(make_source(api).harvest("q", None, Known()))
    assert [h.record.source_id for b in batches for h in b.hits] == ALL_IDS
    assert [r.endpoint for r in api.requests] == ["esearch", "efetch", "efetch"]


def test_api_key_never_shown(api):
    api.faults["esearch"].append(("status", 400, {}, f"<ERROR>bad request; api_key={SECRET} is not valid</ERROR>"))
    source = make_source(api, api_key=SECRET)
    assert SECRET not in repr(source) and "api_key=set" in repr(source)
    with pytest.raises(HarvestError) as info:
        list(source.harvest("q", None, Known()))
    assert "400" in str(info.value) and SECRET not in str(info.value)
    assert api.requests[0].params["api_key"] == SECRET


def test_constructor_defaults(monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", SECRET)
    monkeypatch.setenv("NCBI_EMAIL", "env@example.org")
    monkeypatch.setenv("TRIALSYNTH_PUBMED_URL", "http://127.0.0.1:9/mirror")
    source = PubMedSource(batch_size=5000)
    assert source.batch_size == 200 and source.base == "http://127.0.0.1:9/mirror/"
    assert source.client.min_interval == 0.1 and source.email == "env@example.org"
    assert SECRET not in repr(source) and SECRET not in repr(vars(source).get("client"))
    monkeypatch.delenv("NCBI_API_KEY")
    assert PubMedSource().client.min_interval == 0.34
    assert PubMedSource().base == "http://127.0.0.1:9/mirror/"


def test_parsed_raw_is_an_element():
    hit = parse_pubmed_xml(fixture("efetch_season_date_23657305.xml"))[0]
    assert etree.fromstring(hit.raw.encode()).tag == "PubmedArticle"


def test_volume_issue_and_pages_are_read():
    record = parse_pubmed_xml(fixture("efetch_rct_structured_22663011.xml"))[0].record
    assert (record.volume, record.issue, record.pages) == ("367", "2", "107-14")  # MEDLINE's own page range

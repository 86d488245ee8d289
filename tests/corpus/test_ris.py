"""RIS import: the export styles of Embase, Web of Science, Scopus and Cochrane CENTRAL (synthetic samples)."""
from __future__ import annotations

import pytest

from corpus.ris import parse_ris, ris_author
from tests.conftest import fixture_path
from corpus.errors import InputError


def _read(name: str) -> str:
    return fixture_path("ris", name).read_bytes().decode("utf-8")


def _records(name: str):
    return [h.record for h in parse_ris(_read(name), origin=name)]


def test_embase_export():
    hits = parse_ris(_read("embase_SYNTHETIC.ris"))
    article, conference = (h.record for h in hits)
    assert article.source == "ris:Embase"  # DB  - Embase (then DB  - Medline)
    assert article.title == ("Efficacy and safety of umbilical cord mesenchymal stem cell therapy for rheumatoid "
                             "arthritis patients: A prospective phase I/II study")  # continuation line joined
    assert article.abstract.startswith(
        "Background: Disease-modifying anti-rheumatic drugs have limited effects in some patients")
    assert "\n" not in article.abstract and "  " not in article.abstract
    assert article.authors == ("Wang L", "Huang S", "Li S", "Park EH")
    assert (article.year, article.pub_date) == (2019, "2019")
    assert article.journal == "Drug Des. Dev. Ther."  # JA preferred over JF
    # AN is the Embase accession (DB lists Embase), the PMID is in C5
    assert article.ids.pmid == "31908418" and article.ids.doi == "10.2147/dddt.s225613"
    assert article.source_id == "10.2147/dddt.s225613"
    assert article.keywords == ("umbilical cord mesenchymal stem cell", "rheumatoid arthritis", "DAS28")
    assert article.language == "English" and article.entry_date is None
    assert "Journal Article" in article.publication_types
    assert conference.publication_types == ("Conference Abstract",)
    assert conference.authors == ("Kim JH", "van der Berg A")
    assert conference.ids.nct == ("NCT03333681",)
    assert conference.ids.pmid is None and conference.ids.doi is None
    assert conference.source_id.startswith("ris:") and len(conference.source_id) == 4 + 16
    assert hits[0].raw_format == "ris"
    assert hits[0].raw.startswith("TY  - JOUR\n") and hits[0].raw.endswith("ER  - ")
    assert hits[1].raw.startswith("TY  - CONF") and "ER  - " not in hits[1].raw[:-6]


def test_web_of_science_export():
    first, second = _records("wos_SYNTHETIC.ris")
    assert first.authors == ("Wang L", "Huang S", "Li S", "Park EH")
    assert first.title.endswith("for Rheumatoid Arthritis Patients: A Prospective Phase I/II Study")
    assert first.journal == "Drug Des. Dev. Ther."  # J2 preferred over T2
    assert (first.year, first.pub_date) == (2019, "2019-12-23")
    assert first.ids.pmid is None  # "WOS:..." in AN is no PMID
    assert second.ids.doi == "10.1136/annrheumdis-2015-208918"
    assert second.publication_types == ("Journal Article",)


def test_scopus_export():
    park, ghoryani = _records("scopus_SYNTHETIC.ris")
    assert park.ids.doi == "10.1002/sctm.18-0031"  # only in the Scopus UR, URL-encoded
    assert park.ids.pmid == "29709012"  # C2 of a Scopus record
    assert park.authors == ("Park EH", "Lim HS", "Lee S")
    assert park.abstract.endswith(
        "received a single intravenous infusion of umbilical cord blood-derived mesenchymal stem cells.")
    assert park.publication_types == ("Journal Article", "Article")
    assert ghoryani.ids.doi is None and ghoryani.ids.pmid == "32411814"  # "PMID: ..." in N1
    assert ghoryani.source_id == "pmid:32411814"
    assert ghoryani.ids.pmcid == "PMC7204151"


def test_cochrane_central_export_with_bom_and_crlf():
    text = _read("cochrane_central_SYNTHETIC.ris")
    assert text.startswith("\ufeffTY  - JOUR\r\n")
    article, registry = (h.record for h in parse_ris(text))
    assert article.ids.pmid == "32411814"  # "AN  - PUBMED 32411814"
    assert article.ids.doi == "10.1155/2020/5487915"  # not the cochranelibrary.com URL
    assert article.authors[0] == "Ghoryani M"
    assert article.journal == "Journal of immunology research"
    assert article.abstract.endswith("Serum IL‐10 increased.") and "\r" not in article.abstract
    assert registry.ids.doi is None  # ".../central/doi/10.1002/central/CN-..." is no DOI of the study
    assert registry.ids.nct == ("NCT01547091",)
    assert registry.journal is None  # a registry entry's JO is a URL
    assert "Trial registry record" in registry.publication_types


@pytest.mark.parametrize("name, expected", [
    ("Wang, Lei", "Wang L"), ("Wang, L.", "Wang L"), ("Wang, L", "Wang L"), ("Park E.H.", "Park EH"),
    ("Park, Eun-Hye", "Park EH"), ("Park, E.-H.", "Park EH"), ("Park, Eun Hye", "Park EH"),
    ("Park EH", "Park EH"), ("van der Berg, Anna", "van der Berg A"), ("Smith, John, Jr.", "Smith J"),
    ("Özdemir, Çağrı", "Özdemir Ç"), ("CURE Study Group", "CURE Study Group"), ("  ", None),
])
def test_author_conversions(name, expected):
    assert ris_author(name) == expected


def test_tolerant_line_syntax_and_continuations():
    text = ("\n\nTY - JOUR\nTI  - A title that goes\n   on and on\nAU - Lee, Min\nPY  - 2017/03/05/\n"
            "AB  - First line.\nsecond   line.\nAB  - Second paragraph.\nER  -\n")
    (hit,) = parse_ris(text)
    rec = hit.record
    assert rec.title == "A title that goes on and on"
    assert rec.authors == ("Lee M",)
    assert (rec.year, rec.pub_date) == (2017, "2017-03-05")
    assert rec.abstract == "First line. second line. Second paragraph."
    assert hit.raw == text.strip()


def test_fallbacks_t1_st_n2_y1_jo():
    text = "TY  - JOUR\nST  - Short title\nN2  - An abstract.\nY1  - 2015/07//\nJO  - J Foo\nER  - \n"
    rec = parse_ris(text)[0].record
    assert (rec.title, rec.abstract, rec.year, rec.pub_date, rec.journal) == (
        "Short title", "An abstract.", 2015, "2015-07", "J Foo")


def test_pmid_from_an_of_a_medline_database_and_doi_from_n1():
    text = ("TY  - JOUR\nTI  - T\nDB  - Ovid MEDLINE(R)\nAN  - 31908418\nN1  - doi: 10.2147/DDDT.S225613.\n"
            "ER  - \nTY  - JOUR\nTI  - T\nDB  - PubMed\nC2  - 27957329\nER  - \n")
    first, second = (h.record for h in parse_ris(text))
    assert first.ids.pmid == "31908418" and first.ids.doi == "10.2147/dddt.s225613"
    assert second.ids.pmid == "27957329" and second.source_id == "pmid:27957329"


def test_doi_from_doi_org_url():
    text = "TY  - JOUR\nTI  - T\nUR  - https://doi.org/10.1002/IID3.106\nER  - \n"
    assert parse_ris(text)[0].record.ids.doi == "10.1002/iid3.106"


def test_hash_source_id_is_stable_and_depends_on_title_year_author():
    a = "TY  - JOUR\nTI  - Same  Title\nAU  - Kim, J\nPY  - 2020\nER  - \n"
    b = "TY  - JOUR\nTI  - same title.\nAU  - Kim J.\nPY  - 2020\nKW  - other\nER  - \n"
    c = a.replace("2020", "2021")
    ids = [parse_ris(t)[0].record.source_id for t in (a, b, c)]
    assert ids[0] == ids[1] != ids[2]


def test_missing_er_at_end_of_file_names_origin_and_line():
    text = "TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Two\nAB  - cut off"
    with pytest.raises(InputError, match=r"refs\.ris line 7: .*started on line 5.*Re-export") as info:
        parse_ris(text, origin="refs.ris")
    assert "RIS" in str(info.value)


def test_missing_er_before_next_record():
    text = "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n"
    with pytest.raises(InputError, match=r"x\.ris line 3: .*line 1 has no 'ER"):
        parse_ris(text, origin="x.ris")


@pytest.mark.parametrize("text", ["", "\ufeff\r\n\r\n", "Provider: nobody\nno records here\n"])
def test_text_without_records_is_an_input_error(text):
    with pytest.raises(InputError, match=r"empty\.ris line \d+: no RIS record found.*Re-export"):
        parse_ris(text, origin="empty.ris")


def test_tag_outside_a_record_is_an_input_error():
    with pytest.raises(InputError, match=r"f\.ris line 1: tag 'TI' stands outside a record"):
        parse_ris("TI  - lost its TY\nAU  - Kim, J\n", origin="f.ris")


def test_volume_issue_and_pages_are_read():
    by_tag = {r.volume: r for r in _records("embase_SYNTHETIC.ris") if r.volume}
    assert by_tag["13"].pages == "4331-4340"  # SP and EP
    scopus = _records("scopus_SYNTHETIC.ris")[0]
    assert (scopus.volume, scopus.issue) == ("7", "9")


# --- writing: rispy's writer under the same rules, read back by parse_ris --------------------

ROUND_TRIP_FIELDS = ("title", "abstract", "authors", "year", "journal", "volume", "issue", "pages", "ids", "keywords",
                     "language", "record_type")


@pytest.mark.parametrize("name", ["embase_SYNTHETIC.ris", "wos_SYNTHETIC.ris", "scopus_SYNTHETIC.ris",
                                  "cochrane_central_SYNTHETIC.ris"])
def test_dumps_ris_round_trip(name):
    from corpus.ris import dumps_ris

    records = _records(name)
    text = dumps_ris(records)
    assert not text.startswith("1.") and text.count("ER  - ") == len(records)
    for original, again in zip(records, (h.record for h in parse_ris(text)), strict=True):
        for field in ROUND_TRIP_FIELDS:
            assert getattr(again, field) == getattr(original, field), field
        assert set(original.publication_types) <= set(again.publication_types)


def test_dumps_ris_of_harvested_records_round_trips():
    from corpus.ctgov import parse_ctgov_json
    from corpus.pubmed import parse_pubmed_xml
    from corpus.ris import dumps_ris

    records = [h.record for h in parse_pubmed_xml(fixture_path("pubmed", "efetch_rct_structured_22663011.xml")
                                                  .read_bytes())]
    records += [h.record for h in parse_ctgov_json(fixture_path("ctgov", "study_NCT00763412_with_results.json")
                                                   .read_bytes())]
    again = [h.record for h in parse_ris(dumps_ris(records))]
    assert [r.ids for r in again] == [r.ids for r in records]
    assert [r.title for r in again] == [r.title for r in records]
    assert again[0].abstract == " ".join(records[0].abstract.split())  # sections on one line
    assert again[1].record_type == "registry"


def test_dumps_ris_keeps_each_value_on_one_line():
    from corpus.records import Record
    from corpus.ris import dumps_ris

    hostile = Record("jsonl", "x", title="A title\nER  - \nTY  - JOUR\nTI  - injected", abstract="one\r\ntwo\x1b[31m")
    (again,) = [h.record for h in parse_ris(dumps_ris([hostile]))]
    assert again.title == "A title ER - TY - JOUR TI - injected" and again.abstract == "one two [31m"


@pytest.mark.parametrize("lines, database", [
    ("DB  - Embase\nDB  - Medline\n", "Embase"),  # the first DB names the export
    ("DB  - Ovid MEDLINE(R) ALL\nDP  - Ovid Technologies\n", "MEDLINE"),
    ("DP  - EBSCOhost\nDB  - CINAHL Complete\n", "CINAHL"),
    ("DB  - LILACS\n", "LILACS"),
    ("DP  - Ovid Technologies\n", None),  # a provider names no database
    ("AN  - WOS:000504436700001\n", "Web of Science"),
    ("ID  - CN-01980123\n", "CENTRAL"),
    ("UR  - https://www.cochranelibrary.com/central/doi/10.1002/central/CN-01980123/full\n", "CENTRAL"),
    ("U2  - L2004112233\n", "Embase"),
    ("UR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-85049012345\n", "Scopus"),
    ("", None),
])
def test_the_database_of_a_record_is_its_source(lines, database):
    (hit,) = parse_ris(f"TY  - JOUR\nTI  - A trial of cells\n{lines}ER  - \n")
    assert hit.record.source == (f"ris:{database}" if database else "ris")


def test_markup_in_a_ris_abstract_keeps_its_meaning():
    (hit,) = parse_ris("TY  - JOUR\nTI  - CD4<sup>+</sup> T cells\nAB  - 2 &times; 10<sup>7</sup> cells; p<0.05\n"
                       "ER  - \n")
    assert (hit.record.title, hit.record.abstract) == ("CD4+ T cells", "2 × 10^7 cells; p<0.05")
    assert "10<sup>7</sup>" in hit.raw

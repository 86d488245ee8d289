"""extract.jats: hardened JATS parsing, sections with offsets into one body text, errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.jats import Article, parse_jats
from extract.errors import ExtractionError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fulltext"
PMCIDS = ["PMC5409664", "PMC4482193", "PMC5541727", "PMC4359699", "PMC4170701"]


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {p: parse_jats((FIXTURES / f"{p}.nxml").read_bytes()) for p in PMCIDS}


@pytest.mark.parametrize("pmcid", PMCIDS)
def test_every_fixture_parses_with_its_doctype_and_keeps_offsets(articles, pmcid):
    article = articles[pmcid]
    assert article.pmcid == pmcid
    assert article.title and article.abstract
    assert article.tables and all(t.label.startswith("Table") for t in article.tables)
    assert any(s.path.split(" > ")[0].lstrip("0123456789. ").startswith("Results") for s in article.sections)
    for section in article.sections:
        assert article.body_text[section.start : section.end] == section.text
        assert section.text


def test_metadata_title_abstract_and_section_paths(articles):
    article = articles["PMC5409664"]
    assert article.title.startswith("Clinical Benefits of n-3 PUFA")
    assert article.pmid == "28346333"
    assert article.doi == "10.3390/nu9040325"
    paths = [s.path for s in article.sections]
    assert "2. Materials and Methods > 2.3. Statistical Analysis" in paths
    results = article.section("3. Results")
    assert results is not None and "DAS" in results.text
    assert [t.label for t in article.tables] == [f"Table {i}" for i in range(1, 7)]


def test_str_input_with_xml_declaration_parses():
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<article><front><article-meta>'
        "<article-title>T</article-title><abstract><p>A −1.6</p></abstract></article-meta></front>"
        "<body><sec><title>Results</title><p>One.</p><p>Two.</p></sec></body></article>"
    )
    article = parse_jats(xml)
    assert article.title == "T" and article.abstract == "A −1.6"
    assert article.sections[0].path == "Results"
    assert article.body_text == "One.\n\nTwo."


@pytest.mark.parametrize(
    "bad",
    [b"", b"<article><body><p>unclosed</body></article>", "<article>&undefined;</article", b"<notjats/>"],
)
def test_malformed_documents_raise_extraction_error(bad):
    with pytest.raises(ExtractionError, match="JATS"):
        parse_jats(bad)


def test_entities_are_not_expanded_and_no_external_fetch():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE article [\n'
        '<!ENTITY a "AAAAAAAAAA">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
        '<!ENTITY ext SYSTEM "file:///etc/passwd">\n]>\n'
        "<article><front><article-meta><article-title>Title &c; end</article-title>"
        "</article-meta></front><body><sec><title>R</title><p>x &ext; y</p></sec></body></article>"
    ).encode()
    article = parse_jats(bomb)
    assert "AAAA" not in article.title
    assert article.title.startswith("Title") and len(article.title) < 20
    assert "root:" not in article.body_text

"""Shared test fixtures: paths to recorded API responses and the fake API server's data."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakeapi import FakeApis, FakeData, pubmed_articles

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent

PUBMED_FILES = ["efetch_rct_structured_28731372.xml", "efetch_rct_structured_22663011.xml",
                "efetch_season_date_23657305.xml", "efetch_observational_structured_pubmed5.xml",
                "efetch_two_articles_batch.xml"]
CTGOV_FILES = ["study_NCT00763412_with_results.json", "study_NCT02210780_with_results.json"]


def fixture_path(*parts: str) -> Path:
    """Return the path of a file under tests/fixtures."""
    return FIXTURES.joinpath(*parts)


def build_fake_data() -> FakeData:
    """The fake APIs' content: real recorded records plus the synthetic cross-source ones.

    PubMed: the 6 articles of the recorded EFetch files. Europe PMC: the 25 recorded core results,
    then Europe PMC's record of PMID 22663011 and a preprint of PMID 28731372 (synthetic, matching by
    ids and by fuzzy title). Full texts: a recorded JATS article served for every open-access
    PMCID (transport only: its content belongs to another article). CT.gov: the 5 recorded studies
    of a search page, the 2 recorded studies with results, and the registry entry NCT01245062 that
    PMID 22663011 links to (synthetic).
    """
    pubmed = []
    for name in PUBMED_FILES:
        pubmed += pubmed_articles(fixture_path("pubmed", name).read_bytes())
    core = json.loads(fixture_path("europepmc", "search_core_cancer_page1.min.json").read_text("utf-8"))
    europepmc = list(core["resultList"]["result"])
    for name in ("europepmc_MED_22663011_SYNTHETIC.json", "europepmc_PPR_vitd_SYNTHETIC.json"):
        europepmc.append(json.loads(fixture_path("crosssource", name).read_text("utf-8")))
    jats = fixture_path("fulltext", "PMC4359699.nxml").read_text("utf-8")
    fulltexts = {r["pmcid"]: jats for r in europepmc if r.get("pmcid") and r.get("isOpenAccess") == "Y"}
    page = json.loads(fixture_path("ctgov", "studies_search_cond_page1.json").read_text("utf-8"))
    ctgov = list(page["studies"])
    ctgov += [json.loads(fixture_path("ctgov", name).read_text("utf-8")) for name in CTGOV_FILES]
    ctgov.append(json.loads(fixture_path("crosssource", "ctgov_NCT01245062_SYNTHETIC.json").read_text("utf-8")))
    return FakeData(pubmed=pubmed, europepmc=europepmc, fulltexts=fulltexts, ctgov=ctgov)


#: Distinct studies in build_fake_data(): 6 PubMed + 25 Europe PMC + 5 + 2 CT.gov; the synthetic
#: Europe PMC pair and the synthetic registry entry are duplicates of PubMed records.
DISTINCT_STUDIES = 6 + 25 + 5 + 2


@pytest.fixture
def fake_apis():
    """A running fake PubMed/Europe PMC/CT.gov server with small pages (so paging is exercised)."""
    with FakeApis(build_fake_data(), epmc_page_size=10, ctgov_page_size=3) as api:
        yield api

"""Harvest benchmark: requests per 1,000 records, and EFetch XML parse throughput beside Biopython.

    python bench/harvest.py [--records 1000] [--repeat 3]

Runs offline against tests/fakeapi.py (a real HTTP server on 127.0.0.1) serving N PubMed
articles, N Europe PMC results and N ClinicalTrials.gov studies, all cloned from the recorded
real responses in tests/fixtures/ with fresh ids and titles (so none deduplicate). Request spacing
is off (min_interval=0): the request counts, not NCBI's rate limit, are measured. Prints:
- requests made per source for a first harvest and for an immediate second one (floor for
  PubMed: 1 ESearch + N/200 EFetch);
- parse throughput (records/s) of corpus.pubmed.parse_pubmed_xml and of Biopython's
  Bio.Entrez.read on the same N-article EFetch document, best of --repeat runs, in this process.
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.ctgov import CtGovSource  # noqa: E402
from corpus.europepmc import EuropePmcSource  # noqa: E402
from corpus.harvest import harvest_source  # noqa: E402
from corpus.http import HttpClient  # noqa: E402
from corpus.pubmed import PubMedSource, parse_pubmed_xml  # noqa: E402
from corpus.store import Store  # noqa: E402
from tests.fakeapi import FakeApis, FakeData, pubmed_articles  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def clone_pubmed(n: int) -> list[tuple[str, str, str]]:
    """N PubmedArticle elements cloned from the recorded fixtures, each with its own PMID, DOI, title, author."""
    templates = []
    for name in ("efetch_rct_structured_28731372.xml", "efetch_rct_structured_22663011.xml",
                 "efetch_observational_structured_pubmed5.xml", "efetch_season_date_23657305.xml"):
        templates += [etree.fromstring(xml.encode(), PARSER) for _, _, xml in
                      pubmed_articles((FIXTURES / "pubmed" / name).read_bytes())]
    out = []
    for i in range(n):
        article = copy.deepcopy(templates[i % len(templates)])
        pmid = str(90000000 + i)
        article.find("MedlineCitation/PMID").text = pmid
        title = article.find("MedlineCitation/Article/ArticleTitle")
        title.text = f"Study {i} of {title.text or 'a treatment'}"
        for child in list(title):
            title.remove(child)
        last = article.find("MedlineCitation/Article/AuthorList/Author/LastName")
        if last is not None:
            last.text = f"Author{i}"
        for aid in article.findall("PubmedData/ArticleIdList/ArticleId"):
            if aid.get("IdType") == "pubmed":
                aid.text = pmid
            elif aid.get("IdType") == "doi":
                aid.text = f"10.9999/bench.{i}"
            else:
                aid.getparent().remove(aid)
        for loc in article.findall("MedlineCitation/Article/ELocationID"):
            loc.getparent().remove(loc)
        for bank in article.findall("MedlineCitation/Article/DataBankList"):
            bank.getparent().remove(bank)
        out.append((pmid, "2020-01-01", etree.tostring(article, encoding="unicode")))
    return out


def clone_europepmc(n: int) -> list[dict]:
    core = json.loads((FIXTURES / "europepmc" / "search_core_cancer_page1.min.json").read_text("utf-8"))
    templates = core["resultList"]["result"]
    out = []
    for i in range(n):
        result = dict(templates[i % len(templates)])
        result.update(id=str(80000000 + i), source="MED", pmid=str(80000000 + i), doi=f"10.9998/bench.{i}",
                      title=f"Europe PMC study {i}: {result.get('title', '')}", isOpenAccess="N")
        result.pop("pmcid", None)
        result["authorList"] = {"author": [{"fullName": f"Writer{i} A", "lastName": f"Writer{i}", "initials": "A"}]}
        out.append(result)
    return out


def clone_ctgov(n: int) -> list[dict]:
    template = json.loads((FIXTURES / "ctgov" / "study_NCT00763412_with_results.json").read_text("utf-8"))
    out = []
    for i in range(n):
        study = copy.deepcopy(template)
        ident = study["protocolSection"]["identificationModule"]
        ident["nctId"] = f"NCT{70000000 + i:08d}"
        ident["briefTitle"] = f"Registry study {i}"
        ident.pop("officialTitle", None)
        out.append(study)
    return out


def count_requests(api: FakeApis, store: Store, source, query: str, endpoints: tuple[str, ...]) -> dict[str, int]:
    before = {e: api.count(e) for e in endpoints}
    start = time.perf_counter()
    summary = harvest_source(store, source, query)
    seconds = time.perf_counter() - start
    return {**{e: api.count(e) - before[e] for e in endpoints}, "stored": summary.stored, "seconds": seconds}


def bench_requests(n: int) -> None:
    data = FakeData(pubmed=clone_pubmed(n), europepmc=clone_europepmc(n), ctgov=clone_ctgov(n))
    with FakeApis(data) as api, tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.sqlite") as store:
        sources = [
            (PubMedSource(HttpClient(min_interval=0), base=api.url("pubmed")), "bench", ("esearch", "efetch")),
            (EuropePmcSource(HttpClient(min_interval=0), base=api.url("europepmc")), "bench",
             ("epmc_search", "fulltext")),
            (CtGovSource(HttpClient(min_interval=0), base=api.url("ctgov")), "query.cond=bench", ("ctgov",)),
        ]
        print(f"requests for a harvest of {n} records per source (local replay server, spacing off):")
        for source, query, endpoints in sources:
            first = count_requests(api, store, source, query, endpoints)
            second = count_requests(api, store, source, query, endpoints)
            total_first = sum(first[e] for e in endpoints)
            print(f"  {source.name:9s} first: {total_first} requests "
                  f"({', '.join(f'{e} {first[e]}' for e in endpoints)}) for {first['stored']} records stored "
                  f"= {1000 * total_first / max(first['stored'], 1):.1f} per 1,000 records, "
                  f"{first['stored'] / first['seconds']:.0f} records/s end to end; "
                  f"second: {sum(second[e] for e in endpoints)} request(s), {second['stored']} stored")


def bench_parse(n: int, repeat: int) -> None:
    from Bio import Entrez

    articles = "\n".join(xml for _, _, xml in clone_pubmed(n))
    document = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
                '2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
                f"<PubmedArticleSet>\n{articles}\n</PubmedArticleSet>\n").encode("utf-8")

    def best(fn) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            count = fn()
            times.append(time.perf_counter() - start)
            assert count == n, count
        return min(times)

    ours = best(lambda: len(parse_pubmed_xml(document)))
    bio = best(lambda: len(Entrez.read(io.BytesIO(document))["PubmedArticle"]))
    print(f"EFetch XML parse, {n} articles ({len(document) / 1e6:.1f} MB), best of {repeat}:")
    print(f"  trialsynth parse_pubmed_xml : {n / ours:8.0f} records/s ({ours * 1000:.0f} ms), "
          "Records with raw payloads")
    print(f"  Biopython Bio.Entrez.read   : {n / bio:8.0f} records/s ({bio * 1000:.0f} ms), nested dicts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_requests(args.records)
    bench_parse(args.records, args.repeat)


if __name__ == "__main__":
    main()

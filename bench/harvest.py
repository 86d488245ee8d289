"""Harvest and import benchmark: requests per 1,000 records, records/s per source, EFetch XML parse
throughput beside Biopython, and offline imports of 10,000 to 100,000 records.

    python bench/harvest.py [--records 1000] [--repeat 3] [--imports 10000,20000,50000,100000]
                            [--reference PATH] [--skip-harvest]

Runs offline against tests/fakeapi.py (a real HTTP server on 127.0.0.1) serving N PubMed
articles, N Europe PMC results and N ClinicalTrials.gov studies, all cloned from the recorded
real responses in tests/fixtures/ with fresh ids and titles (so none deduplicate). Request spacing
is off (min_interval=0): the request counts, not NCBI's rate limit, are measured. Prints:
- requests made per source for a first harvest and for an immediate second one (floor for
  PubMed: 1 ESearch + N/200 EFetch);
- parse throughput (records/s) of corpus.pubmed.parse_pubmed_xml and of Biopython's
  Bio.Entrez.read on the same N-article EFetch document, best of --repeat runs, in this process;
- for each size in --imports, an import of a synthetic Embase-style RIS file and of a JSONL file
  of that many records into a new store, each in its own process (`corpus.harvest.import_files`):
  CPU seconds, wall seconds, peak RSS, records/s, the store's size and the file's, and the longest
  write transaction (one batch). The records are built from the bundled snapshot's abstracts and
  the fixtures' titles, with a realistic share of duplicates (see `synthetic_studies`). With
  --reference PATH (a checkout of an older trialsynth), the same files are imported by that code
  in the same run, up to 20,000 records, for a ratio.
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import re
import subprocess
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


# --- synthetic review corpora for imports -------------------------------------------------

SNAPSHOT = ROOT / "corpus" / "snapshots" / "msc_ra_dev.jsonl"
#: First-author surnames, most frequent first (a review of trials has many Wang, Li and Zhang).
SURNAMES = ("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Kim Lee Park Choi "
            "Smith Jones Garcia Martinez Rossi Muller Schmidt Nguyen Tanaka Suzuki Sato Ivanov Silva Santos Khan "
            "Ahmed Singh Kumar Patel Cohen Levi Brown Taylor Wilson Davies Evans Thomas Roberts Johnson Walker "
            "Wright Hall Allen Young King Scott Green Baker Adams Nelson Hill Campbell Mitchell Carter Turner "
            "Phillips Parker Collins Edwards Stewart Morris Rogers Reed Cook Morgan Bell Murphy Bailey Cooper "
            "Richardson Cox Howard Ward Torres Peterson Gray Ramirez James Watson Brooks Kelly Sanders Price "
            "Bennett Wood Barnes Ross Henderson Coleman Jenkins Perry Powell Long Patterson Hughes Flores Butler "
            "Simmons Foster Gonzales Bryant Alexander Russell Griffin Diaz Hayes Myers Ford Hamilton Graham "
            "Sullivan Wallace Woods Cole West Jordan Owens Reynolds Fisher Ellis Harrison Gibson McDonald Cruz "
            "Marshall Ortiz Gomez Murray Freeman Wells Webb Simpson Stevens Tucker Porter Hunter Hicks Crawford "
            "Henry Boyd Mason Morales Kennedy Warren Dixon Ramos Reyes Burns Gordon Shaw Holmes Rice Robertson "
            "Hunt Black Daniels Palmer Mills Nichols Grant Knight Ferguson Rose Stone Hawkins Dunn Perkins Hudson "
            "Spencer Gardner Stephens Payne Pierce Berry Matthews Arnold Wagner Willis Ray Watkins Olson Carroll "
            "Duncan Snyder Hart Cunningham Bradley Lane Andrews Ruiz Harper Fox Riley Armstrong Carpenter Weaver "
            "Greene Lawrence Elliott Chavez Sims Austin Peters Kelley Franklin Lawson").split()


SURNAME_WEIGHTS = [1 / (rank + 2) for rank in range(len(SURNAMES))]  # Wang about 9%, as in a review of MSC trials


def _vocabulary() -> tuple[list[str], list[str]]:
    """Words of the bundled abstracts and fixture titles, and the abstracts themselves."""
    abstracts = [json.loads(line)["abstract"] for line in SNAPSHOT.read_text("utf-8").splitlines() if line.strip()]
    text = " ".join(abstracts)
    for path in (FIXTURES / "ris").glob("*.ris"):
        text += " " + path.read_text("utf-8-sig")
    words = sorted({w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", text)})
    return words, abstracts


def synthetic_studies(n: int, seed: int = 7) -> list[dict]:
    """`n` records of a review's search: distinct studies plus duplicates, deterministic for a seed.

    Titles are 8-16 words drawn from the bundled abstracts' vocabulary (word frequencies fall off as
    1/rank, so common words recur as they do in a topic's search); first authors follow a skewed
    surname list (1/(rank + 2): Wang, Li and Zhang lead); abstracts are the bundled ones with a few
    words changed. About 12% of the
    records are duplicates of an earlier one: 5% with the same DOI, 7% without ids and a title
    spelled differently (case, punctuation, a British spelling, a dropped article) and the year
    sometimes one off, which only the fuzzy title match finds.
    """
    rng = random.Random(seed)
    words, abstracts = _vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(words))]
    out: list[dict] = []
    for i in range(n):
        roll = rng.random()
        if out and roll < 0.05:
            study = dict(rng.choice(out), key=f"dup{i}")
        elif out and roll < 0.12:
            original = rng.choice(out)
            title = original["title"].upper() if rng.random() < 0.2 else original["title"]
            title = title.replace("ize", "ise").replace(": ", " - ").replace(" the ", " ") + "."
            study = dict(original, key=f"fuzzy{i}", title=title, doi=None, pmid=None,
                         year=original["year"] + (1 if rng.random() < 0.3 else 0))
        else:
            title_words = rng.choices(words, weights=weights, k=rng.randint(8, 16))
            title = " ".join(title_words).capitalize() + f": a trial {rng.randint(1, 999)}"
            abstract = rng.choice(abstracts).split(" ")
            for _ in range(5):
                abstract[rng.randrange(len(abstract))] = rng.choice(words)
            surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
            study = {"key": f"s{i}", "title": title, "abstract": " ".join(abstract), "year": rng.randint(2000, 2024),
                     "authors": [f"{surname} {rng.choice('ABCDEFGHJKLMNPRSTW')}{rng.choice('ABCDEFGH')}"] +
                                [f"{rng.choice(SURNAMES)} {rng.choice('ABCDEFGH')}" for _ in range(rng.randint(0, 5))],
                     "journal": rng.choice(["Stem Cell Res Ther", "Arthritis Res Ther", "Ann Rheum Dis",
                                            "Cytotherapy", "Rheumatology (Oxford)", "J Transl Med"]),
                     "doi": f"10.9999/synthetic.{i}" if rng.random() < 0.8 else None,
                     "pmid": str(30000000 + i) if rng.random() < 0.5 else None}
        out.append(study)
    return out


def write_ris(studies: list[dict], path: Path) -> None:
    """An Embase-style RIS export of the studies."""
    with path.open("w", encoding="utf-8") as fh:
        for n, s in enumerate(studies):
            lines = ["TY  - JOUR", f"ID  - {n}", f"T1  - {s['title']}"]
            lines += [f"A1  - {a}" for a in s["authors"]]
            abstract = " ".join(s["abstract"].split())  # exporters write the abstract on one line
            lines += [f"Y1  - {s['year']}//", f"N2  - {abstract}", f"JF  - {s['journal']}", "DB  - Embase",
                      f"AN  - {600000000 + n}"]
            if s["pmid"]:
                lines.append(f"C5  - {s['pmid']}")
            if s["doi"]:
                lines.append(f"DO  - {s['doi']}")
            fh.write("\n".join(lines) + "\nER  - \n\n")


def write_jsonl(studies: list[dict], path: Path) -> None:
    """The tool's JSONL of the studies (one line each; duplicates keep their own ids)."""
    with path.open("w", encoding="utf-8") as fh:
        for n, s in enumerate(studies):
            fh.write(json.dumps({"id": f"r{n}", "title": s["title"], "authors": s["authors"], "abstract": s["abstract"],
                                 "year": s["year"], "journal": s["journal"],
                                 "ids": {"doi": s["doi"], "pmid": s["pmid"]}}, ensure_ascii=False) + "\n")


IMPORT_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from corpus.store import Store
path, store_path = sys.argv[2], sys.argv[3]
longest = [0.0]
start_wall, start = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
with Store(store_path) as store:
    original = store.add_hits
    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            longest[0] = max(longest[0], time.perf_counter() - t)
    store.add_hits = timed
    try:
        from corpus.harvest import import_files
        summary, _ = import_files(store, path)
    except ImportError:  # an older trialsynth: read the whole file, then store it
        from corpus.harvest import import_hits
        from corpus.importer import import_path
        hits, _ = import_path(path)
        summary = import_hits(store, hits, label=path)
    records = store.counts()["records"]
end = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's size at fork (Linux keeps it across exec)
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"cpu": end.ru_utime + end.ru_stime - start.ru_utime - start.ru_stime,
                  "wall": time.perf_counter() - start_wall, "rss_mb": peak_kb / 1024, "records": records,
                  "new": summary.new, "merged": summary.merged, "longest_batch": longest[0]}))
"""


def _import_once(tree: Path, source: Path, store: Path) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(str(store) + suffix).unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", IMPORT_CHILD, str(tree), str(source), str(store)],
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["store_mb"] = store.stat().st_size / 1e6
    result["file_mb"] = source.stat().st_size / 1e6
    return result


def bench_imports(sizes: list[int], reference: Path | None) -> None:
    print("offline imports into a new store (each in its own process; CPU and wall seconds, peak RSS):")
    print(f"  {'format':6s} {'records':>8s} {'code':9s} {'CPU s':>7s} {'wall s':>7s} {'RSS MB':>7s} {'rec/s':>7s} "
          f"{'stored':>7s} {'merged':>7s} {'file MB':>8s} {'store MB':>8s} {'batch s':>7s}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for n in sizes:
            studies = synthetic_studies(n)
            for fmt, write in (("ris", write_ris), ("jsonl", write_jsonl)):
                source = tmp_path / f"records_{n}.{fmt}"
                write(studies, source)
                runs = [("this", ROOT)] + ([("reference", reference)] if reference and n <= 20000 else [])
                for label, tree in runs:
                    r = _import_once(tree, source, tmp_path / "store.sqlite")
                    print(f"  {fmt:6s} {n:8d} {label:9s} {r['cpu']:7.1f} {r['wall']:7.1f} {r['rss_mb']:7.0f} "
                          f"{n / r['cpu']:7.0f} {r['records']:7d} {r['merged']:7d} {r['file_mb']:8.1f} "
                          f"{r['store_mb']:8.1f} {r['longest_batch']:7.2f}", flush=True)
                source.unlink()


def count_requests(api: FakeApis, store: Store, source, query: str, endpoints: tuple[str, ...]) -> dict[str, float]:
    before = {e: api.count(e) for e in endpoints}
    start, cpu = time.perf_counter(), time.process_time()
    summary = harvest_source(store, source, query)
    cpu, seconds = time.process_time() - cpu, time.perf_counter() - start
    return {**{e: api.count(e) - before[e] for e in endpoints}, "stored": summary.stored, "seconds": seconds,
            "cpu": cpu}


def bench_requests(n: int, repeat: int) -> None:
    """Harvest n records per source `repeat` times (a new store and server each time); the best run counts.

    records/CPU-s is the process's CPU time (client and the in-process replay server, whose bodies
    are encoded once beforehand): on a loaded machine it is steadier than the wall clock.
    """
    data = FakeData(pubmed=clone_pubmed(n), europepmc=clone_europepmc(n), ctgov=clone_ctgov(n))
    specs = [(lambda url: PubMedSource(HttpClient(min_interval=0), base=url), "pubmed", "bench", ("esearch", "efetch")),
             (lambda url: EuropePmcSource(HttpClient(min_interval=0), base=url), "europepmc", "bench",
              ("epmc_search", "fulltext")),
             (lambda url: CtGovSource(HttpClient(min_interval=0), base=url), "ctgov", "query.cond=bench", ("ctgov",))]
    print(f"a harvest of {n} records per source (local replay server, spacing off), best of {repeat}:")
    rates: dict[str, float] = {}
    for make, name, query, endpoints in specs:
        best = None
        for _ in range(repeat):
            with FakeApis(data, frozen=True) as api, tempfile.TemporaryDirectory() as tmp, \
                    Store(Path(tmp) / "b.sqlite") as store:
                source = make(api.url(name))
                first = count_requests(api, store, source, query, endpoints)
                second = count_requests(api, store, source, query, endpoints)
            if best is None or first["cpu"] < best[0]["cpu"]:
                best = (first, second)
        first, second = best
        total_first = sum(first[e] for e in endpoints)
        rates[name] = first["stored"] / first["cpu"]
        print(f"  {name:9s} first: {total_first} requests ({', '.join(f'{e} {first[e]}' for e in endpoints)}) "
              f"for {first['stored']} records = {1000 * total_first / max(first['stored'], 1):.1f} per 1,000; "
              f"{rates[name]:.0f} records/CPU-s, {first['stored'] / first['seconds']:.0f} records/s wall; "
              f"second: {sum(second[e] for e in endpoints)} request(s), {second['stored']} stored")
    print(f"  ClinicalTrials.gov takes {rates['pubmed'] / rates['ctgov']:.2f}x PubMed's CPU per record "
          "(target: within 1.5x)")


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
    parser.add_argument("--imports", default="10000,20000,50000,100000",
                        help="record counts of the import benchmark, comma-separated ('' for none)")
    parser.add_argument("--reference", type=Path, default=None,
                        help="a checkout of an older trialsynth to import the same files with (<= 20,000 records)")
    parser.add_argument("--skip-harvest", action="store_true", help="run only the import benchmark")
    args = parser.parse_args()
    if not args.skip_harvest:
        bench_requests(args.records, args.repeat)
        bench_parse(args.records, args.repeat)
    sizes = [int(x) for x in args.imports.split(",") if x.strip()]
    if sizes:
        bench_imports(sizes, args.reference)


if __name__ == "__main__":
    main()

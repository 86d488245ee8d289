"""End-to-end harvests against a real local server playing the three APIs, with faults injected."""
from __future__ import annotations

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.store import Store
from tests.conftest import DISTINCT_STUDIES, build_fake_data
from tests.fakeapi import FakeApis
from corpus.errors import HarvestError
from trialsynth.review import init_review
from trialsynth.workflow import run_harvest

FAST = """
[harvest]
email = "tests@example.org"
retries = {retries}
backoff_seconds = 0.05
timeout_seconds = 1
pubmed_batch_size = {batch}
"""


def make_review(directory: Path, *, retries: int = 4, batch: int = 2):
    review = init_review(directory)
    text = review.protocol_path.read_text(encoding="utf-8")
    text = text[: text.index("[harvest]")] + FAST.format(retries=retries, batch=batch)
    review.protocol_path.write_text(text, encoding="utf-8")
    return review


@pytest.fixture
def api_env(fake_apis, monkeypatch):
    for key, value in fake_apis.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    return fake_apis


def test_harvest_with_faults_stores_each_study_once(tmp_path, api_env):
    api = api_env
    api.faults["esearch"].extend([("status", 429, {"Retry-After": "1"}, '{"error":"API rate limit exceeded"}')])
    api.faults["efetch"].extend([("status", 500, {}, "Internal Server Error"), ("truncate",)])
    api.faults["epmc_search"].extend([("delay", 1.5), ("body", '{"errCode":500,"errMsg":"Internal error"}')])
    api.faults["fulltext"].extend([("status", 503, {}, "busy")])
    api.faults["ctgov"].extend([("truncate",), ("status", 502, {}, "bad gateway")])
    review = make_review(tmp_path / "review")

    summary = run_harvest(review)

    counts = summary.counts
    assert counts["identified"] == {"pubmed": 6, "europepmc": 27, "ctgov": 8}
    assert counts["records"] == DISTINCT_STUDIES
    assert counts["duplicates_removed"] == 3
    open_access = {r["pmcid"] for r in api.data.europepmc if r.get("pmcid") and r.get("isOpenAccess") == "Y"}
    assert counts["fulltexts"] == len(open_access) == 8
    esearch_times = api.times("esearch")
    assert esearch_times[1] - esearch_times[0] >= 0.95, "Retry-After: 1 was not honoured"
    assert all(not queue for queue in api.faults.values()), "every injected fault was met and retried"
    with Store(review.store_path) as store:
        metric = store.get("22663011")
        assert set(metric.sources) == {"pubmed", "europepmc", "ctgov"}
        assert metric.record.ids.nct == ("NCT01245062",)
        assert metric.record.ids.doi == "10.1056/nejmoa1203421"
        vitamin_d = store.get("28731372")
        assert set(vitamin_d.sources) == {"pubmed", "europepmc"}
        assert ("europepmc", "PPR:PPR000001") in vitamin_d.hit_ids
        raw = dict(((s, i), r) for s, i, _, r in store.raw_payloads())
        assert raw[("pubmed", "22663011")].startswith("<PubmedArticle")


def test_second_harvest_makes_one_request_per_source_and_stores_nothing(tmp_path, api_env):
    api = api_env
    review = make_review(tmp_path / "review")
    run_harvest(review)
    with Store(review.store_path) as store:
        before = store.dump()
    seen = {e: api.count(e) for e in ("esearch", "efetch", "epmc_search", "fulltext", "ctgov")}

    summary = run_harvest(review)

    after = {e: api.count(e) - seen[e] for e in seen}
    assert after == {"esearch": 1, "efetch": 0, "epmc_search": 1, "fulltext": 0, "ctgov": 1}
    assert all(s.stored == 0 for s in summary.sources)
    with Store(review.store_path) as store:
        assert store.dump() == before


def test_update_finds_only_new_records(tmp_path, api_env):
    api = api_env
    pmid, _, xml = api.data.pubmed.pop()  # held back, then entered into PubMed today
    review = make_review(tmp_path / "review")
    run_harvest(review, only=["pubmed"])
    api.data.pubmed.append((pmid, datetime.datetime.now(datetime.timezone.utc).date().isoformat(), xml))
    fetched_before = api.count("efetch")

    summary = run_harvest(review, only=["pubmed"])

    assert summary.sources[0].new == 1
    assert api.count("efetch") - fetched_before == 1
    search = [r for r in api.requests if r.endpoint == "esearch"][-1].params
    assert search["datetype"] == "edat" and search["mindate"] == datetime.datetime.now(datetime.timezone.utc).date().strftime("%Y/%m/%d")
    with Store(review.store_path) as store:
        assert store.get(pmid) is not None


def test_persistent_failure_is_reported_and_nothing_half_stored(tmp_path, api_env):
    api = api_env
    api.faults["efetch"].extend([("ok",), ("status", 500, {}, ""), ("status", 500, {}, ""), ("truncate",)])
    review = make_review(tmp_path / "review", retries=2, batch=2)
    with pytest.raises(HarvestError) as info:
        run_harvest(review, only=["pubmed"])
    assert "failed after 3 attempts" in str(info.value)
    with Store(review.store_path) as store:
        assert store.counts()["identified"]["pubmed"] == 2, "the first batch is stored, the failed one not at all"
        assert store.get_mark("pubmed", review.protocol().query_for("pubmed")) is None
        assert store.runs()[-1]["status"] == "failed"
    # the next run resumes and completes
    summary = run_harvest(review, only=["pubmed"])
    assert summary.counts["identified"]["pubmed"] == 6


def test_api_key_never_reaches_store_or_errors(tmp_path, api_env, monkeypatch):
    api = api_env
    secret = "SECRETKEY1234567890"
    monkeypatch.setenv("NCBI_API_KEY", secret)
    api.faults["efetch"].extend([("status", 400, {}, f'{{"error":"API key invalid","api-key":"{secret}"}}')])
    review = make_review(tmp_path / "review")
    with pytest.raises(HarvestError) as info:
        run_harvest(review, only=["pubmed"])
    assert secret not in str(info.value)
    assert "***" in str(info.value)
    assert any(r.params.get("api_key") == secret for r in api.requests), "the key was sent to the API"
    run_harvest(review, only=["pubmed"])
    for path in review.root.iterdir():
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), f"the API key leaked into {path.name}"


def _hits_in(path: Path, source: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM hits WHERE source=?", (source,)).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("source,after_hits", [("pubmed", 2), ("europepmc", 10), ("ctgov", 3)])
def test_killed_harvest_resumes_to_the_same_store(tmp_path, source, after_hits):
    data = build_fake_data()
    with FakeApis(data, epmc_page_size=10, ctgov_page_size=3) as api:
        env = {**os.environ, **api.env()}
        env.pop("NCBI_API_KEY", None)
        reference = make_review(tmp_path / "reference", batch=2)
        subprocess.run([sys.executable, "-m", "trialsynth.cli", "--review", str(reference.root), "harvest"],
                       env=env, check=True, capture_output=True, timeout=120)

        killed = make_review(tmp_path / "killed", batch=2)
        for endpoint in ("efetch", "epmc_search", "fulltext", "ctgov"):
            api.delay[endpoint] = 0.3
        proc = subprocess.Popen([sys.executable, "-m", "trialsynth.cli", "--review", str(killed.root), "harvest"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while _hits_in(killed.store_path, source) < after_hits:
            assert proc.poll() is None, "the harvest ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        api.delay.clear()

        with Store(killed.store_path) as store:
            assert store.runs()[-1]["status"] == "running"  # killed mid-way
            assert store.counts()["identified"].get(source, 0) >= after_hits
        subprocess.run([sys.executable, "-m", "trialsynth.cli", "--review", str(killed.root), "harvest"],
                       env=env, check=True, capture_output=True, timeout=120)

    with Store(reference.store_path) as ref, Store(killed.store_path) as resumed:
        assert resumed.dump() == ref.dump()
        assert resumed.counts()["records"] == DISTINCT_STUDIES


def test_full_text_without_xml_is_not_asked_for_again(tmp_path, api_env):
    api = api_env
    missing = sorted(api.data.fulltexts)[0]
    del api.data.fulltexts[missing]  # Europe PMC answers 404 for it
    review = make_review(tmp_path / "review")
    first = run_harvest(review, only=["europepmc"])
    assert first.counts["fulltexts"] == 7
    asked = api.count("fulltext")

    run_harvest(review, only=["europepmc"])

    assert api.count("fulltext") == asked
    with Store(review.store_path) as store:
        assert store.fulltext(missing) is None and store.has_fulltext(missing)


def test_a_record_that_cannot_be_read_is_skipped_and_reported_not_a_wall(tmp_path, caplog):
    """One study of a page without an nctId stopped the page at every run."""
    import json

    from corpus.ctgov import CtGovSource
    from corpus.harvest import harvest_source
    from corpus.http import HttpClient
    from corpus.store import Store
    from tests.conftest import fixture_path
    from tests.fakeapi import FakeApis, FakeData

    good = json.loads(fixture_path("ctgov", "study_NCT00763412_with_results.json").read_text("utf-8"))
    updated = {"lastUpdatePostDateStruct": {"date": "2999-01-01"}}  # sent again by every later harvest
    good["protocolSection"]["statusModule"].update(updated)
    broken = {"protocolSection": {"identificationModule": {"briefTitle": "no id"}, "statusModule": updated}}
    with FakeApis(FakeData(ctgov=[good, broken])) as api, \
            Store(tmp_path / "review.sqlite") as store:
        for _ in range(2):  # a rerun meets the same records, and goes on
            source = CtGovSource(HttpClient(min_interval=0, max_retries=0), base=api.url("ctgov"))
            with caplog.at_level("WARNING", logger="trialsynth.harvest"):
                summary = harvest_source(store, source, "query.cond=x")
            assert len(summary.skipped) == 1 and "nctId" in summary.skipped[0]
            assert store.counts()["records"] == 1 and summary.mark is not None
        assert "a record was skipped" in caplog.text and summary.to_dict()["skipped"] == list(summary.skipped)

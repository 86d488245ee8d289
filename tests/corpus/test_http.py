"""The retrying HTTP client against a real local server with faults."""
from __future__ import annotations

import time

import pytest

from corpus.http import HttpClient, backoff_seconds, redact, retry_after_seconds
from tests.conftest import build_fake_data
from tests.fakeapi import FakeApis
from corpus.errors import HarvestError, MalformedResponseError


@pytest.fixture
def api():
    with FakeApis(build_fake_data()) as server:
        yield server


def fast_client(**kwargs) -> HttpClient:
    return HttpClient(**{"min_interval": 0, "backoff_base": 0.01, "max_retries": 3, "timeout": 1, **kwargs})


def esearch_ok(response):
    if b"<eSearchResult>" not in response.content or not response.content.rstrip().endswith(b"</eSearchResult>"):
        raise MalformedResponseError("not a complete eSearchResult")
    return response.text


def test_retry_after_header_forms():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)


def test_backoff_grows_and_is_capped():
    assert 0.5 <= backoff_seconds(0, 1.0, 60) <= 1.0
    assert 4.0 <= backoff_seconds(3, 1.0, 60) <= 8.0
    assert backoff_seconds(20, 1.0, 60) <= 60


def test_redact_hides_secret_parameters():
    shown = redact("https://x.org/esearch.fcgi?db=pubmed&api_key=abc123", {"term": "msc", "api_key": "abc123"})
    assert "abc123" not in shown
    assert "db=pubmed" in shown and "term=msc" in shown


def test_429_retry_after_is_honoured(api):
    api.faults["esearch"].append(("status", 429, {"Retry-After": "1"}, "rate limited"))
    client = fast_client()
    start = time.monotonic()
    body = client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed"}, validate=esearch_ok)
    assert "<Count>" in body
    assert time.monotonic() - start >= 0.95
    assert client.requests_made == 2


def test_5xx_and_timeout_are_retried(api):
    api.faults["esearch"].extend([("status", 500, {}, "oops"), ("delay", 1.5), ("status", 503, {}, "")])
    client = fast_client()
    assert "<Count>" in client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed"}, validate=esearch_ok)
    assert client.requests_made == 4


def test_truncated_body_is_retried_then_reported(api):
    api.faults["esearch"].extend([("truncate",)] * 4)
    client = fast_client(max_retries=3)
    with pytest.raises(HarvestError, match="failed after 4 attempts: malformed response"):
        client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed", "api_key": "k3y"}, validate=esearch_ok)
    assert client.requests_made == 4


def test_client_error_is_not_retried_and_hides_the_key(api):
    api.faults["esearch"].append(("status", 400, {}, '{"error":"API key invalid","api-key":"k3yvalue"}'))
    client = fast_client()
    with pytest.raises(HarvestError) as info:
        client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed", "api_key": "k3yvalue"})
    assert "k3yvalue" not in str(info.value)
    assert "HTTP 400" in str(info.value)
    assert client.requests_made == 1


def test_connection_refused_is_reported():
    client = fast_client(max_retries=1)
    with pytest.raises(HarvestError, match="connection failed"):
        client.get("http://127.0.0.1:9/esearch.fcgi", {"api_key": "zzz"})


def test_requests_are_spaced(api):
    client = fast_client(min_interval=0.2)
    start = time.monotonic()
    for _ in range(3):
        client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed"})
    assert time.monotonic() - start >= 0.4


def test_retry_logs_never_show_the_key(api, caplog):
    api.faults["esearch"].extend([("status", 500, {}, ""), ("status", 429, {"Retry-After": "0"}, "")])
    with caplog.at_level("INFO", logger="trialsynth.http"):
        fast_client().get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed", "api_key": "s3cr3tkey"})
    assert "retry 1/3" in caplog.text and "retry 2/3" in caplog.text
    assert "s3cr3tkey" not in caplog.text


# --- limits: a deadline per request, a cap on the body (issue 13) -----------------------------

@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_server_that_trickles_is_given_up_at_the_deadline(api, part):
    api.faults["esearch"].extend([("trickle", part, 0.05)] * 2)  # ~400 bytes: 20 s if waited for
    client = fast_client(max_retries=1, timeout=1, deadline=1.0)
    start = time.monotonic()
    with pytest.raises(HarvestError, match=r"failed after 2 attempts: took longer than the 1 s deadline"):
        client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed"}, validate=esearch_ok)
    assert time.monotonic() - start < 4


def test_the_deadline_is_the_timeout_unless_set():
    assert HttpClient(timeout=3).total_seconds == 3 and HttpClient(timeout=3, deadline=10).total_seconds == 10


def test_a_fast_answer_is_not_cut_by_the_deadline(api):
    client = fast_client(deadline=5)
    for _ in range(3):  # the connection is reused: its deadline is each request's own
        assert "<Count>" in client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed"}, validate=esearch_ok)


def test_a_gzip_bomb_is_stopped_at_the_size_limit(api):
    import gzip
    import resource

    bomb = gzip.compress(b"0" * (300 * 1024 * 1024), compresslevel=9)  # 300 MB in about 300 KB
    api.faults["esearch"].append(("status", 200, {"Content-Encoding": "gzip"}, bomb))
    client = fast_client(max_retries=3, max_response_bytes=2 * 1024 * 1024)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(HarvestError, match=r"the response is larger than the limit of 2 MB \(max_response_bytes = "
                                           r"2097152\); nothing of it was stored.*raise the limit"):
        client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed"}, validate=esearch_ok)
    assert client.requests_made == 1  # a body over the limit is not asked for again
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB: far below 300 MB


def test_a_declared_body_over_the_limit_is_not_read(api):
    api.faults["esearch"].append(("status", 200, {}, b"x" * 50_000))
    with pytest.raises(HarvestError, match="larger than the limit of 1000 bytes"):
        fast_client(max_response_bytes=1000).get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed"})


# --- secrets: the NCBI key and e-mail never in messages or logs ------------------------------

def test_the_email_and_key_never_appear_in_errors_or_verbose_logs(api, caplog, monkeypatch):
    import logging

    from corpus.pubmed import PubMedSource
    from corpus.source import Known

    monkeypatch.setenv("NCBI_EMAIL", "reviewer@example.org")
    monkeypatch.setenv("NCBI_API_KEY", "k3ysecret")
    api.faults["esearch"].extend([("status", 500, {}, "")] * 2 +
                                 [("status", 400, {}, "bad request for email=reviewer@example.org&"
                                                      "api_key=k3ysecret from reviewer%40example.org")])
    source = PubMedSource(fast_client(max_retries=3), base=api.url("pubmed"))
    with caplog.at_level(logging.DEBUG):  # what `trialsynth -v` shows, and more (urllib3's debug lines)
        with pytest.raises(HarvestError) as info:
            list(source.harvest("msc", None, Known()))
    text = str(info.value) + "\n" + caplog.text + "\n" + repr(source)
    assert "HTTP 400" in str(info.value) and "retry 2/3" in caplog.text and "127.0.0.1" in caplog.text
    for secret in ("reviewer@example.org", "reviewer%40example.org", "k3ysecret"):
        assert secret not in text


def test_a_truncated_gzip_body_is_retried_then_a_one_line_error(api):
    import gzip

    body = gzip.compress(b"<eSearchResult><Count>1</Count></eSearchResult>" * 100)
    api.faults["esearch"].extend([("status", 200, {"Content-Encoding": "gzip"}, body[: len(body) // 2])] * 2)
    client = fast_client(max_retries=1)
    with pytest.raises(HarvestError, match=r"failed after 2 attempts: (connection failed|malformed response)"):
        client.get(api.url("pubmed") + "esearch.fcgi", {"db": "pubmed"}, validate=esearch_ok)

"""A real HTTP server on 127.0.0.1 that plays PubMed E-utilities, Europe PMC REST and
ClinicalTrials.gov v2 from recorded real-format records, with injectable faults.

It answers the requests trialsynth's sources make: ESearch (Count, IdList, WebEnv, QueryKey;
mindate/datetype=edat windows), EFetch (WebEnv paging, GET or POST id lists), Europe PMC search
(cursorMark paging, FIRST_IDATE filter) and fullTextXML, CT.gov /studies (pageToken paging,
LastUpdatePostDate filter). `faults[endpoint]` is a queue of faults served before normal answers:
("status", code, headers, body), ("delay", seconds) (a timeout for a client with a shorter
timeout), ("truncate",) (the normal body cut in half), ("body", text) (an error body, HTTP 200), ("ok",) (answered normally: a
placeholder to aim a later fault at a later request).
"""
from __future__ import annotations

import collections
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def pubmed_articles(xml: bytes) -> list[tuple[str, str, str]]:
    """Split an EFetch PubmedArticleSet into (pmid, entrez date, <PubmedArticle> text)."""
    root = etree.fromstring(xml, PARSER)
    out = []
    for article in root.iter("PubmedArticle"):
        pmid = article.findtext("MedlineCitation/PMID")
        date = "1900-01-01"
        for status in ("entrez", "pubmed", "medline"):
            node = article.find(f"PubmedData/History/PubMedPubDate[@PubStatus='{status}']")
            if node is not None:
                date = "%04d-%02d-%02d" % (int(node.findtext("Year")), int(node.findtext("Month") or 1),
                                           int(node.findtext("Day") or 1))
                break
        out.append((pmid, date, etree.tostring(article, encoding="unicode")))
    return out


@dataclass
class FakeData:
    """What the fake APIs hold."""

    pubmed: list[tuple[str, str, str]] = field(default_factory=list)      # (pmid, edat, xml)
    europepmc: list[dict] = field(default_factory=list)                    # core result objects
    fulltexts: dict[str, str] = field(default_factory=dict)                # PMCID -> JATS XML
    ctgov: list[dict] = field(default_factory=list)                        # study objects


class FakeApis:
    """Start with `with FakeApis(data) as api:`; `api.url("pubmed")` is a base URL for a source."""

    def __init__(self, data: FakeData, *, epmc_page_size: int | None = None, ctgov_page_size: int | None = None):
        self.data = data
        self.faults: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.requests: list[tuple[str, str, dict, float]] = []  # (method, endpoint, params, monotonic time)
        self.epmc_page_size = epmc_page_size
        self.ctgov_page_size = ctgov_page_size
        self.delay: dict[str, float] = {}
        self._histories: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                fake._handle(self, "GET", parse_qs(urlsplit(self.path).query))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                params = parse_qs(urlsplit(self.path).query)
                params.update(parse_qs(body))
                fake._handle(self, "POST", params)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeApis":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, source: str) -> str:
        """Return the base URL that plays `source` (pubmed, europepmc, ctgov)."""
        return f"http://127.0.0.1:{self.server.server_port}/{source}/"

    def env(self) -> dict[str, str]:
        """Return the TRIALSYNTH_*_URL environment variables pointing at this server."""
        return {"TRIALSYNTH_PUBMED_URL": self.url("pubmed"), "TRIALSYNTH_EUROPEPMC_URL": self.url("europepmc"),
                "TRIALSYNTH_CTGOV_URL": self.url("ctgov")}

    def count(self, endpoint: str) -> int:
        """Return how many requests reached `endpoint`."""
        return sum(1 for request in self.requests if request[1] == endpoint)

    def times(self, endpoint: str) -> list[float]:
        """Return when each request to `endpoint` arrived (time.monotonic())."""
        return [request[3] for request in self.requests if request[1] == endpoint]

    # --- dispatch --------------------------------------------------------------------------

    def _handle(self, handler, method: str, params: dict) -> None:
        path = urlsplit(handler.path).path
        params = {k: v[0] for k, v in params.items()}
        endpoint = self._endpoint(path)
        with self._lock:
            self.requests.append((method, endpoint, params, time.monotonic()))
            fault = self.faults[endpoint].popleft() if self.faults[endpoint] else None
        if fault and fault[0] == "ok":  # a placeholder: this request is answered normally
            fault = None
        if endpoint in self.delay:
            time.sleep(self.delay[endpoint])
        try:
            if fault and fault[0] == "status":
                _, code, headers, body = fault
                return self._send(handler, code, body, "text/plain", headers)
            if fault and fault[0] == "body":
                return self._send(handler, 200, fault[1], "text/xml")
            if fault and fault[0] == "delay":
                time.sleep(fault[1])
            code, body, ctype = self._answer(endpoint, path, params)
            if fault and fault[0] == "truncate":
                body = body[: len(body) // 2]
            self._send(handler, code, body, ctype)
        except (BrokenPipeError, ConnectionResetError):
            pass

    @staticmethod
    def _endpoint(path: str) -> str:
        if path.endswith("esearch.fcgi"):
            return "esearch"
        if path.endswith("efetch.fcgi"):
            return "efetch"
        if path.endswith("/fullTextXML"):
            return "fulltext"
        if path.startswith("/europepmc/"):
            return "epmc_search"
        if path.startswith("/ctgov/"):
            return "ctgov"
        return "unknown"

    @staticmethod
    def _send(handler, code: int, body: str, ctype: str, headers: dict | None = None) -> None:
        data = body.encode("utf-8")
        handler.send_response(code)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, endpoint: str, path: str, params: dict) -> tuple[int, str, str]:
        if endpoint == "esearch":
            return 200, self._esearch(params), "text/xml"
        if endpoint == "efetch":
            return 200, self._efetch(params), "text/xml"
        if endpoint == "fulltext":
            pmcid = path.rsplit("/", 2)[-2]
            if pmcid not in self.data.fulltexts:
                return 404, "", "text/plain"
            return 200, self.data.fulltexts[pmcid], "application/xml"
        if endpoint == "epmc_search":
            return 200, self._epmc(params), "application/json"
        if endpoint == "ctgov":
            return 200, self._ctgov(params), "application/json"
        return 404, "not found", "text/plain"

    # --- PubMed ----------------------------------------------------------------------------

    def _esearch(self, params: dict) -> str:
        articles = self.data.pubmed
        if params.get("mindate"):
            low = params["mindate"].replace("/", "-")
            high = params.get("maxdate", "3000/12/31").replace("/", "-")
            articles = [a for a in articles if low <= a[1] <= high]
        ids = [a[0] for a in articles]
        webenv = f"MCID_fake{len(self._histories)}"
        self._histories[webenv] = ids
        idlist = "".join(f"<Id>{i}</Id>" for i in ids[: int(params.get("retmax", 20))])
        return ('<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch '
                '20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
                f"<eSearchResult><Count>{len(ids)}</Count><RetMax>{len(ids)}</RetMax><RetStart>0</RetStart>"
                f"<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv><IdList>{idlist}</IdList>"
                "<TranslationSet/><QueryTranslation>fake</QueryTranslation></eSearchResult>\n")

    def _efetch(self, params: dict) -> str:
        by_id = {a[0]: a[2] for a in self.data.pubmed}
        if params.get("WebEnv"):
            ids = self._histories.get(params["WebEnv"], [])
            start = int(params.get("retstart", 0))
            ids = ids[start:start + int(params.get("retmax", 20))]
        else:
            ids = [i for i in params.get("id", "").split(",") if i]
        body = "\n".join(by_id[i] for i in ids if i in by_id)
        return ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
                '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
                f"<PubmedArticleSet>\n{body}\n</PubmedArticleSet>\n")

    # --- Europe PMC ------------------------------------------------------------------------

    def _epmc(self, params: dict) -> str:
        results = self.data.europepmc
        match = re.search(r"FIRST_IDATE:\[(\S+) TO (\S+)\]", params.get("query", ""))
        if match:
            results = [r for r in results if match.group(1) <= r.get("firstIndexDate", "") <= match.group(2)]
        size = self.epmc_page_size or int(params.get("pageSize", 25))
        cursor = params.get("cursorMark", "*")
        start = 0 if cursor == "*" else int(cursor.removeprefix("AoI"))
        page = results[start:start + size]
        out = {"version": "6.9", "hitCount": len(results),
               "request": {"queryString": params.get("query", ""), "resultType": params.get("resultType", "lite"),
                           "cursorMark": cursor, "pageSize": size},
               "resultList": {"result": page}}
        if start + size < len(results):
            out["nextCursorMark"] = f"AoI{start + size}"
        elif page:
            out["nextCursorMark"] = cursor if cursor != "*" else f"AoI{start + size}"
        return json.dumps(out, separators=(",", ":"), ensure_ascii=False)

    # --- ClinicalTrials.gov ----------------------------------------------------------------

    def _ctgov(self, params: dict) -> str:
        studies = self.data.ctgov
        match = re.search(r"AREA\[LastUpdatePostDate\]RANGE\[([^,\]]+),", params.get("filter.advanced", ""))
        if match:
            studies = [s for s in studies if s["protocolSection"]["statusModule"].get(
                "lastUpdatePostDateStruct", {}).get("date", "") >= match.group(1)]
        size = self.ctgov_page_size or int(params.get("pageSize", 10))
        start = int(params.get("pageToken", "0") or 0)
        out: dict = {"studies": studies[start:start + size]}
        if params.get("countTotal") == "true" and start == 0:
            out["totalCount"] = len(studies)
        if start + size < len(studies):
            out["nextPageToken"] = str(start + size)
        return json.dumps(out, ensure_ascii=False)

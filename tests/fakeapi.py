"""A real HTTP server on 127.0.0.1 that plays PubMed E-utilities, Europe PMC REST and
ClinicalTrials.gov v2 from recorded real-format records, with injectable faults.

It answers the requests trialsynth's sources make: ESearch (Count, IdList, WebEnv and QueryKey with
usehistory=y; mindate/datetype=edat windows), EFetch (WebEnv paging, GET or POST id lists), Europe
PMC search (cursorMark paging, FIRST_IDATE filter) and fullTextXML, CT.gov /studies (pageToken
paging, LastUpdatePostDate filter). The server, the request record and the fault queues
(`faults[endpoint]`, `delay[endpoint]`) are tests.loopback.LoopbackServer's; the endpoints are
esearch, efetch, fulltext, epmc_search and ctgov.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree

from tests.loopback import LoopbackServer

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


class FakeApis(LoopbackServer):
    """Start with `with FakeApis(data) as api:`; `api.url("pubmed")` is a base URL for a source.

    `webenv_prefix` names the ESearch histories (WebEnv "<prefix>0", "<prefix>1", ...).
    `frozen=True` promises that `data`'s records are not changed while the server runs: each Europe
    PMC result and CT.gov study is then encoded once, not at every request (for benchmarks, where
    the server's own JSON encoding would otherwise be timed with the client's work).
    """

    def __init__(self, data: FakeData, *, epmc_page_size: int | None = None, ctgov_page_size: int | None = None,
                 webenv_prefix: str = "MCID_fake", frozen: bool = False):
        super().__init__()
        self.data = data
        self.epmc_page_size = epmc_page_size
        self.ctgov_page_size = ctgov_page_size
        self.webenv_prefix = webenv_prefix
        self.frozen = frozen
        self._encoded: dict[int, str] = {}
        self._histories: dict[str, list[str]] = {}

    def _json(self, obj, items_key: tuple[str, ...], **options) -> str:
        """json.dumps(obj, **options), with the list at `items_key` spliced in from per-item encodings when frozen."""
        if not self.frozen:
            return json.dumps(obj, ensure_ascii=False, **options)
        holder = obj
        for key in items_key[:-1]:
            holder = holder[key]
        items = holder[items_key[-1]]
        marker = "\x00items\x00"
        holder[items_key[-1]] = marker
        text = json.dumps(obj, ensure_ascii=False, **options)
        separator = "," if options.get("separators") == (",", ":") else ", "
        encoded = []
        for item in items:
            if id(item) not in self._encoded:
                self._encoded[id(item)] = json.dumps(item, ensure_ascii=False, **options)
            encoded.append(self._encoded[id(item)])
        holder[items_key[-1]] = items
        return text.replace(json.dumps(marker), "[" + separator.join(encoded) + "]", 1)

    def env(self) -> dict[str, str]:
        """Return the TRIALSYNTH_*_URL environment variables pointing at this server."""
        return {"TRIALSYNTH_PUBMED_URL": self.url("pubmed"), "TRIALSYNTH_EUROPEPMC_URL": self.url("europepmc"),
                "TRIALSYNTH_CTGOV_URL": self.url("ctgov")}

    # --- dispatch --------------------------------------------------------------------------

    def endpoint(self, path: str) -> str:
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

    def answer(self, method: str, endpoint: str, path: str, params: dict) -> tuple[int, str, str]:
        if endpoint == "esearch":
            return 200, self.esearch(params), "text/xml"
        if endpoint == "efetch":
            return 200, self.efetch(params), "text/xml"
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

    def esearch(self, params: dict) -> str:
        """ESearch over data.pubmed (an edat window if mindate is given); WebEnv only with usehistory=y."""
        articles = self.data.pubmed
        if params.get("mindate"):
            low = params["mindate"].replace("/", "-")
            high = params.get("maxdate", "3000/12/31").replace("/", "-")
            articles = [a for a in articles if low <= a[1] <= high]
        ids = [a[0] for a in articles]
        history = ""
        if params.get("usehistory") == "y":
            webenv = f"{self.webenv_prefix}{len(self._histories)}"
            self._histories[webenv] = ids
            history = f"<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv>"
        retmax = int(params.get("retmax", 20))
        idlist = "".join(f"<Id>{i}</Id>" for i in ids[:retmax])
        return ('<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch '
                '20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
                f"<eSearchResult><Count>{len(ids)}</Count><RetMax>{min(len(ids), retmax)}</RetMax>"
                f"<RetStart>0</RetStart>{history}<IdList>{idlist}</IdList>"
                "<TranslationSet/><QueryTranslation>fake</QueryTranslation></eSearchResult>\n")

    def efetch(self, params: dict) -> str:
        """EFetch from a WebEnv history page (WebEnv, retstart, retmax) or an id list (id)."""
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
        return self._json(out, ("resultList", "result"), separators=(",", ":"))

    # --- ClinicalTrials.gov ----------------------------------------------------------------

    def _ctgov(self, params: dict) -> str:
        studies = self.data.ctgov
        match = re.search(r"AREA\[LastUpdatePostDate\]RANGE\[([^,\]]+),", params.get("filter.advanced", ""))
        if match:
            studies = [s for s in studies if s.get("protocolSection", {}).get("statusModule", {}).get(
                "lastUpdatePostDateStruct", {}).get("date", "") >= match.group(1)]
        size = self.ctgov_page_size or int(params.get("pageSize", 10))
        start = int(params.get("pageToken", "0") or 0)
        out: dict = {"studies": studies[start:start + size]}
        if params.get("countTotal") == "true" and start == 0:
            out["totalCount"] = len(studies)
        if start + size < len(studies):
            out["nextPageToken"] = str(start + size)
        return self._json(out, ("studies",))

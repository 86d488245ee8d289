"""ClinicalTrials.gov parsing (recorded real API v2 responses) and request logic (a real server on 127.0.0.1)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.ctgov import PARSER_VERSION, CtGovSource, parse_ctgov_json, parse_query, parse_studies_page
from corpus.http import HttpClient
from corpus.source import Known
from tests.loopback import LoopbackServer
from corpus.errors import HarvestError, InputError, MalformedResponseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ctgov"
ALL_FILES = ["studies_search_cond_page1.json", "studies_search_cond_page2.json", "studies_search_intr.json",
             "study_NCT06604689_fields.json", "study_NCT00763412_with_results.json",
             "study_NCT02210780_with_results.json"]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def one(name: str):
    hits = parse_ctgov_json(fixture(name))
    assert len(hits) == 1
    return hits[0].record


# --- parsing -------------------------------------------------------------------------------

def test_parser_version():
    assert PARSER_VERSION == "ctgov-2"


def test_search_pages_and_tokens():
    hits, token, total = parse_studies_page(fixture("studies_search_cond_page1.json"))
    assert (len(hits), token, total) == (5, "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4dnDeTsPkw", 21)
    hits2, token2, total2 = parse_studies_page(fixture("studies_search_cond_page2.json"))
    assert len(hits2) == 5 and token2 == "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4bmjeauvk_IQ" and total2 is None
    assert not {h.record.source_id for h in hits} & {h.record.source_id for h in hits2}
    rec = hits[0].record
    assert (rec.source, rec.source_id, rec.ids.nct) == ("ctgov", "NCT02710084", ("NCT02710084",))
    assert rec.title == "Piloting Treatment With Intranasal Oxytocin in Phelan-McDermid Syndrome"  # briefTitle
    assert rec.abstract.startswith("This is a pilot study examining the efficacy")
    assert (rec.authors, rec.journal, rec.year) == ((), None, 2016)
    assert rec.publication_types == ("Clinical Trial Registration", "Phase 2")
    assert rec.registry["status"] == "COMPLETED" and rec.registry["phases"] == ["Phase 2"]
    assert rec.registry["enrollment"]["count"] == 18 and rec.registry["sponsor"] == "Alexander Kolevzon"
    assert rec.registry["interventions"][0]["name"] == "Oxytocin"
    assert rec.registry["has_results"] is False and rec.registry["results"] is None
    assert all(h.raw_format == "ctgov-json" for h in hits)


def test_intervention_search_multi_phase():
    hits, token, total = parse_studies_page(fixture("studies_search_intr.json"))
    assert len(hits) == 3 and total == 2924 and token
    rec = hits[0].record
    assert rec.source_id == "NCT05431270"
    assert rec.publication_types == ("Clinical Trial Registration", "Phase 1", "Phase 2")
    assert rec.registry["completion_date"] == "2028-08"


def test_single_study_object():
    rec = one("study_NCT06604689_fields.json")
    assert rec.source_id == "NCT06604689" and rec.year == 2024
    assert rec.registry["study_type"] == "OBSERVATIONAL" and rec.registry["phases"] == []
    assert rec.publication_types == ("Clinical Trial Registration",)
    assert "\n" not in rec.abstract and "  " not in rec.abstract  # whitespace collapsed
    assert parse_studies_page(fixture("study_NCT06604689_fields.json"))[1:] == (None, None)


def test_study_with_results_NCT00763412():
    rec = one("study_NCT00763412_with_results.json")
    reg = rec.registry
    assert rec.title.startswith("Pilot and Feasibility Study for the Treatment of Pre-diabetes")
    assert reg["enrollment"] == {"count": 31, "type": "ACTUAL"}
    assert reg["has_results"] is True
    measures = reg["results"]["outcomeMeasuresModule"]["outcomeMeasures"]
    assert measures[0]["paramType"] == "MEAN" and measures[0]["dispersionType"] == "Full Range"
    assert [o["measure"] for o in reg["primary_outcomes"]][0] == "BMI"
    assert reg["interventions"] == [{"type": "DRUG", "name": "placebo"}, {"type": "DRUG", "name": "repaglinide"}]
    assert len(reg["arm_groups"]) == 2 and reg["start_date"] == "2006-11"
    assert (rec.year, rec.pub_date, rec.entry_date) == (2006, "2008-10-01", "2017-06-05")
    assert "Cystic Fibrosis" in rec.mesh_terms and "Repaglinide" in rec.mesh_terms
    assert "Cystic Fibrosis Related Diabetes" in rec.keywords
    assert rec.ids.nct == ("NCT00763412",)  # the NIH grant in secondaryIdInfos is no NCT id
    json.dumps(rec.to_dict())  # registry is JSON-serialisable


def test_study_with_results_NCT02210780():
    rec = one("study_NCT02210780_with_results.json")
    assert rec.registry["enrollment"]["count"] == 194
    assert "outcomeMeasuresModule" in rec.registry["results"]
    assert rec.registry["sponsor"] == "Regeneron Pharmaceuticals" and rec.registry["phases"] == ["Phase 2"]
    assert rec.title.startswith("A Randomized, Double-Blind, Placebo-Controlled")  # officialTitle wins


def test_array_of_studies_and_nct_aliases():
    study = json.loads(fixture("study_NCT06604689_fields.json"))
    study["protocolSection"]["identificationModule"]["nctIdAliases"] = ["NCT01234567"]
    study["protocolSection"]["identificationModule"]["secondaryIdInfos"] = [{"id": "NCT07654321", "type": "OTHER"}]
    hits = parse_ctgov_json(json.dumps([study, json.loads(fixture("study_NCT00763412_with_results.json"))]))
    assert [h.record.source_id for h in hits] == ["NCT06604689", "NCT00763412"]
    assert hits[0].record.ids.nct == ("NCT06604689", "NCT01234567", "NCT07654321")


@pytest.mark.parametrize("name", ALL_FILES)
def test_raw_round_trip_gives_the_same_fingerprint(name):
    for hit in parse_ctgov_json(fixture(name)):
        again = parse_ctgov_json(hit.raw)[0]
        assert again.record.fingerprint() == hit.record.fingerprint() and again.raw == hit.raw


def test_malformed_bodies():
    body = fixture("studies_search_cond_page1.json")
    with pytest.raises(MalformedResponseError, match="not valid JSON"):
        parse_ctgov_json(body[:-40])
    with pytest.raises(MalformedResponseError, match="neither a /studies page"):
        parse_ctgov_json('{"message":"unknown parameter"}')
    with pytest.raises(MalformedResponseError, match="nctId"):
        parse_ctgov_json('{"protocolSection":{}}')


def test_parse_query():
    assert parse_query("rheumatoid arthritis") == {"query.term": "rheumatoid arthritis"}
    assert parse_query("query.cond=rheumatoid arthritis&query.intr=mesenchymal stem cells") == {
        "query.cond": "rheumatoid arthritis", "query.intr": "mesenchymal stem cells"}
    assert parse_query("query.term=x&filter.overallStatus=COMPLETED")["filter.overallStatus"] == "COMPLETED"
    with pytest.raises(InputError, match="'query.' or 'filter.'") as info:
        parse_query("query.cond=ra&pageSize=5")
    assert "pageSize" in str(info.value)


# --- request logic against a local server ----------------------------------------------------

class FakeCtGov(LoopbackServer):
    """/studies over `studies` in pages of `size` (pageToken "t<start>"); records every request."""

    def __init__(self, studies: list[dict], size: int = 2):
        super().__init__()
        self.studies, self.size = studies, size
        self.base = self.url("api/v2")

    def endpoint(self, path: str) -> str:
        return "studies"

    def answer(self, method: str, endpoint: str, path: str, params: dict[str, str]) -> tuple[int, str, str]:
        start = int(params.get("pageToken", "t0")[1:])
        out: dict = {"studies": self.studies[start:start + self.size]}
        if start == 0 and params.get("countTotal") == "true":
            out["totalCount"] = len(self.studies)  # the real API counts on the first page only
        if start + self.size < len(self.studies):
            out["nextPageToken"] = f"t{start + self.size}"
        return 200, json.dumps(out), "application/json"


def studies() -> list[dict]:
    return json.loads(fixture("studies_search_cond_page1.json"))["studies"][:4]


def make_source(api: FakeCtGov, **kwargs) -> CtGovSource:
    client = HttpClient(min_interval=0, backoff_base=0.01, max_retries=2, timeout=5)
    return CtGovSource(client, base=api.base, **kwargs)


def test_page_token_paging_across_two_pages():
    with FakeCtGov(studies(), size=2) as api:
        batches = list(make_source(api, page_size=2).harvest(
            "query.cond=Phelan-McDermid Syndrome&query.intr=oxytocin", None, Known()))
    assert [len(b.hits) for b in batches] == [2, 2] and [b.total for b in batches] == [4, 4]
    assert [r.params.get("pageToken") for r in api.requests] == [None, "t2"]
    path, first = api.requests[0].path, api.requests[0].params
    assert path == "/api/v2/studies"
    assert first == {"query.cond": "Phelan-McDermid Syndrome", "query.intr": "oxytocin", "format": "json",
                     "pageSize": "2", "countTotal": "true"}


def test_since_sets_filter_advanced_and_combines_with_the_users():
    with FakeCtGov(studies()[:1]) as api:
        list(make_source(api).harvest("stem cells", "2024-01-31", Known()))
        list(make_source(api, page_size=9999).harvest(
            "query.term=x&filter.advanced=AREA[Phase]PHASE3", "2024-01-31", Known()))
    first, second = (r.params for r in api.requests)
    assert first["query.term"] == "stem cells" and first["pageSize"] == "1000"
    assert first["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-01-31,MAX]"
    assert second["filter.advanced"] == "(AREA[Phase]PHASE3) AND AREA[LastUpdatePostDate]RANGE[2024-01-31,MAX]"


def test_zero_hits_is_one_request_and_invalid_key_makes_none():
    with FakeCtGov([]) as api:
        assert list(make_source(api).harvest("nothing", None, Known())) == []
        assert len(api.requests) == 1
        with pytest.raises(InputError, match="sort"):
            list(make_source(api).harvest("query.term=x&sort=LastUpdatePostDate", None, Known()))
        assert len(api.requests) == 1


def test_truncated_page_is_retried_then_fails():
    with FakeCtGov(studies(), size=10) as api:
        api.faults["studies"].append(("body", json.dumps({"studies": studies()})[:-30]))
        [batch] = list(make_source(api).harvest("x", None, Known()))
        assert len(batch.hits) == 4 and len(api.requests) == 2
        api.faults["studies"].extend([("body", "{\"studies\": [")] * 3)
        with pytest.raises(HarvestError, match="malformed"):
            list(make_source(api).harvest("x", None, Known()))


def test_a_page_with_bad_studies_gives_the_good_ones_and_names_the_bad():
    good = json.loads(fixture("study_NCT00763412_with_results.json"))
    page = json.dumps({"studies": [good, {"no": "protocol"}, {"protocolSection": {}}], "nextPageToken": "x"})
    hits, token, _ = parse_studies_page(page, skip_bad=True)
    assert [h.record.source_id for h in hits] == ["NCT00763412"] and token == "x"
    assert len(hits.skipped) == 2 and "protocolSection" in hits.skipped[0] and "nctId" in hits.skipped[1]
    with pytest.raises(MalformedResponseError):
        parse_studies_page(page)  # an import file is refused whole: its author can fix it

"""A realistic ReportContext for the report tests, built from FICTITIOUS studies.

Every study labelled "Fictitious ..." is invented (numbers, titles, identifiers). The only real
study is the review's seed, Wang 2019 (PMID 31908418), with the statements its abstract makes
(DAS28 decreased 1 and 3 years after treatment, P < 0.05). The pooled analyses are real fits
(analysis.rma, leave_one_out, cumulative, regtest, vote_count) of the invented numbers.
"""
from __future__ import annotations

import pandas as pd

from analysis import cumulative, leave_one_out, regtest, rma, vote_count
from trialsynth.results import (CorrectionNote, DirectionEntry, DirectionSynthesis, OverlapGroup, PooledAnalysis,
                                PooledStudy, Prisma, ReportContext, StudyRow, UpdateEntry)

SCRIPT_TITLE = "Fictitious B trial <script>alert(1)</script> of MSC in RA"
VERBATIM_MARKUP = "DAS28 fell from 5.9 ± 0.8 to 4.1 ± 1.0 & stayed <b>low</b> at 24 weeks (P = 0.003)."
SEED_VERBATIM = ("Health index (HAQ) and joint function index (DAS28) decreased 1 year and 3 years after "
                 "treatment than before treatment (P < 0.05).")

# DAS28 mean change from baseline at 13-26 weeks (MC): four invented single-arm studies
DAS28 = [  # record_id, label, year, n, yi, vi
    ("F-0001", "Fictitious A 2020", 2020, 24, -1.20, 0.090),
    ("F-0002", "Fictitious B 2021", 2021, 18, -1.80, 0.120),
    ("F-0003", "Fictitious C 2022", 2022, 30, -0.70, 0.080),
    ("F-0004", "Fictitious D 2023", 2023, 12, -1.40, 0.210),
]
# ACR20 response, MSC vs control (log risk ratio): three invented controlled studies
ACR20 = [
    ("F-0005", "Fictitious E 2021", 2021, 40, 0.95, 0.060),
    ("F-0006", "Fictitious F 2022", 2022, 60, 0.10, 0.045),
    ("F-0007", "Fictitious G 2023", 2023, 36, 0.80, 0.110),
]


def _pooled(key: str, outcome: str, window: str, measure: str, measure_label: str, rows, *,
            transform: str | None, egger: bool) -> PooledAnalysis:
    ids, labels, years, ns, yi, vi = (list(col) for col in zip(*rows))
    fit = rma(yi, vi, method="REML", test="knha", measure=measure, labels=labels)
    loo = leave_one_out(yi, vi, method="REML", test="knha", labels=labels).to_dict()["rows"]
    cum = cumulative(yi, vi, order=years, method="REML", test="knha", labels=labels).to_dict()["rows"]
    if egger:
        small = regtest(yi, vi, method="REML", test="knha").to_dict()
    else:
        small = {"skipped": f"only {len(rows)} studies: the regression test for funnel plot asymmetry "
                            "needs at least 10 (Cochrane Handbook 13.3.5.4)"}
    studies = tuple(PooledStudy(record_id=i, label=lab, yi=y, vi=v, weight=float(w), n=n, timepoint_weeks=24.0,
                                source="abstract" if j % 2 == 0 else "table:Table 2 r3 c2")
                    for j, (i, lab, n, y, v, w) in enumerate(zip(ids, labels, ns, yi, vi, fit.weights)))
    return PooledAnalysis(
        key=key, outcome=outcome, window=window, measure=measure, measure_label=measure_label, method=fit.method,
        test=fit.test, k=fit.k, estimate=fit.estimate, ci_low=fit.ci_low, ci_high=fit.ci_high, pi_low=fit.pi_low,
        pi_high=fit.pi_high, p_value=fit.p_value, tau2=fit.tau2, i2=fit.i2, q=fit.q, q_p=fit.q_p,
        transform=transform, studies=studies, leave_one_out=tuple(loo), cumulative=tuple(cum),
        small_study_test=small, notes=("Fictitious data, for tests only.",), fit=fit)


def sample_context() -> ReportContext:
    """A ReportContext with two real pooled analyses (one on the log scale), a direction-of-effect
    synthesis with the seed study, overlaps, corrections, history, and hostile harvested text."""
    das28 = _pooled("DAS28|13-26 weeks|MC", "DAS28", "13-26 weeks", "MC", "mean change from baseline", DAS28,
                    transform=None, egger=True)
    acr20 = _pooled("ACR20|13-26 weeks|RR", "ACR20", "13-26 weeks", "RR", "risk ratio (MSC vs control)", ACR20,
                    transform="exp", egger=False)

    def study(record_id, label, year, n, *, title=None, pmid=None, doi=None, included=True, reason=None,
              decided_by="extractor", design="single arm", seed=False, nct=None):
        return StudyRow(record_id=record_id, label=label, title=title or f"{label}: an invented trial of MSC in RA",
                        year=year, first_author=label.rsplit(" ", 1)[0], journal="Journal of Fictitious Trials",
                        pmid=pmid, doi=doi, pmcid=None, nct=nct, included=included, screening_reason=reason,
                        decided_by=decided_by, n_enrolled=n, cell_source="umbilical cord" if included else None,
                        route="intravenous" if included else None, doses="1 × 10^6 cells/kg" if included else "",
                        design=design if included else None, is_seed=seed)

    studies = (
        study("31908418", "Wang 2019", 2019, 64, seed=True, pmid="31908418", doi="10.2147/DDDT.S225613",
              title="Efficacy and Safety of Umbilical Cord Mesenchymal Stem Cell Therapy for Rheumatoid Arthritis "
                    "Patients: A Prospective Phase I/II Study"),
        study("F-0001", "Fictitious A 2020", 2020, 24, pmid="90000001", doi="10.9999/fict.a.2020"),
        study("F-0002", "Fictitious B 2021", 2021, 18, title=SCRIPT_TITLE, doi="10.9999/fict.b<2021>"),
        study("F-0003", "Fictitious C 2022", 2022, 30, decided_by="reviewer:ana", nct="NCT00000003"),
        study("F-0004", "Fictitious D 2023", 2023, 12),
        study("F-0005", "Fictitious E 2021", 2021, 40, design="controlled", pmid="90000005"),
        study("F-0006", "Fictitious F 2022", 2022, 60, design="controlled"),
        study("F-0007", "Fictitious G 2023", 2023, 36, design="controlled"),
        study("F-0100", "Fictitious X 2019", 2019, None, included=False, reason="animal study"),
        study("F-0101", "Fictitious Y 2020", 2020, None, included=False, reason="review article & commentary",
              decided_by="reviewer:ana"),
    )
    evidence = (
        {"record_id": "F-0002", "measure": "DAS28", "measure_text": "DAS28-ESR", "arm": "MSC", "n": 18,
         "timepoint": "24 weeks", "timepoint_weeks": 24.0, "baseline_mean": 5.9, "baseline_sd": 0.8,
         "followup_mean": 4.1, "followup_sd": 1.0, "p_value": "0.003", "direction": "decrease",
         "source_location": "abstract", "verbatim": VERBATIM_MARKUP, "entered_by": "extractor"},
        {"record_id": "F-0001", "measure": "DAS28", "arm": "MSC", "n": 24, "timepoint_weeks": 24.0,
         "change_mean": -1.2, "change_sd": 1.47, "source_location": "table:Table 2 r3 c2",
         "verbatim": "-1.2 (1.47)", "entered_by": "reviewer:ana"},
        {"record_id": "F-0005", "measure": "ACR20", "arm": "MSC", "n": 20, "timepoint": "3 months",
         "percent_responders": 55.0, "n_responders": 11, "source_location": "section:Results",
         "verbatim": "ACR20 was reached by 11 of 20 patients (55%)."},
        {"record_id": "31908418", "measure": "DAS28", "arm": "UC-MSC + DMARDs", "n": 64, "timepoint": "1 year",
         "timepoint_weeks": 52.0, "p_value": "<0.05", "direction": "decrease", "source_location": "abstract",
         "verbatim": SEED_VERBATIM, "entered_by": "extractor", "baseline_mean": float("nan")},
        # rows with almost nothing, as a pandas table with nullable columns gives them: must not crash the report
        {"record_id": "F-0004"},
        {"record_id": "F-0006", "measure": "HAQ", "n": pd.NA, "baseline_mean": pd.NA, "baseline_sd": pd.NA,
         "timepoint_weeks": pd.NA, "verbatim": pd.NA, "entered_by": None},
    )
    entries = (
        DirectionEntry(record_id="31908418", label="Wang 2019 (seed)", direction="decrease", benefit="benefit",
                       p_value="<0.05", timepoint_weeks=52.0, n=64, verbatim=SEED_VERBATIM, location="abstract",
                       is_seed=True),
        DirectionEntry(record_id="F-0008", label="Fictitious H 2020", direction="decrease", benefit="benefit",
                       p_value="0.01", timepoint_weeks=52.0, n=20, verbatim="DAS28 decreased (P = 0.01).",
                       location="abstract"),
        DirectionEntry(record_id="F-0009", label="Fictitious I 2022", direction="no change", benefit="no change",
                       p_value=None, timepoint_weeks=48.0, n=15, verbatim="DAS28 did not change & <i>HAQ</i> neither.",
                       location="section:Results"),
    )
    vote = vote_count([e.benefit for e in entries]).to_dict()
    directions = (DirectionSynthesis(outcome="DAS28", window="≥ 52 weeks", entries=entries, vote=vote,
                                     note="Fictitious entries except the seed study."),)
    # 52 identified - 14 duplicates = 38 screened; 28 excluded -> 10 sought; 1 not retrieved -> 9 assessed;
    # 1 report excluded -> 8 reports of included studies; 2 of them report one cohort -> 7 studies
    prisma = Prisma(databases={"Europe PMC": 27, "JSONL import": 11, "PubMed": 6},
                    registers={"ClinicalTrials.gov": 8}, duplicates_removed=14, records_screened=38,
                    records_excluded=28, excluded_by_automation=25, excluded_by_reviewer=3,
                    exclusion_reasons={"review article & commentary": 12, "animal study": 9, "not RA <adult>": 7},
                    reports_sought=10, reports_not_retrieved=1, reports_assessed=9, reports_excluded=1,
                    report_exclusion_reasons={"same cohort as Fictitious C 2022": 1}, studies_included=7,
                    reports_included=8, notes=("Screened by the extractor.", "Retrieved: full text or abstract."))
    return ReportContext(
        review_title="MSC therapy for rheumatoid arthritis (fictitious test review)",
        question="Do mesenchymal stem/stromal cells reduce disease activity (DAS28) in adults with RA?",
        generated_at="2024-05-01T12:00:00+00:00", trialsynth_version="0.1.0", extractor_version="extract-test",
        prisma=prisma, studies=studies, evidence_rows=evidence, pooled=(das28, acr20), directions=directions,
        overlaps=(OverlapGroup(record_ids=("F-0003", "F-0010"), labels=("Fictitious C 2022", "Fictitious C 2023"),
                               rule="same registry id NCT00000003", kept="F-0003"),),
        corrections=(CorrectionNote(record_id="F-0001", target="outcome DAS28 / arm MSC / 24 weeks",
                                    value="change -1.2 (SD 1.47)", reviewer="ana", note="read from Table 2"),),
        history=(UpdateEntry(run_id=1, started="2024-04-01T09:00:00", finished="2024-04-01T09:03:00",
                             summary={"new_records": 52, "included": 7}, changes=("first update",)),
                 UpdateEntry(run_id=2, started="2024-05-01T11:58:00", finished="2024-05-01T12:00:00",
                             summary={"new_records": 3, "included": 8},
                             changes=("Fictitious G 2023 added to ACR20 pooling",))),
        changes=("1 new study included: Fictitious G 2023", "ACR20 pooled RR now from k = 3 studies",
                 "Reviewer ana corrected Fictitious A 2020 (DAS28 change)"),
        plan={"method": "REML", "test": "knha", "min_k": 2},
    )

"""The table reader on real open-access trial articles (tests/fixtures/fulltext, see its SOURCES.md).

These check where each layout's arms, timepoints, measures and statistics are read from, with a
few numbers read by hand from the XML; they are not a copy of any gold file's records.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from extract.evidence import ExtractionInput
from extract.jats import parse_jats
from extract.pipeline import Extractor
from extract.table_model import TableLayout, table_layout
from extract.table_rows import TableReading, read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fulltext"


@lru_cache(maxsize=None)
def _article(pmcid: str):
    return parse_jats((FIXTURES / f"{pmcid}.nxml").read_bytes())


def _layout(pmcid: str, label: str) -> TableLayout:
    table = _article(pmcid).table(label)
    assert table is not None
    return table_layout(table)


def _read(pmcid: str, label: str, followup: float | None = None) -> list[TableReading]:
    return read_table(_layout(pmcid, label), "all patients", followup)


@lru_cache(maxsize=None)
def _evidence(pmcid: str):
    xml = (FIXTURES / f"{pmcid}.nxml").read_text(encoding="utf-8")
    return Extractor().extract(ExtractionInput(id=pmcid, full_text_xml=xml))


def _table_rows(pmcid: str, label: str):
    return [o for o in _evidence(pmcid).outcomes if o.provenance.location.startswith(f"table:{label} ")]


def _text_at(readings, row, col):
    (r,) = [x for x in readings if (x.row, x.col) == (row, col)]
    return r


def test_timepoints_above_the_arms_in_header_rows_that_sit_in_tbody():
    lay = _layout("PMC5873829", "Table 2")
    assert lay.n_header_rows == 2 and lay.arms_in == "columns"
    assert [(c.arm, c.time and c.time.weeks) for c in lay.columns[1:5]] == [
        ("GFD", 0.0), ("GFD+P", 0.0), ("GFD", 8.0), ("GFD+P", 8.0)]
    assert lay.columns[5].role == "p"
    got = _read("PMC5873829", "Table 2")
    assert {r.statistic for r in got} == {"mean ± SD", "n/N", "n"}  # the caption's mean ± SD; n/N and (n) counts


def test_nesting_arm_names_are_named_in_full_from_another_table():
    rows = _table_rows("PMC5873829", "Table 2")
    assert {o.arm for o in rows} == {"GFD only group", "GFD+P"}


def test_a_median_iqr_row_under_a_caption_that_says_mean_sd():
    got = _read("PMC5873829", "Table 3")
    medians = [r for r in got if r.statistic == "median (IQR)"]
    assert len(medians) == 4 and all("mean" not in k for r in medians for k in r.numbers)
    assert {r.weeks for r in got} == {26.0, 52.0}


def test_arms_as_rows_and_measures_as_column_groups_with_day_columns():
    lay = _layout("PMC1291385", "Table 2")
    assert lay.arms_in == "rows" and lay.columns[1].role == "n"
    got = _read("PMC1291385", "Table 2")
    assert {r.measure for r in got} == {"Pain intensity", "Facial Swelling", "Mouth Opening"}
    assert {r.weeks for r in got} == {0.14, 0.29} and {r.n for r in got} == {50}
    arms = {o.arm for o in _table_rows("PMC1291385", "Table 2")}
    assert arms == {"Group I (Dexamethasone-diclofecac K)", "Group II (Diclofenac only)"}  # named by the caption


def test_nested_measure_sections_over_postoperative_day_rows():
    got = _read("PMC5725027", "Table 2")
    arms = [r for r in got if r.role == "arm"]
    assert len(arms) == 60 and {r.arm for r in arms} == {"Group S", "Group D"}
    assert {r.measure.split(" / ")[-1] for r in arms} == {
        "Emotional state", "Physical comfort", "Psychological support", "Physical independence", "Pain"}
    assert sorted({r.weeks for r in arms}) == [0.0, 0.14, 0.29, 0.43, 0.71, 1.0]
    assert {r.statistic for r in arms} == {"mean ± SD"}  # the footnote's "median ± SD" has an SD
    assert len([r for r in got if r.role == "difference"]) == 30


def test_baseline_change_and_difference_rows_in_a_table_without_thead():
    got = _read("PMC3606470", "Table 1")
    arms = [r for r in got if r.role == "arm"]
    assert {r.statistic for r in arms if r.weeks == 0.0} == {"mean (SD)"}
    assert {(r.weeks, r.kind, r.statistic) for r in arms if r.weeks in (24.0, 102.0) and r.measure != "Percentage of patients with HbA1c <7.0%"} == {
        (24.0, "change", "mean (95% CI)"), (102.0, "change", "mean (95% CI)")}
    diffs = [r for r in got if r.role == "difference"]
    assert diffs and not [r for r in diffs if "Placebo" in (r.arm or "")]  # the placebo cell is empty


def test_change_columns_timepoint_only_in_the_caption():
    got = _read("PMC5093191", "Table 3")
    arms = [r for r in got if r.role == "arm"]
    assert len(arms) == 32 and {(r.weeks, r.kind, r.statistic) for r in arms} == {(12.0, "change", "mean (95% CI)")}
    assert {r.arm for r in arms} == {"Intervention", "Control"}
    assert len({r.measure for r in arms}) == 16


def test_a_pooled_column_and_a_caption_timepoint_in_a_characteristics_and_results_table():
    got = _read("PMC3936115", "Table 1")
    responders = [r for r in got if r.kind == "responders"]
    assert len(responders) == 18 and {r.weeks for r in responders} == {52.0}
    assert {r.arm for r in got} == {"Treatment group", "Placebo group"}  # "All patients" is pooled
    assert {r.n for r in responders} == {30, 22}  # from the "Number of patients" row


def test_timepoint_sections_and_n_over_n_cells():
    got = _read("PMC4301654", "Table 3")
    assert {r.weeks for r in got} == {0.0, 13.0, 26.0}
    nn = [r for r in got if r.statistic == "n/N (%)"]
    assert len(nn) == 12 and all(r.n and r.n >= r.numbers["n_responders"] for r in nn)
    changes = [r for r in got if r.kind == "change"]
    assert len(changes) == 4 and {r.weeks for r in changes} == {13.0, 26.0}


def test_the_indent_column_the_corner_measure_and_same_keys_in_two_tables():
    t2 = _read("PMC5722980", "Table 2")
    assert {r.measure for r in t2 if r.measure.startswith("PAS")} == {
        "PAS scores / Total", "PAS scores / Panic Attacks", "PAS scores / Agoraphobic Avoidance",
        "PAS scores / Anticipatory Anxiety", "PAS scores / Disability", "PAS scores / Worries about Health"}
    assert all(r.col in (2, 4) for r in t2)  # the range columns are no arms
    itt, completers = _table_rows("PMC5722980", "Table 3"), _table_rows("PMC5722980", "Table 5")
    keys = lambda rows: {(o.measure, o.arm, o.timepoint_weeks) for o in rows if o.kind == "value"}
    assert keys(itt) == keys(completers) and len(keys(itt)) == 4  # both tables come out
    assert {o.measure for o in itt} == {"PAS score"} and {o.timepoint_weeks for o in itt} == {12.0, 6.0}
    effect = [o for o in itt if o.effect_size is not None]
    assert len(effect) == 2 and all(o.effect_ci_low is not None and o.p_value for o in effect)


def test_within_group_contrasts_take_named_timepoints_from_another_caption():
    rows = _table_rows("PMC5722980", "Table 4")
    assert {(o.timepoint_weeks, o.kind) for o in rows} == {(6.0, "change"), (12.0, "change")}
    assert {o.arm for o in rows} == {"AF (Agoraphobia Free app)", "SF (Stress Free app)"}


@pytest.mark.parametrize(("pmcid", "label"), [("PMC5409664", "Table 2"), ("PMC4482193", "Table 4"),
                                              ("PMC5541727", "Table 4"), ("PMC4170701", "Table 2")])
def test_every_arm_reading_cites_one_cell_with_its_verbatim_text(pmcid, label):
    table = _article(pmcid).table(label)
    for r in _read(pmcid, label):
        if r.role == "arm" and len(r.cells) == 1:
            assert r.cells[0] == (r.row, r.col, table.cell(r.row, r.col).text)


def test_arms_as_rows_under_measure_sections_with_timepoint_columns():
    got = _read("PMC4482193", "Table 4")
    v = _text_at(got, 4, 4)
    assert (v.text, v.measure, v.arm, v.weeks, v.numbers) == (
        "3.16 ± 0.14#*", "Albumin", "Double infusion", 8.67, {"followup_mean": 3.16, "followup_sd": 0.14})
    assert {r.measure for r in got} == {"Albumin", "s-Bilirubin", "INR", "Serum creatinine"}


def test_timepoint_rows_under_site_sections_with_en_dash_minus_in_a_percent_change_table():
    got = _read("PMC5541727", "Table 4")
    v = _text_at(got, 2, 2)  # caption: "Annual percentage change from baseline in tibial cartilage volume"
    assert (v.text, v.measure, v.arm, v.weeks, v.kind, v.numbers, v.note) == (
        "–4.0 (3.9)", "Medial tibia", "HA alone", 26.0, "change", {"percent_change": -4.0},
        "SD of the percent change 3.9")


def test_two_level_header_arm_over_baseline_post_and_p():
    got = _read("PMC4170701", "Table 2", followup=12.0)
    v = _text_at(got, 2, 1)
    assert (v.measure, v.arm, v.n, v.weeks, v.statistic) == ("Schober's test", "COMB group", 9, 0.0, "mean ± SD")
    post = _text_at(got, 2, 5)  # "Postexercise": the caption's "after 3-month exercise"
    assert (post.arm, post.weeks, post.n) == ("ROM group", 13.0, 10)
    assert not [r for r in got if r.col in (3, 6, 7)]  # the P columns


def _timeless_article(methods: str, abstract: str = "Patients were randomised to drug or placebo.",
                      title: str = "A trial") -> str:
    from tests.extract.tables_helpers import table_xml
    tab = table_xml([["", "Drug (n = 20)", "Placebo (n = 20)"], ["Pain score", "3.1 (1.2)", "4.5 (1.4)"]],
                    caption="Outcomes", footnotes=("Values are mean (SD).",))
    return (f"<article><front><article-meta><title-group><article-title>{title}</article-title></title-group>"
            f"<abstract><p>{abstract}</p></abstract></article-meta></front><body>"
            f"<sec><title>Methods</title><p>{methods}</p></sec>"
            f"<sec><title>Results</title><p>See the table.</p>{tab}</sec></body></article>")


def test_a_timeless_table_is_dated_at_the_assessment_time_the_methods_state():
    methods = ("Patients attended weekly. Data were collected at baseline and at 4 months after randomisation, "
               "using questionnaires.")
    ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(methods)))
    (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
    assert row.timepoint_weeks == 17.33 and "methods" in row.timepoint and "4 months" in row.timepoint
    # the last of a list of weeks is named with its unit ("week 20", not "20")
    methods = "Samples were collected for immunogenicity at baseline, and weeks 4, 5, 8, 12, 16 and 20."
    ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(methods)))
    (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
    assert row.timepoint_weeks == 20.0 and "(20 weeks)" in row.timepoint
    # a duration or an interval is no assessment time: the table stays undated
    for methods in ("Patients performed 12 sessions with 48-72 hours of interval between sessions.",
                    "Treatment lasted 12 weeks.", "Tumour response was assessed by CT scans at 6-week intervals.",
                    "Body composition was assessed after a minimum 12-hour fast.",
                    "Patients were eligible if assessed at least 6 months after diagnosis.",
                    # a pregnancy's own clock (weeks of gestation, weeks after the birth) is no time of the trial
                    "The scale was administered at 20, 28, 36 weeks’ gestation and at 6 weeks postnatal.",
                    "Questionnaires were collected at 36 weeks gestation and six weeks post delivery."):
        ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(methods)))
        (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
        assert row.timepoint_weeks is None


def _coded_article(methods: str) -> str:
    from tests.extract.tables_helpers import table_xml
    tab = table_xml([["", ("Drug (n = 20)", {"colspan": 2})], ["", "T1", "T3"], ["Pain score", "3.1 (1.2)", "2.5 (1.4)"]],
                    head=2, caption="Outcomes", footnotes=("Values are mean (SD).",))
    return (f"<article><front><article-meta><title-group><article-title>A trial</article-title></title-group>"
            f"<abstract><p>A trial.</p></abstract></article-meta></front><body>"
            f"<sec><title>Methods</title><p>{methods}</p></sec>"
            f"<sec><title>Results</title><p>See the table.</p>{tab}</sec></body></article>")


def test_visit_codes_the_methods_date_in_brackets_date_the_tables_codes():
    for methods in ("Power was measured before the supplementation treatment (T1), after 3 weeks (T2) and after "
                    "6 weeks (T3) of treatment.",
                    "Students were evaluated at T1 (baseline), T2 (3 weeks) and T3 (6 weeks after the start)."):
        ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_coded_article(methods)))
        got = {o.provenance.location.split()[-1]: o.timepoint_weeks for o in ev.outcomes
               if o.provenance.location.startswith("table:Table 2 ")}
        assert got == {"c1": 0.0, "c2": 6.0}, methods


def test_a_timeless_table_of_a_single_session_is_dated_at_the_short_time_the_methods_state():
    # a single dose or session: the methods time the measurement in minutes, hours or days after it
    for methods, weeks, said in (
            ("The exercise test was performed exactly 10 minutes after inhalation of the study drug.", 0.0,
             "10 minutes after"),
            ("Pain was assessed 24 hours after surgery.", 0.14, "24 hours after"),
            ("Blood samples were taken at 30 minutes and 2 h after the meal.", 0.01, "2 h after"),
            ("Venous blood was drawn 48 hours after the dose.", 0.29, "48 hours after")):
        ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(methods)))
        (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
        assert row.timepoint_weeks == weeks and said in row.timepoint and "methods" in row.timepoint, methods
    # no measurement in the sentence, a fast, a time spent lying: the table stays undated
    for methods in ("Heparin was resumed 4 h after the resection.",
                    "Blood was drawn after a 10-hour fast.",
                    "Subjects remained in the recumbent position for 1 min after administration."):
        ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(methods)))
        (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
        assert row.timepoint_weeks is None, methods
    # a longer assessment time the methods state wins over a short one
    methods = "Spirometry was performed 15 minutes after salbutamol. Outcomes were assessed at 12 weeks."
    ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(methods)))
    (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
    assert row.timepoint_weeks == 12.0


def test_a_header_block_repeated_inside_the_body_names_the_rows_under_it():
    # "Single dose" over "Placebo | Memantine" over "Before | After", then the same header again
    # for "Ascending dose" and, over the Memantine columns only, for "Low dose"
    from tests.extract.tables_helpers import table_xml

    def block(dose: str, placebo: bool = True) -> list[list]:
        arms = [("Placebo", {"colspan": 2}), ("Memantine", {"colspan": 2})] if placebo \
            else ["", "", ("Memantine", {"colspan": 2})]
        times = ["Before", "After", "Before", "After"] if placebo else ["", "", "Before", "After"]
        return [["", (f"{dose} (n = 8)", {"colspan": 4})], ["", *arms], ["", *times]]

    rows = [*block("Single dose"), ["Area (cm2)", "14.6 ± 4.4", "13.8 ± 2.8", "15.5 ± 5.2", "16.1 ± 2.8"],
            *block("Ascending dose"), ["Area (cm2)", "16.6 ± 3.8", "15.7 ± 3.6", "15.9 ± 3.6", "16.3 ± 3.7"],
            *block("Low dose", placebo=False), ["Area (cm2)", "", "", "12.0 ± 4.1", "14.6 ± 4.0"]]
    tab = table_xml(rows, head=3, caption="Mapping results, mean ± SD, before and after training")
    xml = ("<article><front><article-meta><title-group><article-title>A trial</article-title></title-group>"
           "<abstract><p>A trial.</p></abstract></article-meta></front><body>"
           f"<sec><title>Results</title><p>See the table.</p>{tab}</sec></body></article>")
    ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=xml))
    got = {o.provenance.location: (o.arm, o.timepoint_weeks, o.followup_mean or o.baseline_mean)
           for o in ev.outcomes if o.provenance.location.startswith("table:")}
    assert got["table:Table 2 r3 c1"] == ("Single dose / Placebo", 0.0, 14.6)
    assert got["table:Table 2 r7 c1"] == ("Ascending dose / Placebo", 0.0, 16.6)
    assert got["table:Table 2 r7 c4"][0] == "Ascending dose / Memantine" and got["table:Table 2 r7 c4"][2] == 16.3
    assert got["table:Table 2 r11 c3"] == ("Low dose / Memantine", 0.0, 12.0)
    assert got["table:Table 2 r11 c4"][0] == "Low dose / Memantine"
    assert len(got) == 10


def test_a_timeless_table_of_a_perioperative_trial_is_dated_at_the_procedure():
    # the title names the operation, and neither the abstract nor the methods time anything a week or more
    methods = "Patients were randomised by sealed envelopes. Anaesthesia was standardised."
    for title in ("Bupivacaine infiltration for pain after total knee arthroplasty: a randomised trial",
                  "Laryngeal mask versus endotracheal intubation in children",
                  "Oxytocin at elective caesarean section"):
        ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(methods, title=title)))
        (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
        assert row.timepoint_weeks == 0.0 and "procedure" in row.timepoint, title
    # a trial of a drug, or an abstract that times something weeks after the operation: not dated so
    for title, abstract in (("Drug versus placebo for chronic pain", "Patients were randomised."),
                            ("Early recanalization after vasectomy", "Semen was analysed two weeks and 3 months "
                                                                     "after the vasectomy.")):
        xml = _timeless_article(methods, abstract=abstract, title=title)
        ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=xml))
        rows = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
        assert rows and all(o.timepoint_weeks != 0.0 for o in rows), title
    # the methods follow the patients up for months: no day of the procedure either
    xml = _timeless_article("Patients were followed up for 6 months after the operation.",
                            title="Minimal access versus conventional hydrocelectomy")
    ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=xml))
    (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
    assert row.timepoint_weeks is None


def test_a_timeless_table_of_a_study_that_times_nothing_a_week_or_more_is_dated_at_its_session():
    # an experiment run in one session: its abstract and long methods name no time of a week or more
    methods = " ".join(["Participants were randomly assigned to read one of two versions of the forum page "
                        "and then rated the trustworthiness of the expert on a questionnaire."] * 25)
    ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(methods)))
    (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
    assert row.timepoint_weeks == 0.0 and "session" in row.timepoint
    # the participants' ages are no time of the study
    ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(
        methods + " Students aged 18-30 years took part.")))
    (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
    assert row.timepoint_weeks == 0.0
    # a time of a week or more anywhere in the methods, or methods too short to tell: undated
    for text in (methods + " Participants were contacted again 2 weeks later.", "Participants rated the page.",
                 methods + " Women sent their glucose readings every 2-3 weeks."):
        ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_timeless_article(text)))
        (row,) = [o for o in ev.outcomes if o.provenance.location.startswith("table:Table 2 ") and o.arm == "Drug"]
        assert row.timepoint_weeks is None, text[-60:]


def _end_article(abstract: str, header: list[str]) -> str:
    from tests.extract.tables_helpers import table_xml
    tab = table_xml([["", ("Drug (n = 20)", {"colspan": len(header)})], ["", *header],
                     ["Pain score", *[f"{3 + i}.1 (1.2)" for i in range(len(header))]]],
                    head=2, caption="Outcomes", footnotes=("Values are mean (SD).",))
    return (f"<article><front><article-meta><title-group><article-title>A trial</article-title></title-group>"
            f"<abstract><p>{abstract}</p></abstract></article-meta></front><body>"
            f"<sec><title>Methods</title><p>Patients were randomised.</p></sec>"
            f"<sec><title>Results</title><p>See the table.</p>{tab}</sec></body></article>")


def test_the_end_of_treatment_is_the_treatments_stated_length_not_the_later_follow_up():
    cases = [
        # "Post-treatment" beside "6-month follow-up": the 8 weeks of treatment the abstract states
        ("Patients received drug or placebo for 8 weeks and were followed up for 6 months.",
         ["Baseline", "Post-treatment", "6-month follow-up"], {"c1": 0.0, "c2": 8.0, "c3": 26.0}),
        # "Upon completion" of a 5-week programme whose 1-year follow-up the table does not give
        ("Inpatients received 15 sessions over a 5-week inpatient regimen. Weight was assessed at 1-year follow-up.",
         ["At entry", "Upon completion"], {"c1": 0.0, "c2": 5.0}),
        ("An online trial compared two treatments over a 4-week period; outcomes were assessed at posttest and "
         "at 6-month follow-up.", ["Pretest", "Posttest", "Follow-up"], {"c1": 0.0, "c2": 4.0, "c3": 26.0}),
        # no treatment length stated: the end point stays the study's follow-up
        ("Patients were followed up for 12 weeks.", ["Baseline", "End of treatment"], {"c1": 0.0, "c2": 12.0}),
    ]
    for abstract, header, weeks in cases:
        ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=_end_article(abstract, header)))
        got = {o.provenance.location.split()[-1]: o.timepoint_weeks for o in ev.outcomes
               if o.provenance.location.startswith("table:Table 2 ")}
        assert got == weeks, abstract
    # a section row that names the end points too ("Completers of posttest and/or follow-up") leaves each
    # column its own
    abstract = "Two programmes were compared over a 4-week period, with a 6-month follow-up."
    xml = _end_article(abstract, ["Pretest", "Posttest", "Follow-up"]).replace(
        "<tr><td>Pain score</td>", '<tr><td colspan="4">Completers of posttest and/or follow-up</td></tr>'
                                   "<tr><td>Pain score</td>")
    ev = Extractor().extract(ExtractionInput(id="x", full_text_xml=xml))
    got = {o.provenance.location.split()[-1]: o.timepoint_weeks for o in ev.outcomes
           if o.provenance.location.startswith("table:Table 2 ")}
    assert got == {"c1": 0.0, "c2": 4.0, "c3": 26.0}

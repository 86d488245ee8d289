"""The rules under the comparison finder and the prompt answerer: passages, P values, CIs,
significance and direction words, arm placeholders, and the oriented label features."""
from __future__ import annotations

import pytest

from extract.comparison_cues import (ArmTerms, direction_cues, group_definitions, intervals, mark_arms, p_values,
                                     significance_cues)
from extract.labelling import label_features, rule_label
from extract.passages import Passage, section_kind, split_sentences, table_passages
from extract.tables import Cell, Table
from extract.terms import abbreviations, content_stems, stem


# --- passages ----------------------------------------------------------------------------------

def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_sentences_end_at_stops_not_at_abbreviations_or_decimals():
    text = ("Pain fell in group A vs. group B (P = 0.01). Smith et al. found 2.5 mg. The rate was 10% in "
            "Fig. 2. A. Smith agreed! 12 patients died.\n\nResults: HbA1c improved.")
    assert sentences(text) == ["Pain fell in group A vs. group B (P = 0.01).", "Smith et al. found 2.5 mg.",
                               "The rate was 10% in Fig. 2.", "A. Smith agreed!", "12 patients died.",
                               "Results: HbA1c improved."]


def test_a_stop_after_a_unit_or_a_code_ends_a_sentence_though_an_initial_does_not():
    text = ("LDL fell below 3.0 mmol/L. No excess was seen. Samples were kept at -70 °C. After the study, the "
            "CES-D. Although small, (P. Milligan, unpublished) and [F. Hoffmann-La Roche] agreed.")
    assert sentences(text) == ["LDL fell below 3.0 mmol/L.", "No excess was seen.", "Samples were kept at -70 °C.",
                               "After the study, the CES-D.",
                               "Although small, (P. Milligan, unpublished) and [F. Hoffmann-La Roche] agreed."]


def test_a_lower_case_word_after_a_stop_does_not_start_a_sentence():
    assert sentences("Doses were given i.v. twice. e.g. daily.") == ["Doses were given i.v. twice. e.g. daily."]


def test_sentence_offsets_are_verbatim_slices():
    text = "  First one.  Second (P < 0.05).\nThird"
    for s, e in split_sentences(text):
        assert text[s:e] == text[s:e].strip() and text[s:e]


@pytest.mark.parametrize("path, kind", [
    ("Results", "results"), ("Results > Efficacy", "results"), ("Methods > Outcome measures", "methods"),
    ("Discussion", "discussion"), ("Introduction", "introduction"), ("Conclusions", "conclusion"),
    ("Patients and methods", "methods"), ("Acknowledgements", "other"), ("3. Results and Discussion", "results"),
])
def test_section_kind(path, kind):
    assert section_kind(path) == kind


def _table(rows: list[list[str]], n_header: int = 1, caption: str = "Outcomes at week 12") -> Table:
    grid = tuple(tuple(Cell(t, r, c, r < n_header, r, c) for c, t in enumerate(row)) for r, row in enumerate(rows))
    return Table("Table 2", caption, (), grid, n_header)


def test_table_rows_are_passages_with_their_cells_columns_and_heading():
    t = _table([["Outcome", "MSC (n = 20)", "Placebo (n = 20)", "P value"],
                ["Efficacy", "", "", ""],
                ["DAS28", "3.1 ± 0.9", "4.2 ± 1.1", "0.01"],
                ["HAQ", "1.0 ± 0.5", "1.1 ± 0.6", "0.40"]])
    rows = table_passages(t, 0)
    assert [r.location for r in rows] == ["table:Table 2 r2", "table:Table 2 r3"]
    assert rows[0].text == "DAS28\n3.1 ± 0.9\n4.2 ± 1.1\n0.01"
    assert rows[0].columns[1] == "MSC (n = 20)" and rows[0].cells[3] == "0.01"
    assert "Efficacy" in rows[0].context and "Outcomes at week 12" in rows[0].context


# --- terms ------------------------------------------------------------------------------------

def test_stems_meet_across_plural_and_suffixes():
    assert stem("gametocytes") == stem("gametocyte")
    assert content_stems("the patients receiving placebo") == [stem("placebo")]


def test_abbreviations_read_long_form_definitions():
    found = abbreviations("Patients had continuous lateral rotation (CLR) or sulphadoxine-pyrimethamine (SP).")
    assert found["clr"] == tuple(stem(w) for w in ("continuous", "lateral", "rotation"))
    assert found["sp"] == tuple(stem(w) for w in ("sulphadoxine", "pyrimethamine"))


# --- P values, intervals, cue words -------------------------------------------------------------

@pytest.mark.parametrize("text, op, value, significant", [
    ("(P < 0.05)", "<", 0.05, True), ("p=.03", "=", 0.03, True), ("P = 0·04", "=", 0.04, True),
    ("P value of 0.2", "of", None, None), ("P\u2009=\u20090.31", "=", 0.31, False), ("p > 0.05", ">", 0.05, False),
    ("P ≤ 0.001", "≤", 0.001, True), ("(NS)", "ns", None, False), ("P = 0.05", "=", 0.05, None),
    ("(p 0.03)", "=", 0.03, True), ("p<0.1", "<", 0.1, None),
])
def test_p_value_spellings(text, op, value, significant):
    ps = p_values(text)
    assert ps, text
    if op == "of":  # "P value of 0.2": read as "P = 0.2"
        assert (ps[0].op, ps[0].value, ps[0].significant) == ("=", 0.2, False)
        return
    assert (ps[0].op, ps[0].significant) == (op, significant)
    if value is not None:
        assert ps[0].value == pytest.approx(value)


def test_a_p_inside_a_word_is_not_a_p_value():
    assert p_values("HbA1c dropped in group P2 = 0.5 mg") == [] or all(p.start > 0 for p in p_values("group P = 0.5"))
    assert p_values("sleep = 0.5 h") == []


@pytest.mark.parametrize("text, excludes_null, ratio", [
    ("HR 0.76 (95% CI 0.59 to 0.98)", True, True), ("OR 0.85, 95% CI 0.65-1.12", False, True),
    ("mean difference -1.2 (95% CI -1.9 to -0.5)", True, False), ("MD 0.4 (95% CI -0.2 to 1.0)", False, False),
    ("HRR 0.41 (95% CI: 0.20-0.82, p = 0.012)", True, True),  # a hazard rate ratio
])
def test_interval_spellings(text, excludes_null, ratio):
    (ci,) = intervals(text)
    assert (ci.excludes_null, ci.ratio) == (excludes_null, ratio)


@pytest.mark.parametrize("text, cues", [
    ("was significantly lower", ["sig"]), ("was not significantly different", ["nonsig", "diff"]),
    ("did not differ between groups", ["nonsig"]), ("there were no differences in pain", ["nonsig"]),
    ("rates were similar", ["nonsig"]), ("a non-significant trend", ["nonsig", "trend"]),
    ("failed to reach statistical significance", ["nonsig"]),
])
def test_significance_cues(text, cues):
    assert [c[0] for c in significance_cues(text)] == cues


@pytest.mark.parametrize("text, signs", [
    ("pain was lower", [-1]), ("a greater reduction in pain", [-1]), ("HbA1c was more reduced", [-1]),
    ("a smaller increase", [-1]), ("the decrease in pain was greater in", [-1]), ("higher and longer", [1, 1]),
    # a change verb graded after it: "decreased less" is a rise against the other arm, "reduced more" a fall
    ("the diameter decreased significantly less in", [1]), ("fat was reduced more in", [-1]),
    ("pain increased less in", [-1]), ("weight increased more", [1]),
])
def test_direction_cues(text, signs):
    assert [c[0] for c in direction_cues(text)] == signs


# --- placeholders and oriented features ---------------------------------------------------------

TERMS = ArmTerms.from_text("mesenchymal stem cells (MSC)", "placebo", "DAS28 score",
                           {"msc": tuple(stem(w) for w in ("mesenchymal", "stem", "cells"))})


def marked(text: str, terms: ArmTerms = TERMS) -> str:
    return " ".join(t for t, _ in mark_arms(text, terms))


def test_arms_and_outcome_become_placeholders():
    assert marked("DAS28 scores were lower with MSC than with placebo (P = 0.01)") == \
        "OUTC were lower with INTV than with COMP p = NUM"


def test_group_codes_name_arms():
    terms = ArmTerms.from_text("Group A: bupivacaine", "group B - saline", "pain")
    assert marked("Pain was lower in group A than in group B", terms) == "OUTC was lower in INTV than in COMP"


def test_generic_arm_names_follow_the_arms():
    terms = ArmTerms.from_text("nurse-led education", "usual care", "adherence")
    assert marked("Adherence was higher in the treatment group than in the study group of placebo-treated "
                  "patients", terms) == "OUTC was higher in the INTV than in the INTV of COMP treated patients"
    assert marked("Adherence was higher in the treatment group", terms.mirrored()) == "OUTC was higher in the COMP"
    assert "COMP" not in marked("a randomised controlled trial of adherence", terms)


def test_control_words_name_a_control_like_comparator():
    terms = ArmTerms.from_text("nurse-led education", "usual care", "adherence")
    assert "COMP" in marked("Adherence was higher than in the control group", terms)


@pytest.mark.parametrize("text, key", [
    ("DAS28 was significantly lower in the MSC group than in the placebo group (P = 0.01)", "dir:intv_down"),
    ("DAS28 was significantly lower in the placebo group than in the MSC group (P = 0.01)", "dir:intv_up"),
    ("Compared with placebo, MSC significantly reduced DAS28 (P < 0.05)", "dir:intv_down"),
    ("MSC significantly increased DAS28 compared with placebo", "dir:intv_up"),
    ("MSC but not placebo significantly reduced DAS28", "dir:intv_down"),
    ("The decrease in DAS28 was greater in the MSC group than in the placebo group", "dir:intv_down"),
    # the arm after "than" is the reference, even with "in the" before it
    ("MSC patients reported DAS28 flares significantly more often than did those in the placebo group",
     "dir:intv_up"),
    ("DAS28 decreased significantly less in the MSC group as compared to the placebo group (P < 0.05)",
     "dir:intv_up"),
    # "as opposed to" and "different from" name the reference
    ("DAS28 significantly decreased (from 5.9 to 4.9) as opposed to the placebo group (from 5.8 to 6.1; "
     "P < 0.001)", "dir:intv_down"),
    # two arms listed as a pair ("of MSC and placebo") are neither the subject
    ("In comparison of the effects of MSC and placebo, a decrease in the items of DAS28 (p = 0.024) and of "
     "HAQ (p = 0.042) in the MSC group was significantly different from the placebo group.", "dir:intv_down"),
    # "the treatment group" is the intervention's arm; "controlling" is not the control arm
    ("Doses of morphine for controlling DAS28 were lower in the treatment group (P = 0.012).", "dir:intv_down"),
])
def test_direction_is_oriented_by_its_subject_arm(text, key):
    f = label_features(text, TERMS).features
    assert f.get(key), (text, {k: v for k, v in f.items() if not k.startswith("w:")})
    other = "dir:intv_up" if key == "dir:intv_down" else "dir:intv_down"
    assert not f.get(other)


@pytest.mark.parametrize("outcome, text, key", [
    # "the reduction in <a long outcome> was more pronounced in INTV": the outcome's words do not part
    # the direction noun from the word that grades it
    ("time for 10 m walking while counting backwards by three",
     "The reduction in time for 10 m walking while counting backwards by three was more pronounced in the MSC "
     "group than in the placebo group (F1,127 = 4.32, p = 0.040).", "dir:intv_down"),
    ("pain level in the left side of the shoulder",
     "The increase in pain level in the left side of the shoulder was significantly lower in the MSC group "
     "than in the placebo group.", "dir:intv_down"),
    # "among those receiving COMP" names the arm the direction word after it is said of
    ("respiratory symptoms scale",
     "A mean improvement of 5.9 points was observed among patients receiving MSC, vs. a mean decline of 2.7 "
     "points among those receiving placebo (P < 0.001).", "dir:intv_up"),
])
def test_direction_of_a_long_outcome_and_of_arms_named_by_who_received_them(outcome, text, key):
    f = label_features(text, ArmTerms.from_text("MSC", "placebo", outcome)).features
    other = "dir:intv_up" if key == "dir:intv_down" else "dir:intv_down"
    assert f.get(key) and not f.get(other), {k: v for k, v in f.items() if not k.startswith("w:")}


@pytest.mark.parametrize("text, key", [
    ("Remission: 12% in the MSC group and 30% in the placebo group (P = 0.01)", "num:intv_lower"),
    ("Remission in the placebo group was 12% and in the MSC group 30% (P = 0.01)", "num:intv_higher"),
    # values after the arms, in their order, joined by "vs"
    ("Remission came earlier in the MSC group than in the placebo group (4.2 ± 1.0 vs 4.9 ± 1.6 d, P = 0.04)",
     "num:intv_lower"),
    # "decreased by" a value is a negative change, "increased by" a positive one
    ("DAS28 decreased by 3.3 in the MSC group and increased by 2.6 in the placebo group, P = 0.0003",
     "num:intv_lower"),
    # "compared to 100%" is a value, not the end of a range
    ("Remission was achieved by 95.9% of patients in the placebo group compared to 100% in the MSC group",
     "num:intv_higher"),
    # "respectively": the values in the order of the arms named as a pair
    ("Flares occurred in 17 (27.4%) and 31 (50.0%) patients in the MSC and placebo groups, respectively "
     "(P = .010).", "num:intv_lower"),
    ("Flares occurred in 17 (27.4%) and 31 (50.0%) patients in the placebo and MSC groups, respectively.",
     "num:intv_higher"),
    ("Remission rates in the placebo and MSC groups were 12% and 30%, respectively (P = 0.02).", "num:intv_higher"),
    # "from A to B": the arm's value is where it went (B), not where it started (A)
    ("The proportion of flares decreased in the MSC group (from 59 to 49%) as opposed to the placebo group "
     "(from 58 to 74%; P < 0.001).", "num:intv_lower"),
    ("DAS28 decreased from 3.5 \u00b1 1.2 to 2.0 \u00b1 1.0 in the MSC group and from 3.4 \u00b1 1.1 to 3.3 \u00b1 1.0 "
     "in the placebo group (P < 0.001).", "num:intv_lower"),
    # the values after "Compared to COMP, INTV had ..." are the subject's first, the reference's second
    ("Compared to placebo, the MSC group exhibited higher levels of DAS28 (79 vs. 69.7, P<0.001).",
     "num:intv_higher"),
    ("Compared with the MSC group, DAS28 was higher in the placebo group (5.2 vs 4.1, P = 0.01).",
     "num:intv_lower"),
    # "reduced 2.84 times": a change verb's value without "by" is a change too
    ("The frequency of flares of the MSC group reduced 2.84 times, while the placebo group reduced 2.67 times "
     "(P = 0.043).", "num:intv_lower"),
    # values labelled with their arm ("MSC: 93.97") are theirs, whatever number stands before the arms
    ("Subjects completed more work during the 25-s treadmill sprint following ingestion of the MSC compared to "
     "the placebo (MSC: 93.97 \u00b1 6.63; placebo: 93.01 \u00b1 7.49 m, p = 0.039).", "num:intv_higher"),
    # the outcome may stand between a value and its arm ("27%) patients ... had flares in the placebo group")
    ("19 out of 70 (27%) patients who completed the trial had flares in the placebo group as compared to 1 out "
     "of 88 patients (1%) in the MSC group (P < 0.001).", "num:intv_lower"),
    # a signed value with its SD and CI in brackets ("-1.65 (SD = 2.5; ...) in INTV")
    ("Mean DAS28 change was -1.65 (SD = 2.5; CI95%: -2.25; -1.06) in the MSC group and +0.05 (SD = 3.2; "
     "CI95%: -0.71; 0.81) in the placebo group, p = 0.0005.", "num:intv_lower"),
    # a bare number in brackets after a value is its SD, not a value ("77.4% (26.3)")
    ("Mean (sd) percentage of adherent days was 77.4% (26.3) in the MSC group and 69.0% (30.8) in the placebo "
     "group (P = 0.04).", "num:intv_higher"),
])
def test_numbers_paired_with_arms(text, key):
    assert label_features(text, TERMS).features.get(key)


@pytest.mark.parametrize("text, key", [
    ("relative rate (95% CI) 0.54 (0.36 to 0.82), P = 0.004", "ci:below_null"),
    ("mean difference between groups 8.4%, 95% confidence interval 0.2% to 16.7%, p = 0.044", "ci:above_null"),
    ("HR 2.3 (95% CI 1.3 to 4.1)", "ci:above_null"),
])
def test_an_interval_that_excludes_the_null_says_on_which_side(text, key):
    f = label_features(text, TERMS).features
    assert f.get(key) and f.get("ci:excludes_null")


@pytest.mark.parametrize("outcome, text, key", [
    # a ratio below 1 is a decrease for the intervention, above 1 an increase
    ("relapse", "relative rate (95% CI) 0.54 (0.36 to 0.82), P = 0.004", "effect:intv_lower"),
    ("falls", "Falls were fewer with MSC, HRR 0.41 (95% CI: 0.20-0.82, p = 0.012).", "effect:intv_lower"),
    ("flares", "Flares were more frequent with MSC (OR 2.1, 95% CI 1.2 to 3.5).", "effect:intv_higher"),
    # the hazard ratio of a time or survival outcome: a higher hazard is a shorter time
    ("progression-free survival", "PFS was shorter with MSC than placebo (HR, 1.47; 95% CI, 1.16-1.87).",
     "effect:intv_lower"),
    ("fever clearance time", "Hazard Ratio [95%CI] = 2.171 [1.545-3.051], p < 0.0001", "effect:intv_lower"),
    # a difference with its sign
    ("DAS28", "between-group difference \u22120.42% (95% CI \u22120.62% to \u22120.23%), p<0.001", "effect:intv_lower"),
    ("DAS28", "least squares mean difference [95% CI] 2.6 [1.0, 4.2]; p = 0.001", "effect:intv_higher"),
    # the comparator named first: the ratio is the comparator's
    ("flares", "Placebo versus MSC: OR 2.1 (95% CI 1.2 to 3.5).", "effect:intv_lower"),
    # ... not when each arm's own values stand between them: the ratio is the intervention's
    ("flares", "19 of 70 (27%) patients had flares in the placebo group as compared to 1 of 88 patients (1%) in "
     "the MSC group (odds ratio [95% CI] = 0.031 [0.004-0.237], p<0.001).", "effect:intv_lower"),
])
def test_a_named_effect_estimate_gives_the_direction(outcome, text, key):
    f = label_features(text, ArmTerms.from_text("MSC", "placebo", outcome)).features
    other = "effect:intv_higher" if key == "effect:intv_lower" else "effect:intv_lower"
    assert f.get(key) and not f.get(other), {k: v for k, v in f.items() if not k.startswith("w:")}


@pytest.mark.parametrize("text", [
    # an arm's own estimate with its interval, not an effect ("or" is no odds ratio)
    "Failure was 37.6% (95% CI 27.1%-50.2%) with placebo and 3.5% (95% CI 2.2%-11.5%) with MSC or more.",
    "The overall proportion was 13% (95% CI 12%-15%).",
    # an interval that holds the null value tells no direction
    "OR 0.8 (95% CI 0.5 to 1.3)",
])
def test_an_interval_without_a_named_effect_gives_no_effect_direction(text):
    f = label_features(text, TERMS).features
    assert not f.get("effect:intv_lower") and not f.get("effect:intv_higher")


@pytest.mark.parametrize("outcome, key", [
    ("time to first shock", "dir:intv_down"), ("duration of labour", "dir:intv_down"), ("recovery rate", "dir:intv_up")])
def test_faster_is_a_shorter_time(outcome, key):
    for text in ("Recovery was significantly faster with MSC than with placebo (P = 0.01).",
                 "Recovery was significantly quicker with MSC than with placebo (P = 0.01)."):
        f = label_features(text, ArmTerms.from_text("MSC", "placebo", outcome)).features
        assert f.get(key) and not f.get("dir:intv_up" if key == "dir:intv_down" else "dir:intv_down"), text


def test_the_direction_word_nearest_the_outcome_speaks_of_it():
    terms = ArmTerms.from_text("MSC", "placebo", "mood")
    text = "The MSC group showed a reduction in aggression (P < 0.001) and an enhancement in mood (P < 0.001) " \
           "compared with the placebo group."
    f = label_features(text, terms).features
    assert f.get("dir_near:intv_up") and not f.get("dir_near:intv_down")
    assert f.get("dir:intv_down")  # the reduction is still a cue of the sentence


@pytest.mark.parametrize("word, sign", [("earlier", -1), ("sooner", -1), ("delayed", 1), ("enhancement", 1)])
def test_time_and_gain_words_are_direction_cues(word, sign):
    assert [c[0] for c in direction_cues(f"Recovery was {word} with MSC")] == [sign]


def test_table_row_features_read_arm_columns_and_the_p_column():
    row = ("DAS28", "3.1 ± 0.9", "4.2 ± 1.1", "0.01")
    columns = ("Outcome", "MSC (n = 20)", "Placebo (n = 20)", "P value")
    f = label_features("\n".join(row), TERMS, row, columns).features
    assert f.get("row:arms_found") and f.get("row:intv_lower") and f.get("row:p_sig")
    assert rule_label(f) == "significantly decreased"


@pytest.mark.parametrize("text, label", [
    ("DAS28 was significantly lower with MSC than with placebo (P = 0.01).", "significantly decreased"),
    ("DAS28 did not differ between MSC and placebo (P = 0.42).", "no significant difference"),
    ("MSC significantly increased DAS28 compared with placebo (P < 0.001).", "significantly increased"),
])
def test_rule_label(text, label):
    assert rule_label(label_features(text, TERMS).features) == label


def test_label_basis_names_the_words():
    lf = label_features("DAS28 was significantly lower with MSC than with placebo (P = 0.01).", TERMS)
    assert "P = 0.01" in lf.basis and "significantly" in lf.basis and lf.p_value == "=0.01"


def test_passage_is_a_frozen_record():
    p = Passage(0, "sentence", "abstract", "x", 0, 1, "abstract")
    with pytest.raises(AttributeError):
        p.text = "y"  # type: ignore[misc]


@pytest.mark.parametrize("text, code, stems", [
    ("Patients were randomised to group D (dexmedetomidine 0.3 µg/kg, n = 30) or group C (saline).", "d",
     {"dexmede"}),
    ("Patients were randomised to group D (dexmedetomidine 0.3 µg/kg, n = 30) or group C (saline).", "c", {"saline"}),
    ("Group B: bupivacaine 0.5% in 20 ml", "b", {"bupivac"}),
    ("Group A received lidocaine before induction.", "a", {"lidocai"}),
    ("those given dexmedetomidine (group D, n = 30)", "d", {"dexmede"}),
])
def test_group_codes_are_read_from_their_definitions(text, code, stems):
    assert stems <= group_definitions(text)[code]


def test_a_defined_group_code_names_the_arm_whose_words_it_shares():
    text = "Children were randomised to group D (dexmedetomidine), group P (propofol) or group C (saline)."
    terms = ArmTerms.from_text("dexmedetomidine 0.3 µg/kg", "10 ml saline 0.9%", "agitation")
    terms = terms.with_codes(group_definitions(text))
    assert terms.intervention_codes == {"d"} and terms.comparator_codes == {"c"}
    tokens = [t for t, _ in mark_arms("Agitation was lower in group D than in group C.", terms)]
    assert tokens[-4:] == ["INTV", "than", "in", "COMP"]
    # "group of" / "group in" are no codes; a code the prompt gives keeps its arm
    assert "o" not in group_definitions("a group of 20 (aged 5 to 9)")
    kept = ArmTerms.from_text("group A", "group B", "agitation").with_codes({"a": frozenset({"saline"})})
    assert kept.intervention_codes == {"a"}

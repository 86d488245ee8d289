"""Between-group comparisons as evidence (extract.comparisons) and the shipped model (extract.model)."""
from __future__ import annotations

import json
from importlib import resources

import pytest

from extract.comparisons import (find_comparisons, groups_named, is_comparison, outcome_items, outcome_phrase,
                                 stated_effect)
from extract.errors import ExtractionError
from extract.evidence import Arm, ExtractionInput
from extract.model import MODEL_FORMAT, ComparisonModel, load_model
from extract.passages import Passage, table_passages
from extract.pipeline import Extractor
from extract.ranking import FEATURES
from extract.tables import Cell, Table

ARMS = (Arm("MSC", 20), Arm("placebo", 20, is_control=True))


def sentence(text: str, section: str = "results") -> Passage:
    return Passage(0, "sentence", "section:Results", text, 0, len(text), section)


@pytest.mark.parametrize("text, expected", [
    ("DAS28 was significantly lower in the MSC group than in the placebo group (P = 0.01).", True),
    ("HAQ did not differ between the groups (P = 0.40).", True),
    ("Remission: MSC vs placebo, 12% vs 30%, P = 0.01.", True),
    ("Compared with placebo, MSC reduced the ESR (MD -12, 95% CI -20 to -4).", True),
    # within-arm changes stay outcome rows
    ("DAS28 decreased significantly from baseline in the MSC group (P < 0.01).", False),
    ("Patients were randomised to MSC or placebo.", False),
    ("DAS28 was 3.1 in the MSC group.", False),
])
def test_is_comparison(text, expected):
    assert is_comparison(sentence(text)) is expected


def _table(rows, caption="Outcomes at week 24"):
    grid = tuple(tuple(Cell(t, r, c, r == 0, r, c) for c, t in enumerate(row)) for r, row in enumerate(rows))
    return Table("Table 2", caption, (), grid, 1)


def test_table_rows_with_a_p_column_are_comparisons_but_not_baseline_tables():
    rows = [["Outcome", "MSC (n = 20)", "Placebo (n = 20)", "P value"], ["DAS28", "3.1 ± 0.9", "4.2 ± 1.1", "0.01"],
            ["HAQ", "1.0 ± 0.5", "1.1 ± 0.6", ""]]
    results = table_passages(_table(rows), 0)
    assert [is_comparison(p) for p in results] == [True, False]  # an empty P cell says nothing
    baseline = table_passages(_table(rows, "Baseline characteristics of the patients"), 0)
    assert not any(is_comparison(p) for p in baseline)
    no_p = table_passages(_table([["Outcome", "MSC", "Placebo"], ["DAS28", "3.1", "4.2"]]), 0)
    assert not any(is_comparison(p) for p in no_p)


@pytest.mark.parametrize("text, phrase", [
    ("There was no significant difference in pain scores between the groups (P = 0.3).", "pain scores"),
    ("The incidence of PONV was significantly lower in the MSC group (P = 0.01).", "incidence of PONV"),
    ("MSC significantly reduced the ESR compared with placebo.", "ESR"),
    ("However, the mean HAQ score did not differ between groups.", "HAQ score"),
    ("These differences between the two groups were significant.", None),
    ("Both groups improved significantly than before (P < 0.01).", None),
    # the subject of the verb, not the preposition after it
    ("Stiffness improved in the MSC group (p = 0.02) but not in the placebo group; the difference was not "
     "significant (p = 0.21).", "Stiffness"),
    ("Fatigue reduced in both groups following treatment but no between-group differences were observed (p = 0.18).",
     "Fatigue"),
    ("CRP only improved in the MSC group but no between-group difference was observed (p = 0.054).", "CRP"),
    # the outcome stops where the groups' comparison begins
    ("MSC produced greater improvements in grip strength than placebo (p<0.05).", "grip strength"),
    ("The MSC group showed greater gains in walking distance than the control group (p < 0.05).", "walking distance"),
    # a "that" clause after "the results showed"; a word that names no outcome is none
    ("The results showed that ESR decreased significantly more in the MSC group than in the control group (P < 0.05).",
     "ESR"),
    ("The results were significantly better in the MSC group than in the control group (P < 0.05).", None),
    ("Treatment resulted in improvements in multiple PROs versus placebo at month 3.", None),
])
def test_outcome_phrase(text, phrase):
    assert outcome_phrase(text) == phrase


def test_outcomes_listed_with_a_p_value_each_are_items_of_their_own():
    text = ("The MSC group had a greater mean change compared to the placebo group for pain (−5.2 vs. −3.3, p = 0.003), "
            "physical function (-13.4 vs. -6.9, p = 0.001), PGA (-1.3 vs. -0.7, p = 0.0001) and stiffness (-1.8 vs. "
            "-0.9, p = 0.2).")
    items = outcome_items(text)
    assert [name for name, _, _ in items] == ["pain", "physical function", "PGA", "stiffness"]
    assert all(text[start:end].startswith(name) and text[end - 1] == ")" for name, start, end in items)
    assert outcome_items("Improvements in pain (p = 0.01), function (p = 0.02) and stiffness (p = 0.04) were greater "
                         "with MSC.")[2][0] == "stiffness"
    assert outcome_items("DAS28 fell (p = 0.01) in the MSC group.") == []  # one item is no list


@pytest.mark.parametrize("text, groups", [
    ("The topical ibuprofen group had a greater change in pain compared to the vehicle control group (p = 0.01).",
     ("topical ibuprofen", "vehicle control")),
    ("There were fewer deaths in the aspirin group (10 [9%] deaths in the aspirin group vs 23 [11%] deaths in the "
     "placebo group; p = 0.04).", ("aspirin", "placebo")),
    ("Pain did not differ significantly between patients who received aspirin and those who received placebo.",
     ("aspirin", "placebo")),
    ("Lipid peroxidation was lower in treatment group than control group (P < 0.0001).", ("treatment", "control")),
    ("Pain fell in both groups but no between-group difference was observed (p = 0.18).", None),
    ("IL-6 fell more in the response group than in the no-response group (p = 0.01).", None),  # subgroups, not arms
])
def test_groups_named_in_a_sentence(text, groups):
    assert groups_named(text) == groups


def test_a_record_without_arms_takes_the_groups_the_sentence_names_and_each_listed_outcome_its_own_p():
    abstract = ("Methods: Patients were randomised to topical ibuprofen or vehicle.\nResults: The topical ibuprofen "
                "group had a significantly greater mean change compared to the vehicle control group for pain (-5.2 vs. "
                "-3.3, p = 0.003) and stiffness (-1.8 vs. -1.7, p = 0.41).")
    found = find_comparisons("R1", "A fictitious trial", abstract, None, [Arm("all patients", None)])
    assert [(c.outcome, c.intervention, c.comparator, c.intervention_arm, c.p_value, c.label) for c in found] == [
        ("pain", "topical ibuprofen", "vehicle control", None, "=0.003", "significantly decreased"),
        ("stiffness", "topical ibuprofen", "vehicle control", None, "=0.41", "no significant difference")]


@pytest.mark.parametrize("text, effect", [
    ("mean difference -1.2 (95% CI -1.9 to -0.5)", ("MD", -1.2, -1.9, -0.5)),
    ("OR 0.85, 95% CI 0.65-1.12", ("OR", 0.85, 0.65, 1.12)),
    ("hazard ratio 0.76; 95% confidence interval 0.59 to 0.98", ("HR", 0.76, 0.59, 0.98)),
    ("the mean difference in costs in pounds sterling 1.02, 95%CI -1.60, 1.65", ("MD", 1.02, -1.60, 1.65)),
    ("P = 0.01", None),
])
def test_stated_effect(text, effect):
    assert stated_effect(text) == effect


ABSTRACT = (
    "Background: Mesenchymal stem cells (MSC) may help rheumatoid arthritis. "
    "Methods: Forty patients were randomised to MSC or placebo.\n\n"
    "Results: At week 24, DAS28 was significantly lower in the MSC group than in the placebo group "
    "(mean difference -1.2, 95% CI -1.9 to -0.5; P = 0.001). "
    "The HAQ score did not differ between the MSC and placebo groups (P = 0.42). "
    "DAS28 decreased from baseline in both groups.")


def test_find_comparisons_from_an_abstract():
    found = find_comparisons("r1", "", ABSTRACT, None, ARMS)
    by_outcome = {c.outcome: c for c in found}
    assert set(by_outcome) == {"DAS28", "HAQ score"}
    das = by_outcome["DAS28"]
    assert (das.label, das.intervention, das.comparator) == ("significantly decreased", "MSC", "placebo")
    assert (das.intervention_arm, das.comparator_arm) == ("MSC", "placebo")
    assert (das.effect_kind, das.effect, das.ci_low, das.ci_high, das.p_value) == ("MD", -1.2, -1.9, -0.5, "=0.001")
    assert das.timepoint_weeks == 24 and das.source == "model" and 0.5 < das.confidence <= 1
    assert das.outcome_canonical == "DAS28"
    assert ABSTRACT[das.provenance.start:das.provenance.end] == das.provenance.text
    assert das.provenance.location == "abstract" and das.provenance.record_id == "r1"
    assert "P = 0.001" in das.label_basis
    assert by_outcome["HAQ score"].label == "no significant difference"


def test_a_difference_without_named_arms_has_no_label():
    text = "Results: The cure rate was significantly higher in older than in younger women (P = 0.01)."
    (c,) = find_comparisons("r1", "", text, None, ())
    assert c.label is None and c.confidence is None and c.p_value == "=0.01"


def test_table_comparison_reads_arm_columns_effect_and_p():
    rows = [["Outcome", "MSC (n = 20)", "Placebo (n = 20)", "Difference (95% CI)", "P value"],
            ["ESR, mm/h", "20.1 (8.0)", "31.5 (9.2)", "-11.4 (-16.9, -5.9)", "<0.001"]]
    (p,) = table_passages(_table(rows), 0)
    from extract.comparisons import comparisons_in

    (c,) = comparisons_in([p], "r1", ARMS)
    assert c.source == "table" and c.outcome == "ESR, mm/h" and c.provenance.location == "table:Table 2 r1"
    assert (c.intervention, c.comparator, c.label) == ("MSC", "placebo", "significantly decreased")
    assert (c.effect, c.ci_low, c.ci_high, c.p_value) == (-11.4, -16.9, -5.9, "<0.001")
    assert c.timepoint_weeks == 24 or c.timepoint_weeks is None


def test_the_extractor_returns_comparisons_with_their_json():
    ev = Extractor().extract(ExtractionInput("r1", "MSC for RA", ABSTRACT))
    assert ev.comparisons and all(c.provenance.record_id == "r1" for c in ev.comparisons)
    line = ev.to_prediction()["comparisons"]
    assert json.loads(json.dumps(line))[0]["provenance"]["location"] == "abstract"


# --- the model file ----------------------------------------------------------------------------

def test_the_shipped_model_loads_names_its_source_and_is_small():
    model = load_model()
    assert model.ranker_features == FEATURES and model.top_k >= 1
    raw = resources.files("extract").joinpath("data", "comparisons_model.json")
    data = json.loads(raw.read_text(encoding="utf-8"))
    assert "Evidence Inference 2.0" in data["source"] and "MIT" in data["licence"]
    assert "Lehman" in data["citation"] and "DeYoung" in data["citation"]
    assert len(raw.read_bytes()) < 5_000_000


def tiny_model(**change) -> dict:
    d = {"format": MODEL_FORMAT, "ranker": {"features": list(FEATURES), "mean": [0.0] * len(FEATURES),
                                            "scale": [1.0] * len(FEATURES), "coef": [0.0] * len(FEATURES),
                                            "intercept": 0.0},
         "significance": {"vocabulary": ["p:sig"], "coef": [4.0], "intercept": -2.0},
         "direction": {"vocabulary": ["dir:intv_up"], "coef": [4.0], "intercept": -2.0},
         "aggregate": {"top_k": 3, "temperature": 1.0}}
    d.update(change)
    return d


def test_a_model_dict_runs_with_plain_numbers():
    model = ComparisonModel.from_dict(tiny_model(), FEATURES)
    none, down, up = model.label_probabilities({"p:sig": 1.0, "dir:intv_up": 1.0})
    assert up > down and up > none and abs(none + down + up - 1) < 1e-9


@pytest.mark.parametrize("change, message", [
    ({"format": "other/1"}, "format"),
    ({"significance": {"vocabulary": ["a", "b"], "coef": [1.0], "intercept": 0.0}}, "2 feature names but 1 weights"),
])
def test_a_bad_model_dict_is_an_extraction_error(change, message):
    with pytest.raises(ExtractionError, match=message):
        ComparisonModel.from_dict(tiny_model(**change), FEATURES)


def test_a_model_for_other_ranker_features_is_refused():
    with pytest.raises(ExtractionError, match="ranker features"):
        ComparisonModel.from_dict(tiny_model(), FEATURES[:-1])

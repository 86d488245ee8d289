"""Prompts in, answers out (extract.prompting): reading prompt files, ranking passages, labels."""
from __future__ import annotations

import json

import pytest

from extract.errors import ExtractionError
from extract.evidence import ExtractionInput
from extract.model import LABELS
from extract.prompting import (Answer, Prompt, answer_prompts, answer_records, effect_direction, parse_prompts,
                               read_record)
from tests.conftest import fixture_path


def lines(*objects) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)


PROMPT = {"prompt_id": 1, "record_id": "r1", "outcome": "DAS28", "intervention": "MSC", "comparator": "placebo"}


def test_prompts_are_read_in_order_and_pmcid_names_the_record():
    gold_line = {"prompt_id": 7, "pmcid": "PMC1", "outcome": "pain", "intervention": "A", "comparator": "B",
                 "label": "no significant difference", "evidence": ["..."]}
    got = parse_prompts(lines(PROMPT, "", gold_line), "p.jsonl")
    assert got == [Prompt(1, "r1", "DAS28", "MSC", "placebo"), Prompt(7, "PMC1", "pain", "A", "B")]


@pytest.mark.parametrize("bad, message", [
    ("{not json", r"p.jsonl line 2: not valid JSON"),
    ("[1, 2]", r"p.jsonl line 2: expected a JSON object, got list"),
    ({"prompt_id": 2, "record_id": "r1", "intervention": "MSC", "comparator": "placebo"},
     r"p.jsonl line 2: \"outcome\" must be a non-empty string"),
    ({"prompt_id": 2, "outcome": "x", "intervention": "MSC", "comparator": "placebo"},
     r"p.jsonl line 2: the prompt has no \"record_id\""),
    ({"prompt_id": True, "record_id": "r1", "outcome": "x", "intervention": "MSC", "comparator": "placebo"},
     r"p.jsonl line 2: \"prompt_id\" must be an integer"),
    (PROMPT, r"p.jsonl line 2: prompt_id 1 was already used on line 1"),
])
def test_a_bad_prompt_line_is_one_error_naming_file_and_line(bad, message):
    with pytest.raises(ExtractionError, match=message) as err:
        parse_prompts(lines(PROMPT, bad), "p.jsonl")
    assert "\n" not in str(err.value)


def test_an_empty_prompt_file_is_an_error():
    with pytest.raises(ExtractionError, match="holds no prompts"):
        parse_prompts("\n\n", "p.jsonl")


ABSTRACT = (
    "Background: Mesenchymal stem cells (MSC) are a candidate therapy for rheumatoid arthritis.\n\n"
    "Methods: Forty patients were randomised to MSC or placebo and followed for 24 weeks; the primary outcome "
    "was the DAS28 at week 24.\n\n"
    "Results: At week 24, the DAS28 was significantly lower in the MSC group than in the placebo group "
    "(3.1 vs 4.4, P < 0.001). The HAQ disability index did not differ between the groups (P = 0.62). "
    "The proportion of patients reaching ACR20 was significantly higher with MSC than with placebo "
    "(60% vs 25%, P = 0.01).\n\n"
    "Conclusions: MSC lowered disease activity.")
RECORD = ExtractionInput("r1", "MSC in rheumatoid arthritis: a randomised trial", ABSTRACT)


@pytest.mark.parametrize("outcome, label, words", [
    ("DAS28 at week 24", "significantly decreased", "DAS28 was significantly lower"),
    ("HAQ disability index", "no significant difference", "HAQ disability index did not differ"),
    ("ACR20 response", "significantly increased", "ACR20 was significantly higher"),
])
def test_clear_abstract_sentences_are_found_and_labelled(outcome, label, words):
    (a,) = answer_prompts(RECORD, [Prompt(1, "r1", outcome, "mesenchymal stem cells (MSC)", "placebo")])
    assert words in a.evidence and a.location == "abstract"
    assert a.label == label and 0 < a.confidence <= 1
    assert ABSTRACT[a.start:a.end] == a.evidence


def test_swapping_the_arms_flips_the_label():
    (a,) = answer_prompts(RECORD, [Prompt(1, "r1", "DAS28", "placebo", "mesenchymal stem cells (MSC)")])
    assert a.label == "significantly increased"


def test_a_record_without_text_abstains():
    (a,) = answer_prompts(ExtractionInput("r2"), [Prompt(1, "r2", "DAS28", "MSC", "placebo")])
    assert a == Answer(1, None, None, None)
    assert a.to_dict()["label"] is None


def test_an_unreadable_full_text_is_skipped_with_a_warning():
    text = read_record(ExtractionInput("r1", "", ABSTRACT, full_text_xml="<article><body>"))
    assert text.warnings and "not readable JATS" in text.warnings[0]
    assert any(p.location == "abstract" for p in text.passages)


def test_answers_come_per_record_in_record_order():
    other = ExtractionInput("r0", "", "Results: Pain was lower with drug X than with placebo (P = 0.03).")
    prompts = [Prompt(1, "r1", "DAS28", "MSC", "placebo"), Prompt(2, "r0", "pain", "drug X", "placebo"),
               Prompt(3, "missing", "pain", "A", "B")]
    got = [(r.id, [a.prompt_id for a in answers]) for r, answers in answer_records([other, RECORD], prompts)]
    assert got == [("r0", [2]), ("r1", [1])]


# A real full text (tests/fixtures/fulltext/PMC4359699.nxml, CC BY: etanercept vs placebo in moderately
# active RA); the prompts are written for this test from the article's own results.
FULL_TEXT = ExtractionInput("PMC4359699", full_text_xml=fixture_path("fulltext", "PMC4359699.nxml").read_text("utf-8"))
FULL_PROMPTS = [
    Prompt(1, "PMC4359699", "low disease activity (LDA) at week 12", "etanercept 50 mg weekly", "placebo"),
    Prompt(2, "PMC4359699", "DAS28-CRP remission at week 12", "etanercept 50 mg weekly", "placebo"),
    Prompt(3, "PMC4359699", "DAS28-CRP LDA at week 8", "etanercept 50 mg weekly", "placebo"),
]


def test_a_full_text_is_answered_from_its_own_passages():
    text = read_record(FULL_TEXT)
    sections = {p.location: p for p in text.passages}
    answers = answer_prompts(FULL_TEXT, FULL_PROMPTS)
    assert [a.prompt_id for a in answers] == [1, 2, 3]
    for a in answers:
        assert a.label in ("significantly increased", "significantly decreased", "no significant difference")
        assert a.location in sections
        if a.start is not None:  # a sentence: its offsets point into its section's text
            assert a.evidence in {p.text for p in text.passages if p.location == a.location}
    assert answers[0].label == "no significant difference"


@pytest.mark.parametrize("label, features, expected", [
    # a significant vote takes the direction of the evidence's named effect estimate
    ("significantly increased", {"effect:intv_lower": 1.0}, "significantly decreased"),
    ("significantly decreased", {"effect:intv_higher": 1.0}, "significantly increased"),
    # not without one, not with estimates of both directions, never for "no significant difference"
    ("significantly increased", {}, "significantly increased"),
    ("significantly increased", {"effect:intv_lower": 1.0, "effect:intv_higher": 1.0}, "significantly increased"),
    ("no significant difference", {"effect:intv_lower": 1.0}, "no significant difference"),
])
def test_a_named_effect_estimate_decides_the_direction(label, features, expected):
    assert LABELS[effect_direction(LABELS.index(label), features)] == expected


@pytest.mark.parametrize("label, features, expected", [
    # without an estimate, direction words all said of one arm's side decide ("lower in INTV than in COMP")
    ("significantly increased", {"dir:intv_down": 2.0}, "significantly decreased"),
    ("significantly decreased", {"dir:intv_up": 1.0}, "significantly increased"),
    # not words of both sides ("HDL rose and LDL fell in INTV"), not over an estimate, never for no difference
    ("significantly increased", {"dir:intv_down": 1.0, "dir:intv_up": 1.0}, "significantly increased"),
    ("significantly increased", {"dir:intv_down": 1.0, "effect:intv_higher": 1.0}, "significantly increased"),
    ("no significant difference", {"dir:intv_down": 1.0}, "no significant difference"),
    # without either, valence words said of one arm ("significantly better efficacy with INTV than COMP",
    # "in favor of INTV", "worsened in COMP compared to INTV"): better is an increase
    ("significantly decreased", {"val:intv_better": 1.0}, "significantly increased"),
    ("significantly increased", {"val:intv_worse": 1.0}, "significantly decreased"),
    ("significantly decreased", {"val:intv_better": 1.0, "dir:intv_down": 1.0}, "significantly decreased"),
    ("significantly decreased", {"val:intv_better": 1.0, "dir:intv_down": 1.0, "dir:intv_up": 1.0},
     "significantly decreased"),
])
def test_direction_words_said_of_the_arms_decide_the_direction(label, features, expected):
    assert LABELS[effect_direction(LABELS.index(label), features)] == expected


@pytest.mark.parametrize("label, features, expected", [
    # a passage that names no arm and no reference ("The length of stay was significantly reduced in the
    # supplemented patients"): its direction words, all of one side, are the intervention's
    ("significantly increased", {"dir:down": 1.0}, "significantly decreased"),
    ("significantly decreased", {"dir:up": 2.0}, "significantly increased"),
    # not with a reference the prompt's arms do not name ("group A was lower than group B"), not with an
    # arm named (its words are oriented or not: the model decides), not words of both sides
    ("significantly increased", {"dir:down": 1.0, "w:than": 1.0}, "significantly increased"),
    ("significantly increased", {"dir:down": 1.0, "arm:comp": 1.0}, "significantly increased"),
    ("significantly increased", {"dir:down": 1.0, "dir:up": 1.0}, "significantly increased"),
])
def test_direction_words_of_a_passage_naming_no_arm(label, features, expected):
    assert LABELS[effect_direction(LABELS.index(label), features)] == expected


def test_the_group_codes_a_record_defines_name_the_prompts_arms():
    abstract = ("Methods: Children were randomised to group D (dexmedetomidine 0.3 µg/kg) or group C (saline). "
                "Results: Emergence agitation was significantly lower in group D than in group C (P = 0.003).")
    text = read_record(ExtractionInput("r3", "", abstract))
    assert text.group_codes["d"] == {"dexmede"}
    terms = text.terms("dexmedetomidine 0.3 µg/kg", "10 ml saline 0.9%", "emergence agitation")
    assert terms.intervention_codes == {"d"} and terms.comparator_codes == {"c"}
    (a,) = answer_prompts(ExtractionInput("r3", "", abstract),
                          [Prompt(1, "r3", "emergence agitation", "dexmedetomidine 0.3 µg/kg", "10 ml saline 0.9%")])
    assert a.label == "significantly decreased" and "group D" in a.evidence

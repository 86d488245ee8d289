"""Values of one sentence and the arms they belong to (extract.sentence_values), each case a layout."""
from __future__ import annotations

import pytest

from extract.document import analyse
from extract.sentence_values import arm_refs, sentence_values
from tests.extract.helpers import run


def _values(text):
    t = analyse(text, "abstract")
    s = t.sentences[0]
    return [(x.kind, text[x.start:x.end]) for x in sentence_values(t, s).items]


def _refs(text, names=(), abbrevs=None):
    t = analyse(text, "abstract")
    return [r.label for r in arm_refs(t, t.sentences[0], [], list(names), abbrevs or {})]


@pytest.mark.parametrize("text, expected", [
    ("AEs were reported by 70% (7/10) of placebo subjects.", [("pct", "70% (7/10)")]),
    ("SAEs (intervention 13.1% [181/1,378], control 12.7% [174/1,374])", [("pct", "13.1% [181/1,378]"),
                                                                          ("pct", "12.7% [174/1,374]")]),
    ("cholestasis was 11 of 110 (10.1%) in the intervention group", [("pct", "11 of 110 (10.1%)")]),
    ("exacerbations (1 of 29 vs. 11 of 33)", [("pct", "1 of 29"), ("pct", "11 of 33")]),
    ("in the G-CSF (three [11%] patients)", [("count", "three [11%] patients")]),
    ("a duration of 0.06 ± 0.17 h (3.6 ± 10.3 min)", [("ms", "0.06 ± 0.17")]),
    ("left ventricular function (28.6 ± 5.8% vs. 40.5 ± 7.4%)", [("ms", "28.6 ± 5.8"), ("ms", "40.5 ± 7.4")]),
])
def test_values_written_twice_or_with_their_denominator_are_one(text, expected):
    assert [v for v in _values(text) if v[0] != "num"] == expected


@pytest.mark.parametrize("text, not_values", [
    ("Patients were randomized (1:1) to drug or placebo, 2:2:1 in the second phase.", ["1", "2"]),
    ("the rate was 4.9% (95% CI 2.3% to 7.3%) of the intervention group", ["2.3%", "7.3%"]),
    ("the rate was 7.2 % (5.8–8.9 %) after oxytocin", ["5.8", "8.9 %"]),
    ("proportion achieving at least 20 mm or 40% decrease in pain", ["20", "40%"]),
    ("Rates of restenosis (50% diameter stenosis or more) were lower", ["50%"]),
    ("did not differ (P = 0.34, 0.83 and 0.21, respectively; Table 2) (Smith et al 2001)", ["0.83", "0.21", "2", "2001"]),
    ("differences were significant (t = -2.53, df = 34, P = 0.0159)", ["-2.53", "34"]),
])
def test_numbers_that_are_not_values(text, not_values):
    got = [v for k, v in _values(text) if k != "p"]
    assert not any(v.startswith(n) for v in got for n in not_values), got


@pytest.mark.parametrize("text, expected", [
    ("in the etomidate and propofol groups, respectively", ["etomidate group", "propofol group"]),
    ("The antibody titers in groups C and D were", ["group C", "group D"]),
    ("Group I patients showed higher SVR12 compared with group II patients", ["group I", "group II"]),
    ("fewer events after tranexamic acid than after placebo by day 7", ["tranexamic acid", "placebo"]),
    ("Those patients undergoing off-pump surgery had poorer function than those undergoing on-pump surgery (28%)",
     ["off-pump surgery", "on-pump surgery"]),
    ("more frequent in the G-CSF and stem-cell infusion group (12 [43%] patients) than in the G-CSF (three [11%] "
     "patients) and standard care (three [12%] patients) groups", ["G-CSF and stem-cell infusion group", "G-CSF",
                                                                  "standard care"]),
    ("decreased more in TG than in CG", ["treatment group", "control group"]),
])
def test_arms_named_in_a_sentence(text, expected):
    abbrevs = {"TG": "treatment group", "CG": "control group"}
    assert _refs(text, abbrevs=abbrevs) == expected


@pytest.mark.parametrize("text", [
    "DAS28 did not differ significantly between groups at 12 months",
    "There were no significant differences in both groups",
    "Fewer patients had events after treatment",
])
def test_phrases_that_are_not_arms(text):
    assert _refs(text) == []


def _arms_and(ev, field):
    return sorted((o.arm, getattr(o, field)) for o in ev.outcomes if getattr(o, field) is not None)


def test_values_named_by_the_arm_just_before_them():
    ev = run("We randomised 40 patients. Mean stay in Group S was 3.1 ± 1.2 days and that in Group B was 5.4 ± 2.0 days "
             "(P = 0.01).", title="A trial")
    assert _arms_and(ev, "followup_mean") == [("group B", 5.4), ("group S", 3.1)]


def test_measures_labelled_inside_brackets_with_arms_respectively():
    ev = run("We randomised 900 women to drug A or drug B. Outcomes for drug A and drug B, respectively, did not differ "
             "(clinical pregnancy rate: 14.1% versus 16.8%; live birth rate: 10.6% versus 11.7%).", title="A trial")
    got = sorted((o.measure, o.percent_responders) for o in ev.outcomes if o.percent_responders is not None)
    assert got == [("clinical pregnancy rate", 14.1), ("clinical pregnancy rate", 16.8), ("live birth rate", 10.6),
                   ("live birth rate", 11.7)]


def test_a_label_over_a_comparison_is_not_an_arm():
    ev = run("We randomised 62 children. The remediation group had a lower rate of exacerbations than the control "
             "group (as treated: 1 of 29 vs. 11 of 33, respectively, p = 0.003).", title="A trial")
    assert _arms_and(ev, "n_responders") == [("control group", 11), ("remediation group", 1)]

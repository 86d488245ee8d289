"""The reviewer's corrections file: strict reading, pure and idempotent application, survival of re-extraction."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from corpus.store import Store
from trialsynth.cli import main
from trialsynth.corrections import (Correction, CorrectionsError, apply_corrections, corrected_predictions,
                                    find_corrections_file, load_corrections, measure_names)
from trialsynth.errors import InputError
from trialsynth.review import find_review
from trialsynth.screening import effective_screening

SEED = "fictitious-2025-a"  # a FICTITIOUS record (tests/fixtures/review/new_abstracts_fictitious.jsonl)
HEADER = "record_id,measure,arm,timepoint_weeks,field,value,reviewer,source,note\n"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def prov(text: str) -> dict:
    return {"record_id": "r1", "location": "abstract", "text": text, "start": 0, "end": len(text),
            "entered_by": "extractor"}


@pytest.fixture
def prediction() -> dict:
    """A prediction as the extractor writes it: two DAS28 rows (two timepoints) and one HAQ row."""
    def row(measure, weeks, **values):
        base = {k: None for k in ("baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "change_mean",
                                  "change_sd", "percent_responders", "n_responders", "p_value", "effect_size",
                                  "direction", "statistic", "note")}
        return {**base, "measure": measure, "measure_text": measure, "arm": "MSC", "n": 20, "timepoint_weeks": weeks,
                "timepoint": f"{weeks:g} weeks", "provenance": prov(f"{measure} fell at {weeks:g} weeks"),
                "verbatim": f"{measure} fell at {weeks:g} weeks", **values}
    return {"id": "r1", "include": True, "exclusion_reason": None, "n_enrolled": 20, "cell_source": "bone marrow",
            "cell_origin": None, "route": "intravenous",
            "outcomes": [row("DAS28", 12, followup_mean=3.1, direction="decrease"), row("DAS28", 24, followup_mean=2.9),
                         row("HAQ", 12, p_value="<0.05")],
            "provenance": {"n_enrolled": prov("20 patients were enrolled")}, "extractor_version": "1.0.0"}


def correction(**fields) -> Correction:
    values = tuple(fields.pop("values").items())
    return Correction(record_id=fields.pop("record_id", "r1"), values=values, reviewer=fields.pop("reviewer", "ann"),
                      origin="corrections.csv line 2", **fields)


# --- reading -------------------------------------------------------------------------------------

def test_csv_lines_build_one_row_each_value_checked(tmp_path):
    path = write(tmp_path / "corrections.csv", HEADER +
                 "fictitious-2025-a,das28,MSC (single arm),52,baseline_mean,5.8,Ann,Table 2,\n"
                 "fictitious-2025-a,DAS28,MSC (single arm),52.0,baseline_sd,0.9,Ann,Table 2,from the full text\n"
                 "fictitious-2025-a,DAS28,MSC (single arm),52,p_value,p < .001,Ann,,\n"
                 "\n"
                 "# a comment line,,,,,,,,\n"
                 "fictitious-2025-a,,,,n_enrolled,64,Ann,,\n"
                 "fictitious-2025-a,,,,include,no,Ann,,not RA after all\n")
    first, second = load_corrections(path, resolve=lambda ref: ref.replace("PMID:", ""))
    assert first.record_id == SEED and first.record_ref == "fictitious-2025-a"
    assert first.measure == "DAS28" and first.arm == "MSC (single arm)" and first.timepoint_weeks == 52.0
    assert first.values == (("baseline_mean", 5.8), ("baseline_sd", 0.9), ("p_value", "<0.001"))
    assert first.source == "Table 2" and first.note == "from the full text"
    assert first.origin.endswith("corrections.csv lines 2, 3, 4")
    assert second.measure is None and second.values == (("n_enrolled", 64), ("include", False))
    assert second.target == "n_enrolled, include" and first.target == "outcome DAS28 / arm MSC (single arm) / 52 weeks"


def test_toml_with_a_default_reviewer(tmp_path):
    path = write(tmp_path / "corrections.toml", """
[defaults]
reviewer = "Ann"

[[correction]]
record_id = "fictitious-2025-a"
measure = "DAS28"
arm = "MSC (single arm)"
timepoint_weeks = 52
baseline_mean = 5.8
baseline_sd = 0.9
direction = "Decrease"
source = "full text, Table 2"

[[correction]]
record_id = "PMID:27269294"
reviewer = "Bob"
cell_source = "Adipose"
route = "intravenous"
""")
    first, second = load_corrections(path)
    assert first.record_id == SEED and first.reviewer == "Ann"
    assert dict(first.values) == {"baseline_mean": 5.8, "baseline_sd": 0.9, "direction": "decrease"}
    assert second.reviewer == "Bob" and dict(second.values) == {"cell_source": "adipose", "route": "intravenous"}
    assert second.origin.endswith("corrections.toml correction 2")


def problems_of(path: Path) -> str:
    with pytest.raises(CorrectionsError) as info:
        load_corrections(path)
    return str(info.value)


@pytest.mark.parametrize("line, expected", [
    ("r1,DAS28,,,baseline_sd,-0.9,Ann,,", "line 2: baseline_sd must not be negative"),
    ("r1,DAS28,,,followup_mean,3.1 ± 0.2,Ann,,", "line 2: followup_mean must be a number, got '3.1 ± 0.2'"),
    ("r1,DAS28,,,percent_responders,145,Ann,,", "line 2: percent_responders must be between 0 and 100"),
    ("r1,DAS28,,,direction,better,Ann,,", "line 2: direction must be one of decrease, increase, no change"),
    ("r1,DAS28,,,folowup_mean,3,Ann,,", "line 2: unknown field 'folowup_mean' (did you mean 'followup_mean'"),
    ("r1,DAS28,,,n,12.5,Ann,,", "line 2: n must be a whole number"),
    ("r1,DAS28,,,p_value,1.5,Ann,,", "line 2: p_value must be a P value between 0 and 1"),
    ("r1,DAS28,,,baseline_mean,5,,,", "line 2: reviewer is missing"),
    (",DAS28,,,baseline_mean,5,Ann,,", "line 2: record_id is missing"),
    ("r1,,,,baseline_mean,5,Ann,,", "line 2: baseline_mean belongs to an outcome row; add the measure"),
    ("r1,DAS28,,,n_enrolled,5,Ann,,", "line 2: n_enrolled is a study-level field"),
    ("r1,,arm A,,n_enrolled,5,Ann,,", "line 2: arm and timepoint_weeks select an outcome row, but no measure"),
    ("r1,DAS28,,a year,baseline_mean,5,Ann,,", "line 2: timepoint_weeks must be a number of weeks"),
    ("r1,,,,route,intravenus,Ann,,", "line 2: unknown route 'intravenus' (did you mean 'intravenous'"),
    ("r1,,,,include,maybe,Ann,,", "line 2: include must be true or false"),
])
def test_each_csv_problem_names_the_line_and_the_fix(tmp_path, line, expected):
    message = problems_of(write(tmp_path / "corrections.csv", HEADER + line + "\n"))
    assert f"corrections.csv {expected}" in message


def test_unknown_measure_lists_close_valid_names(tmp_path):
    message = problems_of(write(tmp_path / "corrections.csv", HEADER + "r1,DAS-29,,,baseline_mean,5,Ann,,\n"))
    assert "corrections.csv line 2: unknown measure 'DAS-29' (did you mean 'DAS28'" in message
    assert "belongs to an outcome row" not in message  # one problem, not a follow-on
    message = problems_of(write(tmp_path / "corrections.csv", HEADER + "r1,IL6,,,baseline_mean,5,Ann,,\n"))
    assert "did you mean 'IL-6'" in message
    spelled = "r1,28-joint disease activity score,,,n,5,A,,\n"
    message = problems_of(write(tmp_path / "corrections.csv", HEADER + spelled))
    assert "is a spelling of DAS28; write the name 'DAS28'" in message
    assert {"DAS28", "HAQ", "ACR20", "DAS28 remission"} <= set(measure_names())


def test_every_problem_is_listed_at_once(tmp_path):
    message = problems_of(write(tmp_path / "corrections.csv", HEADER + "r1,DAS28,,,baseline_sd,-1,Ann,,\n"
                                "r1,DAS28,,,baseline_mean,x,Ann,,\n"))
    assert "has 2 problems" in message and "line 2:" in message and "line 3:" in message


def test_a_semicolon_separated_csv_from_a_spreadsheet(tmp_path):
    path = write(tmp_path / "corrections.csv", HEADER.replace(",", ";") + "r1;DAS28;;12;baseline_mean;5,8;Ann;;\n"
                 "r1;DAS28;;12;baseline_sd;1.5;Ann;;\n")
    assert "line 2: baseline_mean must be a number, got '5,8'" in problems_of(path)  # a decimal comma is refused
    write(path, HEADER.replace(",", ";") + "r1;DAS28;;12;baseline_mean;5.8;Ann;;\n")
    (fix,) = load_corrections(path)
    assert fix.values == (("baseline_mean", 5.8),) and fix.timepoint_weeks == 12.0


def test_csv_header_problems(tmp_path):
    message = problems_of(write(tmp_path / "corrections.csv", "record_id,feild,value,reviewer\n"))
    assert "line 1: unknown column(s) 'feild' (did you mean 'field'?); missing column(s) field" in message
    assert "is empty" in problems_of(write(tmp_path / "corrections.csv", "\n\n"))


def test_conflicting_values_for_one_field(tmp_path):
    message = problems_of(write(tmp_path / "corrections.csv", HEADER + "r1,DAS28,A,12,baseline_mean,5,Ann,,\n"
                                "r1,DAS28,a,12,baseline_mean,6,Ann,,\n"))
    assert "line 3: baseline_mean is set again (6; line 2 set 5)" in message


@pytest.mark.parametrize("body, expected", [
    ('[[correction]]\nrecord_id = "r1"\nmeasure = "DAS28"\nbaseline_mean = 5', "correction 1: reviewer is missing"),
    ('[[correction]]\nrecord_id = "r1"\nreviewer = "A"\nmeasure = "DAS28"\nbaseline_sd = -2',
     "correction 1: baseline_sd must not be negative"),
    ('[defaults]\nreviewer = "A"\n[[correction]]\nrecord_id = "r1"\nmeasure = "DAS28"\nbaseline_mean = 5\n'
     '[[correction]]\nrecord_id = "r1"\nmeasure = "DAS28"\nbaselne_mean = 5',
     "correction 2: unknown key 'baselne_mean'"),
    ('[defaults]\nreviewer = "A"\n[[correction]]\nrecord_id = "r1"\nmeasure = "DAS28"\n',
     "correction 1: sets no value"),
    ('[defaults]\nreviewr = "A"\n', "[defaults]: unknown key 'reviewr'"),
    ('[[correction]\n', "is not valid TOML"),
    ('[[correction]]\nrecord_id = "r1"\nreviewer = "A"\nmeasure = "DAS28"\nfollowup_mean = true',
     "correction 1: followup_mean must be a number, got true"),
])
def test_each_toml_problem_names_the_correction(tmp_path, body, expected):
    assert f"corrections.toml {expected}" in problems_of(write(tmp_path / "corrections.toml", body))


def test_the_resolver_turns_identifiers_into_record_ids_and_reports_unknown_ones(tmp_path):
    path = write(tmp_path / "corrections.csv", HEADER + "PMID:1,,,,n_enrolled,5,Ann,,\nPMID:2,,,,n_enrolled,5,Ann,,\n")

    def resolve(ref):
        if ref == "PMID:1":
            return "one"
        raise InputError(f"no stored record is {ref!r}")
    with pytest.raises(CorrectionsError, match=r"corrections.csv line 3: no stored record is 'PMID:2'"):
        load_corrections(path, resolve)
    with pytest.raises(CorrectionsError, match=r"line 3: no stored record is 'PMID:2'. Give the store's id"):
        load_corrections(path, lambda ref: "one" if ref == "PMID:1" else None)  # None also means unknown


def test_find_the_file(tmp_path):
    assert find_corrections_file(tmp_path) is None
    write(tmp_path / "corrections.csv", HEADER)
    assert find_corrections_file(tmp_path) == tmp_path / "corrections.csv"
    write(tmp_path / "corrections.toml", "")
    with pytest.raises(InputError, match="both corrections.toml and corrections.csv"):
        find_corrections_file(tmp_path)


# --- applying ------------------------------------------------------------------------------------

def test_a_matched_row_is_corrected_and_keeps_what_it_replaced(prediction):
    original = copy.deepcopy(prediction)
    fix = correction(measure="DAS28", timepoint_weeks=12.0, source="Table 2",
                     values={"followup_mean": 3.4, "followup_sd": 0.8})
    out = apply_corrections(prediction, [fix])
    assert prediction == original  # pure: the input is untouched
    row = out["outcomes"][0]
    assert (row["followup_mean"], row["followup_sd"], row["direction"]) == (3.4, 0.8, "decrease")
    assert row["provenance"] == {"record_id": "r1", "location": "reviewer", "text": "Table 2", "start": None,
                                 "end": None, "entered_by": "reviewer:ann"}
    assert row["verbatim"] == "Table 2"
    assert row["extracted_provenance"] == original["outcomes"][0]["provenance"]
    assert [(r["field"], r["extracted_value"], r["value"]) for r in row["replaced"]] == [
        ("followup_mean", 3.1, 3.4), ("followup_sd", None, 0.8)]
    assert out["outcomes"][1:] == original["outcomes"][1:]


def test_no_match_adds_a_row(prediction):
    fix = correction(measure="ACR20", arm="MSC", timepoint_weeks=24.0, note="from the full text",
                     values={"percent_responders": 45.0, "n_responders": 9})
    out = apply_corrections(prediction, [fix])
    assert len(out["outcomes"]) == 4
    added = out["outcomes"][-1]
    assert added["measure"] == "ACR20" and added["arm"] == "MSC" and added["timepoint_weeks"] == 24.0
    assert added["percent_responders"] == 45.0 and added["n_responders"] == 9 and added["timepoint"] == "24 weeks"
    assert added["added_by"] == "reviewer:ann" and "replaced" not in added
    assert added["provenance"]["text"] == "from the full text" and added["provenance"]["location"] == "reviewer"


def test_study_fields_and_include(prediction):
    fixes = [correction(values={"n_enrolled": 24, "include": False}, note="healthy volunteers only")]
    out = apply_corrections(prediction, fixes)
    assert out["n_enrolled"] == 24 and out["include"] is False and out["exclusion_reason"] == "healthy volunteers only"
    assert out["provenance"]["n_enrolled"]["entered_by"] == "reviewer:ann"
    assert out["replaced"][0] == {"field": "n_enrolled", "extracted_value": 20,
                                  "extracted_provenance": prov("20 patients were enrolled"), "value": 24,
                                  "entered_by": "reviewer:ann"}
    assert effective_screening({"r1": out}, {})["r1"] == (False, "healthy volunteers only", "reviewer:ann")
    # a screening decision still wins over a corrected include
    assert effective_screening({"r1": out}, {"r1": {"include": True, "reason": "yes", "reviewer": "bob"}})["r1"][2] \
        == "reviewer:bob"


def test_applying_twice_changes_nothing(prediction):
    fixes = [correction(measure="DAS28", timepoint_weeks=24.0, values={"followup_sd": 1.1}),
             correction(measure="CRP", values={"change_mean": -4.2}),
             correction(values={"route": "intra-articular"})]
    once = apply_corrections(prediction, fixes)
    assert apply_corrections(once, fixes) == once
    assert once["replaced"][0]["extracted_value"] == "intravenous"


def test_corrections_of_other_records_are_ignored(prediction):
    assert apply_corrections(prediction, [correction(record_id="r2", values={"n_enrolled": 1})]) == prediction


def test_an_ambiguous_selector_is_an_error(prediction):
    with pytest.raises(InputError, match=r"corrections.csv line 2: outcome DAS28 selects 2 outcome rows .*"
                                         r"add arm and/or timepoint_weeks"):
        apply_corrections(prediction, [correction(measure="DAS28", values={"followup_sd": 1.0})])


# --- a review ------------------------------------------------------------------------------------

@pytest.fixture
def review(fictitious_review_template, copy_review):
    return copy_review(fictitious_review_template)


SEED_DAS28 = """\
# FICTITIOUS values for the FICTITIOUS test record (tests/fixtures/review): never a real study's numbers.
[defaults]
reviewer = "Ann"

[[correction]]
record_id = "fictitious-2025-a"
measure = "DAS28"
arm = "MSC (single arm)"
timepoint_weeks = 12
baseline_mean = 5.8
baseline_sd = 0.9

[[correction]]
record_id = "fictitious-2025-a"
measure = "DAS28"
arm = "MSC (single arm)"
timepoint_weeks = 52
followup_mean = 3.2
followup_sd = 1.1
n = 30

[[correction]]
record_id = "fictitious-2025-a"
n_enrolled = 31
"""


def seed_rows(predictions: dict) -> list[dict]:
    return [r for r in predictions[SEED]["outcomes"] if r["measure"] == "DAS28"]


def test_a_correction_survives_re_extraction(review, capsys):
    path = write(review / "corrections.toml", SEED_DAS28)
    before_bytes = path.read_bytes()
    rev = find_review(review)
    with Store(rev.store_path) as store:
        first = corrected_predictions(rev, store)
        stored = store.extraction(SEED)
    rows = {r["timepoint_weeks"]: r for r in seed_rows(first)}
    assert (rows[12.0]["baseline_mean"], rows[12.0]["baseline_sd"], rows[12.0]["change_mean"]) == (5.8, 0.9, -1.2)
    assert (rows[52.0]["followup_mean"], rows[52.0]["followup_sd"], rows[52.0]["n"]) == (3.2, 1.1, 30)
    assert rows[24.0]["change_mean"] == -1.5  # not selected: as extracted
    assert first[SEED]["n_enrolled"] == 31
    assert rows[52.0]["provenance"]["entered_by"] == "reviewer:Ann"
    assert not any(r["timepoint_weeks"] == 52.0 for r in stored["outcomes"])  # never written to the store
    code, _, err = cli(capsys, "extract", "--review", str(review), "--force")
    assert code == 0, err
    with Store(rev.store_path) as store:
        again = corrected_predictions(rev, store)
    assert again == first  # same values after a fresh extraction
    assert path.read_bytes() == before_bytes  # the reviewer's file is only read


def test_check_prints_a_summary(review, capsys):
    write(review / "corrections.toml", SEED_DAS28)
    code, out, err = cli(capsys, "corrections", "--review", str(review), "--check")
    assert code == 0, err
    assert out.startswith("corrections.toml: 3 corrections (6 values) for 1 record; 2 replacing extracted values, "
                          "1 adding outcome rows. OK"), out


def test_check_reports_a_negative_sd_with_the_line_and_the_fix(review, capsys):
    write(review / "corrections.csv", HEADER + "fictitious-2025-a,DAS28,,52,baseline_mean,5.8,Ann,Table 2,\n"
          "fictitious-2025-a,DAS28,,52,baseline_sd,-0.9,Ann,Table 2,\n")
    code, out, err = cli(capsys, "corrections", "--review", str(review), "--check")
    assert code == 2 and out == ""
    assert "corrections.csv line 3: baseline_sd must not be negative" in err
    assert "drop the minus sign" in err and err.count("\n") == 1


def test_check_reports_unknown_records_and_ambiguous_selectors(review, capsys):
    write(review / "corrections.csv", HEADER + "PMID:1,,,,n_enrolled,5,Ann,,\n")
    code, _, err = cli(capsys, "corrections", "--review", str(review))
    assert code == 2 and "corrections.csv line 2: no stored record is 'PMID:1'" in err
    (review / "corrections.csv").unlink()
    write(review / "corrections.csv", HEADER + "fictitious-2025-a,DAS28,,,followup_mean,20,Ann,,\n")
    code, _, err = cli(capsys, "corrections", "--review", str(review), "--check")
    assert code == 2 and "selects 2 outcome rows" in err and "12 weeks" in err and "24 weeks" in err


def test_check_without_a_file(review, capsys):
    code, _, err = cli(capsys, "corrections", "--review", str(review), "--check")
    assert code == 2 and "has no corrections file" in err

"""`trialsynth extract --input ARTICLES --prompts PROMPTS --output ANSWERS`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fixture_path
from trialsynth.cli import main

ABSTRACT = ("Results: At week 24, the DAS28 was significantly lower in the MSC group than in the placebo group "
            "(3.1 vs 4.4, P < 0.001). The HAQ disability index did not differ between the groups (P = 0.62).")
ROOT = Path(__file__).resolve().parents[2]


def write_jsonl(path: Path, objects: list) -> Path:
    path.write_text("".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    articles = write_jsonl(tmp_path / "articles.jsonl", [
        {"id": "r1", "title": "MSC in RA", "abstract": ABSTRACT},
        {"id": "PMC4359699", "title": "", "abstract": "",
         "full_text_xml": fixture_path("fulltext", "PMC4359699.nxml").read_text("utf-8")},
    ])
    prompts = write_jsonl(tmp_path / "prompts.jsonl", [
        {"prompt_id": 3, "record_id": "r1", "outcome": "HAQ", "intervention": "MSC", "comparator": "placebo"},
        {"prompt_id": 1, "pmcid": "PMC4359699", "outcome": "low disease activity at week 12",
         "intervention": "etanercept", "comparator": "placebo"},
        {"prompt_id": 2, "record_id": "r1", "outcome": "DAS28", "intervention": "MSC", "comparator": "placebo"},
        {"prompt_id": 9, "record_id": "not-in-input", "outcome": "x", "intervention": "a", "comparator": "b"},
    ])
    return articles, prompts, tmp_path / "answers.jsonl"


def test_answers_one_line_per_prompt_in_prompt_order(files, capsys):
    articles, prompts, out = files
    assert main(["extract", "--input", str(articles), "--prompts", str(prompts), "--output", str(out)]) == 0
    assert "answered 3 of 4 prompts (1 abstained, 1 without their record" in capsys.readouterr().out
    answers = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [a["prompt_id"] for a in answers] == [3, 1, 2, 9]
    assert answers[0]["label"] == "no significant difference" and "HAQ" in answers[0]["evidence"]
    assert answers[2]["label"] == "significantly decreased" and answers[2]["location"] == "abstract"
    assert answers[1]["location"].startswith(("abstract", "section:", "table:"))
    assert answers[3] == {"prompt_id": 9, "label": None, "evidence": None, "location": None, "start": None,
                          "end": None, "confidence": None, "comparison": False}


def test_the_answers_are_what_the_scorer_reads(files, tmp_path):
    scorer = ROOT.parent / "shared" / "tools" / "score_comparisons.py"
    if not scorer.exists():
        pytest.skip("../shared/tools/score_comparisons.py is not here")
    articles, prompts, out = files
    assert main(["extract", "--input", str(articles), "--prompts", str(prompts), "--output", str(out)]) == 0
    gold = write_jsonl(tmp_path / "gold.jsonl", [
        {"prompt_id": 2, "label": "significantly decreased", "evidence": [ABSTRACT.split(". ")[0]]},
        {"prompt_id": 3, "label": "no significant difference", "evidence": ["HAQ did not differ"]}])
    run = subprocess.run([sys.executable, str(scorer), "--gold", str(gold), "--pred", str(out), "--json"],
                         capture_output=True, text=True, check=True)
    summary = json.loads(run.stdout)
    assert summary["coverage"] == 1.0 and summary["accuracy"] == 1.0


def test_answers_to_stdout(files, capsys):
    articles, prompts, _ = files
    assert main(["extract", "--input", str(articles), "--prompts", str(prompts)]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 4 and "answered 3 of 4" in err


@pytest.mark.parametrize("line, message", [
    ("{oops", "prompts.jsonl line 2: not valid JSON"),
    (json.dumps({"prompt_id": 5, "record_id": "r1", "outcome": "", "intervention": "a", "comparator": "b"}),
     "prompts.jsonl line 2: \"outcome\" must be a non-empty string"),
])
def test_a_bad_prompt_file_is_a_one_line_error(files, capsys, line, message):
    articles, prompts, out = files
    write_jsonl(prompts, [{"prompt_id": 1, "record_id": "r1", "outcome": "x", "intervention": "a",
                           "comparator": "b"}, line])
    assert main(["extract", "--input", str(articles), "--prompts", str(prompts), "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_prompts_need_an_input_file(capsys):
    assert main(["extract", "--prompts", "p.jsonl"]) == 2
    assert "--prompts needs --input" in capsys.readouterr().err


def test_a_missing_prompt_file_is_an_error(files, capsys):
    articles, _, out = files
    assert main(["extract", "--input", str(articles), "--prompts", str(out.parent / "nope.jsonl"),
                 "--output", str(out)]) == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_the_output_may_not_overwrite_an_input(files, capsys):
    articles, prompts, _ = files
    assert main(["extract", "--input", str(articles), "--prompts", str(prompts), "--output", str(prompts)]) == 2
    assert "the output file is an input file" in capsys.readouterr().err
    assert json.loads(prompts.read_text("utf-8").splitlines()[0])["prompt_id"] == 3


def test_extract_help_shows_the_prompts_option(capsys):
    with pytest.raises(SystemExit):
        main(["extract", "--help"])
    assert "--prompts PROMPTS" in capsys.readouterr().out

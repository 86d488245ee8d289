"""`trialsynth screen`: reviewer decisions over the extractor's screening, by any identifier of a record."""
from __future__ import annotations


import pytest

from corpus.records import Hit, Ids, Record
from corpus.store import Store
from trialsynth.cli import main
from trialsynth.errors import InputError
from trialsynth.review import find_review
from trialsynth.screening import default_reviewer, effective_screening, resolve_record_id

SEED = "31908418"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def review(demo_review_template, copy_review, monkeypatch):
    monkeypatch.setenv("TRIALSYNTH_REVIEWER", "Ann Reviewer")
    return copy_review(demo_review_template)


def listing(capsys, root) -> dict[str, list[str]]:
    code, out, err = cli(capsys, "screen", "--review", str(root), "--list")
    assert code == 0, err
    header, *lines, summary = out.splitlines()
    assert summary.endswith("decided by a reviewer")
    starts = [header.index(name) for name in ("decision", "by", "reason")]
    rows = {}
    for line in lines:
        cells = [line[:starts[0]], line[starts[0]:starts[1]], line[starts[1]:starts[2]], line[starts[2]:]]
        rows[cells[0].strip()] = [c.strip() for c in cells[1:]]
    return rows


def extractor_decisions(root) -> dict[str, bool]:
    with Store(root / "review.sqlite") as store:
        return {rid: bool(e["include"]) for rid, _, e in store.extractions()}


# --- effective_screening (pure) ----------------------------------------------------------------

def test_a_reviewer_decision_wins_over_the_prediction():
    predictions = {"a": {"include": True, "exclusion_reason": None},
                   "b": {"include": False, "exclusion_reason": "species: animal study"},
                   "c": {"include": True}}
    decisions = {"a": {"include": False, "reason": "duplicate cohort", "reviewer": "ann"},
                 "d": {"include": True, "reason": "found by hand", "reviewer": "bob"}}
    before = repr(predictions), repr(decisions)
    got = effective_screening(predictions, decisions)
    assert got == {"a": (False, "duplicate cohort", "reviewer:ann"),
                   "b": (False, "species: animal study", "extractor"),
                   "c": (True, None, "extractor"),
                   "d": (True, "found by hand", "reviewer:bob")}
    assert (repr(predictions), repr(decisions)) == before  # pure


def test_a_corrected_include_says_who_set_it():
    prediction = {"include": False, "exclusion_reason": "read from the corrections file",
                  "provenance": {"include": {"entered_by": "reviewer:cat"}}}
    assert effective_screening({"x": prediction}, {}) == {"x": (False, "read from the corrections file",
                                                                "reviewer:cat")}


# --- resolving what the user types ---------------------------------------------------------------

@pytest.mark.parametrize("ref", [SEED, f"PMID:{SEED}", f"pmid {SEED}", "PMID: 31908418", "10.2147/DDDT.S225613",
                                 "doi:10.2147/dddt.s225613", "https://doi.org/10.2147/DDDT.S225613", "PMC6930836",
                                 "pmcid:PMC6930836"])
def test_any_identifier_of_the_seed_resolves(review, ref):
    with Store(review / "review.sqlite") as store:
        assert resolve_record_id(store, ref) == SEED


def test_store_ids_and_nct_ids_resolve(tmp_path):
    with Store(tmp_path / "review.sqlite") as store:
        store.add_hits([Hit(Record(source="ctgov", source_id="NCT01547091", title="A registry entry",
                                   ids=Ids(nct=("NCT01547091",))), raw="{}", raw_format="test")])
        (rid,) = [s.id for s in store.records()]
        assert resolve_record_id(store, rid) == rid
        assert resolve_record_id(store, "nct01547091") == rid
        with pytest.raises(InputError, match=r"no stored record is 'PMID:1'.*trialsynth records"):
            resolve_record_id(store, "PMID:1")


def test_reviewer_comes_from_the_option_the_environment_then_the_os(monkeypatch):
    monkeypatch.setenv("TRIALSYNTH_REVIEWER", "env name")
    assert default_reviewer("given") == "given"
    assert default_reviewer(None) == "env name"
    monkeypatch.delenv("TRIALSYNTH_REVIEWER")
    monkeypatch.setattr("getpass.getuser", lambda: "osuser")
    assert default_reviewer(None) == "osuser"

    def no_user():
        raise OSError("no user")
    monkeypatch.setattr("getpass.getuser", no_user)
    with pytest.raises(InputError, match="--reviewer NAME"):
        default_reviewer(None)


# --- the command -----------------------------------------------------------------------------------

def test_list_shows_the_extractor_decisions_first(review, capsys):
    rows = listing(capsys, review)
    extracted = extractor_decisions(review)
    assert set(rows) == set(extracted)
    for rid, include in extracted.items():
        assert rows[rid][:2] == ["include" if include else "exclude", "extractor"]
        assert bool(rows[rid][2]) != include  # an exclusion shows its reason
    assert any("not rheumatoid arthritis" in r[2] for r in rows.values())


def test_include_exclude_and_clear(review, capsys):
    excluded = next(rid for rid, inc in extractor_decisions(review).items() if not inc)
    code, out, err = cli(capsys, "screen", "--review", str(review), "--include", excluded,
                         "--reason", "RA patients in the full text")
    assert code == 0, err
    assert f"{excluded}: include by reviewer:Ann Reviewer" in out
    code, out, err = cli(capsys, "screen", "--review", str(review), "--exclude", f"PMID:{SEED}",
                         "--reason", "duplicate cohort of 2017 report", "--reviewer", "Bob")
    assert code == 0, err
    rows = listing(capsys, review)
    assert rows[excluded] == ["include", "reviewer:Ann Reviewer", "RA patients in the full text"]
    assert rows[SEED] == ["exclude", "reviewer:Bob", "duplicate cohort of 2017 report"]
    code, out, err = cli(capsys, "screen", "--review", str(review), "--clear", "10.2147/dddt.s225613")
    assert code == 0, err
    assert "cleared the decision of Bob (exclude)" in out
    assert listing(capsys, review)[SEED][:2] == ["include", "extractor"]
    with Store(review / "review.sqlite") as store:
        actions = [(e["record_id"], e["action"], e["reviewer"]) for e in store.decision_log()]
    assert actions == [(excluded, "include", "Ann Reviewer"), (SEED, "exclude", "Bob"), (SEED, "clear", "Ann Reviewer")]


def test_a_decision_survives_a_forced_re_extraction(review, capsys):
    assert extractor_decisions(review)[SEED] is True
    assert cli(capsys, "screen", "--review", str(review), "--exclude", SEED, "--reason", "reviewer: out")[0] == 0
    code, out, err = cli(capsys, "extract", "--review", str(review), "--force")
    assert code == 0, err
    assert extractor_decisions(review)[SEED] is True  # the extractor still says include ...
    assert listing(capsys, review)[SEED] == ["exclude", "reviewer:Ann Reviewer", "reviewer: out"]  # reviewer wins
    with Store(review / "review.sqlite") as store:
        assert store.decisions()[SEED]["reason"] == "reviewer: out"


@pytest.mark.parametrize("args, message", [
    (["--include", SEED], "--include needs --reason"),
    (["--exclude", SEED, "--reason", "  "], "--exclude needs --reason"),
    (["--include", "PMID:1", "--reason", "x"], "no stored record is 'PMID:1'"),
    (["--clear", SEED, "--reason", "x"], "--clear takes no --reason"),
    (["--list", "--reason", "x"], "not --list"),
])
def test_errors_are_one_line_and_exit_2(review, capsys, args, message):
    code, out, err = cli(capsys, "screen", "--review", str(review), *args)
    assert code == 2
    assert message in err and err.startswith("trialsynth: error:") and err.count("\n") == 1
    with Store(review / "review.sqlite") as store:
        assert store.decisions() == {}


def test_an_action_is_required(review, capsys):
    with pytest.raises(SystemExit) as info:
        main(["screen", "--review", str(review)])
    assert info.value.code == 2
    assert "one of the arguments --include --exclude --clear --list is required" in capsys.readouterr().err


def test_clear_without_a_decision_says_so(review, capsys):
    code, out, _ = cli(capsys, "screen", "--review", str(review), "--clear", SEED)
    assert code == 0 and "no reviewer decision to clear" in out
    assert find_review(review).root == review.resolve()

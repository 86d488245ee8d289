"""Reading a CSV of study data into effect sizes, and refusing bad input with row, study and column."""
from __future__ import annotations

import io

import numpy as np
import pytest

from analysis.effects import escalc
from analysis.table import load_csv, needs_assumed_ri, read_effect_table, required_columns
from analysis.errors import InputError

BCG = """study,ai,bi,ci,di
Aronson 1948,4,119,11,128
Ferguson & Simes 1949,6,300,29,274
Rosenthal et al 1960,3,228,11,209
"""


def write(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_a_two_by_two_table_like_escalc(tmp_path):
    es = read_effect_table(write(tmp_path, BCG), "RR")
    direct = escalc("RR", ai=[4, 6, 3], bi=[119, 300, 228], ci=[11, 29, 11], di=[128, 274, 209])
    np.testing.assert_allclose(es.yi, direct.yi)
    np.testing.assert_allclose(es.vi, direct.vi)
    assert es.labels == ("Aronson 1948", "Ferguson & Simes 1949", "Rosenthal et al 1960")
    assert es.measure == "RR"


def test_measure_is_case_insensitive_and_buffers_work():
    es = read_effect_table(io.StringIO(BCG), "or")
    assert es.measure == "OR" and len(es.yi) == 3


def test_alternative_columns_and_header_spelling(tmp_path):
    text = " Study , AI ,N1I,ci,n2i\nA,4,123,11,139\nB,6,306,29,303\n"
    es = read_effect_table(write(tmp_path, text), "RR")
    direct = escalc("RR", ai=[4, 6], bi=[119, 300], ci=[11, 29], di=[128, 274])
    np.testing.assert_allclose(es.yi, direct.yi)
    assert required_columns("RR", ["ai", "n1i", "ci", "n2i"]) == ("ai", "n1i", "ci", "n2i")


def test_labels_default_and_blank_rows_are_skipped(tmp_path):
    es = read_effect_table(write(tmp_path, "yi,sei\n0.1,0.2\n\n,\n0.3,0.1\n"), "GEN")
    assert es.labels == ("Study 1", "Study 2")
    np.testing.assert_allclose(es.vi, [0.04, 0.01])


def test_utf8_bom_and_unicode_labels(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffstudy,yi,vi\nMüller 2019,0.1,0.02\nØster–Åberg,0.2,0.03\n".encode("utf-8"))
    es = read_effect_table(path, "GEN")
    assert es.labels == ("Müller 2019", "Øster–Åberg")


def test_assumed_ri_fills_only_missing_cells(tmp_path):
    text = "study,m1i,m2i,sd1i,ni,ri\nA,1,2,1,20,\nB,1.5,2.5,1.2,30,0.6\n"
    frame = load_csv(io.StringIO(text))
    assert needs_assumed_ri(frame, "SMCR")
    es = read_effect_table(write(tmp_path, text), "SMCR", ri=0.5)
    direct = escalc("SMCR", m1i=[1, 1.5], m2i=[2, 2.5], sd1i=[1, 1.2], ni=[20, 30], ri=[0.5, 0.6])
    np.testing.assert_allclose(es.vi, direct.vi)
    no_column = read_effect_table(io.StringIO("m1i,m2i,sd1i,ni\n1,2,1,20\n"), "SMCR", ri=0.3)
    np.testing.assert_allclose(no_column.vi, escalc("SMCR", m1i=[1], m2i=[2], sd1i=[1], ni=[20], ri=[0.3]).vi)
    assert not needs_assumed_ri(load_csv(io.StringIO("m1i,m2i,sd1i,ni,ri\n1,2,1,20,0.4\n")), "SMCR")
    assert not needs_assumed_ri(frame, "MD")


@pytest.mark.parametrize("text, measure, expected", [
    # missing column: names the column, the measure and lists what it needs
    ("study,ai,bi,ci\nA,1,2,3\n", "RR", ["di", "RR", "ai, bi, ci, di", "found: study, ai, bi, ci"]),
    ("study,yi\nA,0.1\n", "GEN", ["vi", "yi, sei"]),
    ("study,m1i,m2i,sd1i,ni\nA,1,2,1,20\n", "SMCR", ["ri", "--ri"]),
    # non-numeric and empty cells: row (1-based), study label, column
    ("study,ai,bi,ci,di\nA,1,2,3,4\nPark 2018,1,2,three,4\n", "OR", ["column ci", "row 2", "'Park 2018'", "'three'"]),
    ("ai,bi,ci,di\n1,2,3,4\n1,,3,4\n", "OR", ["column bi", "empty cell", "row 2"]),
    # negative / zero SD or n, events above n: escalc's checks, with row and study
    ("study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,1,1,10,2,1,10\nB,1,-1.2,10,2,1,10\n", "SMD",
     ["sd1i", "row 2", "'B'", "-1.2"]),
    ("study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,1,1,10,2,0,10\n", "MD", ["sd2i", "> 0", "row 1", "'A'"]),
    ("study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,1,1,0,2,1,10\n", "MD", ["n1i", "row 1", "'A'"]),
    ("study,xi,ni\nA,3,10\nB,12,10\n", "PR", ["xi", "row 2", "'B'", "12"]),
    ("study,ai,n1i,ci,n2i\nA,30,20,3,20\n", "RR", ["ai", "n1i", "row 1"]),
    ("study,mi,sdi,ni\nA,1,1,10\nB,1,1,-5\n", "MN", ["ni", "row 2", "'B'"]),
    ("study,m1i,m2i,sd1i,ni,ri\nA,1,2,1,20,1.5\n", "SMCR", ["ri", "row 1", "1.5"]),
])
def test_bad_cells_name_row_study_and_column(tmp_path, text, measure, expected):
    with pytest.raises(InputError) as info:
        read_effect_table(write(tmp_path, text), measure)
    message = str(info.value)
    for part in expected:
        assert part in message, message


def test_unknown_measure_lists_the_valid_ones(tmp_path):
    with pytest.raises(InputError, match="SMD.*SMCC"):
        read_effect_table(write(tmp_path, BCG), "HR")


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"study,yi,vi\n", "no data rows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
    (b"study,yi,vi\n\xff\xfe0.1,0.2\n", "not UTF-8"),
    (b"study;yi;vi\nA;0.1;0.2\n", "not comma-separated"),
    (b"study,yi,vi\nA,0.1,0.2,9,9\n", "row 1 has 5 cells"),
    (b"yi,yi,vi\n1,2,3\n", "duplicate column"),
])
def test_unreadable_files_are_refused(tmp_path, content, expected):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected):
        read_effect_table(path, "GEN")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_effect_table(tmp_path / "nope.csv", "GEN")


@pytest.mark.parametrize("ri", [1.0, -1.0, 2.0])
def test_assumed_ri_out_of_range(tmp_path, ri):
    with pytest.raises(InputError, match="--ri"):
        read_effect_table(write(tmp_path, "m1i,m2i,sd1i,ni\n1,2,1,20\n"), "SMCR", ri=ri)


def test_unrelated_text_columns_are_ignored(tmp_path):
    es = read_effect_table(write(tmp_path, "study,notes,yi,vi\nA,see appendix,0.1,0.02\nB,,0.2,0.03\n"), "GEN")
    assert len(es.yi) == 2

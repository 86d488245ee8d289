"""`trialsynth pool`: options, text/JSON/CSV output, the forest plot, and refusing bad input with exit code 2.

The command is called through a small argparse harness built with trialsynth.pool.add_pool_parser, which
handles errors as trialsynth.cli.main does; one test runs it in a fresh interpreter.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trialsynth.errors import USER_ERRORS
from trialsynth.pool import EPILOG_POOL, SCALAR_KEYS, add_pool_parser, cmd_pool

ROOT = Path(__file__).resolve().parents[2]
BCG = """study,ai,bi,ci,di
Aronson 1948,4,119,11,128
Ferguson & Simes 1949,6,300,29,274
Rosenthal et al 1960,3,228,11,209
Hart & Sutherland 1977,62,13536,248,12619
Frimodt-Moller et al 1973,33,5036,47,5761
Stein & Aronson 1953,180,1361,372,1079
Vandiviere et al 1973,8,2537,10,619
TPT Madras 1980,505,87886,499,87892
Coetzee & Berjak 1968,29,7470,45,7232
Rosenthal et al 1961,17,1699,65,1600
Comstock et al 1974,186,50448,141,27197
Comstock & Webster 1969,5,2493,3,2338
Comstock et al 1976,27,16886,29,17825
"""
# metafor 4.x: rma(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg) (REML, the default)
BCG_REML = {"estimate": -0.7145, "se": 0.1798, "tau2": 0.3132, "i2": 92.22, "q": 152.2330, "q_df": 12}
PREPOST = "study,m1i,m2i,sd1i,ni,ri\nA,1,2,1,20,\nB,1.5,2.5,1.2,30,0.6\nC,1.2,2.2,1.1,25,\n"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """Parse and run like trialsynth.cli.main: library errors print one line and return 2."""
    parser = argparse.ArgumentParser(prog="trialsynth")
    add_pool_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        code = cmd_pool(args)
    except USER_ERRORS as exc:
        print(f"trialsynth: error: {exc}", file=sys.stderr)
        code = 2
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def bcg(tmp_path):
    path = tmp_path / "bcg.csv"
    path.write_text(BCG, encoding="utf-8")
    return path


def test_help_has_an_example(capsys):
    parser = argparse.ArgumentParser(prog="trialsynth")
    add_pool_parser(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["pool", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and "trialsynth pool" in out and "--measure" in out
    assert EPILOG_POOL.startswith("examples:\n  trialsynth pool ")


def test_text_output_matches_metafor_bcg(bcg, capsys):
    code, out, err = run(["pool", str(bcg), "--measure", "RR"], capsys)
    assert code == 0, err
    assert "tau^2 estimator: REML" in out and "k = 13" in out
    assert f"{BCG_REML['estimate']:.4f}" in out and f"{BCG_REML['se']:.4f}" in out
    assert f"{BCG_REML['tau2']:.4f}" in out and f"{BCG_REML['i2']:.2f}%" in out
    assert f"Q(df = 12) = {BCG_REML['q']:.4f}" in out
    assert "prediction interval" in out
    assert f"back-transformed (risk ratio): {math.exp(BCG_REML['estimate']):.3f}" in out   # exp(-0.7145) = 0.4894


def test_json_output_contract(bcg, capsys):
    code, out, _ = run(["pool", str(bcg), "--measure", "RR", "--method", "REML, dl,FE", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert [d["method"] for d in data] == ["REML", "DL", "FE"]
    for d in data:
        assert list(d) == list(SCALAR_KEYS) + ["studies"]
        assert d["measure"] == "RR" and d["test"] == "z" and d["k"] == 13
        assert len(d["studies"]) == 13 and set(d["studies"][0]) == {"study", "yi", "vi", "weight"}
        assert math.isclose(sum(s["weight"] for s in d["studies"]), 100.0, rel_tol=1e-9)
    reml = data[0]
    assert reml["studies"][0]["study"] == "Aronson 1948"
    assert math.isclose(reml["estimate"], BCG_REML["estimate"], abs_tol=5e-5)   # model (log) scale
    assert math.isclose(reml["tau2"], BCG_REML["tau2"], abs_tol=5e-5)
    assert reml["tau2_ci_low"] < reml["tau2"] < reml["tau2_ci_high"]
    fe = data[2]
    assert fe["tau2"] == 0 and fe["tau2_ci_low"] is None and fe["pi_low"] is None


def test_csv_output_one_row_per_method(bcg, capsys):
    code, out, _ = run(["pool", str(bcg), "--measure", "OR", "--method", "DL,PM,HS,SJ,HE,EB,ML",
                        "--test", "knha", "--format", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["method"] for r in rows] == ["DL", "PM", "HS", "SJ", "HE", "EB", "ML"]
    assert list(rows[0]) == list(SCALAR_KEYS)
    assert all(r["test"] == "knha" and float(r["se"]) > 0 for r in rows)


def test_knha_text_shows_t_test(bcg, capsys):
    code, out, _ = run(["pool", str(bcg), "--measure", "RR", "--test", "knha"], capsys)
    assert code == 0 and "tval" in out and "df = 12" in out


def test_plot_is_written(bcg, tmp_path, capsys):
    png = tmp_path / "forest.png"
    code, out, err = run(["pool", str(bcg), "--measure", "RR", "--method", "DL,REML", "--plot", str(png)], capsys)
    assert code == 0, err
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "forest plot of DL" in out
    svg = tmp_path / "forest.svg"
    code, _, _ = run(["pool", str(bcg), "--measure", "RR", "--format", "json", "--plot", str(svg)], capsys)
    assert code == 0 and b"<svg" in svg.read_bytes()


def test_assumed_correlation_adds_sensitivity(tmp_path, capsys):
    path = tmp_path / "prepost.csv"
    path.write_text(PREPOST, encoding="utf-8")
    code, out, _ = run(["pool", str(path), "--measure", "SMCR", "--ri", "0.5"], capsys)
    assert code == 0
    assert "Sensitivity to the assumed pre-post correlation" in out
    for r in ("0.2", "0.5", "0.8"):
        assert f"\n   {r} " in out
    code, out, _ = run(["pool", str(path), "--measure", "SMCR", "--ri", "0.5", "--format", "json"], capsys)
    data = json.loads(out)
    sens = data[0]["ri_sensitivity"]
    assert [s["ri"] for s in sens] == [0.2, 0.5, 0.8]
    assert math.isclose(sens[1]["estimate"], data[0]["estimate"])     # r = 0.5 is the main analysis
    complete = PREPOST.replace("A,1,2,1,20,", "A,1,2,1,20,0.5").replace("C,1.2,2.2,1.1,25,", "C,1.2,2.2,1.1,25,0.4")
    path.write_text(complete, encoding="utf-8")
    code, out, _ = run(["pool", str(path), "--measure", "SMCR", "--ri", "0.5", "--format", "json"], capsys)
    assert "ri_sensitivity" not in json.loads(out)[0]   # nothing was assumed


@pytest.mark.parametrize("content, argv, expected", [
    (BCG, ["--measure", "HR"], ["unknown effect measure 'HR'", "SMD", "RR"]),
    (BCG, ["--measure", "RR", "--method", "REML,BOGUS"], ["unknown --method BOGUS", "FE, DL, REML"]),
    ("study,ai,bi,ci\nA,1,2,3\n", ["--measure", "RR"], ["lacks column(s) di", "ai, bi, ci, di"]),
    ("study,yi,vi\nA,0.1,0.02\nKim 2020,abc,0.1\n", ["--measure", "GEN"], ["row 2", "'Kim 2020'", "column yi"]),
    ("study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,1,1,10,2,1,10\nB,1,1,10,2,-2,10\n", ["--measure", "SMD"],
     ["sd2i", "row 2", "'B'"]),
    ("study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,1,1,10,2,1,0\nB,1,1,10,2,1,10\n", ["--measure", "MD"], ["n2i", "row 1"]),
    ("study,xi,ni\nA,3,10\nB,12,10\n", ["--measure", "PLO"], ["xi", "row 2", "'B'"]),
    ("study,yi,vi\nA,0.1,0.02\n", ["--measure", "GEN"], ["at least 2 studies", "--method FE"]),
    ("", ["--measure", "GEN"], ["is empty"]),
    ("study;yi;vi\nA;0.1;0.02\n", ["--measure", "GEN"], ["not comma-separated"]),
    (PREPOST, ["--measure", "SMCR"], ["ri", "--ri"]),
    (PREPOST, ["--measure", "SMCR", "--ri", "1.2"], ["between -1 and 1"]),
    (BCG, ["--measure", "RR", "--plot", "forest.jpg"], [".png, .svg or .pdf"]),
    (BCG, ["--measure", "RR", "--plot", "forest.png", "--dpi", "5"], ["--dpi", "300"]),
    (BCG, ["--measure", "RR", "--plot", "forest.png", "--width", "1"], ["--width", "inches"]),
    (BCG, ["--measure", "RR", "--columns", "ai=tpos"], ["no column 'tpos'", "study, ai, bi, ci, di"]),
    (BCG, ["--measure", "RR", "--columns", "xx=ai"], ["'xx' is not an escalc column", "ai, bi"]),
    (BCG, ["--measure", "RR", "--label", "author,year"], ["--label", "no column 'author'", "study, ai"]),
])
def test_bad_input_is_refused_with_exit_code_2(tmp_path, capsys, content, argv, expected):
    path = tmp_path / "data.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(["pool", str(path), *argv], capsys)
    assert code == 2 and out == ""
    assert err.startswith("trialsynth: error: ") and err.count("\n") == 1
    for part in expected:
        assert part in err, err


# dat.bcg as R's metadat package has it (trial, author, year, tpos, tneg, cpos, cneg, ablat, alloc)
DAT_BCG = "trial,author,year,tpos,tneg,cpos,cneg,ablat,alloc\n" + "\n".join(
    f"{i + 1},{line.rsplit(' ', 1)[0]},{line.rsplit(' ', 1)[1].split(',')[0]},{','.join(line.split(',')[1:])},0,random"
    for i, line in enumerate(BCG.splitlines()[1:]))


def test_r_column_names_map_onto_escalc_names(tmp_path, capsys):
    """metafor: escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)."""
    path = tmp_path / "dat.bcg.csv"
    path.write_text(DAT_BCG, encoding="utf-8")
    code, out, err = run(["pool", str(path), "--measure", "RR", "--columns", "ai=tpos,bi=tneg,ci=cpos,di=cneg",
                          "--label", "author,year", "--format", "json"], capsys)
    assert code == 0, err
    reml = json.loads(out)[0]
    assert math.isclose(reml["estimate"], BCG_REML["estimate"], abs_tol=5e-5)
    assert reml["studies"][0]["study"] == "Aronson 1948" and reml["studies"][12]["study"] == "Comstock et al 1976"
    code, out, err = run(["pool", str(path), "--measure", "RR", "--columns", "AI = TPOS, bi=tneg,ci=cpos,di=cneg"],
                         capsys)
    assert code == 0, err                      # names are matched case-insensitively, spaces ignored
    with pytest.raises(SystemExit):
        run(["pool", str(path), "--measure", "RR", "--columns", "ai:tpos"], capsys)
    assert "NAME=COLUMN" in capsys.readouterr().err


def test_text_output_is_metafors_print_layout(bcg, capsys):
    from analysis.pooling import rma
    from analysis.table import read_effect_table

    code, out, _ = run(["pool", str(bcg), "--measure", "RR"], capsys)
    assert code == 0
    expected = str(rma(read_effect_table(bcg, "RR")))
    assert out.startswith(expected)
    assert "Random-Effects Model (k = 13; tau^2 estimator: REML)" in out and "Model Results:" in out
    assert "tau^2 95% CI (Q-profile): [0.1197, 1.1115]" in out   # metafor confint(): 0.1197, 1.1115


def test_two_studies_tau2_ci_bound_is_not_a_search_cap(tmp_path, capsys):
    path = tmp_path / "two.csv"
    path.write_text("\n".join(BCG.splitlines()[:3]) + "\n", encoding="utf-8")
    code, out, _ = run(["pool", str(path), "--measure", "RR", "--format", "json"], capsys)
    assert code == 0
    reml = json.loads(out)[0]
    # metafor's confint() prints ">100.0000"; with control = list(tau2.max = 1000) it finds 246.43
    assert reml["tau2_ci_high"] == pytest.approx(246.42501870219152, rel=1e-6)
    assert reml["pi_low"] is not None and reml["pi_high"] is not None
    code, out, _ = run(["pool", str(path), "--measure", "RR"], capsys)
    assert "100.0000" not in out and "246.4250" in out and "search was widened" in out


def test_plot_options_pdf_dpi_width_and_arm_columns(bcg, tmp_path, capsys):
    pdf = tmp_path / "forest.pdf"
    code, out, err = run(["pool", str(bcg), "--measure", "RR", "--plot", str(pdf), "--width", "8",
                          "--units", "cases", "--favours", "Favours BCG", "Favours no BCG", "--groups", "BCG",
                          "Control"], capsys)
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    png = tmp_path / "forest.png"
    code, _, err = run(["pool", str(bcg), "--measure", "RR", "--plot", str(png), "--dpi", "300", "--width", "8"],
                       capsys)
    assert code == 0, err
    assert int.from_bytes(png.read_bytes()[16:20], "big") == pytest.approx(8 * 300, abs=2)
    svg = tmp_path / "forest.svg"
    code, _, _ = run(["pool", str(bcg), "--measure", "RR", "--plot", str(svg), "--groups", "BCG", "Control",
                      "--favours", "Favours BCG", "Favours no BCG"], capsys)
    text = svg.read_text("utf-8")
    for shown in ("BCG", "Events", "Total events", "Favours no BCG", "Aronson 1948"):
        assert shown in text, shown


def test_single_study_plot_says_not_pooled(tmp_path, capsys):
    path = tmp_path / "one.csv"
    path.write_text("study,ai,bi,ci,di\nAronson 1948,4,119,11,128\n", encoding="utf-8")
    svg = tmp_path / "one.svg"
    code, out, err = run(["pool", str(path), "--measure", "RR", "--method", "FE", "--plot", str(svg)], capsys)
    assert code == 0, err
    assert "not pooled" in out
    text = svg.read_text("utf-8")
    assert "Not pooled (k = 1)" in text and "Heterogeneity" not in text and "Total (95% CI)" not in text


def test_pool_imports_neither_pandas_nor_scipy(bcg):
    code = ("import sys\nfrom trialsynth.cli import main\nmain(['pool', sys.argv[1], '--measure', 'RR'])\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'scipy', 'matplotlib'}))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, str(bcg)], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_single_study_fixed_effect_is_allowed(tmp_path, capsys):
    path = tmp_path / "one.csv"
    path.write_text("study,yi,sei\nA,0.4,0.1\n", encoding="utf-8")
    code, out, _ = run(["pool", str(path), "--measure", "GEN", "--method", "FE", "--format", "json"], capsys)
    assert code == 0 and math.isclose(json.loads(out)[0]["estimate"], 0.4)


def test_runs_in_a_fresh_interpreter(bcg, tmp_path):
    script = ("import argparse, sys\n"
              "from trialsynth.pool import add_pool_parser, cmd_pool\n"
              "from trialsynth.errors import USER_ERRORS\n"
              "p = argparse.ArgumentParser(prog='trialsynth')\n"
              "add_pool_parser(p.add_subparsers(dest='command'))\n"
              "try:\n    sys.exit(cmd_pool(p.parse_args(sys.argv[1:])))\n"
              "except USER_ERRORS as e:\n    print(f'trialsynth: error: {e}', file=sys.stderr); sys.exit(2)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    ok = subprocess.run([sys.executable, "-c", script, "pool", str(bcg), "--measure", "RR", "--format", "json",
                         "--plot", str(tmp_path / "f.svg")], capture_output=True, text=True, cwd=ROOT, env=env,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["k"] == 13 and (tmp_path / "f.svg").stat().st_size > 1000
    bad = subprocess.run([sys.executable, "-c", script, "pool", str(tmp_path / "missing.csv"), "--measure", "RR"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert bad.returncode == 2 and "not found" in bad.stderr and "Traceback" not in bad.stderr


def test_wired_into_the_cli_when_the_lead_has_added_it(bcg, capsys):
    from trialsynth import cli

    if "pool" not in cli.COMMANDS:
        pytest.skip("trialsynth.cli does not register `pool` yet")
    assert cli.main(["pool", str(bcg), "--measure", "RR", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("method,measure,test,k,")

"""analysis.effects against metafor's escalc (reference JSON written by tests/reference/escalc_reference.R)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from analysis.effects import MEASURES, EffectSizes, escalc, transform_back
from analysis.errors import InputError

REF = json.loads((Path(__file__).parents[1] / "reference" / "escalc_reference.json").read_text("utf-8"))
RTOL, ATOL = 1e-10, 1e-12  # named tolerances: metafor agreement (observed ~1e-14)
CASES = REF["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_escalc_matches_metafor(case):
    es = escalc(case["measure"], **case["inputs"], **(case["args"] or {}))
    assert_allclose(es.yi, case["yi"], rtol=RTOL, atol=ATOL)
    assert_allclose(es.vi, case["vi"], rtol=RTOL, atol=ATOL)


def test_every_measure_has_a_reference_case():
    assert {c["measure"] for c in CASES} == set(MEASURES)
    assert REF["metafor_version"] and REF["r_version"].startswith("R version")


@pytest.mark.parametrize("bt", REF["backtransforms"], ids=[b["measure"] for b in REF["backtransforms"]])
def test_transform_back_matches_metafor(bt):
    assert_allclose(transform_back(bt["measure"], bt["values"], ni=bt.get("ni")), bt["result"], rtol=RTOL, atol=ATOL)


def test_transform_back_identity_and_pft_needs_ni():
    assert_allclose(transform_back("MD", [1.0, -2.0]), [1.0, -2.0])
    with pytest.raises(InputError, match="ni"):
        transform_back("PFT", [0.5])
    with pytest.raises(InputError, match="SMD"):
        transform_back("XYZ", [0.5])


def test_zero_cell_warning_and_ni():
    case = next(c for c in CASES if c["id"] == "bcg_zero_RR")
    es = escalc("RR", **case["inputs"])
    assert es.warnings == ("added 1/2 to the cells of 3 studies with a zero cell",)
    inp = case["inputs"]
    assert_allclose(es.ni, np.add.reduce([np.array(inp[c], float) for c in ("ai", "bi", "ci", "di")]))
    assert escalc("RR", **next(c for c in CASES if c["id"] == "bcg_RR_abcd")["inputs"]).warnings == ()


def test_to_none_with_zero_cell_is_an_error():
    with pytest.raises(InputError, match=r"undefined RR outcome.*row 1 "):
        escalc("RR", ai=[0, 3], bi=[10, 7], ci=[2, 4], di=[8, 6], to="none")


def test_accepts_series_lists_and_labels_and_frames():
    df = pd.DataFrame({"m1i": [5.0, 6.0], "sd1i": [1.0, 2.0], "n1i": [10, 12],
                       "m2i": [4.0, 6.5], "sd2i": [1.5, 2.0], "n2i": [11, 12]})
    es = escalc("SMD", **{c: df[c] for c in df}, labels=pd.Series(["A 2001", "B 2003"]))
    assert isinstance(es, EffectSizes) and es.labels == ("A 2001", "B 2003") and es.k == 2
    frame = es.to_frame()
    assert list(frame.columns) == ["study", "yi", "vi", "ni"]
    d = es.to_dict()
    assert json.loads(json.dumps(d))["yi"] == pytest.approx(list(es.yi))
    assert escalc("GEN", yi=[0.1, 0.2], vi=[0.01, 0.02]).labels == ("Study 1", "Study 2")
    assert "ni" not in escalc("GEN", yi=[0.1], vi=[0.01]).to_frame().columns


def test_scalar_ri_is_broadcast():
    case = next(c for c in CASES if c["id"] == "morrisT_SMCC_r05")
    assert case["inputs"]["ri"] == 0.5
    es = escalc("SMCC", **case["inputs"])
    assert es.yi.shape == (5,)


# ---- validation: messages name the row (1-based), the study, the column and the value


def _smd(**over):
    base = dict(m1i=[5.0, 6.0, 7.0], sd1i=[1.0, 2.0, 1.5], n1i=[10, 12, 14],
                m2i=[4.0, 6.5, 6.0], sd2i=[1.5, 2.0, 1.0], n2i=[11, 12, 13])
    base.update(over)
    return base


@pytest.mark.parametrize("over, pattern", [
    (dict(sd1i=[1.0, -2.0, 1.5]), r"column sd1i must be >= 0; row 2 \(study 'Study 2'\) has -2"),
    (dict(n2i=[11, 12, 0]), r"column n2i must be > 0; row 3 .* has 0"),
    (dict(m1i=[5.0, np.nan, 7.0]), r"column m1i must be a finite number; row 2"),
    (dict(m2i=[4.0, 6.5, np.inf]), r"column m2i must be a finite number; row 3"),
    (dict(sd1i=[0.0, 2.0, 1.5], sd2i=[0.0, 2.0, 1.0]), r"column sd1i and sd2i cannot both be 0 .*row 1"),
    (dict(n1i=[10, 12]), r"same length.*n1i has 2"),
])
def test_smd_validation(over, pattern):
    with pytest.raises(InputError, match=pattern):
        escalc("SMD", **_smd(**over))


def test_md_allows_zero_sds_like_metafor():
    es = escalc("MD", **_smd(sd1i=[0.0, 2.0, 1.5], sd2i=[0.0, 2.0, 1.0]))
    assert es.vi[0] == 0 and "variance of 0" in es.warnings[0]


def test_missing_columns_listed():
    with pytest.raises(InputError, match=r"measure SMD needs columns m1i \+ sd1i .*missing: sd2i, n2i"):
        escalc("SMD", m1i=[1], sd1i=[1], n1i=[10], m2i=[2])
    with pytest.raises(InputError, match=r"ai \+ n1i \+ ci \+ n2i"):
        escalc("OR", ai=[1], ci=[2])
    with pytest.raises(InputError, match=r"yi \+ sei"):
        escalc("GEN", yi=[1])


def test_unknown_measure_lists_valid_ones():
    with pytest.raises(InputError, match=r"measure must be one of GEN, MD, SMD.*got 'HR'"):
        escalc("HR", yi=[1], vi=[1])
    with pytest.raises(InputError, match=r"vtype for measure SMD must be one of"):
        escalc("SMD", **_smd(), vtype="HO")


@pytest.mark.parametrize("measure, kw, pattern", [
    ("RR", dict(ai=[3, 12], n1i=[10, 10], ci=[2, 4], n2i=[10, 10]), r"column ai must be <= n1i.*row 2 .* has 12"),
    ("OR", dict(ai=[3, -1], bi=[7, 9], ci=[2, 4], di=[8, 6]), r"column ai must be >= 0.*row 2 .* has -1"),
    ("RD", dict(ai=[3, 1], bi=[7, 9], ci=[2, 4], di=[8, 6], n1i=[10, 11]), r"column n1i must equal ai \+ bi.*row 2"),
    ("PLO", dict(xi=[3, 11], ni=[10, 10]), r"column xi must be <= ni.*row 2 .* has 11"),
    ("PR", dict(xi=[3, 1], ni=[10, 0]), r"column ni must be > 0.*row 2"),
    ("SMCR", dict(m1i=[1, 2], m2i=[0, 1], sd1i=[1, 1], ni=[10, 10], ri=[0.5, 1.2]), r"column ri must be between -1 and 1.*row 2 .* has 1.2"),
    ("MC", dict(m1i=[1, 2], m2i=[0, 1], sd1i=[1, 1], sd2i=[1, -1], ni=[10, 10], ri=0.5), r"column sd2i must be >= 0.*row 2"),
    ("GEN", dict(yi=[0.1, 0.2], vi=[0.1, -0.1]), r"column vi must be >= 0.*row 2"),
    ("MN", dict(mi=[1, 2], sdi=[1, 1], ni=[10, -3]), r"column ni must be > 0.*row 2"),
    ("ROM", dict(m1i=[1, -2], sd1i=[1, 1], n1i=[10, 10], m2i=[1, 2], sd2i=[1, 1], n2i=[10, 10]), r"ROM.*row 2"),
])
def test_validation_messages(measure, kw, pattern):
    with pytest.raises(InputError, match=pattern):
        escalc(measure, **kw, labels=["Park 2018", "Lee 2020"]) if measure != "GEN" else escalc(measure, **kw)


def test_message_names_study_label():
    with pytest.raises(InputError, match=r"row 2 \(study 'Lee 2020'\)"):
        escalc("PR", xi=[1, 5], ni=[10, 4], labels=["Park 2018", "Lee 2020"])


# ---- properties

pos = st.floats(0.5, 50, allow_nan=False)
means = st.floats(-100, 100, allow_nan=False)
sizes = st.integers(3, 500)


@settings(max_examples=60, deadline=None)
@given(m=means, sd=pos, n1=sizes, n2=sizes)
def test_md_of_identical_groups_is_zero(m, sd, n1, n2):
    es = escalc("MD", m1i=[m], sd1i=[sd], n1i=[n1], m2i=[m], sd2i=[sd], n2i=[n2])
    assert es.yi[0] == 0 and es.vi[0] > 0


@settings(max_examples=60, deadline=None)
@given(m1=means, m2=means, sd1=pos, sd2=pos, n1=sizes, n2=sizes)
def test_smd_sign_flips_when_groups_swap(m1, m2, sd1, sd2, n1, n2):
    a = escalc("SMD", m1i=[m1], sd1i=[sd1], n1i=[n1], m2i=[m2], sd2i=[sd2], n2i=[n2])
    b = escalc("SMD", m1i=[m2], sd1i=[sd2], n1i=[n2], m2i=[m1], sd2i=[sd1], n2i=[n1])
    assert_allclose(a.yi, -b.yi, rtol=1e-12, atol=1e-12)
    assert_allclose(a.vi, b.vi, rtol=1e-12)
    assert a.vi[0] > 0


@settings(max_examples=60, deadline=None)
@given(measure=st.sampled_from(["RR", "OR", "RD"]), a=st.integers(0, 50), b=st.integers(0, 50),
       c=st.integers(0, 50), d=st.integers(0, 50))
def test_two_by_two_vi_positive_and_swap_antisymmetric(measure, a, b, c, d):
    if a + b == 0 or c + d == 0:
        return
    es = escalc(measure, ai=[a], bi=[b], ci=[c], di=[d])
    sw = escalc(measure, ai=[c], bi=[d], ci=[a], di=[b])
    assert np.isfinite(es.yi).all() and (es.vi > 0).all()
    assert_allclose(es.yi, -sw.yi, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(measure=st.sampled_from(["PR", "PLN", "PLO", "PAS", "PFT"]), n=st.integers(1, 1000), frac=st.floats(0, 1))
def test_proportions_finite_and_back_transform_in_unit_interval(measure, n, frac):
    x = int(round(frac * n))
    es = escalc(measure, xi=[x], ni=[n])
    assert np.isfinite(es.yi).all() and (es.vi > 0).all()
    p = transform_back(measure, es.yi, ni=es.ni)
    assert 0 <= p[0] <= 1 + 1e-12


# ---------------------------------------------------------------------------------------------------
# escalc(data=...) and the input columns (metafor's escalc(measure, ai = tpos, ..., data = dat.bcg))

BCG_FRAME = pd.DataFrame({"author": ["Aronson", "Ferguson & Simes", "Rosenthal et al"], "year": [1948, 1949, 1960],
                          "tpos": [4, 6, 3], "tneg": [119, 300, 228], "cpos": [11, 29, 11], "cneg": [128, 274, 209]})


def test_data_argument_reads_columns_by_name_like_metafor():
    es = escalc("RR", data=BCG_FRAME, ai="tpos", bi="tneg", ci="cpos", di="cneg", labels="author")
    direct = escalc("RR", ai=[4, 6, 3], bi=[119, 300, 228], ci=[11, 29, 11], di=[128, 274, 209])
    np.testing.assert_array_equal(es.yi, direct.yi)
    np.testing.assert_array_equal(es.vi, direct.vi)
    assert es.labels == ("Aronson", "Ferguson & Simes", "Rosenthal et al")
    as_dict = escalc("RR", data={c: list(BCG_FRAME[c]) for c in BCG_FRAME}, ai="tpos", bi="tneg", ci="cpos",
                     di="cneg")
    np.testing.assert_array_equal(as_dict.yi, direct.yi)
    # a value that is not a string is used as given (a broadcast scalar, an array)
    pre = escalc("SMCR", data={"post": [1, 1.5], "pre": [2, 2.5], "sd": [1, 1.2], "n": [20, 30]},
                 m1i="post", m2i="pre", sd1i="sd", ni="n", ri=0.5)
    assert pre.k == 2


def test_data_argument_names_the_unknown_column_and_lists_the_others():
    with pytest.raises(InputError) as err:
        escalc("RR", data=BCG_FRAME, ai="tpos", bi="tneg", ci="cpos", di="c_neg")
    message = str(err.value)
    assert "di='c_neg'" in message and "author, year, tpos, tneg, cpos, cneg" in message
    with pytest.raises(InputError, match="no data was given"):
        escalc("RR", ai="tpos", bi="tneg", ci="cpos", di="cneg")


def test_inputs_keep_the_arm_data_before_any_correction():
    es = escalc("RR", ai=[0, 6], bi=[20, 300], ci=[11, 29], di=[12, 274])
    assert set(es.inputs) == {"ai", "bi", "ci", "di"}
    np.testing.assert_array_equal(es.inputs["ai"], [0, 6])          # not 0.5: the raw count
    assert es.warnings                                              # the correction is still applied to yi
    assert json.loads(json.dumps(es.to_dict()))["inputs"]["bi"] == [20.0, 300.0]
    with pytest.raises(ValueError):
        es.inputs["ai"][0] = 1.0                                   # read-only, like the frozen result

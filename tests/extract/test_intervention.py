import pytest

from tests.extract.helpers import run


@pytest.mark.parametrize("abstract,source,origin", [
    ("Patients received umbilical cord mesenchymal stem cells (UC-MSCs).", "umbilical cord", None),
    ("a single infusion of hUCB-MSCs (human umbilical cord blood-derived MSCs)", "umbilical cord blood", None),
    ("autologous BM-MSCs were injected", "bone marrow", "autologous"),
    ("allogeneic expanded adipose-derived stem cells (eASCs)", "adipose", "allogeneic"),
    ("Allogeneic MSCT is safe and feasible in RA patients.", None, "allogeneic"),
])
def test_cell_source_and_origin(abstract, source, origin):
    ev = run(abstract, title="A study in rheumatoid arthritis")
    assert ev.cell_source == source
    assert ev.cell_origin == origin


@pytest.mark.parametrize("abstract,route", [
    ("40 mL UC-MSC suspension via intravenous injection", "intravenous"),
    ("a single infusion of cells", "intravenous"),
    ("an intra-articular injection into the knee", "intra-articular"),
    ("Allogeneic MSCT was performed.", None),
])
def test_route(abstract, route):
    assert run(abstract, title="Cells in rheumatoid arthritis").route == route


def _doses(ev):
    return [(d.value, d.unit) for d in ev.doses if d.value is not None]


@pytest.mark.parametrize("abstract,expected", [
    ("treated with 40 mL UC-MSC suspension product (2 \u00d7 107 cells/20 mL)", [(4e7, "cells")]),
    ("three intravenous infusions: 1 million/kg (cohort A), 2 million/kg (cohort B)",
     [(1e6, "cells/kg"), (2e6, "cells/kg")]),
    ("a single infusion of 2.5 \u00d7 107, 5 \u00d7 107, or 1 \u00d7 108 cells", [(2.5e7, "cells"), (5e7, "cells"), (1e8, "cells")]),
    ("2.5 x 107, 5.0 x 107, 1.0 x 108 cells", [(2.5e7, "cells"), (5e7, "cells"), (1e8, "cells")]),
    ("autologous BM-MSCs, 1 \u00d7 106 per kg", [(1e6, "cells/kg")]),
    ("4\u00d710(7) MSCs were infused", [(4e7, "cells")]),
    ("40 million MSCs were injected per joint", [(4e7, "cells/joint")]),
    ("MSCs (40?\u00d7?106 cells)", [(4e7, "cells")]),
])
def test_doses(abstract, expected):
    assert _doses(run(abstract)) == expected


def test_lost_exponent_is_uncertain_not_ten_cells():
    ev = run("patients received 1 \u00d7 10 MSCs/kg intravenously")
    assert _doses(ev) == []
    assert [d.uncertain for d in ev.doses] == [True]
    assert ev.to_prediction()["doses_uncertain"][0]["value"] is None


def test_doses_per_arm():
    ev = run("infusions of 1 million/kg (cohort A) or 2 million/kg (cohort B)")
    assert [d.arm for d in ev.doses] == ["cohort A", "cohort B"]


@pytest.mark.parametrize("abstract,n", [
    ("received three intravenous infusions of Cx611", 3),
    ("a single intravenous infusion of cells", 1),
    ("cells were infused on days 1, 8 and 15", 3),
    ("a phase 1 dose-escalation study; at 1 and 6 months after transplantation", None),
])
def test_administrations(abstract, n):
    assert run(abstract).n_administrations == n


def test_doses_belong_to_as_many_named_arms():
    ev = run("Twenty patients were randomized to low-dose (1 × 10^6 cells/kg, n = 10) or high-dose "
             "(5 × 10^6 cells/kg, n = 10) UC-MSC infusion.")
    assert [(a.name, a.n) for a in ev.arms] == [("low-dose", 10), ("high-dose", 10)]
    assert [(d.value, d.arm) for d in ev.doses] == [(1e6, "low-dose"), (5e6, "high-dose")]


def test_numbered_cohorts_keep_their_number_and_are_not_summed_into_the_enrolled():
    # the gold convention (shared/gold/NUMBERS_SOURCES.md): n_enrolled is the total as the abstract
    # states it, null when only per-arm sizes are given
    ev = run("Cohort 1 (n = 3) received 1 × 10^6 cells/kg and cohort 2 (n = 3) received 2 × 10^6 cells/kg of bone "
             "marrow MSCs intravenously.")
    assert [(a.name, a.n) for a in ev.arms] == [("Cohort 1", 3), ("cohort 2", 3)]
    assert ev.n_enrolled is None
    assert [d.arm for d in ev.doses] == ["Cohort 1", "cohort 2"]


def test_into_the_most_affected_knee_is_a_dose_per_joint():
    ev = run("Fifteen patients received an intra-articular injection of 5 × 10^7 adipose-derived MSCs into the most "
             "affected knee.")
    assert [(d.value, d.unit) for d in ev.doses] == [(5e7, "cells/joint")]

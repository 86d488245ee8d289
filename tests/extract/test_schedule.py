import pytest

from tests.extract.helpers import run


@pytest.mark.parametrize("abstract,weeks", [
    ("1 year and 3 years after UC-MSC treatment, DAS28 decreased.", [52.0, 156.0]),
    ("We previously reported RA patients observed for up to 8 months after infusion. 64 patients were recruited.", []),
    ("64 RA patients aged 18\u201364 years were recruited.", []),
    ("infusions on days 1, 8 and 15, and they were followed for 24 weeks. ACR20 at month 1.", [4.33, 24.0]),
    ("cytokines were measured at baseline and 24 hours after the infusion", [0.14]),
    ("Twelve weeks after MSCT, patients were evaluated. Effects lasted for 48 weeks.", [12.0, 48.0]),
    ("IL-6 fell 2\u20133 weeks after the transient IFN-\u03b3 increase.", []),
    ("FOXP3 increased at month 12.", [52.0]),
    ("outcomes at 3-6 months", [26.0]),
])
def test_study_timepoints(abstract, weeks):
    assert run(abstract).timepoints_weeks == weeks


def test_title_timepoint():
    ev = run("Patients received MSCs.", title="The 5-year Follow-up of a Phase I Trial of MSCs in RA")
    assert ev.timepoints_weeks == [260.0]

"""Forest, funnel and cumulative plots render to valid PNG and SVG files (many studies, long and unicode labels)."""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.text import Text

from analysis.effects import escalc
from analysis.plots import cumulative_plot, forest_plot, funnel_plot
from analysis.pooling import rma
from analysis.errors import InputError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def simulated(k: int, seed: int = 7, labels=None, method: str = "REML", measure: str = "GEN"):
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.2, k)
    yi = rng.normal(0.3, 0.4, k) + rng.normal(0, np.sqrt(vi))   # clear heterogeneity: REML converges
    return rma(yi, vi, method=method, labels=labels, measure=measure)


def assert_valid(path) -> None:
    data = path.read_bytes()
    assert len(data) > 1000
    if path.suffix == ".png":
        assert data.startswith(PNG_SIGNATURE)
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")


@pytest.fixture(params=["png", "svg"])
def ext(request):
    return request.param


def test_forest_plot_writes_png_and_svg(tmp_path, ext):
    fig = forest_plot(simulated(8), tmp_path / f"forest.{ext}", title="Simulated studies")
    assert isinstance(fig, Figure)
    assert_valid(tmp_path / f"forest.{ext}")


def test_forest_plot_without_path_only_returns_the_figure(tmp_path):
    fig = forest_plot(simulated(5))
    assert isinstance(fig, Figure)
    assert list(tmp_path.iterdir()) == []


def test_forest_plot_many_studies_and_long_labels(tmp_path, ext):
    labels = [f"Study {i} — a very long author list and trial acronym that goes on and on {i}" for i in range(150)]
    result = simulated(150, labels=labels)
    fig = forest_plot(result, tmp_path / f"many.{ext}")
    assert_valid(tmp_path / f"many.{ext}")
    assert fig.get_size_inches()[1] > 150 * 0.2   # one row per study
    shown = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(t.endswith("…") for t in shown)      # long labels are shortened
    assert "100.0%" in shown


def test_forest_plot_unicode_labels(tmp_path, ext):
    labels = ["Müller 2019", "Øster–Åberg 2020", "Šimić & Łukasz", "Ёлкин (τ-trial)", "Nguyễn 2021"]
    forest_plot(simulated(5, labels=labels), tmp_path / f"unicode.{ext}", title="Ünïcödé — τ² test")
    assert_valid(tmp_path / f"unicode.{ext}")


def test_forest_plot_ratio_measure_on_log_axis(tmp_path, ext):
    ai, bi, ci, di = [4, 6, 3, 62, 33], [119, 300, 228, 13536, 5036], [11, 29, 11, 248, 47], [128, 274, 209, 12619, 5761]
    yi = np.log((np.array(ai) / (np.array(ai) + bi)) / (np.array(ci) / (np.array(ci) + di)))
    vi = 1 / np.array(ai) - 1 / (np.array(ai) + bi) + 1 / np.array(ci) - 1 / (np.array(ci) + di)
    result = rma(yi, vi, measure="RR")
    fig = forest_plot(result, tmp_path / f"rr.{ext}", transform="exp")
    assert_valid(tmp_path / f"rr.{ext}")
    plot_axes = [ax for ax in fig.axes if ax.get_xscale() == "log"]
    assert len(plot_axes) == 1
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    pooled = f"{np.exp(result.estimate):.2f} [{np.exp(result.ci_low):.2f}, {np.exp(result.ci_high):.2f}]"
    assert pooled in texts


def texts_of(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_forest_plot_heterogeneity_and_prediction_interval_text():
    result = simulated(10)
    texts = texts_of(forest_plot(result))
    het = [t for t in texts if t.startswith("Heterogeneity")]
    assert 0.01 < result.q_p < 0.1    # the seed's data: RevMan writes such a P with 3 decimals
    assert het == [f"Heterogeneity: Tau² = {result.tau2:.2f}; Chi² = {result.q:.2f}, df = {result.q_df} "
                   f"(P = {result.q_p:.3f}); I² = {result.i2:.0f}%"]
    overall = [t for t in texts if t.startswith("Test for overall effect")]
    assert overall and f"Z = {abs(result.stat[0]):.2f}" in overall[0]
    assert any("prediction interval" in t for t in texts)
    assert not any("prediction interval" in t for t in texts_of(forest_plot(result, prediction_interval=False)))
    fe_texts = texts_of(forest_plot(simulated(10, method="FE")))
    assert not any("prediction interval" in t for t in fe_texts)
    assert "IV, Fixed, 95% CI" in fe_texts and "Total (95% CI)" in fe_texts
    assert not any(t.startswith("Heterogeneity: Tau²") for t in fe_texts)


def test_forest_plot_knapp_hartung_reports_t_and_df():
    result = simulated(6, method="REML")
    knha = rma(result.yi, result.vi, test="knha")
    overall = [t for t in texts_of(forest_plot(knha)) if t.startswith("Test for overall effect")]
    assert len(overall) == 1 and overall[0].startswith(f"Test for overall effect: t = {abs(knha.stat[0]):.2f}, "
                                                       "df = 5 (P ")
    assert overall[0].endswith("; Knapp-Hartung)")


def test_single_study_is_not_drawn_as_pooled(tmp_path, ext):
    """k = 1: the study's own estimate, no diamond, no model row, no Q(0) = 0 or I², and the words
    "Not pooled (k = 1)" in bold where the pooled row would be."""
    es = escalc("RR", ai=[4], bi=[119], ci=[11], di=[128], labels=["Aronson 1948"])
    result = rma(es, method="FE")
    fig = forest_plot(result, tmp_path / f"one.{ext}", transform="exp")
    assert_valid(tmp_path / f"one.{ext}")
    texts = texts_of(fig)
    assert not [p for ax in fig.axes for p in ax.patches if isinstance(p, Polygon)]   # no diamond
    assert not any(t.startswith(("Heterogeneity", "Test for overall effect", "Total (95% CI)")) for t in texts)
    assert not any("I²" in t or "Chi²" in t or "FE model" in t or "Fixed" in t for t in texts)
    shown = [t for ax in fig.axes for t in ax.texts if t.get_text().startswith("Not pooled (k = 1)")]
    assert len(shown) == 1 and shown[0].get_fontweight() == "bold" and shown[0].get_fontsize() >= 9
    assert "0.41 [0.13, 1.26]" in texts          # the study's own estimate and CI
    assert "Weight" not in texts


def test_per_arm_columns_for_binary_data_come_with_the_effect_sizes():
    es = escalc("RR", ai=[4, 6, 3], bi=[119, 300, 228], ci=[11, 29, 11], di=[128, 274, 209],
                labels=["Aronson 1948", "Ferguson & Simes 1949", "Rosenthal et al 1960"])
    fig = forest_plot(rma(es), transform="exp", groups=("BCG", "Control"))
    texts = texts_of(fig)
    assert {"BCG", "Control", "Events", "Total", "Weight", "Total events"} <= set(texts)
    for value in ("4", "123", "11", "139", "306", "231", "13", "51", "660", "662"):
        assert value in texts, value                      # events, totals, their sums
    assert "Favours intervention" in " ".join(texts) and "Favours control" in " ".join(texts)


def test_per_arm_columns_for_continuous_data_units_and_favours():
    arms = {"m1i": [-2.1, -1.5, None], "sd1i": [1.1, 0.9, 1.3], "n1i": [32, 20, 45],
            "m2i": [-0.8, -1.1, -0.5], "sd2i": [1.0, 1.0, 1.2], "n2i": [32, 18, 44]}
    result = rma([-1.3, -0.4, -2.0], [0.07, 0.1, 0.07], measure="MD", labels=["A", "B", "C"])
    fig = forest_plot(result, arms=arms, units="DAS28 points", favours=("Favours MSC", "Favours placebo"))
    texts = texts_of(fig)
    assert {"Mean", "SD", "Total", "-2.10", "1.10", "32", "97", "94"} <= set(texts)
    assert "" in texts                                     # the unknown mean is blank, not "nan"
    assert "Favours MSC" in texts and "Favours placebo" in texts
    plot_ax = [ax for ax in fig.axes if ax.get_xlabel()][0]
    assert plot_ax.get_xlabel() == "Mean difference (DAS28 points)"
    assert not any("Favours" in t for t in texts_of(forest_plot(result, favours=False)))
    with pytest.raises(InputError, match="arms column 'n1i' has 2 values"):
        forest_plot(result, arms={**arms, "n1i": [1, 2]})


def _drawn(fig, text: str) -> Text:
    """The drawn text `text` (the leftmost where it is drawn twice, as a column heading and in the
    estimate's heading)."""
    found = [t for ax in fig.axes for t in ax.texts if t.get_text() == text]
    assert found, text
    fig.canvas.draw()
    return min(found, key=lambda t: t.get_window_extent(fig.canvas.get_renderer()).x0)


def _plot_axes(fig):
    return next(ax for ax in fig.axes if ax.get_xlabel())


def _centre_x(fig, artist: Text) -> float:
    box = artist.get_window_extent(fig.canvas.get_renderer())
    return (box.x0 + box.x1) / 2


def _under(fig, value: str, headings: tuple[str, ...]) -> str:
    """Which of the `headings` a cell's text sits nearest to, left to right."""
    fig.canvas.draw()
    x = _centre_x(fig, _drawn(fig, value))
    return min(headings, key=lambda h: abs(_centre_x(fig, _drawn(fig, h)) - x))


# metafor's morris2008 example (Morris 2008, Organ Res Methods 11:364), treatment group
MORRIS_T = dict(m_pre=[30.6, 23.5, 0.5, 53.4, 35.6], m_post=[38.5, 26.8, 0.7, 75.9, 36.0],
                sd_pre=[15.0, 3.1, 0.1, 14.5, 4.7], sd_post=[11.6, 4.1, 0.1, 4.4, 4.6], ni=[20, 50, 9, 10, 14],
                ri=[.47, .64, .77, .89, .44])


def test_pre_post_columns_follow_escalc_order_follow_up_first():
    """escalc's MC: m1i is the later time (morris2008: m1i = m_post, m2i = m_pre), so the columns under
    "Follow-up" show m1i and sd1i, those under "Baseline" m2i and sd2i."""
    d = MORRIS_T
    es = escalc("MC", m1i=d["m_post"], m2i=d["m_pre"], sd1i=d["sd_post"], sd2i=d["sd_pre"], ni=d["ni"], ri=d["ri"])
    fig = forest_plot(rma(es), favours=("Improvement", "Worsening"))
    texts = texts_of(fig)
    assert {"Follow-up", "Baseline", "Mean", "SD", "Total"} <= set(texts)
    assert not {"Time 1", "Time 2"} & set(texts)
    assert _under(fig, "38.50", ("Follow-up", "Baseline")) == "Follow-up"     # m_post of the first study
    assert _under(fig, "11.60", ("Follow-up", "Baseline")) == "Follow-up"     # sd_post
    assert _under(fig, "30.60", ("Follow-up", "Baseline")) == "Baseline"      # m_pre
    assert _under(fig, "15.00", ("Follow-up", "Baseline")) == "Baseline"      # sd_pre


def test_smcr_shows_its_standardiser_sd1i_as_the_baseline_sd():
    """escalc's SMCR (morris2008: sd1i = sd_pre) divides by the baseline SD and uses no follow-up SD."""
    d = MORRIS_T
    es = escalc("SMCR", m1i=d["m_post"], m2i=d["m_pre"], sd1i=d["sd_pre"], ni=d["ni"], ri=d["ri"])
    fig = forest_plot(rma(es))
    assert _under(fig, "38.50", ("Follow-up", "Baseline")) == "Follow-up"
    assert _under(fig, "15.00", ("Follow-up", "Baseline")) == "Baseline"
    assert texts_of(fig).count("SD") == 1


def test_reported_mean_changes_have_their_own_columns():
    """A study that reported its change scores gives mi, sdi, ni (escalc's "MN" of the changes): the plot
    shows "Mean change", "SD", "Total", next to pre-post studies' follow-up and baseline when mixed."""
    result = rma([-4.0, -3.0, -2.5], [81 / 20, 81 / 25, 0.3], measure="MC", labels=["A", "B", "C"])
    arms = {"mi": [-4.0, -3.1, None], "sdi": [9.0, 9.5, None], "ni": [20, 25, 18],
            "m1i": [None, None, 1.0], "sd1i": [None, None, 0.6], "m2i": [None, None, 1.8], "sd2i": [None, None, 0.7]}
    texts = texts_of(forest_plot(result, arms={k: arms[k] for k in ("mi", "sdi", "ni")}))
    assert {"Mean change", "SD", "Total", "-4.00", "-3.10", "9.00", "9.50", "20", "63"} <= set(texts)
    assert not {"Follow-up", "Baseline", "Mean"} & set(texts)
    fig = forest_plot(result, arms=arms)
    assert {"Follow-up", "Baseline", "Mean", "Mean change", "63"} <= set(texts_of(fig))
    fig.canvas.draw()
    order = sorted(["Follow-up", "Baseline", "Mean change", "Total"], key=lambda h: _centre_x(fig, _drawn(fig, h)))
    assert order == ["Follow-up", "Baseline", "Mean change", "Total"]


def test_favours_labels_are_placed_by_offsets_not_padded_with_spaces(tmp_path):
    """SVG viewers collapse leading and trailing spaces: the labels carry none and sit a gap either side
    of the line of no effect (an offset in points, so PNG, SVG with text as text, and PDF agree)."""
    result = rma([-1.3, -0.4, -2.0], [0.07, 0.1, 0.07], measure="MD", labels=["A", "B", "C"])
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig = forest_plot(result, tmp_path / "forest.svg", favours=("Favours MSC", "Favours placebo"))
    favours = [t for t in texts_of(fig) if "Favours" in t]
    assert favours == ["Favours MSC", "Favours placebo"]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    null_x = _plot_axes(fig).transData.transform((0.0, 0.0))[0]
    left = _drawn(fig, "Favours MSC").get_window_extent(renderer)
    right = _drawn(fig, "Favours placebo").get_window_extent(renderer)
    gap = 4 * fig.dpi / 72                                  # at least 4 points either side
    assert left.x1 <= null_x - gap and right.x0 >= null_x + gap
    assert abs((null_x - left.x1) - (right.x0 - null_x)) < 1
    svg = (tmp_path / "forest.svg").read_text(encoding="utf-8")
    drawn = dict(re.findall(r'text-anchor: (end|start)" x="([-\d.]+)"[^>]*>Favours', svg))
    assert ">Favours MSC</text>" in svg and ">Favours placebo</text>" in svg
    assert float(drawn["start"]) - float(drawn["end"]) == pytest.approx(12, abs=0.5)   # 6 pt either side


def test_a_long_favours_label_in_a_narrow_plot_is_broken_onto_two_lines():
    result = rma([-1.3, -0.4, -2.0], [0.07, 0.1, 0.07], measure="MD", labels=["A", "B", "C"])
    fig = forest_plot(result, width=5.0, favours=("Favours mesenchymal stromal cells", "Favours placebo"))
    assert "Favours mesenchymal\nstromal cells" in texts_of(fig) or "Favours\nmesenchymal stromal cells" in texts_of(fig)
    fig.canvas.draw()
    box = _drawn(fig, next(t for t in texts_of(fig) if "mesenchymal" in t)).get_window_extent(
        fig.canvas.get_renderer())
    plot_box = _plot_axes(fig).get_window_extent(fig.canvas.get_renderer())
    assert box.x0 >= plot_box.x0 - 2


def _ticks(fig) -> list[float]:
    ax = _plot_axes(fig)
    low, high = ax.get_xlim()
    return [t for t in ax.get_xticks() if low - 1e-9 <= t <= high + 1e-9]


@pytest.mark.parametrize("scale", [0.03, 0.3, 1.0, 2.0, 7.0, 45.0])
def test_linear_axis_ticks_are_round_steps_symmetric_around_the_null(scale):
    """RevMan's axis: -2, -1, 0, 1, 2 (steps of 1, 2 or 5 times a power of ten), not -2.0, -1.5, ..."""
    result = rma(scale * np.array([-1.3, -0.4, -2.0, 0.3]), scale ** 2 * np.array([0.07, 0.1, 0.07, 0.2]),
                 measure="MD")
    fig = forest_plot(result, favours=("Favours MSC", "Favours placebo"))
    fig.canvas.draw()
    ticks = _ticks(fig)
    steps = np.diff(ticks)
    assert len(ticks) >= 3 and np.allclose(steps, steps[0])
    mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]) + 1e-9)
    assert min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-6, ticks
    assert np.allclose(sorted(ticks), sorted(-t for t in ticks)) and any(abs(t) < 1e-12 for t in ticks)
    ax = _plot_axes(fig)
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "0" in labels and not any(label.endswith(".0") or label == "−0" for label in labels), labels
    low, high = ax.get_xlim()
    assert low == pytest.approx(-high)


def test_tick_labels_as_revman_writes_them():
    from analysis.plots import _tick_label

    assert [_tick_label(v) for v in (-2.0, -0.5, 0.0, -0.0, 0.30000000000000004, 1e-17, 100.0, 2.5e5)] == [
        "−2", "−0.5", "0", "0", "0.3", "0", "100", "250000"]


@pytest.mark.parametrize("measure, transform", [("PLO", "PLO"), ("PR", None), ("PLN", "PLN"), ("PAS", "PAS"),
                                                ("PFT", None), ("MN", None)])
def test_one_group_measures_have_no_test_for_overall_effect(measure, transform):
    """A one-group proportion or mean has no "Test for overall effect" (RevMan has none; here it would
    test a logit or a mean of 0); heterogeneity is still reported."""
    result = rma([-1.0, -0.5, 0.2], [0.1, 0.2, 0.15], measure=measure)
    texts = texts_of(forest_plot(result, transform=transform))
    assert not any(t.startswith("Test for overall effect") for t in texts)
    assert any(t.startswith("Heterogeneity") for t in texts)
    groups = {"Adults": rma([-1.0, -0.5], [0.1, 0.2], measure=measure),
              "Children": rma([0.2, 0.1], [0.15, 0.1], measure=measure)}
    overall = rma([-1.0, -0.5, 0.2, 0.1], [0.1, 0.2, 0.15, 0.1], measure=measure)
    assert not any(t.startswith("Test for overall effect") for t in texts_of(forest_plot(overall, subgroups=groups)))


@pytest.mark.parametrize("measure", ["MC", "MD", "RR", "SMCR"])
def test_comparisons_and_changes_keep_the_test_for_overall_effect(measure):
    result = rma([-1.0, -0.5, 0.2], [0.1, 0.2, 0.15], measure=measure)
    assert any(t.startswith("Test for overall effect: Z = ") for t in texts_of(forest_plot(result)))


def test_one_group_measures_have_no_favours_labels():
    result = rma([-1.0, -0.5, 0.2], [0.1, 0.2, 0.15], measure="PLO")
    assert not any("Favours" in t for t in texts_of(forest_plot(result, transform="PLO")))


def test_dpi_width_and_pdf_output(tmp_path):
    result = simulated(6)
    png = tmp_path / "forest.png"
    fig = forest_plot(result, png, dpi=300, width=7.5)
    assert fig.get_size_inches()[0] == pytest.approx(7.5)
    width_px = int.from_bytes(png.read_bytes()[16:20], "big")      # PNG IHDR width
    assert width_px == pytest.approx(7.5 * 300, abs=2)
    pdf = tmp_path / "forest.pdf"
    forest_plot(result, pdf, width=6)
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(InputError, match="dpi"):
        forest_plot(result, tmp_path / "bad.png", dpi=5)


def test_forest_plot_with_subgroups(tmp_path, ext):
    overall = simulated(9)
    groups = {"Adults": rma(overall.yi[:5], overall.vi[:5], labels=overall.labels[:5]),
              "Children (under 12)": rma(overall.yi[5:], overall.vi[5:], labels=overall.labels[5:], method="DL")}
    fig = forest_plot(overall, tmp_path / f"sub.{ext}", subgroups=groups)
    assert_valid(tmp_path / f"sub.{ext}")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "Adults" in texts and "Children (under 12)" in texts
    assert sum(t.startswith("Heterogeneity") for t in texts) == 3


def test_forest_plot_callable_transform(tmp_path):
    result = rma([-1.0, -0.5, 0.2], [0.1, 0.2, 0.15], measure="PLO")
    fig = forest_plot(result, tmp_path / "plo.png", transform=lambda v: 1 / (1 + np.exp(-np.asarray(v))))
    assert_valid(tmp_path / "plo.png")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert f"{1 / (1 + np.exp(-result.estimate)):.2f}" in " ".join(texts)


def test_funnel_plot(tmp_path, ext):
    fig = funnel_plot(simulated(40), tmp_path / f"funnel.{ext}")
    assert_valid(tmp_path / f"funnel.{ext}")
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    assert low > high == 0          # inverted: SE 0 at the top


def test_contour_enhanced_funnel_plot(tmp_path, ext):
    fig = funnel_plot(simulated(40), tmp_path / f"contour.{ext}", contours=True, title="Contour-enhanced")
    assert_valid(tmp_path / f"contour.{ext}")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert {"p > .10", ".05 < p < .10", ".01 < p < .05", "p < .01"} <= set(legend)


def test_cumulative_plot(tmp_path, ext):
    k = 60
    est = np.linspace(0.5, 0.3, k)
    half = np.linspace(0.6, 0.05, k)
    labels = [f"+ Ünal et al. {2000 + i} with a long trial name to shorten eventually ok" for i in range(k)]
    fig = cumulative_plot(est, est - half, est + half, labels, tmp_path / f"cumulative.{ext}")
    assert_valid(tmp_path / f"cumulative.{ext}")
    assert isinstance(fig, Figure)


def test_cumulative_plot_rejects_mismatched_lengths():
    with pytest.raises(InputError, match="equally long"):
        cumulative_plot([0.1, 0.2], [0.0], [0.3, 0.4], ["a", "b"])


@pytest.mark.parametrize("name", ["forest.jpg", "forest", "forest.png.txt"])
def test_unsupported_extension_is_refused(tmp_path, name):
    with pytest.raises(InputError, match=r"\.png, \.svg or \.pdf"):
        forest_plot(simulated(3), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_uppercase_extension_and_unwritable_folder(tmp_path):
    forest_plot(simulated(3), tmp_path / "FOREST.PNG")
    assert (tmp_path / "FOREST.PNG").read_bytes().startswith(PNG_SIGNATURE)
    with pytest.raises(InputError, match="cannot write"):
        funnel_plot(simulated(3), tmp_path / "missing-folder" / "funnel.png")


def _study_marks(fig: Figure):
    """(squares as (x, y, area), CI segments as (lo, hi, y)) of a plot's panel."""
    from matplotlib.collections import PathCollection

    squares, segments = [], []
    for ax in fig.axes:
        for c in ax.collections:
            if isinstance(c, PathCollection):
                sizes = np.broadcast_to(c.get_sizes(), (len(c.get_offsets()),))
                squares += [(float(x), float(y), float(s)) for (x, y), s in zip(c.get_offsets(), sizes)]
        for line in ax.get_lines():
            xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
            for start in range(0, len(xs) - 1):
                if np.isfinite(xs[start:start + 2]).all() and ys[start] == ys[start + 1] and (
                        start == 0 or not np.isfinite(xs[start - 1])):
                    segments.append((float(xs[start]), float(xs[start + 1]), float(ys[start])))
    return squares, segments


def test_each_study_has_one_square_on_its_ci_and_bigger_squares_for_bigger_weights():
    fit = simulated(40)
    squares, segments = _study_marks(forest_plot(fit, None))
    assert len(squares) == 40
    assert sorted(x for x, _, _ in squares) == pytest.approx(sorted(fit.yi))
    weights = np.asarray(fit.weights, float)
    order = np.argsort(weights)
    areas = {round(y, 6): s for _, y, s in squares}
    by_row = [areas[round(y, 6)] for _, y, _ in sorted(squares, key=lambda t: t[1])]
    assert [by_row[i] for i in order] == sorted(by_row)   # the area grows with the weight
    for x, y, _ in squares:   # each square sits on a CI line of its own row
        assert [s for s in segments if s[2] == y and s[0] <= x <= s[1]], (x, y)


def test_each_cumulative_step_has_one_dot_on_its_ci():
    est = [0.1, 0.2, 0.15, 0.3]
    squares, segments = _study_marks(cumulative_plot(est, [e - 0.2 for e in est], [e + 0.2 for e in est],
                                                     [f"+ {i}" for i in range(4)], None))
    assert [x for x, _, _ in squares] == pytest.approx(est)
    for x, y, _ in squares:
        assert [s for s in segments if s[2] == y and s[0] <= x <= s[1] and s[1] - s[0] == pytest.approx(0.4)]

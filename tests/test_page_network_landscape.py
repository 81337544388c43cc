"""The real-network landscape page in AppTest — defaults, every dataset, activation, loss and
optimiser, every lesson scene, controls at their extremes (run or refuse in plain words),
tampered links — checking what the page shows; and the page's own summaries (the lesson's
charts.py and core.landscape): barrier height, dips, shuffled hidden units, the
decision-boundary contour, shared bands."""

import math

import numpy as np
import pytest
import torch
from page_kit import metric, open_lesson, percent, run, texts
from streamlit.testing.v1 import AppTest

from core import data, landscape, networks, optimizers
from lessons.network_landscape import charts as views
from lessons.network_landscape import compute as lesson

#: A tiny network and coarse grids: what a test is not about stays cheap.
LIGHT = {
    "net_steps": "100",
    "net_points": "50",
    "net_width": "4",
    "net_layers": "1",
    "slices_grid": "21",
    "pair_layers": "1",
    "pair_widths": ["2", "8"],
    "pair_deep_layers": "2",
    "pair_deep_width": "4",
}


def open_page(query: dict | None = None, light: bool = True) -> AppTest:
    return open_lesson("network_landscape", {**(LIGHT if light else {}), **(query or {})})


def said(elements) -> str:
    """The elements' texts with line breaks as spaces (text.md wraps its prose)."""
    return " ".join(texts(elements).split())


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def compare_table(at: AppTest) -> list[dict]:
    return at.table[0].value.to_dict("records")


# -- the page ----------------------------------------------------------------------------------


def test_defaults_fit_the_moons_and_measure_lines_slices_and_curvature():
    at = open_page(light=False)
    assert not at.error and not at.warning
    assert "337 weights" in said(at.caption)
    for run_ in "AB":
        assert percent(at, f"Run {run_}: training accuracy") >= 98
        assert float(metric(at, f"Run {run_}: final loss")) < 0.01
    lines = lesson.lines(lesson.Network().setup())
    shuffled = lines[lines["line"] == lesson.A_SHUFFLED]
    ends = shuffled.set_index("alpha")["loss"]
    assert ends[0.0] == pytest.approx(ends[1.0], rel=1e-4)  # the same function at both ends
    assert float(metric(at, "Barrier A → A shuffled")) > 0.1
    assert float(metric(at, "Barrier A → B")) > 0.1
    assert float(metric(at, "Climb, start → trained")) < 0.01
    assert float(metric(at, "Barrier A → B matched")) < 0.01
    assert percent(at, "Path seen by the random slice") < 5
    assert percent(at, "Path seen by the PCA plane") > 90
    negative = metric(at, "Negative eigenvalues (downhill directions)")
    assert negative.endswith("of 337") and 0 < int(negative.split()[0]) < 337
    assert len(at.get("download_button")) >= 5
    assert "What to notice" in headers(at)


@pytest.mark.parametrize(
    "dataset, activation, loss, skip",
    [
        ("xor", "tanh", "bce", False),
        ("moons", "relu", "mse", True),
        ("circles", "sigmoid", "bce", True),
        ("spirals", "linear", "mse", False),
        ("gaussians", "tanh", "mse", True),
    ],
)
def test_every_dataset_activation_loss_and_skip_renders(dataset, activation, loss, skip):
    at = open_page(
        {
            "net_dataset": data.names()[dataset],
            "net_activation": activation,
            "net_loss": {"bce": "Cross-entropy", "mse": "Squared error (on the sigmoid output)"}[
                loss
            ],
            "net_skips": str(skip).lower(),
            "net_layers": "2",
        }
    )
    assert at.selectbox(key="net_dataset").value == dataset
    assert not at.error and not at.warning
    assert 0 <= percent(at, "Run A: training accuracy") <= 100
    assert metric(at, "Negative eigenvalues (downhill directions)").endswith("of 37")
    assert len(compare_table(at)) == 2


@pytest.mark.parametrize("name", list(optimizers.names()))
def test_every_optimiser_trains_the_small_network(name):
    at = open_page({"net_optimizer": optimizers.info(name).label})
    assert at.selectbox(key="net_optimizer").value == name
    assert not at.error
    assert metric(at, "Run A: final loss")
    if optimizers.info(name).second_order:
        assert "builds each run's full Hessian" in said(at.caption)


def test_scenes_show_what_they_promise():
    at = open_page(light=False)
    for i in range(4):
        at.button(key=f"_ui_network_landscape_scene_{i}").click()
        run(at)
        assert not at.error and not at.warning, said(at.error) + said(at.warning)
        if i == 0:  # moons, one layer of 8 tanh units: 33 weights
            assert "33 weights" in said(at.caption)
            assert metric(at, "Negative eigenvalues (downhill directions)").endswith("of 33")
        if i == 1:  # spirals, 1,185 weights: above the Hessian cap; 4 vs 64 units
            assert "The spectrum is hidden" in said(at.info)
            assert [r["network"].split(" (")[0] for r in compare_table(at)] == [
                "4 units per layer",
                "64 units per layer",
            ]
        if i == 2:  # deep narrow on the spirals: the slice with skips has fewer dips
            no_skip, skip = compare_table(at)
            assert no_skip["dips in the slice"] > skip["dips in the slice"]
            assert "the slice with skips is the smoother one" in said(at.markdown)
        if i == 3:  # XOR: two solutions, a barrier between
            assert float(metric(at, "Barrier A → B")) > 0.1


def test_largest_network_is_refused_and_the_page_goes_on():
    at = open_page(
        {"net_width": "64", "net_layers": "10", "net_steps": "2000", "net_points": "400"},
        light=False,
    )
    assert "too large to run here" in said(at.warning)
    assert "choose settings that can be trained" in said(at.info)
    assert "What to notice" in headers(at) and not at.metric


def test_largest_comparison_is_refused_in_its_own_section():
    at = open_page(
        {"pair_layers": "4", "pair_widths": ["2", "64"], "net_steps": "1000", "net_points": "200"}
    )
    assert "too large to run here" in said(at.warning)
    assert percent(at, "Path seen by the PCA plane") > 0  # the other sections are drawn
    assert metric(at, "Negative eigenvalues (downhill directions)")


def test_finest_slice_of_a_wide_network_is_refused_and_its_hessian_hidden():
    at = open_page({"net_width": "64", "net_layers": "2", "net_points": "400", "slices_grid": "61"})
    assert "2 slices of 61×61 networks is too large" in said(at.warning)
    assert "4,417 weights" in said(at.info)  # the Hessian is hidden, and says why
    assert metric(at, "Barrier A → B")


def test_newton_on_a_large_network_is_refused_in_plain_words():
    at = open_page(
        {"net_optimizer": optimizers.info("newton").label, "net_width": "16", "net_layers": "2"}
    )
    assert f"at most {networks.MAX_SECOND_ORDER} weights" in said(at.error)
    assert "choose settings that can be trained" in said(at.info)


def test_a_diverged_run_says_when_and_skips_the_curvature():
    at = open_page(
        {
            "net_activation": "linear",
            "net_layers": "4",
            "net_width": "16",
            "net_optimizer": optimizers.info("sgd").label,
            "net_lr": "3.16",
        }
    )
    assert "Run A diverged at step" in said(at.warning)
    assert "no solution whose curvature could be measured" in said(at.info)
    s = lesson.Network(
        activation="linear", layers=4, width=16, optimizer="sgd", lr=3.16, steps=100, points=50
    ).setup()
    curves = views.curves_frame(lesson.trained(s))
    assert np.isfinite(curves["loss"]).all()  # held at the last finite value, never NaN


def test_tampered_link_falls_back_to_defaults():
    at = open_page(
        {
            "net_width": "999",
            "net_layers": "abc",
            "net_dataset": "nope",
            "net_seed": "1e309",
            "net_lr": "-5",
            "net_steps": "7",
            "slices_grid": "1000",
            "slices_span": "nan",
            "net_optimizer": "rm -rf",
            "pair_mode": "?",
            "hessian_tolerance": "0",
            "pair_widths": ["2", "4", "8"],
        },
        light=False,
    )
    assert at.select_slider(key="net_width").value == 16
    assert at.slider(key="net_layers").value == 2
    assert at.selectbox(key="net_dataset").value == "moons"
    assert at.select_slider(key="net_steps").value == 1000
    assert at.selectbox(key="net_optimizer").value == "adam"
    assert at.select_slider(key="pair_widths").value == (4, 32)
    assert "337 weights" in said(at.caption)
    assert not at.error and not at.warning


def test_the_tolerance_changes_the_negative_count():
    at = open_page({"net_layers": "2", "net_width": "8", "net_steps": "500"})
    loose = int(metric(at, "Negative eigenvalues (downhill directions)").split()[0])
    at.select_slider(key="hessian_tolerance").set_value(1e-10)
    run(at)
    strict = int(metric(at, "Negative eigenvalues (downhill directions)").split()[0])
    assert strict >= loose


def test_predict_reveals_the_measured_answer():
    at = open_page({"net_dataset": data.names()["xor"]})
    at.radio(key="network_landscape_guess").set_value("clearly higher: a barrier")
    run(at)
    at.button(key="_ui_network_landscape_commit").click()
    run(at)
    assert "At α = ½ on the line from run A to run B" in said(at.success) + said(at.info)


def test_presentation_mode_folds_the_settings_and_still_computes():
    at = open_page({"present": "true"})
    assert at.toggle(key="present").value is True
    assert metric(at, "Run A: final loss")
    assert len(at.expander) >= 5


# -- the lesson's charts and summaries ---------------------------------------------------------


def test_barrier_is_the_bump_above_the_higher_end():
    alphas = np.linspace(-0.5, 1.5, 81)
    assert landscape.barrier(alphas, 1 + np.sin(np.pi * alphas)) == pytest.approx(1.0, abs=1e-3)
    assert landscape.barrier(alphas, (alphas - 0.5) ** 2) == 0.0  # a valley: no barrier
    assert landscape.barrier(alphas, 2 - alphas) == 0.0  # downhill all the way


def test_dips_count_strict_basins_only():
    x = np.linspace(-3, 3, 41)
    gx, gy = np.meshgrid(x, x)
    assert landscape.dips(gx**2 + gy**2) == 1
    two = np.minimum((gx - 1.5) ** 2 + gy**2, (gx + 1.5) ** 2 + gy**2)
    assert landscape.dips(two) == 2
    assert landscape.dips(np.ones((9, 9))) == 0  # flat: no dip
    assert landscape.dips(np.where(gx**2 + gy**2 < 0.1, np.nan, gx**2)) == 0


def test_shuffled_hidden_units_give_the_same_function_at_another_point():
    X, _ = data.make("moons", 40, 0.1, 0)
    for net in (networks.MLP((5, 5), "tanh"), networks.MLP((4, 4, 4), "relu", skip=True)):
        w = net.init(1, seed=3)[0].double()
        p = landscape.permute_hidden(net, w, seed=1)
        assert not torch.equal(p, w)
        assert torch.allclose(net.logits(p[None], X), net.logits(w[None], X), atol=1e-12)
        assert torch.equal(torch.sort(p).values, torch.sort(w).values)  # same numbers, moved


def test_contour_segments_trace_a_circle():
    x = np.linspace(-2, 2, 61)
    gx, gy = np.meshgrid(x, x)
    seg = views.contour_segments(x, x, gx**2 + gy**2, 1.0)
    r = np.hypot(np.r_[seg["x"], seg["x2"]], np.r_[seg["y"], seg["y2"]])
    assert len(seg) > 40 and np.allclose(r, 1.0, atol=0.01)
    length = np.hypot(seg["x2"] - seg["x"], seg["y2"] - seg["y"]).sum()
    assert length == pytest.approx(2 * math.pi, rel=0.01)


def test_loss_bands_go_logarithmic_over_wide_ranges_and_are_shared():
    wide, narrow = np.geomspace(1e-4, 10, 50), np.linspace(1.0, 2.0, 50)
    edges = views.loss_bands([wide])
    ratios = np.array(edges[1:]) / np.array(edges[:-1])
    assert len(edges) == 11 and np.allclose(ratios, ratios[0], rtol=0.02)
    steps = np.diff(views.loss_bands([narrow]))
    assert np.allclose(steps, 1 / 12, atol=0.01)  # linear, to 3 significant digits
    shared = views.loss_bands([narrow, wide])
    assert shared[0] < 1e-3 and shared[-1] > 2


def test_charts_describe_themselves():
    x = np.linspace(-1, 1, 11)
    prob = 1 / (1 + np.exp(-5 * x))[None, :].repeat(11, 0)
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    for chart in (
        views.boundary_chart(x, x, prob, X, y),
        views.slice_heatmap(x, x, np.outer(x, x) ** 2),
        views.spectrum_chart(np.array([-1e-3, 0.0, 1e-6, 2.0]), 1e-5),
    ):
        spec = chart.to_dict()
        assert spec["description"]

"""The practice lesson page, run headless with AppTest: defaults, every scene, every comparison,
every control at its smallest and largest values, tampered links, the sweep's diverged runs (marked,
never plotted as NaN), the prediction and presentation mode — checking what the page shows.

Most tests open the page through a link with light settings (LIGHT) so that the file stays well
under a minute on a busy machine; the page's own defaults are exercised once.
"""

import math

import pytest
from page_kit import metric, open_lesson, run, texts
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from core import practice

LIGHT = {
    "pr_rc_steps": "100",
    "pr_rc_restarts": "4",
    "pr_sw_steps": "100",
    "pr_sw_restarts": "4",
    "pr_sw_count": "4",
    "pr_steps": "100",
    "pr_restarts": "4",
}


def open_page(query: dict | None = None, light: bool = True) -> AppTest:
    return open_lesson("practice", {**(LIGHT if light else {}), **(query or {})})


def outcomes(at: AppTest) -> dict[str, dict]:
    """The comparison's outcome table: setting → row."""
    return {row["setting"]: row for row in at.dataframe[0].value.to_dict("records")}


def charts(at: AppTest) -> list[dict[str, list[dict]]]:
    """Every Vega-Lite chart on the page: dataset name → rows."""
    out = []
    for el in at.get("vega_lite_chart"):
        out.append(
            {
                d.name: convert_arrow_bytes_to_pandas_df(d.data.data).to_dict("records")
                for d in el.proto.datasets
            }
        )
    return out


def sweep_chart(at: AppTest) -> dict[str, list[dict]]:
    return next(
        c
        for c in charts(at)
        if any("lr" in rows[0] and "diverged" in rows[0] for rows in c.values() if rows)
    )


def problems(at: AppTest) -> list[str]:
    return [w.value for w in at.warning] + [e.value for e in at.error]


def test_defaults_show_the_recipe_winning_the_sweep_window_and_the_baseline():
    at = open_page(light=False)
    assert not problems(at)
    assert metric(at, "Hard: restarts reaching loss 0.1") == "0%"
    assert metric(at, "Recipe: restarts reaching loss 0.1") == "100%"
    markdown = texts(at.markdown)
    assert "median loss ends at **0.693**" in markdown  # the plateau at ln 2
    lo, hi = (float(v) for v in metric(at, "Best range of learning rates").split(" to "))
    assert 0.1 < lo <= hi < 10
    assert metric(at, "Diverged restarts") == "32 of 128"  # lr 19.3 and 100: all 16 each
    assert metric(at, "Smallest learning rate with a diverged restart") == "19.3"
    rows = outcomes(at)
    assert list(rows) == [
        "too small: N(0, 0.01²)",
        "Xavier (Glorot) (baseline)",
        "He",
        "too large: N(0, 5²)",
    ]
    assert rows["too small: N(0, 0.01²)"]["reached target"] == 0
    assert rows["Xavier (Glorot) (baseline)"]["reached target"] == 100
    assert len(at.get("vega_lite_chart")) == 4
    assert len(at.get("download_button")) >= 4


def test_the_sweep_marks_diverged_runs_instead_of_plotting_nan():
    at = open_page({"pr_sw_count": "8", "pr_sw_steps": "200"})
    shown = metric(at, "Diverged restarts")
    diverged, total = (int(v) for v in shown.split(" of "))
    assert diverged > 0 and total == 32
    data = sweep_chart(at)
    rows = [row for rows in data.values() for row in rows]
    values = [v for row in rows for v in row.values() if isinstance(v, float)]
    assert values and all(math.isfinite(v) for v in values)  # no NaN, no inf, anywhere
    labels = [row["diverged_text"] for row in rows if "diverged_text" in row]
    assert (
        labels
        and sum(int(t.split()[1]) if t.startswith("all") else int(t.split("/")[0]) for t in labels)
        == diverged
    )
    points = [row for row in rows if "median" in row]
    assert all(row["lr"] < 19 for row in points)  # the all-diverged rates have no dot


@pytest.mark.parametrize("scene", range(5))
def test_every_scene_renders(scene):
    at = open_page()
    at.button(key=f"_ui_pr_scene_{scene}").click()
    run(at)
    assert not problems(at)
    if scene == 4:  # Adam's learning rates
        assert at.selectbox(key="pr_sw_opt").value == "adam"
        assert at.select_slider(key="pr_sw_range").value == (0.0001, 10.0)
        return
    choice = at.radio(key="pr_choice").value
    assert choice == ["activation", "init", "skip", "batch"][scene]
    rows = outcomes(at)
    assert sum(k.endswith("(baseline)") for k in rows) == 1
    if scene == 0:
        assert at.slider(key="pr_depth").value == 4 and set(rows) >= {"sigmoid", "ReLU"}
    if scene == 2:  # a deep net from a too-small start: only the skips get it moving
        assert rows["no skip connections (baseline)"]["reached target"] == 0
        assert rows["with skip connections"]["reached target"] > 0


@pytest.mark.parametrize("choice", list(practice.CHOICES))
def test_every_comparison_trains_each_value_on_the_same_seeds(choice):
    at = open_page()
    at.radio(key="pr_choice").set_value(choice)
    run(at)
    assert not problems(at)
    rows = outcomes(at)
    assert sum(k.endswith("(baseline)") for k in rows) == 1 and len(rows) >= 2
    assert all(r["diverged"].endswith("of 4") for r in rows.values())
    if choice == "optimizer":  # the other optimisers' learning rates appear
        assert at.select_slider(key="pr_lr_sgd").value == 0.5
        assert at.select_slider(key="pr_lr_adam").value == 0.01


SMALLEST = {
    "pr_rc_data": "XOR (four clusters)",
    "pr_rc_depth": "2",
    "pr_rc_width": "8",
    "pr_rc_ingredients": ["Adam"],
    "pr_rc_sgd_lr": "0.01",
    "pr_rc_adam_lr": "0.001",
    "pr_rc_restarts": "4",
    "pr_rc_steps": "100",
    "pr_rc_target": "0.01",
    "pr_rc_seed": "0",
    "pr_sw_data": "Two Gaussian clouds",
    "pr_sw_depth": "1",
    "pr_sw_width": "4",
    "pr_sw_act": "ReLU",
    "pr_sw_opt": "momentum",
    "pr_sw_range": ["0.0001", "0.0001"],
    "pr_sw_count": "4",
    "pr_sw_restarts": "4",
    "pr_sw_steps": "100",
    "pr_sw_seed": "0",
    "pr_choice": "Optimiser",
    "pr_data": "Two spirals",
    "pr_depth": "1",
    "pr_width": "2",
    "pr_act": "sigmoid",
    "pr_skip": "false",
    "pr_init": "too small",
    "pr_small": "0.001",
    "pr_large": "1",
    "pr_opt": "Adam",
    "pr_lr_adam": "0.001",
    "pr_lr_sgd": "0.001",
    "pr_lr_momentum": "0.001",
    "pr_batch": "8",
    "pr_restarts": "4",
    "pr_steps": "100",
    "pr_target": "0.01",
    "pr_seed": "0",
    "pr_every": "true",
    "present": "false",
}
LARGEST = {
    "pr_rc_data": "Two spirals",
    "pr_rc_depth": "8",
    "pr_rc_width": "32",
    "pr_rc_ingredients": ["He initialisation", "ReLU units", "Adam", "skip connections"],
    "pr_rc_sgd_lr": "3.16",
    "pr_rc_adam_lr": "0.1",
    "pr_rc_restarts": "32",
    "pr_rc_steps": "1000",
    "pr_rc_target": "0.3",
    "pr_rc_seed": "10000",
    "pr_sw_data": "Two spirals",
    "pr_sw_depth": "4",
    "pr_sw_width": "32",
    "pr_sw_act": "tanh",
    "pr_sw_opt": "Adam",
    "pr_sw_range": ["100", "100"],
    "pr_sw_count": "12",
    "pr_sw_restarts": "32",
    "pr_sw_steps": "1000",
    "pr_sw_seed": "10000",
    "pr_choice": "Depth",
    "pr_data": "Two spirals",
    "pr_depth": "8",
    "pr_width": "64",
    "pr_act": "ReLU",
    "pr_init": "too large",
    "pr_large": "30",
    "pr_small": "0.316",
    "pr_opt": "plain SGD",
    "pr_lr_sgd": "3.16",
    "pr_skip": "true",
    "pr_batch": "all 200",
    "pr_restarts": "32",
    "pr_steps": "1000",
    "pr_target": "0.3",
    "pr_seed": "10000",
    "pr_every": "true",
    "present": "true",
}
WIDGETS = ("selectbox", "slider", "select_slider", "multiselect", "toggle", "number_input", "radio")


def test_the_extremes_below_set_every_control_of_the_page():
    at = open_page(SMALLEST)
    keys = {w.key for kind in WIDGETS for w in at.get(kind)} - {"pr_guess"}
    assert keys == set(SMALLEST), keys ^ set(SMALLEST)


def test_every_control_at_its_smallest():
    at = open_page(SMALLEST)
    assert not problems(at)
    assert at.select_slider(key="pr_sw_range").value == (0.0001, 0.0001)
    assert metric(at, "Diverged restarts") == "0 of 4"  # one learning rate, four restarts
    rows = outcomes(at)
    assert list(rows) == ["plain SGD, lr 0.001", "momentum, lr 0.001", "Adam, lr 0.001 (baseline)"]
    assert at.slider(key="pr_depth").value == 1 and at.toggle(key="pr_every").value
    assert at.selectbox(key="pr_data").value == "spirals"


def test_every_control_at_its_largest_runs_or_says_why_not():
    at = open_page(LARGEST, light=False)
    shown = problems(at)
    assert len(shown) == 3 and all("too large to run here" in p for p in shown), shown
    assert at.select_slider(key="pr_lr_sgd").value == 3.16
    assert at.select_slider(key="pr_rc_sgd_lr").value == 3.16
    # the rest of the page still renders
    assert any("References" in m.value for m in at.markdown)


def test_a_heavy_section_can_be_made_light_again():
    at = open_page(
        {
            "pr_steps": "1000",
            "pr_restarts": "32",
            "pr_choice": "Depth",
            "pr_depth": "8",
            "pr_width": "64",
        }
    )
    assert any("too large to run here" in p for p in problems(at))
    at.select_slider(key="pr_width").set_value(4)
    at.select_slider(key="pr_steps").set_value(100)
    run(at)
    assert not problems(at)
    assert list(outcomes(at)) == [
        "1 hidden layer",
        "2 hidden layers",
        "6 hidden layers",
        "8 hidden layers (baseline)",
    ]


def test_tampered_links_fall_back_to_defaults():
    at = open_page(
        {
            "pr_choice": "nonsense",
            "pr_depth": "99",
            "pr_width": "-3",
            "pr_batch": "1e309",
            "pr_sw_range": ["zzz", "qqq"],
            "pr_sw_count": "NaN",
            "pr_rc_ingredients": ["batchnorm"],
            "pr_lr_momentum": "1e9",
            "pr_init": "<script>",
            "pr_seed": "-5",
            "pr_rc_target": "",
        }
    )
    assert at.radio(key="pr_choice").value == "init"
    assert at.slider(key="pr_depth").value == 3
    assert at.select_slider(key="pr_batch").value == practice.POINTS
    assert at.select_slider(key="pr_sw_range").value == (0.001, 100.0)
    assert at.select_slider(key="pr_lr_momentum").value == 0.05
    assert at.selectbox(key="pr_init").value == "xavier"


def test_changing_controls_changes_what_is_shown():
    at = open_page()
    at.multiselect(key="pr_rc_ingredients").set_value([])
    at.toggle(key="pr_skip").set_value(True)
    at.slider(key="pr_depth").set_value(1)
    at.radio(key="pr_choice").set_value("skip")
    run(at)
    assert metric(at, "Recipe with no ingredient (= hard)") == "0%"
    assert any("with one hidden layer there are none" in i.value for i in at.info)
    at.multiselect(key="pr_rc_ingredients").set_value(["adam"])
    at.selectbox(key="pr_sw_opt").set_value("adam")
    at.selectbox(key="pr_sw_act").set_value("relu")
    at.selectbox(key="pr_sw_data").set_value("moons")
    run(at)
    groups = {row["group"] for rows in charts(at)[0].values() for row in rows if "group" in row}
    assert groups == {"hard: sigmoid, small init, plain SGD", "recipe: Adam"}
    assert at.selectbox(key="pr_sw_data").value == "moons"


def test_the_prediction_is_checked_against_the_measurement():
    at = open_page()
    at.radio(key="pr_guess").set_value(at.radio(key="pr_guess").options[2])
    run(at)
    at.button(key="_ui_pr_commit").click()
    run(at)
    assert at.success and "Measured: 0.693" in at.success[0].value


def test_presentation_mode_folds_sections():
    at = open_page({"present": "true"})
    titles = [e.label for e in at.expander]
    assert "Hard setting against the recipe" in titles
    assert "Final loss against learning rate" in titles

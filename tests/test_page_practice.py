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
    "recipe_steps": "100",
    "recipe_restarts": "4",
    "sweep_steps": "100",
    "sweep_restarts": "4",
    "sweep_count": "4",
    "compare_steps": "100",
    "compare_restarts": "4",
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
    at = open_page({"sweep_count": "8", "sweep_steps": "200"})
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
    at.button(key=f"_ui_practice_scene_{scene}").click()
    run(at)
    assert not problems(at)
    if scene == 4:  # Adam's learning rates
        assert at.selectbox(key="sweep_optimizer").value == "adam"
        assert at.select_slider(key="sweep_lr_range").value == (0.0001, 10.0)
        return
    choice = at.radio(key="compare_choice").value
    assert choice == ["activation", "init", "skip", "batch"][scene]
    rows = outcomes(at)
    assert sum(k.endswith("(baseline)") for k in rows) == 1
    if scene == 0:
        assert at.slider(key="compare_depth").value == 4 and set(rows) >= {"sigmoid", "ReLU"}
    if scene == 2:  # a deep net from a too-small start: only the skips get it moving
        assert rows["no skip connections (baseline)"]["reached target"] == 0
        assert rows["with skip connections"]["reached target"] > 0


@pytest.mark.parametrize("choice", list(practice.CHOICES))
def test_every_comparison_trains_each_value_on_the_same_seeds(choice):
    at = open_page()
    at.radio(key="compare_choice").set_value(choice)
    run(at)
    assert not problems(at)
    rows = outcomes(at)
    assert sum(k.endswith("(baseline)") for k in rows) == 1 and len(rows) >= 2
    assert all(r["diverged"].endswith("of 4") for r in rows.values())
    if choice == "optimizer":  # the other optimisers' learning rates appear
        assert at.select_slider(key="compare_sgd_lr").value == 0.5
        assert at.select_slider(key="compare_adam_lr").value == 0.01


SMALLEST = {
    "recipe_dataset": "XOR (four clusters)",
    "recipe_depth": "2",
    "recipe_width": "8",
    "recipe_ingredients": ["Adam"],
    "recipe_sgd_lr": "0.01",
    "recipe_adam_lr": "0.001",
    "recipe_restarts": "4",
    "recipe_steps": "100",
    "recipe_target": "0.01",
    "recipe_seed": "0",
    "sweep_dataset": "Two Gaussian clouds",
    "sweep_depth": "1",
    "sweep_width": "4",
    "sweep_activation": "ReLU",
    "sweep_optimizer": "momentum",
    "sweep_lr_range": ["0.0001", "0.0001"],
    "sweep_count": "4",
    "sweep_restarts": "4",
    "sweep_steps": "100",
    "sweep_seed": "0",
    "compare_choice": "Optimiser",
    "compare_dataset": "Two spirals",
    "compare_depth": "1",
    "compare_width": "2",
    "compare_activation": "sigmoid",
    "compare_skip": "false",
    "compare_init": "too small",
    "compare_small": "0.001",
    "compare_large": "1",
    "compare_optimizer": "Adam",
    "compare_adam_lr": "0.001",
    "compare_sgd_lr": "0.001",
    "compare_momentum_lr": "0.001",
    "compare_batch": "8",
    "compare_restarts": "4",
    "compare_steps": "100",
    "compare_target": "0.01",
    "compare_seed": "0",
    "compare_every": "true",
    "present": "false",
}
LARGEST = {
    "recipe_dataset": "Two spirals",
    "recipe_depth": "8",
    "recipe_width": "32",
    "recipe_ingredients": ["He initialisation", "ReLU units", "Adam", "skip connections"],
    "recipe_sgd_lr": "3.16",
    "recipe_adam_lr": "0.1",
    "recipe_restarts": "32",
    "recipe_steps": "1000",
    "recipe_target": "0.3",
    "recipe_seed": "10000",
    "sweep_dataset": "Two spirals",
    "sweep_depth": "4",
    "sweep_width": "32",
    "sweep_activation": "tanh",
    "sweep_optimizer": "Adam",
    "sweep_lr_range": ["100", "100"],
    "sweep_count": "12",
    "sweep_restarts": "32",
    "sweep_steps": "1000",
    "sweep_seed": "10000",
    "compare_choice": "Depth",
    "compare_dataset": "Two spirals",
    "compare_depth": "8",
    "compare_width": "64",
    "compare_activation": "ReLU",
    "compare_init": "too large",
    "compare_large": "30",
    "compare_small": "0.316",
    "compare_optimizer": "plain SGD",
    "compare_sgd_lr": "3.16",
    "compare_skip": "true",
    "compare_batch": "all 200",
    "compare_restarts": "32",
    "compare_steps": "1000",
    "compare_target": "0.3",
    "compare_seed": "10000",
    "compare_every": "true",
    "present": "true",
}
WIDGETS = ("selectbox", "slider", "select_slider", "multiselect", "toggle", "number_input", "radio")


def test_the_extremes_below_set_every_control_of_the_page():
    at = open_page(SMALLEST)
    keys = {w.key for kind in WIDGETS for w in at.get(kind)} - {"practice_guess"}
    assert keys == set(SMALLEST), keys ^ set(SMALLEST)


def test_every_control_at_its_smallest():
    at = open_page(SMALLEST)
    assert not problems(at)
    assert at.select_slider(key="sweep_lr_range").value == (0.0001, 0.0001)
    assert metric(at, "Diverged restarts") == "0 of 4"  # one learning rate, four restarts
    rows = outcomes(at)
    assert list(rows) == ["plain SGD, lr 0.001", "momentum, lr 0.001", "Adam, lr 0.001 (baseline)"]
    assert at.slider(key="compare_depth").value == 1 and at.toggle(key="compare_every").value
    assert at.selectbox(key="compare_dataset").value == "spirals"


def test_every_control_at_its_largest_runs_or_says_why_not():
    at = open_page(LARGEST, light=False)
    shown = problems(at)
    assert len(shown) == 3 and all("too large to run here" in p for p in shown), shown
    assert at.select_slider(key="compare_sgd_lr").value == 3.16
    assert at.select_slider(key="recipe_sgd_lr").value == 3.16
    # the rest of the page still renders
    assert any("References" in m.value for m in at.markdown)


def test_a_heavy_section_can_be_made_light_again():
    at = open_page(
        {
            "compare_steps": "1000",
            "compare_restarts": "32",
            "compare_choice": "Depth",
            "compare_depth": "8",
            "compare_width": "64",
        }
    )
    assert any("too large to run here" in p for p in problems(at))
    at.select_slider(key="compare_width").set_value(4)
    at.select_slider(key="compare_steps").set_value(100)
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
            "compare_choice": "nonsense",
            "compare_depth": "99",
            "compare_width": "-3",
            "compare_batch": "1e309",
            "sweep_lr_range": ["zzz", "qqq"],
            "sweep_count": "NaN",
            "recipe_ingredients": ["batchnorm"],
            "compare_momentum_lr": "1e9",
            "compare_init": "<script>",
            "compare_seed": "-5",
            "recipe_target": "",
        }
    )
    assert at.radio(key="compare_choice").value == "init"
    assert at.slider(key="compare_depth").value == 3
    assert at.select_slider(key="compare_batch").value == practice.POINTS
    assert at.select_slider(key="sweep_lr_range").value == (0.001, 100.0)
    assert at.select_slider(key="compare_momentum_lr").value == 0.05
    assert at.selectbox(key="compare_init").value == "xavier"


def test_changing_controls_changes_what_is_shown():
    at = open_page()
    at.multiselect(key="recipe_ingredients").set_value([])
    at.toggle(key="compare_skip").set_value(True)
    at.slider(key="compare_depth").set_value(1)
    at.radio(key="compare_choice").set_value("skip")
    run(at)
    assert metric(at, "Recipe with no ingredient (= hard)") == "0%"
    assert any("with one hidden layer there are none" in i.value for i in at.info)
    at.multiselect(key="recipe_ingredients").set_value(["adam"])
    at.selectbox(key="sweep_optimizer").set_value("adam")
    at.selectbox(key="sweep_activation").set_value("relu")
    at.selectbox(key="sweep_dataset").set_value("moons")
    run(at)
    groups = {row["group"] for rows in charts(at)[0].values() for row in rows if "group" in row}
    assert groups == {"hard: sigmoid, small init, plain SGD", "recipe: Adam"}
    assert at.selectbox(key="sweep_dataset").value == "moons"


def test_the_prediction_is_checked_against_the_measurement():
    at = open_page()
    at.radio(key="practice_guess").set_value(at.radio(key="practice_guess").options[2])
    run(at)
    at.button(key="_ui_practice_commit").click()
    run(at)
    assert at.success and "Measured: 0.693" in at.success[0].value


def test_presentation_mode_folds_sections():
    at = open_page({"present": "true"})
    titles = [e.label for e in at.expander]
    assert "Hard setting against the recipe" in titles
    assert "Final loss against learning rate" in titles

"""The restarts lesson page, run headless with AppTest: defaults, every scene, every surface, the
network section, the largest settings every control allows, bad formulas and tampered links.

Most tests open the page through a link with small settings (SMALL), so that the whole file stays
well under a minute on a busy machine; the page's own defaults are exercised once.
"""

import pytest
from page_kit import metric, open_lesson, percent, run, texts
from page_kit import surface_option as surface
from streamlit.testing.v1 import AppTest

from core import optimizers, surfaces

SMALL = {
    "map_grid": "20",
    "map_samples": "1",
    "restarts_steps": "100",
    "restarts_runs": "50",
    "network_restarts": "4",
    "network_steps": "100",
}


def open_page(query: dict | None = None, small: bool = True) -> AppTest:
    return open_lesson("restarts", {**(SMALL if small else {}), **(query or {})})


def test_defaults_show_six_hump_camel_and_the_xor_network():
    at = open_page(small=False)
    assert not at.error and not at.warning
    assert at.selectbox(key="restarts_surface").value == "six_hump_camel"
    share = percent(at, "Starts that reach a global minimum")
    assert 55 < share < 65  # two global minima of six, about 60% of the starts
    assert metric(at, "Known minima") == "6"
    p = percent(at, "Single-run success rate p") / 100
    assert 0.5 < p < 0.7
    assert metric(at, "Restarts for a 95% chance") == "4"  # 1 − 0.4⁴ > 95% > 1 − 0.4³
    assert percent(at, "Success, with noise") > 100 * p  # noise helps here
    assert metric(at, "Weights per network") == "9"  # 2-2-1
    stalled = percent(at, "Stalled restarts")
    assert 10 < stalled < 50
    assert "Hamey (1998)" in texts(at.info)
    assert len(at.get("vega_lite_chart")) >= 8


def test_double_well_formula_splits_half_and_half():
    at = open_page({"restarts_surface": surface("custom"), "restarts_steps": "500"})
    at.text_input(key="restarts_formula").set_value("(x**2 - 1)**2 + y**2")
    at.select_slider(key="restarts_lr").set_value(0.01)
    run(at)
    assert not at.error
    assert metric(at, "Starts that reach a global minimum") == "100.0%"
    assert metric(at, "Known minima") == "2"
    table = at.dataframe[0].value
    assert list(table["share"]) == [0.5, 0.5]
    assert all(name.startswith("global minimum") for name in table["ended at"])


@pytest.mark.parametrize("key", [*surfaces.names(), "custom"])
def test_every_surface_renders(key):
    at = open_page({"restarts_surface": surface(key)})
    assert not at.error
    assert metric(at, "Starts that reach a global minimum").endswith("%")
    assert len(at.get("vega_lite_chart")) >= 7


def test_saddle_runs_escape_and_are_counted_apart():
    at = open_page({"restarts_surface": surface("saddle")})
    assert metric(at, "Escaped") == "100.0%" and metric(at, "Diverged") == "0.0%"
    assert "escaped" in " ".join(at.dataframe[0].value["ended at"])
    assert "no minimum inside its bounds" in texts(at.info)


def test_every_scene_renders():
    at = open_page()
    names = [b for b in at.button if b.key and b.key.startswith("_ui_restarts_scene_")]
    assert len(names) == 4
    expected = {0: "himmelblau", 1: "rastrigin", 2: "rastrigin"}
    for i in range(4):
        at.button(key=f"_ui_restarts_scene_{i}").click()
        run(at)
        assert not at.error and not at.warning
        if i in expected:
            assert at.selectbox(key="restarts_surface").value == expected[i]
    # The XOR scene: the classic 2-2-1 sigmoid network with squared error, 2,000 steps.
    assert at.select_slider(key="network_steps").value == 2000
    assert "Hamey (1998)" in texts(at.info)


def test_largest_map_is_shrunk_to_the_budget():
    at = open_page(
        {"restarts_surface": surface("deep_linear_2w"), "map_grid": "200", "restarts_steps": "2000"}
    )
    assert "the map uses" in texts(at.caption)
    assert not at.warning


def test_too_many_restarts_show_the_budget_message():
    at = open_page(
        {
            "restarts_surface": surface("logistic_2w"),
            "restarts_runs": "5000",
            "restarts_steps": "2000",
        }
    )
    assert "too large to run here" in texts(at.warning)
    assert metric(at, "Starts that reach a global minimum")  # the map still renders


def test_largest_network_shows_the_budget_message():
    at = open_page(
        {
            "network_restarts": "256",
            "network_steps": "5000",
            "network_width": "32",
            "network_layers": "2",
        }
    )
    assert "too large to run here" in texts(at.warning)


def test_newton_on_a_wide_network_is_refused_in_plain_words():
    at = open_page({"network_width": "32", "network_optimizer": optimizers.info("newton").label})
    assert "Hessian" in texts(at.error)


def test_broken_formula_shows_its_error_and_the_page_goes_on():
    at = open_page({"restarts_surface": surface("custom"), "restarts_formula": "x**"})
    assert at.error
    assert metric(at, "Starts that reach a global minimum").endswith("%")


def test_tampered_link_falls_back_to_defaults():
    at = open_page(
        {
            "restarts_surface": "no_such_surface",
            "map_grid": "999",
            "restarts_runs": "-3",
            "good_enough_within": "1e9",
            "network_width": "abc",
            "restarts_seed": "-1",
        }
    )
    assert at.selectbox(key="restarts_surface").value == "six_hump_camel"
    assert at.select_slider(key="map_grid").value == 120
    assert at.select_slider(key="restarts_runs").value == 1000


def test_good_enough_threshold_moves_runs_between_groups():
    at = open_page(
        {
            "restarts_surface": surface("rastrigin"),
            "restarts_lr": "0.002",
            "restarts_runs": "200",
            "good_enough_within": "1",
        }
    )
    tight = percent(at, "Good enough")
    at.slider(key="good_enough_within").set_value(50)
    run(at)
    loose = percent(at, "Good enough")
    assert tight < loose


def test_network_optimiser_gets_its_own_learning_rate():
    at = open_page()
    assert at.select_slider(key="network_lr").value == 3.16  # plain GD: the XOR step
    at = open_page({"network_optimizer": optimizers.info("adam").label})
    assert at.select_slider(key="network_lr").value == optimizers.info("adam").default_lr


def test_presentation_mode_folds_sections_and_still_computes():
    at = open_page({"present": "true"})
    assert at.toggle(key="present").value is True
    assert metric(at, "Starts that reach a global minimum").endswith("%")
    assert len(at.expander) >= 5

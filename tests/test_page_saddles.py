"""The saddles page in AppTest: defaults, every lesson scene, controls at their extremes, tampered
links and bad formulas — checking what the page shows, not only that it ran."""

import re

import pytest
from page_kit import metric, open_lesson, run, texts
from page_kit import surface_option as surface
from streamlit.testing.v1 import AppTest

from core import optimizers

#: Light settings for the sections a test is not about (the page's defaults are heavier).
LIGHT = {"monkey_steps": "500", "plateau_steps": "200", "plateau_restarts": "1"}


def labels(*names: str) -> list[str]:
    return [optimizers.info(n).label for n in names]


def open_page(query: dict | None = None) -> AppTest:
    return open_lesson("saddles", query)


def table(at: AppTest) -> dict[str, dict[str, str]]:
    """The outcome table of the escape section: run → column → text."""
    df = at.table[0].value
    return {row["run"]: row for row in df.to_dict("records")}


def test_defaults_measure_the_log_law_newton_stays_and_the_network_plateaus():
    at = open_page()
    outcome = table(at)
    assert set(outcome) == {"Gradient descent", "Momentum", "Adam", "Newton", "Saddle-free Newton"}
    assert outcome["Newton"]["from ε = 1e-06"].startswith("stuck on the saddle")
    assert outcome["Saddle-free Newton"]["from ε = 1e-06"].startswith("escaped at step")
    assert all(
        row["from ε = 0 exactly"].startswith("stuck on the saddle") for row in outcome.values()
    )
    # x² − y², lr 0.05: ln 10 / ln 1.1 = 24.2 steps per decade, measured from the ε sweep
    found = re.search(
        r"Gradient descent\*\*: measured \*\*([\d.]+)\*\*.*?\*\*([\d.]+)\*\*",
        texts(at.markdown),
        re.S,
    )
    assert found and abs(float(found[1]) - 24.2) < 0.3 and found[2] == "24.2"
    assert 0.28 < float(metric(at, "Monkey saddle: steps grow")) < 0.4
    small, large = (metric(at, f"Initial scale {s}") for s in ("0.05", "0.5"))
    assert int(small) > 5 * int(large)
    assert len(at.get("download_button")) >= 3
    assert len(at.get("vega_lite_chart")) == 11  # the plateau sweep's chart among them
    assert any("power law" in m.value for m in at.markdown)


@pytest.mark.parametrize("scene", range(6))
def test_every_scene_renders(scene):
    at = open_page(LIGHT)
    at.button(key=f"_ui_saddles_scene_{scene}").click()
    run(at)
    if scene == 4:  # the plateau surface has no saddle: runs start from a chosen point
        assert any("No saddle was found" in i.value for i in at.info)
        return
    outcome = table(at)
    assert outcome, "the outcome table is drawn"
    if scene == 1:  # Newton walks into the saddle
        assert outcome["Newton"]["from ε = 0.0001"].startswith("stuck on the saddle")
    if scene == 2:  # noise knocks it off: even from ε = 0
        row = outcome["Gradient descent + noise 0.001"]
        assert row["from ε = 0 exactly"].startswith("escaped at step")
        assert outcome["Perturbed gradient descent"]["from ε = 0 exactly"].startswith("escaped")
        assert outcome["Gradient descent"]["from ε = 0 exactly"].startswith("stuck")


def test_a_surface_without_a_saddle_runs_from_a_chosen_start():
    at = open_page({**LIGHT, "saddle_surface": surface("plateau"), "saddle_steps": "300"})
    assert any("No saddle was found" in i.value for i in at.info)
    assert at.number_input(key="saddle_x0").value == pytest.approx(3.8)


def test_controls_at_their_extremes_run_or_say_why_not():
    every = ["sgd", "momentum", "adam", "newton", "saddle_free_newton", "perturbed_gd"]
    at = open_page(
        {
            "saddle_optimizers": labels(*every),
            "saddle_steps": "3000",
            "saddle_eps": "1e-10",
            "saddle_along": "2.0",
            "saddle_noisy": "true",
            "saddle_sigma": "0.1",
            "saddle_seed": "10000",
            "saddle_momentum_momentum": "0.999",
            "saddle_adam_beta1": "0.999",
            "saddle_adam_beta2": "0.9999",
            "saddle_newton_damping": "0",
            "saddle_saddle_free_newton_damping": "10",
            "saddle_perturbed_gd_radius": "5",
            "saddle_perturbed_gd_g_thres": "10",
            "saddle_perturbed_gd_t_thres": "1",
            "saddle_sgd_lr": "3.2",
            "saddle_adam_lr": "3.2",
            "monkey_steps": "5000",
            "monkey_lr": "0.1",
            "plateau_depth": "4",
            "plateau_width": "6",
            "plateau_steps": "2500",
            "plateau_restarts": "8",
            "plateau_small": "0.01",
            "plateau_large": "1.0",
            "plateau_lr": "3.0",
        }
    )
    problems = [w.value for w in at.warning] + [e.value for e in at.error]
    assert all("too large" in p or "diverged" in p for p in problems), problems
    assert len(table(at)) == 7  # six optimisers and the noisy run


def test_tampered_links_fall_back_to_defaults():
    at = open_page(
        {
            **LIGHT,
            "saddle_eps": "zzz",
            "saddle_steps": "-1",
            "saddle_surface": "nope",
            "saddle_near": "99",
            "saddle_along": "1e309",
            "saddle_optimizers": ["lbfgs"],
            "plateau_depth": "NaN",
            "monkey_lr": "",
            "saddle_sigma": "-1",
        }
    )
    assert at.selectbox(key="saddle_surface").value == "saddle"
    assert at.select_slider(key="saddle_eps").value == pytest.approx(1e-6)


def test_a_saddle_can_be_chosen_on_a_surface_with_several():
    at = open_page({**LIGHT, "saddle_surface": surface("himmelblau"), "saddle_steps": "200"})
    box = at.selectbox(key="saddle_near")
    assert len(box.options) == 4 and box.value == 0
    box.set_value(3)
    run(at)
    assert "(-0.128, -1.954)" in at.selectbox(key="saddle_near").options[3]
    outcome = table(at)
    assert outcome["Gradient descent"]["from ε = 1e-06"].startswith("escaped")
    assert outcome["Newton"]["from ε = 1e-06"].startswith("stuck on the saddle")


def test_bad_formulas_say_what_is_wrong():
    at = open_page(
        {
            **LIGHT,
            "saddle_surface": "Type your own formula",
            "saddle_formula": "x ** (",
            "saddle_steps": "200",
        }
    )
    assert at.error, "a broken formula shows its error"
    at = open_page(
        {
            **LIGHT,
            "saddle_surface": "Type your own formula",
            "saddle_formula": "sqrt(x) - y**2",
            "saddle_steps": "200",
        }
    )
    assert any("No saddle was found" in i.value for i in at.info)


def test_the_prediction_is_checked_against_a_measurement():
    at = open_page(LIGHT)
    at.radio(key="saddles_guess").set_value("about twice as many")
    run(at)
    at.button(key="_ui_saddles_commit").click()
    run(at)
    shown = [s.value for s in at.success]
    assert shown and re.search(r"Measured: 19\d steps", shown[0])


def test_presentation_mode_folds_settings_and_sections():
    at = open_page({**LIGHT, "present": "true"})
    titles = [e.label for e in at.expander]
    assert "Paths near the saddle" in titles and "Steps to escape against the push ε" in titles
    assert "The plateau's length against the initial scale" in titles

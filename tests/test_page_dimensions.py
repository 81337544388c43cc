"""The dimensions page in AppTest: defaults, every lesson scene, controls at their extremes,
tampered links and bad inputs — checking the numbers the page shows, not only that it ran."""

import math
import re

from page_kit import metric, open_lesson, percent, run, texts
from streamlit.testing.v1 import AppTest

#: Light settings for the sections a test is not about.
LIGHT = {
    "matrices_samples": "100k",
    "matrices_largest": "5",
    "critical_starts": "16",
    "critical_search_steps": "25",
    "sweep_restarts": "4",
    "sweep_steps": "100",
    "sweep_widths": ["2", "8"],
}


def open_page(query: dict | None = None) -> AppTest:
    return open_lesson("dimensions", query, timeout=180)


def number(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text.split(" of ")[0]))


def test_defaults_measure_every_section():
    at = open_page()
    assert at.title[0].value == "What changes as the dimension grows"
    # distances: spread in 1,000 dimensions near √(0.35/1000) ≈ 0.019, contrast a few percent
    assert abs(float(metric(at, "Spread in d = 1,000")) - math.sqrt(0.35 / 1000)) < 0.003
    assert float(metric(at, "Spread in d = 1")) > 0.6
    # grid: 10¹⁰⁰ points take ages of the universe
    assert metric(at, "Grid points") == "1.0 × 10¹⁰⁰"
    assert (
        next(m for m in at.metric if m.label == "Time to try them all").delta
        == "ages of the universe"
    )
    assert any("10¹⁰⁰" in m.value and "ages of the universe" in m.value for m in at.markdown)
    assert any("NP-complete" in m.value and "worst-case" in m.value for m in at.markdown)
    # random matrices: 1/2 and (2 − √2)/4 within 4 standard errors of 10⁶ samples
    assert abs(float(metric(at, "n = 1: measured share")) - 0.5) < 0.002
    assert abs(float(metric(at, "n = 2: measured share")) - (2 - math.sqrt(2)) / 4) < 0.0015
    assert metric(at, "Sizes with no all-positive sample") == "n ≥ 7"
    # Styblinski–Tang in 8 dimensions: 3⁸ critical points, 2⁸ minima
    assert metric(at, "Critical points") == "6,561"
    assert metric(at, "Minima") == "256"
    assert metric(at, "Saddles") == f"{6561 - 256 - 1:,}"
    # the network: some searches reach zero gradient, and a saddle is sliced
    reached = metric(at, "Reached zero gradient")
    assert 0 < number(reached) <= 64 and reached.endswith("of 64")
    true = percent(at, "True share of downhill directions")
    seen = percent(at, "Random directions that go down")
    assert true > 10 * max(seen, 0.1)
    # widths: a table with one row per width and the box shrinking from 2 to 8 units
    table = at.dataframe[0].value
    assert list(table["width"]) == [2, 4, 8, 16]
    iqr = list(table["box height (IQR)"])
    assert iqr[0] > iqr[1] > iqr[2]
    assert len(at.get("download_button")) >= 6


def test_every_scene_renders():
    at = open_page(LIGHT)
    scenes = [b for b in at.button if b.key and b.key.startswith("_ui_dimensions_scene_")]
    assert len(scenes) == 6
    for i in range(len(scenes)):
        at.button(key=f"_ui_dimensions_scene_{i}").click()
        run(at)
        assert not texts(at.warning), texts(at.warning)
    # the last scene: widths 1 … 32
    assert list(at.dataframe[0].value["width"]) == [1, 2, 4, 8, 16, 32]
    at.button(key="_ui_dimensions_scene_3").click()  # 3¹⁰ critical points
    run(at)
    assert metric(at, "Critical points") == "59,049"
    assert metric(at, "Minima") == "1,024"


def test_largest_settings_run_or_explain_the_budget():
    at = open_page(
        {
            **LIGHT,
            "distances_largest": "10000",
            "distances_points": "500",
            "matrices_samples": "10M",
            "matrices_largest": "10",
            "styblinski_dimension": "12",
            "grid_weights": "1000000",
            "grid_values_per_weight": "100",
            "critical_units": "12",
            "critical_starts": "256",
            "critical_search_steps": "400",
            "sweep_restarts": "64",
            "sweep_steps": "1600",
            "sweep_widths": ["16", "24", "32"],
        }
    )
    text = texts(at.warning)
    assert text.count("too large to run here") == 4, text  # distances, matrices, search, widths
    assert metric(at, "Critical points") == f"{3**12:,}"
    assert metric(at, "Minima") == f"{2**12:,}"
    assert metric(at, "Grid points") == "1.0 × 10²⁰⁰⁰⁰⁰⁰"


def test_tampered_links_fall_back_to_defaults():
    at = open_page(
        {
            **LIGHT,
            "styblinski_dimension": "99",
            "distances_largest": "7",
            "distances_points": "-5",
            "distances_seed": "1e309",
            "critical_dataset": "nonsense",
            "grid_values_per_weight": "abc",
            "slice_saddle": "123456",
        }
    )
    assert metric(at, "Critical points") == "6,561"  # d back to 8
    assert metric(at, "Grid points") == "1.0 × 10¹⁰⁰"


def test_no_width_chosen_says_so():
    at = open_page(LIGHT)
    at.multiselect(key="sweep_widths").set_value([])
    run(at)
    assert any("Choose at least one width" in i.value for i in at.info)

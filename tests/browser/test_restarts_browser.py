"""The restarts lesson in Chromium: every surface's basin map and the network section are drawn
(vega-embed puts a canvas or SVG on the page), with no exception box and no JavaScript error.

Uses the `app_url` (a running `streamlit run app.py`) and `page` (a fresh Chromium page)
fixtures. Small settings come in through the link, as a shared link would carry them.
"""

import pytest
from browser_kit import IDLE, PAGE_TIMEOUT_MS, goto, metric_value, no_errors
from page_kit import surface_option

from core import surfaces

SMALL = {
    "map_grid": "20",
    "map_samples": "1",
    "restarts_steps": "100",
    "restarts_runs": "50",
    "network_restarts": "8",
    "network_steps": "100",
}
CHARTS = '[data-testid="stVegaLiteChart"]'


def open_lesson(page, app_url: str, **query) -> list[str]:
    """Open the lesson with `query` and wait until its charts have drawn; return page errors."""
    return goto(page, app_url, "restarts", {**SMALL, **query}, charts=8)


@pytest.mark.parametrize("key", surfaces.names())
def test_every_surface_draws_its_basin_map(page, app_url, key):
    errors = open_lesson(page, app_url, restarts_surface=surface_option(key))
    assert page.get_by_text(f"{surfaces.get(key).label} —", exact=False).count() > 0
    assert metric_value(page, "Starts that reach a global minimum").endswith("%")
    no_errors(page, errors)


def test_network_section_draws_three_boundaries(page, app_url):
    errors = open_lesson(page, app_url, network_restarts="16", network_steps="500")
    # Map, histogram, best-after-k, success, noise, good enough; then the network's histogram,
    # its best / median / worst boundaries (one chart each: side by side, they wrap on a
    # phone), loss curves and weight norms.
    assert page.locator(CHARTS).count() == 12
    assert page.get_by_text("Hamey (1998)", exact=False).count() > 0
    assert metric_value(page, "Weights per network") == "9"
    no_errors(page, errors)


def test_typed_double_well_splits_half_and_half(page, app_url):
    errors = open_lesson(
        page,
        app_url,
        restarts_surface="Type your own formula",
        restarts_formula="(x**2 - 1)**2 + y**2",
        restarts_lr="0.01",
        restarts_steps="500",
    )
    assert metric_value(page, "Starts that reach a global minimum") == "100.0%"
    assert metric_value(page, "Known minima") == "2"
    no_errors(page, errors)


def test_scene_button_sets_the_experiment(page, app_url):
    errors = open_lesson(page, app_url)
    page.get_by_role("button", name="XOR stalls").click()
    page.wait_for_selector(IDLE, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(
        "() => location.search.includes('network_steps=2000')", timeout=PAGE_TIMEOUT_MS
    )
    no_errors(page, errors)

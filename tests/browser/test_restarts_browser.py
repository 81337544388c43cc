"""The restarts lesson in Chromium: every surface's basin map and the network section are drawn
(vega-embed puts a canvas or SVG on the page), with no exception box and no JavaScript error.

Uses the `app_url` (a running `streamlit run app.py`) and `page` (a fresh Chromium page)
fixtures. Small settings come in through the link, as a shared link would carry them.
"""
from urllib.parse import urlencode

import pytest

from core import surfaces

TIMEOUT_MS = 120_000
SMALL = {"rs_grid": "20", "rs_samples": "1", "rs_steps": "100", "rs_n": "50",
         "rs_restarts": "8", "rs_net_steps": "100"}
CHARTS = '[data-testid="stVegaLiteChart"]'


def label(key: str) -> str:
    """A select box carries the label it shows in the URL."""
    s = surfaces.get(key)
    return f"{s.label} — {s.group}"


def open_lesson(page, app_url: str, **query) -> list[str]:
    """Open the lesson with `query`, wait until every chart has drawn; return page errors."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/restarts?{urlencode({**SMALL, **query})}", timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=TIMEOUT_MS)
    page.wait_for_function(
        f"""() => {{ const c = [...document.querySelectorAll('{CHARTS}')];
                   return c.length >= 8 && c.every(e => e.querySelector('canvas, svg.marks')); }}""",
        timeout=TIMEOUT_MS)
    return errors


def metric(page, label_text: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label_text).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def no_exception(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


@pytest.mark.parametrize("key", surfaces.names())
def test_every_surface_draws_its_basin_map(page, app_url, key):
    errors = open_lesson(page, app_url, rs_surface=label(key))
    no_exception(page)
    assert page.get_by_text(f"{surfaces.get(key).label} —", exact=False).count() > 0
    assert metric(page, "Starts that reach a global minimum").endswith("%")
    assert not errors, errors


def test_network_section_draws_three_boundaries(page, app_url):
    errors = open_lesson(page, app_url, rs_restarts="16", rs_net_steps="500")
    no_exception(page)
    # Map, histogram, best-after-k, success, noise, good enough; then the network's histogram,
    # its best / median / worst boundaries (one chart), loss curves and weight norms.
    assert page.locator(CHARTS).count() == 10
    assert page.get_by_text("Hamey (1998)", exact=False).count() > 0
    assert metric(page, "Weights per network") == "9"
    assert not errors, errors


def test_typed_double_well_splits_half_and_half(page, app_url):
    errors = open_lesson(page, app_url, rs_surface="Type your own formula",
                         rs_formula="(x**2 - 1)**2 + y**2", rs_lr="0.01", rs_steps="500")
    no_exception(page)
    assert metric(page, "Starts that reach a global minimum") == "100.0%"
    assert metric(page, "Known minima") == "2"
    assert not errors, errors


def test_scene_button_sets_the_experiment(page, app_url):
    errors = open_lesson(page, app_url)
    page.get_by_role("button", name="XOR stalls").click()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('rs_net_steps=2000')",
                           timeout=TIMEOUT_MS)
    no_exception(page)
    assert not errors, errors

"""The real-network landscape page in Chromium: every chart draws (screenshot kept in
screenshots/network_landscape.png), a lesson scene reruns the experiment and lands in the address
bar, and the shared link restores it.

Uses the fixtures `app_url` (base URL of a running `streamlit run app.py`) and `page` (a fresh
Playwright page) from tests/browser/conftest.py.
"""

from browser_kit import SHOTS, goto, metric_value, no_errors, reload, scene, screenshot
from playwright.sync_api import expect

CHARTS = '[data-testid="stVegaLiteChart"]'


def test_the_page_draws_every_chart(app_url, page):
    errors = goto(page, app_url, "network_landscape", charts=10)
    no_errors(page, errors)
    expect(page.get_by_role("heading", name="A real network's landscape")).to_be_visible()
    # two decision boundaries, the loss curves, two line charts, two slices, two compared
    # slices and the Hessian spectrum
    assert metric_value(page, "Climb, start → trained") == "0"
    assert page.locator(CHARTS).count() >= 10
    assert page.locator(f"{CHARTS} canvas, {CHARTS} svg.marks").count() >= 10
    assert metric_value(page, "Run A: training accuracy").endswith("%")
    assert "of 337" in metric_value(page, "Negative eigenvalues")
    screenshot(page, SHOTS / "network_landscape.png")
    no_errors(page, errors)


def test_a_scene_reruns_and_its_link_restores_it(app_url, page):
    errors = goto(page, app_url, "network_landscape", charts=10)
    scene(page, "XOR: two solutions, a barrier between", r"net_dataset=XOR")
    no_errors(page, errors)
    expect(page.get_by_text("17 weights", exact=True)).to_be_visible()
    barrier = float(metric_value(page, "Barrier A → B"))
    matched = float(metric_value(page, "Barrier A → B matched"))
    assert barrier > 0.1 and matched < barrier / 4
    reload(page)
    no_errors(page, errors)
    assert "net_width=4" in page.url and "net_layers=1" in page.url
    assert float(metric_value(page, "Barrier A → B")) == barrier


def test_the_wide_vs_narrow_scene_sets_both_ends_of_the_range(app_url, page):
    errors = goto(page, app_url, "network_landscape", charts=10)
    scene(page, "Spirals: wide vs narrow", r"pair_widths=4.*pair_widths=64")
    no_errors(page, errors)
    expect(page.get_by_text("64 units per layer (", exact=False)).to_be_visible()
    reload(page)
    no_errors(page, errors)
    expect(page.get_by_text("64 units per layer (", exact=False)).to_be_visible()

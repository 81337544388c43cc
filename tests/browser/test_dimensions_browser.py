"""The dimensions page in Chromium: every chart draws, the numbers come out, a lesson scene
reruns its section and lands in the address bar, and a shared link restores it.

Uses the fixtures `app_url` (base URL of a running `streamlit run app.py`) and `page` (a fresh
Playwright page) from tests/browser/conftest.py.
"""

from browser_kit import goto, metric, no_errors, reload, scene
from playwright.sync_api import expect

CHARTS = '[data-testid="stVegaLiteChart"]'


def test_the_page_draws_every_chart(app_url, page):
    errors = goto(page, app_url, "dimensions")
    no_errors(page, errors)
    expect(page.get_by_role("heading", name="What changes as the dimension grows")).to_be_visible()
    # distances (2), grid, matrices, Styblinski–Tang (2), network, slices (3), widths
    assert page.locator(CHARTS).count() >= 11
    expect(metric(page, "Grid points")).to_contain_text("10")
    expect(metric(page, "Time to try them all")).to_contain_text("ages of the universe")
    expect(metric(page, "Critical points")).to_contain_text("6,561")
    expect(metric(page, "Sizes with no all-positive sample")).to_contain_text("n ≥ 7")
    assert page.get_by_text("3^(−n²/4)").count() >= 1
    no_errors(page, errors)


def test_a_scene_reruns_and_its_link_restores_it(app_url, page):
    errors = goto(page, app_url, "dimensions")
    scene(page, "3¹⁰ critical points", r"styblinski_dimension=10")
    no_errors(page, errors)
    expect(metric(page, "Critical points")).to_contain_text("59,049")
    expect(metric(page, "Minima")).to_contain_text("1,024")
    reload(page)
    no_errors(page, errors)
    assert "styblinski_dimension=10" in page.url
    expect(metric(page, "Critical points")).to_contain_text("59,049")

"""The saddles page in Chromium: every chart draws, a lesson scene reruns the experiment and lands
in the address bar, the step slider moves markers without a rerun, and a shared link restores it.

Uses the fixtures `app_url` (base URL of a running `streamlit run app.py`) and `page` (a fresh
Playwright page) from tests/browser/conftest.py.
"""

from browser_kit import goto, no_errors, reload, scene
from playwright.sync_api import expect

CHARTS = '[data-testid="stVegaLiteChart"]'


def test_the_page_draws_every_chart(app_url, page):
    errors = goto(page, app_url, "saddles")
    no_errors(page, errors)
    expect(page.get_by_role("heading", name="Saddle points and flat regions")).to_be_visible()
    assert page.locator(CHARTS).count() >= 10
    assert page.get_by_text("stuck on the saddle").count() >= 1  # ε = 0 and Newton
    # the step slider is a Vega binding: moving it redraws the markers without a rerun
    scrub = page.locator('.vega-bind input[type="range"]').first
    scrub.evaluate("(e) => { e.value = 40; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_timeout(300)
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    no_errors(page, errors)


def test_a_scene_reruns_and_its_link_restores_it(app_url, page):
    errors = goto(page, app_url, "saddles")
    scene(page, "Newton walks into the saddle", r"saddle_eps=0\.0001")
    no_errors(page, errors)
    newton = page.locator('[data-testid="stTable"] tr', has_text="Newton").first
    expect(newton).to_contain_text("stuck on the saddle")
    reload(page)
    no_errors(page, errors)
    assert "saddle_eps=0.0001" in page.url and "saddle_steps=300" in page.url
    assert page.get_by_text("Saddle-free Newton: learning rate").count() == 1
    assert page.get_by_text("Adam: learning rate").count() == 0

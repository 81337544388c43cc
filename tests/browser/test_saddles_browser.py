"""The saddles page in Chromium: every chart draws, a lesson scene reruns the experiment and lands
in the address bar, the step slider moves markers without a rerun, and a shared link restores it.

Uses the fixtures `app_url` (base URL of a running `streamlit run app.py`) and `page` (a fresh
Playwright page) from tests/conftest.py.
"""
import re

from playwright.sync_api import expect

URL_PATH = "saddles"
TIMEOUT_MS = 180_000
CHARTS = '[data-testid="stVegaLiteChart"]'


def settle(page) -> None:
    """Wait until the script has finished and every Vega chart has drawn itself."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.wait_for_function(
        f"""() => {{ const c = [...document.querySelectorAll('{CHARTS}')];
                     return c.length > 0
                            && c.every(e => e.querySelector('canvas, svg.marks')); }}""",
        timeout=TIMEOUT_MS)


def no_errors(page, errors) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert not errors, errors


def test_the_page_draws_every_chart(app_url, page):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/{URL_PATH}", timeout=TIMEOUT_MS)
    settle(page)
    no_errors(page, errors)
    expect(page.get_by_role("heading", name="Saddle points and flat regions")).to_be_visible()
    assert page.locator(CHARTS).count() >= 10
    assert page.get_by_text("stuck on the saddle").count() >= 1  # ε = 0 and Newton
    # the step slider is a Vega binding: moving it redraws the markers without a rerun
    scrub = page.locator('.vega-bind input[type="range"]').first
    scrub.evaluate("(e) => { e.value = 40; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_timeout(300)
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute("data-test-script-state",
                                                                     "notRunning")
    no_errors(page, errors)


def test_a_scene_reruns_and_its_link_restores_it(app_url, page):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/{URL_PATH}", timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_role("button", name="Newton walks into the saddle").click()
    page.wait_for_url(re.compile(r"sd_eps=0\.0001"), timeout=TIMEOUT_MS)
    settle(page)
    no_errors(page, errors)
    newton = page.locator('[data-testid="stTable"] tr', has_text="Newton").first
    expect(newton).to_contain_text("stuck on the saddle")
    shared = page.url
    page.goto("about:blank")
    page.goto(shared, timeout=TIMEOUT_MS)
    settle(page)
    no_errors(page, errors)
    assert "sd_eps=0.0001" in page.url and "sd_steps=300" in page.url
    assert page.get_by_text("Saddle-free Newton: learning rate").count() == 1
    assert page.get_by_text("Adam: learning rate").count() == 0

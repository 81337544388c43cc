"""The dimensions page in Chromium: every chart draws, the numbers come out, a lesson scene
reruns its section and lands in the address bar, and a shared link restores it.

Uses the fixtures `app_url` (base URL of a running `streamlit run app.py`) and `page` (a fresh
Playwright page) from tests/conftest.py.
"""
import re

from playwright.sync_api import expect

URL_PATH = "dimensions"
TIMEOUT_MS = 180_000
CHARTS = '[data-testid="stVegaLiteChart"]'


def settle(page) -> None:
    """Wait until the script has finished and every Vega chart has drawn itself."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.wait_for_function(
        f"""() => {{ const c = [...document.querySelectorAll('{CHARTS}')];
                     return c.length > 0 && c.every(e => e.querySelector('canvas, svg.marks')); }}""",
        timeout=TIMEOUT_MS)


def no_errors(page, errors) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert not errors, errors


def metric(page, label: str):
    return page.locator('[data-testid="stMetric"]', has_text=label).first


def test_the_page_draws_every_chart(app_url, page):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/{URL_PATH}", timeout=TIMEOUT_MS)
    settle(page)
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
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/{URL_PATH}", timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_role("button", name="3¹⁰ critical points").click()
    page.wait_for_url(re.compile(r"dm_st_d=10"), timeout=TIMEOUT_MS)
    settle(page)
    no_errors(page, errors)
    expect(metric(page, "Critical points")).to_contain_text("59,049")
    expect(metric(page, "Minima")).to_contain_text("1,024")
    shared = page.url
    page.goto("about:blank")
    page.goto(shared, timeout=TIMEOUT_MS)
    settle(page)
    no_errors(page, errors)
    assert "dm_st_d=10" in page.url
    expect(metric(page, "Critical points")).to_contain_text("59,049")

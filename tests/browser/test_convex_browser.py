"""The convex lesson in Chromium: a click on the map moves the start point (inputs and address
bar), the step slider moves the markers without a rerun, Play animates the paths, and no
exception box or JavaScript error appears. Saves screenshots/convex.png.

Uses the shared fixtures `app_url` (base URL of a running `streamlit run app.py`) and `page`
(a fresh Chromium page).
"""

import pytest
from browser_kit import IDLE, PAGE_TIMEOUT_MS, SHOTS, goto, no_errors, screenshot, wait_until_drawn
from playwright.sync_api import expect

BOARD = '[data-testid="stVegaLiteChart"]:has(input[type="range"])'  # the map with the scrubber
PLAY = '[data-testid="stPlotlyChart"]:has(.updatemenu-button)'


@pytest.fixture
def lesson(app_url, page):
    errors = goto(page, app_url, "convex")
    yield page
    no_errors(page, errors)


def test_click_on_the_map_sets_the_start_point(lesson):
    page = lesson
    start_x, start_y = page.get_by_label("Start x"), page.get_by_label("Start y")
    before = (start_x.input_value(), start_y.input_value())
    board = page.locator(BOARD)
    board.scroll_into_view_if_needed()
    box = board.locator("canvas").bounding_box()
    # a quarter across, halfway down: inside the plot, left of the origin of Himmelblau's map
    page.mouse.click(box["x"] + 0.25 * box["width"], box["y"] + 0.5 * box["height"])
    expect(start_x).not_to_have_value(before[0], timeout=PAGE_TIMEOUT_MS)
    wait_until_drawn(page)
    x, y = float(start_x.input_value()), float(start_y.input_value())
    assert (str(x), str(y)) != before and -5 <= x < 0 and -5 <= y <= 5
    assert "descent_x0=" in page.url and "descent_y0=" in page.url, (
        "the link carries the clicked start"
    )


def test_step_slider_moves_the_markers_without_a_rerun(lesson):
    page = lesson
    board = page.locator(BOARD)
    board.scroll_into_view_if_needed()
    canvas = board.locator("canvas")
    page.mouse.move(0, 0)  # no tooltip in the pictures
    url, before = page.url, canvas.screenshot()
    slider = board.locator('input[type="range"]')
    slider.fill("150")
    expect(board.locator(".vega-bind span").last).to_have_text("150")
    page.wait_for_timeout(300)
    assert canvas.screenshot() != before, "the markers moved along their paths"
    assert page.locator(IDLE).count() == 1 and page.url == url, "no rerun, no new link"


def test_play_button_animates_the_paths(lesson):
    page = lesson
    play = page.locator(PLAY)
    play.scroll_into_view_if_needed()
    label = play.locator(".slider-label").first
    expect(label).to_have_text("step 0")
    play.locator(".updatemenu-button", has_text="Play").click()
    expect(label).not_to_have_text("step 0", timeout=10_000)


def test_page_screenshot(lesson):
    shot = SHOTS / "convex.png"
    screenshot(lesson, shot)
    assert shot.stat().st_size > 50_000

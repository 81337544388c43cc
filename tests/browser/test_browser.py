"""Every page in a real browser: the app served by `streamlit run app.py`, opened in Chromium.

Checks what only a browser shows: the script finishes, every chart is actually drawn (vega-embed
or Plotly put their canvas/SVG on the page), no exception box, no uncaught JavaScript error.
A full-page screenshot of each page lands in screenshots/ (git-ignored) for a person to look at.
Needs Debian's chromium (scripts/test.sh installs it); skipped without it, except in CI.
"""

from pathlib import Path

import pytest
from browser_kit import DRAWN, SHOTS, goto, no_errors, screenshot

from lessons import HOME, LESSONS

PAGES = [HOME, *LESSONS]


NOT_FOUND = "Page not found"


@pytest.mark.parametrize("entry", PAGES, ids=[p.file for p in PAGES])
def test_page_draws_in_chromium(entry, app_url, page):
    errors = goto(page, app_url, entry.url)
    screenshot(page, SHOTS / f"{Path(entry.file).stem}.png")
    assert page.locator('[data-testid="stHeading"], [data-testid="stMarkdown"]').count() > 0
    if entry in LESSONS:
        assert page.locator(DRAWN).count() > 0, "a lesson draws at least one chart"
    assert page.get_by_text(NOT_FOUND).count() == 0, f"/{entry.url} shows {NOT_FOUND!r}"
    no_errors(page, errors)


@pytest.mark.parametrize("entry", PAGES, ids=[p.file for p in PAGES])
def test_a_shared_link_with_settings_opens_the_page_cleanly(entry, app_url, page):
    """A link as a student receives it: the page's own address with query parameters. With a
    pages/ folder next to app.py, an address that is not a file's stem shows "Page not found"."""
    errors = goto(page, app_url, entry.url, {"present": "false", "unknown_setting": "1"})
    assert page.get_by_text(NOT_FOUND).count() == 0, f"/{entry.url}?… shows {NOT_FOUND!r}"
    assert page.title() != "" and page.locator('[data-testid="stHeading"]').count() > 0
    no_errors(page, errors)


def test_an_unknown_address_says_page_not_found(app_url, page):
    """The check above can fail: a wrong address does show the message."""
    goto(page, app_url, "no_such_lesson")
    page.get_by_text(NOT_FOUND).first.wait_for(timeout=10_000)

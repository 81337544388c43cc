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


@pytest.mark.parametrize("entry", PAGES, ids=[p.file for p in PAGES])
def test_page_draws_in_chromium(entry, app_url, page):
    errors = goto(page, app_url, entry.url)
    screenshot(page, SHOTS / f"{Path(entry.file).stem}.png")
    assert page.locator('[data-testid="stHeading"], [data-testid="stMarkdown"]').count() > 0
    if entry in LESSONS:
        assert page.locator(DRAWN).count() > 0, "a lesson draws at least one chart"
    no_errors(page, errors)

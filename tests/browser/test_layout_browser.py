"""Layout in Chromium (issue 18): no page is wider than a 390 px phone, every map is drawn true to
scale (equal units on both axes, so a square domain is a square plot) at phone and projector
widths, and Play on Convex leaves the contour map drawn after its last frame.

A Vega chart drawn on a canvas has no plot-area element to measure, so the test asks the chart's
Vega view itself (its width, height, x and y scales), found through the React component that
holds it: a test-only reach into Streamlit's front end, kept in VIEWS below.
"""

import re

import pytest
from browser_kit import goto, no_errors
from playwright.sync_api import expect

from lessons import HOME, LESSONS

PAGES = [HOME, *LESSONS]
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 800}
PLAY = '[data-testid="stPlotlyChart"]:has(.updatemenu-button)'
#: What a map's description says (ui.charts.surface_heatmap, the basin, curvature, decision and
#: saddle-plane maps): these charts must have equal units on both axes.
MAP = re.compile(r"heatmap|basin map|curvature map|probability of class 1|over a plane", re.I)

#: Every Vega chart's view: its description, plot width and height, and its x and y domains.
VIEWS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(el => {
  let host = el.querySelector('canvas, svg.marks');
  while (host && !Object.keys(host).some(k => k.startsWith('__reactFiber'))) {
    host = host.parentElement;
  }
  const key = host && Object.keys(host).find(k => k.startsWith('__reactFiber'));
  for (let f = key ? host[key] : null; f; f = f.return) {
    for (let h = f.memoizedState; h && typeof h === 'object'; h = h.next) {
      for (const v of [h.memoizedState, h.memoizedState && h.memoizedState.current]) {
        if (v && typeof v.signal === 'function' && typeof v.scale === 'function') {
          const x = v.scale('x'), y = v.scale('y');
          return {description: String(v.description() || ''), width: v.width(),
                  height: v.height(), x: x ? x.domain() : null, y: y ? y.domain() : null};
        }
      }
    }
  }
  return null;
})"""

#: How far the page and the widest element of its main area reach to the right, in pixels;
#: an element inside a box that scrolls or clips (a data table) is that box's business.
REACH = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  let widest = null;
  for (const e of main.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (!r.width || (widest && r.right <= widest.right)) continue;
    let clipped = false;
    for (let a = e.parentElement; a && a !== main && !clipped; a = a.parentElement) {
      clipped = getComputedStyle(a).overflowX !== 'visible'
        && a.getBoundingClientRect().right <= window.innerWidth;
    }
    if (!clipped) widest = {right: r.right, what: e.getAttribute('data-testid') || e.tagName};
  }
  return {page: document.documentElement.scrollWidth, widest};
}"""


def maps(page) -> list[dict]:
    views = page.evaluate(VIEWS)
    assert None not in views, "every Vega chart's view was found"
    return [v for v in views if MAP.search(v["description"]) and v["x"] and v["y"]]


def assert_true_to_scale(view: dict) -> None:
    """Plot width / height within 5% of x span / y span: a square domain gives a square plot."""
    (x0, x1), (y0, y1) = view["x"], view["y"]
    units = (view["width"] / view["height"]) / ((x1 - x0) / (y1 - y0))
    assert abs(units - 1) <= 0.05, (view["description"][:60], view)


@pytest.fixture(params=[PHONE, PROJECTOR], ids=["phone", "projector"])
def screen(request, page):
    page.set_viewport_size(request.param)
    return request.param


@pytest.mark.parametrize("entry", PAGES, ids=[p.file for p in PAGES])
def test_a_page_fits_the_screen_and_draws_its_maps_true_to_scale(entry, app_url, page, screen):
    errors = goto(page, app_url, entry.url)
    reach = page.evaluate(REACH)
    assert reach["page"] <= screen["width"], reach
    assert reach["widest"]["right"] <= screen["width"] + 1, reach
    found = maps(page)
    if entry.name in {"home", "convex", "restarts", "saddles", "network_landscape"}:
        assert found, "the page draws at least one map"
    for view in found:
        assert_true_to_scale(view)
    for plot in page.locator(f"{PLAY} .nsewdrag").all():
        box = plot.bounding_box()
        assert abs(box["width"] / box["height"] - 1) <= 0.05, box  # Convex's Play map: square
    no_errors(page, errors)


def test_the_map_check_can_fail():
    """A 420 × 280 plot of a square domain, as charts were drawn before, is not true to scale."""
    squeezed = {"description": "Heatmap", "width": 420, "height": 280, "x": [-5, 5], "y": [-5, 5]}
    with pytest.raises(AssertionError):
        assert_true_to_scale(squeezed)
    assert_true_to_scale({**squeezed, "x": [-3, 3], "y": [-2, 2]})  # equal units: fine


def test_play_keeps_the_contour_map_after_the_last_frame(app_url, page):
    errors = goto(page, app_url, "convex")
    play = page.locator(PLAY)
    play.scroll_into_view_if_needed()
    contour = play.locator(".contourlayer path")
    drawn = contour.count()
    assert drawn > 0, "the contour map is drawn before Play"
    last = play.locator(".slider-group .slider-label").first
    steps = play.evaluate("e => e.querySelector('.js-plotly-plot').layout.sliders[0].steps")
    play.locator(".updatemenu-button", has_text="Play").click()
    expect(last).to_have_text(f"step {steps[-1]['label']}", timeout=60_000)
    page.wait_for_timeout(500)
    kinds = play.evaluate("e => e.querySelector('.js-plotly-plot').data.map(d => d.type)")
    assert kinds[0] == "contour" and contour.count() == drawn, "the contour is still drawn"
    no_errors(page, errors)

"""The practice lesson in Chromium: every chart draws, every control of every section is operated
the way a student would (click, key press, typing), each change reruns its section without an
exception or JavaScript error and lands in the address bar, and the link then restores it all.

Uses the `app_url` (a running `streamlit run app.py`) and `page` (a fresh Chromium page)
fixtures. Light settings come in through the link, as a shared link would carry them.
"""

from urllib.parse import parse_qs, urlparse

import pytest
from browser_kit import (
    PAGE_TIMEOUT_MS,
    goto,
    metric_value,
    no_errors,
    no_exception,
    reload,
    wait_until_drawn,
)
from playwright.sync_api import expect

LIGHT = {
    "recipe_steps": "100",
    "recipe_restarts": "4",
    "sweep_steps": "100",
    "sweep_restarts": "4",
    "sweep_count": "4",
    "compare_steps": "100",
    "compare_restarts": "4",
}
CHARTS = '[data-testid="stVegaLiteChart"]'


def open_lesson(page, app_url: str, **query) -> list[str]:
    return goto(page, app_url, "practice", {**LIGHT, **query})


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def changed(page, key: str, action) -> None:
    """Do `action`, then wait until the address bar's value for `key` changes and the rerun ends."""
    before = query(page).get(key)
    action()
    page.wait_for_function(
        f"""(b) => JSON.stringify(new URLSearchParams(location.search).getAll('{key}'))
                   !== JSON.stringify(b)""",
        arg=before or [],
        timeout=PAGE_TIMEOUT_MS,
    )
    wait_until_drawn(page)
    no_exception(page)


def box(page, title: str):
    """A section's settings (an expander, found by its title)."""
    return page.locator('[data-testid="stExpander"]', has_text=title).first


def slide(area, label: str, key: str = "ArrowRight"):
    def act():
        thumb = area.locator(f'input[type="range"][aria-label="{label}"]').first
        thumb.focus()
        thumb.press(key)

    return act


def choose(page, area, label: str, option: str):
    def act():
        field = area.get_by_role("combobox", name=label, exact=True).first
        field.click()
        field.press("ArrowDown")  # a click focuses the box; the key opens its list
        page.get_by_role("option", name=option, exact=True).click()

    return act


def type_in(area, label: str, value: str):
    def act():
        field = area.get_by_label(label, exact=True).first
        field.fill(value)
        field.press("Enter")

    return act


def click(locator):
    return lambda: locator.click()


def operate(page, steps) -> set[str]:
    for key, action in steps:
        changed(page, key, action)
    return {key for key, _ in steps}


def restores(page, keys: set[str], errors: list[str]) -> None:
    """Open the address bar's link in a fresh load: every changed control is still there."""
    reload(page)
    assert keys <= set(query(page)), keys - set(query(page))
    no_errors(page, errors)


def test_the_page_draws_every_chart_and_marks_diverged_runs(page, app_url):
    errors = open_lesson(page, app_url, sweep_count="8", sweep_steps="200")
    assert page.get_by_role("heading", name="What makes training work in practice").count() == 1
    assert page.locator(CHARTS).count() == 4
    assert metric_value(page, "Diverged restarts").endswith("of 32")
    assert page.get_by_text("Crosses along the top mark learning rates").count() == 1
    assert page.get_by_text("Ioffe, S., & Szegedy, C. (2015)").count() == 1
    no_errors(page, errors)


def test_every_control_of_the_recipe(page, app_url):
    errors = open_lesson(page, app_url)
    area = box(page, "Network, ingredients and training")
    keys = operate(
        page,
        [
            ("recipe_dataset", choose(page, area, "Dataset", "Two moons")),
            ("recipe_depth", slide(area, "Hidden layers")),
            ("recipe_width", slide(area, "Units per layer")),
            ("recipe_ingredients", click(area.get_by_role("button", name="Remove Adam"))),
            ("recipe_sgd_lr", slide(area, "Learning rate of plain SGD", "ArrowLeft")),
            ("recipe_adam_lr", slide(area, "Learning rate of Adam")),
            ("recipe_restarts", slide(area, "Restarts per setting")),
            ("recipe_steps", slide(area, "Steps")),
            ("recipe_target", slide(area, "Target loss", "ArrowLeft")),
            ("recipe_seed", type_in(area, "Seed", "3")),
        ],
    )
    assert page.locator(CHARTS).count() == 4
    restores(page, keys, errors)


def test_every_control_of_the_sweep(page, app_url):
    errors = open_lesson(page, app_url)
    area = box(page, "Network, optimiser and learning rates")
    keys = operate(
        page,
        [
            ("sweep_dataset", choose(page, area, "Dataset", "Two spirals")),
            ("sweep_depth", slide(area, "Hidden layers")),
            ("sweep_width", slide(area, "Units per layer", "ArrowLeft")),
            ("sweep_activation", choose(page, area, "Activation", "ReLU")),
            ("sweep_optimizer", choose(page, area, "Optimiser", "Adam")),
            ("sweep_lr_range", slide(area, "Learning rates from … to … — end", "ArrowLeft")),
            ("sweep_count", slide(area, "How many learning rates")),
            ("sweep_restarts", slide(area, "Restarts per setting")),
            ("sweep_steps", slide(area, "Steps")),
            ("sweep_seed", type_in(area, "Seed", "7")),
        ],
    )
    assert query(page)["sweep_optimizer"] == ["Adam"]
    restores(page, keys, errors)


@pytest.mark.parametrize("choice", ["Optimiser", "Skip connections"])
def test_every_control_of_the_comparison(page, app_url, choice):
    errors = open_lesson(page, app_url)
    radio = page.locator('[data-testid="stRadio"]', has_text="Compare").first
    changed(page, "compare_choice", click(radio.locator("label", has_text=choice)))
    area = box(page, "Baseline network and training")
    steps = [
        ("compare_dataset", choose(page, area, "Dataset", "Two moons")),
        ("compare_depth", slide(area, "Hidden layers", "ArrowLeft")),
        ("compare_width", slide(area, "Units per layer", "ArrowLeft")),
        ("compare_activation", choose(page, area, "Activation", "ReLU")),
        ("compare_skip", click(area.get_by_text("Skip connections", exact=True))),
        ("compare_init", choose(page, area, "Initialisation", "He")),
        ("compare_small", slide(area, "Too small: spread s of N(0, s²)")),
        ("compare_large", slide(area, "Too large: spread s of N(0, s²)", "ArrowLeft")),
        ("compare_momentum_lr", slide(area, "Learning rate of momentum")),
        ("compare_batch", slide(area, "Batch size", "ArrowLeft")),
        ("compare_restarts", slide(area, "Restarts per setting")),
        ("compare_steps", slide(area, "Steps")),
        ("compare_target", slide(area, "Target loss")),
        ("compare_seed", type_in(area, "Seed", "11")),
        ("compare_every", click(area.get_by_text("Show every restart", exact=True))),
    ]
    if choice == "Optimiser":  # the other optimisers' rates, then a new baseline optimiser
        steps += [
            ("compare_sgd_lr", slide(area, "Learning rate of plain SGD")),
            ("compare_adam_lr", slide(area, "Learning rate of Adam", "ArrowLeft")),
            ("compare_optimizer", choose(page, area, "Optimiser", "Adam")),
        ]
    keys = operate(page, steps)
    table = page.locator('[data-testid="stDataFrame"]').first
    assert table.is_visible()
    restores(page, keys | {"compare_choice"}, errors)


def test_scenes_presentation_and_prediction(page, app_url):
    errors = open_lesson(page, app_url)
    changed(page, "compare_choice", click(page.get_by_role("button", name="Minibatch noise")))
    assert query(page)["compare_choice"] == ["Batch size"]
    predict = page.locator('[data-testid="stRadio"]', has_text="still about 0.69").first
    predict.locator("label", has_text="still about 0.69").click()
    page.get_by_role("button", name="Commit my guess").click()
    page.get_by_text("Measured: 0.69", exact=False).wait_for(timeout=PAGE_TIMEOUT_MS)
    changed(page, "present", click(page.get_by_text("Presentation mode", exact=True)))
    # the rerun may start just after the address bar changes: wait for its result
    expect(
        page.locator('[data-testid="stExpander"]', has_text="Hard setting against the recipe")
    ).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
    no_errors(page, errors)

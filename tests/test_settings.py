"""ui.settings: a section's settings declared once give its URL keys, its defaults, the values a
scene sets and the values read back from the widgets; ui.text fills a lesson's prose blocks."""

from dataclasses import dataclass
from typing import ClassVar

import pytest
from streamlit.testing.v1 import AppTest

from ui import settings
from ui.text import Text


@dataclass(frozen=True)
class Demo(settings.Settings):
    PREFIX: ClassVar[str] = "demo"
    surface: str = "saddle"
    steps: int = 500
    optimizers: tuple[str, ...] = ("sgd", "adam")
    lr: tuple[tuple[str, float], ...] = settings.per_name()


def test_keys_and_defaults_come_from_the_declaration():
    assert Demo.key("steps") == "demo_steps"
    assert Demo.key("lr", "adam") == "demo_adam_lr"
    assert Demo.default("steps") == 500
    with pytest.raises(KeyError):
        Demo.key("no_such")
    with pytest.raises(KeyError):
        Demo.key("lr")  # a per-name key needs its name


def test_values_are_what_a_scene_sets():
    scene = Demo(steps=300, lr=(("adam", 0.05), ("sgd", 0.1)))
    assert scene.values() == {
        "demo_surface": "saddle",
        "demo_steps": 300,
        "demo_optimizers": ["sgd", "adam"],  # lists, as a multiselect holds them
        "demo_adam_lr": 0.05,
        "demo_sgd_lr": 0.1,
    }
    assert scene.get("lr", "adam") == 0.05 and scene.get("lr", "momentum", 1.0) == 1.0


def test_from_state_reads_back_what_values_wrote():
    scene = Demo(surface="monkey_saddle", optimizers=("adam",), lr=(("adam", 0.05),))
    state = {**scene.values(), "other_steps": 9, "_ui_private": 1}
    back = Demo.from_state(state)
    assert back == scene and hash(back) == hash(scene)
    assert Demo.from_state({}) == Demo()


def test_of_picks_a_section_from_a_scene():
    @dataclass(frozen=True)
    class Other(settings.Settings):
        PREFIX: ClassVar[str] = "other"
        n: int = 1

    scene = (Other(n=3),)
    assert settings.of(scene, Other) == Other(n=3) and settings.of(scene, Demo) == Demo()


def bound_page():
    from dataclasses import dataclass
    from typing import ClassVar

    import streamlit as st

    from ui import settings

    @dataclass(frozen=True)
    class Page(settings.Settings):
        PREFIX: ClassVar[str] = "pg"
        steps: int = 500
        eps: float = 1e-6
        seed: int = 0

    steps = settings.select_slider(Page, "steps", "Steps", (100, 500, 1000))
    eps = settings.log_slider(Page, "eps", "Push", 1e-10, 1e-1, per_decade=2)
    seed = settings.seed(Page)
    st.markdown(f"{steps}|{eps}|{seed}|{Page.from_state() == Page(steps, eps, seed)}")


def test_bound_widgets_start_at_the_declared_defaults_and_follow_the_link():
    at = AppTest.from_function(bound_page).run()
    assert not at.exception
    assert at.markdown[0].value == "500|1e-06|0|True"
    at = AppTest.from_function(bound_page)
    at.query_params.update({"pg_steps": "1000", "pg_seed": "7"})
    at.run()
    assert at.markdown[0].value == "1000|1e-06|7|True"


def range_page():
    from dataclasses import dataclass
    from typing import ClassVar

    import streamlit as st

    from ui import controls, settings

    @dataclass(frozen=True)
    class Range(settings.Settings):
        PREFIX: ClassVar[str] = "rg"
        span: tuple[float, float] = (0.01, 10.0)

    if st.button("scene", key="scene"):
        controls.set_values(Range(span=(0.1, 1.0)).values())  # a list in session state
    span = settings.select_slider(Range, "span", "Span", (0.01, 0.1, 1.0, 10.0))
    st.markdown(repr(span))


def test_a_scene_sets_a_range_slider_to_a_range():
    """Session state holds a scene's tuples as lists; a range slider given a list would show
    one end only."""
    at = AppTest.from_function(range_page).run()
    assert at.markdown[0].value == "(0.01, 10.0)"
    at.button(key="scene").click().run()
    assert not at.exception and at.markdown[0].value == "(0.1, 1.0)"


def test_text_blocks_fill_only_the_names_given(tmp_path):
    path = tmp_path / "text.md"
    path.write_text(
        "<!-- idea -->\nA saddle. $10^{P}$ stays.\n\n<!-- caption -->\nPushed by ε = {eps:g} "
        "for {steps} steps, {other} untouched.\n"
    )
    text = Text(path)
    assert text("idea") == "A saddle. $10^{P}$ stays."
    assert text("caption", eps=1e-6, steps=500) == (
        "Pushed by ε = 1e-06 for 500 steps, {other} untouched."
    )
    with pytest.raises(KeyError, match="no block"):
        text("missing")

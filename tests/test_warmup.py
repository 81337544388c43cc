"""The start-up warm-up computes every lesson's default view and lesson scenes, so the class's
first visit to each is a cache hit: after `warm()`, opening the page and stepping through its
scenes starts no heavy computation (ui.gate counts every one that starts)."""

import pytest
import streamlit as st

import warmup
from lessons import LESSONS
from tests.test_classroom import ok, open_page, scene_buttons
from ui import gate


@pytest.mark.parametrize("entry", LESSONS, ids=[p.file for p in LESSONS])
def test_warm_up_makes_the_default_view_and_every_scene_a_cache_hit(entry):
    module = entry.compute()
    assert module.warm in warmup.HOOKS, f"{entry.file}: its warm() is not a start-up hook"
    st.cache_data.clear()
    st.cache_resource.clear()
    module.warm()
    before = gate.turns()
    at = open_page(entry)
    ok(at, f"{entry.file} after warm()")
    for key in scene_buttons(at):
        at.button(key=key).click().run()
        ok(at, f"{entry.file} after clicking {at.button(key=key).label!r}")
    computed = gate.turns() - before
    assert not computed, f"{entry.file}: the class's first visit computed {dict(computed)}"


@pytest.mark.parametrize("entry", LESSONS, ids=[p.file for p in LESSONS])
def test_a_cold_page_does_take_turns(entry):
    """The counter the test above relies on sees the page's computations."""
    st.cache_data.clear()
    st.cache_resource.clear()
    before = gate.turns()
    ok(open_page(entry), entry.file)
    assert gate.turns() - before, f"{entry.file}: no heavy computation goes through ui.gate"

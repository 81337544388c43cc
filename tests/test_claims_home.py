"""Home's sentence about its picture is true of the runs it draws."""

import streamlit as st

from lessons.home.compute import STARTS, ending, four_walks
from tests.test_app import HOME, open_page


def test_the_four_runs_end_in_four_different_minima():
    """The picture's point: starts a short step apart end in different minima."""
    st.cache_data.clear()
    walks = four_walks()
    assert len(walks.reached) == len(STARTS) == 4
    assert len(set(walks.reached)) == 4, walks.reached
    finals = walks.paths.groupby("run").tail(1)
    minima = {(round(x, 3), round(y, 3)) for x, y, _ in walks.minima}
    assert {(round(x, 3), round(y, 3)) for x, y in zip(finals.x, finals.y)} == minima


def test_the_sentence_follows_the_runs():
    assert ending((0, 1, 2, 3)) == "and each walks down into a different minimum"
    assert ending((0, 0, 0, 0)) == "and all of them walk down into the same minimum"
    assert ending((0, 0, 1, 1)) == "and between them they reach 2 different minima"
    at = open_page(HOME)
    shown = " ".join(m.value for m in at.markdown)
    assert "each walks down into a different minimum" in shown

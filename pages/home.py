"""Home: what training is, why it is hard, and the way into each lesson — with one live picture."""

import streamlit as st

from lessons import LESSONS
from lessons.home.compute import ending, four_walks
from ui import charts, classroom
from ui.cached_charts import draw
from ui.text import load

text = load(__file__)
classroom.page_setup("Landscape Lab", text("idea"))

walks = four_walks()
picture, caption = st.columns([3, 2], gap="large")
with picture:
    args = (walks.xs, walks.ys, walks.z, walks.paths, walks.minima)
    draw(st, charts.walks_on_surface, *args, width="content")
with caption:
    st.markdown(text("picture", ending=ending(walks.reached)))

with classroom.section("Why it is hard"):
    st.markdown(text("why_hard"))

with classroom.section("How the lab works"):
    st.markdown(text("how"))

with classroom.section("Lessons"):
    for lesson in LESSONS:
        st.page_link(lesson.file, label=lesson.title, icon=lesson.icon)
        if lesson.blurb:
            st.caption(lesson.blurb)

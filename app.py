"""Landscape Lab's entry point: page settings, the navigation built from the lessons table,
and the one sidebar note every page shares. Run it with `streamlit run app.py`."""

import streamlit as st

from lessons import HOME, LESSONS, Lesson
from warmup import warm

st.set_page_config(page_title="Landscape Lab", page_icon=":material/landscape:", layout="wide")


def _page(p: Lesson, default: bool = False) -> st.Page:
    return st.Page(
        p.file, title=p.title, icon=p.icon, url_path=None if default else p.url, default=default
    )


sections = {"Start here": [_page(HOME, default=True)]}
if LESSONS:
    sections["Lessons"] = [_page(p) for p in LESSONS]
page = st.navigation(sections)
st.sidebar.caption(
    ":material/link: Every control is saved in the address bar: copy the link to "
    "share exactly what you see, settings and all."
)
page.run()
warm()  # once per server process, after the page: it never delays the page itself

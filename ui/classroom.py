"""Classroom helpers every page calls: presentation mode, lesson scenes, predict-then-run,
export of data and settings, references, and sections shown one at a time when presenting.

Kept in one place so that pages never need retrofitting when the classroom features grow.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from ui import room
from ui import settings as bound
from ui.controls import set_values, show_problem

ROOT = Path(__file__).resolve().parents[1]
#: The presentation-mode toggle's key: one switch for the whole app, kept in the URL.
PRESENT = "present"
_FIRST = "_ui_first_section"  # title of the page's first section, open when presenting
_SCENES: dict[str, list[str]] = {}  # prefix → scene names, as last drawn

_PRESENT_CSS = """<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-left: 3rem; padding-right: 3rem; }
</style>"""


def _private(prefix: str, name: str) -> str:
    return f"_ui_{prefix}_{name}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "data"


# -- presentation -----------------------------------------------------------------------------


def is_present() -> bool:
    return bool(st.session_state.get(PRESENT, False))


def _calling_page() -> str:
    """The page script that called page_setup, from the repository root ("pages/convex.py"):
    where a follower of the instructor is sent."""
    caller = Path(sys._getframe(2).f_globals.get("__file__", ""))
    return caller.relative_to(ROOT).as_posix() if caller.is_relative_to(ROOT) else ""


def page_setup(title: str, idea: str) -> bool:
    """The class room (its link, its sidebar box, following the instructor), the title, the
    page's idea in a few sentences, and the presentation-mode switch. Returns whether
    presentation mode is on (larger type, settings folded, one section open)."""
    room.keep_in_link(_calling_page())  # before any control: following sets them
    room.panel()
    st.session_state[_FIRST] = None
    head, switch = st.columns([4, 1], vertical_alignment="bottom")
    head.title(title)
    present = switch.toggle(
        "Presentation mode",
        key=PRESENT,
        bind="query-params",
        help="For a projector: larger type, settings folded away, one chart at a time.",
    )
    if present:
        st.html(_PRESENT_CSS)
    st.markdown(idea)
    return present


def controls(label: str = "Settings"):
    """A box for a page's controls: open normally, folded away in presentation mode."""
    return st.expander(label, expanded=not is_present(), icon=":material/tune:")


def glossary(words: str) -> None:
    """The page's terms, each defined once: open normally, folded away in presentation mode."""
    with st.expander(
        "Words used on this page", icon=":material/menu_book:", expanded=not is_present()
    ):
        st.markdown(words)


@contextmanager
def section(title: str) -> Iterator[None]:
    """One part of a page (a chart and its notes). Normally a headed block; in presentation
    mode an expander, only the first one open, so the class sees one chart at a time.
    The first title is remembered (not counted) so that a fragment's rerun keeps it open."""
    if st.session_state.get(_FIRST) is None:
        st.session_state[_FIRST] = title
    if is_present():
        with st.expander(title, expanded=title == st.session_state[_FIRST]):
            yield
    else:
        st.subheader(title)
        with st.container():
            yield


def guarded(section):
    """A page section (a function) that shows a refused or impossible request — core's
    ValueErrors: a BudgetError, a busy server, a bad formula, a setting an optimiser refuses —
    as a plain message in its place instead of a traceback; the rest of the page goes on."""

    @functools.wraps(section)
    def run(*args, **kwargs):
        try:
            return section(*args, **kwargs)
        except ValueError as exc:
            show_problem(exc)
            return None

    return run


# -- lesson scenes ----------------------------------------------------------------------------


def scenes(prefix: str, scenes: Mapping[str, Sequence[bound.Settings]]) -> None:
    """A row of buttons, one per named scene (the settings of each section it sets); a click
    sets every control of those sections before the page reruns, so the address bar then holds
    the scene's link. The scene matching the current settings is highlighted."""
    _SCENES[prefix] = list(scenes)
    if not scenes:
        return
    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown("**Lesson scenes**")
    state = st.session_state
    for i, (name, scene) in enumerate(scenes.items()):
        values = bound.values(*scene)
        active = all(k in state and state[k] == v for k, v in values.items())
        row.button(
            name,
            key=_private(prefix, f"scene_{i}"),
            on_click=_play_scene,
            args=(name, values),
            type="primary" if active else "secondary",
            icon=":material/slideshow:",
        )


def _play_scene(name: str, values: Mapping[str, object]) -> None:
    """Set the scene's controls; an instructor's choice goes to their class's followers too."""
    set_values(values)
    room.publish_scene(name, values)


def scene_names(prefix: str) -> list[str]:
    """The scenes a page offered under this prefix (after it has been drawn once)."""
    return list(_SCENES.get(prefix, []))


# -- predict, then run ------------------------------------------------------------------------


def _commit(prefix: str) -> None:
    guess = st.session_state.get(f"{prefix}_guess")
    st.session_state[_private(prefix, "committed")] = guess
    room.record_guess(prefix, guess)


def predict(prefix: str, question: str, options: Sequence[str], answer: str, explain: str) -> bool:
    """Ask first, reveal after the guess is committed. The guess is deliberately not in the URL,
    so a shared link does not give the answer away. In a class room the guess also goes to the
    class's poll, and a student sees the answer once the instructor reveals it. Returns whether
    the answer is shown."""
    with st.container(border=True):
        st.markdown(f":material/psychology_alt: **Predict first.** {question}")
        guess = st.radio(
            question, list(options), index=None, key=f"{prefix}_guess", label_visibility="collapsed"
        )
        st.button(
            "Commit my guess",
            key=_private(prefix, "commit"),
            disabled=guess is None,
            on_click=_commit,
            args=(prefix,),
        )
        committed = st.session_state.get(_private(prefix, "committed"))
        if committed is None and not room.teaching():
            return False
        if not room.poll(prefix, options, answer):
            return False
        if committed is None:  # the instructor, who need not guess
            st.info(f"The answer is {answer}. {explain}", icon=":material/lightbulb:")
            return True
        if committed == answer:
            st.success(f"Right — {answer}. {explain}", icon=":material/check_circle:")
        else:
            st.info(
                f"You guessed {committed}; the answer is {answer}. {explain}",
                icon=":material/lightbulb:",
            )
        return True


# -- export -----------------------------------------------------------------------------------


def to_csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False)


def to_json(settings: Mapping[str, object]) -> str:
    return json.dumps(dict(settings), indent=2, sort_keys=True, default=str)


def current_settings(*sections: type[bound.Settings]) -> dict[str, object]:
    """The settings of the given sections as their controls hold them now, by URL key, so a
    settings file can be read back as a scene."""
    return dict(sorted(bound.values(*(S.from_state() for S in sections)).items()))


def export(prefix: str, frames: Mapping[str, pd.DataFrame], settings: Mapping[str, object]) -> None:
    """Download buttons: each frame as CSV and the settings as JSON. Files are built only when
    clicked, so a rerun costs nothing. (PNG/SVG of a chart are in each chart's own menu.)"""
    with st.expander("Download the data and settings", icon=":material/download:"):
        row = st.container(horizontal=True)
        for name, df in frames.items():
            row.download_button(
                f"{name} (CSV)",
                data=partial(to_csv, df),
                file_name=f"{prefix}-{_slug(name)}.csv",
                mime="text/csv",
                key=_private(prefix, f"csv_{_slug(name)}"),
                on_click="ignore",
            )
        row.download_button(
            "Settings (JSON)",
            data=partial(to_json, dict(settings)),
            file_name=f"{prefix}-settings.json",
            mime="application/json",
            key=_private(prefix, "json"),
            on_click="ignore",
        )


def references(items: Sequence[str]) -> None:
    """The page's sources, by author and year."""
    st.markdown("#### References")
    st.markdown("\n".join(f"- {item}" for item in items))

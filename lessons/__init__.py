"""The lessons of the lab, in teaching order: one line each.

app.py builds the navigation from this table, Home links to every lesson in it, the warm-up runs
each lesson's `warm()`, and the page and browser tests cover every entry. A lesson lives in two
places: its page, `pages/<name>.py` (layout only), and its folder, `lessons/<name>/` (compute.py:
cached calls into core, settings, scenes and warm(); charts.py: its chart builders; text.md: its
prose). Adding a lesson is those files plus one line here.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import NamedTuple


class Lesson(NamedTuple):
    name: str  # pages/<name>.py, lessons/<name>/ and the page's address /<name>
    title: str  # shown in the navigation and on Home
    icon: str  # a Material icon (":material/name:") or an emoji
    blurb: str = ""  # one sentence for Home: the question the lesson answers

    @property
    def file(self) -> str:
        """The page's script, from the repository root."""
        return f"pages/{self.name}.py"

    @property
    def url(self) -> str:
        """The page's address: its file's stem. With a pages/ folder next to app.py, Streamlit's
        old multipage lookup matches addresses against file names, and any other address shows
        "Page not found" above the page on a shared link. Home is the root address. Part of every
        shared link: keep it."""
        return "" if self is HOME else self.name

    def compute(self) -> ModuleType:
        """lessons/<name>/compute.py: its cached computations, scenes and warm()."""
        return importlib.import_module(f"lessons.{self.name}.compute")


HOME = Lesson("home", "Home", ":material/home:")

#: Lesson pages in the order a class meets them.
LESSONS: list[Lesson] = [
    Lesson(
        "convex",
        "Convex or not",
        ":material/landscape:",
        "Why a bowl is easy and a landscape of hills and valleys is not.",
    ),
    Lesson(
        "restarts",
        "Local minima and restarts",
        ":material/restart_alt:",
        "Where you end up depends on where you start: basins, restarts and noise.",
    ),
    Lesson(
        "saddles",
        "Saddle points and flat regions",
        ":material/trending_flat:",
        "Why a zero gradient is not always a minimum, and how optimisers get away.",
    ),
    Lesson(
        "dimensions",
        "What changes with dimension",
        ":material/scatter_plot:",
        "Why high-dimensional landscapes are full of saddles, and why grids and 2-D pictures fail.",
    ),
    Lesson(
        "network_landscape",
        "A real network's landscape",
        ":material/hub:",
        "What lines and slices through a trained network's weights show, and what they cannot.",
    ),
    Lesson(
        "practice",
        "What makes training work",
        ":material/tune:",
        "Learning rate, initialisation, units, optimiser, skips and batch size, tried on "
        "many restarts.",
    ),
]

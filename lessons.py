"""The pages of the lab, in teaching order: one line per page.

app.py builds the navigation from this table, Home links to every lesson in it, and the page and
browser tests cover every entry, so adding a lesson is one line here (plus its file in pages/).
"""
from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    file: str   # path from the repository root
    title: str  # shown in the navigation and on Home
    icon: str   # a Material icon (":material/name:") or an emoji
    url: str    # the page's address: part of every shared link, so keep it stable
    blurb: str = ""  # one sentence for Home: the question the lesson answers


HOME = Entry("lesson_pages/home.py", "Home", ":material/home:", "")

#: Lesson pages in the order a class meets them.
LESSONS: list[Entry] = [
    Entry("lesson_pages/convex.py", "Convex or not", ":material/landscape:", "convex",
          "Why a bowl is easy and a landscape of hills and valleys is not."),
    Entry("lesson_pages/restarts.py", "Local minima and restarts", ":material/restart_alt:", "restarts",
          "Where you end up depends on where you start: basins, restarts and noise."),
    Entry("lesson_pages/saddles.py", "Saddle points and flat regions", ":material/trending_flat:",
          "saddles", "Why a zero gradient is not always a minimum, and how optimisers get away."),
    Entry("lesson_pages/dimensions.py", "What changes with dimension", ":material/scatter_plot:",
          "dimensions",
          "Why high-dimensional landscapes are full of saddles, and why grids and 2-D pictures fail."),
    Entry("lesson_pages/network_landscape.py", "A real network's landscape", ":material/hub:",
          "network-landscape",
          "What lines and slices through a trained network's weights show, and what they cannot."),
    Entry("lesson_pages/practice.py", "What makes training work", ":material/tune:", "practice",
          "Learning rate, initialisation, units, optimiser, skips and batch size, tried on "
          "many restarts."),
]

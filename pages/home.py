"""Home: what training is, why it is hard, and the way into each lesson — with one live picture."""

import streamlit as st
import torch

from core import descent, surfaces
from lessons import LESSONS
from ui import charts, classroom
from ui.cached_charts import draw

#: Four starts close together around Himmelblau's central hill; each reaches a different minimum.
STARTS = [(0.0, 0.0), (-0.5, 0.5), (-1.0, -1.0), (0.0, -1.5)]


@st.cache_data(max_entries=1, show_spinner="Four optimisers walking downhill…")
def four_walks():
    """The surface on an 81×81 grid (enough for a picture this size, and quick to draw) and four
    Adam runs on it, computed once per server."""
    s = surfaces.get("himmelblau")
    xs, ys, z = s.grid(81)
    run = descent.run(
        s,
        torch.tensor(STARTS, dtype=torch.float64),
        optimizer="adam",
        lr=0.1,
        steps=200,
        record_every=2,
    )
    labels = [f"start ({x:g}, {y:g})" for x, y in STARTS]
    return xs.numpy(), ys.numpy(), z.numpy(), s.minima, charts.run_frame(run, labels)


classroom.page_setup(
    "Landscape Lab",
    "**Training a neural network is a search.** A network's behaviour is set by its *weights*, a "
    "long list of numbers. A *loss* measures how wrong the network is on its training data, so "
    "every setting of the weights has one loss value. Picture that loss as the height of a "
    "landscape spread over the weights — the *error surface*. Training walks downhill on it, "
    "looking for the weights where the loss is lowest. Gradient descent takes each step in the "
    "steepest downhill direction, which calculus gives as the negative *gradient*.",
)

# The picture's column is filled last, so the text shows while the runs are computed.
picture, caption = st.columns([3, 2], gap="large")
with caption:
    st.markdown(
        "**Where you start decides where you end.** The picture is Himmelblau's function "
        "(Himmelblau 1972), a loss over two weights *x* and *y* with four minima of equal height "
        "(stars). Four runs of the Adam optimiser (Kingma & Ba 2015) start a short step apart "
        "around the central hill (dots) — and each walks down into a different minimum. The "
        "runs are real: PyTorch computed them on this server, step by step."
    )

with classroom.section("Why it is hard"):
    st.markdown(
        "- **Many valleys.** A network's surface is not one smooth bowl (it is *non-convex*). It "
        "has many *local minima* — valleys that are lowest only nearby — so where a walk ends "
        "depends on where it starts and how it steps.\n"
        "- **Flat ground.** At *saddle points* "
        "(downhill one way, uphill another) and on plateaus the gradient is almost zero, so a "
        "walk that follows the slope slows to a crawl although lower ground is close. Dauphin et "
        "al. (2014) argued that in high dimensions saddles, more than bad minima, are what slows "
        "training down.\n"
        "- **Millions of dimensions.** A real network has millions of weights. "
        "Nobody can draw that space or search it point by point: trying just ten values for each "
        "of $P$ weights takes $10^P$ loss evaluations — for a million weights, a number with a "
        "million digits."
    )

with classroom.section("How the lab works"):
    st.markdown(
        "The surfaces here have two weights, so that we can draw them; each lesson then asks "
        "which of its findings carry over to real networks. Every picture is computed live with "
        "PyTorch when you change a control — nothing is a stored image. Every control is saved "
        "in the address bar, so a copied link replays the same experiment."
    )

with classroom.section("Lessons"):
    for lesson in LESSONS:
        st.page_link(lesson.file, label=lesson.title, icon=lesson.icon)
        if lesson.blurb:
            st.caption(lesson.blurb)

with picture:
    xs, ys, z, minima, paths = four_walks()
    draw(st, charts.walks_on_surface, xs, ys, z, paths, minima)

"""Lesson: what changes as the number of dimensions grows — from two weights to many.

Layout only: controls bound to the settings declared in lessons/dimensions/compute.py, whose
cached computations (into core.dimensions) feed the charts of lessons/dimensions/charts.py; the
prose is lessons/dimensions/text.md. compute.warm() computes the default view and every scene
at server start.
"""

from __future__ import annotations

import streamlit as st

from core import data
from core import dimensions as dims
from lessons.dimensions import charts
from lessons.dimensions import compute as lesson
from lessons.dimensions.compute import (
    PAGE,
    SCENES,
    STATUS,
    Distances,
    Grid,
    Matrices,
    NetworkSearch,
    Slice,
    StyblinskiTang,
    Sweep,
)
from ui import classroom, controls, room, settings
from ui.cached_charts import draw
from ui.text import load

text = load(__file__)
DATASETS = data.names()
FOUR_PLACES = st.column_config.NumberColumn(format="%.4f")
TABLE_FORMAT = {
    "best": FOUR_PLACES,
    "median": FOUR_PLACES,
    "box height (IQR)": FOUR_PLACES,
    lesson.NEAR_BEST_COLUMN: st.column_config.NumberColumn(format="percent"),
}


def frame(name: str, df) -> None:
    """Keep a section's data for the download buttons at the end of the page."""
    st.session_state.setdefault(f"_{PAGE}_frames", {})[name] = df


def show(metrics: list[lesson.Metric]) -> None:
    """A row of metrics; a delta is a grey note, not a change."""
    for col, m in zip(st.columns(len(metrics)), metrics):
        col.metric(m.label, m.value, m.delta, delta_color="off", delta_arrow="off", help=m.help)


@st.fragment
@classroom.guarded
def distance_section() -> None:
    with classroom.controls("Points and dimensions"):
        a, b, c = st.columns(3)
        with a:
            settings.select_slider(Distances, "largest", "Largest dimension", lesson.LARGEST)
        with b:
            help_ = "Every pair of them is measured."
            settings.slider(Distances, "points", "Random points", 50, 500, 50, help=help_)
        with c:
            settings.seed(Distances)
    s = Distances.from_state()
    r = lesson.distance_data(s)
    metrics, words = lesson.distance_view(s, r)
    frame("Distances", r.table)
    with classroom.section("Random points are all about equally far apart"):
        left, right = st.columns(2)
        draw(left, charts.spread_chart, r.table)
        draw(right, charts.distance_histograms, r.density)
        show(metrics)
        st.markdown(text("distances", **words))


@st.fragment
@classroom.guarded
def grid_section() -> None:
    with classroom.controls("Grid"):
        a, b = st.columns(2)
        with a:
            settings.slider(Grid, "values_per_weight", "Values tried for each weight", 2, 100)
        with b:
            settings.select_slider(Grid, "weights", "Number of weights", lesson.WEIGHTS)
    table, metrics, words = lesson.grid_view(Grid.from_state(), lesson.machine_rate())
    frame("Grid search time", table)
    with classroom.section("A grid search can never finish"):
        show(metrics)
        st.markdown(text("grid", **words))
        draw(st, charts.grid_chart, table)
        st.caption(text("grid_caption"))


@st.fragment
@classroom.guarded
def matrices_section() -> None:
    with classroom.controls("Samples"):
        a, b, c = st.columns(3)
        with a:
            label, short = "Random matrices per size", lesson.short_count
            settings.select_slider(Matrices, "samples", label, lesson.SAMPLES, format_func=short)
        with b:
            settings.slider(Matrices, "largest", "Largest size n", 2, 10)
        with c:
            settings.seed(Matrices)
    s = Matrices.from_state()
    with controls.progress("Sampling random symmetric matrices…") as bar:
        census = lesson.matrix_census(s, bar)
    measured, curves, metrics, words = lesson.matrices_view(census, lesson.shifted_shares(s))
    frame("Random matrices", measured.drop(columns="label"))
    with classroom.section("A random Hessian of typical height almost never curves up everywhere"):
        draw(st, charts.goe_chart, measured, curves, census.zero_bound)
        show(metrics)
        st.markdown(text("matrices", **words))
        st.caption(text("matrices_caption", **words))


def predict_section() -> None:
    """The page's question: at the end, or first in a class room."""
    question = lesson.prediction()
    classroom.predict(
        PAGE,
        text("predict_question", **question),
        question["options"],
        question["answer"],
        text("predict_answer", **question),
    )


@st.fragment
@classroom.guarded
def styblinski_tang_section() -> None:
    if not room.revealed(PAGE):  # in a class, this section answers the question: not yet
        room.until_revealed(PAGE)
        return
    with classroom.controls("Dimension"):
        top = dims.MAX_ST_DIM
        help_ = f"3^d critical points: up to 3^{top} = {3**top:,}."
        settings.slider(StyblinskiTang, "dimension", "Dimension d", 1, top, help=help_)
    s = StyblinskiTang.from_state()
    groups = lesson.styblinski_groups(s)
    by_k, metrics, words = lesson.styblinski_view(s, groups)
    frame("Styblinski-Tang critical points", groups)
    with classroom.section(words["title"]):
        show(metrics)
        left, right = st.columns(2)
        draw(left, charts.st_chart, groups)
        draw(right, charts.count_chart, by_k)
        st.markdown(text("styblinski", **words))


def search_controls() -> NetworkSearch:
    with classroom.controls("Network, data and search"):
        a, b, c = st.columns(3)
        with a:
            options, label = list(DATASETS), DATASETS.get
            settings.selectbox(NetworkSearch, "dataset", "Dataset", options, format_func=label)
            settings.slider(NetworkSearch, "noise", "Noise", 0.0, 2.0, 0.1)
        with b:
            help_ = "One hidden layer of tanh units: 4·units + 1 weights (at most 49)."
            settings.slider(NetworkSearch, "units", "Hidden units", 1, 12, help=help_)
            settings.select_slider(NetworkSearch, "starts", "Starts", lesson.STARTS)
        with c:
            steps = lesson.SEARCH_STEPS
            settings.select_slider(NetworkSearch, "search_steps", "Search steps", steps)
            settings.seed(NetworkSearch)
    return NetworkSearch.from_state()


@st.fragment
@classroom.guarded
def network_section() -> None:
    s = search_controls()
    with controls.progress(f"Searching from {s.starts} starts at once…") as bar:
        table = lesson.critical_table(s, bar)
    points, metrics, words = lesson.critical_view(s, table, lesson.trained_ends(s))
    frame("Network critical points", table)
    with classroom.section("Critical points of a real network"):
        show(metrics)
        draw(st, charts.critical_chart, points, STATUS)
        st.markdown(text("network", **words))
    slice_section(s, table)


def slice_section(s: NetworkSearch, table) -> None:
    found, richest = lesson.found_saddles(table)
    with classroom.section("A 2-D slice against the real thing"):
        if found.empty:
            st.info(text("no_saddle"), icon=":material/info:")
            return
        options = [int(i) for i in found["start"]]
        labels = {int(r.start): lesson.saddle_label(r) for r in found.itertuples()}
        # A new search finds other saddles: choose afresh (a link's choice stands on first load).
        seen, key = f"_{PAGE}_saddle_options", Slice.key("saddle")
        if st.session_state.get(seen, options) != options:
            st.session_state[key] = options[richest]
        st.session_state[seen] = options
        start = st.selectbox(
            "Saddle",
            options,
            index=richest,
            format_func=labels.get,
            key=key,
            bind="query-params",
            help="The distinct saddles found above, lowest loss first; the one with the most "
            "downhill directions is chosen at first.",
        )
        r = lesson.slice_data(s, start)
        bars, metrics, words = lesson.slice_view(found[found["start"] == start].iloc[0], r)
        frame("Random slices", bars)
        show(metrics)
        draw(st, charts.slice_chart, bars)
        for col, plane in zip(st.columns(2), lesson.slice_planes(r)):
            draw(col, charts.delta_heatmap, *plane, width="content")
        st.markdown(text("slice", **words))


@st.fragment
@classroom.guarded
def sweep_section() -> None:
    with classroom.controls("Data, widths and restarts"):
        a, b, c = st.columns(3)
        with a:
            options, label = list(DATASETS), DATASETS.get
            settings.selectbox(Sweep, "dataset", "Dataset", options, format_func=label)
            settings.slider(Sweep, "noise", "Noise", 0.0, 2.0, 0.1)
        with b:
            settings.multiselect(Sweep, "widths", "Widths (hidden units)", lesson.WIDTHS)
            settings.select_slider(Sweep, "restarts", "Restarts per width", lesson.RESTARTS)
        with c:
            settings.select_slider(Sweep, "steps", "Training steps", lesson.STEPS)
            settings.seed(Sweep)
    s = Sweep.from_state()
    if not lesson.chosen_widths(s):
        st.info(text("no_width"), icon=":material/info:")
        return
    with controls.progress("Training every width, its restarts at once…") as bar:
        sweep = lesson.width_sweep(s, bar)
    runs, table, words = lesson.sweep_view(s, sweep)
    frame("Final loss per width", runs)
    with classroom.section(words["title"]):
        draw(st, charts.width_chart, runs[~runs["diverged"]])
        st.dataframe(table, hide_index=True, width="stretch", column_config=TABLE_FORMAT)
        if words["diverged"]:
            st.warning(text("diverged", **words), icon=":material/warning:")
        st.markdown(text("sweep", **words))


classroom.page_setup("What changes as the dimension grows", text("idea"))
classroom.scenes(PAGE, SCENES)
classroom.glossary(text("words"))
st.session_state[f"_{PAGE}_frames"] = {}

if room.member():  # in a class, the poll comes before the section that answers it
    predict_section()
st.header("Space gets strange")
distance_section()
grid_section()
st.header("Why no method can promise the best weights")
st.markdown(text("hardness"))
st.header("Most critical points are saddles — but not the low ones")
matrices_section()
styblinski_tang_section()
st.header("The same in real networks")
network_section()
sweep_section()

st.header("What to notice")
st.markdown(text("notice"))
st.header("Try this")
st.markdown(text("try", size_8=lesson.network_size(8)))
if not room.member():
    predict_section()
classroom.export(
    PAGE,
    st.session_state.get(f"_{PAGE}_frames", {}),
    classroom.current_settings(
        Distances, Grid, Matrices, StyblinskiTang, NetworkSearch, Slice, Sweep
    ),
)
classroom.references(text("references").removeprefix("- ").split("\n- "))

"""Lesson: local minima and random restarts — where you end up depends on where you start.

Layout only: controls bound to the settings declared in lessons/restarts/compute.py, whose
cached computations (into core.basins: one batched descent per section, one batched training
of R networks) feed the charts of lessons/restarts/charts.py and ui.charts; the prose is
lessons/restarts/text.md. compute.warm() computes the default view and every scene at server
start.
"""

from __future__ import annotations

import math
from functools import partial

import streamlit as st

from core import data
from lessons.restarts import charts
from lessons.restarts import compute as lesson
from lessons.restarts.compute import GoodEnough, Map, Network, Noise, Restarts
from ui import charts as shared_charts
from ui import classroom, controls, room, settings
from ui.cached_charts import draw
from ui.text import load

text = load(__file__)
SHARE = {"share": st.column_config.NumberColumn(format="percent")}


def show(metrics: list[lesson.Metric]) -> None:
    for col, m in zip(st.columns(len(metrics)), metrics):
        col.metric(m.label, m.value, m.delta, delta_color=m.delta_color, help=m.help)


def download(name: str, frames: dict, optimizer, network=None) -> None:
    """The section's data (CSV) and every control of the page, with the chosen optimisers' own
    settings (the network's once its section is drawn), as a settings file (JSON)."""
    values = lesson.exported(classroom.current_settings(*lesson.SECTIONS), optimizer, network)
    classroom.export(f"{lesson.PAGE}_{name}", frames, values)


@st.fragment
@classroom.guarded
def basin_section(
    chosen: controls.SurfaceChoice, e: lesson.Experiment, optimizer: controls.OptimizerChoice
) -> None:
    left, right = st.columns(2)
    with left:
        help_ = "The map runs one start from the centre of every cell."
        settings.select_slider(Map, "grid", "Starts per side of the map", lesson.GRIDS, help=help_)
    with right:
        help_ = "A few whole paths drawn over the map."
        settings.slider(Map, "samples", "Sample paths per side", 0, 5, help=help_)
    s = Map.from_state()
    grid = lesson.map_grid(e, s.grid)
    if grid < s.grid:
        st.caption(text("map_shrunk", asked=s.grid, steps=e.steps, grid=grid))
    with controls.progress(f"Running {grid * grid:,} starts at once…") as bar:
        m = lesson.basin_map(e, s, bar)
    metrics, words = lesson.map_view(chosen.surface, m)
    map_col, info_col = st.columns([3, 2])
    title = f"Where {grid * grid:,} runs of {optimizer.label} end"
    paths = m.paths if s.samples else None
    bounds = chosen.surface.bounds
    args = (m.xs, m.ys, m.codes, m.minima, bounds, paths, m.path_codes, title)
    draw(map_col, charts.basin_map_chart, *args, width="content")
    table = lesson.outcome_table(m.shares)
    with info_col:
        for metric in metrics:
            st.metric(metric.label, metric.value, help=metric.help)
        if not m.minima:
            st.info(text("no_minimum"), icon=":material/info:")
        st.dataframe(table, hide_index=True, width="stretch", column_config=SHARE)
    st.caption(text("map_caption", **words))
    download("map", {"Basin map outcomes": table}, optimizer)


@st.fragment
@classroom.guarded
def restarts_section(
    chosen: controls.SurfaceChoice,
    e: lesson.Experiment,
    optimizer: controls.OptimizerChoice,
    answered: bool,
) -> None:
    """The restarts' statistics (unless the class has yet to see the answer to the page's
    question, which they give away), then the class's own experiment."""
    if answered:
        restart_statistics(e, optimizer)
    else:
        room.until_revealed(lesson.PAGE)
    name, title = lesson.class_experiment(e)
    mine = partial(lesson.my_restart, e)
    ends = partial(class_ends, e, chosen.surface.bounds)
    room.experiment(name, title, e._asdict(), mine, "reached the global minimum", ends)


def restart_statistics(e: lesson.Experiment, optimizer: controls.OptimizerChoice) -> None:
    with controls.progress(f"Running {e.runs:,} restarts at once…") as bar:
        r = lesson.restart_runs(e, progress=bar)
    c = lesson.restart_curves(e)
    v = lesson.restart_view(r, c)
    show(v.metrics)
    title = f"Final loss of {v.usable:,} runs"
    draw(
        st,
        shared_charts.histogram,
        v.losses,
        "final loss",
        bins=50,
        rule=v.global_value,
        title=title,
    )
    if v.note:
        st.caption(v.note)
    left, right = st.columns(2)
    best = (c.k, v.best, v.global_value)
    draw(left, charts.best_after_k_chart, *best, title="Best loss after k restarts")
    title = "Chance of success within k restarts"
    success = (c.k, c.predicted, c.measured_k, c.measured)
    draw(right, charts.success_chart, *success, title=title)
    st.caption(text("curves_caption", **lesson.curves_words(e, r, c)))
    download("restarts", {"Random restarts": v.runs}, optimizer)


def class_ends(e: lesson.Experiment, bounds, runs) -> None:
    """The class view's basin map: section 1's map (the same cached one) with where each
    student's run ended."""
    m = lesson.basin_map(e, Map.from_state())
    ends = lesson.class_ends(r.outcome for r in runs)
    title = f"Where the class's {len(ends)} runs ended"
    draw(
        st,
        charts.class_ends_chart,
        *lesson.coarse_map(m),
        m.minima,
        bounds,
        ends,
        title,
        width="content",
    )
    st.caption(text("class_ends_caption"))


@st.fragment
@classroom.guarded
def noise_section(e: lesson.Experiment, optimizer: controls.OptimizerChoice) -> None:
    label = "Noise at the start (standard deviation added to each gradient)"
    help_ = "Gaussian noise added to every gradient, shrinking linearly to zero by the last step "
    help_ += "(seeded)."
    noise = settings.log_slider(Noise, "start", label, 0.1, 1000.0, help=help_)
    with controls.progress("Running the same starts without and with noise…") as bar:
        plain = lesson.restart_runs(e, progress=lambda f: bar(0.5 * f))
        noisy = lesson.restart_runs(e, noise, progress=lambda f: bar(0.5 + 0.5 * f))
    v = lesson.noise_view(plain, noisy, optimizer.label)
    show(v.metrics)
    rule = lesson.global_value(plain.minima)
    draw(st, charts.aligned_histograms, v.losses, "final loss", "run", rule=rule, width="content")
    if v.note:
        st.caption(v.note)
    download("noise", {"Plain vs noisy": v.runs}, optimizer)


@st.fragment
@classroom.guarded
def good_enough_section(e: lesson.Experiment) -> None:
    help_ = "Measured along the way from the typical starting loss down to the best run."
    settings.slider(
        GoodEnough, "within", "Good enough: within this % of the best", 1, 50, help=help_
    )
    s = GoodEnough.from_state()
    g, metrics, words = lesson.good_enough_view(lesson.restart_runs(e), s)
    show(metrics)
    if math.isfinite(g.best):  # some run has a loss to compare
        draw(st, charts.good_enough_chart, g.gap, s.within / 100)
        st.caption(text("good_enough_caption", **words))


def network_controls() -> controls.OptimizerChoice:
    names = data.names()
    a, b, c, d = st.columns(4)
    with a:
        settings.selectbox(Network, "dataset", "Dataset", list(names), format_func=names.get)
        settings.slider(Network, "jitter", "Jitter of the points", 0.0, 0.5, 0.05)
    with b:
        settings.select_slider(Network, "width", "Hidden units per layer", lesson.WIDTHS)
        settings.radio(Network, "layers", "Hidden layers", (1, 2), horizontal=True)
    with c:
        settings.selectbox(Network, "activation", "Activation", lesson.ACTIVATIONS)
        loss_name = lesson.LOSSES.get
        settings.radio(
            Network, "loss", "Loss", tuple(lesson.LOSSES), horizontal=True, format_func=loss_name
        )
    with d:
        settings.select_slider(Network, "restarts", "Restarts R", lesson.NET_RESTARTS)
        settings.select_slider(Network, "steps", "Training steps", lesson.NET_STEPS)
    e, f = st.columns([3, 1])
    with e:
        default = Network.default("optimizer")
        chosen = controls.optimizer_picker(
            Network.PREFIX,
            default=default,
            default_lr=lesson.network_default_lr(st.session_state, st.query_params),
        )
    with f:
        settings.seed(Network)
    return chosen


@st.fragment
@classroom.guarded
def network_section(optimizer: controls.OptimizerChoice) -> None:
    with st.expander(
        "Network settings", expanded=not classroom.is_present(), icon=":material/tune:"
    ):
        chosen = network_controls()
    s = Network.from_state()
    with controls.progress(f"Training {s.restarts} networks at once…") as bar:
        r = lesson.network_runs(s, chosen, bar)
    v = lesson.network_view(s, r)
    show(v.metrics)
    if v.diverged:
        st.caption(text("net_diverged", diverged=v.diverged))
    title = f"Final loss of {len(v.losses)} restarts of a {v.shape} {s.activation} network"
    draw(st, charts.outcome_histogram, v.losses, v.stalled, title)
    st.caption(text("stalled"))
    if r.picks:
        for col, (k, prob) in zip(st.columns(len(r.probs)), r.probs.items()):
            args = (*r.grid, prob, r.X, r.y, v.titles[k])
            draw(col, charts.boundary_chart, *args, width="content")
    left, right = st.columns(2)
    losses = (r.curve_steps, r.curves, r.stalled, "loss", True, "Loss of every restart")
    draw(left, charts.net_curves_chart, *losses)
    norms = (
        r.curve_steps,
        r.norms,
        r.stalled,
        "weight norm",
        False,
        "Size of the weight vector |w|",
    )
    draw(right, charts.net_curves_chart, *norms)
    if lesson.is_xor_221(s):
        st.info(text("xor_note", **lesson.xor_words(r)), icon=":material/lightbulb:")
    download("net", {"Network restarts": v.runs}, optimizer, chosen)
    name, title = lesson.class_network_experiment(s, chosen)
    mine = partial(lesson.my_network_restart, s, chosen)
    success = text("net_success", threshold=lesson.network_threshold(r))
    room.experiment(name, title, s.values(), mine, success)


def predict_section() -> None:
    """The page's question: at the end, or in a class room where section 2 answers it."""
    asked = lesson.prediction()
    classroom.predict(
        lesson.PAGE,
        text("predict_question", **asked),
        asked["options"],
        asked["answer"],
        text("predict_answer", rest=1 - asked["target"], **asked),
    )


# -- page --------------------------------------------------------------------------------------

classroom.page_setup("Local minima and random restarts", text("idea"))
classroom.scenes(lesson.PAGE, lesson.SCENES)
with classroom.controls():
    left, mid, right = st.columns(3)
    with left:
        chosen = controls.surface_picker(Restarts.PREFIX, default=Restarts.default("surface"))
    with mid:
        default = Restarts.default("optimizer")
        optimizer = controls.optimizer_picker(
            Restarts.PREFIX, default=default, default_lr=chosen.surface.lr
        )
    with right:
        settings.select_slider(Restarts, "steps", "Steps per run", lesson.STEPS)
        help_ = "Starts drawn uniformly over the map (seeded)."
        settings.select_slider(
            Restarts, "runs", "Random restarts N (sections 2–4)", lesson.RUNS, help=help_
        )
        settings.seed(Restarts)
st.caption(f"**{chosen.surface.label}** — {chosen.surface.description}")
experiment = lesson.experiment(Restarts.from_state(), chosen, optimizer)

with classroom.section("1 · Basins of attraction"):
    st.markdown(text("basins"))
    basin_section(chosen, experiment, optimizer)

with classroom.section("2 · How many random restarts are enough?"):
    if room.member():  # in a class, the poll comes before the prose and chart that answer it
        predict_section()
    st.markdown(text("restarts"))
    restarts_section(chosen, experiment, optimizer, room.revealed(lesson.PAGE))

with classroom.section("3 · Start with a lot of noise"):
    st.markdown(text("noise"))
    noise_section(experiment, optimizer)

with classroom.section("4 · Good enough"):
    st.markdown(text("good_enough"))
    good_enough_section(experiment)

with classroom.section("5 · Restarts of a real network"):
    st.markdown(text("network"))
    network_section(optimizer)

st.markdown("### Why the difference between good minima often does not matter")
st.markdown(text("why"))
st.markdown("### What to notice")
st.markdown(text("notice"))
st.markdown("### Try this")
st.markdown(text("try", **lesson.try_words()))

if not room.member():
    predict_section()
classroom.references(text("references").split("\n\n"))

"""Lesson: a real network's landscape — lines and slices through the weights of a trained MLP.

Layout only: controls bound to the settings of lessons/network_landscape/compute.py, whose cached
computations feed the charts of lessons/network_landscape/charts.py; the prose is
lessons/network_landscape/text.md.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from core import data, landscape
from lessons.network_landscape import charts as views
from lessons.network_landscape import compute as lesson
from lessons.network_landscape.compute import PAGE, Hessian, Lines, Network, Pair, Setup, Slices
from ui import charts, classroom, controls, room, settings
from ui.cached_charts import draw
from ui.text import load

text = load(__file__)


def network_controls() -> Setup:
    names = data.names()
    with classroom.controls("Data, network and training"):
        a, b, c = st.columns(3)
        with a:
            settings.selectbox(Network, "dataset", "Dataset", list(names), format_func=names.get)
            settings.select_slider(Network, "points", "Points", lesson.POINTS)
            help_ = "Spread of the jitter around each shape."
            settings.slider(Network, "noise", "Noise", 0.0, 0.5, 0.05, help=help_)
            settings.seed(Network)
        with b:
            settings.slider(Network, "layers", "Hidden layers", 1, 10)
            settings.select_slider(Network, "width", "Units per hidden layer", lesson.WIDTHS)
            settings.selectbox(Network, "activation", "Activation", lesson.ACTIVATIONS)
            settings.toggle(Network, "skips", "Skip connections", help=text("skip_help"))
            losses = lesson.LOSSES
            settings.selectbox(Network, "loss", "Loss", list(losses), format_func=losses.get)
        with c:
            choice = controls.optimizer_picker(
                Network.PREFIX, default=Network.optimizer, default_lr=lesson.lr_default
            )
            help_ = text("steps_help", steps=lesson.SECOND_ORDER_STEPS)
            settings.select_slider(Network, "steps", "Steps", lesson.STEPS, help=help_)
    s = Network.from_state().setup(choice.lr, choice.hyper)
    st.caption(" ".join(text(block, **values) for block, values in lesson.setup_notes(s)))
    return s


@classroom.guarded
def train_section(s: Setup) -> views.Trained:
    with controls.progress("Training runs A and B together…") as bar:
        t = lesson.trained(s, _progress=bar)
    xs, ys, prob = lesson.boundary(s)
    for i, run in enumerate("AB"):
        if t.diverged[i]:
            step = int(t.stopped_at[i])
            st.warning(text("diverged", run=run, step=step), icon=":material/warning:")
    with classroom.section("The data and what the network learned"):
        X, y = (v.numpy() for v in s.data())
        for i, (col, run) in enumerate(zip(st.columns(2), "AB")):
            title = f"Run {run}"
            draw(col, views.boundary_chart, xs, ys, prob[i], X, y, title=title, width="content")
        st.caption(text("boundary_caption"))
        m = st.columns(4)
        for i, run in enumerate("AB"):
            m[2 * i].metric(f"Run {run}: final loss", f"{t.loss[-1, i]:.4g}")
            m[2 * i + 1].metric(f"Run {run}: training accuracy", f"{t.accuracy[i]:.1%}")
        curves = views.curves_frame(t)
        draw(st, charts.loss_chart, curves, log_y=True, title="Training loss", height=220)
        name, title = lesson.class_experiment(s)
        room.experiment(name, title, s._asdict(), partial(lesson.class_run, s), "fit every point")
    return t


@st.fragment
@classroom.guarded
def line_section(s: Setup) -> None:
    if not room.revealed(PAGE):  # in a class, these lines answer the question: not yet
        room.until_revealed(PAGE)
        return
    log_y = settings.toggle(Lines, "log_loss", "Log scale for the loss")
    df = lesson.lines(s)
    n = lesson.line_numbers(s)
    starts = df["line"].isin([lesson.START_A, lesson.START_B])
    left, right = st.columns(2)
    title = "From the start to the trained weights"
    draw(left, views.line_chart, df[starts], title, log_y, ends=("start", "trained"))
    title = "Between two solutions"
    draw(right, views.line_chart, df[~starts], title, log_y, ends=("run A", "other end"))
    m = st.columns(4)
    m[0].metric("Climb, start → trained", f"{n.climb:.3g}", help=text("climb_help"))
    m[1].metric("Barrier A → B", f"{n.barrier:.3g}", help=text("barrier_help"))
    m[2].metric("Barrier A → B matched", f"{n.matched:.3g}", help=text("matched_help"))
    m[3].metric("Barrier A → A shuffled", f"{n.shuffled:.3g}", help=text("shuffled_help"))
    numbers = n._asdict()
    start = text(lesson.start_block(n), **numbers)
    st.markdown(f"{start} {text(lesson.beyond_block(n), **numbers)}")
    st.markdown(text(lesson.barrier_block(n), **numbers))
    st.markdown(text("shuffled_rises" if n.shuffled > n.tol else "shuffled_flat", **numbers))


@st.fragment
@classroom.guarded
def slice_section(s: Setup, t: views.Trained) -> None:
    a, b, c = st.columns(3)
    with a:
        settings.select_slider(Slices, "grid", "Grid points per side", lesson.GRIDS)
    with b:
        label, help_ = "Slice half-width (in filter-normalised units)", text("span_help")
        settings.select_slider(Slices, "span", label, lesson.SPANS, help=help_)
    with c:
        settings.seed(Slices, "direction_seed", "Random directions: seed")
    chosen = Slices.from_state()
    with st.spinner(f"Evaluating 2 × {chosen.grid**2:,} networks…"):
        sl = lesson.slice_view(s, chosen)
    left, right = st.columns(2)
    path = views.path_frame(t.path_steps, sl.path_random)
    axes = ("α (random direction 1)", "β (random direction 2)")
    title = "A random filter-normalised slice"
    args = (sl.alphas, sl.alphas, sl.z_random.T, path, *axes)
    draw(left, views.slice_with_path, *args, title=title, width="content")
    path = views.path_frame(t.path_steps, sl.path_pca)
    axes = ("first principal direction", "second principal direction")
    title = "The plane of the training path (PCA)"
    args = (sl.pca_x, sl.pca_y, sl.z_pca.T, path, *axes)
    draw(right, views.slice_with_path, *args, title=title, width="content")
    m = st.columns(4)
    help_ = text("kept_random_help")
    m[0].metric("Path seen by the random slice", f"{sl.kept_random:.1%}", help=help_)
    m[1].metric("Path seen by the PCA plane", f"{sl.kept_pca:.1%}", help=text("kept_pca_help"))
    dips = landscape.dips(sl.z_random)
    m[2].metric("Dips in the random slice", f"{dips}", help=text("dips_help"))
    m[3].metric("Cosine of d₁ and d₂", f"{sl.cosine:+.3f}", help=text("cosine_help"))
    numbers = {**sl.__dict__, "points": chosen.grid**2, "size": t.size}
    st.markdown(" ".join(text(block, **numbers) for block in lesson.slice_blocks(sl)))
    st.info(text("slice_limits", size=t.size), icon=":material/visibility:")


def pair_controls() -> Pair:
    a, b, c = st.columns(3)
    with a:
        modes = lesson.COMPARE
        mode = settings.selectbox(Pair, "mode", "Compare", list(modes), format_func=modes.get)
    if mode == "width":
        with b:
            settings.slider(Pair, "layers", "Hidden layers (both)", 1, 4)
        with c:
            settings.select_slider(Pair, "widths", "Units: narrow and wide", lesson.WIDTHS)
    else:
        with b:
            settings.slider(Pair, "deep_layers", "Hidden layers (both)", 2, 10)
        with c:
            widths = lesson.WIDTHS[:4]
            settings.select_slider(Pair, "deep_width", "Units per layer (both)", widths)
    with a:
        settings.seed(Pair, "seed", "Seed of this comparison")
    return Pair.from_state()


@st.fragment
@classroom.guarded
def pair_section(s: Setup) -> None:
    pair = pair_controls()
    for name, v in pair.networks(s):
        with controls.progress(f"Training the network with {name}…") as bar:
            lesson.trained(v, _progress=bar)
    with st.spinner("Slicing both networks…"):
        compared = lesson.pair_slices(s, pair)
    edges = views.loss_bands([z for _, _, z in compared])
    al = np.linspace(-lesson.COMPARE_SPAN, lesson.COMPARE_SPAN, lesson.COMPARE_GRID)
    for col, (name, v, z) in zip(st.columns(2), compared):
        title = f"{name.capitalize()}: {v.label()}"
        draw(col, views.starred_slice, al, al, z.T, edges, title=title, width="content")
    st.table(lesson.pair_table(s, pair), hide_index=True, border="horizontal")
    n = lesson.pair_numbers(s, pair)
    st.caption(text("pair_caption", span=lesson.COMPARE_SPAN, coin=n.coin))
    dip_words = [f"{k} dip{'s' * (k != 1)}" for k in n.dips]
    numbers = {"coin": n.coin, "dips0": dip_words[0], "dips1": dip_words[1]}
    if pair.mode == "width":
        wider = text("wider_yes" if n.low[1] > n.low[0] else "wider_no")
        st.markdown(text("pair_width", wider=wider, low0=n.low[0], low1=n.low[1], **numbers))
    else:
        verdict = text("skip_smoother" if n.dips[1] < n.dips[0] else "skip_not_smoother")
        final = {"final0": n.final[0], "final1": n.final[1]}
        st.markdown(text("pair_skip", verdict=verdict, **final, **numbers))


@st.fragment
@classroom.guarded
def curvature_section(s: Setup, t: views.Trained) -> None:
    if t.diverged[0]:
        st.info(text("spectrum_diverged"), icon=":material/info:")
        return
    if t.size > lesson.HESSIAN_CAP:
        numbers = {"size": t.size, "entries": t.size**2, "cap": lesson.HESSIAN_CAP}
        st.info(text("spectrum_hidden", **numbers), icon=":material/info:")
        return
    label = text("tolerance_label")
    tol = settings.log_slider(Hessian, "tolerance", label, 1e-10, 1e-1, per_decade=1)
    with st.spinner(f"Computing a {t.size}×{t.size} Hessian…"):
        eigs = lesson.spectrum(s)
    n = lesson.spectrum_numbers(eigs, tol)
    left, right = st.columns([3, 2])
    title = "Hessian eigenvalues at run A's solution"
    draw(left, views.spectrum_chart, eigs, tol * n.top, title=title)
    with right:
        help_ = f"Below −{tol:g} × the largest |eigenvalue| ({n.top:.3g})."
        st.metric(
            "Negative eigenvalues (downhill directions)", f"{n.negative} of {n.size}", help=help_
        )
        st.metric("About zero (flat directions)", f"{n.flat}")
        st.metric("Largest / most negative", f"{eigs[-1]:.3g} / {eigs[0]:.3g}")
        counts = ", ".join(f"{r:g}: {k}" for r, k in lesson.tolerance_counts(eigs).items())
        st.caption(f"Negative eigenvalues at other tolerances — {counts}.")
    numbers = n._asdict()
    blocks = (lesson.spectrum_block(n), lesson.negative_block(n))
    st.markdown("\n\n".join(text(b, **numbers) for b in blocks))


@classroom.guarded
def predict_section(s: Setup) -> None:
    p = lesson.prediction(s)
    explain = f"{text('predict_explain', **p.numbers)} {text(p.block)}"
    classroom.predict(PAGE, text("predict_question"), p.options, p.answer, explain)


@classroom.guarded
def notice_section(setup: Setup) -> None:
    """Computed from the scenes' results too: a busy server gets a message here, not an error."""
    items = lesson.notice_items(setup, Slices.from_state(), Hessian.from_state().tolerance)
    st.markdown("\n".join(text(block, **numbers) for block, numbers in items))


def main() -> None:
    classroom.page_setup(text("title"), text("idea"))
    classroom.scenes(PAGE, lesson.SCENES)
    classroom.glossary(text("words"))
    setup = network_controls()
    st.header(text("section_train"))
    result = train_section(setup)
    if result is None:
        st.info(text("no_training"), icon=":material/info:")
    else:
        if room.member():  # in a class, the poll comes before the lines that answer it
            predict_section(setup)
        st.header("Straight lines through weight space")
        line_section(setup)
        st.header("Slices around the solution")
        slice_section(setup, result)
        st.header("Side by side: narrow vs wide, skips vs none")
        st.markdown(text("pair_intro"))
        pair_section(setup)
        st.header("Curvature at the solution")
        curvature_section(setup, result)
    st.header("What to notice")
    notice_section(setup)
    st.header("Try this")
    st.markdown(text("try"))
    if result is not None and not room.member():
        predict_section(setup)
    frames = lesson.export_frames(setup, Slices.from_state())
    values = lesson.exported(classroom.current_settings(*lesson.SECTIONS), setup)
    classroom.export(PAGE, frames, values)
    classroom.references(lesson.references(text("references")))


main()

"""Lesson: convex and non-convex error surfaces — why a bowl is easy and hills and valleys are not.

Layout only: controls bound to the settings of lessons/convex/compute.py, whose cached computations
feed the charts of lessons/convex/charts.py; the prose is lessons/convex/text.md.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import curvature
from lessons.convex import charts as views
from lessons.convex import compute as lesson
from lessons.convex.compute import PAGE, Descent, Evidence, Run
from ui import charts, classroom, controls, gate, room, settings
from ui.cached_charts import draw
from ui.text import load

text = load(__file__)
P = Descent.PREFIX
TABLE_FORMAT = {
    "final loss": st.column_config.NumberColumn(format="%.4g"),
    "slope |∇f|": st.column_config.NumberColumn(format="%.2e"),
}


@st.cache_resource(max_entries=32, show_spinner=False)
def play(key: str, formula: str, runs: tuple[Run, ...], x0: float, y0: float, steps: int):
    """The Play animation (Plotly), built once per setting."""
    paths = lesson.trace_paths(key, formula, runs, x0, y0, steps)
    xs, ys, z = lesson.surface_grid(key, formula, lesson.MAP_N)
    minima = controls.surface_for(key, formula).minima
    return views.play_figure(xs, ys, z, paths.frame, minima, charts.banded_scale(z)[0])


@classroom.guarded
def surface_section(choice) -> None:
    s = choice.surface
    xs, ys, z = lesson.surface_grid(choice.key, choice.formula, lesson.MAP_N)
    finite = np.isfinite(z)
    if not finite.all():
        st.info(text("undefined", share=1 - finite.mean()), icon=":material/info:")
    if not finite.any():
        return
    log, _ = charts.banded_scale(z)
    flat, solid = st.columns(2)
    draw(flat, views.surface_map, xs, ys, z, s.minima, width="content")
    sx, sy, sz = lesson.surface_grid(choice.key, choice.formula, lesson.SOLID_N)
    solid.plotly_chart(
        views.surface_3d(sx, sy, sz, s.minima, log), width="stretch", key=f"_{P}_solid"
    )
    notes = [text("log_bands")] * log + [text("marks")] * bool(s.minima)
    st.caption(" ".join([*notes, text("solid_caption")]))


def run_each(choice, chosen, x0: float, y0: float, steps: int) -> tuple[Run, ...]:
    """Run each optimiser (cached) under a progress bar; a refused one shows why and is left out,
    and no turn in time (BusyError) stops them all, for the section to say so. (The bar moves
    between optimisers: a cached function cannot draw into a bar made outside it.)"""
    runs, bar = [], st.progress(0.0)
    try:
        for i, c in enumerate(chosen):
            bar.progress(i / len(chosen), text=f"Descending: {c.label} ({i + 1} of {len(chosen)})")
            try:
                lesson.descend(choice.key, choice.formula, c.name, c.lr, c.hyper, x0, y0, steps)
                runs.append(Run(c.name, c.lr, c.hyper))
            except gate.BusyError:
                raise  # no turn came: one message for the section, not one wait per optimiser
            except ValueError as exc:  # BudgetError, a setting the optimiser refuses
                controls.show_problem(exc)
    finally:
        bar.empty()
    return tuple(runs)


def step_note(L: float, check: lesson.StepCheck | None) -> str:
    """What 2/L guarantees on this map and, for a gradient-descent run, what it did."""
    note = text("step_bound", curvature=L, limit=2 / L)
    if check is None:
        return note
    block = "step_below" if check.lr < 2 / L else "step_above"
    product = check.lr * check.steepest
    return f"{note}\n\n" + text(block, product=product, **check._asdict())


@st.fragment
@classroom.guarded
def descent_section(choice) -> None:
    s = choice.surface
    with classroom.controls("Optimisers, steps and start"):
        left, right = st.columns([3, 2])
        with left:
            chosen = controls.optimizers_picker(P, Descent.optimizers, lr_for=lesson.lr_for(s))
        with right:
            steps = settings.select_slider(Descent, "steps", "Steps", lesson.STEPS)
            x0, y0 = controls.start_inputs(P, s)
            log_y = settings.toggle(Descent, "log_loss", "Loss on a log scale")
    if not chosen:
        st.info(text("choose_one"), icon=":material/info:")
        return
    runs = run_each(choice, chosen, x0, y0, steps)
    if not runs:
        return
    key, formula = choice.key, choice.formula
    paths = lesson.trace_paths(key, formula, runs, x0, y0, steps)
    animation = play(key, formula, runs, x0, y0, steps)
    xs, ys, z = lesson.surface_grid(key, formula, lesson.MAP_N)
    where, moving = st.columns(2)
    with where:
        event = draw(
            st,
            views.descent_map,
            xs,
            ys,
            z,
            s.minima,
            s.bounds,
            paths.frame,
            steps,
            width="content",
            on_select="rerun",
            selection_mode="start",
            key=f"_{P}_map",
        )
        st.caption(text("map_caption"))
    controls.apply_click(event, P)
    with moving:
        st.plotly_chart(animation, width="content", key=f"_{P}_play")
        st.caption(text("play_caption"))
    curves, notes = st.columns([3, 2])
    title = "Loss at each step"
    draw(curves, charts.loss_chart, paths.frame, log_y=log_y, title=title, legend_orient="bottom")
    L = lesson.largest_curvature(key, formula)
    if L:
        gd = next((r for r in runs if r.name == "sgd"), None)
        walk = paths.walks[gd.label] if gd else None
        notes.markdown(step_note(L, gd and lesson.check_step(key, formula, walk, gd.lr, steps)))
    table = lesson.ending_table(paths.walks, s, steps)
    st.dataframe(table, hide_index=True, width="stretch", column_config=TABLE_FORMAT)
    # Exported here, inside the fragment, so that the files always match what is shown.
    classroom.export(
        f"{PAGE}_runs",
        {"paths": paths.frame, "how the runs ended": table},
        classroom.current_settings(Descent, Evidence),
    )


@st.fragment
@classroom.guarded
def evidence_section(choice) -> None:
    st.markdown(text("what_convex_means"))
    with classroom.controls("Test settings"):
        left, right = st.columns(2)
        with left:
            rtol = settings.log_slider(
                Evidence,
                "tolerance",
                "Sign tolerance (relative)",
                1e-9,
                1e-1,
                per_decade=1,
                help=text("tolerance_help"),
            )
        with right:
            pairs = settings.select_slider(
                Evidence, "chords", "Random chords", lesson.PAIRS, format_func=lambda v: f"{v:,}"
            )
    xs, ys, eigs = lesson.eigen_grid(choice.key, choice.formula)
    test, profile = lesson.run_chord_test(choice.key, choice.formula, pairs, rtol)
    verdict = lesson.judge(eigs, test, rtol)
    a, b, c = st.columns(3)
    a.metric(
        "Curves downhill somewhere",
        "yes" if verdict.downhill > 0 else "no",
        delta=f"{verdict.downhill:.1%} of the map",
        delta_color="off",
        delta_arrow="off",
        help=text("downhill_help"),
    )
    b.metric(
        "Chords that fail", f"{test.share_failed:.1%}", help=text("chords_help", pairs=test.pairs)
    )
    c.metric("Verdict on this map", "no sign of non-convexity" if verdict.convex else "not convex")
    mapped, chord = st.columns(2)
    with mapped:
        bounds = choice.surface.bounds
        args = (xs, ys, verdict.kinds, curvature.KINDS, bounds, test.worst)
        draw(st, views.curvature_board, *args, width="content")
        shares = " · ".join(f"{n}: {v:.1%}" for n, v in verdict.share.items() if v > 0)
        st.caption(f"{shares} {text('grid_note', n=lesson.CURVE_N)}")
    with chord:
        if profile is None:
            st.success(text("no_chord_failed"), icon=":material/check_circle:")
        else:
            st.markdown(text("worst_chord"))
            draw(st, views.chord_profile, profile)
            st.caption(text("worst_chord_caption", gap=test.worst_gap))
    frames = {"curvature and chord test": verdict.frame}
    if profile is not None:
        frames["worst chord profile"] = profile
    classroom.export(f"{PAGE}_evidence", frames, classroom.current_settings(Descent, Evidence))


@classroom.guarded
def model_column(key: str, x_title: str, y_title: str) -> None:
    model = lesson.model_evidence(key)
    st.markdown(f"**{model.surface.label}**")
    chord = model.test.worst
    minima = model.surface.minima
    args = (*model.grid, minima, charts.MAP_SIDE, chord, x_title, y_title)
    draw(st, views.surface_map, *args, width="content")
    st.caption(text("model_caption", **model.numbers))


def models_section() -> None:
    st.markdown(text("models", **lesson.deep_linear_heights()))
    for col, (key, titles) in zip(st.columns(2), lesson.MODELS.items()):
        with col:
            model_column(key, *titles)
    st.markdown(text("models_after"))


@classroom.guarded
def theory_section() -> None:
    st.markdown(text("theory", **lesson.theory_numbers()))


@classroom.guarded
def predict_section() -> None:
    answer = lesson.predict_answer()
    classroom.predict(
        PAGE,
        text("predict_question", **answer.question),
        answer.options,
        answer.answer,
        text(answer.block, **answer.numbers),
    )


def main() -> None:
    classroom.page_setup(text("title"), text("idea"))
    classroom.scenes(PAGE, lesson.SCENES)
    if room.member():  # in a class, the poll comes before the runs that answer it
        predict_section()
    pick, about = st.columns([2, 3])
    with pick:
        choice = controls.surface_picker(P, Descent.surface)
    s = choice.surface
    with about:
        st.latex(s.latex)
        st.caption(s.description + (" " + text("catalogue_convex") if s.convex else ""))
    with classroom.section("The surface"):
        surface_section(choice)
    with classroom.section("Run the optimisers"):
        descent_section(choice)
    with classroom.section("Is it convex? The evidence"):
        evidence_section(choice)
    with classroom.section("Stacking weights breaks convexity"):
        models_section()
    with classroom.section("Why convex is easy, and what goes wrong otherwise"):
        theory_section()
    st.subheader("What to notice")
    st.markdown(text("notice", **lesson.notice_numbers()))
    st.subheader("Try this")
    st.markdown(text("try"))
    if not room.member():
        predict_section()
    classroom.references(lesson.items(text("references")))


main()

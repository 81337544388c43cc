"""Lesson: saddle points and flat regions — where the slope vanishes but you are not at a minimum.

Layout only: controls bound to the settings of lessons/saddles/compute.py, whose cached
computations feed the charts of lessons/saddles/charts.py; the prose is lessons/saddles/text.md.
"""

from __future__ import annotations

import streamlit as st

from core import data, optimizers
from lessons.saddles import charts as views
from lessons.saddles import compute as lesson
from lessons.saddles.compute import PAGE, Escape, Monkey, Plateau
from ui import classroom, controls, gate, room, settings
from ui.cached_charts import draw
from ui.text import load

text = load(__file__)
P = Escape.PREFIX
INFO = {"icon": ":material/info:"}
WARN = {"icon": ":material/warning:"}
SECTIONS = (Escape, Monkey, Plateau)  # every export holds the settings of all three


def run_each(runs, compute) -> dict:
    """compute(run) of each run (cached) under a progress bar, by label; a refused one shows why
    and is left out, and no turn in time (BusyError) stops them all, for the section to say so."""
    out, bar = {}, st.progress(0.0, text=text("progress"))
    try:
        for i, run in enumerate(runs):
            try:
                out[run.label] = compute(run)
            except gate.BusyError:
                raise
            except ValueError as exc:  # BudgetError, or a setting the optimiser refuses
                controls.show_problem(exc)
            bar.progress((i + 1) / len(runs), text=text("progress"))
    finally:
        bar.empty()
    return out


@classroom.guarded
def saddles_on(key: str, formula: str):
    return lesson.find_saddles(key, formula)


@st.fragment
@classroom.guarded
def escape_section() -> None:
    with classroom.controls("Surface, push and optimisers"):
        left, mid, right = st.columns(3)
        with left:
            choice = controls.surface_picker(P, Escape.surface)
            found, near = saddles_on(choice.key, choice.formula) or [], 0
            if len(found) > 1:
                label = lesson.saddle_label
                near = settings.selectbox(
                    Escape, "near", "Saddle to start near", list(range(len(found))),
                    format_func=lambda i: label(found[i]), help=text("near_help"),
                )  # fmt: skip
        with mid:
            eps, along = Escape.eps, Escape.along
            if found:
                eps = settings.log_slider(
                    Escape, "eps", "Push ε along the way out", 1e-10, 1e-1, per_decade=2,
                    help=text("eps_help"),
                )  # fmt: skip
                along = settings.slider(
                    Escape, "along", "Start distance along the stable direction", 0.1, 2.0, 0.05
                )
            else:
                start = controls.start_inputs(P, choice.surface)
            steps = settings.select_slider(Escape, "steps", "Steps", lesson.STEPS)
            seed = settings.seed(Escape)
        with right:
            chosen = controls.optimizers_picker(
                P, Escape.optimizers, lr_for=lesson.lr_for(choice.surface), allowed=lesson.OFFERED
            )
            noisy = settings.toggle(
                Escape, "noisy", "Add gradient descent with gradient noise", help=text("noisy_help")
            )
            sigma = settings.log_slider(Escape, "sigma", "Noise size σ", 1e-6, 1e-1, per_decade=1)
    runs = lesson.runs_for(chosen, noisy, sigma)
    if not runs:
        st.info(text("choose_one"), **INFO)
        return
    if noisy and not any(r.name == "sgd" and r.noise == 0 for r in runs):
        st.info(text("noise_needs_gd"), **INFO)
    e = Escape(eps=eps, along=along, steps=steps, seed=seed)
    if not found:
        st.info(text("no_saddle", surface=choice.surface.label), **INFO)
        free_section(choice, runs, start, e)
    else:
        saddle_section(choice, found[near], near, runs, e)


def escape_steps(sd, view) -> None:
    draw(st, views.escape_chart, view.measured, view.theory)
    for line in view.slopes:
        shown = "—" if line.measured is None else f"{line.measured:.1f}"
        st.markdown(text("slope_line", **{**line._asdict(), "measured": shown}))
    st.markdown(text("why_line"))
    if sd.degenerate:
        st.info(text("degenerate_no_line"), **INFO)


def saddle_section(choice, sd, near: int, runs, e: Escape) -> None:
    s = choice.surface
    results = run_each(runs, lambda run: lesson.escape_batch(choice, near, run, e))
    if not results:
        return
    view = lesson.escape_view(results, runs, sd, e, s.bounded_below)
    xs, ys, z = lesson.surface_grid(choice.key, choice.formula)
    with classroom.section("Paths near the saddle"):
        saddle = (sd.x, sd.y)
        draw(st, views.path_map, xs, ys, z, s.minima, view.paths, saddle=saddle, width="content")
        st.caption(text("paths_caption", **lesson.paths_numbers(sd, e)))
        st.table(view.table, hide_index=True, border="horizontal")
        if sd.degenerate:
            st.caption(text("degenerate_caption"))
        note = lesson.zero_note(results, runs, sd)
        if note:
            st.caption(text(note[0], **note[1]))
    with classroom.section("Steps to escape against the push ε"):
        if room.revealed(PAGE):  # in a class, this answers the question: after the reveal
            escape_steps(sd, view)
        else:
            room.until_revealed(PAGE)
    with classroom.section("Slope and loss along the way"):
        slope_col, loss_col = st.columns(2)
        paths, marks = view.paths, view.marks
        title = "gradient norm |∇f|"
        draw(slope_col, views.curve_chart, paths, "grad_norm", title, log_y=True, marks=marks)
        draw(
            loss_col, views.curve_chart, paths, "loss", "loss", domain=view.loss_domain,
            rule=sd.value - sd.drop, rule_label="the escape threshold", marks=marks,
        )  # fmt: skip
        flat = lesson.flat_stretch(results, runs, sd)
        st.markdown(text("flat_then_drop", **flat._asdict()) if flat else text("no_gd_escape"))
    with classroom.section("Curvature along each path: the index"):
        draw(st, views.curve_chart, paths, "index", "index (share of downhill curvature)",
             domain=(0.0, 1.0))  # fmt: skip
        st.caption(text("index_caption"))
    st.markdown(text("methods"))
    frames = {"Paths from the chosen push": paths, "Escape steps against the push": view.measured}
    classroom.export(f"{PAGE}_escape", frames, classroom.current_settings(*SECTIONS))


def free_section(choice, runs, start, e: Escape) -> None:
    s = choice.surface
    found = run_each(runs, lambda run: lesson.free_path(choice, run, start, e.steps, e.seed))
    if not found:
        return
    paths = lesson.free_frame(found, runs)
    xs, ys, z = lesson.surface_grid(choice.key, choice.formula)
    with classroom.section("Paths"):
        event = draw(
            st, views.path_map, xs, ys, z, s.minima, paths, bounds=s.bounds, width="content",
            on_select="rerun", selection_mode="start", key=f"_{P}_map",
        )  # fmt: skip
        st.caption(text("free_caption"))
        controls.apply_click(event, P)
        gone = "diverged" if s.bounded_below else "left the map for good"
        for label, stop in paths.groupby("run", sort=False)["stopped"].first().items():
            if stop >= 0:
                st.warning(text("free_gone", label=label, gone=gone, stop=stop), **WARN)
    with classroom.section("Slope, loss and index along the way"):
        a, b, c = st.columns(3)
        draw(a, views.curve_chart, paths, "grad_norm", "gradient norm |∇f|", log_y=True)
        draw(b, views.curve_chart, paths, "loss", "loss")
        draw(c, views.curve_chart, paths, "index", "index", domain=(0.0, 1.0))
        st.markdown(text("free_flat"))
    frames = {"Paths": paths.drop(columns="stopped")}
    classroom.export(f"{PAGE}_escape", frames, classroom.current_settings(*SECTIONS))


@st.fragment
@classroom.guarded
def monkey_section() -> None:
    st.markdown(text("monkey_intro"))
    with classroom.controls("Learning rate and steps"):
        a, b = st.columns(2)
        with a:
            lr = settings.log_slider(Monkey, "lr", "Gradient-descent learning rate", 0.01, 0.1)
        with b:
            steps = settings.select_slider(
                Monkey, "steps", "Steps for the monkey saddle", lesson.MONKEY_STEPS
            )
    m = lesson.monkey_view(Monkey(lr=lr, steps=steps))
    chart_col, text_col = st.columns([3, 2])
    draw(chart_col, views.escape_chart, m.measured, m.theory, log_y=True)
    power = "—" if m.power is None else f"{m.power:.2f}"
    with text_col:
        label = "Monkey saddle: steps grow like (1/ε)^p, measured p"
        st.metric(label, power, help=text("monkey_power_help"))
        smallest = "none" if m.smallest is None else f"{m.smallest:.0e}"
        st.metric("Smallest ε that left the monkey saddle", smallest, help=f"Within {steps} steps.")
    st.markdown(text("monkey_why", power=power))
    frames = {"Monkey vs strict saddle": m.measured}
    classroom.export(f"{PAGE}_monkey", frames, classroom.current_settings(*SECTIONS))


def network_controls() -> Plateau:
    a, b, c = st.columns(3)
    with a:
        names = data.names()
        pick = settings.selectbox(Plateau, "data", "Dataset", list(names), format_func=names.get)
        depth = settings.slider(Plateau, "depth", "Hidden layers", 1, 4)
        width = settings.slider(Plateau, "width", "Units per layer", 2, 6)
        activation = settings.selectbox(Plateau, "activation", "Activation", lesson.ACTIVATIONS)
    with b:
        small = settings.log_slider(Plateau, "small", "Small initial scale s", 0.01, 1.0)
        large = settings.log_slider(Plateau, "large", "Scale to compare", 0.01, 1.0)
        restarts = settings.slider(Plateau, "restarts", "Restarts per scale", 1, 8)
    with c:
        info = optimizers.names()
        label = lambda n: info[n].label  # noqa: E731
        name = settings.selectbox(
            Plateau, "optimizer", "Optimiser", lesson.FIRST_ORDER, format_func=label
        )
        lr = settings.log_slider(Plateau, "lr", "Learning rate", 1e-3, 3.0)
        steps = settings.select_slider(Plateau, "steps", "Steps", lesson.NET_STEPS)
        seed = settings.seed(Plateau)
    return Plateau(pick, depth, width, activation, small, large, restarts, name, lr, steps, seed)


@st.fragment
@classroom.guarded
def network_section() -> None:
    st.markdown(text("net_intro"))
    with classroom.controls("Network, data and training"):
        p = network_controls()
    block, values = lesson.origin_sentence(p)
    st.markdown(text(block, **values))
    r = lesson.plateau_runs(p)
    v = lesson.plateau_view(r, p.steps)
    for col, (label, value, delta) in zip(st.columns(len(v.labels)), v.metrics):
        col.metric(label, value, delta=delta, delta_color="off", delta_arrow="off",
                   help=text("left_help", level=r.level))  # fmt: skip
    with classroom.section("Loss and slope of every restart"):
        one, two = st.columns(2)
        draw(one, views.curve_chart, v.curves, "loss", "loss", rule=r.level,
             rule_label="the plateau (all-zero network)")  # fmt: skip
        draw(two, views.curve_chart, v.curves, "grad_norm", "gradient norm", log_y=True)
    with classroom.section("Curvature on the plateau"):
        one, two = st.columns(2)
        title = "index (share of downhill curvature)"
        draw(one, views.curve_chart, v.index, "index", title, domain=(0.0, 1.0))
        draw(two, views.spectrum_chart, v.spectrum)
        st.markdown(text("curvature_text", **lesson.curvature_numbers(r, v)))
    with classroom.section("The plateau's length against the initial scale"):
        sweep = lesson.plateau_sweep(p)
        numbers = lesson.sweep_numbers(sweep, p)
        st.markdown(text("sweep_intro", **numbers))
        chart_col, text_col = st.columns([3, 2])
        draw(chart_col, views.sweep_chart, sweep.frame, sweep.medians)
        text_col.markdown(text(lesson.sweep_law(sweep), **numbers))
    frames = {"Network loss curves": v.curves, "Plateau length against scale": sweep.frame}
    classroom.export(f"{PAGE}_plateau", frames, classroom.current_settings(*SECTIONS))


@classroom.guarded
def predict_section() -> None:
    a = lesson.prediction()
    options = ["about the same", "about twice as many", "about ten thousand times as many"]
    question = text("predict_question", lr=lesson.PREDICT_LR, near=a.near)
    classroom.predict(PAGE, question, options, options[1], text("predict_explain", **a._asdict()))


def main() -> None:
    classroom.page_setup(text("title"), text("idea"))
    classroom.scenes(PAGE, lesson.SCENES)
    classroom.glossary(text("words"))
    if room.member():  # in a class, the poll comes before the section that answers it
        predict_section()
    st.header("Leaving a saddle")
    escape_section()
    st.header("A degenerate saddle is much slower")
    monkey_section()
    st.header("A real network's plateau")
    network_section()
    st.header("What to notice")
    st.markdown(text("notice", plateau_notice=lesson.plateau_notice()))
    st.header("Try this")
    st.markdown(text("try"))
    if not room.member():
        predict_section()
    classroom.references(lesson.items(text("references")))


main()

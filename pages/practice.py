"""Lesson: what makes training work in practice — the choices that decide whether a network trains.

Layout only: controls bound to the settings declared in lessons/practice/compute.py, whose cached
calls into core.practice (each section one or a few batched trainings of many restarts) feed the
charts of lessons/practice/charts.py; the prose is lessons/practice/text.md. compute.warm()
computes the default view and every scene at server start.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from core import data, practice
from lessons.practice import charts
from lessons.practice import compute as lesson
from lessons.practice.compute import PAGE, SCENES, Compare, Recipe, Sweep
from ui import classroom, controls, room, settings
from ui.cached_charts import draw
from ui.text import load

text = load(__file__)
DATASETS = data.names()
SWEEP_LRS = tuple(controls.log_values(1e-4, 100.0, per_decade=2))
OUTCOME_COLUMNS = {
    "reached target": st.column_config.ProgressColumn(
        "reached target",
        format="%.0f%%",
        min_value=0.0,
        max_value=100.0,
        help="Share of restarts whose loss fell to the target loss.",
    ),
    "median steps to reach it": st.column_config.TextColumn(
        help="Over the restarts that reached the target."
    ),
    "median final loss": st.column_config.TextColumn(
        help="Over the restarts that did not diverge."
    ),
}


def frame(name: str, df) -> None:
    """Keep a section's data for the download buttons at the end of the page."""
    st.session_state.setdefault(f"_{PAGE}_frames", {})[name] = df


def show(metrics: list[lesson.Metric], columns=None) -> None:
    """A row of metrics; a delta is a grey note, not a change."""
    for col, m in zip(columns or st.columns(len(metrics)), metrics):
        col.metric(m.label, m.value, m.delta, delta_color="off", delta_arrow="off", help=m.help)


def curves(runs, target: float, every: bool = False, legend: str = "setting"):
    """Draw the loss curves of the runs (spec cached); returns the band frame."""
    bands = charts.band_frame({label: practice.band(r) for label, r in runs.items()})
    lines = charts.restart_frame({k: r.loss for k, r in runs.items()}) if every else None
    draw(st, charts.curves_chart, bands, target, restarts=lines, legend=legend)
    return bands


def dataset_picker(cls) -> None:
    help_ = f"{practice.POINTS} points of a 2-D toy problem with two classes."
    settings.selectbox(
        cls, "dataset", "Dataset", list(DATASETS), format_func=DATASETS.get, help=help_
    )


def runs_inputs(cls, target: bool = True) -> None:
    """Restarts, steps, (target loss) and seed of one section."""
    settings.select_slider(cls, "restarts", "Restarts per setting", lesson.RESTARTS)
    settings.select_slider(cls, "steps", "Steps", lesson.STEPS)
    if target:
        help_ = f"The loss that counts as trained (50% everywhere is {lesson.LN2:.3f})."
        settings.select_slider(cls, "target", "Target loss", lesson.TARGETS, help=help_)
    settings.seed(cls)


def lr_input(name: str) -> None:
    label = f"Learning rate of {practice.OPTIMIZERS[name]}"
    settings.log_slider(Compare, f"{name}_lr", label, 1e-3, 3.2, per_decade=4)


@st.fragment
@classroom.guarded
def recipe_section() -> None:
    st.markdown(text("recipe_intro", scale=lesson.HARD_SCALE))
    with classroom.controls("Network, ingredients and training"):
        a, b, c = st.columns(3)
        with a:
            dataset_picker(Recipe)
            settings.slider(Recipe, "depth", "Hidden layers", 2, 8)
            settings.select_slider(Recipe, "width", "Units per layer", (8, 16, 32))
        with b:
            settings.multiselect(
                Recipe,
                "ingredients",
                "Ingredients of the recipe",
                list(practice.INGREDIENTS),
                format_func=practice.INGREDIENTS.get,
                help="Take one out to see how much it alone was doing.",
            )
            settings.log_slider(Recipe, "sgd_lr", "Learning rate of plain SGD", 0.01, 3.2)
            settings.log_slider(Recipe, "adam_lr", "Learning rate of Adam", 1e-3, 0.1)
        with c:
            runs_inputs(Recipe)
    s = Recipe.from_state()
    if not room.revealed(PAGE):  # in a class, this section answers the question: not yet
        room.until_revealed(PAGE)
        return
    with controls.progress("Training both settings…") as bar:
        runs = lesson.recipe_runs(s, bar)
    metrics, words = lesson.recipe_view(s, runs)
    show(metrics, st.columns(2))
    with classroom.section("Hard setting against the recipe"):
        frame("Recipe vs hard: loss bands", curves(runs, s.target, legend=""))
        st.markdown(text("recipe", **words))


@st.fragment
@classroom.guarded
def sweep_section() -> None:
    st.markdown(text("sweep_intro"))
    with classroom.controls("Network, optimiser and learning rates"):
        a, b, c = st.columns(3)
        with a:
            dataset_picker(Sweep)
            settings.slider(Sweep, "depth", "Hidden layers", 1, 4)
            settings.select_slider(Sweep, "width", "Units per layer", (4, 8, 16, 32))
            help_ = "Initialised with He's scale for ReLU, Xavier's otherwise."
            activations = list(practice.ACTIVATIONS)
            names = practice.ACTIVATIONS.get
            settings.selectbox(
                Sweep, "activation", "Activation", activations, format_func=names, help=help_
            )
        with b:
            names = practice.OPTIMIZERS.get
            settings.selectbox(
                Sweep, "optimizer", "Optimiser", lesson.FIRST_ORDER, format_func=names
            )
            label, short = "Learning rates from … to …", charts.number_label
            settings.select_slider(Sweep, "lr_range", label, SWEEP_LRS, format_func=short)
            help_ = "Spaced evenly on a log scale."
            settings.slider(Sweep, "count", "How many learning rates", 4, 12, help=help_)
        with c:
            runs_inputs(Sweep, target=False)
    s = Sweep.from_state()
    lrs = lesson.sweep_lrs(s)
    with controls.progress(
        f"Training {len(lrs)} learning rates × {s.restarts} restarts at once…"
    ) as bar:
        r = lesson.sweep_data(s, bar)
    best, summary, metrics = lesson.sweep_view(r)
    frame("Learning-rate sweep", summary)
    show(metrics)
    with classroom.section("Final loss against learning rate"):
        draw(st, charts.sweep_chart, r.table, best, practice.OPTIMIZERS[s.optimizer])
        st.caption(text("sweep_caption"))
    with classroom.section("Median loss curve at each learning rate"):
        draw(st, charts.lr_curves_chart, charts.lr_curves_frame(lrs, r.bands))
        st.markdown(text("sweep_curves"))
        edge = lesson.edge_words(s, r)
        if edge:
            st.markdown(text(edge[0], **edge[1]))


def baseline_inputs() -> None:
    a, b, c = st.columns(3)
    with a:
        dataset_picker(Compare)
        settings.slider(Compare, "depth", "Hidden layers", 1, 8)
        settings.select_slider(Compare, "width", "Units per layer", lesson.WIDTHS)
        names = practice.ACTIVATIONS.get
        settings.selectbox(
            Compare, "activation", "Activation", list(practice.ACTIVATIONS), format_func=names
        )
        help_ = "Between hidden layers of the same width (needs 2 or more)."
        settings.toggle(Compare, "skip", "Skip connections", help=help_)
    with b:
        inits = list(practice.INITS)
        settings.selectbox(Compare, "init", "Initialisation", inits, format_func=lesson.init_name)
        label = "Too small: spread s of N(0, s²)"
        settings.log_slider(Compare, "small", label, 1e-3, 0.32, per_decade=2)
        settings.log_slider(Compare, "large", "Too large: spread s of N(0, s²)", 1.0, 30.0)
        names = practice.OPTIMIZERS.get
        optimizer = settings.selectbox(
            Compare, "optimizer", "Optimiser", lesson.FIRST_ORDER, format_func=names
        )
        lr_input(optimizer)
    with c:
        help_ = "Points per step; 'all' is full-batch gradient descent."
        settings.select_slider(
            Compare,
            "batch",
            "Batch size",
            lesson.BATCHES,
            format_func=charts.batch_label,
            help=help_,
        )
        runs_inputs(Compare)
        help_ = "Faint lines under the median and band."
        settings.toggle(Compare, "every", "Show every restart", help=help_)


@st.fragment
@classroom.guarded
def compare_section() -> None:
    names = practice.CHOICES.get
    choice = settings.radio(
        Compare, "choice", "Compare", list(practice.CHOICES), format_func=names, horizontal=True
    )
    with classroom.controls("Baseline network and training"):
        baseline_inputs()
        if choice == "optimizer":
            st.markdown("**Learning rates of the other optimisers**")
            others = [n for n in lesson.FIRST_ORDER if n != Compare.from_state().optimizer]
            for col, name in zip(st.columns(2), others):
                with col:
                    lr_input(name)
    s = Compare.from_state()
    if s.choice == "skip" and s.depth < 2:
        st.info(text("compare_no_skips"), icon=":material/info:")
    count = len(lesson.compared_settings(s))
    with controls.progress(f"Training {count} settings × {s.restarts} restarts…") as bar:
        runs = lesson.compare_runs(s, bar)
    with classroom.section(f"{practice.CHOICES[s.choice]}: every setting on the same seeds"):
        frame(
            "Comparison: loss bands",
            curves(runs, s.target, s.every, practice.CHOICES[s.choice].lower()),
        )
        table = lesson.outcome_table(runs, s.target)
        st.dataframe(table, hide_index=True, width="stretch", column_config=OUTCOME_COLUMNS)
        frame("Comparison: outcomes", table)
        st.markdown(text(f"compare_{s.choice}"))
        st.caption(text("compare_caption", **lesson.compare_caption(s)))
    name, title = lesson.class_experiment(s)
    mine = partial(lesson.class_run, s)
    room.experiment(name, title, s.values(), mine, text("class_success", target=s.target))


@classroom.guarded
def predict_section() -> None:
    with controls.progress("Training the hard setting…") as bar:
        runs = lesson.recipe_runs(lesson.QUESTION, bar)
    q = lesson.question_view(runs)
    question, explain = text("question", **q), text("explain", **q)
    classroom.predict(PAGE, question, q["options"], q["answer"], explain)


classroom.page_setup("What makes training work in practice", text("idea"))
classroom.scenes(PAGE, SCENES)
classroom.glossary(text("words", points=practice.POINTS, ln2=lesson.LN2, rise=practice.RISE - 1))

st.header("The recipe against a hard setting")
if room.member():  # in a class, the poll comes before the section that answers it
    predict_section()
recipe_section()
st.header("The learning rate: too small crawls, too large diverges")
sweep_section()
st.header("One choice at a time, against a baseline")
compare_section()
st.markdown(text("normalisation"))

st.header("What to notice")
st.markdown(text("notice"))
st.header("Try this")
st.markdown(text("try"))
if not room.member():
    predict_section()
classroom.export(
    PAGE,
    dict(st.session_state.get(f"_{PAGE}_frames", {})),
    classroom.current_settings(Recipe, Sweep, Compare),
)
classroom.references(text("references").splitlines())

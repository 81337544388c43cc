"""Lesson: what makes training work in practice — the choices that decide whether a network trains.

Thin page: URL-bound controls → cached calls into core.practice (ui.practice_compute; each section
one or a few batched trainings of many restarts) → Altair charts (ui.practice_views). Three live
experiments: the recipe against a hard setting, a learning-rate sweep, and one choice at a time
against a baseline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import data, practice
from lessons.practice import charts as views
from lessons.practice.compute import (
    DEFAULTS,
    FIRST_ORDER,
    HARD_SCALE,
    SCENES,
    P,
    baseline,
    question,
    recipe_settings,
    sweep_data,
    sweep_lrs,
    train,
)
from ui import classroom, controls
from ui.cached_charts import draw

RESTARTS = (4, 8, 16, 32)
STEPS = (100, 200, 300, 500, 1000)
TARGETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
WIDTHS = (2, 4, 8, 16, 32, 64)
BATCHES = (8, 16, 32, 64, practice.POINTS)  # the last: every point, every step
SWEEP_LRS = tuple(controls.log_values(1e-4, 100.0, per_decade=2))
LN2 = float(np.log(2))

IDEA = (
    "No theorem promises that training a network converges, converges fast, or converges at all. "
    "What makes it work in practice is a handful of careful choices: how large the first weights "
    "are, which units the network uses, which optimiser and **learning rate** (the size of each "
    "step), whether layers have **skip connections**, how wide and deep the network is, and how "
    "many examples each step sees. Every experiment below trains many **restarts** (the same "
    "network from different random first weights) at once, so you see what a choice does to all "
    "of them, not to one lucky run."
)

WORDS = (
    "- **Loss**: here the cross-entropy between the network's predicted probability and the true "
    "class, averaged over the 200 points. A network that says 50% for every point has loss "
    "ln 2 ≈ 0.693; a perfect, confident one has loss near 0.\n"
    "- **Restart**: one training run from its own random initial weights. Restart i of every "
    "setting on this page starts from the same random draws and sees the same minibatches, so "
    "settings differ only in the choice being compared.\n"
    "- **Median and band**: the line is the middle restart at each step; the shaded band holds "
    "the middle 80% (10th to 90th percentile).\n"
    "- **Target loss**: a loss that counts as trained. **Reached** is the share of restarts that "
    "got there; **steps to reach it** is the median over those that did.\n"
    "- **Diverged**: a restart whose loss *ended* more than 10% above where it started, or whose "
    "numbers overflowed. Diverged restarts are counted and marked, never averaged in.\n"
    "- **Initialisation**: how the first weights are drawn. **Xavier** (Glorot & Bengio 2010) "
    "and **He** (He et al. 2015) scale them by the number of inputs of each unit; *too small* "
    "and *too large* draw every weight and bias from N(0, s²) with a small or large s.\n"
    "- **Activation**: the function each hidden unit applies: sigmoid 1/(1 + e⁻ᶻ), tanh, or "
    "ReLU max(0, z).\n"
    "- **Skip connection**: a layer adds its input to its output, h ← h + f(h), so the signal "
    "has a path around it (He et al. 2016).\n"
    "- **Minibatch**: the points one step uses to estimate the slope; fewer points, noisier "
    "steps."
)


def run_settings(
    settings: dict[str, practice.Setting], restarts: int, steps: int, seed: int, text: str
) -> dict[str, practice.Runs] | None:
    """Train the settings (cached); a refused request shows why and returns None."""
    try:
        with controls.progress(text) as bar:
            return train(settings, restarts, steps, seed, progress=bar)
    except ValueError as exc:
        controls.show_problem(exc)
        return None


# -- shared presentation -----------------------------------------------------------------------


def outcome_table(runs: dict[str, practice.Runs], target: float) -> pd.DataFrame:
    rows = []
    for label, r in runs.items():
        o = practice.outcome(r, target)
        rows.append(
            {
                "setting": label,
                "reached target": 100 * o.reached,
                "median steps to reach it": "never"
                if np.isnan(o.median_steps)
                else f"{o.median_steps:.0f}",
                "median final loss": "all diverged"
                if np.isnan(o.median_final)
                else f"{o.median_final:.3g}",
                "diverged": f"{o.diverged} of {o.restarts}",
            }
        )
    return pd.DataFrame(rows)


def show_outcomes(df: pd.DataFrame) -> None:
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_config={
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
        },
    )


def curves(
    where,
    runs: dict[str, practice.Runs],
    target: float,
    every: bool = False,
    legend: str = "setting",
) -> pd.DataFrame:
    """Draw the loss curves of the runs in `where` (spec cached); the band frame."""
    bands = views.band_frame({label: practice.band(r) for label, r in runs.items()})
    lines = views.restart_frame({k: r.loss for k, r in runs.items()}) if every else None
    draw(where, views.curves_chart, bands, target, restarts=lines, legend=legend)
    return bands


def default_index(options, key: str) -> int:
    """Where the widget's default (DEFAULTS) sits among its options."""
    return list(options).index(DEFAULTS[key])


def dataset_picker(key: str) -> str:
    names = data.names()
    return st.selectbox(
        "Dataset",
        list(names),
        index=default_index(names, key),
        format_func=names.get,
        key=key,
        bind="query-params",
        help=f"{practice.POINTS} points of a 2-D toy problem with two classes.",
    )


def runs_inputs(prefix: str, target: bool = True):
    """Restarts, steps, (target loss) and seed of one section."""
    r = st.select_slider(
        "Restarts per setting",
        RESTARTS,
        value=DEFAULTS[f"{prefix}_restarts"],
        key=f"{prefix}_restarts",
        bind="query-params",
    )
    s = st.select_slider(
        "Steps",
        STEPS,
        value=DEFAULTS[f"{prefix}_steps"],
        key=f"{prefix}_steps",
        bind="query-params",
    )
    t = (
        st.select_slider(
            "Target loss",
            TARGETS,
            value=0.1,
            key=f"{prefix}_target",
            bind="query-params",
            help=f"The loss that counts as trained (50% everywhere is {LN2:.3f}).",
        )
        if target
        else None
    )
    seed = controls.seed_input(prefix, DEFAULTS[f"{prefix}_seed"])
    return int(r), int(s), (float(t) if t is not None else None), seed


def remember(name: str, df: pd.DataFrame) -> None:
    """Keep a section's data for the download buttons at the end of the page."""
    st.session_state.setdefault(f"_{P}_frames", {})[name] = df


# -- 1. the recipe against a hard setting --------------------------------------------------------


@st.fragment
def recipe_section() -> None:
    st.markdown(
        "A deliberately **hard setting** — a deep network of sigmoid units, every first weight "
        f"drawn from N(0, {HARD_SCALE}²), trained by plain gradient descent — next to the "
        "**recipe**: the same network with He initialisation, ReLU units, Adam and skip "
        "connections. Same data, same size, same random draws."
    )
    with classroom.controls("Network, ingredients and training"):
        a, b, c = st.columns(3)
        with a:
            dataset = dataset_picker(f"{P}_rc_data")
            depth = st.slider(
                "Hidden layers",
                2,
                8,
                DEFAULTS[f"{P}_rc_depth"],
                key=f"{P}_rc_depth",
                bind="query-params",
            )
            width = st.select_slider(
                "Units per layer",
                (8, 16, 32),
                value=DEFAULTS[f"{P}_rc_width"],
                key=f"{P}_rc_width",
                bind="query-params",
            )
        with b:
            ingredients = st.multiselect(
                "Ingredients of the recipe",
                list(practice.INGREDIENTS),
                default=DEFAULTS[f"{P}_rc_ingredients"],
                format_func=practice.INGREDIENTS.get,
                key=f"{P}_rc_ingredients",
                bind="query-params",
                help="Take one out to see how much it alone was doing.",
            )
            sgd_lr = controls.log_slider(
                "Learning rate of plain SGD",
                f"{P}_rc_sgd_lr",
                0.01,
                3.2,
                DEFAULTS[f"{P}_rc_sgd_lr"],
                per_decade=4,
            )
            adam_lr = controls.log_slider(
                "Learning rate of Adam",
                f"{P}_rc_adam_lr",
                1e-3,
                0.1,
                DEFAULTS[f"{P}_rc_adam_lr"],
                per_decade=4,
            )
        with c:
            restarts, steps, target, seed = runs_inputs(f"{P}_rc")
    settings = recipe_settings(dataset, depth, width, ingredients, sgd_lr, adam_lr)
    runs = run_settings(settings, restarts, steps, seed, "Training both settings…")
    if runs is None:
        return
    cols = st.columns(2)
    for col, (label, r) in zip(cols, runs.items()):
        o = practice.outcome(r, target)
        col.metric(
            f"{label.split(':')[0].capitalize()}: restarts reaching loss {target:g}",
            f"{o.reached:.0%}",
            delta=(
                "never reached"
                if np.isnan(o.median_steps)
                else f"median {o.median_steps:.0f} steps"
            ),
            delta_color="off",
            delta_arrow="off",
            help=f"Median final loss {o.median_final:.3g}; {o.diverged} of {o.restarts} diverged.",
        )
    with classroom.section("Hard setting against the recipe"):
        bands = curves(st, runs, target, legend="")
        remember("Recipe vs hard: loss bands", bands)
        hard = next(iter(runs.values()))
        st.markdown(
            f"The hard setting's median loss ends at **{np.nanmedian(hard.final):.3f}** — "
            f"ln 2 ≈ {LN2:.3f} is the loss of a network that says 50% for every point. Every "
            "unit computes a sigmoid of small inputs, so it sits near 0.5 whatever the point, "
            "and on its way back each layer multiplies the gradient by the sigmoid's slope (at "
            "most 1/4) and by its small weights: the first layers feel almost no slope at all. "
            "The run starts on a wide, flat plateau around a critical point — the network that "
            "ignores its input — like the flat regions and saddles of the earlier lessons, and "
            "plain gradient descent, whose step is proportional to the slope, barely moves. The "
            "recipe changes the ground it starts on: He's scale keeps "
            "the signal's size from layer to layer, ReLU passes gradients on with slope 1, skip "
            "connections give the gradient a path around every layer, and Adam rescales each "
            "weight's step so that small slopes still give normal-sized steps."
        )


# -- 2. the learning-rate sweep ------------------------------------------------------------------


@st.fragment
def sweep_section() -> None:
    st.markdown(
        "Every learning rate below trains the same restarts (the same first weights) of one "
        "network — all learning rates × restarts as a single batched run, each restart with its "
        "own step size. The dot is the median final loss, the whisker the middle 80% of the "
        "restarts that did not diverge."
    )
    with classroom.controls("Network, optimiser and learning rates"):
        a, b, c = st.columns(3)
        with a:
            dataset = dataset_picker(f"{P}_sw_data")
            depth = st.slider(
                "Hidden layers",
                1,
                4,
                DEFAULTS[f"{P}_sw_depth"],
                key=f"{P}_sw_depth",
                bind="query-params",
            )
            width = st.select_slider(
                "Units per layer",
                (4, 8, 16, 32),
                value=DEFAULTS[f"{P}_sw_width"],
                key=f"{P}_sw_width",
                bind="query-params",
            )
            activation = st.selectbox(
                "Activation",
                list(practice.ACTIVATIONS),
                index=default_index(practice.ACTIVATIONS, f"{P}_sw_act"),
                format_func=practice.ACTIVATIONS.get,
                key=f"{P}_sw_act",
                bind="query-params",
                help="Initialised with He's scale for ReLU, Xavier's otherwise.",
            )
        with b:
            optimizer = st.selectbox(
                "Optimiser",
                FIRST_ORDER,
                index=default_index(FIRST_ORDER, f"{P}_sw_opt"),
                format_func=practice.OPTIMIZERS.get,
                key=f"{P}_sw_opt",
                bind="query-params",
            )
            lo, hi = st.select_slider(
                "Learning rates from … to …",
                SWEEP_LRS,
                value=DEFAULTS[f"{P}_sw_range"],
                format_func=lambda v: f"{v:g}",
                key=f"{P}_sw_range",
                bind="query-params",
            )
            count = st.slider(
                "How many learning rates",
                4,
                12,
                DEFAULTS[f"{P}_sw_count"],
                key=f"{P}_sw_count",
                bind="query-params",
                help="Spaced evenly on a log scale.",
            )
        with c:
            restarts, steps, _, seed = runs_inputs(f"{P}_sw", target=False)
    lrs = sweep_lrs(lo, hi, count)
    try:
        with controls.progress(
            f"Training {len(lrs)} learning rates × {restarts} restarts at once…"
        ) as bar:
            table, bands, start = sweep_data(
                dataset,
                depth,
                width,
                activation,
                optimizer,
                lrs,
                restarts,
                steps,
                seed,
                _progress=bar,
            )
    except ValueError as exc:
        controls.show_problem(exc)
        return
    best = practice.best_range(table, start)
    summary = pd.DataFrame(table)
    remember("Learning-rate sweep", summary)
    diverged = int(summary["diverged"].sum())
    m1, m2, m3 = st.columns(3)
    m1.metric(
        "Best range of learning rates",
        "none"
        if best is None
        else (f"{best[0]:.3g}" if best[0] == best[1] else f"{best[0]:.3g} to {best[1]:.3g}"),
        help=f"Learning rates whose median final loss gets at least "
        f"{practice.BEST_SHARE:.0%} of the way from the start ({start:.3g}) down to "
        "the best median, with no restart diverging.",
    )
    m2.metric(
        "Diverged restarts",
        f"{diverged} of {int(summary['restarts'].sum())}",
        help="Loss ended more than 10% above its start, or the numbers overflowed.",
    )
    first_bad = summary[summary["diverged"] > 0]["lr"]
    m3.metric(
        "Smallest learning rate with a diverged restart",
        "none" if first_bad.empty else f"{first_bad.min():.3g}",
    )
    with classroom.section("Final loss against learning rate"):
        draw(st, views.sweep_chart, table, best, practice.OPTIMIZERS[optimizer])
        st.caption(
            "Crosses along the top mark learning rates with diverged restarts and say how "
            "many; their losses are not plotted. No dot means every restart diverged."
        )
    with classroom.section("Median loss curve at each learning rate"):
        draw(st, views.lr_curves_chart, views.lr_curves_frame(lrs, bands))
        st.markdown(
            "**Too small** and each step moves the weights a tiny way: the loss creeps down, as "
            "if the landscape were flat. **Too large** and a step jumps across the valley it "
            "should descend, to a point higher up the other side: along the most curved "
            "direction gradient descent is only stable while the learning rate is below "
            "2 / (largest curvature), and a network's curvature differs hugely between "
            "directions (poor **conditioning**), so the rate that is safe for the steepest "
            "direction crawls along the flattest. The **best range** usually sits just below "
            "where runs start to diverge. Adam's steps have about the size of its learning rate "
            "whatever the slope, so its good range sits at smaller values than plain SGD's."
        )


# -- 3. one choice at a time -----------------------------------------------------------------------

LANDSCAPE = {
    "init": (
        "**Too small** and every layer multiplies the signal by small weights: the output and "
        "every gradient start near zero. The all-zero network is a critical point, a saddle, "
        "and the run starts on the flat plateau around it (the saddles lesson). **Too large** and tanh or "
        "sigmoid units saturate — their output is pinned near its limit where their slope is "
        "almost 0, so the landscape is flat in most directions — while ReLU outputs grow layer "
        "after layer and the loss starts huge and steep. **Xavier** (Glorot & Bengio 2010) picks "
        "the spread so that a tanh layer passes the signal on at the same size, forwards and "
        "backwards; **He** (He et al. 2015) doubles the variance for ReLU, which zeroes half "
        "its inputs."
    ),
    "activation": (
        "The sigmoid's slope is at most 1/4 and its outputs are all positive, so each sigmoid "
        "layer shrinks the gradient by at least a factor of 4: the loss is nearly flat in the "
        "first layers' weights (vanishing gradients, a long plateau). tanh is centred on 0 with "
        "slope 1 there. ReLU passes the gradient on with slope 1 wherever a unit is on — but a "
        "unit that is off for every point gets no gradient at all and stays off (a dead unit)."
    ),
    "optimizer": (
        "Plain SGD steps in proportion to the slope, so it crawls across flat regions and "
        "zig-zags across narrow valleys, where the curvature is large one way and small the "
        "other (poor conditioning). **Momentum** keeps a running average of its steps: the "
        "zig-zags cancel and speed builds up along the valley floor. **Adam** (Kingma & Ba 2015) "
        "divides each weight's step by a running size of that weight's gradients, so tiny "
        "slopes still give normal-sized steps: it moves off plateaus and copes with bad "
        "conditioning. Each optimiser has its own good learning rate — find it with the sweep "
        "above and set it here."
    ),
    "skip": (
        "A skip connection computes h + f(h) instead of f(h), so the signal and its gradient "
        "have a path around every layer's nonlinearity: the gradient reaching the first layer "
        "is no longer a product of many small factors (He et al. 2016). Li et al. (2018) drew "
        "the loss landscapes of deep networks and found that skip connections turn a chaotic, "
        "many-valleyed surface into a smooth, nearly convex-looking bowl. They join hidden layers "
        "of the same width, so a single hidden layer has none. They matter most where the "
        "gradient would otherwise fade — try 6 layers with a too-small start — and can even "
        "slow a network that already trains well."
    ),
    "width": (
        "A wider network has far more weights than the problem needs (it is "
        "*overparameterised*). With more directions to move in, fewer places are dead ends: "
        "restarts of wide networks end at similar, low losses. Too narrow a network cannot "
        "draw the boundary at all (two units per layer cannot enclose a circle), so its loss "
        "has a floor however long it trains."
    ),
    "depth": (
        "More layers can draw more complicated boundaries, and here deeper tanh networks with "
        "Xavier's scale even train faster. But the gradient reaching the first layer is a "
        "product of one factor per layer: with saturating units, a poor scale or no skip "
        "connections it shrinks (or grows) exponentially with depth. Switch the activation to "
        "sigmoid, or the initialisation to too small, to see depth hurt."
    ),
    "batch": (
        "With a minibatch each step estimates the slope from a few random points — a noisy "
        "version of the true slope. The noise shakes the run: it can help it off saddles and "
        "flat regions, but near the bottom it keeps the run bouncing at a noise floor unless "
        "the learning rate shrinks. Steps are counted here, not passes over the data: a batch "
        "of 8 costs 25 times less per step than all 200 points."
    ),
}


def baseline_inputs():
    """The baseline's widgets → (baseline, too-small scale, too-large scale, learning rate per
    optimiser, show every restart, (restarts, steps, target, seed))."""
    a, b, c = st.columns(3)
    with a:
        dataset = dataset_picker(f"{P}_data")
        depth = st.slider(
            "Hidden layers", 1, 8, DEFAULTS[f"{P}_depth"], key=f"{P}_depth", bind="query-params"
        )
        width = st.select_slider(
            "Units per layer",
            WIDTHS,
            value=DEFAULTS[f"{P}_width"],
            key=f"{P}_width",
            bind="query-params",
        )
        activation = st.selectbox(
            "Activation",
            list(practice.ACTIVATIONS),
            index=default_index(practice.ACTIVATIONS, f"{P}_act"),
            format_func=practice.ACTIVATIONS.get,
            key=f"{P}_act",
            bind="query-params",
        )
        skip = st.toggle(
            "Skip connections",
            value=DEFAULTS[f"{P}_skip"],
            key=f"{P}_skip",
            bind="query-params",
            help="Between hidden layers of the same width (needs 2 or more).",
        )
    with b:
        init = st.selectbox(
            "Initialisation",
            list(practice.INITS),
            index=default_index(practice.INITS, f"{P}_init"),
            format_func=lambda k: practice.INITS[k][0],
            key=f"{P}_init",
            bind="query-params",
        )
        small = controls.log_slider(
            "Too small: spread s of N(0, s²)",
            f"{P}_small",
            1e-3,
            0.32,
            DEFAULTS[f"{P}_small"],
            per_decade=2,
        )
        large = controls.log_slider(
            "Too large: spread s of N(0, s²)",
            f"{P}_large",
            1.0,
            30.0,
            DEFAULTS[f"{P}_large"],
            per_decade=4,
        )
        optimizer = st.selectbox(
            "Optimiser",
            FIRST_ORDER,
            index=default_index(FIRST_ORDER, f"{P}_opt"),
            format_func=practice.OPTIMIZERS.get,
            key=f"{P}_opt",
            bind="query-params",
        )
        lrs = {optimizer: lr_input(optimizer)}
    with c:
        batch = st.select_slider(
            "Batch size",
            BATCHES,
            value=DEFAULTS[f"{P}_batch"],
            format_func=lambda v: f"all {v}" if v == practice.POINTS else str(v),
            key=f"{P}_batch",
            bind="query-params",
            help="Points per step; 'all' is full-batch gradient descent.",
        )
        restarts, steps, target, seed = runs_inputs(P)
        every = st.toggle(
            "Show every restart",
            value=False,
            key=f"{P}_every",
            bind="query-params",
            help="Faint lines under the median and band.",
        )
    base = baseline(
        dataset,
        depth,
        width,
        activation,
        skip,
        init,
        small,
        large,
        optimizer,
        lrs[optimizer],
        batch,
    )
    return base, small, large, lrs, every, (restarts, steps, target, seed)


def lr_input(name: str) -> float:
    return controls.log_slider(
        f"Learning rate of {practice.OPTIMIZERS[name]}",
        f"{P}_lr_{name}",
        1e-3,
        3.2,
        DEFAULTS[f"{P}_lr_{name}"],
        per_decade=4,
    )


@st.fragment
def compare_section() -> None:
    choice = st.radio(
        "Compare",
        list(practice.CHOICES),
        index=default_index(practice.CHOICES, f"{P}_choice"),
        format_func=practice.CHOICES.get,
        horizontal=True,
        key=f"{P}_choice",
        bind="query-params",
    )
    with classroom.controls("Baseline network and training"):
        base, small, large, lrs, every, (restarts, steps, target, seed) = baseline_inputs()
        if choice == "optimizer":
            st.markdown("**Learning rates of the other optimisers**")
            cols = st.columns(2)
            for col, name in zip(cols, [n for n in FIRST_ORDER if n != base.optimizer]):
                with col:
                    lrs[name] = lr_input(name)
    if choice == "skip" and base.depth < 2:
        st.info(
            "Skip connections join two hidden layers of the same width; with one hidden "
            "layer there are none, so both settings are the same network. Add a layer.",
            icon=":material/info:",
        )
    settings = practice.levels(choice, base, small, large, lrs)
    runs = run_settings(
        settings, restarts, steps, seed, f"Training {len(settings)} settings × {restarts} restarts…"
    )
    if runs is None:
        return
    with classroom.section(f"{practice.CHOICES[choice]}: every setting on the same seeds"):
        bands = curves(st, runs, target, every, legend=practice.CHOICES[choice].lower())
        table = outcome_table(runs, target)
        show_outcomes(table)
        remember("Comparison: loss bands", bands)
        remember("Comparison: outcomes", table)
        st.markdown(LANDSCAPE[choice])
        st.caption(
            f"Baseline: {base.depth} hidden layer(s) of {base.width} {base.activation} "
            f"units{' with skips' if base.skip else ''}, {base.init_label()}, "
            f"{practice.OPTIMIZERS[base.optimizer]} at learning rate {base.lr:g}, "
            f"{practice.describe('batch', base)}; {restarts} restarts × {steps} steps."
        )


# -- the prediction, page ----------------------------------------------------------------------------


def predict_section() -> None:
    settings, restarts, steps, seed = question()
    runs = run_settings(settings, restarts, steps, seed, "Training the hard setting…")
    if runs is None:
        return
    hard = next(iter(runs.values()))
    options = [
        "close to 0: it just trains slower",
        "about half the starting loss",
        f"still about {LN2:.2f}: it has hardly moved",
    ]
    classroom.predict(
        P,
        "The hard setting (4 sigmoid layers of 16, first weights from N(0, 0.1²), plain SGD "
        "at learning rate 0.5) trains for 300 steps on the circles. Where does its median "
        "loss end?",
        options,
        options[2],
        f"Measured: {np.nanmedian(hard.final):.4f}, next to ln 2 = {LN2:.4f}, the loss of "
        "predicting 50% everywhere. The gradient that reaches the first layers is so small "
        "that 300 steps barely move them: a flat region, not a minimum.",
    )


classroom.page_setup("What makes training work in practice", IDEA)
classroom.scenes(P, SCENES)
classroom.glossary(WORDS)

st.header("The recipe against a hard setting")
recipe_section()
st.header("The learning rate: too small crawls, too large diverges")
sweep_section()
st.header("One choice at a time, against a baseline")
compare_section()
st.markdown(
    "**Normalisation layers** are part of the modern recipe too: batch normalisation (Ioffe & "
    "Szegedy 2015) rescales each unit's summed input to mean 0 and spread 1 over the "
    "minibatch (then applies a learned scale and shift), which keeps the signal's size steady "
    "however the weights drift and lets larger learning rates work. They are not in this engine yet, so this page cannot show them."
)

st.header("What to notice")
st.markdown(
    "- One run can mislead: the band shows how differently restarts of the *same* setting go, "
    "and the share reaching the target is the honest summary.\n"
    "- The hard setting does not fail at a bad minimum: its loss stays at ln 2 ≈ 0.693, the "
    "plateau of a network that says 50% everywhere, because the slope there is almost zero.\n"
    "- The learning rate has a window: below it the loss crawls, above it restarts diverge, "
    "and the best range usually sits just below the edge where divergence begins.\n"
    "- Too small and too large an initialisation fail in different ways: a flat saddle region "
    "around zero, or saturated units whose slope is gone.\n"
    "- Sigmoid units flatten the landscape of a deep network; ReLU, skip connections and Adam "
    "each put slope back, in different ways.\n"
    "- Smaller minibatches make each step noisier: the band widens and the median ends higher "
    "for the same number of steps."
)
st.header("Try this")
st.markdown(
    "- In the recipe, take out one ingredient at a time: which one alone rescues the hard "
    "setting, and which only help together?\n"
    "- Sweep the learning rate of Adam, then of plain SGD: how far apart are their best ranges?\n"
    "- Compare initialisations with ReLU units and 6 hidden layers, then set *too large* to 30.\n"
    "- Compare depths with a too-small start, then turn on skip connections and compare "
    "again.\n"
    "- Compare batch sizes at a learning rate twice as large: does the noise floor rise?\n"
    "- Switch the dataset to two spirals: which choices matter more on a harder problem?"
)
predict_section()
classroom.export(P, dict(st.session_state.get(f"_{P}_frames", {})), classroom.current_settings(P))
classroom.references(
    [
        "Glorot, X., & Bengio, Y. (2010). Understanding the difficulty of training deep feedforward "
        "neural networks. AISTATS.",
        "He, K., Zhang, X., Ren, S., & Sun, J. (2015). Delving deep into rectifiers: surpassing "
        "human-level performance on ImageNet classification. ICCV.",
        "He, K., Zhang, X., Ren, S., & Sun, J. (2016). Deep residual learning for image "
        "recognition. CVPR.",
        "Ioffe, S., & Szegedy, C. (2015). Batch normalization: accelerating deep network training "
        "by reducing internal covariate shift. ICML.",
        "Kingma, D. P., & Ba, J. (2015). Adam: a method for stochastic optimization. ICLR.",
        "Li, H., Xu, Z., Taylor, G., Studer, C., & Goldstein, T. (2018). Visualizing the loss "
        "landscape of neural nets. NeurIPS.",
    ]
)

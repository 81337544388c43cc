"""Lesson: a real network's landscape — lines and slices through the weights of a trained MLP.

Thin page: URL-bound controls → cached calls into core (data, networks, landscape, curvature) →
Altair charts (ui.charts, ui.network_views). Two restarts of one network train together; the
sections then draw straight lines between weight vectors, 2-D slices, slices of differently shaped
networks side by side, and the Hessian spectrum at the solution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import curvature, data, landscape, networks, optimizers
from lessons.network_landscape import charts as views
from lessons.network_landscape.compute import (
    COIN,
    COMPARE,
    COMPARE_GRID,
    COMPARE_SPAN,
    DEFAULTS,
    HESSIAN_CAP,
    LINE_ALPHAS,
    SCENES,
    SECOND_ORDER_STEPS,
    P,
    Setup,
    boundary,
    compare_pair,
    lines,
    lr_default,
    random_slice,
    setup_from,
    slice_args,
    slices,
    spectrum,
    trained,
)
from ui import charts, classroom, controls
from ui.cached_charts import draw

POINTS = (50, 100, 200, 400)
WIDTHS = (2, 4, 8, 16, 32, 64)
STEPS = (100, 200, 500, 1000, 2000)
GRIDS = (21, 31, 41, 51, 61)
SPANS = (0.25, 0.5, 1.0, 1.5, 2.0)
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = {"bce": "Cross-entropy", "mse": "Squared error (on the sigmoid output)"}
TOLERANCES = (1e-8, 1e-6, 1e-4, 1e-2)
#: Measured with this page's settings (8 units per layer, tanh, Adam 0.01, 1,000 steps, run A,
#: direction seed 0, 41×41 over ±1) on data and weight seeds 0-4: mean dips per slice.
SKIP_EVIDENCE = (
    "the effect grows with depth: on the spirals (8 units per layer, tanh, seeds 0–4) the "
    "slices without skips had on average 10 dips at 4 layers against 7 with skips, and 26 "
    "against 10 at 10 layers. On the easy moons they hardly differed, even at 10 layers (5 "
    "against 4)."
)

IDEA = (
    "A neural network's loss is a function of *all* its weights at once: thousands of numbers, so "
    "its landscape cannot be drawn. What we can draw are **lines and slices** through it: pick "
    "one or two directions in weight space and evaluate the real network's loss along them. Below "
    "a small network learns a toy dataset from two random starts; then we look along the straight "
    "line it travelled, across to the other solution, over 2-D slices around the solution, and at "
    "the curvature there — and ask what such pictures can and cannot tell us."
)

WORDS = (
    "- **Weights θ**: every number of the network (weights and biases) in one long vector. A "
    "point in weight space is one whole network.\n"
    "- **Run A, run B**: the same network trained twice from two independent random starts "
    "(restarts 0 and 1 of the seed), on the same data with the same optimiser.\n"
    "- **Line**: the networks θ(α) = a + α·(b − a). α = 0 is a, α = 1 is b; α below 0 or above 1 "
    "goes on past the ends.\n"
    "- **Barrier**: how far the loss on the line between two solutions rises above the higher of "
    "its two ends.\n"
    "- **Slice**: the networks θ + α·d₁ + β·d₂ for two directions d₁, d₂ — a 2-D map of the loss.\n"
    "- **Filter-normalised direction** (Li et al. 2018): a random direction rescaled so that each "
    "neuron's incoming weights move in proportion to their own size (biases stay put); α = 1 "
    "changes every neuron by as much as it already weighs.\n"
    "- **PCA plane**: the two directions along which the training path spread out most "
    "(principal components of its recorded points).\n"
    "- **Hessian**: the table of second derivatives of the loss in the weights; its eigenvalues "
    "are the curvatures along its main directions (negative: downhill)."
)


# -- controls ----------------------------------------------------------------------------------


def setup_controls() -> Setup:
    d = DEFAULTS
    with classroom.controls("Data, network and training"):
        a, b, c = st.columns(3)
        with a:
            names = data.names()
            st.selectbox(
                "Dataset",
                list(names),
                index=list(names).index(d["data"]),
                format_func=names.get,
                key=f"{P}_data",
                bind="query-params",
            )
            st.select_slider(
                "Points", POINTS, value=d["points"], key=f"{P}_points", bind="query-params"
            )
            st.slider(
                "Noise",
                0.0,
                0.5,
                d["noise"],
                0.05,
                key=f"{P}_noise",
                bind="query-params",
                help="Spread of the jitter around each shape.",
            )
            controls.seed_input(P, d["seed"])
        with b:
            st.slider("Hidden layers", 1, 10, d["depth"], key=f"{P}_depth", bind="query-params")
            st.select_slider(
                "Units per hidden layer",
                WIDTHS,
                value=d["width"],
                key=f"{P}_width",
                bind="query-params",
            )
            st.selectbox(
                "Activation",
                ACTIVATIONS,
                index=ACTIVATIONS.index(d["act"]),
                key=f"{P}_act",
                bind="query-params",
            )
            skip = st.toggle(
                "Skip connections",
                value=d["skip"],
                key=f"{P}_skip",
                bind="query-params",
                help="Each hidden layer after the first adds its input to its "
                "output: h ← h + act(W h + b), as in residual networks "
                "(He et al. 2016).",
            )
            st.selectbox(
                "Loss",
                list(LOSSES),
                index=list(LOSSES).index(d["loss"]),
                format_func=LOSSES.get,
                key=f"{P}_loss",
                bind="query-params",
            )
        with c:
            choice = controls.optimizer_picker(P, default=d["optimizer"], default_lr=lr_default)
            st.select_slider(
                "Steps",
                STEPS,
                value=d["steps"],
                key=f"{P}_steps",
                bind="query-params",
                help=f"Full-batch steps. Newton-type methods stop after "
                f"{SECOND_ORDER_STEPS}: each step builds a Hessian.",
            )
    s = setup_from(st.session_state, lr=choice.lr, hyper=choice.hyper)
    net = s.net()
    note = f"**{net.size:,} weights** ({s.label()})."
    if skip and not any(net.skips):
        note += " With one hidden layer there is no layer to skip over, so skips change nothing."
    if optimizers.info(s.optimizer).second_order:
        note += (
            f" {optimizers.info(s.optimizer).label} builds each run's full Hessian every "
            f"step: only for networks of at most {networks.MAX_SECOND_ORDER} weights, and "
            f"for {min(s.steps, SECOND_ORDER_STEPS)} steps."
        )
    st.caption(note)
    return s


# -- 1. training and what the network learned --------------------------------------------------


def train_section(s: Setup) -> views.Trained | None:
    try:
        with controls.progress("Training runs A and B together…") as bar:
            t = trained(s, _progress=bar)
        xs, ys, prob = boundary(s)
    except ValueError as exc:  # BudgetError, or a second-order method on a large network
        controls.show_problem(exc)
        return None
    for i, run in enumerate("AB"):
        if t.diverged[i]:
            st.warning(
                f"Run {run} diverged at step {int(t.stopped_at[i])}: its weights and "
                "curves are those of the step before. Try a smaller learning rate.",
                icon=":material/warning:",
            )
    curves = pd.DataFrame(
        {
            "run": np.tile(["run A", "run B"], len(t.loss)),
            "step": np.repeat(np.arange(len(t.loss)), 2),
            "loss": t.loss.ravel(),
        }
    )
    st.session_state[f"_{P}_frames"] = {"Training loss": curves}
    with classroom.section("The data and what the network learned"):
        X, y = s.data()
        cols = st.columns(2)
        for i, (col, run) in enumerate(zip(cols, "AB")):
            draw(
                col, views.boundary_chart, xs, ys, prob[i], X.numpy(), y.numpy(), title=f"Run {run}"
            )
        st.caption(
            "Background: the network's probability of class 1, in ten bands from blue "
            "(class 0) to orange (class 1); the black line is where it is exactly ½, the "
            "decision boundary. Both runs are the same network and data, started from two "
            "independent random draws of the weights."
        )
        m = st.columns(4)
        for i, run in enumerate("AB"):
            m[2 * i].metric(f"Run {run}: final loss", f"{t.loss[-1, i]:.4g}")
            m[2 * i + 1].metric(f"Run {run}: training accuracy", f"{t.accuracy[i]:.1%}")
        draw(st, charts.loss_chart, curves, log_y=True, title="Training loss", height=220)
    return t


# -- 2. straight lines -------------------------------------------------------------------------


@st.fragment
def line_section(s: Setup) -> None:
    log_y = st.toggle("Log scale for the loss", value=True, key=f"{P}_logy", bind="query-params")
    try:
        df = lines(s)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    st.session_state[f"_{P}_lines"] = df
    by = {name: g for name, g in df.groupby("line", sort=False)}
    left, right = st.columns(2)
    start = df[df["line"].str.contains("start")]
    draw(
        left,
        views.line_chart,
        start,
        "From the start to the trained weights",
        log_y,
        ends=("start", "trained"),
    )
    other = df[~df["line"].str.contains("start")]
    draw(
        right, views.line_chart, other, "Between two solutions", log_y, ends=("run A", "other end")
    )
    rises = {name: landscape.barrier(g["alpha"], g["loss"]) for name, g in by.items()}
    ab, shuffled = rises["run A → run B"], rises["run A → run A, hidden units shuffled"]
    m = st.columns(3)
    bump = max(rises["run A: start → trained"], rises["run B: start → trained"])
    m[0].metric(
        "Bump on the start → trained lines",
        f"{bump:.3g}",
        help="On α from 0 to 1, how far the loss rises above the higher end (the "
        "start); the larger of runs A and B.",
    )
    m[1].metric(
        "Barrier between run A and run B",
        f"{ab:.3g}",
        help="Highest loss on the line from A to B minus the higher of the two ends.",
    )
    m[2].metric(
        "Barrier between A and A shuffled",
        f"{shuffled:.3g}",
        help="The same function at both ends, so both ends have the same loss.",
    )
    start_loss = by["run A: start → trained"]["loss"].to_numpy()
    falls = bool(np.all(np.diff(start_loss[(LINE_ALPHAS >= 0) & (LINE_ALPHAS <= 1)]) <= 1e-9))
    at_one = int(np.argmin(np.abs(LINE_ALPHAS - 1)))
    if start_loss[-1] > start_loss[at_one]:
        beyond = (
            "Past α = 1 the loss rises again (perhaps after a small further dip): along "
            "this line the solution sits in a valley."
        )
    else:
        beyond = (
            "Past α = 1 the loss keeps falling: the network already separates the data, "
            "and scaling its weights up only makes it more confident: its loss reaches "
            "zero only as the weights grow without end."
        )
    st.markdown(
        f"**From the start to the solution**, the loss on the straight line "
        f"{'falls all the way' if falls else 'does not fall all the way'} from α = 0 to α = 1"
        f"{'' if falls else ' (it rises somewhere on the way)'}. Goodfellow, Vinyals & Saxe "
        "(2015) found the same for much larger networks: the straight line from the start to the "
        "solution is usually a smooth downhill slope with no obstacles, even though training "
        f"took a winding path. {beyond}"
    )
    verdict = (
        f"rises by **{ab:.3g}** in the middle: a barrier on the straight line"
        if ab > _barrier_tol(by["run A → run B"]["loss"])
        else "stays about as low as at its ends: no barrier on this line"
    )
    st.markdown(
        f"**Between two solutions**, the loss on the line from run A to run B {verdict}. Even the "
        f"line from run A to *itself with its hidden units shuffled* rises by **{shuffled:.3g}**, "
        "though both ends are exactly the same function: reorder a layer's units (and the "
        "weights that read them) and every output stays the same, but the weight vector is a "
        "different point. So any solution comes with many copies, one per reordering, and "
        "the average of two copies is usually a worse network. A bump on the straight line "
        "therefore does **not** mean the two solutions sit in separate valleys: Garipov et al. "
        "(2018) and Draxler et al. (2018) found that solutions of real networks are joined by "
        "simple *curved* paths along which the loss stays low, where the straight line between "
        "them climbs a barrier."
    )


def _barrier_tol(losses) -> float:
    """A bump smaller than this is noise on the line: 1% of the ends' loss, at least 10⁻³."""
    v = np.asarray(losses, dtype=float)
    return max(1e-3, 0.01 * float(np.nanmax(v[[0, -1]])))


# -- 3. slices ---------------------------------------------------------------------------------


@st.fragment
def slice_section(s: Setup, t: views.Trained) -> None:
    a, b, c = st.columns(3)
    a.select_slider(
        "Grid points per side", GRIDS, value=DEFAULTS["grid"], key=f"{P}_grid", bind="query-params"
    )
    b.select_slider(
        "Slice half-width (in filter-normalised units)",
        SPANS,
        value=DEFAULTS["span"],
        key=f"{P}_span",
        bind="query-params",
        help="α and β run from −this to +this; 1 changes every neuron by "
        "as much as it already weighs.",
    )
    c.number_input(
        "Random directions: seed",
        min_value=0.0,
        max_value=10_000.0,
        value=float(DEFAULTS["dseed"]),
        step=1.0,
        format="%.0f",
        key=f"{P}_dseed",
        bind="query-params",
    )
    n, span, dseed = slice_args(st.session_state)
    try:
        with st.spinner(f"Evaluating 2 × {n * n:,} networks…"):
            sl = slices(s, n, span, dseed)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    frame = charts.surface_frame(sl.alphas, sl.alphas, sl.z_random.T)
    st.session_state[f"_{P}_slice"] = frame.rename(columns={"x": "alpha", "y": "beta"})
    path_r = pd.DataFrame(
        {
            "run": "run A's path",
            "step": t.path_steps,
            "x": sl.path_random[:, 0],
            "y": sl.path_random[:, 1],
        }
    )
    path_p = pd.DataFrame(
        {
            "run": "run A's path",
            "step": t.path_steps,
            "x": sl.path_pca[:, 0],
            "y": sl.path_pca[:, 1],
        }
    )
    left, right = st.columns(2)
    draw(
        left,
        views.slice_with_path,
        sl.alphas,
        sl.alphas,
        sl.z_random.T,
        path_r,
        "α (random direction 1)",
        "β (random direction 2)",
        title="A random filter-normalised slice",
    )
    draw(
        right,
        views.slice_with_path,
        sl.pca_x,
        sl.pca_y,
        sl.z_pca.T,
        path_p,
        "first principal direction",
        "second principal direction",
        title="The plane of the training path (PCA)",
    )
    m = st.columns(4)
    m[0].metric(
        "Path seen by the random slice",
        f"{sl.kept_random:.1%}",
        help="Share of the path's squared distance from the solution that lies in the "
        "slice (least-squares projection).",
    )
    m[1].metric(
        "Path seen by the PCA plane",
        f"{sl.kept_pca:.1%}",
        help="Share of the path's spread along its two principal directions.",
    )
    m[2].metric(
        "Dips in the random slice",
        f"{landscape.dips(sl.z_random)}",
        help="Grid points lower than all eight neighbours: the little basins the slice shows.",
    )
    m[3].metric(
        "Cosine of d₁ and d₂",
        f"{sl.cosine:+.3f}",
        help="1 would be the same direction, 0 a right angle.",
    )
    st.markdown(
        f"Each picture is the loss of {n * n:,} real networks, θ + α·d₁ + β·d₂, with the "
        "trained weights θ (white star) at the centre; colours are banded, on a log scale "
        "when the loss spans many orders of magnitude. **Left**, d₁ and d₂ are random and "
        "filter-normalised (Li et al. 2018). The training path, projected onto them, barely "
        f"leaves the star — the slice shows only **{sl.kept_random:.1%}** of its movement. In "
        f"{t.size:,} dimensions two random directions are nearly at right angles to each other "
        f"(cosine {sl.cosine:+.3f}) *and* to the path, so a path drawn on a random slice looks "
        "frozen. **Right**, the plane is the one the path itself spread out in most (its two "
        f"principal directions, **{sl.kept_pca:.1%}** of its spread), so there the path can be "
        "seen coming down into the valley — but that plane was chosen by the path, so its valley "
        "is a flattering view."
    )
    st.info(
        "**What a slice can and cannot show.** A slice is two directions out of "
        f"{t.size:,}: it shows the loss exactly, but only there. A valley in the slice may be a "
        "ridge in a direction the slice leaves out, and a dip in the slice (a point lower than "
        "its neighbours on the grid) need not be a local minimum of the network; a bowl-shaped "
        "slice does not prove the landscape is convex. What slices *can* do is compare: drawn "
        "the same way around different networks, their shapes differ — sharper or flatter, "
        "smooth or chaotic — as below.",
        icon=":material/visibility:",
    )


# -- 4. side by side ----------------------------------------------------------------------------


def _compare_setups(s: Setup) -> tuple[str, list[tuple[str, Setup]]]:
    d = DEFAULTS
    a, b, c = st.columns(3)
    mode = a.selectbox(
        "Compare",
        list(COMPARE),
        index=list(COMPARE).index(d["cmp"]),
        format_func=COMPARE.get,
        key=f"{P}_cmp",
        bind="query-params",
    )
    if mode == "width":
        b.slider(
            "Hidden layers (both)",
            1,
            4,
            d["cmp_layers"],
            key=f"{P}_cmp_layers",
            bind="query-params",
        )
        c.select_slider(
            "Units: narrow and wide",
            WIDTHS,
            value=d["cmp_widths"],
            key=f"{P}_cmp_widths",
            bind="query-params",
        )
    else:
        b.slider(
            "Hidden layers (both)", 2, 10, d["cmp_depth"], key=f"{P}_cmp_depth", bind="query-params"
        )
        c.select_slider(
            "Units per layer (both)",
            WIDTHS[:4],
            value=d["cmp_width"],
            key=f"{P}_cmp_width",
            bind="query-params",
        )
    with a:
        controls.seed_input(f"{P}_cmp", d["cmp_seed"], label="Seed of this comparison")
    return compare_pair(s, st.session_state)


@st.fragment
def compare_section(s: Setup) -> None:
    mode, pair = _compare_setups(s)
    results = []
    for i, (name, v) in enumerate(pair):
        try:
            with controls.progress(f"Training the network with {name}…") as bar:
                t = trained(v, _progress=bar)
            with st.spinner(f"Slicing the network with {name}…"):
                z = random_slice(v, COMPARE_GRID, COMPARE_SPAN)
        except ValueError as exc:
            controls.show_problem(exc)
            return
        results.append((name, v, t, z))
    edges = views.loss_bands([r[3] for r in results])
    al = np.linspace(-COMPARE_SPAN, COMPARE_SPAN, COMPARE_GRID)
    coin = COIN[s.loss]
    rows = []
    for col, (name, v, t, z) in zip(st.columns(2), results):
        draw(
            col,
            views.starred_slice,
            al,
            al,
            z.T,
            edges,
            height=320,
            title=f"{name.capitalize()}: {v.label()}",
        )
        rows.append(
            {
                "network": f"{name} ({t.size:,} weights)",
                "final loss": f"{t.loss[-1, 0]:.3g}",
                "training accuracy": f"{t.accuracy[0]:.0%}",
                "dips in the slice": landscape.dips(z),
                f"slice below {coin:.3g}": f"{float((z < coin).mean()):.0%}",
            }
        )
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")
    (k0, k1) = (r["dips in the slice"] for r in rows)
    low0, low1 = (r[f"slice below {coin:.3g}"] for r in rows)
    st.caption(
        f"Both slices: run A of each network, trained on data drawn with this section's "
        f"own seed (a new seed at the top leaves this pair alone), random "
        f"filter-normalised directions (direction seed 0), α and β from "
        f"−{COMPARE_SPAN:g} to {COMPARE_SPAN:g}, one colour scale shared by the two "
        f"pictures. *Dips*: grid points lower than all eight neighbours. "
        f"*Slice below {coin:.3g}*: the share of the slice where the network still beats "
        "predicting ½ for every point (that is its loss)."
    )
    if mode == "width":
        wider = "wider" if low1 > low0 else "not wider"
        st.markdown(
            f"Here the wide network's low region is **{wider}** ({low1} of its slice below "
            f"{coin:.3g}, against {low0}), with {k1} dip{'s' * (k1 != 1)} against {k0}. Li et "
            "al. (2018) found that wider networks have wider, flatter, more convex-looking "
            "valleys. Filter normalisation is what makes the comparison fair: each neuron moves "
            "in proportion to its own size, so a network cannot look flat merely because its "
            "weights are large. Try other seeds and datasets: two directions out of hundreds "
            "are a sample, not a verdict."
        )
    else:
        verdict = (
            "the slice with skips is the smoother one, as Li et al. (2018) found"
            if k1 < k0
            else "this time the slice with skips is not the smoother one"
        )
        st.markdown(
            f"Here the slice of the deep narrow network **without** skips has **{k0}** "
            f"dip{'s' * (k0 != 1)}, the one **with** skips **{k1}**: {verdict}. Li et al.'s "
            "effect is about depth: in their pictures a 20-layer network without skips still "
            "looked fairly smooth, while at 56 and 110 layers the slices without skips turned "
            "chaotic and those with skips stayed smooth. These toy networks are narrow, and "
            f"{SKIP_EVIDENCE} Skips also help training itself: each layer only adds a "
            "correction to what it receives, so the signal and its gradient pass through many "
            "layers intact — compare the final losses."
        )


# -- 5. curvature ------------------------------------------------------------------------------


@st.fragment
def curvature_section(s: Setup, t: views.Trained) -> None:
    if t.diverged[0]:
        st.info(
            "Run A diverged, so there is no solution whose curvature could be measured. "
            "Try a smaller learning rate.",
            icon=":material/info:",
        )
        return
    if t.size > HESSIAN_CAP:
        st.info(
            f"The spectrum is hidden for this network: it has {t.size:,} weights, so its "
            f"Hessian has {t.size**2:,} entries and takes {t.size:,} backward passes. "
            f"This page computes it for networks of up to {HESSIAN_CAP:,} weights "
            "(about a second). Use fewer or narrower layers to see it.",
            icon=":material/info:",
        )
        return
    tol = controls.log_slider(
        "Tolerance: an eigenvalue counts as negative below −tol·|largest|",
        f"{P}_tol",
        1e-10,
        1e-1,
        1e-6,
        per_decade=1,
    )
    try:
        with st.spinner(f"Computing a {t.size}×{t.size} Hessian…"):
            eigs = spectrum(s)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    top = float(np.abs(eigs).max())
    e = torch.from_numpy(eigs)
    negative = round(float(curvature.index(e, tol)) * len(eigs))
    flat = int((np.abs(eigs) <= tol * top).sum())
    st.session_state[f"_{P}_spectrum"] = pd.DataFrame(
        {"rank": np.arange(1, len(eigs) + 1), "eigenvalue": eigs}
    )
    left, right = st.columns([3, 2])
    draw(
        left, views.spectrum_chart, eigs, tol * top, title="Hessian eigenvalues at run A's solution"
    )
    with right:
        st.metric(
            "Negative eigenvalues (downhill directions)",
            f"{negative} of {len(eigs)}",
            help=f"Below −{tol:g} × the largest |eigenvalue| ({top:.3g}).",
        )
        st.metric("About zero (flat directions)", f"{flat}")
        st.metric("Largest / most negative", f"{eigs[-1]:.3g} / {eigs[0]:.3g}")
        counts = ", ".join(
            f"{r:g}: {round(float(curvature.index(e, r)) * len(eigs))}" for r in TOLERANCES
        )
        st.caption(f"Negative eigenvalues at other tolerances — {counts}.")
    st.markdown(
        "A few large eigenvalues and a great many near zero: the solution sits in a valley that "
        "is steep in a handful of directions and nearly flat in most others — the usual picture "
        "for neural networks (Sagun et al. 2017). Whether the few small negative ones count is a "
        "question of tolerance: training stopped before the exact bottom (cross-entropy on data "
        "the network can separate has no bottom at finite weights), and rounding alone makes "
        'zero look like ±10⁻¹⁶ times the largest. So a "negative" count needs its tolerance '
        "next to it."
    )


# -- page --------------------------------------------------------------------------------------


def predict_section(s: Setup) -> None:
    try:
        df = lines(s)
    except ValueError:
        return
    ab = df[df["line"] == "run A → run B"]
    answer = (
        "clearly higher: a barrier"
        if landscape.barrier(ab["alpha"], ab["loss"]) > _barrier_tol(ab["loss"])
        else "about as low as at the two ends"
    )
    classroom.predict(
        P,
        "Runs A and B both fit the data. Halfway along the straight line between their "
        "weights, is the loss…",
        ["about as low as at the two ends", "clearly higher: a barrier"],
        answer,
        "See the line from run A to run B above. For small networks it usually climbs: the "
        "halfway network averages units that play different roles in the two runs. A straight "
        "line is just one of infinitely many paths, though; curved low-loss paths often exist.",
    )


classroom.page_setup("A real network's landscape", IDEA)
classroom.scenes(P, SCENES)
classroom.glossary(WORDS)

setup = setup_controls()
st.header("Train two runs")
result = train_section(setup)
if result is None:
    st.info(
        "The sections below draw lines, slices and curvature of the trained networks: "
        "choose settings that can be trained to see them.",
        icon=":material/info:",
    )
else:
    st.header("Straight lines through weight space")
    line_section(setup)
    st.header("Slices around the solution")
    slice_section(setup, result)
    st.header("Side by side: narrow vs wide, skips vs none")
    st.markdown(
        "Slices only mean something in comparison. Here two networks, differing in one "
        "way, learn the same data with the same optimiser, and each is sliced the same "
        "way around its solution, on one shared colour scale."
    )
    compare_section(setup)
    st.header("Curvature at the solution")
    curvature_section(setup, result)

st.header("What to notice")
st.markdown(
    "- The straight line from the start to the trained weights usually goes smoothly downhill "
    "(Goodfellow et al. 2015): the difficulty of training is not visible on that line.\n"
    "- Two solutions of the same network are usually separated by a bump on the straight line "
    "between them — and so is a solution and its own copy with the hidden units shuffled. A "
    "bump on a line is not a wall between valleys: curved low-loss paths often go round it.\n"
    "- A random slice sees almost none of the training path; the PCA plane sees most of it.\n"
    "- Slices of deep narrow networks are more irregular without skip connections; with them, "
    "they look like one bowl. Wider networks give wider low regions.\n"
    "- At the solution most Hessian eigenvalues are close to zero: flat in most directions, "
    "steep in a few."
)
st.header("Try this")
st.markdown(
    "- Change the seed: do the two runs find the same decision boundary? Is there still a "
    "barrier between them?\n"
    "- Widen the network to 64 units: does the barrier between A and B shrink?\n"
    "- Set the slice half-width to 0.25 and then 2: how far does the valley reach?\n"
    "- Use ReLU instead of tanh, or squared error instead of cross-entropy, and look at the "
    "spectrum.\n"
    "- With one hidden layer of 4 units (17 weights), train with Newton's method: where does it "
    "end up, and what does the Hessian say about that point?"
)
if result is not None:
    predict_section(setup)
frames = dict(st.session_state.get(f"_{P}_frames", {}))
for key, name in (
    (f"_{P}_lines", "Loss along lines"),
    (f"_{P}_slice", "Random slice"),
    (f"_{P}_spectrum", "Hessian eigenvalues"),
):
    if isinstance(st.session_state.get(key), pd.DataFrame):
        frames[name] = st.session_state[key]
classroom.export(P, frames, classroom.current_settings(P))
classroom.references(
    [
        (
            "Draxler, F., Veschgini, K., Salmhofer, M., & Hamprecht, F. A. (2018). Essentially no "
            "barriers in neural network energy landscape. ICML."
        ),
        (
            "Garipov, T., Izmailov, P., Podoprikhin, D., Vetrov, D., & Wilson, A. G. (2018). Loss "
            "surfaces, mode connectivity, and fast ensembling of DNNs. NeurIPS."
        ),
        (
            "Goodfellow, I. J., Vinyals, O., & Saxe, A. M. (2015). Qualitatively characterizing neural "
            "network optimization problems. ICLR."
        ),
        (
            "He, K., Zhang, X., Ren, S., & Sun, J. (2016). Deep residual learning for image "
            "recognition. CVPR."
        ),
        (
            "Li, H., Xu, Z., Taylor, G., Studer, C., & Goldstein, T. (2018). Visualizing the loss "
            "landscape of neural nets. NeurIPS."
        ),
        (
            "Sagun, L., Evci, U., Güney, V. U., Dauphin, Y., & Bottou, L. (2017). Empirical analysis of "
            "the Hessian of over-parametrized neural networks. arXiv:1706.04454."
        ),
    ]
)

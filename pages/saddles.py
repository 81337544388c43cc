"""Lesson: saddle points and flat regions — where the slope vanishes but you are not at a minimum.

Thin page: URL-bound controls → cached calls into core (ui.saddles_compute) → Altair charts
(ui.charts, ui.saddle_views). Three live experiments: escaping a saddle from (1, ε),
a degenerate (monkey) saddle against a strict one, and a real network's plateau.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core import data, escape, optimizers
from lessons.saddles import charts as views
from lessons.saddles.compute import (
    DEFAULTS,
    PREDICT_LR,
    PREDICT_STEPS,
    SCENES,
    SECOND_ORDER_STEPS,
    P,
    escape_of,
    free_of,
    lr_for,
    plateau_runs,
    runs_for,
    saddles_of,
    strict_steps,
    surface_grid,
    sweep,
)
from ui import classroom, controls
from ui.cached_charts import draw

STEPS = (100, 200, 300, 500, 800, 1200, 2000, 3000)
MONKEY_STEPS = (500, 1000, 1500, 3000, 5000)
NET_STEPS = (200, 400, 800, 1500, 2500)
FIRST_ORDER = ("sgd", "momentum", "adam")
ACTIVATIONS = ("tanh", "sigmoid")
OFFERED = ("sgd", "momentum", "adam", "newton", "saddle_free_newton", "perturbed_gd")
PREDICT_EPS = (1e-4, 1e-8)

IDEA = (
    "A **saddle point** is a place where the slope is zero although the surface still goes down "
    "in some direction — like the middle of a horse's saddle, or a mountain pass. Near one, "
    "gradient descent slows to a crawl, because the slope that drives it all but vanishes, and the "
    "loss curve goes flat as if training had finished. Below you measure how long optimisers take "
    "to get away, why the answer depends on the logarithm of how close they start, why Newton's "
    "method walks straight into the saddle, and how the same flat stretch shows up when a real "
    "network starts with small weights."
)

WORDS = (
    "- **Critical point**: where the gradient (the slope) is zero — a minimum, a maximum or a "
    "saddle.\n"
    "- **Hessian**: the table of second derivatives. Its **eigenvalues** are the curvatures along "
    "its main directions: positive means the surface curves up that way (a valley floor), "
    "negative means it curves down (a way out).\n"
    "- **Index**: the share of negative eigenvalues — 0 at a minimum, 1 at a peak, in between at "
    "a saddle.\n"
    "- **Strict saddle**: at least one eigenvalue is clearly negative, so the second derivatives "
    "show the way down. **Degenerate saddle**: the Hessian is zero (or flat in the way-out "
    "direction), so only higher derivatives decide.\n"
    "- **Stable direction**: the direction that curves up. A start on it slides straight into "
    "the saddle. **Unstable direction**: the way out. The experiment starts on the stable "
    "direction and gives the run a push of size **ε** along the way out.\n"
    "- **Escaped**: the loss has fallen clearly below the saddle's own height — by half the drop "
    "to the lowest critical point below it, or by 1 where the surface falls forever. Points near "
    "the saddle have nearly its height, so a run that falls this far below it has left."
)


# -- small helpers -----------------------------------------------------------------------------


def outcome(e: escape.Escape, i: int, sd: escape.Saddle, bounded: bool) -> str:
    """How restart i ended, in words."""
    k, left, stop = int(e.escape_step[i]), bool(e.left[i]), int(e.stopped_at[i])
    gone = "diverged" if bounded else "left the map for good"
    if k >= 0:
        return f"escaped at step {k}" + (f", {gone} at step {stop}" if left else "")
    if left:
        return f"{gone} at step {stop}"
    d = float(np.hypot(*(e.path[-1, i] - (sd.x, sd.y))))
    if d < 1e-6:
        return f"stuck on the saddle: {d:.1e} from it after {int(e.steps[-1])} steps"
    return f"not escaped within {int(e.steps[-1])} steps; ends {d:.2g} from the saddle"


def _saddle_label(sd: escape.Saddle) -> str:
    lo, hi = sd.eigenvalues
    kind = "degenerate" if sd.degenerate else f"curvatures {lo:.3g}, {hi:.3g}"
    return f"({sd.x:.3f}, {sd.y:.3f}), loss {sd.value:.4g} — {kind}"


# -- 1. escaping a saddle ---------------------------------------------------------------------


def _theory(runs, sd: escape.Saddle, eps) -> tuple[pd.DataFrame, list[tuple[str, float]]]:
    """Theory lines for gradient descent and momentum, and (label, ρ) of each, whose measured
    slope the page compares with the predicted one."""
    lines, notes = [], []
    for label, name, lr, hyper, noise in runs:
        rho = (
            escape.growth(name, lr, sd.rate, **{k: v for k, v in hyper if k == "momentum"})
            if noise == 0
            else None
        )
        if rho is None:
            continue
        tag = f"{label}: ln(1/ε) / ln {rho:.4g}"
        lines.append(
            pd.DataFrame({"line": tag, "eps": eps, "steps": escape.theory_steps(eps, rho)})
        )
        notes.append((label, rho))
    return (pd.concat(lines, ignore_index=True) if lines else pd.DataFrame()), notes


@st.fragment
def escape_section() -> None:
    with classroom.controls("Surface, push and optimisers"):
        left, mid, right = st.columns(3)
        with left:
            choice = controls.surface_picker(P, default=DEFAULTS[f"{P}_surface"])
            s = choice.surface
            try:
                found = saddles_of(choice.key, choice.formula)
            except ValueError as exc:
                controls.show_problem(exc)
                found = []
            if found:
                pick = (
                    st.selectbox(
                        "Saddle to start near",
                        list(range(len(found))),
                        format_func=lambda i: _saddle_label(found[i]),
                        key=f"{P}_saddle",
                        bind="query-params",
                        help="Found by Newton's method on the gradient from a grid of starts "
                        "(core.curvature.critical_points), then kept if the surface is both "
                        "higher and lower close around it.",
                    )
                    if len(found) > 1
                    else 0
                )
        with mid:
            if found:
                eps = controls.log_slider(
                    "Push ε along the way out",
                    f"{P}_eps",
                    1e-10,
                    1e-1,
                    DEFAULTS[f"{P}_eps"],
                    per_decade=2,
                    help="The start's offset from the stable direction. "
                    "Computed in float64: float32 keeps about 7 "
                    "digits, so next to a coordinate of size 1 (on a "
                    "tilted saddle) a push below 10⁻⁷ would vanish.",
                )
                along = st.slider(
                    "Start distance along the stable direction",
                    0.1,
                    2.0,
                    DEFAULTS[f"{P}_along"],
                    0.05,
                    key=f"{P}_along",
                    bind="query-params",
                )
            else:
                x0, y0 = controls.start_inputs(P, s)
            steps = st.select_slider(
                "Steps", STEPS, value=DEFAULTS[f"{P}_steps"], key=f"{P}_steps", bind="query-params"
            )
            seed = controls.seed_input(P, DEFAULTS[f"{P}_seed"])
        with right:
            chosen = controls.optimizers_picker(
                P, defaults=DEFAULTS[f"{P}_optimizers"], lr_for=lr_for(s), allowed=OFFERED
            )
            noisy = st.toggle(
                "Add gradient descent with gradient noise",
                value=DEFAULTS[f"{P}_noisy"],
                key=f"{P}_noisy",
                bind="query-params",
                help="Repeats the gradient-descent run with random noise added to "
                "every gradient (needs gradient descent in the list).",
            )
            sigma = controls.log_slider(
                "Noise size σ", f"{P}_sigma", 1e-6, 1e-1, DEFAULTS[f"{P}_sigma"], per_decade=1
            )
    runs = runs_for(chosen, noisy, sigma)
    if not runs:
        st.info("Choose at least one optimiser above.", icon=":material/info:")
        return
    if noisy and not any(r[1] == "sgd" and r[4] == 0 for r in runs):
        st.info(
            "Gradient noise is added to gradient descent: include gradient descent in the "
            "list to see it.",
            icon=":material/info:",
        )
    if not found:
        st.info(
            f"No saddle was found inside the map of **{s.label}**, so the runs start from the "
            "point you choose. Flat ground still slows them: watch the gradient norm.",
            icon=":material/info:",
        )
        _free_section(choice, runs, (x0, y0), steps, seed)
        return
    _saddle_section(choice, found[pick], pick, runs, eps, along, steps, seed)


def _compute(choice, pick, runs, eps, along, steps, seed) -> dict[str, escape.Escape]:
    out, bar = {}, st.progress(0.0, text="Descending from every ε…")
    for i, run in enumerate(runs):
        try:
            out[run[0]] = escape_of(choice, pick, run, eps, along, steps, seed)
        except ValueError as exc:  # BudgetError, or a setting the optimiser refuses
            controls.show_problem(exc)
        bar.progress((i + 1) / len(runs), text="Descending from every ε…")
    bar.empty()
    return out


def _saddle_section(
    choice, sd: escape.Saddle, pick: int, runs, eps: float, along: float, steps: int, seed: int
) -> None:
    s = choice.surface
    results = _compute(choice, pick, runs, eps, along, steps, seed)
    if not results:
        return
    paths = pd.concat(
        [
            pd.DataFrame(
                {
                    "run": label,
                    "restart": i,
                    "step": e.steps,
                    "x": e.path[:, 0, 0],
                    "y": e.path[:, 0, 1],
                    "loss": e.loss[:, 0],
                    "grad_norm": e.grad_norm[:, 0],
                    "index": e.index[:, 0],
                }
            )
            for i, (label, e) in enumerate(results.items())
        ],
        ignore_index=True,
    )
    grid = np.array(escape.EPS_GRID)
    measured = pd.concat(
        [
            pd.DataFrame(
                {
                    "run": label,
                    "eps": grid,
                    "escaped": e.escape_step[2:] >= 0,
                    "steps": np.where(e.escape_step[2:] >= 0, e.escape_step[2:], int(e.steps[-1])),
                }
            )
            for label, e in results.items()
        ],
        ignore_index=True,
    )
    st.session_state[f"_{P}_frames"] = {
        "Paths from the chosen push": paths,
        "Escape steps against the push": measured,
    }

    try:
        xs, ys, z = surface_grid(choice.key, choice.formula)
    except ValueError as exc:  # gate.BusyError: the server stayed busy
        controls.show_problem(exc)
        return
    with classroom.section("Paths near the saddle"):
        draw(st, views.path_map, xs, ys, z, s.minima, paths, saddle=(sd.x, sd.y))
        direction = "the x axis" if sd.degenerate else f"({sd.stable[0]:.2f}, {sd.stable[1]:.2f})"
        st.caption(
            f"Every run starts {along:g} from the saddle (black diamond) along its stable "
            f"direction {direction}, pushed off it by ε = {eps:g}. Drag the **step** slider under "
            f"the map to move the markers. Newton-type runs stop after {SECOND_ORDER_STEPS} steps: "
            "each of their steps computes a Hessian."
        )
        table = pd.DataFrame(
            [
                {
                    "run": label,
                    f"from ε = {eps:g}": outcome(e, 0, sd, s.bounded_below),
                    "from ε = 0 exactly": outcome(e, 1, sd, s.bounded_below),
                }
                for label, e in results.items()
            ]
        )
        st.table(table, hide_index=True, border="horizontal")
        if sd.degenerate:
            st.caption(
                "This saddle is degenerate (its Hessian is zero), so it has no stable or "
                "unstable direction of its own: the experiment uses the x axis as the way "
                "in and the y axis as the push."
            )
        note = _zero_note(results, runs, sd)
        if note:
            st.caption(note)

    with classroom.section("Steps to escape against the push ε"):
        theory, notes = _theory(runs, sd, grid) if not sd.degenerate else (pd.DataFrame(), [])
        max_steps = int(measured["steps"].max())
        draw(st, views.escape_chart, measured, theory, max_steps)
        for label, rho in notes:
            e = results[label]
            slope = escape.slope(grid, e.escape_step[2:])
            per = "—" if slope is None else f"{slope * math.log(10):.1f}"
            st.markdown(
                f"**{label}**: measured **{per}** extra steps for each factor of 10 "
                f"smaller ε; theory says ln 10 / ln {rho:.4g} = "
                f"**{math.log(10) / math.log(rho):.1f}**."
            )
        st.markdown(
            "**Why a straight line.** Close to a strict saddle the surface is nearly its quadratic "
            "shape, so each gradient-descent step multiplies the offset along the way out by the "
            "same factor ρ = 1 + η|λ| (η the learning rate, λ the negative curvature). The offset "
            "grows from ε to about 1 once ρⁿ·ε = 1, that is after n = ln(1/ε) / ln ρ steps: every "
            "factor of 10 closer costs the same number of extra steps, a straight line against "
            "log ε. Momentum carries speed from step to step, which raises ρ to the larger root of "
            "z² − (1 + β + η|λ|)·z + β = 0 (β the momentum). The line counts steps until the "
            "offset reaches 1; the escape threshold may sit a little nearer or farther, which "
            "shifts the measured points by a few steps but leaves their slope alone."
        )
        if sd.degenerate:
            st.info(
                "On a degenerate saddle there is no negative curvature, so no straight line "
                "is predicted: see the monkey-saddle section below.",
                icon=":material/info:",
            )

    with classroom.section("Slope and loss along the way"):
        marks = pd.DataFrame(
            [
                {
                    "run": label,
                    "step": int(e.escape_step[0]),
                    "loss": float(e.loss[int(e.escape_step[0]), 0]),
                    "grad_norm": float(e.grad_norm[int(e.escape_step[0]), 0]),
                }
                for label, e in results.items()
                if e.escape_step[0] >= 0
            ]
        )
        slope_col, loss_col = st.columns(2)
        draw(
            slope_col,
            views.curve_chart,
            paths,
            "grad_norm",
            "gradient norm |∇f|",
            log_y=True,
            marks=marks,
        )
        finite = paths["loss"][np.isfinite(paths["loss"])]
        low = max(float(finite.min()), sd.value - 2 * sd.drop) if len(finite) else sd.value - 1
        high = float(finite.max()) if len(finite) else sd.value + 1
        draw(
            loss_col,
            views.curve_chart,
            paths,
            "loss",
            "loss",
            domain=(low, max(high, sd.value + 1e-9)),
            rule=sd.value - sd.drop,
            rule_label="the escape threshold",
            marks=marks,
        )
        st.markdown(
            "Gradient descent's slope first shrinks — the run slides down the stable direction "
            "towards the saddle — and its loss settles at the saddle's height. For a long stretch "
            "nothing seems to happen: the loss curve is flat, the gradient tiny. Then the push, "
            "grown step by step, takes over, and the loss drops. **A flat loss curve is no proof "
            "of a minimum**: it only says that the slope is small. The curvature tells the two "
            "apart."
        )

    with classroom.section("Curvature along each path: the index"):
        draw(
            st,
            views.curve_chart,
            paths,
            "index",
            "index (share of downhill curvature)",
            domain=(0.0, 1.0),
        )
        st.caption(
            "The index at every point of each path, from the Hessian there: 0.5 means one "
            "of the two directions curves down (saddle-shaped ground), 0 means both curve "
            "up (a valley). On x² − y² the curvature is the same everywhere, so the index "
            "stays 0.5; on the saddle between two minima it drops to 0 as the run reaches "
            "a minimum's valley."
        )
    _method_notes()


def _zero_note(results, runs, sd: escape.Saddle) -> str | None:
    """Why a deterministic method left from ε = 0, when one did."""
    left = [
        label
        for label, name, _, _, noise in runs
        if noise == 0
        and not optimizers.info(name).stochastic
        and label in results
        and results[label].escape_step[1] >= 0
    ]
    if not left:
        return None
    who = ", ".join(left)
    if sd.degenerate:
        return (
            f"{who} left even from ε = 0. At a degenerate saddle the line in can run on "
            "through the centre into a way down (on the monkey saddle the loss x³ falls "
            "forever for x < 0), so a method that overshoots the centre — momentum, or Adam, "
            "whose steps do not shrink with the slope — rolls on into it."
        )
    gd = next((lr for _, name, lr, _, noise in runs if name == "sgd" and noise == 0), None)
    rho = escape.growth("sgd", gd, sd.rate) if gd else None
    when = (
        (
            f" (gradient descent's line reaches ε = 10⁻¹⁶ after about "
            f"{escape.theory_steps([1e-16], rho)[0]:.0f} steps)"
        )
        if rho
        else ""
    )
    return (
        f"{who} left even from ε = 0. Rounding can push: float64 holds the start to about 16 "
        "digits, so a start “exactly” on the stable direction can be 10⁻¹⁶ off it, a push "
        f"that grows like any other{when}. And only on a saddle like x² − y² do the starts "
        "that slide in form exactly the straight stable direction; elsewhere they may curve "
        "away from it, so a start far out along the line is already off them (shorten the "
        "start distance)."
    )


def _free_section(choice, runs, start, steps: int, seed: int) -> None:
    s = choice.surface
    frames, bar = [], st.progress(0.0, text="Descending…")
    for i, run in enumerate(runs):
        try:
            frames.append(free_of(choice, run, start, steps, seed).assign(run=run[0], restart=i))
        except ValueError as exc:
            controls.show_problem(exc)
        bar.progress((i + 1) / len(runs), text="Descending…")
    bar.empty()
    if not frames:
        return
    paths = pd.concat(frames, ignore_index=True)
    st.session_state[f"_{P}_frames"] = {"Paths": paths.drop(columns="stopped")}
    try:
        xs, ys, z = surface_grid(choice.key, choice.formula)
    except ValueError as exc:  # gate.BusyError: the server stayed busy
        controls.show_problem(exc)
        return
    with classroom.section("Paths"):
        event = draw(
            st,
            views.path_map,
            xs,
            ys,
            z,
            s.minima,
            paths,
            bounds=s.bounds,
            on_select="rerun",
            selection_mode="start",
            key=f"_{P}_map",
        )
        st.caption("Click anywhere on the map to start there.")
        controls.apply_click(event, P)
        gone = "diverged" if s.bounded_below else "left the map for good"
        stops = paths.groupby("run", sort=False)["stopped"].first()
        for label, stop in stops.items():
            if stop >= 0:
                st.warning(
                    f"{label} {gone} at step {stop}; its path is drawn up to there.",
                    icon=":material/warning:",
                )
    with classroom.section("Slope, loss and index along the way"):
        a, b, c = st.columns(3)
        draw(a, views.curve_chart, paths, "grad_norm", "gradient norm |∇f|", log_y=True)
        draw(b, views.curve_chart, paths, "loss", "loss")
        draw(c, views.curve_chart, paths, "index", "index", domain=(0.0, 1.0))
        st.markdown(
            "On flat ground the gradient is tiny, so the loss curve looks finished long "
            "before it is: **a flat loss curve is no proof of a minimum.**"
        )


def _method_notes() -> None:
    st.markdown(
        "**Exactly on the stable direction (ε = 0)** the gradient has no part along the way out, "
        "so no step ever creates one: the run slides into the saddle and stops there with zero "
        "gradient, though this is no minimum. But such starts form a set of zero area (here a "
        "line), so a *random* start lands on it with probability zero: this is why gradient "
        "descent from a random start almost never ends at a strict saddle (Lee et al. 2016). "
        "*Near* that set it can still crawl for a long time, and Du et al. (2017) built surfaces "
        "with saddles in a row where gradient descent from a natural random start needs "
        "exponentially many steps in the dimension, while a perturbed version does not.\n\n"
        "**Adam** divides each coordinate's step by the size of that coordinate's recent "
        "gradients (Kingma & Ba 2015), so even a tiny push along the way out becomes a step "
        "close to the learning rate: its escape hardly depends on ε (until the gradient is "
        "smaller than Adam's own safety constant 10⁻⁸, which damps the step). A push of exactly "
        "zero stays zero.\n\n"
        "**Newton's method** jumps to where the local quadratic model has zero slope: it "
        "solves H·step = ∇f. It cannot tell a minimum from a saddle, so on a quadratic saddle it "
        "lands *on* the saddle in one step and stays. **Saddle-free Newton** (Dauphin et al. "
        "2014) divides by |λ| instead of λ along each curvature direction, which turns the step "
        "along negative curvature around: it goes downhill in every direction, and takes big "
        "steps where the surface is flat.\n\n"
        "**Perturbed gradient descent** adds a small random kick whenever the gradient is small "
        "(Jin et al. 2017), and **gradient noise**, like the noise of minibatches, shakes every "
        "step (Ge et al. 2015): both knock a run off the stable direction, even from ε = 0."
    )


# -- 2. a degenerate saddle -------------------------------------------------------------------


@st.fragment
def monkey_section() -> None:
    st.markdown(
        "The **monkey saddle** x³ − 3xy² has three valleys (room for a monkey's tail) and, at its "
        "centre, a Hessian of zero: not even the curvature says which way is down. Here gradient "
        "descent starts from (1, ε) on it and on x² − y², with the same learning rate."
    )
    with classroom.controls("Learning rate and steps"):
        a, b = st.columns(2)
        with a:
            lr = controls.log_slider(
                "Gradient-descent learning rate",
                f"{P}_m_rate",
                0.01,
                0.1,
                DEFAULTS[f"{P}_m_rate"],
                per_decade=4,
            )
        with b:
            steps = st.select_slider(
                "Steps for the monkey saddle",
                MONKEY_STEPS,
                value=DEFAULTS[f"{P}_m_steps"],
                key=f"{P}_m_steps",
                bind="query-params",
            )
    bar = st.progress(0.0, text="Descending on both saddles…")
    try:
        strict = sweep("saddle", lr, strict_steps(lr, steps))
        bar.progress(0.3, text="Descending on both saddles…")
        monkey = sweep("monkey_saddle", lr, steps)
    except ValueError as exc:
        bar.empty()
        controls.show_problem(exc)
        return
    bar.empty()
    grid = np.array(escape.EPS_GRID)
    measured = pd.concat(
        [
            pd.DataFrame(
                {
                    "run": label,
                    "eps": grid,
                    "escaped": e.escape_step >= 0,
                    "steps": np.where(e.escape_step >= 0, e.escape_step, int(e.steps[-1])),
                }
            )
            for label, e in (("x² − y² (strict)", strict), ("monkey saddle (degenerate)", monkey))
        ],
        ignore_index=True,
    )
    st.session_state[f"_{P}_monkey"] = measured
    theory = pd.DataFrame(
        {
            "line": f"x² − y²: ln(1/ε) / ln {1 + 2 * lr:.4g}",
            "eps": grid,
            "steps": escape.theory_steps(grid, 1 + 2 * lr),
        }
    )
    small = grid <= 1e-3
    p = escape.power(grid[small], monkey.escape_step[small])
    chart_col, text_col = st.columns([3, 2])
    draw(chart_col, views.escape_chart, measured, theory, steps, log_y=True)
    with text_col:
        st.metric(
            "Monkey saddle: steps grow like (1/ε)^p, measured p",
            "—" if p is None else f"{p:.2f}",
            help="Least-squares slope of log(steps) against log(1/ε) over the runs with "
            "ε ≤ 10⁻³ that escaped.",
        )
        reached = monkey.escape_step >= 0
        st.metric(
            "Smallest ε that left the monkey saddle",
            f"{grid[reached].min():.0e}" if reached.any() else "none",
            help=f"Within {steps} steps.",
        )
        st.markdown(
            "**Why so much slower.** On x² − y² the push off the stable line grows by a fixed "
            "factor every step. On the monkey saddle the slope towards the centre is 3x², which "
            "fades as the run comes in, so the run creeps in like 1/t; and the push off the line "
            "is 6xy, proportional to the offset y *and* to x, which keeps shrinking. The offset "
            "then grows only like ε·t², not geometrically, and the run turns away once it "
            "catches up with x: after a number of steps in proportion to ε^(−1/3)/η — a power "
            "of 1/ε, a straight line on these log–log axes, far above the strict saddle's "
            "ln(1/ε). Started right next to the centre at distance ε, the slope is only 3ε² "
            "and the wait is about 1/(3ηε) steps. The flatter the saddle, the longer the wait; "
            "finding the way out of such higher-order saddles can even be computationally hard "
            "in general (Anandkumar & Ge 2016)."
        )


# -- 3. a real network's plateau ----------------------------------------------------------------


@st.fragment
def network_section() -> None:
    st.markdown(
        "A deep, narrow network — a few hidden layers of a few tanh (or sigmoid) units — learns a "
        "toy dataset, every weight and bias drawn from N(0, s²) with a small s. Its output is a "
        "product of many small weights, so every weight's gradient starts out tiny: the all-zero "
        "network is a critical point, and the small start sits in a flat, saddle-shaped region "
        "around it. Restarts of each scale train together as one batch."
    )
    with classroom.controls("Network, data and training"):
        a, b, c = st.columns(3)
        with a:
            datasets = data.names()
            dataset = st.selectbox(
                "Dataset",
                list(datasets),
                index=list(datasets).index(DEFAULTS[f"{P}_net_data"]),
                format_func=datasets.get,
                key=f"{P}_net_data",
                bind="query-params",
            )
            depth = st.slider(
                "Hidden layers",
                1,
                4,
                DEFAULTS[f"{P}_net_depth"],
                key=f"{P}_net_depth",
                bind="query-params",
            )
            width = st.slider(
                "Units per layer",
                2,
                6,
                DEFAULTS[f"{P}_net_width"],
                key=f"{P}_net_width",
                bind="query-params",
            )
            activation = st.selectbox(
                "Activation",
                list(ACTIVATIONS),
                index=ACTIVATIONS.index(DEFAULTS[f"{P}_net_act"]),
                key=f"{P}_net_act",
                bind="query-params",
            )
        with b:
            small = controls.log_slider(
                "Small initial scale s",
                f"{P}_net_small",
                0.01,
                1.0,
                DEFAULTS[f"{P}_net_small"],
                per_decade=4,
            )
            large = controls.log_slider(
                "Scale to compare",
                f"{P}_net_large",
                0.01,
                1.0,
                DEFAULTS[f"{P}_net_large"],
                per_decade=4,
            )
            restarts = st.slider(
                "Restarts per scale",
                1,
                8,
                DEFAULTS[f"{P}_net_restarts"],
                key=f"{P}_net_restarts",
                bind="query-params",
            )
        with c:
            info = optimizers.names()
            name = st.selectbox(
                "Optimiser",
                list(FIRST_ORDER),
                index=FIRST_ORDER.index(DEFAULTS[f"{P}_net_opt"]),
                format_func=lambda n: info[n].label,
                key=f"{P}_net_opt",
                bind="query-params",
            )
            lr = controls.log_slider(
                "Learning rate", f"{P}_net_rate", 1e-3, 3.0, DEFAULTS[f"{P}_net_rate"], per_decade=4
            )
            steps = st.select_slider(
                "Steps",
                NET_STEPS,
                value=DEFAULTS[f"{P}_net_steps"],
                key=f"{P}_net_steps",
                bind="query-params",
            )
            seed = controls.seed_input(f"{P}_net", DEFAULTS[f"{P}_net_seed"])
    try:
        r = plateau_runs(
            dataset, depth, width, activation, small, large, name, lr, steps, restarts, seed
        )
    except ValueError as exc:
        controls.show_problem(exc)
        return
    labels = [f"scale {v:g}" for v in r.scales]
    T, R = r.loss.shape
    curves = pd.DataFrame(
        {
            "run": np.tile(np.array(labels, dtype=object)[r.group], T),
            "restart": np.tile(np.arange(R), T),
            "step": np.repeat(np.arange(T), R),
            "loss": r.loss.ravel(),
            "grad_norm": r.grad_norm.ravel(),
        }
    )
    st.session_state[f"_{P}_net"] = curves

    cols = st.columns(len(labels))
    for g, (col, label) in enumerate(zip(cols, labels)):
        left = r.left_at[r.group == g]
        done = left[left >= 0]
        col.metric(
            f"Initial {label}: median steps on the plateau",
            f"{int(np.median(done))}" if len(done) else f"> {steps}",
            delta=f"{len(done)} of {len(left)} restarts left it",
            delta_color="off",
            delta_arrow="off",
            help=f"A restart has left the plateau once its loss is 10% below {r.level:.4f}, "
            "the loss of the all-zero network (which predicts 50% everywhere).",
        )
    with classroom.section("Loss and slope of every restart"):
        one, two = st.columns(2)
        draw(
            one,
            views.curve_chart,
            curves,
            "loss",
            "loss",
            rule=r.level,
            rule_label="the plateau (all-zero network)",
        )
        draw(two, views.curve_chart, curves, "grad_norm", "gradient norm", log_y=True)
    with classroom.section("Curvature on the plateau"):
        first = r.left_at[0]
        mid = (first // 2) if first > 0 else steps // 2
        at = int(np.abs(r.probe_steps - mid).argmin())
        index = pd.DataFrame(
            {
                "run": np.repeat(labels, len(r.probe_steps)),
                "step": np.tile(r.probe_steps, len(labels)),
                "index": r.index.ravel(),
            }
        )
        spectrum = pd.concat(
            [
                pd.DataFrame(
                    {
                        "where": f"{labels[0]}, step {int(r.probe_steps[k])}"
                        + (" (on the plateau)" if k == at else " (end)"),
                        "rank": np.arange(r.size) + 1,
                        "eigenvalue": r.eigenvalues[0, k],
                    }
                )
                for k in dict.fromkeys((at, len(r.probe_steps) - 1))
            ],
            ignore_index=True,
        )
        one, two = st.columns(2)
        draw(
            one,
            views.curve_chart,
            index,
            "index",
            "index (share of downhill curvature)",
            domain=(0.0, 1.0),
        )
        draw(two, views.spectrum_chart, spectrum)
        lam = r.eigenvalues[0, at]
        st.markdown(
            f"At step {int(r.probe_steps[at])}, on the plateau of the first restart with "
            f"{labels[0]}, the Hessian of all {r.size} weights has index "
            f"**{r.index[0, at]:.2f}** ({round(r.index[0, at] * r.size)} downhill "
            f"directions) but its most negative curvature is only **{lam[0]:.2g}**, next to a "
            f"largest of {lam[-1]:.2g}: a saddle region whose way out is barely steeper than "
            "flat. Gradient descent multiplies the offset along such a direction by only "
            "1 + η|λ| per step, so it waits — just as on x² − y² with a tiny ε. A larger initial "
            "scale starts farther from the flat centre and leaves at once. Saxe et al. (2014) "
            "worked out these plateaus exactly for deep linear networks: the smaller the initial "
            "weights, the longer the wait. The index need not drop to 0 at the end: on data the "
            "network can separate, cross-entropy has no minimum at finite weights, so training "
            "never settles in a bowl."
        )


# -- page --------------------------------------------------------------------------------------


def predict_section() -> None:
    lr = PREDICT_LR
    try:
        e = sweep("saddle", lr, PREDICT_STEPS)
    except ValueError as exc:  # gate.BusyError: the server stayed busy
        controls.show_problem(exc)
        return
    grid = np.array(escape.EPS_GRID)
    a, b = (int(e.escape_step[np.argmin(np.abs(np.log(grid / v)))]) for v in PREDICT_EPS)
    options = ["about the same", "about twice as many", "about ten thousand times as many"]
    classroom.predict(
        P,
        f"On x² − y², gradient descent (learning rate {lr}) needs {a} steps to escape from "
        f"(1, 10⁻⁴). How many does it need from (1, 10⁻⁸)?",
        options,
        options[1],
        f"Measured: {b} steps. ln(10⁸) is twice ln(10⁴): each factor of 10 closer costs the same "
        f"≈ {math.log(10) / math.log(1 + 2 * lr):.0f} extra steps, so the count doubles rather "
        "than growing ten-thousandfold.",
    )


classroom.page_setup("Saddle points and flat regions", IDEA)
classroom.scenes(P, SCENES)
classroom.glossary(WORDS)

st.header("Leaving a saddle")
escape_section()
st.header("A degenerate saddle is much slower")
monkey_section()
st.header("A real network's plateau")
network_section()

st.header("What to notice")
st.markdown(
    "- Near a saddle the loss curve goes flat and the gradient tiny, then the loss drops: a flat "
    "loss curve says the slope is small, not that you are at a minimum. The index says which.\n"
    "- On a strict saddle each factor of 10 smaller push ε costs gradient descent the same number "
    "of extra steps: the measured points lie on the line ln(1/ε) / ln(1 + η|λ|).\n"
    "- A start exactly on the stable direction (ε = 0) never leaves — but random kicks and "
    "gradient noise do, and Adam's per-coordinate scaling makes a tiny push count at once.\n"
    "- Newton's method goes *to* the saddle; saddle-free Newton goes away from it.\n"
    "- On the degenerate monkey saddle the wait grows like a power of 1/ε, not its logarithm.\n"
    "- A deep, narrow network with small initial weights sits on a plateau whose Hessian has "
    "downhill directions that are barely curved; a larger initial scale skips it."
)
st.header("Try this")
st.markdown(
    "- Set ε to 10⁻¹⁰ and compare gradient descent, momentum and Adam.\n"
    "- Double gradient descent's learning rate: the line's slope roughly halves, since "
    "ln(1 + η|λ|) ≈ η|λ| for small steps.\n"
    "- Pick Himmelblau, or type your own formula (try `x**3 - 3*x*y**2 + 0.1*(x**2 - y**2)`), "
    "and choose one of its saddles.\n"
    "- In the network section, add a hidden layer, or raise the small scale to 0.2: how does "
    "the plateau change?\n"
    "- Switch the network's optimiser to Adam: it rescales the tiny gradients of the plateau."
)
predict_section()
frames = dict(st.session_state.get(f"_{P}_frames", {}))
for key, name in (
    (f"_{P}_monkey", "Monkey vs strict saddle"),
    (f"_{P}_net", "Network loss curves"),
):
    if isinstance(st.session_state.get(key), pd.DataFrame):
        frames[name] = st.session_state[key]
classroom.export(P, frames, classroom.current_settings(P))
classroom.references(
    [
        "Anandkumar, A., & Ge, R. (2016). Efficient approaches for escaping higher order saddle "
        "points in non-convex optimization. COLT.",
        "Dauphin, Y., Pascanu, R., Gulcehre, C., Cho, K., Ganguli, S., & Bengio, Y. (2014). "
        "Identifying and attacking the saddle point problem in high-dimensional non-convex "
        "optimization. NeurIPS.",
        "Du, S. S., Jin, C., Lee, J. D., Jordan, M. I., Singh, A., & Póczos, B. (2017). Gradient "
        "descent can take exponential time to escape saddle points. NeurIPS.",
        "Ge, R., Huang, F., Jin, C., & Yuan, Y. (2015). Escaping from saddle points — online "
        "stochastic gradient for tensor decomposition. COLT.",
        "Jin, C., Ge, R., Netrapalli, P., Kakade, S. M., & Jordan, M. I. (2017). How to escape "
        "saddle points efficiently. ICML.",
        "Kingma, D. P., & Ba, J. (2015). Adam: a method for stochastic optimization. ICLR.",
        "Lee, J. D., Simchowitz, M., Jordan, M. I., & Recht, B. (2016). Gradient descent only "
        "converges to minimizers. COLT.",
        "Saxe, A. M., McClelland, J. L., & Ganguli, S. (2014). Exact solutions to the nonlinear "
        "dynamics of learning in deep linear neural networks. ICLR.",
    ]
)

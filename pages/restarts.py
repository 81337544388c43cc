"""Lesson: local minima and random restarts — where you end up depends on where you start.

Thin page: URL-bound controls → cached calls into core.basins (ui.restarts_compute: one batched
descent per section, one batched training of R networks) → Altair charts (ui.charts,
ui.restart_views).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core import basins, data, optimizers
from lessons.restarts import charts as views
from lessons.restarts.compute import (
    DEFAULTS,
    NET_POINTS,
    SCENES,
    SHUFFLES,
    P,
    basin_data,
    map_grid,
    net_data,
    net_default_lr,
    restart_curves,
    restart_data,
)
from ui import charts, classroom, controls
from ui.cached_charts import draw

STEPS = (50, 100, 200, 300, 500, 1000, 2000)
GRIDS = (20, 40, 60, 80, 100, 120, 150, 200)
RESTARTS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
NET_RESTARTS = (4, 8, 16, 32, 64, 128, 256)
NET_STEPS = (100, 200, 500, 1000, 2000, 5000)
WIDTHS = (1, 2, 3, 4, 6, 8, 16, 32)

IDEA = (
    "Gradient descent only ever walks downhill, so where it ends depends on where it starts. A "
    "**local minimum** is a point lower than everything near it; the **global minimum** is the "
    "lowest point of all. Every minimum collects the starts that flow into it, its **basin of "
    "attraction**. Below you map the basins, count how many random restarts it takes to find the "
    "global minimum, try noise as a way out, and watch the same story in real networks."
)


# -- small helpers -------------------------------------------------------------------------------


def restarts_needed(p: float, target: float = 0.95) -> str:
    """k with 1 − (1 − p)ᵏ ≥ target, in words."""
    if p <= 0:
        return "— (no run succeeded)"
    if p >= target:
        return "1"
    return f"{math.ceil(math.log(1 - target) / math.log(1 - p)):,}"


def rounded(values: np.ndarray, r: basins.Restarts) -> np.ndarray:
    """Losses rounded to a millionth of the typical drop from the starts: differences below that
    are float32 rounding, and would otherwise fill a histogram's axis with 0.000000000001s."""
    finite = r.final_loss[np.isfinite(r.final_loss) & (r.codes > basins.ESCAPED)]
    drop = float(np.nanmedian(r.start_loss)) - float(finite.min()) if finite.size else 0.0
    step = 1e-6 * drop
    return np.round(values / step) * step if step > 0 else values


def global_value(minima) -> float | None:
    ids = basins.global_ids(minima)
    return minima[ids[0]][2] if ids else None


def outcome_table(shares) -> pd.DataFrame:
    return pd.DataFrame(
        [{"ended at": name, "starts": count, "share": share} for _, name, count, share in shares]
    )


def apart(codes: np.ndarray) -> str:
    """A sentence on runs that escaped or diverged, or ''."""
    esc, div = int((codes == basins.ESCAPED).sum()), int((codes == basins.DIVERGED).sum())
    parts = [
        f"{esc:,} escaped (fell away downhill, out of the box)" if esc else "",
        f"{div:,} diverged (steps blew up)" if div else "",
    ]
    text = " and ".join(p for p in parts if p)
    return f"{text}: left out of the histogram." if text else ""


# -- sections ----------------------------------------------------------------------------------------


@st.fragment
def basin_section(
    sc: controls.SurfaceChoice, oc: controls.OptimizerChoice, steps: int, seed: int
) -> None:
    s = sc.surface
    left, right = st.columns(2)
    asked = left.select_slider(
        "Starts per side of the map",
        GRIDS,
        value=DEFAULTS[f"{P}_grid"],
        key=f"{P}_grid",
        bind="query-params",
        help="The map runs one start from the centre of every cell.",
    )
    samples = right.slider(
        "Sample paths per side",
        0,
        5,
        DEFAULTS[f"{P}_samples"],
        key=f"{P}_samples",
        bind="query-params",
        help="A few whole paths drawn over the map.",
    )
    grid = map_grid(sc.key, sc.formula, oc.name, steps, asked)
    if grid < asked:
        st.caption(
            f":material/speed: {asked}×{asked} starts of {steps:,} steps would take too "
            f"long with this surface and optimiser; the map uses {grid}×{grid}."
        )
    try:
        with controls.progress(f"Running {grid * grid:,} starts at once…") as bar:
            m = basin_data(
                sc.key,
                sc.formula,
                oc.name,
                oc.lr,
                oc.hyper,
                steps,
                seed,
                grid,
                samples,
                _progress=bar,
            )
    except ValueError as exc:
        controls.show_problem(exc)
        return
    map_col, info_col = st.columns([3, 2])
    draw(
        map_col,
        views.basin_map_chart,
        m.xs,
        m.ys,
        m.codes,
        m.minima,
        s.bounds,
        m.paths if samples else None,
        m.path_codes,
        f"Where {grid * grid:,} runs of {oc.label} end",
        width="content",
    )
    with info_col:
        st.metric("Starts that reach a global minimum", f"{m.global_share:.1%}")
        st.metric(
            "Known minima",
            f"{len(m.minima)}",
            help="Listed with the surface; for your own formula, found by Newton's method.",
        )
        if not m.minima:
            st.info(
                "This surface has no minimum inside its bounds, so every run ends somewhere "
                "else: on a saddle, still moving, or escaping.",
                icon=":material/info:",
            )
        st.dataframe(
            outcome_table(m.shares),
            hide_index=True,
            width="stretch",
            column_config={"share": st.column_config.NumberColumn(format="percent")},
        )
    st.caption(
        "Each cell is one start, coloured by where its run ended: the nearest known minimum "
        f"(within {basins.tolerance(s, m.minima) if m.minima else 0:.2g}), or *a minimum not in "
        "the list* (curved upward in both directions, or as low as the global minimum), *a saddle "
        "or flat* ground (no slope left, but not a minimum), *still moving* (slope left after the "
        "last step), *escaped* (left the map's box going downhill) or *diverged* (the steps blew "
        "up). Stars mark global minima, crosses local ones; black lines are sample paths."
    )
    classroom.export(
        f"{P}_map", {"Basin map outcomes": outcome_table(m.shares)}, classroom.current_settings(P)
    )


@st.fragment
def restarts_section(sc, oc, steps: int, seed: int, n: int) -> None:
    try:
        with controls.progress(f"Running {n:,} restarts at once…") as bar:
            r = restart_data(
                sc.key, sc.formula, oc.name, oc.lr, oc.hyper, steps, seed, n, _progress=bar
            )
        (k, q), (k2, measured, predicted) = restart_curves(
            sc.key, sc.formula, oc.name, oc.lr, oc.hyper, steps, seed, n
        )
    except ValueError as exc:
        controls.show_problem(exc)
        return
    fmin = global_value(r.minima)
    a, b, c = st.columns(3)
    a.metric(
        "Single-run success rate p",
        f"{r.p:.1%}",
        help="Share of runs that reach a global minimum (or its level).",
    )
    b.metric(
        "Restarts for a 95% chance",
        restarts_needed(r.p),
        help="The smallest k with 1 − (1 − p)ᵏ ≥ 95%.",
    )
    usable = r.codes > basins.ESCAPED
    c.metric("Best loss found", f"{r.final_loss[usable].min():.4g}" if usable.any() else "—")
    df = pd.DataFrame({"final loss": rounded(r.final_loss[usable], r)})
    q = rounded(q, r)
    draw(
        st,
        charts.histogram,
        df,
        "final loss",
        bins=50,
        rule=fmin,
        title=f"Final loss of {usable.sum():,} runs",
    )
    if note := apart(r.codes):
        st.caption(note)
    left, right = st.columns(2)
    draw(left, views.best_after_k_chart, k, q, fmin, title="Best loss after k restarts")
    draw(
        right,
        views.success_chart,
        k2,
        measured,
        predicted,
        title="Chance of success within k restarts",
    )
    st.caption(
        f"Both curves come from shuffling the same {n:,} runs into {SHUFFLES} random orders: the "
        "best loss after the first k of each order, and the share of orders with a success among "
        "their first k. If one run succeeds with chance p, k independent runs all fail with "
        "chance (1 − p)ᵏ, so the dashed curve is 1 − (1 − p)ᵏ. The measured curve draws without "
        "putting runs back, so it reaches 100% at k = N whenever any run succeeded."
    )
    frame = pd.DataFrame(
        {
            "start x": r.starts[:, 0],
            "start y": r.starts[:, 1],
            "start loss": r.start_loss,
            "final loss": r.final_loss,
            "ended at": basins.names(r.codes, r.minima),
            "success": r.success,
        }
    )
    classroom.export(f"{P}_restarts", {"Random restarts": frame}, classroom.current_settings(P))


def median_usable(r: basins.Restarts) -> float:
    ok = r.codes > basins.ESCAPED
    return float(np.median(r.final_loss[ok])) if ok.any() else float("nan")


@st.fragment
def noise_section(sc, oc, steps: int, seed: int, n: int) -> None:
    noise = controls.log_slider(
        "Noise at the start (standard deviation added to each gradient)",
        f"{P}_noise",
        0.1,
        1000.0,
        DEFAULTS[f"{P}_noise"],
        help="Gaussian noise added to every gradient, shrinking linearly to zero by the last "
        "step (seeded).",
    )
    n = st.session_state.get(f"{P}_n", 1000)
    try:
        with controls.progress("Running the same starts without and with noise…") as bar:
            plain = restart_data(
                sc.key,
                sc.formula,
                oc.name,
                oc.lr,
                oc.hyper,
                steps,
                seed,
                n,
                _progress=lambda f: bar(0.5 * f),
            )
            noisy = restart_data(
                sc.key,
                sc.formula,
                oc.name,
                oc.lr,
                oc.hyper,
                steps,
                seed,
                n,
                noise,
                _progress=lambda f: bar(0.5 + 0.5 * f),
            )
    except ValueError as exc:
        controls.show_problem(exc)
        return
    name = oc.label
    rows = []
    for label, r in ((f"plain {name}", plain), (f"{name} + annealed noise", noisy)):
        ok = r.codes > basins.ESCAPED
        rows.append(pd.DataFrame({"final loss": rounded(r.final_loss[ok], plain), "run": label}))
    a, b, c = st.columns(3)
    p0, p1 = round(100 * plain.p, 1), round(100 * noisy.p, 1)
    a.metric("Success, plain", f"{p0:.1f}%")
    b.metric("Success, with noise", f"{p1:.1f}%", delta=f"{p1 - p0:+.1f} points")
    med_p, med_n = (float(rounded(np.array(median_usable(r)), plain)) for r in (plain, noisy))
    c.metric(
        "Median final loss with noise",
        f"{med_n:.4g}",
        delta=f"{med_n - med_p:+.3g}",
        delta_color="inverse",
        help=f"Without noise: {med_p:.4g}.",
    )
    draw(
        st,
        views.side_by_side,
        pd.concat(rows),
        "final loss",
        "run",
        rule=global_value(plain.minima),
    )
    if note := apart(noisy.codes):
        st.caption(f"With noise, {note}")
    classroom.export(
        f"{P}_noise",
        {
            "Plain vs noisy": pd.DataFrame(
                {
                    "start x": plain.starts[:, 0],
                    "start y": plain.starts[:, 1],
                    "plain final loss": plain.final_loss,
                    "noisy final loss": noisy.final_loss,
                    "plain success": plain.success,
                    "noisy success": noisy.success,
                }
            )
        },
        classroom.current_settings(P),
    )


@st.fragment
def good_enough_section(sc, oc, steps: int, seed: int, n: int) -> None:
    within = st.slider(
        "Good enough: within this % of the best",
        1,
        50,
        10,
        key=f"{P}_within",
        bind="query-params",
        help="Measured along the way from the typical starting loss down to the best run.",
    )
    try:
        r = restart_data(sc.key, sc.formula, oc.name, oc.lr, oc.hyper, steps, seed, n)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    g = basins.good_enough(r.start_loss, r.final_loss, r.codes, within / 100)
    total = len(r.codes)
    a, b, c, d = st.columns(4)
    a.metric("Good enough", f"{g.good / total:.1%}", help=f"{g.good:,} of {total:,} runs")
    b.metric("Not good enough", f"{g.not_good / total:.1%}", help=f"{g.not_good:,} runs")
    c.metric(
        "Escaped",
        f"{g.escaped / total:.1%}",
        help="Left the box going downhill: on a "
        "surface that falls away forever there is no best to compare with.",
    )
    d.metric("Diverged", f"{g.diverged / total:.1%}", help="The steps blew up.")
    if np.isfinite(g.best):
        draw(st, views.good_enough_chart, g.gap, within / 100)
        st.caption(
            f"Best run: {g.best:.4g}; typical (median) starting loss: {g.reference:.4g}. "
            f"A run is good enough if its final loss is at most {g.best:.4g} + "
            f"{within}% × ({g.reference:.4g} − {g.best:.4g}) = "
            f"{g.best + within / 100 * (g.reference - g.best):.4g}."
        )


def _net_default_lr() -> float | None:
    """The network optimiser's default step (net_default_lr). The choice is read from the
    widget's state, or on a fresh visit from the link, before the picker draws."""
    key = f"{P}_net_optimizer"
    name = st.session_state.get(key)
    if name is None:
        label = st.query_params.get(key)
        name = next((k for k, i in optimizers.names().items() if i.label == label), "sgd")
    return net_default_lr(name)


def _net_controls() -> dict:
    names = data.names()
    a, b, c, d = st.columns(4)
    dataset = a.selectbox(
        "Dataset", list(names), format_func=names.get, key=f"{P}_data", bind="query-params"
    )
    spread = a.slider(
        "Jitter of the points",
        0.0,
        0.5,
        DEFAULTS[f"{P}_spread"],
        0.05,
        key=f"{P}_spread",
        bind="query-params",
    )
    width = b.select_slider(
        "Hidden units per layer",
        WIDTHS,
        value=DEFAULTS[f"{P}_width"],
        key=f"{P}_width",
        bind="query-params",
    )
    layers = b.radio(
        "Hidden layers", (1, 2), horizontal=True, key=f"{P}_layers", bind="query-params"
    )
    act = c.selectbox(
        "Activation", ("sigmoid", "tanh", "relu"), key=f"{P}_act", bind="query-params"
    )
    loss = c.radio(
        "Loss",
        ("mse", "bce"),
        horizontal=True,
        key=f"{P}_loss",
        bind="query-params",
        format_func={"mse": "squared error", "bce": "cross-entropy"}.get,
    )
    restarts = d.select_slider(
        "Restarts R",
        NET_RESTARTS,
        value=DEFAULTS[f"{P}_restarts"],
        key=f"{P}_restarts",
        bind="query-params",
    )
    steps = d.select_slider(
        "Training steps",
        NET_STEPS,
        value=DEFAULTS[f"{P}_net_steps"],
        key=f"{P}_net_steps",
        bind="query-params",
    )
    e, f = st.columns([3, 1])
    with e:
        oc = controls.optimizer_picker(
            f"{P}_net", default=DEFAULTS[f"{P}_net_optimizer"], default_lr=_net_default_lr()
        )
    with f:
        seed = controls.seed_input(f"{P}_net")
    return {
        "dataset": dataset,
        "spread": spread,
        "width": width,
        "layers": layers,
        "act": act,
        "loss": loss,
        "restarts": restarts,
        "steps": steps,
        "oc": oc,
        "seed": seed,
    }


@st.fragment
def network_section() -> None:
    with st.expander(
        "Network settings", expanded=not classroom.is_present(), icon=":material/tune:"
    ):
        c = _net_controls()
    oc = c["oc"]
    try:
        with controls.progress(f"Training {c['restarts']} networks at once…") as bar:
            r = net_data(
                c["dataset"],
                NET_POINTS,
                c["spread"],
                c["width"],
                c["layers"],
                c["act"],
                c["loss"],
                c["restarts"],
                c["steps"],
                oc.name,
                oc.lr,
                oc.hyper,
                c["seed"],
                _progress=bar,
            )
    except ValueError as exc:
        controls.show_problem(exc)
        return
    shape = "-".join(map(str, (2, *(c["width"],) * c["layers"], 1)))
    ok = ~r.diverged
    a, b, cc, d = st.columns(4)
    a.metric(
        "Stalled restarts",
        f"{r.stalled.mean():.0%}",
        help="Not within 10% of the way from the typical start to the best restart.",
    )
    b.metric("Best final loss", f"{np.nanmin(r.final_loss[ok]):.4g}" if ok.any() else "—")
    cc.metric("Worst final loss", f"{np.nanmax(r.final_loss[ok]):.4g}" if ok.any() else "—")
    d.metric("Weights per network", f"{r.size}")
    if r.diverged.any():
        st.caption(
            f"{int(r.diverged.sum())} restarts diverged (their weights blew up) and are "
            "left out of best and worst."
        )
    draw(
        st,
        views.outcome_histogram,
        r.final_loss[ok],
        r.stalled[ok],
        f"Final loss of {ok.sum()} restarts of a {shape} {c['act']} network",
    )
    st.caption(
        "*Stalled*: a restart that did not get within 10% of the way from the typical "
        "starting loss down to the best restart's loss."
    )
    if r.picks:
        titles = {
            k: f"{k}: loss {r.final_loss[i]:.3g}, accuracy {r.accuracy[i]:.0%}"
            for k, i in r.picks.items()
        }
        draw(st, views.boundary_row, *r.grid, r.probs, titles, r.X, r.y, width="content")
    left, right = st.columns(2)
    draw(
        left,
        views.net_curves_chart,
        r.curve_steps,
        r.curves,
        r.stalled,
        "loss",
        True,
        "Loss of every restart",
    )
    draw(
        right,
        views.net_curves_chart,
        r.curve_steps,
        r.norms,
        r.stalled,
        "weight norm",
        False,
        "Size of the weight vector |w|",
    )
    xor_221 = (
        c["dataset"] == "xor"
        and c["width"] == 2
        and c["layers"] == 1
        and c["act"] == "sigmoid"
        and c["loss"] == "mse"
    )
    if xor_221:
        st.info(XOR_NOTE, icon=":material/lightbulb:")
    classroom.export(
        f"{P}_net",
        {
            "Network restarts": pd.DataFrame(
                {
                    "restart": np.arange(len(r.final_loss)),
                    "final loss": r.final_loss,
                    "accuracy": r.accuracy,
                    "stalled": r.stalled,
                    "diverged": r.diverged,
                    "final weight norm": r.norms[-1],
                }
            )
        },
        classroom.current_settings(P),
    )


XOR_NOTE = (
    "**What the stalled XOR runs are stuck on.** The classic 2-2-1 network (two sigmoid hidden "
    "units, a sigmoid output, squared error) is famous for stalling. Most stalled restarts get "
    "two of the four clusters right and answer about one half on the other two; a few answer "
    "about two thirds on three clusters and get only the fourth right. Their loss still creeps "
    "down, ever more slowly, while the size of their weights keeps growing (right-hand chart): "
    "the sigmoids saturate and the "
    "gradient fades. This is not a valley with walls on every side, a *strict* local minimum: "
    "Hamey (1998) proved that the 2-2-1 XOR network has no strict local minimum at finite "
    "weights. What earlier studies took for local minima are plateaus and *minima at infinity*, "
    "directions in which the loss keeps falling towards a value above zero as the weights grow "
    "without end. (Solved runs grow their weights too — a sigmoid reaches 0 or 1 only at "
    "infinity — but their loss heads to zero.) For an optimiser with a fixed budget of steps the "
    "effect is the same as a trap. Hamey's proof is for the four XOR points; these clusters are "
    "jittered copies of them, and the runs behave the same way."
)


# -- page --------------------------------------------------------------------------------------------

present = classroom.page_setup("Local minima and random restarts", IDEA)
classroom.scenes(P, SCENES)
with classroom.controls():
    left, mid, right = st.columns(3)
    with left:
        sc = controls.surface_picker(P, default=DEFAULTS[f"{P}_surface"])
    with mid:
        oc = controls.optimizer_picker(
            P, default=DEFAULTS[f"{P}_optimizer"], default_lr=sc.surface.lr
        )
    with right:
        steps = st.select_slider(
            "Steps per run",
            STEPS,
            value=DEFAULTS[f"{P}_steps"],
            key=f"{P}_steps",
            bind="query-params",
        )
        n = st.select_slider(
            "Random restarts N (sections 2–4)",
            RESTARTS,
            value=DEFAULTS[f"{P}_n"],
            key=f"{P}_n",
            bind="query-params",
            help="Starts drawn uniformly over the map (seeded).",
        )
        seed = controls.seed_input(P)
st.caption(f"**{sc.surface.label}** — {sc.surface.description}")

with classroom.section("1 · Basins of attraction"):
    st.markdown(
        "Run the optimiser from every cell of a grid of starts, all at once, and colour each "
        "cell by the minimum its run reached. The coloured regions are the basins; their borders "
        "run along ridges and through saddles, where a tiny change of start sends the run "
        "elsewhere."
    )
    basin_section(sc, oc, steps, seed)

with classroom.section("2 · How many random restarts are enough?"):
    st.markdown(
        "The classic remedy for local minima is to **restart** from new random points and keep "
        "the best run. Each restart costs a whole run, so the question is how many you need. If "
        "a single run reaches the global minimum with chance *p*, then *k* independent runs all "
        "miss it with chance (1 − *p*)ᵏ: for *p* = 5% that is 60 restarts for a 95% chance, for "
        "*p* = 1% it is 300."
    )
    restarts_section(sc, oc, steps, seed, n)

with classroom.section("3 · Start with a lot of noise"):
    st.markdown(
        "Another remedy: add random noise to every gradient, large at first and fading to zero. "
        "Early on, runs can hop over the small ridges between minima; later they settle. This is "
        "the idea of simulated annealing (Kirkpatrick, Gelatt & Vecchi 1983) and of Langevin "
        "dynamics (Gelfand & Mitter 1991; Welling & Teh 2011), and decaying gradient noise also "
        "helps train deep networks (Neelakantan et al. 2015). It finds the global minimum for "
        "sure only if the noise fades extremely slowly (Geman & Geman 1984). In a fixed number "
        "of steps it helps where the broad trend of the surface points to the global minimum, as "
        "on Rastrigin's rippled bowl, and does little where all minima are equally deep "
        "(Himmelblau). Both runs below use the same starts."
    )
    noise_section(sc, oc, steps, seed, n)

with classroom.section("4 · Good enough"):
    st.markdown(
        "Often a run that ends close to the best is as useful as the best. How close? A "
        "percentage of the best loss means nothing when the best is 0 or negative, so each run's "
        "shortfall (its final loss minus the best) is measured as a share of the way from the "
        "typical starting loss (the median over the runs) down to the best. Runs that *escaped* "
        "(fell off a surface with no bottom) and runs that *diverged* are counted apart: neither "
        "has a loss to compare."
    )
    good_enough_section(sc, oc, steps, seed, n)

with classroom.section("5 · Restarts of a real network"):
    st.markdown(
        "The same experiment on real networks: R small networks with different random initial "
        "weights, trained at once on the same data. Do they all reach the same loss? Which "
        "restart draws which decision boundary?"
    )
    network_section()

st.markdown("### Why the difference between good minima often does not matter")
st.markdown(
    "In two dimensions a bad local minimum is easy to fall into. Networks have thousands to "
    "billions of weights, and there the picture changes: Choromanska et al. (2015) argued, from a "
    "model of large networks as spin glasses, that their local minima crowd into a narrow band "
    "of loss just above the global minimum, and that bad minima get rarer as networks grow; "
    "Dauphin et al. (2014) argued that most critical points that slow training in high "
    "dimensions are saddles, not bad minima. And the lowest training loss is not the goal: what "
    "counts is the error on new data, and chasing the very lowest training loss can overfit "
    "(Choromanska et al. 2015 make this point too). A small taste in section 5: give the XOR "
    "network 4 hidden units instead of 2, and none of its 64 restarts stalls."
)

st.markdown("### What to notice")
st.markdown(
    "- On the **six-hump camel** the two global minima collect about 60% of the starts, so "
    "three restarts already give a 94% chance, and annealed noise lifts a single run's chance.\n"
    "- On **Himmelblau** the four basins are about equal and all four minima are global, so "
    "every run that settles succeeds; the borders bend through the saddles between them.\n"
    "- On **Rastrigin** about one start in a hundred reaches the global minimum: the basins are "
    "small squares, one per ripple. The best-after-k curve falls in steps, one per level of "
    "minima.\n"
    "- The measured chance of success follows 1 − (1 − *p*)ᵏ: restarts are independent tries, "
    "and their cost grows linearly with k while the chance of missing falls geometrically.\n"
    "- Annealed noise does not make Rastrigin easy, but it moves many runs to lower ripples.\n"
    "- In the XOR network a good share of restarts stall with their weights still growing."
)
st.markdown("### Try this")
st.markdown(
    "- Switch Himmelblau from gradient descent to Adam or momentum: the same minima, different "
    "basins — the optimiser is part of the basin.\n"
    "- On Rastrigin, raise the learning rate past 0.005 (two divided by the curvature at the "
    "minima): runs can no longer settle in any ripple and show up as *still moving*.\n"
    "- On the **Saddle** or **Monkey saddle**, every run escapes: there is no minimum to reach.\n"
    "- Type your own double well, `(x**2 - 1)**2 + y**2`: the map splits half and half.\n"
    "- In the XOR scene, give the network 3 or 4 hidden units, or switch to cross-entropy: "
    "how many restarts stall now?"
)

classroom.predict(
    P,
    "If one run finds the global minimum 5% of the time, how many independent restarts give "
    "a 95% chance that at least one of them does?",
    ["about 19 (95% ÷ 5%)", "about 60", "about 100", "about 1,000"],
    "about 60",
    "All k runs miss with chance 0.95ᵏ, which drops below 5% at k = 59, since "
    "ln 0.05 / ln 0.95 ≈ 58.4. Check it in section 2.",
)

classroom.references(
    [
        (
            "Choromanska, A., Henaff, M., Mathieu, M., Ben Arous, G. & LeCun, Y. (2015). The loss "
            "surfaces of multilayer networks. *AISTATS*."
        ),
        (
            "Dauphin, Y., Pascanu, R., Gulcehre, C., Cho, K., Ganguli, S. & Bengio, Y. (2014). "
            "Identifying and attacking the saddle point problem in high-dimensional non-convex "
            "optimization. *NeurIPS*."
        ),
        (
            "Gelfand, S. B. & Mitter, S. K. (1991). Recursive stochastic algorithms for global "
            "optimization in ℝᵈ. *SIAM Journal on Control and Optimization* 29(5)."
        ),
        (
            "Geman, S. & Geman, D. (1984). Stochastic relaxation, Gibbs distributions, and the Bayesian "
            "restoration of images. *IEEE Transactions on Pattern Analysis and Machine Intelligence* "
            "6(6)."
        ),
        (
            "Hamey, L. G. C. (1998). XOR has no local minima: a case study in neural network error "
            "surface analysis. *Neural Networks* 11(4)."
        ),
        "Himmelblau, D. M. (1972). *Applied Nonlinear Programming*. McGraw-Hill.",
        (
            "Kirkpatrick, S., Gelatt, C. D. & Vecchi, M. P. (1983). Optimization by simulated "
            "annealing. *Science* 220(4598)."
        ),
        (
            "Neelakantan, A., Vilnis, L., Le, Q. V., Sutskever, I., Kaiser, L., Kurach, K. & Martens, "
            "J. (2015). Adding gradient noise improves learning for very deep networks. "
            "arXiv:1511.06807."
        ),
        "Rastrigin, L. A. (1974). *Systems of Extremal Control*. Nauka, Moscow.",
        (
            "Welling, M. & Teh, Y. W. (2011). Bayesian learning via stochastic gradient Langevin "
            "dynamics. *ICML*."
        ),
    ]
)

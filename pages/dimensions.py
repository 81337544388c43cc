"""Lesson: what changes as the number of dimensions grows — from two weights to many.

Thin page: URL-bound controls → cached calls (ui.dimensions_compute, into core.dimensions: each
experiment one batched tensor program) → Altair charts (ui.dimension_views, ui.charts). The
default view and every scene are computed at server start by ui.dimensions_compute.warm().
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core import data
from core import dimensions as dims
from lessons.dimensions import charts as views
from lessons.dimensions.compute import (
    CP_POINTS,
    DEFAULTS,
    SCENES,
    WS_LR,
    WS_POINTS,
    P,
    critical_data,
    distance_data,
    machine_rate,
    matrix_census,
    network_args,
    saddles,
    slice_data,
    st_summary,
    width_data,
    width_set,
)
from ui import classroom, controls
from ui.cached_charts import draw

DMAX = (10, 100, 1000, 10000)
WEIGHTS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10_000, 100_000, 1_000_000)
GRID_VALUES = (2, 3, 10)
SAMPLES = (10_000, 100_000, 1_000_000, 10_000_000)
STARTS = (16, 32, 64, 128, 256)
ITERATIONS = (25, 50, 100, 200, 400)
WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)
RESTARTS = (4, 8, 16, 32, 64)
STEPS = (100, 200, 400, 800, 1600)

IDEA = (
    "The error surfaces on the other pages have two weights, so you can see them. A real network "
    "has thousands or millions, and in many dimensions space behaves differently from what "
    "pictures suggest: random points are all about equally far apart, a grid search can never "
    "finish, and a point where the slope is zero is almost never a minimum — nearly all are "
    "**saddles**. Below each of these is measured, first on simple stand-ins and then on real "
    "networks."
)

WORDS = (
    "- **Dimension**: the number of numbers needed to say where you are — for a network, the "
    "number of weights.\n"
    "- **Critical point**: a point where the gradient (the slope in every direction) is zero: a "
    "minimum, a maximum or a saddle.\n"
    "- **Hessian**: the table of second derivatives. Its **eigenvalues** are the curvatures along "
    "its main directions: positive curves up, negative curves down.\n"
    "- **Index**: the share of negative eigenvalues, i.e. of independent downhill directions. "
    "0 at a minimum, 1 at a maximum, in between at a saddle.\n"
    "- **Random symmetric matrix (GOE)**: a matrix with Gaussian random entries, mirrored across "
    "the diagonal — the Gaussian orthogonal ensemble. Physicists use it as a stand-in for a "
    "Hessian about which nothing else is known.\n"
    "- **Restart**: one training run from its own random starting weights."
)


def _short(v: int) -> str:
    """10k, 1M: a count as the slider (and the address bar) shows it."""
    return f"{v // 1_000_000}M" if v >= 1_000_000 else f"{v // 1000}k"


def _sup(k: int) -> str:
    """An exponent in superscript digits: 3⁸."""
    return str(k).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _frame(name: str, df: pd.DataFrame) -> None:
    """Keep a section's data for the download buttons at the end of the page."""
    st.session_state.setdefault(f"_{P}_frames", {})[name] = df


# -- 1. distances ---------------------------------------------------------------------------------


@st.fragment
def distance_section() -> None:
    with classroom.controls("Points and dimensions"):
        a, b, c = st.columns(3)
        dmax = a.select_slider(
            "Largest dimension",
            DMAX,
            value=DEFAULTS[f"{P}_dmax"],
            key=f"{P}_dmax",
            bind="query-params",
        )
        points = b.slider(
            "Random points",
            50,
            500,
            DEFAULTS[f"{P}_points"],
            50,
            key=f"{P}_points",
            bind="query-params",
            help="Every pair of them is measured.",
        )
        with c:
            seed = controls.seed_input(P, DEFAULTS[f"{P}_seed"])
    try:
        df, density = distance_data(dmax, points, seed)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    _frame("Distances", df)
    with classroom.section("Random points are all about equally far apart"):
        left, right = st.columns(2)
        draw(left, views.spread_chart, df)
        draw(right, views.distance_histograms, density)
        top = df.iloc[-1]
        one, two, three = st.columns(3)
        one.metric(
            f"Spread in d = {int(top.d):,}",
            f"{top.measured:.3f}",
            help="Standard deviation of the pairwise distances divided by their mean.",
        )
        two.metric("Spread in d = 1", f"{df.iloc[0].measured:.3f}")
        three.metric(
            f"Farthest ÷ nearest − 1, d = {int(top.d):,}",
            f"{top.contrast:.1%}",
            help="For each point, how much farther its farthest neighbour is than its "
            "nearest; the median over the points.",
        )
        st.markdown(
            f"Each of the {points} points has d coordinates drawn uniformly between 0 and 1. In "
            "one dimension some pairs nearly touch and others are far apart; in "
            f"{int(top.d):,} dimensions every distance is within a few percent of the mean: the "
            f"farthest neighbour of a typical point is only {top.contrast:.1%} farther than the "
            "nearest. The reason is averaging: a squared distance is a sum of d independent "
            "squared gaps, so its mean grows like d while its spread grows like √d, and the "
            "ratio shrinks like 1/√d (the dashed line). “Near” and “far” lose their meaning "
            "(Beyer et al. 1999), and so does any method that relies on them, such as looking "
            "around the neighbourhood of a point."
        )


# -- 2. grid search -------------------------------------------------------------------------------


@st.fragment
def grid_section() -> None:
    with classroom.controls("Grid"):
        a, b = st.columns(2)
        values = a.slider(
            "Values tried for each weight",
            2,
            100,
            DEFAULTS[f"{P}_values"],
            key=f"{P}_values",
            bind="query-params",
        )
        weights = b.select_slider(
            "Number of weights",
            WEIGHTS,
            value=DEFAULTS[f"{P}_weights"],
            key=f"{P}_weights",
            bind="query-params",
        )
    try:
        rate = machine_rate()
    except ValueError as exc:
        controls.show_problem(exc)
        return
    per_s = math.log10(rate.per_second)
    points_log = dims.grid_log10(values, weights)
    seconds_log = points_log - per_s
    counts = np.array([w for w in WEIGHTS if w <= 100], dtype=float)
    rows = [
        pd.DataFrame(
            {
                "grid": f"{r} values",
                "weights": counts,
                "log10_seconds": counts * math.log10(r) - per_s,
            }
        )
        for r in sorted({*GRID_VALUES, values})
    ]
    df = pd.concat(rows, ignore_index=True)
    _frame("Grid search time", df)
    with classroom.section("A grid search can never finish"):
        one, two, three = st.columns(3)
        one.metric(
            "Loss evaluations per second",
            f"{rate.per_second:,.0f}",
            help=f"Measured on this server: batches of {rate.batch:,} weight vectors of a "
            f"{rate.weights}-weight network on {rate.points} points, scored with one "
            "batched call and no gradient, timed for a third of a second (re-measured "
            "hourly).",
        )
        two.metric(
            "Grid points",
            dims.count_words(points_log),
            help=f"{values} values for each of {weights:,} weights: {values}{_sup(weights)}.",
        )
        number, unit = dims.duration_parts(seconds_log)
        three.metric(
            "Time to try them all", number, delta=unit, delta_color="off", delta_arrow="off"
        )
        st.markdown(
            f"**A grid of {values} values per weight for a {weights:,}-weight network has "
            f"{values}{_sup(weights)} = {dims.count_words(points_log)} points; at the "
            f"{rate.per_second:,.0f} evaluations per second measured on this machine it would take "
            f"{dims.duration_words(seconds_log)}.** Every extra weight multiplies the time by "
            f"{values}: this is Bellman's (1957) *curse of dimensionality*. A faster computer "
            "only shifts the lines below down a little; it never bends them."
        )
        draw(st, views.grid_chart, df)
        st.caption(
            "Time for the full grid, in powers of ten seconds, against the number of "
            "weights (up to 100; today's largest networks have billions). Dashed lines: a "
            "minute, a year, the age of the universe (13.8 billion years)."
        )


# -- 3. NP-hardness ---------------------------------------------------------------------------------


def hardness_section() -> None:
    st.markdown(
        "**What is proved.** Blum and Rivest (1988; journal version 1992) studied the smallest "
        "interesting network: n inputs, two hidden units and one output unit, every unit a "
        "*threshold unit* (it outputs 1 if a weighted sum of its inputs passes a threshold, "
        "else 0). They proved that deciding whether such a **3-node network** can fit a given "
        "set of labelled training examples *exactly* is **NP-complete**: as hard as the hardest "
        "problems in NP, so no method is known that always answers in time polynomial in n, and "
        "none exists unless P = NP.\n\n"
        "**What it does not mean.** It is a *worst-case* statement: for any training method "
        "there are some training sets, built on purpose, on which it is slow or wrong; it says "
        "nothing about how often typical data is like that. It is about *exact* fitting, with "
        "*threshold* units, in those particular small networks: Blum and Rivest called their "
        "proofs fragile, left smooth units such as sigmoids as an open problem, and even showed "
        "a network that is hard to train exactly while a more powerful one can be trained in "
        "polynomial time. It does not predict that gradient descent fails on real problems — in "
        "practice large networks trained this way routinely fit their training data. What it "
        "rules out is a method guaranteed to find the best weights quickly for *every* dataset, "
        "which is one reason this app measures what happens instead of promising it."
    )


# -- 4. random Hessians ------------------------------------------------------------------------------


@st.fragment
def goe_section() -> None:
    with classroom.controls("Samples"):
        a, b, c = st.columns(3)
        samples = a.select_slider(
            "Random matrices per size",
            SAMPLES,
            value=DEFAULTS[f"{P}_samples"],
            format_func=_short,
            key=f"{P}_samples",
            bind="query-params",
        )
        nmax = b.slider(
            "Largest size n", 2, 10, DEFAULTS[f"{P}_nmax"], key=f"{P}_nmax", bind="query-params"
        )
        with c:
            seed = controls.seed_input(f"{P}_goe", DEFAULTS[f"{P}_goe_seed"])
    try:
        with controls.progress("Sampling random symmetric matrices…") as bar:
            census = matrix_census(nmax, samples, seed, bar)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    measured = pd.DataFrame(
        {"n": census.n, "hits": census.hits, "samples": samples, "share": census.share}
    )
    measured["label"] = [f"{h:,} of {samples:,} samples" for h in census.hits]
    grid = np.linspace(1, nmax, 10 * (nmax - 1) + 1)
    curves = pd.concat(
        [
            pd.DataFrame(
                {
                    "n": grid,
                    "share": dims.naive(grid),
                    "series": "naive guess 2⁻ⁿ (each sign a coin flip)",
                }
            ),
            pd.DataFrame(
                {
                    "n": grid,
                    "share": dims.dean_majumdar(grid),
                    "series": "theory 3^(−n²/4): large-n rate (Dean & Majumdar 2008)",
                }
            ),
        ],
        ignore_index=True,
    )
    _frame("Random matrices", measured.drop(columns="label"))
    with classroom.section("A random Hessian almost never curves up in every direction"):
        draw(st, views.goe_chart, measured, curves, census.zero_bound)
        one, two, three = st.columns(3)
        se = np.sqrt(census.share * (1 - census.share) / samples)
        for col, k, exact, why in ((one, 0, 0.5, "1/2"), (two, 1, (2 - 2**0.5) / 4, "(2 − √2)/4")):
            col.metric(
                f"n = {k + 1}: measured share",
                f"{census.share[k]:.4f}",
                delta=f"exact {exact:.4f}; sampling error ±{se[k]:.4f}",
                delta_color="off",
                delta_arrow="off",
                help=f"Exact value for this ensemble: {why}. The sampling error is one "
                "standard deviation of a share measured from this many samples.",
            )
        zero = census.n[census.hits == 0]
        three.metric(
            "Sizes with no all-positive sample",
            f"n ≥ {zero.min()}" if len(zero) else "none",
            help=f"With no hit in {samples:,} samples the share is below "
            f"{census.zero_bound:.1e} (95% confidence), drawn as open triangles.",
        )
        st.markdown(
            "Each matrix is symmetric with Gaussian random entries — the **Gaussian orthogonal "
            "ensemble** (GOE): off-diagonal entries with variance 1, diagonal entries with "
            "variance 2, so that the ensemble looks the same in every rotated frame. Think of it "
            "as the Hessian at a critical point about which we know nothing. The point is a "
            "minimum only if *every* eigenvalue is positive. The **black dots** are measured "
            "shares (exactly 1/2 for n = 1 and (2 − √2)/4 ≈ 0.146 for n = 2); the **open "
            "triangles** at the bottom mean *none* of the samples had all eigenvalues positive — "
            "the true share is somewhere below that line, not zero.\n\n"
            "The **naive guess 2⁻ⁿ** treats each eigenvalue's sign as an independent coin "
            "flip. The real share falls much faster, because eigenvalues of a random matrix "
            "*repel* each other: pushing all of them to one side of zero is very unlikely. Dean "
            "and Majumdar (2006, 2008) computed the rate for large n: about 3^(−n²/4), which "
            "shrinks with n², not n. That line is their **theory**, its leading term only, so "
            "at small n it shows the trend rather than the values. At 100 weights it is "
            "10⁻¹¹⁹³: random critical points in high dimensions are saddles (Bray & Dean 2007)."
        )
        st.caption(
            "Speed-up used: a matrix with a negative diagonal entry has a negative "
            "eigenvalue, so only the 2⁻ⁿ share of matrices whose diagonal is all positive "
            "get their other entries and a Cholesky test (which succeeds exactly when every "
            "eigenvalue is positive) — the same count as testing them all."
        )


# -- 5. Styblinski–Tang --------------------------------------------------------------------------------


@st.fragment
def st_section() -> None:
    with classroom.controls("Dimension"):
        d = st.slider(
            "Dimension d",
            1,
            dims.MAX_ST_DIM,
            DEFAULTS[f"{P}_st_d"],
            key=f"{P}_st_d",
            bind="query-params",
            help=f"3^d critical points: up to 3^{dims.MAX_ST_DIM} = {3**dims.MAX_ST_DIM:,}.",
        )
    try:
        df = st_summary(d)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    _frame("Styblinski-Tang critical points", df)
    roots = dims.st_roots().numpy()
    by_k = df.groupby(["downhill", "kind"], as_index=False)["count"].sum()
    with classroom.section(
        f"All 3{_sup(d)} critical points of Styblinski–Tang in {d} dimension{'s' if d > 1 else ''}"
    ):
        one, two, three = st.columns(3)
        one.metric("Critical points", f"{3**d:,}")
        two.metric(
            "Minima",
            f"{int(df.loc[df.kind == 'minimum', 'count'].sum()):,}",
            delta=f"{(2 / 3) ** d:.2%} of them",
            delta_color="off",
            delta_arrow="off",
        )
        three.metric("Saddles", f"{int(df.loc[df.kind == 'saddle', 'count'].sum()):,}")
        left, right = st.columns(2)
        draw(left, views.st_chart, df)
        draw(right, views.count_chart, by_k)
        st.markdown(
            "Styblinski–Tang, f(x) = ½ Σᵢ (xᵢ⁴ − 16xᵢ² + 5xᵢ), is a sum of the same curve in each "
            "coordinate, so its critical points can all be listed: the slope of one term is zero "
            f"at three places, x ≈ {roots[0]:.4f} (the deeper valley), {roots[1]:.4f} (a hump) "
            f"and {roots[2]:.4f} (the shallower valley), and a critical point picks one of the "
            f"three in each coordinate — 3{_sup(d)} = {3**d:,} of them, computed here as one batch. "
            "Its Hessian is diagonal, with curvature 6xᵢ² − 16 in each coordinate: negative "
            "only on the hump. A point is a minimum only if no coordinate sits on a hump, so "
            f"there are 2{_sup(d)} = {2**d:,} minima, just {(2 / 3) ** d:.2%} of all critical "
            "points; the rest are saddles (and one maximum).\n\n"
            "**Higher index, higher loss.** Each coordinate on a hump adds a downhill direction "
            "*and* raises the loss by about 25 to 39, so the points line up from low-loss "
            "minima to high-loss saddles. Dauphin et al. (2014) found the same shape for the "
            "critical points of real networks, as the theory of random functions in many "
            "dimensions predicts (Bray & Dean 2007): critical points with a low loss are mostly "
            "minima or nearly so, and high-loss ones have many ways down."
        )


# -- 6. a real network's critical points, and 2-D slices through a saddle ----------------------------


def _cp_controls() -> dict:
    with classroom.controls("Network, data and search"):
        a, b, c = st.columns(3)
        names = data.names()
        dataset = a.selectbox(
            "Dataset",
            list(names),
            index=list(names).index(DEFAULTS[f"{P}_cp_data"]),
            format_func=names.get,
            key=f"{P}_cp_data",
            bind="query-params",
        )
        noise = a.slider(
            "Noise",
            0.0,
            2.0,
            DEFAULTS[f"{P}_cp_noise"],
            0.1,
            key=f"{P}_cp_noise",
            bind="query-params",
            help="Overlapping classes keep the best weights finite.",
        )
        hidden = b.slider(
            "Hidden units",
            1,
            12,
            DEFAULTS[f"{P}_cp_hidden"],
            key=f"{P}_cp_hidden",
            bind="query-params",
            help="One hidden layer of tanh units: 4·units + 1 weights (at most 49).",
        )
        starts = b.select_slider(
            "Starts",
            STARTS,
            value=DEFAULTS[f"{P}_cp_starts"],
            key=f"{P}_cp_starts",
            bind="query-params",
        )
        iterations = c.select_slider(
            "Search steps",
            ITERATIONS,
            value=DEFAULTS[f"{P}_cp_iters"],
            key=f"{P}_cp_iters",
            bind="query-params",
        )
        with c:
            seed = controls.seed_input(f"{P}_cp", DEFAULTS[f"{P}_cp_seed"])
    return network_args(dataset, noise, hidden, starts, iterations, seed)


@st.fragment
def network_section() -> None:
    s = _cp_controls()
    try:
        with controls.progress(f"Searching from {s['starts']} starts at once…") as bar:
            df = critical_data(**s, _progress=bar)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    _frame("Network critical points", df)
    found = df[df["status"] == views.STATUS[0]]
    size = int(df["weights"].iloc[0])
    with classroom.section("Critical points of a real network"):
        one, two, three = st.columns(3)
        one.metric(
            "Reached zero gradient",
            f"{len(found)} of {len(df)}",
            help=f"|∇L| below {dims.GRAD_TOL:g}.",
        )
        two.metric(
            "Distinct critical points",
            f"{int(df['distinct'].sum())}",
            help="Different loss or number of downhill directions: swapping hidden units or "
            "flipping a tanh unit's signs gives the same network, so copies share both.",
        )
        three.metric(
            "Minima among them",
            f"{int((found['downhill'] == 0).sum())}",
            help="Critical points with no downhill direction.",
        )
        draw(st, views.critical_chart, df)
        st.markdown(
            f"A network with one hidden layer of {s['hidden']} tanh units ({size} weights) is "
            f"trained on {CP_POINTS} points for a moment from {s['starts']} random starts; each "
            "start is then taken from a random moment of its run, so the starts cover high and "
            "low loss. From each, a search looks for a point where the gradient vanishes by "
            "making |∇L|² small with Newton-type steps — steps that head for *any* critical "
            "point, minimum or saddle, unlike gradient descent. At every point it reaches, the "
            f"full {size}×{size} Hessian gives the index.\n\n"
            "**What to look for**: the critical points found are mostly saddles, and those with "
            "more downhill directions tend to sit higher — the shape Dauphin et al. (2014) "
            "reported — though a small network shows it only roughly.\n\n"
            "**A caution (Frye et al. 2020).** Such a search does not always find a critical "
            "point. |∇L|² can have a floor that is not zero: in a *gradient-flat* region the "
            "gradient points along a direction of almost no curvature, so the search cannot "
            "shrink it and stalls there (open squares). Others simply had not converged within "
            "the steps allowed (crosses). Frye et al. found that the searches used in earlier "
            "studies often end in or pass through such regions, so published loss–index plots "
            "need to be read with care. Here every ending point is checked: only filled circles have a "
            "gradient that is numerically zero. Tanh networks also tend to have their lowest "
            "losses far out, where units saturate, so a search may creep outwards without ever "
            "reaching a minimum at finite weights."
        )
    _slice_section(s, df)


def _directions(k: int) -> str:
    return f"{k} downhill direction{'' if k == 1 else 's'}"


def _saddle_label(row) -> str:
    return f"loss {row.loss:.4f} — {_directions(int(row.downhill))} of {int(row.weights)}"


def _slice_section(s: dict, df: pd.DataFrame) -> None:
    found, richest = saddles(df)
    with classroom.section("A 2-D slice against the real thing"):
        if found.empty:
            st.info(
                "No saddle was found with these settings: try more starts or search steps.",
                icon=":material/info:",
            )
            return
        options = [int(i) for i in found["start"]]
        labels = {int(r.start): _saddle_label(r) for r in found.itertuples()}
        # A new search finds other saddles: choose afresh (a link's choice stands on first load).
        seen, key = f"_{P}_saddle_options", f"{P}_saddle"
        if st.session_state.get(seen, options) != options:
            st.session_state[key] = options[richest]
        st.session_state[seen] = options
        start = st.selectbox(
            "Saddle",
            options,
            index=richest,
            format_func=labels.get,
            key=f"{P}_saddle",
            bind="query-params",
            help="The distinct saddles found above, lowest loss first; the one "
            "with the most downhill directions is chosen at first.",
        )
        try:
            census, planes = slice_data(**s, start=start)
        except ValueError as exc:
            controls.show_problem(exc)
            return
        row = found[found["start"] == start].iloc[0]
        what = ["downhill directions", "planes that show a saddle", "planes that look like a bowl"]
        both = pd.concat(
            [
                pd.DataFrame(
                    {
                        "what": what,
                        "share": [census.index, 1.0, 0.0],
                        "source": "the truth, from all eigenvalues: it is a saddle",
                    }
                ),
                pd.DataFrame(
                    {
                        "what": what,
                        "share": [
                            census.down,
                            census.planes["saddle-shaped"],
                            census.planes["bowl-shaped"],
                        ],
                        "source": f"{census.directions:,} random directions and planes",
                    }
                ),
            ],
            ignore_index=True,
        )
        _frame("Random slices", both)
        one, two, three = st.columns(3)
        one.metric(
            "True share of downhill directions",
            f"{census.index:.1%}",
            help=f"{int(row.downhill)} of {int(row.weights)} Hessian eigenvalues are negative.",
        )
        two.metric("Random directions that go down", f"{census.down:.1%}")
        three.metric("Random planes that show a saddle", f"{census.planes['saddle-shaped']:.1%}")
        draw(st, views.slice_chart, both)
        left, right = st.columns(2)
        for col, key, title, names in (
            (left, "random", "A random plane", ("random direction 1", "random direction 2")),
            (
                right,
                "eigen",
                "The plane of the extreme curvatures",
                ("most downhill direction", "most uphill direction"),
            ),
        ):
            z, scales = planes[key]
            unit = np.linspace(-1, 1, z.shape[0])
            draw(
                col,
                views.delta_heatmap,
                unit,
                unit,
                z.T,
                title,
                f"{names[0]} (× {scales[0]:.2g})",
                f"{names[1]} (× {scales[1]:.2g})",
            )
        st.markdown(
            f"This saddle has {_directions(int(row.downhill))} out of {int(row.weights)}. A "
            "random direction mixes all the Hessian's directions, so its curvature is an average "
            "of all the eigenvalues with random weights; most eigenvalues are positive and "
            "larger, so the average almost always is too. Nearly every random line, and most "
            "random planes, through the saddle curve *up*: the picture says “minimum” where the "
            "truth is “saddle”. Only the plane along the Hessian's own most negative direction "
            "(right) shows the way down, in blue. Both maps show the real network's loss minus "
            "the saddle's loss; each axis is scaled so that the curvature alone would change the "
            "loss by 0.05 at its ends (at most 1 in weight units). The more weights, the worse "
            "random slices get: pictures of loss landscapes (e.g. Li et al. 2018) are slices, "
            "chosen with care, never the whole."
        )


# -- 7. width sweep -------------------------------------------------------------------------------------


@st.fragment
def width_section() -> None:
    with classroom.controls("Data, widths and restarts"):
        a, b, c = st.columns(3)
        names = data.names()
        dataset = a.selectbox(
            "Dataset",
            list(names),
            index=list(names).index(DEFAULTS[f"{P}_ws_data"]),
            format_func=names.get,
            key=f"{P}_ws_data",
            bind="query-params",
        )
        noise = a.slider(
            "Noise",
            0.0,
            2.0,
            DEFAULTS[f"{P}_ws_noise"],
            0.1,
            key=f"{P}_ws_noise",
            bind="query-params",
        )
        widths = b.multiselect(
            "Widths (hidden units)",
            WIDTHS,
            default=DEFAULTS[f"{P}_ws_widths"],
            key=f"{P}_ws_widths",
            bind="query-params",
        )
        restarts = b.select_slider(
            "Restarts per width",
            RESTARTS,
            value=DEFAULTS[f"{P}_ws_restarts"],
            key=f"{P}_ws_restarts",
            bind="query-params",
        )
        steps = c.select_slider(
            "Training steps",
            STEPS,
            value=DEFAULTS[f"{P}_ws_steps"],
            key=f"{P}_ws_steps",
            bind="query-params",
        )
        with c:
            seed = controls.seed_input(f"{P}_ws", DEFAULTS[f"{P}_ws_seed"])
    widths = width_set(widths)
    if not widths:
        st.info("Choose at least one width.", icon=":material/info:")
        return
    try:
        with controls.progress("Training every width, its restarts at once…") as bar:
            ws = width_data(
                dataset, float(noise), widths, int(restarts), int(steps), seed, _progress=bar
            )
    except ValueError as exc:
        controls.show_problem(exc)
        return
    K, R = ws.loss.shape
    df = pd.DataFrame(
        {
            "width": np.repeat(ws.widths, R),
            "restart": np.tile(np.arange(R), K),
            "loss": ws.loss.ravel(),
            "diverged": ws.diverged.ravel(),
        }
    )
    table = pd.DataFrame(
        {
            "width": ws.widths,
            "weights": ws.weights,
            "best": ws.best,
            "median": np.nanmedian(ws.loss, axis=1),
            "box height (IQR)": ws.spread,
            "within 1% of best": ws.within,
        }
    )
    _frame("Final loss per width", df)
    with classroom.section("Wider networks: restarts agree"):
        draw(st, views.width_chart, df[~df["diverged"]])
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "best": st.column_config.NumberColumn(format="%.4f"),
                "median": st.column_config.NumberColumn(format="%.4f"),
                "box height (IQR)": st.column_config.NumberColumn(format="%.4f"),
                "within 1% of best": st.column_config.NumberColumn(format="percent"),
            },
        )
        if df["diverged"].any():
            st.warning(
                f"{int(df['diverged'].sum())} restarts diverged and are left out.",
                icon=":material/warning:",
            )
        st.markdown(
            f"Every width trains {R} restarts at once (full-batch Adam, learning rate {WS_LR}, "
            f"{steps} steps) on the same {WS_POINTS:,} points. Narrow networks end in very "
            "different places: some restarts find a good arrangement of their few units, others "
            "get stuck in a poor one. As the width grows the box shrinks — the restarts' final "
            "losses gather in a narrow band. Choromanska et al. (2015) predicted this from a "
            "model of large networks: their local minima crowd into a band of nearly equal "
            "loss, and poor ones become rare. “Within 1% of best” is the share of restarts that "
            "end within 1% of the best restart of the same width. Two honest details: a wide "
            "network on a thousand points can keep creeping downhill for a long time, so its "
            "restarts differ by a few thousandths in how far they got, and the best of many "
            "restarts stays a little below the band — Choromanska et al. also argued that the "
            "very lowest minimum gets *harder* to hit as networks grow, and that it hardly "
            "matters, since it tends to overfit."
        )


# -- page --------------------------------------------------------------------------------------------


def predict_section() -> None:
    d = 10
    options = ["about half of them", f"{2**d:,} (about one in 58)", "just one"]
    classroom.predict(
        P,
        f"Styblinski–Tang in {d} dimensions has 3¹⁰ = {3**d:,} critical points. How many of "
        "them are minima?",
        options,
        options[1],
        f"A minimum must sit in a valley in every coordinate: 2 choices each, 2¹⁰ = {2**d:,}. "
        "All the other critical points are saddles except one maximum. Set the dimension to 10 "
        "above to see them.",
    )


classroom.page_setup("What changes as the dimension grows", IDEA)
classroom.scenes(P, SCENES)
classroom.glossary(WORDS)
st.session_state[f"_{P}_frames"] = {}

st.header("Space gets strange")
distance_section()
grid_section()
st.header("Why no method can promise the best weights")
hardness_section()
st.header("Most critical points are saddles")
goe_section()
st_section()
st.header("The same in real networks")
network_section()
width_section()

st.header("What to notice")
st.markdown(
    "- In many dimensions random points are all nearly the same distance apart: the spread of "
    "distances shrinks like 1/√d.\n"
    "- A grid needs rᵈ points: ten values for each of 100 weights is already far beyond the age "
    "of the universe, whatever the computer.\n"
    "- Fitting a tiny threshold network exactly is NP-complete in the worst case — a statement "
    "about the hardest datasets, not about typical training.\n"
    "- A random symmetric matrix has all eigenvalues positive with a chance that falls like "
    "3^(−n²/4), far faster than 2⁻ⁿ: in high dimensions critical points are nearly all saddles.\n"
    "- For Styblinski–Tang, only (2/3)ᵈ of the critical points are minima, and the more downhill "
    "directions a point has, the higher it sits — as Dauphin et al. (2014) saw in networks.\n"
    "- A real network's critical points are mostly saddles too, but a search for them can stall "
    "on gradient-flat ground: check the gradient before calling a point critical.\n"
    "- Wider networks' restarts end at nearly the same loss.\n"
    "- A random 2-D slice through a saddle usually looks like a bowl."
)
st.header("Try this")
st.markdown(
    "- Set the largest dimension to 10,000: the histogram becomes a spike.\n"
    "- Set the number of weights to 1 and to 10, and find the largest network a grid could "
    "search in a day.\n"
    "- Raise the random matrices to 10,000,000 with largest size 4 (the budget allows it): "
    "does n = 4 move closer to any line?\n"
    "- Styblinski–Tang in 1 dimension: 3 critical points, 2 minima. Which saddle-to-minimum "
    "ratio do you get at d = 12?\n"
    "- Give the network 8 hidden units (33 weights): do the saddles found have more downhill "
    "directions?\n"
    "- Add width 1 to the width sweep: a single tanh unit is almost a straight-line classifier, "
    "and all its restarts agree — for a different reason."
)
predict_section()
classroom.export(P, st.session_state.get(f"_{P}_frames", {}), classroom.current_settings(P))
classroom.references(
    [
        "Bellman, R. (1957). *Dynamic programming*. Princeton University Press.",
        "Beyer, K., Goldstein, J., Ramakrishnan, R., & Shaft, U. (1999). When is “nearest neighbor” "
        "meaningful? ICDT.",
        "Blum, A. L., & Rivest, R. L. (1992). Training a 3-node neural network is NP-complete. "
        "*Neural Networks*, 5(1), 117–127 (first presented in 1988).",
        "Bray, A. J., & Dean, D. S. (2007). Statistics of critical points of Gaussian fields on "
        "large-dimensional spaces. *Physical Review Letters*, 98, 150201.",
        "Choromanska, A., Henaff, M., Mathieu, M., Ben Arous, G., & LeCun, Y. (2015). The loss "
        "surfaces of multilayer networks. AISTATS.",
        "Dauphin, Y., Pascanu, R., Gulcehre, C., Cho, K., Ganguli, S., & Bengio, Y. (2014). "
        "Identifying and attacking the saddle point problem in high-dimensional non-convex "
        "optimization. NeurIPS.",
        "Dean, D. S., & Majumdar, S. N. (2006). Large deviations of extreme eigenvalues of random "
        "matrices. *Physical Review Letters*, 97, 160201; (2008) Extreme value statistics of "
        "eigenvalues of Gaussian random matrices. *Physical Review E*, 77, 041108.",
        "Frye, C. G., Simon, J., Wadia, N. S., Ligeralde, A., DeWeese, M. R., & Bouchard, K. E. "
        "(2020). Critical point-finding methods reveal gradient-flat regions of deep network "
        "losses. arXiv:2003.10397 (*Neural Computation*, 2021).",
        "Li, H., Xu, Z., Taylor, G., Studer, C., & Goldstein, T. (2018). Visualizing the loss "
        "landscape of neural nets. NeurIPS.",
        "Roosta, F., Liu, Y., Xu, P., & Mahoney, M. W. (2018). Newton-MR: Newton's method without "
        "smoothness or convexity. arXiv:1810.00303.",
        "Styblinski, M. A., & Tang, T.-S. (1990). Experiments in nonconvex optimization: stochastic "
        "approximation with function smoothing and simulated annealing. *Neural Networks*, 3(4), "
        "467–483.",
    ]
)

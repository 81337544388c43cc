"""Charts for the restarts lesson: the basin map, sample paths, best-after-k and success-within-k
curves, side-by-side histograms, the "good enough" curve and the network restarts.

Data in → Altair chart out; no Streamlit here, so every builder can be tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from core import basins
from ui.charts import FIT_X, MAP_SIDE, PALETTE, kind_frame, layer, minima_layer, true_to_scale

#: Colours of the minima's categories, all of distinct hues so that no two basins look alike
#: (Okabe–Ito without its sky blue, too near its blue, nor yellow and black, which mark
#: outcomes; and Tol's wine).
MINIMA_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#882255", "#D55E00"]
OUTCOME_COLOURS = {
    basins.UNLISTED: "#F0E442",
    basins.ELSEWHERE: "#999999",
    basins.MOVING: "#DDDDDD",
    basins.ESCAPED: "#FFFFFF",
    basins.DIVERGED: "#333333",
}
OTHER = "higher local minima"


def categories(
    codes: np.ndarray, minima, max_minima: int = len(MINIMA_COLOURS)
) -> tuple[np.ndarray, list[str], list[str]]:
    """Group outcome codes into at most `max_minima` colours for minima plus one per outcome.

    Few minima reached: one category each. Many (Rastrigin's hundred): minima of equal height
    share a category ("global minimum", "local minima at 0.995", …), the highest ones are merged.
    Returns (category index per code, category names, colours).
    """
    codes = np.asarray(codes)
    glob = set(basins.global_ids(minima))
    reached = sorted({int(c) for c in np.unique(codes) if c >= 0}, key=lambda c: (minima[c][2], c))
    names: list[str] = []
    colour: list[str] = []
    which: dict[int, int] = {}
    if len(reached) <= max_minima:
        for c in reached:
            which[c] = len(names)
            names.append(basins.names([c], minima)[0])
            colour.append(MINIMA_COLOURS[len(colour)])
    else:
        levels: dict[str, int] = {}
        for c in reached:
            value = minima[c][2]
            level = "global minimum" if c in glob else f"local minima at loss {value:.3g}"
            if level not in levels and len(levels) >= max_minima - 1:
                level = OTHER
            if level not in levels:
                levels[level] = len(names)
                names.append(level)
                colour.append(MINIMA_COLOURS[len(colour)])
            which[c] = levels[level]
    for c in sorted({int(c) for c in np.unique(codes) if c < 0}, reverse=True):
        which[c] = len(names)
        names.append(basins.OUTCOMES[c])
        colour.append(OUTCOME_COLOURS[c])
    index = np.vectorize(which.get, otypes=[int])(codes) if codes.size else codes.astype(int)
    return index, names, colour


def basin_chart(xs, ys, codes, minima, bounds) -> alt.Chart:
    """Each start's cell coloured by where its run ended (runs of equal cells merged into one
    rectangle per row, so a 200×200 map stays light in the browser), true to scale."""
    index, names, colours = categories(codes, minima)
    frame = kind_frame(xs, ys, index, names).rename(columns={"kind": "ended at"})
    # Widen each rectangle by a quarter cell so neighbours overlap: no anti-aliased seams.
    frame["x2"] += 0.25 * (xs[1] - xs[0])
    frame["y2"] += 0.25 * (ys[1] - ys[0])
    (x0, x1), (y0, y1) = bounds
    chart = (
        alt.Chart(frame)
        .mark_rect(stroke=None, clip=True)
        .encode(
            x=alt.X(
                "x:Q", title="start x", scale=alt.Scale(domain=[x0, x1], nice=False, zero=False)
            ),
            x2="x2:Q",
            y=alt.Y(
                "y:Q", title="start y", scale=alt.Scale(domain=[y0, y1], nice=False, zero=False)
            ),
            y2="y2:Q",
            color=alt.Color(
                "ended at:N",
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(
                    orient="bottom",
                    columns=1,
                    symbolStrokeColor="black",
                    symbolStrokeWidth=0.5,
                    labelLimit=330,
                    title=None,
                ),
            ),
            tooltip=[alt.Tooltip("ended at:N")],
        )
        .properties(
            description=(
                f"Basin map of {len(xs)}×{len(ys)} starts: each start's cell is coloured by where "
                f"its run ended, in {len(names)} categories: {'; '.join(names)}. Hover a cell to "
                "read its name."
            ),
        )
    )
    return true_to_scale(chart, (x0, x1), (y0, y1))


def basin_map_chart(
    xs, ys, codes, minima, bounds, paths: np.ndarray | None, path_codes, title: str
) -> alt.LayerChart:
    """The square basin map with the known minima marked and, unless paths is None, the sample
    paths drawn over it."""
    layers = [basin_chart(xs, ys, codes, minima, bounds)]
    if minima:
        layers.append(minima_layer(minima))
    if paths is not None:
        layers.append(sample_paths(paths, basins.names(path_codes, minima)))
    return layer(*layers, title=title)


#: How the class's end points are told apart: their fill, black where the run succeeded.
CLASS_ENDS = {"reached a global minimum": "black", "ended elsewhere": "white"}


def class_ends_chart(
    xs, ys, codes, minima, bounds, ends: Sequence[tuple[float, float, bool]], title: str
) -> alt.LayerChart:
    """The square basin map with a dot where each student's run ended (ends: (x, y, success),
    a tuple for the chart cache), black where it reached a global minimum, white elsewhere."""
    df = pd.DataFrame(list(ends), columns=["x", "y", "success"])
    df["run"] = np.where(df["success"].astype(bool), *CLASS_ENDS)
    dots = (
        alt.Chart(df)
        .mark_point(
            shape="circle", size=70, filled=True, stroke="black", strokeWidth=1.5, clip=True
        )
        .encode(
            x="x:Q",
            y="y:Q",
            fill=alt.Fill(
                "run:N",
                scale=alt.Scale(domain=list(CLASS_ENDS), range=list(CLASS_ENDS.values())),
                legend=alt.Legend(orient="bottom", title=None, symbolStrokeColor="black"),
            ),
            tooltip=[
                alt.Tooltip("run:N", title="the run"),
                alt.Tooltip("x:Q", format=".3f", title="end x"),
                alt.Tooltip("y:Q", format=".3f", title="end y"),
            ],
        )
        .properties(description=f"{len(df)} students' end points, as dots edged in black.")
    )
    layers = [basin_chart(xs, ys, codes, minima, bounds)]
    if minima:
        layers.append(minima_layer(minima))
    return layer(*layers, dots, title=title)


def sample_paths(paths: np.ndarray, names: Sequence[str]) -> alt.LayerChart:
    """A few whole paths (black on a white halo, a ring at each start, a dot at each end)."""
    t, m, _ = paths.shape
    df = pd.DataFrame(
        {
            "sample": np.tile(np.arange(m), t),
            "order": np.repeat(np.arange(t), m),
            "x": paths[..., 0].ravel(),
            "y": paths[..., 1].ravel(),
            "ended at": np.tile(np.asarray(names, dtype=object), t),
        }
    ).dropna()
    base = alt.Chart(df).encode(x="x:Q", y="y:Q", detail="sample:N", order="order:Q")
    halo = base.mark_line(color="white", strokeWidth=4, opacity=0.9, clip=True)
    line = base.mark_line(color="black", strokeWidth=1.5, clip=True)
    ends = (
        df.sort_values("order")
        .groupby("sample")
        .agg(
            x0=("x", "first"),
            y0=("y", "first"),
            x=("x", "last"),
            y=("y", "last"),
            ended=("ended at", "first"),
        )
        .reset_index()
    )
    start = (
        alt.Chart(ends)
        .mark_point(
            shape="circle",
            size=60,
            color="black",
            strokeWidth=2,
            fill="white",
            filled=True,
            clip=True,
        )
        .encode(
            x="x0:Q",
            y="y0:Q",
            tooltip=[
                alt.Tooltip("x0:Q", format=".2f", title="start x"),
                alt.Tooltip("y0:Q", format=".2f", title="start y"),
            ],
        )
    )
    end = (
        alt.Chart(ends)
        .mark_point(shape="circle", size=40, color="black", filled=True, clip=True)
        .encode(x="x:Q", y="y:Q", tooltip=[alt.Tooltip("ended:N", title="ended at")])
    )
    return alt.layer(halo, line, start, end).properties(
        description=f"{m} sample paths drawn in black from white rings (starts) to black dots "
        "(ends)."
    )


def best_after_k_chart(
    k, q, global_value: float | None, height: int = 320, title: str = ""
) -> alt.LayerChart:
    """Median (line) and 10–90% band (shaded) of the best loss after k restarts; x on a log axis.
    q: [3, K] rows 10%, 50%, 90%. Infinite values (no usable run yet) are not drawn."""
    df = pd.DataFrame({"restarts": k, "p10": q[0], "median": q[1], "p90": q[2]})
    df = df.replace([np.inf, -np.inf], np.nan)
    x = alt.X(
        "restarts:Q",
        title="restarts k",
        scale=alt.Scale(type="log", domain=[1, int(max(k))], nice=False),
    )
    y = "best loss so far"  # the same title on every layer, or Vega-Lite joins them all
    band = (
        alt.Chart(df)
        .mark_area(opacity=0.3, color=PALETTE[5])
        .encode(x=x, y=alt.Y("p10:Q", title=y), y2="p90:Q")
    )
    line = (
        alt.Chart(df)
        .mark_line(color=PALETTE[0], strokeWidth=2.5, point=True)
        .encode(
            x=x,
            y=alt.Y("median:Q", title=y),
            tooltip=[
                "restarts:Q",
                alt.Tooltip("median:Q", format=".4~g"),
                alt.Tooltip("p10:Q", format=".4~g", title="10%"),
                alt.Tooltip("p90:Q", format=".4~g", title="90%"),
            ],
        )
    )
    layers = [band, line]
    if global_value is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"v": [global_value]}))
            .mark_rule(strokeDash=[6, 3], color="black")
            .encode(y=alt.Y("v:Q", title=y), tooltip=[alt.Tooltip("v:Q", title="global minimum")])
        )
    chart = alt.layer(*layers).properties(
        height=height,
        autosize=FIT_X,
        description=(
            "Best loss found after k restarts, against k on a log axis: the median over many "
            "random orders of the runs as a line, the 10th to 90th percentile as a shaded band; "
            "the dashed line is the global minimum."
        ),
    )
    return chart.properties(title=title) if title else chart


MEASURED, PREDICTED = "fresh runs, in groups of k", "1 − (1 − p)ᵏ"


def success_chart(
    k, predicted, measured_k, measured, height: int = 320, title: str = ""
) -> alt.Chart:
    """The chance of success within k restarts: 1 − (1 − p)ᵏ from the pool's p (dashed) against
    the share of disjoint groups of k fresh runs with a success (solid, dots)."""
    df = pd.concat(
        [
            pd.DataFrame({"restarts": measured_k, "chance": measured, "curve": MEASURED}),
            pd.DataFrame({"restarts": k, "chance": predicted, "curve": PREDICTED}),
        ]
    )
    domain = [MEASURED, PREDICTED]
    legend = alt.Legend(orient="right", title=None, labelLimit=300)
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, point=True)
        .encode(
            x=alt.X(
                "restarts:Q",
                title="restarts k",
                scale=alt.Scale(type="log", domain=[1, int(max(k))], nice=False),
            ),
            y=alt.Y(
                "chance:Q",
                title="chance of success",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "curve:N",
                scale=alt.Scale(domain=domain, range=[PALETTE[0], PALETTE[1]]),
                legend=legend,
            ),
            strokeDash=alt.StrokeDash(
                "curve:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]]), legend=legend
            ),
            shape=alt.Shape(
                "curve:N", scale=alt.Scale(domain=domain, range=["circle", "square"]), legend=legend
            ),
            tooltip=["curve:N", "restarts:Q", alt.Tooltip("chance:Q", format=".1%")],
        )
        .properties(
            height=height,
            description=(
                "Chance of at least one of k restarts reaching the global minimum, against k on a "
                "log axis: measured on fresh runs cut into groups of k (solid line, dots) and "
                "predicted for independent tries, 1 − (1 − p)ᵏ (dashed line, squares)."
            ),
        )
    )
    return chart.properties(title=title) if title else chart


def aligned_histograms(
    df: pd.DataFrame,
    field: str,
    group: str,
    bins: int = 40,
    rule: float | None = None,
    height: int = 150,
) -> alt.FacetChart | alt.Chart:
    """One histogram of `field` per `group`, one above the other on the same bins and axes (side
    by side, two would not fit a phone), each named above it."""
    values = df[field].to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if hi <= lo:
        hi = lo + 1.0
    binning = alt.Bin(extent=[lo, hi], maxbins=bins)
    groups = [str(g) for g in pd.unique(df[group])]
    df = df.assign(**{group: df[group].astype(str)})[np.isfinite(values)]
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X(f"{field}:Q", bin=binning, title=field),
            y=alt.Y("count():Q", title="runs"),
            color=alt.Color(
                f"{group}:N", scale=alt.Scale(domain=groups, range=PALETTE), legend=None
            ),
            tooltip=[f"{group}:N", alt.Tooltip(f"{field}:Q", bin=binning), "count():Q"],
        )
    )
    layers = [bars]
    if rule is not None:
        layers.append(
            alt.Chart().mark_rule(strokeDash=[6, 3], color="black").encode(x=alt.datum(float(rule)))
        )
    return (
        alt.layer(*layers, data=df)
        .properties(height=height, width=MAP_SIDE)
        .facet(
            row=alt.Row(
                f"{group}:N",
                title=None,
                sort=groups,
                header=alt.Header(labelAngle=0, labelOrient="top", labelAnchor="start"),
            )
        )
        .properties(
            description=(
                f"Histograms of {field}, one per {group} ({', '.join(groups)}), one above the "
                "other on the same bins"
                + ("; the dashed line is the global minimum." if rule is not None else ".")
            )
        )
    )


def good_enough_chart(gap: np.ndarray, within: float, height: int = 300) -> alt.LayerChart:
    """Share of runs whose shortfall is at most x, against x (in % of the way from the median
    start down to the best run); a rule at the chosen threshold."""
    g = np.sort(gap[np.isfinite(gap)])
    share = np.arange(1, g.size + 1) / max(g.size, 1)
    keep = np.unique(np.linspace(0, max(g.size - 1, 0), min(g.size, 400)).round().astype(int))
    df = pd.DataFrame({"shortfall": 100 * np.clip(g[keep], 0, None), "share": share[keep]})
    top = max(100.0, float(df["shortfall"].max()) if len(df) else 100.0)
    line = (
        alt.Chart(df)
        .mark_line(interpolate="step-after", strokeWidth=2.5, color=PALETTE[0])
        .encode(
            x=alt.X(
                "shortfall:Q",
                title="shortfall (% of the way from typical start to best)",
                scale=alt.Scale(domain=[0, top]),
            ),
            y=alt.Y(
                "share:Q",
                title="share of runs",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("shortfall:Q", format=".2f"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [100 * within]}))
        .mark_rule(strokeDash=[6, 3], color="black")
        .encode(x="x:Q")
    )
    return alt.layer(line, rule).properties(
        height=height,
        description=(
            "Share of runs (escaped and diverged runs left out) that end within a given shortfall "
            "of the best run, the shortfall measured as a percentage of the way from the median "
            f"starting loss down to the best; the dashed line marks the chosen {100 * within:g}%."
        ),
    )


# -- networks -----------------------------------------------------------------------------------
STALLED, SOLVED = "stalled", "near the best"
#: Outcome colours, the same in every network chart: stalled orange, near the best sky blue.
OUTCOME_DOMAIN, OUTCOME_RANGE = [STALLED, SOLVED], [PALETTE[1], PALETTE[5]]


def net_frame(steps, values: np.ndarray, stalled: np.ndarray, name: str) -> pd.DataFrame:
    """Long form (restart, step, <name>, outcome) of a [T, R] array of curves."""
    t, r = values.shape
    return pd.DataFrame(
        {
            "restart": np.tile(np.arange(r), t),
            "step": np.repeat(np.asarray(steps), r),
            name: np.where(np.isfinite(values), values, np.nan).ravel(),
            "outcome": np.tile(np.where(stalled, STALLED, SOLVED), t),
        }
    ).dropna()


def curves_chart(
    df: pd.DataFrame, field: str, log_y: bool, title: str, height: int = 320
) -> alt.Chart:
    """One thin line per restart, coloured and dashed by outcome (stalled or not)."""
    if log_y:
        df = df[df[field] > 0]
    legend = alt.Legend(orient="right", title=None)
    return (
        alt.Chart(df)
        .mark_line(strokeWidth=1.2, opacity=0.7)
        .encode(
            x=alt.X("step:Q"),
            y=alt.Y(f"{field}:Q", scale=alt.Scale(type="log") if log_y else alt.Undefined),
            detail="restart:N",
            color=alt.Color(
                "outcome:N",
                scale=alt.Scale(domain=OUTCOME_DOMAIN, range=OUTCOME_RANGE),
                legend=legend,
            ),
            strokeDash=alt.StrokeDash(
                "outcome:N",
                scale=alt.Scale(domain=OUTCOME_DOMAIN, range=[[5, 3], [1, 0]]),
                legend=legend,
            ),
            tooltip=["restart:Q", "step:Q", alt.Tooltip(f"{field}:Q", format=".4~g"), "outcome:N"],
        )
        .properties(
            height=height,
            title=title,
            description=(
                f"{field} of every restart against step{' on a log scale' if log_y else ''}; "
                "stalled restarts dashed and orange, the others solid and blue."
            ),
        )
    )


def net_curves_chart(
    steps, values: np.ndarray, stalled: np.ndarray, field: str, log_y: bool, title: str
) -> alt.Chart:
    """curves_chart of a [T, R] array of curves (one per restart), put in long form here."""
    return curves_chart(net_frame(steps, values, stalled, field), field, log_y, title)


def outcome_histogram(
    values: np.ndarray, stalled: np.ndarray, title: str, height: int = 260
) -> alt.Chart:
    """Final losses stacked by outcome, in the same colours as the curves."""
    df = pd.DataFrame({"final loss": values, "outcome": np.where(stalled, STALLED, SOLVED)})
    binning = alt.Bin(maxbins=40)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("final loss:Q", bin=binning),
            y=alt.Y("count():Q", title="restarts"),
            color=alt.Color(
                "outcome:N",
                scale=alt.Scale(domain=OUTCOME_DOMAIN, range=OUTCOME_RANGE),
                legend=alt.Legend(orient="right", title=None),
            ),
            tooltip=["outcome:N", alt.Tooltip("final loss:Q", bin=binning), "count():Q"],
        )
        .properties(
            height=height,
            title=title,
            description=(
                f"Histogram of the final loss of {len(df)} restarts, stacked by outcome: stalled "
                "(orange) or near the best (blue)."
            ),
        )
    )


def boundary_chart(
    xs, ys, prob: np.ndarray, X: np.ndarray, y: np.ndarray, title: str, side: int = 230
) -> alt.LayerChart:
    """A network's probability of class 1 over the plane (blue–orange bands on one fixed scale,
    so charts side by side compare), the 0.5 boundary where the colour turns, and the data
    (class 0 circles, class 1 crosses); true to scale."""
    gx, gy = np.meshgrid(xs, ys)
    hx, hy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
    # Cells overlap by a quarter cell so that no anti-aliased seams show between them.
    grid = pd.DataFrame(
        {
            "x": gx.ravel() - hx,
            "x2": gx.ravel() + 1.5 * hx,
            "y": gy.ravel() - hy,
            "y2": gy.ravel() + 1.5 * hy,
            "p": prob.ravel(),
        }
    )
    scale = alt.Scale(domain=[0, 1], scheme="blueorange")
    heat = (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=alt.X(
                "x:Q",
                title=None,
                scale=alt.Scale(domain=[xs[0] - hx, xs[-1] + hx], nice=False, zero=False),
            ),
            x2="x2:Q",
            y=alt.Y(
                "y:Q",
                title=None,
                scale=alt.Scale(domain=[ys[0] - hy, ys[-1] + hy], nice=False, zero=False),
            ),
            y2="y2:Q",
            color=alt.Color(
                "p:Q",
                scale=scale,
                legend=alt.Legend(title="P(class 1)", format=".1f", orient="bottom"),
            ),
        )
    )
    pts = pd.DataFrame(
        {"x": X[:, 0], "y": X[:, 1], "class": np.where(y > 0.5, "class 1", "class 0")}
    )
    domain = ["class 0", "class 1"]
    legend = alt.Legend(orient="top", title=None, direction="horizontal")
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=34, strokeWidth=0.8)
        .encode(
            x="x:Q",
            y="y:Q",
            shape=alt.Shape(
                "class:N", scale=alt.Scale(domain=domain, range=["circle", "cross"]), legend=legend
            ),
            fill=alt.Fill(
                "class:N", scale=alt.Scale(domain=domain, range=["white", "black"]), legend=legend
            ),
            stroke=alt.value("black"),
            tooltip=["class:N"],
        )
    )
    chart = alt.layer(heat, dots).properties(
        title=title,
        description=(
            f"{title}: the network's probability of class 1 over the plane, blue for class 0 and "
            "orange for class 1, with the data points (white circles class 0, black crosses "
            "class 1)."
        ),
    )
    return true_to_scale(chart, (xs[0] - hx, xs[-1] + hx), (ys[0] - hy, ys[-1] + hy), side)

"""Chart builders: data in, Altair chart out. No Streamlit here, so a notebook can use them too.

Conventions: surfaces are viridis heatmaps quantised into bands (filled contours); runs use the
Okabe–Ito palette (Okabe & Ito 2008, safe for the common colour-vision deficiencies) and their
lines also differ by dash, so no information is carried by colour alone. Every chart has a
`description` for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

# A 121×121 surface is 14,641 rows; Altair's default guard stops at 5,000.
alt.data_transformers.disable_max_rows()

#: Okabe–Ito, most distinct hues first (blue, orange, green, purple: no two blues or greens among
#: the first four lines of a chart); yellow comes late because it vanishes on viridis' bright end.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [10, 4], [4, 2, 1, 2], [12, 2]]
#: A five-pointed star as an SVG path in the unit box (Vega-Lite has no built-in star).
STAR = (
    "M"
    + "L".join(
        f"{r * math.sin(k * math.pi / 5):.3f},{-r * math.cos(k * math.pi / 5):.3f}"
        for k, r in zip(range(10), [1, 0.4] * 5)
    )
    + "Z"
)


#: Fill the width, but keep the plot's own height (legends and titles are added around it).
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
#: Keep the plot at its given size and add axes and legends around it: Streamlit's "fit" would
#: squeeze a map's plot to make room for its legend. Draw such charts with width="content".
PAD = alt.AutoSizeParams(type="pad", contains="padding")
#: A map's longer plot side in pixels: two maps side by side fit the columns of a 1280 px screen
#: and one fits a 390 px phone, axes included (legends go below the plot).
MAP_SIDE = 280


def _np(a) -> np.ndarray:
    """A float64 numpy array from a tensor, array or list (tensors are detached first)."""
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    return np.asarray(a, dtype=np.float64)


def _finite(a: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(a), a, np.nan)


# -- surfaces ---------------------------------------------------------------------------------

#: The label of grid cells where the loss has no finite value.
NO_VALUE = "no value (f not finite)"


def _edges(v: np.ndarray) -> np.ndarray:
    """Cell edges around evenly spaced centres: a grid point owns the square around it."""
    step = (v[-1] - v[0]) / max(len(v) - 1, 1)
    return np.concatenate([v - step / 2, v[-1:] + step / 2])


def kind_frame(xs, ys, kinds, kind_names: Sequence[str]) -> pd.DataFrame:
    """Runs of equal kind along each row as one rectangle each (x, x2, y, y2, kind).

    A 200×200 map has 40,000 cells but only a few thousand runs, so the browser draws exactly the
    same picture with far fewer marks. `kinds` [ny, nx] holds an index into kind_names, or −1.
    """
    xs, ys, k = np.asarray(xs, float), np.asarray(ys, float), np.asarray(kinds, int)
    xe, ye = _edges(xs), _edges(ys)
    change = np.ones_like(k, dtype=bool)
    change[:, 1:] = k[:, 1:] != k[:, :-1]
    rows, starts = np.nonzero(change)
    ends = np.append(starts[1:], 0)
    ends[np.append(rows[1:] != rows[:-1], True)] = k.shape[1]
    names = np.array([*kind_names, NO_VALUE])
    # Each rectangle reaches most of a cell into the next run and row, which are drawn over it:
    # two anti-aliased edges meeting inside a pixel would let the background show as a seam.
    # It does not reach into cells without a value, which may be left blank.
    ny, nx = k.shape
    nxt = np.minimum(ends, nx - 1)
    right = (ends < nx) & (k[rows, nxt] != -1)
    missing = np.zeros((ny + 1, nx + 1), dtype=int)
    missing[:-1, 1:] = np.cumsum(k == -1, axis=1)  # per row, how many cells without a value
    up = np.minimum(rows + 1, ny)
    above = (rows + 1 < ny) & (missing[up, ends] - missing[up, starts] == 0)
    dx, dy = 0.9 * (xe[1] - xe[0]), 0.9 * (ye[1] - ye[0])
    return pd.DataFrame(
        {
            "x": xe[starts],
            "x2": np.minimum(xe[ends] + dx * right, xe[-1]),
            "y": ye[rows],
            "y2": np.minimum(ye[rows + 1] + dy * above, ye[-1]),
            "kind": names[k[rows, starts]],
        }
    )


def surface_frame(xs, ys, z) -> pd.DataFrame:
    """Long form (x, y, loss) of a grid z[len(ys), len(xs)]; NaN and ±inf become NaN (blank)."""
    xs, ys, z = _np(xs), _np(ys), _finite(_np(z))
    gx, gy = np.meshgrid(xs, ys)
    return pd.DataFrame({"x": gx.ravel(), "y": gy.ravel(), "loss": z.ravel()})


def round_edges(values) -> list[float]:
    """Band edges to 3 significant digits (readable legend), strictly increasing."""
    out: list[float] = []
    for v in values:
        r = float(f"{v:.3g}")
        if not out or r > out[-1]:
            out.append(r)
    return out


def banded_scale(z, bands: int = 12) -> tuple[bool, list[float]]:
    """Whether to band the colour logarithmically, and the band edges (in loss units).

    Log when the loss range is more than 100× the height of the lowest tenth of the grid above
    its minimum (Rosenbrock, Beale): a linear scale would paint all the interesting valley one
    colour. The log edges are geometric steps of (loss − min), starting near the 2nd percentile.
    """
    v = _np(z).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return False, [0.0]
    lo, span = v.min(), v.max() - v.min()
    if not span > 0:
        return False, [float(lo)]
    above = v - lo
    small = max(float(np.quantile(above, 0.1)), span * 1e-9)
    if span / small <= 100:
        return False, round_edges(lo + span * np.arange(1, bands) / bands)
    start = max(float(np.quantile(above, 0.02)), span * 1e-6)
    return True, round_edges(lo + np.geomspace(start, span, bands)[:-1])


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def band_labels(edges: Sequence[float]) -> list[str]:
    """Plain labels for the len(edges) + 1 colour bands, lowest first."""
    inner = [f"{_num(a)} to {_num(b)}" for a, b in zip(edges, edges[1:])]
    return [f"below {_num(edges[0])}", *inner, f"{_num(edges[-1])} and above"]


def _domain(values: np.ndarray) -> list[float]:
    return [float(values.min()), float(values.max())]


def map_size(x_domain, y_domain, side: int = MAP_SIDE) -> dict[str, int]:
    """Width and height of a map's plot with equal units on both axes, the longer one `side`
    pixels: a square domain gets a square plot, and a ravine's elongation is not squeezed away."""
    dx, dy = float(np.ptp(x_domain)), float(np.ptp(y_domain))
    if not (dx > 0 and dy > 0):
        return {"width": side, "height": side}
    unit = side / max(dx, dy)
    return {"width": round(dx * unit), "height": round(dy * unit)}


def true_to_scale(chart, x_domain, y_domain, side: int = MAP_SIDE):
    """`chart`, a map over x_domain × y_domain, drawn with equal units on both axes (map_size)
    and kept at that size (PAD)."""
    return chart.properties(**map_size(x_domain, y_domain, side), autosize=PAD)


def surface_heatmap(
    xs,
    ys,
    z,
    title: str = "",
    bands: int = 12,
    side: int = MAP_SIDE,
    x_title: str = "x",
    y_title: str = "y",
    edges: Sequence[float] | None = None,
) -> alt.Chart:
    """The surface as filled contours: colour quantised into bands, each run of equal band along
    a row drawn as one rectangle, true to scale (map_size). `edges` fixes the bands (e.g. shared
    by charts side by side); by default banded_scale picks them."""
    xs, ys, z = _np(xs), _np(ys), _finite(_np(z))
    log, edges = banded_scale(z, bands) if edges is None else (False, list(edges))
    labels = band_labels(edges)
    codes = np.where(np.isfinite(z), np.searchsorted(edges, np.nan_to_num(z), side="right"), -1)
    df = kind_frame(xs, ys, np.minimum(codes, len(edges)), labels).rename(columns={"kind": "band"})
    df = df[df["band"] != NO_VALUE]  # undefined cells stay blank
    axis = alt.Axis(tickCount=10)
    chart = (
        alt.Chart(df)
        .mark_rect(clip=True, opacity=1, strokeWidth=0)
        .encode(
            x=alt.X(
                "x:Q",
                title=x_title,
                axis=axis,
                scale=alt.Scale(domain=_domain(xs), nice=False, zero=False),
            ),
            x2="x2:Q",
            y=alt.Y(
                "y:Q",
                title=y_title,
                axis=axis,
                scale=alt.Scale(domain=_domain(ys), nice=False, zero=False),
            ),
            y2="y2:Q",
            # One legend entry per band, equally spaced (a threshold scale's legend would give
            # log-spaced bands very unequal lengths).
            color=alt.Color(
                "band:O",
                sort=labels,
                scale=alt.Scale(domain=labels, scheme="viridis"),
                legend=alt.Legend(
                    title="loss",
                    orient="bottom",
                    columns=2,
                    symbolType="square",
                    symbolSize=140,
                    labelLimit=140,
                ),
            ),
            tooltip=[alt.Tooltip("band:N", title="loss")],
        )
        .properties(
            description=(
                f"Heatmap of the loss over {x_title} and {y_title}, "
                f"in {len(edges) + 1} colour bands"
                f"{' spaced logarithmically' if log else ''}; darker is lower. "
                "Blank cells are undefined."
            ),
        )
    )
    if title:
        chart = chart.properties(title=title)
    return true_to_scale(chart, xs, ys, side)


def minima_layer(minima: Sequence[Sequence[float]]) -> alt.LayerChart:
    """Known minima: white stars (global) and white crosses (local), edged in black.
    Shapes are fixed per mark rather than encoded, so no legend or scale is shared with runs."""
    rows = [tuple(float(v) for v in m[:3]) for m in minima]
    best = min((r[2] for r in rows), default=0.0)
    df = pd.DataFrame(
        [
            {
                "x": x,
                "y": y,
                "loss": v,
                "minimum": "global" if abs(v - best) <= 1e-9 * max(1.0, abs(best)) else "local",
            }
            for x, y, v in rows
        ],
        columns=["x", "y", "loss", "minimum"],
    )
    tips = [
        "minimum:N",
        alt.Tooltip("x:Q", format=".4f"),
        alt.Tooltip("y:Q", format=".4f"),
        alt.Tooltip("loss:Q", format=".4~g"),
    ]
    marks = [
        alt.Chart(df)
        .transform_filter(alt.datum.minimum == kind)
        .mark_point(
            shape=shape,
            size=size,
            filled=True,
            fill="white",
            stroke="black",
            strokeWidth=1,
            opacity=1,
            clip=True,
        )
        .encode(x="x:Q", y="y:Q", tooltip=tips)
        for kind, shape, size in (("local", "cross", 70), ("global", STAR, 280))
    ]
    n_global = int((df["minimum"] == "global").sum())
    return alt.layer(*marks).properties(
        description=f"{len(df)} known minima: {n_global} global (white stars), "
        f"{len(df) - n_global} local (white crosses)."
    )


# -- runs on the surface ----------------------------------------------------------------------


def _runs(df: pd.DataFrame) -> list[str]:
    return [str(r) for r in pd.unique(df["run"])]


def _legend(orient: str = "right") -> alt.Legend:
    """The runs' legend: colour and dash of the lines, merged into one. Above a map it is one
    column (runs' labels are long: two would be wider than the map); below a curve, two."""
    columns = {"top": 1, "bottom": 2}.get(orient, alt.Undefined)
    return alt.Legend(title="run", orient=orient, columns=columns)


def _run_color(df: pd.DataFrame, orient: str = "right") -> alt.Color:
    return alt.Color(
        "run:N", scale=alt.Scale(domain=_runs(df), range=PALETTE), legend=_legend(orient)
    )


def _run_stroke(df: pd.DataFrame, orient: str = "right") -> alt.Stroke:
    """Run colours on the stroke channel: over a heatmap the colour channel belongs to the loss,
    and sharing it would split the runs' colour and dash into two legends."""
    return alt.Stroke(
        "run:N", scale=alt.Scale(domain=_runs(df), range=PALETTE), legend=_legend(orient)
    )


def _marker_color(df: pd.DataFrame) -> tuple[pd.DataFrame, alt.Color]:
    """Markers layered over the lines take the same colours directly (no scale): sharing the
    lines' scale would make Vega-Lite draw one more legend per marker style."""
    colour = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(_runs(df))}
    return df.assign(colour=df["run"].map(colour)), alt.Color("colour:N", scale=None)


def _run_dash(df: pd.DataFrame, orient: str = "right") -> alt.StrokeDash:
    return alt.StrokeDash(
        "run:N", scale=alt.Scale(domain=_runs(df), range=DASHES), legend=_legend(orient)
    )


def _group(df: pd.DataFrame) -> list[str]:
    """Columns that identify one line: the run and, with many restarts per run, the restart."""
    return ["run", "restart"] if "restart" in df.columns else ["run"]


def paths_layer(df: pd.DataFrame) -> alt.Chart:
    """Each run's path (columns run, step, x, y[, restart]) with a dot at its start.

    A white halo under every line keeps it visible on any part of the heatmap. The runs' legend
    goes above the map: the loss bands' legend is below it, and Vega would put two legends below
    side by side, wider than a phone.
    """
    df = df.assign(run=df["run"].astype(str))
    base = alt.Chart(df).encode(
        x="x:Q", y="y:Q", order="step:Q", detail=[f"{c}:N" for c in _group(df)]
    )
    halo = base.mark_line(color="white", strokeWidth=5, opacity=0.8, clip=True)
    line = base.mark_line(strokeWidth=2.5, clip=True).encode(
        stroke=_run_stroke(df, "top"),
        strokeDash=_run_dash(df, "top"),
        tooltip=[
            "run:N",
            "step:Q",
            alt.Tooltip("x:Q", format=".3f"),
            alt.Tooltip("y:Q", format=".3f"),
        ],
    )
    marked, colour = _marker_color(df)
    start = (
        alt.Chart(marked)
        .transform_joinaggregate(first="min(step)", groupby=_group(df))
        .transform_filter("datum.step == datum.first")
        .mark_point(filled=True, size=90, stroke="white", strokeWidth=1.5, opacity=1, clip=True)
        .encode(
            x="x:Q",
            y="y:Q",
            color=colour,
            tooltip=[
                "run:N",
                alt.Tooltip("x:Q", format=".3f", title="start x"),
                alt.Tooltip("y:Q", format=".3f", title="start y"),
            ],
        )
    )
    return alt.layer(halo, line, start).properties(
        description=f"Paths of {len(_runs(df))} runs over the surface; each starts at a dot, "
        "runs differ by colour and by the dash of their lines."
    )


def scrub_marker(
    df: pd.DataFrame, max_step: int, name: str = "step"
) -> tuple[alt.Parameter, alt.Chart]:
    """A slider (no rerun) and a marker at each run's latest recorded step ≤ the slider.

    The param is already added to the returned chart; layer the chart over the surface.
    """
    df = df.assign(run=df["run"].astype(str))
    param = alt.param(
        name=name, value=0, bind=alt.binding_range(min=0, max=int(max_step), step=1, name="step ")
    )
    tips = ["run:N", "step:Q", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")]
    if "loss" in df.columns:
        tips.append(alt.Tooltip("loss:Q", format=".4~g"))
    marked, colour = _marker_color(df)
    chart = (
        alt.Chart(marked)
        .transform_filter(alt.datum.step <= param)
        .transform_joinaggregate(last="max(step)", groupby=_group(df))
        .transform_filter("datum.step == datum.last")
        .mark_point(filled=True, size=160, stroke="black", strokeWidth=1.5, opacity=1, clip=True)
        .encode(x="x:Q", y="y:Q", color=colour, tooltip=tips)
        .add_params(param)
        .properties(description="Where each run is at the step chosen with the step slider.")
    )
    return param, chart


def click_layer(bounds, n: int = 41, frame: pd.DataFrame | None = None) -> alt.Chart:
    """An invisible grid of points carrying the click selection named "start" (fields x, y).

    The nearest grid point to a click is selected, so anywhere on the surface is clickable.
    The layer sits on top of the heatmap and takes its hover, so it carries the tooltip: pass
    `frame` (surface_frame output) to show the loss too; its grid is thinned to about n × n.
    """
    if frame is None:
        (x0, x1), (y0, y1) = bounds
        gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        frame = pd.DataFrame({"x": gx.ravel(), "y": gy.ravel()})
        tips = [alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")]
    else:
        xs, ys = np.unique(frame["x"]), np.unique(frame["y"])
        keep_x = xs[:: max(1, round(len(xs) / n))]
        keep_y = ys[:: max(1, round(len(ys) / n))]
        frame = frame[frame["x"].isin(keep_x) & frame["y"].isin(keep_y)]
        tips = [
            alt.Tooltip("x:Q", format=".3f"),
            alt.Tooltip("y:Q", format=".3f"),
            alt.Tooltip("loss:Q", format=".4~g"),
        ]
    start = alt.selection_point(name="start", on="click", fields=["x", "y"], nearest=True)
    return (
        alt.Chart(frame)
        .mark_point(opacity=0.001, size=30)
        .encode(x="x:Q", y="y:Q", tooltip=tips)
        .add_params(start)
        .properties(description="Click anywhere on the surface to start the runs there.")
    )


# -- curves over steps ------------------------------------------------------------------------


def loss_chart(
    df: pd.DataFrame,
    y: str = "loss",
    log_y: bool = False,
    title: str = "",
    height: int = 260,
    legend_orient: str = "right",
) -> alt.Chart:
    """One line per run (and restart) of `y` against step. A log axis cannot show values ≤ 0
    (a typed formula's loss can go below zero): then the axis is linear and the subtitle says why,
    rather than dropping those steps. legend_orient="bottom" suits narrow columns."""
    df = df.assign(run=df["run"].astype(str))
    values = df[y].to_numpy(dtype=float)
    ok = np.isfinite(values)
    note = ""
    if log_y and (values[ok] <= 0).any():
        log_y = False
        note = f"Linear axis: the lowest value, {values[ok].min():.3g}, is ≤ 0 (no log axis)"
    df = df[ok]
    detail = "restart:N" if "restart" in df.columns else alt.Undefined
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("step:Q", title="step"),
            y=alt.Y(
                f"{y}:Q",
                title=y.replace("_", " "),
                scale=alt.Scale(type="log") if log_y else alt.Undefined,
            ),
            color=_run_color(df, legend_orient),
            strokeDash=_run_dash(df, legend_orient),
            detail=detail,
            order="step:Q",
            tooltip=["run:N", "step:Q", alt.Tooltip(f"{y}:Q", format=".4~g")],
        )
        .properties(
            height=height,
            description=(
                f"{y.replace('_', ' ')} against step for {len(_runs(df))} runs"
                f"{' on a log scale' if log_y else ''}. {note}"
            ).strip(),
        )
    )
    if title or note:
        chart = chart.properties(title=alt.Title(title, subtitle=note) if note else title)
    return chart


def histogram(
    df: pd.DataFrame,
    field: str,
    color: str | None = None,
    bins: int = 40,
    title: str = "",
    rule: float | None = None,
    rule_label: str = "global minimum",
    height: int = 240,
) -> alt.Chart:
    """Counts of `field` in up to `bins` bins (stacked by `color`), with an optional dashed line
    at x = rule (e.g. the global minimum's loss)."""
    enc = {
        "x": alt.X(f"{field}:Q", bin=alt.Bin(maxbins=bins), title=field.replace("_", " ")),
        "y": alt.Y("count():Q", title="count"),
        "tooltip": [alt.Tooltip(f"{field}:Q", bin=alt.Bin(maxbins=bins)), "count():Q"],
    }
    if color is not None:
        groups = [str(g) for g in pd.unique(df[color])]
        df = df.assign(**{color: df[color].astype(str)})
        enc["color"] = alt.Color(
            f"{color}:N",
            scale=alt.Scale(domain=groups, range=PALETTE),
            legend=alt.Legend(title=color.replace("_", " ")),
        )
        enc["tooltip"].insert(0, f"{color}:N")
    bars = alt.Chart(df).mark_bar().encode(**enc)
    desc = f"Histogram of {field.replace('_', ' ')} over {len(df)} values"
    if rule is None:
        chart = bars
    else:
        line = (
            alt.Chart(pd.DataFrame({"at": [float(rule)], "what": [rule_label]}))
            .mark_rule(color="black", strokeDash=[6, 3], strokeWidth=2)
            .encode(
                x="at:Q",
                tooltip=[
                    alt.Tooltip("what:N", title=""),
                    alt.Tooltip("at:Q", format=".4~g", title="at"),
                ],
            )
        )
        chart = alt.layer(bars, line)
        desc += f"; the dashed line marks the {rule_label} at {rule:.4g}"
    chart = chart.properties(height=height, description=desc + ".")
    return chart.properties(title=title) if title else chart


def band_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    title: str = "",
    log_y: bool = False,
    height: int = 260,
) -> alt.Chart:
    """Median line and 10–90% band of `y` over `x` for each `group` (for many restarts)."""
    stats = (
        df.assign(**{group: df[group].astype(str)})
        .groupby([group, x], sort=False)[y]
        .quantile([0.1, 0.5, 0.9])
        .unstack()
        .reset_index()
        .rename(columns={0.1: "p10", 0.5: "median", 0.9: "p90"})
    )
    groups = [str(g) for g in pd.unique(stats[group])]
    # One legend for fill, stroke and dash: a `legend=None` on one of them hides all three.
    legend = alt.Legend(title=group.replace("_", " "), symbolType="stroke")
    scale = alt.Scale(type="log") if log_y else alt.Undefined
    base = alt.Chart(stats).encode(x=alt.X(f"{x}:Q", title=x.replace("_", " ")))
    band = base.mark_area(opacity=0.25).encode(
        y=alt.Y("p10:Q", title=y.replace("_", " "), scale=scale),
        y2="p90:Q",
        fill=alt.Fill(f"{group}:N", scale=alt.Scale(domain=groups, range=PALETTE), legend=legend),
    )
    line = base.mark_line(strokeWidth=2).encode(
        y=alt.Y("median:Q", scale=scale),
        stroke=alt.Stroke(
            f"{group}:N", scale=alt.Scale(domain=groups, range=PALETTE), legend=legend
        ),
        strokeDash=alt.StrokeDash(
            f"{group}:N", scale=alt.Scale(domain=groups, range=DASHES), legend=legend
        ),
        tooltip=[
            f"{group}:N",
            f"{x}:Q",
            alt.Tooltip("median:Q", format=".4~g"),
            alt.Tooltip("p10:Q", format=".4~g"),
            alt.Tooltip("p90:Q", format=".4~g"),
        ],
    )
    chart = alt.layer(band, line).properties(
        height=height,
        description=(
            f"Median of {y.replace('_', ' ')} against {x.replace('_', ' ')} per {group}, with a "
            "shaded band from the 10th to the 90th percentile."
        ),
    )
    return chart.properties(title=title) if title else chart


# -- assembling -------------------------------------------------------------------------------


def layer(*charts, title: str | None = None) -> alt.LayerChart:
    """Layer charts into one view; the first child's title (or `title`) moves to the top and
    the children's descriptions are joined, so a screen reader hears the whole picture.
    Over a map (a first child with a width, as true_to_scale gives) the view keeps the map's
    size (PAD); otherwise the plot keeps its height and fills the width (FIT_X)."""
    kids, titles, descs = [], [], []
    for c in charts:
        c = c.copy(deep=False)
        c.autosize = alt.Undefined
        if c.title is not alt.Undefined:
            titles.append(c.title)
            c.title = alt.Undefined
        if c.description is not alt.Undefined:
            descs.append(c.description)
        kids.append(c)
    size = {"autosize": FIT_X}
    if kids and kids[0].width is not alt.Undefined:
        size = {"width": kids[0].width, "height": kids[0].height, "autosize": PAD}
    out = alt.layer(*kids).properties(description=" ".join(descs) or "Layered chart.", **size)
    top = title if title is not None else (titles[0] if titles else None)
    return out.properties(title=top) if top else out


def walks_on_surface(xs, ys, z, paths: pd.DataFrame, minima) -> alt.LayerChart:
    """A surface with optimiser paths (run_frame) walking on it and its minima starred."""
    return layer(surface_heatmap(xs, ys, z), paths_layer(paths), minima_layer(minima))


def run_frame(run, labels: str | Sequence[str] | None = None) -> pd.DataFrame:
    """A core.descent.Run in long form: run, restart, step, x, y, loss, grad_norm.

    labels: one label for every restart, one per recorded restart, or None ("start 1", …).
    Non-finite values become NaN.
    """
    path, loss, gn = _np(run.path), _finite(_np(run.loss)), _finite(_np(run.grad_norm))
    steps = _np(run.steps).astype(np.int64)
    t, m = loss.shape
    if labels is None:
        names = [f"start {i + 1}" for i in range(m)]
    elif isinstance(labels, str):
        names = [labels] * m
    else:
        names = [str(v) for v in labels]
        if len(names) != m:
            raise ValueError(f"got {len(names)} labels for {m} recorded restarts")
    return pd.DataFrame(
        {
            "run": np.tile(np.array(names, dtype=object), t),
            "restart": np.tile(np.arange(m), t),
            "step": np.repeat(steps, m),
            "x": _finite(path[..., 0]).ravel(),
            "y": _finite(path[..., 1]).ravel(),
            "loss": loss.ravel(),
            "grad_norm": gn.ravel(),
        }
    )

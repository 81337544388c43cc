"""Charts for the dimensions page: data in, Altair chart out (no Streamlit).

Colours come from ui.charts' Okabe–Ito palette and every series also differs by shape or dash,
so nothing is carried by colour alone; each chart has a description for screen readers.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import DASHES, PALETTE, true_to_scale

_LOG = alt.Scale(type="log")


def _series(
    field: str, names: list[str], title: str, dashes: bool = True, columns: int | None = None
) -> dict:
    """Colour, and dash or shape, for a few named series (legend below the plot; `columns=1`
    stacks long labels)."""
    scale = alt.Scale(domain=names, range=PALETTE[: len(names)])
    legend = alt.Legend(
        title=title or None,
        orient="bottom",
        labelLimit=420,
        columns=columns if columns else alt.Undefined,
    )
    out = {"color": alt.Color(f"{field}:N", scale=scale, legend=legend)}
    if dashes:
        out["strokeDash"] = alt.StrokeDash(
            f"{field}:N", legend=legend, scale=alt.Scale(domain=names, range=DASHES[: len(names)])
        )
    return out


# -- distances ------------------------------------------------------------------------------------


def spread_chart(df: pd.DataFrame, height: int = 280) -> alt.LayerChart:
    """df: d, measured, theory → spread of distances against dimension, both axes logarithmic."""
    long = df.melt("d", ["measured", "theory"], var_name="series", value_name="spread")
    long["series"] = long["series"].map(
        {
            "measured": "measured: std / mean of the distances",
            "theory": "theory for large d: √(0.35 / d)",
        }
    )
    names = list(pd.unique(long["series"]))
    base = alt.Chart(long).encode(
        x=alt.X("d:Q", scale=_LOG, title="dimension d"),
        y=alt.Y("spread:Q", scale=_LOG, title="spread (std ÷ mean)"),
        tooltip=["series:N", "d:Q", alt.Tooltip("spread:Q", format=".3~g")],
        **_series("series", names, "", columns=1),
    )
    points = (
        alt.Chart(df)
        .mark_point(filled=True, size=60, color=PALETTE[0])
        .encode(x="d:Q", y="measured:Q", tooltip=["d:Q", alt.Tooltip("measured:Q", format=".3~g")])
    )
    return alt.layer(base.mark_line(strokeWidth=2), points).properties(
        height=height,
        description="Spread of the distances between random points in the unit "
        "cube, relative to their mean, against the dimension on log–log axes, with the dashed "
        "large-d theory line; it falls like one over the square root of d.",
    )


def distance_histograms(df: pd.DataFrame, height: int = 280) -> alt.Chart:
    """df from distance_density → one stepped density line per dimension."""
    names = list(pd.unique(df["dimension"]))
    return (
        alt.Chart(df)
        .mark_line(strokeWidth=2, interpolate="step")
        .encode(
            x=alt.X("ratio:Q", title="distance ÷ mean distance"),
            y=alt.Y("density:Q", title="share of pairs (density)"),
            tooltip=[
                "dimension:N",
                alt.Tooltip("ratio:Q", format=".2f"),
                alt.Tooltip("density:Q", format=".3f"),
            ],
            **_series("dimension", names, ""),
        )
        .properties(
            height=height,
            description="Distribution of pairwise distances divided by their mean, "
            "one line per dimension: wide for small d, a narrow spike at 1 for large d.",
        )
    )


# -- grid search ----------------------------------------------------------------------------------

REFERENCES = {"a minute": 60.0, "a year": 365.25 * 86400, "the age of the universe": 4.35e17}


def grid_chart(df: pd.DataFrame, height: int = 320) -> alt.LayerChart:
    """df: weights, grid (label), log10_seconds → time for a full grid search against the number
    of weights, log₁₀ seconds on the y axis, with reference lines labelled at the right."""
    names = list(pd.unique(df["grid"]))
    x = alt.X("weights:Q", scale=_LOG, title="number of weights (dimension)")
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("log10_seconds:Q", title="time for the full grid (log₁₀ seconds)"),
            tooltip=[
                "grid:N",
                "weights:Q",
                alt.Tooltip("log10_seconds:Q", format=".1f", title="log₁₀ seconds"),
            ],
            **_series("grid", names, "values per weight"),
        )
    )
    ref = pd.DataFrame(
        {
            "what": list(REFERENCES),
            "at": np.log10(list(REFERENCES.values())),
            "weights": float(df["weights"].max()),
        }
    )
    rules = (
        alt.Chart(ref)
        .mark_rule(color="black", strokeDash=[4, 3])
        .encode(y="at:Q", tooltip=[alt.Tooltip("what:N", title="")])
    )
    labels = (
        alt.Chart(ref)
        .mark_text(align="right", dx=-4, dy=-7, fontSize=12)
        .encode(x=x, y="at:Q", text="what:N")
    )
    return alt.layer(lines, rules, labels).properties(
        height=height,
        description="Time a full grid search would take on this machine against "
        "the number of weights, for several numbers of values per weight; dashed lines mark a "
        "minute, a year and the age of the universe.",
    )


# -- random Hessians ------------------------------------------------------------------------------


def goe_chart(
    measured: pd.DataFrame, curves: pd.DataFrame, floor: float, height: int = 400
) -> alt.LayerChart:
    """measured: n, share, hits, samples, label (share 0 where no hit); curves: n, series, share.

    Zero hits cannot sit on a log axis: they are drawn as downward triangles at `floor` (the 95%
    upper bound 3/N), labelled with the count, so that "none found" is visible and honest."""
    lo = floor / 10
    y = alt.Y(
        "share:Q",
        scale=alt.Scale(type="log", domain=[lo, 1.0]),
        axis=alt.Axis(format=".0e"),
        title="share with all eigenvalues > 0",
    )
    x = alt.X("n:Q", title="matrix size n (number of weights)", axis=alt.Axis(tickMinStep=1))
    names = list(pd.unique(curves["series"]))
    theory = (
        alt.Chart(curves[curves["share"] >= lo])
        .mark_line(strokeWidth=2, clip=True)
        .encode(
            x=x,
            y=y,
            tooltip=["series:N", "n:Q", alt.Tooltip("share:Q", format=".3~e")],
            **_series("series", names, "", columns=1),
        )
    )
    hit = measured[measured["hits"] > 0]
    zero = measured[measured["hits"] == 0].assign(share=floor)
    tips = ["n:Q", alt.Tooltip("label:N", title="sampled")]
    found = (
        alt.Chart(hit)
        .mark_point(filled=True, size=90, color="black", shape="circle")
        .encode(x=x, y=y, tooltip=tips)
    )
    none = (
        alt.Chart(zero)
        .mark_point(filled=False, size=120, color="black", shape="triangle-down", strokeWidth=2)
        .encode(x=x, y=y, tooltip=tips)
    )
    text = (
        alt.Chart(zero)
        .mark_text(angle=270, align="left", dx=14, dy=4, fontSize=11)
        .encode(x=x, y=y, text="label:N")
    )
    return alt.layer(theory, found, none, text).properties(
        height=height,
        description="Share of random symmetric matrices with every eigenvalue "
        "positive against their size n, on a log axis: black dots are measured; open downward "
        "triangles at the bottom mark sizes where no sample had all eigenvalues positive; lines "
        "show the naive guess 2^-n, the large-n theory 3^(-n²/4) and the measured share of "
        "matrices shifted up by 2√n.",
    )


# -- Styblinski–Tang ------------------------------------------------------------------------------


def st_chart(df: pd.DataFrame, height: int = 320) -> alt.Chart:
    """df: downhill, index, loss, count, kind → loss of every critical point against its index;
    points sharing a (loss, index) are one mark sized by their count."""
    kinds = [k for k in ("minimum", "saddle", "maximum") if k in set(df["kind"])]
    shapes = {"minimum": "circle", "saddle": "diamond", "maximum": "triangle-up"}
    return (
        alt.Chart(df)
        .mark_point(filled=True, opacity=0.85, stroke="black", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "index:Q",
                title="index (share of downhill directions)",
                scale=alt.Scale(domain=[-0.05, 1.05], nice=False),
            ),
            y=alt.Y("loss:Q", title="loss at the critical point", scale=alt.Scale(zero=False)),
            size=alt.Size("count:Q", scale=alt.Scale(type="log", range=[30, 500]), legend=None),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[shapes[k] for k in kinds]),
                legend=alt.Legend(title="", orient="bottom"),
            ),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=PALETTE[: len(kinds)]),
                legend=alt.Legend(title="", orient="bottom"),
            ),
            tooltip=[
                "kind:N",
                alt.Tooltip("downhill:Q", title="downhill directions"),
                alt.Tooltip("index:Q", format=".3f"),
                alt.Tooltip("loss:Q", format=".2f"),
                alt.Tooltip("count:Q", format=",", title="critical points"),
            ],
        )
        .properties(
            height=height,
            description="Loss of every critical point of Styblinski–Tang "
            "against its index, larger marks standing for more points with the same loss "
            "and index: the more downhill directions, the higher the point sits.",
        )
    )


def count_chart(df: pd.DataFrame, height: int = 320) -> alt.Chart:
    """df: downhill, count, kind → how many critical points have k downhill directions."""
    kinds = [k for k in ("minimum", "saddle", "maximum") if k in set(df["kind"])]
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "downhill:O", title="number of downhill directions", axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("count:Q", title="critical points"),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=PALETTE[: len(kinds)]),
                legend=alt.Legend(title="", orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("downhill:O", title="downhill directions"),
                alt.Tooltip("count:Q", format=","),
                "kind:N",
            ],
        )
        .properties(
            height=height,
            description="Number of critical points with each number of "
            "downhill directions: only those with none are minima.",
        )
    )


# -- a real network's critical points -------------------------------------------------------------


def critical_chart(df: pd.DataFrame, statuses: tuple[str, ...], height: int = 340) -> alt.Chart:
    """df: index, loss, status, grad_norm, downhill → where each search ended, by loss and
    index; statuses: the search's three outcomes (critical point, gradient-flat, not
    converged), then where plain training ended."""
    present = [s for s in statuses if s in set(df["status"])]
    shapes = dict(zip(statuses, ["circle", "square", "cross", "diamond"]))
    return (
        alt.Chart(df)
        .mark_point(size=90, opacity=0.85, strokeWidth=2)
        .encode(
            x=alt.X("index:Q", title="index (share of downhill directions)"),
            y=alt.Y("loss:Q", title="training loss", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(
                    domain=present, range=[PALETTE[statuses.index(s)] for s in present]
                ),
                legend=alt.Legend(title="", orient="bottom", labelLimit=320, columns=1),
            ),
            shape=alt.Shape(
                "status:N",
                scale=alt.Scale(domain=present, range=[shapes[s] for s in present]),
                legend=alt.Legend(title="", orient="bottom", columns=1),
            ),
            fill=alt.condition(
                alt.datum.status == statuses[0], alt.value(PALETTE[0]), alt.value("transparent")
            ),
            tooltip=[
                "status:N",
                alt.Tooltip("loss:Q", format=".4f"),
                alt.Tooltip("downhill:Q", title="downhill directions"),
                alt.Tooltip("index:Q", format=".3f"),
                alt.Tooltip("grad_norm:Q", format=".1e", title="|gradient|"),
            ],
        )
        .properties(
            height=height,
            description="Where each search for a critical point ended: "
            "loss against index. Filled circles reached zero gradient; open squares and "
            "crosses stalled with a gradient that is not zero; open diamonds are where plain "
            "Adam training from the same starts ended.",
        )
    )


# -- widths ---------------------------------------------------------------------------------------


def width_chart(df: pd.DataFrame, height: int = 340) -> alt.LayerChart:
    """df: width, restart, loss → a box per width with every restart as a dot."""
    order = [str(w) for w in sorted(df["width"].unique())]
    df = df.assign(width=df["width"].astype(str))
    x = alt.X("width:N", sort=order, title="hidden units (width)", axis=alt.Axis(labelAngle=0))
    y = alt.Y("loss:Q", title="final training loss", scale=alt.Scale(zero=False))
    box = (
        alt.Chart(df)
        .mark_boxplot(extent="min-max", size=40, color=PALETTE[1], median={"color": "black"})
        .encode(x=x, y=y)
    )
    dots = (
        alt.Chart(df)
        .mark_circle(size=28, color="black", opacity=0.6)
        .encode(
            x=x,
            y=y,
            xOffset=alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-1, 1])),
            tooltip=["width:N", "restart:Q", alt.Tooltip("loss:Q", format=".4f")],
        )
        .transform_calculate(jitter="(datum.restart % 7 - 3) / 4")
    )
    return alt.layer(box, dots).properties(
        height=height,
        description="Final training loss of every restart for each width: a box "
        "from the 25th to the 75th percentile, whiskers to the extremes, dots for restarts.",
    )


# -- slices ---------------------------------------------------------------------------------------


def slice_chart(df: pd.DataFrame, height: int = 260) -> alt.LayerChart:
    """df: what, share, source → grouped bars with their values written next to them, so a
    share of 0% is visible too."""
    names = list(pd.unique(df["source"]))
    enc = {
        "y": alt.Y(
            "what:N", title=None, sort=list(pd.unique(df["what"])), axis=alt.Axis(labelLimit=360)
        ),
        "x": alt.X(
            "share:Q",
            title="share",
            scale=alt.Scale(domain=[0, 1.15]),
            axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1]),
        ),
        "yOffset": alt.YOffset("source:N", sort=names),
    }
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            color=alt.Color(
                "source:N",
                scale=alt.Scale(domain=names, range=PALETTE[: len(names)]),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=420, columns=1),
            ),
            tooltip=["source:N", "what:N", alt.Tooltip("share:Q", format=".1%")],
            **enc,
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4, fontSize=12)
        .encode(text=alt.Text("share:Q", format=".1%"), **enc)
    )
    return alt.layer(bars, text).properties(
        height=height,
        description="What random directions and random 2-D slices through the "
        "saddle show, next to the truth from all of the Hessian's eigenvalues.",
    )


def delta_heatmap(xs, ys, z, title: str, x_title: str, y_title: str) -> alt.LayerChart:
    """Loss minus the saddle's loss on a plane, z[len(ys), len(xs)]: blue where lower than the
    saddle, orange where higher, white at equal height (a diverging, symmetric-log colour scale,
    so that a faint way down still shows); a cross marks the saddle. True to scale."""
    xs, ys, z = (np.asarray(v, dtype=np.float64) for v in (xs, ys, z))
    gx, gy = np.meshgrid(xs, ys)
    dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1), (ys[-1] - ys[0]) / (len(ys) - 1)
    df = pd.DataFrame({"x": gx.ravel(), "y": gy.ravel(), "change": z.ravel()})
    df = df[np.isfinite(df["change"])]
    m = float(np.abs(df["change"]).max()) or 1.0
    below = float((df["change"] < 0).mean())
    axis = alt.Axis(tickCount=5)
    rect = (
        alt.Chart(df)
        .transform_calculate(
            x_lo=f"datum.x - {dx / 2}",
            x_hi=f"datum.x + {dx}",
            y_lo=f"datum.y - {dy / 2}",
            y_hi=f"datum.y + {dy}",
        )
        .mark_rect(strokeWidth=0)
        .encode(
            x=alt.X(
                "x_lo:Q",
                title=x_title,
                axis=axis,
                scale=alt.Scale(domain=[xs[0], xs[-1]], nice=False, zero=False),
            ),
            x2="x_hi:Q",
            y=alt.Y(
                "y_lo:Q",
                title=y_title,
                axis=axis,
                scale=alt.Scale(domain=[ys[0], ys[-1]], nice=False, zero=False),
            ),
            y2="y_hi:Q",
            color=alt.Color(
                "change:Q",
                scale=alt.Scale(
                    type="symlog",
                    constant=m * 1e-3,
                    domain=[-m, m],
                    domainMid=0,
                    scheme="blueorange",
                ),
                legend=alt.Legend(title="loss − saddle", format=".1e", orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("x:Q", format=".2f"),
                alt.Tooltip("y:Q", format=".2f"),
                alt.Tooltip("change:Q", format=".2e", title="loss − saddle"),
            ],
        )
    )
    centre = (
        alt.Chart(pd.DataFrame({"x": [0.0], "y": [0.0]}))
        .mark_point(shape="cross", size=120, filled=True, color="black")
        .encode(x="x:Q", y="y:Q")
    )
    chart = alt.layer(rect, centre).properties(
        title=title,
        description=(
            f"{title}: loss minus the saddle's loss over a plane through it, blue where lower, "
            f"orange where higher; {below:.0%} of the plane is lower than the saddle."
        ),
    )
    return true_to_scale(chart, xs, ys)

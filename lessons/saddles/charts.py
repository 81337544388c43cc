"""Charts of the saddles lesson: escape steps against ε with the theory line, curves over steps
with the escape threshold marked, and Hessian spectra. Data in, Altair out; no Streamlit.

Same conventions as ui.charts: Okabe–Ito colours plus a second cue (marker shape or dash) per
run, and a description on every chart.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import (
    DASHES,
    FIT_X,
    PALETTE,
    click_layer,
    layer,
    minima_layer,
    paths_layer,
    scrub_marker,
    surface_frame,
    surface_heatmap,
)

#: Marker shapes, one per run, so that markers differ by more than colour.
SHAPES = [
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "triangle-down",
    "cross",
    "triangle-left",
    "triangle-right",
]


def _legend(title: str, columns: int = 2, orient: str = "bottom") -> alt.Legend:
    """Legends go under (or over) the plot, so that charts side by side keep their width; a
    second legend goes over it, as two below would sit side by side, wider than a phone."""
    return alt.Legend(title=title, orient=orient, columns=columns, labelLimit=360)


def _scale(runs: list[str], values: list) -> alt.Scale:
    return alt.Scale(domain=runs, range=values[: len(runs)] or values)


def _runs(df: pd.DataFrame, col: str = "run") -> list[str]:
    return [str(r) for r in pd.unique(df[col])]


def saddle_marker(x: float, y: float, label: str = "saddle") -> alt.Chart:
    """A white-edged black diamond where the saddle is."""
    df = pd.DataFrame({"x": [x], "y": [y], "what": [label]})
    return (
        alt.Chart(df)
        .mark_point(
            shape="diamond",
            size=220,
            filled=True,
            fill="black",
            stroke="white",
            strokeWidth=2,
            opacity=1,
            clip=True,
        )
        .encode(
            x="x:Q",
            y="y:Q",
            tooltip=["what:N", alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("y:Q", format=".4f")],
        )
        .properties(description=f"A black diamond marks the {label} at ({x:.3g}, {y:.3g}).")
    )


def path_map(
    xs, ys, z, minima, paths: pd.DataFrame, saddle: tuple[float, float] | None = None, bounds=None
) -> alt.LayerChart:
    """The surface with its minima, the paths (run, restart, step, x, y, loss) and a step
    slider's markers; the saddle (x, y) as a black diamond if given, and with `bounds` the click
    selection "start" (charts.click_layer) that sets the runs' start point."""
    _, marker = scrub_marker(paths, int(paths["step"].max()))
    layers = [surface_heatmap(xs, ys, z), minima_layer(minima), paths_layer(paths)]
    if saddle is not None:
        layers.append(saddle_marker(*saddle))
    layers.append(marker)
    if bounds is not None:
        layers.append(click_layer(bounds, frame=surface_frame(xs, ys, z)))
    return layer(*layers)


def escape_chart(
    measured: pd.DataFrame,
    theory: pd.DataFrame | None,
    log_y: bool = False,
    title: str = "",
    height: int = 320,
) -> alt.Chart:
    """Steps to escape against ε (log axis, smaller ε to the right), one marker per run and ε.
    A run that stopped before escaping (Newton's runs are capped) is no escape time: it is drawn
    as a hollow upward triangle at its cap, labelled "did not escape within N steps".

    measured: run, eps, steps (escape step, or the run's length), escaped (bool).
    theory: line, eps, steps — drawn as dashed black lines.
    """
    capped = "did not escape within " + measured["steps"].astype(int).astype(str) + " steps"
    df = measured.assign(
        run=measured["run"].astype(str),
        status=np.where(measured["escaped"], "escaped", capped),
    )
    runs = _runs(df)
    x = alt.X(
        "eps:Q",
        title="push ε off the stable direction (log scale)",
        scale=alt.Scale(type="log", reverse=True),
        axis=alt.Axis(format=".0e"),
    )
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=True)
    y = alt.Y("steps:Q", title="steps to escape" + (" (log scale)" if log_y else ""), scale=y_scale)
    color = alt.Color("run:N", scale=_scale(runs, PALETTE), legend=_legend("run"))
    shape = alt.Shape("run:N", scale=_scale(runs, SHAPES), legend=_legend("run"))
    base = alt.Chart(df).encode(
        x=x,
        y=y,
        color=color,
        shape=shape,
        tooltip=["run:N", alt.Tooltip("eps:Q", format=".1e", title="ε"), "steps:Q", "status:N"],
    )
    lines = base.mark_line(strokeWidth=1.5, opacity=0.6).transform_filter("datum.escaped")
    hit = base.mark_point(filled=True, size=70, opacity=1).transform_filter("datum.escaped")
    miss = (
        base.mark_point(filled=False, size=90, strokeWidth=2, opacity=1)
        .encode(shape=alt.value("triangle-up"))
        .transform_filter("!datum.escaped")
    )
    layers = [lines, hit, miss]
    desc = f"Steps each run needed to escape against ε on a log axis, for {len(runs)} runs."
    misses = df[~df["escaped"]]
    if len(misses):
        # One label per cap, at the plot's left edge just above the cap's row of triangles.
        caps = misses.drop_duplicates("status")[["steps", "status"]]
        layers.append(
            alt.Chart(caps)
            .mark_text(align="left", baseline="bottom", dy=-8, fontSize=12, fontWeight="bold")
            .encode(x=alt.value(4), y=y, text="status:N")
        )
        desc += " Hollow triangles: " + "; ".join(caps["status"]) + "."
    if theory is not None and len(theory):
        names = _runs(theory, "line")
        layers.insert(
            0,
            alt.Chart(theory.assign(line=theory["line"].astype(str)))
            .mark_line(color="black", strokeWidth=2)
            .encode(
                x=x,
                y=y,
                strokeDash=alt.StrokeDash(
                    "line:N", scale=_scale(names, DASHES[1:]), legend=_legend("theory", 1, "top")
                ),
                tooltip=[
                    "line:N",
                    alt.Tooltip("eps:Q", format=".1e", title="ε"),
                    alt.Tooltip("steps:Q", format=".1f"),
                ],
            ),
        )
        desc += " Black dashed lines: " + ", ".join(names) + "."
    chart = alt.layer(*layers).properties(height=height, description=desc, autosize=FIT_X)
    return chart.properties(title=title) if title else chart


def curve_chart(
    df: pd.DataFrame,
    y: str,
    title: str,
    log_y: bool = False,
    domain: tuple[float, float] | None = None,
    rule: float | None = None,
    rule_label: str = "",
    marks: pd.DataFrame | None = None,
    height: int = 240,
) -> alt.Chart:
    """`y` against step, one line per run (and restart); `domain` clamps the axis so one huge
    value cannot flatten the rest; `rule` draws a dashed horizontal line (e.g. the escape
    threshold); `marks` (run, step, y value) puts a marker where each run escaped."""
    df = df.assign(run=df["run"].astype(str))
    vals = df[y].to_numpy(dtype=float)
    ok = np.isfinite(vals) & ((vals > 0) if log_y else True)
    dropped = int((np.isfinite(vals) & ~ok).sum())
    df = df[ok]
    runs = _runs(df) if len(df) else ["—"]
    if log_y:
        scale = alt.Scale(
            type="log", domain=list(domain) if domain else alt.Undefined, clamp=domain is not None
        )
    else:
        scale = (
            alt.Scale(domain=list(domain), clamp=True, zero=False)
            if domain
            else alt.Scale(zero=False)
        )
    color = alt.Color("run:N", scale=_scale(runs, PALETTE), legend=_legend("run"))
    detail = "restart:N" if "restart" in df.columns else alt.Undefined
    line = (
        alt.Chart(df)
        .mark_line(strokeWidth=2, clip=True)
        .encode(
            x=alt.X("step:Q", title="step"),
            y=alt.Y(f"{y}:Q", title=title + (" (log scale)" if log_y else ""), scale=scale),
            color=color,
            detail=detail,
            order="step:Q",
            strokeDash=alt.StrokeDash("run:N", scale=_scale(runs, DASHES), legend=_legend("run")),
            tooltip=["run:N", "step:Q", alt.Tooltip(f"{y}:Q", format=".4~g")],
        )
    )
    layers = [line]
    desc = f"{title} against step for {len(runs)} runs{' on a log scale' if log_y else ''}."
    if dropped:
        desc += f" {dropped} values of zero or below are not shown on the log scale."
    if rule is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"at": [rule], "what": [rule_label]}))
            .mark_rule(color="black", strokeDash=[6, 3], strokeWidth=1.5)
            .encode(
                y=alt.Y("at:Q", scale=scale), tooltip=["what:N", alt.Tooltip("at:Q", format=".4~g")]
            )
        )
        desc += f" A dashed line marks {rule_label} at {rule:.4g}."
    if marks is not None and len(marks):
        m = marks.assign(run=marks["run"].astype(str))
        layers.append(
            alt.Chart(m)
            .mark_point(
                shape="diamond",
                filled=True,
                size=120,
                stroke="black",
                strokeWidth=1,
                opacity=1,
                clip=True,
            )
            .encode(
                x="step:Q",
                y=alt.Y(f"{y}:Q", scale=scale),
                color=alt.Color("run:N", scale=_scale(runs, PALETTE), legend=None),
                tooltip=["run:N", alt.Tooltip("step:Q", title="escaped at step")],
            )
        )
        desc += " Black-edged diamonds mark the step at which each run escaped."
    return alt.layer(*layers).properties(height=height, description=desc, autosize=FIT_X)


#: Axis ticks of the spectrum: powers of ten of both signs, and zero.
TICKS = [-10.0, -1.0, -0.1, -0.01, -0.001, 0.0, 0.001, 0.01, 0.1, 1.0, 10.0]


def spectrum_chart(df: pd.DataFrame, title: str = "", height: int = 240) -> alt.Chart:
    """Hessian eigenvalues, sorted, one row of markers per group (column `where`), on a
    symmetric-log axis so that tiny eigenvalues of both signs stay visible next to large ones."""
    groups = _runs(df, "where")
    df = df.assign(sign=np.where(df["eigenvalue"] < 0, "negative (downhill)", "zero or positive"))
    chart = (
        alt.Chart(df)
        .mark_point(filled=True, size=45, opacity=0.9)
        .encode(
            x=alt.X("rank:Q", title="eigenvalue number (smallest first)"),
            y=alt.Y(
                "eigenvalue:Q",
                title="Hessian eigenvalue (symmetric log scale)",
                scale=alt.Scale(type="symlog", constant=1e-4),
                axis=alt.Axis(values=TICKS, format="~g"),
            ),
            color=alt.Color("where:N", scale=_scale(groups, PALETTE), legend=_legend("where", 1)),
            shape=alt.Shape(
                "sign:N",
                scale=alt.Scale(
                    domain=["negative (downhill)", "zero or positive"],
                    range=["triangle-down", "circle"],
                ),
                legend=_legend("sign", 1),
            ),
            tooltip=["where:N", "rank:Q", alt.Tooltip("eigenvalue:Q", format=".3~e")],
        )
        .properties(
            height=height,
            autosize=FIT_X,
            description=(
                f"Sorted Hessian eigenvalues at {len(groups)} points ({', '.join(groups)}), on a "
                "symmetric log scale; downward triangles are negative eigenvalues."
            ),
        )
    )
    return chart.properties(title=title) if title else chart


def sweep_chart(frame: pd.DataFrame, medians: pd.DataFrame, height: int = 260) -> alt.Chart:
    """Steps on the plateau against the initial scale s, both axes log: every restart as a point
    (hollow: still on the plateau when training stopped) and the medians joined by a line.

    frame: scale, restart, steps, left (bool); medians: scale, steps."""
    df = frame.assign(
        status=np.where(frame["left"], "left the plateau", "still on it when training stopped")
    )
    x = alt.X(
        "scale:Q",
        title="initial scale s (log scale)",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(format="~g"),
    )
    y = alt.Y("steps:Q", title="steps on the plateau (log scale)", scale=alt.Scale(type="log"))
    points = (
        alt.Chart(df)
        .mark_point(size=60, strokeWidth=2, color=PALETTE[0])
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "status:N",
                scale=alt.Scale(
                    domain=["left the plateau", "still on it when training stopped"],
                    range=["circle", "triangle-up"],
                ),
                legend=_legend("restart", 1),
            ),
            fill=alt.condition("datum.left", alt.value(PALETTE[0]), alt.value("transparent")),
            tooltip=["scale:Q", "restart:Q", "steps:Q", "status:N"],
        )
    )
    line = (
        alt.Chart(medians.assign(what="median"))
        .mark_line(color="black", strokeWidth=2, point=alt.OverlayMarkDef(color="black", size=40))
        .encode(x=x, y=y, tooltip=["what:N", "scale:Q", alt.Tooltip("steps:Q", format=".0f")])
    )
    return alt.layer(points, line).properties(
        height=height,
        autosize=FIT_X,
        description=(
            f"Steps each of {len(df)} restarts spent on the plateau against its initial scale, "
            f"log–log; the black line joins the medians of {len(medians)} scales."
        ),
    )

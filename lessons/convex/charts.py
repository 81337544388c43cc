"""Charts for the convex lesson that the shared ui.charts does not draw: the curvature map, the
chord counterexample, the 3-D surface and the Play animation of the descent paths; and the page's
compositions of shared charts, as builders of plain data for ui.cached_charts.draw.

Data in → chart out; no Streamlit here, so every builder can be tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui import charts
from ui.charts import MAP_SIDE, NO_VALUE, PALETTE  # the same colours as the Altair charts

#: Runs also differ by line dash and marker shape, so that no information rests on colour alone.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "x", "star")

KIND_COLOURS = {
    "bowl-shaped": "#0072B2",
    "saddle-shaped": "#E69F00",
    "dome-shaped": "#D55E00",
    "flat in some direction": "#BBBBBB",
    NO_VALUE: "#FFFFFF",
}


def curvature_map(frame: pd.DataFrame, bounds, side: int = MAP_SIDE) -> alt.Chart:
    """The map of curvature kinds, true to scale: a fixed colour per kind; the legend lists the
    kinds present."""
    (x0, x1), (y0, y1) = bounds
    domain = list(KIND_COLOURS)
    present = [d for d in domain if d in set(frame["kind"])]
    chart = (
        alt.Chart(frame)
        .mark_rect(stroke=None, opacity=1)
        .encode(
            x=alt.X("x:Q", title="x", scale=alt.Scale(domain=[x0, x1], nice=False, zero=False)),
            x2="x2:Q",
            y=alt.Y("y:Q", title="y", scale=alt.Scale(domain=[y0, y1], nice=False, zero=False)),
            y2="y2:Q",
            color=alt.Color(
                "kind:N",
                title="curvature",
                scale=alt.Scale(domain=domain, range=[KIND_COLOURS[d] for d in domain]),
                legend=alt.Legend(orient="bottom", columns=2, values=present),
            ),
            tooltip=[alt.Tooltip("kind:N", title="curvature")],
        )
        .properties(
            description="Curvature map: each region coloured by the signs "
            "of the surface's two curvatures there (bowl-, saddle- or dome-shaped).",
        )
    )
    return charts.true_to_scale(chart, (x0, x1), (y0, y1), side)


def chord_layer(a, b, t: float) -> alt.Chart:
    """The worst violating chord on the map: the segment a–b and the point where it fails."""
    (ax, ay), (bx, by) = a, b
    seg = pd.DataFrame({"x": [ax, bx], "y": [ay, by], "where": ["a", "b"]})
    mid = pd.DataFrame(
        {
            "x": [t * ax + (1 - t) * bx],
            "y": [t * ay + (1 - t) * by],
            "where": ["surface above the chord here"],
        }
    )
    line = (
        alt.Chart(seg)
        .mark_line(color="black", strokeWidth=2.5, strokeDash=[6, 3])
        .encode(x="x:Q", y="y:Q")
    )
    ends = (
        alt.Chart(seg)
        .mark_point(color="black", filled=True, size=70)
        .encode(
            x="x:Q",
            y="y:Q",
            tooltip=["where:N", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")],
        )
    )
    worst = (
        alt.Chart(mid)
        .mark_point(
            shape="cross", color="black", filled=True, size=220, stroke="white", strokeWidth=1
        )
        .encode(x="x:Q", y="y:Q", tooltip=["where:N"])
    )
    return alt.layer(line, ends, worst)


def surface_map(
    xs, ys, z, minima, side: int = MAP_SIDE, chord=None, x_title: str = "x", y_title: str = "y"
) -> alt.LayerChart:
    """Banded heatmap with the known minima and, if given (a, b, t), the worst failing chord."""
    layers = [
        charts.surface_heatmap(xs, ys, z, side=side, x_title=x_title, y_title=y_title),
        charts.minima_layer(minima),
    ]
    if chord is not None:
        layers.append(chord_layer(*chord))
    return charts.layer(*layers)


def descent_map(xs, ys, z, minima, bounds, paths: pd.DataFrame, steps: int) -> alt.LayerChart:
    """The map to click and scrub: surface, minima, paths (run, step, x, y, loss), the step
    marker and the click layer (selection "start")."""
    _, marker = charts.scrub_marker(paths, steps)
    click = charts.click_layer(bounds, frame=charts.surface_frame(xs, ys, z))
    return charts.layer(surface_map(xs, ys, z, minima), charts.paths_layer(paths), marker, click)


def curvature_board(xs, ys, kinds, kind_names: Sequence[str], bounds, chord=None) -> alt.LayerChart:
    """The curvature map (kinds: index into kind_names per grid point, −1 where undefined) with
    the worst failing chord (a, b, t), if any, drawn on it."""
    layers = [curvature_map(charts.kind_frame(xs, ys, kinds, kind_names), bounds)]
    if chord is not None:
        layers.append(chord_layer(*chord))
    return charts.layer(*layers, title="Curvature map")


def chord_profile(frame: pd.DataFrame) -> alt.Chart:
    """The surface along the chord next to the straight chord itself: convex ⇔ never above.

    frame: s (0 at a, 1 at b), surface, chord.
    """
    long = frame.melt("s", ["surface", "chord"], var_name="curve", value_name="loss")
    return (
        alt.Chart(long)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("s:Q", title="position along the chord (0 = a, 1 = b)"),
            y=alt.Y("loss:Q", title="loss", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "curve:N",
                title=None,
                scale=alt.Scale(domain=["surface", "chord"], range=["#0072B2", "black"]),
            ),
            strokeDash=alt.StrokeDash(
                "curve:N",
                title=None,
                scale=alt.Scale(domain=["surface", "chord"], range=[[1, 0], [6, 3]]),
            ),
            tooltip=[
                alt.Tooltip("s:Q", format=".2f"),
                "curve:N",
                alt.Tooltip("loss:Q", format=".4g"),
            ],
        )
        .properties(
            height=220,
            description="Loss along the worst chord compared with the straight "
            "line between its ends; where the loss rises above the line, convexity fails.",
        )
    )


def display_height(z: np.ndarray, log: bool) -> tuple[np.ndarray, str]:
    """What the 3-D view and the animation plot as height: the loss, or log₁₀ of its rise above
    the lowest value when its range is too wide to see on a straight scale."""
    z = np.where(np.isfinite(z), z, np.nan)
    if not log or np.isnan(z).all():
        return z, "loss"
    low = np.nanmin(z)
    offset = max(1e-3 * (np.nanmax(z) - low), 1e-12)
    return np.log10(z - low + offset), f"log₁₀(loss − {low:.3g} + {offset:.2g})"


def surface_3d(xs, ys, z, minima, log: bool) -> go.Figure:
    """The surface as a 3-D plot (drag to turn it), with the known minima as red diamonds."""
    z, m = np.asarray(z, float), np.asarray(minima, float).reshape(-1, 3)
    h, label = display_height(np.concatenate([z.ravel(), m[:, 2]]), log)  # one scale for both
    fig = go.Figure(
        go.Surface(
            x=np.asarray(xs),
            y=np.asarray(ys),
            z=h[: z.size].reshape(z.shape),
            colorscale="Viridis",
            colorbar={"title": {"text": label, "side": "right"}, "len": 0.8},
            hovertemplate="x %{x:.3f}<br>y %{y:.3f}<br>height %{z:.4g}<extra></extra>",
        )
    )
    if len(m):
        fig.add_trace(
            go.Scatter3d(
                x=m[:, 0],
                y=m[:, 1],
                z=h[z.size :],
                mode="markers",
                name="known minima",
                marker={"size": 5, "color": "#D55E00", "symbol": "diamond"},
            )
        )
    fig.update_layout(
        height=420,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        scene={"xaxis_title": "x", "yaxis_title": "y", "zaxis_title": label},
    )
    return fig


def frame_steps(steps: Sequence[int], n: int = 60) -> list[int]:
    """At most n recorded steps, evenly spread, always the first and the last."""
    steps = sorted({int(s) for s in steps})
    if len(steps) <= n:
        return steps
    idx = np.unique(np.round(np.linspace(0, len(steps) - 1, n)).astype(int))
    return [steps[i] for i in idx]


def positions(run: pd.DataFrame, steps: Sequence[int]) -> np.ndarray:
    """Where a run is at each of `steps` [k, 2]: its last recorded point at or before the step
    (a run that stopped stays where it stopped)."""
    run = run.sort_values("step")
    i = np.searchsorted(run["step"].to_numpy(), np.asarray(steps), side="right") - 1
    return run[["x", "y"]].to_numpy()[np.clip(i, 0, len(run) - 1)]


def play_figure(
    xs, ys, z, paths: pd.DataFrame, minima, log: bool, n_frames: int = 60, frame_ms: int = 80
) -> go.Figure:
    """A map with every path and a marker per run that the Play button moves along its path.

    paths: run, step, x, y (a stopped run simply ends). The animation runs in the browser as
    Plotly frames; only the markers change from frame to frame.
    """
    h, label = display_height(np.asarray(z, float), log)
    fig = go.Figure(
        go.Contour(
            x=np.asarray(xs),
            y=np.asarray(ys),
            z=h,
            colorscale="Viridis",
            ncontours=14,
            line={"width": 0.3, "color": "rgba(255,255,255,0.4)"},
            # Above the plot, so that the plot is as wide as the map beside it.
            colorbar={
                "title": {"text": label, "side": "top"},
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
                "thickness": 10,
                "len": 1,
            },
            hovertemplate="x %{x:.3f}<br>y %{y:.3f}<extra></extra>",
        )
    )
    if len(minima):
        m = np.asarray(minima, float)
        fig.add_trace(
            go.Scatter(
                x=m[:, 0],
                y=m[:, 1],
                mode="markers",
                name="known minima",
                marker={
                    "symbol": "star",
                    "size": 13,
                    "color": "white",
                    "line": {"color": "black", "width": 1},
                },
            )
        )
    runs = list(dict.fromkeys(paths["run"]))
    groups = {r: paths[paths["run"] == r].sort_values("step") for r in runs}
    for i, r in enumerate(runs):
        g = groups[r]
        fig.add_trace(
            go.Scatter(
                x=g["x"],
                y=g["y"],
                mode="lines",
                name=r,
                showlegend=False,
                line={
                    "color": PALETTE[i % len(PALETTE)],
                    "width": 2,
                    "dash": DASHES[i % len(DASHES)],
                },
            )
        )
    first = len(fig.data)
    steps = frame_steps(paths["step"], n_frames) if len(paths) else [0]
    at = [positions(groups[r], steps) for r in runs]
    for i, r in enumerate(runs):
        fig.add_trace(
            go.Scatter(
                x=at[i][:1, 0],
                y=at[i][:1, 1],
                mode="markers",
                name=r,
                marker={
                    "size": 13,
                    "color": PALETTE[i % len(PALETTE)],
                    "symbol": SYMBOLS[i % len(SYMBOLS)],
                    "line": {"color": "white", "width": 1.5},
                },
            )
        )
    markers = list(range(first, first + len(runs)))
    fig.frames = [
        go.Frame(
            name=str(s),
            traces=markers,
            data=[{"type": "scatter", "x": [float(p[k, 0])], "y": [float(p[k, 1])]} for p in at],
        )
        for k, s in enumerate(steps)
    ]
    still = {"duration": 0}
    # Frames redraw the whole plot: without it Plotly's animation wipes the contour trace, which
    # the frames do not even touch, and the map stays blank after the last frame.
    play = {
        "frame": {"duration": frame_ms, "redraw": True},
        "transition": still,
        "fromcurrent": True,
        "mode": "immediate",
    }
    jump = {"frame": {"duration": 0, "redraw": True}, "transition": still, "mode": "immediate"}
    buttons = [
        {"label": "▶ Play", "method": "animate", "args": [None, play]},
        {"label": "❚❚ Pause", "method": "animate", "args": [[None], jump]},
    ]
    slider = {
        "active": 0,
        "x": 0,
        "y": -0.34,
        "len": 1,
        "yanchor": "top",
        "pad": {"t": 0, "b": 0},
        "ticklen": 0,
        "tickcolor": "rgba(0,0,0,0)",
        "font": {"color": "rgba(0,0,0,0)"},  # 60 tick labels would overlap: show the value
        "currentvalue": {
            "prefix": "step ",
            "xanchor": "right",
            "offset": 4,
            "font": {"size": 13, "color": "#31333F"},
        },
        "steps": [{"label": str(s), "method": "animate", "args": [[str(s)], jump]} for s in steps],
    }
    (x0, x1), (y0, y1) = (float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1]))
    fig.update_layout(
        # A plot MAP_SIDE pixels square, as the Altair map beside it (draw it with its own
        # width); equal units on both axes (scaleanchor) keep it square if it is ever resized.
        width=MAP_SIDE + 60,
        height=MAP_SIDE + 70 + 190,
        margin={"l": 45, "r": 15, "t": 70, "b": 190, "autoexpand": False},
        xaxis={"title": {"text": "x", "standoff": 22}, "range": [x0, x1], "constrain": "domain"},
        yaxis={
            "title": "y",
            "range": [y0, y1],
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
        },
        legend={"orientation": "h", "x": 0, "y": -0.58, "yanchor": "top"},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": -0.2,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "pad": {"t": 0, "r": 10},
                "buttons": buttons,
            }
        ],
        sliders=[slider],
    )
    return fig

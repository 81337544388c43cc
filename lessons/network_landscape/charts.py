"""Charts of the real-network lesson, and the small summaries they show: the data with a trained
net's decision boundary, loss along straight lines (with the barrier height), slices on a
logarithmic banded scale (shared when side by side), and the Hessian spectrum. Data in, Altair
out; no Streamlit here. The page's cached results (Trained, Slice) are defined here too, because
Streamlit pickles them and a class defined in a page script cannot be pickled.

Same conventions as ui.charts: Okabe–Ito colours plus a second cue (shape or dash), viridis for
loss, a description on every chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import (
    DASHES,
    FIT_X,
    MAP_SIDE,
    PALETTE,
    STAR,
    band_labels,
    layer,
    paths_layer,
    round_edges,
    surface_frame,
    surface_heatmap,
    true_to_scale,
)

# -- what the page's cached computations return (importable, so that they can be pickled) -----


@dataclass(frozen=True)
class Trained:
    """Two restarts of a network after training (row 0 = run A, row 1 = run B), as numpy."""

    size: int
    start: np.ndarray  # [2, P] initial weights
    final: np.ndarray  # [2, P] trained weights
    loss: np.ndarray  # [steps + 1, 2]
    accuracy: np.ndarray  # [2]
    diverged: np.ndarray  # [2] bool
    stopped_at: np.ndarray  # [2] step at which a run was frozen (−1: never)
    path: np.ndarray  # [T, P] run A's recorded weights
    path_steps: np.ndarray  # [T]


@dataclass(frozen=True)
class Slice:
    """A random filter-normalised slice and the PCA plane of run A's path, with the path drawn
    on both (coordinates by least squares)."""

    alphas: np.ndarray
    z_random: np.ndarray  # [len(alphas), len(alphas)], indexed [α, β]
    path_random: np.ndarray  # [T, 2]
    kept_random: float  # share of the path's spread that the random plane shows
    cosine: float  # between the two random directions
    pca_x: np.ndarray
    pca_y: np.ndarray
    z_pca: np.ndarray  # [len(pca_x), len(pca_y)]
    path_pca: np.ndarray  # [T, 2]
    kept_pca: float


def contour_segments(xs, ys, z, level: float) -> pd.DataFrame:
    """Marching squares: the line segments (x, y, x2, y2) where z[len(ys), len(xs)] crosses
    `level`, linearly interpolated along cell edges. A cell crossed on all four edges (a
    saddle) is split by its centre value."""
    xs, ys, z = (np.asarray(a, dtype=float) for a in (xs, ys, z))
    s = z - level
    gx, gy = np.meshgrid(xs, ys)

    def cross(a, b, pa, pb):
        """Crossing points on the edges from corners a to b (NaN where no crossing)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            t = a / (a - b)
            hit = ((a >= 0) != (b >= 0)) & np.isfinite(t)  # a corner on the level is above
            return [np.where(hit, p + t * (q - p), np.nan) for p, q in zip(pa, pb)]

    c00, c01, c10, c11 = s[:-1, :-1], s[:-1, 1:], s[1:, :-1], s[1:, 1:]
    p00 = (gx[:-1, :-1], gy[:-1, :-1])
    p01 = (gx[:-1, 1:], gy[:-1, 1:])
    p10 = (gx[1:, :-1], gy[1:, :-1])
    p11 = (gx[1:, 1:], gy[1:, 1:])
    edges = [
        cross(c00, c01, p00, p01),
        cross(c01, c11, p01, p11),  # bottom, right
        cross(c10, c11, p10, p11),
        cross(c00, c10, p00, p10),
    ]  # top, left
    hit = np.stack([~np.isnan(e[0]) for e in edges])  # [4, cells]
    count = hit.sum(0)
    rows = []
    two = count == 2
    if two.any():
        first = np.argmax(hit, axis=0)
        last = 3 - np.argmax(hit[::-1], axis=0)

        def pick(k, c):
            return np.choose(k, [e[c] for e in edges])

        rows.append(
            np.stack(
                [pick(first, 0)[two], pick(first, 1)[two], pick(last, 0)[two], pick(last, 1)[two]],
                axis=1,
            )
        )
    four = count == 4
    if four.any():
        high = ((c00 + c01 + c10 + c11) / 4 >= 0) == (c00 >= 0)  # centre on c00's side
        pairs = [((0, 1), (2, 3)), ((0, 3), (1, 2))]  # which edges to join
        for use, mask in ((pairs[0], four & high), (pairs[1], four & ~high)):
            for a, b in use:
                rows.append(
                    np.stack(
                        [
                            edges[a][0][mask],
                            edges[a][1][mask],
                            edges[b][0][mask],
                            edges[b][1][mask],
                        ],
                        axis=1,
                    )
                )
    seg = np.concatenate(rows) if rows else np.empty((0, 4))
    return pd.DataFrame(seg, columns=["x", "y", "x2", "y2"])


# -- charts ------------------------------------------------------------------------------------

CLASS_SHAPES = ["circle", "triangle-up"]
CLASS_FILL = ["#0072B2", "#E69F00"]  # Okabe–Ito blue and orange, the ends of "blueorange"
PROB_EDGES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def boundary_chart(xs, ys, prob, X, y, title: str = "", side: int = MAP_SIDE) -> alt.LayerChart:
    """The data (shape and colour by class) over the network's probability of class 1 in ten
    bands, with the decision boundary (probability ½) as a black line; true to scale."""
    df = surface_frame(xs, ys, prob).rename(columns={"loss": "p"})
    labels = band_labels(PROB_EDGES)
    df["band"] = np.array(labels, dtype=object)[np.searchsorted(PROB_EDGES, df["p"], "right")]
    dx, dy = (xs[-1] - xs[0]) / max(len(xs) - 1, 1), (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    x_scale = alt.Scale(domain=[float(xs[0]), float(xs[-1])], nice=False, zero=False)
    y_scale = alt.Scale(domain=[float(ys[0]), float(ys[-1])], nice=False, zero=False)
    heat = (
        alt.Chart(df)
        .transform_calculate(
            x_lo=f"datum.x - {dx / 2}",
            x_hi=f"datum.x + {dx}",
            y_lo=f"datum.y - {dy / 2}",
            y_hi=f"datum.y + {dy}",
        )
        .mark_rect(opacity=1, strokeWidth=0, clip=True)
        .encode(
            x=alt.X("x_lo:Q", title="x₁", scale=x_scale),
            x2="x_hi:Q",
            y=alt.Y("y_lo:Q", title="x₂", scale=y_scale),
            y2="y_hi:Q",
            color=alt.Color(
                "band:O",
                sort=labels,
                scale=alt.Scale(
                    domain=labels, scheme=alt.SchemeParams("blueorange", extent=[0.22, 0.78])
                ),
                legend=alt.Legend(
                    title="P(class 1)", symbolType="square", orient="bottom", columns=2
                ),
            ),
            tooltip=[
                alt.Tooltip("x:Q", format=".2f", title="x₁"),
                alt.Tooltip("y:Q", format=".2f", title="x₂"),
                alt.Tooltip("p:Q", format=".3f", title="P(class 1)"),
            ],
        )
    )
    seg = contour_segments(xs, ys, prob, 0.5)
    line = (
        alt.Chart(seg)
        .mark_rule(color="black", strokeWidth=2.5, clip=True)
        .encode(x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), x2="x2:Q", y2="y2:Q")
    )
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    pts = pd.DataFrame(
        {"x": X[:, 0], "y": X[:, 1], "class": np.where(y > 0.5, "class 1", "class 0")}
    )
    classes = ["class 0", "class 1"]
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=40, stroke="black", strokeWidth=0.6, opacity=1, clip=True)
        .encode(
            x=alt.X("x:Q", scale=x_scale),
            y=alt.Y("y:Q", scale=y_scale),
            fill=alt.Fill(
                "class:N",
                scale=alt.Scale(domain=classes, range=CLASS_FILL),
                legend=alt.Legend(title="data", orient="top"),
            ),
            shape=alt.Shape(
                "class:N",
                scale=alt.Scale(domain=classes, range=CLASS_SHAPES),
                legend=alt.Legend(title="data", orient="top"),
            ),
            tooltip=[
                "class:N",
                alt.Tooltip("x:Q", format=".2f", title="x₁"),
                alt.Tooltip("y:Q", format=".2f", title="x₂"),
            ],
        )
    )
    chart = (
        alt.layer(heat, line, dots)
        .resolve_scale(color="independent")
        .properties(
            description=(
                f"{len(pts)} data points, circles for class 0 and triangles for class 1, over the "
                "trained network's probability of class 1 in ten bands from blue (class 0) to "
                f"orange (class 1); the black line ({len(seg)} segments) is the decision boundary "
                "where that probability is one half."
            ),
        )
    )
    chart = true_to_scale(chart, xs, ys, side)
    return chart.properties(title=title) if title else chart


def line_chart(
    df: pd.DataFrame,
    title: str = "",
    log_y: bool = True,
    ends: Sequence[str] = ("α = 0", "α = 1"),
    height: int = 280,
) -> alt.LayerChart:
    """Loss against α along straight lines (columns line, alpha, loss), one colour and dash per
    line, with dotted rules at α = 0 and α = 1 named by `ends`."""
    df = df.assign(line=df["line"].astype(str))
    vals = df["loss"].to_numpy(dtype=float)
    ok = np.isfinite(vals) & ((vals > 0) if log_y else True)
    df = df[ok]
    names = [str(n) for n in pd.unique(df["line"])] or ["—"]
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("alpha:Q", title="α (position along the line)"),
            y=alt.Y("loss:Q", title="loss" + (" (log scale)" if log_y else ""), scale=scale),
            color=alt.Color(
                "line:N",
                scale=alt.Scale(domain=names, range=PALETTE),
                legend=alt.Legend(title="line", orient="bottom", columns=1, labelLimit=400),
            ),
            strokeDash=alt.StrokeDash(
                "line:N",
                scale=alt.Scale(domain=names, range=DASHES),
                legend=alt.Legend(title="line", orient="bottom", columns=1, labelLimit=400),
            ),
            order="alpha:Q",
            tooltip=[
                "line:N",
                alt.Tooltip("alpha:Q", format=".2f", title="α"),
                alt.Tooltip("loss:Q", format=".4~g"),
            ],
        )
    )
    marks = pd.DataFrame({"alpha": [0.0, 1.0], "what": list(ends)})
    rules = (
        alt.Chart(marks)
        .mark_rule(color="black", strokeDash=[2, 3], strokeWidth=1.5)
        .encode(x="alpha:Q", tooltip=alt.Tooltip("what:N", title=""))
    )
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, baseline="top", fontSize=12, y=0)
        .encode(x="alpha:Q", text="what:N")
    )
    chart = alt.layer(lines, rules, text).properties(
        height=height,
        autosize=FIT_X,
        description=(
            f"Loss along {len(names)} straight lines through weight space ({', '.join(names)}) "
            f"against the position α{' on a log scale' if log_y else ''}; dotted lines mark "
            f"{ends[0]} and {ends[1]}."
        ),
    )
    return chart.properties(title=title) if title else chart


def loss_bands(zs: Sequence, bands: int = 12) -> list[float]:
    """Band edges for one or more loss slices, shared so that equal colours mean equal loss.

    Logarithmic (geometric steps from the lowest loss to the highest) whenever the loss spans
    more than a factor of ten, as in Li et al.'s contour plots: near a solution the loss is tiny
    and the interesting shape of the valley lives in its lowest decades. Losses are ≥ 0, so the
    lowest edge starts no lower than 10⁻⁸ of the highest loss.
    """
    v = np.concatenate([np.asarray(z, dtype=float).ravel() for z in zs])
    v = v[np.isfinite(v)]
    if v.size == 0:
        return [0.0]
    lo, hi = float(v.min()), float(v.max())
    if not hi > lo:
        return [lo]
    floor = max(lo, hi * 1e-8)
    if hi <= 10 * floor:
        return round_edges(lo + (hi - lo) * np.arange(1, bands) / bands)
    return round_edges(np.geomspace(floor, hi, bands + 1)[1:-1])


def slice_heatmap(
    xs,
    ys,
    z,
    edges: Sequence[float] | None = None,
    title: str = "",
    side: int = MAP_SIDE,
    x_title: str = "α",
    y_title: str = "β",
) -> alt.Chart:
    """A slice z[len(ys), len(xs)] as filled contours, true to scale; `edges` (loss_bands of
    several slices) lets slices drawn side by side share one colour scale."""
    return surface_heatmap(
        xs,
        ys,
        z,
        title=title,
        side=side,
        x_title=x_title,
        y_title=y_title,
        edges=loss_bands([z]) if edges is None else edges,
    )


@lru_cache(maxsize=8)
def point_marker(x: float = 0.0, y: float = 0.0, label: str = "trained weights") -> alt.Chart:
    """A white star edged in black (e.g. the trained weights at the slice's centre). Built once
    per point: Altair's schema validation makes even a one-point chart cost tens of ms."""
    df = pd.DataFrame({"x": [x], "y": [y], "what": [label]})
    return (
        alt.Chart(df)
        .mark_point(
            shape=STAR,
            size=260,
            filled=True,
            fill="white",
            stroke="black",
            strokeWidth=1,
            opacity=1,
            clip=True,
        )
        .encode(x="x:Q", y="y:Q", tooltip=["what:N"])
        .properties(description=f"A white star marks the {label}.")
    )


def starred_slice(
    xs, ys, z, edges: Sequence[float] | None = None, side: int = MAP_SIDE, title: str = ""
) -> alt.LayerChart:
    """A slice with the trained weights starred at its centre."""
    return layer(slice_heatmap(xs, ys, z, edges, side=side), point_marker(), title=title)


def slice_with_path(
    xs, ys, z, path: pd.DataFrame, x_title: str, y_title: str, title: str = ""
) -> alt.LayerChart:
    """A slice with the training path drawn on it (columns run, step, x, y) and the trained
    weights starred."""
    return layer(
        slice_heatmap(xs, ys, z, x_title=x_title, y_title=y_title),
        paths_layer(path),
        point_marker(),
        title=title,
    )


def _ticks(e: np.ndarray, constant: float) -> list[float]:
    """Powers of ten of both signs from the symlog constant to the largest |eigenvalue|, and
    zero; at most about five per sign."""
    out = [0.0]
    for sign, values in ((1, e[e > constant]), (-1, -e[e < -constant])):
        if len(values):
            lo = math.ceil(math.log10(constant))
            hi = math.floor(math.log10(float(values.max())))
            every = max(1, math.ceil((hi - lo + 1) / 5))
            out += [sign * 10.0**k for k in range(hi, lo - 1, -every)]
    return sorted(out)


SIGNS = ["negative (downhill)", "about zero (flat)", "positive (uphill)"]


def spectrum_chart(eigs, tol: float, title: str = "", height: int = 300) -> alt.Chart:
    """Sorted Hessian eigenvalues on a symmetric-log axis; shape and colour say whether each is
    below −tol, within ±tol, or above tol."""
    e = np.sort(np.asarray(eigs, dtype=float))
    sign = np.where(e < -tol, SIGNS[0], np.where(e > tol, SIGNS[2], SIGNS[1]))
    df = pd.DataFrame({"rank": np.arange(1, len(e) + 1), "eigenvalue": e, "sign": sign})
    top = float(np.abs(e).max()) if len(e) else 1.0
    constant = max(tol, top * 1e-8, 1e-12)
    legend = alt.Legend(title="curvature", orient="bottom", columns=3)
    chart = (
        alt.Chart(df)
        .mark_point(filled=True, size=40, opacity=0.9)
        .encode(
            x=alt.X("rank:Q", title="eigenvalue number (smallest first)"),
            y=alt.Y(
                "eigenvalue:Q",
                title="eigenvalue (symmetric log scale)",
                scale=alt.Scale(type="symlog", constant=constant),
                axis=alt.Axis(values=_ticks(e, constant), format=".0e"),
            ),
            color=alt.Color(
                "sign:N",
                scale=alt.Scale(domain=SIGNS, range=["#D55E00", "#999999", "#0072B2"]),
                legend=legend,
            ),
            shape=alt.Shape(
                "sign:N",
                scale=alt.Scale(domain=SIGNS, range=["triangle-down", "diamond", "circle"]),
                legend=legend,
            ),
            tooltip=["rank:Q", alt.Tooltip("eigenvalue:Q", format=".3~e"), "sign:N"],
        )
        .properties(
            height=height,
            autosize=FIT_X,
            description=(
                f"The {len(e)} Hessian eigenvalues, sorted, on a symmetric log scale: "
                f"{int((sign == SIGNS[0]).sum())} below −{tol:.2g} (downward triangles), "
                f"{int((sign == SIGNS[1]).sum())} within ±{tol:.2g} (diamonds), "
                f"{int((sign == SIGNS[2]).sum())} above (circles)."
            ),
        )
    )
    return chart.properties(title=title) if title else chart


# -- the frames the charts and downloads take ---------------------------------------------------


def curves_frame(t: Trained) -> pd.DataFrame:
    """Both runs' training loss in long form: run, step, loss."""
    return pd.DataFrame(
        {
            "run": np.tile(["run A", "run B"], len(t.loss)),
            "step": np.repeat(np.arange(len(t.loss)), 2),
            "loss": t.loss.ravel(),
        }
    )


def path_frame(steps: np.ndarray, coords: np.ndarray) -> pd.DataFrame:
    """Run A's recorded path in a plane's coordinates: run, step, x, y."""
    return pd.DataFrame(
        {"run": "run A's path", "step": steps, "x": coords[:, 0], "y": coords[:, 1]}
    )


def slice_frame(sl: Slice) -> pd.DataFrame:
    """The random slice in long form: alpha, beta, loss."""
    frame = surface_frame(sl.alphas, sl.alphas, sl.z_random.T)
    return frame.rename(columns={"x": "alpha", "y": "beta"})


def spectrum_frame(eigs: np.ndarray | None) -> pd.DataFrame | None:
    if eigs is None:
        return None
    return pd.DataFrame({"rank": np.arange(1, len(eigs) + 1), "eigenvalue": eigs})

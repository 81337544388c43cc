"""Charts of the practice lesson: a learning-rate sweep on log axes with its diverged runs marked
(never plotted as numbers) and its best range shaded, and loss curves of many restarts per setting
as a median line with a 10–90% band. Data in, Altair chart out; no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from core import practice
from ui.charts import DASHES, FIT_X, PALETTE

#: Losses are drawn on log axes; a loss below this (cross-entropy can round to 0) is drawn here.
FLOOR = 1e-6
DIVERGED_COLOUR = "#D55E00"  # Okabe–Ito vermilion, with a cross shape and a text label
BEST_COLOUR = "#009E73"  # Okabe–Ito bluish green
TARGET_DASH = [6, 3]


def _floor(values) -> np.ndarray:
    return np.maximum(np.asarray(values, dtype=float), FLOOR)


def _log_domain(lo: float, hi: float, top: float = 1.0, bottom: float = 0.2) -> list[float]:
    """A log-axis domain around [lo, hi], with `top` and `bottom` decades of room."""
    lo, hi = max(lo, FLOOR), max(hi, FLOOR)
    return [lo / 10**bottom, hi * 10**top]


def _lr_label(lr: float) -> str:
    return f"{lr:.3g}"


def number_label(v: float) -> str:
    """A learning rate as the sweep's range slider (and so the address bar) shows it."""
    return f"{v:g}"


def batch_label(size: int) -> str:
    """A batch size as its slider (and so the address bar) shows it: every point is "all 200"."""
    return f"all {size}" if size == practice.POINTS else str(size)


def sweep_frames(table: Mapping[str, Sequence]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sweep's learning rates that have a median (some restart did not diverge), and those
    with diverged restarts, each with a text label. Neither frame holds NaN."""
    df = pd.DataFrame({k: np.asarray(v) for k, v in table.items()})
    df["diverged_text"] = [
        f"{d}/{r} diverged" if d < r else f"all {r} diverged"
        for d, r in zip(df["diverged"], df["restarts"])
    ]
    points = df[np.isfinite(df["median"])].copy()
    for col in ("median", "p10", "p90"):
        points[col] = _floor(points[col])
    marks = df[df["diverged"] > 0][["lr", "diverged", "restarts", "overflowed", "diverged_text"]]
    return points.drop(columns=["diverged_text"]), marks.reset_index(drop=True)


def sweep_chart(
    table: Mapping[str, Sequence],
    best: tuple[float, float] | None,
    optimizer: str = "",
    height: int = 340,
) -> alt.LayerChart:
    """Final loss against learning rate (both log): median dot and 10–90% whisker over the
    restarts that did not diverge; a cross and "k/R diverged" along the top for every learning
    rate with diverged restarts; the best range shaded."""
    points, marks = sweep_frames(table)
    lrs = np.asarray(table["lr"], dtype=float)
    ratio = float(np.exp(np.mean(np.diff(np.log(lrs))))) if len(lrs) > 1 else 10.0
    half = ratio**0.5
    x_scale = alt.Scale(
        type="log", domain=[float(lrs.min() / half), float(lrs.max() * half)], nice=False
    )
    x = alt.X("lr:Q", title="learning rate (log scale)", scale=x_scale)
    if len(points):
        y_scale = alt.Scale(
            type="log", domain=_log_domain(points["p10"].min(), points["p90"].max()), nice=False
        )
    else:
        y_scale = alt.Scale(type="log", domain=[0.01, 10.0])
    tips = [
        alt.Tooltip("lr:Q", title="learning rate", format=".3g"),
        alt.Tooltip("median:Q", title="median final loss", format=".3g"),
        alt.Tooltip("p10:Q", title="10th percentile", format=".3g"),
        alt.Tooltip("p90:Q", title="90th percentile", format=".3g"),
        alt.Tooltip("diverged:Q", title="diverged restarts"),
    ]
    layers = []
    of = f" of {optimizer}" if optimizer else ""
    desc = [
        f"Final loss after training against the learning rate{of}, both on log scales: a "
        "dot at the median over the restarts that did not diverge, a whisker from the 10th "
        "to the 90th percentile."
    ]
    if best is not None:
        lo, hi = best
        band = pd.DataFrame(
            {
                "lo": [lo / half],
                "hi": [hi * half],
                "what": [f"best range: {_lr_label(lo)} to {_lr_label(hi)}"],
            }
        )
        layers.append(
            alt.Chart(band)
            .mark_rect(color=BEST_COLOUR, opacity=0.15)
            .encode(
                x=alt.X("lo:Q", scale=x_scale, title="learning rate (log scale)"),
                x2="hi:Q",
                tooltip=[alt.Tooltip("what:N", title="")],
            )
        )
        layers.append(
            alt.Chart(band)
            .mark_text(
                color=BEST_COLOUR, fontWeight="bold", baseline="bottom", align="left", dx=4, dy=-4
            )
            .encode(x=alt.X("lo:Q", scale=x_scale), y=alt.value(height), text="what:N")
        )
        desc.append(
            f"The shaded band marks the best range, learning rates {_lr_label(lo)} to "
            f"{_lr_label(hi)}."
        )
    base = alt.Chart(points).encode(x=x)
    layers.append(
        base.mark_rule(strokeWidth=2, color="#0072B2").encode(
            y=alt.Y("p10:Q", scale=y_scale, title="final loss (log scale)"),
            y2="p90:Q",
            tooltip=tips,
        )
    )
    layers.append(
        base.mark_point(filled=True, size=90, color="#0072B2", opacity=1).encode(
            y=alt.Y("median:Q", scale=y_scale), tooltip=tips
        )
    )
    if len(marks):
        mark_tips = [
            alt.Tooltip("lr:Q", title="learning rate", format=".3g"),
            alt.Tooltip("diverged_text:N", title=""),
            alt.Tooltip("overflowed:Q", title="numbers overflowed"),
        ]
        top = alt.Chart(marks).encode(x=alt.X("lr:Q", scale=x_scale), tooltip=mark_tips)
        layers.append(
            top.mark_point(
                shape="cross", size=160, filled=True, angle=45, color=DIVERGED_COLOUR, opacity=1
            ).encode(y=alt.value(12))
        )
        layers.append(
            top.mark_text(color=DIVERGED_COLOUR, fontSize=11, baseline="top").encode(
                y=alt.value(24), text="diverged_text:N"
            )
        )
        desc.append(
            "Learning rates with diverged restarts are marked by a cross along the top, "
            "labelled with how many diverged: "
            + "; ".join(
                f"{_lr_label(lr)}: {t}" for lr, t in zip(marks["lr"], marks["diverged_text"])
            )
            + "."
        )
    return alt.layer(*layers).properties(height=height, description=" ".join(desc), autosize=FIT_X)


def _group_scales(groups: Sequence[str]) -> tuple[alt.Scale, alt.Scale]:
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(groups))]
    dashes = [DASHES[i % len(DASHES)] for i in range(len(groups))]
    return alt.Scale(domain=list(groups), range=colours), alt.Scale(
        domain=list(groups), range=dashes
    )


def band_frame(bands: Mapping[str, Mapping[str, Sequence]]) -> pd.DataFrame:
    """Long form (group, step, p10, median, p90, alive) of per-group bands, losses floored."""
    parts = []
    for group, b in bands.items():
        df = pd.DataFrame({k: np.asarray(v) for k, v in b.items()})
        for col in ("p10", "median", "p90"):
            df[col] = _floor(df[col])
        parts.append(df.assign(group=group))
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["group", "step", "p10", "median", "p90", "alive"])
    )


def curves_chart(
    bands: pd.DataFrame,
    target: float | None = None,
    restarts: pd.DataFrame | None = None,
    title: str = "",
    legend: str = "setting",
    height: int = 320,
) -> alt.LayerChart:
    """Loss against step (log) per group: the median over restarts as a line (colour and dash
    per group), the 10–90% band shaded, optionally every restart as a faint line (`restarts`:
    group, restart, step, loss), and a dashed line at the target loss."""
    groups = [str(g) for g in pd.unique(bands["group"])]
    colour, dash = _group_scales(groups)
    lo = float(bands["p10"].min()) if len(bands) else 0.01
    hi = float(bands["p90"].max()) if len(bands) else 1.0
    if target is not None:
        lo, hi = min(lo, target), max(hi, target)
    if restarts is not None and len(restarts):
        lo, hi = min(lo, float(restarts["loss"].min())), max(hi, float(restarts["loss"].max()))
    y_scale = alt.Scale(type="log", domain=_log_domain(lo, hi, top=0.1, bottom=0.1), nice=False)
    x = alt.X("step:Q", title="step")
    leg = alt.Legend(
        title=legend or None,
        orient="bottom",
        columns=1,  # its labels are long: two side by side would be cut off on a phone
        labelLimit=360,
        symbolType="stroke",
        symbolStrokeWidth=2.5,
        symbolSize=400,
        symbolOpacity=1,
    )
    layers = []
    if restarts is not None and len(restarts):
        layers.append(
            alt.Chart(restarts)
            .mark_line(strokeWidth=0.8, opacity=0.25, clip=True)
            .encode(
                x=x,
                y=alt.Y("loss:Q", scale=y_scale),
                stroke=alt.Stroke("group:N", scale=colour, legend=None),
                detail="restart:N",
                order="step:Q",
            )
        )
    base = alt.Chart(bands).encode(x=x)
    # The band's fill shares the lines' legend: with legend=None on the fill, Vega-Lite merges
    # the channels of one field into one legend and then draws none at all.
    layers.append(
        base.mark_area(opacity=0.2, clip=True).encode(
            y=alt.Y("p10:Q", scale=y_scale, title="loss (log scale)"),
            y2="p90:Q",
            fill=alt.Fill("group:N", scale=colour, legend=leg),
        )
    )
    layers.append(
        base.mark_line(strokeWidth=2.5, clip=True).encode(
            y=alt.Y("median:Q", scale=y_scale),
            stroke=alt.Stroke("group:N", scale=colour, legend=leg),
            strokeDash=alt.StrokeDash("group:N", scale=dash, legend=leg),
            tooltip=[
                "group:N",
                "step:Q",
                alt.Tooltip("median:Q", format=".3g"),
                alt.Tooltip("p10:Q", format=".3g", title="10th percentile"),
                alt.Tooltip("p90:Q", format=".3g", title="90th percentile"),
                alt.Tooltip("alive:Q", title="restarts not overflowed"),
            ],
        )
    )
    desc = (
        f"Loss against step on a log scale for {len(groups)} settings ({', '.join(groups)}): "
        "each line is the median over the restarts, the shaded band runs from the 10th to "
        "the 90th percentile."
    )
    if restarts is not None and len(restarts):
        desc += " Faint lines are the single restarts."
    if target is not None:
        rule = pd.DataFrame({"target": [float(target)], "what": [f"target loss {target:g}"]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(color="black", strokeDash=TARGET_DASH)
            .encode(y=alt.Y("target:Q", scale=y_scale), tooltip=[alt.Tooltip("what:N", title="")])
        )
        desc += f" The dashed line is the target loss {target:g}."
    chart = alt.layer(*layers).properties(height=height, description=desc, autosize=FIT_X)
    return chart.properties(title=title) if title else chart


def restart_frame(curves: Mapping[str, np.ndarray], points: int = 120) -> pd.DataFrame:
    """Every restart's loss curve (group, restart, step, loss) at up to `points` steps; values
    after a run overflowed (NaN) are left out, losses floored for the log axis."""
    parts = []
    for group, loss in curves.items():
        T, R = loss.shape
        at = np.unique(np.linspace(0, T - 1, min(points, T)).round().astype(int))
        v = loss[at]
        df = pd.DataFrame(
            {
                "group": group,
                "restart": np.tile(np.arange(R), len(at)),
                "step": np.repeat(at, R),
                "loss": v.ravel(),
            }
        )
        parts.append(df[np.isfinite(df["loss"])])
    out = pd.concat(parts, ignore_index=True)
    out["loss"] = _floor(out["loss"])
    return out


def lr_curves_frame(lrs: Sequence[float], bands: Sequence[Mapping[str, Sequence]]) -> pd.DataFrame:
    """Median loss curve per learning rate (lr label, step, median, alive), no NaN."""
    return band_frame({f"lr {_lr_label(lr)}": b for lr, b in zip(lrs, bands)})


def lr_curves_chart(df: pd.DataFrame, height: int = 300) -> alt.Chart:
    """The median loss curve at every learning rate of the sweep, ordered colours (viridis) and
    a dash per learning rate, so small and large rates read apart without colour."""
    groups = [str(g) for g in pd.unique(df["group"])]
    dash = alt.Scale(domain=groups, range=[DASHES[i % len(DASHES)] for i in range(len(groups))])
    colour = alt.Scale(domain=groups, scheme="viridis")
    leg = alt.Legend(title="learning rate", orient="right")
    y_scale = alt.Scale(
        type="log",
        domain=_log_domain(
            float(df["median"].min()), float(df["median"].max()), top=0.1, bottom=0.1
        ),
        nice=False,
    )
    return (
        alt.Chart(df)
        .mark_line(strokeWidth=2, clip=True)
        .encode(
            x=alt.X("step:Q", title="step"),
            y=alt.Y("median:Q", title="median loss (log scale)", scale=y_scale),
            stroke=alt.Stroke("group:N", scale=colour, legend=leg, sort=groups),
            strokeDash=alt.StrokeDash("group:N", scale=dash, legend=leg, sort=groups),
            order="step:Q",
            tooltip=[
                "group:N",
                "step:Q",
                alt.Tooltip("median:Q", format=".3g"),
                alt.Tooltip("alive:Q", title="restarts not overflowed"),
            ],
        )
        .properties(
            height=height,
            autosize=FIT_X,
            description=(
                f"Median loss against step (log scale) at each of {len(groups)} learning rates: "
                "small rates creep down, the best fall fast, too large ones climb."
            ),
        )
    )

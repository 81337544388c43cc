"""Charts true to scale and honest displays (issue 18): maps with equal units on both axes, a
log-loss chart that turns linear when a loss reaches zero, and capped escape runs labelled as
such rather than drawn as escape times."""

import numpy as np
import pandas as pd
import pytest

from core import surfaces
from lessons.convex import charts as convex
from lessons.restarts import charts as restarts
from lessons.saddles import charts as saddles
from ui import charts


def _size(spec: dict) -> float:
    return spec["width"] / spec["height"]


@pytest.mark.parametrize("name", ["himmelblau", "ravine", "six_hump_camel", "rosenbrock"])
def test_a_surface_map_has_equal_units_on_both_axes(name):
    s = surfaces.get(name)
    xs, ys, z = s.grid(21)
    spec = charts.walks_on_surface(xs, ys, z, pd.DataFrame(columns=["run", "step", "x", "y"]), [])
    (x0, x1), (y0, y1) = s.bounds
    assert _size(spec.to_dict()) == pytest.approx((x1 - x0) / (y1 - y0), rel=0.01)
    assert spec.to_dict()["autosize"]["type"] == "pad", "Streamlit must not squeeze the plot"


def test_map_size_keeps_the_longer_side_and_scales_the_other():
    assert charts.map_size((-2, 2), (-1.2, 1.2), side=300) == {"width": 300, "height": 180}
    assert charts.map_size((0, 1), (0, 4), side=200) == {"width": 50, "height": 200}
    assert charts.map_size((0, 0), (0, 1)) == {"width": charts.MAP_SIDE, "height": charts.MAP_SIDE}


def test_maps_side_by_side_share_one_scale():
    """Convex's flat map and its curvature map of one surface: the same plot size."""
    s = surfaces.get("himmelblau")
    xs, ys, z = (v.numpy() for v in s.grid(21))
    flat = convex.surface_map(xs, ys, z, s.minima).to_dict()
    kinds = np.zeros((len(ys), len(xs)), dtype=int)
    board = convex.curvature_board(xs, ys, kinds, ["bowl-shaped"], s.bounds).to_dict()
    basin = restarts.basin_chart(xs, ys, np.zeros_like(kinds), s.minima, s.bounds).to_dict()
    assert flat["width"] == flat["height"] == board["width"] == board["height"]
    assert basin["width"] == basin["height"] == flat["width"]


def test_play_animation_keeps_equal_units():
    s = surfaces.get("himmelblau")
    xs, ys, z = s.grid(21)
    paths = pd.DataFrame({"run": "a", "step": [0, 1], "x": [0.0, 1.0], "y": [0.0, 1.0]})
    fig = convex.play_figure(xs, ys, z, paths, s.minima, log=False)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.data[0].type == "contour" and all(0 not in f.traces for f in fig.frames)


def _subtitle(spec: dict) -> str:
    title = spec.get("title", {})
    return title.get("subtitle", "") if isinstance(title, dict) else ""


def test_a_log_loss_axis_becomes_linear_when_a_loss_is_at_or_below_zero():
    steps = np.arange(300)
    below = pd.DataFrame({"run": "typed", "step": steps, "loss": 1.0 - steps / 150})
    spec = charts.loss_chart(below, log_y=True, title="Loss").to_dict()
    assert spec["encoding"]["y"].get("scale", {}).get("type") != "log"
    assert len(list(spec["datasets"].values())[0]) == 300, "all 300 steps are shown"
    assert "≤ 0" in _subtitle(spec)
    above = below.assign(loss=below["loss"] + 2.0)
    spec = charts.loss_chart(above, log_y=True, title="Loss").to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "log" and not _subtitle(spec)


def _texts(spec: dict) -> list[str]:
    """Every text drawn by a text mark of the layered chart, from its inline data."""
    out = []
    for layer in spec["layer"]:
        if layer["mark"]["type"] == "text":
            rows = spec["datasets"][layer["data"]["name"]]
            out += [r[layer["encoding"]["text"]["field"]] for r in rows]
    return out


def test_a_capped_run_is_labelled_as_not_escaped_within_its_cap():
    eps = [1e-2, 1e-4, 1e-6]
    measured = pd.DataFrame(
        {
            "run": ["GD"] * 3 + ["Newton"] * 3,
            "eps": eps * 2,
            "escaped": [True] * 3 + [False] * 3,
            "steps": [20, 40, 60, 100, 100, 100],
        }
    )
    spec = saddles.escape_chart(measured, None).to_dict()
    assert _texts(spec) == ["did not escape within 100 steps"]
    assert "did not escape within 100 steps" in spec["description"]
    escaped = saddles.escape_chart(measured[measured["escaped"]], None).to_dict()
    assert _texts(escaped) == []

"""Chart builders: valid Vega-Lite, the right colour scale, blanks for undefined loss, the scrub
slider and the click selection that pages rely on."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import torch

from core import descent, surfaces
from ui import charts


def _params(spec: dict) -> dict:
    return {p["name"]: p for p in spec.get("params", [])}


def _dataset(spec: dict) -> list[dict]:
    (rows,) = [v for v in spec["datasets"].values() if v and "band" in v[0]]
    return rows


@pytest.fixture(scope="module")
def himmelblau_run():
    s = surfaces.get("himmelblau")
    starts = torch.tensor([[0.0, 0.0], [-1.0, 1.0]], dtype=torch.float64)
    return s, descent.run(s, starts, optimizer="adam", lr=0.05, steps=40, record_every=2)


def test_every_builder_gives_valid_vega_lite(himmelblau_run):
    s, run = himmelblau_run
    xs, ys, z = s.grid(21)
    df = charts.run_frame(run, labels=["Adam", "Adam 2"])
    _, marker = charts.scrub_marker(df, 40)
    built = [
        charts.layer(
            charts.surface_heatmap(xs, ys, z, title=s.label),
            charts.minima_layer(s.minima),
            charts.paths_layer(df),
            marker,
            charts.click_layer(s.bounds, frame=charts.surface_frame(xs, ys, z)),
        ),
        charts.loss_chart(df, log_y=True, title="loss"),
        charts.loss_chart(df, y="grad_norm"),
        charts.histogram(df, "loss", color="run", rule=0.0, title="final loss"),
        charts.band_chart(df, "step", "loss", "run", log_y=True),
        charts.minima_layer([]),
    ]
    for chart in built:
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["description"]
        json.dumps(spec)  # plain JSON, no NaN


def test_colour_scale_is_log_only_where_the_range_is_wide():
    for key, log in [("rosenbrock", True), ("beale", True), ("bowl", False), ("rastrigin", False)]:
        _, _, z = surfaces.get(key).grid(61)
        is_log, edges = charts.banded_scale(z)
        assert is_log is log, key
        assert len(edges) == 11 and edges == sorted(set(edges)), key
        assert float(z.min()) < edges[0] and edges[-1] < float(z.max()), key
    assert charts.banded_scale(torch.full((3, 3), 2.0)) == (False, [2.0])
    assert charts.banded_scale(torch.full((3, 3), math.nan)) == (False, [0.0])


def test_undefined_loss_becomes_blank():
    xs = torch.linspace(-1, 1, 3)
    z = torch.tensor([[1.0, math.nan, 2.0], [math.inf, 0.5, -math.inf], [3.0, 4.0, 5.0]])
    frame = charts.surface_frame(xs, xs, z)
    assert frame["loss"].isna().sum() == 3
    rows = _dataset(charts.surface_heatmap(xs, xs, z).to_dict())
    edges = np.linspace(-1.25, 1.25, 4)  # cell edges around the centres -1, 0, 1
    for i, j in ((0, 1), (1, 0), (1, 2)):  # the undefined cells (row = y, column = x)
        cx, cy = (edges[j] + edges[j + 1]) / 2, (edges[i] + edges[i + 1]) / 2
        covering = [r for r in rows if r["x"] <= cx <= r["x2"] and r["y"] <= cy <= r["y2"]]
        assert covering == [], (i, j, covering)
    assert len(rows) >= 6 and all(r["band"] != charts.NO_VALUE for r in rows)


def test_heatmap_bands_are_viridis_with_one_label_per_band():
    s = surfaces.get("rosenbrock")
    xs, ys, z = s.grid(31)
    spec = charts.surface_heatmap(xs, ys, z).to_dict()
    color = spec["encoding"]["color"]
    assert color["scale"]["scheme"] == "viridis"
    _, edges = charts.banded_scale(z)
    assert color["scale"]["domain"] == charts.band_labels(edges)
    assert {r["band"] for r in _dataset(spec)} <= set(color["scale"]["domain"])


def test_scrub_slider_moves_markers_without_a_rerun(himmelblau_run):
    _, run = himmelblau_run
    df = charts.run_frame(run, labels="Adam")
    param, marker = charts.scrub_marker(df, 40, name="t")
    spec = charts.layer(charts.paths_layer(df), marker).to_dict()
    p = _params(spec)["t"]
    assert p["bind"]["input"] == "range" and p["bind"]["max"] == 40 and p["value"] == 0
    filters = [
        t["filter"] for layer in spec["layer"] for t in layer.get("transform", []) if "filter" in t
    ]
    assert "(datum.step <= t)" in filters


def test_click_layer_carries_the_start_selection():
    layer = charts.click_layer(((-2.0, 2.0), (-1.0, 3.0)), n=5)
    spec = layer.to_dict()
    sel = _params(spec)["start"]["select"]
    assert sel == {"type": "point", "on": "click", "fields": ["x", "y"], "nearest": True}
    rows = list(spec["datasets"].values())[0]
    assert len(rows) == 25 and min(r["y"] for r in rows) == -1.0


def test_minima_are_split_into_global_and_local():
    def kinds(key):
        rows = list(charts.minima_layer(surfaces.get(key).minima).to_dict()["datasets"].values())[0]
        return sorted(r["minimum"] for r in rows).count("global"), len(rows)

    assert kinds("himmelblau") == (4, 4)
    glob, total = kinds("rastrigin")
    assert glob == 1 and total > 50


def test_run_frame_is_long_form(himmelblau_run):
    _, run = himmelblau_run
    df = charts.run_frame(run)
    assert list(df.columns) == ["run", "restart", "step", "x", "y", "loss", "grad_norm"]
    assert len(df) == run.path.shape[0] * 2
    first = df[df.restart == 1].iloc[0]
    assert (first.run, first.step, first.x, first.y) == ("start 2", 0, -1.0, 1.0)
    assert df.step.max() == 40
    with pytest.raises(ValueError):
        charts.run_frame(run, labels=["only one"])


def test_log_loss_chart_turns_linear_and_says_why_when_values_reach_zero():
    df = pd.DataFrame({"run": "a", "step": [0, 1, 2, 3], "loss": [1.0, 0.0, -1.0, np.nan]})
    spec = charts.loss_chart(df, log_y=True).to_dict()
    rows = list(spec["datasets"].values())[0]
    assert [r["step"] for r in rows] == [0, 1, 2], "no finite value is dropped"
    assert "Linear axis" in spec["title"]["subtitle"] and "≤ 0" in spec["title"]["subtitle"]
    assert "scale" not in spec["encoding"]["y"]
    positive = charts.loss_chart(df[df.loss > 0], log_y=True).to_dict()
    assert positive["encoding"]["y"]["scale"]["type"] == "log"
    assert "title" not in charts.loss_chart(df).to_dict()


def test_band_chart_shows_median_and_spread():
    df = pd.DataFrame({"group": "g", "step": [0] * 11, "loss": np.arange(11.0)})
    rows = list(charts.band_chart(df, "step", "loss", "group").to_dict()["datasets"].values())[0]
    assert rows[0]["median"] == 5.0 and rows[0]["p10"] == 1.0 and rows[0]["p90"] == 9.0


def test_runs_use_the_colour_blind_safe_palette_and_dashes(himmelblau_run):
    _, run = himmelblau_run
    spec = charts.paths_layer(charts.run_frame(run)).to_dict()
    line = spec["layer"][1]["encoding"]
    assert line["stroke"]["scale"]["range"] == charts.PALETTE
    assert line["strokeDash"]["scale"]["range"] == charts.DASHES


def test_layer_lifts_title_and_joins_descriptions():
    s = surfaces.get("bowl")
    xs, ys, z = s.grid(11)
    spec = charts.layer(
        charts.surface_heatmap(xs, ys, z, title="Bowl"), charts.minima_layer(s.minima)
    ).to_dict()
    assert spec["title"] == "Bowl" and "title" not in spec["layer"][0]
    assert "Heatmap" in spec["description"] and "minima" in spec["description"]
    assert spec["autosize"]["type"] == "pad", "a layer over a map keeps the map's size"

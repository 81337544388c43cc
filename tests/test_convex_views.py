"""The convex lesson's own chart builders: exact curvature-map rectangles, the chord picture, the
3-D surface and the Play animation (frames, positions, stopped runs)."""

import numpy as np
import pandas as pd
import pytest

from lessons.convex import charts as views
from ui import charts

KINDS = ("bowl-shaped", "saddle-shaped", "dome-shaped", "flat in some direction")


def paint(frame: pd.DataFrame, xs, ys) -> np.ndarray:
    """Redraw the rectangles in order: each cell takes the last one drawn over its centre."""
    out = np.full((len(ys), len(xs)), "", dtype=object)
    gx, gy = np.meshgrid(xs, ys)
    for r in frame.itertuples():
        inside = (gx >= r.x) & (gx <= r.x2) & (gy >= r.y) & (gy <= r.y2)
        out[inside] = r.kind
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kind_frame_redraws_exactly_the_grid_it_was_given(seed):
    rng = np.random.default_rng(seed)
    xs, ys = np.linspace(-2, 3, 37), np.linspace(-1, 1, 23)
    # blocks of equal kind, as on a real map, plus scattered single cells and undefined cells
    k = np.repeat(rng.integers(-1, 4, size=(23, 6)), 7, axis=1)[:, :37]
    k[rng.random(k.shape) < 0.05] = 2
    frame = charts.kind_frame(xs, ys, k, KINDS)
    names = np.array([*KINDS, charts.NO_VALUE], dtype=object)
    assert (paint(frame, xs, ys) == names[k]).all()
    runs = len(ys) + (k[:, 1:] != k[:, :-1]).sum()  # each row starts a run
    assert len(frame) == runs, "one rectangle per run of equal kind along a row"


def test_kind_frame_of_a_uniform_map_is_one_rectangle_per_row_covering_the_bounds():
    xs, ys = np.linspace(-3, 3, 200), np.linspace(-3, 3, 200)
    frame = charts.kind_frame(xs, ys, np.zeros((200, 200), int), KINDS)
    assert len(frame) == 200 and set(frame["kind"]) == {"bowl-shaped"}
    step = 6 / 199
    assert frame["x"].min() == pytest.approx(-3 - step / 2)
    assert frame["x2"].max() == pytest.approx(3 + step / 2)
    assert frame["y2"].max() == pytest.approx(3 + step / 2)


def test_curvature_map_legend_lists_only_the_kinds_present():
    xs = ys = np.linspace(0, 1, 4)
    k = np.array([[0, 0, 1, 1]] * 4)
    spec = views.curvature_map(charts.kind_frame(xs, ys, k, KINDS), ((0, 1), (0, 1))).to_dict()
    legend = spec["encoding"]["color"]["legend"]
    assert legend["values"] == ["bowl-shaped", "saddle-shaped"]
    assert spec["encoding"]["color"]["scale"]["domain"][:4] == list(KINDS)


def test_chord_layer_marks_the_failing_point_between_the_ends():
    spec = views.chord_layer((0.0, 0.0), (2.0, 4.0), 0.25).to_dict()
    datasets = list(spec["datasets"].values())
    cross = next(d for d in datasets if len(d) == 1)[0]
    assert (cross["x"], cross["y"]) == (1.5, 3.0)  # t·a + (1 − t)·b


def test_chord_profile_draws_surface_and_chord():
    frame = pd.DataFrame({"s": [0, 0.5, 1], "surface": [1.0, 3.0, 1.0], "chord": [1.0, 1.0, 1.0]})
    spec = views.chord_profile(frame).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {r["curve"] for r in rows} == {"surface", "chord"} and len(rows) == 6


def test_display_height_is_the_loss_or_its_log_rise_and_keeps_blanks_blank():
    z = np.array([[1.0, 10.0], [np.inf, 1001.0]])
    h, label = views.display_height(z, log=False)
    assert label == "loss" and np.isnan(h[1, 0]) and h[1, 1] == 1001.0
    h, label = views.display_height(z, log=True)
    assert label.startswith("log₁₀")
    assert np.nanargmin(h) == 0 and np.isnan(h[1, 0])
    assert np.all(np.diff(h.ravel()[[0, 1, 3]]) > 0), "order is kept"


def test_surface_3d_has_the_surface_and_the_minima():
    xs = ys = np.linspace(-1, 1, 5)
    z = np.add.outer(ys**2, xs**2)
    fig = views.surface_3d(xs, ys, z, [(0.0, 0.0, 0.0)], log=False)
    assert fig.data[0].type == "surface" and np.allclose(fig.data[0].z, z)
    assert fig.data[1].type == "scatter3d" and list(fig.data[1].x) == [0.0]


def test_surface_3d_on_a_log_scale_keeps_minima_on_the_same_scale():
    xs = ys = np.linspace(0, 1, 2)
    z = np.array([[1.0, 5.0], [100.0, 1e4]])
    fig = views.surface_3d(xs, ys, z, [(0.0, 0.0, 0.5)], log=True)  # a minimum below the grid
    assert fig.data[1].z[0] < np.nanmin(fig.data[0].z)
    assert fig.layout.scene.zaxis.title.text.startswith("log₁₀")


def test_frame_steps_spread_evenly_and_keep_both_ends():
    steps = views.frame_steps(range(0, 1001, 4), n=60)
    assert len(steps) <= 60 and steps[0] == 0 and steps[-1] == 1000
    assert views.frame_steps([0, 1, 2], n=60) == [0, 1, 2]


def test_positions_are_the_last_recorded_point_at_or_before_each_step():
    run = pd.DataFrame({"step": [0, 2, 4], "x": [0.0, 1.0, 2.0], "y": [0.0, -1.0, -2.0]})
    at = views.positions(run, [0, 1, 2, 3, 4, 9])
    assert at[:, 0].tolist() == [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]


def test_play_figure_animates_only_the_markers_and_a_stopped_run_stays_put():
    xs = ys = np.linspace(-3, 3, 7)
    z = np.add.outer(ys**2, xs**2)
    long = pd.DataFrame(
        {"run": "long", "step": np.arange(0, 101), "x": np.linspace(2, 0, 101), "y": np.zeros(101)}
    )
    short = pd.DataFrame(
        {"run": "diverged", "step": [0, 1, 2, 3], "x": [1.0, -2, 4, -8], "y": [1.0, 1, 1, 1]}
    )
    fig = views.play_figure(
        xs, ys, z, pd.concat([long, short]), [(0, 0, 0)], log=False, n_frames=20
    )
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.method for b in buttons] == ["animate", "animate"]
    assert len(fig.frames) == 20 and fig.frames[-1].name == "100"
    markers = fig.frames[0].traces
    assert all(fig.data[i].mode == "markers" for i in markers) and len(markers) == 2
    last = fig.frames[-1].data
    assert (last[0].x[0], last[1].x[0]) == (0.0, -8.0)  # the stopped run ends where it stopped
    assert len(fig.layout.sliders[0].steps) == 20

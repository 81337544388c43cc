"""Surfaces: the listed minima are true minima with the literature's values, and the convex flag
agrees with what chords and curvature say about each surface."""

import math

import numpy as np
import pytest
import torch

from core import curvature, surfaces

DESIGN_KEYS = [
    "bowl",
    "ravine",
    "rosenbrock",
    "himmelblau",
    "rastrigin",
    "ackley",
    "six_hump_camel",
    "beale",
    "styblinski_tang",
    "saddle",
    "monkey_saddle",
    "lee_saddle",
    "plateau",
    "logistic_2w",
    "deep_linear_2w",
]
CONVEX = {"bowl", "ravine", "logistic_2w"}
WITH_MINIMA = [k for k in DESIGN_KEYS if surfaces.get(k).minima]

# Minima as the literature gives them: (x, y, value), compared to 1e-4.
ST = -39.16617  # Styblinski–Tang, per dimension, at -2.903534
LITERATURE = {
    "himmelblau": [
        (3.0, 2.0, 0.0),
        (-2.805118, 3.131312, 0.0),
        (-3.779310, -3.283186, 0.0),
        (3.584428, -1.848126, 0.0),
    ],
    "six_hump_camel": [(0.0898, -0.7126, -1.0316), (-0.0898, 0.7126, -1.0316)],
    "styblinski_tang": [(-2.903534, -2.903534, 2 * ST)],
    "beale": [(3.0, 0.5, 0.0)],
    "rosenbrock": [(1.0, 1.0, 0.0)],
    "bowl": [(0.0, 0.0, 0.0)],
    "rastrigin": [(0.0, 0.0, 0.0)],
    "ackley": [(0.0, 0.0, 0.0)],
    "lee_saddle": [(0.0, 1.0, -0.25), (0.0, -1.0, -0.25)],
}


def _points(s) -> torch.Tensor:
    return torch.tensor([m[:2] for m in s.minima], dtype=torch.float64)


def test_every_design_key_exists_once_in_the_groups():
    assert set(DESIGN_KEYS) <= set(surfaces.names())
    grouped = [k for keys in surfaces.groups().values() for k in keys]
    assert sorted(grouped) == sorted(surfaces.names())
    with pytest.raises(KeyError):
        surfaces.get("no_such_surface")


@pytest.mark.parametrize("key", DESIGN_KEYS)
def test_surface_is_elementwise_over_leading_dimensions(key):
    s = surfaces.get(key)
    xy = torch.randn(3, 4, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    z = s(xy)
    assert z.shape == (3, 4)
    assert torch.allclose(z[1, 2], s(xy[1, 2]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("key", WITH_MINIMA)
def test_listed_minima_are_stationary_with_their_listed_values(key):
    s = surfaces.get(key)
    p = _points(s)
    values = torch.tensor([m[2] for m in s.minima], dtype=torch.float64)
    assert torch.allclose(s(p), values, rtol=1e-9, atol=1e-9)
    if key != "ackley":  # a kink: its gradient is not defined there
        assert curvature.gradient(s, p).norm(dim=-1).max() < 1e-3
    # a minimum, not a saddle or a peak: no downhill direction
    assert (curvature.index(curvature.eigenvalues(s, p)) == 0).all()


def test_ackley_minimum_is_its_value_and_the_lowest_point_on_a_grid():
    s = surfaces.get("ackley")
    ((x, y, value),) = s.minima
    assert (x, y) == (0.0, 0.0) and abs(value) < 1e-4
    xs, ys, z = s.grid(101)  # odd, so the origin is on the grid
    i = int(z.argmin())
    assert abs(float(xs[i % 101])) < 1e-12 and abs(float(ys[i // 101])) < 1e-12
    assert value - 1e-12 <= float(z.min()) <= value + 1e-9
    g = curvature.gradient(s, torch.zeros(1, 2, dtype=torch.float64))
    assert torch.isfinite(g).all()  # the ε under the square root keeps autograd finite


@pytest.mark.parametrize("key", sorted(LITERATURE))
def test_minima_match_the_literature(key):
    listed = surfaces.get(key).minima
    for x, y, value in LITERATURE[key]:
        near = [m for m in listed if abs(m[0] - x) < 1e-4 and abs(m[1] - y) < 1e-4]
        assert len(near) == 1, f"{key}: no listed minimum at ({x}, {y})"
        assert near[0][2] == pytest.approx(value, abs=1e-4)


@pytest.mark.parametrize("key", WITH_MINIMA)
def test_global_minimum_first_and_every_minimum_inside_bounds(key):
    s = surfaces.get(key)
    values = [m[2] for m in s.minima]
    assert values[0] <= min(values) + 1e-12
    (x0, x1), (y0, y1) = s.bounds
    assert all(x0 <= m[0] <= x1 and y0 <= m[1] <= y1 for m in s.minima)
    # nothing on a fine grid is lower than the listed global minimum
    assert float(s.grid(201)[2].min()) >= values[0] - 1e-9


def test_six_hump_camel_has_two_global_minima_first():
    m = surfaces.get("six_hump_camel").minima
    assert len(m) == 6
    assert m[0][2] == pytest.approx(m[1][2], abs=1e-12)
    assert all(v[2] > m[0][2] + 0.5 for v in m[2:])


def test_only_surfaces_without_a_floor_have_no_minimum():
    for key in DESIGN_KEYS:
        s = surfaces.get(key)
        assert s.bounded_below == (key not in {"saddle", "monkey_saddle"})
        assert bool(s.minima) == s.bounded_below


@pytest.mark.parametrize("key", DESIGN_KEYS)
def test_convex_flag_agrees_with_chords_and_curvature(key):
    s = surfaces.get(key)
    assert s.convex == (key in CONVEX)
    chords = curvature.chord_test(s, pairs=4000)
    (x0, x1), (y0, y1) = s.bounds
    g = torch.cartesian_prod(
        torch.linspace(x0, x1, 41, dtype=torch.float64),
        torch.linspace(y0, y1, 41, dtype=torch.float64),
    )
    downhill = curvature.index(curvature.eigenvalues(s, g)) > 0
    if s.convex:
        assert chords.share_failed == 0.0 and chords.worst is None
        assert not downhill.any()
    else:
        assert chords.share_failed > 0.0 or downhill.any()


def test_deep_linear_has_a_saddle_at_zero_and_minima_on_the_curve_w1w2_equal_1():
    s = surfaces.get("deep_linear_2w")
    zero = torch.zeros(1, 2, dtype=torch.float64)
    assert curvature.gradient(s, zero).abs().max() == 0
    eigs = curvature.eigenvalues(s, zero)
    assert float(curvature.index(eigs)) == 0.5
    assert eigs[0, 0] == pytest.approx(-eigs[0, 1])  # ±2·mean(x²)
    assert all(m[0] * m[1] == pytest.approx(1.0) for m in s.minima)
    w1 = torch.tensor([0.3, 1.7, -2.2, -0.45], dtype=torch.float64)
    curve = torch.stack([w1, 1 / w1], dim=-1)
    assert s(curve).abs().max() < 1e-12
    assert curvature.gradient(s, curve).norm(dim=-1).max() < 1e-9
    assert (s(curve * 1.1) > 1e-4).all()  # off the curve the loss is positive
    assert "w₁w₂ = 1" in s.description


def test_logistic_loss_is_binary_cross_entropy_of_the_model():
    s = surfaces.get("logistic_2w")
    assert float(s(torch.zeros(2, dtype=torch.float64))) == pytest.approx(math.log(2), abs=1e-12)
    x = surfaces._LOGI_X.numpy()
    y = surfaces._LOGI_Y.numpy()
    w, b = 1.3, -0.4
    p = 1 / (1 + np.exp(-(w * x + b)))
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert float(s(torch.tensor([w, b], dtype=torch.float64))) == pytest.approx(bce, abs=1e-12)
    assert set(np.unique(y)) == {0.0, 1.0}
    # the classes overlap (no threshold separates them), which is why a minimum exists
    assert x[y == 1].min() < x[y == 0].max()


@pytest.mark.parametrize("key", DESIGN_KEYS)
def test_start_is_inside_bounds_and_box_is_generous(key):
    s = surfaces.get(key)
    (x0, x1), (y0, y1) = s.bounds
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    (bx0, bx1), (by0, by1) = s.box()
    assert bx0 < x0 and bx1 > x1 and by0 < y0 and by1 > y1


def test_parse_makes_a_surface():
    s = surfaces.parse("x**2 - y**2")
    xy = torch.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=torch.float64)
    assert torch.equal(s(xy), torch.tensor([-3.0, 8.0], dtype=torch.float64))
    with pytest.raises(surfaces.ExpressionError):
        surfaces.parse("z + 1")

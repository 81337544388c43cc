"""Curvature: exact Hessians of quadratics, eigenvalue signs with a tolerance, the census of
critical points and the chord test for convexity."""

import numpy as np
import pytest
import torch

from core import curvature, surfaces

A, B, C = 1.5, -0.7, -2.0


def _quadratic(xy: torch.Tensor) -> torch.Tensor:
    x, y = xy[..., 0], xy[..., 1]
    return A * x**2 + B * x * y + C * y**2 + 3 * x - y


class _Field:
    """The least a curvature function needs: a callable with bounds."""

    def __init__(self, fn, bounds=((-2.0, 2.0), (-2.0, 2.0))):
        self.fn, self.bounds = fn, bounds

    def __call__(self, xy):
        return self.fn(xy)


def test_gradient_and_hessian_of_a_quadratic_at_a_batch_of_points():
    xy = torch.randn(3, 4, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    g = curvature.gradient(_quadratic, xy)
    x, y = xy[..., 0], xy[..., 1]
    assert torch.allclose(g, torch.stack([2 * A * x + B * y + 3, B * x + 2 * C * y - 1], -1))
    H = curvature.hessian(_quadratic, xy)
    assert H.shape == (3, 4, 2, 2)
    want = torch.tensor([[2 * A, B], [B, 2 * C]], dtype=torch.float64)
    assert torch.allclose(H, want.expand(3, 4, 2, 2), rtol=0, atol=1e-12)
    assert not H.requires_grad


def test_eigenvalues_ascending_and_match_numpy():
    s = surfaces.get("himmelblau")
    xy = torch.tensor([[0.3, -1.2], [2.0, 2.0], [-3.0, 1.0]], dtype=torch.float64)
    eigs = curvature.eigenvalues(s, xy)
    assert (eigs[:, 0] <= eigs[:, 1]).all()
    want = np.linalg.eigvalsh(curvature.hessian(s, xy).numpy())
    assert np.allclose(eigs.numpy(), want)
    lam = curvature.eigenvalues(_quadratic, xy[:1])[0]
    assert lam.tolist() == pytest.approx(sorted(np.linalg.eigvalsh([[3.0, -0.7], [-0.7, -4.0]])))


@pytest.mark.parametrize(
    "eigs, share, kind",
    [
        ([1.0, 2.0], 0.0, "bowl-shaped"),
        ([-1e-12, 1.0], 0.0, "flat in some direction"),  # rounding, not a downhill direction
        ([-1e-3, 1.0], 0.5, "saddle-shaped"),
        ([-2.0, 1.0], 0.5, "saddle-shaped"),
        ([-2.0, -1.0], 1.0, "dome-shaped"),
        ([0.0, 0.0], 0.0, "flat in some direction"),
    ],
)
def test_index_and_kind_use_a_tolerance_relative_to_the_largest_eigenvalue(eigs, share, kind):
    e = torch.tensor([eigs], dtype=torch.float64)
    assert float(curvature.index(e)) == share
    assert curvature.KINDS[int(curvature.kind(e))] == kind


@pytest.mark.parametrize("key", ["bowl", "ravine", "logistic_2w"])
def test_a_convex_surface_is_bowl_shaped_everywhere_on_a_200x200_grid(key):
    s = surfaces.get(key)
    (x0, x1), (y0, y1) = s.bounds
    gy, gx = torch.meshgrid(
        torch.linspace(y0, y1, 200, dtype=torch.float64),
        torch.linspace(x0, x1, 200, dtype=torch.float64),
        indexing="ij",
    )
    eigs = curvature.eigenvalues(s, torch.stack([gx, gy], -1))
    assert eigs.shape == (200, 200, 2)
    assert (curvature.index(eigs) == 0).all()
    assert (curvature.kind(eigs) == 0).all()


def test_critical_points_of_himmelblau_four_minima_four_saddles_one_peak():
    s = surfaces.get("himmelblau")
    found = curvature.critical_points(s)
    assert len(found) == 9
    kinds = [c.kind for c in found]
    assert kinds.count("bowl-shaped") == 4 and kinds.count("saddle-shaped") == 4
    assert kinds.count("dome-shaped") == 1
    assert [c.value for c in found] == sorted(c.value for c in found)
    assert {c.index for c in found if c.kind == "saddle-shaped"} == {0.5}
    assert [c.index for c in found if c.kind == "dome-shaped"] == [1.0]
    for x, y, _ in s.minima:
        assert any(abs(c.x - x) < 1e-6 and abs(c.y - y) < 1e-6 and c.index == 0 for c in found)
    peak = next(c for c in found if c.kind == "dome-shaped")
    assert (peak.x, peak.y) == pytest.approx((-0.270845, -0.923039), abs=1e-5)
    assert peak.value == pytest.approx(181.617, abs=1e-3)
    pts = torch.tensor([[c.x, c.y] for c in found], dtype=torch.float64)
    assert curvature.gradient(s, pts).norm(dim=-1).max() < 1e-6


def test_critical_points_of_the_lee_saddle():
    found = curvature.critical_points(surfaces.get("lee_saddle"))
    assert len(found) == 3
    lows, saddle = found[:2], found[2]
    assert sorted((round(c.x, 9), round(c.y, 9)) for c in lows) == [(0.0, -1.0), (0.0, 1.0)]
    assert all(c.kind == "bowl-shaped" and c.value == pytest.approx(-0.25) for c in lows)
    assert (saddle.x, saddle.y) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert saddle.kind == "saddle-shaped" and saddle.index == 0.5
    assert saddle.eigenvalues == pytest.approx((-1.0, 1.0))


def test_chord_test_passes_a_bowl_and_fails_himmelblau_at_a_real_chord():
    bowl = curvature.chord_test(surfaces.get("bowl"), pairs=5000)
    assert bowl.share_failed == 0.0 and bowl.worst is None and bowl.pairs == 5000
    s = surfaces.get("himmelblau")
    res = curvature.chord_test(s, pairs=5000)
    assert 0 < res.share_failed < 1 and res.worst is not None
    (ax, ay), (bx, by), t = res.worst
    a = torch.tensor([ax, ay], dtype=torch.float64)
    b = torch.tensor([bx, by], dtype=torch.float64)
    gap = float(s(t * a + (1 - t) * b) - (t * s(a) + (1 - t) * s(b)))
    assert gap == pytest.approx(res.worst_gap, rel=1e-9) and gap > 0


def test_chord_test_tolerance_keeps_rounding_from_failing_a_plane():
    plane = _Field(lambda xy: 1e3 * xy[..., 0] - 7.1 * xy[..., 1] + 0.3)
    assert curvature.chord_test(plane, pairs=5000).share_failed == 0.0
    assert curvature.chord_test(plane, pairs=5000, rtol=0.0).share_failed > 0.0  # what it guards


def test_chord_test_skips_points_where_the_surface_is_undefined():
    half = _Field(lambda xy: torch.where(xy[..., 0] > 0, xy[..., 0] ** 2, torch.nan))
    res = curvature.chord_test(half, pairs=2000)
    assert res.share_failed == 0.0 and 0 < res.pairs < 2000

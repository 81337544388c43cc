"""landscape: lines and planes through weight space give the loss a hand loop gives, random
directions are filter-normalised, and a path lying in a plane is found in that plane."""

import pytest
import torch

from core import BudgetError, data, landscape, networks

X, Y = data.make("circles", n=60, noise=0.05, seed=1)
NET = networks.MLP((6, 5), activation="tanh")
A, B = NET.init(2, seed=3).double()


def test_line_matches_a_loop_of_single_evaluations():
    alphas = [-0.5, 0.0, 0.25, 1.0, 1.5]
    got = landscape.line(NET, X, Y, A, B, alphas)
    expected = torch.cat([NET.loss((A + a * (B - A))[None], X, Y) for a in alphas])
    assert got.shape == (5,) and got.dtype == torch.float64
    assert torch.allclose(got, expected, rtol=0, atol=1e-14)
    assert got[1] == pytest.approx(NET.loss(A[None], X, Y).item(), abs=1e-14)
    assert got[3] == pytest.approx(NET.loss(B[None], X, Y).item(), abs=1e-14)


def test_direction_is_filter_normalised():
    d = landscape.direction(NET, A, seed=5)
    assert d.shape == A.shape and d.dtype == A.dtype
    for (dw, db), (tw, _) in zip(NET.unflatten(d[None]), NET.unflatten(A[None])):
        assert torch.allclose(dw.norm(dim=-1), tw.norm(dim=-1), rtol=1e-12)  # each neuron's row
        assert (db == 0).all()
    assert torch.equal(d, landscape.direction(NET, A, seed=5))
    assert not torch.equal(d, landscape.direction(NET, A, seed=6))


def test_plane_shape_centre_and_entries():
    d1, d2 = landscape.direction(NET, A, seed=1), landscape.direction(NET, A, seed=2)
    alphas, betas = torch.linspace(-1, 1, 5), torch.linspace(-0.5, 0.5, 3)
    grid = landscape.plane(NET, X, Y, A, d1, d2, alphas, betas)
    assert grid.shape == (5, 3)
    assert grid[2, 1].item() == pytest.approx(NET.loss(A[None], X, Y).item(), abs=1e-14)
    i, j = 4, 0
    W = A + alphas[i].double() * d1 + betas[j].double() * d2
    assert grid[i, j].item() == pytest.approx(NET.loss(W[None], X, Y).item(), abs=1e-12)


def test_plane_in_chunks_equals_one_batch(monkeypatch):
    d1, d2 = landscape.direction(NET, A, seed=1), landscape.direction(NET, A, seed=2)
    axis = torch.linspace(-1, 1, 7)
    whole = landscape.plane(NET, X, Y, A, d1, d2, axis, axis)
    monkeypatch.setattr(landscape, "CHUNK", 1)
    assert torch.allclose(landscape.plane(NET, X, Y, A, d1, d2, axis, axis), whole, atol=1e-14)


def test_huge_planes_are_refused():
    big = networks.MLP((32, 32))
    theta = torch.zeros(big.size)
    axis = torch.linspace(-1, 1, 2000)
    with pytest.raises(BudgetError):
        landscape.plane(big, X, Y, theta, theta, theta, axis, axis)


def test_pca_plane_recovers_a_path_that_lies_in_a_plane():
    gen = torch.Generator().manual_seed(0)
    P = 40
    Q, _ = torch.linalg.qr(torch.randn(P, 2, generator=gen, dtype=torch.float64))
    t = torch.linspace(0, 1, 30, dtype=torch.float64)
    coords = torch.stack([3 * (1 - t), torch.sin(6 * t) * (1 - t)], dim=1)  # ends at (0, 0)
    final = torch.randn(P, generator=gen, dtype=torch.float64)
    path = final + coords @ Q.T
    d1, d2, got, explained = landscape.pca_plane(path)
    assert d1.norm().item() == pytest.approx(1) and d2.norm().item() == pytest.approx(1)
    assert abs(d1 @ d2) < 1e-12
    assert torch.allclose(got[-1], torch.zeros(2, dtype=torch.float64), atol=1e-12)
    assert (got[0] >= 0).all()
    rebuilt = final + got[:, :1] * d1 + got[:, 1:] * d2
    assert torch.allclose(rebuilt, path, atol=1e-10)  # the path lies in the plane found
    assert explained.sum().item() == pytest.approx(1) and explained[0] > explained[1]


def test_pca_plane_of_a_real_training_path():
    fit = networks.train(NET, X, Y, A[None], steps=60, record_every=5)
    d1, d2, coords, explained = landscape.pca_plane(fit.path[:, 0])
    assert coords.shape == (fit.path.shape[0], 2)
    assert 0 < explained.sum() <= 1 + 1e-9 and explained[0] >= explained[1]
    grid = landscape.plane(NET, X, Y, fit.weights[0], d1, d2, [0.0], [0.0])
    assert grid.item() == pytest.approx(fit.loss[-1, 0].item(), abs=1e-12)


def test_pca_plane_of_a_path_that_never_moved():
    d1, d2, coords, explained = landscape.pca_plane(torch.ones(5, 7))
    assert (coords == 0).all() and (explained == 0).all()

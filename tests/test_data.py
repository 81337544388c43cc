"""data.make: the five toy datasets have the documented shapes, labels, balance and geometry,
and the same arguments give the same points."""

import pytest
import torch

from core import data

NAMES = list(data.names())


def test_names_are_the_five_datasets():
    assert NAMES == ["xor", "moons", "circles", "spirals", "gaussians"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [1, 7, 200])
def test_shapes_labels_and_balance(name, n):
    X, y = data.make(name, n=n, noise=0.1, seed=3)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == torch.float32 and y.dtype == torch.float32
    assert set(y.tolist()) <= {0.0, 1.0}
    assert abs(y.sum().item() - n / 2) <= 0.5
    assert torch.isfinite(X).all()


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_points_other_seed_other_points(name):
    X1, y1 = data.make(name, n=50, seed=4)
    X2, y2 = data.make(name, n=50, seed=4)
    X3, _ = data.make(name, n=50, seed=5)
    assert torch.equal(X1, X2) and torch.equal(y1, y2)
    assert not torch.equal(X1, X3)


def test_labels_are_shuffled():
    _, y = data.make("moons", n=100)
    assert 0 < y[:50].sum() < 50


def test_clean_shapes():
    X, y = data.make("xor", n=40, noise=0.0)
    assert torch.equal(X.abs(), torch.ones_like(X))
    assert torch.equal(y, (X[:, 0] * X[:, 1] < 0).float())
    X, y = data.make("circles", n=40, noise=0.0)
    assert torch.allclose(X.norm(dim=1), torch.where(y > 0, 0.5, 1.0))
    X, y = data.make("moons", n=40, noise=0.0)
    upper = X[y == 0]
    assert torch.allclose(upper.norm(dim=1), torch.ones(len(upper)))
    X, y = data.make("spirals", n=40, noise=0.0)
    assert (X.norm(dim=1) <= 1 + 1e-6).all()


def test_gaussians_sit_at_their_centres():
    X, y = data.make("gaussians", n=2000, noise=0.0, seed=1)
    assert torch.allclose(X[y > 0].mean(0), torch.tensor([1.0, 1.0]), atol=0.1)
    assert torch.allclose(X[y == 0].mean(0), torch.tensor([-1.0, -1.0]), atol=0.1)


def test_noise_moves_points():
    X0, _ = data.make("circles", n=100, noise=0.0)
    X1, _ = data.make("circles", n=100, noise=0.3)
    assert (X1 - X0).std() > 0.2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "nope"}, "unknown dataset"),
        ({"name": "xor", "n": 0}, "between 1 and"),
        ({"name": "xor", "n": data.MAX_POINTS + 1}, "between 1 and"),
        ({"name": "xor", "noise": -0.1}, "noise"),
    ],
)
def test_bad_requests_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.make(**kwargs)

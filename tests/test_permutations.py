"""core.permutations: reordered and flipped hidden units give the same function; weight matching
finds a reordered copy's order exactly; the assignment solver is exact."""

import itertools

import numpy as np
import pytest
import torch

from core import data, networks, permutations

NETS = [
    networks.MLP((5,), "tanh"),
    networks.MLP((4, 6), "tanh"),
    networks.MLP((5, 5, 5), "tanh", skip=True),  # layers 2 and 3 share one order with layer 1
    networks.MLP((6, 4), "relu"),
    networks.MLP((3, 3, 4), "linear", skip=True),
]


def scrambled(net: networks.MLP, seed: int) -> permutations.Alignment:
    """A random reordering of every hidden layer, with random sign flips where the activation
    allows them (one order and one set of signs per group of skip-joined layers)."""
    rng = np.random.default_rng(seed)
    align = permutations.identity(net)
    for group in permutations.groups(net):
        width = net.sizes[group[0] + 1]
        order = rng.permutation(width)
        sign = rng.choice([-1.0, 1.0], width) if net.activation in permutations.ODD else None
        for k in group:
            align.order[k] = order
            align.sign[k] = np.ones(width) if sign is None else sign
    return align


def weights(net: networks.MLP, seed: int) -> torch.Tensor:
    return net.init(1, seed=seed)[0].double()


@pytest.mark.parametrize("net", NETS, ids=repr)
def test_a_reordered_and_flipped_network_computes_the_same_function(net):
    X, _ = data.make("moons", 60, 0.1, 0)
    X = X.double()
    for seed in range(3):
        w = weights(net, seed)
        moved = permutations.apply(net, w, scrambled(net, seed))
        assert not torch.allclose(moved, w)  # another point of weight space…
        assert torch.allclose(net.logits(moved[None], X), net.logits(w[None], X), atol=1e-12)
        # …holding the same numbers, up to sign
        assert torch.allclose(torch.sort(moved.abs()).values, torch.sort(w.abs()).values)


def test_flips_are_refused_where_they_would_change_the_function():
    net = networks.MLP((4,), "relu")
    align = permutations.identity(net)
    align.sign[0] = np.array([1.0, -1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="cannot be flipped"):
        permutations.apply(net, weights(net, 0), align)
    with pytest.raises(ValueError, match="cannot be flipped"):
        permutations.match(net, weights(net, 0), weights(net, 1), flips=True)
    # and a flipped relu unit really is another function
    X = data.make("moons", 30, 0.1, 0)[0].double()
    w = weights(net, 0)
    blocks = [m.clone() for m in net.matrices(w[None].clone())]
    blocks[0][0, 1] *= -1
    blocks[1][0, :, 1] *= -1
    flipped = torch.cat([m.reshape(-1) for m in blocks])
    assert not torch.allclose(net.logits(flipped[None], X), net.logits(w[None], X))


def test_skip_joined_layers_must_share_one_order():
    net = networks.MLP((4, 4), "tanh", skip=True)
    align = permutations.identity(net)
    align.order[1] = np.array([1, 0, 2, 3])
    with pytest.raises(ValueError, match="joined by skips"):
        permutations.apply(net, weights(net, 0), align)


@pytest.mark.parametrize("net", NETS, ids=repr)
def test_matching_a_scrambled_copy_recovers_the_original_exactly(net):
    for seed in range(3):
        a = weights(net, seed)
        align = scrambled(net, seed + 10)
        b = permutations.apply(net, a, align)
        matched, found = permutations.match(net, a, b)
        assert torch.allclose(matched, a, atol=1e-12)
        for k, (order, sign) in enumerate(zip(align.order, align.sign)):
            # found undoes align: unit i of the result is unit found.order[k][i] of b, which is
            # unit order[found.order[k][i]] of a, and that must be unit i again
            assert np.array_equal(order[found.order[k]], np.arange(len(order)))
            assert np.array_equal(sign[found.order[k]] * found.sign[k], np.ones(len(order)))


def test_matching_two_independent_runs_keeps_the_function_and_raises_the_similarity():
    net = networks.MLP((8,), "tanh")
    X, y = data.make("moons", 80, 0.1, 0)
    fit = networks.train(net, X, y, net.init(2, seed=0), optimizer="adam", lr=0.01, steps=300)
    a, b = fit.weights[0].double(), fit.weights[1].double()
    matched, _ = permutations.match(net, a, b)
    X = X.double()
    assert torch.allclose(net.logits(matched[None], X), net.logits(b[None], X), atol=1e-9)
    assert float(a @ matched) > float(a @ b)
    assert float((a - matched).norm()) < float((a - b).norm())


def brute_force(score: np.ndarray) -> float:
    n = len(score)
    return max(score[np.arange(n), list(p)].sum() for p in itertools.permutations(range(n)))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_assignment_equals_brute_force(n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        score = rng.normal(size=(n, n))
        if rng.random() < 0.3:
            score = np.round(score)  # ties
        p = permutations.assignment(score)
        assert sorted(p) == list(range(n))  # a permutation
        assert score[np.arange(n), p].sum() == pytest.approx(brute_force(score), abs=1e-12)


def test_assignment_of_nothing_and_of_non_square_matrices():
    assert permutations.assignment(np.zeros((0, 0))).shape == (0,)
    with pytest.raises(ValueError, match="square"):
        permutations.assignment(np.zeros((2, 3)))

"""networks: the batched MLP computes what a hand calculation does, R restarts trained together
are exactly R runs trained alone, and training, divergence, guards and curvature behave."""

import itertools
import math

import pytest
import torch
from torch.func import hessian as func_hessian

from core import BudgetError, curvature, data, networks

X, Y = data.make("moons", n=40, noise=0.1, seed=0)


def tiny_weights():
    """2-2-1: hidden rows (w11, w12, b1), (w21, w22, b2); output row (v1, v2, c)."""
    return torch.tensor([[0.5, -1.0, 0.1, 2.0, 0.3, -0.2, 1.5, -0.7, 0.05]], dtype=torch.float64)


def hand_logit(w, x):
    h1 = math.tanh(w[0] * x[0] + w[1] * x[1] + w[2])
    h2 = math.tanh(w[3] * x[0] + w[4] * x[1] + w[5])
    return w[6] * h1 + w[7] * h2 + w[8]


def test_sizes_and_unflatten():
    net = networks.MLP(hidden=(16, 8))
    assert net.size == (2 * 16 + 16) + (16 * 8 + 8) + (8 + 1)
    W = torch.arange(3 * net.size, dtype=torch.float32).reshape(3, -1)
    shapes = [(tuple(w.shape), tuple(b.shape)) for w, b in net.unflatten(W)]
    assert shapes == [((3, 16, 2), (3, 16)), ((3, 8, 16), (3, 8)), ((3, 1, 8), (3, 1))]
    w, b = net.unflatten(W)[0]
    assert w[1, 0].tolist() == W[1, :2].tolist() and b[1, 0] == W[1, 2]  # a neuron's row


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_loss_matches_a_hand_computation(loss):
    net = networks.MLP(hidden=(2,), activation="tanh", loss=loss)
    W = tiny_weights()
    pts = [(0.3, -0.5, 1.0), (-1.2, 0.4, 0.0), (0.8, 0.9, 1.0)]
    total = 0.0
    for x0, x1, t in pts:
        z = hand_logit(W[0].tolist(), (x0, x1))
        p = 1 / (1 + math.exp(-z))
        total += -(t * math.log(p) + (1 - t) * math.log(1 - p)) if loss == "bce" else (p - t) ** 2
    Xs = torch.tensor([p[:2] for p in pts], dtype=torch.float64)
    ys = torch.tensor([p[2] for p in pts])
    assert net.loss(W, Xs, ys).item() == pytest.approx(total / 3, rel=1e-12)
    probs = net.predict(W, Xs)[0].tolist()
    assert probs == pytest.approx(
        [1 / (1 + math.exp(-hand_logit(W[0].tolist(), p[:2]))) for p in pts], rel=1e-12
    )


def test_skip_connection_adds_the_layer_input():
    net, plain = networks.MLP((3, 3), skip=True), networks.MLP((3, 3))
    W = net.init(2, scheme="uniform", scale=1.0).double()
    (w1, b1), (w2, b2), (w3, b3) = [(w[0], b[0]) for w, b in net.unflatten(W[:1])]
    h1 = torch.tanh(X.double() @ w1.T + b1)
    h2 = h1 + torch.tanh(h1 @ w2.T + b2)
    expected = (h2 @ w3.T + b3).squeeze(-1)
    assert torch.allclose(net.logits(W, X)[0], expected, atol=1e-12)
    assert not torch.allclose(plain.logits(W, X)[0], expected)


def test_logistic_regression_has_no_hidden_layer():
    net = networks.MLP(hidden=())
    W = torch.tensor([[1.0, -2.0, 0.5]])
    assert torch.allclose(net.logits(W, X)[0], X @ torch.tensor([1.0, -2.0]) + 0.5)


def test_rows_are_independent_networks():
    net = networks.MLP((5, 4), activation="relu")
    W = net.init(6, seed=2).double()
    together = net.loss(W, X, Y)
    alone = torch.cat([net.loss(W[i : i + 1], X, Y) for i in range(6)])
    assert torch.allclose(together, alone, rtol=0, atol=1e-14)
    assert together.dtype == torch.float64


@pytest.mark.parametrize(
    "activation, skip, loss, hidden",
    [
        (a, s, fn, h)
        for a, s, fn, h in itertools.product(
            networks.ACTIVATIONS, [False, True], networks.LOSSES, [(), (4, 4, 3)]
        )
        if not (s and h == ())
    ],
)
def test_hand_written_gradient_equals_autograd(activation, skip, loss, hidden):
    net = networks.MLP(hidden, activation, skip, loss)
    W = net.init(37, seed=1, scheme="uniform", scale=1.0).double().requires_grad_(True)
    expected = net.loss(W, X, Y)
    (grad,) = torch.autograd.grad(expected.sum(), W)
    value, by_hand = net.loss_and_grad(W.detach(), X, Y)
    assert torch.allclose(value, expected, rtol=0, atol=1e-13)
    assert torch.allclose(by_hand, grad, rtol=0, atol=1e-13)


def test_hand_written_gradient_in_chunks(monkeypatch):
    net = networks.MLP((6, 6), skip=True)
    W = net.init(23).double()
    whole = net.loss_and_grad(W, X, Y)
    monkeypatch.setattr(networks, "CHUNK_BYTES", 1)  # one restart per chunk
    split = net.loss_and_grad(W, X, Y)
    assert all(torch.allclose(a, b, rtol=0, atol=1e-14) for a, b in zip(whole, split))


# -- initialisation ------------------------------------------------------------------------------
@pytest.mark.parametrize("scheme", list(networks.SCHEMES))
def test_a_restart_depends_only_on_seed_and_index(scheme):
    net = networks.MLP((8, 8))
    W4, W10 = net.init(4, seed=7, scheme=scheme), net.init(10, seed=7, scheme=scheme)
    assert W4.dtype == torch.float32 and W4.shape == (4, net.size)
    assert torch.equal(W4, W10[:4])
    assert not torch.equal(W4[0], W4[1])
    assert not torch.equal(W4, net.init(4, seed=8, scheme=scheme))


def test_scheme_spreads():
    net = networks.MLP((64, 64))
    W = net.init(20, seed=0, scheme="xavier")
    (w1, b1), (w2, b2), _ = net.unflatten(W)
    assert (b1 == 0).all() and (b2 == 0).all()
    bound = (6 / (64 + 64)) ** 0.5
    assert w2.abs().max() <= bound and w2.abs().max() > 0.9 * bound
    w2 = net.unflatten(net.init(20, scheme="he"))[1][0]
    assert w2.std().item() == pytest.approx((2 / 64) ** 0.5, rel=0.05)
    W = net.init(5, scheme="uniform", scale=0.3)
    assert W.abs().max() <= 0.3 and (net.unflatten(W)[0][1] != 0).all()
    assert net.init(20, scheme="small", scale=0.01).std().item() == pytest.approx(0.01, rel=0.05)


def test_bad_networks_are_refused():
    for kwargs in [{"activation": "gelu"}, {"loss": "hinge"}, {"hidden": (0,)}]:
        with pytest.raises(ValueError):
            networks.MLP(**kwargs)
    with pytest.raises(ValueError, match="initialisation"):
        networks.MLP().init(2, scheme="orthogonal")


# -- training ------------------------------------------------------------------------------------
def _together_vs_alone(net, W0, **kwargs):
    lr = kwargs.pop("lr")
    together = networks.train(net, X, Y, W0, lr=lr, **kwargs)
    lrs = lr if isinstance(lr, list) else [lr] * len(W0)
    for i in range(len(W0)):
        alone = networks.train(net, X, Y, W0[i : i + 1], lr=lrs[i], **kwargs)
        assert torch.allclose(together.loss[:, i], alone.loss[:, 0], rtol=0, atol=1e-8)
        assert torch.allclose(together.weights[i], alone.weights[0], rtol=0, atol=1e-8)
        assert torch.allclose(together.grad_norm[:, i], alone.grad_norm[:, 0], rtol=0, atol=1e-8)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_restarts_together_equal_restarts_alone(optimizer):
    net = networks.MLP((6, 5))
    W0 = net.init(4, seed=3).double()
    _together_vs_alone(net, W0, optimizer=optimizer, lr=0.05, steps=100)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_per_restart_learning_rates(optimizer):
    net = networks.MLP((6,))
    W0 = net.init(4, seed=4).double()
    _together_vs_alone(net, W0, optimizer=optimizer, lr=[0.01, 0.1, 0.01, 0.3], steps=100)


def test_minibatches_together_equal_alone_and_replay():
    net = networks.MLP((5,))
    W0 = net.init(3, seed=5).double()
    _together_vs_alone(net, W0, optimizer="adam", lr=0.05, steps=60, batch_size=8, seed=9)
    a = networks.train(net, X, Y, W0, lr=0.05, steps=30, batch_size=8, seed=1)
    b = networks.train(net, X, Y, W0, lr=0.05, steps=30, batch_size=8, seed=1)
    c = networks.train(net, X, Y, W0, lr=0.05, steps=30, batch_size=8, seed=2)
    assert torch.equal(a.loss, b.loss) and not torch.equal(a.loss, c.loss)


def test_fit_records_and_reports():
    net = networks.MLP((4,))
    W0 = net.init(3)
    seen = []
    fit = networks.train(net, X, Y, W0, steps=25, record_every=10, progress=seen.append)
    assert fit.loss.shape == fit.grad_norm.shape == (26, 3)
    assert fit.path.shape == (4, 3, net.size)  # steps 0, 10, 20 and the last one, 25
    assert torch.equal(fit.path[0], W0) and torch.equal(fit.path[-1], fit.weights)
    assert torch.allclose(fit.loss[0], net.loss(W0, X, Y))
    assert torch.allclose(fit.loss[-1], net.loss(fit.weights, X, Y))
    assert not fit.diverged.any() and (fit.stopped_at == -1).all()
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 20
    assert networks.train(net, X, Y, W0, steps=5).path is None


def test_learns_xor():
    Xx, yx = data.make("xor", n=100, noise=0.1, seed=0)
    net = networks.MLP((4,), activation="tanh")
    fit = networks.train(net, Xx, yx, net.init(4, seed=0), optimizer="adam", lr=0.05, steps=400)
    assert fit.loss[-1].min() < 0.05
    assert (fit.loss[-1] < fit.loss[0]).all()
    best = fit.weights[fit.loss[-1].argmin()][None]
    assert ((net.predict(best, Xx)[0] > 0.5).float() == yx).float().mean() > 0.95


def test_divergence_is_frozen_and_flagged():
    net = networks.MLP((8, 8, 8), activation="linear")
    W0 = net.init(6, seed=0)
    fit = networks.train(
        net, X, Y, W0, optimizer="sgd", lr=[50.0] * 3 + [0.01] * 3, steps=40, record_every=1
    )
    assert fit.diverged.tolist() == [True] * 3 + [False] * 3
    assert torch.isfinite(fit.loss).all() and torch.isfinite(fit.grad_norm).all()
    assert torch.isfinite(fit.weights).all() and torch.isfinite(fit.path).all()
    for i in range(3):
        t = fit.stopped_at[i].item()
        assert t > 0
        assert (fit.loss[t:, i] == fit.loss[t - 1, i]).all()  # held at its last finite value
        assert torch.equal(fit.weights[i], fit.path[t - 1, i])
    assert (fit.stopped_at[3:] == -1).all()


def test_second_order_only_for_small_networks():
    with pytest.raises(ValueError, match="at most 50 weights"):
        networks.train(
            networks.MLP((16,)), X, Y, networks.MLP((16,)).init(2), optimizer="newton", steps=5
        )
    small = networks.MLP((2,))
    fit = networks.train(
        small, X, Y, small.init(3).double(), optimizer="saddle_free_newton", lr=0.5, steps=10
    )
    assert torch.isfinite(fit.loss).all() and (fit.loss[-1] < fit.loss[0]).all()


def test_perturbed_gd_trains():
    net = networks.MLP((3,))
    fit = networks.train(net, X, Y, net.init(2), optimizer="perturbed_gd", lr=0.5, steps=20)
    assert (fit.loss[-1] < fit.loss[0]).all()


def test_requests_are_bounded_and_checked():
    net = networks.MLP((16,))
    with pytest.raises(BudgetError):
        networks.train(net, X, Y, torch.zeros(10_000, net.size), steps=10_000)
    big = networks.MLP((32, 32))  # the benchmark's case fits the budget
    assert 128 * 1000 * big.size * 200 <= networks.MAX_TRAIN_WORK
    with pytest.raises(ValueError, match="W0 must be"):
        networks.train(net, X, Y, torch.zeros(2, net.size + 1))
    with pytest.raises(ValueError, match="finite"):
        networks.train(net, X, Y, torch.full((2, net.size), float("nan")))
    with pytest.raises(ValueError, match="batch size"):
        networks.train(net, X, Y, net.init(2), batch_size=0)


# -- curvature -----------------------------------------------------------------------------------
def test_hessian_matches_torch_func_and_is_symmetric():
    net = networks.MLP((3, 2), activation="sigmoid", skip=False)
    w = net.init(1, seed=2)[0].double()
    H = networks.hessian(net, w, X, Y)
    expected = func_hessian(lambda v: net.loss(v[None], X, Y)[0])(w)
    assert H.shape == (net.size, net.size)
    assert torch.allclose(H, expected, atol=1e-12)
    eigs = networks.eigenvalues(net, w, X, Y)
    assert torch.equal(eigs, eigs.sort().values)
    assert 0.0 <= curvature.index(eigs).item() <= 1.0


def test_hessian_at_the_origin_of_a_small_init_is_a_saddle_for_deep_linear_nets():
    net = networks.MLP((2,), activation="linear", loss="mse")
    eigs = networks.eigenvalues(net, torch.zeros(net.size, dtype=torch.float64), X, Y)
    assert eigs.min() < 0 < eigs.max()


def test_hessian_is_refused_for_big_networks():
    net = networks.MLP((40, 40))
    with pytest.raises(ValueError, match="at most 1,200 weights"):
        networks.hessian(net, torch.zeros(net.size), X, Y)

"""Optimisers: torch.optim is really what runs, and the hand-written second-order and perturbed
methods do what a hand calculation says on quadratics whose answer is known."""

import pytest
import torch

from core import descent, optimizers, surfaces

NAMES = [
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
    "newton",
    "saddle_free_newton",
    "perturbed_gd",
]
SADDLE = surfaces.get("saddle")  # x² − y²
BOWL = surfaces.get("bowl")  # x² + y²


def _xy(*rows) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float64)


def test_names_and_kinds():
    info = optimizers.names()
    assert list(info) == NAMES
    assert {k for k, v in info.items() if v.second_order} == {"newton", "saddle_free_newton"}
    assert {k for k, v in info.items() if v.stochastic} == {"perturbed_gd"}
    assert all(v.label and v.default_lr > 0 for v in info.values())


def test_bad_names_settings_and_lr_lengths_raise_value_errors():
    x0 = _xy((1.0, 1.0), (2.0, 2.0))
    with pytest.raises(ValueError, match="unknown optimiser"):
        optimizers.Stepper(x0, "lbfgs")
    with pytest.raises(ValueError, match="no setting"):
        optimizers.Stepper(x0, "adam", 0.1, None, momentum=0.9)
    with pytest.raises(ValueError, match="learning rates"):
        optimizers.Stepper(x0, "sgd", [0.1, 0.2, 0.3])


@pytest.mark.parametrize("name", NAMES)
def test_step_returns_loss_and_gradient_before_the_step(name):
    x0 = _xy((1.0, 2.0), (-0.5, 0.25), (3.0, -1.0))
    stepper = optimizers.Stepper(x0, name, 0.1)
    loss, grad = stepper.step(BOWL)
    assert loss.shape == (3,) and grad.shape == (3, 2)
    assert torch.allclose(loss, BOWL(x0), rtol=0, atol=1e-15)
    assert torch.allclose(grad, 2 * x0, rtol=0, atol=1e-15)
    assert not torch.equal(stepper.x, x0)  # it moved
    assert stepper.x.shape == x0.shape and not stepper.x.requires_grad


@pytest.mark.parametrize("name", NAMES)
def test_frozen_rows_stay_where_they_were_held(name):
    x0 = _xy((1.0, 2.0), (-0.5, 0.25), (3.0, -1.0))
    stepper = optimizers.Stepper(x0, name, 0.1)
    stepper.step(BOWL)
    held = stepper.x
    stepper.freeze(torch.tensor([False, True, False]), held)
    for _ in range(3):
        stepper.step(BOWL)
    assert torch.equal(stepper.x[1], held[1])
    assert not torch.equal(stepper.x[0], held[0])


@pytest.mark.parametrize(
    "name, make",
    [
        ("adam", lambda p, lr: torch.optim.Adam([p], lr=lr, betas=(0.8, 0.99))),
        ("nesterov", lambda p, lr: torch.optim.SGD([p], lr=lr, momentum=0.7, nesterov=True)),
        ("rmsprop", lambda p, lr: torch.optim.RMSprop([p], lr=lr, alpha=0.95)),
    ],
)
def test_descent_is_torch_optim_on_one_point(name, make):
    s = surfaces.get("himmelblau")
    hyper = {
        "adam": dict(beta1=0.8, beta2=0.99),
        "nesterov": dict(momentum=0.7),
        "rmsprop": dict(alpha=0.95),
    }[name]
    x0 = _xy((0.5, -1.5))
    run = descent.run(s, x0, name, lr=0.005, steps=60, **hyper)
    p = torch.nn.Parameter(x0.clone())
    opt = make(p, 0.005)
    hand = [x0[0].clone()]
    for _ in range(60):
        opt.zero_grad()
        s(p).sum().backward()
        opt.step()
        hand.append(p.detach()[0].clone())
    hand = torch.stack(hand)
    assert torch.isfinite(hand).all() and not run.diverged.any()
    assert torch.allclose(run.path[:, 0], hand, rtol=0, atol=1e-10)


def test_newton_reaches_the_bottom_of_a_quadratic_bowl_in_one_step():
    ravine = surfaces.get("ravine")  # ½x² + 10y²: different curvature per axis
    starts = _xy((-2.5, 2.0), (1.0, -0.3), (2.9, 2.9))
    for s in (BOWL, ravine):
        run = descent.run(s, starts, "newton", lr=1.0, steps=1)
        assert run.final.abs().max() < 1e-12
    sgd = descent.run(ravine, starts, "sgd", lr=0.05, steps=1)
    assert sgd.final.abs().max() > 0.1  # gradient descent does not


def test_newton_jumps_onto_the_saddle_and_saddle_free_newton_moves_away():
    start = _xy((1.0, 1e-3))
    newton = descent.run(SADDLE, start, "newton", lr=1.0, steps=1)
    assert newton.final.abs().max() < 1e-12  # Newton is drawn to the saddle (0, 0)
    sfn = descent.run(SADDLE, start, "saddle_free_newton", lr=1.0, steps=1)
    x, y = sfn.final[0].tolist()
    assert abs(y) > 1e-3  # escapes along the downhill direction
    assert abs(x) < 0.01  # and still descends the uphill direction
    assert sfn.final_loss[0] < SADDLE(start)[0]


def test_saddle_free_newton_keeps_escaping():
    run = descent.run(SADDLE, _xy((1.0, 1e-3)), "saddle_free_newton", lr=1.0, steps=5)
    y = run.path[:, 0, 1].abs()
    assert (y[1:] > y[:-1]).all()
    assert (run.loss[1:, 0] < run.loss[:-1, 0]).all()


def test_perturbed_gd_leaves_an_exact_saddle_that_gradient_descent_cannot():
    start = _xy((0.0, 0.0), (0.0, 0.0), (0.0, 0.0))
    sgd = descent.run(SADDLE, start, "sgd", lr=0.1, steps=60)
    assert torch.equal(sgd.final, start)  # zero gradient: plain GD never moves
    pgd = descent.run(SADDLE, start, "perturbed_gd", lr=0.1, steps=60, seed=3)
    assert (pgd.final[:, 1].abs() > 0.1).all()  # the kick lets the downhill direction grow
    assert (pgd.final_loss < -0.01).all()
    assert pgd.path[1].norm(dim=-1).max() <= 0.1 + 1e-12  # the kick lies in the radius-0.1 ball


def test_perturbed_gd_kicks_only_when_the_gradient_is_small():
    # On a steep slope it is plain gradient descent, draw for draw.
    start = _xy((2.0, -1.5), (1.0, 2.5))
    pgd = descent.run(BOWL, start, "perturbed_gd", lr=0.01, steps=20, seed=1)
    sgd = descent.run(BOWL, start, "sgd", lr=0.01, steps=20)
    assert torch.allclose(pgd.path, sgd.path, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["perturbed_gd", "adam"])
def test_stochastic_runs_repeat_for_a_seed_and_differ_across_seeds(name):
    start = torch.zeros(5, 2, dtype=torch.float64)  # at the minimum: only randomness moves it
    noise = 0.0 if name == "perturbed_gd" else 0.5
    a = descent.run(BOWL, start, name, lr=0.05, steps=50, seed=7, noise=noise)
    b = descent.run(BOWL, start, name, lr=0.05, steps=50, seed=7, noise=noise)
    c = descent.run(BOWL, start, name, lr=0.05, steps=50, seed=8, noise=noise)
    assert torch.equal(a.path, b.path)
    assert not torch.allclose(a.path, c.path)
    assert a.path.abs().max() > 0  # it really moved

"""descent.run: N restarts in one tensor are exactly N separate runs; runs that blow up or leave
are frozen and flagged; records, dtypes, noise and progress behave as documented."""

import pytest
import torch

from core import descent, optimizers, surfaces

DETERMINISTIC = [k for k, v in optimizers.names().items() if not v.stochastic]
HIMMELBLAU = surfaces.get("himmelblau")
BOWL = surfaces.get("bowl")
SADDLE = surfaces.get("saddle")
STARTS = torch.tensor(
    [[0.0, 0.0], [-1.0, 3.5], [-2.0, -2.5], [3.5, -1.0], [1.2, -0.4], [-0.3, 1.1]],
    dtype=torch.float64,
)


def _lr(name: str) -> float:
    """The default step, smaller for the plain gradient methods on Himmelblau's steep walls."""
    scale = 0.2 if name in ("sgd", "momentum", "nesterov") else 1.0
    return optimizers.info(name).default_lr * scale


def _same(batched: descent.Run, i: int, alone: descent.Run) -> None:
    pairs = [
        (batched.path[:, i], alone.path[:, 0]),
        (batched.loss[:, i], alone.loss[:, 0]),
        (batched.final[i], alone.final[0]),
        (batched.final_loss[i], alone.final_loss[0]),
    ]
    for got, want in pairs:
        assert torch.allclose(got, want, rtol=0, atol=1e-8)
    assert batched.stopped_at[i] == alone.stopped_at[0]


def _row(run: descent.Run, i: int) -> descent.Run:
    """Restart i of a run, as if it had been run alone."""
    return descent.Run(
        run.path[:, i : i + 1],
        run.loss[:, i : i + 1],
        run.grad_norm[:, i : i + 1],
        run.steps,
        run.final[i : i + 1],
        run.final_loss[i : i + 1],
        run.diverged[i : i + 1],
        run.stopped_at[i : i + 1],
    )


def test_deterministic_list_is_the_design_list():
    assert DETERMINISTIC == [
        "sgd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "newton",
        "saddle_free_newton",
    ]


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_batched_equals_one_at_a_time(name):
    lr = _lr(name)
    batched = descent.run(HIMMELBLAU, STARTS, name, lr=lr, steps=100)
    assert batched.path.shape == (101, 6, 2)
    moved = (batched.final - STARTS).norm(dim=-1)
    assert (moved > 0.5).all()  # every restart really moves
    for i in range(len(STARTS)):
        _same(batched, i, descent.run(HIMMELBLAU, STARTS[i : i + 1], name, lr=lr, steps=100))


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_a_learning_rate_per_restart_equals_separate_runs(name):
    # A run with one lr is N one-at-a-time runs (the test above): compare row by row with it.
    lrs = [_lr(name) if i % 2 else _lr(name) / 3 for i in range(len(STARTS))]
    batched = descent.run(HIMMELBLAU, STARTS, name, lr=lrs, steps=100)
    alone = {lr: descent.run(HIMMELBLAU, STARTS, name, lr=lr, steps=100) for lr in set(lrs)}
    for i, lr in enumerate(lrs):
        _same(batched, i, _row(alone[lr], i))
    a, b = alone.values()
    assert not torch.allclose(a.path, b.path)  # the lr matters


@pytest.mark.parametrize("name", ["sgd", "adam", "newton"])
def test_noise_reaches_each_restart_whatever_its_learning_rate_group(name):
    # Noise is drawn for all N rows in row order, so restart i gets the same draws whether the
    # rows are split into one parameter group per learning rate or not.
    lrs = [0.02, 0.01, 0.01, 0.02, 0.01, 0.02]
    kw = dict(steps=40, seed=5, noise=2.0)
    batched = descent.run(HIMMELBLAU, STARTS, name, lr=lrs, **kw)
    alone = {lr: descent.run(HIMMELBLAU, STARTS, name, lr=lr, **kw) for lr in set(lrs)}
    for i, lr in enumerate(lrs):
        _same(batched, i, _row(alone[lr], i))


def test_noise_repeats_for_a_seed_and_restarts_get_different_draws():
    start = torch.zeros(4, 2, dtype=torch.float64)
    a = descent.run(BOWL, start, "sgd", lr=0.05, steps=30, seed=2, noise=1.0)
    b = descent.run(BOWL, start, "sgd", lr=0.05, steps=30, seed=2, noise=1.0)
    c = descent.run(BOWL, start, "sgd", lr=0.05, steps=30, seed=3, noise=1.0)
    assert torch.equal(a.path, b.path) and not torch.allclose(a.path, c.path)
    assert not torch.allclose(a.final[0], a.final[1])


def _flat(xy: torch.Tensor) -> torch.Tensor:
    return (xy * 0).sum(-1)


@pytest.mark.parametrize("anneal", [True, False])
def test_annealed_noise_shrinks_over_the_run(anneal):
    start = torch.zeros(2000, 2, dtype=torch.float64)
    run = descent.run(_flat, start, "sgd", lr=1.0, steps=20, noise=1.0, anneal=anneal, seed=0)
    moves = run.path[1:] - run.path[:-1]  # on a flat surface every move is the noise
    first, second = moves[:10].var(), moves[10:].var()
    if anneal:
        assert first > 3 * second
        assert moves[-1].abs().max() < moves[0].abs().max()
    else:
        assert 0.9 < first / second < 1.1


def test_huge_step_diverges_and_is_frozen_at_its_last_point_inside_the_box():
    starts = torch.tensor([[2.0, 1.0], [0.5, -0.3], [0.0, 0.0]], dtype=torch.float64)
    run = descent.run(BOWL, starts, "sgd", lr=5.0, steps=30)  # each step multiplies by −9
    assert run.diverged.tolist() == [True, True, False]
    assert (run.stopped_at[:2] >= 0).all() and run.stopped_at[2] == -1
    assert torch.isfinite(run.path).all() and torch.isfinite(run.final).all()
    (x0, x1), (y0, y1) = BOWL.box()
    for i in range(2):
        p = run.final[i]
        assert x0 <= p[0] <= x1 and y0 <= p[1] <= y1
        assert torch.equal(run.path[run.stopped_at[i], i], p)  # frozen from then on
        assert torch.equal(run.path[-1, i], p)
        nxt = p - 5.0 * 2 * p  # the step it was stopped from taking leaves the box
        assert not (x0 <= nxt[0] <= x1 and y0 <= nxt[1] <= y1)


@pytest.mark.parametrize("name", ["adam", "newton", "momentum"])
def test_overflow_is_caught_without_nan_in_the_path(name):
    starts = torch.tensor([[2.0, 1.0], [0.5, -0.3]], dtype=torch.float32)
    run = descent.run(BOWL, starts, name, lr=1e30, steps=10)
    assert run.diverged.all() and (run.stopped_at == 1).all()
    assert torch.isfinite(run.path).all()
    assert torch.equal(run.final, starts)


def test_a_formula_undefined_at_the_start_is_frozen_at_step_0():
    s = surfaces.parse("log(x)")  # core/expressions.py is in place: surfaces imports it
    starts = torch.tensor([[-1.0, 0.5], [2.0, 0.0], [0.3, 1.0]], dtype=torch.float64)
    for name in ("sgd", "adam", "newton", "saddle_free_newton"):
        run = descent.run(s, starts, name, lr=0.1, steps=10)
        assert run.diverged[0] and run.stopped_at[0] == 0
        assert torch.equal(run.final[0], starts[0])
        assert torch.isfinite(run.path).all()
        # what is recorded belongs to the recorded point: |∇ log x| = 1/|x|
        assert torch.allclose(run.grad_norm, 1 / run.path[..., 0].abs())
    sgd = descent.run(s, starts, "sgd", lr=0.1, steps=10)
    assert sgd.diverged[2] and sgd.stopped_at[2] > 0  # walked past x = 0 into NaN: held before it
    assert sgd.final[2, 0] > 0 and torch.isfinite(sgd.final_loss[2])


def test_runs_that_fall_off_a_surface_without_a_floor_leave_the_box_and_are_flagged():
    assert not SADDLE.bounded_below
    starts = torch.tensor([[1.5, 1e-3], [0.5, -1e-2], [-1.0, 0.2]], dtype=torch.float64)
    (x0, x1), (y0, y1) = SADDLE.box()
    for name in ("sgd", "adam"):
        run = descent.run(SADDLE, starts, name, lr=0.2, steps=200)
        assert run.diverged.all() and (run.stopped_at > 0).all()
        assert torch.isfinite(run.final_loss).all()
        f = run.final
        assert ((f[:, 0] >= x0) & (f[:, 0] <= x1) & (f[:, 1] >= y0) & (f[:, 1] <= y1)).all()
        assert (f[:, 1].abs() > 0.5 * y1).all()  # it left along the downhill direction


@pytest.mark.parametrize(
    "steps, every, first, records",
    [(10, 1, None, 11), (10, 3, 2, 5), (9, 3, 0, 4), (0, 1, None, 1), (7, 10, 4, 2)],
)
def test_record_every_and_record_first_shapes(steps, every, first, records):
    starts = STARTS[:4]
    run = descent.run(
        HIMMELBLAU, starts, "adam", lr=0.05, steps=steps, record_every=every, record_first=first
    )
    m = 4 if first is None else min(first, 4)
    assert run.path.shape == (records, m, 2)
    assert run.loss.shape == run.grad_norm.shape == (records, m)
    assert run.final.shape == (4, 2) and run.final_loss.shape == (4,)
    assert run.diverged.shape == run.stopped_at.shape == (4,)
    expected = list(range(0, steps, every)) + [steps]
    assert run.steps.tolist() == expected
    full = descent.run(HIMMELBLAU, starts, "adam", lr=0.05, steps=steps)
    assert torch.equal(run.path, full.path[expected][:, :m])
    assert torch.equal(run.final, full.final)


def test_recorded_loss_and_gradient_norm_belong_to_the_recorded_points():
    run = descent.run(HIMMELBLAU, STARTS, "momentum", lr=0.002, steps=15)
    assert torch.allclose(run.loss, HIMMELBLAU(run.path), rtol=1e-12, atol=1e-12)
    x, y = run.path[..., 0], run.path[..., 1]
    gx = 4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7)
    gy = 2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7)
    assert torch.allclose(run.grad_norm, torch.hypot(gx, gy), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", ["adam", "newton", "perturbed_gd"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dtype_is_kept(name, dtype):
    run = descent.run(HIMMELBLAU, STARTS.to(dtype), name, lr=0.01, steps=5, noise=0.1)
    for t in (run.path, run.loss, run.grad_norm, run.final, run.final_loss):
        assert t.dtype == dtype


@pytest.mark.parametrize("steps", [1, 7, 20, 45, 101])
def test_progress_rises_to_one(steps):
    seen = []
    descent.run(BOWL, STARTS[:2], "sgd", lr=0.1, steps=steps, progress=seen.append)
    assert seen and seen[-1] == 1.0
    assert all(0 < a < b for a, b in zip(seen, seen[1:]))
    assert len(seen) <= min(steps, 41)  # at most about 40 updates, not one per step


def test_bad_shapes_raise():
    with pytest.raises(ValueError):
        descent.run(BOWL, torch.zeros(3, 3), "sgd")
    with pytest.raises(ValueError):
        descent.run(BOWL, torch.zeros(3, 2), "sgd", record_every=0)

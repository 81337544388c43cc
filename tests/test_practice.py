"""core.practice and ui.practice_views: a learning-rate sweep is ONE batched training whose
restarts equal runs trained alone, settings share their seeds, summaries leave diverged restarts
out (counted, never as numbers), and the sweep chart marks them without a NaN in its data."""

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from core import BudgetError, data, networks, practice
from lessons.practice import charts as views

LN2 = math.log(2)


def runs_of(loss, overflowed=None, diverged=None) -> practice.Runs:
    loss = np.asarray(loss, dtype=float)
    R = loss.shape[1]
    return practice.Runs(
        loss,
        np.full(R, -1) if overflowed is None else np.asarray(overflowed),
        np.zeros(R, bool) if diverged is None else np.asarray(diverged),
    )


def chart_data(chart) -> list[dict]:
    """Every row of every dataset of an Altair chart's Vega-Lite spec."""
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


# -- one batched run, same seeds ---------------------------------------------------------------


def test_a_sweep_is_one_batched_training_with_a_learning_rate_per_restart(monkeypatch):
    calls = []
    real = networks.train

    def spy(net, X, y, W0, optimizer, lr, steps, **kw):
        calls.append((W0.shape[0], list(lr)))
        return real(net, X, y, W0, optimizer, lr, steps, **kw)

    monkeypatch.setattr(networks, "train", spy)
    lrs = [0.01, 0.1, 1.0]
    runs = practice.sweep(practice.Setting(depth=1, width=4, optimizer="sgd"), lrs, 5, 3)
    assert len(calls) == 1
    count, per_restart = calls[0]
    assert count == 15 and per_restart == [v for v in lrs for _ in range(5)]
    assert len(runs) == 3 and all(r.loss.shape == (4, 5) for r in runs)
    # every learning rate starts from the same five initial weights (the same seeds)
    assert all(np.array_equal(r.start, runs[0].start) for r in runs)


def test_batched_settings_equal_each_trained_alone_in_float64():
    base = practice.Setting(depth=2, width=6, optimizer="adam", lr=0.02)
    settings = [
        base,
        replace(base, lr=0.2),
        replace(base, init="small", scale=0.05),
        replace(base, init="he", scale=None, lr=0.005),
    ]
    together = practice.train(settings, 4, 25, seed=3, dtype=torch.float64)
    for s, r in zip(settings, together):
        (alone,) = practice.train([s], 4, 25, seed=3, dtype=torch.float64)
        np.testing.assert_allclose(r.loss, alone.loss, rtol=1e-12, atol=1e-14)


def test_settings_that_change_the_network_train_separately_but_on_the_same_seeds(monkeypatch):
    calls = []
    real = networks.train
    monkeypatch.setattr(networks, "train", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    base = practice.Setting(depth=1, width=4, batch_size=8)
    settings = practice.levels("activation", base)
    runs = practice.train(list(settings.values()), 3, 5)
    assert len(calls) == 3 and {n.activation for n in calls} == {"sigmoid", "tanh", "relu"}
    assert all(r.loss.shape == (6, 3) for r in runs)
    # the same seed gives the same minibatches: a batch size comparison is reproducible
    again = practice.train(list(settings.values()), 3, 5)
    assert all(np.array_equal(a.loss, b.loss) for a, b in zip(runs, again))


def test_requests_beyond_the_page_budget_are_refused_before_training():
    big = practice.Setting(depth=8, width=64)
    with pytest.raises(BudgetError, match="too large"):
        practice.train([big] * 4, 32, 1000)
    with pytest.raises(ValueError):
        practice.train([practice.Setting()], 0, 10)


# -- what training shows -----------------------------------------------------------------------


def test_too_small_a_rate_crawls_and_too_large_diverges():
    lrs = [1e-3, 1.0, 100.0]
    runs = practice.sweep(practice.Setting(depth=1, width=8, optimizer="sgd"), lrs, 4, 150)
    table = practice.sweep_table(lrs, runs)
    assert table["diverged"].tolist()[:2] == [0, 0] and table["diverged"][2] == 4
    assert np.isnan(table["median"][2])  # never summarised as a number
    assert table["median"][0] > 0.6 and table["median"][1] < 0.2  # crawls vs trains
    assert practice.best_range(table, float(np.median(runs[0].start))) == (1.0, 1.0)


def test_the_hard_setting_stays_on_the_plateau_and_the_recipe_trains():
    hard = practice.hard("circles", depth=4, width=8, lr=0.5, scale=0.1)
    good = practice.recipe(hard, list(practice.INGREDIENTS))
    assert (good.activation, good.init, good.optimizer, good.skip) == ("relu", "he", "adam", True)
    a, b = practice.train([hard, good], 4, 200)
    assert abs(np.median(a.final) - LN2) < 0.01
    assert practice.outcome(a, 0.1).reached == 0.0
    assert practice.outcome(b, 0.1).reached == 1.0


def test_a_restart_whose_numbers_overflow_is_nan_from_then_on_and_counted():
    s = practice.Setting(
        depth=3, width=8, activation="relu", init="large", scale=10.0, optimizer="momentum", lr=3.0
    )
    (r,) = practice.train([s], 8, 60)
    over = r.overflowed_at >= 0
    assert over.any() and r.diverged[over].all()
    for i in np.flatnonzero(over):
        k = r.overflowed_at[i]
        assert np.isfinite(r.loss[:k, i]).all() and np.isnan(r.loss[k:, i]).all()


# -- summaries ---------------------------------------------------------------------------------


def test_diverged_restarts_are_left_out_of_the_summary_but_counted():
    start = 0.7
    loss = np.array([[start] * 4, [0.1, 0.2, 5.0, np.nan]])
    r = practice.runs_of(
        networks.Fit(
            weights=None,
            loss=torch.tensor(loss),
            grad_norm=None,
            diverged=torch.tensor([False, False, False, True]),
            path=None,
            stopped_at=torch.tensor([-1, -1, -1, 1]),
        )
    )
    assert r.diverged.tolist() == [False, False, True, True]  # 5.0 rose above 1.1 × start
    table = practice.sweep_table([0.1], [r])
    assert table["median"][0] == pytest.approx(0.15)
    assert table["diverged"][0] == 2 and table["overflowed"][0] == 1
    everything = practice.sweep_table([0.1], [runs_of(loss[:, 2:], [-1, 1], [True, True])])
    assert np.isnan(everything["median"][0]) and everything["diverged"][0] == 2


def test_a_loss_within_ten_percent_of_its_start_has_not_diverged():
    r = practice.runs_of(
        networks.Fit(
            weights=None,
            loss=torch.tensor([[0.69], [0.75]]),
            grad_norm=None,
            diverged=torch.tensor([False]),
            path=None,
            stopped_at=torch.tensor([-1]),
        )
    )
    assert not r.diverged[0]


@pytest.mark.parametrize(
    "median, diverged, expected",
    [
        ([0.6, 0.3, 0.05, 0.04, 0.2], [0, 0, 0, 0, 3], (0.01, 0.1)),  # 0.05 is 90% of the way
        ([0.6, 0.3, 0.05, 0.04, 0.045], [0, 0, 0, 1, 0], (1.0, 1.0)),  # a diverged run splits it
        (
            [0.6, 0.05, 0.6, 0.05, 0.6],
            [0, 0, 0, 0, 0],
            (0.001, 0.001),
        ),  # contiguous around the best
        ([np.nan] * 5, [4] * 5, None),
    ],
)
def test_the_best_range(median, diverged, expected):
    table = {
        "lr": np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0]),
        "median": np.array(median),
        "diverged": np.array(diverged),
    }
    assert practice.best_range(table, start=0.7) == expected


def test_steps_to_reach_a_target_and_the_outcome():
    loss = np.array([[0.7, 0.7, 0.7], [0.3, 0.6, 0.7], [0.05, 0.2, np.nan], [0.01, 0.09, np.nan]])
    r = runs_of(loss, overflowed=[-1, -1, 2], diverged=[False, False, True])
    assert practice.steps_to(r, 0.1).tolist() == [2, 3, -1]
    o = practice.outcome(r, 0.1)
    assert o.reached == pytest.approx(2 / 3) and o.median_steps == 2.5
    assert o.median_final == pytest.approx(0.05) and (o.diverged, o.restarts) == (1, 3)
    never = practice.outcome(r, 1e-6)
    assert never.reached == 0 and math.isnan(never.median_steps)


def test_the_band_skips_overflowed_restarts_and_has_no_nan():
    loss = np.array([[1.0, 2.0, 3.0], [0.5, 1.0, np.nan], [np.nan, np.nan, np.nan], [0.1] * 3])
    b = practice.band(runs_of(loss))
    assert b["step"].tolist() == [0, 1, 3]
    assert b["alive"].tolist() == [3, 2, 3]
    assert b["median"].tolist() == pytest.approx([2.0, 0.75, 0.1])
    assert all(np.isfinite(v).all() for v in b.values())
    long = practice.band(runs_of(np.ones((1001, 2))), points=50)
    assert len(long["step"]) == 50 and long["step"][-1] == 1000


def test_lr_grid_is_log_spaced_and_rounded():
    assert practice.lr_grid(1e-3, 100, 6) == [0.001, 0.01, 0.1, 1.0, 10.0, 100.0]
    assert practice.lr_grid(0.5, 0.5, 4) == [0.5]
    with pytest.raises(ValueError):
        practice.lr_grid(0, 1, 3)


# -- comparisons and presets --------------------------------------------------------------------


@pytest.mark.parametrize("choice", list(practice.CHOICES))
def test_every_comparison_holds_the_baseline_once_and_changes_one_thing(choice):
    base = practice.Setting(depth=3, width=16, optimizer="momentum", lr=0.05)
    out = practice.levels(choice, base, small=0.01, large=5.0, lrs={"sgd": 0.5, "adam": 0.01})
    baseline = [k for k in out if k.endswith("(baseline)")]
    assert len(baseline) == 1 and out[baseline[0]] == base and len(out) >= 2
    field = {
        "init": ("init", "scale"),
        "activation": ("activation",),
        "optimizer": ("optimizer", "lr"),
        "skip": ("skip",),
        "width": ("width",),
        "depth": ("depth",),
        "batch": ("batch_size",),
    }[choice]
    for s in out.values():
        assert replace(s, **{f: getattr(base, f) for f in field}) == base


def test_comparison_values():
    base = practice.Setting(width=16, depth=3, init="xavier", optimizer="momentum", lr=0.05)
    init = practice.levels("init", base, small=0.02, large=7.0)
    assert list(init) == [
        "too small: N(0, 0.02²)",
        "Xavier (Glorot) (baseline)",
        "He",
        "too large: N(0, 7²)",
    ]
    opt = practice.levels("optimizer", base, lrs={"sgd": 0.5, "momentum": 9.0, "adam": 0.01})
    assert [(s.optimizer, s.lr) for s in opt.values()] == [
        ("sgd", 0.5),
        ("momentum", 0.05),
        ("adam", 0.01),
    ]
    assert [s.width for s in practice.levels("width", base).values()] == [2, 8, 16, 32]
    assert [s.batch_size for s in practice.levels("batch", base).values()] == [8, 32, None]
    odd = replace(base, init="small", scale=0.05)  # a baseline scale other than the compared one
    assert "too small: N(0, 0.05²) (baseline)" in practice.levels("init", odd, small=0.01)
    with pytest.raises(ValueError):
        practice.levels("colour", base)


def test_recipe_ingredients_switch_on_one_at_a_time():
    hard = practice.hard(depth=5)
    assert (hard.activation, hard.init, hard.optimizer, hard.skip) == (
        "sigmoid",
        "small",
        "sgd",
        False,
    )
    assert practice.recipe(hard, []) == hard
    only_adam = practice.recipe(hard, ["adam"], adam_lr=0.003)
    assert (only_adam.optimizer, only_adam.lr, only_adam.activation) == ("adam", 0.003, "sigmoid")
    with pytest.raises(ValueError, match="unknown ingredient"):
        practice.recipe(hard, ["batchnorm"])


# -- the sweep chart ---------------------------------------------------------------------------


def sweep_table_with_divergence():
    return {
        "lr": np.array([0.01, 0.1, 1.0, 10.0]),
        "median": np.array([0.6, 0.05, 0.3, np.nan]),
        "p10": np.array([0.55, 0.04, 0.1, np.nan]),
        "p90": np.array([0.65, 0.07, 0.5, np.nan]),
        "diverged": np.array([0, 0, 3, 8]),
        "overflowed": np.array([0, 0, 0, 2]),
        "restarts": np.array([8, 8, 8, 8]),
    }


def test_the_sweep_chart_marks_diverged_runs_and_holds_no_nan():
    table = sweep_table_with_divergence()
    chart = views.sweep_chart(table, (0.1, 0.1), "plain SGD")
    rows = chart_data(chart)
    numbers = [v for row in rows for v in row.values() if isinstance(v, float)]
    assert numbers and all(math.isfinite(v) for v in numbers)
    texts = {row.get("diverged_text") for row in rows}
    assert {"3/8 diverged", "all 8 diverged"} <= texts
    medians = [row["median"] for row in rows if "median" in row]
    assert sorted(medians) == [0.05, 0.3, 0.6]  # the all-diverged rate has no point
    assert "all 8 diverged" in chart.to_dict()["description"]
    marks = [layer["mark"] for layer in chart.to_dict()["layer"]]
    assert {"type": "point", "shape": "cross"}.items() <= next(
        m for m in marks if m.get("shape") == "cross"
    ).items()


def test_band_and_restart_frames_have_no_nan_and_floor_zero_losses():
    loss = np.array([[0.7, 0.7], [0.0, np.nan], [0.0, np.nan]])
    r = runs_of(loss, overflowed=[-1, 1], diverged=[False, True])
    bands = views.band_frame({"a": practice.band(r)})
    lines = views.restart_frame({"a": r.loss})
    for df in (bands, lines):
        assert not df.isna().any().any()
    assert lines["loss"].min() == views.FLOOR and len(lines) == 4
    chart = views.curves_chart(bands, 0.1, restarts=lines)
    assert all(
        math.isfinite(v) for row in chart_data(chart) for v in row.values() if isinstance(v, float)
    )


def test_the_band_is_the_same_with_or_without_overflowed_restarts_elsewhere():
    """The fast path (no NaN anywhere) gives the quantiles nanquantile gives."""
    rng = np.random.default_rng(0)
    loss = rng.lognormal(size=(300, 16))
    clean = practice.band(practice.Runs(loss, np.full(16, -1), np.zeros(16, bool)))
    with_nan = loss.copy()
    with_nan[-1, 0] = np.nan  # one restart overflowed at the very last step
    mixed = practice.band(practice.Runs(with_nan, np.full(16, -1), np.zeros(16, bool)))
    for k in ("p10", "median", "p90"):
        np.testing.assert_allclose(clean[k][:-1], mixed[k][:-1], rtol=0, atol=0)
        np.testing.assert_allclose(
            clean[k],
            np.quantile(loss[clean["step"]], {"p10": 0.1, "median": 0.5, "p90": 0.9}[k], axis=1),
        )


def test_sharpness_of_all_restarts_at_once_equals_each_restarts_own_hessian():
    setting = practice.Setting("moons", 1, 4, "tanh", False, "xavier", None, "sgd", 0.1)
    lam = practice.sharpness(setting, 3, seed=2)
    net = setting.net()
    X, y = data.make("moons", n=practice.POINTS, noise=practice.NOISE, seed=2)
    W0 = setting.init_weights(3, 2).double()
    one_at_a_time = [networks.eigenvalues(net, w, X.double(), y.double())[-1] for w in W0]
    np.testing.assert_allclose(lam, torch.stack(one_at_a_time).numpy(), rtol=1e-10)
    assert (lam > 0).all()


def test_sharpness_refuses_a_network_too_large_for_its_hessian():
    big = practice.Setting("moons", 4, 32, "tanh", False, "xavier", None, "sgd", 0.1)
    with pytest.raises(ValueError, match="Hessian"):
        practice.sharpness(big, 2)

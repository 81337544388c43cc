"""core.basins: the basin map's labels and shares, the restart statistics, "good enough", and the
network restarts — checked on surfaces whose answers are known."""

import dataclasses

import numpy as np
import pytest
import torch

from core import BudgetError, basins, descent, surfaces
from lessons.restarts import charts as restart_views

DOUBLE_WELL = "(x**2 - 1)**2 + y**2"


def shares(m: basins.BasinMap) -> dict[int, float]:
    return {code: share for code, _, _, share in m.shares}


def test_double_well_minima_are_found_for_a_typed_formula():
    found = basins.known_minima(surfaces.parse(DOUBLE_WELL))
    assert sorted((round(x, 6), round(y, 6), round(v, 9)) for x, y, v in found) == [
        (-1.0, 0.0, 0.0),
        (1.0, 0.0, 0.0),
    ]
    assert basins.global_ids(found) == (0, 1)


def test_symmetric_double_well_splits_half_and_half():
    s = surfaces.parse(DOUBLE_WELL)
    m = basins.basin_map(s, n=40, optimizer="sgd", lr=0.01, steps=500)
    left = next(i for i, (x, _, _) in enumerate(m.minima) if x < 0)
    assert shares(m) == {left: 0.5, 1 - left: 0.5}
    assert m.global_share == 1.0
    # Every start left of the ridge x = 0 ends in the left well, and the other way round.
    assert (m.codes[:, m.xs < 0] == left).all() and (m.codes[:, m.xs > 0] == 1 - left).all()


def test_a_start_on_the_ridge_stays_on_the_saddle():
    """With an odd grid one column starts exactly on x = 0, where the x-slope is zero: those runs
    slide down to the saddle at the origin and stop there."""
    s = surfaces.parse(DOUBLE_WELL)
    m = basins.basin_map(s, n=41, optimizer="sgd", lr=0.05, steps=400, samples=0)
    middle = m.codes[:, 20]
    assert m.xs[20] == 0 and (middle == basins.ELSEWHERE).all()
    assert shares(m)[basins.ELSEWHERE] == pytest.approx(1 / 41)


def test_six_hump_camel_two_global_basins_match_by_symmetry():
    """f(−x, −y) = f(x, y), and the cell centres are symmetric too: the two global minima get
    the same share of starts, as do each pair of mirrored local minima."""
    s = surfaces.get("six_hump_camel")
    m = basins.basin_map(s, n=60, optimizer="sgd", lr=0.01, steps=500, dtype=torch.float64)
    sh = shares(m)
    assert sh[0] == pytest.approx(sh[1], abs=2 / 3600)
    assert sh[2] == pytest.approx(sh[3], abs=2 / 3600)
    assert m.global_share == pytest.approx(sh[0] + sh[1])
    assert 0.5 < m.global_share < 0.7


def test_batched_map_equals_one_start_at_a_time():
    s = surfaces.get("himmelblau")
    m = basins.basin_map(
        s, n=6, optimizer="adam", lr=0.05, steps=200, samples=0, dtype=torch.float64
    )
    xs, ys = basins.cell_centres(s, 6)
    minima = basins.known_minima(s)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            start = torch.tensor([[x, y]], dtype=torch.float64)
            run = descent.run(s, start, "adam", lr=0.05, steps=200)
            assert m.codes[i, j] == int(basins.label(s, start, run, minima)[0])


def test_sample_paths_start_inside_and_end_where_labelled():
    s = surfaces.get("himmelblau")
    m = basins.basin_map(s, n=10, optimizer="sgd", lr=0.01, steps=300, samples=2)
    assert m.paths.shape[1] == 4 and len(m.path_codes) == 4
    for k, code in enumerate(m.path_codes):
        x, y, _ = m.minima[code]
        assert np.allclose(m.paths[-1, k], (x, y), atol=1e-3)


def test_escaped_and_diverged_are_told_apart():
    saddle = surfaces.get("saddle")  # falls away forever along y
    m = basins.basin_map(saddle, n=10, optimizer="sgd", lr=0.05, steps=300, samples=0)
    assert set(np.unique(m.codes)) == {basins.ESCAPED}
    bowl = surfaces.get("bowl")  # a step of 1.5 overshoots further every time: x ← −2x
    m = basins.basin_map(bowl, n=10, optimizer="sgd", lr=1.5, steps=100, samples=0)
    assert set(np.unique(m.codes)) == {basins.DIVERGED}
    assert m.global_share == 0.0


def test_still_moving_and_unlisted_minima():
    rosen = surfaces.get("rosenbrock")
    m = basins.basin_map(rosen, n=10, optimizer="sgd", lr=0.001, steps=20, samples=0)
    assert (m.codes == basins.MOVING).mean() > 0.9
    one_listed = dataclasses.replace(surfaces.parse(DOUBLE_WELL), minima=((1.0, 0.0, 0.0),))
    m = basins.basin_map(one_listed, n=10, optimizer="sgd", lr=0.05, steps=300, samples=0)
    assert shares(m) == {0: 0.5, basins.UNLISTED: 0.5}
    # Unlisted but as deep as the global minimum counts as reaching it.
    assert m.global_share == 1.0


def test_a_curve_of_minima_counts_as_global():
    """deep_linear_2w lists a few points of its curve w₁w₂ = 1; runs that end elsewhere on the
    curve are at the global level, so they succeed."""
    s = surfaces.get("deep_linear_2w")
    r = basins.restarts(s, 40, "sgd", 0.05, 500, seed=0, dtype=torch.float64)
    settled = r.codes != basins.MOVING
    assert (r.codes == basins.UNLISTED).any()
    assert r.success[settled].all()


def test_budget_counts_surfaces_built_from_data():
    assert basins.step_cost(surfaces.get("himmelblau")) == 1.0
    deep = surfaces.get("deep_linear_2w")
    assert basins.step_cost(deep) > 5
    n = basins.largest_grid(deep, 500, "sgd")
    assert 20 < n < 200
    with pytest.raises(BudgetError):
        basins.basin_map(deep, n=200, optimizer="sgd", lr=0.05, steps=500)
    with pytest.raises(BudgetError):
        basins.basin_map(surfaces.get("himmelblau"), n=200, optimizer="newton", lr=1.0, steps=500)
    with pytest.raises(ValueError):
        basins.basin_map(surfaces.get("himmelblau"), n=201)
    with pytest.raises(ValueError):
        basins.restarts(surfaces.get("himmelblau"), n=basins.MAX_RESTARTS + 1)


def test_tolerance_is_below_half_the_gap_between_minima():
    s = surfaces.get("rastrigin")
    assert basins.tolerance(s, basins.known_minima(s)) < 0.5 * 0.995


# -- restart statistics -------------------------------------------------------------------------
def test_best_after_k_falls_to_the_best_run():
    losses = np.array([5.0, 3.0, 4.0, 1.0, 2.0, np.inf])
    usable = np.array([True, True, True, True, True, False])
    k, q = basins.best_after_k(losses, usable, shuffles=500, seed=1)
    assert k[0] == 1 and k[-1] == len(losses)
    assert (np.diff(q, axis=1) <= 0).all()  # more restarts never make the best worse
    assert (q[:, -1] == 1.0).all()
    assert q[0, 0] <= q[1, 0] <= q[2, 0]


def test_best_after_k_matches_a_loop_over_shuffles():
    """The vectorised cummin over shuffles against the plain loop, same permutations."""
    rng = np.random.default_rng(0)
    losses = rng.random(50)
    usable = np.ones(50, dtype=bool)
    k, q = basins.best_after_k(losses, usable, shuffles=30, seed=3, quantiles=(0.5,))
    g = torch.Generator().manual_seed(3)
    order = torch.argsort(torch.rand((30, 50), generator=g), dim=1).numpy()
    best = np.array([np.minimum.accumulate(losses[o]) for o in order])
    expected = torch.quantile(
        torch.tensor(best[:, k - 1]), 0.5, dim=0, interpolation="nearest"
    ).numpy()
    assert np.array_equal(q[0], expected)


def test_success_within_k_follows_independent_tries():
    success = np.zeros(2000, dtype=bool)
    success[::10] = True  # p = 0.1
    k, measured, predicted = basins.success_within_k(success, shuffles=1000, seed=0)
    assert np.allclose(predicted, 1 - 0.9**k)
    small = k <= 50
    assert np.abs(measured[small] - predicted[small]).max() < 0.05
    assert measured[-1] == 1.0
    _, none, pred0 = basins.success_within_k(np.zeros(20, dtype=bool))
    assert (none == 0).all() and (pred0 == 0).all()


def test_good_enough_measures_along_the_way_down():
    start = np.full(6, 10.0)
    final = np.array([0.0, 0.5, 5.0, 9.0, -50.0, 3.0])
    codes = np.array([0, 0, basins.ELSEWHERE, basins.MOVING, basins.ESCAPED, basins.DIVERGED])
    g = basins.good_enough(start, final, codes, within=0.05)
    assert (g.good, g.not_good, g.escaped, g.diverged) == (2, 2, 1, 1)
    assert g.best == 0.0 and g.reference == 10.0
    assert np.allclose(g.gap[:4], [0.0, 0.05, 0.5, 0.9]) and np.isnan(g.gap[4:]).all()
    # Shifting every loss (a negative minimum) changes nothing.
    shifted = basins.good_enough(start - 100, final - 100, codes, within=0.05)
    assert (shifted.good, shifted.not_good) == (2, 2)
    assert np.allclose(shifted.gap[:4], g.gap[:4])


def test_noise_is_seeded_and_changes_the_runs():
    s = surfaces.get("rastrigin")
    a = basins.restarts(s, 50, "sgd", 0.002, 200, seed=4, noise=50.0, anneal=True)
    b = basins.restarts(s, 50, "sgd", 0.002, 200, seed=4, noise=50.0, anneal=True)
    plain = basins.restarts(s, 50, "sgd", 0.002, 200, seed=4)
    assert np.array_equal(a.final_loss, b.final_loss)
    assert np.array_equal(a.starts, plain.starts)  # same starts, compared start for start
    assert not np.array_equal(a.final_loss, plain.final_loss)


def test_map_colours_group_many_minima_by_level():
    """ui.restart_views.categories: Rastrigin's hundred minima fit a colour-blind-safe palette."""
    s = surfaces.get("rastrigin")
    minima = basins.known_minima(s)
    codes = np.array([0, 1, 2, 5, 9, 30, 60, 100, basins.MOVING])
    index, names, colours = restart_views.categories(codes, minima)
    assert len(names) == len(colours) <= len(restart_views.MINIMA_COLOURS) + 1
    assert names[0] == "global minimum" and names[-1] == "still moving"
    assert index.shape == codes.shape and index.max() == len(names) - 1


# -- restarts of a real network ----------------------------------------------------------------
def test_xor_221_stalls_with_growing_weights():
    r = basins.net_restarts("xor", restarts=32, steps=500, optimizer="sgd", lr=3.16, seed=0)
    assert r.size == 9 and r.curves.shape == r.norms.shape == (len(r.curve_steps), 32)
    assert 0.05 < r.stalled.mean() < 0.6
    assert (r.final_loss[r.stalled] > 0.09).all() and (r.final_loss[~r.stalled] < 0.02).all()
    half = len(r.curve_steps) // 2
    assert (r.norms[-1, r.stalled] > r.norms[half, r.stalled]).all()  # still growing
    best, median, worst = (r.picks[k] for k in ("best", "median", "worst"))
    assert r.final_loss[best] <= r.final_loss[median] <= r.final_loss[worst]
    assert r.accuracy[best] == 1.0
    assert r.probs["best"].shape == (60, 60)
    assert np.allclose(r.curves[-1], r.final_loss)


def test_wider_xor_network_does_not_stall():
    r = basins.net_restarts("xor", hidden=(4,), restarts=32, steps=500, optimizer="sgd", lr=3.16)
    assert not r.stalled.any() and (r.accuracy == 1.0).all()

"""core.dimensions: exact values where they are known, batched == one at a time, the budget."""

import math

import numpy as np
import pytest
import torch

from core import BudgetError, curvature, data, networks, surfaces
from core import dimensions as dm

GOE2 = (2 - math.sqrt(2)) / 4  # exact share of 2×2 GOE matrices with both eigenvalues > 0


def sigma(p: float, n: int) -> float:
    return math.sqrt(p * (1 - p) / n)


# -- distances -------------------------------------------------------------------------------------


def test_distances_concentrate_like_one_over_root_d():
    r = dm.distances([1, 10, 100, 1000], points=150, seed=0)
    assert np.all(np.diff(r.spread) < 0)
    assert np.all(np.diff(r.contrast) < 0)
    # large d: mean distance √(d/6), spread √(0.35/d)
    assert r.mean[-1] == pytest.approx(math.sqrt(1000 / 6), rel=0.01)
    assert r.spread[-1] == pytest.approx(dm.spread_theory(1000), rel=0.1)
    assert all(abs(np.mean(s) - 1) < 1e-9 for s in r.scaled)


def test_distances_use_the_same_points_and_refuse_huge_requests():
    a = dm.distances([5, 50], points=40, seed=3)
    b = dm.distances([50], points=40, seed=3)
    assert a.mean[1] == b.mean[0]
    with pytest.raises(BudgetError):
        dm.distances([10_000], points=2000)
    with pytest.raises(ValueError):
        dm.distances([0, 3])


# -- grid search -----------------------------------------------------------------------------------


def test_grid_points_and_plain_durations():
    assert dm.grid_log10(10, 100) == pytest.approx(100)
    assert dm.grid_log10(2, 10) == pytest.approx(math.log10(1024))
    assert dm.count_words(dm.grid_log10(10, 3)) == "1,000"
    assert dm.count_words(9) == "1.0 billion"
    assert dm.duration_words(-1) == "less than 1 second"
    assert dm.duration_words(math.log10(90)) == "1.5 minutes"
    assert dm.duration_words(math.log10(3 * 86400)) == "3.0 days"
    assert dm.duration_words(math.log10(5e6 * 365.25 * 86400)) == "5.0 million years"
    universe = math.log10(dm.AGE_OF_UNIVERSE_S)
    assert dm.duration_words(universe + 40) == "1.0 × 10⁴⁰ ages of the universe"
    assert dm.duration_words(universe + 0.5) == "3.2 ages of the universe"


def test_the_rate_is_measured_on_a_network_of_about_100_weights():
    r = dm.measure_rate(seconds=0.02, batch=64)
    assert r.weights == 97 and r.per_second > 0


# -- random matrices -------------------------------------------------------------------------------


def test_goe_has_the_standard_normalisation():
    H = dm.goe(3, 200_000, torch.Generator().manual_seed(0), torch.float64)
    assert torch.equal(H, H.transpose(1, 2))
    off, diag = H[:, 0, 1], H[:, 1, 1]
    assert off.var().item() == pytest.approx(1.0, abs=0.01)
    assert diag.var().item() == pytest.approx(2.0, abs=0.02)
    assert abs(off.mean().item()) < 0.01


def test_cholesky_agrees_with_eigvalsh():
    H = dm.goe(4, 50_000, torch.Generator().manual_seed(1))
    by_eigs = torch.linalg.eigvalsh(H)[:, 0] > 0
    assert torch.equal(dm.positive_definite(H), by_eigs)
    assert 0 < int(by_eigs.sum()) < len(by_eigs)


def test_goe_share_matches_exact_values_for_n_1_and_2():
    n = 1_000_000
    assert dm.goe_minimum_fraction(1, n, seed=0) == pytest.approx(0.5, abs=4 * sigma(0.5, n))
    assert dm.goe_minimum_fraction(2, n, seed=0) == pytest.approx(GOE2, abs=4 * sigma(GOE2, n))


def test_goe_exact_value_for_n_2_from_the_eigenvalue_density():
    """The 2×2 GOE eigenvalue density is ∝ |λ₁ − λ₂| exp(−(λ₁² + λ₂²)/4); in polar coordinates
    the radial part cancels, leaving ∫|cos θ − sin θ| over the positive quadrant / all angles."""
    t = torch.linspace(0, 2 * math.pi, 2_000_001, dtype=torch.float64)
    w = (torch.cos(t) - torch.sin(t)).abs()
    quadrant = t <= math.pi / 2
    assert float(w[quadrant].sum() / w.sum()) == pytest.approx(GOE2, abs=1e-5)


def test_filtering_on_the_diagonal_counts_the_same_as_testing_every_matrix():
    """goe_hits skips matrices with a negative diagonal entry; a brute-force count over full
    samples must agree within sampling error for a size where both have many hits."""
    n, samples = 3, 400_000
    gen = torch.Generator().manual_seed(11)
    brute = sum(int(dm.positive_definite(dm.goe(n, 100_000, gen)).sum()) for _ in range(4))
    fast = dm.goe_hits(n, samples, seed=11)
    p = brute / samples
    assert abs(fast - brute) / samples < 5 * math.sqrt(2) * sigma(p, samples)


def test_goe_is_reproducible_and_falls_faster_than_coin_flips():
    c = dm.goe_census(range(1, 7), 200_000, seed=2)
    again = dm.goe_census([4], 200_000, seed=2)
    assert again.hits[0] == c.hits[3]  # n = 4 drawn the same whatever else is asked for
    share = c.share
    assert np.all(np.diff(share) < 0)
    assert np.all(share[2:] < dm.naive(c.n[2:]))  # far below 2⁻ⁿ from n = 3 on
    assert c.zero_bound == pytest.approx(3 / 200_000, rel=0.01)
    assert dm.dean_majumdar(2) == pytest.approx(1 / 3)


def test_goe_budget():
    with pytest.raises(BudgetError):
        dm.check_census(range(1, 11), 10_000_000)
    dm.check_census(range(1, 5), 10_000_000)
    with pytest.raises(BudgetError):
        dm.goe_hits(10, 100_000_000)


# -- Styblinski–Tang -------------------------------------------------------------------------------


def test_st_roots_are_where_the_slope_vanishes_and_match_the_2d_surface():
    r = dm.st_roots()
    assert torch.allclose(2 * r**3 - 16 * r + 2.5, torch.zeros(3, dtype=torch.float64), atol=1e-12)
    s = surfaces.get("styblinski_tang")
    x, y, _ = s.minima[0]
    assert (x, y) == pytest.approx((float(r[0]), float(r[0])), abs=1e-4)
    xy = torch.tensor([[float(r[0]), float(r[2])]], dtype=torch.float64)
    assert float(s(xy)[0]) == pytest.approx(float(dm.styblinski_tang(xy)[0]))


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_st_enumeration_counts_3_to_the_d_with_2_to_the_d_minima(d):
    e = dm.st_critical_points(d)
    assert len(e.loss) == 3**d
    assert e.minima == 2**d
    assert int((e.downhill == d).sum()) == 1  # one maximum: every coordinate on the hump
    assert len({tuple(c) for c in e.choice}) == 3**d
    # every point is critical, and its index agrees with the autograd Hessian
    x = dm.st_roots()[torch.as_tensor(e.choice, dtype=torch.long)].requires_grad_(True)
    (g,) = torch.autograd.grad(dm.styblinski_tang(x).sum(), x, create_graph=True)
    assert float(g.detach().abs().max()) < 1e-10
    H = torch.stack(
        [torch.autograd.grad(g[:, i].sum(), x, retain_graph=True)[0] for i in range(d)], dim=1
    )
    idx = curvature.index(torch.linalg.eigvalsh(H))
    assert np.allclose(idx.numpy(), e.index)
    assert np.allclose(dm.styblinski_tang(x.detach()).numpy(), e.loss)


def test_st_higher_index_sits_higher():
    e = dm.st_critical_points(8)
    means = [e.loss[e.downhill == k].mean() for k in range(9)]
    assert np.all(np.diff(means) > 0)
    assert np.corrcoef(e.index, e.loss)[0, 1] > 0.9
    with pytest.raises(ValueError):
        dm.st_critical_points(dm.MAX_ST_DIM + 1)


# -- a real network's critical points --------------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_written_out_derivatives_match_autograd(activation):
    X, y = data.make("moons", n=30, noise=0.3, seed=0)
    X, y = X.double(), y.double()
    net = networks.MLP((3,), activation)
    W = net.init(4, seed=1, scheme="small", scale=1.0).double()
    loss, grad, hess = dm.one_hidden_derivatives(net, W, X, y)
    ref_loss, ref_grad = net.loss_and_grad(W, X, y)
    assert torch.allclose(loss, ref_loss, atol=1e-14)
    assert torch.allclose(grad, ref_grad, atol=1e-14)
    for i in range(4):  # batched == one at a time
        assert torch.allclose(hess[i], networks.hessian(net, W[i], X, y), atol=1e-12)
    with pytest.raises(ValueError):
        dm.one_hidden_derivatives(networks.MLP((3, 3)), torch.zeros(1, 25), X, y)


def test_a_search_step_treats_every_start_on_its_own():
    X, y = data.make("gaussians", n=40, noise=1.0, seed=0)
    X, y = X.double(), y.double()
    net = networks.MLP((3,), "tanh")
    W = net.init(5, seed=2).double()
    _, g, H = dm.one_hidden_derivatives(net, W, X, y)
    mu = torch.full((5,), 1e-3, dtype=torch.float64)
    together, mu_all = dm._search_step(net, X, y, W, g, H, g.norm(dim=-1), mu)
    for i in range(5):
        alone, mu_one = dm._search_step(
            net,
            X,
            y,
            W[i : i + 1],
            g[i : i + 1],
            H[i : i + 1],
            g[i : i + 1].norm(dim=-1),
            mu[i : i + 1],
        )
        assert torch.allclose(together[i], alone[0], atol=1e-12)
        assert torch.allclose(mu_all[i], mu_one[0])


def test_network_search_finds_saddles_with_zero_gradient():
    cp = dm.network_critical_points(
        "gaussians", 100, 1.5, 3, starts=16, train_steps=60, iterations=60, seed=0
    )
    assert cp.found.any()
    assert np.all(cp.grad_norm[cp.found] < dm.GRAD_TOL)
    assert np.all((cp.index >= 0) & (cp.index <= 1))
    assert np.array_equal(cp.downhill, np.round(cp.index * cp.net.size).astype(int))
    assert np.all(np.diff(cp.eigenvalues, axis=1) >= 0)
    assert not np.any(cp.gradient_flat & cp.found)
    kept = dm.distinct(cp)
    assert set(kept) <= set(np.flatnonzero(cp.found))
    # the same arguments give the very same result, kept for the slices through its saddles
    assert (
        dm.network_critical_points(
            "gaussians", 100, 1.5, 3, starts=16, train_steps=60, iterations=60, seed=0
        )
        is cp
    )


def test_network_search_is_bounded():
    with pytest.raises(ValueError, match="at most 50 weights"):
        dm.network_critical_points(hidden=13)
    with pytest.raises(BudgetError):
        dm.network_critical_points(hidden=12, starts=256, iterations=400)


# -- widths ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_wider_networks_spread_less(seed):
    """XOR with heavy noise on 1,000 points, 16 restarts, 400 Adam steps: the box (IQR) of the
    final losses shrinks from width 2 to 4 to 8 (by more than 3× each step on these seeds)."""
    ws = dm.width_sweep("xor", 1000, 0.8, (2, 4, 8), restarts=16, steps=400, lr=0.05, seed=seed)
    assert ws.loss.shape == (3, 16) and not ws.diverged.any()
    assert np.all(np.diff(ws.spread) < 0)
    assert ws.spread[0] > 3 * ws.spread[2]
    assert np.all(np.diff(ws.best) < 0)  # more units fit the data better
    assert np.all((ws.within(0.01) > 0) & (ws.within(0.01) <= 1))


def test_width_sweep_is_bounded():
    with pytest.raises(BudgetError):
        dm.width_sweep(widths=(16, 32), restarts=64, steps=1600)


# -- slices ----------------------------------------------------------------------------------------


def test_slices_of_a_two_dimensional_saddle_and_of_bowls():
    c = dm.slice_census([-1.0, 1.0], directions=40_000, seed=0)
    assert c.index == 0.5
    assert c.down == pytest.approx(0.5, abs=0.01)  # curvature cos 2θ < 0 on half the circle
    assert c.planes["saddle-shaped"] == 1.0  # the only plane is the whole space
    bowl = dm.slice_census(np.linspace(0.1, 1, 20), directions=2000)
    assert bowl.down == 0 and bowl.planes["bowl-shaped"] == 1.0
    dome = dm.slice_census(-np.linspace(0.1, 1, 20), directions=2000)
    assert dome.planes["dome-shaped"] == 1.0


def test_random_directions_miss_a_few_downhill_directions():
    lam = np.r_[-np.full(3, 0.1), np.linspace(0.5, 2, 47)]  # 6% downhill, small
    c = dm.slice_census(lam, directions=20_000, seed=0)
    assert c.index == pytest.approx(0.06)
    assert c.down < 0.001 and c.planes["saddle-shaped"] < 0.01


def test_slice_planes_are_centred_on_the_point():
    cp = dm.network_critical_points(
        "gaussians", 100, 1.5, 3, starts=16, train_steps=60, iterations=60, seed=0
    )
    i = int(np.flatnonzero(cp.found)[0])
    planes = dm.slice_planes(cp, i, grid=11)
    for z, scales in planes.values():
        assert z.shape == (11, 11)
        assert abs(z[5, 5]) < 1e-12
        assert np.all((scales > 0) & (scales <= 1.0))


def test_shifted_matrices_are_mostly_positive_definite_unlike_centred_ones():
    """A GOE matrix moved up by 2√n (a low critical point's Hessian, Bray & Dean 2007) is
    positive definite most of the time, at every size; a centred one almost never from n = 6."""
    for n in (1, 4, 8):
        shifted = dm.shifted_goe_hits(n, 4000, seed=0) / 4000
        assert 0.75 < shifted < 0.97, (n, shifted)
    assert dm.goe_hits(6, 20_000, seed=0) / 20_000 < 0.001
    # n = 1: H ~ N(0, 2) + 2 is positive with chance Φ(√2) ≈ 0.921
    assert abs(dm.shifted_goe_hits(1, 20_000, seed=1) / 20_000 - 0.9214) < 0.006


def test_trained_ends_start_where_the_search_starts_and_find_lower_minima():
    """Adam from the search's own initial weights reaches points with no downhill direction
    below every critical point the search found (the search's bias towards saddles)."""
    cp = dm.network_critical_points("gaussians", 200, 1.5, 4, "tanh", 32, iterations=60, seed=0)
    ends = dm.trained_ends("gaussians", 200, 1.5, 4, "tanh", 32, 2000, seed=0)
    assert ends.loss.shape == (32,) and ends.no_downhill.sum() > 16
    assert ends.loss[ends.no_downhill].min() < cp.loss[cp.found].min()
    assert np.median(ends.grad_norm) < 1e-2

"""Escape from saddles: measured step counts follow the ln(1/ε) law on a strict saddle, a start on
the stable direction never leaves, Newton is drawn into the saddle and saddle-free Newton is not,
and the batched sweep over ε is exactly the one-at-a-time runs."""

import math

import numpy as np
import pytest
import torch

from core import escape, surfaces

SADDLE = surfaces.get("saddle")  # x² − y²: λ = −2 along y
MONKEY = surfaces.get("monkey_saddle")
EPS = [10.0**-k for k in range(1, 11)]


def _saddle(s):
    (found,) = escape.find_saddles(s)
    return found


def test_the_saddle_of_x2_minus_y2_and_its_directions():
    sd = _saddle(SADDLE)
    assert (sd.x, sd.y, sd.value) == pytest.approx((0, 0, 0), abs=1e-12)
    assert sd.eigenvalues == pytest.approx((-2, 2))
    assert abs(sd.stable[0]) == pytest.approx(1) and abs(sd.unstable[1]) == pytest.approx(1)
    assert not sd.degenerate and sd.rate == pytest.approx(2) and sd.drop == 1.0
    x0 = escape.starts(sd, [1e-10, 0.0]).abs()
    assert x0.dtype == torch.float64
    assert torch.equal(x0, torch.tensor([[1.0, 1e-10], [1.0, 0.0]], dtype=torch.float64))


def test_saddles_are_told_from_minima_maxima_and_curves_of_minima():
    lee = _saddle(surfaces.get("lee_saddle"))  # between minima at (0, ±1) of value −0.25
    assert (lee.x, lee.y) == pytest.approx((0, 0), abs=1e-9) and lee.drop == pytest.approx(0.125)
    deep = _saddle(surfaces.get("deep_linear_2w"))  # minima along w₁w₂ = 1 are not saddles
    assert abs(deep.unstable[0]) == pytest.approx(math.sqrt(0.5))
    assert deep.unstable[0] * deep.unstable[1] > 0  # the way out is towards w₁ = w₂
    monkey = _saddle(MONKEY)
    assert monkey.degenerate and monkey.rate == 0.0
    himmelblau = escape.find_saddles(surfaces.get("himmelblau"))
    assert len(himmelblau) == 4 and all(s.eigenvalues[0] < 0 < s.eigenvalues[1] for s in himmelblau)
    assert escape.find_saddles(surfaces.get("bowl")) == []


def test_gradient_descent_escape_steps_fit_the_log_line():
    lr = 0.05
    out = escape.measure(SADDLE, _saddle(SADDLE), EPS, "sgd", lr=lr, steps=400)
    assert (out.escape_step > 0).all()
    rho = escape.growth("sgd", lr, 2.0)
    assert rho == pytest.approx(1.1)
    assert escape.slope(EPS, out.escape_step) == pytest.approx(1 / math.log(rho), rel=0.02)
    theory = escape.theory_steps(EPS, rho)
    assert np.abs(out.escape_step - theory).max() <= 2  # the threshold sits at |y| ≈ 1
    assert np.all(np.diff(out.escape_step) > 0)


def test_momentum_follows_its_own_faster_line():
    lr = 0.05
    out = escape.measure(SADDLE, _saddle(SADDLE), EPS, "momentum", lr=lr, steps=200)
    rho = escape.growth("momentum", lr, 2.0, momentum=0.9)
    assert rho > escape.growth("sgd", lr, 2.0)
    assert escape.slope(EPS, out.escape_step) == pytest.approx(1 / math.log(rho), rel=0.03)
    assert escape.growth("adam", lr, 2.0) is None and escape.growth("sgd", lr, 0.0) is None


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam", "newton", "saddle_free_newton"])
def test_a_start_exactly_on_the_stable_direction_never_leaves(name):
    out = escape.measure(
        SADDLE, _saddle(SADDLE), [0.0], name, lr=0.05 if name != "newton" else 1.0, steps=300
    )
    assert out.escape_step[0] == -1 and not out.left[0]
    assert out.path[-1, 0, 1] == 0.0  # not one bit of push along y
    assert abs(out.path[-1, 0, 0]) < 0.05  # and it slid down to the saddle


def test_noise_and_perturbations_leave_even_from_the_stable_direction():
    sd = _saddle(SADDLE)
    kicked = escape.measure(SADDLE, sd, [0.0], "perturbed_gd", lr=0.05, steps=400)
    noisy = escape.measure(SADDLE, sd, [0.0], "sgd", lr=0.05, steps=400, noise=1e-3)
    assert kicked.escape_step[0] > 0 and noisy.escape_step[0] > 0


def test_newton_lands_on_a_quadratic_saddle_in_one_step_and_saddle_free_newton_leaves():
    s = surfaces.parse("2*(x - 1)**2 - (y + 0.5)**2 + 0.5*(x - 1)*(y + 0.5)")
    sd = _saddle(s)
    assert (sd.x, sd.y) == pytest.approx((1, -0.5), abs=1e-9)
    eps = [1e-2, 1e-6, 1e-10]
    newton = escape.measure(s, sd, eps, "newton", lr=1.0, steps=5)
    assert np.abs(newton.path[1] - [1, -0.5]).max() < 1e-12  # one step: on the saddle
    assert (newton.escape_step == -1).all()
    assert np.abs(newton.grad_norm[1:]).max() < 1e-12  # and it stays, gradient zero
    free = escape.measure(s, sd, eps, "saddle_free_newton", lr=1.0, steps=60)
    assert (free.escape_step > 0).all()
    assert (free.loss[1] < free.loss[0]).all()  # downhill from the first step


def test_escaping_a_surface_with_no_bottom_is_leaving_not_failing():
    out = escape.measure(SADDLE, _saddle(SADDLE), [1e-3], "sgd", lr=0.05, steps=400)
    assert out.left[0] and out.stopped_at[0] > out.escape_step[0] > 0


def test_the_monkey_saddle_escape_grows_like_a_power_of_one_over_eps():
    eps = [10.0**-k for k in range(3, 7)]
    lr = 0.05
    monkey = escape.measure(MONKEY, _saddle(MONKEY), eps, "sgd", lr=lr, steps=1500)
    strict = escape.measure(SADDLE, _saddle(SADDLE), eps, "sgd", lr=lr, steps=1500)
    assert (monkey.escape_step > 0).all() and (strict.escape_step > 0).all()
    # from (1, ε): the push along y grows like ε·t², so steps ∝ ε^(−1/3) once ε is small
    assert 0.3 < escape.power(eps, monkey.escape_step) < 0.37
    assert monkey.escape_step[-1] > 4 * strict.escape_step[-1]
    assert (monkey.index[1:-1, 0] > 0).all()  # a saddle shape all along, except at the centre


@pytest.mark.parametrize("name", ["sgd", "adam", "saddle_free_newton"])
def test_the_batched_sweep_is_the_runs_one_at_a_time(name):
    sd, eps = _saddle(SADDLE), [1e-1, 1e-4, 1e-8, 0.0]
    together = escape.measure(SADDLE, sd, eps, name, lr=0.05, steps=150)
    for i, e in enumerate(eps):
        alone = escape.measure(SADDLE, sd, [e], name, lr=0.05, steps=150)
        assert alone.escape_step[0] == together.escape_step[i]
        np.testing.assert_allclose(alone.path[:, 0], together.path[:, i], rtol=0, atol=1e-13)


def test_the_index_along_a_path_on_the_lee_saddle_falls_to_zero_in_a_valley():
    s = surfaces.get("lee_saddle")
    out = escape.measure(s, _saddle(s), [1e-6], "sgd", lr=0.05, steps=600)
    assert out.index[0, 0] == 0.5 and out.index[-1, 0] == 0.0
    assert out.escape_step[0] > 0 and out.loss[-1, 0] == pytest.approx(-0.25, abs=1e-6)


def test_a_small_network_start_sits_on_a_plateau_that_a_larger_scale_skips():
    r = escape.net_plateau(hidden=(4, 4), scales=(0.05, 0.5), restarts=3, steps=700)
    small, large = r.left_at[r.group == 0], r.left_at[r.group == 1]
    assert r.level == pytest.approx(math.log(2), rel=1e-5)
    assert (large > 0).all() and (small > 5 * large.max()).all()
    on = r.probe_steps < small.min() // 2
    assert r.grad_norm[: small.min() // 2, r.group == 0].max() < 0.05  # slopes all but vanish
    assert r.eigenvalues.shape == (2, len(r.probe_steps), r.size)
    assert ((r.index[0, on] > 0) & (r.index[0, on] < 1)).all()  # a saddle region, not a minimum


def test_a_surface_whose_curvature_is_not_finite_gives_a_plain_error_or_an_answer():
    try:
        found = escape.find_saddles(surfaces.parse("sqrt(x) - y**2"))
    except ValueError as exc:  # not a LinAlgError or other crash
        assert "not a finite number" in str(exc)
    else:
        assert all(math.isfinite(sd.value) for sd in found)


def test_the_index_along_a_path_is_nan_where_the_curvature_is_not_a_number():
    s = surfaces.parse("sqrt(x) + y**2")  # curves down along x where x > 0, undefined for x < 0
    idx = escape.path_index(s, torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=torch.float64))
    assert idx[0] == 0.5 and torch.isnan(idx[1])

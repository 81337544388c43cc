"""Claim tests of the saddles page: every sentence that states an order, a comparison or an
always/never is checked here at the defaults and at every lesson scene, against the numbers it
relies on (or the page chooses the sentence from those numbers, and the choice is checked)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from page_kit import open_lesson, texts

from core import escape
from lessons.saddles import compute as lesson
from lessons.saddles.compute import Escape, Monkey, Plateau
from ui import controls

VIEWS = lesson.views()
NAMES = ["defaults", *lesson.SCENES]


def _view(e: Escape):
    choice = controls.SurfaceChoice(e.surface, "", controls.surface_for(e.surface))
    results = lesson.compute_escape(e)
    if not isinstance(results, dict):
        return None
    sd = lesson.find_saddles(e.surface, "")[e.near]
    runs = lesson.runs_for(e.chosen(), e.noisy, e.sigma)
    return results, runs, sd, lesson.escape_view(results, runs, sd, e, choice.surface.bounded_below)


@pytest.fixture(scope="module", params=range(len(VIEWS)), ids=NAMES)
def scene(request):
    e = VIEWS[request.param]
    return e, _view(e)


def test_every_view_but_the_plateau_surface_starts_near_a_saddle(scene):
    e, view = scene
    assert (view is None) == (e.surface == "plateau")


def test_the_straight_line_slope_is_the_theory_on_every_strict_saddle(scene):
    """'every factor of 10 closer costs the same number of extra steps' and 'shifts the measured
    points by a few steps but not their slope': fitted slope within 2% of ln 10 / ln ρ, and every
    measured point close to the line."""
    e, view = scene
    if view is None or view[2].degenerate:
        return
    results, runs, sd, v = view
    assert v.slopes, "gradient descent or momentum is in every strict-saddle view"
    for line in v.slopes:
        assert line.measured == pytest.approx(line.predicted, rel=0.02), line
    gd = next(r for r in runs if r.name == "sgd" and r.noise == 0)
    steps = results[gd.label].escape_step[2:]
    theory = escape.theory_steps(escape.EPS_GRID, escape.growth("sgd", gd.lr, sd.rate))
    assert (steps >= 0).all()
    shift = steps - theory  # the escape threshold is not at offset 1: a constant shift
    assert np.abs(shift).max() <= 10 and np.ptp(shift) <= 3


def test_newton_walks_into_the_saddle_and_saddle_free_newton_leaves(scene):
    """'Newton ... lands on the saddle in one step and stays'; 'saddle-free Newton goes away'."""
    e, view = scene
    if view is None:
        return
    results, _, sd, _ = view
    if "Newton" in results:
        newton = results["Newton"]
        assert np.hypot(*(newton.path[1, 0] - (sd.x, sd.y))) < 1e-12
        assert (newton.escape_step == -1).all()
    if "Saddle-free Newton" in results:
        assert results["Saddle-free Newton"].escape_step[0] >= 0


def test_exactly_on_the_stable_direction_of_x2_minus_y2_no_deterministic_run_leaves(scene):
    """'A start exactly on the stable direction of x² − y² (ε = 0) never leaves'."""
    e, view = scene
    if view is None or e.surface != "saddle":
        return
    results, runs, _, _ = view
    for r in runs:
        assert results[r.label].escape_step[1] == -1, r.label


def test_noise_and_kicks_knock_a_run_off_from_eps_zero():
    """'both knock a run off the stable direction, even from ε = 0' (the scene shows it)."""
    results, *_ = _view(lesson.SCENES["Noise knocks it off"][0])
    assert results["Gradient descent"].escape_step[1] == -1
    assert results["Perturbed gradient descent"].escape_step[1] >= 0
    assert results["Gradient descent + noise 0.001"].escape_step[1] >= 0


def test_adam_depends_far_less_on_eps_than_gradient_descent(scene):
    """'its escape depends far less on ε than gradient descent's' — and 'makes a tiny push count
    much sooner'."""
    e, view = scene
    if view is None or "Adam" not in view[0] or "Gradient descent" not in view[0]:
        return
    adam, gd = view[0]["Adam"].escape_step[2:], view[0]["Gradient descent"].escape_step[2:]
    assert (adam >= 0).all()
    assert np.ptp(adam) < 0.25 * np.ptp(gd[gd >= 0])
    assert adam[-1] < gd[gd >= 0].max()


def test_the_flat_stretch_paragraph_is_true_where_it_is_shown(scene):
    """'slope first shrinks ... loss settles near the saddle's height ... then the loss drops'."""
    e, view = scene
    if view is None:
        return
    results, runs, sd, _ = view
    flat = lesson.flat_stretch(results, runs, sd)
    gd = next((r for r in runs if r.name == "sgd" and r.noise == 0), None)
    if gd is None:
        assert flat is None
        return
    r = results[gd.label]
    assert flat is not None, "gradient descent escapes in every view that has it"
    g, loss = r.grad_norm[:, 0], r.loss[:, 0]
    assert 0 < flat.quiet < flat.escaped and g[flat.quiet] < 0.1 * g[0]
    assert abs(loss[flat.quiet] - sd.value) < 0.1 * sd.drop
    assert loss[flat.escaped] <= r.threshold < loss[flat.quiet]


def test_the_index_stays_one_half_on_x2_minus_y2_and_drops_to_zero_between_two_minima(scene):
    e, view = scene
    if view is None:
        return
    paths = view[3].paths
    if e.surface == "saddle":
        assert np.allclose(paths["index"], 0.5)
    if e.surface == "lee_saddle":
        ends = paths.groupby("run")["index"].last()
        assert (ends == 0).all()


def test_the_zero_note_names_exactly_the_deterministic_runs_that_left(scene):
    e, view = scene
    if view is None:
        return
    results, runs, sd, _ = view
    note = lesson.zero_note(results, runs, sd)
    left = [
        r.label
        for r in runs
        if r.noise == 0 and r.name != "perturbed_gd" and results[r.label].escape_step[1] >= 0
    ]
    assert (note is None) == (not left)
    if note:
        assert note[1]["who"] == ", ".join(left)


def test_the_prediction_doubles():
    """'the count about doubles rather than growing ten-thousandfold'."""
    a = lesson.prediction()
    assert 1.8 < a.far / a.near < 2.2
    assert a.far - a.near == pytest.approx(4 * a.per_decade, abs=3)


def test_doubling_the_learning_rate_roughly_halves_the_slope():
    """Try this: 'the line's slope roughly halves', on the default saddle and rate."""
    sd = lesson.find_saddles("saddle", "")[0]
    lr = lesson.lr_for(controls.surface_for("saddle"))("sgd")
    ratio = math.log(1 + 2 * lr * sd.rate) / math.log(1 + lr * sd.rate)
    assert 1.8 < ratio < 2.0


def test_the_suggested_formula_has_saddles_to_choose_from():
    assert len(lesson.find_saddles("custom", "x**3 - 3*x*y**2 + 0.1*(x**2 - y**2)")) >= 2


def test_the_monkey_saddle_waits_a_power_of_one_over_eps_near_one_third():
    m = lesson.monkey_view(Monkey())
    assert m.power == pytest.approx(1 / 3, abs=0.05)
    strict, monkey = m.strict.escape_step, m.monkey.escape_step
    both = (strict >= 0) & (monkey >= 0) & (np.array(escape.EPS_GRID) <= 1e-3)
    ratio = monkey[both] / strict[both]  # 'the smaller ε the farther above'
    assert len(ratio) >= 3 and (np.diff(ratio) > 0).all() and ratio[-1] > 5


# -- the network's plateau (issue #15 item 3) ----------------------------------------------------


def test_the_all_zero_network_is_a_degenerate_critical_point():
    o = lesson.origin(Plateau())
    assert o.slope < 1e-9
    assert o.negative == 0 and o.nonzero < o.size // 4
    assert lesson.origin_sentence(Plateau())[0] == "origin_critical"


def test_the_plateau_grows_like_a_power_of_one_over_s_not_a_logarithm():
    """Item 3: at the defaults the waits per halving of s grow (not a constant increment, as
    ln(1/s) would give), so the page says 'power law' with the measured exponent."""
    sweep = lesson.plateau_sweep(Plateau())
    k = sweep.medians["steps"].to_numpy()
    assert len(k) == len(lesson.SWEEP_FACTORS)
    gaps = np.diff(k)
    assert (gaps > 0).all() and (gaps[1:] > 1.5 * gaps[:-1]).all()
    assert sweep.power == pytest.approx(1.0, abs=0.3)  # the chain's k − 2 = 1
    assert lesson.sweep_law(sweep) == "sweep_power"
    said = lesson.text("sweep_power", **lesson.sweep_numbers(sweep, Plateau()))
    assert f"p = **{sweep.power:.2f}**" in said and "power law" in said


def test_one_hidden_layer_gives_a_logarithmic_plateau_and_three_a_steeper_power():
    """Try this: 'set one hidden layer ... the sweep's law changes with the number of layers'."""
    one = lesson.plateau_sweep(Plateau(depth=1))
    assert lesson.sweep_law(one) == "sweep_log"
    three = lesson.plateau_sweep(Plateau(depth=3, small=0.2))
    assert lesson.sweep_law(three) == "sweep_power" and three.power > 1.5


def test_with_adam_the_wait_hardly_depends_on_the_scale():
    """Try this: Adam at 0.0562 'rescales the tiny gradients ... hardly depends on s'."""
    sweep = lesson.plateau_sweep(Plateau(optimizer="adam", lr=0.0562))
    assert lesson.sweep_law(sweep) == "sweep_flat"
    assert lesson.sweep_law(lesson.plateau_sweep(Plateau(optimizer="adam"))) == "sweep_unclear"


def test_the_downhill_curvature_at_the_start_shrinks_with_the_initial_scale():
    """'that curvature ... grows with the weights themselves, and it shrinks as the initial
    scale s does'."""
    import torch

    from core import curvature, data, networks

    p = Plateau()
    X, y = data.make(p.data, n=100, noise=0.2, seed=p.seed)
    net = networks.MLP(hidden=(p.width,) * p.depth, activation=p.activation)
    lowest = []
    for scale in (p.small * f for f in lesson.SWEEP_FACTORS):
        W = net.init(1, seed=p.seed, scheme="small", scale=scale).double()
        H = curvature.hessian(lambda V: net.loss(V, X.double(), y.double()), W)[0]
        lowest.append(float(torch.linalg.eigvalsh(H)[0]))
    assert all(v < 0 for v in lowest)
    assert all(abs(b) < abs(a) for a, b in zip(lowest, lowest[1:]))


def test_the_larger_scale_leaves_sooner_and_the_curvature_is_shallow():
    p = Plateau()
    r = lesson.plateau_runs(p)
    v = lesson.plateau_view(r, p.steps)
    small, large = v.medians
    assert small is not None and large is not None and large < small
    numbers = lesson.curvature_numbers(r, v)
    assert numbers["lowest"] < 0 and abs(numbers["lowest"]) < 0.1 * numbers["highest"]
    assert "leaves sooner" in numbers["compare"]


# -- the page's own words --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_text():
    at = open_lesson("saddles")
    return texts(at.markdown)


def test_the_plateau_is_not_called_a_tiny_eps_wait(page_text):
    """Item 3: the old page said 'it waits — just as on x² − y² with a tiny ε'."""
    assert "with a tiny ε" not in page_text
    sweep = lesson.plateau_sweep(Plateau())
    assert f"measured\np = **{sweep.power:.2f}**" in page_text or (
        f"p = **{sweep.power:.2f}**" in page_text
    )
    assert "power law" in page_text


def test_anandkumar_and_ge_are_cited_for_what_they_showed(page_text):
    """Item 13: third-order saddles (the monkey saddle) are escapable efficiently; hardness
    starts at fourth order. The old page called higher-order saddles hard in general."""
    flat = " ".join(page_text.split())
    assert "computationally hard in general" not in flat
    assert "third-order" in flat and "polynomial time" in flat
    assert "fourth order is NP-hard" in flat

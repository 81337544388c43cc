"""Claim tests of the convex lesson: every sentence of the page (lessons/convex/text.md) that
states an order, a comparison or an always/never is checked here against the page's own
computation, at the defaults and at every scene, asserting the numbers the sentence relies on.
Sentences that are chosen from the computed values (the page says what happened) are checked
for choosing right."""

import math

import numpy as np
import pytest
import torch

from core import curvature, optimizers, surfaces
from lessons.convex import compute as lesson

VIEWS = {"defaults": lesson.default_view(), **{n: s[0] for n, s in lesson.SCENES.items()}}
HIMMELBLAU = surfaces.get("himmelblau")


@pytest.fixture(scope="module")
def paths() -> dict[str, lesson.Paths]:
    """Every view's runs, as the page computes them (one computation for all tests)."""
    return {name: lesson.compute_runs(d) for name, d in VIEWS.items()}


def endings(name: str, paths) -> dict[str, str]:
    d = VIEWS[name]
    s = surfaces.get(d.surface)
    return {label: lesson.describe_ending(w, s, d.steps) for label, w in paths[name].walks.items()}


def minimum_reached(point, minima, tol=1e-3):
    """The listed minimum the point sits at (None if it sits at none)."""
    m = lesson.nearest_minimum(point, minima)
    return m if math.dist(point, m[:2]) < tol else None


# -- predict, then run (issue 15, item 2) ---------------------------------------------------------


def test_predict_start_is_nearest_to_a_minimum_other_than_the_one_reached():
    """ "The nearest minimum … is only d away, and is not the one reached": the start has one
    strictly nearest minimum, and gradient descent settles at another one, farther away."""
    p = lesson.PREDICTION
    walk = lesson.predict_run()
    assert walk.stopped < 0 and walk.slope < lesson.SETTLED
    reached = minimum_reached(walk.final, HIMMELBLAU.minima)
    assert reached is not None
    distances = sorted(math.dist(p.start, m[:2]) for m in HIMMELBLAU.minima)
    nearest = lesson.nearest_minimum(p.start, HIMMELBLAU.minima)
    assert distances[1] - distances[0] > 0.1, "one minimum is clearly the nearest"
    assert reached != nearest
    assert math.dist(p.start, reached[:2]) - math.dist(p.start, nearest[:2]) > 0.1
    answer = lesson.predict_answer()
    assert answer.block == "predict_not_nearest" and answer.answer == lesson.point_label(reached)
    assert answer.numbers["nearest"] < answer.numbers["reached"]


def test_the_old_predict_start_was_equally_far_from_every_minimum():
    """Why (−0.5, −0.5) could not carry the sentence: at a minimum x² + y = 11 and x + y² = 7,
    so (x + ½)² + (y + ½)² = 18.5 for all four."""
    d = [math.dist((-0.5, -0.5), m[:2]) for m in HIMMELBLAU.minima]
    assert np.allclose(d, math.sqrt(18.5), atol=1e-6)


def test_himmelblau_has_four_minima_of_equal_depth():
    values = [m[2] for m in HIMMELBLAU.minima]
    assert len(values) == lesson.predict_answer().question["count"] == 4
    assert max(values) - min(values) < 1e-12


# -- 2/L: what it guarantees, and what the page shows beyond it (issue 15, item 9) ---------------


@pytest.mark.parametrize("name", VIEWS)
def test_below_two_over_L_the_loss_never_rises(name, paths):
    """ "Every gradient-descent step with η below 2/L lowers the loss (while the walk stays on
    the map)": checked on every view whose gradient-descent run is below 2/L."""
    d = VIEWS[name]
    check = lesson.step_checks(d)
    (x0, x1), (y0, y1) = surfaces.get(d.surface).bounds
    walk = lesson.gd_walk(d)
    on_map = ((walk.x >= x0) & (walk.x <= x1) & (walk.y >= y0) & (walk.y <= y1)).all()
    if check.lr < 2 / check.L and on_map:
        assert check.rises == 0 and check.stopped < 0, name


def test_himmelblau_default_converges_above_two_over_L():
    """The theory section: "η = 0.01 is above 2/L = 0.00612, yet gradient descent reached a global
    minimum, because the curvature where it walked was at most 82.3"."""
    n = lesson.theory_numbers()
    assert n["lr"] > n["limit"]
    assert n["ending"] == "reached a global minimum"
    assert n["lr"] * n["steepest"] < 2, "the curvature the walk met allows its step"


def test_too_big_a_step_diverges_on_the_quadratic_bowl(paths):
    """ "On a quadratic bowl … a step above 2/L … diverges" and "a learning rate above 2/L makes
    even the bowl diverge: the table says at which step"."""
    n = lesson.theory_numbers()
    bowl = surfaces.get("bowl")
    xy = torch.tensor([[0.3, -1.2], [2.0, 1.0]], dtype=torch.float64)
    eigs = curvature.eigenvalues(bowl, xy).numpy()
    assert np.allclose(eigs, eigs[0]), "the bowl's curvature is the same everywhere"
    assert n["bowl_lr"] > n["bowl_limit"] and n["bowl_ending"].startswith("diverged at step")
    assert endings("Too big a step", paths)["Gradient descent (lr 1.78)"].startswith("diverged")


def test_convex_gap_bound_holds_where_eta_is_at_most_one_over_L():
    """ "With η ≤ 1/L the gap after k steps is at most |x₀ − x*|² / (2ηk)": on the bowl scene."""
    d = VIEWS["Bowl: every path agrees"]
    walk, L = lesson.gd_walk(d), lesson.largest_curvature(d.surface, "")
    lr = dict(d.lr)["sgd"]
    assert lr <= 1 / L
    k = walk.steps[1:]
    bound = math.dist((d.x0, d.y0), (0.0, 0.0)) ** 2 / (2 * lr * k)
    assert (walk.loss[1:] <= bound + 1e-12).all()


# -- what to notice ---------------------------------------------------------------------------


def test_bowl_every_path_agrees_and_bowl_and_ravine_pass_both_tests(paths):
    finals = [w.final for w in paths["Bowl: every path agrees"].walks.values()]
    assert all(math.dist(f, finals[0]) < 1e-3 for f in finals)
    assert set(endings("Bowl: every path agrees", paths).values()) == {"reached a global minimum"}
    e = lesson.Evidence()
    for key in ("bowl", "ravine"):
        _, _, eigs = lesson.eigen_grid(key, "")
        test = lesson.run_chord_test(key, "", e.chords, e.tolerance).test
        verdict = lesson.judge(eigs, test, e.tolerance)
        assert verdict.convex and verdict.share["bowl-shaped"] == 1.0, key


@pytest.mark.parametrize("name", ["defaults", "Himmelblau: start decides"])
def test_himmelblau_different_methods_same_start_different_minima(name, paths):
    walks = paths[name].walks
    ends = {lesson.point_label(minimum_reached(w.final, HIMMELBLAU.minima)) for w in walks.values()}
    assert "—" not in ends and len(ends) >= 2


def test_himmelblau_same_method_different_starts_different_minima():
    here = lesson.descend("himmelblau", "", "sgd", 0.01, (), 0.0, 0.0, 300).final
    there = lesson.descend("himmelblau", "", "sgd", 0.01, (), -0.5, -0.5, 300).final
    assert minimum_reached(here, HIMMELBLAU.minima) != minimum_reached(there, HIMMELBLAU.minima)


def test_ravine_tuned_momentum_beats_plain_gd_and_untuned_momentum_does_not(paths):
    n = lesson.notice_numbers()
    ended = endings("Ravine: momentum vs plain GD", paths)
    assert ended["Momentum (lr 0.1)"] == "reached a global minimum"
    assert ended["Gradient descent (lr 0.09)"].startswith("still moving")
    assert n["tuned_loss"] < n["gd_loss"] < n["usual_loss"]
    assert n["tuned"] != n["usual"] == optimizers.info("momentum").hyper["momentum"]


def test_deep_linear_walk_passes_the_saddle_and_waits_there(paths):
    """ "Runs almost straight into the saddle at (0, 0), passing within 0.04 of it; the loss then
    stays within 1% of the saddle's for 22 steps"."""
    n = lesson.notice_numbers()
    assert n["closest"] < 0.1 and n["flat"] >= 10
    assert endings("Deep linear: saddle at the origin", paths) == {
        "Gradient descent (lr 0.0562)": "reached a global minimum"
    }


def test_rastrigin_traps_every_run_and_adagrad_jumps_further(paths):
    walks = paths["Rastrigin traps gradient descent"].walks
    assert all(
        "local minimum" in v for v in endings("Rastrigin traps gradient descent", paths).values()
    )
    gd, adagrad = walks["Gradient descent (lr 0.00178)"], walks["Adagrad (lr 1.02)"]
    assert adagrad.final_loss < gd.final_loss, "Adagrad's large early steps pass ripples"


# -- try this ---------------------------------------------------------------------------------


def test_plain_newton_jumps_off_the_convex_logistic_map_from_the_far_start():
    s = surfaces.get("logistic_2w")
    assert s.convex
    damping = optimizers.info("newton").hyper["damping"]  # the picker's defaults for Newton
    lr = lesson.lr_for(s)("newton")
    walk = lesson.descend("logistic_2w", "", "newton", lr, (("damping", damping),), *s.start, 300)
    assert walk.stopped >= 0, "Newton's run was frozen after leaving the box"


def test_rosenbrock_largest_tolerance_turns_part_of_the_saddle_region_flat():
    _, _, eigs = lesson.eigen_grid("rosenbrock", "")
    share = {}
    for rtol in (lesson.Evidence.tolerance, 1e-1):
        test = lesson.run_chord_test("rosenbrock", "", lesson.Evidence.chords, rtol).test
        share[rtol] = lesson.judge(eigs, test, rtol).share
    small, large = share[lesson.Evidence.tolerance], share[1e-1]
    assert small["flat in some direction"] == 0 < large["flat in some direction"]
    assert large["saddle-shaped"] < small["saddle-shaped"]


# -- the two real models ------------------------------------------------------------------------


def test_logistic_regression_is_convex_and_the_deep_linear_model_is_not():
    logistic, deep = lesson.model_evidence("logistic_2w"), lesson.model_evidence("deep_linear_2w")
    assert logistic.numbers["failed"] == 0 and logistic.numbers["bowl"] == 1.0
    assert deep.numbers["failed"] > 0
    heights = lesson.deep_linear_heights()
    assert heights["saddle"] > heights["minimum"], "the midpoint of two minima is higher"

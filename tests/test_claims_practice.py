"""Claim tests for the practice lesson's prose (issue #15)."""

import math
from pathlib import Path

import pytest

from lessons.practice import compute as lesson
from lessons.practice.compute import Sweep
from ui.settings import of

TEXT = (Path(__file__).parent.parent / "lessons" / "practice" / "text.md").read_text()


def test_convergence_theorems_are_acknowledged():
    assert "No theorem promises" not in TEXT
    for name in ("Du, S. S.", "Allen-Zhu, Z."):
        assert name in TEXT


def test_two_over_l_is_not_called_a_hard_limit():
    assert "only stable\nwhile the learning rate is below 2 / (largest curvature)" not in TEXT
    assert "just below where runs start" not in TEXT
    assert "just below the edge" not in TEXT
    for name in ("Lewkowycz, A.", "Cohen, J. M."):
        assert name in TEXT


def test_no_uncomputed_ln2_value():
    assert "0.693" not in TEXT


def test_li_et_al_scoped_to_very_deep_networks():
    assert "56 and 110 layers" in TEXT


def test_the_best_rate_at_the_defaults_is_past_two_over_lambda_max_and_catapults():
    """Issue 15, item 9: the sweep's best rate trains although it is beyond 2/λmax at the start;
    the paragraph says so from the numbers (the old text called 2/L a hard limit)."""
    s = Sweep()
    block, words = lesson.edge_words(s, lesson.sweep_data(s))
    assert block == "edge_catapult"
    assert words["lr"] == pytest.approx(3.73) and words["ratio"] > 1.5
    assert words["peak"] > 1.5 * words["start"] and words["final"] < 0.01
    assert words["limit"] == pytest.approx(2 / words["lam"])


@pytest.mark.parametrize("name", list(lesson.SCENES))
def test_the_two_over_l_paragraph_is_chosen_per_scene(name):
    s = of(lesson.SCENES[name], Sweep)
    edge = lesson.edge_words(s, lesson.sweep_data(s))
    if s.optimizer != "sgd":
        assert edge is None  # the bound is gradient descent's
    else:
        block, words = edge
        assert (block == "edge_within") == (words["ratio"] <= 1)


def scene_outcomes(name: str) -> dict[str, object]:
    s = of(lesson.SCENES[name], lesson.Compare)
    return {o.label: o.outcome for o in lesson.outcomes(lesson.compare_runs(s), s.target)}


def test_sigmoid_stalls_relu_flies():
    """The scene's name and the activation paragraph: sigmoid sits on the ln 2 plateau, ReLU
    trains every restart and faster than tanh."""
    o = scene_outcomes("Sigmoid stalls, ReLU flies")
    assert o["sigmoid"].reached == 0 and abs(o["sigmoid"].median_final - math.log(2)) < 0.01
    assert o["ReLU"].reached == 1 and o["ReLU"].median_steps < o["tanh (baseline)"].median_steps


def test_too_small_a_start_sits_on_the_plateau_and_the_scaled_inits_train():
    o = scene_outcomes("Too small a start")
    small = o["too small: N(0, 0.01²)"]
    assert small.reached == 0 and abs(small.median_final - math.log(2)) < 0.01
    assert o["Xavier (Glorot) (baseline)"].reached == 1 and o["He"].reached == 1
    assert o["too large: N(0, 5²)"].reached < 1  # "too large" fails in its own way


def test_skips_rescue_a_deep_small_start():
    o = scene_outcomes("Skips rescue a deep, small start")
    assert o["no skip connections (baseline)"].reached == 0
    assert o["with skip connections"].reached > 0


def test_smaller_minibatches_end_higher_at_the_same_steps():
    """The batch paragraph's noise floor: the median final loss rises as the batch shrinks."""
    o = scene_outcomes("Minibatch noise")
    finals = [
        o[k].median_final for k in ("all 200 points (baseline)", "batches of 32", "batches of 8")
    ]
    assert finals == sorted(finals) and finals[0] < finals[-1] / 2

"""Claim tests for the restarts lesson: every sentence of lessons/restarts/text.md that states an
order, a comparison or an always/never, checked against what the page computes at the settings
the sentence speaks of — the defaults and every scene (each scene laid over the defaults, as its
link opens it). The computations are the page's own (lessons/restarts/compute.py), shared across
tests by module-scoped fixtures.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core import basins, curvature, surfaces
from lessons.restarts import compute as lesson
from lessons.restarts.compute import Map, Network, Noise, Restarts
from ui import controls

VIEWS = {"defaults": (), **lesson.SCENES}


def settings(view: str, cls):
    return next((s for s in VIEWS[view] if isinstance(s, cls)), cls())


@pytest.fixture(scope="module")
def views() -> dict:
    """Per view: the experiment, its plain and noisy runs, curves, map and network runs."""
    out = {}
    for name in VIEWS:
        e = lesson.experiment(settings(name, Restarts))
        out[name] = {
            "e": e,
            "plain": lesson.restart_runs(e),
            "noisy": lesson.restart_runs(e, settings(name, Noise).start),
            "curves": lesson.restart_curves(e),
            "map": lesson.basin_map(e, settings(name, Map)),
            "net": lesson.network_runs(settings(name, Network)),
        }
    return out


# -- section 2: the chance of success within k restarts (issue 15, item 12) -------------------


@pytest.mark.parametrize("view", VIEWS)
def test_success_is_measured_on_fresh_runs_and_agrees_with_independent_tries(views, view):
    """The caption says the dots come from a fresh pool in disjoint groups of k (never from the
    pool that gave p), and the notice says they follow 1 − (1 − p)ᵏ: within 3 standard errors."""
    v = views[view]
    r, c = v["plain"], v["curves"]
    fresh = lesson.restart_runs(v["e"]._replace(seed=v["e"].seed + lesson.FRESH_SEED))
    assert c.fresh_p == fresh.p and not np.array_equal(fresh.starts, r.starts)
    assert len(c.measured_k) and (r.codes.size // c.measured_k >= basins.MIN_GROUPS).all()
    z, gap, k = lesson.agreement(r.p, c)
    assert z <= 3, (view, z, gap, k)
    words = lesson.curves_words(v["e"], r, c)
    assert "agree within three standard errors" in words["agreement"]


def test_the_measured_curve_can_disagree_with_the_pool():
    """What reshuffling one pool could never show: fresh runs whose successes cluster (here:
    all in one block) give a curve far below 1 − (1 − p)ᵏ at the same p."""
    clustered = np.zeros(1000, dtype=bool)
    clustered[:100] = True  # p = 10%, but every success in the first tenth
    k, measured, groups = basins.success_in_groups(clustered, np.array([1, 10, 100]))
    assert list(k) == [1, 10, 100] and list(groups) == [1000, 100, 10]
    assert measured[0] == pytest.approx(0.1)
    assert measured[1] == pytest.approx(0.1)  # 1 − 0.9¹⁰ = 65% for independent tries
    _, shuffled, _ = basins.success_within_k(clustered, shuffles=200, seed=0)
    assert shuffled[-1] == 1.0  # a reshuffled pool reaches 100% at k = N, whatever the runs


def test_restarts_needed_in_the_text_and_the_question_are_derived():
    assert lesson.restarts_needed(0.05) == "59" and lesson.restarts_needed(0.01) == "299"
    words = lesson.prediction()
    assert words["k"] == 59 and words["ratio"] == pytest.approx(58.4, abs=0.05)
    assert words["options"][1] == words["answer"] == "about 60"


# -- what to notice -----------------------------------------------------------------------------


def test_six_hump_camel_notice(views):
    """Two global minima collect about 60% of the starts, so three restarts give about 94%, and
    annealed noise lifts a single run's chance (the defaults)."""
    v = views["defaults"]
    assert 0.55 < v["map"].global_share < 0.65
    p = v["plain"].p
    assert round(100 * (1 - (1 - p) ** 3)) == 94
    assert v["noisy"].p > p


def test_himmelblau_notice(views):
    """Four basins about equal, all four minima global, every run that settles succeeds."""
    v = views["Himmelblau: four basins"]
    m = v["map"]
    assert len(basins.global_ids(m.minima)) == 4 == len(m.minima)
    shares = [share for code, _, _, share in m.shares if code >= 0]
    assert len(shares) == 4 and min(shares) > 0.15 and max(shares) < 0.35
    r = v["plain"]
    settled = r.codes >= basins.UNLISTED
    assert r.success[settled].all() and settled.all()


def test_rastrigin_notice(views):
    """About one start in a hundred reaches the global minimum; the best-after-k curve falls in
    steps, one per level of minima (its median is always some minimum's value)."""
    v = views["Rastrigin traps gradient descent"]
    assert 0.005 < v["map"].global_share < 0.02
    levels = np.array([m[2] for m in v["map"].minima])
    median = v["curves"].best[1]
    assert np.abs(median[:, None] - levels[None, :]).min(axis=1).max() < 0.05


def test_noise_on_rastrigin_notice_and_the_noise_paragraph(views):
    """Noise does not make Rastrigin easy but moves many runs to lower ripples; it helps on
    Rastrigin's bowl and does little on Himmelblau, where all minima are equally deep."""
    v = views["Noise helps on Rastrigin"]
    plain, noisy = v["plain"], v["noisy"]
    assert noisy.p < 0.1  # not easy
    assert np.median(noisy.final_loss) < np.median(plain.final_loss)
    assert (noisy.final_loss < plain.final_loss - 0.5).mean() > 0.3  # many runs a ripple lower
    h = views["Himmelblau: four basins"]
    assert abs(h["noisy"].p - h["plain"].p) < 0.05


def test_xor_notice_stalled_runs_keep_growing_their_weights(views):
    for view in ("defaults", "XOR stalls"):
        r = views[view]["net"]
        assert 0.1 < r.stalled.mean() < 0.5, view
        late = r.norms[(3 * len(r.curve_steps)) // 4]
        assert (r.norms[-1][r.stalled] > late[r.stalled]).all(), view


# -- try this and the closing paragraph ---------------------------------------------------------


def test_try_adam_or_momentum_on_himmelblau_changes_the_basins(views):
    """After a switch the optimiser's learning rate resets to the surface's (0.01)."""
    base = views["Himmelblau: four basins"]
    grid = settings("Himmelblau: four basins", Map)
    for name in ("adam", "momentum"):
        e = base["e"]._replace(optimizer=name, hyper=controls.default_hyper(name))
        m = lesson.basin_map(e, grid)
        assert {c for c in np.unique(m.codes) if c >= 0} == {0, 1, 2, 3}
        assert (m.codes != base["map"].codes).mean() > 0.05, name


def test_try_rastrigin_past_two_over_the_curvature_keeps_runs_moving():
    """Issue 15, item 1: η = 0.00562, the first slider notch above 2/f″ = 0.00504. Every run is
    still moving (none was before the fix: 16 "successes" at loss 6.12); below, none is."""
    words = lesson.try_words()
    s = surfaces.get("rastrigin")
    top = float(curvature.eigenvalues(s, torch.zeros(1, 2, dtype=torch.float64)).max())
    assert words["limit"] == pytest.approx(2 / top) and 0.005 < words["limit"] < 0.0051
    assert words["lr"] == 0.00562
    above = basins.restarts(s, 1000, "sgd", words["lr"], 500, seed=0)
    assert (above.codes == basins.MOVING).mean() > 0.95 and not above.success.any()
    below = basins.restarts(s, 1000, "sgd", 0.002, 500, seed=0)
    assert (below.codes == basins.MOVING).sum() == 0


def test_try_saddles_runs_escape_or_creep_into_the_monkey_saddle():
    """The counts the sentence gives add up, and the monkey saddle's runs that did not escape
    started near its centre or one of its three inflowing lines (angles 0, ±120°, where −∇f
    points inwards)."""
    words = lesson.try_words()
    assert words["saddle_escaped"] == words["runs"]
    assert words["monkey_saddle_escaped"] + words["monkey_saddle_moving"] == words["runs"]
    r = lesson.restart_runs(lesson.experiment(Restarts(surface="monkey_saddle")))
    x, y = r.starts[r.codes == basins.MOVING].T
    off = np.abs((np.arctan2(y, x) + np.pi / 3) % (2 * np.pi / 3) - np.pi / 3)
    assert len(x) == words["monkey_saddle_moving"] and ((off < 0.1) | (np.hypot(x, y) < 0.1)).all()


def test_try_double_well_splits_half_and_half():
    formula = "(x**2 - 1)**2 + y**2"
    s = Restarts(surface=controls.CUSTOM, formula=formula)
    chosen = controls.SurfaceChoice(
        controls.CUSTOM, formula, controls.surface_for("custom", formula)
    )
    m = lesson.basin_map(lesson.experiment(s, chosen), Map())
    assert [round(share, 3) for code, _, _, share in m.shares] == [0.5, 0.5]


@pytest.mark.parametrize("view", ["defaults", "XOR stalls"])
def test_why_four_hidden_units_none_of_64_restarts_stalls(view):
    s = settings(view, Network)
    assert s.restarts == 64
    r = lesson.network_runs(Network(**{**s.__dict__, "width": 4}))
    assert not r.stalled.any()


# -- the XOR note ---------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["defaults", "XOR stalls"])
def test_xor_note_what_stalled_runs_answer(views, view):
    """Most stalled restarts get two clusters right and answer about ½ on the other two; the
    rest answer about ⅔ on three clusters and get only the fourth right."""
    r = views[view]["net"]
    words = lesson.xor_words(r)
    assert words["two"] + words["one"] + words["other"] == words["stalled"] == r.stalled.sum()
    assert words["most"] == "Most" and words["one"] >= 1 and words["other"] == 0
    # "their loss still creeps down while the size of their weights keeps growing"
    half, st = len(r.curve_steps) // 2, r.stalled
    assert (np.diff(r.curves[half:, st], axis=0) <= 1e-7).all()
    assert (r.norms[-1, st] > r.norms[half, st]).all()


def test_xor_note_solved_runs_head_to_zero(views):
    r = views["XOR stalls"]["net"]
    assert r.final_loss[~r.stalled].max() < r.final_loss[r.stalled].min()
    assert r.final_loss[~r.stalled].max() < 0.01

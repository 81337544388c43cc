"""Claim tests of the network-landscape lesson: every sentence of the page
(lessons/network_landscape/text.md) that states an order, a comparison or an always/never is
checked here against the page's own computation, at the defaults and at every scene; sentences
chosen from the computed values are checked for choosing right (issue 15, items 5, 6 and 7 and
the review of the rest)."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from core import landscape, networks
from lessons.network_landscape import compute as lesson
from ui.text import load

VIEWS = {"defaults": (), **lesson.SCENES}
SETUPS = {name: lesson.view_setup(view) for name, view in VIEWS.items()}
TEXT = load(lesson.__file__)
SOURCE = (Path(lesson.__file__).parent / "text.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def numbers() -> dict[str, lesson.LineNumbers]:
    return {name: lesson.line_numbers(s) for name, s in SETUPS.items()}


def line(s: lesson.Setup, name: str) -> tuple[np.ndarray, np.ndarray]:
    df = lesson.lines(s)
    g = df[df["line"] == name]
    return g["alpha"].to_numpy(), g["loss"].to_numpy()


def segment(s: lesson.Setup, name: str) -> np.ndarray:
    a, v = line(s, name)
    return v[(a >= 0) & (a <= 1)]


# -- item 7: the climb, not the rise above the higher end ----------------------------------------


def brute_climb(v: np.ndarray) -> float:
    """max over j of v[j] − min over i ≤ j of v[i], by two loops."""
    return max(v[j] - min(v[: j + 1]) for j in range(len(v)))


def test_climb_sees_a_rise_that_the_rise_above_the_higher_end_misses():
    alphas = np.linspace(0, 1, 5)
    loss = np.array([3.0, 1.0, 2.0, 0.5, 0.4])  # falls, climbs by 1, falls again
    assert lesson.climb(alphas, loss) == pytest.approx(1.0)
    assert landscape.barrier(alphas, loss) == 0.0  # the old "bump": blind to it by construction
    rng = np.random.default_rng(0)
    for _ in range(50):
        v = rng.random(9)
        assert lesson.climb(np.linspace(0, 1, 9), v) == pytest.approx(brute_climb(v))
    assert lesson.climb(alphas, np.arange(5.0)[::-1]) == 0.0  # downhill all the way


@pytest.mark.parametrize("name", VIEWS)
def test_the_climb_metric_is_the_largest_climb_on_both_start_lines(name, numbers):
    s = SETUPS[name]
    climbs = [brute_climb(segment(s, n)) for n in (lesson.START_A, lesson.START_B)]
    assert numbers[name].climb == pytest.approx(max(climbs), abs=1e-12)
    old = max(landscape.barrier(*line(s, n)) for n in (lesson.START_A, lesson.START_B))
    assert numbers[name].climb >= old - 1e-12


def test_on_the_deep_scene_the_start_line_climbs_more_than_the_old_bump_said():
    s = SETUPS["Deep narrow: skips smooth the slice"]
    n = lesson.line_numbers(s)
    old = max(landscape.barrier(*line(s, name)) for name in (lesson.START_A, lesson.START_B))
    assert n.climb > n.climb_tol and n.climb > 2 * old
    assert lesson.start_block(n) == "start_climbs"


@pytest.mark.parametrize("name", VIEWS)
def test_the_start_sentence_is_chosen_from_the_climb(name, numbers):
    """ "falls all the way" only where neither start line ever goes up on [0, 1]."""
    s, n = SETUPS[name], numbers[name]
    downhill = all(np.all(np.diff(segment(s, k)) <= 0) for k in (lesson.START_A, lesson.START_B))
    block = lesson.start_block(n)
    assert (block == "start_falls") == downhill
    if block == "start_almost":
        assert 0 < n.climb <= n.climb_tol
    assert n.path_ratio > 1  # "training did not travel along it"


@pytest.mark.parametrize("name", VIEWS)
def test_what_the_line_does_past_the_trained_weights(name, numbers):
    s, n = SETUPS[name], numbers[name]
    a, v = line(s, lesson.START_A)
    past = v[a >= 1]
    block = lesson.beyond_block(n)
    if block == "beyond_rises":
        assert past[1] > past[0]
    elif block == "beyond_dips":
        assert past.min() < past[0] and past[-1] > past.min()
    else:  # "keeps falling to the end of the line"
        assert np.all(np.diff(past) < 0)
        assert (block == "beyond_falls_separated") == (n.accuracy == 1)


# -- item 6: the barrier between A and B, before and after matching ------------------------------


@pytest.mark.parametrize("name", VIEWS)
def test_the_matched_line_ends_at_run_b_s_own_function(name):
    s = SETUPS[name]
    _, ab = line(s, lesson.A_B)
    alphas, matched = line(s, lesson.A_B_MATCHED)
    at = {k: int(np.argmin(np.abs(alphas - k))) for k in (0, 1)}
    assert matched[at[0]] == ab[at[0]]  # run A
    assert matched[at[1]] == pytest.approx(ab[at[1]], rel=1e-4, abs=1e-7)  # run B, reordered
    assert not np.allclose(matched, ab)  # another line


def test_matching_removes_the_barrier_of_the_moons_2_8_1_and_most_of_xor_s():
    moons = lesson.line_numbers(SETUPS["Moons, small tanh net"])
    assert moons.barrier > 1 and moons.matched <= moons.tol
    assert lesson.barrier_block(moons) == "between_matched_flat"
    xor = lesson.line_numbers(SETUPS["XOR: two solutions, a barrier between"])
    assert xor.barrier > 1 and xor.matched < xor.barrier / 4
    assert lesson.barrier_block(xor) in ("between_matched_flat", "between_matched_most")
    default = lesson.line_numbers(SETUPS["defaults"])
    assert default.barrier > 0.5 and default.matched <= default.tol


@pytest.mark.parametrize("name", VIEWS)
def test_the_barrier_sentences_are_chosen_from_the_two_barriers(name, numbers):
    n = numbers[name]
    block = lesson.barrier_block(n)
    assert n.matched <= n.barrier + n.tol  # matching never made it worse here
    if block == "between_no_barrier":
        assert n.barrier <= n.tol
    elif block == "between_matched_flat":
        assert n.barrier > n.tol >= n.matched
    elif block == "between_matched_most":
        assert n.tol < n.matched <= n.barrier / 4
    else:
        assert n.matched > max(n.tol, n.barrier / 4)
    # "a solution and its own shuffled copy have a bump too": the shuffled line climbs
    assert n.shuffled > n.tol


@pytest.mark.parametrize("name", VIEWS)
def test_the_prediction_is_answered_from_the_loss_halfway(name, numbers):
    n, p = numbers[name], lesson.prediction(SETUPS[name])
    _, v = line(SETUPS[name], lesson.A_B)
    halfway = v[40] - max(v[20], v[60])  # α = 0.5 against α = 0 and 1
    assert halfway == pytest.approx(n.halfway)
    assert (p.answer == "clearly higher: a barrier") == (halfway > n.tol)
    assert (p.block == "predict_matched_flat") == (n.halfway_matched <= n.tol)


def test_the_text_says_the_runs_found_the_same_solution_and_cites_it_exactly():
    flat = TEXT("between_matched_flat", barrier=1.2, matched=0.0)
    assert "the two runs found the same solution with its units in another order" in flat
    refs = lesson.references(TEXT("references"))
    assert (
        "Entezari, R., Sedghi, H., Saukh, O., & Neyshabur, B. (2022). The role of permutation "
        "invariance in linear mode connectivity of neural networks. ICLR." in refs
    )
    assert (
        "Ainsworth, S. K., Hayase, J., & Srinivasa, S. (2023). Git Re-Basin: Merging models "
        "modulo permutation symmetries. ICLR." in refs
    )


# -- item 5: skip connections, from computed numbers only ----------------------------------------


def test_no_sentence_says_skips_make_one_bowl_and_no_stored_result_remains():
    assert "look like one bowl" not in SOURCE
    assert not hasattr(lesson, "SKIP_EVIDENCE")
    page = (Path(lesson.__file__).parents[2] / "pages" / "network_landscape.py").read_text()
    assert "SKIP_EVIDENCE" not in page


def test_the_skip_scene_has_fewer_dips_with_skips_but_not_one_bowl():
    skip = lesson.notice_numbers()["skip"]
    scene = lesson.SKIP_SCENE
    s = lesson.view_setup(scene)
    z = [
        lesson.random_slice(v, lesson.COMPARE_GRID, lesson.COMPARE_SPAN)
        for _, v in lesson.of(scene, lesson.Pair).networks(s)
    ]
    assert skip.dips == tuple(landscape.dips(x) for x in z)
    without, with_skips = skip.dips
    assert with_skips < without and with_skips > 1  # "smoother, though not one bowl"
    assert lesson.notice_numbers()["skip_block"] == "notice_skip_smoother"
    assert skip.final[1] < skip.final[0]  # "compare the final losses": skips trained lower


def test_on_the_moons_skips_can_give_the_rougher_slice():
    """ "on other data or seeds the order can turn round": the moons, 4 layers of 8."""
    base = lesson.Network(dataset="moons", layers=4, width=8).setup()
    turned = []
    for seed in range(5):
        n = lesson.pair_numbers(base, lesson.Pair(mode="skip", seed=seed, deep_layers=4))
        turned.append(n.dips[1] >= n.dips[0])
    assert any(turned)


@pytest.mark.parametrize("name", VIEWS)
def test_the_pair_sentences_are_chosen_from_numbers(name):
    s, pair = SETUPS[name], lesson.of(VIEWS[name], lesson.Pair)
    n = lesson.pair_numbers(s, pair)
    table = lesson.pair_table(s, pair)
    assert list(table["dips in the slice"]) == list(n.dips)
    if pair.mode == "width":
        assert n.low[1] > n.low[0]  # every width view here: the wide network's region is wider
    else:
        assert n.dips[1] < n.dips[0]  # "here the slice with skips is the smoother one"


def test_the_width_scene_gives_the_wide_network_the_wider_low_region():
    width = lesson.notice_numbers()["width"]
    assert width.low[1] > width.low[0]
    assert lesson.notice_numbers()["width_block"] == "notice_width_wider"


# -- slices ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VIEWS)
def test_the_pca_plane_sees_more_of_the_path_than_the_random_slice(name):
    sl = lesson.slice_view(SETUPS[name], lesson.of(VIEWS[name], lesson.Slices))
    assert sl.kept_pca > 0.9 and sl.kept_pca > sl.kept_random
    blocks = lesson.slice_blocks(sl)
    assert ("slice_random_blind" in blocks) == (sl.kept_random < 0.1)
    assert ("slice_orthogonal" in blocks) == (abs(sl.cosine) < 0.1)


def test_random_directions_in_few_dimensions_are_not_near_right_angles():
    """The XOR scene (17 weights): the sentence says so instead of "nearly at right angles"."""
    s = SETUPS["XOR: two solutions, a barrier between"]
    sl = lesson.slice_view(s, lesson.Slices())
    assert abs(sl.cosine) > 0.1 and "slice_not_orthogonal" in lesson.slice_blocks(sl)


# -- curvature -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VIEWS)
def test_the_spectrum_sentences_are_chosen_from_the_eigenvalues(name):
    s = SETUPS[name]
    t = lesson.trained(s)
    if t.size > lesson.HESSIAN_CAP:
        return
    eigs = lesson.spectrum(s)
    n = lesson.spectrum_numbers(eigs, lesson.Hessian.tolerance)
    top = np.abs(eigs).max()
    assert n.large == (np.abs(eigs) >= 0.01 * top).sum()
    assert n.small == (np.abs(eigs) < 0.001 * top).sum()
    assert (lesson.spectrum_block(n) == "spectrum_usual") == (n.large < n.small)
    assert n.negative == (eigs < -lesson.Hessian.tolerance * top).sum()
    if lesson.negative_block(n) == "spectrum_negative":
        assert 0 < n.negative and eigs[0] > -0.01 * top  # "such small negative ones"


def test_at_the_defaults_few_directions_are_steep_and_most_are_flat():
    s = SETUPS["defaults"]
    n = lesson.spectrum_numbers(lesson.spectrum(s), lesson.Hessian.tolerance)
    assert n.large < 0.1 * n.size and n.small > 0.5 * n.size


# -- the rest of the page -------------------------------------------------------------------------


def test_one_hidden_layer_has_nothing_to_skip():
    assert not any(networks.MLP((8,), "tanh", skip=True).skips)
    assert any(networks.MLP((8, 8), "tanh", skip=True).skips)


def test_the_network_of_try_this_has_17_weights():
    assert networks.MLP((4,), "tanh").size == 17
    assert SETUPS["XOR: two solutions, a barrier between"].net().size == 17


def test_the_words_define_every_shown_measure():
    words = TEXT("words")
    for term in ("**Climb**", "**Barrier**", "**Matched**", "**Slice**"):
        assert term in words


def test_every_block_a_view_uses_exists_and_fills():
    for s in SETUPS.values():
        n = lesson.line_numbers(s)
        for block in (lesson.start_block(n), lesson.beyond_block(n), lesson.barrier_block(n)):
            assert "{" not in TEXT(block, **n._asdict())
    for block, values in lesson.notice_items(SETUPS["defaults"], lesson.Slices(), 1e-6):
        assert "{" not in TEXT(block, **values)


def test_a_reordered_copy_is_the_same_function_in_the_lesson_s_lines():
    """The shuffled line's two ends are the same network: equal loss."""
    for s in SETUPS.values():
        _, v = line(s, lesson.A_SHUFFLED)
        assert v[20] == pytest.approx(v[60], rel=1e-4)


def test_climb_is_zero_only_on_a_line_that_never_rises():
    for v in itertools.product([0.0, 1.0, 2.0], repeat=4):
        v = np.array(v)
        c = lesson.climb(np.linspace(0, 1, 4), v)
        assert (c == 0) == bool(np.all(np.diff(v) <= 0))

"""The dimensions page's claims, checked at the defaults and at every scene's settings: the
sentences that state an order or a "most" rely on these numbers."""

import numpy as np
import pytest

from lessons.dimensions import compute as lesson
from lessons.dimensions.compute import SCENES, Matrices, NetworkSearch, Sweep
from ui.settings import of

SETTINGS = [(), *SCENES.values()]
NAMES = ["defaults", *SCENES]


def distinct_settings(cls):
    """The settings of one section at the defaults and in every scene, each once."""
    seen = {}
    for name, scene in zip(NAMES, SETTINGS):
        seen.setdefault(of(scene, cls), name)
    return [pytest.param(s, id=name) for s, name in seen.items()]


@pytest.mark.parametrize("s", distinct_settings(Sweep))
def test_the_box_shrinks_with_the_width(s):
    """ "Wider networks: restarts agree" and "shrinks as the width grows"."""
    ws = lesson.width_sweep(s)
    assert lesson.spread_shrinks(ws), ws.spread
    runs, table, words = lesson.sweep_view(s, ws)
    assert words["title"] == "Wider networks: restarts agree"
    assert words["spread"].startswith("The box")


def test_with_noise_0_8_the_box_stops_shrinking():
    """The text's "raise the noise to 0.8 and the box stops shrinking at a middle width"."""
    ws = lesson.width_sweep(Sweep(noise=0.8))
    assert not lesson.spread_shrinks(ws), ws.spread
    inner = ws.spread[ws.widths >= 2]
    assert inner.argmin() < len(inner) - 1  # the smallest box is not the widest network's


@pytest.mark.parametrize("s", distinct_settings(Matrices))
def test_typical_hessians_are_rarely_minima_and_low_ones_mostly(s):
    census = lesson.matrix_census(s)
    shifted = lesson.shifted_shares(s)
    assert (shifted > 0.5).all(), shifted  # "near the bottom, most are minima"
    hit = census.n[(census.hits > 0) & (census.n >= 3)]
    assert (census.share[hit - 1] < lesson.dims.naive(hit)).all()  # "fall far faster"
    assert lesson.faster_than_naive(census).startswith("The measured shares fall far faster")


@pytest.mark.parametrize("s", distinct_settings(NetworkSearch))
def test_the_search_finds_mostly_saddles_and_training_goes_lower(s):
    """Notice: "finds mostly saddles, but it is biased towards them"; and the slice section's
    "a random 2-D slice through a saddle usually looks like a bowl"."""
    table = lesson.critical_table(s)
    ends = lesson.trained_ends(s)
    found = table[(table["status"] == lesson.STATUS[0]) & table["distinct"]]
    saddles = int((found["downhill"] > 0).sum())
    assert saddles > len(found) - saddles, found
    calm = ends[ends["downhill"] == 0]
    assert len(calm) and calm["loss"].min() < found["loss"].min()
    words = lesson.search_words(table, ends)
    assert "below the lowest critical point the search found" in words["bias"]
    saddle_rows, first = lesson.found_saddles(table)
    r = lesson.slice_data(s, int(saddle_rows["start"].iloc[first]))
    assert r.census.planes["bowl-shaped"] > 0.5


def test_styblinski_tang_loss_climbs_with_every_downhill_direction():
    for d in (1, 8, 10):
        groups = lesson.styblinski_groups(lesson.StyblinskiTang(dimension=d))
        assert lesson.styblinski_order(groups).startswith("the mean loss climbs")
        k = groups.groupby("downhill")["loss"].mean()
        assert np.all(np.diff(k.to_numpy()) > 0)

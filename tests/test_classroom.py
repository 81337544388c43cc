"""Classroom features on every page of lessons.py: lesson scenes, export files, presentation mode;
and the server's start-up warm-up.

Pages are found from lessons.py and their scenes and download buttons from what they draw
(ui.classroom's keys), so a new lesson is covered as soon as it is listed. The download files are
the real ones: the callables the page hands to st.download_button, run as a click would run them.
"""

import io
import json
import re
from collections import Counter

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import warmup
from lessons import HOME, LESSONS
from tests import test_app
from tests.page_kit import ROOT, failure
from tests.test_app import keys
from ui import classroom

TIMEOUT = 120
SCENE = re.compile(r"^_ui_(.+)_scene_(\d+)$")  # classroom.scenes' button keys


def open_page(entry, query: dict | None = None) -> AppTest:
    """The page script on its own (a fresh tab on that page's address)."""
    at = AppTest.from_file(str(ROOT / entry.file), default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    return at.run()


def ok(at: AppTest, what: str) -> None:
    if at.exception:
        pytest.fail(f"{what}:\n{failure(at)}")


def scene_buttons(at: AppTest) -> list[str]:
    found = [b.key for b in at.button if b.key and SCENE.match(b.key)]
    return sorted(found, key=lambda k: int(SCENE.match(k)[2]))


def widget_values(at: AppTest) -> dict:
    """Every control of the page by its URL key (the presentation switch and the hidden
    prediction left out)."""
    return {
        k: at.session_state[k]
        for k in keys(at)
        if not k.startswith("_")
        and k != classroom.PRESENT
        and not k.endswith("_guess")
        and k in at.session_state
    }


# -- lesson scenes ----------------------------------------------------------------------------


@pytest.mark.parametrize("entry", LESSONS, ids=[p.file for p in LESSONS])
def test_each_scene_sets_the_controls_renders_and_its_link_replays_it(entry):
    """The instructor steps through the scenes in one tab: each click sets the page's controls
    (its button shows as the active one), the page renders, and the address bar then holds a
    link that opens the same settings in a fresh tab."""
    at = open_page(entry)
    ok(at, f"{entry.file} with its defaults")
    scenes = scene_buttons(at)
    if not scenes:
        pytest.skip(f"{entry.file} offers no lesson scenes")
    defaults = widget_values(at)
    for key in scenes:
        at.button(key=key).click().run()
        ok(at, f"{entry.file} after clicking {at.button(key=key).label!r}")
        assert at.button(key=key).proto.type == "primary", f"{key} is not shown as active"
        values = widget_values(at)
        link = dict(at.query_params)
        assert link or values == defaults, f"{key}: the address bar holds no setting to share"
        fresh = open_page(entry, link)
        ok(fresh, f"{entry.file} opened from the link of {key}")
        assert widget_values(fresh) == values, f"the link of {key} replays other settings"


# -- export -----------------------------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """file id → (file name, callable) of every deferred download the pages register."""
    made = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kw)
        made[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


@pytest.mark.parametrize("entry", LESSONS, ids=[p.file for p in LESSONS])
def test_export_files_parse_back(entry, downloads):
    """Every CSV parses back with pandas into a non-empty table, and the settings JSON parses
    back with json and holds every control of the page under its key, with its value."""
    at = open_page(entry)
    at.run()  # as after any interaction: every control of the page is in the session
    ok(at, entry.file)
    buttons = [b.proto for b in at.get("download_button")]
    assert buttons, f"{entry.file} offers no download"
    controls = widget_values(at)
    kinds = Counter()
    for proto in buttons:
        assert proto.deferred_file_id in downloads, f"{proto.label}: no file behind the button"
        name, make = downloads[proto.deferred_file_id]
        text = make()
        if name.endswith(".csv"):
            df = pd.read_csv(io.StringIO(text))
            assert len(df) > 0 and len(df.columns) > 0, f"{name} is empty"
            kinds["csv"] += 1
        else:
            assert name.endswith(".json"), name
            settings = json.loads(text)
            missing = set(controls) - set(settings)
            assert not missing, f"{name} lacks the controls {sorted(missing)}"
            for k, v in controls.items():
                assert settings[k] == (list(v) if isinstance(v, tuple) else v), k
            kinds["json"] += 1
    assert kinds["csv"] > 0 and kinds["json"] > 0, kinds


def test_export_helpers_round_trip():
    df = pd.DataFrame(
        {
            "step": [0, 1, 2],
            "run": ["Adam", "Adam, lr 0.1", 'say "hi"'],
            "loss": [1.5, float("nan"), -2e-9],
        }
    )
    back = pd.read_csv(io.StringIO(classroom.to_csv(df)))
    pd.testing.assert_frame_equal(back, df)
    settings = {
        "saddle_surface": "saddle",
        "saddle_optimizers": ("sgd", "adam"),
        "saddle_eps": 1e-08,
        "saddle_noisy": False,
        "saddle_seed": 3,
    }
    assert json.loads(classroom.to_json(settings)) == {
        **settings,
        "saddle_optimizers": ["sgd", "adam"],
    }


# -- presentation mode ------------------------------------------------------------------------


def expanded(at: AppTest) -> int:
    return sum(e.proto.expanded for e in at.expander)


@pytest.mark.parametrize("entry", LESSONS, ids=[p.file for p in LESSONS])
def test_presentation_mode_from_the_link(entry):
    """?present=true: larger type, settings folded away and the page's sections folded so that
    at most one chart section is open."""
    normal = open_page(entry)
    at = open_page(entry, {classroom.PRESENT: "true"})
    ok(at, f"{entry.file}?present=true")
    assert at.toggle(key=classroom.PRESENT).value is True
    css = [h.value for h in at.html if "font-size" in h.value]
    assert css and not [h.value for h in normal.html if "font-size" in h.value]
    assert len(at.expander) > len(normal.expander), "sections did not fold into expanders"
    assert expanded(at) <= 1, "more than one section is open"


def test_home_renders_in_presentation_mode():
    at = test_app.open_page(HOME, {classroom.PRESENT: "true"})  # through app.py: its links
    ok(at, "Home?present=true")


# -- start-up warm-up -------------------------------------------------------------------------


def test_warm_up_starts_once_and_survives_a_failing_hook(monkeypatch):
    calls = []

    def broken():
        calls.append("broken")
        raise RuntimeError("a lesson's warm-up failed")

    monkeypatch.setattr(warmup, "HOOKS", [broken, lambda: calls.append("next")])
    warmup.warm.clear()
    try:
        thread = warmup.warm()
        assert warmup.warm() is thread, "a second page run must not start another warm-up"
        thread.join(timeout=60)
        assert calls == ["broken", "next"]
    finally:
        warmup.warm.clear()

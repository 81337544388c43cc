"""Adding my run to the class from Practice (a run of the comparison's baseline) and from the
Restarts page's real network, and where the class's restarts ended on the basin map: headless
with AppTest over a real SQLite file, every outcome read back from the store and checked against
the engine. The autouse fixture rooms_db, imported from test_room_page, gives each test its own
database."""

from __future__ import annotations

import json

import pytest
import torch
from page_kit import run, texts
from streamlit.testing.v1 import AppTest
from test_page_dimensions import LIGHT as DIMENSIONS_LIGHT
from test_page_network_landscape import LIGHT as NETWORK_LIGHT
from test_page_practice import LIGHT as PRACTICE_LIGHT
from test_page_practice import charts
from test_page_saddles import LIGHT as SADDLES_LIGHT
from test_room_page import LIGHT, open_app, rooms_db, start_class, submit, warnings  # noqa: F401

from core import surfaces
from lessons.practice import compute as practice_lesson
from lessons.restarts import compute as restarts_lesson
from rooms.store import MIN_SUBMIT_GAP_S
from ui import room


def submitted(at: AppTest, kind: str) -> tuple[str, room.Run]:
    """Click this page's button of `kind`; the experiment's name and this seat's stored run."""
    button, name = submit(at, kind)
    button.click()
    run(at)
    assert not warnings(at)
    seat = at.session_state[room._MEMBER].seat
    code = at.session_state[room._MEMBER].code
    mine = [r for r in room.store().runs(code, name) if r.seat == seat]
    assert len(mine) == 1
    return name, mine[0]


def later(seconds: float) -> None:
    """Move the store's clock on, past the rate limit between two submits of one seat."""
    s = room.store()
    now = s.now
    s.now = lambda: now() + seconds


def practice_of(settings: dict) -> practice_lesson.Compare:
    """The comparison's settings a stored run was made with (by URL key; "seed" is the
    student's own)."""
    prefix = f"{practice_lesson.Compare.PREFIX}_"
    return practice_lesson.Compare(
        **{k.removeprefix(prefix): v for k, v in settings.items() if k.startswith(prefix)}
    )


def test_a_practice_run_is_the_baseline_trained_from_my_seed():
    _, m = start_class()
    students = [open_app({"room": m.code, **PRACTICE_LIGHT}, "pages/practice.py") for _ in "ab"]
    stored = [submitted(s, "practice-")[1] for s in students]
    for r in stored:
        s = practice_of(r.settings)
        assert (s.steps, s.restarts, s.target) == (100, 4, practice_lesson.Compare.target)
        assert r.settings["seed"] == room.seed_of(r.seat)
        want = practice_lesson.class_run(s, r.settings["seed"])
        assert r.outcome == pytest.approx(want, rel=1e-5)
        assert 0.5 <= r.outcome["accuracy"] <= 1 and r.outcome["loss"] > 0
        # success is reaching the target loss, at the step stored
        assert r.outcome["success"] == (r.outcome["steps"] is not None)
        if r.outcome["success"]:
            assert 0 < r.outcome["steps"] <= s.steps
    assert stored[0].outcome["loss"] != stored[1].outcome["loss"]  # two seeds, two runs
    assert "2 runs from 2 seeds" in texts(run(students[0]).markdown)


def test_a_practice_resubmit_replaces_my_run_and_pools_with_nothing_else():
    _, m = start_class()
    s = open_app({"room": m.code, **PRACTICE_LIGHT}, "pages/practice.py")
    name, first = submitted(s, "practice-")
    later(MIN_SUBMIT_GAP_S + 1)
    again, second = submitted(s, "practice-")
    assert again == name and second.submitted_at > first.submitted_at
    assert len(room.store().runs(m.code, name)) == 1
    assert "1 run from 1 seed" in texts(s.markdown)
    s.select_slider(key="compare_steps").set_value(200)  # other settings: another experiment
    run(s)
    later(MIN_SUBMIT_GAP_S + 1)
    other, third = submitted(s, "practice-")
    assert other != name and third.settings["compare_steps"] == 200
    assert len(room.store().runs(m.code, name)) == 1


def test_a_network_restart_goes_to_the_class_judged_by_the_sections_restarts():
    teacher, m = start_class()
    students = [open_app({"room": m.code, **LIGHT}, "pages/restarts.py") for _ in "abc"]
    stored = [submitted(s, "netrestart-")[1] for s in students]
    net = restarts_lesson.Network(restarts=4, steps=100)
    page = restarts_lesson.network_runs(net)
    threshold = restarts_lesson.network_threshold(page)
    assert min(page.final_loss) <= threshold < max(page.final_loss)  # a line among the restarts
    for r in stored:
        assert r.settings["network_restarts"] == 4 and r.settings["network_steps"] == 100
        mine = restarts_lesson.network_runs(net, restarts=1, seed=r.settings["seed"])
        assert r.outcome["loss"] == pytest.approx(float(mine.final_loss[0]), rel=1e-5)
        assert r.outcome["accuracy"] == pytest.approx(float(mine.accuracy[0]))
        assert r.outcome["threshold"] == pytest.approx(threshold)
        assert r.outcome["success"] == (r.outcome["loss"] <= threshold)
        assert (r.outcome["steps"] is not None) >= r.outcome["success"]
    teacher.switch_page("pages/restarts.py")
    teacher.query_params.update(LIGHT)
    run(teacher)
    wins = sum(r.outcome["success"] for r in stored)
    assert f"3 runs from 3 seeds** so far: {wins} of them got as low as" in texts(teacher.markdown)
    later(MIN_SUBMIT_GAP_S + 1)
    submitted(students[0], "netrestart-")  # a resubmit replaces
    assert len(room.store().runs(m.code, submit(teacher, "netrestart-")[1])) == 3


def ends_chart(at: AppTest) -> tuple[list[dict], dict]:
    """The class view's basin map: its end points' rows, and the chart's spec."""
    found = [
        (rows, el)
        for el, chart in zip(at.get("vega_lite_chart"), charts(at))
        for rows in chart.values()
        if rows and {"x", "y", "success", "run"} <= set(rows[0])
    ]
    assert len(found) == 1
    rows, el = found[0]
    return rows, json.loads(el.proto.spec)


def test_the_class_view_maps_where_every_restart_ended():
    teacher, m = start_class()
    students = [open_app({"room": m.code, **LIGHT}, "pages/restarts.py") for _ in "abc"]
    stored = [submitted(s, "restarts-")[1] for s in students]
    surface = surfaces.get(restarts_lesson.Restarts.surface)
    for r in stored:  # the stored end point is where the run's final loss is
        x, y = r.outcome["x"], r.outcome["y"]
        at_end = float(surface(torch.tensor([[x, y]], dtype=torch.float64)))
        assert at_end == pytest.approx(r.outcome["loss"], rel=1e-4, abs=1e-6)
        assert (x, y) != (r.outcome["x0"], r.outcome["y0"])
    teacher.switch_page("pages/restarts.py")
    teacher.query_params.update(LIGHT)
    run(teacher)
    rows, spec = ends_chart(teacher)
    assert sorted((p["x"], p["y"], p["success"]) for p in rows) == sorted(
        (r.outcome["x"], r.outcome["y"], r.outcome["success"]) for r in stored
    )
    (x0, x1), (y0, y1) = surface.bounds  # true to scale: a unit as long on both axes
    assert spec["width"] / spec["height"] == pytest.approx((x1 - x0) / (y1 - y0), rel=0.02)
    assert any("Where the class's 3 runs ended" in str(v) for v in spec.values())


#: Each page's prose that answers its question, by the page: in a room the question comes first.
ANSWERED_BY = {
    "pages/restarts.py": ("to **restart** from new random", LIGHT),
    "pages/practice.py": ("A deliberately **hard setting**", PRACTICE_LIGHT),
}


def question_and_answer(at: AppTest, answer: str) -> tuple[int, int]:
    """Where the question and the prose that answers it sit among the page's markdown."""
    blocks = [e.value for e in at.markdown]
    return (
        next(i for i, v in enumerate(blocks) if "Predict first" in v),
        next(i for i, v in enumerate(blocks) if answer in v),
    )


@pytest.mark.parametrize("page", ANSWERED_BY)
def test_in_a_room_the_question_comes_before_what_answers_it(page):
    answer, light = ANSWERED_BY[page]
    alone = open_app(light, page)
    question, answered = question_and_answer(alone, answer)
    assert question > answered  # alone: the question waits at the end of the page
    assert not [b for b in alone.button if (b.key or "").startswith("_room_submit_")]
    _, m = start_class()
    student = open_app({"room": m.code, **light}, page)
    question, answered = question_and_answer(student, answer)
    assert question < answered


HIDDEN = "appears for everyone when the instructor reveals the answer"


def lesson_charts(at: AppTest) -> int:
    """The page's own charts: the class's tally of guesses left out."""
    return sum(
        not any(rows and "students" in rows[0] for rows in chart.values()) for chart in charts(at)
    )


@pytest.mark.parametrize("page", ANSWERED_BY)
def test_in_a_room_what_answers_the_question_waits_for_the_reveal(page):
    """The chart that answers the page's question stays hidden, for the students and on the
    projector, until the instructor reveals the answer; then everyone sees it."""
    _, light = ANSWERED_BY[page]
    teacher, m = start_class()
    teacher.switch_page(page)
    teacher.query_params.update(light)
    run(teacher)
    student = open_app({"room": m.code, **light}, page)
    alone = open_app(light, page)
    assert not any(HIDDEN in i.value for i in alone.info)
    for at in (teacher, student):
        assert any(HIDDEN in i.value for i in at.info)
        assert lesson_charts(at) < lesson_charts(alone)
    next(b for b in teacher.button if b.label.startswith("Reveal")).click()
    run(teacher)
    run(student)
    for at in (teacher, student):
        assert not any(HIDDEN in i.value for i in at.info)
        assert lesson_charts(at) >= lesson_charts(alone)


#: The other pages, with light settings: in a room their question moves up, and on all but
#: Convex (whose answer is its own run, told in the answer's words) a section waits for it.

MOVED = {
    "pages/convex.py": ({}, False),
    "pages/saddles.py": (SADDLES_LIGHT, True),
    "pages/dimensions.py": (DIMENSIONS_LIGHT, True),
    "pages/network_landscape.py": (NETWORK_LIGHT, True),
}


def question_at(at: AppTest) -> int:
    return next(i for i, e in enumerate(at.markdown) if "Predict first" in e.value)


@pytest.mark.parametrize("page", MOVED)
def test_in_a_room_every_question_comes_first_and_its_answer_waits(page):
    light, hides = MOVED[page]
    alone = open_app(light, page)
    teacher, m = start_class()
    teacher.switch_page(page)
    teacher.query_params.update(light)
    run(teacher)
    student = open_app({"room": m.code, **light}, page)
    assert question_at(student) < question_at(alone)
    assert not any(HIDDEN in i.value for i in alone.info)
    assert any(HIDDEN in i.value for i in student.info) == hides
    if hides:
        assert lesson_charts(student) < lesson_charts(alone)
        next(b for b in teacher.button if b.label.startswith("Reveal")).click()
        run(teacher)
        run(student)
        assert not any(HIDDEN in i.value for i in student.info)
        assert lesson_charts(student) >= lesson_charts(alone)

"""The class room in the app, headless with AppTest over a real SQLite file: start a class,
join by its link, add runs to the pooled experiment and see them in the class view, follow the
instructor's scene, the prediction as a class poll, and every bad link."""

from __future__ import annotations

import pytest
from page_kit import ROOT, run, texts
from streamlit.testing.v1 import AppTest

from lessons.restarts.compute import SCENES, Restarts
from ui import room

LIGHT = {"restarts_runs": "100", "network_restarts": "4", "network_steps": "100"}


@pytest.fixture(autouse=True)
def rooms_db(tmp_path, monkeypatch):
    """Every test its own database file: the app's store() reads LANDSCAPE_ROOMS_URL."""
    monkeypatch.setenv(room.ENV_URL, f"sqlite:///{tmp_path / 'rooms.db'}")
    room.store.clear()
    yield
    room.store.clear()


def open_app(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params.update(query or {})
    run(at)
    if page:
        at.switch_page(page)
        run(at)
    return at


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, (label, [b.label for b in at.button])
    return found[0]


def submit(at: AppTest, kind: str):
    """The one "Add my run to the class" button of an experiment kind (its name's prefix:
    "restarts-", "netrestart-", "network-", "practice-"), and that experiment's name."""
    found = [b for b in at.button if (b.key or "").startswith(f"_room_submit_{kind}")]
    assert len(found) == 1, (kind, [b.key for b in at.button])
    return found[0], found[0].key.removeprefix("_room_submit_")


def warnings(at: AppTest) -> str:
    return texts(at.warning)


def start_class() -> tuple[AppTest, room.Member]:
    at = open_app()
    button(at, "Start a class").click()
    run(at)
    m = at.session_state[room._MEMBER]
    assert m.teaches and not warnings(at)
    return at, m


def test_start_a_class_gives_a_join_link_without_the_instructor_key():
    at, m = start_class()
    link = next(c.value for c in at.code if f"room={m.code}" in c.value)
    assert "teach" not in link and m.key not in link
    assert at.query_params["room"] == m.code and at.query_params["teach"] == m.key
    assert any("You teach class" in t for t in texts(at.markdown).splitlines())


def test_a_student_joins_by_link_and_the_class_view_pools_every_run():
    teacher, m = start_class()
    students = [open_app({"room": m.code}, "pages/restarts.py") for _ in range(3)]
    seats = {s.session_state[room._MEMBER].seat for s in students}
    assert len(seats) == 3 and not any(s.session_state[room._MEMBER].teaches for s in students)
    for s in students:
        s.query_params.update(LIGHT)
        run(s)
        submit(s, "restarts-")[0].click()
        run(s)
        assert not warnings(s)
    teacher.switch_page("pages/restarts.py")
    teacher.query_params.update(LIGHT)
    run(teacher)
    view = texts(teacher.markdown)
    assert "3 runs from 3 seeds" in view
    stored = room.store().runs(m.code, submit(teacher, "restarts-")[1])
    assert len(stored) == 3 and all(
        set(r.outcome) >= {"loss", "success", "x0", "y0"} for r in stored
    )
    assert {r.settings["seed"] for r in stored} == {room.seed_of(seat) for seat in seats}


def test_a_resubmit_a_moment_later_is_refused_and_replaces_nothing():
    _, m = start_class()
    s = open_app({"room": m.code, **LIGHT}, "pages/restarts.py")
    submit(s, "restarts-")[0].click()
    run(s)
    submit(s, "restarts-")[0].click()
    run(s)
    assert "wait a moment" in warnings(s)
    assert "1 run from 1 seed" in texts(s.markdown)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"room": "ZZZZ"}, "class code"),
        ({"room": "ABCDEFGH"}, "There is no class with the code"),
        ({"room": "<script>alert(1)</script>"}, "class code"),
    ],
)
def test_a_bad_join_link_says_so_and_the_page_works(query, message):
    at = open_app(query)
    assert message in warnings(at)
    assert at.session_state[room._MEMBER] is None and "room" not in at.query_params
    at.switch_page("pages/restarts.py")
    run(at)
    assert at.metric and not warnings(at)  # the lesson itself renders, the room is forgotten


def test_a_tampered_instructor_key_makes_a_student():
    _, m = start_class()
    at = open_app({"room": m.code, "teach": "x" * 30})
    assert "instructor key is not this class's" in warnings(at)
    assert not at.session_state[room._MEMBER].teaches
    assert not [b for b in at.button if b.label in ("Close the class", "Start a class")]


def test_a_follower_gets_the_instructors_scene_and_can_stop_following():
    teacher, m = start_class()
    student = open_app({"room": m.code})
    teacher.switch_page("pages/restarts.py")
    run(teacher)
    name = list(SCENES)[1]
    button(teacher, name).click()
    run(teacher)
    run(student)  # the follow check, as its fragment does every few seconds
    wanted = [s for s in SCENES[name] if isinstance(s, Restarts)][0]
    assert student.session_state["restarts_surface"] == wanted.surface
    assert any(f"Following: {name}" in c.value for c in student.caption)
    student.toggle(key=room._FOLLOW_TOGGLE).set_value(False)
    run(student)
    button(teacher, list(SCENES)[0]).click()
    run(teacher)
    run(student)
    assert student.session_state["restarts_surface"] == wanted.surface  # kept its own


def test_the_prediction_is_a_class_poll_revealed_by_the_instructor():
    teacher, m = start_class()
    teacher.switch_page("pages/restarts.py")
    teacher.query_params.update(LIGHT)
    run(teacher)
    student = open_app({"room": m.code, **LIGHT}, "pages/restarts.py")
    radio = student.radio(key="restarts_guess")
    radio.set_value(radio.options[1])
    run(student)
    student.button(key="_ui_restarts_commit").click()
    run(student)
    assert any("answer comes when your instructor reveals it" in i.value for i in student.info)
    assert not student.success  # the answer stays hidden
    assert not [b for b in student.button if b.label.startswith("Reveal")]
    run(teacher)
    assert any("1 so far" in c.value for c in teacher.caption)
    assert not teacher.success and not any("the answer is" in i.value for i in teacher.info)
    button(teacher, "Reveal the answer to the class").click()
    run(teacher)
    run(student)
    assert student.success and "about 60" in student.success[0].value


def test_a_closed_class_lets_its_students_go_with_a_message():
    teacher, m = start_class()
    student = open_app({"room": m.code})
    button(teacher, "Close the class").click()
    run(teacher)
    assert teacher.session_state[room._MEMBER] is None
    run(student)
    assert student.session_state[room._MEMBER] is None
    assert "has been closed" in warnings(student) and "room" not in student.query_params


def test_a_trained_network_goes_to_the_class_with_its_loss_and_accuracy():
    _, m = start_class()
    s = open_app({"room": m.code, "net_steps": "200"}, "pages/network_landscape.py")
    button(s, "Add my run to the class").click()
    run(s)
    assert not warnings(s) and "1 run from 1 seed" in texts(s.markdown)
    name = next(b.key for b in s.button if b.key and b.key.startswith("_room_submit_"))
    (stored,) = room.store().runs(m.code, name.removeprefix("_room_submit_"))
    assert 0 <= stored.outcome["accuracy"] <= 1 and stored.outcome["loss"] > 0
    assert stored.settings["steps"] == 200 and stored.settings["seed"] == room.seed_of(stored.seat)

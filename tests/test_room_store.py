"""The class rooms' store against real databases: a SQLite file and a PostgreSQL server.

Every rule of rooms/store.py is checked on both: codes and keys, who may do what, one run per
student and experiment, the bounds, expiry, and concurrent submits that lose nothing."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from rooms import store
from rooms.store import RoomError, Store, new_seat
from tests.db_kit import postgres_cluster


class Clock:
    def __init__(self):
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A fresh Store with its own clock, on each backend."""
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'rooms.db'}")
    else:
        engine = sa.create_engine(request.getfixturevalue("postgres_url"))
        store.meta.drop_all(engine)
    s = Store(engine, now=Clock())
    s.create_schema()
    s.create_schema()  # every replica creates it at start: the second time changes nothing
    yield s
    engine.dispose()


def test_a_room_opens_with_a_code_and_a_key_only_its_instructor_holds(db):
    code, key = db.open_room()
    assert store.normal_code(code.lower()[:4] + "-" + code[4:]) == code
    assert db.room(code).code == code
    assert db.is_instructor(code, key)
    assert not db.is_instructor(code, key[:-1] + ("A" if key[-1] != "A" else "B"))
    assert not db.is_instructor(code, "' OR 1=1 --")
    with db.engine.connect() as c:  # only the key's hash is stored
        stored = c.execute(sa.select(store.rooms_table.c.key_hash)).scalar()
    assert key not in stored and len(stored) == 64


@pytest.mark.parametrize("bad", ["", "abc", "AAAA-AAAA-A", "'; DROP TABLE rooms; --", "0O1I0O1I"])
def test_a_tampered_code_is_refused_with_a_message(db, bad):
    with pytest.raises(RoomError, match="not a class code"):
        db.room(bad)


def test_an_unknown_closed_or_expired_room_says_so(db):
    with pytest.raises(RoomError, match="no class"):
        db.room("ABCDEFGH")
    code, key = db.open_room()
    db.now.t += store.ROOM_TTL_S + 1
    with pytest.raises(RoomError, match="expired"):
        db.room(code)
    code, key = db.open_room()
    db.close_room(code, key)
    with pytest.raises(RoomError, match="closed"):
        db.submit(code, new_seat(), "e", {}, {"loss": 1.0})


def test_one_run_per_student_and_experiment_a_resubmit_replaces_it(db):
    code, _ = db.open_room()
    a, b = new_seat(), new_seat()
    db.submit(code, a, "restarts", {"seed": 1}, {"loss": 2.0})
    db.now.t += 5
    db.submit(code, b, "restarts", {"seed": 2}, {"loss": 1.0})
    db.now.t += 5
    db.submit(code, a, "restarts", {"seed": 3}, {"loss": 0.5})
    runs = db.runs(code, "restarts")
    assert [(r.seat, r.settings["seed"], r.outcome["loss"]) for r in runs] == [
        (b, 2, 1.0),
        (a, 3, 0.5),
    ]
    assert db.runs(code, "practice") == []


def test_only_the_instructor_sets_the_scene_reveals_exports_or_closes(db):
    code, key = db.open_room()
    student = new_seat()
    for act in (
        lambda k: db.set_scene(code, k, "saddles", "Adam escapes", {"saddle_eps": 1e-8}),
        lambda k: db.reveal(code, k, "q1"),
        lambda k: db.export(code, k),
        lambda k: db.close_room(code, k),
    ):
        for wrong in (None, "", student, "x" * 32):
            with pytest.raises(RoomError, match="instructor"):
                act(wrong)
    assert db.room(code).scene_version == 0 and not db.revealed(code, "q1")
    assert db.set_scene(code, key, "saddles", "Adam escapes", {"saddle_eps": 1e-8}) == 1
    room = db.room(code)
    assert (room.scene_page, room.scene_name, room.scene_values) == (
        "saddles",
        "Adam escapes",
        {"saddle_eps": 1e-8},
    )


def test_guesses_are_tallied_and_stay_hidden_until_revealed(db):
    code, key = db.open_room()
    seats = [new_seat() for _ in range(5)]
    for i, seat in enumerate(seats):
        db.guess(code, seat, "q", "twice" if i < 3 else "same")
    db.guess(code, seats[4], "q", "twice")  # a changed mind replaces the guess
    assert db.tally(code, "q") == {"twice": 4, "same": 1}
    assert db.my_guess(code, seats[3], "q") == "same"
    assert not db.revealed(code, "q")
    db.reveal(code, key, "q")
    assert db.revealed(code, "q")
    runs, guesses = db.export(code, key)
    assert runs == [] and len(guesses) == 5


def test_bounds_rate_size_and_count(db, monkeypatch):
    code, _ = db.open_room()
    seat = new_seat()
    db.submit(code, seat, "e1", {}, {"loss": 1.0})
    with pytest.raises(RoomError, match="wait a moment"):
        db.submit(code, seat, "e2", {}, {"loss": 1.0})
    db.now.t += store.MIN_SUBMIT_GAP_S
    with pytest.raises(RoomError, match="too large"):
        db.submit(code, seat, "e2", {"x": "a" * store.MAX_JSON}, {"loss": 1.0})
    with pytest.raises(RoomError, match="finite"):
        db.submit(code, seat, "e2", {}, {"loss": float("nan")})
    with pytest.raises(RoomError, match="seat"):
        db.submit(code, "robert'); DROP", "e2", {}, {"loss": 1.0})
    with pytest.raises(RoomError, match="experiment"):
        db.submit(code, seat, "e" * (store.MAX_NAME + 1), {}, {"loss": 1.0})
    monkeypatch.setattr(store, "MAX_RUNS", 3)
    for _ in range(2):
        db.submit(code, new_seat(), "e1", {}, {"loss": 1.0})
    with pytest.raises(RoomError, match="3 runs"):
        db.submit(code, new_seat(), "e1", {}, {"loss": 1.0})
    db.now.t += 10
    db.submit(code, seat, "e1", {}, {"loss": 0.1})  # replacing one's own run is still allowed
    assert len(db.runs(code, "e1")) == 3


def test_concurrent_submits_from_60_students_lose_nothing(db):
    code, _ = db.open_room()
    seats = [new_seat() for _ in range(60)]
    errors: list[BaseException] = []

    def submit(i: int) -> None:
        try:
            db.submit(code, seats[i], "restarts", {"seed": i}, {"loss": float(i)})
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    runs = db.runs(code, "restarts")
    assert sorted(r.settings["seed"] for r in runs) == list(range(60))

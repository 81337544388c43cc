"""The class rooms' storage: rooms, the students' runs, their guesses, the instructor's scene.

Everything a room knows lives in the database, none of it in a server's memory, so every replica
(and a student who reconnects to another one) sees the same room. Statements are SQLAlchemy Core
with bound parameters only; no SQL is ever built from what a user typed. Every value that comes
from a browser is checked here (format, size, count) before it reaches a statement, and a bad
one raises RoomError, a ValueError whose message a page can show as it is.

Who may do what: anyone with a room's join code may join, submit their own run (one per
experiment; a new one replaces theirs) and guess. Only the holder of the instructor key (which
only the instructor's own link carries; the database keeps its SHA-256 only) may set the room's
scene, reveal an answer, export or close the room.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

#: A join code: 8 letters and digits that cannot be misread (no 0/O, 1/I/L), 29⁸ ≈ 5·10¹¹.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
SEAT_LENGTH = 12  # a student's seat: lower-case letters and digits, kept in their own link
ROOM_TTL_S = 24 * 3600  # a room expires a day after it was opened
MAX_RUNS = 300  # runs kept in one room, all experiments together
MAX_GUESSES = 2000  # guesses kept in one room
MIN_SUBMIT_GAP_S = 2.0  # one seat submits at most this often
MAX_JSON = 4000  # characters of a run's settings, outcome or a scene's values
MAX_NAME = 120  # characters of an experiment's, a question's, a page's or an option's name
SCHEMA_VERSION = 1

_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_SEAT = re.compile(f"^[a-z0-9]{{{SEAT_LENGTH}}}$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

meta = sa.MetaData()
schema_table = sa.Table("schema_version", meta, sa.Column("version", sa.Integer, nullable=False))
rooms_table = sa.Table(
    "rooms",
    meta,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("opened_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
    sa.Column("scene_page", sa.String(MAX_NAME), nullable=False, default=""),
    sa.Column("scene_name", sa.String(MAX_NAME), nullable=False, default=""),
    sa.Column("scene_values", sa.Text, nullable=False, default="{}"),
    sa.Column("scene_version", sa.Integer, nullable=False, default=0),
)
runs_table = sa.Table(
    "runs",
    meta,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("experiment", sa.String(MAX_NAME), primary_key=True),
    sa.Column("seat", sa.String(SEAT_LENGTH), primary_key=True),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("submitted_at", sa.Float, nullable=False),
)
guesses_table = sa.Table(
    "guesses",
    meta,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("question", sa.String(MAX_NAME), primary_key=True),
    sa.Column("seat", sa.String(SEAT_LENGTH), primary_key=True),
    sa.Column("option", sa.String(MAX_NAME), nullable=False),
    sa.Column("guessed_at", sa.Float, nullable=False),
)
reveals_table = sa.Table(
    "reveals",
    meta,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("question", sa.String(MAX_NAME), primary_key=True),
)
sa.Index("runs_by_seat", runs_table.c.code, runs_table.c.seat)


class RoomError(ValueError):
    """A request about a room that cannot be served, in words a student can read."""


@dataclass(frozen=True)
class Room:
    code: str
    opened_at: float
    expires_at: float
    scene_page: str
    scene_name: str
    scene_values: dict
    scene_version: int


@dataclass(frozen=True)
class Run:
    seat: str
    settings: dict
    outcome: dict
    submitted_at: float


def new_seat() -> str:
    """A student's seat in a room: random, so that nobody can submit in another's name."""
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))


def is_seat(text: object) -> bool:
    """Whether `text` is a seat as new_seat makes them (a link may carry anything)."""
    return isinstance(text, str) and bool(_SEAT.match(text))


def normal_code(text: object) -> str:
    """A join code as typed (any case, spaces, dashes), or RoomError."""
    code = re.sub(r"[\s-]", "", str(text or "")).upper()[: CODE_LENGTH + 1]
    if not _CODE.match(code):
        raise RoomError(
            f"“{str(text)[:20]}” is not a class code: a code has {CODE_LENGTH} letters and "
            "digits, as the instructor's link or screen shows it."
        )
    return code


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _seat(seat: object) -> str:
    if not is_seat(seat):
        raise RoomError("This page has no valid seat in the class: open the class link again.")
    return seat


def _name(what: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise RoomError(f"The {what} is missing or longer than {MAX_NAME} characters.")
    return value


def _json(what: str, value: Mapping) -> str:
    try:
        text = json.dumps(dict(value), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        raise RoomError(f"The {what} cannot be stored: only plain, finite values.") from None
    if len(text) > MAX_JSON:
        raise RoomError(f"The {what} is too large to store ({len(text)} > {MAX_JSON} characters).")
    return text


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL: readers never wait for the writer, and several replicas share one file safely."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def prepare(engine: sa.Engine) -> sa.Engine:
    """Set up an engine for the store (SQLite: WAL and a busy timeout on every connection)."""
    if engine.dialect.name == "sqlite" and not sa.event.contains(
        engine, "connect", _sqlite_pragmas
    ):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class Store:
    """Rooms in one database. `now` is the clock (tests pass their own)."""

    def __init__(self, engine: sa.Engine, now: Callable[[], float] = time.time):
        self.engine = prepare(engine)
        self.now = now

    # -- schema ---------------------------------------------------------------------------

    def create_schema(self) -> None:
        """Create the tables if they are missing and record the schema's version; safe to call
        from every replica at start (an existing table is left as it is)."""
        meta.create_all(self.engine, checkfirst=True)
        with self.engine.begin() as db:
            version = db.execute(sa.select(sa.func.max(schema_table.c.version))).scalar()
            if version is None:
                db.execute(schema_table.insert().values(version=SCHEMA_VERSION))
            elif version > SCHEMA_VERSION:
                raise RuntimeError(f"the rooms database has schema {version}, newer than this app")

    def _upsert(self, db, table: sa.Table, values: dict, keys: list[str]) -> None:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table).values(**values)
        update = {k: stmt.excluded[k] for k in values if k not in keys}
        if not update:
            db.execute(stmt.on_conflict_do_nothing(index_elements=keys))
        else:
            db.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update))

    # -- rooms ----------------------------------------------------------------------------

    def open_room(self) -> tuple[str, str]:
        """A new room: (join code, instructor key). The key is shown to the instructor once,
        in their own link; only its hash is stored."""
        key = secrets.token_urlsafe(24)
        now = self.now()
        with self.engine.begin() as db:
            db.execute(rooms_table.delete().where(rooms_table.c.expires_at < now - ROOM_TTL_S))
            for _ in range(10):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                taken = db.execute(
                    sa.select(rooms_table.c.code).where(rooms_table.c.code == code)
                ).first()
                if not taken:
                    db.execute(
                        rooms_table.insert().values(
                            code=code,
                            key_hash=_hash(key),
                            opened_at=now,
                            expires_at=now + ROOM_TTL_S,
                            closed=False,
                            scene_page="",
                            scene_name="",
                            scene_values="{}",
                            scene_version=0,
                        )
                    )
                    return code, key
        raise RoomError("No free class code was found: try again.")

    def room(self, code: object) -> Room:
        """The open room with this code, or RoomError (unknown, closed or expired)."""
        code = normal_code(code)
        with self.engine.connect() as db:
            row = db.execute(sa.select(rooms_table).where(rooms_table.c.code == code)).first()
        if row is None:
            raise RoomError(f"There is no class with the code {code}.")
        if row.closed:
            raise RoomError(f"The class {code} has been closed by its instructor.")
        if row.expires_at < self.now():
            raise RoomError(f"The class {code} has expired (a class stays open for a day).")
        return Room(
            row.code,
            row.opened_at,
            row.expires_at,
            row.scene_page,
            row.scene_name,
            json.loads(row.scene_values),
            row.scene_version,
        )

    def is_instructor(self, code: object, key: object) -> bool:
        """Whether `key` is this room's instructor key (compared in constant time)."""
        if not isinstance(key, str) or not _KEY.match(key):
            return False
        code = normal_code(code)
        with self.engine.connect() as db:
            stored = db.execute(
                sa.select(rooms_table.c.key_hash).where(rooms_table.c.code == code)
            ).scalar()
        return stored is not None and hmac.compare_digest(stored, _hash(key))

    def _instructor(self, code: object, key: object) -> Room:
        room = self.room(code)
        if not self.is_instructor(room.code, key):
            raise RoomError("Only the class's instructor can do that (their link holds the key).")
        return room

    def close_room(self, code: object, key: object) -> None:
        room = self._instructor(code, key)
        with self.engine.begin() as db:
            db.execute(
                rooms_table.update().where(rooms_table.c.code == room.code).values(closed=True)
            )

    def set_scene(self, code: object, key: object, page: str, scene: str, values: Mapping) -> int:
        """The instructor's current scene (page, name, every control it sets); returns its
        version, which followers compare to know when it changed."""
        room = self._instructor(code, key)
        page, scene, text = _name("page", page), _name("scene", scene), _json("scene", values)
        with self.engine.begin() as db:
            db.execute(
                rooms_table.update()
                .where(rooms_table.c.code == room.code)
                .values(
                    scene_page=page,
                    scene_name=scene,
                    scene_values=text,
                    scene_version=rooms_table.c.scene_version + 1,
                )
            )
        return self.room(room.code).scene_version

    # -- runs -----------------------------------------------------------------------------

    def submit(
        self, code: object, seat: object, experiment: str, settings: Mapping, outcome: Mapping
    ) -> None:
        """Keep a student's run of one experiment, replacing their earlier one. Refused (with
        RoomError) when the room is full or the seat submitted a moment ago."""
        room = self.room(code)
        seat, experiment = _seat(seat), _name("experiment", experiment)
        settings_text, outcome_text = _json("settings", settings), _json("outcome", outcome)
        now = self.now()
        r = runs_table.c
        with self.engine.begin() as db:
            last = db.execute(
                sa.select(sa.func.max(r.submitted_at)).where(r.code == room.code, r.seat == seat)
            ).scalar()
            if last is not None and now - last < MIN_SUBMIT_GAP_S:
                raise RoomError("You just submitted: wait a moment before the next run.")
            mine = db.execute(
                sa.select(sa.func.count())
                .select_from(runs_table)
                .where(r.code == room.code, r.seat == seat, r.experiment == experiment)
            ).scalar()
            total = db.execute(
                sa.select(sa.func.count()).select_from(runs_table).where(r.code == room.code)
            ).scalar()
            if not mine and total >= MAX_RUNS:
                raise RoomError(f"This class already holds {MAX_RUNS} runs, the most it keeps.")
            self._upsert(
                db,
                runs_table,
                {
                    "code": room.code,
                    "experiment": experiment,
                    "seat": seat,
                    "settings": settings_text,
                    "outcome": outcome_text,
                    "submitted_at": now,
                },
                ["code", "experiment", "seat"],
            )

    def runs(self, code: object, experiment: str) -> list[Run]:
        """Every student's run of one experiment, oldest first."""
        room = self.room(code)
        r = runs_table.c
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(runs_table)
                .where(r.code == room.code, r.experiment == experiment)
                .order_by(r.submitted_at, r.seat)
            ).all()
        return [
            Run(x.seat, json.loads(x.settings), json.loads(x.outcome), x.submitted_at) for x in rows
        ]

    # -- guesses --------------------------------------------------------------------------

    def guess(self, code: object, seat: object, question: str, option: str) -> None:
        """A student's committed guess (a new one replaces theirs)."""
        room = self.room(code)
        seat, question, option = _seat(seat), _name("question", question), _name("guess", option)
        g = guesses_table.c
        with self.engine.begin() as db:
            total = db.execute(
                sa.select(sa.func.count()).select_from(guesses_table).where(g.code == room.code)
            ).scalar()
            if total >= MAX_GUESSES:
                raise RoomError(f"This class already holds {MAX_GUESSES} guesses.")
            self._upsert(
                db,
                guesses_table,
                {
                    "code": room.code,
                    "question": question,
                    "seat": seat,
                    "option": option,
                    "guessed_at": self.now(),
                },
                ["code", "question", "seat"],
            )

    def tally(self, code: object, question: str) -> Counter[str]:
        """How many students committed each option."""
        room = self.room(code)
        g = guesses_table.c
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(g.option, sa.func.count())
                .where(g.code == room.code, g.question == question)
                .group_by(g.option)
            ).all()
        return Counter({option: n for option, n in rows})

    def my_guess(self, code: object, seat: object, question: str) -> str | None:
        room = self.room(code)
        g = guesses_table.c
        with self.engine.connect() as db:
            return db.execute(
                sa.select(g.option).where(
                    g.code == room.code, g.question == question, g.seat == _seat(seat)
                )
            ).scalar()

    def reveal(self, code: object, key: object, question: str) -> None:
        room = self._instructor(code, key)
        with self.engine.begin() as db:
            self._upsert(
                db,
                reveals_table,
                {"code": room.code, "question": _name("question", question)},
                ["code", "question"],
            )

    def revealed(self, code: object, question: str) -> bool:
        room = self.room(code)
        v = reveals_table.c
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(v.code).where(v.code == room.code, v.question == question)
            ).first()
        return row is not None

    # -- export ---------------------------------------------------------------------------

    def export(self, code: object, key: object) -> tuple[list[dict], list[dict]]:
        """The room's runs and guesses as rows (for CSV), for its instructor only."""
        room = self._instructor(code, key)
        with self.engine.connect() as db:
            runs = db.execute(
                sa.select(runs_table)
                .where(runs_table.c.code == room.code)
                .order_by(runs_table.c.submitted_at)
            ).all()
            guesses = db.execute(
                sa.select(guesses_table)
                .where(guesses_table.c.code == room.code)
                .order_by(guesses_table.c.guessed_at)
            ).all()
        run_rows = [
            {
                "experiment": x.experiment,
                "seat": x.seat,
                "submitted_at": x.submitted_at,
                **{f"setting_{k}": v for k, v in json.loads(x.settings).items()},
                **json.loads(x.outcome),
            }
            for x in runs
        ]
        guess_rows = [
            {"question": x.question, "seat": x.seat, "guess": x.option, "at": x.guessed_at}
            for x in guesses
        ]
        return run_rows, guess_rows

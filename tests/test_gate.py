"""ui.gate: heavy computations take turns, a cache hit never waits, a request that waits too long
is refused with a message the page shows (never a traceback)."""
import threading
import time

import pytest
import streamlit as st

from core import BudgetError
from tests.page_kit import open_lesson, texts
from ui import gate


@pytest.fixture
def slots_taken():
    """Every slot held by someone else until the test ends."""
    for _ in range(gate.SLOTS):
        assert gate._slots.acquire(timeout=5)
    yield
    for _ in range(gate.SLOTS):
        gate._slots.release()


def test_at_most_slots_heavy_calls_run_at_once():
    running, peak, lock = [0], [0], threading.Lock()

    @gate.heavy
    def work():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(3 * gate.SLOTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == gate.SLOTS


def test_a_nested_heavy_call_reuses_its_turn(monkeypatch):
    monkeypatch.setattr(gate, "WAIT_S", 0.2)

    @gate.heavy
    def inner():
        return 1

    @gate.heavy
    def outer():
        return inner() + 1

    # with all but one slot taken, the outer call takes the last one; the inner must not wait
    for _ in range(gate.SLOTS - 1):
        gate._slots.acquire()
    try:
        assert outer() == 2
    finally:
        for _ in range(gate.SLOTS - 1):
            gate._slots.release()


def test_a_cache_hit_takes_no_turn(slots_taken):
    calls = []

    @st.cache_data(max_entries=2, show_spinner=False)
    @gate.heavy
    def square(x):
        calls.append(x)
        return x * x

    gate._slots.release()  # one slot free for the miss
    try:
        assert square(3) == 9
    finally:
        gate._slots.acquire()
    before = gate.turns()
    assert square(3) == 9  # every slot busy: a hit must still answer at once
    assert calls == [3] and gate.turns() == before


def test_waiting_too_long_is_refused_with_a_budget_message(slots_taken, monkeypatch):
    monkeypatch.setattr(gate, "WAIT_S", 0.1)
    with pytest.raises(BudgetError, match="busy"):
        gate.heavy(lambda: None)()
    assert gate.waiting() == 0


def test_a_busy_server_gets_a_message_in_the_page_not_a_traceback(slots_taken, monkeypatch):
    monkeypatch.setattr(gate, "WAIT_S", 0.1)
    st.cache_data.clear()
    at = open_lesson("network_landscape", {"nl_seed": "4321"})
    assert "busy with other students' experiments" in texts(at.warning)

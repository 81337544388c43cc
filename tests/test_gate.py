"""ui.gate: heavy computations take turns, a cache hit never waits, a request that waits too long
is refused with a message the page shows (never a traceback)."""

import threading
import time

import pytest
import streamlit as st

from core import BudgetError
from tests.page_kit import open_lesson, texts
from ui import gate


@pytest.fixture(autouse=True)
def fresh_thread_state():
    """Each test starts as a new request (the gate keeps per-thread state between calls)."""
    gate._held.__dict__.clear()
    yield
    gate._held.__dict__.clear()


@pytest.fixture
def slots_taken(monkeypatch):
    """Every slot held by someone else until the test ends."""
    monkeypatch.setattr(gate, "_free", 0)


def hold(seconds: float) -> threading.Thread:
    """Another request that takes a turn for a while (started, and holding it, on return)."""
    inside = threading.Event()

    @gate.heavy
    def work():
        inside.set()
        time.sleep(seconds)

    t = threading.Thread(target=work)
    t.start()
    assert inside.wait(5)
    return t


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
    monkeypatch.setattr(gate, "_free", 1)
    assert outer() == 2


def test_a_cache_hit_takes_no_turn(slots_taken):
    calls = []

    @st.cache_data(max_entries=2, show_spinner=False)
    @gate.heavy
    def square(x):
        calls.append(x)
        return x * x

    gate._free = 1  # one slot free for the miss
    assert square(3) == 9
    gate._free = 0
    before = gate.turns()
    assert square(3) == 9  # every slot busy: a hit must still answer at once
    assert calls == [3] and gate.turns() == before


def test_waiting_too_long_is_refused_with_a_budget_message(slots_taken, monkeypatch):
    monkeypatch.setattr(gate, "WAIT_S", 0.1)
    with pytest.raises(BudgetError, match="busy"):
        gate.heavy(lambda: None)()
    assert gate.waiting() == 0


def test_a_request_that_had_a_turn_goes_before_new_ones(monkeypatch):
    """A page needing several heavy calls in a row is not sent to the back of the queue after
    each one: its next call goes ahead of the requests that queued meanwhile (a page half
    computed is no use to anyone)."""
    monkeypatch.setattr(gate, "_free", 1)  # one slot, so the order is strict
    order = []

    @gate.heavy
    def step(name, seconds=0.0):
        order.append(name)
        time.sleep(seconds)

    def page():
        step("page, first call", 0.3)
        step("page, second call")

    first = threading.Thread(target=page)
    first.start()
    while not order:
        time.sleep(0.005)
    newcomers = [threading.Thread(target=step, args=(f"new request {i}", 0.1)) for i in (1, 2)]
    for n in newcomers:  # both queue while the page's first call runs
        n.start()
        while gate.waiting() < newcomers.index(n) + 1:
            time.sleep(0.005)
    for t in (first, *newcomers):
        t.join()
    assert order == ["page, first call", "page, second call", "new request 1", "new request 2"]


def test_waits_add_up_to_one_budget_per_request(slots_taken, monkeypatch):
    monkeypatch.setattr(gate, "WAIT_S", 0.3)
    t = time.monotonic()
    for _ in range(3):  # the sections of one page run, each refused
        with pytest.raises(BudgetError):
            gate.heavy(lambda: None)()
    assert time.monotonic() - t < 0.6, "each section waited the whole budget again"


def test_a_slot_is_returned_when_the_script_stops_while_it_waits(slots_taken, monkeypatch):
    """Streamlit stops a script (an exception from its next element) when the student clicks
    again; if that happens as the wait ends, the slot must not be lost for good."""

    class Stopped(Exception):
        pass

    def stop(slot):
        raise Stopped

    monkeypatch.setattr(gate, "_clear", stop)
    other = threading.Timer(0.1, gate._give_back)  # another request finishes
    other.start()
    with pytest.raises(Stopped):
        gate.heavy(lambda: None)()
    other.join()
    assert gate._free == 1


def test_a_busy_server_gets_a_message_in_the_page_not_a_traceback(slots_taken, monkeypatch):
    monkeypatch.setattr(gate, "WAIT_S", 0.1)
    st.cache_data.clear()
    at = open_lesson("network_landscape", {"nl_seed": "4321"})
    assert "busy with other students' experiments" in texts(at.warning)

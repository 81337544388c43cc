"""The budget guard: the largest requests the pages allow either pass the guard or are refused with
a plain BudgetError before any work starts. No test measures time, and nothing huge is run."""

import pytest
import torch

import core
from core import budget, descent, surfaces

HIMMELBLAU = surfaces.get("himmelblau")


class _Passed(Exception):
    """Raised in place of the run itself, once the request has passed the guard."""


@pytest.fixture
def guard_only(monkeypatch):
    """descent.run up to and including its budget check, but no further."""

    def stop(*args, **kwargs):
        raise _Passed

    monkeypatch.setattr(descent, "Stepper", stop)


def _verdict(n, steps, optimizer, **kw) -> str:
    starts = torch.zeros(n, 2, dtype=torch.float32)
    try:
        descent.run(HIMMELBLAU, starts, optimizer, steps=steps, **kw)
    except _Passed:
        return "runs"
    except core.BudgetError as e:
        msg = str(e)
        assert "too large" in msg or "MB" in msg
        assert "limit" in msg and f"{n:,}" in msg
        return "refused"
    raise AssertionError("the guard did not stop a fake run")


def test_budget_error_is_a_value_error():
    assert issubclass(core.BudgetError, ValueError)


def test_check_passes_within_limits_and_refuses_beyond_them():
    budget.check(work=10, max_work=10, what="ten", nbytes=budget.MAX_BYTES)
    with pytest.raises(core.BudgetError, match=r"ten units is too large.*11.*limit is 10.*Try"):
        budget.check(work=11, max_work=10, what="ten units", hint="Try less.")
    with pytest.raises(core.BudgetError, match=r"MB.*Record fewer steps"):
        budget.check(work=1, max_work=10, what="a run", nbytes=budget.MAX_BYTES + 1)


@pytest.mark.parametrize(
    "n, steps, optimizer, kw, expected",
    [
        # basin map: 200×200 starts, final points only
        (40_000, 2_000, "newton", dict(record_first=0), "refused"),
        (40_000, 2_000, "adam", dict(record_first=0), "refused"),
        (40_000, 500, "adam", dict(record_first=0), "runs"),  # DESIGN: a 500-step basin map fits
        # many restarts, long runs
        (5_000, 5_000, "adam", dict(record_first=20, record_every=10), "runs"),
        (5_000, 5_000, "adam", {}, "refused"),  # every path at every step: too much memory
        (5_000, 5_000, "saddle_free_newton", dict(record_first=20), "refused"),
    ],
)
def test_the_largest_page_requests_pass_or_are_refused_before_running(
    guard_only, n, steps, optimizer, kw, expected
):
    assert _verdict(n, steps, optimizer, **kw) == expected


def test_a_refused_request_costs_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(descent, "Stepper", lambda *a, **k: calls.append(1))
    with pytest.raises(core.BudgetError):
        descent.run(HIMMELBLAU, torch.zeros(40_000, 2), "newton", steps=2_000, record_first=0)
    assert calls == []


def test_a_modest_request_runs():
    run = descent.run(HIMMELBLAU, torch.zeros(400, 2), "adam", lr=0.05, steps=50, record_first=0)
    assert run.final.shape == (400, 2) and run.path.shape == (51, 0, 2)

"""The guard every expensive core call passes through, so that no URL can hog the server."""

from . import BudgetError

#: Largest memory, in bytes, that one request may hold in recorded results.
MAX_BYTES = 300e6


def check(*, work: float, max_work: float, what: str, nbytes: float = 0.0, hint: str = "") -> None:
    """Raise BudgetError with a plain message when `work` or `nbytes` is over its limit."""
    if work > max_work:
        raise BudgetError(
            f"{what} is too large to run here: about {work:,.0f} units of work, "
            f"the limit is {max_work:,.0f}. {hint}".strip()
        )
    if nbytes > MAX_BYTES:
        raise BudgetError(
            f"{what} would keep about {nbytes / 1e6:,.0f} MB of results, the limit is "
            f"{MAX_BYTES / 1e6:,.0f} MB. Record fewer steps or fewer runs. {hint}".strip()
        )

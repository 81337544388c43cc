"""The class's pooled runs as one random-restart experiment: what a best-of-k choice of
students gets, against what independent restarts would get."""

from __future__ import annotations

from math import comb

import numpy as np
import pandas as pd


def best_of_k(successes: list[bool]) -> pd.DataFrame:
    """For k = 1 … n: the chance that k students picked at random from the class include at least
    one success, computed exactly over every choice of k of the n runs (1 − C(n − s, k) / C(n, k),
    s successes), beside 1 − (1 − p)ᵏ with p = s / n, the chance for k independent restarts.

    Columns: k, series, chance (long form, for one line per series)."""
    n, s = len(successes), int(sum(bool(x) for x in successes))
    if n == 0:
        return pd.DataFrame({"k": [], "series": [], "chance": []})
    k = np.arange(1, n + 1)
    pooled = np.array([1 - comb(n - s, int(j)) / comb(n, int(j)) for j in k])
    independent = 1 - (1 - s / n) ** k
    return pd.concat(
        [
            pd.DataFrame({"k": k, "series": "the class: best of k students", "chance": pooled}),
            pd.DataFrame({"k": k, "series": f"1 − (1 − p)ᵏ, p = {s}/{n}", "chance": independent}),
        ],
        ignore_index=True,
    )

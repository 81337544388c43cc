"""Landscape Lab's computation layer: PyTorch only, no Streamlit, usable from a notebook.

A server shares its two cores among many sessions, and small eager tensor programs ran 2.7-4x
slower with two torch threads when another process was busy, so core runs on one thread.
"""

import torch

torch.set_num_threads(1)


class BudgetError(ValueError):
    """A request would take more time or memory than one page view may use."""


__all__ = ["BudgetError"]

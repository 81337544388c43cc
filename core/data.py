"""Small seeded 2-D classification datasets, so that a network's landscape comes from real data.

Each dataset is a clean shape plus Gaussian jitter of standard deviation `noise`; the two classes
are balanced (their sizes differ by at most one) and the points are shuffled. Every draw goes
through a seeded `torch.Generator`, so the same (name, n, noise, seed) gives the same points.
"""

from __future__ import annotations

import math

import torch

MAX_POINTS = 2000

_LABELS = {
    "xor": "XOR (four clusters)",
    "moons": "Two moons",
    "circles": "Circles",
    "spirals": "Two spirals",
    "gaussians": "Two Gaussian clouds",
}


def names() -> dict[str, str]:
    """Dataset key → label, in the order pages list them."""
    return dict(_LABELS)


def _xor(label: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Clusters at the corners (±1, ±1); class 1 where the two signs differ (x·y < 0)."""
    coin = torch.rand(label.shape, generator=gen, dtype=torch.float64)
    first = torch.where(coin < 0.5, -1.0, 1.0)
    second = torch.where(label > 0, -first, first)
    return torch.stack([first, second], dim=-1)


def _moons(label: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Two interleaved half circles: class 0 the upper one, class 1 the lower, shifted one."""
    t = math.pi * torch.rand(label.shape, generator=gen, dtype=torch.float64)
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=-1)
    lower = torch.stack([1.0 - torch.cos(t), 0.5 - torch.sin(t)], dim=-1)
    return torch.where(label[:, None] > 0, lower, upper)


def _circles(label: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A ring of radius 1 (class 0) around a ring of radius 0.5 (class 1)."""
    t = 2 * math.pi * torch.rand(label.shape, generator=gen, dtype=torch.float64)
    radius = torch.where(label > 0, 0.5, 1.0)
    return radius[:, None] * torch.stack([torch.cos(t), torch.sin(t)], dim=-1)


def _spirals(label: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Two spirals, each one and a half turns, the second the first turned by half a turn."""
    s = torch.rand(label.shape, generator=gen, dtype=torch.float64).sqrt()  # even density
    angle = 3 * math.pi * s + math.pi * label
    return s[:, None] * torch.stack([torch.cos(angle), torch.sin(angle)], dim=-1)


def _gaussians(label: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Two overlapping clouds (standard deviation 0.5) at (−1, −1) and (1, 1)."""
    centre = torch.where(label > 0, 1.0, -1.0)[:, None].expand(-1, 2)
    return centre + 0.5 * torch.randn(centre.shape, generator=gen, dtype=torch.float64)


_SHAPES = {
    "xor": _xor,
    "moons": _moons,
    "circles": _circles,
    "spirals": _spirals,
    "gaussians": _gaussians,
}


def make(
    name: str, n: int = 200, noise: float = 0.1, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """X [n, 2] float32 points and y [n] float32 labels in {0, 1}, half of each class."""
    if name not in _SHAPES:
        raise ValueError(f"unknown dataset '{name}'; choose one of {', '.join(_SHAPES)}")
    if not 1 <= int(n) <= MAX_POINTS:
        raise ValueError(f"a dataset here has between 1 and {MAX_POINTS:,} points, not {n}")
    if not 0.0 <= noise <= 10.0:
        raise ValueError(f"noise is a standard deviation between 0 and 10, not {noise}")
    n = int(n)
    gen = torch.Generator().manual_seed(int(seed))
    label = torch.randperm(n, generator=gen) % 2  # balanced, in shuffled order
    X = _SHAPES[name](label.to(torch.float64), gen)
    X = X + noise * torch.randn((n, 2), generator=gen, dtype=torch.float64)
    return X.to(torch.float32), label.to(torch.float32)

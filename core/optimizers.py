"""Optimiser names → one update rule applied to N independent rows (restarts) at once.

First-order methods are `torch.optim` itself: its update rules are element-wise, so a `[N, D]`
parameter whose loss is the *sum* over rows is exactly N independent runs. Newton, saddle-free
Newton and perturbed gradient descent are not in torch; they are written here, batched over rows
(every row's gradient and Hessian from backward passes over the summed loss).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from . import curvature

RowLoss = Callable[[torch.Tensor], torch.Tensor]  # [B, D] → [B]; row i depends on row i only


@dataclass(frozen=True)
class Info:
    """What a page needs to offer an optimiser: its name, defaults and kind."""

    label: str
    default_lr: float
    hyper: dict = field(default_factory=dict)  # hyper-parameter → default value
    second_order: bool = False
    stochastic: bool = False


_INFO = {
    "sgd": Info("Gradient descent", 0.01),
    "momentum": Info("Momentum", 0.01, {"momentum": 0.9}),
    "nesterov": Info("Nesterov momentum", 0.01, {"momentum": 0.9}),
    "adagrad": Info("Adagrad", 0.5),
    "rmsprop": Info("RMSprop", 0.01, {"alpha": 0.99}),
    "adam": Info("Adam", 0.05, {"beta1": 0.9, "beta2": 0.999}),
    "newton": Info("Newton", 1.0, {"damping": 1e-4}, second_order=True),
    "saddle_free_newton": Info("Saddle-free Newton", 1.0, {"damping": 1e-2}, second_order=True),
    "perturbed_gd": Info(
        "Perturbed gradient descent",
        0.01,
        {"radius": 0.1, "g_thres": 1e-3, "t_thres": 20},
        stochastic=True,
    ),
}


def names() -> dict[str, Info]:
    """Every optimiser the lessons offer, in the order pages list them."""
    return dict(_INFO)


def info(name: str) -> Info:
    if name not in _INFO:
        raise ValueError(f"unknown optimiser '{name}'; choose one of {', '.join(_INFO)}")
    return _INFO[name]


def _torch_optimizer(name: str, groups: list[dict], hyper: dict) -> torch.optim.Optimizer:
    """The torch.optim optimiser; the fused CPU kernels were 2-3x faster per step on [40000, 2]."""
    h = {**_INFO[name].hyper, **hyper}
    if name == "sgd":
        return torch.optim.SGD(groups, fused=True)
    if name in ("momentum", "nesterov"):
        return torch.optim.SGD(
            groups, momentum=h["momentum"], nesterov=name == "nesterov", fused=True
        )
    if name == "adagrad":
        return torch.optim.Adagrad(groups, fused=True)
    if name == "rmsprop":
        return torch.optim.RMSprop(groups, alpha=h["alpha"], foreach=False)
    return torch.optim.Adam(groups, betas=(h["beta1"], h["beta2"]), fused=True)


def _lr_per_row(lr: float | Sequence[float], n: int) -> list[float]:
    if isinstance(lr, (int, float)):
        return [float(lr)] * n
    lrs = [float(v) for v in lr]
    if len(lrs) != n:
        raise ValueError(f"got {len(lrs)} learning rates for {n} restarts")
    return lrs


class Stepper:
    """N rows optimised together; `step(fn)` takes one step of every row that is not frozen.

    `fn` is passed to each step (not stored) so that callers can change it, e.g. a new minibatch.
    """

    def __init__(
        self,
        x0: torch.Tensor,
        optimizer: str = "sgd",
        lr: float | Sequence[float] = 0.01,
        generator: torch.Generator | None = None,
        **hyper,
    ):
        self.name = optimizer
        self.info = info(optimizer)
        unknown = set(hyper) - set(self.info.hyper)
        if unknown:
            raise ValueError(f"{self.info.label} has no setting {', '.join(sorted(unknown))}")
        self.hyper = {**self.info.hyper, **hyper}
        self.generator = generator or torch.Generator().manual_seed(0)
        self.t = 0
        x0 = x0.detach()
        n = x0.shape[0]
        lrs = _lr_per_row(lr, n)
        self._frozen = torch.zeros(n, dtype=torch.bool)
        self._held = x0.clone()
        if self.info.second_order or optimizer == "perturbed_gd":
            self._x = x0.clone()
            self._lr = torch.tensor(lrs, dtype=x0.dtype).unsqueeze(-1)
            self._last_kick = torch.full((n,), -(10**9))
            return
        # One parameter group per distinct learning rate; rows are put back in order by `_order`.
        values = sorted(set(lrs))
        index = [torch.tensor([i for i, v in enumerate(lrs) if v == value]) for value in values]
        self._index = index
        self._order = torch.argsort(torch.cat(index))
        self._params = [torch.nn.Parameter(x0[i].clone()) for i in index]
        groups = [{"params": [p], "lr": v} for p, v in zip(self._params, values)]
        self._opt = _torch_optimizer(optimizer, groups, hyper)

    # -- state ---------------------------------------------------------------------------------
    def _current(self) -> torch.Tensor:
        if hasattr(self, "_x"):
            return self._x
        if len(self._params) == 1:
            return self._params[0]
        return torch.cat(list(self._params))[self._order]

    @property
    def x(self) -> torch.Tensor:
        """Current values of every row, [N, D], detached."""
        return self._current().detach().clone()

    def freeze(self, mask: torch.Tensor, at: torch.Tensor) -> None:
        """Hold the rows in `mask` at `at` (their last good point) from now on."""
        new = mask & ~self._frozen
        if not new.any():
            return
        self._held[new] = at[new].to(self._held.dtype)
        self._frozen |= new
        # Per parameter: which of its rows are held, and where (torch.where each step is much
        # cheaper than boolean-mask assignment on tens of thousands of rows).
        if hasattr(self, "_x"):
            self._hold = [(self._frozen.unsqueeze(-1), self._held)]
        else:
            self._hold = [
                (self._frozen[rows].unsqueeze(-1), self._held[rows]) for rows in self._index
            ]
        self._restore_frozen()

    def _restore_frozen(self) -> None:
        if not self._frozen.any():
            return
        with torch.no_grad():
            if hasattr(self, "_x"):
                mask, held = self._hold[0]
                self._x = torch.where(mask, held, self._x)
                return
            for p, (mask, held) in zip(self._params, self._hold):
                p.copy_(torch.where(mask, held, p))

    def _noise(self, std: float, like: torch.Tensor) -> torch.Tensor:
        z = torch.randn(like.shape, generator=self.generator, dtype=torch.float64)
        return std * z.to(like.dtype)

    # -- one step ------------------------------------------------------------------------------
    def step(self, fn: RowLoss, noise_std: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
        """Take one step; return each row's loss [N] and gradient [N, D] *before* the step
        (without the added noise). Callers take norms only of the rows they keep: a reduction
        over a dimension of 2 costs more than the step's arithmetic."""
        if hasattr(self, "_x"):
            out = self._custom_step(fn, noise_std)
        else:
            out = self._torch_step(fn, noise_std)
        self._restore_frozen()
        self.t += 1
        return out

    def _torch_step(self, fn: RowLoss, noise_std: float):
        self._opt.zero_grad(set_to_none=True)
        loss = fn(self._current())
        loss.sum().backward()
        g = (
            self._params[0].grad
            if len(self._params) == 1
            else torch.cat([p.grad for p in self._params])[self._order]
        )
        g = g.detach().clone()
        if noise_std:
            z = self._noise(noise_std, g)
            for p, rows in zip(self._params, self._index):
                p.grad.add_(z[rows])
        self._opt.step()
        return loss.detach(), g

    def _custom_step(self, fn: RowLoss, noise_std: float):
        x = self._x
        with torch.no_grad():
            loss = fn(x)
        g = curvature.gradient(fn, x)
        exact = g
        if noise_std:
            g = g + self._noise(noise_std, g)
        if self.info.second_order:
            step = _newton_direction(
                curvature.hessian(fn, x),
                g,
                self.hyper["damping"],
                saddle_free=self.name == "saddle_free_newton",
            )
            self._x = x - self._lr * step
        else:
            self._x = x - self._lr * g + self._kick(row_norm(exact))
        return loss, exact.detach()

    def _kick(self, gnorm: torch.Tensor) -> torch.Tensor:
        """Jin et al. (2017): a uniform draw from a small ball when the gradient is small."""
        h = self.hyper
        due = (gnorm <= h["g_thres"]) & (self.t - self._last_kick > h["t_thres"]) & ~self._frozen
        kick = torch.zeros_like(self._x)
        if due.any():
            n, d = self._x.shape
            z = torch.randn((n, d), generator=self.generator, dtype=torch.float64)
            u = torch.rand((n, 1), generator=self.generator, dtype=torch.float64)
            ball = z / z.norm(dim=-1, keepdim=True) * h["radius"] * u ** (1.0 / d)
            kick[due] = ball.to(kick.dtype)[due]
            self._last_kick[due] = self.t
        return kick


def row_norm(g: torch.Tensor) -> torch.Tensor:
    """Per-row Euclidean norm; `square().sum().sqrt()` was several times faster than
    `linalg.vector_norm` on tall thin CPU tensors."""
    return g.detach().square().sum(-1).sqrt()


def _newton_direction(
    H: torch.Tensor, g: torch.Tensor, damping: float, saddle_free: bool
) -> torch.Tensor:
    """H⁻¹g, or |H|⁻¹g for saddle-free Newton (Dauphin et al. 2014), in H's eigenbasis.

    Newton keeps each eigenvalue's sign (so it is drawn to saddles) and only keeps |λ| away from 0;
    saddle-free Newton divides by |λ| + damping, so it always moves downhill.
    """
    lam, Q = _eigh(H)
    c = (Q.transpose(-1, -2) @ g.unsqueeze(-1)).squeeze(-1)
    if saddle_free:
        scale = lam.abs() + damping
    else:
        sign = torch.where(lam < 0, -1.0, 1.0).to(lam.dtype)
        scale = sign * lam.abs().clamp_min(damping)
    return (Q @ (c / scale).unsqueeze(-1)).squeeze(-1)


def _eigh(H: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices. For 2×2 (every surface)
    the closed form is ten element-wise ops, about ten times faster than batched linalg.eigh."""
    if H.shape[-1] != 2:
        return torch.linalg.eigh(H)
    a, b, d = H[..., 0, 0], H[..., 0, 1], H[..., 1, 1]
    mean, radius = (a + d) / 2, torch.hypot((a - d) / 2, b)
    theta = 0.5 * torch.atan2(2 * b, a - d)  # angle of the eigenvector of the larger eigenvalue
    cos, sin = torch.cos(theta), torch.sin(theta)
    lam = torch.stack([mean - radius, mean + radius], dim=-1)
    Q = torch.stack([torch.stack([-sin, cos], dim=-1), torch.stack([cos, sin], dim=-1)], dim=-1)
    return lam, Q

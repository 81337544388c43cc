"""R small MLPs as one tensor program: a network is a function of one flat weight vector.

A batch of weight vectors `[B, P]` is a batch of networks, so restarts, points on a line or a plane
and Hessians all reuse the same batched `loss` / `predict` (batched matmuls, never a loop over B).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from . import budget, curvature, optimizers

ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "linear": lambda z: z,
}
LOSSES = ("bce", "mse")
#: Initialisation scheme → default `scale` (a gain for xavier / he, the spread for the others).
SCHEMES = {"xavier": 1.0, "he": 1.0, "uniform": 0.5, "small": 0.01}

#: restarts × steps × weights × points; allows 128 restarts × 1000 steps of 2-32-32-1 on 200.
MAX_TRAIN_WORK = 5e10
MAX_SECOND_ORDER = 50  # weights: Newton-type steps build one P × P Hessian per restart
MAX_HESSIAN = 1200  # weights: about a second for one Hessian and its eigenvalues


class MLP:
    """2 inputs → hidden layers → 1 output (a logit); weights live outside, in flat vectors.

    `skip=True` adds the layer's input to its output (h ← h + act(W h + b)) wherever a hidden
    layer keeps the width of the one before it. `loss="bce"` is cross-entropy on the logit;
    `loss="mse"` is squared error on the sigmoid output, the classic XOR set-up.
    """

    def __init__(
        self,
        hidden: Sequence[int] = (16,),
        activation: str = "tanh",
        skip: bool = False,
        loss: str = "bce",
    ):
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation '{activation}'; choose one of {', '.join(ACTIVATIONS)}"
            )
        if loss not in LOSSES:
            raise ValueError(f"unknown loss '{loss}'; choose one of {', '.join(LOSSES)}")
        hidden = tuple(int(h) for h in hidden)
        if any(h < 1 for h in hidden):
            raise ValueError(f"every hidden layer needs at least one unit, got {hidden}")
        self.hidden, self.activation, self.skip, self.loss_name = hidden, activation, skip, loss
        self.sizes = (2, *hidden, 1)
        self.shapes = list(zip(self.sizes[1:], self.sizes[:-1]))  # (out, in) per layer
        self.size = sum(o * i + o for o, i in self.shapes)
        last = len(self.shapes) - 1  # a skip joins two hidden layers of the same width
        self.skips = [skip and 0 < k < last and o == i for k, (o, i) in enumerate(self.shapes)]
        self._act = ACTIVATIONS[activation]

    def __repr__(self) -> str:
        extras = ", skip" if self.skip else ""
        return f"MLP({'-'.join(map(str, self.sizes))}, {self.activation}{extras}, {self.loss_name})"

    # -- weights -------------------------------------------------------------------------------
    def matrices(self, W: torch.Tensor) -> list[torch.Tensor]:
        """[B, P] → per layer a [B, out, in + 1] view: each row is one neuron's incoming weights
        followed by its bias (the flat layout, layer after layer)."""
        if W.dim() != 2 or W.shape[-1] != self.size:
            raise ValueError(
                f"{self} has {self.size} weights, got a tensor of shape {list(W.shape)}"
            )
        out, at = [], 0
        for o, i in self.shapes:
            out.append(W[:, at : at + o * (i + 1)].view(-1, o, i + 1))
            at += o * (i + 1)
        return out

    def unflatten(self, W: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """[B, P] → per layer (weight [B, out, in], bias [B, out]), views into W."""
        return [(m[..., :-1], m[..., -1]) for m in self.matrices(W)]

    def init(
        self, restarts: int, seed: int = 0, scheme: str = "xavier", scale: float | None = None
    ) -> torch.Tensor:
        """[restarts, P] float32 initial weights; restart i depends only on (seed, i).

        xavier: U(±scale·√(6/(fan_in+fan_out))) (Glorot & Bengio 2010); he: N(0, scale²·2/fan_in)
        (He et al. 2015) — both with zero biases; uniform: U(−scale, scale) and small:
        N(0, scale²) for every weight and bias.
        """
        if scheme not in SCHEMES:
            raise ValueError(
                f"unknown initialisation '{scheme}'; choose one of {', '.join(SCHEMES)}"
            )
        restarts = int(restarts)
        if restarts < 1:
            raise ValueError(f"need at least one restart, got {restarts}")
        budget.check(
            work=0,
            max_work=1,
            nbytes=4.0 * restarts * self.size,
            what=f"{restarts:,} restarts of {self}",
        )
        scale = SCHEMES[scheme] if scale is None else float(scale)
        spread = []
        for o, i in self.shapes:
            m = torch.full(
                (o, i + 1),
                {"xavier": (6.0 / (i + o)) ** 0.5, "he": (2.0 / i) ** 0.5}.get(scheme, 1.0),
                dtype=torch.float64,
            )
            m[:, -1] = 0.0 if scheme in ("xavier", "he") else 1.0
            spread.append(m.flatten())
        spread = torch.cat(spread)
        uniform = scheme in ("xavier", "uniform")
        # One generator per restart, seeded from (seed, i): a restart's weights do not depend on
        # how many others are drawn. Initialisation only, so this short loop is cheap.
        draws = torch.empty((restarts, self.size), dtype=torch.float64)
        for r in range(restarts):
            gen = torch.Generator().manual_seed(_mix(int(seed), r))
            if uniform:
                draws[r] = 2 * torch.rand(self.size, generator=gen, dtype=torch.float64) - 1
            else:
                draws[r] = torch.randn(self.size, generator=gen, dtype=torch.float64)
        return (scale * spread * draws).to(torch.float32)

    # -- the networks --------------------------------------------------------------------------
    def logits(self, W: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
        """[B, P] weights, [n, 2] points → [B, n] output logits, in W's dtype."""
        layers = self.unflatten(W)
        a = X.to(W.dtype).expand(W.shape[0], *X.shape)
        for k, (w, b) in enumerate(layers):
            z = torch.baddbmm(b.unsqueeze(1), a, w.transpose(1, 2))
            if k == len(layers) - 1:
                return z.squeeze(-1)
            a = a + self._act(z) if self.skips[k] else self._act(z)

    def predict(self, W: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
        """[B, n] probability of class 1 under each of the B networks."""
        return torch.sigmoid(self.logits(W, X))

    def loss(self, W: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """[B] mean loss of each network on (X, y)."""
        z = self.logits(W, X)
        y = y.to(W.dtype).expand_as(z)
        if self.loss_name == "bce":
            return F.binary_cross_entropy_with_logits(z, y, reduction="none").mean(-1)
        return (torch.sigmoid(z) - y).square().mean(-1)

    def loss_and_grad(
        self, W: torch.Tensor, X: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """[B] losses and their [B, P] gradients, with backpropagation written out by hand.

        The training engine's fast path (autograd's graph costs more than the arithmetic here).
        Restarts go in chunks small enough that a chunk's activations stay in the CPU cache
        between its forward and backward pass; a column of ones carries each layer's bias, so
        one batched matmul gives a layer's weight and bias gradients together.
        """
        B, n = W.shape[0], X.shape[0]
        dtype = W.dtype
        chunk = min(B, max(1, CHUNK_BYTES // (n * max(self.sizes) * W.element_size())))
        X1 = torch.cat([X.to(dtype).T, torch.ones((1, n), dtype=dtype)])
        X1 = X1.expand(chunk, 3, n).contiguous()
        # Activations [chunk, features + 1, points], reused chunk after chunk; the last feature
        # is a row of ones that carries the bias.
        bufs = [torch.ones((chunk, o + 1, n), dtype=dtype) for o in self.hidden]
        y = y.to(dtype)
        Z, G = torch.empty((B, n), dtype=dtype), torch.empty_like(W)
        W = W.detach()
        for s in range(0, B, chunk):
            e = min(B, s + chunk)
            self._chunk(W[s:e], X1[: e - s], y, [b[: e - s] for b in bufs], Z[s:e], G[s:e])
        G.mul_(1.0 / n)
        if self.loss_name == "bce":
            return F.binary_cross_entropy_with_logits(Z, y.expand_as(Z), reduction="none").mean(
                -1
            ), G
        return (torch.sigmoid(Z) - y).square().mean(-1), G

    def _chunk(self, W, X1, y, bufs, Z, G) -> None:
        """Forward and backward of one chunk of networks: logits into Z, n × gradient into G."""
        mats = self.matrices(W)
        ins, outs, a = [], [], X1
        for k, (M, nxt) in enumerate(zip(mats, bufs)):  # hidden layers: a ← [act(M a); 1]
            ins.append(a)
            t = nxt[:, :-1]
            if self.skips[k]:  # … + a
                t = self._act(torch.bmm(M, a))
                torch.add(t, a[:, :-1], out=nxt[:, :-1])
            else:
                _ACT_OUT[self.activation](torch.bmm(M, a), t)
            outs.append(t)
            a = nxt
        ins.append(a)
        z = torch.bmm(mats[-1], a).squeeze(1)
        Z.copy_(z)
        p = torch.sigmoid(z)
        if self.loss_name == "bce":
            dz = p.sub_(y)
        else:
            dz = torch.ops.aten.sigmoid_backward(2 * (p - y), p)
        dz = dz.unsqueeze(1)
        g, grads = None, []  # g: gradient with respect to the current layer's output
        for k in range(len(mats) - 1, -1, -1):
            if g is not None:
                dz = _ACT_GRAD[self.activation](g, outs[k])
            if k == 0:  # three inputs: the transposed product is the cheaper one
                grads.append(torch.bmm(ins[0], dz.transpose(1, 2)).transpose(1, 2).flatten(1))
                break
            grads.append(torch.bmm(dz, ins[k].transpose(1, 2)).flatten(1))
            w = mats[k][..., :-1]
            up = w.transpose(1, 2) * dz if w.shape[1] == 1 else torch.bmm(w.transpose(1, 2), dz)
            g = up + g if self.skips[k] else up
        torch.cat(grads[::-1], dim=1, out=G)


#: Restarts per chunk in `loss_and_grad`: about this many bytes per activation tensor.
CHUNK_BYTES = 2**19
_ACT_OUT = {  # act(z) written into `out`
    "tanh": lambda z, out: torch.tanh(z, out=out),
    "sigmoid": lambda z, out: torch.sigmoid(z, out=out),
    "relu": lambda z, out: torch.clamp_min(z, 0, out=out),
    "linear": lambda z, out: out.copy_(z),
}
_ACT_GRAD = {  # g · act'(z), from the activation's output t = act(z)
    "tanh": torch.ops.aten.tanh_backward,
    "sigmoid": torch.ops.aten.sigmoid_backward,
    "relu": lambda g, t: torch.ops.aten.threshold_backward(g, t, 0),
    "linear": lambda g, t: g,
}


def _mix(seed: int, i: int) -> int:
    """A 63-bit seed from (seed, i) by two rounds of splitmix64, so nearby pairs look unrelated."""
    mask = (1 << 64) - 1
    z = (seed * 0x9E3779B97F4A7C15 + i + 1) & mask
    for _ in range(2):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
    return z >> 1


# -- training ------------------------------------------------------------------------------------
@dataclass
class Fit:
    """What training R restarts leaves behind; rows are restarts.

    `loss[t]` is the full-data loss at step t (t = 0 … steps), `grad_norm[t]` the norm of the
    gradient the optimiser used at step t (its minibatch's; the last row is the full-data gradient
    at the final weights). A diverged restart is frozen at its last finite weights from
    `stopped_at` on, and its loss curve holds its last finite value.
    """

    weights: torch.Tensor  # [R, P]
    loss: torch.Tensor  # [steps + 1, R]
    grad_norm: torch.Tensor  # [steps + 1, R]
    diverged: torch.Tensor  # [R] bool
    path: torch.Tensor | None  # [T, R, P]: every record_every-th step and the last one
    stopped_at: torch.Tensor  # [R] step at which a restart was frozen (−1: never)


#: Weights beyond this size count as diverged, before they overflow.
WEIGHT_BOX = 1e6


def train(
    net: MLP,
    X: torch.Tensor,
    y: torch.Tensor,
    W0: torch.Tensor,
    optimizer: str = "adam",
    lr: float | Sequence[float] = 0.01,
    steps: int = 1000,
    seed: int = 0,
    batch_size: int | None = None,
    record_every: int | None = None,
    progress: Callable[[float], None] | None = None,
    noise: float = 0.0,
    **hyper,
) -> Fit:
    """Train the R networks whose initial weights are the rows of W0 [R, P], all at once.

    The optimiser minimises the *sum* of the R losses on one stacked tensor, so each restart gets
    exactly its own gradient: this is R independent runs. Minibatches (`batch_size`) are one seeded
    draw of points per step, shared by all restarts; `noise` adds N(0, noise²) to every gradient.
    """
    if W0.dim() != 2 or W0.shape[1] != net.size:
        raise ValueError(f"W0 must be [restarts, {net.size}] for {net}, got {list(W0.shape)}")
    if not torch.isfinite(W0).all():
        raise ValueError("the initial weights W0 must all be finite numbers")
    info = optimizers.info(optimizer)
    if info.second_order and net.size > MAX_SECOND_ORDER:
        raise ValueError(
            f"{info.label} needs every restart's full Hessian, which is only affordable for "
            f"networks of at most {MAX_SECOND_ORDER} weights; {net} has {net.size}. "
            f"Choose a smaller network or a first-order optimiser."
        )
    R, P, n, steps = W0.shape[0], net.size, X.shape[0], int(steps)
    if steps < 0:
        raise ValueError(f"steps must be 0 or more, got {steps}")
    batch = n if batch_size is None else int(batch_size)
    if not 1 <= batch <= n:
        raise ValueError(f"batch size must be between 1 and the {n} points, got {batch_size}")
    record = _record_steps(steps, record_every)
    budget.check(
        work=R * steps * P * n * (P if info.second_order else 1),
        max_work=MAX_TRAIN_WORK,
        what=f"Training {R:,} restarts of {net} for {steps:,} steps on {n} points",
        hint="Use fewer restarts or steps, or a smaller network.",
        nbytes=W0.element_size() * (len(record) * R * P + 2 * (steps + 1) * R),
    )

    X, y = X.to(W0.dtype), y.to(W0.dtype)
    stepper = optimizers.Stepper(
        W0, optimizer, lr, torch.Generator().manual_seed(int(seed)), **hyper
    )
    batches = torch.Generator().manual_seed(int(seed) + 1)
    # torch.optim steps take the hand-written gradient; second-order and perturbed steps
    # differentiate net.loss itself (twice, for a Hessian), which the hand gradient cannot give.
    by_hand = not (info.second_order or optimizer == "perturbed_gd")
    row_loss = (
        (lambda V, Xb, yb: _HandGrad.apply(V, net, Xb, yb))
        if by_hand
        else (lambda V, Xb, yb: net.loss(V, Xb, yb))
    )
    loss = torch.empty((steps + 1, R), dtype=W0.dtype)
    gnorm = torch.empty((steps + 1, R), dtype=W0.dtype)
    stopped = torch.full((R,), -1, dtype=torch.long)
    path, good = [], W0.detach().clone()
    every = max(1, steps // 20)
    W = good
    for t in range(steps + 1):
        if t == steps:  # the final weights: full-data loss and gradient, no step
            out, g = net.loss_and_grad(W, X, y)
        elif batch == n:
            out, g = stepper.step(lambda V: row_loss(V, X, y), noise_std=noise)
        else:
            idx = torch.randperm(n, generator=batches)[:batch]
            with torch.no_grad():
                out = net.loss(W, X, y)
            _, g = stepper.step(lambda V, idx=idx: row_loss(V, X[idx], y[idx]), noise_std=noise)
        g = optimizers.row_norm(g)
        bad = (stopped < 0) & ~(torch.isfinite(out) & (W.abs() <= WEIGHT_BOX).all(-1))
        if bad.any():  # W_t is not finite: hold W_{t-1}, its loss and gradient norm
            stopped[bad] = t
            if t > 0:
                out, g = torch.where(bad, loss[t - 1], out), torch.where(bad, gnorm[t - 1], g)
            stepper.freeze(bad, good)
            W = torch.where(bad[:, None], good, W)
        loss[t], gnorm[t] = out, g
        if t in record:
            path.append(W)
        good = W
        if t < steps:
            W = stepper.x
            if progress is not None and ((t + 1) % every == 0 or t + 1 == steps):
                progress((t + 1) / steps)
    return Fit(
        weights=good,
        loss=loss,
        grad_norm=gnorm,
        diverged=stopped >= 0,
        path=torch.stack(path) if record_every else None,
        stopped_at=stopped,
    )


class _HandGrad(torch.autograd.Function):
    """`net.loss` whose backward pass returns the gradient `loss_and_grad` already computed."""

    @staticmethod
    def forward(ctx, W, net, X, y):
        loss, grad = net.loss_and_grad(W, X, y)
        ctx.save_for_backward(grad)
        return loss

    @staticmethod
    def backward(ctx, upstream):
        (grad,) = ctx.saved_tensors
        return upstream.unsqueeze(-1) * grad, None, None, None


# -- curvature -----------------------------------------------------------------------------------
def hessian(net: MLP, w: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """[P, P] Hessian of one network's loss in its weights w [P], in w's dtype.

    One Hessian-vector row per weight through autograd's double backward (`curvature.hessian`):
    on this CPU that loop beat `torch.func.hessian` and `jacfwd(grad)` by about 2× at a thousand
    weights.
    """
    if w.shape != (net.size,):
        raise ValueError(
            f"w must be one vector of {net.size} weights for {net}, got {list(w.shape)}"
        )
    if net.size > MAX_HESSIAN:
        raise ValueError(
            f"{net} has {net.size:,} weights; its Hessian is only computed here for "
            f"networks of at most {MAX_HESSIAN:,} weights (about a second)."
        )
    return curvature.hessian(lambda V: net.loss(V, X, y), w.unsqueeze(0))[0]


def eigenvalues(net: MLP, w: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The Hessian's P eigenvalues at w, ascending; `curvature.index` counts the downhill ones."""
    H = hessian(net, w, X, y)
    return torch.linalg.eigvalsh((H + H.T) / 2)


def _record_steps(steps: int, record_every: int | None) -> set[int]:
    if record_every is None:
        return set()
    if int(record_every) < 1:
        raise ValueError(f"record_every must be 1 or more, got {record_every}")
    return set(range(0, steps + 1, int(record_every))) | {steps}

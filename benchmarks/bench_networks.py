"""How fast is networks.train? Full-batch Adam on the moons data, float32, measured in one run:

- 128 restarts of a 2-32-32-1 tanh MLP, 1000 steps on 200 points: the stacked engine (hand-written
  backward) against the same stacked weights through autograd, against 128 nn.Module models
  trained one at a time, and against scikit-learn's MLPClassifier fitted 128 times with the same
  steps (solver adam, batch_size = all points, no L2, no early stopping); also the engine with
  sigmoid units, whose elementwise work is cheaper than tanh's. The loop and scikit-learn run
  --slow-steps steps and are scaled to 1000: their time per step is constant;
- 256 restarts x 1000 steps of 2-8-8-1 and 2-32-32-1 against the FLOP floor (about
  6 x restarts x points x weights per step at this machine's measured large-matmul rate), with 1
  and 2 torch threads (2 threads run --slow-steps, scaled: on a busy machine they crawl);
- a 41 x 41 plane of a 2-32-32-1 net on 400 points;
- with --compile, torch.compile of the gradient (hand-written and autograd) for the first case:
  compile time and time per gradient against eager (the engine itself stays eager).

Run: python benchmarks/bench_networks.py  (times are the best of --repeat runs, taken in turns)
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from core import data, landscape, networks, optimizers  # noqa: E402

LR = 0.01


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def interleaved(cases: dict, repeat: int) -> dict:
    """Best time of each case, the cases taking turns, so that a machine shared with other busy
    processes slows them all alike. cases: name → (fn, torch threads, factor applied to time)."""
    times = {name: [] for name in cases}
    for _ in range(repeat):
        for name, (fn, threads, factor) in cases.items():
            torch.set_num_threads(threads)
            t = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t) * factor)
    torch.set_num_threads(1)
    return {name: min(ts) for name, ts in times.items()}


def peak_gflops(threads: int) -> float:
    torch.set_num_threads(threads)
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    return 2 * 2048**3 / best(lambda: a @ b, 5) / 1e9


def flops(R: int, n: int, net: networks.MLP, steps: int) -> float:
    return 6.0 * R * n * net.size * steps


def engine(net, X, y, W0, steps):
    return lambda: networks.train(net, X, y, W0, optimizer="adam", lr=LR, steps=steps)


def autograd_engine(net, X, y, W0, steps):
    """The same stacked weights and optimiser, with autograd instead of the hand backward."""

    def run():
        st = optimizers.Stepper(W0, "adam", LR)
        for _ in range(steps):
            st.step(lambda V: net.loss(V, X, y))

    return run


def module_loop(net, X, y, W0, steps):
    """One nn.Module per restart, trained one after the other: the loop a student would write."""

    def build(w):
        layers = []
        for wk, bk in net.unflatten(w[None]):
            lin = torch.nn.Linear(wk.shape[2], wk.shape[1])
            with torch.no_grad():
                lin.weight.copy_(wk[0])
                lin.bias.copy_(bk[0])
            layers += [lin, torch.nn.Tanh()]
        return torch.nn.Sequential(*layers[:-1])

    def run():
        for w in W0:
            model = build(w)
            opt = torch.optim.Adam(model.parameters(), lr=LR)
            loss_fn = torch.nn.BCEWithLogitsLoss()
            for _ in range(steps):
                opt.zero_grad()
                loss_fn(model(X).squeeze(-1), y).backward()
                opt.step()

    return run


def sklearn_loop(net, X, y, W0, steps):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    Xn, yn = X.numpy().astype("float64"), y.numpy().astype(int)

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for i in range(len(W0)):
                MLPClassifier(
                    hidden_layer_sizes=net.hidden,
                    activation="tanh",
                    solver="adam",
                    learning_rate_init=LR,
                    batch_size=len(Xn),
                    max_iter=steps,
                    tol=0.0,
                    n_iter_no_change=10**9,
                    alpha=0.0,
                    shuffle=False,
                    random_state=i,
                ).fit(Xn, yn)

    return run


def compiled_gradients(net, X, y, W0, repeat: int) -> None:
    """torch.compile needs a C++ compiler and recompiles for every new shape: what it buys."""
    torch._dynamo.config.cache_size_limit = 64
    Wg = W0.clone().requires_grad_(True)

    def by_autograd(W):
        return torch.autograd.grad(net.loss(W, X, y).sum(), W)[0]

    cases = [
        ("hand-written", lambda W: net.loss_and_grad(W, X, y), W0),
        ("autograd", by_autograd, Wg),
    ]
    for name, fn, W in cases:
        try:
            compiled = torch.compile(fn, dynamic=False)
            t = time.perf_counter()
            compiled(W)
            first = time.perf_counter() - t
        except Exception as e:  # no compiler, or an unsupported op: the engine runs eager anyway
            print(f"  {name}: torch.compile failed ({type(e).__name__}); eager only")
            continue
        fast = best(lambda c=compiled, W=W: [c(W) for _ in range(20)], repeat) / 20
        eager = best(lambda f=fn, W=W: [f(W) for _ in range(20)], repeat) / 20
        print(
            f"  {name:14s} compile {first:5.1f} s, then {fast * 1e3:6.2f} ms per gradient "
            f"against {eager * 1e3:6.2f} ms eager"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument(
        "--slow-steps",
        type=int,
        default=100,
        help="steps for the one-at-a-time loops, scaled up to --steps",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compile", action="store_true", help="also time torch.compile")
    args = parser.parse_args()
    steps, slow, rep = args.steps, args.slow_steps, args.repeat
    networks.MAX_TRAIN_WORK = 1e12  # the 256-restart cases are bigger than a page may ask for
    scale = steps / slow

    peak = {t: peak_gflops(t) for t in (1, 2)}
    torch.set_num_threads(1)
    print(f"large-matmul peak: {peak[1]:.0f} GFLOP/s on 1 thread, {peak[2]:.0f} on 2\n")

    X, y = data.make("moons", n=200, noise=0.1, seed=0)
    net = networks.MLP((32, 32), activation="tanh")
    W0 = net.init(128, seed=0)
    for warm_up in (engine, autograd_engine, module_loop):  # first calls pay one-off costs
        warm_up(net, X, y, W0[:4], 3)()
    print(
        f"128 restarts of {net} ({net.size} weights), {steps} full-batch Adam steps, "
        f"200 points, 1 thread"
    )
    sig = networks.MLP((32, 32), activation="sigmoid")
    rows = interleaved(
        {
            "stacked engine (hand backward)": (engine(net, X, y, W0, steps), 1, 1),
            "stacked engine, sigmoid instead of tanh": (engine(sig, X, y, W0, steps), 1, 1),
            "stacked, autograd backward": (autograd_engine(net, X, y, W0, steps), 1, 1),
            f"128 nn.Module one at a time ({slow} steps x {scale:g})": (
                module_loop(net, X, y, W0, slow),
                1,
                scale,
            ),
            f"scikit-learn MLPClassifier x128 ({slow} steps x {scale:g})": (
                sklearn_loop(net, X, y, W0, slow),
                1,
                scale,
            ),
        },
        rep,
    )
    base = rows["stacked engine (hand backward)"]
    for name, secs in rows.items():
        print(f"  {name:48s} {secs:8.2f} s   {secs / base:6.1f}x the engine's time")
    f = flops(128, 200, net, steps)
    print(
        f"  engine: {f / base / 1e9:.0f} GFLOP/s achieved, {base / (f / peak[1] / 1e9):.1f}x "
        f"the FLOP floor\n"
    )

    print(f"256 restarts, {steps} full-batch Adam steps, 200 points: engine against the FLOP floor")
    cases = {}
    for hidden in ((8, 8), (32, 32)):
        small = networks.MLP(hidden)
        W = small.init(256)
        cases[(small, 1)] = (engine(small, X, y, W, steps), 1, 1)
        cases[(small, 2)] = (engine(small, X, y, W, slow), 2, scale)
    for (small, threads), secs in interleaved(cases, rep).items():
        f = flops(256, 200, small, steps)
        floor = f / peak[threads] / 1e9
        print(
            f"  {str(small):32s} {threads} thread{'s' if threads > 1 else ' '} "
            f"{secs:7.2f} s  {f / secs / 1e9:6.0f} GFLOP/s  floor {floor:5.2f} s  "
            f"{secs / floor:5.1f}x the floor"
        )

    X4, y4 = data.make("moons", n=400, noise=0.1, seed=0)
    theta = net.init(1, seed=0)[0]
    d1, d2 = landscape.direction(net, theta, 1), landscape.direction(net, theta, 2)
    axis = torch.linspace(-1, 1, 41)
    secs = best(lambda: landscape.plane(net, X4, y4, theta, d1, d2, axis, axis), rep)
    print(f"\n41 x 41 plane of {net} on 400 points: {secs:.2f} s (goal: under 1 s)")
    if args.compile:
        print(f"\ntorch.compile of one gradient of 128 restarts of {net}, 1 thread")
        compiled_gradients(net, X, y, W0, rep)


if __name__ == "__main__":
    main()

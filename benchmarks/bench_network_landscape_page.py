"""How long the real-network landscape page takes: the first (cold) run, a rerun with every
section cached (hit), a rerun after one setting changes in each section (that section
recomputes, the rest hit), and the core calls behind the sections on their own.

Run: python benchmarks/bench_network_landscape_page.py [--repeats 3]. Prints seconds per script
run in AppTest (no browser drawing; AppTest reruns the whole script, so a section's miss also
pays for the other sections' hits). Each repeat picks a value not used before, so every "miss"
really recomputes. The page's targets: hit ≤ 1 s, a section's miss ≤ 2 s on two shared cores;
a 41×41 plane of a 2-32-32-1 network on 400 points under 1 s.
"""

import argparse

import torch
from apptest_timing import Change, hits_and_misses, open_page, timed
from bench_networks import best

from core import data, landscape, networks

#: One change per section.
SECTIONS = {
    "everything: the seed (train A and B, boundary, lines, slices, compare, Hessian)": Change(
        "number_input", "net_seed", (101, 102, 103, 104)
    ),
    "slices: direction seed (random slice + PCA plane, 2 × 41×41)": Change(
        "number_input", "slices_direction_seed", (11, 12, 13, 14)
    ),
    "compare: narrow width (train one more net + its slice)": Change(
        "select_slider", "pair_widths", ((2, 32), (8, 32), (16, 32), (2, 32))
    ),
    "curvature: tolerance (redraw only, Hessian cached)": Change(
        "select_slider", "hessian_tolerance", (1e-8, 1e-4, 1e-2, 1e-10)
    ),
}


def core_calls(repeats: int) -> None:
    """The engine calls behind the sections, on the default network and the issue's plane."""
    X, y = data.make("moons", 200, 0.1, 0)
    net = networks.MLP((16, 16), "tanh")
    W0 = net.init(2, seed=0)
    t = best(lambda: networks.train(net, X, y, W0, "adam", 0.01, 1000, record_every=20), repeats)
    print(f"train A and B, 2-16-16-1, 1000 Adam steps, 200 points: {t:.2f} s")
    theta = networks.train(net, X, y, W0, "adam", 0.01, 1000).weights[0]
    t = best(lambda: networks.eigenvalues(net, theta.double(), X.double(), y.double()), repeats)
    print(f"Hessian eigenvalues, {net.size} weights: {t:.2f} s")
    big = networks.MLP((32, 32), "tanh")
    X4, y4 = data.make("moons", 400, 0.1, 0)
    w = big.init(1, seed=0)[0]
    d1, d2 = landscape.direction(big, w, 0), landscape.direction(big, w, 1)
    al = torch.linspace(-1, 1, 41)
    t = best(lambda: landscape.plane(big, X4, y4, w, d1, d2, al, al), repeats)
    print(f"41×41 plane of 2-32-32-1 ({big.size} weights) on 400 points: {t:.2f} s")
    near = networks.MLP((22, 22), "tanh")  # 595 weights
    wn = near.init(1, seed=0)[0]
    t = best(lambda: networks.eigenvalues(near, wn.double(), X.double(), y.double()), repeats)
    print(f"Hessian eigenvalues, {near.size} weights: {t:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    core_calls(args.repeats)
    at = open_page("network_landscape")
    print(f"cold first run (imports, every section): {timed(at):.2f} s")
    hits_and_misses(at, SECTIONS, args.repeats)


if __name__ == "__main__":
    main()

"""How long a student waits: cold start of `streamlit run app.py` until Home is drawn in Chromium,
then, per page, the first visit (cache cold) and a reload (cache warm), and the server's memory.

Run: python benchmarks/bench_startup.py [--reloads 5]. Prints seconds; the README quotes them.
Uses the same server and "drawn" rules as the browser tests (tests/browser/test_browser.py).
"""

import argparse
import shutil
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from lessons import HOME, LESSONS  # noqa: E402
from tests.browser.test_browser import (
    CHROMIUM_ARGS,
    free_port,
    start_server,
    stop_server,
    wait_until_drawn,
)  # noqa: E402


def rss_mib(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), in MiB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))


def timed(action, page) -> float:
    t = time.perf_counter()
    action()
    wait_until_drawn(page)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=5)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        server = start_server(port)
        try:
            ready = time.perf_counter() - t0
            page.goto(url)
            page.wait_for_selector("h1", timeout=120_000)
            text = time.perf_counter() - t0
            wait_until_drawn(page)
            cold = time.perf_counter() - t0
            print(
                f"cold start after process start: server answers health {ready:.2f} s, "
                f"Home's title shown {text:.2f} s, Home drawn (chart included) {cold:.2f} s"
            )
            print(f"{'page':<28}{'first visit s':>14}{'warm reload s (median)':>24}")
            for entry in [HOME, *LESSONS]:
                first = timed(partial(page.goto, f"{url}/{entry.url}"), page)
                warm = [timed(page.reload, page) for _ in range(args.reloads)]
                print(f"{entry.file:<28}{first:>14.2f}{statistics.median(warm):>24.2f}")
            now, peak = rss_mib(server.pid)
            print(f"server memory after every page: RSS {now:.0f} MiB, peak {peak:.0f} MiB")
        finally:
            stop_server(server)
            browser.close()


if __name__ == "__main__":
    main()

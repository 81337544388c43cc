"""Stopping the server while it computes: Ctrl-C (SIGINT) or SIGTERM during the start-up warm-up
exits 0. Before, Python exited with the warm-up thread inside PyTorch and the process aborted
("terminate called without an active exception", SIGABRT)."""

import signal

import pytest
from browser_kit import free_port, goto, start_server

WARMING_S = 3  # the warm-up runs for about a minute: three seconds in, it is inside a lesson
STOP_S = 60  # computations in progress finish first (ui.gate.DRAIN_S)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_during_the_warm_up_exits_cleanly(sig, browser):
    port = free_port()
    proc = start_server(port, warm_up=True)
    page = browser.new_page()
    try:
        goto(page, f"http://127.0.0.1:{port}", "")  # Home's first run starts the warm-up
        page.wait_for_timeout(WARMING_S * 1000)
        assert proc.poll() is None
        proc.send_signal(sig)
        assert proc.wait(timeout=STOP_S) == 0
    finally:
        page.close()
        if proc.poll() is None:
            proc.kill()

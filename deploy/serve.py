"""Serve a class from this machine: N replicas of the app behind HAProxy, one address to share.

    python -m deploy.serve [--replicas N] [--port 8501]

One Streamlit process computes on about one core, so a class gets one replica per core (the
default) behind HAProxy (deploy/haproxy.cfg: sticky sessions by cookie, health checks, websocket
pass-through). This command starts the replicas, waits until each answers its health check,
starts HAProxy in front of them, opens Home once on each replica (which starts its warm-up; the
replicas share their results through ui/shared_cache.py, so the scenes are computed once), and
prints the address. A replica that stops is started again. Ctrl-C or SIGTERM stops everything
and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = Path(__file__).with_name("haproxy.cfg")
START_S = 120.0  # a replica's start: torch and Streamlit imports, on shared cores
STOP_S = 40.0  # a replica's stop: it lets computations in progress finish (ui.gate.DRAIN_S)
RESTART_AFTER_S = 2.0
PR_SET_PDEATHSIG = 1  # prctl(2)
#: Set by Ctrl-C or SIGTERM; every wait here checks it.
STOP = threading.Event()


class Stopped(Exception):
    """Ctrl-C or SIGTERM came while starting."""


@dataclass
class Replica:
    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = None
    starts: int = 0

    def start(self) -> None:
        command = streamlit_command(self.port)
        out = self.log.open("a")
        env = {**os.environ, "LANDSCAPE_REPLICA": self.name}
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_die_with_parent,
        )
        out.close()
        self.starts += 1

    def healthy(self) -> bool:
        return _answers(f"http://127.0.0.1:{self.port}/_stcore/health")

    def state(self) -> dict:
        return {"name": self.name, "port": self.port, "pid": self.proc.pid, "log": str(self.log)}


def streamlit_command(port: int) -> list[str]:
    """`streamlit run app.py` as it is hosted, on 127.0.0.1:`port` (behind HAProxy, or a test's
    own server)."""
    return [
        *(sys.executable, "-m", "streamlit", "run", "app.py"),
        *("--server.port", str(port), "--server.address", "127.0.0.1"),
        *("--server.headless", "true"),
    ]


def _die_with_parent() -> None:
    """In a child, before it runs: SIGTERM when this command dies, however it dies (Linux), so
    that no replica is left behind serving nobody."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def wait_until(ok, procs: list[subprocess.Popen], what: str, limit: float = START_S) -> None:
    deadline = time.monotonic() + limit
    while not ok():
        if STOP.is_set():
            raise Stopped
        if any(p.poll() is not None for p in procs):
            raise RuntimeError(f"{what}: a process exited while starting")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready within {limit:.0f} s")
        time.sleep(0.25)


def haproxy_config(replicas: list[Replica]) -> str:
    """The repository's config with one `server` line per replica (its backend is last)."""
    lines = [f"    server {r.name} 127.0.0.1:{r.port} cookie {r.name}" for r in replicas]
    return CONFIG.read_text() + "\n".join(lines) + "\n"


async def _open_home(port: int) -> None:
    """Open Home once, as a browser would: its first run starts the replica's warm-up."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.CopyFrom(ClientState(page_name="", query_string=""))
        await ws.send(msg.SerializeToString())
        while ForwardMsg.FromString(await ws.recv()).WhichOneof("type") != "script_finished":
            pass


def open_home(replica: Replica) -> None:
    try:
        asyncio.run(asyncio.wait_for(_open_home(replica.port), START_S))
    except Exception as e:  # the warm-up only saves time: the first student starts it instead
        print(f"could not open Home on {replica.name}: {e}", flush=True)


def stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM to each, then wait; SIGKILL only for one that did not stop in time."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + STOP_S
    for p in procs:
        try:
            p.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def serve(args) -> None:
    logs = Path(args.logs or tempfile.mkdtemp(prefix="landscape-serve-"))
    logs.mkdir(parents=True, exist_ok=True)
    replicas = [
        Replica(f"r{i + 1}", args.first_port + i, logs / f"r{i + 1}.log")
        for i in range(args.replicas)
    ]
    cfg = logs / "haproxy.cfg"
    cfg.write_text(haproxy_config(replicas))
    env = {
        **os.environ,
        "LANDSCAPE_BIND": f"{args.address}:{args.port}",
        "LANDSCAPE_STATS_BIND": f"127.0.0.1:{args.stats_port}",
    }
    subprocess.run(["haproxy", "-c", "-q", "-f", str(cfg)], env=env, check=True)
    haproxy = None
    try:
        for r in replicas:
            r.start()
        for r in replicas:
            wait_until(r.healthy, [r.proc], f"replica {r.name}")
        with (logs / "haproxy.log").open("w") as out:
            haproxy = subprocess.Popen(
                ["haproxy", "-db", "-f", str(cfg)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        front = f"http://127.0.0.1:{args.port}/_stcore/health"
        wait_until(lambda: _answers(front), [haproxy], "HAProxy")
        if args.warm_up:
            for r in replicas:  # in turn: the later ones find the first one's results on disk
                open_home(r)
        status = write_status(args, replicas)
        host = socket.gethostname()
        print(
            f"Landscape Lab: {len(replicas)} replicas behind HAProxy.\n"
            f"  Share this address with the class: http://{host}:{args.port}\n"
            f"  On this machine: http://localhost:{args.port}\n"
            f"  Replica health: {status['stats']} (this machine only)\n"
            f"  Logs: {logs}\n"
            "  Ctrl-C stops everything.",
            flush=True,
        )
        watch(args, replicas, haproxy)
    finally:
        stop([p for p in [haproxy, *(r.proc for r in replicas)] if p is not None])
        print("Landscape Lab stopped.", flush=True)


def write_status(args, replicas: list[Replica]) -> dict:
    status = {
        "url": f"http://127.0.0.1:{args.port}",
        "stats": f"http://127.0.0.1:{args.stats_port}/",
        "replicas": [r.state() for r in replicas],
    }
    if args.status:
        Path(args.status).write_text(json.dumps(status))
    return status


def watch(args, replicas: list[Replica], haproxy: subprocess.Popen) -> None:
    """Until stopped: start a replica again when it stops (HAProxy sends its students to the
    others meanwhile; they come back warm from the shared cache); HAProxy stopping ends it."""
    while not STOP.wait(0.5):
        if haproxy.poll() is not None:
            raise RuntimeError(f"HAProxy exited with {haproxy.returncode}")
        for r in replicas:
            if args.restart and r.proc.poll() is not None:
                print(f"replica {r.name} stopped ({r.proc.returncode}); starting it again")
                if STOP.wait(RESTART_AFTER_S):
                    return
                r.start()
                write_status(args, replicas)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--replicas", type=int, default=os.cpu_count() or 1, help="default: one per core"
    )
    parser.add_argument("--port", type=int, default=8501, help="the address students open")
    parser.add_argument("--address", default="0.0.0.0", help="where HAProxy listens")
    parser.add_argument("--first-port", type=int, default=8601, help="replicas: this port on")
    parser.add_argument("--stats-port", type=int, default=8404, help="HAProxy's status page")
    parser.add_argument("--logs", help="folder for the logs (default: a new temporary one)")
    parser.add_argument("--status", help="write the addresses and processes here, as JSON")
    parser.add_argument(
        "--no-warm-up", dest="warm_up", action="store_false", help="do not open Home on start"
    )
    parser.add_argument(
        "--no-restart", dest="restart", action="store_false", help="leave a stopped replica down"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 16:
        parser.error("--replicas must be between 1 and 16")
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: STOP.set())
    try:
        serve(args)
    except Stopped:
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as e:
        print(f"Could not serve the class: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

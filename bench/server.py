"""Start `streamlit run` for the app or the bare page on a free port, and watch its memory."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
APP = "streamlit_app.py"
BARE = "bench/bare_app.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run`: its process, its base URL and how long it took to answer."""

    process: subprocess.Popen
    url: str
    started: float  # time.perf_counter() just before the process was started
    healthy: float = 0.0  # seconds from start to the first 200 from /_stcore/health
    options: dict = field(default_factory=dict)

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/_stcore/stream"

    def rss_mb(self) -> float:
        return psutil.Process(self.process.pid).memory_info().rss / 2**20

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(script: str, **options: str) -> Server:
    """`streamlit run <script>` with the project's config plus ``options`` (e.g.
    ``{"runner.postScriptGC": "true"}``, to measure a lever switched back), once healthy."""
    port = free_port()
    flags = [f"--{name}={value}" for name, value in options.items()]
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", *flags],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}", started, options=options)
    deadline = started + 120
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    server.healthy = time.perf_counter() - started
                    return server
        except OSError:
            pass
        if time.perf_counter() > deadline or process.poll() is not None:
            server.stop()
            raise RuntimeError(f"streamlit run {script} did not come up within 120 s")
        time.sleep(0.05)

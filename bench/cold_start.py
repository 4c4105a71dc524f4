"""Measurement 4: from starting the server to the first lesson's chart on the first visitor's
screen (for the bare page: its line of text). The browser is already running; the server is not.
"""

from __future__ import annotations

import statistics
import time

from bench import browser as chromium_page
from bench import server

CHART = "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg"
BARE_TEXT = "[data-testid=stMarkdownContainer]:has-text('The slider is at')"


def cold_start(browser, script: str, path: str, visible: str, runs: int) -> dict[str, float]:
    """Median seconds: process start -> healthy, and process start -> ``visible`` on screen."""
    healthy, total = [], []
    for _ in range(runs):
        with server.start(script) as srv:
            chromium_page.first_visit(browser, f"{srv.url}/{path}", visible)
            healthy.append(srv.healthy)
            total.append(time.perf_counter() - srv.started)
    return {"healthy_s": statistics.median(healthy), "total_s": statistics.median(total)}

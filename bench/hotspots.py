"""Where a lesson's server time goes: `python -m bench.hotspots PAGE [PAGE ...] [--moves N]`.

One websocket student opens each PAGE and moves its first slider N times, one move at a time,
against a server whose script runs are profiled (bench/profiled_server.py). Prints, per page, the
median move, the elements (deltas) one move sends, and the project's functions (plus Streamlit's
chart, Arrow and message-queue steps) with the most cumulative time. cProfile slows Python code
about 2x: read the shares, not the milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import pstats
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.server import ROOT, free_port
from bench.student import Student

SKIP = 3  # runs not profiled: opening the page (a deep link runs twice, see require_navigation)
SHOWN = (
    re.escape(str(ROOT)) + r"/(pages|lib)/"
    r"|vega_charts.py.*\(_vega_lite_chart|dataframe_util.py.*\(convert_anything"
    r"|_enqueue_forward_msg|metrics_util.py.*wrapped_func"
)


async def _drive(ws_url: str, page: str, moves: int) -> tuple[list[float], int]:
    student = Student(ws_url, page)
    await student.open()
    slider = student.first_slider()
    times = [await student.move(slider, (-1) ** i) for i in range(moves)]
    await student.close()
    if student.errors:
        raise RuntimeError(student.errors[0])
    return times, student.deltas


def profile(page: str, moves: int, top: int, sort: str) -> str:
    stats_file = Path(tempfile.mkdtemp()) / "stats.prof"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.profiled_server", str(stats_file), str(SKIP),
         "run", "streamlit_app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        ws_url = url.replace("http", "ws") + "/_stcore/stream"
        times, deltas = asyncio.run(_drive(ws_url, page, moves))
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=out)
    runs = stats.total_calls and sum(v[0] for k, v in stats.stats.items() if k[2] == "_run_script")
    per_run = 1000 * stats.total_tt / max(runs, 1)
    stats.sort_stats(sort).print_stats(SHOWN, top)
    median = 1000 * sorted(times)[len(times) // 2]
    head = (
        f"== {page}: median move {median:.0f} ms as the student saw it; profiled script run "
        f"{per_run:.0f} ms ({runs} runs); {deltas} elements sent per move"
    )
    body = "\n".join(
        line.replace(str(ROOT) + "/", "")
        for line in out.getvalue().splitlines()
        if re.match(r"\s*\d", line)
    )
    return f"{head}\n   ncalls  tottime  percall  cumtime  percall function\n{body}\n"


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.hotspots", description=__doc__)
    p.add_argument("pages", nargs="+")
    p.add_argument("--moves", type=int, default=30)
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--sort", default="cumulative", help="pstats order, e.g. tottime")
    args = p.parse_args()
    for page in args.pages:
        try:
            print(profile(page, args.moves, args.top, args.sort), flush=True)
        except Exception as e:  # noqa: BLE001 - one broken page does not stop the others
            print(f"== {page}: failed: {type(e).__name__}: {e}\n", flush=True)


if __name__ == "__main__":
    main()

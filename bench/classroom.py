"""Measurements 3 and 5: a classroom of websocket students, and memory per open session."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

from bench.server import Server
from bench.student import Student


@dataclass
class LoadResult:
    students: int
    moves: int
    p50_ms: float
    p95_ms: float
    errors: int
    peak_rss_mb: float
    start_rss_mb: float  # before the class, once the teacher has opened the page
    end_rss_mb: float  # after every student left: growth here would be a leak
    first_error: str = ""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _student_life(student: Student, duration: float, every: float, latencies, errors):
    await asyncio.sleep(random.uniform(0, every))  # a class does not open the link in unison
    try:
        await student.open()
        slider = student.first_slider()
        stop = time.perf_counter() + duration
        direction = 1
        while time.perf_counter() < stop:
            await asyncio.sleep(random.uniform(0.5 * every, 1.5 * every))
            latencies.append(await student.move(slider, direction))
            direction = -direction if random.random() < 0.3 else direction
    except Exception as e:  # noqa: BLE001 - a failed student is a counted error, not a crash
        errors.append(f"{type(e).__name__}: {e}"[:120])
    finally:
        errors.extend(student.errors)
        try:
            await student.close()
        except Exception:  # noqa: BLE001
            pass


async def _watch_rss(server: Server, peak: list[float], done: asyncio.Event) -> None:
    while not done.is_set():
        peak[0] = max(peak[0], server.rss_mb())
        await asyncio.sleep(0.5)


async def _classroom(server: Server, page: str, n: int, duration: float, every: float):
    latencies: list[float] = []
    errors: list[str] = []
    teacher = Student(server.ws_url, page)  # opens the page first: the class meets a warm server
    await teacher.open()
    start_rss = server.rss_mb()
    peak = [start_rss]
    done = asyncio.Event()
    watcher = asyncio.create_task(_watch_rss(server, peak, done))
    students = [Student(server.ws_url, page) for _ in range(n)]
    await asyncio.gather(*(_student_life(s, duration, every, latencies, errors) for s in students))
    done.set()
    await watcher
    await teacher.close()
    return LoadResult(
        n,
        len(latencies),
        1000 * percentile(latencies, 0.5),
        1000 * percentile(latencies, 0.95),
        len(errors),
        peak[0],
        start_rss,
        server.rss_mb(),
        errors[0] if errors else "",
    )


def classroom(server: Server, page: str, n: int, duration: float, every: float = 2.0):
    """``n`` students on ``page``, each moving its first slider about every ``every`` s."""
    return asyncio.run(_classroom(server, page, n, duration, every))


async def _memory_per_session(server: Server, page: str, warm: int, extra: int) -> float:
    students = [Student(server.ws_url, page) for _ in range(warm + extra)]
    for s in students[:warm]:
        await s.open()
    await asyncio.sleep(1)
    before = server.rss_mb()
    for s in students[warm:]:
        await s.open()
    await asyncio.sleep(1)
    after = server.rss_mb()
    for s in students:
        await s.close()
    return (after - before) / extra


def memory_per_session(server: Server, page: str, warm: int = 5, extra: int = 40) -> float:
    """RSS growth (MB) per extra open session, after ``warm`` sessions have paid the imports."""
    return asyncio.run(_memory_per_session(server, page, warm, extra))

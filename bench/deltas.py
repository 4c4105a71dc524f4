"""Measurement 7: the elements one slider move sends (Streamlit ``delta``s: each element and
layout block the rerun draws), counted by a websocket student on ``/_stcore/stream``. Fewer
elements per move is the lever for both the server's and the browser's cost (bench/RESULTS.md,
2026-12-03 12:45)."""

from __future__ import annotations

import asyncio
import statistics

from bench.student import Student


async def _count(ws_url: str, page: str, moves: int) -> float:
    student = Student(ws_url, page)
    await student.open()
    slider = student.first_slider()
    counts = []
    for i in range(moves):
        await student.move(slider, (-1) ** i)
        counts.append(student.deltas)
    await student.close()
    if student.errors:
        raise RuntimeError(student.errors[0])
    return statistics.median(counts)


def deltas_per_move(base_url: str, page: str, moves: int = 7) -> float:
    """Median number of deltas a move of the page's first slider sends."""
    ws_url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
    return asyncio.run(_count(ws_url, page, moves))

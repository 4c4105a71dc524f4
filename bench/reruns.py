"""Measurement 2: server cost per interaction, the time of one AppTest rerun after a slider step.

AppTest runs the script in this process, as the server does for each visitor (entry script,
navigation, then the page), so this is the server's CPU time per interaction without the network
and the browser. It includes the post-run garbage collection when ``runner.postScriptGC`` is on.

AppTest compiles the scripts anew on every run (a fresh ``ScriptCache`` each time; with magic
on, that is an AST pass over every file, ~5 ms a rerun here); the server compiles each script once
per process. So the reruns measured here share one cache, as a server's do.
"""

from __future__ import annotations

import logging
import statistics
import time

import streamlit.runtime.scriptrunner_utils.script_run_context  # noqa: F401  (its logger, below)
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from bench.server import BARE, ROOT
from tests.pages.apptest import open_page

# AppTest's own thread warns "missing ScriptRunContext" on every run: noise in a table.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
_SHARED_CACHE = ScriptCache()
app_test.ScriptCache = lambda: _SHARED_CACHE  # one compile per script, as in the server


def _step(at: AppTest, direction: int) -> float:
    slider = at.slider[0]
    first = slider.value[0] if isinstance(slider.value, tuple) else slider.value  # range slider
    value = first + direction * slider.step
    if not slider.min <= value <= slider.max:
        value = first - direction * slider.step
    slider.set_value((value, *slider.value[1:]) if isinstance(slider.value, tuple) else value)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"rerun raised: {at.exception[0].value}")
    return elapsed


def _median_ms(at: AppTest, runs: int) -> float:
    _step(at, 1)  # the first rerun of a page pays one-off costs (imports, caches): not counted
    return 1000 * statistics.median(_step(at, (-1) ** i) for i in range(runs))


def bare_rerun_ms(runs: int) -> float:
    at = AppTest.from_file(str(ROOT / BARE), default_timeout=60)
    at.run()
    return _median_ms(at, runs)


def lesson_rerun_ms(page: str, runs: int) -> float:
    return _median_ms(open_page(page), runs)

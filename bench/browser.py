"""Measurements 1, 4 and 6 in headless Chromium: keypress to settled page, cold start, scrub.

"Settled" follows Streamlit's own e2e helpers: the app's run is over
(``[data-testid=stApp][data-test-script-state=notRunning]``) and the DOM has been quiet for
``QUIET_MS``. The figure is the time of the last DOM change (or chart repaint) after the key
went down, so the quiet period itself is not counted.
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM_FLAGS, find_chromium, wait_for_app

QUIET_MS = 400
# A lesson's main slider: the first one of its live part (the frame's container keyed
# "lesson-live"; the structure controls above it rerun the whole page); the bare page has one.
SLIDER = (
    ":is(.st-key-lesson-live [data-testid=stSlider], "
    "[data-testid=stMain]:not(:has(.st-key-lesson-live)) [data-testid=stSlider]) "
    "input[type=range]"
)
SCRUB_INPUT = "[data-testid=stVegaLiteChart] input[type=range]"

# Vega draws on a canvas, which no MutationObserver sees: every drawing call on any 2D canvas
# notes the time (installed before the page's own scripts).
CANVAS_JS = """
for (const name of ['clearRect', 'fill', 'stroke', 'fillRect', 'fillText', 'drawImage']) {
  const draw = CanvasRenderingContext2D.prototype[name];
  CanvasRenderingContext2D.prototype[name] = function (...args) {
    window.__benchPaint = performance.now();
    return draw.apply(this, args);
  };
}
"""

# Installed once per page: the time of the key, of the last DOM change, of the last canvas repaint,
# and whether a script run started after the key.
WATCH_JS = """
() => {
  const w = window.__bench = {key: 0, last: 0, ran: false};
  document.addEventListener('keydown', () => {
    w.key = performance.now(); w.last = w.key; w.ran = false;
  }, true);
  new MutationObserver(records => {
    w.last = performance.now();
    // A run shows as the app's state going to "running" (also when it went back before this
    // callback: the old value), or, for a run so fast that React never drew "running" (the bare
    // page), as a change outside the slider that was pressed (the key alone moves only that).
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (r.attributeName === 'data-test-script-state'
          ? r.oldValue === 'running' || el.getAttribute('data-test-script-state') === 'running'
          : el && !el.closest('[data-testid=stSlider]')) w.ran = true;
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true,
                             attributeOldValue: true, characterData: true});
}
"""

SETTLED_JS = """
([quiet, needRun]) => {
  const w = window.__bench;
  const idle = document.querySelector('[data-testid=stApp]')
                 ?.getAttribute('data-test-script-state') === 'notRunning';
  const last = Math.max(w.last, window.__benchPaint || 0);
  return idle && (w.ran || !needRun) && performance.now() - last > quiet;
}
"""


@contextmanager
def chromium():
    path = find_chromium()
    if path is None:
        raise RuntimeError("no Chromium found (install Debian's `chromium`, or set CHROMIUM=)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.add_init_script(CANVAS_JS)
    return context.new_page()


def _press_and_settle(page, target, key: str, need_run: bool) -> float | None:
    """Press ``key`` on ``target``; ms from the key to the last change, None if nothing ran."""
    target.focus()
    page.wait_for_function(SETTLED_JS, arg=[QUIET_MS, False], timeout=30_000)
    target.press(key)
    try:
        page.wait_for_function(SETTLED_JS, arg=[QUIET_MS, need_run], timeout=5_000)
    except Exception:  # noqa: BLE001 - the key moved nothing (the slider sits at its end)
        return None
    return page.evaluate(
        "Math.max(window.__bench.last, window.__benchPaint || 0) - window.__bench.key"
    )


def _presses(page, selector: str, presses: int, need_run: bool) -> list[float]:
    target = page.locator(selector).first
    times: list[float] = []
    keys = ["ArrowRight", "ArrowLeft"]
    misses = 0
    while len(times) < presses and misses < 4:
        ms = _press_and_settle(page, target, keys[len(times) % 2], need_run)
        if ms is None:
            keys.reverse()
            misses += 1
        else:
            times.append(ms)
    return times


def open_and_watch(browser, url: str):
    page = _new_page(browser)
    page.goto(url)
    wait_for_app(page)
    page.locator(SLIDER).first.wait_for()
    page.evaluate(WATCH_JS)
    return page


def keypress_latency(browser, url: str, presses: int) -> float:
    """Median ms from an arrow key on the page's first slider to the settled page."""
    page = open_and_watch(browser, url)
    try:
        times = _presses(page, SLIDER, presses, need_run=True)
        if not times:
            raise RuntimeError(f"no slider press on {url} started a run")
        return statistics.median(times)
    finally:
        page.context.close()


def scrub_latency(browser, url: str, presses: int) -> float | None:
    """Median ms from an arrow key on the chart's own range input to the repainted chart,
    with no script run; None when the page has no such input."""
    page = open_and_watch(browser, url)
    try:
        folded = page.locator("[data-testid=stExpander] summary", has_text="Scrub")
        if folded.count():  # a folded scrub part: a student opens it first
            folded.first.click()
        try:  # charts draw after the script has finished: give them time to appear
            page.locator(SCRUB_INPUT).first.wait_for(state="attached", timeout=15_000)
        except Exception:  # noqa: BLE001 - no such input on this page
            return None
        times = _presses(page, SCRUB_INPUT, presses, need_run=False)
        return statistics.median(times) if times else None
    finally:
        page.context.close()


def first_visit(browser, url: str, visible: str) -> float:
    """Seconds from navigating to ``url`` until ``visible`` is on screen."""
    page = _new_page(browser)
    try:
        started = time.perf_counter()
        page.goto(url)
        page.locator(visible).first.wait_for(state="visible", timeout=120_000)
        return time.perf_counter() - started
    finally:
        page.context.close()

"""Browser tests: a real `streamlit run` on a free port, driven by Playwright in headless Chromium.

Playwright's own browser download cannot work on our machines, so we launch the system Chromium
(Debian's package ``chromium``). Without one the tests skip locally, but fail under CI=true: CI
must never pass by silently skipping the browser.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lib.view.classroom import PUBLIC_URL

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    """`streamlit run` on a free port; returns the process and its base URL once healthy. The
    share panel's links use that URL (SLIDERS_PUBLIC_URL, as a teacher would set it): opened as
    127.0.0.1 they would use this machine's network address, which varies between machines
    (tests/pages/test_classroom_pages.py tests that)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
            "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ],
        cwd=ROOT,
        env={**os.environ, PUBLIC_URL: url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return server, url
        except OSError:
            pass
        if time.time() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("streamlit did not come up within 60 s")
        time.sleep(0.3)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="session")
def app_url():
    server, url = start_server()
    yield url
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    chromium = find_chromium()
    if chromium is None:
        message = "no Chromium found (install Debian's `chromium`, or set CHROMIUM=/path)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {message}: browser tests must not be skipped")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit's own e2e wait: the script has finished running and nothing is stale."""
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout
    )
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout
    )


# Records every change of the app's script state from now on: a record exists once a run has
# started, even one so short that running -> notRunning happened between two callbacks.
_WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    window.__runs?.disconnect();
    window.__ran = false;
    window.__runs = new MutationObserver(records => { if (records.length) window.__ran = true; });
    window.__runs.observe(app, {attributes: true, attributeOldValue: true,
                                attributeFilter: ['data-test-script-state']});
}"""
_RAN_AND_DONE = """() => window.__ran
    && document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'"""


def rerun_after(page, action, timeout: float = 30_000, unseen: float = 3_000) -> None:
    """Do ``action`` (a key press, a click) and wait until the run it starts has finished: a
    condition, not a fixed pause (a busy machine may take longer than any pause). A run can be
    too quick for React to ever draw the "running" state (seen in bench/: a bare page); if none
    was seen within ``unseen`` ms, the page is taken as settled once it is not running."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(_WATCH_RUNS)
    action()
    try:
        page.wait_for_function(_RAN_AND_DONE, timeout=unseen, polling=50)
    except PlaywrightTimeout:
        pass
    wait_for_app(page, timeout)


def screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to fit it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    viewport = page.viewport_size
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], section')]"
        ".map(e => e.scrollHeight), window.innerHeight)"
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(int(height), 12000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path

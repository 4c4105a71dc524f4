"""Helpers for browser tests: read what a page shows, move its controls like a person would."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app


def metric(page, label: str) -> str:
    """The value of the st.metric whose label is ``label``."""
    box = page.locator("[data-testid=stMetric]").filter(
        has=page.locator("[data-testid=stMetricLabel]", has_text=label)
    )
    return box.locator("[data-testid=stMetricValue]").first.inner_text().strip()


def open_page(page, base: str, path: str) -> None:
    """Open a lesson by URL and wait until it is drawn: every lesson draws its "From the notes"
    box near the end, so once that is there, the pictures and numbers above it are too."""
    page.goto(f"{base}/{path}")
    wait_for_app(page)
    page.locator("h1").first.wait_for()
    page.locator(".st-key-lesson-notes").wait_for()
    assert page.locator("[data-testid=stException]").count() == 0


def press_on_slider(page, index: int, key: str, times: int = 1) -> None:
    thumb = page.locator("[data-testid=stSlider] input[type=range]").nth(index)
    for _ in range(times):
        thumb.focus()
        thumb.press(key)
        page.wait_for_timeout(500)  # the slider commits shortly after the key
        wait_for_app(page)


def expect_code(page, text: str) -> None:
    """A code block (e.g. PyTorch's own error message) containing ``text`` is on the page;
    waits for it, as the page may still be drawing."""
    expect(page.locator("[data-testid=stCode]", has_text=text).first).to_be_visible()

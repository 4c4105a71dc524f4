"""Helpers for browser tests: read what a page shows, move its controls like a person would."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import rerun_after, wait_for_app


def metric_value(page, label):
    """The value (a locator) of the labelled number whose label is ``label`` (a string: the
    label contains it; a regex: it matches) in the page's metric rows (panels.metric_row)."""
    box = page.locator(".lesson-metrics > div").filter(has=page.locator("dt", has_text=label))
    return box.locator("dd").first


def metric(page, label: str) -> str:
    """The value of the labelled number whose label contains ``label``."""
    return metric_value(page, label).inner_text().strip()


def open_page(page, base: str, path: str) -> None:
    """Open a lesson by URL and wait until it is drawn: every lesson draws its "From the notes"
    box near the end, so once that is there, the pictures and numbers above it are too."""
    page.goto(f"{base}/{path}")
    wait_for_app(page)
    page.locator("h1").first.wait_for()
    page.locator(".st-key-lesson-notes").wait_for()
    assert page.locator("[data-testid=stException]").count() == 0


def unfold(page, title: str) -> None:
    """Open the folded part (an expander closed until a student opens it) whose title contains
    ``title``, and wait until the run its opening starts has drawn it."""
    summary = page.locator("[data-testid=stExpander] summary", has_text=title).first
    rerun_after(page, summary.click)


def press_on_slider(page, index: int, key: str, times: int = 1) -> None:
    """Press ``key`` on the index-th slider, ``times`` times, each time until the run it starts
    (the slider commits shortly after the key) has finished."""
    thumb = page.locator("[data-testid=stSlider] input[type=range]").nth(index)
    for _ in range(times):
        thumb.focus()
        rerun_after(page, lambda: thumb.press(key))


def expect_code(page, text: str) -> None:
    """A code block (e.g. PyTorch's own error message) containing ``text`` is on the page;
    waits for it, as the page may still be drawing."""
    expect(page.locator("[data-testid=stCode]", has_text=text).first).to_be_visible()


def assert_picture_on_first_screen(page) -> None:
    """What a class should see, the lesson's first chart, is whole on the first screen (the
    viewport, without scrolling)."""
    size = page.viewport_size
    chart = page.locator(".st-key-lesson-picture [data-testid=stVegaLiteChart]").first
    chart.locator("svg.marks").wait_for()
    box = chart.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (page.url, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (page.url, box)


def answer_check(page, answer: str) -> None:
    """Answer "Check yourself" by picking the option labelled ``answer``, as a student would;
    waits for PyTorch's verdict ("Right"). The numbers that answer the check show only after
    that."""
    check = page.locator("[data-testid=stRadio]").filter(has_text="Check yourself")
    option = check.locator("[role=radiogroup] label").filter(has_text=answer).first
    rerun_after(page, option.click)
    expect(page.locator("[data-testid=stAlertContentSuccess]").first).to_be_visible()

"""The tensors page in real Chromium: open states by URL, read the numbers, move the element
slider with the keyboard, see PyTorch's error as text, and save screenshots to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import expect_code, metric, open_page, press_on_slider
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_tensors_default_view_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, "tensors?shape=2,3,4&view=4,6&at=8")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for()
    assert metric(page, "t.stride()") == "(12, 4, 1)"  # suffix products of (2, 3, 4)
    assert metric(page, "v.stride()") == "(6, 1)"
    assert metric(page, "reshape copied") == "False"
    assert metric(page, "element's storage index") == "8"  # v[1, 2]: 1 * 6 + 2 * 1
    assert metric(page, "x changed") == "True"
    storage = page.locator("[role=graphics-document][aria-label*='storage cells of x']")
    expect(storage).to_have_count(1)  # the storage row, with its alt text
    screenshot(page, "tensors")
    press_on_slider(page, 0, "ArrowRight", times=3)  # element 8 -> 11: v[1, 5]
    assert metric(page, "element's storage index") == "11"
    assert re.search(r"[?&]at=11(&|$)", page.url), page.url
    pills = page.locator("[data-testid=stButtonGroup] button")
    pills.filter(has_text="view(3, 8)").click()  # a suggested target shape
    wait_for_app(page)
    assert metric(page, "v.stride()") == "(8, 1)"
    assert metric(page, "element's storage index") == "11"  # v[1, 3]: 1 * 8 + 3 * 1
    assert re.search(r"[?&]view=3(%2C|,)8(&|$)", page.url), page.url


def test_tensors_transpose_shows_the_real_error_and_a_copy(page, app_url):
    open_page(page, app_url, "tensors?shape=2,3,4&view=4,6&transpose=0,1&at=8")
    assert metric(page, "t.stride()") == "(4, 12, 1)"  # strides of dims 0 and 1 swapped
    assert metric(page, "t.is_contiguous()") == "False"
    assert metric(page, "v.stride()") == "RuntimeError"
    assert metric(page, "reshape copied") == "True"
    assert metric(page, "x changed") == "False"
    expect_code(page, "view size is not compatible with input tensor's size and stride")
    assert page.locator("[data-testid=stException]").count() == 0
    screenshot(page, "tensors_transpose")
    press_on_slider(page, 0, "ArrowLeft", times=2)  # element 8 -> 6 of the copy r: r[1, 0]
    assert metric(page, "element's storage index") == "6"
    assert re.search(r"[?&]at=6(&|$)", page.url), page.url


def test_tensors_bad_link_shows_notices_and_pytorchs_message(page, app_url):
    open_page(page, app_url, "tensors?shape=2,30&view=4,5&transpose=%3Cb%3Ebold&value=nan")
    notices = page.locator("[data-testid=stAlertContentWarning]")
    expect(notices).to_have_count(4)
    assert page.locator("b", has_text="bold").count() == 0  # user text is never HTML
    expect_code(page, "shape '[4, 5]' is invalid for input of size 24")
    assert metric(page, "v.stride()") == "(1,)"  # the fallback view(-1)
    screenshot(page, "tensors_bad_url")


def test_tensors_storage_wraps_on_a_phone(browser, app_url):
    """On a 390 px phone the storage strip wraps into rows of cells wide enough to read (one
    row of 24 made each cell 14 px wide); on a laptop it stays one row."""
    for width, rows in ((390, 2), (1280, 1)):
        page = browser.new_page(viewport={"width": width, "height": 844})
        try:
            open_page(page, app_url, "tensors?shape=2,3,4&view=4,6&at=8")
            chart = page.locator("[data-testid=stVegaLiteChart][aria-label*='storage cells of x']")
            cells = chart.locator("g.mark-rect path")
            expect(cells).to_have_count(25)  # 24 cells and the written one's outline
            # Vega may draw at a first width and then at the container's: wait for the rows.
            page.wait_for_function(
                """([chart, rows]) => new Set(
                    [...chart.querySelectorAll('g.mark-rect path')].slice(0, 24)
                        .map(p => Math.round(p.getBoundingClientRect().y))
                ).size === rows""",
                arg=[chart.element_handle(), rows],
                timeout=15_000,
            )
            # Measured in one go, relative to the chart: the page may still move under it.
            boxes = chart.evaluate(
                """chart => {
                    const edge = chart.getBoundingClientRect();
                    return [...chart.querySelectorAll('g.mark-rect path')].slice(0, 24)
                        .map(p => p.getBoundingClientRect())
                        .map(b => ({x: b.x - edge.x, y: b.y - edge.y, right: b.right - edge.x,
                                    width: b.width, chart: edge.width}));
                }"""
            )
            assert min(b["width"] for b in boxes) >= 20, boxes
            assert len({round(b["y"]) for b in boxes}) == rows, boxes
            assert max(b["right"] for b in boxes) <= boxes[0]["chart"] + 1, boxes
        finally:
            page.close()

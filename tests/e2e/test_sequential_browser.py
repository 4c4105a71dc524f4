"""The sequential lesson in Chromium: shapes from a link, the size slider by keyboard, PyTorch's
own error for a Linear that does not fit and its one-click fix, and removing a layer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import metric, metric_value, open_page, press_on_slider, unfold
from tests.e2e.conftest import rerun_after, screenshot

pytestmark = pytest.mark.e2e

NOTES = "conv:20:5,relu,conv:64:5,relu"


def out_size(n: int, k: int) -> int:
    return n - k + 1


def test_sequential_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, f"sequential?size=28&batch=2&layers={NOTES}")
    unfold(page, "Layer by layer")  # the table is a folded part
    page.locator("[data-testid=stTable]").first.wait_for()
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for()
    assert metric(page, "input") == "(2, 1, 28, 28)"
    assert metric(page, "output shape") == "(2, 64, 20, 20)"
    assert metric(page, "total params") == f"{20 * 1 * 5 * 5 + 20 + 64 * 20 * 5 * 5 + 64:,}"
    screenshot(page, "sequential")

    press_on_slider(page, 0, "ArrowRight", times=1)  # size: 28 -> 29
    side = out_size(out_size(29, 5), 5)
    # Retried until the run the key started has drawn (one CI run read it while the page was
    # still redrawing and saw a stale "—").
    expect(metric_value(page, "output shape")).to_have_text(f"(2, 64, {side}, {side})")
    assert re.search(r"[?&]size=29(&|$)", page.url), page.url
    charts = page.locator("[role=graphics-document][aria-label*='parameters of each layer']")
    expect(charts).to_have_count(1)  # the parameters chart, with its alt text


def test_sequential_error_and_fix_in_browser(page, app_url):
    open_page(page, app_url, f"sequential?layers={NOTES},flatten,linear:100:10")
    error = page.locator("[data-testid=stCode]", has_text="mat1 and mat2")
    error.first.wait_for()
    assert "(1x25600 and 100x10)" in error.first.inner_text()
    assert metric(page, "output shape") == "—"
    assert page.locator("[data-testid=stException]").count() == 0
    screenshot(page, "sequential_error")

    fix = page.get_by_role("button", name="Set linear1.in_features = 25600")
    rerun_after(page, fix.click)
    assert metric(page, "output shape") == "(1, 10)"
    assert "linear%3A25600%3A10" in page.url or "linear:25600:10" in page.url, page.url


def test_sequential_remove_a_layer(page, app_url):
    open_page(page, app_url, f"sequential?layers={NOTES}")
    # The layer editor is under "More settings" (the lede names it too).
    page.locator("[data-testid=stExpander] summary", has_text="More settings").click()
    group = page.locator("[data-testid=stButtonGroup]").filter(
        has=page.get_by_text("Move or remove relu1")
    )
    rerun_after(page, group.locator("button").last.click)  # ↑ then ✕: the last one removes
    assert re.search(r"layers=conv(:|%3A)20(:|%3A)5(,|%2C)conv", page.url), page.url
    assert metric(page, "output shape") == "(1, 64, 20, 20)"  # ReLU changes no shape


def test_sequential_bad_link_shows_notices(page, app_url):
    open_page(page, app_url, "sequential?size=abc&layers=conv:20:5,%3Cb%3Ebold,relu")
    notices = page.locator("[data-testid=stAlertContentWarning]")
    expect(notices).to_have_count(2)
    assert page.locator("b", has_text="bold").count() == 0  # user text is never HTML
    assert metric(page, "output shape") == "(1, 20, 24, 24)"
    screenshot(page, "sequential_bad_url")

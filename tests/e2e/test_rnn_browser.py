"""The rnn page in real Chromium: open by URL, read the numbers, move a slider, flip batch_first."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import metric, open_page, press_on_slider, unfold
from tests.e2e.conftest import rerun_after, screenshot

pytestmark = pytest.mark.e2e

# Sliders in page order: the main controls hidden_size, steps, freq, t, unit; then those under
# "More settings" (input_size, batch).
HIDDEN_SLIDER = 0


def lstm_count(i: int, h: int) -> int:
    return 4 * (h * (i + h) + 2 * h)


def test_rnn_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, "rnn?cell=lstm&input=2&hidden=3&steps=6&seed=1")
    assert metric(page, "parameters") == str(lstm_count(2, 3))
    assert metric(page, "output.shape") == "(6, 1, 3)"
    assert metric(page, "c_n.shape") == "(1, 1, 3)"
    # Charts draw after the script finishes: wait for the last of the four gate heatmaps.
    page.locator("[role=graphics-document][aria-label*='LSTM gate']").nth(3).wait_for()
    charts = page.locator("[role=graphics-document]")
    labels = [charts.nth(i).get_attribute("aria-label") or "" for i in range(charts.count())]
    assert any("hidden state h_t" in label for label in labels)
    assert sum("LSTM gate" in label for label in labels) == 4  # i, f, g, o
    screenshot(page, "rnn")

    press_on_slider(page, HIDDEN_SLIDER, "ArrowRight")  # hidden_size: 3 -> 4
    assert metric(page, "parameters") == str(lstm_count(2, 4))
    assert metric(page, "h_n.shape") == "(1, 1, 4)"
    assert re.search(r"[?&]hidden=4(&|$)", page.url), page.url


def test_rnn_batch_first_toggle(page, app_url):
    open_page(page, app_url, "rnn?steps=7&batch=3&hidden=2")
    assert metric(page, "output.shape") == "(7, 3, 2)"
    page.get_by_text("More settings").click()  # the layer's options
    toggle = page.get_by_text("batch_first=True", exact=True).first  # the toggle's label
    rerun_after(page, toggle.click)
    assert metric(page, "output.shape") == "(3, 7, 2)"
    assert metric(page, "h_n.shape") == "(1, 3, 2)"  # never batch first
    assert re.search(r"[?&]batch_first=1(&|$)", page.url), page.url
    unfold(page, "Shapes, and batch_first")  # the h0 slip is in this folded part
    expect(page.locator("[data-testid=stCode]", has_text="RuntimeError")).to_have_count(1)


def test_rnn_largest_state(page, app_url):
    open_page(
        page,
        app_url,
        "rnn?cell=lstm&kind=onehot&input=8&hidden=16&steps=40&batch=4&t=39&unit=15&batch_first=1",
    )
    assert metric(page, "parameters") == str(lstm_count(8, 16))
    assert metric(page, "output.shape") == "(4, 40, 16)"
    assert page.locator("[data-testid=stException]").count() == 0
    screenshot(page, "rnn_largest")


def test_rnn_bad_url_values_show_notices(page, app_url):
    open_page(page, app_url, "rnn?cell=gru&steps=5&t=99&hidden=%3Cb%3Ebold%3C/b%3E")
    notices = page.locator("[data-testid=stAlertContentWarning]")
    expect(notices).to_have_count(3)  # cell, hidden, t
    assert page.locator("b", has_text="bold").count() == 0  # user text is never HTML
    assert metric(page, "parameters") == str(4 * (1 + 4) + 8)  # rnn, input 1, hidden 4
    assert re.search(r"[?&]t=4(&|$)", page.url), page.url
    screenshot(page, "rnn_bad_url")

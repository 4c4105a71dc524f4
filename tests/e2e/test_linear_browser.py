"""The linear page in real Chromium: open by URL, check the numbers against hand loops over the
seeded weights, move an input slider with the keyboard, and look at the grid picture."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lib.lessons._format import num
from lib.lessons.linear import compute as linear
from tests.e2e.browser import answer_check, expect_code, metric, open_page, press_on_slider, unfold
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def hand_y(n_in: int, n_out: int, bias: bool, seed: int, x) -> list[str]:
    """y_j = sum_i W[j][i] x_i + b_j by hand over the seeded weights, as the page prints it."""
    layer = linear.make_layer(n_in, n_out, bias, seed)
    weight = layer.weight.tolist()
    b = layer.bias.tolist() if bias else [0.0] * n_out
    return [num(sum(weight[j][i] * x[i] for i in range(n_in)) + b[j]) for j in range(n_out)]


def close(shown: str, expected: str) -> bool:
    """Equal to the last printed digit (the page's float32 sum may round the other way)."""
    return abs(float(shown) - float(expected)) <= 1.5e-4


def test_linear_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, "linear?in=2&out=2&seed=3&x=1,0.5")
    assert metric(page, "weight.shape") == "(2, 2)"
    assert metric(page, "parameters") == "?"  # the check asks for it: hidden until answered
    answer_check(page, "6")
    assert metric(page, "parameters") == "6"
    for j, expected in enumerate(hand_y(2, 2, True, 3, (1.0, 0.5))):
        assert close(metric(page, f"y[{j}]"), expected)
    grid = page.locator("[role=graphics-document][aria-label*='unit-square grid']")
    grid.wait_for()
    layer = page.locator("[role=graphics-document][aria-label*='Heatmaps of the layer']")
    expect(layer).to_have_count(1)
    screenshot(page, "linear")

    # Sliders: in_features, out_features, then x[0], x[1]. x[0]: 1.0 -> 1.5.
    press_on_slider(page, 2, "ArrowRight", times=5)
    assert re.search(r"[?&]x=1\.5(%2C|,)0\.5(&|$)", page.url), page.url
    for j, expected in enumerate(hand_y(2, 2, True, 3, (1.5, 0.5))):
        assert close(metric(page, f"y[{j}]"), expected)


def test_linear_more_outputs_by_keyboard(page, app_url):
    open_page(page, app_url, "linear?in=3&out=2&seed=8&x=0.5,-1,2")
    answer_check(page, "(2, 3)")
    assert metric(page, "weight.shape") == "(2, 3)"
    assert page.locator("[role=graphics-document][aria-label*='unit-square grid']").count() == 0
    press_on_slider(page, 1, "ArrowRight", times=2)  # out_features: 2 -> 4
    assert re.search(r"[?&]out=4(&|$)", page.url), page.url
    answer_check(page, "(4, 3)")  # a new shape, a new question
    assert metric(page, "weight.shape") == "(4, 3)"
    assert metric(page, "parameters") == str(3 * 4 + 4)
    for j, expected in enumerate(hand_y(3, 4, True, 8, (0.5, -1.0, 2.0))):
        assert close(metric(page, f"y[{j}]"), expected)
    # The real error of x @ weight (no transpose) is on the page, as text, in a folded part.
    unfold(page, "The same layer, four ways")
    expect_code(page, "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x3)")


def test_linear_largest_and_bad_url(page, app_url):
    open_page(page, app_url, "linear?in=99&out=8&bias=maybe&x=1,%3Cb%3Ebold%3C/b%3E&seed=5")
    notices = page.locator("[data-testid=stAlertContentWarning]")
    notices.nth(2).wait_for()  # at least 3
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("b", has_text="bold").count() == 0  # user text is never HTML
    wait_for_app(page)
    answer_check(page, "72")
    assert metric(page, "weight.shape") == "(8, 8)"
    assert metric(page, "parameters") == "72"
    screenshot(page, "linear_bad_url_8x8")


def test_linear_on_a_phone(browser, app_url):
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        open_page(phone, app_url, "linear")
        phone.locator("[role=graphics-document][aria-label*='unit-square grid']").wait_for()
        answer_check(phone, "6")
        assert metric(phone, "parameters") == "6"
        screenshot(phone, "linear_phone")
    finally:
        phone.close()

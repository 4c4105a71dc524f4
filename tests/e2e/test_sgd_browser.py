"""The sgd page in real Chromium: open by URL, step through a run with the keyboard and the Step
button, move the learning rate, and see a divergence and PyTorch's Nesterov error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import metric, open_page, press_on_slider
from tests.e2e.conftest import rerun_after, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# Sliders in page order: the main controls lr (a select_slider), momentum, steps to run, steps
# shown; then those under "More settings" (cond, x0, y0, dampening, weight_decay).
LR, SHOWN = 1, 3  # the sliders in page order: steps, lr, momentum, steps shown


def heavy_ball(steps, a=10.0, lr=0.15, momentum=0.5, x=-1.8, y=1.6):
    """SGD with momentum on the bowl (a x^2 + y^2)/2, by hand: b = g first, then mu b + g."""
    bx = by = None
    for _ in range(steps):
        gx, gy = a * x, y
        bx, by = (gx, gy) if bx is None else (momentum * bx + gx, momentum * by + gy)
        x, y = x - lr * bx, y - lr * by
    return x, y


def step_button(page):
    """The Step button of Start / Step / All (its text also holds the icon's name)."""
    return page.locator("[data-testid=stButtonGroup] button", has_text=re.compile(r"Step$"))


def shown_point(page) -> tuple[float, float]:
    return float(metric(page, "x")), float(metric(page, "y"))


def test_sgd_by_url_keyboard_and_step_button(page, app_url):
    open_page(page, app_url, "sgd?show=3")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for()
    assert metric(page, "steps taken") == "3"
    assert shown_point(page) == pytest.approx(heavy_ball(3), rel=6e-4, abs=1.5e-4)
    heatmap = page.locator("[role=graphics-document][aria-label*='bowl loss surface']")
    expect(heatmap).to_have_count(1)  # the surface picture, with its alt text
    screenshot(page, "sgd")

    press_on_slider(page, SHOWN, "ArrowRight")  # steps shown: 3 -> 4
    assert metric(page, "steps taken") == "4"
    assert shown_point(page) == pytest.approx(heavy_ball(4), rel=6e-4, abs=1.5e-4)
    assert re.search(r"[?&]show=4(&|$)", page.url), page.url

    rerun_after(page, step_button(page).click)
    assert metric(page, "steps taken") == "5"
    assert shown_point(page) == pytest.approx(heavy_ball(5), rel=6e-4, abs=1.5e-4)
    assert re.search(r"[?&]show=5(&|$)", page.url), page.url


def test_sgd_learning_rate_slider(page, app_url):
    open_page(page, app_url, "sgd?momentum=0&cond=4&steps=10")
    press_on_slider(page, LR, "ArrowRight")  # lr: 0.15 -> 0.18, the next value offered
    assert re.search(r"[?&]lr=0\.18(&|$)", page.url), page.url
    # Plain gradient descent: x_10 = (1 - 0.18 * 4)^10 x0, y_10 = (1 - 0.18)^10 y0.
    assert shown_point(page) == pytest.approx(
        (-1.8 * 0.28**10, 1.6 * 0.82**10), rel=6e-4, abs=1.5e-4
    )


def test_sgd_divergence_in_the_browser(page, app_url):
    open_page(page, app_url, "sgd?lr=0.21&momentum=0&steps=200")
    assert metric(page, "steps taken") == "34"
    assert "diverged" in page.locator("[data-testid=stAlertContentInfo]").first.inner_text()
    step_button(page).click()  # a stopped run has no next step: nothing changes
    wait_for_app(page)
    assert metric(page, "steps taken") == "34"
    screenshot(page, "sgd_diverged")


def test_sgd_nesterov_error_and_bad_link(page, app_url):
    open_page(page, app_url, "sgd?nesterov=1&momentum=0&lr=%3Cb%3Ebold&steps=999")
    expect(page.locator("[data-testid=stAlertContentWarning]")).to_have_count(2)  # lr and steps
    assert page.locator("b", has_text="bold").count() == 0  # user text is never HTML
    code = page.locator("[data-testid=stCode]", has_text="ValueError").first.inner_text()
    assert "Nesterov momentum requires a momentum and zero dampening" in code
    assert page.locator("[data-testid=stException]").count() == 0
    screenshot(page, "sgd_nesterov_error")


def test_a_click_on_the_surface_starts_the_run_there(page, app_url):
    open_page(page, app_url, "sgd?x0=-1.8&y0=1.6")
    chart = page.locator(".st-key-lesson-picture [data-testid=stVegaLiteChart]").first
    # The cell [1, 1.1] x [-1, -0.9] (Vega names each cell by its corners); its centre, on the
    # start sliders' 0.1 grid, becomes the start.
    cell = chart.locator("path[role=graphics-symbol][aria-label^='x: 1; y: −1; x1: 1.1;']")
    rerun_after(page, lambda: cell.click(force=True))  # force: the path line may lie on top
    expect(page).to_have_url(re.compile(r"[?&]x0=1\.1&y0=-0\.9(&|$)"))
    assert metric(page, "steps taken") == "30"

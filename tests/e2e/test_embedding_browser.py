"""The embedding page in Chromium: open by URL, read numbers, move a slider, type a sentence."""

from __future__ import annotations

import re

import pytest

from lib.lessons._format import num
from tests.e2e.browser import expect_code, metric, open_page, press_on_slider, unfold
from tests.e2e.conftest import rerun_after, screenshot

pytestmark = pytest.mark.e2e


def test_embedding_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, "embedding?num=8&dim=3&ids=1,1,5&padding_idx=5&seed=4")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for()
    assert metric(page, "parameters") == "24"  # 8 x 3
    assert metric(page, "output.shape") == "(3, 3)"
    assert metric(page, "weight.grad.sum()") == num(2 * 3)  # row 1 twice; padding row 5: 0
    screenshot(page, "embedding")
    press_on_slider(page, 1, "ArrowRight", times=2)  # embedding_dim: 3 -> 5
    assert metric(page, "parameters") == "40"
    assert metric(page, "output.shape") == "(3, 5)"
    assert metric(page, "weight.grad.sum()") == num(2 * 5)
    assert re.search(r"[?&]dim=5(&|$)", page.url), page.url
    table = page.locator("[role=graphics-document][aria-label*='embedding table']")
    table.nth(0).wait_for()  # at least 1  # the heatmap, with its alt text


def test_embedding_sentence_sets_the_indices(page, app_url):
    open_page(page, app_url, "embedding")
    box = page.get_by_role("textbox", name="…or a short sentence")
    box.fill("the dog ran to the cat")
    rerun_after(page, lambda: box.press("Enter"))
    assert re.search(r"[?&]ids=2(%2C|,)8(%2C|,)9(%2C|,)1(%2C|,)2(%2C|,)3(&|$)", page.url), page.url
    assert metric(page, "output.shape") == "(6, 4)"


def test_embedding_max_norm_and_sparse_error(page, app_url):
    open_page(page, app_url, "embedding?max_norm=1&sparse=1&scale_grad=1&loss=weighted")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for()
    assert metric(page, "weight.grad.sum()") == "None"
    expect_code(page, "scale_grad_by_freq not supported with sparse gradients")
    unfold(page, "Indices must be integers")  # a folded part
    expect_code(page, "Long, Int")  # the float-index error, as text
    assert page.locator("[data-testid=stException]").count() == 0
    screenshot(page, "embedding_max_norm_sparse_error")


def test_embedding_bad_url_values(page, app_url):
    open_page(page, app_url, "embedding?num=abc&ids=1,99,x&text=%3Cb%3Ebold%3C/b%3E&padding_idx=77")
    notices = page.locator("[data-testid=stAlertContentWarning]")
    notices.nth(2).wait_for()  # at least 3
    assert page.locator("b", has_text="bold").count() == 0  # user text is never HTML
    assert page.locator("[data-testid=stException]").count() == 0
    screenshot(page, "embedding_bad_url")

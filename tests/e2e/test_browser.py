"""Real Chromium against a real `streamlit run`: open pages by URL, read the numbers, move sliders
with the keyboard, and save screenshots to tests/e2e/screenshots/ (git-ignored) to look at."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import expect

from lib.lessons import LESSONS
from lib.lessons._format import num
from tests.e2e.browser import answer_check, metric, open_page, press_on_slider, unfold
from tests.e2e.conftest import rerun_after, screenshot, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.e2e


def test_first_request_deep_link_gets_the_app_frame(browser):
    """A shared link that is the server's very first request still runs through st.navigation
    (sections in the sidebar), not Streamlit's old pages-folder mode."""
    server, base = start_server()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        open_page(page, base, "dropout?p=0.25&seed=9")
        nav = page.locator("[data-testid=stSidebarNav]")
        assert "torch.nn" in nav.inner_text()  # our section name, not a file listing
        assert "streamlit app" not in nav.inner_text().lower()
        answer_check(page, num(1 / 0.75))
        assert metric(page, "kept units") == num(1 / 0.75)
        page.close()
    finally:
        stop_server(server)


def test_home_links_to_every_lesson(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    links = page.locator("[data-testid=stPageLink] a")
    expect(links).to_have_count(len(LESSONS))  # the cards are still being drawn at first
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs] == [lesson.path for lesson in LESSONS]
    screenshot(page, "home")


def test_autograd_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, "autograd?w=1.5&x=-2&b=0.5")
    assert metric(page, "y") == num(1.5 * -2 + 0.5)
    assert metric(page, "w.grad") == num(-2)
    screenshot(page, "autograd")
    press_on_slider(page, 0, "ArrowRight", times=2)  # w: 1.5 -> 1.7
    assert metric(page, "x.grad") == num(1.7)
    assert metric(page, "y") == num(1.7 * -2 + 0.5)
    assert re.search(r"[?&]w=1\.7(&|$)", page.url), page.url
    graph = page.locator("[data-testid=stGraphVizChart][aria-label*='computation graph']")
    expect(graph).to_have_count(1)  # the graph drawing (Graphviz), with its alt text
    expect(graph.locator("svg")).to_contain_text(f"grad {num(1.7)}")  # x.grad = w, in x's box


def test_autograd_backward_again_in_browser(page, app_url):
    open_page(page, app_url, "autograd")
    unfold(page, ".grad adds up")  # a folded part: closed until the student opens it
    rerun_after(page, page.get_by_role("button", name="backward() again").click)
    page.locator("[data-testid=stTable]").first.wait_for()


def test_activations_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, "activations?fn=sigmoid,tanh&x=1&lo=-4&hi=4")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for()
    unfold(page, "At the probe x")  # the table is a folded part
    page.locator("[data-testid=stTable]").first.wait_for()
    screenshot(page, "activations")
    press_on_slider(page, 2, "ArrowRight", times=5)  # probe x (after the 2-thumb range): 1 -> 1.5
    assert re.search(r"[?&]x=1\.5(&|$)", page.url), page.url
    sig = 1 / (1 + math.exp(-1.5))
    expect(page.locator(".katex", has_text=num(sig)).first).to_be_visible()


def test_dropout_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, "dropout?p=0.5&seed=3")
    first = metric(page, "sum(y)")
    assert metric(page, "kept units") == "?"  # the check asks for it: hidden until answered
    answer_check(page, "2")
    assert metric(page, "kept units") == "2"
    screenshot(page, "dropout")
    press_on_slider(page, 0, "ArrowRight", times=1)  # p: 0.5 -> 0.55
    answer_check(page, num(1 / 0.45))  # a new p, a new question
    assert metric(page, "kept units") == num(1 / 0.45)
    assert metric(page, "sum(y)") != first
    assert re.search(r"[?&]p=0\.55(&|$)", page.url), page.url


def test_dropout_same_seed_same_mask_for_two_visitors(browser, app_url):
    pages = [browser.new_page(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    try:
        open_page(pages[0], app_url, "dropout?p=0.5&seed=77")
        open_page(pages[1], app_url, "dropout?p=0.5&seed=12")  # someone else draws meanwhile
        press_on_slider(pages[1], 0, "ArrowLeft", times=1)
        open_page(pages[1], app_url, "dropout?p=0.5&seed=77")
        assert metric(pages[0], "sum(y)") == metric(pages[1], "sum(y)")
        assert metric(pages[0], "kept") == metric(pages[1], "kept")
    finally:
        for p in pages:
            p.close()


def test_cross_entropy_by_url_and_keyboard(page, app_url):
    open_page(page, app_url, "cross_entropy?logits=2,1,0.1&target=0")
    z = [2.0, 1.0, 0.1]
    p0 = math.exp(2) / sum(math.exp(v) for v in z)
    assert metric(page, "loss") == num(-math.log(p0))
    screenshot(page, "cross_entropy")
    press_on_slider(page, 0, "ArrowRight", times=5)  # z[0]: 2.0 -> 2.5
    z[0] = 2.5
    p0 = math.exp(2.5) / sum(math.exp(v) for v in z)
    assert metric(page, "loss") == num(-math.log(p0))
    assert re.search(r"[?&]logits=2\.5%2C1%2C0\.1(&|$)|[?&]logits=2\.5,1,0\.1(&|$)", page.url)


def test_bad_url_values_show_a_notice_not_an_error(page, app_url):
    open_page(page, app_url, "cross_entropy?logits=1,x,3&target=9&reduction=%3Cb%3Ebold")
    notices = page.locator("[data-testid=stAlertContentWarning]")
    notices.nth(2).wait_for()  # at least 3
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("b", has_text="bold").count() == 0  # user text is never HTML
    screenshot(page, "cross_entropy_bad_url")


def test_mistake_switch(page, app_url):
    open_page(page, app_url, "cross_entropy?mistake=1")
    z = [2.0, 1.0, 0.1]
    p = [math.exp(v) / sum(math.exp(u) for u in z) for v in z]
    q0 = math.exp(p[0]) / sum(math.exp(v) for v in p)
    assert metric(page, "loss") == num(-math.log(q0))
    screenshot(page, "cross_entropy_mistake")


def test_cross_entropy_a_click_on_a_class_bar_makes_it_the_target(page, app_url):
    open_page(page, app_url, "cross_entropy?logits=2,1,0.1&target=0")
    chart = page.locator(".st-key-lesson-picture [data-testid=stVegaLiteChart]").first
    bar = chart.locator("path[role=graphics-symbol][aria-label^='class: 2;']")
    rerun_after(page, bar.click)
    expect(page).to_have_url(re.compile(r"[?&]target=2(&|$)"))
    assert metric(page, "softmax[2]") == num(math.exp(0.1) / sum(map(math.exp, (2, 1, 0.1))))

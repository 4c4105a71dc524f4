"""Every lesson in both languages, in presenter mode, and on a phone-sized screen (screenshots
in tests/e2e/screenshots/), plus the presenter's QR code read back from the screen."""

from __future__ import annotations

import io
import time

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from lib.lessons import LESSONS
from tests.e2e.browser import assert_picture_on_first_screen, open_page
from tests.e2e.conftest import rerun_after, screenshot

pytestmark = pytest.mark.e2e
PAGES = [lesson.path for lesson in LESSONS]


def no_errors(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stAlertContentError]").count() == 0


@pytest.mark.parametrize("query", ["", "?present=1"])
@pytest.mark.parametrize("name", PAGES)
def test_every_lesson_on_a_phone(browser, app_url, name, query):
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        open_page(phone, app_url, name + query)
        no_errors(phone)
        # The frame's styles (lib/view/frame.py) come with the sidebar, at times a moment after
        # the lesson: measured before them, a formula is at its desktop size.
        phone.wait_for_function(
            """present => [...document.querySelectorAll('style')]
                 .some(s => s.textContent.includes('.katex-display .vlist-t2'))
               && (!present || getComputedStyle(document.documentElement).fontSize === '20px')""",
            arg=bool(query),
        )
        # Nothing wider than the screen: the page never scrolls sideways.
        overflow = phone.evaluate(
            "document.querySelector('[data-testid=stMain]').scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, f"{name} is {overflow}px wider than a 390px phone"
        # No chart is cut at its box's edge (sgd's 440 px surface was, when presenting).
        phone.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
                 .every(c => c.querySelector('svg.marks'))"""
        )
        cut = phone.evaluate(
            """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
                 .map(c => [c.getBoundingClientRect(), c.querySelector('svg.marks')])
                 .filter(([box, svg]) => svg && svg.getBoundingClientRect().right > box.right + 1)
                 .map(([box, svg]) => svg.getAttribute('aria-label'))"""
        )
        assert not cut, f"charts cut on a phone: {cut}"
        # No formula wider than its box (measured in KaTeX's own fonts): the box would scroll,
        # and the numbers at the right end, the results, would be cut off at the screen's edge.
        wide = phone.evaluate(
            """async () => {
                 await document.fonts.ready;
                 return [...document.querySelectorAll('.katex-display')]
                   .filter(d => d.scrollWidth > d.clientWidth + 1)
                   .map(d => `${d.scrollWidth} > ${d.clientWidth}: ${d.textContent.slice(0, 60)}`);
               }"""
        )
        assert not wide, f"{name}{query}: formulas wider than a 390px phone: {wide}"
        screenshot(phone, f"{name}_phone{'_presenter' if query else ''}")
    finally:
        phone.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_lesson_in_presenter_mode(browser, app_url, name):
    """On a 1920x1080 projector: the picture on the first screen, and the QR code the teacher
    opens for the class."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        presenting(page, app_url, name)
    finally:
        page.close()


def presenting(page, app_url: str, name: str) -> None:
    open_page(page, app_url, f"{name}?present=1&lang=zh")
    no_errors(page)
    assert_picture_on_first_screen(page)
    screenshot(page, f"{name}_presenter_zh")  # the picture, with the QR panel closed
    page.get_by_text("学生：扫码打开本页").click()  # the teacher opens it when the class needs it
    qr = page.get_by_role("img", name="二维码")  # its alt text, in the page's language
    expect(qr).to_have_count(1)  # retries: the image arrives with the lesson's fragment
    link = read_qr(qr)
    assert link.startswith(f"{app_url}/{name}?") and "lang=zh" in link


def read_qr(qr, containing: str = "", timeout: float = 15.0) -> str:
    """The link a QR code image holds, read off the screen: retried until the image has loaded,
    the panel that holds it has finished opening (one shot can catch it mid-animation) and, after
    a move, the new code holds ``containing``."""
    deadline = time.monotonic() + timeout
    while True:
        qr.evaluate("img => img.decode()")  # resolves once the image is ready to draw
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
        done = len(decoded) == 1 and containing in decoded[0].text
        if done or time.monotonic() > deadline:
            assert done, [d.text for d in decoded]
            return decoded[0].text
        qr.page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")


def font_size(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def test_presenter_mode_type_is_larger_and_its_qr_code_opens_this_state(page, app_url):
    open_page(page, app_url, "dropout?p=0.3&seed=5")
    normal = font_size(page, "[data-testid=stMarkdownContainer] p")
    open_page(page, app_url, "dropout?p=0.3&seed=5&present=1")
    assert font_size(page, "[data-testid=stMarkdownContainer] p") >= 1.25 * normal
    page.get_by_text("Students: scan this page's QR code").click()
    qr = page.get_by_role("img", name="QR code of the link")
    link = read_qr(qr)
    assert link.startswith(app_url + "/dropout?")
    assert "p=0.3" in link and "seed=5" in link and "present" not in link
    screenshot(page, "dropout_presenter")

    # The code follows the state: move p, and the QR code changes with it.
    thumb = page.locator("[data-testid=stSlider] input[type=range]").first
    thumb.focus()
    rerun_after(page, lambda: thumb.press("ArrowRight"))
    assert "p=0.35" in read_qr(qr, containing="p=0.35")


def test_a_locked_link_opens_read_only(page, app_url):
    open_page(page, app_url, "autograd?w=1.5&lock=1&hide=b")
    expect(page.locator("[data-testid=stSlider]")).to_have_count(2)  # w and x; b is hidden
    expect(page.locator("[data-testid=stSlider] input[type=range][disabled]")).to_have_count(2)
    screenshot(page, "autograd_locked")

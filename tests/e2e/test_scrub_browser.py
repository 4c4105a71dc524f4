"""Scrub mode in real Chromium (issue 8): the chart's own range input moves the picture and its
numbers with no script run and no message to the server, and the numbers it shows are PyTorch's
for the value under the pointer (checked against the closed forms)."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import expect

from lib.lessons._format import num
from lib.lessons.dropout import compute as dropout
from tests.e2e.browser import open_page, press_on_slider, unfold
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

# Pages whose scrub chart is a folded part ("Scrub ...", "拖动 ..."), closed until opened.
FOLDED = ("dropout", "cross_entropy")


class Scrubber:
    """A page's scrub chart: its range input (found by its accessible name) and its readout."""

    def __init__(self, page, app_url: str, path: str, label: str):
        self.page = page
        self.sent: list = []  # websocket frames the page sends (BackMsgs: reruns, widget values)
        page.on("websocket", lambda ws: ws.on("framesent", lambda f: self.sent.append(f)))
        open_page(page, app_url, path)  # after the listener: it must see the socket open
        assert self.sent, "no websocket frame seen: the check below would prove nothing"
        if path.split("?")[0] in FOLDED:  # a student opens the part first
            unfold(page, "拖动" if "lang=zh" in path else "Scrub")
        self.input = page.get_by_role("slider", name=label, exact=False).and_(
            page.locator(".vega-bindings input[type=range]")
        )
        expect(self.input).to_have_count(1)
        self.chart = page.locator("[data-testid=stVegaLiteChart]").filter(has=self.input)

    def readout(self) -> list[str]:
        """The lines of the chart's readout (the multi-line text mark that screen readers get)."""
        return self.chart.evaluate(
            """c => [...c.querySelectorAll('text[role=graphics-symbol]')]
                 .filter(t => t.querySelectorAll('tspan').length > 1)
                 .map(t => [...t.querySelectorAll('tspan')].map(s => s.textContent))[0]"""
        )

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.chart.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    def move(self, *, keys: str | None = None, times: int = 1, to: str | None = None) -> None:
        """Scrub with the keyboard (focus, then arrow keys) or set a value as a pointer drag does
        (``fill`` sets the value and fires input), then check that nothing went to the server."""
        self.input.scroll_into_view_if_needed()
        self.page.wait_for_timeout(300)
        sent_before = len(self.sent)
        if to is not None:
            self.input.fill(to)
        else:
            self.input.focus()
            for _ in range(times):
                self.page.keyboard.press(keys)
        self.page.wait_for_timeout(300)
        app = self.page.locator("[data-testid=stApp]")
        assert app.get_attribute("data-test-script-state") == "notRunning"
        assert len(self.sent) == sent_before, "scrubbing sent a message to the server"


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_activations_scrub_moves_the_readout_with_no_rerun(page, app_url):
    scrub = Scrubber(page, app_url, "activations?fn=relu,sigmoid,tanh", "Scrub x here")
    assert scrub.readout()[0] == "x = 0"  # starts at the probe slider's value
    scrub.shot("scrub_activations_before")
    scrub.move(keys="ArrowRight", times=13)  # 0 -> 1.3 by the keyboard
    lines = scrub.readout()
    scrub.shot("scrub_activations_after")
    s = sigmoid(1.3)
    assert lines == [
        f"x = {num(1.3)}",
        f"relu: f(x) = {num(1.3)}, f′(x) = {num(1.0)}",
        f"sigmoid: f(x) = {num(s)}, f′(x) = {num(s * (1 - s))}",
        f"tanh: f(x) = {num(math.tanh(1.3))}, f′(x) = {num(1 - math.tanh(1.3) ** 2)}",
    ]
    scrub.move(to="-2.7")  # as a pointer drag sets it
    assert scrub.readout()[2] == f"sigmoid: f(x) = {num(sigmoid(-2.7))}, f′(x) = " + num(
        sigmoid(-2.7) * (1 - sigmoid(-2.7))
    )
    # the server's probe slider did not move: the URL still says x=0
    assert re.search(r"[?&]x=0(&|$)", page.url), page.url
    # the contrast, which also shows the message check can fail: the page's own probe slider
    # (after the range slider's two thumbs) goes to the server and reruns the script
    sent_before = len(scrub.sent)
    press_on_slider(page, 2, "ArrowRight")
    assert len(scrub.sent) > sent_before
    assert re.search(r"[?&]x=0.1(&|$)", page.url), page.url
    assert scrub.readout()[0] == f"x = {num(0.1)}"  # the scrub restarts at the new probe


def test_cross_entropy_scrub_reads_the_softmax_closed_form(page, app_url):
    scrub = Scrubber(page, app_url, "cross_entropy?logits=1,2,3&target=2", "Scrub z[2] here")
    assert scrub.readout()[0] == f"z[2] = {num(3.0)}"
    scrub.move(keys="ArrowLeft", times=45)  # 3.0 -> -1.5
    z = -1.5
    p = math.exp(z) / (math.exp(1.0) + math.exp(2.0) + math.exp(z))
    assert scrub.readout() == [
        f"z[2] = {num(z)}",
        f"loss = {num(-math.log(p))}",
        f"softmax[2] = {num(p)}",
        f"∂loss/∂z[2] = {num(p - 1)}",
    ]
    scrub.shot("scrub_cross_entropy_after")


def test_dropout_scrub_reads_pytorchs_draw_for_that_p(page, app_url):
    scrub = Scrubber(page, app_url, "dropout?p=0.5&seed=5", "Scrub p here")
    scrub.move(to="0.75")
    draw = dropout.draw(0.75, 5)  # the same call, seed and input as the page's grid row
    kept, x00 = draw.kept_count, draw.input[0, 0].item()
    lines = scrub.readout()
    assert lines[:2] == [f"p = {num(0.75)}", f"kept {kept} of 64, scale 1/(1-p) = {num(4.0)}"]
    survivors = draw.input[draw.kept].sum().item()  # every kept x scaled by 1/(1-p) = 4
    y00 = x00 * 4 if draw.kept[0, 0] else 0.0
    assert lines[2] == f"sum(y) = {num(4 * survivors)}, y[0, 0] = {num(y00)}"
    scrub.shot("scrub_dropout_after")


def test_scrub_in_chinese_on_a_phone_in_presenter_mode(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    try:
        scrub = Scrubber(page, app_url, "cross_entropy?lang=zh&present=1", "在此拖动 z[0]")
        scrub.move(keys="ArrowRight", times=10)  # 2.0 -> 3.0
        p = math.exp(3.0) / (math.exp(3.0) + math.exp(1.0) + math.exp(0.1))
        assert scrub.readout()[1] == f"loss = {num(-math.log(p))}"
        box = scrub.input.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
        scrub.shot("scrub_phone_zh_present")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("dropout?lang=zh&present=1", "在此拖动 p"),
        ("activations?lang=zh&present=1", "在此拖动 x"),
        ("cross_entropy?lang=zh&present=1", "在此拖动 z[0]"),
        ("dropout?lang=en", "Scrub p here"),
    ],
)
def test_scrub_readout_fits_inside_its_chart_on_a_phone(browser, app_url, path, label):
    """The readout's longest line used to run past the chart's right edge on a phone in
    presenter mode (Chinese dropout: "缩放 1/(1-p) = 2.00" cut), and the legend's fourth entry
    was cut (activations); the readout's font now shrinks and the legend wraps to fit."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        scrub = Scrubber(page, app_url, path, label)
        scrub.move(keys="ArrowRight", times=3)
        boxes = scrub.chart.evaluate(
            """c => {
              const text = [...c.querySelectorAll('text[role=graphics-symbol]')]
                .find(t => t.querySelectorAll('tspan').length > 1);
              const r = text.getBoundingClientRect(), s = c.querySelector('svg')
                .getBoundingClientRect(), box = c.getBoundingClientRect();
              const legend = c.querySelector('.role-legend')?.getBoundingClientRect()
                             ?? {left: 0, right: 0, width: 0};
              return {text: [r.left, r.right, r.width], svg: [s.left, s.right],
                      legend: [legend.left, legend.right, legend.width],
                      chart: [box.left, box.right],
                      size: parseFloat(getComputedStyle(text).fontSize)
                            || parseFloat(text.getAttribute('font-size'))};
            }"""
        )
        (left, right, width), (svg_left, svg_right) = boxes["text"], boxes["svg"]
        assert width > 0 and svg_left <= left and right <= svg_right, boxes
        assert boxes["size"] >= 8, f"readout shrunk to an unreadable {boxes['size']} px"
        # The legend (4 series on activations; cross-entropy's one curve has none) wraps onto
        # more rows rather than being cut.
        (left, right, width), (chart_left, chart_right) = boxes["legend"], boxes["chart"]
        if width or "activations" in path:
            assert width > 0 and chart_left <= left and right <= chart_right + 0.5, boxes
        scrub.shot(f"scrub_fits_{path.split('?')[0]}_{'present' if 'present' in path else 'plain'}")
    finally:
        context.close()


def test_playground_scrubs_the_epochs_with_no_rerun(page, app_url):
    from lib.lessons.playground import compute as playground

    run = playground.train(playground.Settings())
    scrub = Scrubber(page, app_url, "playground", "epoch")
    assert scrub.readout()[0] == f"epoch {run.epochs} of {run.epochs}"  # starts at the last one
    scrub.move(keys="ArrowLeft", times=run.epochs - 5)  # back to epoch 5 by the keyboard
    assert scrub.readout() == [
        f"epoch 5 of {run.epochs}",
        f"loss: train {num(run.train_loss[5])} · test {num(run.test_loss[5])}",
        f"accuracy: train {num(run.train_acc[5])} · test {num(run.test_acc[5])}",
    ]
    scrub.shot("scrub_playground_epoch5")

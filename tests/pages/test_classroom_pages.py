"""The classroom frame in AppTest: language from the URL, presenter mode, teacher links."""

from __future__ import annotations

import pytest

from lib.lessons._format import num
from lib.view import classroom
from lib.view.classroom import PUBLIC_URL
from tests.pages.apptest import PAGES, metrics, open_answered, open_page


def test_lock_makes_every_control_read_only():
    at = open_answered("dropout", p=0.3, lock=1)
    assert at.slider and all(s.disabled for s in at.slider)
    assert all(n.disabled for n in at.number_input)
    assert all(r.disabled for r in at.radio if r.label == "Mode")
    assert metrics(at)["kept units × 1/(1-p)"] == num(1 / 0.7)  # the state still applies


def test_hide_leaves_controls_out_but_keeps_their_values():
    at = open_page("autograd", w=1.5, x=-2, b=0.5, hide="w,b")
    assert [s.label for s in at.slider] == ["x"]
    assert metrics(at)["y"] == num(1.5 * -2 + 0.5)


def test_hide_ignores_names_the_page_does_not_have():
    at = open_page("autograd", hide="nonsense,<b>x</b>")
    assert [s.label for s in at.slider] == ["w", "x", "b"]


def test_without_teacher_options_controls_are_live():
    at = open_page("autograd")
    assert not any(s.disabled for s in at.slider)


def test_presenter_mode_shows_the_qr_code_of_the_student_link():
    at = open_page("dropout", p=0.3, seed=5, present=1)
    assert not [c for c in at.code if "dropout?" in c.value], "closed until the teacher opens it"
    at.session_state["dropout.share.open_present"] = True  # the teacher opens the panel
    at.run()
    codes = [c.value for c in at.code if "dropout?" in c.value]
    assert len(codes) == 1
    link = codes[0]
    assert "p=0.3" in link and "seed=5" in link and "lang=en" in link
    assert "present" not in link  # students get the normal layout
    assert at.query_params["present"] == "1"


def test_language_comes_from_the_url_and_stays_in_it():
    at = open_page("autograd", lang="en")
    assert at.query_params["lang"] == "en"
    at = open_page("autograd", lang="xx")  # unknown: the browser's language or English
    assert at.query_params["lang"] == "en"


def test_chinese_from_the_url():
    at = open_page("dropout", lang="zh", p=0.5)
    assert at.title[0].value.startswith("Dropout：")
    assert at.query_params["lang"] == "zh"
    # Plain-word labels are translated; numbers and code names (sum(y), y[0, 0]) are not.
    shown = metrics(at)
    assert shown["保留"].endswith(" / 64") and "sum(y)" in shown


def test_switching_language_keeps_the_state():
    at = open_page("autograd", w=1.5)
    at.button_group(key="frame.lang").set_value("zh").run()
    assert at.query_params["lang"] == "zh"
    assert at.query_params["w"] == "1.5"
    assert metrics(at)["y"] == num(1.5 * 1 + 3)


@pytest.mark.parametrize("page", PAGES)
def test_every_lesson_has_a_check_answered_by_pytorch(page):
    """Predict, then see: picking an option answers, and exactly the options PyTorch computed
    as right get "Right"."""
    at = open_page(page)
    radio = next(r for r in at.radio if r.key and r.key.startswith("check."))
    assert radio.label.startswith("**Check yourself** · ") and radio.value is None
    assert not at.success and not at.warning  # no verdict before a pick
    verdicts = []
    for option in radio.options:
        at = open_page(page)
        radio = next(r for r in at.radio if r.key and r.key.startswith("check."))
        radio.set_value(option)
        at.run()
        if at.success:
            verdicts.append("right")
        else:
            assert at.warning and "PyTorch says" in at.warning[-1].value
            verdicts.append("wrong")
    assert "right" in verdicts and "wrong" in verdicts, verdicts


@pytest.mark.parametrize("page", PAGES)
def test_every_lesson_opens_locked(page):
    at = open_page(page, lock=1)
    assert not at.exception
    widgets = [*at.slider, *at.number_input, *at.toggle, *at.selectbox, *at.text_input]
    # The lesson's own controls; the frame's switches and the share panel stay usable.
    controls = [
        w for w in widgets if (w.key or "").startswith(f"{page}.") and ".share." not in w.key
    ]
    assert controls and all(w.disabled for w in controls), [
        w.key for w in controls if not w.disabled
    ]


def open_share_panel(monkeypatch, addresses: list[str], present: bool = False):
    """The autograd page opened as localhost (AppTest has no URL: the frame assumes
    http://localhost:8501) on a machine with these network addresses, share panel open."""
    monkeypatch.delenv(PUBLIC_URL, raising=False)
    monkeypatch.setattr(classroom, "network_addresses", lambda: addresses)
    at = open_page("autograd", w=1.5, **({"present": 1} if present else {}))
    at.session_state["autograd.share.open_present" if present else "autograd.share.open"] = True
    at.run()
    for toggle in at.toggle:  # the QR code, where the panel offers one
        if toggle.label == "Show the QR code":
            toggle.set_value(True).run()
    return at


@pytest.mark.parametrize("present", [False, True])
def test_opened_as_localhost_the_link_uses_the_network_address_and_says_so(monkeypatch, present):
    at = open_share_panel(monkeypatch, ["192.168.1.20"], present)
    links = [c.value for c in at.code if "autograd?" in c.value]
    assert len(links) == 1 and links[0].startswith("http://192.168.1.20:8501/autograd?w=1.5")
    assert "192.168.1.20" in at.warning[0].value and "0.0.0.0" in at.warning[0].value
    assert len(at.get("image")) == 1  # the QR code of that link


@pytest.mark.parametrize("present", [False, True])
def test_opened_as_localhost_without_a_network_there_is_no_qr_code(monkeypatch, present):
    at = open_share_panel(monkeypatch, [], present)
    assert "cannot open" in at.warning[0].value
    assert not at.get("image")
    assert [c.value for c in at.code if "localhost:8501/autograd?" in c.value]


def test_a_teacher_link_says_that_controls_are_locked_or_hidden():
    at = open_page("autograd", lock=1, hide="b")
    note = at.info[0].value
    assert "locks the controls" in note and "hides some controls (`b`)" in note
    assert not open_page("autograd").info  # a plain link says nothing of the kind
    zh = open_page("autograd", lock=1, lang="zh")
    assert "锁定" in zh.info[0].value

"""Sharing a lesson's state with a class: the link, teacher options, and a QR code of the link.

The link is built from what the page just wrote to the URL (so it is always the current state),
plus the language and the teacher's options: ``lock=1`` (controls read-only) and
``hide=name,name`` (those controls not shown). Presenter mode is left out: students' phones
should get the normal layout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from lib.i18n import language, t
from lib.view.frame import presenting


def app_base(url: str, page: str) -> str:
    """The app's address without the page: ``st.context.url`` includes the current page's path
    (measured here: ``http://host:8501/dropout``), though the docs describe only the base."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith(f"/{page}"):
        path = path[: -len(page) - 1]
    return f"{parts.scheme}://{parts.netloc}{path}"


def student_link(
    base_url: str,
    page: str,
    page_params: Mapping[str, str],
    *,
    lang: str,
    lock: bool = False,
    hide: Sequence[str] = (),
) -> str:
    """The address that opens ``page`` in exactly this state (commas and colons kept readable)."""
    params = dict(page_params)
    params["lang"] = lang
    if lock:
        params["lock"] = "1"
    if hide:
        params["hide"] = ",".join(hide)
    return f"{base_url.rstrip('/')}/{page}?{urlencode(params, safe=',:')}"


def qr_code(link: str) -> segno.QRCode:
    """A QR code of ``link`` (medium error correction: survives a projector and a phone camera)."""
    return segno.make(link, error="m")


@lru_cache(maxsize=256)
def qr_svg(link: str, scale: int) -> str:
    return qr_code(link).svg_inline(scale=scale, dark="#000000", light="#FFFFFF")


def show_qr(container, link: str, width: int) -> None:
    """The QR code as an image whose alt text says it is a QR code of the link (st.html would
    strip the SVG: its sanitizer removes it, seen in the browser)."""
    container.image(qr_svg(link, scale=8), width=width, alt=t("share.qr_alt", link=link))


def share_expander(page: str):
    """The "Share this state" expander under the lesson's controls, drawn once in the full run;
    in presenter mode it offers the student view's QR code, large, ready to scan from the back
    of the room, out of the picture's way until the teacher opens it. Returns the expander while
    it is open (the lesson's fragment fills it with the current link, ``share_contents``), else
    None: a closed panel costs a slider move nothing.

    Opening it reruns the page (``on_change="rerun"``). An expander, not a popover: a popover's
    content sits at the end of the page, so the keyboard reached it only after every other
    control (31 Tabs on the dropout page, measured)."""
    if presenting():
        label, key = t("share.present_button"), f"{page}.share.open_present"
    else:
        label, key = t("share.button"), f"{page}.share.open"
    panel = st.expander(label, icon=":material/qr_code_2:", key=key, on_change="rerun")
    return panel if panel.open else None


def share_contents(page: str, names: Sequence[str], page_params: Mapping[str, str]) -> None:
    """What the open share panel holds: teacher options, the link to this very state, its QR."""
    base = app_base(st.context.url or "http://localhost:8501", page)
    if presenting():
        link = student_link(base, page, page_params, lang=language())
        st.markdown(f"**{t('share.scan')}**")
        show_qr(st, link, width=360)
        st.code(link, language=None, wrap_lines=True)
        return
    st.caption(t("share.intro"))
    lock = st.toggle(t("share.lock"), key=f"{page}.share.lock", help=t("share.lock_help"))
    hide = st.multiselect(
        t("share.hide"), list(names), key=f"{page}.share.hide", help=t("share.hide_help")
    )
    link = student_link(base, page, page_params, lang=language(), lock=lock, hide=hide)
    st.code(link, language=None, wrap_lines=True)
    if st.toggle(t("share.show_qr"), key=f"{page}.share.qr"):
        show_qr(st, link, width=200)

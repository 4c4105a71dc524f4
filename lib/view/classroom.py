"""Sharing a lesson's state with a class: the link, teacher options, and a QR code of the link.

The link is built from what the page just wrote to the URL (so it is always the current state),
plus the language and the teacher's options: ``lock=1`` (controls read-only) and
``hide=name,name`` (those controls not shown). Presenter mode is left out: students' phones
should get the normal layout.

Run on a laptop, the page is often opened as ``http://localhost:8501``: a link no phone can open.
Then the link uses the laptop's own network address (read from its interfaces, nothing is
contacted) and says so, or the address the teacher set once in ``SLIDERS_PUBLIC_URL``.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

import psutil
import segno
import streamlit as st

from lib.i18n import language, t
from lib.view.frame import presenting

PUBLIC_URL = "SLIDERS_PUBLIC_URL"  # e.g. https://sliders.school.example: the app's address


@dataclass(frozen=True)
class Reach:
    """Where students' phones should go, and what the teacher must know about it."""

    base: str  # the app's address for students
    note: str | None = None  # catalog key (share.*) of a warning for the teacher
    qr: bool = True  # is a QR code of it worth drawing?


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def network_addresses() -> list[str]:
    """This machine's IPv4 addresses on interfaces that are up, private ones first (a classroom
    network), loopback and link-local ones left out. Read from the interfaces: nothing is sent."""
    stats = psutil.net_if_stats()
    found = []
    for name, addresses in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for address in addresses:
            if address.family.name != "AF_INET":
                continue
            ip = ipaddress.ip_address(address.address)
            if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
                found.append(ip)
    return [str(ip) for ip in sorted(set(found), key=lambda ip: (not ip.is_private, ip))]


def public_url() -> str | None:
    """``SLIDERS_PUBLIC_URL`` when it is an http(s) address, else None."""
    value = os.environ.get(PUBLIC_URL, "").strip()
    parts = urlsplit(value)
    return value.rstrip("/") if parts.scheme in ("http", "https") and parts.hostname else None


def reach(
    opened: str, public: str | None, addresses: Sequence[str], listen: str | None = None
) -> Reach:
    """Where to send students, given the address the page was ``opened`` with (its base), the
    configured ``public`` one, this machine's network ``addresses`` and the address the
    server listens on (Streamlit's ``server.address``; unset or 0.0.0.0: every interface)."""
    if public:
        return Reach(public)
    parts = urlsplit(opened)
    if not is_loopback(parts.hostname or ""):
        return Reach(opened)
    if listen and is_loopback(listen):
        return Reach(opened, "share.loopback_bound", qr=False)
    if not addresses:
        return Reach(opened, "share.loopback_only", qr=False)
    netloc = addresses[0] + (f":{parts.port}" if parts.port else "")
    return Reach(parts._replace(netloc=netloc).geturl(), "share.loopback_network")


def students_reach(page: str) -> Reach:
    opened = app_base(st.context.url or "http://localhost:8501", page)
    listen = st.get_option("server.address") or None
    return reach(opened, public_url(), network_addresses() if not public_url() else [], listen)


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
    """What the open share panel holds: teacher options, the link to this very state, its QR.
    A link that phones may not open says so (``reach``)."""
    where = students_reach(page)
    if where.note:
        st.warning(
            t(where.note, host=urlsplit(where.base).hostname, variable=PUBLIC_URL),
            icon=":material/wifi_off:" if not where.qr else ":material/lan:",
        )
    base = where.base
    if presenting():
        link = student_link(base, page, page_params, lang=language())
        if where.qr:
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
    if where.qr and st.toggle(t("share.show_qr"), key=f"{page}.share.qr"):
        show_qr(st, link, width=200)

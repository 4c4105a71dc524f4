"""Sharing: the student link and its QR code (decoded with zxing-cpp, an independent reader)."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image

from lib.view.classroom import (
    PUBLIC_URL,
    Reach,
    app_base,
    is_loopback,
    network_addresses,
    public_url,
    qr_code,
    reach,
    student_link,
)


@pytest.mark.parametrize(
    ("url", "page", "base"),
    [
        ("http://localhost:8501/dropout", "dropout", "http://localhost:8501"),
        ("http://localhost:8501/dropout/", "dropout", "http://localhost:8501"),
        ("https://example.org/app/cross_entropy", "cross_entropy", "https://example.org/app"),
        ("http://127.0.0.1:8599", "autograd", "http://127.0.0.1:8599"),
    ],
)
def test_app_base_drops_the_page_path(url, page, base):
    assert app_base(url, page) == base


def test_student_link_carries_state_language_and_teacher_options():
    link = student_link(
        "http://host:8501",
        "cross_entropy",
        {"logits": "2,1,0.1", "target": "0"},
        lang="zh",
        lock=True,
        hide=["target", "logits"],
    )
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "host:8501", "/cross_entropy")
    assert "logits=2,1,0.1" in parts.query  # commas stay readable
    assert parse_qs(parts.query) == {
        "logits": ["2,1,0.1"],
        "target": ["0"],
        "lang": ["zh"],
        "lock": ["1"],
        "hide": ["target,logits"],
    }
    plain = student_link("http://host:8501", "autograd", {"w": "2"}, lang="en")
    assert "lock" not in plain and "hide" not in plain and "present" not in plain


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:8501/dropout?p=0.3&seed=5&mode=train&inplace=0&lang=en",
        "https://example.org/cross_entropy?logits=" + ",".join(["-9.9"] * 10) + "&lang=zh&lock=1",
    ],
)
def test_qr_code_decodes_to_the_link(link):
    buffer = io.BytesIO()
    qr_code(link).save(buffer, kind="png", scale=6, border=4)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(buffer.getvalue())))
    assert [code.text for code in decoded] == [link]


def test_md_escape_leaves_no_link_code_or_markup():
    from lib.view.text import md_escape

    for text in ["http://2130706433", "a@b", ":red[x]", ":material/home:", "[x](y)", "<b>x</b>"]:
        escaped = md_escape(text)
        assert all(
            escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in ":@[]()<>" and i
        ), escaped


# --- where students' phones can go -------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("app.localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("192.168.1.20", False),
        ("10.0.0.2", False),
        ("example.org", False),
        ("", False),
    ],
)
def test_loopback_hosts_are_the_ones_only_this_computer_reaches(host, loopback):
    assert is_loopback(host) is loopback


def test_a_page_opened_by_its_network_address_shares_that_address():
    where = reach("http://192.168.1.20:8501", None, ["10.9.9.9"])
    assert where == Reach("http://192.168.1.20:8501")


def test_localhost_shares_the_machine_network_address_and_says_so():
    where = reach("http://localhost:8501", None, ["192.168.1.20", "10.0.0.5"])
    assert where == Reach("http://192.168.1.20:8501", "share.loopback_network", qr=True)
    path = reach("http://127.0.0.1/app", None, ["172.16.0.4"])
    assert path.base == "http://172.16.0.4/app"  # no port in, no port out; the path stays


def test_localhost_without_a_network_draws_no_qr_code_and_says_why():
    assert reach("http://127.0.0.1:8501", None, []) == Reach(
        "http://127.0.0.1:8501", "share.loopback_only", qr=False
    )


def test_a_server_listening_on_loopback_only_cannot_be_reached_by_phones():
    where = reach("http://localhost:8501", None, ["192.168.1.20"], listen="127.0.0.1")
    assert where == Reach("http://localhost:8501", "share.loopback_bound", qr=False)
    everywhere = reach("http://localhost:8501", None, ["192.168.1.20"], listen="0.0.0.0")
    assert everywhere.base == "http://192.168.1.20:8501"


def test_a_public_address_set_once_wins(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL, "https://sliders.school.example/")
    assert public_url() == "https://sliders.school.example"
    where = reach("http://localhost:8501", public_url(), [])
    assert where == Reach("https://sliders.school.example")


@pytest.mark.parametrize("value", ["", "sliders.school.example", "ftp://x", "javascript:alert(1)"])
def test_a_public_address_that_is_not_http_is_ignored(monkeypatch, value):
    monkeypatch.setenv(PUBLIC_URL, value)
    assert public_url() is None


def test_network_addresses_are_ipv4_and_never_loopback():
    for address in network_addresses():
        assert not is_loopback(address)
        assert address.count(".") == 3 and not address.startswith("169.254.")

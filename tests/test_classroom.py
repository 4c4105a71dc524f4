"""Sharing: the student link and its QR code (decoded with zxing-cpp, an independent reader)."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image

from lib.view.classroom import app_base, qr_code, student_link


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

"""Hostile links and typed text on every page, through AppTest.

Whatever a link or a text box holds (text, NaN, ±inf, 1e308, huge lists, HTML, script, Markdown
and LaTeX injection, bidi and zero-width characters, broken UTF-8, repeated and unknown keys,
hostile frame options), a page must run without an exception or an error box, draw its lesson,
and never pass the text on as Markdown, LaTeX or HTML: every notice escapes what it quotes.
And everything that scales the work (sizes, steps, lengths, list lengths) stays within its cap.
"""

from __future__ import annotations

import math
import sys
from urllib.parse import parse_qs, quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lib.lessons import BY_PATH
from lib.lessons._format import num
from lib.view.text import md_escape
from tests.pages.apptest import PAGES, ROOT, metrics, open_page

FRAME = ("lang", "present", "lock", "hide")

# What a link may hold, as Python text (encoded into the URL below) ...
HOSTILE = (
    "",
    "abc",
    "nan",
    "NaN,nan",
    "-inf",
    "+inf",
    "1e308",
    "-1e308",
    "1e-400",
    "-0",
    "0x1F",
    "2147483648",
    "1e9",
    ",,,",
    ",".join(["1"] * 10_000),
    ",".join(["1e308"] * 200),
    ",".join(["-1e308", "nan", "inf"]),
    "<b data-x=1>XSS</b>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "$\\href{javascript:alert(1)}{x}$",
    "**XSS** _x_ `x` # h",
    ":red[XSS] :material/home:",
    "1,2,<b data-x=1>,3",
    "conv:1e308:5,pool:0,linear:99999999:99999999,dropout:nan",
    "\u202egnp.exe\u200b\u200d",
    "🔥" * 100,
    "x" * 100_000,
    "\x00\n\n# h\r\n",
    " relu , TANH ,relu",
)
# ... and as it arrives percent-encoded: UTF-8 that is not text (lone surrogates, cut sequences).
RAW_ESCAPED = ("%ED%A0%80", "%F0%9F", "%C0%AF", "%25%00", "%E2%80%AE1")

# Markdown/HTML/LaTeX that must never reach the screen unescaped (see `unescaped`).
MARKERS = ("<b data-x", "<script", "<img", "javascript:", "\\href", "**XSS", ":red[XSS")
# Elements that show text literally or not as Markdown: code blocks (the snippet, the share
# link), a text box's own value, chart data (Vega draws text as text), images (alt text).
LITERAL = {"code", "text_input", "vega_lite_chart", "image"}


def spec_names(page: str) -> tuple[str, ...]:
    """The URL parameters a lesson declares, from the registry."""
    return tuple(param.name for param in BY_PATH[page].params.params)


def as_query(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """What the server makes of ``name=value&...``: Streamlit parses the query string with
    ``parse_qs`` (broken UTF-8 becomes U+FFFD); a repeated key stays a list."""
    parsed = parse_qs("&".join(f"{k}={v}" for k, v in pairs), keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def encoded(value: str) -> str:
    return value if value in RAW_ESCAPED else quote(value, safe="")


def open_hostile(page: str, query: dict[str, str | list[str]]) -> AppTest:
    """Like ``open_page``, but reports an exception through ``assert_safe``."""
    # Streamlit ignores a whole query string past 524,288 characters: the test would test nothing.
    assert len(urlencode(query, doseq=True)) < 500_000
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update(query)
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.query_params.update(query)
    return at.run()


def leaves(block):
    children = getattr(block, "children", None)
    if children:
        for child in children.values():
            yield from leaves(child)
    else:
        yield block


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def unescaped(text: str, marker: str) -> bool:
    """Does ``marker`` occur in ``text`` without a Markdown escape (an odd run of backslashes)
    right before it? ``md_escape`` puts one before every special character."""
    start = text.find(marker)
    while start >= 0:
        slashes = len(text[:start]) - len(text[:start].rstrip("\\"))
        if slashes % 2 == 0:
            return True
        start = text.find(marker, start + 1)
    return False


def rendered_texts(at: AppTest):
    """(element type, text) for every text an element shows as Markdown/LaTeX/HTML."""
    from google.protobuf.json_format import MessageToDict

    for node in [*leaves(at.main), *leaves(at.sidebar)]:
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        if kind in LITERAL or proto is None:
            continue
        for text in strings(MessageToDict(proto)):
            yield kind, text


def assert_safe(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception][:1]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "the lesson still draws"
    for kind, text in rendered_texts(at):
        for marker in MARKERS:
            assert not unescaped(text, marker), (kind, marker, text[:200])
        if kind == "html":  # st.html bodies: no link text in them at all
            assert not any(marker in text for marker in MARKERS), text[:200]
    for notice in at.warning:  # a notice quotes at most a few words of what it was given
        assert len(notice.value) < 1000, notice.value[:200]


# --- the checker itself --------------------------------------------------------------------


@pytest.mark.parametrize("marker", MARKERS)
def test_unescaped_finds_raw_markers_and_accepts_escaped_ones(marker):
    assert unescaped(f"the link says {marker} here", marker)
    assert unescaped(f"an escaped backslash \\\\{marker}", marker)
    assert not unescaped(f"the link says {md_escape(marker)} here", marker)


@pytest.mark.parametrize("text", [":material/home:", "a:material/x_y:b", ":red[x] :material/add:"])
def test_escaped_text_has_no_material_icon_shortcode(text):
    """Streamlit's frontend rewrites ``:material/`` in a Markdown source before parsing, so a
    backslash before the colon does not stop the icon (seen in Chromium: a link's
    ``:material/home:`` drew a home icon inside a notice)."""
    assert ":material/" not in md_escape(text)


def test_spec_names_reads_each_page_spec():
    assert spec_names("autograd") == ("w", "x", "b")
    assert {"logits", "weight", "target"} <= set(spec_names("cross_entropy"))


# --- a fixed list of nasty links on every page ---------------------------------------------


def nasty_links(page: str) -> list[dict[str, str | list[str]]]:
    """Every value of HOSTILE and RAW_ESCAPED reaches some parameter of the page, rotating, so
    each parameter sees several; the frame options and an unknown key get them too, and each
    link repeats one key (the repeated value is hostile too)."""
    names = spec_names(page)
    values = HOSTILE + RAW_ESCAPED
    keys = (*names, *FRAME, "<b>unknown</b>")
    runs = max(3, math.ceil(len(values) / len(keys)))
    links = []
    for run in range(runs):
        pairs = [
            (quote(key, safe=""), encoded(values[(run * len(keys) + i) % len(values)]))
            for i, key in enumerate(keys)
        ]
        pairs.append((names[run % len(names)], encoded(values[(run * 7 + 3) % len(values)])))
        links.append(as_query(pairs))
    return links


@pytest.mark.parametrize("page", PAGES)
def test_nasty_links_never_break_a_page_or_reach_the_screen_as_markup(page):
    for query in nasty_links(page):
        assert_safe(open_hostile(page, query))


@pytest.mark.parametrize("page", PAGES)
def test_every_value_in_every_parameter_at_once(page):
    """The worst cases, in all of a page's parameters together."""
    names = spec_names(page)
    for value in ("<b data-x=1>XSS</b>", ",".join(["1e308"] * 2_000), "nan", "%ED%A0%80"):
        query = as_query([(name, encoded(value)) for name in (*names, *FRAME)])
        assert_safe(open_hostile(page, query))


# --- random links (hypothesis) -------------------------------------------------------------

NUMBERS = st.floats(allow_nan=True, allow_infinity=True).map(repr) | st.integers().map(str)
VALUE = (
    st.sampled_from(HOSTILE)
    | st.text(max_size=60)
    | NUMBERS
    | st.lists(NUMBERS, max_size=50).map(",".join)
    | st.lists(st.sampled_from(HOSTILE[:20]), max_size=5).map(",".join)
)


@pytest.mark.parametrize("page", PAGES)
def test_random_links(page):
    keys = st.sampled_from((*spec_names(page), *FRAME, "zz"))
    pairs = st.lists(st.tuples(keys, VALUE), min_size=1, max_size=12)

    @settings(max_examples=4, deadline=None, database=None)
    @given(pairs=pairs)
    def check(pairs):
        query = as_query([(quote(k, safe=""), quote(v, safe="")) for k, v in pairs])
        assert_safe(open_hostile(page, query))

    check()


# --- typed text: a hostile client can ignore max_chars -------------------------------------

TYPED = (
    "<b data-x=1>XSS</b>",
    "[x](javascript:alert(1))",
    "$\\href{javascript:alert(1)}{x}$",
    "\u202e1,2\u200b",
    "1," * 50_000,
    "x" * 100_000,
)


@pytest.mark.parametrize("page", ["tensors", "embedding", "rnn"])
def test_typed_text_is_read_like_a_link(page):
    """The text boxes cap input with max_chars, but only the browser enforces that: a client
    can send anything. The page reads at most what a link gives and quotes a few words."""
    boxes = [box.key for box in open_page(page, kind="onehot", input=4).text_input]
    assert boxes, "the page has text boxes"
    for key in boxes:
        at = open_page(page, kind="onehot", input=4)
        for text in TYPED:
            at.text_input(key=key).set_value(text).run()
            assert_safe(at)


# --- caps on everything that scales the work -----------------------------------------------

MANY = 10_000


def ones(n: int, value: str = "1") -> str:
    return ",".join([value] * n)


def layers_within_range(layers) -> bool:
    from lib.lessons.sequential.compute import KINDS, MAX_LAYERS

    return len(layers) <= MAX_LAYERS and all(
        spec.lo <= value <= spec.hi
        for layer in layers
        for value, spec in zip(layer.args, KINDS[layer.kind].args, strict=True)
    )


# page, a link asking for too much, the lesson function that does the work, and what its
# arguments must satisfy (the caps, written out here from the README's table).
CAPPED = [
    ("tensors", {"shape": "48,48,48,48", "view": ones(MANY), "at": "1e9"}, "inspect",
     lambda a: math.prod(a["shape"]) <= 48 and len(a["target"]) <= 4 and a["at"] < 48),
    ("activations", {"fn": ones(MANY, "relu,tanh,gelu"), "lo": "-1e308", "hi": "1e308"},
     "curves", lambda a: len(a["names"]) <= 8 and -20 <= a["lo"] < a["hi"] <= 20),
    ("sgd", {"steps": "1e9", "show": "inf"}, "run", lambda a: 1 <= a["s"].steps <= 200),
    ("sgd", {"steps": "-1e9"}, "run", lambda a: a["s"].steps == 1),
    ("linear", {"in": "1e9", "out": "1e308", "x": ones(MANY, "1e308")}, "forward",
     lambda a: a["n_in"] <= 8 and a["n_out"] <= 8 and len(a["x"]) == a["n_in"]
     and all(abs(v) <= 3 for v in a["x"])),
    ("dropout", {"p": "1e308", "seed": "1e308"}, "draw",
     lambda a: 0 <= a["p"] <= 1 and 0 <= a["seed"] <= 2**31 - 1),
    ("embedding", {"num": "1e9", "dim": "1e9", "ids": ones(MANY, "19")}, "compute",
     lambda a: a["setup"].num <= 20 and a["setup"].dim <= 8 and len(a["setup"].ids) <= 12),
    ("embedding", {"text": " ".join(["the cat"] * MANY)}, "compute",
     lambda a: len(a["setup"].ids) <= 12),
    ("sequential", {"size": "1e9", "batch": "1e9", "channels": "1e9",
                    "layers": ones(MANY, "linear:1e9:1e9")}, "run",
     lambda a: a["size"] <= 64 and a["batch"] <= 8 and a["channels"] <= 8
     and layers_within_range(a["layers"])),
    ("sequential", {"layers": ones(MANY, "conv:1e308:1e308:0:1e9,pool:1e9")}, "run",
     lambda a: layers_within_range(a["layers"])),
    ("cross_entropy", {"logits": ones(MANY, "1e308"), "weight": ones(MANY, "1e308")},
     "compute", lambda a: 2 <= len(a["setup"].logits) <= 10
     and all(abs(v) <= 10 for v in a["setup"].logits)
     and (a["setup"].weight is None or len(a["setup"].weight) == len(a["setup"].logits))),
    ("rnn", {"steps": "1e9", "hidden": "1e9", "input": "1e9", "batch": "1e9",
             "kind": "onehot", "tokens": ones(MANY, "7")}, "run",
     lambda a: a["setup"].steps <= 40 and a["setup"].hidden <= 16 and a["setup"].input_size <= 8
     and a["setup"].batch <= 4 and len(a["setup"].tokens) <= 40),
]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "link", "function", "within_caps"),
    CAPPED,
    ids=[f"{page}-{'-'.join(link)}" for page, link, *_ in CAPPED],
)
def test_caps_hold_whatever_the_link_asks(monkeypatch, page, link, function, within_caps):
    """The page says it replaced the value, and the lesson function never sees more than
    its cap."""
    import importlib
    import inspect

    module = importlib.import_module(f"lib.lessons.{page}.compute")
    real = getattr(module, function)
    calls = []

    def spy(*args, **kwargs):
        # The page's own calls (a lesson may call itself for a "what if", e.g. z[t] + 1).
        if sys._getframe(1).f_code.co_filename != module.__file__:
            calls.append(inspect.signature(real).bind(*args, **kwargs).arguments)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, function, spy)
    at = open_page(page, **link)
    assert_safe(at)
    assert at.warning, "a notice says the link asked for too much"
    assert calls, f"the page calls lesson.{function}"
    for arguments in calls:
        assert within_caps(arguments), arguments


def test_hide_takes_repeated_keys_like_every_list():
    """``hide=w&hide=b`` is ``hide=w,b`` (st.query_params.get alone would keep only ``b``)."""
    at = open_page("autograd", hide=["w", "b"])
    assert [s.label for s in at.slider] == ["x"]


def test_a_link_value_past_the_cap_is_noticed_even_if_its_start_is_valid():
    at = open_page("autograd", w="1" + " " * 500 + "x")  # only the first 400 characters count
    assert metrics(at)["y"] == num(1 * 1 + 3)
    assert len(at.warning) == 1

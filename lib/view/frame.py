"""The frame every page shares: language, presenter mode, and the sidebar switches for both.

Frame parameters live in the URL next to each page's own: ``lang=en|zh``, ``present=1``
(presenter mode), and the teacher-link options ``lock=1`` and ``hide=name,name`` that
lib/view/url_state.py applies to a page's controls.
"""

from __future__ import annotations

import streamlit as st

from lib.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language, t
from lib.urlspec import FRAME

LANG_KEY, PRESENT_KEY = "frame.lang", "frame.present"

# Presenter mode: type at 1.25x (Streamlit sizes text in rem), black on white, wider content.
# A phone that opens a presenter link keeps a phone's margins (16 px, not 40) and formula size
# (16 px, not 20): with both, lines of live numbers were cut off at 390 px (a phone is read at
# arm's length, not across a room).
PRESENTER_CSS = """
<style>
html { font-size: 20px; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { color: #000; background: #fff; }
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] { color: #000; }
button [data-testid="stMarkdownContainer"] p { color: inherit; }  /* white on a primary button */
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-left: 2rem; padding-right: 2rem; }
@media (max-width: 640px) {  /* a phone: its own margins and formula size (16 px), as without */
  [data-testid="stMainBlockContainer"] { padding-left: 0.8rem; padding-right: 0.8rem; }
  .katex-display > .katex { font-size: 0.8em; }
}
</style>
"""

# Always: text contrast of at least 4.5:1 (WCAG AA, axe in tests/e2e/test_a11y_browser.py)
# where Streamlit's default styles fall short, fixed from the app's side:
# - captions are faded with opacity 0.6 (4.0:1 on white); 0.8 gives 7.7:1, and 4.9:1 for the
#   inline code in captions;
# - comments in code blocks are #808495 on the code background (3.6:1);
# - KaTeX's -2px margin after a fraction (.vlist-t2) made formulas 2 px wider than their box, so
#   each one became a scrollable region that the keyboard cannot reach; the same for a table
#   header whose text is 3 px wider than its cell (Chinese full-width brackets, seen in tensors);
# - a chart drawn at its own size (sgd's square surface, 440 px when presenting) was cut off on a
#   phone; it shrinks to the screen instead, keeping its shape (Vega's SVG has a viewBox).
READABLE_CSS = """
<style>
[data-testid="stVegaLiteChart"] svg.marks { max-width: 100%; height: auto; }
[data-testid="stCaptionContainer"] { opacity: 0.8; }
[data-testid="stCode"] .token.comment { color: #5F6577; }
.katex-display .vlist-t2 { margin-right: 0; }
[data-testid="stTable"] th [data-testid="stMarkdownContainer"] { overflow: visible; }
@media (max-width: 640px) {  /* a phone: formulas a little smaller, so each line fits */
  .katex-display > .katex { font-size: 1em; }
  .lesson-metrics dd { font-size: 1.75rem; }
}
.lesson-metrics { display: flex; flex-wrap: wrap; gap: 0.25rem 2rem; margin: 0 0 0.5rem; }
.lesson-metrics dt { font-size: 0.875rem; font-weight: 400; margin: 0; }
.lesson-metrics dt.hint { text-decoration: underline dotted; cursor: help; }
.lesson-metrics dd { font-size: 2.25rem; line-height: 1.2; margin: 0; }
.lesson-caption { font-size: 0.875rem; color: rgba(49, 51, 63, 0.8); }  /* as a caption */
/* "Check yourself" (one radio, panels.check_yourself) in a box of its own, as a form had it */
[class*="st-key-check-"] [data-testid="stRadio"] {
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.75rem 1rem;
}
</style>
"""


def raw_query() -> dict[str, str]:
    """The query string as name -> text. Repeated keys (``fn=a&fn=b``) are joined with commas."""
    params = st.query_params
    return {name: ",".join(params.get_all(name)) for name in params}


def frame_params() -> dict:
    """lang, present, lock and hide as the link gives them (lib/urlspec.FRAME)."""
    return FRAME.parse(raw_query())[0]


def presenting() -> bool:
    """Is this session in presenter mode? (Read by the chart builders and the share panel.)"""
    return bool(st.session_state.get(PRESENT_KEY, False))


def start() -> None:
    """First thing the entry script does: page config, language, presenter mode."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = frame_params()["present"]
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = _language_from_request()
    set_language(st.session_state[LANG_KEY])
    st.set_page_config(
        page_title=t("home.title"),
        page_icon="🔥",
        layout="wide",
        initial_sidebar_state="collapsed" if presenting() else "auto",
    )


def _language_from_request() -> str:
    """``lang`` from the URL, else the browser's language, else English."""
    wanted = frame_params()["lang"]
    if wanted in LANGUAGES:
        return wanted
    locale = (st.context.locale or "").split("-")[0].lower()
    return locale if locale in LANGUAGES else DEFAULT_LANGUAGE


def sidebar() -> None:
    """The language and presenter switches; both keep the rest of the page's state."""
    with st.sidebar:
        st.segmented_control(
            t("frame.language"),
            list(LANGUAGES),
            format_func=LANGUAGES.get,
            key=LANG_KEY,
            required=True,
        )
        st.toggle(t("frame.present"), key=PRESENT_KEY, help=t("frame.present_help"))
    _write_frame_params()
    st.html(READABLE_CSS)
    if presenting():
        st.html(PRESENTER_CSS)


def _write_frame_params() -> None:
    lang = st.session_state[LANG_KEY]
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    if presenting():
        if st.query_params.get("present") != "1":
            st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]

"""Every visible string goes through ``t(key, **values)``.

A language's catalog is ``lib/locales/<lang>/*.toml`` (the parts every page shares) plus each
lesson's own ``lib/lessons/<lesson>/<lang>.toml``, each holding tables that flatten to dotted
keys such as ``autograd.title``. Adding a language means adding those files with the same keys; a
test checks that the catalogs agree and that every key is used.
"""

from __future__ import annotations

import tomllib
import weakref
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).parent / "locales"
LESSONS_DIR = Path(__file__).parent / "lessons"
DEFAULT_LANGUAGE = "en"
# Language code -> the language's own name, as shown in the switch.
LANGUAGES = {"en": "English", "zh": "简体中文"}

_current = {"lang": DEFAULT_LANGUAGE}
# Each session's language, keyed by its session-state object (so it goes with the session).
# t() runs hundreds of times a rerun; reading st.session_state each time cost ~45 us a call
# (profiled on activations: 431 calls, a tenth of the rerun). Only set_language() changes a
# session's language, and it runs at the start of every full run (lib/view/frame.start), so a
# fragment rerun reads what the last full run set.
_by_session: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_run_context = []  # streamlit's get_script_run_ctx, imported on first use (pure tests skip it)


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


def catalog_files(lang: str) -> list[Path]:
    shared = sorted((LOCALES_DIR / lang).glob("*.toml"))
    return shared + sorted(LESSONS_DIR.glob(f"*/{lang}.toml"))


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in catalog_files(lang):
        with open(path, "rb") as f:
            part = _flatten(tomllib.load(f))
        clash = set(part) & set(merged)
        if clash:
            raise ValueError(f"{path}: keys defined in another file too: {sorted(clash)}")
        merged.update(part)
    return merged


def _session_state():
    """The current session's state object, or None outside a Streamlit run (pure tests)."""
    if not _run_context:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        _run_context.append(get_script_run_ctx)
    ctx = _run_context[0](suppress_warning=True)
    return None if ctx is None else ctx.session_state


def language() -> str:
    """The language of the current session (set by the app frame on every full run)."""
    state = _session_state()
    if state is None:
        return _current["lang"]
    lang = _by_session.get(state)
    if lang is None:
        import streamlit as st

        lang = _by_session[state] = st.session_state.get("_lang", DEFAULT_LANGUAGE)
    return lang


def set_language(lang: str) -> None:
    import streamlit as st

    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    st.session_state["_lang"] = lang
    state = _session_state()
    if state is not None:
        _by_session[state] = lang


def t(key: str, **values: object) -> str:
    """The string for ``key`` in the session's language (English if missing), formatted."""
    text = template(key)
    return text.format(**values) if values else text


def template(key: str) -> str:
    """The string for ``key`` in the session's language (English if missing), unformatted: for
    formatting hundreds of rows (a scrub chart's readout) with one lookup of the language."""
    return catalog(language()).get(key) or catalog(DEFAULT_LANGUAGE)[key]

"""Every visible string goes through ``t(key, **values)``.

A language's catalog is the folder ``lib/locales/<lang>/``: one TOML file per part of the app
(``common.toml``, one per lesson), each holding tables that flatten to dotted keys such as
``autograd.title``. Adding a language means adding a folder with the same keys; a test checks
that the catalogs agree and that every key is used.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"
# Language code -> the language's own name, as shown in the switch.
LANGUAGES = {"en": "English", "zh": "简体中文"}

_current = {"lang": DEFAULT_LANGUAGE}


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
    return sorted((LOCALES_DIR / lang).glob("*.toml"))


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


def language() -> str:
    """The language of the current session (set by the app frame on every run)."""
    try:
        import streamlit as st

        return st.session_state.get("_lang", DEFAULT_LANGUAGE)
    except Exception:  # outside a Streamlit run (pure tests): the module default
        return _current["lang"]


def set_language(lang: str) -> None:
    import streamlit as st

    st.session_state["_lang"] = lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The string for ``key`` in the session's language (English if missing), formatted."""
    text = template(key)
    return text.format(**values) if values else text


def template(key: str) -> str:
    """The string for ``key`` in the session's language (English if missing), unformatted: for
    formatting hundreds of rows (a scrub chart's readout) with one lookup of the language."""
    return catalog(language()).get(key) or catalog(DEFAULT_LANGUAGE)[key]

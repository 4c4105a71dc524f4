"""The frame every page shares: the session's language (more of the frame comes with issue 4)."""

import streamlit as st

from lib.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language


def apply_language() -> None:
    """Language from the URL (``lang=en``), else the browser's locale, else English."""
    wanted = st.query_params.get("lang")
    if wanted not in LANGUAGES:
        locale = (st.context.locale or "").split("-")[0].lower()
        wanted = locale if locale in LANGUAGES else DEFAULT_LANGUAGE
    set_language(wanted)

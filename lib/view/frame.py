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


def require_navigation() -> None:
    """Call first in every page file: make sure the entry script (and its frame) runs.

    Streamlit 1.67 still honours the old ``pages/`` folder until ``st.navigation`` has run once
    in the process: if the first request after a server start is a shared deep link such as
    ``/dropout?p=0.3``, it runs ``pages/dropout.py`` on its own, without our entry script, and
    stays in that mode for every visitor. Seen here in the browser (file-name navigation, no
    sections). Turning the flag off and rerunning goes through ``streamlit_app.py`` and
    ``st.navigation``, which resolves the same URL to the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()

"""Controls bound to the URL: the one place that reads and writes ``st.query_params``.

A page makes ``PageState(page, SPEC)`` at the top of its script. Each control's session key is
seeded from the URL the first time the control is drawn (and again after Streamlit forgot it,
e.g. after visiting another page); after the controls are read, ``sync`` writes the current
values back to the query string, so the address bar is always a link to exactly this state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from lib.i18n import t
from lib.urlspec import Notice, Spec
from lib.view.text import md_escape


def _raw_query() -> dict[str, str]:
    """The query string as name -> text. Repeated keys (``fn=a&fn=b``) are joined with commas."""
    params = st.query_params
    return {name: ",".join(params.get_all(name)) for name in params}


class PageState:
    def __init__(self, page: str, spec: Spec):
        self.page = page
        self.spec = spec
        values, notices = spec.parse(_raw_query())
        self.url_values = values
        # Only notices about values that actually seeded a control are worth showing.
        self.notices = [n for n in notices if self.key(n.param) not in st.session_state]

    def fix(self, name: str, value: Any, reason: str) -> None:
        """Replace a URL value that is valid alone but not with the others (e.g. lo >= hi)."""
        param = self.spec[name]
        if self.key(name) not in st.session_state:
            raw = param.format(self.url_values[name])
            self.notices.append(Notice(name, raw, reason, param.format(value)))
        self.url_values[name] = value

    def key(self, name: str) -> str:
        return f"{self.page}.{name}"

    def seed(self, name: str, value: Any) -> str:
        """Seed the session key of a control (unless it already holds a value); return the key."""
        key = self.key(name)
        if key not in st.session_state:
            st.session_state[key] = value
        return key

    def seeded(self, name: str) -> str:
        """``seed`` with the value the URL gives for parameter ``name``."""
        return self.seed(name, self.url_values[name])

    def show_notices(self) -> None:
        """A small warning for each URL value that was replaced; never an error box."""
        for notice in self.notices:
            st.warning(notice_text(notice), icon=":material/link_off:")

    def sync(self, values: Mapping[str, Any]) -> None:
        """Write the page's current values to the query string (only the ones that changed)."""
        for name, text in self.spec.encode(values).items():
            if not text:  # an empty list (e.g. no class weights) is the absence of the parameter
                if name in st.query_params:
                    del st.query_params[name]
            elif st.query_params.get(name) != text or len(st.query_params.get_all(name)) > 1:
                st.query_params[name] = text


def notice_text(notice: Notice) -> str:
    return t(
        "notice.template",
        param=notice.param,
        raw=md_escape(notice.raw),
        reason=t(f"notice.{notice.reason}"),
        used=md_escape(notice.used) if notice.used else t("notice.nothing"),
    )

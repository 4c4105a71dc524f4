"""Controls bound to the URL: the one place that reads and writes ``st.query_params``.

A page makes ``PageState(page, SPEC)`` at the top of its script and draws each control with
``state.control(widget, name, label, ...)``. A control's session key is seeded from the URL the
first time it is drawn (and again after Streamlit forgot it, e.g. after visiting another page);
after the controls are read, ``sync`` writes the current values back to the query string, so the
address bar is always a link to exactly this state, and offers that link to share.

Teacher links: ``lock=1`` draws every control read-only; ``hide=name,name`` leaves those
controls out (their values still come from the link).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from lib.i18n import language, t
from lib.lessons._rng import SEED_RANGE
from lib.urlspec import FRAME, Notice, Spec, quote
from lib.view.frame import raw_query
from lib.view.text import md_escape

_FROM_URL = object()  # control(): seed from the URL value of the parameter of the same name


class PageState:
    def __init__(self, page: str, spec: Spec):
        self.page = page
        self.spec = spec
        query = raw_query()
        values, notices = spec.parse(query)
        self.url_values = values
        self.in_link = {name for name in query if name in values}  # parameters the link sets
        # Only notices about values that actually seeded a control are worth showing.
        self.notices = [n for n in notices if self.key(n.param) not in st.session_state]
        frame, _ = FRAME.parse(query)
        self.locked = frame["lock"]
        self.hidden = set(frame["hide"]) & {p.name for p in spec.params}
        self.synced: dict[str, str] = {}
        drawn_in = self.key("_language")
        self.relabel = st.session_state.get(drawn_in, language()) != language()
        st.session_state[drawn_in] = language()

    def fix(self, name: str, value: Any, reason: str) -> None:
        """Replace a URL value that is valid alone but not with the others (e.g. lo >= hi).

        A default the link did not set is just moved, without a notice. One notice per
        parameter: if parsing already replaced the link's value (t=99 clamped to 39, then past
        the last step), the notice keeps quoting the link's own text and names the final value.
        """
        param = self.spec[name]
        if name in self.in_link and self.key(name) not in st.session_state:
            earlier = next((n for n in self.notices if n.param == name), None)
            raw = earlier.raw if earlier else param.format(self.url_values[name])
            notice = Notice(name, raw, reason, param.format(value))
            self.notices = [n for n in self.notices if n.param != name] + [notice]
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

    def control(
        self,
        widget,
        name: str,
        label: str,
        *args: Any,
        value: Any = _FROM_URL,
        params: tuple[str, ...] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Draw ``widget`` (e.g. ``st.slider`` or ``cols[0].slider``) bound to session key
        ``name``, seeded from the URL parameter ``name`` or from ``value``; return its value.

        ``params`` are the URL parameters the control stands for (default: ``name``): it is
        left out when a teacher link hides any of them, and read-only when the link is locked.
        """
        key = self.seeded(name) if value is _FROM_URL else self.seed(name, value)
        if self.relabel:
            # The language changed: options with translated labels would otherwise keep the
            # old label in the browser and fall back to the first option on the next click.
            # Assigning the value makes Streamlit send it again with the new label.
            st.session_state[key] = st.session_state[key]
        if self.hidden & set(params or (name,)):
            return st.session_state[key]
        disabled = kwargs.pop("disabled", False) or self.locked
        return widget(label, *args, key=key, disabled=disabled, **kwargs)

    def slider(self, name: str, label: str, **kwargs: Any) -> Any:
        """``control`` for a slider over the whole range its URL parameter declares (its lo, hi
        and step, declared once in the lesson's PARAMS)."""
        param = self.spec[name]
        step = getattr(param, "step", 1)
        return self.control(st.slider, name, label, param.lo, param.hi, step=step, **kwargs)

    def seed_control(self, container, new_label: str, help: str) -> int:
        """The page's ``seed``: a number box and a button that steps to the next seed."""
        seed = self.control(container.number_input, "seed", "seed", *SEED_RANGE, step=1, help=help)
        if "seed" not in self.hidden:
            container.button(
                new_label, on_click=self._next_seed, icon=":material/casino:", disabled=self.locked
            )
        return seed

    def _next_seed(self) -> None:
        key = self.key("seed")
        st.session_state[key] = (st.session_state[key] + 1) % (SEED_RANGE[1] + 1)

    def show_notices(self) -> None:
        """A small warning for each URL value that was replaced (never an error box), and a
        note when a teacher's link locked or hid controls, so that it reads as intended."""
        for notice in self.notices:
            st.warning(notice_text(notice), icon=":material/link_off:")
        if self.locked or self.hidden:
            parts = [t("frame.locked")] if self.locked else []
            if self.hidden:
                names = ", ".join(f"`{name}`" for name in sorted(self.hidden))
                parts.append(t("frame.hidden", names=names))
            st.info(
                " ".join(parts),
                icon=":material/lock:" if self.locked else ":material/visibility_off:",
            )

    def sync(self, values: Mapping[str, Any]) -> None:
        """Write the page's current values to the query string (only the ones that changed);
        ``link_params`` is then what a link to this state carries."""
        self.synced = self.spec.encode(values)
        for name, text in self.synced.items():
            if not text:  # an empty list (e.g. no class weights) is the absence of the parameter
                if name in st.query_params:
                    del st.query_params[name]
            elif st.query_params.get(name) != text or len(st.query_params.get_all(name)) > 1:
                st.query_params[name] = text

    @property
    def link_params(self) -> dict[str, str]:
        """The page's parameters as the last ``sync`` wrote them (empty ones left out)."""
        return {name: text for name, text in self.synced.items() if text}


def quoted(raw: str) -> str:
    """Text someone typed or linked, as every notice quotes it: short, printable, escaped."""
    return md_escape(quote(raw))


def notice_text(notice: Notice) -> str:
    return t(
        "notice.template",
        param=notice.param,
        raw=md_escape(notice.raw),
        reason=t(f"notice.{notice.reason}"),
        used=md_escape(notice.used) if notice.used else t("notice.nothing"),
    )

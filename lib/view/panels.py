"""The parts every lesson page shares, in the order of the lesson pattern (DESIGN.md)."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import streamlit as st

from lib.i18n import t


def lesson_header(lesson: str) -> None:
    """1. Title and one sentence: what you will see."""
    st.title(t(f"{lesson}.title"))
    st.markdown(t(f"{lesson}.lede"))


def formula(latex: str, caption: str | None = None) -> None:
    """4. The formula with the current numbers in it."""
    st.subheader(t("panel.formula"), divider="gray")
    st.latex(latex)
    if caption:
        st.caption(caption)


def code_panel(snippet: str) -> None:
    """5. "Reproduce this": a self-contained snippet that prints the page's numbers."""
    st.subheader(t("panel.code"), divider="gray")
    st.caption(t("panel.code_help"))
    st.code(snippet, language="python")


def notes_box(lesson: str) -> None:
    """6. What the notes say and what current PyTorch does."""
    st.subheader(t("panel.notes"), divider="gray")
    # The key gives the box a stable CSS class (st-key-lesson-notes): browser tests wait for it
    # as the sign that a lesson has drawn everything down to its notes.
    with st.container(border=True, key="lesson-notes"):
        st.markdown(t(f"{lesson}.notes"))


@dataclass(frozen=True)
class Metric:
    """One number of a lesson's metric row: a label, its value as shown, an optional hint."""

    label: str
    value: str
    help: str | None = None


def metric_row(metrics: Sequence[Metric]) -> None:
    """A row of labelled numbers as one element (a row of ``st.metric`` cost a slider move one
    element per number plus the row; DESIGN.md: fewer elements per move). It wraps on a phone.
    A label with a hint is underlined dotted and carries it as its title (the hover text).
    Every text is escaped: the HTML is ours, the words are not."""
    cells = "".join(
        "<div>"
        + (
            f'<dt class="hint" title="{html.escape(m.help)}">{html.escape(m.label)}</dt>'
            if m.help
            else f"<dt>{html.escape(m.label)}</dt>"
        )
        + f"<dd>{html.escape(m.value)}</dd></div>"
        for m in metrics
    )
    st.markdown(f'<dl class="lesson-metrics">{cells}</dl>', unsafe_allow_html=True)


ANSWERS = "check.answers"  # session state: check key -> (question, choice) once revealed
HIDDEN = "?"  # what a number shows while it is the answer to an unanswered check


def _record(key: str, question: str, choice_key: str) -> None:
    """The Reveal button's callback: it runs before the rerun, so the whole page (the picture
    above the check included) already knows the question was answered."""
    choice = st.session_state.get(choice_key)
    if choice is not None:
        st.session_state.setdefault(ANSWERS, {})[key] = (question, choice)


def answered(key: str, question: str) -> bool:
    """Has this session revealed the check ``key`` for this very question (right or wrong)?
    A number that answers it stays hidden until then (``hidden_until``)."""
    return st.session_state.get(ANSWERS, {}).get(key, (None,))[0] == question


def hidden_until(revealed: bool, value: str) -> str:
    return value if revealed else HIDDEN


def check_yourself(
    key: str,
    question: str,
    options: Sequence[str],
    answers: Collection[str],
    explanation: str,
    format_func: Callable[[str], str] = str,
) -> None:
    """7. Predict, then reveal: the answer is computed by PyTorch for the current state.

    ``answers`` holds every right option (ties are all right). The verdict stays until the
    question changes (a move that changes the state asks a new one). Its title is in the
    radio's label, not a heading of its own: one element less on every move."""
    # One radio per question: a new question starts unanswered.
    choice_key = f"check.{key}.{hashlib.sha1(question.encode()).hexdigest()[:10]}"
    with st.form(key=f"check.{key}", border=True):
        label = f"**{t('panel.check')}** · {question}"
        choice = st.radio(label, options, index=None, format_func=format_func, key=choice_key)
        submitted = st.form_submit_button(
            t("panel.check_submit"), on_click=_record, args=(key, question, choice_key)
        )
    if submitted and choice is None:
        st.info(t("panel.check_pick"))
    elif answered(key, question):
        chosen = st.session_state[ANSWERS][key][1]
        if chosen in answers:
            st.success(t("panel.check_right", explanation=explanation))
        else:
            st.warning(
                t(
                    "panel.check_wrong",
                    answer=", ".join(format_func(a) for a in answers),
                    explanation=explanation,
                )
            )

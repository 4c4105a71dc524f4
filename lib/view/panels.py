"""The parts every lesson page shares, in the order of the lesson pattern (DESIGN.md)."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import streamlit as st

from lib.i18n import t


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


def metric_row(
    metrics: Sequence[Metric], note: str | None = None, caption: str | None = None
) -> None:
    """A row of labelled numbers as one element (a row of ``st.metric`` cost a slider move one
    element per number plus the row; DESIGN.md: fewer elements per move). It wraps on a phone.
    A label with a hint is underlined dotted and carries it as its title (the hover text).
    Every text is escaped: the HTML is ours, the words are not. ``note`` and ``caption``:
    markdown under the numbers in the same element, the caption small and grey as
    ``st.caption``'s; made of the app's own words and numbers only (never text a visitor typed
    or a link gave: they are not escaped)."""
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
    parts = [f'<dl class="lesson-metrics">{cells}</dl>']
    if note:
        parts.append(note)
    if caption:  # blank lines around the markdown inside: it is read as markdown, not HTML
        parts.append(f'<div class="lesson-caption">\n\n{caption}\n\n</div>')
    st.markdown("\n\n".join(parts), unsafe_allow_html=True)


ANSWERS = "check.answers"  # session state: check key -> (question, choice) once revealed
HIDDEN = "?"  # what a number shows while it is the answer to an unanswered check


def _record(key: str, question: str, choice_key: str) -> None:
    """The radio's callback: it runs before the rerun, so the whole page (the picture beside
    the check included) already knows the question was answered."""
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
    """7. Predict, then see: the answer is computed by PyTorch for the current state.

    ``answers`` holds every right option (ties are all right). Picking an option is the answer
    (the verdict follows at once; another pick is another answer); the verdict stays until the
    question changes (a move that changes the state asks a new one). One element on every move:
    the title is in the radio's label, and there is no form or Reveal button around it (they
    were two more)."""
    # One radio per question: a new question starts unanswered.
    choice_key = f"check.{key}.{hashlib.sha1(question.encode()).hexdigest()[:10]}"
    st.radio(
        f"**{t('panel.check')}** · {question}",
        options,
        index=None,
        format_func=format_func,
        key=choice_key,
        on_change=_record,
        args=(key, question, choice_key),
    )
    if answered(key, question):
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

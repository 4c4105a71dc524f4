"""The parts every lesson page shares, in the order of the lesson pattern (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

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


def check_yourself(
    key: str,
    question: str,
    options: Sequence[str],
    answers: Collection[str],
    explanation: str,
    format_func: Callable[[str], str] = str,
) -> None:
    """7. Predict, then reveal: the answer is computed by PyTorch for the current state.

    ``answers`` holds every right option (ties are all right)."""
    st.subheader(t("panel.check"), divider="gray")
    with st.form(key=f"check.{key}", border=True):
        choice = st.radio(question, options, index=None, format_func=format_func)
        submitted = st.form_submit_button(t("panel.check_submit"))
    if submitted:
        if choice is None:
            st.info(t("panel.check_pick"))
        elif choice in answers:
            st.success(t("panel.check_right", explanation=explanation))
        else:
            st.warning(
                t(
                    "panel.check_wrong",
                    answer=", ".join(format_func(a) for a in answers),
                    explanation=explanation,
                )
            )

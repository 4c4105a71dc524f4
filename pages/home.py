"""Home: what the app is, and the lesson map: every lesson as a card with a small live picture,
in the order of the notes."""

import streamlit as st

from lib.i18n import language, t
from lib.lessons import LESSONS
from lib.view import kinds
from lib.view.thumbnails import thumbnail

st.title(t("home.title"))
st.markdown(t("home.lede"))

for i, lesson in enumerate(LESSONS):
    if i % 2 == 0:  # a new row of two cards, so the reading order is the notes' order
        cols = st.columns(2)
    with cols[i % 2].container(border=True):
        st.markdown(f"**{lesson.notes_ref} · {t(f'{lesson.path}.title')}**")
        st.caption(t(f"{lesson.path}.card"))
        spec = thumbnail(lesson.path, language())
        if spec is not None:
            kinds.show(spec, key=f"home.{lesson.path}")
        st.page_link(lesson.file, label=t("home.open"), icon=lesson.icon)

"""Home: what the app is, and the lessons in the order of the notes."""

import streamlit as st

from lib.i18n import t
from lib.view.frame import require_navigation
from lib.view.lessons_index import LESSONS

require_navigation()

st.title(t("home.title"))
st.markdown(t("home.lede"))

for i, lesson in enumerate(LESSONS):
    if i % 2 == 0:  # a new row of two cards, so the reading order is the notes' order
        cols = st.columns(2)
    with cols[i % 2].container(border=True):
        st.markdown(f"**{lesson.notes_ref} · {t(f'{lesson.url_path}.title')}**")
        st.caption(t(f"{lesson.url_path}.card"))
        st.page_link(lesson.file, label=t("home.open"), icon=lesson.icon)

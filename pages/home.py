"""Home: what the app is, and the lesson map: every lesson as a card with a small live picture,
in the order of the notes."""

import streamlit as st

from lib.i18n import language, t
from lib.view import charts
from lib.view.frame import require_navigation
from lib.view.lessons_index import LESSONS
from lib.view.thumbnails import thumbnail

require_navigation()

st.title(t("home.title"))
st.markdown(t("home.lede"))

for i, lesson in enumerate(LESSONS):
    if i % 2 == 0:  # a new row of two cards, so the reading order is the notes' order
        cols = st.columns(2)
    with cols[i % 2].container(border=True):
        st.markdown(f"**{lesson.notes_ref} · {t(f'{lesson.url_path}.title')}**")
        st.caption(t(f"{lesson.url_path}.card"))
        spec = thumbnail(lesson.url_path, language())
        if spec is not None:
            charts.show(spec, key=f"home.{lesson.url_path}")
        st.page_link(lesson.file, label=t("home.open"), icon=lesson.icon)

"""PyTorch, by sliders: the entry script. Sets up the shared frame and the navigation."""

import streamlit as st

import lib.runtime  # noqa: F401  (first: one torch thread, gc.freeze after the heavy imports)
from lib.i18n import t
from lib.view import frame
from lib.view.lessons_index import LESSONS

frame.start()

home = st.Page("pages/home.py", title=t("home.nav"), icon=":material/home:", default=True)
sections: dict[str, list] = {"": [home]}
for lesson in LESSONS:
    page = st.Page(
        lesson.file, title=t(f"{lesson.url_path}.nav"), icon=lesson.icon, url_path=lesson.url_path
    )
    sections.setdefault(t(lesson.section), []).append(page)

page = st.navigation(sections)
frame.sidebar()
page.run()

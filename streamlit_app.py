"""PyTorch, by sliders: the entry script. Sets up the shared frame and the navigation.

`streamlit run streamlit_app.py` first imports this file, finds ``app`` and serves it (Streamlit's
ASGI mode); every visitor's session then runs the file as "__main__", the page code below.
"""

import streamlit as st

if __name__ != "__main__":
    from lib.runtime import warm_up

    # The server: it warms torch at its start, so the first visitor does not pay for it.
    app = st.App(__file__, lifespan=warm_up)
else:
    from lib import runtime
    from lib.i18n import t
    from lib.view import frame
    from lib.view.lessons_index import LESSONS

    runtime.prepare()  # first: torch, one thread, gc.freeze (done already if the server warmed it)
    frame.start()

    home = st.Page("pages/home.py", title=t("home.nav"), icon=":material/home:", default=True)
    sections: dict[str, list] = {"": [home]}
    for lesson in LESSONS:
        page = st.Page(
            lesson.file,
            title=t(f"{lesson.url_path}.nav"),
            icon=lesson.icon,
            url_path=lesson.url_path,
        )
        sections.setdefault(t(lesson.section), []).append(page)

    page = st.navigation(sections)
    frame.sidebar()
    page.run()

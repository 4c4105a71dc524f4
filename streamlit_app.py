"""PyTorch, by sliders: the entry script. Sets up the shared frame and the navigation.

`streamlit run streamlit_app.py` first imports this file, finds ``app`` and serves it (Streamlit's
ASGI mode); every visitor's session then runs the file as "__main__", the page code below.
"""

import streamlit as st

if __name__ != "__main__":
    from streamlit.runtime.pages_manager import PagesManager

    from lib.runtime import warm_up

    # Streamlit 1.67 still honours the old ``pages/`` folder until ``st.navigation`` has run once
    # in the process: a first request for a shared deep link (``/dropout?p=0.3``) would run
    # ``pages/dropout.py`` alone, without this entry script, and stay in that mode for everyone.
    # The flag is only ever set while it is None: clearing it here, once, before the server makes
    # its first session, keeps every run on ``st.navigation`` below.
    PagesManager.uses_pages_directory = False

    # The server: it warms torch at its start, so the first visitor does not pay for it.
    app = st.App(__file__, lifespan=warm_up)
else:
    from lib import runtime
    from lib.i18n import t
    from lib.lessons import LESSONS
    from lib.view import frame

    runtime.prepare()  # first: torch, one thread, gc.freeze (done already if the server warmed it)
    frame.start()

    home = st.Page("pages/home.py", title=t("home.nav"), icon=":material/home:", default=True)
    sections: dict[str, list] = {"": [home]}
    for lesson in LESSONS:
        page = st.Page(
            lesson.file,
            title=t(f"{lesson.path}.nav"),
            icon=lesson.icon,
            url_path=lesson.path,
        )
        sections.setdefault(t(lesson.section), []).append(page)

    page = st.navigation(sections)
    frame.sidebar()
    page.run()

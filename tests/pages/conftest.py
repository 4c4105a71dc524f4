import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch):
    """Run AppTest as a real server runs after its first request: in st.navigation mode.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run, so with our
    ``pages/`` folder each run would start in Streamlit's old pages-folder mode and run a page
    file without the entry script. A real server clears the flag once, for good, when it imports
    streamlit_app.py; the first-request case (a deep link) is covered by the browser tests.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)

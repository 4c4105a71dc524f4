import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch):
    """Run AppTest as a real server runs after its first request: in st.navigation mode.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run, so with our
    ``pages/`` folder each run would start in Streamlit's old pages-folder mode, and the page's
    ``require_navigation()`` would rerun through the entry script, dropping the click that
    started the run. A real server clears the flag once, for good (see lib/view/frame.py); the
    first-request case is covered by the browser tests.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)

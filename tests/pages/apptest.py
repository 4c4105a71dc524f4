"""Running a page of the app in AppTest, through the real entry script and st.navigation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "streamlit_app.py")
PAGES = tuple(lesson.path for lesson in LESSONS)


def open_page(page: str, **params: object) -> AppTest:
    """The app after opening ``/<page>?<params>``: entry script, navigation, then the page.
    A list value becomes a repeated key (``fn=a&fn=b``)."""
    at = AppTest.from_file(ENTRY, default_timeout=60)
    query = {k: v if isinstance(v, list) else str(v) for k, v in params.items()}
    at.query_params.update(query)  # the session starts from the link, as in a browser
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def snippet(at: AppTest) -> str:
    """The "Reproduce this" code: the Python block that prints the page's numbers."""
    blocks = [c.value for c in at.code if c.language == "python" and "print(" in c.value]
    assert len(blocks) == 1, f"expected one runnable snippet, found {len(blocks)}"
    return blocks[0]


def run_snippet(code: str) -> dict[str, str]:
    """Run a snippet in a fresh Python; return its ``name = value`` lines as a dict."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    printed = {}
    for line in done.stdout.splitlines():
        name, sep, value = line.partition(" = ")
        assert sep, f"unexpected snippet output line: {line!r}"
        printed[name] = value
    return printed


def texts(at: AppTest) -> str:
    """Everything the page writes as text (markdown, captions, LaTeX, notices), one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [x.value for x in at.latex] + [w.value for w in at.warning] + [i.value for i in at.info]
    )
    return "\n".join(parts)


def numbers_in(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+\.\d+", text)]

"""Running a page of the app in AppTest, through the real entry script and st.navigation."""

from __future__ import annotations

import contextlib
import html
import io
import multiprocessing
import re
import traceback
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.lessons import BY_PATH, LESSONS
from lib.view.lesson import CODE, view_of

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "streamlit_app.py")
PAGES = tuple(lesson.path for lesson in LESSONS)


def folded_parts(page: str) -> list[str]:
    """The session keys of the page's folded parts (closed until a student opens them)."""
    view = view_of(BY_PATH[page])
    parts = [p for p in (*view.SECTIONS, CODE) if p.folded]
    return [f"{page}.open.{p.name}" for p in parts]


def open_page(page: str, unfold: bool = True, **params: object) -> AppTest:
    """The app after opening ``/<page>?<params>``: entry script, navigation, then the page.
    A list value becomes a repeated key (``fn=a&fn=b``). ``unfold``: with every folded part
    open (as a student who opened them sees it), so tests read what they hold."""
    at = AppTest.from_file(ENTRY, default_timeout=60)
    if unfold:
        for key in folded_parts(page):
            at.session_state[key] = True
    query = {k: v if isinstance(v, list) else str(v) for k, v in params.items()}
    at.query_params.update(query)  # the session starts from the link, as in a browser
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


_METRIC = re.compile(r"<dt[^>]*>(.*?)</dt><dd>(.*?)</dd>")


def metrics(at: AppTest) -> dict[str, str]:
    """The page's labelled numbers (its metric rows, lib/view/panels.metric_row), label -> value."""
    rows = [m.value for m in at.markdown if m.value.startswith('<dl class="lesson-metrics">')]
    return {
        html.unescape(label): html.unescape(value)
        for row in rows
        for label, value in _METRIC.findall(row)
    }


def snippet(at: AppTest) -> str:
    """The "Reproduce this" code: the Python block that prints the page's numbers."""
    blocks = [c.value for c in at.code if c.language == "python" and "print(" in c.value]
    assert len(blocks) == 1, f"expected one runnable snippet, found {len(blocks)}"
    return blocks[0]


# Snippets run in a child process of a fork server that has imported torch once: a fresh
# `python -c` paid ~2 s of `import torch` per snippet (about 100 s of the suite). The child has
# none of the test's state: only torch imported, a fresh __main__ namespace, its own stdout.
_SNIPPETS = multiprocessing.get_context("forkserver")
_SNIPPETS.set_forkserver_preload(["torch"])


def _exec_snippet(code: str, conn) -> None:
    import torch

    torch.set_num_threads(1)  # as the app computes (lib/runtime.py); two spun on a busy machine
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__"})  # noqa: S102
        conn.send((True, out.getvalue(), ""))
    except BaseException:  # noqa: BLE001 (the test reports it)
        conn.send((False, out.getvalue(), traceback.format_exc()))


def run_snippet(code: str) -> dict[str, str]:
    """Run a snippet in a fresh process; return its ``name = value`` lines as a dict."""
    receive, send = _SNIPPETS.Pipe(duplex=False)
    child = _SNIPPETS.Process(target=_exec_snippet, args=(code, send))
    child.start()
    send.close()
    assert receive.poll(120), "the snippet did not finish in 120 s"
    ok, stdout, error = receive.recv()
    child.join(30)
    assert ok, error
    printed = {}
    for line in stdout.splitlines():
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
    """The numbers written in ``text`` as the page writes them (lib/lessons/_format.num: 5,
    0.659, -2.5, 1.5e-05)."""
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?", text)]


def answer_check(at: AppTest) -> AppTest:
    """Answer the page's "Check yourself" rightly (trying its options in turn) and reveal: the
    numbers that answer it show only after that."""
    options = next(r for r in at.radio if r.key and r.key.startswith("check.")).options
    for option in options:
        next(r for r in at.radio if r.key and r.key.startswith("check.")).set_value(option)
        at.run()
        if at.success:
            return at
    raise AssertionError(f"no option of the check was right: {options}")


def open_answered(page: str, **params: object) -> AppTest:
    """``open_page`` with its "Check yourself" answered, so every number shows."""
    return answer_check(open_page(page, **params))

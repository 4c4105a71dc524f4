"""Process-wide setup, done once per server process by ``prepare()``.

- Warmed at server start: ``streamlit run streamlit_app.py`` serves the ``st.App`` that the entry
  script defines, and its lifespan (``warm_up``) runs ``prepare()`` in a thread while the server
  starts answering, so the first visitor does not pay for ``import torch`` (~3-5 s here) and the
  rest (bench/RESULTS.md). Every run of the entry script calls ``prepare()`` as well: instant once
  done, it waits for a warm-up still under way, and it does the work under AppTest.
- One torch thread: every visitor's rerun is already a thread of this one process.
- gc.freeze() after the heavy imports: with torch and pandas loaded a full collection cost
  ~190 ms (DESIGN.md); frozen, the collector skips the libraries' objects, and garbage we create
  is still collected (by the interpreter's own thresholds: ``runner.postScriptGC`` is off in
  .streamlit/config.toml).
"""

from __future__ import annotations

import gc
import importlib
import threading
from contextlib import asynccontextmanager

_lock = threading.Lock()
_ready = False


def prepare() -> None:
    global _ready
    with _lock:
        if _ready:
            return
        import pandas  # noqa: F401  (imported here so its objects are frozen with torch's)
        import torch

        torch.set_num_threads(1)
        # The first optimizer imports torch._dynamo (and sympy with it): ~2 s, once.
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        _import_what_pages_use()
        gc.collect()
        gc.freeze()
        _ready = True


def _import_what_pages_use() -> None:
    """Best effort: a module that fails to import here fails again on its own page, visibly,
    instead of taking every page down with it."""
    from lib.lessons import LESSONS

    names = ["pyarrow", "streamlit.emojis"]  # Arrow: every chart; emojis: page_icon's check (0.7 s)
    names += [f"lib.lessons.{lesson.path}.view" for lesson in LESSONS]
    names += ["lib.view.kinds", "lib.view.lesson", "lib.view.thumbnails"]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112
            continue


@asynccontextmanager
async def warm_up(app):
    """The server's lifespan: start ``prepare()`` and serve at once."""
    threading.Thread(target=prepare, name="warm-up", daemon=True).start()
    yield

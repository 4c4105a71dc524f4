"""Sessions are isolated: two sessions with the same link see the same random masks and initial
weights, whatever other sessions do at the same time.

Streamlit runs every session as a thread of one process, so "at the same time" means threads.
First the lesson functions that draw random numbers, hammered from many threads at once; then
whole pages in AppTest, several sessions in threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pyarrow
import pytest
import torch

from lib.lessons import LESSONS
from lib.lessons.dropout import compute as dropout
from lib.lessons.embedding import compute as embedding
from lib.lessons.linear import compute as linear
from lib.lessons.rnn import compute as rnn
from tests.pages.apptest import metrics, open_page

SEED = 42


def flat(module: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in module.parameters()])


# What each seeded page draws: dropout's mask, default inits of nn.Linear, nn.Embedding, nn.LSTM.
DRAWS: dict[str, Callable[[int], torch.Tensor]] = {
    "dropout mask": lambda seed: dropout.draw(0.5, seed).kept,
    "linear init": lambda seed: flat(linear.make_layer(8, 8, True, seed)),
    "embedding init": lambda seed: flat(embedding.build(embedding.Setup(num=20, seed=seed))),
    "lstm init": lambda seed: flat(rnn.build(rnn.Setup(cell="lstm", hidden=16, seed=seed))),
}


def in_threads(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs at once (a barrier starts them together); return results in order, re-raising
    the first error."""
    results: list[object] = [None] * len(jobs)
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = jobs[i]()
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize("name", DRAWS)
def test_same_seed_same_draw_whatever_other_threads_draw(name):
    draw = DRAWS[name]
    expected = draw(SEED)
    assert not torch.equal(draw(SEED + 1), expected), "another seed draws something else"

    def same_link() -> list[torch.Tensor]:
        return [draw(SEED) for _ in range(25)]

    def other_visitor(offset: int) -> None:
        for k in range(25):  # "new mask" clicks: other seeds, every kind of draw
            for other in DRAWS.values():
                other(SEED + offset + k)

    def generator_user() -> None:  # code that draws from its own torch.Generator
        gen = torch.Generator().manual_seed(7)
        for _ in range(200):
            torch.rand(64, generator=gen)

    jobs = [same_link, same_link, same_link]
    jobs += [lambda o=o: other_visitor(o) for o in (1, 100, 10_000)] + [generator_user]
    results = in_threads(jobs)
    for draws in results[:3]:
        assert all(torch.equal(got, expected) for got in draws)


def test_seeded_draws_leave_the_global_rng_where_it_was():
    """A visitor's own unseeded torch.rand (e.g. in a snippet run elsewhere in the process)
    continues its sequence as if no lesson had drawn in between."""
    torch.manual_seed(123)
    expected = torch.rand(5)
    torch.manual_seed(123)
    in_threads([lambda: [draw(SEED) for draw in DRAWS.values()] for _ in range(4)])
    assert torch.equal(torch.rand(5), expected)


# --- whole pages: sessions in threads ------------------------------------------------------

# Every lesson with a seed (from the registry): the link two students share, what a third session
# sets meanwhile. Larger states where a lesson has them; else the seed alone.
LARGER = {
    "dropout": ({"p": 0.5, "seed": SEED}, {"p": 0.3}),
    "linear": ({"in": 8, "out": 8, "seed": SEED}, {"in": 3, "out": 5}),
    "embedding": ({"num": 20, "dim": 8, "seed": SEED}, {"num": 12, "dim": 3}),
    "rnn": ({"cell": "lstm", "hidden": 16, "seed": SEED}, {"cell": "rnn", "hidden": 5}),
}
PAGES = {
    lesson.path: LARGER.get(lesson.path, ({"seed": SEED}, {}))
    for lesson in LESSONS
    if "seed" in {param.name for param in lesson.params.params}
}


def arrow_values(data: bytes) -> tuple[str, str]:
    """A dataset's columns and values (repr, so that nan equals nan)."""
    table = pyarrow.ipc.open_stream(data).read_all()
    return table.schema.to_string(show_schema_metadata=False), repr(table.to_pydict())


def shown(at) -> dict:
    """Everything seeded that the page shows: metrics, tables, chart data."""
    # A chart's data as values, not Arrow bytes: the same values can be encoded in different
    # bytes (e.g. a DataFrame that went through a pickle round trip).
    charts = [
        (chart.proto.spec, [(d.name, arrow_values(d.data.data)) for d in chart.proto.datasets])
        for chart in at.get("vega_lite_chart")
    ]
    tables = [table.value.to_csv() for table in at.table]
    return {"metrics": metrics(at), "tables": tables, "charts": charts}


@pytest.fixture
def like_one_server(monkeypatch):
    """AppTest sessions in threads, sharing what a server's sessions share.

    AppTest gives every instance its own script cache (compiling in several threads at once
    trips CPython 3.11's "AST constructor recursion depth mismatch"; the server compiles once,
    under a lock) and installs its own mock Runtime as the process-wide singleton, clearing it
    when its run ends, under the feet of the sessions still running. Here: one cache, and the
    last Runtime installed stays available, as the server's one Runtime does.

    Each AppTest run also patches `config.get_option` for its duration (global.appTest=True); runs
    in threads nest and unwind those patches out of order, so one run can end with the option
    off while another is still running, and its widgets then miss their test data. Here the
    option is on for the whole test and the per-run patch does nothing."""
    import contextlib

    from streamlit import config
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test
    from streamlit.testing.v1.util import build_mock_config_get_option

    monkeypatch.setattr(
        config, "get_option", build_mock_config_get_option({"global.appTest": True})
    )
    monkeypatch.setattr(app_test, "patch_config_options", lambda _: contextlib.nullcontext())
    shared = ScriptCache()
    monkeypatch.setattr(app_test, "ScriptCache", lambda: shared)
    last: list[Runtime] = []

    def instance(cls) -> Runtime:
        if cls._instance is not None:
            last[:] = [cls._instance]
        if not last:
            raise RuntimeError("Runtime hasn't been created!")
        return last[0]

    monkeypatch.setattr(Runtime, "instance", classmethod(instance))
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: bool(last) or cls._instance))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.usefixtures("like_one_server")
def test_two_sessions_with_one_link_see_the_same_page_while_a_third_clicks(page):
    link, other = PAGES[page]
    reference = shown(open_page(page, **link))

    def student() -> dict:
        return shown(open_page(page, **link))

    def third_session() -> None:
        at = open_page(page, **other, seed=SEED + 1)
        for _ in range(3):  # new seeds: the "new mask" / "new weights" button, and reruns
            buttons = [b for b in at.button if b.label.lower().startswith("new")]
            (buttons[0].click() if buttons else at).run()

    first, second, _ = in_threads([student, student, third_session])
    assert first == reference
    assert second == reference

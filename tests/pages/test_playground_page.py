"""The playground page in AppTest: its numbers are compute's, its state comes from the link, its
snippet prints what it shows, and hostile or too-large links fall back with a notice."""

from __future__ import annotations

import json

import pytest

from lib.lessons._format import num
from lib.lessons.playground import compute as lesson
from lib.lessons.playground import view
from tests.pages.apptest import answer_check, metrics, open_page, run_snippet, snippet, texts


def expected(s: lesson.Settings) -> dict[str, str]:
    run = lesson.train(s)
    return {
        "train loss": num(run.train_loss[-1]),
        "test loss": num(run.test_loss[-1]),
        "train accuracy": num(run.train_acc[-1]),
        "test accuracy": num(run.test_acc[-1]),
    }


def losses(at) -> dict[str, str]:
    """The page's losses and accuracies (its metrics but the parameter count, the check's
    answer, hidden until the check is answered)."""
    shown = metrics(at)
    assert shown.pop("parameters") == "?"
    return shown


def test_default_page_shows_computes_numbers_and_its_snippet_prints_them():
    at = open_page("playground")
    shown = losses(at)
    assert shown == expected(lesson.Settings())
    assert run_snippet(snippet(at)) == shown
    assert "Sequential(" in "\n".join(c.value for c in at.code)


def test_the_link_sets_the_run():
    link = dict(
        data="blobs", layers="3,2", act="relu", lr=0.3, epochs=7, batch=20, seed=4,
        features="x1,x2,x1x2", dropout=0.2, smoothing=0.1, noise=10,
    )  # fmt: skip
    at = open_page("playground", **link)
    s = lesson.Settings(
        dataset="blobs", layers=(3, 2), activation="relu", lr=0.3, epochs=7, batch=20, seed=4,
        features=("x1", "x2", "x1x2"), dropout=0.2, smoothing=0.1, noise=10,
    )  # fmt: skip
    assert losses(at) == expected(s)
    assert run_snippet(snippet(at)) == losses(at)
    assert at.query_params["layers"] == "3,2" and at.query_params["data"] == "blobs"


def test_the_chart_carries_every_epoch_and_scrubs_in_the_browser():
    at = open_page("playground", epochs=9)
    (chart,) = [c for c in at.get("vega_lite_chart") if "scrub" in c.proto.spec]
    spec = json.loads(chart.proto.spec)
    (param,) = spec["params"]
    assert param["bind"]["input"] == "range" and param["bind"]["max"] == 9
    names = {d.name for d in chart.proto.datasets}
    assert names == {"boundary", "points", "units", "curves", "readout"}
    assert sum(len(d.data.data) for d in chart.proto.datasets) < 2_000_000


def test_a_moved_control_retrains_and_updates_the_url():
    at = open_page("playground")
    at.select_slider(key="playground.lr").set_value(0.03).run()
    assert not at.exception
    assert losses(at) == expected(lesson.Settings(lr=0.03))
    assert at.query_params["lr"] == "0.03"


def test_too_many_epochs_for_the_batch_size_are_capped_with_a_notice():
    at = open_page("playground", batch=1, epochs=100)
    cap = lesson.max_epochs(lesson.Settings(batch=1))
    assert any("epochs" in w.value for w in at.warning)
    assert at.select_slider(key="playground.epochs").value == cap
    assert losses(at) == expected(lesson.Settings(batch=1, epochs=cap))


@pytest.mark.parametrize(
    "link",
    [
        {"lr": "nan"},
        {"lr": "1e30"},
        {"layers": ",".join(["8"] * 10_000)},
        {"points": "1e9", "epochs": "-5"},
        {"data": "<b>x</b>", "act": "nope", "features": "x9"},
    ],
)
def test_hostile_links_fall_back_with_a_notice(link):
    at = open_page("playground", **link)
    assert not at.exception and not at.error
    assert at.warning, "a notice says what was replaced"
    assert set(losses(at)) == {"train loss", "test loss", "train accuracy", "test accuracy"}


def test_a_diverging_run_shows_nan_and_a_kind_explanation():
    at = open_page("playground", layers="8,8,8", act="elu", lr=10, epochs=5)
    assert losses(at)["train loss"] == "nan"
    assert "diverged" in texts(at)
    assert not at.exception and not at.error


def test_nesterov_without_momentum_shows_pytorchs_error():
    at = open_page("playground", nesterov=1, momentum=0)
    assert any("Nesterov momentum requires" in c.value for c in at.code)
    assert run_snippet(snippet(at))["ValueError"].startswith("Nesterov momentum requires")


def test_one_training_per_setting_is_shared():
    view._prepared.clear()
    calls = []
    real = lesson.train

    def counting(s):
        calls.append(s)
        return real(s)

    lesson.train = counting
    try:
        first = metrics(open_page("playground", seed=11))
        second = metrics(open_page("playground", seed=11))
    finally:
        lesson.train = real
    assert first == second
    assert len(calls) == 1


def test_the_parameter_count_shows_once_the_check_is_answered():
    """The model is printed as PyTorch prints it (drawn once, not on every move), and its
    parameter count, the check's answer, shows in the metrics after the check."""
    at = open_page("playground", layers="3,2", act="relu")
    model = "\n".join(c.value for c in at.code)
    assert "(0): Linear(in_features=2, out_features=3, bias=True)" in model
    answer_check(at)
    assert metrics(at)["parameters"] == str((2 * 3 + 3) + (3 * 2 + 2) + (2 * 2 + 2))

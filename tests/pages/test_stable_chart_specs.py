"""Moving a slider changes a chart's data, never its spec (issue 8, "Make it fast").

Streamlit's frontend re-embeds the whole Vega view (measured: ~100 ms more per chart in
Chromium) when a chart's spec JSON changes between reruns, but only swaps the rows when just
its named datasets change. So everything that follows a slider lives in the datasets: no
numbers in descriptions or titles, scale domains fixed at the caps (or computed by Vega from
the data), highlight flags and labels as columns. A slider that changes the *shape* of the
picture (number of rows, series or charts) may change the spec; those are not listed here.

One exception: a scrub chart's own range input starts at the page slider's value, which is
the ``value`` of its bound param, so the page slider it mirrors re-embeds that one chart. The
param cannot read it from a dataset: measured in Chromium, a bound param with
``expr: "data('probe')[0].x"`` is evaluated once and does not follow a dataset change.
"""

from __future__ import annotations

import json

import pytest

from tests.pages.apptest import PAGES, open_page

# page -> (URL params to start from, [(slider key, value), ...] moved one after another).
# Each move lands on a value the start state does not have, in the middle of the slider. A lesson
# not listed here moves each of its sliders to the middle of its range (generic_moves).
MOVES = {
    "autograd": ({}, [("autograd.w", -1.3), ("autograd.x", 2.4), ("autograd.b", -0.7)]),
    "tensors": ({}, [("tensors.at", 3)]),
    "activations": ({}, [("activations.x", 1.3), ("activations.x", -2.1)]),
    "sgd": (
        {},
        [
            ("sgd.cond", 20.0),
            ("sgd.x0", 1.1),
            ("sgd.y0", -0.4),
            ("sgd.momentum", 0.8),
            ("sgd.dampening", 0.2),
            ("sgd.steps", 45),
            ("sgd.show", 12),
        ],
    ),
    "linear": ({}, [("linear.x0", -1.4), ("linear.x1", 2.2)]),
    "dropout": ({}, [("dropout.p", 0.3), ("dropout.p", 0.85)]),
    "embedding": ({"max_norm": "1.0"}, [("embedding.max_norm", 2.5)]),
    "sequential": ({}, [("sequential.size", 36), ("sequential.channels", 3)]),
    "cross_entropy": (
        {},
        [
            ("cross_entropy.logit0", -1.5),
            ("cross_entropy.logit1", 3.2),
            ("cross_entropy.logit2", 0.7),
            ("cross_entropy.smoothing", 0.3),
        ],
    ),
    "rnn": (
        {},
        [
            ("rnn.freq", 0.2),
            ("rnn.t", 7),
            ("rnn.unit", 2),
            ("rnn.input", 2),  # sizes too: rows and columns are data, the spec says no size
            ("rnn.hidden", 6),
            ("rnn.steps", 12),
        ],
    ),
}


def chart_specs(at) -> list[dict]:
    """Each chart's spec as the frontend receives it (the datasets travel separately), less
    the start value of a scrub chart's own range input (see above)."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    for spec in specs:
        for param in spec.get("params", []):
            if "bind" in param:
                param.pop("value", None)
    return specs


def differences(before, after, path: str = "") -> list[str]:
    """Where two specs differ, as JSON paths with both values (for a readable failure)."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            line
            for key in sorted(set(before) | set(after), key=str)
            for line in (
                differences(before[key], after[key], f"{path}.{key}")
                if key in before and key in after
                else [f"{path}.{key}: only on one side"]
            )
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            line
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for line in differences(b, a, f"{path}[{i}]")
        ]
    return [] if before == after else [f"{path}: {str(before)[:80]!r} -> {str(after)[:80]!r}"]


def generic_moves(at) -> list[tuple[str, float]]:
    """Each slider of the page to the step nearest the middle of its range (if it is not there)."""
    moves = []
    for slider in at.slider:
        if isinstance(slider.value, tuple) or not slider.key:
            continue
        middle = slider.min + round((slider.max - slider.min) / 2 / slider.step) * slider.step
        middle = type(slider.value)(round(middle, 10))
        if middle != slider.value:
            moves.append((slider.key, middle))
    return moves


def test_listed_moves_are_lessons():
    assert set(MOVES) <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_slider_moves_keep_every_chart_spec(page):
    params, moves = MOVES.get(page, ({}, None))
    at = open_page(page, **params)
    moves = moves if moves is not None else generic_moves(at)
    assert moves, f"/{page}: no slider to move"
    before = chart_specs(at)
    assert before, f"/{page} draws no chart"
    for key, value in moves:
        slider = at.slider(key=key)
        assert slider.value != value, f"{key} already at {value}: the move would test nothing"
        slider.set_value(value).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.slider(key=key).value == value
        after = chart_specs(at)
        assert len(after) == len(before), f"{key} -> {value}: chart count changed"
        changed = {i: differences(b, a) for i, (b, a) in enumerate(zip(before, after, strict=True))}
        changed = {i: lines for i, lines in changed.items() if lines}
        assert not changed, f"{key} -> {value} changed chart specs:\n" + "\n".join(
            f"chart {i}: {line}" for i, lines in changed.items() for line in lines
        )
        before = after

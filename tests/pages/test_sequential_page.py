"""The sequential page in AppTest: shapes and parameter counts from the URL against closed forms,
the layer editor, PyTorch's own errors, bad links, and the "Reproduce this" snippet."""

from __future__ import annotations

import pytest

from tests.pages.apptest import (
    answer_check,
    metrics,
    open_answered,
    open_page,
    run_snippet,
    snippet,
    texts,
)

NOTES = "conv:20:5,relu,conv:64:5,relu"


def out_size(n: int, k: int, s: int = 1, p: int = 0) -> int:
    return (n + 2 * p - k) // s + 1


def conv_params(out: int, inp: int, k: int) -> int:
    return out * inp * k * k + out


def linear_params(inp: int, out: int) -> int:
    return inp * out + out


def table(at):
    return at.table[0].value


def shape_column(at) -> dict[str, str]:
    """name -> output shape, for every layer row of the table (not input and total)."""
    rows = table(at)
    layers = rows.iloc[1:-1]
    return dict(zip(layers["name"], layers["output shape"], strict=True))


def errors(at) -> list[str]:
    return [c.value for c in at.code if c.language == "text"]


def button(at, label: str):
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, [b.label for b in at.button]
    return matches[0]


# --- URL states against closed forms ----------------------------------------------------------


def test_default_is_the_notes_model_on_28():
    at = open_answered("sequential")
    assert metrics(at) == {
        "input": "(1, 1, 28, 28)",
        "output shape": "(1, 64, 20, 20)",
        "total params": f"{conv_params(20, 1, 5) + conv_params(64, 20, 5):,}",
    }
    assert metrics(at)["total params"] == "32,584"
    assert shape_column(at) == {
        "conv1": "(1, 20, 24, 24)",
        "relu1": "(1, 20, 24, 24)",
        "conv2": "(1, 64, 20, 20)",
        "relu2": "(1, 64, 20, 20)",
    }
    assert list(table(at)["params"]) == ["", "520", "0", "32,064", "0", "32,584"]
    assert at.query_params["layers"] == NOTES
    assert (at.query_params["size"], at.query_params["batch"]) == ("28", "1")
    assert not errors(at)


@pytest.mark.parametrize(("size", "batch", "channels"), [(32, 4, 3), (13, 8, 1), (64, 2, 8)])
def test_input_from_the_url(size, batch, channels):
    at = open_answered("sequential", size=size, batch=batch, channels=channels)
    first = out_size(size, 5)
    second = out_size(first, 5)
    assert metrics(at)["input"] == f"({batch}, {channels}, {size}, {size})"
    assert metrics(at)["output shape"] == f"({batch}, 64, {second}, {second})"
    assert shape_column(at)["conv1"] == f"({batch}, 20, {first}, {first})"
    total = conv_params(20, channels, 5) + conv_params(64, 20, 5)
    assert metrics(at)["total params"] == f"{total:,}"
    latex = at.latex[0].value
    assert f"\\frac{{{size} + 2\\cdot 0 - 5}}{{1}}" in latex and f"= {total}" in latex


def test_pool_flatten_linear_from_the_url():
    layers = "conv:8:3:1:1,relu,pool:2,dropout:0.2,flatten,linear:1568:10"
    at = open_answered("sequential", layers=layers, batch=2)
    assert shape_column(at) == {
        "conv1": "(2, 8, 28, 28)",
        "relu1": "(2, 8, 28, 28)",
        "pool1": "(2, 8, 14, 14)",
        "dropout1": "(2, 8, 14, 14)",
        "flatten1": f"(2, {8 * 14 * 14})",
        "linear1": "(2, 10)",
    }
    total = conv_params(8, 1, 3) + linear_params(1568, 10)
    assert metrics(at)["total params"] == f"{total:,}"
    assert at.query_params["layers"] == layers


# --- when the shapes stop fitting --------------------------------------------------------------


def test_wrong_in_features_shows_the_real_error_and_a_fix():
    at = open_page("sequential", layers=f"{NOTES},flatten,linear:100:10")
    features = 64 * 20 * 20
    assert errors(at) == [
        f"RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x{features} and 100x10)"
    ]
    assert metrics(at)["output shape"] == "—"
    assert shape_column(at)["linear1"] == "✗ error"
    page = texts(at)
    assert "linear1" in page and f"Set in_features to {features}" in page
    assert not at.exception and not at.error  # an explanation, never an error box

    button(at, f"Set linear1.in_features = {features}").click().run()
    assert metrics(at)["output shape"] == "(1, 10)"
    assert not errors(at)
    assert at.query_params["layers"] == f"{NOTES},flatten,linear:{features}:10"
    total = conv_params(20, 1, 5) + conv_params(64, 20, 5) + linear_params(features, 10)
    assert metrics(at)["total params"] == f"{total:,}"


def test_linear_without_flatten_offers_to_insert_one():
    at = open_page("sequential", layers=f"{NOTES},linear:25600:10")
    assert "(1280x20 and 25600x10)" in errors(at)[0]  # 1·64·20 rows of 20 numbers
    button(at, "Insert nn.Flatten() before linear1").click().run()
    assert at.query_params["layers"] == f"{NOTES},flatten,linear:25600:10"
    assert metrics(at)["output shape"] == "(1, 10)"


def test_kernel_larger_than_the_image():
    at = open_answered("sequential", size=8)  # 8 - 5 + 1 = 4, then a 5x5 kernel on 4x4
    assert "Kernel size can't be greater than actual input size" in errors(at)[0]
    assert shape_column(at) == {
        "conv1": "(1, 20, 4, 4)",
        "relu1": "(1, 20, 4, 4)",
        "conv2": "✗ error",
        "relu2": "not reached",
    }
    assert "conv2" in texts(at) and "5×5 window" in texts(at)


def test_conv_after_flatten():
    at = open_page("sequential", layers="flatten,conv:4:3")
    assert "Expected 3D (unbatched) or 4D (batched) input to conv2d" in errors(at)[0]


def test_too_much_work_is_explained_not_run():
    at = open_page("sequential", size=64, batch=8, channels=8, layers="conv:64:9:1:4,conv:64:9:1:4")
    assert not errors(at)  # not a PyTorch error
    assert shape_column(at)["conv2"] == "skipped (too much work)"
    assert "conv2" in texts(at) and "ms" in texts(at)


# --- the editor ---------------------------------------------------------------------------------


def test_editing_out_channels_rewires_the_next_conv():
    at = open_answered("sequential")
    at.number_input(key="sequential.L0.out_channels").set_value(10).run()
    answer_check(at)  # conv1 changed: a new question, its answer hidden again
    total = conv_params(10, 1, 5) + conv_params(64, 10, 5)
    assert metrics(at)["total params"] == f"{total:,}"
    assert at.query_params["layers"] == "conv:10:5,relu,conv:64:5,relu"
    assert shape_column(at)["conv1"] == "(1, 10, 24, 24)"


def test_add_remove_move_and_reset():
    at = open_page("sequential")
    at.selectbox(key="sequential.add_kind").set_value("pool").run()
    button(at, "Add at the end").click().run()
    assert at.query_params["layers"] == f"{NOTES},pool:2"
    assert shape_column(at)["pool1"] == "(1, 64, 10, 10)"

    at.segmented_control(key="sequential.L1.action").set_value("remove").run()  # relu1
    assert at.query_params["layers"] == "conv:20:5,conv:64:5,relu,pool:2"

    at.segmented_control(key="sequential.L4.action").set_value("up").run()  # pool before relu
    assert at.query_params["layers"] == "conv:20:5,conv:64:5,pool:2,relu"
    assert at.segmented_control(key="sequential.L4.action").value is None  # ready again

    button(at, "Back to the notes' model").click().run()
    assert at.query_params["layers"] == NOTES


def test_a_new_linear_expects_every_number_of_a_sample():
    at = open_page("sequential", layers=f"{NOTES},flatten")
    at.selectbox(key="sequential.add_kind").set_value("linear").run()
    button(at, "Add at the end").click().run()
    assert at.query_params["layers"] == f"{NOTES},flatten,linear:25600:10"
    assert metrics(at)["output shape"] == "(1, 10)"


def test_the_add_button_stops_at_ten_layers():
    at = open_page("sequential", layers=",".join(["relu"] * 10))
    assert button(at, "Add at the end").disabled
    assert "at most 10 layers" in texts(at)


def test_the_last_layer_cannot_be_removed():
    at = open_page("sequential", layers="relu")
    at.segmented_control(key="sequential.L0.action").set_value("remove").run()
    assert at.query_params["layers"] == "relu"


def test_reset_keeps_matching_layers_and_their_inputs():
    at = open_page("sequential", layers="conv:8:3,relu,pool:2")
    button(at, "Back to the notes' model").click().run()
    assert at.query_params["layers"] == NOTES
    assert at.number_input(key="sequential.L0.out_channels").value == 20
    assert metrics(at)["output shape"] == "(1, 64, 20, 20)"


def test_lock_makes_the_editor_read_only():
    at = open_page("sequential", lock=1, layers="conv:8:3,relu")
    assert at.number_input and all(n.disabled for n in at.number_input)
    ours = [c for c in at.segmented_control if c.key.startswith("sequential.")]
    assert ours and all(c.disabled for c in ours)
    assert all(b.disabled for b in at.button)
    assert metrics(at)["output shape"] == "(1, 8, 26, 26)"


def test_hidden_layers_keep_their_values():
    at = open_page("sequential", hide="layers", layers="conv:8:3,relu")
    assert not at.number_input
    assert metrics(at)["output shape"] == "(1, 8, 26, 26)"
    assert at.query_params["layers"] == "conv:8:3,relu"


# --- bad links ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "notices", "url"),
    [
        ({"size": "abc"}, 1, {"size": "28"}),
        ({"size": "1e308", "batch": "nan", "channels": "0"}, 3, {"size": "64", "batch": "1"}),
        ({"batch": "-inf"}, 1, {"batch": "1"}),
        ({"size": "3.5"}, 1, {"size": "28"}),
        ({"layers": "conv:20:5,bogus,relu"}, 1, {"layers": "conv:20:5,relu"}),
        ({"layers": "conv:x:5,relu"}, 1, {"layers": "relu"}),
        ({"layers": ",".join(["relu"] * 500)}, 1, {"layers": ",".join(["relu"] * 10)}),
        ({"layers": "conv:999:99"}, 1, {"layers": "conv:64:9"}),
        ({"layers": "<script>alert(1)</script>"}, 1, {"layers": NOTES}),
        ({"layers": ""}, 1, {"layers": NOTES}),  # an empty list: the notes' model
    ],
)
def test_bad_url_values_fall_back_with_a_notice(params, notices, url):
    at = open_page("sequential", **params)
    assert len(at.warning) == notices, [w.value for w in at.warning]
    for name, value in url.items():
        assert at.query_params[name] == value
    assert all("<script>" not in w.value for w in at.warning)


def test_channels_out_of_range_is_clamped():
    at = open_page("sequential", channels="99")
    assert at.query_params["channels"] == "8"
    assert metrics(at)["input"] == "(1, 8, 28, 28)"


# --- the snippet --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"size": "32", "batch": "3", "channels": "2"},
        {"layers": "conv:8:3:2:1,relu,pool:3:1,dropout:0.3,flatten,linear:392:7"},
        {"layers": f"{NOTES},flatten,linear:100:10"},
        {"size": "8"},
    ],
)
def test_snippet_prints_what_the_page_shows(params):
    at = open_page("sequential", **params)
    printed = run_snippet(snippet(at))
    shown = metrics(at)
    assert printed["input"] == shown["input"]
    assert printed["total params"] == shown["total params"]
    if shown["output shape"] == "—":
        assert "output shape" not in printed
        failed = [name for name in printed if name.endswith(" failed")]
        assert len(failed) == 1
        assert printed[failed[0]] == errors(at)[0]
    else:
        assert printed["output shape"] == shown["output shape"]
    for name, shape in shape_column(at).items():
        if shape.startswith("("):
            assert printed[name] == shape


def test_snippet_of_a_stopped_model_agrees_where_the_page_ran():
    at = open_answered("sequential", size=64, batch=8, channels=8, layers="conv:64:9:1:4,conv:8:9")
    printed = run_snippet(snippet(at))
    assert printed["conv1"] == shape_column(at)["conv1"] == "(8, 64, 64, 64)"
    assert printed["total params"] == metrics(at)["total params"]


# --- check yourself ----------------------------------------------------------------------------


def test_check_asks_for_the_first_conv_output_height():
    at = open_page("sequential", size=30)
    radio = at.radio[-1]
    assert "height 30" in radio.label
    radio.set_value(str(out_size(30, 5)))
    at.run()
    assert at.success and f"height {out_size(30, 5)}" in at.success[0].value


def test_check_without_a_conv_asks_for_the_parameter_count():
    at = open_page("sequential", size=4, layers="flatten,linear:16:3")
    radio = at.radio[-1]
    assert radio.label.endswith(" · How many parameters does this model have?")
    assert str(linear_params(16, 3)) in radio.options
    radio.set_value(str(linear_params(16, 3)))
    at.run()
    assert at.success

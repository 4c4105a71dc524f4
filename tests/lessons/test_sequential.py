"""nn.Sequential: shapes after every layer, parameter counts, errors, the layers URL format.

Expected shapes and counts come from closed forms written out here (floor((n + 2p - k)/s) + 1,
out·in·k·k + out, in·out + out), never from the lesson's own helpers.
"""

import contextlib
import io
import math

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lib.lessons.sequential import compute as seq
from lib.lessons.sequential.compute import Layer

SETTINGS = settings(deadline=None, max_examples=60)
LAYERS = seq.LayerList("layers", seq.NOTES_MODEL)


def out_size(n: int, k: int, s: int = 1, p: int = 0) -> int:
    return math.floor((n + 2 * p - k) / s) + 1


def conv_params(out: int, inp: int, k: int) -> int:
    return out * inp * k * k + out


def linear_params(inp: int, out: int) -> int:
    return inp * out + out


def shapes(forward) -> list:
    return [row.out_shape for row in forward.rows]


# --- the notes' model ------------------------------------------------------------------------


def test_notes_model_on_28_by_28():
    forward = seq.run(seq.NOTES_MODEL, size=28, batch=1, channels=1)
    assert forward.ok
    assert forward.input_shape == (1, 1, 28, 28)
    # 28 - 5 + 1 = 24, then 24 - 5 + 1 = 20.
    assert shapes(forward) == [(1, 20, 24, 24), (1, 20, 24, 24), (1, 64, 20, 20), (1, 64, 20, 20)]
    assert [row.params for row in forward.rows] == [20 * 1 * 5 * 5 + 20, 0, 64 * 20 * 5 * 5 + 64, 0]
    assert [row.params for row in forward.rows] == [520, 0, 32064, 0]
    assert forward.total_params == 32584
    assert forward.output_shape == (1, 64, 20, 20)
    assert [row.name for row in forward.rows] == ["conv1", "relu1", "conv2", "relu2"]
    assert [row.constructor for row in forward.rows] == [
        "nn.Conv2d(1, 20, 5)",
        "nn.ReLU()",
        "nn.Conv2d(20, 64, 5)",
        "nn.ReLU()",
    ]


def test_notes_model_module_reprs_are_what_print_shows():
    forward = seq.run(seq.NOTES_MODEL, size=28, batch=1, channels=1)
    assert forward.rows[0].module == "Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))"
    assert forward.rows[1].module == "ReLU()"


def test_formula_text_and_value_match_pytorch():
    forward = seq.run(seq.NOTES_MODEL, size=28, batch=1, channels=1)
    assert [row.formula for row in forward.rows] == ["20·1·5·5 + 20", "0", "64·20·5·5 + 64", "0"]
    assert all(row.formula_value == row.params for row in forward.rows)
    assert [row.bias_params for row in forward.rows] == [20, 0, 64, 0]


@SETTINGS
@given(
    size=st.integers(*seq.SIZE_RANGE),
    batch=st.integers(*seq.BATCH_RANGE),
    channels=st.integers(*seq.CHANNELS_RANGE),
)
def test_notes_model_any_input(size, batch, channels):
    forward = seq.run(seq.NOTES_MODEL, size=size, batch=batch, channels=channels)
    total = conv_params(20, channels, 5) + conv_params(64, 20, 5)
    assert forward.total_params == total
    first, second = out_size(size, 5), out_size(out_size(size, 5), 5)
    if first < 1:
        assert forward.failed_at == 0
        assert "Kernel size can't be greater than actual input size" in forward.error
    elif second < 1:
        assert forward.failed_at == 2
        assert shapes(forward)[:2] == [(batch, 20, first, first)] * 2
        assert "Kernel size can't be greater than actual input size" in forward.error
    else:
        assert forward.ok
        assert (
            shapes(forward) == [(batch, 20, first, first)] * 2 + [(batch, 64, second, second)] * 2
        )


# --- closed forms for every kind -------------------------------------------------------------


conv_layers = st.builds(
    lambda out, k, s, p: Layer.of("conv", out, k, s, p),
    st.integers(1, 64),
    st.integers(1, 9),
    st.integers(1, 4),
    st.integers(0, 4),
)
pool_layers = st.builds(lambda k, s: Layer.of("pool", k, s), st.integers(1, 9), st.integers(1, 9))


@SETTINGS
@given(
    stack=st.lists(st.one_of(conv_layers, pool_layers), min_size=1, max_size=5),
    size=st.integers(4, 40),
    batch=st.integers(1, 3),
    channels=st.integers(1, 4),
)
def test_conv_and_pool_sizes_follow_the_closed_form(stack, size, batch, channels):
    forward = seq.run(stack, size=size, batch=batch, channels=channels)
    assume(forward.over_budget is None)
    n, c, in_ch = size, channels, channels
    for i, layer in enumerate(stack):
        if layer.kind == "conv":
            out, k, s, p = layer.args
            fits = n + 2 * p >= k
            new_n, new_c = out_size(n, k, s, p), out
            assert forward.rows[i].params == conv_params(out, in_ch, k)
            in_ch = out
        else:
            k, s = layer.args
            fits = n >= k
            new_n, new_c = out_size(n, k, s), c
            assert forward.rows[i].params == 0
        if not fits:
            assert forward.failed_at == i
            assert forward.rows[i].out_shape is None
            assert forward.error.startswith("RuntimeError: ")
            return
        n, c = new_n, new_c
        assert forward.rows[i].out_shape == (batch, c, n, n)
    assert forward.ok


@pytest.mark.parametrize(
    ("n", "k", "s", "p"), [(28, 5, 1, 0), (28, 3, 2, 1), (7, 7, 1, 0), (10, 4, 3, 2), (64, 9, 4, 4)]
)
def test_output_size_helper_is_the_closed_form(n, k, s, p):
    assert seq.output_size(n, k, s, p) == out_size(n, k, s, p)


def test_maxpool_flatten_linear_dropout_shapes_and_params():
    layers = [
        Layer.of("conv", 8, 3, 1, 1),  # padding 1 keeps 28
        Layer.of("relu"),
        Layer.of("pool", 2),  # 14
        Layer.of("dropout", 0.25),
        Layer.of("flatten"),  # 8 * 14 * 14 = 1568
        Layer.of("linear", 1568, 10),
    ]
    forward = seq.run(layers, size=28, batch=2, channels=1)
    assert forward.ok
    assert shapes(forward) == [
        (2, 8, 28, 28),
        (2, 8, 28, 28),
        (2, 8, 14, 14),
        (2, 8, 14, 14),
        (2, 8 * 14 * 14),
        (2, 10),
    ]
    assert [row.params for row in forward.rows] == [
        conv_params(8, 1, 3),
        0,
        0,
        0,
        0,
        linear_params(1568, 10),
    ]
    assert forward.total_params == 80 + 15690
    assert forward.rows[5].formula == "1568·10 + 10"


@SETTINGS
@given(inp=st.integers(1, 2000), out=st.integers(1, 512), batch=st.integers(1, 8))
def test_linear_params_and_shape(inp, out, batch):
    # Input (batch, 1, 1, inp) flattened is exactly inp numbers per sample.
    layers = [Layer.of("flatten"), Layer.of("linear", inp, out)]
    forward = seq.run(layers, size=4, batch=batch, channels=1)
    if inp == 16:  # 1 * 4 * 4 numbers per sample: fits
        assert forward.ok and forward.output_shape == (batch, out)
    else:
        assert forward.failed_at == 1
        assert f"({batch}x16 and {inp}x{out})" in forward.error
    assert forward.rows[1].params == linear_params(inp, out)


def test_linear_works_on_the_last_dimension_of_an_image():
    layers = [Layer.of("conv", 4, 3), Layer.of("linear", 26, 5)]  # 28 - 3 + 1 = 26 wide
    forward = seq.run(layers, size=28, batch=1, channels=1)
    assert forward.ok
    assert forward.output_shape == (1, 4, 26, 5)


def test_in_channels_are_wired_from_the_last_conv():
    layers = [
        Layer.of("conv", 6, 3),
        Layer.of("relu"),
        Layer.of("pool", 2),
        Layer.of("conv", 12, 3),
        Layer.of("conv", 5, 1),
    ]
    assert seq.in_channels(layers, 3) == [3, None, None, 6, 12]
    forward = seq.run(layers, size=20, batch=1, channels=3)
    assert [row.params for row in forward.rows] == [
        conv_params(6, 3, 3),
        0,
        0,
        conv_params(12, 6, 3),
        conv_params(5, 12, 1),
    ]
    # 20 -> 18 -> 9 -> 7 -> 7
    assert shapes(forward)[-1] == (1, 5, 7, 7)


def test_names_are_numbered_per_kind():
    layers = [Layer.of(k) for k in ("relu", "flatten", "relu", "dropout", "relu")]
    assert seq.names(layers) == ["relu1", "flatten1", "relu2", "dropout1", "relu3"]


# --- when the shapes stop fitting --------------------------------------------------------------


def test_linear_with_wrong_in_features_shows_the_real_error():
    layers = [*seq.NOTES_MODEL, Layer.of("flatten"), Layer.of("linear", 100, 10)]
    forward = seq.run(layers, size=28, batch=1, channels=1)
    assert forward.failed_at == 5
    assert forward.error == (
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x25600 and 100x10)"
    )
    assert forward.output_shape is None
    assert forward.rows[4].out_shape == (1, 64 * 20 * 20)
    why = seq.explain(forward)
    assert why.key == "linear_flat"
    assert why.fix == ("in_features", 64 * 20 * 20)
    assert why.values["last"] == 25600 and why.values["in_features"] == 100

    fixed = [*layers[:5], Layer.of("linear", 25600, 10)]
    forward = seq.run(fixed, size=28, batch=1, channels=1)
    assert forward.ok and forward.output_shape == (1, 10)
    assert forward.total_params == 520 + 32064 + linear_params(25600, 10)


def test_linear_without_flatten_suggests_a_flatten():
    layers = [*seq.NOTES_MODEL, Layer.of("linear", 25600, 10)]
    forward = seq.run(layers, size=28, batch=1, channels=1)
    assert forward.failed_at == 4
    # Linear folds (1, 64, 20, 20) into 1·64·20 = 1280 rows of 20 numbers.
    assert "mat1 and mat2 shapes cannot be multiplied (1280x20 and 25600x10)" in forward.error
    why = seq.explain(forward)
    assert why.key == "linear_last"
    assert why.values["rows"] == 1280
    assert why.fix == ("flatten", None)


def test_kernel_larger_than_the_image():
    forward = seq.run([Layer.of("conv", 20, 5)], size=4, batch=1, channels=1)
    assert forward.failed_at == 0
    assert "Kernel size can't be greater than actual input size" in forward.error
    why = seq.explain(forward)
    assert why.key == "too_small"
    assert (why.values["h"], why.values["k"], why.values["hp"]) == (4, 5, 4)


def test_pool_larger_than_the_image():
    forward = seq.run([Layer.of("conv", 4, 3), Layer.of("pool", 9)], size=8, batch=1, channels=1)
    assert forward.failed_at == 1  # 8 - 3 + 1 = 6 < 9
    assert "Output size is too small" in forward.error
    assert seq.explain(forward).key == "too_small"


def test_conv_after_flatten_needs_an_image():
    layers = [Layer.of("flatten"), Layer.of("conv", 4, 3)]
    forward = seq.run(layers, size=8, batch=2, channels=1)
    assert forward.failed_at == 1
    assert "Expected 3D (unbatched) or 4D (batched) input to conv2d" in forward.error
    assert seq.explain(forward).key == "needs_image"
    assert seq.explain(seq.run([Layer.of("flatten"), Layer.of("pool", 2)], 8, 1, 1)).key == (
        "needs_image"
    )


def test_a_fitting_model_has_no_explanation():
    assert seq.explain(seq.run(seq.NOTES_MODEL, 28, 1, 1)) is None


# --- the work budget ---------------------------------------------------------------------------


def test_too_many_parameters_are_counted_but_not_built():
    layers = [Layer.of("flatten"), Layer.of("linear", 65536, 512), Layer.of("relu")]
    forward = seq.run(layers, size=8, batch=1, channels=1)
    assert forward.over_budget == "params"
    assert forward.failed_at == 1
    assert forward.rows[1].params == linear_params(65536, 512)
    assert forward.total_params == linear_params(65536, 512)
    assert [row.built for row in forward.rows] == [True, False, False]
    assert forward.rows[0].out_shape == (1, 64)
    assert list(forward.model.named_children())[-1][0] == "flatten1"  # the model ends early
    assert seq.explain(forward).key == "params"


def test_too_much_work_stops_before_the_layer():
    heavy = Layer.of("conv", 64, 9, 1, 4)
    forward = seq.run([heavy, heavy, Layer.of("relu")], size=64, batch=8, channels=8)
    assert forward.over_budget == "time"
    assert forward.failed_at == 1
    assert forward.rows[0].out_shape == (8, 64, 64, 64)  # 64 + 8 - 9 + 1
    assert forward.rows[1].out_shape is None
    assert forward.error is None  # not a PyTorch error: the page's own limit
    assert seq.explain(forward).key == "time"
    assert forward.work_ms <= seq.MAX_MS


@pytest.mark.parametrize(("size", "batch", "channels"), [(28, 1, 1), (64, 8, 1), (64, 4, 3)])
def test_the_notes_model_fits_the_budget(size, batch, channels):
    assert seq.run(seq.NOTES_MODEL, size=size, batch=batch, channels=channels).ok


def test_estimated_time_grows_with_the_work():
    conv = torch.nn.Conv2d(8, 16, 3)
    small = seq.estimated_ms(conv, (1, 8, 16, 16))
    assert seq.estimated_ms(conv, (2, 8, 16, 16)) == pytest.approx(2 * small)
    assert seq.estimated_ms(conv, (1, 8, 2, 2)) == 0  # does not fit: PyTorch will say why
    assert seq.estimated_ms(torch.nn.Linear(5, 3), (1, 4)) == 0


# --- named access ------------------------------------------------------------------------------


def test_named_access_in_the_ordereddict_form():
    forward = seq.run(seq.NOTES_MODEL, size=28, batch=1, channels=1)
    model = forward.model
    assert model.conv1 is model[0]
    assert model.conv2 is model[2]
    assert tuple(model.conv1.weight.shape) == (20, 1, 5, 5)  # (out, in, k, k)
    access = seq.named_access(forward)
    assert access.name == "conv1" and access.index == 0
    assert access.dict_names == ("conv1", "relu1", "conv2", "relu2")
    assert access.plain_names == ("0", "1", "2", "3")
    assert access.plain_error == "AttributeError: 'Sequential' object has no attribute 'conv1'"
    assert access.same_object is True
    assert access.weight_shape == (20, 1, 5, 5)


def test_named_access_picks_the_first_layer_with_weights():
    layers = [Layer.of("relu"), Layer.of("flatten"), Layer.of("linear", 16, 3)]
    access = seq.named_access(seq.run(layers, size=4, batch=1, channels=1))
    assert (access.name, access.index, access.weight_shape) == ("linear1", 2, (3, 16))


# --- randomness --------------------------------------------------------------------------------


def test_run_leaves_the_global_rng_alone():
    torch.manual_seed(1234)
    expected = torch.rand(8)
    torch.manual_seed(1234)
    seq.run([*seq.NOTES_MODEL, Layer.of("dropout"), Layer.of("linear", 20, 4)], 28, 2, 1)
    assert torch.equal(torch.rand(8), expected)


# --- the layers URL format ---------------------------------------------------------------------


def test_notes_model_token_list():
    assert LAYERS.format(seq.NOTES_MODEL) == "conv:20:5,relu,conv:64:5,relu"
    assert LAYERS.parse("conv:20:5,relu,conv:64:5,relu") == (seq.NOTES_MODEL, None)


@pytest.mark.parametrize(
    ("token", "layer"),
    [
        ("conv:20:5", Layer("conv", (20, 5, 1, 0))),
        ("conv:8:3:2", Layer("conv", (8, 3, 2, 0))),
        ("conv:8:3:1:1", Layer("conv", (8, 3, 1, 1))),
        ("pool:2", Layer("pool", (2, 2))),  # MaxPool2d's stride defaults to its kernel size
        ("pool:3:1", Layer("pool", (3, 1))),
        ("linear:1568:10", Layer("linear", (1568, 10))),
        ("dropout", Layer("dropout", (0.5,))),
        ("dropout:0.3", Layer("dropout", (0.3,))),
        ("relu", Layer("relu", ())),
        ("flatten", Layer("flatten", ())),
    ],
)
def test_tokens_parse_and_print_back(token, layer):
    assert seq.parse_token(token) == (layer, None)
    assert layer.token() == token


@pytest.mark.parametrize(
    ("token", "canonical"),
    [
        (" Conv2d:20:5 ", "conv:20:5"),
        ("MAXPOOL:2", "pool:2"),
        ("fc:10:3", "linear:10:3"),
        ("conv:20:5:1:0", "conv:20:5"),
        ("pool:2:2", "pool:2"),
        ("dropout:0.5", "dropout"),
    ],
)
def test_aliases_and_defaults_are_written_back_short(token, canonical):
    layer, reason = seq.parse_token(token)
    assert reason is None
    assert layer.token() == canonical


@pytest.mark.parametrize(
    ("raw", "tokens", "reason"),
    [
        ("conv:20:5,bogus,relu", ["conv:20:5", "relu"], "unknown_choice"),
        ("conv:x:5,relu", ["relu"], "bad_layer"),
        ("conv:20,relu", ["relu"], "bad_layer"),  # kernel_size missing
        ("relu:3,flatten", ["flatten"], "bad_layer"),  # relu takes no argument
        ("conv:2.5:3,relu", ["relu"], "bad_layer"),
        ("dropout:nan,relu", ["relu"], "bad_layer"),
        ("conv:1e308:5", ["conv:64:5"], "out_of_range"),
        ("conv:0:99:-3:inf", ["conv:1:9:1:4"], "out_of_range"),
        ("linear:100000:1000", ["linear:65536:512"], "out_of_range"),
        ("dropout:2", ["dropout:1"], "out_of_range"),
        ("", ["conv:20:5", "relu", "conv:64:5", "relu"], "too_short"),
        ("bogus,zz", ["conv:20:5", "relu", "conv:64:5", "relu"], "unknown_choice"),
        (",,relu,,", ["relu"], None),
    ],
)
def test_bad_layers_are_dropped_or_clamped_with_a_reason(raw, tokens, reason):
    layers, why = LAYERS.parse(raw)
    assert [layer.token() for layer in layers] == tokens
    assert why == reason


def test_too_many_layers_keep_the_first_readable_ten():
    layers, why = LAYERS.parse(",".join(["bogus"] + ["relu"] * 500))
    assert len(layers) == seq.MAX_LAYERS
    assert why == "unknown_choice"
    layers, why = LAYERS.parse(",".join(["relu"] * 11))
    assert (len(layers), why) == (seq.MAX_LAYERS, "too_long")


layer_values = st.one_of(
    conv_layers,
    pool_layers,
    st.builds(lambda i, o: Layer.of("linear", i, o), st.integers(1, 65536), st.integers(1, 512)),
    st.builds(lambda p: Layer.of("dropout", p), st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])),
    st.sampled_from([Layer.of("relu"), Layer.of("flatten")]),
)


@settings(deadline=None, max_examples=200)
@given(st.lists(layer_values, min_size=1, max_size=seq.MAX_LAYERS))
def test_any_valid_list_round_trips(layers):
    assert LAYERS.parse(LAYERS.format(layers)) == (tuple(layers), None)


# --- the snippet -------------------------------------------------------------------------------


def run_code(code: str) -> dict[str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    return dict(line.split(" = ", 1) for line in out.getvalue().splitlines())


def test_snippet_prints_the_hand_shapes_of_the_notes_model():
    code = seq.snippet(seq.NOTES_MODEL, size=28, batch=1, channels=1, fails=False)
    assert "from collections import OrderedDict" in code
    assert run_code(code) == {
        "conv1 params": "520",
        "relu1 params": "0",
        "conv2 params": "32,064",
        "relu2 params": "0",
        "input": "(1, 1, 28, 28)",
        "conv1": "(1, 20, 24, 24)",
        "relu1": "(1, 20, 24, 24)",
        "conv2": "(1, 64, 20, 20)",
        "relu2": "(1, 64, 20, 20)",
        "output shape": "(1, 64, 20, 20)",
        "total params": f"{520 + 32064:,}",
    }


def test_snippet_of_a_failing_model_prints_the_error():
    layers = [*seq.NOTES_MODEL, Layer.of("flatten"), Layer.of("linear", 100, 10)]
    printed = run_code(seq.snippet(layers, size=28, batch=3, channels=1, fails=True))
    assert printed["flatten1"] == "(3, 25600)"
    assert printed["linear1 failed"] == (
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (3x25600 and 100x10)"
    )
    assert "output shape" not in printed
    assert printed["total params"] == f"{520 + 32064 + 1010:,}"

"""The URL contract: valid values pass unchanged, bad ones become a valid value plus a notice."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.urlspec import (
    MAX_RAW_CHARS,
    Bool,
    Choice,
    ChoiceList,
    Float,
    FloatList,
    Int,
    Notice,
    Spec,
)

SETTINGS = settings(deadline=None, max_examples=200)

FLOAT = Float("w", default=1.0, lo=-5.0, hi=5.0, step=0.1)
INT = Int("seed", default=7, lo=0, hi=1000)
CHOICE = Choice("reduction", default="mean", options=("mean", "sum", "none"))
BOOL = Bool("train", default=True)
FLOATS = FloatList("logits", default=(2.0, 1.0, 0.1), lo=-10.0, hi=10.0, min_len=2, max_len=5)
CHOICES = ChoiceList("fn", default=("relu",), options=("relu", "sigmoid", "tanh", "gelu"))
ALL = (FLOAT, INT, CHOICE, BOOL, FLOATS, CHOICES)
SPEC = Spec(ALL)


def finite(lo: float, hi: float):
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


# --- valid values parse unchanged, with no notice -------------------------------------------


@SETTINGS
@given(value=finite(FLOAT.lo, FLOAT.hi))
def test_float_valid_values_parse_unchanged(value):
    assert FLOAT.parse(repr(value)) == (value, None)
    assert FLOAT.parse(str(value)) == (value, None)


@SETTINGS
@given(value=st.integers(min_value=INT.lo, max_value=INT.hi))
def test_int_valid_values_parse_unchanged(value):
    parsed, reason = INT.parse(str(value))
    assert (parsed, reason) == (value, None)
    assert type(parsed) is int


@pytest.mark.parametrize("raw, expected", [("3.0", 3), ("3", 3), ("1e2", 100), ("-0", 0)])
def test_int_accepts_whole_numbers_written_as_floats(raw, expected):
    parsed, reason = INT.parse(raw)
    assert (parsed, reason) == (expected, None)
    assert type(parsed) is int


@pytest.mark.parametrize("option", CHOICE.options)
def test_choice_valid_values(option):
    assert CHOICE.parse(option) == (option, None)
    assert CHOICE.parse(f"  {option.upper()} ") == (option, None)  # case and spaces forgiven


@pytest.mark.parametrize(
    "raw, expected",
    [("1", True), ("0", False), ("true", True), ("false", False), ("TRUE", True)]
    + [("yes", True), ("no", False), ("on", True), ("off", False), (" 1 ", True)],
)
def test_bool_valid_values(raw, expected):
    assert BOOL.parse(raw) == (expected, None)


@SETTINGS
@given(values=st.lists(finite(FLOATS.lo, FLOATS.hi), min_size=2, max_size=5))
def test_float_list_valid_values_parse_unchanged(values):
    assert FLOATS.parse(",".join(map(repr, values))) == (tuple(values), None)
    assert FLOATS.parse(" , ".join(map(repr, values))) == (tuple(values), None)


@SETTINGS
@given(values=st.lists(st.sampled_from(CHOICES.options), min_size=1, unique=True))
def test_choice_list_valid_values_parse_unchanged(values):
    assert CHOICES.parse(",".join(values)) == (tuple(values), None)


# --- junk gives the default and a reason -----------------------------------------------------

JUNK_REASONS = {
    "w": "not_a_number",
    "seed": "not_an_integer",
    "reduction": "unknown_choice",
    "train": "not_a_switch",
    "logits": "too_short",
    "fn": "unknown_choice",
}


@pytest.mark.parametrize("raw", ["abc", "nan", "NaN", "", "   ", "1,2x"])
@pytest.mark.parametrize("param", ALL, ids=lambda p: type(p).__name__)
def test_junk_gives_default_and_reason(param, raw):
    assert param.parse(raw) == (param.default, JUNK_REASONS[param.name])


def test_spec_reports_junk_as_notices():
    query = {p.name: "abc" for p in ALL}
    values, notices = SPEC.parse(query)
    assert values == SPEC.defaults()
    assert {n.param: n.reason for n in notices} == JUNK_REASONS
    for notice in notices:
        assert notice.raw == "abc"
        assert notice.used == SPEC[notice.param].format(SPEC[notice.param].default)


# --- out of range clamps ----------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1e308", "inf", "+Infinity", "1e999", "5.000001"])
def test_float_too_big_clamps_to_hi(raw):
    assert FLOAT.parse(raw) == (FLOAT.hi, "out_of_range")


@pytest.mark.parametrize("raw", ["-1e308", "-inf", "-Infinity", "-5.000001"])
def test_float_too_small_clamps_to_lo(raw):
    assert FLOAT.parse(raw) == (FLOAT.lo, "out_of_range")


@pytest.mark.parametrize("raw, expected", [("1e308", 1000), ("inf", 1000), ("1001", 1000)])
def test_int_too_big_clamps_to_hi(raw, expected):
    parsed, reason = INT.parse(raw)
    assert (parsed, reason) == (expected, "out_of_range")
    assert type(parsed) is int


@pytest.mark.parametrize("raw, expected", [("-inf", 0), ("-1e308", 0), ("-1", 0)])
def test_int_too_small_clamps_to_lo(raw, expected):
    parsed, reason = INT.parse(raw)
    assert (parsed, reason) == (expected, "out_of_range")
    assert type(parsed) is int


@pytest.mark.parametrize("raw", ["2.5", "0.1", "-3.5", "1e-3"])
def test_int_rejects_fractions(raw):
    assert INT.parse(raw) == (INT.default, "not_an_integer")


def test_float_list_clamps_items():
    # 1e308 > hi = 10 and -inf < lo = -10; 3 is fine.
    assert FLOATS.parse("1e308,3,-inf") == ((10.0, 3.0, -10.0), "out_of_range")


def test_choice_unknown_gives_default():
    assert CHOICE.parse("average") == ("mean", "unknown_choice")


def test_bool_unknown_gives_default():
    assert BOOL.parse("maybe") == (True, "not_a_switch")
    assert Bool("x", default=False).parse("2") == (False, "not_a_switch")


# --- lists --------------------------------------------------------------------------------------


def test_float_list_too_long_is_truncated():
    assert FLOATS.parse("1,2,3,4,5,6,7") == ((1.0, 2.0, 3.0, 4.0, 5.0), "too_long")


def test_float_list_bad_item_is_dropped():
    assert FLOATS.parse("1,x,3") == ((1.0, 3.0), "bad_item")
    assert FLOATS.parse("1,nan,3,") == ((1.0, 3.0), "bad_item")


def test_float_list_too_short_gives_default():
    assert FLOATS.parse("1") == (FLOATS.default, "too_short")
    assert FLOATS.parse("1,x") == (FLOATS.default, "too_short")


def test_float_list_huge_value_is_cut_and_never_raises():
    raw = "1," * 50_000  # 100000 characters
    assert len(raw) == 100_000
    values, notices = SPEC.parse({"logits": raw})
    assert values["logits"] == (1.0,) * FLOATS.max_len
    [notice] = notices
    assert notice.reason == "too_long"
    assert len(notice.raw) <= 30


def test_huge_value_is_cut_to_max_raw_chars_before_parsing():
    # The first MAX_RAW_CHARS characters are a valid number; what follows would be junk.
    raw = "1" + "0" * (MAX_RAW_CHARS - 1) + "junk" * 25_000
    values, notices = SPEC.parse({"w": raw, "logits": "9" * 100_000})
    assert values["w"] == FLOAT.hi  # 10**399 parsed as a float: inf, clamped
    assert values["logits"] == FLOATS.default
    assert {n.param: n.reason for n in notices} == {"w": "out_of_range", "logits": "too_short"}


def test_choice_list_drops_unknown_keeps_order_dedups():
    assert CHOICES.parse("tanh,bogus,RELU,tanh") == (("tanh", "relu"), "unknown_choice")


def test_choice_list_repeats_alone_are_no_error():
    assert CHOICES.parse("gelu,sigmoid,gelu") == (("gelu", "sigmoid"), None)


def test_choice_list_all_unknown_gives_default():
    assert CHOICES.parse("foo,bar") == (CHOICES.default, "unknown_choice")


# --- Spec -------------------------------------------------------------------------------------


def test_spec_missing_params_take_defaults_silently():
    values, notices = SPEC.parse({})
    assert values == {p.name: p.default for p in ALL}
    assert notices == []


def test_spec_ignores_unknown_params():
    values, notices = SPEC.parse({"nonsense": "1", "w": "2.5"})
    assert values == {**SPEC.defaults(), "w": 2.5}
    assert notices == []


def test_spec_rejects_duplicate_names():
    with pytest.raises(AssertionError):
        Spec((FLOAT, Float("w", default=0.0, lo=0.0, hi=1.0, step=0.1)))


def test_spec_getitem():
    assert SPEC["seed"] is INT
    with pytest.raises(KeyError):
        SPEC["nope"]


def test_notice_quotes_the_raw_value_and_the_used_value():
    values, notices = SPEC.parse({"w": " 12 "})
    assert values["w"] == 5.0
    assert notices == [Notice("w", "12", "out_of_range", "5")]


@st.composite
def valid_values(draw):
    return {
        "w": draw(finite(FLOAT.lo, FLOAT.hi)),
        "seed": draw(st.integers(min_value=INT.lo, max_value=INT.hi)),
        "reduction": draw(st.sampled_from(CHOICE.options)),
        "train": draw(st.booleans()),
        "logits": tuple(draw(st.lists(finite(FLOATS.lo, FLOATS.hi), min_size=2, max_size=5))),
        "fn": tuple(draw(st.lists(st.sampled_from(CHOICES.options), min_size=1, unique=True))),
    }


@SETTINGS
@given(values=valid_values())
def test_encode_parse_round_trip(values):
    encoded = SPEC.encode(values)
    assert set(encoded) == set(values)
    parsed, notices = SPEC.parse(encoded)
    assert notices == []
    assert SPEC.encode(parsed) == encoded
    # Exact for everything but floats, which are written with 10 significant digits.
    for name in ("seed", "reduction", "train", "fn"):
        assert parsed[name] == values[name]
    assert parsed["w"] == pytest.approx(values["w"], rel=1e-9)
    assert parsed["logits"] == pytest.approx(values["logits"], rel=1e-9)


@pytest.mark.parametrize(
    "value, text",
    [(0.1, "0.1"), (-2.5, "-2.5"), (1.0, "1"), (1 / 3, "0.3333333333"), (1e-7, "1e-07")],
)
def test_float_format_by_hand(value, text):
    assert FLOAT.format(value) == text


def test_encode_by_hand():
    values = {"w": 2.0, "seed": 3, "reduction": "sum", "train": False}
    values |= {"logits": (2.0, 1.0, 0.1), "fn": ("relu", "tanh")}
    assert SPEC.encode(values) == {
        "w": "2",
        "seed": "3",
        "reduction": "sum",
        "train": "0",
        "logits": "2,1,0.1",
        "fn": "relu,tanh",
    }


# --- arbitrary text never raises; notices quote it safely --------------------------------------


@settings(deadline=None, max_examples=300)
@given(raws=st.fixed_dictionaries({p.name: st.text() for p in ALL}))
def test_arbitrary_text_never_raises_and_notices_are_short_and_printable(raws):
    values, notices = SPEC.parse(raws)
    assert set(values) == {p.name for p in ALL}
    for notice in notices:
        assert len(notice.raw) <= 30
        assert all(ch.isprintable() for ch in notice.raw)
        assert notice.reason in {
            "not_a_number",
            "not_an_integer",
            "out_of_range",
            "unknown_choice",
            "not_a_switch",
            "too_long",
            "too_short",
            "bad_item",
        }
    # Every value is valid for its parameter: parsing its encoding gives no notice.
    assert SPEC.parse(SPEC.encode(values))[1] == []
    w = values["w"]
    assert FLOAT.lo <= w <= FLOAT.hi and not math.isnan(w)
    assert INT.lo <= values["seed"] <= INT.hi and type(values["seed"]) is int
    assert FLOATS.min_len <= len(values["logits"]) <= FLOATS.max_len


@SETTINGS
@given(raw=st.text(min_size=31))
def test_long_raw_values_are_quoted_with_an_ellipsis(raw):
    raw = "\x00" + raw  # never a valid choice
    _, notices = SPEC.parse({"reduction": raw})
    [notice] = notices
    printable = "".join(ch for ch in raw[:MAX_RAW_CHARS].strip() if ch.isprintable())
    assert len(notice.raw) <= 30
    if len(printable) > 30:
        assert notice.raw == printable[:29] + "…"
    else:
        assert notice.raw == printable


def test_int_list_parses_clamps_and_drops():
    from lib.urlspec import IntList

    shape = IntList("shape", (2, 3, 4), lo=-1, hi=12, min_len=1, max_len=4)
    assert shape.parse("4,6") == ((4, 6), None)
    assert shape.parse("-1, 6") == ((-1, 6), None)
    assert shape.parse("2,x,3") == ((2, 3), "bad_item")
    assert shape.parse("2,2.5,3") == ((2, 3), "bad_item")
    assert shape.parse("2,99") == ((2, 12), "out_of_range")
    assert shape.parse("1,1,1,1,1,1") == ((1, 1, 1, 1), "too_long")
    assert shape.parse("x") == ((2, 3, 4), "too_short")
    assert shape.parse("inf") == ((12,), "out_of_range")
    assert shape.format((4, -1)) == "4,-1"


# --- read: the one entry point for text from outside (links and text boxes) --------------------


def test_read_is_parse_for_values_within_the_cap():
    for param, raw in ((FLOAT, " 2.5 "), (FLOATS, "1,2,3"), (CHOICE, "sum"), (BOOL, "0")):
        assert param.read(raw) == param.parse(raw.strip())


def test_read_looks_at_max_raw_chars_only_and_says_when_it_cut():
    # A text box's max_chars is enforced by the browser only: a client can send a megabyte.
    fits = "1," * (MAX_RAW_CHARS // 2 - 1) + "1"  # 399 characters: 200 ones
    assert FloatList("x", (), 0, 1, 1, 1000).read(fits) == ((1.0,) * 200, None)
    cut = fits + ",1" * 500_000
    assert FloatList("x", (), 0, 1, 1, 1000).read(cut) == ((1.0,) * 200, "too_long")
    # Cut in the middle of a word: the choice is what the first MAX_RAW_CHARS say, noticed.
    assert CHOICE.read("sum" + " " * MAX_RAW_CHARS + "x") == ("sum", "too_long")
    assert CHOICE.read("sum" + " " * 1000) == ("sum", None)  # only trailing space: nothing cut


def test_read_keeps_a_worse_reason_than_the_cut():
    assert FLOATS.read("1," * 100_000) == ((1.0,) * FLOATS.max_len, "too_long")
    assert INT.read("x" * 100_000) == (INT.default, "not_an_integer")


def test_quote_is_short_printable_and_only_looks_at_the_cap():
    from lib.urlspec import quote

    assert quote("  <b>\u202ehi\u200b\x00 ") == "<b>hi"  # bidi, zero-width, controls dropped
    assert quote("x" * 100_000) == "x" * 29 + "…"
    assert quote("\x00" * MAX_RAW_CHARS + "late") == ""  # past the cap: never looked at


def test_frame_parameters_are_read_through_the_registry():
    from lib.urlspec import FRAME

    values, _ = FRAME.parse({"lang": " ZH ", "present": "yes", "lock": "nope", "hide": " w, ,b "})
    assert values == {"lang": "zh", "present": True, "lock": False, "hide": ("w", "b")}
    values, notices = FRAME.parse({"lang": "<b>xx</b>", "hide": "x" * 100_000})
    assert values["lang"] == ""  # unknown: the page falls back to the browser's language
    assert len(values["hide"][0]) <= 400  # only the first 400 characters are read
    assert FRAME.parse({})[0] == {"lang": "", "present": False, "lock": False, "hide": ()}

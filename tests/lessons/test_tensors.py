"""Tensors: creation dtypes, the dtype table, and the view/reshape memory inspector, against
closed forms (suffix products, index · stride sums, hand-written walks over the elements)."""

import contextlib
import io
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lib.lessons.tensors import compute as tensors

SETTINGS = settings(deadline=None, max_examples=150)


# --- closed forms, by hand ------------------------------------------------------------------


def suffix_products(shape) -> tuple[int, ...]:
    """Strides of a contiguous (row-major) tensor: s_k = n_{k+1} · … · n_last."""
    strides = []
    for k in range(len(shape)):
        product = 1
        for size in shape[k + 1 :]:
            product *= size
        strides.append(product)
    return tuple(strides)


def row_major_indices(shape) -> list[tuple[int, ...]]:
    """All indices of ``shape``, last dim fastest, by nested counting."""
    indices = [[]]
    for size in shape:
        indices = [prefix + [i] for prefix in indices for i in range(size)]
    return [tuple(i) for i in indices]


def unravel(flat: int, shape) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        flat, rest = divmod(flat, size)
        index.append(rest)
    return tuple(reversed(index))


def address(index, stride, offset: int) -> int:
    """storage[offset + i0*s0 + i1*s1 + ...]"""
    return offset + sum(i * s for i, s in zip(index, stride, strict=True))


def hand_contiguous(shape, stride) -> bool:
    """Walking row by row steps through storage one cell at a time (size-1 dims don't count)."""
    expected = 1
    for size, step in zip(reversed(shape), reversed(stride), strict=True):
        if size == 1:
            continue
        if step != expected:
            return False
        expected *= size
    return True


def same_steps(shape, stride, expected) -> bool:
    """Strides agree on every dim that has more than one element (a size-1 dim's stride is
    never used to step, so PyTorch may leave any number there)."""
    return all(a == b for n, a, b in zip(shape, stride, expected, strict=True) if n > 1)


def swapped(values, pair):
    if not pair:
        return tuple(values)
    out = list(values)
    a, b = pair
    out[a], out[b] = out[b], out[a]
    return tuple(out)


def resolve_by_hand(n: int, target) -> tuple[int, ...]:
    known = math.prod(d for d in target if d != -1)
    return tuple(n // known if d == -1 else d for d in target)


# --- strategies -----------------------------------------------------------------------------


@st.composite
def shapes(draw):
    ndim = draw(st.integers(1, tensors.MAX_DIMS))
    shape = tuple(draw(st.integers(1, 6)) for _ in range(ndim))
    assume(math.prod(shape) <= tensors.MAX_ELEMENTS)
    return shape


@st.composite
def targets_for(draw, n: int):
    """A shape with n elements (successive divisors), sometimes with one size given as -1."""
    ndim = draw(st.integers(1, tensors.MAX_DIMS))
    target, rest = [], n
    for _ in range(ndim - 1):
        size = draw(st.sampled_from([d for d in range(1, rest + 1) if rest % d == 0]))
        target.append(size)
        rest //= size
    target.append(rest)
    target = draw(st.permutations(target))
    if draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return tuple(target)


@st.composite
def setups(draw):
    shape = draw(shapes())
    n = math.prod(shape)
    target = draw(targets_for(n))
    pairs = [()] + [(a, b) for a in range(len(shape)) for b in range(a + 1, len(shape))]
    pair = draw(st.sampled_from(pairs))
    at = draw(st.integers(0, n - 1))
    value = draw(st.integers(*tensors.WRITE_RANGE))
    return shape, target, pair, at, value


# --- the URL parameter transpose ------------------------------------------------------------

PAIR = tensors.DimPair("transpose", ())


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("0", (), None),
        ("off", (), None),
        ("1", (0, 1), None),
        ("true", (0, 1), None),
        ("1,2", (1, 2), None),
        ("2,0", (0, 2), None),  # transpose(2, 0) is transpose(0, 2)
        (" 0 , 3 ", (0, 3), None),
        ("1,1", (), "tensor_bad_transpose"),
        ("0,4", (), "tensor_bad_transpose"),  # at most 4 dims: 0 … 3
        ("0,1,2", (), "tensor_bad_transpose"),
        ("-1,0", (), "tensor_bad_transpose"),
        ("²,1", (), "tensor_bad_transpose"),  # a Unicode digit is not a dim
        ("yes please", (), "tensor_bad_transpose"),
    ],
)
def test_transpose_parameter(raw, value, reason):
    assert PAIR.parse(raw) == (value, reason)


def test_transpose_parameter_formats_back():
    assert PAIR.format(()) == "0"
    assert PAIR.format((1, 3)) == "1,3"
    assert PAIR.parse(PAIR.format((0, 2))) == ((0, 2), None)


# --- creating tensors and dtypes ------------------------------------------------------------


def test_creation_dtypes_are_the_documented_ones():
    rows = {row.code: row for row in tensors.created()}
    assert rows["torch.Tensor([1])"].dtype == "float32"  # the notes' constructor: always float
    assert rows["torch.Tensor([1])"].values == [1.0]
    assert rows["torch.tensor([1])"].dtype == "int64"  # inferred from the data
    assert rows["torch.tensor([1.0])"].dtype == "float32"
    assert rows["torch.LongTensor([1])"].dtype == "int64"
    assert rows["torch.LongTensor([1.7])"].values == [1]  # truncated towards zero
    assert rows["torch.tensor([1], dtype=torch.long)"].dtype == "int64"
    assert rows["torch.Tensor(2, 3)"].shape == (2, 3)  # sizes, not values
    assert rows["torch.Tensor(2, 3)"].values is None  # uninitialised: never shown
    assert rows["torch.Tensor([2, 3])"].values == [2.0, 3.0]
    assert rows["torch.zeros(2, 3)"].values == [[0.0] * 3] * 2
    assert rows["torch.arange(6)"].values == list(range(6))
    assert rows["torch.arange(6)"].dtype == "int64"
    assert rows["torch.tensor([True, False])"].dtype == "bool"
    assert rows["torch.from_numpy(np.zeros(2))"].dtype == "float64"


# Mantissa bits p and largest exponent of each float format (IEEE 754; bfloat16 keeps
# float32's exponent): max = (2 - 2^-p) * 2^emax, eps = 2^-p.
FLOAT_FORMATS = {"float32": (23, 127), "float64": (52, 1023), "float16": (10, 15)}
FLOAT_FORMATS["bfloat16"] = (7, 127)
BYTES = {"float32": 4, "float64": 8, "float16": 2, "bfloat16": 2, "int64": 8, "int32": 4}
BYTES |= {"int16": 2, "int8": 1, "uint8": 1, "bool": 1}
LEGACY = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16"}
LEGACY |= {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte"}
LEGACY |= {"bool": "Bool"}


@pytest.mark.parametrize("row", tensors.dtype_table(), ids=lambda r: r.name)
def test_dtype_table_sizes_and_ranges(row):
    assert row.element_size == BYTES[row.name]
    assert row.legacy == f"torch.{LEGACY[row.name]}Tensor"
    bits = 8 * row.element_size
    if row.name in FLOAT_FORMATS:
        p, emax = FLOAT_FORMATS[row.name]
        assert row.hi == (2 - 2.0**-p) * 2.0**emax
        assert row.lo == -row.hi
        assert row.eps == 2.0**-p
    elif row.name == "bool":
        assert (row.lo, row.hi, row.eps) == (False, True, None)
    elif row.name == "uint8":
        assert (row.lo, row.hi) == (0, 2**bits - 1)
    else:
        assert (row.lo, row.hi) == (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        assert row.eps is None


def test_integer_requirements():
    table = {row.name: row for row in tensors.dtype_table()}
    # F.embedding takes int64 or int32 indices; F.cross_entropy class targets int64 or uint8.
    assert {n for n, r in table.items() if r.embedding_error is None} == {"int64", "int32"}
    assert {n for n, r in table.items() if r.cross_entropy_error is None} == {"int64", "uint8"}
    assert "Long, Int" in table["float32"].embedding_error
    assert "but got Float" in table["float32"].cross_entropy_error


def hand_cross_entropy(logits, targets) -> float:
    """mean over samples of logsumexp(z) - z[target]."""
    pairs = zip(logits, targets, strict=True)
    losses = [math.log(sum(math.exp(v) for v in z)) - z[t] for z, t in pairs]
    return sum(losses) / len(losses)


LOGITS = [[0.0, 1.0, 2.0], [2.0, 0.0, 0.0], [0.0, 3.0, 1.0]]


def test_index_demo_with_int64_picks_rows_and_computes_the_loss():
    demo = tensors.index_demo("int64")
    assert demo.ids == "tensor([2, 0, 1])"
    assert demo.picked == tuple((10.0 * i, 10.0 * i + 1) for i in tensors.INDEX_VALUES)
    assert demo.loss == pytest.approx(hand_cross_entropy(LOGITS, tensors.INDEX_VALUES), rel=1e-6)
    assert demo.embedding_error is None and demo.cross_entropy_error is None


def test_index_demo_with_float32_shows_both_errors():
    demo = tensors.index_demo("float32")
    assert demo.ids == "tensor([2., 0., 1.])"
    assert demo.picked is None and demo.loss is None
    assert "indices" in demo.embedding_error
    assert "Long" in demo.cross_entropy_error


def test_index_demo_bool_changes_the_values():
    demo = tensors.index_demo("bool")
    assert "True" in demo.ids and "False" in demo.ids  # 2, 0, 1 became True, False, True
    assert demo.picked is None and demo.loss is None


# --- view vs reshape ------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), shape=shapes())
def test_resolve_view_of_a_fitting_target(data, shape):
    n = math.prod(shape)
    target = data.draw(targets_for(n))
    resolved, error = tensors.resolve_view(n, target)
    assert error is None
    assert resolved == resolve_by_hand(n, target)
    assert math.prod(resolved) == n


@pytest.mark.parametrize(
    ("n", "target", "message"),
    [
        (24, (4, 5), "shape '[4, 5]' is invalid for input of size 24"),
        (24, (-1, 5), "shape '[-1, 5]' is invalid for input of size 24"),
        (24, (0, -1), "invalid for input of size 24"),
        (24, (-1, -1), "only one dimension can be inferred"),
        (7, (2, 4), "shape '[2, 4]' is invalid for input of size 7"),
    ],
)
def test_resolve_view_reports_pytorchs_error(n, target, message):
    resolved, error = tensors.resolve_view(n, target)
    assert resolved is None
    assert message in error


@SETTINGS
@given(setup=setups())
def test_contiguous_strides_are_suffix_products(setup):
    shape, target, pair, at, value = setup
    ins = tensors.inspect(shape, target, pair, at, value)
    assert ins.x.shape == shape
    assert ins.x.stride == suffix_products(shape)
    assert ins.x.storage_offset == 0 and ins.x.is_contiguous
    assert ins.x.positions == tuple(range(math.prod(shape)))
    already = hand_contiguous(ins.t.shape, ins.t.stride)
    assert ins.contiguous_copied == (not already)
    # A copy is laid out row by row; a tensor that already was is returned as it is.
    expected = ins.t.stride if already else suffix_products(ins.t.shape)
    assert ins.contiguous_stride == expected
    assert same_steps(ins.t.shape, ins.contiguous_stride, suffix_products(ins.t.shape))


@SETTINGS
@given(setup=setups())
def test_every_element_lives_at_offset_plus_index_dot_stride(setup):
    """For x, t, v and r: the element at (i, j, k, …) is storage[offset + i*s0 + j*s1 + …],
    and what it reads is that storage cell's value."""
    ins = tensors.inspect(*setup)
    views = [ins.x, ins.t] + ([ins.v] if ins.v is not None else [])
    for facts in [*views, ins.r]:
        indices = row_major_indices(facts.shape)
        assert len(indices) == len(facts.values)
        for k, index in enumerate(indices):
            assert facts.positions[k] == address(index, facts.stride, facts.storage_offset)
    for facts in views:  # these share x's storage: x.values lists that storage in order
        assert facts.storage_ptr == ins.x.storage_ptr
        assert all(
            facts.values[k] == ins.x.values[facts.positions[k]] for k in range(len(facts.values))
        )
        assert facts.is_contiguous == hand_contiguous(facts.shape, facts.stride)


@SETTINGS
@given(setup=setups())
def test_transpose_swaps_shape_and_strides_and_shares_memory(setup):
    shape, target, pair, at, value = setup
    ins = tensors.inspect(shape, target, pair, at, value)
    assert ins.t.shape == swapped(shape, pair)
    assert ins.t.stride == swapped(suffix_products(shape), pair)
    assert ins.t.data_ptr == ins.x.data_ptr  # no copy: same first byte


@SETTINGS
@given(setup=setups())
def test_view_shares_data_ptr_and_reshape_copies_only_when_view_fails(setup):
    shape, target, pair, at, value = setup
    ins = tensors.inspect(shape, target, pair, at, value)
    n = math.prod(shape)
    resolved = resolve_by_hand(n, target)
    assert ins.r.shape == resolved
    if hand_contiguous(ins.t.shape, ins.t.stride):
        # A contiguous tensor can always be viewed, and then reshape does not copy.
        assert ins.v is not None and ins.view_error is None
        assert same_steps(resolved, ins.v.stride, suffix_products(resolved))
    if ins.v is not None:
        assert ins.v.shape == resolved
        assert ins.v.data_ptr == ins.x.data_ptr
        assert not ins.reshape_copied and ins.r.data_ptr == ins.x.data_ptr
    else:
        assert "view size is not compatible" in ins.view_error
        assert ins.reshape_copied and ins.r.data_ptr != ins.x.data_ptr
        assert ins.r.storage_ptr != ins.x.storage_ptr
        assert ins.r.stride == suffix_products(resolved)  # a fresh, contiguous copy
        assert ins.r.positions == tuple(range(n))


@SETTINGS
@given(setup=setups())
def test_the_write_lands_where_the_strides_say(setup):
    shape, target, pair, at, value = setup
    ins = tensors.inspect(shape, target, pair, at, value)
    n = math.prod(shape)
    w = ins.v if ins.v is not None else ins.r
    write = ins.write
    assert write.through == ("v" if ins.v is not None else "r")
    assert write.index == unravel(at, resolve_by_hand(n, target))
    assert write.storage_index == address(write.index, w.stride, w.storage_offset)
    # Before the write, t's at-th element (row-major) was the x cell it reads: t[unravel(at)]
    # = x[...] with the transposed index, whose value in arange is its storage cell.
    t_index = unravel(at, swapped(shape, pair))
    before = address(swapped(t_index, pair), suffix_products(shape), 0)
    assert write.before == before
    assert w.values[at] == value
    expected_x = [value if (cell == before and ins.v is not None) else cell for cell in range(n)]
    assert list(ins.x.values) == expected_x
    assert write.x_changed == (ins.v is not None and value != before)
    assert write.x_cells == ((before,) if write.x_changed else ())
    if write.x_changed:
        assert write.x_index == unravel(before, shape)


def test_the_classic_case_by_hand():
    """x = arange(24).reshape(2, 3, 4); t = x.transpose(0, 1); t.view(4, 6) fails."""
    ins = tensors.inspect((2, 3, 4), (4, 6), (0, 1), at=8, value=99)
    assert ins.x.stride == (12, 4, 1)
    assert ins.t.shape == (3, 2, 4) and ins.t.stride == (4, 12, 1)
    assert not ins.t.is_contiguous
    assert ins.v is None and ins.reshape_copied
    # t row by row: t[i, j, k] = x[j, i, k] = 12 j + 4 i + k
    walk = [12 * j + 4 * i + k for i in range(3) for j in range(2) for k in range(4)]
    assert list(ins.t.positions) == walk
    expected_r = list(walk)
    expected_r[8] = 99  # r[1, 2] is the 8th element; r is a copy
    assert list(ins.r.values) == expected_r
    assert ins.write.index == (1, 2) and ins.write.before == walk[8] == 4
    assert ins.write.storage_index == 8 and not ins.write.x_changed
    assert ins.contiguous_stride == (8, 4, 1)


def test_view_after_transpose_can_work_when_only_the_last_dim_splits():
    ins = tensors.inspect((2, 3, 4), (3, 2, 2, 2), (0, 1), at=0, value=5)
    assert ins.v is not None and not ins.reshape_copied
    assert ins.v.stride == (4, 12, 2, 1)  # the last stride 1 split into (2, 1)
    assert ins.write.x_changed and ins.x.values[0] == 5


def test_writing_the_value_already_there_changes_nothing():
    ins = tensors.inspect((2, 3, 4), (4, 6), (), at=8, value=8)
    assert ins.write.before == 8 and not ins.write.x_changed


@pytest.mark.parametrize("n", [1, 7, 12, 24, 48])
def test_suggested_views_fit(n):
    views = tensors.suggested_views(n)
    assert views[0] == (-1,)
    assert len(views) == len(set(views)) <= 7
    assert all(math.prod(v) == n for v in views[1:])


def run(code: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    return out.getvalue().splitlines()


def test_snippet_default_prints_hand_values():
    lines = run(tensors.snippet((2, 3, 4), (4, 6), (), at=8, value=99))
    assert lines == [
        "t.stride() = (12, 4, 1)",
        "t.is_contiguous() = True",
        "v.stride() = (6, 1)",
        "reshape copied = False",
        "element's storage index = 8",  # v[1, 2]: 1 * 6 + 2 * 1
        "x changed = True",
    ]


def test_snippet_after_transpose_prints_the_error():
    lines = run(tensors.snippet((2, 3, 4), (-1,), (0, 2), at=5, value=7))
    assert lines[0] == "t.stride() = (1, 4, 12)"
    assert lines[2] == "v.stride() = RuntimeError"
    assert lines[3].startswith("view error = view size is not compatible")
    assert lines[4:] == [
        "reshape copied = True",
        "element's storage index = 5",
        "x changed = False",
    ]

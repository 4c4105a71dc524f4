"""Tensors (notes §2 and §4): creating them, their dtypes, and view vs reshape on real memory.

Everything here is deterministic (no randomness): the tensor under the inspector is
``torch.arange(n).reshape(shape)``, so every element's value is also the index of the storage
cell it started in. That is what links a cell of a view back to a cell of x's storage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
import torch.nn.functional as F

from lib.urlspec import Param

MAX_DIMS = 4
MAX_ELEMENTS = 48  # the storage row stays readable, and one page run stays tiny
DEFAULT_SHAPE = (2, 3, 4)
DEFAULT_VIEW = (4, 6)
FALLBACK_VIEW = (-1,)  # view(-1) fits any number of elements
DEFAULT_AT = 8  # with view(4, 6): v[1, 2]
DEFAULT_WRITE = 99
WRITE_RANGE = (-99, 999)  # at most 3 characters, so the number fits its cell


# --- the URL parameter ``transpose`` ---------------------------------------------------------

_OFF = {"0", "no", "off", "false", "none", ""}
_ON = {"1", "yes", "on", "true"}


@dataclass(frozen=True)
class DimPair(Param):
    """``transpose``: ``0`` (none), ``1`` (dims 0 and 1), or two different dims ``a,b``."""

    def parse(self, raw: str) -> tuple[tuple[int, ...], str | None]:
        text = raw.strip().lower()
        if text in _OFF:
            return (), None
        if text in _ON:
            return (0, 1), None
        items = [item.strip() for item in text.split(",")]
        if len(items) == 2 and all(re.fullmatch(r"[0-9]", item) for item in items):
            a, b = sorted(int(item) for item in items)
            if a != b and b < MAX_DIMS:
                return (a, b), None  # transpose(a, b) is transpose(b, a): keep one spelling
        return tuple(self.default), "tensor_bad_transpose"

    def format(self, value: Sequence[int]) -> str:
        return ",".join(str(int(d)) for d in value) if value else "0"


# --- creating tensors and their dtypes ------------------------------------------------------

DTYPES = (
    "float32",
    "float64",
    "float16",
    "bfloat16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "bool",
)
INDEX_VALUES = (2, 0, 1)  # the indices / class targets of the requirement demo


@dataclass(frozen=True)
class Created:
    code: str
    dtype: str
    shape: tuple[int, ...]
    values: list | None  # None: uninitialised memory, not worth printing


def _uninitialised(code: str) -> bool:
    return code == "torch.Tensor(2, 3)"


# (code, the same call): the code column is what the call does, never evaluated text.
CREATION: tuple[tuple[str, Callable[[], torch.Tensor]], ...] = (
    ("torch.Tensor([1])", lambda: torch.Tensor([1])),
    ("torch.tensor([1])", lambda: torch.tensor([1])),
    ("torch.tensor([1.0])", lambda: torch.tensor([1.0])),
    ("torch.LongTensor([1])", lambda: torch.LongTensor([1])),
    ("torch.LongTensor([1.7])", lambda: torch.LongTensor([1.7])),
    ("torch.tensor([1], dtype=torch.long)", lambda: torch.tensor([1], dtype=torch.long)),
    ("torch.Tensor(2, 3)", lambda: torch.Tensor(2, 3)),
    ("torch.Tensor([2, 3])", lambda: torch.Tensor([2, 3])),
    ("torch.zeros(2, 3)", lambda: torch.zeros(2, 3)),
    ("torch.arange(6)", lambda: torch.arange(6)),
    ("torch.tensor([True, False])", lambda: torch.tensor([True, False])),
    ("torch.from_numpy(np.zeros(2))", lambda: torch.from_numpy(np.zeros(2))),
)


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


@cache
def created() -> tuple[Created, ...]:
    """Each creation call, run for real: the dtype and shape PyTorch gives it."""
    rows = []
    for code, make in CREATION:
        tensor = make()
        values = None if _uninitialised(code) else tensor.tolist()
        rows.append(Created(code, dtype_name(tensor.dtype), tuple(tensor.shape), values))
    return tuple(rows)


@dataclass(frozen=True)
class DtypeRow:
    name: str
    legacy: str  # the old constructor's name, e.g. torch.LongTensor (from tensor.type())
    element_size: int  # bytes, from element_size()
    lo: float | int | bool
    hi: float | int | bool
    eps: float | None  # finfo(...).eps for floating types
    embedding_error: str | None  # None: F.embedding accepts it as indices
    cross_entropy_error: str | None  # None: F.cross_entropy accepts it as class targets


def _error(call: Callable[[], object]) -> str | None:
    try:
        call()
    except (RuntimeError, IndexError) as error:
        return str(error)
    return None


def embedding_table() -> torch.Tensor:
    """A 3 x 2 embedding table: row i is (10 i, 10 i + 1), easy to recognise when picked."""
    rows = torch.arange(3, dtype=torch.float32)[:, None] * 10
    return rows + torch.tensor([0.0, 1.0])


def demo_logits() -> torch.Tensor:
    """Scores of 3 samples for 3 classes (raw logits, one row per sample)."""
    return torch.tensor([[0.0, 1.0, 2.0], [2.0, 0.0, 0.0], [0.0, 3.0, 1.0]])


@cache
def dtype_table() -> tuple[DtypeRow, ...]:
    """Size and range of each dtype from PyTorch (finfo/iinfo, element_size), and whether the
    two integer-only APIs take it, tried for real."""
    rows = []
    for name in DTYPES:
        dtype = getattr(torch, name)
        empty = torch.tensor([], dtype=dtype)
        if dtype == torch.bool:
            lo, hi, eps = False, True, None
        elif dtype.is_floating_point:
            info = torch.finfo(dtype)
            lo, hi, eps = info.min, info.max, info.eps
        else:
            info = torch.iinfo(dtype)
            lo, hi, eps = info.min, info.max, None
        ids = torch.tensor(INDEX_VALUES).to(dtype)
        rows.append(
            DtypeRow(
                name=name,
                legacy=empty.type(),
                element_size=empty.element_size(),
                lo=lo,
                hi=hi,
                eps=eps,
                embedding_error=_error(lambda ids=ids: F.embedding(ids, embedding_table())),
                cross_entropy_error=_error(lambda ids=ids: F.cross_entropy(demo_logits(), ids)),
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class IndexDemo:
    dtype: str
    ids: str  # repr of the index tensor, as Python prints it
    picked: tuple[tuple[float, ...], ...] | None  # F.embedding(ids, table); None if it raised
    embedding_error: str | None
    loss: float | None  # F.cross_entropy(logits, ids), or None when it raised
    cross_entropy_error: str | None


@cache  # ten possible answers; a raising PyTorch call costs a few ms (it builds its message)
def index_demo(dtype: str) -> IndexDemo:
    """The same three indices made with ``dtype``, used as embedding indices and class targets."""
    ids = torch.tensor(INDEX_VALUES).to(getattr(torch, dtype))
    picked = loss = None
    embedding_error = cross_entropy_error = None
    try:
        picked = tuple(map(tuple, F.embedding(ids, embedding_table()).tolist()))
    except RuntimeError as error:
        embedding_error = str(error)
    try:
        loss = F.cross_entropy(demo_logits(), ids).item()
    except RuntimeError as error:
        cross_entropy_error = str(error)
    return IndexDemo(dtype, repr(ids), picked, embedding_error, loss, cross_entropy_error)


# --- view vs reshape: the memory inspector --------------------------------------------------


def numel(shape: Sequence[int]) -> int:
    return math.prod(shape)


def resolve_view(n: int, target: Sequence[int]) -> tuple[tuple[int, ...] | None, str | None]:
    """The shape ``view(target)`` gives n contiguous elements, or PyTorch's error when the
    target cannot hold them (wrong product, two -1s, a 0)."""
    try:
        return tuple(torch.empty(n).view(tuple(target)).shape), None
    except RuntimeError as error:
        return None, str(error)


@dataclass(frozen=True)
class TensorFacts:
    """What PyTorch reports about one tensor, with its elements listed in row-major order."""

    shape: tuple[int, ...]
    stride: tuple[int, ...]
    storage_offset: int
    is_contiguous: bool
    data_ptr: int
    storage_ptr: int  # where its whole storage starts (untyped_storage().data_ptr())
    element_size: int
    values: tuple[int, ...]
    positions: tuple[int, ...]  # the storage cell of each element (in its own storage)


def facts(tensor: torch.Tensor) -> TensorFacts:
    storage = tensor.untyped_storage()
    cells = storage.nbytes() // tensor.element_size()
    # as_strided reads the storage exactly as the tensor does: element -> storage cell.
    positions = torch.arange(cells).as_strided(
        tensor.shape, tensor.stride(), tensor.storage_offset()
    )
    return TensorFacts(
        shape=tuple(tensor.shape),
        stride=tuple(tensor.stride()),
        storage_offset=tensor.storage_offset(),
        is_contiguous=tensor.is_contiguous(),
        data_ptr=tensor.data_ptr(),
        storage_ptr=storage.data_ptr(),
        element_size=tensor.element_size(),
        values=tuple(tensor.flatten().tolist()),
        positions=tuple(positions.flatten().tolist()),
    )


@dataclass(frozen=True)
class Write:
    """``w[index] = value`` through w = v (the view) or, when view failed, r (reshape's result)."""

    through: str  # "v" or "r"
    index: tuple[int, ...]
    value: int
    before: int  # the element's value before the write: the x storage cell it came from
    storage_index: int  # w[index].storage_offset(): the cell of w's storage that was written
    x_changed: bool
    x_cells: tuple[int, ...]  # the cells of x's storage whose value changed
    x_index: tuple[int, ...] | None  # x's index of the (first) changed element


@dataclass(frozen=True)
class Inspection:
    shape: tuple[int, ...]
    target: tuple[int, ...]  # as asked, possibly with one -1
    transpose: tuple[int, ...]  # () or (a, b)
    x: TensorFacts  # all facts are read after the write
    t: TensorFacts  # x.transpose(a, b), or x itself
    v: TensorFacts | None  # t.view(target), None when PyTorch refused
    view_error: str | None
    r: TensorFacts  # t.reshape(target)
    reshape_copied: bool  # r.data_ptr() != t.data_ptr()
    write: Write
    contiguous_stride: tuple[int, ...]  # t.contiguous().stride()
    contiguous_copied: bool  # t.contiguous().data_ptr() != t.data_ptr()


def inspect(
    shape: Sequence[int],
    target: Sequence[int],
    transpose: Sequence[int] = (),
    at: int = DEFAULT_AT,
    value: int = DEFAULT_WRITE,
) -> Inspection:
    """x = arange(n).reshape(shape); t = x.transpose(...) (or x); then t.view(target) and
    t.reshape(target); then one real in-place write ``w[index] = value`` (w = v, or r when the
    view failed, ``index`` the ``at``-th element in row-major order), and x read again."""
    n = numel(shape)
    x = torch.arange(n).reshape(tuple(shape))
    t = x.transpose(*transpose) if transpose else x
    try:
        v, view_error = t.view(tuple(target)), None
    except RuntimeError as error:
        v, view_error = None, str(error)
    r = t.reshape(tuple(target))
    contiguous = t.contiguous()

    w = v if v is not None else r
    index = tuple(int(i) for i in torch.unravel_index(torch.tensor(at), w.shape))
    before = int(w[index].item())
    w[index] = value  # the in-place write
    changed = (x.flatten() != torch.arange(n)).nonzero().flatten()
    changed_at = (x != torch.arange(n).reshape(x.shape)).nonzero()
    return Inspection(
        shape=tuple(shape),
        target=tuple(target),
        transpose=tuple(transpose),
        x=facts(x),
        t=facts(t),
        v=None if v is None else facts(v),
        view_error=view_error,
        r=facts(r),
        reshape_copied=r.data_ptr() != t.data_ptr(),
        write=Write(
            through="v" if v is not None else "r",
            index=index,
            value=value,
            before=before,
            storage_index=w[index].storage_offset(),
            x_changed=bool(len(changed)),
            x_cells=tuple(changed.tolist()),
            x_index=tuple(changed_at[0].tolist()) if len(changed_at) else None,
        ),
        contiguous_stride=tuple(contiguous.stride()),
        contiguous_copied=contiguous.data_ptr() != t.data_ptr(),
    )


def suggested_views(n: int, limit: int = 7) -> list[tuple[int, ...]]:
    """Target shapes worth a click for n elements: flat, then 2-D and 3-D factorisations."""
    divisors = [d for d in range(2, n) if n % d == 0]
    pairs = [(d, n // d) for d in divisors]
    triples = [(a, b, n // (a * b)) for a in divisors for b in divisors if (n // a) % b == 0]
    triples = [s for s in triples if s[2] > 1]
    return [(-1,), *pairs, *triples[:2]][:limit]


def shape_code(shape: Sequence[int]) -> str:
    """The arguments as written in code: ``2, 3, 4``."""
    return ", ".join(str(int(d)) for d in shape)


def snippet(
    shape: Sequence[int],
    target: Sequence[int],
    transpose: Sequence[int],
    at: int,
    value: int,
) -> str:
    """A script that prints the page's headline numbers (the metrics' labels and values)."""
    n = numel(shape)
    resolved, _ = resolve_view(n, target)
    index = tuple(int(i) for i in torch.unravel_index(torch.tensor(at), resolved))
    index_code = shape_code(index)
    if transpose:
        make_t = f"t = x.transpose({transpose[0]}, {transpose[1]})  # a view with swapped strides"
    else:
        make_t = "t = x  # no transpose"
    return f"""\
import torch

x = torch.arange({n}).reshape({shape_code(shape)})
{make_t}
print(f"t.stride() = {{t.stride()}}")
print(f"t.is_contiguous() = {{t.is_contiguous()}}")
try:
    v = t.view({shape_code(target)})  # never copies: fails if the strides do not allow it
    print(f"v.stride() = {{v.stride()}}")
except RuntimeError as error:
    v = None
    print("v.stride() = RuntimeError")
    print(f"view error = {{error}}")
r = t.reshape({shape_code(target)})  # copies only when it must
print(f"reshape copied = {{r.data_ptr() != t.data_ptr()}}")

w = v if v is not None else r  # write through the view (or reshape's result if view failed)
w[{index_code}] = {int(value)}
print(f"element's storage index = {{w[{index_code}].storage_offset()}}")
print(f"x changed = {{bool((x != torch.arange({n}).reshape({shape_code(shape)})).any())}}")
"""

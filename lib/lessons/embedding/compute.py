"""nn.Embedding (notes §5.4): a lookup table whose rows are picked by integer indices.

What the lesson runs, all with real PyTorch calls:
- the lookup: output[k] = weight[ids[k]];
- a backward of output.sum() (or a position-weighted sum): each row's gradient is the sum of the
  upstream gradients of the positions that picked it, zero for ``padding_idx``, divided by the
  row's count in the batch with ``scale_grad_by_freq``;
- ``max_norm``: the forward call rescales the looked-up rows of ``weight`` in place;
- ``sparse=True``: weight.grad is a sparse COO tensor;
- the errors PyTorch raises for float indices and for an index past the table.

nn.Embedding's default init draws N(0, 1) from torch's global RNG (it takes no generator), so the
module is built inside ``seeded_global_rng(seed)``: the same seed gives everyone the same table.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import torch
from torch import nn

from lib.lessons._format import literal
from lib.lessons._rng import seeded_global_rng
from lib.urlspec import Param

MIN_NUM, MAX_NUM = 2, 20  # num_embeddings
MIN_DIM, MAX_DIM = 1, 8  # embedding_dim
MAX_IDS = 12  # indices looked up at once
MAX_NORM_RANGE = (0.0, 5.0)  # 0 stands for max_norm=None
NORM_TYPES = ("1", "2", "3", "inf")  # norm_type, as the page offers it
LOSSES = ("sum", "weighted")  # output.sum(), or sum_k (k + 1) * output[k].sum()
NO_PADDING = -1  # the page's "no padding_idx" (PyTorch itself would read -1 as the last row)

# A small fixed vocabulary: row r of the table is the vector of VOCAB[r]. A table with num rows
# knows the first num words; any other word is <unk>, as with a real truncated vocabulary.
VOCAB = (
    "<pad>", "<unk>", "the", "cat", "sat", "on", "mat", "a", "dog", "ran",
    "to", "big", "red", "and", "i", "you", "like", "it", "is", "not",
)  # fmt: skip
PAD, UNK = 0, 1
DEFAULT_IDS = (2, 3, 4, 5, 2, 6)  # "the cat sat on the mat": row 2 ("the") is picked twice

# The PyTorch constant in embedding_renorm_: scale = max_norm / (norm + 1e-7).
RENORM_EPS = 1e-7

assert len(VOCAB) == MAX_NUM


def words_of(text: str) -> list[str]:
    """The words of a sentence: lowercase runs of letters a-z (anything else separates them)."""
    return re.findall(r"[a-z]+", text.lower())


def sentence_ids(text: str, num: int) -> tuple[int, ...]:
    """Each word's row in the first ``num`` entries of VOCAB, or UNK when it is not among them."""
    known = {word: i for i, word in enumerate(VOCAB[:num])}
    return tuple(known.get(word, UNK) for word in words_of(text)[:MAX_IDS])


def clamp_ids(ids: tuple[int, ...], num: int) -> tuple[int, ...]:
    """Indices moved into the table 0..num-1 (an index past the end becomes the last row)."""
    return tuple(min(max(int(i), 0), num - 1) for i in ids)


def norm_value(norm_type: str) -> float:
    return math.inf if norm_type == "inf" else float(norm_type)


@dataclass(frozen=True)
class Setup:
    num: int = 10
    dim: int = 4
    ids: tuple[int, ...] = DEFAULT_IDS
    padding_idx: int | None = None
    max_norm: float | None = None
    norm_type: str = "2"
    scale_grad_by_freq: bool = False
    sparse: bool = False
    loss: str = "sum"
    seed: int = 0


@dataclass(frozen=True)
class SparseGrad:
    """What weight.grad holds with sparse=True (a torch.sparse_coo tensor, not coalesced)."""

    layout: str
    indices: tuple[int, ...]  # one entry per looked-up position (padding positions left out)
    values_shape: tuple[int, ...]
    is_coalesced: bool
    coalesced_indices: tuple[int, ...]  # after .coalesce(): each row once, duplicates summed


@dataclass(frozen=True)
class Result:
    weight_before: torch.Tensor  # (num, dim), as initialised, before the forward call
    weight_after: torch.Tensor  # after the call: differs only where max_norm rescaled a row
    output: torch.Tensor  # (len(ids), dim)
    upstream: tuple[float, ...]  # d loss / d output[k] (the same for every column of row k)
    grad: torch.Tensor | None  # dense weight.grad; None when backward raised
    grad_error: str | None  # the real error backward raised, if it did
    sparse_grad: SparseGrad | None
    norms_before: tuple[float, ...]  # norm_type-norm of every row before the call
    norms_after: tuple[float, ...]
    parameters: int  # sum(p.numel() for p in emb.parameters())

    @property
    def renormed_rows(self) -> tuple[int, ...]:
        """Rows the forward call changed in place (max_norm)."""
        changed = (self.weight_after != self.weight_before).any(dim=1)
        return tuple(int(r) for r in changed.nonzero().flatten().tolist())


def build(setup: Setup) -> nn.Embedding:
    """The module, initialised from torch's global RNG seeded with ``setup.seed``."""
    with seeded_global_rng(setup.seed):
        return nn.Embedding(
            setup.num,
            setup.dim,
            padding_idx=setup.padding_idx,
            max_norm=setup.max_norm,
            norm_type=norm_value(setup.norm_type),
            scale_grad_by_freq=setup.scale_grad_by_freq,
            sparse=setup.sparse,
        )


def upstream_weights(count: int, loss: str) -> torch.Tensor:
    """d loss / d output[k]: 1 for loss = output.sum(); k + 1 for the position-weighted sum."""
    if loss == "weighted":
        return torch.arange(1, count + 1, dtype=torch.float32)
    return torch.ones(count)


def compute(setup: Setup) -> Result:
    emb = build(setup)
    ids = torch.tensor(setup.ids, dtype=torch.long)
    norm_type = norm_value(setup.norm_type)
    before = emb.weight.detach().clone()
    output = emb(ids)  # with max_norm this rescales the looked-up rows of emb.weight in place
    after = emb.weight.detach().clone()
    upstream = upstream_weights(len(setup.ids), setup.loss)
    loss = (output.sum(dim=1) * upstream).sum()
    grad_error = None
    try:
        loss.backward()
    except RuntimeError as error:  # sparse=True with scale_grad_by_freq=True
        grad_error = str(error)
    grad, sparse_grad = emb.weight.grad, None
    if grad is not None and grad.is_sparse:
        sparse_grad = SparseGrad(
            layout=str(grad.layout),
            indices=tuple(grad._indices().flatten().tolist()),
            values_shape=tuple(grad._values().shape),
            is_coalesced=grad.is_coalesced(),
            coalesced_indices=tuple(grad.coalesce().indices().flatten().tolist()),
        )
        grad = grad.to_dense()
    return Result(
        weight_before=before,
        weight_after=after,
        output=output.detach(),
        upstream=tuple(upstream.tolist()),
        grad=grad,
        grad_error=grad_error,
        sparse_grad=sparse_grad,
        norms_before=tuple(before.norm(p=norm_type, dim=1).tolist()),
        norms_after=tuple(after.norm(p=norm_type, dim=1).tolist()),
        parameters=sum(p.numel() for p in emb.parameters()),
    )


def counts(ids: tuple[int, ...], num: int) -> tuple[int, ...]:
    """How many times each row 0..num-1 is looked up."""
    seen = Counter(ids)
    return tuple(seen[r] for r in range(num))


def index_errors(setup: Setup) -> tuple[str, str]:
    """The real errors for the same lookup with float indices, and with index ``num``."""
    emb = build(setup)
    messages = []
    for bad in (torch.tensor(setup.ids, dtype=torch.float32), torch.tensor([setup.num])):
        try:
            emb(bad)
        except (RuntimeError, IndexError) as error:
            messages.append(f"{type(error).__name__}: {error}")
        else:  # PyTorch accepted it: say so rather than invent an error
            messages.append("no error")
    return messages[0], messages[1]


def snippet(setup: Setup, text: str = "") -> str:
    """Builds the same module, runs the lookup and the backward, prints the page's numbers."""
    args = [str(setup.num), str(setup.dim)]
    if setup.padding_idx is not None:
        args.append(f"padding_idx={setup.padding_idx}")
    if setup.max_norm is not None:
        args.append(f"max_norm={literal(setup.max_norm)}")
        norm = "float('inf')" if setup.norm_type == "inf" else literal(norm_value(setup.norm_type))
        args.append(f"norm_type={norm}")
    if setup.scale_grad_by_freq:
        args.append("scale_grad_by_freq=True")
    if setup.sparse:
        args.append("sparse=True")
    words = f"  # {' '.join(words_of(text))!r}" if text else ""
    if setup.loss == "weighted":
        loss = (
            "g = torch.arange(1, len(ids) + 1, dtype=torch.float32)  # d loss / d out[k] = k + 1\n"
            "loss = (out.sum(dim=1) * g).sum()"
        )
    else:
        loss = "loss = out.sum()  # d loss / d out[k] = 1 for every k"
    return f"""\
import torch
from torch import nn

torch.manual_seed({int(setup.seed)})  # nn.Embedding initialises its weight with N(0, 1)
emb = nn.Embedding({", ".join(args)})
ids = torch.tensor([{", ".join(str(i) for i in setup.ids)}]){words}

before = emb.weight.detach().clone()
out = emb(ids)  # out[k] = emb.weight[ids[k]]
{loss}
try:
    loss.backward()
except RuntimeError as error:  # sparse=True does not support scale_grad_by_freq=True
    print(f"backward error = {{error}}")

grad = emb.weight.grad
if grad is not None and grad.is_sparse:
    grad = grad.to_dense()
changed = (emb.weight.detach() != before).any(dim=1)  # rows max_norm rescaled in place
print(f"parameters = {{sum(p.numel() for p in emb.parameters())}}")
print(f"output.shape = {{tuple(out.shape)}}")
print(f"output.sum() = {{out.sum().item() + 0.0:.4g}}")
print(f"weight.grad.sum() = {{'None' if grad is None else format(grad.sum().item() + 0.0, '.4g')}}")
print(f"rows renormalised = {{int(changed.sum())}}")
"""


@dataclass(frozen=True)
class Sentence(Param):
    """The page's ``text`` parameter: a few words, kept as lowercase letters a-z only.

    Anything else (digits, punctuation, markup) is dropped with a notice, so the text that
    reaches the page is plain words whatever the link held.
    """

    max_words: int = MAX_IDS

    def parse(self, raw: str) -> tuple[str, str | None]:
        words = words_of(raw)
        reason = "text_not_words" if re.search(r"[^A-Za-z\s]", raw) else None
        if len(words) > self.max_words:
            words, reason = words[: self.max_words], reason or "too_long"
        return " ".join(words), reason

    def format(self, value: str) -> str:
        return value

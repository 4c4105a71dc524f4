"""The URL contract of every page, in the style of TensorFlow Playground's ``state.ts``.

Each page declares its parameters once (name, type, range, default). Reading, validating and
writing the query string all go through these classes; nothing else parses URL text. A bad value
never raises: it becomes the nearest valid value (or the default) plus a ``Notice`` that the page
shows. Nothing typed is ever evaluated as code: numbers go through ``float()``/``int()`` only.

Pure Python (no Streamlit), so it is tested directly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

# Longest raw value we look at; anything longer is cut before parsing (a "huge list" in a URL, or
# a text box whose max_chars a hostile client ignored: the server never enforces it).
MAX_RAW_CHARS = 400


@dataclass(frozen=True)
class Notice:
    """Why a URL value was not used as given. ``reason`` is a catalog key under ``notice.``."""

    param: str
    raw: str
    reason: str
    used: str


def quote(raw: str) -> str:
    """Text from outside as a notice quotes it: printable characters only (no bidi overrides,
    zero-width marks or controls), at most 30 of them. Escape it for Markdown where it is shown."""
    text = "".join(islice((ch for ch in raw[:MAX_RAW_CHARS].strip() if ch.isprintable()), 31))
    return text if len(text) <= 30 else text[:29] + "…"


def _parse_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _format_float(value: float) -> str:
    return format(value, ".10g")


@dataclass(frozen=True)
class Param:
    name: str
    default: Any

    def read(self, raw: str) -> tuple[Any, str | None]:
        """``parse`` for text from outside (a link, a text box): the one entry point. Only the
        first ``MAX_RAW_CHARS`` characters are looked at; a cut value says so ("too_long")
        unless parsing found something worse."""
        text = raw.strip()
        value, reason = self.parse(text[:MAX_RAW_CHARS].strip())
        if reason is None and len(text) > MAX_RAW_CHARS:
            reason = "too_long"
        return value, reason

    def parse(self, raw: str) -> tuple[Any, str | None]:
        """The value for ``raw`` and, when it was not usable as given, the notice reason."""
        raise NotImplementedError

    def format(self, value: Any) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Float(Param):
    lo: float
    hi: float
    step: float

    def parse(self, raw: str) -> tuple[float, str | None]:
        value = _parse_float(raw)
        if value is None:
            return self.default, "not_a_number"
        if value < self.lo or value > self.hi:
            return min(max(value, self.lo), self.hi), "out_of_range"
        return value, None

    def format(self, value: float) -> str:
        return _format_float(value)


@dataclass(frozen=True)
class Int(Param):
    lo: int
    hi: int

    def parse(self, raw: str) -> tuple[int, str | None]:
        value = _parse_float(raw)
        if value is None or (math.isfinite(value) and value != int(value)):
            return self.default, "not_an_integer"
        if value < self.lo or value > self.hi:
            return int(min(max(value, self.lo), self.hi)), "out_of_range"
        return int(value), None

    def format(self, value: int) -> str:
        return str(int(value))


@dataclass(frozen=True)
class Choice(Param):
    options: tuple[str, ...]

    def parse(self, raw: str) -> tuple[str, str | None]:
        value = raw.strip().lower()
        if value in self.options:
            return value, None
        return self.default, "unknown_choice"

    def format(self, value: str) -> str:
        return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Bool(Param):
    def parse(self, raw: str) -> tuple[bool, str | None]:
        value = raw.strip().lower()
        if value in _TRUE:
            return True, None
        if value in _FALSE:
            return False, None
        return self.default, "not_a_switch"

    def format(self, value: bool) -> str:
        return "1" if value else "0"


@dataclass(frozen=True)
class FloatList(Param):
    """A comma list of numbers, e.g. ``logits=2,1,0.1``."""

    lo: float
    hi: float
    min_len: int
    max_len: int
    whole: bool = False  # IntList: only whole numbers

    def parse(self, raw: str) -> tuple[tuple, str | None]:
        items = [item.strip() for item in raw.split(",") if item.strip()]
        reason = None
        if len(items) > self.max_len:
            items, reason = items[: self.max_len], "too_long"
        values = []
        for item in items:
            value = _parse_float(item)
            if value is None or (self.whole and math.isfinite(value) and value != int(value)):
                reason = reason or "bad_item"
                continue
            if value < self.lo or value > self.hi:
                reason = reason or "out_of_range"
                value = min(max(value, self.lo), self.hi)
            values.append(int(value) if self.whole else value)
        if len(values) < self.min_len:
            return tuple(self.default), "too_short"
        return tuple(values), reason

    def format(self, value: Sequence[float]) -> str:
        return ",".join(str(int(v)) if self.whole else _format_float(v) for v in value)


@dataclass(frozen=True)
class IntList(FloatList):
    """A comma list of whole numbers, e.g. ``shape=2,3,4`` (``view=-1,6`` with ``lo=-1``)."""

    whole: bool = True


@dataclass(frozen=True)
class ChoiceList(Param):
    """A comma list of names from ``options`` (``fn=relu,tanh``); order kept, repeats dropped."""

    options: tuple[str, ...]

    def parse(self, raw: str) -> tuple[tuple[str, ...], str | None]:
        items = [item.strip().lower() for item in raw.split(",") if item.strip()]
        chosen = tuple(dict.fromkeys(item for item in items if item in self.options))
        if not chosen:
            return tuple(self.default), "unknown_choice"
        return chosen, ("unknown_choice" if len(chosen) < len(set(items)) else None)

    def format(self, value: Sequence[str]) -> str:
        return ",".join(value)


@dataclass(frozen=True)
class Spec:
    """All URL parameters of one page."""

    params: tuple[Param, ...]

    def __post_init__(self) -> None:
        names = [p.name for p in self.params]
        assert len(names) == len(set(names)), f"duplicate parameter names in {names}"

    def __getitem__(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def parse(self, query: Mapping[str, str]) -> tuple[dict[str, Any], list[Notice]]:
        """Values for every parameter (default where absent) and the notices for bad ones."""
        values: dict[str, Any] = {}
        notices: list[Notice] = []
        for param in self.params:
            if param.name not in query:
                values[param.name] = param.default
                continue
            raw = query[param.name]
            value, reason = param.read(raw)
            values[param.name] = value
            if reason is not None:
                notices.append(Notice(param.name, quote(raw), reason, param.format(value)))
        return values, notices

    def encode(self, values: Mapping[str, Any]) -> dict[str, str]:
        return {p.name: p.format(values[p.name]) for p in self.params if p.name in values}


@dataclass(frozen=True)
class Names(Param):
    """A comma list of names, e.g. ``hide=w,b`` (which of them a page has is the page's call)."""

    def parse(self, raw: str) -> tuple[tuple[str, ...], str | None]:
        return tuple(n for n in (part.strip() for part in raw.split(",")) if n), None

    def format(self, value: Sequence[str]) -> str:
        return ",".join(value)


# The frame's parameters, on every page next to its own: the language (absent or unknown: the
# browser's), presenter mode, and the teacher-link options lock (controls read-only) and hide
# (those controls left out). A bad value here is dropped without a notice: it changes how the
# page looks, never its numbers.
FRAME = Spec(
    (
        Choice("lang", "", options=("en", "zh")),
        Bool("present", False),
        Bool("lock", False),
        Names("hide", ()),
    )
)

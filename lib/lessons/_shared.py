"""Results shared by every visitor of one server process.

A class moves the same sliders to the same values, so a lesson's pure functions of a setting
are computed once per process (``functools.lru_cache``). Sixty students who reach a new setting
at the same moment would each compute it under a plain ``lru_cache`` (a miss does not wait for
another thread's miss): here the first computes it and the others wait for its result, as
Streamlit's own ``st.cache_resource`` does (the compute modules stay free of Streamlit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")
_MAX_LOCKS = 4096  # the per-key locks are forgotten past this many (a lock is cheap to remake)


def shared(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """``lru_cache(maxsize)`` whose misses are computed once: callers asking for the same
    arguments meanwhile wait for that result. The results must be immutable (every thread gets
    the same object)."""

    def decorate(compute: Callable[..., T]) -> Callable[..., T]:
        cached = lru_cache(maxsize=maxsize)(compute)
        locks: dict[tuple, threading.Lock] = {}
        guard = threading.Lock()

        @wraps(compute)
        def once(*args, **kwargs):
            key = (args, tuple(sorted(kwargs.items())))
            with guard:
                if len(locks) > _MAX_LOCKS:
                    locks.clear()
                lock = locks.setdefault(key, threading.Lock())
            with lock:  # a hit returns at once; a miss is computed by the first caller only
                return cached(*args, **kwargs)

        once.cache_info = cached.cache_info  # type: ignore[attr-defined]
        once.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return once

    return decorate

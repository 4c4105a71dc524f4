"""Seeded randomness that no other visitor can disturb.

Sessions are threads of one process. Where an API takes a ``torch.Generator`` we pass one; where
it does not (nn.Dropout, default module init) we seed the global RNG inside a lock and restore it
afterwards, so one visitor's clicks never change another visitor's draws.

The lock only excludes code that takes it: the guarantee holds because every use of the global
RNG in this app goes through ``seeded_global_rng`` (tests/pages/test_pages.py checks that running
every page leaves the global RNG state untouched).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch

_GLOBAL_RNG_LOCK = threading.Lock()
SEED_RANGE = (0, 2**31 - 1)  # what every page's ``seed`` parameter accepts


@contextmanager
def seeded_global_rng(seed: int) -> Iterator[None]:
    """Run the block with torch's global CPU RNG seeded to ``seed``, then restore it."""
    with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)

"""Process-wide setup, done once on first import (the entry script imports this first).

- One torch thread: every visitor's rerun is already a thread of this one process.
- gc.freeze() after the heavy imports: Streamlit runs gc.collect() after every script run, and
  with torch and pandas loaded a full collection cost ~190 ms a rerun (DESIGN.md). Freezing
  moves the libraries' objects out of the collector's way; garbage we create is still collected.
"""

import gc

import pandas  # noqa: F401  (imported here so its objects are frozen with torch's)
import torch

torch.set_num_threads(1)
gc.collect()
gc.freeze()

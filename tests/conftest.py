"""Every test process computes as the app's server does: one torch thread (lib/runtime.py).
Tests that train (the playground) otherwise spin a second thread that competes with the other
half of ``make test`` (the browser tests' server) on a 2-core machine."""

import torch

torch.set_num_threads(1)

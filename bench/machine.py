"""Which machine and versions a result came from (written next to every result)."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version

import psutil


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{cpu_model()}, {cores} cores, {memory:.1f} GB; load average at start {load}; "
        f"Python {platform.python_version()}, streamlit {version('streamlit')}, "
        f"torch {version('torch')}"
    )

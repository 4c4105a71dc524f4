"""`streamlit run`, with every script run profiled (cProfile, summed over all sessions' threads).

Started by bench/hotspots.py as
``python -m bench.profiled_server STATS_FILE SKIP run streamlit_app.py ...``; the first SKIP runs
are not profiled; writes the summed statistics to STATS_FILE when it gets SIGTERM.
"""

import cProfile
import pstats
import signal
import sys
import threading

from streamlit.runtime.scriptrunner import script_runner
from streamlit.web import cli

STATS_FILE = sys.argv.pop(1)
SKIP = int(sys.argv.pop(1))  # the first runs (page open, imports) are not the steady state
_lock = threading.Lock()
_stats: list[pstats.Stats] = []
_runs = [0]
_run_script = script_runner.ScriptRunner._run_script


def profiled_run_script(self, *args, **kwargs):
    with _lock:
        _runs[0] += 1
        if _runs[0] <= SKIP:
            return _run_script(self, *args, **kwargs)
    profile = cProfile.Profile()
    profile.enable()
    try:
        return _run_script(self, *args, **kwargs)
    finally:
        profile.disable()
        with _lock:
            if _stats:
                _stats[0].add(profile)
            else:
                _stats.append(pstats.Stats(profile))


def dump_and_exit(*_):
    with _lock:
        if _stats:
            _stats[0].dump_stats(STATS_FILE)
    sys.exit(0)


script_runner.ScriptRunner._run_script = profiled_run_script
signal.signal(signal.SIGTERM, dump_and_exit)
sys.argv[0] = "streamlit"
cli.main()

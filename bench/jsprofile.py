"""Where a lesson's keypress goes in the browser: `python -m bench.jsprofile PAGE [--presses N]`.

Starts the app, opens PAGE in headless Chromium, presses its first slider as the keypress
benchmark does (two presses to warm up), and records a JavaScript CPU profile (DevTools
`Profiler`, 200 us sampling) over N more. Prints the presses' times and the sampled time by
script bundle and by function (self time): idle, native work ("(program)": style, layout,
paint), garbage collection, React, Vega, Streamlit's markdown, ...
"""

from __future__ import annotations

import argparse
import collections

from bench import server
from bench.browser import SLIDER, _presses, chromium, open_and_watch

SAMPLE_US = 200


def self_times(profile: dict) -> tuple[collections.Counter, collections.Counter]:
    """Sampled self time (us) by function and by script bundle."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    by_function: collections.Counter = collections.Counter()
    by_script: collections.Counter = collections.Counter()
    for node_id, us in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = nodes[node_id]["callFrame"]
        script = frame["url"].rsplit("/", 1)[-1][:50]
        name = frame["functionName"] or "(anonymous)"
        by_function[f"{name} @ {script}:{frame['lineNumber']}" if script else name] += us
        by_script[script or name] += us
    return by_function, by_script


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.jsprofile", description=__doc__)
    p.add_argument("page", help="a lesson's url path, e.g. dropout")
    p.add_argument("--presses", type=int, default=8)
    p.add_argument("--top", type=int, default=25, help="functions shown")
    args = p.parse_args(argv)

    with chromium() as browser, server.start(server.APP) as app:
        page = open_and_watch(browser, f"{app.url}/{args.page}")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": SAMPLE_US})
        _presses(page, SLIDER, 2, need_run=True)  # warm up
        cdp.send("Profiler.start")
        times = _presses(page, SLIDER, args.presses, need_run=True)
        profile = cdp.send("Profiler.stop")["profile"]

    print(f"{args.page}: presses (ms, key -> settled):", [round(t) for t in times])
    by_function, by_script = self_times(profile)
    total = sum(by_script.values())
    busy = total - by_script["(idle)"]
    print(
        f"sampled {total / 1000:.0f} ms, of it busy (not idle) {busy / 1000:.0f} ms:"
        f" {busy / 1000 / max(len(times), 1):.0f} ms a press"
    )
    for title, table, top in (("by script", by_script, 15), ("by function", by_function, args.top)):
        print(f"\nself time {title}:")
        for key, us in table.most_common(top):
            print(f"{us / 1000:9.1f} ms  {key}")


if __name__ == "__main__":
    main()

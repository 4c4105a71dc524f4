"""`make bench` (or `python -m bench`): every measurement, side by side with a bare Streamlit page,
printed as a table and appended, dated and with the machine, to bench/RESULTS.md.

Quick run: `python -m bench --quick`; one part: `--only latency,reruns`; see `--help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import traceback
from dataclasses import dataclass

from bench import classroom, cold_start, deltas, machine, reruns, server
from bench.server import ROOT
from lib.lessons import LESSONS

PARTS = ("deltas", "latency", "scrub", "reruns", "classroom", "cold", "memory")
SCRUB_PAGES = ("activations", "cross_entropy", "dropout", "playground")
RESULTS = ROOT / "bench" / "RESULTS.md"


@dataclass
class Row:
    measure: str
    subject: str
    value: float | None
    unit: str
    bare: float | None = None
    target: float | None = None  # the most the value (or its ratio to bare) may be
    ratio_target: bool = True
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.bare:
            return None
        return self.value / self.bare

    @property
    def verdict(self) -> str:
        measured = self.ratio if self.ratio_target else self.value
        if self.target is None or measured is None:
            return ""
        return "ok" if measured <= self.target else "MISSED"

    def cells(self) -> list[str]:
        def fmt(x: float | None, digits: int = 0) -> str:
            return "n/a" if x is None else f"{x:.{digits}f}"

        digits = {"s": 1, "MB": 2}.get(self.unit, 0)
        target = ""
        if self.target is not None:
            target = (
                f"<= {self.target:g}x" if self.ratio_target else f"<= {self.target:g} {self.unit}"
            )
        return [
            self.measure,
            self.subject,
            f"{fmt(self.value, digits)} {self.unit}",
            "" if self.bare is None else f"{fmt(self.bare, digits)} {self.unit}",
            "" if self.ratio is None else f"{self.ratio:.2f}x",
            target,
            self.verdict,
            self.note,
        ]


HEADER = ["measure", "page", "value", "bare page", "ratio", "target", "", "note"]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--only", default=",".join(PARTS), help=f"comma list of {', '.join(PARTS)}")
    p.add_argument("--pages", default=",".join(x.path for x in LESSONS))
    p.add_argument("--presses", type=int, default=10, help="key presses per page (median)")
    p.add_argument("--reruns", type=int, default=20, help="AppTest reruns per page (median)")
    p.add_argument("--students", default="10,30,60,120", help="classroom sizes, comma list")
    p.add_argument("--bare-students", type=int, default=60, help="class size on the bare page")
    p.add_argument("--duration", type=float, default=60, help="seconds each student stays")
    p.add_argument(
        "--class-pages", default="autograd,sgd", help="the lessons a class opens, comma list"
    )
    p.add_argument("--cold-runs", type=int, default=3)
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a streamlit config option for the app's server, e.g. "
        "runner.postScriptGC=true (to measure a lever switched back)",
    )
    p.add_argument("--note", default="", help="a line written with the results")
    p.add_argument(
        "--quick",
        action="store_true",
        help="5 presses, 10 reruns, classes of 10 and 60 for 20 s, one cold start",
    )
    p.add_argument("--no-save", action="store_true", help="print only, do not append RESULTS.md")
    if "--quick" in (argv or []):  # lighter defaults; flags given with --quick still win
        p.set_defaults(presses=5, reruns=10, cold_runs=1, students="10,60", duration=20)
    args = p.parse_args(argv)
    args.only = [x for x in args.only.split(",") if x]
    args.pages = [x for x in args.pages.split(",") if x]
    args.students = [int(x) for x in args.students.split(",") if x]
    args.class_pages = [x for x in args.class_pages.split(",") if x]
    args.options = dict(item.split("=", 1) for item in args.set)
    return args


def guarded(rows: list[Row], measure: str, subject: str, fn, *, unit: str, **row) -> None:
    """One measurement; a failure becomes a row saying so, the run goes on."""
    try:
        rows.append(Row(measure, subject, fn(), unit, **row))
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        rows.append(Row(measure, subject, None, unit, note=f"failed: {type(e).__name__}: {e}"[:90]))
    print(" | ".join(rows[-1].cells()), flush=True)


def browser_parts(args, rows: list[Row]) -> None:
    from bench import browser as chromium_page

    with chromium_page.chromium() as browser:
        if "latency" in args.only or "scrub" in args.only:
            # Both servers stay up; the bare page is measured again right before each lesson,
            # so a change in the machine's load hits both sides of each ratio alike.
            with server.start(server.BARE) as bare, server.start(server.APP, **args.options) as app:

                def floor() -> float:
                    return chromium_page.keypress_latency(browser, bare.url, args.presses)

                for page in args.pages if "latency" in args.only else []:
                    guarded(
                        rows,
                        "1 keypress->settled",
                        page,
                        lambda p=page: chromium_page.keypress_latency(
                            browser, f"{app.url}/{p}", args.presses
                        ),
                        unit="ms",
                        bare=floor(),
                        target=3,  # issue 12; the goal after that is 1.25x
                    )
                for page in SCRUB_PAGES if "scrub" in args.only else []:
                    guarded(
                        rows,
                        "6 scrub->repaint",
                        page,
                        lambda p=page: chromium_page.scrub_latency(
                            browser, f"{app.url}/{p}", args.presses
                        ),
                        unit="ms",
                        bare=floor(),
                        note="chart's own input, no rerun; bare = a slider rerun",
                    )
        if "cold" in args.only:
            bare = cold_start.cold_start(
                browser, server.BARE, "", cold_start.BARE_TEXT, args.cold_runs
            )
            first = LESSONS[0].path
            app = {}

            def lesson_cold() -> float:
                app.update(
                    cold_start.cold_start(
                        browser, server.APP, first, cold_start.CHART, args.cold_runs
                    )
                )
                return app["total_s"]

            guarded(
                rows, "4 cold start", first, lesson_cold, unit="s", bare=bare["total_s"], target=1.5
            )
            if app:
                rows[-1].note = (
                    f"healthy after {app['healthy_s']:.1f} s (bare {bare['healthy_s']:.1f} s); "
                    f"first visit {app['total_s'] - app['healthy_s']:.1f} s "
                    f"(bare {bare['total_s'] - bare['healthy_s']:.1f} s)"
                )


def deltas_part(args, rows: list[Row]) -> None:
    with server.start(server.BARE) as bare:
        floor = deltas.deltas_per_move(bare.url, "")
    with server.start(server.APP, **args.options) as app:
        for page in args.pages:
            guarded(
                rows,
                "7 deltas per move",
                page,
                lambda p=page: deltas.deltas_per_move(app.url, p),
                unit="",
                bare=floor,
                target=12,
                ratio_target=False,
            )


def rerun_part(args, rows: list[Row]) -> None:
    floor = reruns.bare_rerun_ms(args.reruns)
    for page in args.pages:
        guarded(
            rows,
            "2 AppTest rerun",
            page,
            lambda p=page: reruns.lesson_rerun_ms(p, args.reruns),
            unit="ms",
            bare=floor,
            target=3,
        )


def classroom_part(args, rows: list[Row]) -> list[str]:
    lines, broken = [], []
    runs = [(server.BARE, "", args.bare_students)] if args.bare_students else []
    runs += [(server.APP, page, n) for page in args.class_pages for n in args.students]
    for script, page, n in runs:
        options = args.options if script == server.APP else {}
        with server.start(script, **options) as srv:
            result = classroom.classroom(srv, page, n, args.duration)
        name = page or "bare page"
        lines.append(
            f"| {name} | {n} | {result.moves} | {result.p50_ms:.0f} | {result.p95_ms:.0f} | "
            f"{result.errors} | {result.start_rss_mb:.0f} / {result.peak_rss_mb:.0f} / "
            f"{result.end_rss_mb:.0f} | {result.first_error} |"
        )
        print(lines[-1], flush=True)
        if script == server.APP and (result.p95_ms > 300 or result.errors):
            broken.append(n)
        if script == server.APP and n == 60:
            rows.append(
                Row(
                    "3 class of 60, p95",
                    page,
                    result.p95_ms,
                    "ms",
                    target=300,
                    ratio_target=False,
                    note=f"{result.errors} errors, peak RSS {result.peak_rss_mb:.0f} MB",
                )
            )
            if result.errors or result.peak_rss_mb > 1024:
                rows[-1].note += " MISSED (errors or RSS > 1 GB)"
    if args.students:
        lines.append("")
        lines.append(
            f"Breaks (p95 > 300 ms or an error) first at {min(broken)} students (any page)."
            if broken
            else f"Held p95 <= 300 ms with no errors up to {max(args.students)} students."
        )
    return lines


def memory_part(args, rows: list[Row]) -> None:
    with server.start(server.BARE) as bare:
        floor = classroom.memory_per_session(bare, "")
    with server.start(server.APP, **args.options) as app:
        guarded(
            rows,
            "5 RSS per session",
            args.class_pages[0],
            lambda: classroom.memory_per_session(app, args.class_pages[0]),
            unit="MB",
            bare=floor,
            target=5,
            ratio_target=False,
        )


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    about = machine.describe()
    print(about, flush=True)
    rows: list[Row] = []
    class_lines: list[str] = []
    if "deltas" in args.only:
        deltas_part(args, rows)
    if {"latency", "scrub", "cold"} & set(args.only):
        browser_parts(args, rows)
    if "reruns" in args.only:
        rerun_part(args, rows)
    if "memory" in args.only:
        memory_part(args, rows)
    if "classroom" in args.only:
        class_lines = classroom_part(args, rows)

    report = [f"## {started:%Y-%m-%d %H:%M} UTC", "", f"Machine: {about}.", ""]
    settings = ", ".join(f"{k}={v}" for k, v in args.options.items()) or "the project's config"
    report += [
        f"App server: {settings}. Run: `python -m bench {shlex.join(argv or [])}`".rstrip(),
        "",
    ]
    if args.note:
        report += [args.note, ""]
    report += [table(rows), ""]
    if class_lines:
        report += [
            f"Classroom: each student opens the page, then moves a slider every ~2 s for "
            f"{args.duration:g} s (websocket protocol, no browser; the students run on the "
            f"same machine).",
            "",
            "| page | students | moves | p50 ms | p95 ms | errors | RSS MB before / peak / after "
            "| first error |",
            "|---|---|---|---|---|---|---|---|",
            *class_lines,
            "",
        ]
    text = "\n".join(report)
    print("\n" + text)
    if not args.no_save:
        with RESULTS.open("a") as f:
            f.write("\n" + text)
        print(f"appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])

"""The workstation on a large portfolio: first frame, filter keystroke, section switch, memory.

Run: python -m bench.bench_app --db bench/.cache/demo-10000.db  (built if missing)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.common import AS_OF, report

# Runs in a fresh interpreter so that imports count towards the first frame, as for a user.
PROBE = r"""
import time
t0 = time.perf_counter()
import asyncio, datetime as dt, json, resource, sys
from pathlib import Path
from cs_tui.app import CsApp
from cs_tui.db.store import Store
from cs_tui.widgets.filter_bar import FilterBar
from cs_tui.widgets.record_table import RecordTable

async def frame(pilot):
    # Handle every queued message, then compose the screen: a frame as the user sees it.
    # (Pilot.pause would also wait for the whole process to go idle, counting background
    # workers and at least 20 ms of sleep into every figure.)
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()


async def main():
    store = Store.open(sys.argv[1])
    # As the workstation starts: with the start-up refresh of health and playbooks (which
    # computes nothing when nothing changed since the last one).
    app = CsApp(store, as_of=dt.date.fromisoformat(sys.argv[2]))
    out = {}
    async with app.run_test(size=(160, 48)) as pilot:
        table = app.screen.query_one("#portfolio-table", RecordTable)
        while table.row_count == 0:
            await asyncio.sleep(0.005)
        await frame(pilot)
        out["first_frame"] = time.perf_counter() - t0
        out["rows"] = table.row_count
        await app.workers.wait_for_complete()  # the sparklines (and any refresh) behind it
        out["settled"] = time.perf_counter() - t0
        if sys.argv[3] == "changed":  # only the first frame and the refresh behind it
            print(json.dumps(out))
            return
        await pilot.pause()
        bar = app.screen.query_one(FilterBar)
        times = []
        for text in ["a", "ac", "acm", "acme", "acm", "ac", "a", ""] * 2:
            start = time.perf_counter()
            bar.value = text
            await frame(pilot)
            times.append(time.perf_counter() - start)
            await pilot.pause()  # the user types at human speed
        out["filter_ms"] = 1000 * sorted(times)[len(times) // 2]
        out["filter_ms_max"] = 1000 * max(times)
        switches = []
        for mode in ["journey", "renewals", "playbooks", "metrics", "portfolio"] * 2:
            start = time.perf_counter()
            app.switch_mode(mode)
            await frame(pilot)
            switches.append(time.perf_counter() - start)
            await app.workers.wait_for_complete()  # a first visit reads its data
            await pilot.pause()
        out["switch_ms"] = 1000 * sorted(switches[5:])[2]  # second round: screens mounted
        out["switch_first_ms"] = 1000 * max(switches[:5])
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))

asyncio.run(main())
"""


def ensure_demo(path: Path, accounts: int) -> None:
    """Build the demo portfolio (with health history and playbook runs) unless it exists."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building a {accounts:,}-account demo at {path} (once)...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cs_tui",
            "demo",
            "--db",
            str(path),
            "--accounts",
            str(accounts),
            "--as-of",
            AS_OF.isoformat(),
        ],
        check=True,
    )


def probe(db: Path, case: str) -> dict[str, float]:
    """Run the probe in a fresh interpreter on `db`; `case` is "changed" or "unchanged"."""
    if case == "changed":
        from cs_tui.db.store import Store

        store = Store.open(db)
        with store.transaction():  # counts as a change of data, as a note or an import does
            pass
        store.close()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(db), AS_OF.isoformat(), case],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Measure and report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(__file__).with_name(".cache") / f"demo-{args.accounts}.db"
    ensure_demo(db, args.accounts)
    # A change since the last start: the refresh recomputes health and playbooks behind
    # the first frame. Then a start with nothing changed, as on most days.
    changed = probe(db, "changed")
    out = probe(db, "unchanged")
    label = f"{args.accounts:,} accounts"
    report("first_frame", out["first_frame"], label=label, accounts=args.accounts)
    report(
        "first_frame",
        changed["first_frame"],
        label=f"{label}, data changed since last start",
        accounts=args.accounts,
    )
    print(
        f"  (after a change, health and playbooks were current "
        f"{changed['settled']:.1f} s after launch, computed in the background)"
    )
    report("filter_keystroke", out["filter_ms"], label=f"{label}, median", accounts=args.accounts)
    report(
        "filter_keystroke", out["filter_ms_max"], label=f"{label}, worst", accounts=args.accounts
    )
    report("section_switch", out["switch_ms"], label=label, accounts=args.accounts)
    report(
        "section_switch",
        out["switch_first_ms"],
        label=f"{label}, first visit",
        accounts=args.accounts,
    )
    report("resident_memory", out["rss_mb"], label=label, accounts=args.accounts)


if __name__ == "__main__":
    main()

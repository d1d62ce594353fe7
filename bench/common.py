"""What every benchmark shares: the budgets, a timer, and one way to report a figure."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

AS_OF = dt.date(2026, 10, 1)
"""The date every benchmark computes at (the demo portfolio's fixed as-of)."""

RESULTS = Path(os.environ.get("CS_TUI_BENCH_RESULTS", Path(__file__).with_name("results.json")))

BUDGETS: dict[str, tuple[float, str]] = {
    "first_frame": (1.0, "s"),
    "filter_keystroke": (50.0, "ms"),
    "section_switch": (100.0, "ms"),
    "journey_section": (0.5, "s"),
    "health_recompute": (2.0, "s"),
    "playbook_evaluation": (2.0, "s"),
    "demo_10k": (20.0, "s"),
    "import_1m_usage": (10.0, "s"),
    "resident_memory": (400.0, "MB"),
    "metrics_load": (1.5, "s"),
    "metrics_filter": (0.5, "s"),
    "metrics_what_if": (50.0, "ms"),
}
"""Figure name -> (budget, unit). From DESIGN.md; section switch, playbook evaluation, the
journey section's read + evaluation and the metrics figures are ours (DESIGN.md asks only that
they never keep the user waiting)."""


@functools.cache
def machine_ms() -> float:
    """A reference: milliseconds for `sum(range(10**6))` (best of 5) on this machine, now.

    On a shared virtual machine the same code runs up to twice as slow from one minute to
    the next; a figure is only comparable with another taken at a similar reference."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - start)
    return best * 1000


@contextmanager
def timer() -> Iterator[list[float]]:
    """Measure the block's wall time: `with timer() as t: ...; seconds = t[0]`."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def report(name: str, value: float, *, label: str = "", accounts: int | None = None) -> None:
    """Print `value` beside its budget and the ratio, and record it in the results file."""
    budget, unit = BUDGETS[name]
    ratio = value / budget
    verdict = "ok" if ratio <= 1 else "OVER BUDGET"
    shown = f"{name}{f' ({label})' if label else ''}"
    print(
        f"{shown:<44} {value:>10.3f} {unit:<3} budget {budget:>7.1f} {unit:<3} "
        f"ratio {ratio:5.2f}  {verdict}  (machine ref {machine_ms():.0f} ms)",
        flush=True,
    )
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    key = f"{name}{f'[{label}]' if label else ''}"
    results[key] = {
        "value": round(value, 4),
        "unit": unit,
        "budget": budget,
        "ratio": round(ratio, 3),
        "accounts": accounts,
        "machine_ref_ms": round(machine_ms(), 1),
        "load_average": round(os.getloadavg()[0], 2),
    }
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")

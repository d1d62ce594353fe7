"""Exports: CSV values that read back the same, safe writes, and the demo round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cs_tui.db.export import (
    ExportError,
    csv_value,
    export_kind,
    kind_rows,
    unique_path,
    write_csv,
    write_text,
)
from cs_tui.db.importers import import_csv
from cs_tui.db.store import Store
from cs_tui.domain.rows import KINDS
from tests.conftest import AS_OF


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (12500.0, "12500"),
        (95.5, "95.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e20, "1e+20"),
        (7, "7"),
        (dt.date(2026, 10, 1), "2026-10-01"),
        ("[bold]x\x1b[2J", "[bold]x\x1b[2J"),
    ],
)
def test_csv_values(value: object, text: str) -> None:
    assert csv_value(value) == text


def test_write_csv_quotes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.csv"
    n = write_csv(path, ["a", "b"], [("x, y", None), ("line\nbreak", 2.0)])
    assert n == 2
    assert path.read_text() == 'a,b\n"x, y",\n"line\nbreak",2\n'
    assert [p.name for p in path.parent.iterdir()] == ["out.csv"]


def test_write_csv_into_an_unwritable_place_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write in"):
        write_csv(blocker / "out.csv", ["a"], [])
    with pytest.raises(ExportError, match="cannot write in"):
        write_text(blocker / "out.md", "x")


def test_unique_path_never_overwrites(tmp_path: Path) -> None:
    first = unique_path(tmp_path, "accounts-2026-10-01")
    first.write_text("x")
    second = unique_path(tmp_path, "accounts-2026-10-01")
    assert (first.name, second.name) == ("accounts-2026-10-01.csv", "accounts-2026-10-01-2.csv")


def test_unknown_kind_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        kind_rows(store, "invoices")


def test_demo_export_then_import_into_a_fresh_database_gives_the_same_data(
    demo_store: Store, tmp_path: Path
) -> None:
    fresh = Store.open(tmp_path / "fresh.db", create=True)
    for kind in KINDS:
        path = tmp_path / f"{kind}.csv"
        written = export_kind(demo_store, kind, path)
        result = import_csv(fresh, kind, path)
        assert result.ok, (kind, result.problem_lines()[:5])
        assert result.inserted == written == demo_store.count(kind) > 0
        assert kind_rows(fresh, kind) == kind_rows(demo_store, kind), kind
    again = import_csv(fresh, "usage", tmp_path / "usage.csv")
    assert again.changed == 0
    assert figures(fresh) == figures(demo_store)
    fresh.close()


# The metrics that imported data alone determines (health and onboarding come from the
# health snapshots and milestone ticks, which are not import kinds).
FROM_IMPORTED_DATA = (
    "clv",
    "eligible_churn",
    "grr",
    "nrr",
    "logo_churn",
    "nps",
    "csat",
    "starting_mrr",
    "avg_mrr",
    "monthly_churn",
    "expansion_rate",
    "median_resolution_days",
    "advocates",
    "contacts_per_account",
)


def figures(store: Store) -> dict[str, object]:
    from cs_tui.domain.metrics import Window, compute_metrics

    window = Window.ending(AS_OF)
    values = compute_metrics(store.metric_inputs(window), window)
    assert values["nrr"] is not None and values["nps"] is not None  # a window with data
    return {key: values[key] for key in FROM_IMPORTED_DATA}

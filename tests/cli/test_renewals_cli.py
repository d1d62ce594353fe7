"""Tests of `cs-tui renewals`: formats, horizon, overdue always included, errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cs_tui.cli import cli
from cs_tui.db.store import Store

AS_OF = dt.date(2025, 6, 2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with one overdue, one soon (proposal logged) and one distant renewal."""
    path = tmp_path / "cli.db"
    store = Store.open(path, create=True)
    store.insert_many(
        "accounts",
        ["account_id", "name", "segment", "edition", "csm", "start_date", "mrr", "status"],
        [
            (aid, aid, "smb", "professional", "ann", "2023-01-01", 100.0, "active")
            for aid in ("OLD", "SOON", "FAR", "X\x1b[31m")
        ],
    )
    store.insert_many(
        "renewals",
        ["account_id", "renewal_date", "arr_due", "outcome"],
        [
            ("OLD", "2025-05-30", 1200.0, "open"),
            ("SOON", "2025-07-12", 2400.0, "open"),
            ("FAR", "2025-12-01", 4800.0, "open"),
            ("X\x1b[31m", "2026-05-01", 10.0, "open"),
        ],
    )
    store.log_renewal_step("SOON", "conversation", dt.date(2025, 4, 20), "ann")
    store.log_renewal_step("SOON", "proposal", dt.date(2025, 5, 20), "ann")
    store.close()
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["renewals", *args])
    return result.exit_code, result.output


def test_json_records(db: Path) -> None:
    code, out = run("--db", str(db), "--as-of", "2025-06-02", "--within", "60", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["as_of"] == "2025-06-02" and data["within_days"] == 60
    assert data["renewals"] == [
        {
            "account_id": "OLD",
            "renewal_date": "2025-05-30",
            "days_left": -3,
            "window": "overdue",
            "expected_step": "execution",
            "late": True,
            "arr_due": 1200.0,
            "band": None,
        },
        {
            "account_id": "SOON",
            "renewal_date": "2025-07-12",
            "days_left": 40,
            "window": "60-31",
            "expected_step": "proposal",
            "late": False,
            "arr_due": 2400.0,
            "band": None,
        },
    ]


def test_overdue_always_included_and_horizon_respected(db: Path) -> None:
    code, out = run("--db", str(db), "--as-of", "2025-06-02", "--within", "0", "--format", "json")
    assert code == 0
    assert [r["account_id"] for r in json.loads(out)["renewals"]] == ["OLD"]
    code, out = run("--db", str(db), "--as-of", "2025-06-02", "--within", "182", "--format", "json")
    assert [r["account_id"] for r in json.loads(out)["renewals"]] == ["OLD", "SOON", "FAR"]


def test_csv_has_header_and_plain_values(db: Path) -> None:
    code, out = run("--db", str(db), "--as-of", "2025-06-02", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "account_id",
        "renewal_date",
        "days_left",
        "window",
        "expected_step",
        "late",
        "arr_due",
        "band",
    ]
    assert [(r["account_id"], r["late"], r["band"]) for r in rows] == [
        ("OLD", "true", ""),
        ("SOON", "false", ""),
    ]


def test_table_is_aligned_and_shows_control_characters_literally(db: Path) -> None:
    code, out = run("--db", str(db), "--as-of", "2025-06-02", "--within", "365")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "account_id",
        "renewal_date",
        "days_left",
        "window",
        "expected_step",
        "late",
        "arr_due",
        "band",
    ]
    assert "\x1b" not in out and "X␛[31m" in out
    assert lines[1].split()[:4] == ["OLD", "2025-05-30", "-3", "overdue"]
    assert "1,200.00" in lines[1]


def test_errors_are_messages_with_exit_status(tmp_path: Path, db: Path) -> None:
    code, out = run("--db", str(tmp_path / "missing.db"), "--as-of", "2025-06-02")
    assert code == 1 and "no database" in out and "Traceback" not in out
    code, out = run("--db", str(db), "--as-of", "2025-13-01")
    assert code == 2 and "not a date" in out
    code, out = run("--db", str(db), "--within", "-1")
    assert code == 2

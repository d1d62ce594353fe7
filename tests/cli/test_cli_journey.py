"""`cs-tui journey`: the per-account critical-path status for scripts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from click.testing import CliRunner

from cs_tui.cli import cli
from cs_tui.db.store import Store
from tests.conftest import AS_OF


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "j.db"
    store = Store.open(path, create=True)
    rows = [
        ("a1", "On Track Inc", "enterprise", "ann", AS_OF - dt.timedelta(days=3)),  # week 1
        ("a2", "Behind \x1b[31mLtd", "professional", "bob", AS_OF - dt.timedelta(days=10)),
        ("a3", "Stuck plc", "professional", "ann", AS_OF - dt.timedelta(days=60)),
        ("a4", "Old Co", "professional", "ann", AS_OF - dt.timedelta(days=900)),
    ]
    store.insert_many(
        "accounts",
        [
            "account_id",
            "name",
            "segment",
            "edition",
            "csm",
            "start_date",
            "mrr",
            "licensed_users",
            "status",
        ],
        [(a, n, "smb", e, c, s.isoformat(), 10.0, 1, "active") for a, n, e, c, s in rows],
    )
    store.add_barrier("a2", "setup", "ours", "Blog migration is slow", AS_OF, "ann")
    store.close()
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["journey", *args])
    return result.exit_code, result.output


def test_json_records(tmp_path):
    code, out = run("--db", str(_db(tmp_path)), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert code == 0, out
    records = json.loads(out)
    by_id = {r["account_id"]: r for r in records}
    assert [r["account_id"] for r in records][:2] == ["a4", "a3"]  # most behind first
    a1 = by_id["a1"]
    assert a1["week"] == 1 and a1["status"] == "on track"
    assert a1["expected_stage"] == "Technical set-up" and a1["reached_stage"] == "Technical set-up"
    assert a1["next_milestone"] == "Blog migrated"
    assert a1["next_due"] == (AS_OF + dt.timedelta(days=3)).isoformat()
    a2 = by_id["a2"]
    assert (a2["week"], a2["status"], a2["open_barriers"], a2["weeks_behind"]) == (
        2,
        "behind",
        1,
        1,
    )
    assert by_id["a3"]["status"] == "stuck"
    assert set(a1) >= {
        "account_id",
        "week",
        "expected_stage",
        "reached_stage",
        "status",
        "open_barriers",
    }


def test_csv_and_scope(tmp_path):
    db = str(_db(tmp_path))
    code, out = run(
        "--db",
        db,
        "--as-of",
        AS_OF.isoformat(),
        "--format",
        "csv",
        "--scope",
        "first-year",
        "--csm",
        "ann",
    )
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["account_id"] for r in rows) == ["a1", "a3"]
    assert rows[0]["status"] == "stuck"


def test_table_shows_names_literally(tmp_path):
    code, out = run("--db", str(_db(tmp_path)), "--as-of", AS_OF.isoformat())
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["account_id", "name", "csm", "week"]
    assert len(lines) == 5
    assert "\x1b" not in out and "Behind ␛[31mLtd" in out


def test_future_start_has_no_expected_stage(tmp_path):
    code, out = run(
        "--db",
        str(_db(tmp_path)),
        "--as-of",
        (AS_OF - dt.timedelta(days=5)).isoformat(),
        "--format",
        "json",
        "--scope",
        "all",
    )
    records = {r["account_id"]: r for r in json.loads(out)}
    assert records["a1"]["week"] == 0 and records["a1"]["expected_stage"] is None
    assert records["a1"]["status"] == "on track"


def test_bad_template_is_one_line_exit_1(tmp_path, isolated_paths):
    config = isolated_paths / "config"
    config.mkdir(parents=True)
    (config / "journey.toml").write_text("[[stages]]\nid = 3\n", encoding="utf-8")
    code, out = run("--db", str(_db(tmp_path)))
    assert code == 1
    assert out.startswith("cs-tui: ") and "journey.toml" in out and "Traceback" not in out


def test_missing_db_is_exit_1(tmp_path):
    code, out = run("--db", str(tmp_path / "none.db"))
    assert code == 1 and "no database" in out

"""Bad input on the command line: one clear line, a non-zero exit, nothing overwritten."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from cs_tui.cli import cli
from cs_tui.db import schema


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output  # click 8.2+: stdout and stderr interleaved


def test_a_file_that_is_not_a_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"hello world, not sqlite")
    code, out = run("--db", str(path))
    assert code == 1
    assert out.strip().splitlines() == [
        f"cs-tui: {path} is not a SQLite database (nothing was changed)"
    ]
    assert path.read_bytes() == b"hello world, not sqlite"


def test_a_newer_schema_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    conn.close()
    code, out = run("--db", str(path))
    assert code == 1
    assert "newer than this cs-tui" in out
    assert "Traceback" not in out


def test_demo_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "keep.db"
    path.write_bytes(b"precious")
    code, out = run("demo", "--db", str(path), "--accounts", "5")
    assert code == 1
    assert "already exists: use --force" in out
    assert path.read_bytes() == b"precious"


def test_a_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run("--db", str(tmp_path / "x.db"), "--as-of", "31/12/2026")
    assert code == 2
    assert "not a date" in out


def test_backup_writes_a_copy_and_refuses_to_overwrite(tmp_path: Path) -> None:
    from cs_tui.db.store import Store

    db = tmp_path / "cs.db"
    Store.open(db, create=True).close()
    out = tmp_path / "copy.db"
    code, text = run("backup", "--db", str(db), "--out", str(out))
    assert code == 0, text
    assert out.exists() and Store.open(out).schema_version == schema.SCHEMA_VERSION
    code, text = run("backup", "--db", str(db), "--out", str(out))
    assert code == 1
    assert "already exists" in text

"""`cs-tui import KIND FILE`: exit 0 with counts, or exit 1 with every problem and nothing written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cs_tui.cli import cli
from cs_tui.cli_cmds.importing import IMPORT_KINDS
from cs_tui.db.importers import DERIVED_STALE
from cs_tui.db.store import Store
from cs_tui.domain.rows import KINDS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_cli_offers_exactly_the_importer_kinds() -> None:
    assert IMPORT_KINDS == KINDS


def test_import_creates_the_database_and_prints_counts(tmp_path: Path) -> None:
    db = tmp_path / "new" / "cs.db"
    result = run("import", "accounts", FIXTURES / "valid" / "accounts.csv", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Imported accounts: 10 rows: 10 inserted, 0 updated, 0 unchanged; "
        "3 new CSM(s) added to staff\n"
    )
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    s = Store.open(db)
    assert s.count("accounts") == 10 and s.get_setting(DERIVED_STALE) == "1"
    s.close()
    again = run("import", "accounts", FIXTURES / "valid" / "accounts.csv", "--db", db)
    assert again.stdout == "Imported accounts: 10 rows: 0 inserted, 0 updated, 10 unchanged\n"


def test_problems_go_to_stderr_with_exit_1_and_no_database_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    db = tmp_path / "cs.db"
    result = run("import", "surveys", "bad/surveys_score_out_of_range.csv", "--db", db)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "bad/surveys_score_out_of_range.csv:2: score: nps scores run 0-10, got 11",
        "bad/surveys_score_out_of_range.csv:3: score: csat scores run 1-5, got 0",
        "cs-tui: surveys: 2 problems in bad/surveys_score_out_of_range.csv; nothing imported",
    ]
    assert not db.exists() and not Path(f"{db}-wal").exists()


def test_a_failed_import_leaves_an_existing_database_byte_for_byte(tmp_path: Path) -> None:
    db = tmp_path / "cs.db"
    assert run("import", "accounts", FIXTURES / "valid" / "accounts.csv", "--db", db).exit_code == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = run("import", "usage", FIXTURES / "bad" / "usage_unknown_account.csv", "--db", db)
    assert result.exit_code == 1
    assert "account_id: unknown account 'A999'" in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "cs.db"
    result = run("import", "accounts", FIXTURES / "valid" / "accounts.csv", "--db", db, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("Checked (dry run) accounts: 10 rows: 10 would be inserted")
    assert not db.exists()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("import", "invoices", "x.csv"), 2),
        (("import", "accounts"), 2),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], code: int) -> None:
    result = run(*args, "--db", tmp_path / "cs.db")
    assert result.exit_code == code
    assert "Traceback" not in result.output


def test_a_directory_or_a_missing_file_is_a_clean_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "cs.db"
    for target, message in (
        (tmp_path, "a directory, not a file"),
        (tmp_path / "no.csv", "no such file"),
    ):
        result = run("import", "accounts", target, "--db", db)
        assert result.exit_code == 1
        assert f"{target}:0: (file): {message}" in result.stderr
        assert "Traceback" not in result.output


def test_a_database_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("my notes")
    result = run("import", "accounts", FIXTURES / "valid" / "accounts.csv", "--db", db)
    assert result.exit_code == 1
    assert db.read_text() == "my notes"


def test_markup_and_escapes_in_bad_values_are_printed_literally(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "account_id,name,email,role\n"
        "A001,[bold red]Eve[/bold red],eve@x.example,[@click=app.quit]boss\n"
        "A001,Mallory,\x1b[2J@x,user\n",
        newline="",
    )
    db = tmp_path / "cs.db"
    run("import", "accounts", FIXTURES / "valid" / "accounts.csv", "--db", db)
    result = run("import", "contacts", path, "--db", db)
    assert result.exit_code == 1
    assert "role: unknown value '[@click=app.quit]boss'" in result.stderr
    assert "email: not an email address: '\\x1b[2J@x'" in result.stderr
    assert "\x1b" not in result.output

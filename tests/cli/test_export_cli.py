"""`cs-tui export`: the QBR pre-read and CSV of every kind; names with markup stay literal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cs_tui.cli import cli
from cs_tui.domain.rows import KINDS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cs.db"
    for kind in KINDS:
        result = run("import", kind, FIXTURES / "valid" / f"{kind}.csv", "--db", path)
        assert result.exit_code == 0, result.output
    return path


def test_qbr_is_written_to_a_file_with_the_agenda(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "qbr" / "A004.md"
    result = run("export", "qbr", "A004", "--db", db, "--as-of", "2026-10-01", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"QBR pre-read of A004 written to {out}\n"
    text = out.read_text()
    assert text.startswith("# QBR pre-read: Umbrella, Inc. \\[@click=app.quit\\]quit\\[/\\]\n")
    assert "## 3. Usage and adoption (15 min)" in text
    assert "**Renewal:** 2026-10-20 (in 19 days), $216,000 ARR due" in text
    assert "Screen went blank: ␛\\[2J after export" in text
    assert "\x1b" not in text


def test_qbr_of_an_unknown_account_is_exit_1(db: Path) -> None:
    result = run("export", "qbr", "A999", "--db", db)
    assert result.exit_code == 1
    assert result.stderr == f"cs-tui: no account 'A999' in {db}\n"


def test_qbr_goes_to_standard_output_by_default(db: Path) -> None:
    result = run("export", "qbr", "A002", "--db", db, "--as-of", "2026-10-01")
    assert result.exit_code == 0
    assert result.stdout.startswith("# QBR pre-read: \\[bold red\\]Globex\\[/bold red\\]\n")


def test_every_kind_exports_in_the_import_format_and_reimports_unchanged(
    db: Path, tmp_path: Path
) -> None:
    for kind in KINDS:
        out = tmp_path / f"{kind}.csv"
        assert run("export", kind, "--db", db, "--out", out).exit_code == 0
        again = run("import", kind, out, "--db", db)
        assert again.exit_code == 0, again.output
        assert ": 0 inserted, 0 updated, " in again.stdout, again.stdout


def test_csv_to_a_file_keeps_values_exactly(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "surveys.csv"
    assert run("export", "surveys", "--db", db, "--out", out).exit_code == 0
    text = out.read_text()
    assert "Screen went blank: \x1b[2J after export" in text  # data, kept as stored
    assert '"Helpful\nagent"' in text
    accounts = run("export", "accounts", "--db", db).stdout
    assert accounts.splitlines()[0] == (
        "account_id,name,segment,edition,csm,start_date,renewal_date,mrr,licensed_users,"
        "status,churned_on"
    )
    assert "A002,[bold red]Globex[/bold red],mid-market,professional," in accounts


def test_csv_shown_on_a_terminal_has_escapes_made_visible(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cs_tui.cli_cmds import exporting

    monkeypatch.setattr(exporting, "_stdout_is_terminal", lambda: True)
    shown = run("export", "surveys", "--db", db).stdout
    assert "Screen went blank: ␛[2J after export" in shown
    assert "\x1b" not in shown

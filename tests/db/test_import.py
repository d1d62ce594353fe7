"""CSV imports: the valid fixtures load, every bad fixture is explained exactly, nothing is half-written."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_tui.db import csv_reader
from cs_tui.db.importers import DERIVED_STALE, ImportResult, import_csv
from cs_tui.db.store import Store
from cs_tui.domain.rows import KINDS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
VALID = FIXTURES / "valid"
BAD = FIXTURES / "bad"
QUIRKS = FIXTURES / "quirks"

COUNTS = {"accounts": 10, "contacts": 8, "usage": 24, "tickets": 7, "surveys": 6, "renewals": 7}


def load_valid(store: Store) -> None:
    for kind in KINDS:
        result = import_csv(store, kind, VALID / f"{kind}.csv")
        assert result.ok, result.problem_lines()


def table(store: Store, kind: str) -> list[tuple[object, ...]]:
    """Every row of a kind's table, in a stable order, without surrogate ids."""
    rows = store.query(f"SELECT * FROM {kind}")
    return sorted(tuple(v for k, v in zip(r.keys(), r, strict=True) if k != "id") for r in rows)


@pytest.fixture
def loaded(store: Store) -> Store:
    load_valid(store)
    return store


# -- the valid set ----------------------------------------------------------------------------


def test_every_valid_fixture_loads_with_exact_counts(store: Store) -> None:
    for kind in KINDS:
        result = import_csv(store, kind, VALID / f"{kind}.csv")
        assert result.ok, result.problem_lines()
        assert (result.rows, result.inserted, result.updated, result.unchanged) == (
            COUNTS[kind],
            COUNTS[kind],
            0,
            0,
        )
        assert store.count(kind) == COUNTS[kind]


def test_values_are_stored_as_the_domain_expects(loaded: Store) -> None:
    hooli = loaded.account("A005")
    assert hooli is not None
    assert (hooli.status, str(hooli.churned_on), hooli.mrr) == ("churned", "2026-08-15", 5400.0)
    assert loaded.account("A001").renewal_date.isoformat() == "2026-11-01"  # type: ignore[union-attr]
    assert loaded.account("A007").churned_on is None  # type: ignore[union-attr]
    contacts = {c.email: c for c in loaded.contacts("A001")}
    assert contacts["maria.chen@northwind.example"].advocate is True
    assert contacts["tom.baker@northwind.example"].advocate is False
    # A churned renewal with a blank arr_renewed means 0 (DESIGN.md), an open one stays empty.
    renewals = {r.renewal_date.isoformat(): r for r in loaded.renewals("A009")}
    assert renewals["2026-02-01"].arr_renewed == 0.0
    assert [r.arr_renewed for r in loaded.renewals("A010")] == [None]
    tickets = {t.ticket_id: t for t in loaded.tickets("A002")}
    assert tickets["T-1002"].closed_at is None and tickets["T-1002"].priority == "high"
    assert loaded.query("SELECT date FROM usage ORDER BY date LIMIT 1")[0][0] == "2026-09-28"


def test_markup_and_escapes_are_stored_exactly_as_given(loaded: Store) -> None:
    names = dict(loaded.account_names())
    assert names["A002"] == "[bold red]Globex[/bold red]"
    assert names["A003"] == "Initech [link=https://x]click me[/link]"
    assert names["A004"] == "Umbrella, Inc. [@click=app.quit]quit[/]"
    comments = {s.response_id: s.comment for s in loaded.surveys("A004")}
    assert comments["S-4"] == "Screen went blank: \x1b[2J after export"
    helpful = {s.response_id: s.comment for s in loaded.surveys("A003")}
    assert helpful["S-3"] == "Helpful\nagent"  # a quoted newline survives


def test_accounts_import_adds_unknown_csms_to_staff(store: Store) -> None:
    store.conn.execute("INSERT INTO staff (name, role) VALUES ('Sam Okafor', 'manager')")
    store.conn.commit()
    result = import_csv(store, "accounts", VALID / "accounts.csv")
    assert result.staff_created == 2
    roles = {s.name: s.role for s in store.staff()}
    assert roles == {"Dana Whitfield": "csm", "Priya Raman": "csm", "Sam Okafor": "manager"}


# -- idempotency and counts -------------------------------------------------------------------


def test_importing_everything_twice_changes_nothing(loaded: Store) -> None:
    before = {kind: table(loaded, kind) for kind in KINDS}
    for kind in KINDS:
        again = import_csv(loaded, kind, VALID / f"{kind}.csv")
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, COUNTS[kind])
    assert {kind: table(loaded, kind) for kind in KINDS} == before


def test_counts_split_inserted_updated_unchanged(loaded: Store, tmp_path: Path) -> None:
    text = (VALID / "accounts.csv").read_text()
    text = text.replace(
        "A007,Wayne Enterprises,smb,professional,Dana Whitfield,2026-07-01,2027-07-01,300,5",
        "A007,Wayne Enterprises,smb,professional,Dana Whitfield,2026-07-01,2027-07-01,350,6",
    )
    text += "A011,Oscorp,smb,professional,Sam Okafor,2026-09-01,2027-09-01,200,4,active,\n"
    path = tmp_path / "accounts.csv"
    path.write_text(text)
    result = import_csv(loaded, "accounts", path)
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (11, 1, 1, 9)
    assert loaded.account("A007").mrr == 350.0  # type: ignore[union-attr]
    assert result.summary() == "accounts: 11 rows: 1 inserted, 1 updated, 9 unchanged"


def test_a_file_without_an_optional_column_leaves_that_column_alone(
    loaded: Store, tmp_path: Path
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(
        "account_id,name,segment,edition,csm,start_date,mrr,licensed_users\n"
        "A001,Northwind Traders,enterprise,enterprise,Dana Whitfield,2024-11-01,13000,250\n"
        "A012,Massive Dynamic,smb,professional,Sam Okafor,2026-09-01,90,3\n"
    )
    result = import_csv(loaded, "accounts", path)
    assert (result.inserted, result.updated) == (1, 1)
    northwind = loaded.account("A001")
    assert northwind is not None and northwind.renewal_date is not None  # kept, not blanked
    assert northwind.mrr == 13000.0
    massive = loaded.account("A012")
    assert massive is not None and (massive.status, massive.renewal_date) == ("active", None)


def test_a_successful_change_marks_derived_data_stale_and_no_change_does_not(store: Store) -> None:
    assert store.get_setting(DERIVED_STALE) is None
    import_csv(store, "accounts", VALID / "accounts.csv")
    assert store.get_setting(DERIVED_STALE) == "1"
    store.set_setting(DERIVED_STALE, "0")  # as the health refresh does
    import_csv(store, "accounts", VALID / "accounts.csv")
    assert store.get_setting(DERIVED_STALE) == "0"


def test_a_dry_run_counts_but_writes_nothing(store: Store) -> None:
    result = import_csv(store, "accounts", VALID / "accounts.csv", dry_run=True)
    assert result.ok and result.dry_run and result.inserted == 10
    assert result.summary().startswith("accounts: 10 rows: 10 would be inserted")
    assert store.count("accounts") == 0 and store.count("staff") == 0
    assert store.get_setting(DERIVED_STALE) is None


def test_progress_reaches_the_end(store: Store) -> None:
    seen: list[tuple[int, int]] = []
    import_csv(store, "accounts", VALID / "accounts.csv", lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]


# -- bad input: exact lines, and the database byte for byte unchanged ---------------------


EXPECTED: dict[str, list[str]] = {
    "accounts_missing_columns.csv": [
        "1: mrr: required column is missing from the header",
        "1: licensed_users: required column is missing from the header",
    ],
    "accounts_unknown_enum.csv": [
        "3: segment: unknown value 'startup' (allowed: enterprise, mid-market, smb)"
    ],
    "accounts_negative_money.csv": ["2: mrr: must not be negative, got -250"],
    "accounts_duplicate_key.csv": ["4: account_id: same account_id as line 2 (duplicate key)"],
    "accounts_churned_on_without_churned.csv": [
        "2: churned_on: set, but status is 'active': only churned accounts have one"
    ],
    "accounts_churned_without_date.csv": ["3: churned_on: required when status is churned"],
    "accounts_bad_date.csv": [
        "2: start_date: not a date (YYYY-MM-DD or ISO timestamp): '31/12/2025'"
    ],
    "accounts_not_a_number.csv": ["2: licensed_users: not a whole number: 'many'"],
    "accounts_not_utf8.csv": ["3: (file): not UTF-8 text (byte 0xe9): save it as CSV UTF-8"],
    "accounts_utf16.csv": ["1: (file): UTF-16 text, not UTF-8: save it as CSV UTF-8"],
    "accounts_workbook.xlsx": [
        "1: (file): a zip or Excel workbook, not a CSV file: save it as CSV UTF-8"
    ],
    "accounts_binary.csv": ["3: (file): binary data (a NUL byte), not a CSV text file"],
    "accounts_empty.csv": ["1: (file): empty file: no header row"],
    "accounts_unquoted_comma.csv": [
        "3: (row): 12 fields but the header has 11: is a comma or semicolon in a value not quoted?"
    ],
    "accounts_bad_quote.csv": ["3: (file): a quoted field starts here and is never closed"],
    "accounts_duplicate_header.csv": ["1: name: column appears twice in the header"],
    "contacts_unknown_role.csv": [
        "2: role: unknown value 'ceo' (allowed: buyer, champion, executive_sponsor, admin, user)"
    ],
    "contacts_bad_email.csv": ["2: email: not an email address: 'maria.chen at northwind'"],
    "contacts_bad_bool.csv": ["2: advocate: not true/false: 'maybe'"],
    "usage_unknown_account.csv": ["3: account_id: unknown account 'A999'"],
    "usage_negative_count.csv": ["2: logins: must not be negative, got -3"],
    "usage_number_too_large.csv": [
        "3: logins: too large (at most 9223372036854775807), got 99999999999999999999"
    ],
    "usage_duplicate_day.csv": [
        "4: account_id+date: same account_id and date as line 2 (duplicate key)"
    ],
    "tickets_closed_before_opened.csv": ["2: closed_at: 2026-09-01 is before opened_at 2026-09-05"],
    "tickets_unknown_priority.csv": [
        "2: priority: unknown value 'P1' (allowed: low, normal, high, urgent)"
    ],
    "surveys_score_out_of_range.csv": [
        "2: score: nps scores run 0-10, got 11",
        "3: score: csat scores run 1-5, got 0",
    ],
    "surveys_unknown_kind.csv": ["2: kind: unknown value 'ces' (allowed: nps, csat)"],
    "renewals_missing_arr_renewed.csv": ["2: arr_renewed: required when the outcome is renewed"],
    "renewals_churned_not_zero.csv": [
        "2: arr_renewed: must be 0 when the outcome is churned, got 5000"
    ],
    "renewals_negative_money.csv": ["2: arr_due: must not be negative, got -264000"],
}


def test_every_bad_fixture_has_an_expected_message() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def loaded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("loaded") / "cs.db"
    s = Store.open(path, create=True)
    load_valid(s)
    s.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded_copy(loaded_file: Path, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "cs.db"
    path.write_bytes(loaded_file.read_bytes())
    yield path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_fixture_gives_its_exact_lines_and_leaves_the_file_unchanged(
    name: str, loaded_copy: Path
) -> None:
    kind = name.split("_")[0]
    before = digest(loaded_copy)
    s = Store.open(loaded_copy)
    result = import_csv(s, kind, BAD / name, shown=f"bad/{name}")
    s.close()
    assert result.problem_lines() == [f"bad/{name}:{line}" for line in EXPECTED[name]]
    assert not result.ok and (result.inserted, result.updated) == (0, 0)
    assert result.summary().endswith("nothing imported")
    assert digest(loaded_copy) == before
    assert not Path(f"{loaded_copy}-wal").exists()


def test_a_broken_row_late_in_a_file_undoes_the_earlier_rows(store: Store, tmp_path: Path) -> None:
    good = (VALID / "accounts.csv").read_text()
    path = tmp_path / "accounts.csv"
    path.write_text(good + "A099,Late,smb,professional,X,2026-01-01,,-1,1,active,\n")
    result = import_csv(store, "accounts", path)
    assert result.problem_count == 1 and store.count("accounts") == 0 and store.count("staff") == 0


def test_problems_are_capped_at_50_with_a_count(loaded: Store, tmp_path: Path) -> None:
    header = "account_id,date,active_users,logins,session_minutes,features_used,"
    header += "workflows_completed,integrations_active\n"
    rows = "".join(f"A001,2026-08-{d:02d},1,x,1,1,1,1\n" for d in range(1, 31))
    rows += "".join(f"A002,2026-08-{d:02d},-1,x,1,1,1,1\n" for d in range(1, 16))
    path = tmp_path / "usage.csv"
    path.write_text(header + rows)
    result = import_csv(loaded, "usage", path, shown="usage.csv")
    lines = result.problem_lines()
    assert result.problem_count == 60
    assert len(lines) == 51
    assert lines[0] == "usage.csv:2: logins: not a whole number: 'x'"
    assert lines[-1] == "... and 10 more problems"


def test_rows_pointing_to_accounts_in_an_empty_database_say_to_import_accounts_first(
    store: Store,
) -> None:
    result = import_csv(store, "tickets", VALID / "tickets.csv", shown="t.csv")
    assert result.problem_lines()[0] == (
        "t.csv:2: account_id: unknown account 'A001' "
        "(the database has no accounts yet: import accounts first)"
    )


def test_a_missing_file_is_one_problem(store: Store, tmp_path: Path) -> None:
    result = import_csv(store, "accounts", tmp_path / "nope.csv", shown="nope.csv")
    assert result.problem_lines() == ["nope.csv:0: (file): no such file"]


def test_an_unknown_kind_is_a_programming_error(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown import kind"):
        import_csv(store, "invoices", VALID / "accounts.csv")


# -- what real exports look like --------------------------------------------------------------


def test_an_excel_export_of_the_same_accounts_changes_nothing(loaded: Store) -> None:
    """BOM, CRLF, `;`, headers in any case with spaces, timestamps, upper-case enums, blank
    trailing lines: the same ten accounts."""
    raw = (QUIRKS / "accounts_excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw and b"\r\n\r\n" in raw
    result = import_csv(loaded, "accounts", QUIRKS / "accounts_excel.csv")
    assert result.problem_lines() == []
    assert (result.rows, result.unchanged) == (10, 10)


def test_quoted_timestamps_in_usage_are_the_same_days(loaded: Store) -> None:
    result = import_csv(loaded, "usage", QUIRKS / "usage_quoted_timestamps.csv")
    assert result.ok, result.problem_lines()
    assert (result.rows, result.unchanged) == (24, 24)


def write(tmp_path: Path, text: str | bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, newline="")
    return path


def test_quoted_separators_and_newlines_tabs_and_column_order(
    loaded: Store, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "email\tRole\tName\taccount_id\tignored extra\n"
        'new@northwind.example\tuser\t"Line one\nline two; with, separators"\tA001\tzzz\n',
    )
    result = import_csv(loaded, "contacts", path)
    assert result.ok and result.inserted == 1, result.problem_lines()
    names = {c.email: c.name for c in loaded.contacts("A001")}
    assert names["new@northwind.example"] == "Line one\nline two; with, separators"


def test_a_quoted_newline_keeps_later_line_numbers_right(loaded: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ticket_id,account_id,opened_at,closed_at,priority\n"
        'T-1,A001,2026-09-01,,"normal"\n'
        'T-2,"A0\n01",2026-09-01,,normal\n'
        "T-3,A001,2026-09-01,,whenever\n",
    )
    result = import_csv(loaded, "tickets", path, shown="t.csv")
    assert result.problem_lines() == [
        "t.csv:3: account_id: unknown account 'A0\\n01'",
        "t.csv:5: priority: unknown value 'whenever' (allowed: low, normal, high, urgent)",
    ]


def test_timestamps_of_every_iso_shape_are_accepted(loaded: Store, tmp_path: Path) -> None:
    shapes = [
        "2026-09-01",
        "2026-09-02T10:00",
        "2026-09-03T10:00:00",
        "2026-09-04T10:00:00Z",
        "2026-09-05T10:00:00.123+02:00",
        "2026-09-06 10:00:00",
        "2026-09-07T10:00:00-0500",
    ]
    body = "".join(f"T-{i},A001,{s},,normal\n" for i, s in enumerate(shapes))
    path = write(tmp_path, "ticket_id,account_id,opened_at,closed_at,priority\n" + body)
    result = import_csv(loaded, "tickets", path)
    assert result.ok, result.problem_lines()
    stored = [
        r[0] for r in loaded.query("SELECT opened_at FROM tickets WHERE ticket_id LIKE 'T-_'")
    ]
    assert sorted(stored) == [f"2026-09-0{d}" for d in range(1, 8)]


@pytest.mark.parametrize(
    "value", ["2026-9-1", "2026-W36-1", "20260901", "2026-09-01garbage", "1700000000"]
)
def test_other_date_shapes_are_refused(loaded: Store, tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"ticket_id,account_id,opened_at\nT-9,A001,{value}\n")
    result = import_csv(loaded, "tickets", path, shown="t.csv")
    assert result.problem_lines() == [
        f"t.csv:2: opened_at: not a date (YYYY-MM-DD or ISO timestamp): {value!r}"
    ]


def test_semicolons_with_crlf_and_bom(loaded: Store, tmp_path: Path) -> None:
    text = "\ufeffTicket_ID ; ACCOUNT_ID;Opened At\r\nT-50;A002;2026-09-30\r\n\r\n"
    result = import_csv(loaded, "tickets", write(tmp_path, text.encode()))
    assert result.ok and result.inserted == 1, result.problem_lines()
    ticket = {t.ticket_id: t for t in loaded.tickets("A002")}["T-50"]
    assert ticket.priority == "normal" and ticket.closed_at is None


def test_short_rows_are_padded_and_report_missing_values(loaded: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "ticket_id,account_id,opened_at,closed_at,priority\nT-60,A001\n")
    result = import_csv(loaded, "tickets", path, shown="t.csv")
    assert result.problem_lines() == ["t.csv:2: opened_at: missing value"]


def test_a_database_left_by_a_failed_import_is_untouched_even_mid_transaction(
    loaded_copy: Path, tmp_path: Path
) -> None:
    """The failing row is the last of 20,000: earlier chunks were already sent to SQLite."""
    header = "account_id,date,active_users,logins,session_minutes,features_used,"
    header += "workflows_completed,integrations_active\n"
    import datetime as dt

    start = dt.date(2020, 1, 1)
    lines = [f"A001,{start + dt.timedelta(days=i)},1,1,1,1,1,1\n" for i in range(20_000)]
    lines[-1] = lines[-1].replace(",1,1,1,1,1,1", ",1,1,1,1,1,-1")
    path = write(tmp_path, header + "".join(lines))
    before = digest(loaded_copy)
    s = Store.open(loaded_copy)
    result = import_csv(s, "usage", path, shown="u.csv")
    assert result.problem_lines() == [
        "u.csv:20001: integrations_active: must not be negative, got -1"
    ]
    assert s.count("usage") == COUNTS["usage"]
    s.close()
    assert digest(loaded_copy) == before


def test_import_result_defaults_are_safe() -> None:
    empty = ImportResult(kind="accounts", file="x.csv")
    assert empty.ok and empty.problem_lines() == [] and empty.changed == 0


def test_the_foreign_key_pragma_is_restored(store: Store) -> None:
    import_csv(store, "accounts", VALID / "accounts.csv")
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        store.insert_many(
            "tickets", ["ticket_id", "account_id", "opened_at"], [("x", "nope", "2026-01-01")]
        )


def test_a_file_of_another_kind_says_which_kind_it_fits(loaded: Store) -> None:
    result = import_csv(loaded, "tickets", VALID / "accounts.csv", shown="a.csv")
    assert result.problem_lines() == [
        "a.csv:1: ticket_id: required column is missing from the header",
        "a.csv:1: opened_at: required column is missing from the header",
        "a.csv:1: (file): the header has every column of accounts: is that the kind?",
    ]


# -- reading: the csv module over the text a block at a time ---------------------------------

LINE_PARTS = st.text(alphabet='ab,;"\r\n\x0c\u2028 ', max_size=60)


@given(text=LINE_PARTS, block=st.integers(min_value=1, max_value=8))
@settings(max_examples=200, deadline=None)
def test_lines_are_those_of_one_stringio_whatever_the_block_size(text: str, block: int) -> None:
    # Blocks end after a newline, so no line or CR LF pair is ever cut in two; lines end
    # only at \n, \r or \r\n (not at \x0c or \u2028, as str.splitlines would).
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(csv_reader, "_BLOCK_CHARS", block)
        got = list(csv_reader._lines(text))
    assert got == list(io.StringIO(text, newline=""))


def test_a_file_larger_than_one_block_keeps_its_records_and_line_numbers(
    loaded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_reader, "_BLOCK_CHARS", 64)
    path = tmp_path / "contacts.csv"
    path.write_text(
        "account_id,name,email,role\r\n"
        'A001,"Ana\r\nSecond line",ana@example.com,buyer\r\n'
        + "".join(f"A001,Person {i},p{i}@example.com,user\r\n" for i in range(40))
        + "A001,Broken,not-an-email,user\r\n",
        newline="",
    )
    result = import_csv(loaded, "contacts", path, shown="c.csv")
    assert result.problem_lines() == ["c.csv:44: email: not an email address: 'not-an-email'"]
    path.write_bytes(path.read_bytes().replace(b"not-an-email", b"b@example.com"))
    result = import_csv(loaded, "contacts", path)
    assert result.ok and result.rows == 42
    names = {r[0] for r in loaded.query("SELECT name FROM contacts WHERE account_id = 'A001'")}
    assert "Ana\r\nSecond line" in names and "Person 39" in names

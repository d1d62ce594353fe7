"""Row models of the CSV imports: the column contract of DESIGN.md and the laws of parsing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cs_tui.domain.rows import KINDS, ROW_KINDS, parse_date, problems_of

DESIGN_COLUMNS = {
    "accounts": "account_id name segment edition csm start_date renewal_date mrr licensed_users "
    "status churned_on",
    "contacts": "account_id name email role advocate",
    "usage": "account_id date active_users logins session_minutes features_used "
    "workflows_completed integrations_active",
    "tickets": "ticket_id account_id opened_at closed_at priority",
    "surveys": "response_id account_id kind score submitted_at comment",
    "renewals": "account_id renewal_date arr_due outcome arr_renewed",
}


def test_every_kind_has_exactly_the_design_columns() -> None:
    assert tuple(ROW_KINDS) == KINDS
    for kind, columns in DESIGN_COLUMNS.items():
        assert ROW_KINDS[kind].columns == tuple(columns.split())


def test_natural_keys_are_the_design_keys() -> None:
    keys = {kind: ROW_KINDS[kind].key for kind in KINDS}
    assert keys == {
        "accounts": ("account_id",),
        "contacts": ("account_id", "email"),
        "usage": ("account_id", "date"),
        "tickets": ("ticket_id",),
        "surveys": ("response_id",),
        "renewals": ("account_id", "renewal_date"),
    }


def test_optional_columns_are_the_ones_with_a_default_or_blank_meaning() -> None:
    optional = {kind: ROW_KINDS[kind].optional for kind in KINDS}
    assert optional == {
        "accounts": ("renewal_date", "status", "churned_on"),
        "contacts": ("advocate",),
        "usage": (),
        "tickets": ("closed_at", "priority"),
        "surveys": ("comment",),
        "renewals": ("outcome", "arr_renewed"),
    }


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31))


@given(dates, st.sampled_from(["", "T00:00", "T23:59:59", "T08:15:00Z", " 12:00:00.5+05:30"]))
def test_a_date_or_any_iso_timestamp_parses_to_its_date_part(day: dt.date, suffix: str) -> None:
    assert parse_date(day.isoformat() + suffix) == day


def validate(kind: str, row: dict[str, str]) -> list[tuple[str, str]] | tuple[Any, ...]:
    spec = ROW_KINDS[kind]
    present = tuple(c for c in spec.columns if c in row)
    try:
        return spec.validator(present).validate_python([tuple(row[c] for c in present)])[0]
    except ValidationError as exc:
        return [p for e in exc.errors() for p in problems_of(e, present)]


def account(**changes: str) -> dict[str, str]:
    row = {
        "account_id": "A1",
        "name": "Acme",
        "segment": "smb",
        "edition": "professional",
        "csm": "Ann",
        "start_date": "2026-01-01",
        "mrr": "10",
        "licensed_users": "5",
    }
    return {**row, **changes}


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(0, 10**6))
def test_any_non_negative_money_and_count_is_accepted(mrr: float, users: int) -> None:
    row = validate("accounts", account(mrr=repr(mrr), licensed_users=str(users)))
    assert isinstance(row, tuple)
    columns = ROW_KINDS["accounts"].columns
    assert row[columns.index("mrr")] == mrr and row[columns.index("licensed_users")] == users


@given(st.floats(min_value=-1e9, max_value=-1e-6))
def test_negative_money_is_always_refused(mrr: float) -> None:
    assert validate("accounts", account(mrr=repr(mrr))) == [
        ("mrr", f"must not be negative, got {mrr!r}")
    ]


@given(st.sampled_from(["active", "ACTIVE", " Active "]), dates)
def test_churned_on_is_refused_unless_churned(status: str, day: dt.date) -> None:
    problems = validate("accounts", account(status=status, churned_on=day.isoformat()))
    assert isinstance(problems, list) and problems[0][0] == "churned_on"


def test_absent_optional_columns_take_their_defaults() -> None:
    row = validate("accounts", account())
    assert isinstance(row, tuple)
    values = dict(zip(ROW_KINDS["accounts"].columns, row, strict=True))
    assert (values["status"], values["churned_on"], values["renewal_date"]) == (
        "active",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("kind", "row", "expected"),
    [
        ("surveys", {"kind": "nps", "score": "10"}, None),
        ("surveys", {"kind": "csat", "score": "6"}, [("score", "csat scores run 1-5, got 6")]),
        ("surveys", {"kind": "NPS", "score": "-1"}, [("score", "nps scores run 0-10, got -1")]),
        ("surveys", {"kind": "nps", "score": "7.5"}, [("score", "not a whole number: '7.5'")]),
    ],
)
def test_survey_scores_by_kind(
    kind: str, row: dict[str, str], expected: list[tuple[str, str]] | None
) -> None:
    base = {"response_id": "R1", "account_id": "A1", "submitted_at": "2026-01-01"}
    result = validate(kind, {**base, **row})
    if expected is None:
        assert isinstance(result, tuple)
    else:
        assert result == expected


@pytest.mark.parametrize(
    ("outcome", "renewed", "expected"),
    [
        ("open", "", None),
        ("", "", None),
        ("renewed", "1200", None),
        ("churned", "", None),
        ("churned", "0", None),
        ("open", "5", [("arr_renewed", "must be empty while the outcome is open")]),
        ("renewed", "", [("arr_renewed", "required when the outcome is renewed")]),
        ("churned", "3", [("arr_renewed", "must be 0 when the outcome is churned, got 3")]),
        ("lost", "", [("outcome", "unknown value 'lost' (allowed: open, renewed, churned)")]),
    ],
)
def test_renewal_outcomes_and_arr_renewed(
    outcome: str, renewed: str, expected: list[tuple[str, str]] | None
) -> None:
    row = {
        "account_id": "A1",
        "renewal_date": "2026-01-01",
        "arr_due": "1000",
        "outcome": outcome,
        "arr_renewed": renewed,
    }
    result = validate("renewals", row)
    if expected is None:
        assert isinstance(result, tuple)
    else:
        assert result == expected

"""Unit tests of renewal outcomes: parsing, validation messages, churn reasons, ARR change."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pytest

from cs_tui.domain import renewal_outcomes as o

AS_OF = dt.date(2025, 6, 2)


def decided(outcome: Literal["renewed", "churned"], arr_renewed: float) -> o.DecidedRenewal:
    """A renewal of 100 ARR decided at AS_OF."""
    return o.DecidedRenewal(
        renewal_id=1,
        account_id="A1",
        renewal_date=AS_OF,
        arr_due=100.0,
        outcome=outcome,
        arr_renewed=arr_renewed,
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("12000", 12000.0), ("12,000.50", 12000.5), ("$12k", 12000.0), (" 1.5M ", 1_500_000.0)],
)
def test_parse_arr(text: str, value: float) -> None:
    assert o.parse_arr(text) == value


def test_renewed_higher_lower_and_same() -> None:
    up = o.validate_outcome("renewed", arr_renewed="15,000", note=" seats added ")
    assert isinstance(up, o.RenewedOutcome) and up.arr_renewed == 15000.0
    assert up.note == "seats added"
    assert o.outcome_kind(12000.0, "renewed", up.arr_renewed) == "expansion"
    assert o.outcome_kind(12000.0, "renewed", 9000.0) == "contraction"
    assert o.outcome_kind(12000.0, "renewed", 12000.0) == "flat"
    assert o.outcome_kind(12000.0, "churned", 0.0) == "churned"
    assert "expansion, +3,000" in o.outcome_text(12000.0, up)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"outcome": "renewed"}, "arr_renewed", "enter the new ARR"),
        ({"outcome": "renewed", "arr_renewed": "  "}, "arr_renewed", "enter the new ARR"),
        ({"outcome": "renewed", "arr_renewed": "lots"}, "arr_renewed", "not an amount"),
        ({"outcome": "renewed", "arr_renewed": "nan"}, "arr_renewed", "not an amount"),
        ({"outcome": "renewed", "arr_renewed": "0"}, "arr_renewed", "above 0"),
        ({"outcome": "renewed", "arr_renewed": "-5"}, "arr_renewed", "above 0"),
        ({"outcome": "renewed", "arr_renewed": 1e15}, "arr_renewed", "implausibly"),
        ({"outcome": "churned"}, "reason", "choose a churn reason"),
        ({"outcome": "churned", "reason": "bored"}, "reason", "unknown churn reason"),
        ({"outcome": "churned", "reason": "other", "note": " "}, "note", "say why"),
        ({"outcome": "open"}, "outcome", "choose renewed or churned"),
        (
            {"outcome": "renewed", "arr_renewed": "5", "current": "churned"},
            "outcome",
            "already churned",
        ),
    ],
)
def test_outcome_validation_messages(kwargs: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(o.RenewalError) as info:
        o.validate_outcome(**kwargs)  # type: ignore[arg-type]
    assert message in info.value.problems[field]
    assert message in str(info.value)


def test_churn_reason_round_trip() -> None:
    churned = o.validate_outcome("churned", reason="competitor", note="went to Acme: cheaper")
    assert isinstance(churned, o.ChurnedOutcome)
    assert churned.churn_reason == "competitor: went to Acme: cheaper"
    assert o.split_churn_reason(churned.churn_reason) == ("competitor", "went to Acme: cheaper")
    assert o.split_churn_reason("price") == ("price", "")
    assert o.split_churn_reason("legacy text") == ("other", "legacy text")
    assert o.split_churn_reason(None) == ("", "")
    assert "moved to a competitor" in o.outcome_text(5000.0, churned)


def test_next_renewal_date_is_a_year_on() -> None:
    assert o.next_renewal_date(dt.date(2025, 3, 31)) == dt.date(2026, 3, 31)
    assert o.next_renewal_date(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_decided_renewal_change_and_retained() -> None:
    up = decided("renewed", 130.0)
    down = decided("renewed", 70.0)
    gone = decided("churned", 0.0)
    assert (up.kind, up.arr_change, up.retained) == ("expansion", 30.0, 100.0)
    assert (down.kind, down.arr_change, down.retained) == ("contraction", -30.0, 70.0)
    assert (gone.kind, gone.arr_change, gone.retained) == ("churned", -100.0, 0.0)


def test_past_year_is_365_days_inclusive() -> None:
    start, end = o.past_year(AS_OF)
    assert end == AS_OF and (end - start).days + 1 == 365


def test_decided_summary_matches_the_design_definitions() -> None:
    summary = o.summarise_decided(
        [decided("renewed", 130.0), decided("renewed", 70.0), decided("churned", 0.0)]
    )
    assert (summary.renewed, summary.churned) == (2, 1)
    assert (summary.expansions, summary.contractions) == (1, 1)
    assert summary.arr_due == 300.0 and summary.arr_renewed == 200.0 and summary.retained == 170.0
    assert summary.grr == pytest.approx(170 / 300)
    assert summary.nrr == pytest.approx(200 / 300)
    assert summary.eligible_churn == pytest.approx(130 / 300)
    empty = o.summarise_decided([])
    assert empty.grr is None and empty.nrr is None and empty.eligible_churn is None

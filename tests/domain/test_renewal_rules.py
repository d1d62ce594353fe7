"""Unit and property tests of the renewal rules: windows, steps, lateness, risk, outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_tui.domain import renewals as r
from cs_tui.domain.models import Renewal

AS_OF = dt.date(2025, 6, 2)


def renewal_in(days: int, arr: float = 12_000.0, account_id: str = "A1") -> Renewal:
    """An open renewal `days` after AS_OF."""
    return Renewal(
        id=1,
        account_id=account_id,
        renewal_date=AS_OF + dt.timedelta(days=days),
        arr_due=arr,
    )


def logged(step: r.Step, days_before_renewal: int, renewal: Renewal) -> r.StepEvidence:
    """Evidence that `step` was logged `days_before_renewal` days before the renewal date."""
    return r.StepEvidence(
        account_id=renewal.account_id,
        step=step,
        done_on=renewal.renewal_date - dt.timedelta(days=days_before_renewal),
    )


# -- windows at their boundaries --------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "window", "step"),
    [
        (365, "over-90", None),
        (91, "over-90", None),
        (90, "90-61", "conversation"),
        (61, "90-61", "conversation"),
        (60, "60-31", "proposal"),
        (31, "60-31", "proposal"),
        (30, "30-1", "contract"),
        (1, "30-1", "contract"),
        (0, "today", "execution"),
        (-1, "overdue", "execution"),
        (-200, "overdue", "execution"),
    ],
)
def test_window_and_expected_step_at_boundaries(days: int, window: str, step: str | None) -> None:
    status = r.assess(renewal_in(days), AS_OF)
    assert status.days_left == days
    assert status.window == window
    assert status.expected_step == step
    assert r.window_for(days) == window


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (91, ()),
        (90, ("conversation",)),
        (60, ("conversation", "proposal")),
        (30, ("conversation", "proposal", "contract")),
        (0, ("conversation", "proposal", "contract", "execution")),
    ],
)
def test_expected_steps_accumulate(days: int, expected: tuple[str, ...]) -> None:
    assert r.expected_steps(days) == expected


# -- late detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "late", "missing"),
    [
        (91, False, ()),
        (90, True, ("conversation",)),
        (61, True, ("conversation",)),
        (60, True, ("conversation", "proposal")),
        (30, True, ("conversation", "proposal", "contract")),
        (1, True, ("conversation", "proposal", "contract")),
        (0, True, ("conversation", "proposal", "contract")),
        (-1, True, ("conversation", "proposal", "contract", "execution")),
    ],
)
def test_nothing_logged_is_late_once_a_step_is_due(
    days: int, late: bool, missing: tuple[str, ...]
) -> None:
    status = r.assess(renewal_in(days), AS_OF)
    assert status.late is late
    assert status.missing == missing


@pytest.mark.parametrize(
    ("days", "done", "late"),
    [
        (90, ["conversation"], False),
        (60, ["conversation"], True),
        (60, ["conversation", "proposal"], False),
        (31, ["conversation", "proposal"], False),
        (30, ["conversation", "proposal"], True),
        (30, ["conversation", "proposal", "contract"], False),
        (1, ["contract"], False),  # a contract presented implies the earlier steps
        (0, ["conversation", "proposal", "contract"], False),  # execution due today: not late yet
        (-1, ["conversation", "proposal", "contract"], True),  # still open after the date
    ],
)
def test_logged_steps_clear_lateness(days: int, done: list[r.Step], late: bool) -> None:
    renewal = renewal_in(days)
    evidence = [logged(step, max(days, 0) + 1, renewal) for step in done]
    status = r.assess(renewal, AS_OF, evidence)
    assert status.late is late
    assert status.expected_done is (status.expected_step in done)


def test_implied_steps_are_marked() -> None:
    renewal = renewal_in(10)
    status = r.assess(renewal, AS_OF, [logged("contract", 20, renewal)])
    by_step = {s.step: s for s in status.steps}
    assert by_step["contract"].done and not by_step["contract"].implied
    assert by_step["contract"].done_on == renewal.renewal_date - dt.timedelta(days=20)
    assert by_step["conversation"].done and by_step["conversation"].implied
    assert by_step["conversation"].done_on is None
    assert not by_step["execution"].done
    assert status.next_step is None


def test_evidence_too_old_or_in_the_future_or_elsewhere_does_not_count() -> None:
    renewal = renewal_in(80)
    too_old = logged("conversation", r.EVIDENCE_DAYS + 1, renewal)
    future = r.StepEvidence(account_id="A1", step="conversation", done_on=AS_OF + dt.timedelta(1))
    other = r.StepEvidence(account_id="B2", step="conversation", done_on=AS_OF)
    status = r.assess(renewal, AS_OF, [too_old, future, other])
    assert status.late and status.missing == ("conversation",)
    at_limit = logged("conversation", r.EVIDENCE_DAYS, renewal)
    assert not r.assess(renewal, AS_OF, [at_limit]).late


def test_playbook_task_titles_map_to_steps() -> None:
    assert r.step_from_task_title("Initial renewal conversation") == "conversation"
    assert r.step_from_task_title("Send renewal proposal") == "proposal"
    assert r.step_from_task_title("Present the contract") == "contract"
    assert r.step_from_task_title("Review health") is None


def test_next_step_is_first_not_done() -> None:
    renewal = renewal_in(45)
    status = r.assess(renewal, AS_OF, [logged("conversation", 80, renewal)])
    assert status.next_step == "proposal"
    assert status.expected_step == "proposal" and status.expected_done is False


# -- risk -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("band", "change", "risk"),
    [
        (None, None, "unknown"),
        (None, -30.0, "unknown"),
        ("red", 10.0, "high"),
        ("yellow", None, "medium"),
        ("yellow", -4.9, "medium"),
        ("yellow", -5.0, "high"),
        ("green", -9.9, "low"),
        ("green", -10.0, "medium"),
        ("green", None, "low"),
    ],
)
def test_risk_from_band_and_trend(band: r.Band | None, change: float | None, risk: str) -> None:
    assert r.risk_for(band, change) == risk
    health = r.HealthInfo(score=70.0, band=band, change_30d=change)
    status = r.assess(renewal_in(50), AS_OF, health=health)
    assert status.risk == risk
    assert status.band == band and status.change_30d == change


# -- summaries --------------------------------------------------------------------------------


def test_summary_is_cumulative_with_overdue_and_counts_late() -> None:
    green = r.HealthInfo(band="green")
    red = r.HealthInfo(band="red")
    statuses = [
        r.assess(renewal_in(-5, 100.0), AS_OF, health=red),
        r.assess(renewal_in(30, 200.0), AS_OF, health=green),
        r.assess(renewal_in(31, 400.0), AS_OF),
        r.assess(renewal_in(90, 800.0), AS_OF, health=green),
        r.assess(renewal_in(91, 1600.0), AS_OF, health=green),
    ]
    summary = r.summarise(statuses)
    assert summary.due[30] == {"green": 200.0, "yellow": 0.0, "red": 100.0, "unknown": 0.0}
    assert summary.due[60] == {"green": 200.0, "yellow": 0.0, "red": 100.0, "unknown": 400.0}
    assert summary.due[90]["green"] == 1000.0
    assert summary.counts == {30: 2, 60: 3, 90: 4}
    assert summary.late == 4 and summary.late_arr == 1500.0


def test_arr_by_month_puts_overdue_first_and_drops_beyond() -> None:
    statuses = [
        r.assess(renewal_in(-40, 1.0), AS_OF),
        r.assess(renewal_in(0, 2.0), AS_OF, health=r.HealthInfo(band="yellow")),
        r.assess(renewal_in(31, 4.0), AS_OF),
        r.assess(renewal_in(400, 8.0), AS_OF),
    ]
    months = r.arr_by_month(statuses, AS_OF)
    assert len(months) == 12
    assert months[0][0] == dt.date(2025, 6, 1) and months[11][0] == dt.date(2026, 5, 1)
    assert months[0][1] == {"green": 0.0, "yellow": 2.0, "red": 0.0, "unknown": 1.0}
    assert months[1][1]["unknown"] == 4.0  # 3 July
    assert sum(sum(b.values()) for _, b in months) == 7.0


@given(st.integers(min_value=-400, max_value=800))
def test_window_order_follows_days(days: int) -> None:
    """Fewer days left is never a less urgent window, and the step only moves forward."""
    w_now, w_later = r.window_for(days), r.window_for(days + 1)
    assert r.WINDOWS.index(w_now) <= r.WINDOWS.index(w_later)
    assert len(r.expected_steps(days)) >= len(r.expected_steps(days + 1))


@given(st.lists(st.tuples(st.integers(-100, 500), st.floats(0, 1e6)), max_size=30))
def test_month_buckets_hold_every_renewal_in_the_year(items: list[tuple[int, float]]) -> None:
    statuses = [r.assess(renewal_in(d, a, f"A{i}"), AS_OF) for i, (d, a) in enumerate(items)]
    months = r.arr_by_month(statuses, AS_OF)
    last = months[-1][0]
    inside = [s.arr_due for s in statuses if r.month_start(s.renewal_date) <= last]
    assert sum(sum(b.values()) for _, b in months) == pytest.approx(sum(inside))


def test_record_has_the_cli_fields_in_order() -> None:
    status = r.assess(renewal_in(45), AS_OF, health=r.HealthInfo(band="red"))
    record = status.record()
    assert tuple(record) == r.RECORD_FIELDS
    assert record["renewal_date"] == "2025-07-17" and record["band"] == "red"
    assert record["window"] == "60-31" and record["late"] is True


step_sets = st.sets(st.sampled_from(r.LOGGABLE_STEPS))


@given(st.integers(min_value=-200, max_value=200), step_sets)
def test_late_means_the_expected_step_is_not_done(days: int, done: set[r.Step]) -> None:
    """Except on the date itself (execution not yet due), late <=> expected step not done."""
    renewal = renewal_in(days)
    evidence = [logged(step, max(days, 0) + 1, renewal) for step in done]
    status = r.assess(renewal, AS_OF, evidence)
    if days == 0:
        contract = next(s for s in status.steps if s.step == "contract")
        assert status.late is not contract.done
    else:
        assert status.late is (status.expected_step is not None and not status.expected_done)
    assert set(status.missing) <= set(r.expected_steps(days))


@given(st.integers(min_value=-200, max_value=200), step_sets, step_sets)
def test_logging_more_never_makes_a_renewal_later(
    days: int, first: set[r.Step], more: set[r.Step]
) -> None:
    renewal = renewal_in(days)

    def status(steps: set[r.Step]) -> r.RenewalStatus:
        return r.assess(renewal, AS_OF, [logged(s, max(days, 0) + 1, renewal) for s in steps])

    before, after = status(first), status(first | more)
    assert set(after.missing) <= set(before.missing)
    assert after.late <= before.late

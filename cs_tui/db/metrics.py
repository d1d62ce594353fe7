"""The SQL behind the metrics and the health back-test: loads exactly the rows they read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cs_tui.db.core import BaseStore
from cs_tui.domain.backtest import LEAD_DAYS, BacktestPoint
from cs_tui.domain.metrics import MetricInputs, OnboardingStatus, Window
from cs_tui.domain.models import Account, Contact, Renewal, SurveyResponse, Ticket

_D = dt.date.fromisoformat


def _date(text: str | None) -> dt.date | None:
    return None if not text else _D(text[:10])


class MetricQueries(BaseStore):
    """The metrics part of the Store.

    Rows are built with `model_construct` from typed columns (dates parsed here): the inputs
    of a year of a 10,000-account portfolio are some hundred thousand rows, and validating
    each again would cost more than the query.
    """

    def metric_accounts(self) -> list[Account]:
        """Every account, with the columns the metrics read."""
        rows = self.conn.execute(
            "SELECT account_id, name, segment, edition, csm, start_date, renewal_date, mrr, "
            "licensed_users, status, churned_on FROM accounts"
        )
        return [
            Account.model_construct(
                account_id=r[0],
                name=r[1],
                segment=r[2],
                edition=r[3],
                csm=r[4],
                start_date=_D(r[5][:10]),
                renewal_date=_date(r[6]),
                mrr=float(r[7] or 0),
                licensed_users=int(r[8] or 0),
                status=r[9],
                churned_on=_date(r[10]),
            )
            for r in rows
        ]

    def decided_renewals_between(self, start: dt.date, end: dt.date) -> list[Renewal]:
        """Renewals decided (renewed or churned) with renewal_date from `start` to `end`."""
        rows = self.conn.execute(
            "SELECT id, account_id, renewal_date, arr_due, outcome, arr_renewed FROM renewals "
            "WHERE renewal_date >= ? AND renewal_date < ? AND outcome IN ('renewed', 'churned') "
            "ORDER BY renewal_date, account_id",
            [start.isoformat(), (end + dt.timedelta(days=1)).isoformat()],
        )
        return [
            Renewal.model_construct(
                id=r[0],
                account_id=r[1],
                renewal_date=_D(r[2][:10]),
                arr_due=float(r[3] or 0),
                outcome=r[4],
                arr_renewed=None if r[5] is None else float(r[5]),
                churn_reason=None,
            )
            for r in rows
        ]

    def surveys_between(self, start: dt.date, end: dt.date) -> list[SurveyResponse]:
        """NPS and CSAT responses submitted from `start` to `end` (comments left out)."""
        rows = self.conn.execute(
            "SELECT response_id, account_id, kind, score, submitted_at FROM surveys "
            "WHERE submitted_at >= ? AND submitted_at < ?",
            [start.isoformat(), (end + dt.timedelta(days=1)).isoformat()],
        )
        return [
            SurveyResponse.model_construct(
                response_id=r[0],
                account_id=r[1],
                kind=r[2],
                score=int(r[3]),
                submitted_at=_D(r[4][:10]),
                comment="",
            )
            for r in rows
        ]

    def tickets_closed_between(self, start: dt.date, end: dt.date) -> list[Ticket]:
        """Tickets closed from `start` to `end`."""
        rows = self.conn.execute(
            "SELECT ticket_id, account_id, opened_at, closed_at, priority FROM tickets "
            "WHERE closed_at >= ? AND closed_at < ?",
            [start.isoformat(), (end + dt.timedelta(days=1)).isoformat()],
        )
        return [
            Ticket.model_construct(
                ticket_id=r[0],
                account_id=r[1],
                opened_at=_D(r[2][:10]),
                closed_at=_D(r[3][:10]),
                priority=r[4],
            )
            for r in rows
        ]

    def metric_contacts(self) -> list[Contact]:
        """Every contact (account and advocate flag are what the metrics read)."""
        rows = self.conn.execute("SELECT account_id, name, email, role, advocate FROM contacts")
        return [
            Contact.model_construct(
                account_id=r[0], name=r[1], email=r[2], role=r[3], advocate=bool(r[4])
            )
            for r in rows
        ]

    def health_at(self, day: dt.date) -> dict[str, float]:
        """Each account's latest weekly health score at or before `day` (none: left out).

        One index seek per account on health_snapshots' (account_id, week) key.
        """
        rows = self.conn.execute(
            "SELECT a.account_id, (SELECT h.score FROM health_snapshots h "
            "WHERE h.account_id = a.account_id AND h.week <= ? "
            "ORDER BY h.week DESC LIMIT 1) FROM accounts a",
            [day.isoformat()],
        )
        return {r[0]: float(r[1]) for r in rows if r[1] is not None}

    def health_at_dates(self, days: Iterable[dt.date]) -> dict[dt.date, dict[str, float]]:
        """`health_at` for several days (the month ends of a trend)."""
        return {day: self.health_at(day) for day in days}

    def onboarding_statuses(self, as_of: dt.date) -> list[OnboardingStatus]:
        """Every account's onboarding at `as_of`, from its critical-path milestone ticks.

        Empty until the critical path's evaluation (cs_tui.domain.journey) is wired in.
        """
        return []

    def metric_inputs(
        self,
        window: Window,
        *,
        onboarding: Iterable[OnboardingStatus] = (),
    ) -> MetricInputs:
        """Everything `compute_metrics` reads for `window`, health taken at its end.

        Args:
            window: the period (a longer one also serves every window inside it, except for
                health, which `health_at` gives for other dates).
            onboarding: the accounts' onboarding statuses, from the critical path.
        """
        return MetricInputs(
            accounts=self.metric_accounts(),
            renewals=self.decided_renewals_between(window.start, window.end),
            surveys=self.surveys_between(window.start, window.end),
            tickets=self.tickets_closed_between(window.start, window.end),
            contacts=self.metric_contacts(),
            health=self.health_at(window.end),
            onboarding=tuple(onboarding),
        )

    def backtest_points(self, window: Window, *, lead_days: int = LEAD_DAYS) -> list[BacktestPoint]:
        """Renewals decided in `window`, each with the account's latest weekly health
        snapshot at or before `lead_days` before its renewal date (none: empty fields).
        """
        rows = self.conn.execute(
            "SELECT r.account_id, r.renewal_date, r.outcome, h.week, h.score, h.engagement, "
            "h.product, h.relationship, h.business FROM renewals r "
            "LEFT JOIN health_snapshots h ON h.account_id = r.account_id AND h.week = ("
            "  SELECT max(s.week) FROM health_snapshots s WHERE s.account_id = r.account_id "
            "  AND s.week <= date(substr(r.renewal_date, 1, 10), ?)) "
            "WHERE r.renewal_date >= ? AND r.renewal_date < ? "
            "AND r.outcome IN ('renewed', 'churned') ORDER BY r.renewal_date, r.account_id",
            [
                f"-{int(lead_days)} days",
                window.start.isoformat(),
                (window.end + dt.timedelta(days=1)).isoformat(),
            ],
        )
        return [
            BacktestPoint(
                account_id=r[0],
                renewal_date=_D(r[1][:10]),
                churned=r[2] == "churned",
                week=_date(r[3]),
                score=r[4],
                engagement=r[5],
                product=r[6],
                relationship=r[7],
                business=r[8],
            )
            for r in rows
        ]

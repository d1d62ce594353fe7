"""The QBR pre-read: the 60-minute agenda in order, the facts in the right section, text escaped."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from cs_tui.domain.health_model import CategoryLine, HealthCard
from cs_tui.domain.models import (
    Account,
    Activity,
    Barrier,
    Contact,
    Renewal,
    SurveyResponse,
    Ticket,
)
from cs_tui.domain.qbr import (
    AGENDA,
    PlanItem,
    QbrFacts,
    UsageWindow,
    csat_of,
    expansion_signals,
    md,
    nps_of,
    render_qbr,
)

AS_OF = dt.date(2026, 10, 1)
ACCOUNT = Account(
    account_id="A002",
    name="[bold red]Globex[/bold red]",
    segment="mid-market",
    edition="enterprise",
    csm="Dana [link=https://x]W[/link]",
    start_date=dt.date(2025, 3, 15),
    renewal_date=dt.date(2026, 11, 15),
    mrr=3200.0,
    licensed_users=60,
)


def facts(**changes: object) -> QbrFacts:
    base: dict[str, object] = {
        "account": ACCOUNT,
        "as_of": AS_OF,
        "contacts": [
            Contact(
                account_id="A002",
                name="Li Wei",
                email="li@globex.example",
                role="executive_sponsor",
                advocate=True,
            )
        ],
        "usage_recent": UsageWindow(
            end=AS_OF,
            days=30,
            rows=30,
            active_users=57.0,
            logins=120.0,
            session_minutes=30.0,
            features_used=12.0,
            workflows_completed=4.0,
            integrations_active=2.0,
        ),  # fmt: skip
        "usage_before": UsageWindow(
            end=AS_OF - dt.timedelta(days=30),
            days=30,
            rows=30,
            active_users=50.0,
            logins=100.0,
            session_minutes=30.0,
            features_used=10.0,
            workflows_completed=4.0,
            integrations_active=2.0,
        ),  # fmt: skip
        "tickets": [
            Ticket(ticket_id=f"T-{i}", account_id="A002", opened_at=AS_OF - dt.timedelta(days=i))
            for i in range(1, 5)
        ],
        "surveys": [
            SurveyResponse(
                response_id="S-1",
                account_id="A002",
                kind="nps",
                score=10,
                submitted_at=dt.date(2026, 9, 1),
                comment="Love it \x1b[2J [@click=app.quit]bye[/]",
            ),
            SurveyResponse(
                response_id="S-2",
                account_id="A002",
                kind="csat",
                score=3,
                submitted_at=dt.date(2026, 9, 2),
            ),
        ],
        "renewals": [
            Renewal(account_id="A002", renewal_date=dt.date(2026, 11, 15), arr_due=38400.0),
            Renewal(
                account_id="A002",
                renewal_date=dt.date(2025, 11, 15),
                arr_due=36000.0,
                outcome="renewed",
                arr_renewed=38400.0,
            ),
        ],
        "plan": [
            PlanItem("Technical set-up", "Blog migrated", dt.date(2026, 8, 1)),
            PlanItem("Oriented", "Internal plan composed", None),
        ],
        "barriers": [
            Barrier(
                account_id="A002",
                stage="oriented",
                kind="ours",
                text="Reports [x](javascript:alert(1))",
                opened_on=dt.date(2026, 9, 1),
            )
        ],
        "activities": [
            Activity(account_id="A002", kind="meeting", date=dt.date(2026, 9, 20), author="Dana")
        ],
    }
    base.update(changes)
    return QbrFacts(**base)  # type: ignore[arg-type]


def section(text: str, number: int) -> str:
    start = text.index(f"## {number}. ")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


def test_the_sections_follow_the_60_minute_agenda() -> None:
    text = render_qbr(facts())
    assert sum(minutes for _, minutes in AGENDA) == 60
    headings = re.findall(r"^## (\d)\. (.+) \((\d+) min\)$", text, flags=re.M)
    assert [(h[1], int(h[2])) for h in headings] == list(AGENDA)
    assert text.rstrip().endswith("- [ ] Send pre-read")


def test_without_health_the_summary_says_health_is_not_computed() -> None:
    summary = section(render_qbr(facts()), 1)
    assert "**Health: not computed.**" in summary
    assert "Renewal:** 2026-11-15 (in 45 days), $38,400 ARR due" in summary


def card(score: float = 84.0, headline: str = "Health 84 (green)") -> HealthCard:
    return HealthCard(
        account_id="A002",
        as_of=AS_OF,
        score=score,
        band="green",
        change_30d=-3.0,
        no_usage=False,
        headline=headline,
        categories=[
            CategoryLine("engagement", "Engagement", 40.0, 90.0, "Engagement 90: logins up 5%"),
            CategoryLine("business", "Business", 10.0, None, "Business: no data [x](y)"),
        ],
        measures=[],
    )


def test_health_score_band_categories_and_trend() -> None:
    weeks = [dt.date(2026, 7, 5) + dt.timedelta(weeks=i) for i in range(12)]
    trend = [(w, 62.0 + 2 * i) for i, w in enumerate(weeks)]
    text = render_qbr(facts(health=card(), health_trend=trend))
    summary = section(text, 1)
    assert "- **Health:** 84 (green), -3 in 30 days.\n" in summary
    assert "  - Engagement 90: logins up 5% (weight 40%)" in summary
    assert "  - Business: no data \\[x\\]\\(y\\) (weight 10%)" in summary
    assert "Trend: 62 in the week of 2026-07-05 -> 84 now; weekly scores, oldest first: " in summary
    assert "| Health above 80 | yes | score 84 |" in section(text, 5)


def test_a_capped_score_says_why() -> None:
    capped = card(40.0, "Health 40 (red): no usage in 30 days, capped at 40")
    summary = section(render_qbr(facts(health=capped)), 1)
    assert "**Health:** 40 (green), -3 in 30 days; no usage in 30 days, capped at 40." in summary
    assert "Trend: no weekly history stored yet." in summary


def test_usage_against_licences_tickets_and_surveys() -> None:
    usage = section(render_qbr(facts()), 3)
    assert "57.0 a day on average, 95% of 60 licences (+14% on the 30 days before)" in usage
    assert "4 opened in the last 90 days (4 normal); 4 open now" in usage
    assert "4 tickets in the last 30 days: more than 3, the support play applies" in usage
    assert "**NPS** (12 months): +100 from 1 response(s); **CSAT**: 0% above 3.5" in usage


def test_success_plan_and_expansion_signals() -> None:
    text = render_qbr(facts())
    assert "1 of 2 critical-path milestones done (50%)" in section(text, 2)
    assert "  - [ ] Internal plan composed (Oriented)" in section(text, 2)
    signals = {name: met for name, met, _ in expansion_signals(facts())}
    assert signals == {
        "Health above 80": None,
        "High adoption (licences 90%+ used)": True,
        "Executive engagement": True,
        "Positive NPS": True,
        "Budget season (renewal within 120 days)": True,
    }
    assert "Renewed on 2025-11-15: $36,000 -> $38,400 ARR (+$2,400)." in section(text, 4)


def test_names_comments_and_barriers_are_escaped_never_markup() -> None:
    text = render_qbr(facts())
    assert text.startswith("# QBR pre-read: \\[bold red\\]Globex\\[/bold red\\]\n")
    assert "CSM Dana \\[link=https://x\\]W\\[/link\\]" in text
    assert "Love it ␛\\[2J \\[@click=app.quit\\]bye\\[/\\]" in text
    assert "Reports \\[x\\]\\(javascript:alert\\(1\\)\\)" in text
    assert "\x1b" not in text


@given(st.text())
def test_md_leaves_no_control_character_no_newline_and_no_unescaped_bracket(value: str) -> None:
    out = md(value)
    assert not re.search(r"[\x00-\x1f\x7f]", out)
    unescaped = out.replace("\\\\", "")  # drop escaped backslashes; every mark left needs one
    assert not re.search(r"(?<!\\)[\[\]()<>`*_]", unescaped)


def test_nps_and_csat_definitions() -> None:
    assert nps_of([10, 9, 8, 0]) == 25.0
    assert nps_of([]) is None
    assert csat_of([4, 5, 3, 1]) == 0.5
    assert csat_of([]) is None


def test_an_old_customer_without_ticks_is_not_shown_a_first_year_to_do_list() -> None:
    plan = [PlanItem("Technical set-up", "Blog migrated", None)]
    text = section(render_qbr(facts(plan=plan)), 2)
    assert "a customer for more than a year" in text
    assert "Blog migrated" not in text


def test_sparse_usage_is_said_so() -> None:
    sparse = UsageWindow(end=AS_OF, days=30, rows=3, active_users=10.0)
    text = section(render_qbr(facts(usage_recent=sparse, usage_before=None)), 3)
    assert "- Usage recorded on 3 of the last 30 days; averages are over those days." in text

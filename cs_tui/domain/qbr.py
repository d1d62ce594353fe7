"""The QBR pre-read: an account's facts, laid out as DOMAIN.md's 60-minute QBR agenda, in Markdown.

Pure: `render_qbr(facts)` turns a `QbrFacts` (gathered by `cs_tui.db.qbr`) into Markdown.
Everything a customer or a CSM typed (names, comments, barrier texts) is escaped, so markup and
terminal escapes in the data show literally in any Markdown viewer and terminal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cs_tui.domain.health_model import HealthCard
from cs_tui.domain.models import (
    Account,
    Activity,
    Barrier,
    Contact,
    Renewal,
    SurveyResponse,
    Ticket,
)

AGENDA: tuple[tuple[str, int], ...] = (
    ("Summary", 5),
    ("Objectives and success plan", 10),
    ("Usage and adoption", 15),
    ("Success stories", 10),
    ("Roadmap and expansion", 10),
    ("Q&A and next steps", 10),
)
"""DOMAIN.md's QBR agenda: (item, minutes); 60 minutes in all."""
PREP_CHECKLIST = (
    "Review health",
    "Analyse usage",
    "Gather ROI",
    "Identify upsell",
    "Prepare deck",
    "Send pre-read",
)
GREEN, YELLOW = 80.0, 60.0
"""DOMAIN.md's bands: green 80-100, yellow 60-79, red 0-59."""
RENEWAL_STEPS = ((90, "initial conversation"), (60, "proposal"), (30, "contract presentation"))
TICKET_BURST = 3
"""More than this many tickets opened in 30 days triggers the support play (DOMAIN.md)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-!|~&])")


def md(value: object, *, limit: int | None = None) -> str:
    """User text made safe for a Markdown line: control characters visible, markup escaped.

    Newlines become spaces (one item, one line); ESC shows as ␛; every Markdown punctuation
    mark is backslash-escaped so `[bold red]` or `[x](javascript:...)` renders as typed.
    """
    text = "" if value is None else str(value)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    text = _CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 0x20 else "\ufffd", text
    )
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return _MARKDOWN.sub(r"\\\1", text)


@dataclass(frozen=True)
class UsageWindow:
    """Average daily usage over a window of days ending on `end` (None: no usage rows)."""

    end: dt.date
    days: int
    rows: int = 0
    active_users: float | None = None
    logins: float | None = None
    session_minutes: float | None = None
    features_used: float | None = None
    workflows_completed: float | None = None
    integrations_active: float | None = None


@dataclass(frozen=True)
class PlanItem:
    """A critical-path milestone of the account's success plan and when it was done."""

    stage: str
    title: str
    done_on: dt.date | None = None


@dataclass(frozen=True)
class QbrFacts:
    """Everything a QBR pre-read says about one account at `as_of`."""

    account: Account
    as_of: dt.date
    contacts: Sequence[Contact] = ()
    health: HealthCard | None = None
    """The health computed at as-of (None: not computed, e.g. the health model is missing)."""
    health_trend: Sequence[tuple[dt.date, float]] = ()
    """Stored weekly scores (week, score) up to as-of, oldest first."""
    usage_recent: UsageWindow | None = None
    usage_before: UsageWindow | None = None
    tickets: Sequence[Ticket] = ()
    surveys: Sequence[SurveyResponse] = ()
    renewals: Sequence[Renewal] = ()
    plan: Sequence[PlanItem] = ()
    barriers: Sequence[Barrier] = ()
    activities: Sequence[Activity] = ()
    """Newest first."""
    notes: Sequence[str] = field(default_factory=tuple)
    """Remarks on how the facts were gathered (shown under the title)."""


def band(score: float) -> str:
    """green, yellow or red for a health score (DOMAIN.md)."""
    return "green" if score >= GREEN else "yellow" if score >= YELLOW else "red"


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.0f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _change(now: float | None, before: float | None) -> str:
    if now is None or before is None or before == 0:
        return ""
    delta = (now - before) / before
    return f" ({'+' if delta >= 0 else ''}{delta * 100:.0f}% on the 30 days before)"


def nps_of(scores: Sequence[int]) -> float | None:
    """NPS of some 0-10 scores: % promoters (9-10) minus % detractors (0-6); None if none."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100 * (promoters - detractors) / len(scores)


def csat_of(scores: Sequence[int]) -> float | None:
    """Share of CSAT scores above 3.5; None if none."""
    return sum(1 for s in scores if s > 3.5) / len(scores) if scores else None


def next_renewal(facts: QbrFacts) -> tuple[dt.date | None, float | None]:
    """The next open renewal's date and ARR due; else the account's renewal date and its ARR."""
    upcoming = sorted(
        (r for r in facts.renewals if r.outcome == "open" and r.renewal_date >= facts.as_of),
        key=lambda r: r.renewal_date,
    )
    if upcoming:
        return upcoming[0].renewal_date, upcoming[0].arr_due
    return facts.account.renewal_date, facts.account.arr


def utilisation(facts: QbrFacts) -> float | None:
    """Average active users over the recent window / licensed users."""
    usage, licensed = facts.usage_recent, facts.account.licensed_users
    if usage is None or usage.active_users is None or not licensed:
        return None
    return usage.active_users / licensed


def expansion_signals(facts: QbrFacts) -> list[tuple[str, bool | None, str]]:
    """DOMAIN.md's upsell triggers: (signal, met? (None: unknown), evidence)."""
    as_of = facts.as_of
    score = facts.health.score if facts.health is not None else None
    used = utilisation(facts)
    sponsors = [c for c in facts.contacts if c.role == "executive_sponsor"]
    exec_touch = [
        a
        for a in facts.activities
        if a.kind in ("qbr", "meeting", "call") and (as_of - a.date).days <= 90
    ]
    nps = sorted(
        (s for s in facts.surveys if s.kind == "nps" and s.submitted_at <= as_of),
        key=lambda s: s.submitted_at,
    )
    renewal_date, _ = next_renewal(facts)
    days = None if renewal_date is None else (renewal_date - as_of).days
    return [
        (
            "Health above 80",
            None if score is None else score > GREEN,
            "health not computed" if score is None else f"score {score:.0f}",
        ),
        (
            "High adoption (licences 90%+ used)",
            None if used is None else used >= 0.9,
            f"{_pct(used)} of {facts.account.licensed_users} licences in use",
        ),
        (
            "Executive engagement",
            bool(sponsors) and bool(exec_touch),
            f"{len(sponsors)} executive sponsor(s); {len(exec_touch)} calls, meetings or "
            "QBRs in the last 90 days",
        ),
        (
            "Positive NPS",
            None if not nps else nps[-1].score >= 9,
            "no NPS response"
            if not nps
            else f"latest NPS {nps[-1].score} on {nps[-1].submitted_at}",
        ),
        (
            "Budget season (renewal within 120 days)",
            None if days is None else 0 <= days <= 120,
            "no renewal date" if days is None else f"renewal in {days} days",
        ),
    ]


def _mark(met: bool | None) -> str:
    return "yes" if met else "unknown" if met is None else "no"


def _summary(facts: QbrFacts) -> list[str]:
    account, as_of = facts.account, facts.as_of
    lines: list[str] = []
    card = facts.health
    if card is not None and card.score is not None:
        change = (
            ""
            if card.change_30d is None
            else f", {'+' if card.change_30d >= 0 else ''}{card.change_30d:.0f} in 30 days"
        )
        _, _, why = card.headline.partition(": ")  # e.g. "no usage in 30 days, capped at 40"
        lines.append(
            f"- **Health:** {card.score:.0f} ({card.band or band(card.score)}){change}"
            + (f"; {md(why)}." if why else ".")
        )
        lines += [f"  - {md(c.explanation)} (weight {c.weight:.0f}%)" for c in card.categories]
        if facts.health_trend:
            first_week, first = facts.health_trend[0]
            recent = ", ".join(f"{score:.0f}" for _, score in facts.health_trend[-8:])
            lines.append(
                f"  - Trend: {first:.0f} in the week of {first_week} -> {card.score:.0f} now; "
                f"weekly scores, oldest first: {recent}."
            )
        else:
            lines.append("  - Trend: no weekly history stored yet.")
    elif card is not None:
        lines.append(f"- **Health:** not scored ({md(card.headline)}).")
    else:
        lines.append(
            "- **Health: not computed.** The health model could not be used; "
            "see the note above, fix it and export again."
        )
    renewal_date, arr_due = next_renewal(facts)
    if renewal_date is None:
        lines.append("- **Renewal:** no renewal date on file.")
    else:
        days = (renewal_date - as_of).days
        when = f"in {days} days" if days >= 0 else f"{-days} days ago"
        step = next((name for d, name in reversed(RENEWAL_STEPS) if days <= d), None)
        stage = f"; {step} due by now (DOMAIN.md timeline)" if step and days >= 0 else ""
        lines.append(f"- **Renewal:** {renewal_date} ({when}), {_money(arr_due)} ARR due{stage}.")
    lines.append(
        f"- **Contract:** {_money(account.arr)} ARR ({_money(account.mrr)} MRR), "
        f"{account.licensed_users} licensed users, customer since {account.start_date}."
    )
    if account.status == "churned":
        lines.append(f"- **Status: churned on {account.churned_on}.**")
    return lines


def _objectives(facts: QbrFacts) -> list[str]:
    lines: list[str] = []
    done = [p for p in facts.plan if p.done_on is not None and p.done_on <= facts.as_of]
    age_days = (facts.as_of - facts.account.start_date).days
    if facts.plan and not done and age_days > 364:
        lines.append(
            "- **Success plan:** a customer for more than a year; no critical-path milestone "
            "was recorded, so progress is reviewed against the goals set at the meeting."
        )
    elif facts.plan:
        lines.append(
            f"- **Success-plan progress:** {len(done)} of {len(facts.plan)} critical-path "
            f"milestones done ({len(done) / len(facts.plan) * 100:.0f}%)."
        )
        todo = [p for p in facts.plan if p not in done]
        if done:
            last = max(done, key=lambda p: p.done_on or dt.date.min)
            lines.append(f"- Last achieved: {md(last.title)} ({md(last.stage)}) on {last.done_on}.")
        if todo:
            lines.append("- Next milestones:")
            lines += [f"  - [ ] {md(p.title)} ({md(p.stage)})" for p in todo[:5]]
    else:
        lines.append("- No critical path on file for this account.")
    open_barriers = [b for b in facts.barriers if b.resolved_on is None]
    if open_barriers:
        lines.append("- Open barriers:")
        lines += [
            f"  - {md(b.text, limit=160)} ({'customer challenge' if b.kind == 'customer' else 'our issue'}, "
            f"{md(b.stage)}, since {b.opened_on})"
            for b in open_barriers
        ]
    return lines


def _usage(facts: QbrFacts) -> list[str]:
    lines: list[str] = []
    now, before = facts.usage_recent, facts.usage_before
    if now is None or not now.rows:
        lines.append("- No usage recorded in the last 30 days.")
    else:
        prior = before if before is not None and before.rows else None

        def was(name: str) -> float | None:
            return None if prior is None else getattr(prior, name)

        if now.rows < now.days:
            lines.append(
                f"- Usage recorded on {now.rows} of the last {now.days} days; averages are "
                "over those days."
            )
        lines.append(
            f"- **Active users vs licences:** {_num(now.active_users)} a day on average, "
            f"{_pct(utilisation(facts))} of {facts.account.licensed_users} licences"
            f"{_change(now.active_users, was('active_users'))}."
        )
        for label, name in (
            ("Logins a day", "logins"),
            ("Session minutes a day", "session_minutes"),
            ("Features used", "features_used"),
            ("Workflows completed a day", "workflows_completed"),
            ("Integrations active", "integrations_active"),
        ):
            value = getattr(now, name)
            lines.append(f"- {label}: {_num(value)}{_change(value, was(name))}.")
    as_of = facts.as_of
    recent = [t for t in facts.tickets if 0 <= (as_of - t.opened_at).days < 90]
    last30 = [t for t in recent if (as_of - t.opened_at).days < 30]
    still_open = [
        t
        for t in facts.tickets
        if t.opened_at <= as_of and (t.closed_at is None or t.closed_at > as_of)
    ]
    by_priority = ", ".join(
        f"{sum(1 for t in recent if t.priority == p)} {p}"
        for p in ("urgent", "high", "normal", "low")
        if any(t.priority == p for t in recent)
    )
    lines.append(
        f"- **Support tickets:** {len(recent)} opened in the last 90 days"
        + (f" ({by_priority})" if by_priority else "")
        + f"; {len(still_open)} open now."
    )
    if len(last30) > TICKET_BURST:
        lines.append(
            f"  - {len(last30)} tickets in the last 30 days: more than {TICKET_BURST}, "
            "the support play applies."
        )
    year = [s for s in facts.surveys if 0 <= (as_of - s.submitted_at).days < 365]
    nps = nps_of([s.score for s in year if s.kind == "nps"])
    csat = csat_of([s.score for s in year if s.kind == "csat"])
    n_nps = sum(1 for s in year if s.kind == "nps")
    n_csat = len(year) - n_nps
    lines.append(
        f"- **NPS** (12 months): {'n/a' if nps is None else f'{nps:+.0f}'} from {n_nps} "
        f"response(s); **CSAT**: {_pct(csat)} above 3.5 from {n_csat} response(s)."
    )
    comments = sorted((s for s in year if s.comment.strip()), key=lambda s: s.submitted_at)
    for s in comments[-3:][::-1]:
        lines.append(
            f"  - {s.submitted_at} {s.kind.upper()} {s.score}: \u201c{md(s.comment, limit=200)}\u201d"
        )
    return lines


def _stories(facts: QbrFacts) -> list[str]:
    as_of = facts.as_of
    lines: list[str] = []
    promoters = [
        s
        for s in facts.surveys
        if s.kind == "nps" and s.score >= 9 and (as_of - s.submitted_at).days < 365
    ]
    advocates = [c for c in facts.contacts if c.advocate]
    lines.append(
        f"- Promoters (NPS 9-10) in the last 12 months: {len(promoters)}; advocates on file: "
        + (", ".join(f"{md(c.name)} ({c.role.replace('_', ' ')})" for c in advocates) or "none")
        + "."
    )
    quarter = [
        p for p in facts.plan if p.done_on is not None and 0 <= (as_of - p.done_on).days < 91
    ]
    if quarter:
        lines.append("- Milestones achieved this quarter:")
        lines += [f"  - {md(p.title)} on {p.done_on}" for p in quarter]
    decided = [r for r in facts.renewals if r.outcome == "renewed" and r.arr_renewed is not None]
    for r in sorted(decided, key=lambda r: r.renewal_date)[-2:]:
        grew = (r.arr_renewed or 0) - r.arr_due
        lines.append(
            f"- Renewed on {r.renewal_date}: {_money(r.arr_due)} -> {_money(r.arr_renewed)} ARR"
            + (f" (+{_money(grew)})" if grew > 0 else "")
            + "."
        )
    lines.append("- ROI achieved: _to gather before the meeting (prep checklist)._")
    return lines


def _roadmap(facts: QbrFacts) -> list[str]:
    lines = ["| Expansion signal | Met | Evidence |", "|---|---|---|"]
    for signal, met, evidence in expansion_signals(facts):
        lines.append(f"| {signal} | {_mark(met)} | {evidence} |")  # our own words and numbers
    return lines


def _questions(facts: QbrFacts) -> list[str]:
    as_of = facts.as_of
    lines: list[str] = []
    people = sorted(facts.contacts, key=lambda c: (c.role, c.name))
    if people:
        lines.append("- Attendees to invite:")
        lines += [f"  - {md(c.name)}, {c.role.replace('_', ' ')} ({md(c.email)})" for c in people]
    open_tickets = [
        t
        for t in facts.tickets
        if t.opened_at <= as_of and (t.closed_at is None or t.closed_at > as_of)
    ]
    if open_tickets:
        lines.append(
            "- Open tickets to discuss: "
            + ", ".join(
                f"{md(t.ticket_id)} ({t.priority}, since {t.opened_at})"
                for t in sorted(open_tickets, key=lambda t: t.opened_at)[:10]
            )
            + "."
        )
    detractors = [
        s
        for s in facts.surveys
        if s.kind == "nps" and s.score <= 6 and (as_of - s.submitted_at).days < 365
    ]
    if detractors:
        lines.append(
            f"- Follow up on {len(detractors)} detractor response(s) from the last 12 months."
        )
    if not lines:
        lines.append("- Nothing open.")
    return lines


def render_qbr(facts: QbrFacts) -> str:
    """The pre-read in Markdown: header, agenda, one section per agenda item, prep checklist."""
    account = facts.account
    out = [
        f"# QBR pre-read: {md(account.name)}",
        "",
        f"Account {md(account.account_id)} · {account.segment} · {account.edition} edition · "
        f"CSM {md(account.csm)} · prepared for {facts.as_of}",
        "",
    ]
    out += [f"> {md(note)}" for note in facts.notes]
    if facts.notes:
        out.append("")
    out += ["## Agenda (60 minutes)", "", "| # | Item | Minutes |", "|---|---|---|"]
    out += [f"| {i} | {item} | {minutes} |" for i, (item, minutes) in enumerate(AGENDA, 1)]
    sections = (_summary, _objectives, _usage, _stories, _roadmap, _questions)
    for i, ((item, minutes), section) in enumerate(zip(AGENDA, sections, strict=True), 1):
        out += ["", f"## {i}. {item} ({minutes} min)", ""]
        out += section(facts)
    out += ["", "## Prep checklist", ""]
    out += [f"- [ ] {step}" for step in PREP_CHECKLIST]
    return "\n".join(out) + "\n"

"""Playbook rules: the vocabulary at its boundaries, de-duplication, cool-down, due dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cs_tui.config import ConfigError, load_template
from cs_tui.domain.playbooks import (
    FACTS,
    AccountFacts,
    Condition,
    Playbook,
    PlaybookTemplate,
    RunHistory,
    bucket,
    evaluate,
    manual_start,
    may_start,
    nps_category,
    windows,
)
from tests.conftest import AS_OF


def facts(**kw: Any) -> AccountFacts:
    """An account's facts with neutral defaults."""
    base: dict[str, Any] = {
        "account_id": "A1",
        "segment": "mid-market",
        "edition": "professional",
        "age_days": 400,
    }
    base.update(kw)
    return AccountFacts(**base)


def playbook(trigger: dict[str, Any] | None, **kw: Any) -> Playbook:
    """A one-step playbook with the given trigger."""
    data: dict[str, Any] = {
        "id": "p",
        "name": "P",
        "steps": [{"title": "Do it", "day": 1, "owner": "csm"}],
        **kw,
    }
    if trigger is not None:
        data["trigger"] = trigger
    return Playbook.model_validate(data)


def fires(cond: dict[str, Any], account: AccountFacts) -> bool:
    """Whether a playbook with this one condition starts for the account."""
    return bool(evaluate([playbook({"all": [cond]})], [account], {}, AS_OF))


# -- each rule kind at its boundary --------------------------------------------------------


def test_tickets_more_than_3_in_30_days() -> None:
    cond = {"fact": "tickets", "days": 30, "op": ">", "value": 3}
    assert not fires(cond, facts(tickets={30: 3}))
    assert fires(cond, facts(tickets={30: 4}))
    assert not fires(cond, facts())  # no tickets counted: zero


def test_tickets_reason_states_the_figures() -> None:
    cond = {"fact": "tickets", "days": 30, "op": ">", "value": 3}
    [run] = evaluate([playbook({"all": [cond]})], [facts(tickets={30: 5})], {}, AS_OF)
    assert run.reason == "tickets in 30 days = 5 > 3"


def test_band_word_and_list() -> None:
    assert fires({"fact": "band", "op": "=", "value": "red"}, facts(band="red"))
    assert not fires({"fact": "band", "op": "=", "value": "red"}, facts(band="yellow"))
    inn = {"fact": "band", "op": "in", "value": ["yellow", "red"]}
    assert fires(inn, facts(band="yellow"))
    assert not fires(inn, facts(band="green"))
    assert fires({"fact": "band", "op": "not in", "value": ["green"]}, facts(band="red"))
    assert fires({"fact": "band", "op": "!=", "value": "green"}, facts(band="red"))


def test_unknown_health_never_fires() -> None:
    assert not fires({"fact": "band", "op": "!=", "value": "green"}, facts(band=None))
    assert not fires({"fact": "band", "op": "not in", "value": ["green"]}, facts())
    assert not fires({"fact": "score", "op": "<", "value": 60}, facts())
    assert not fires({"fact": "change", "days": 30, "op": "<=", "value": -10}, facts())
    assert not fires({"fact": "category", "name": "product", "op": ">", "value": 0}, facts())
    assert not fires({"fact": "nps", "op": "!=", "value": "promoter"}, facts())
    assert not fires({"fact": "days_to_renewal", "op": "<=", "value": 90}, facts())


def test_score_boundary() -> None:
    cond = {"fact": "score", "op": ">", "value": 80}
    assert not fires(cond, facts(score=80.0))
    assert fires(cond, facts(score=80.5))
    cond = {"fact": "score", "op": "<", "value": 60}
    assert fires(cond, facts(score=59.9))
    assert not fires(cond, facts(score=60.0))


def test_change_over_days_boundary() -> None:
    cond = {"fact": "change", "days": 30, "op": "<=", "value": -15}
    assert fires(cond, facts(change={30: -15.0}))
    assert not fires(cond, facts(change={30: -14.9}))
    # another window is another fact
    assert not fires(cond, facts(change={60: -40.0}))


def test_category_boundary() -> None:
    cond = {"fact": "category", "name": "engagement", "op": "<", "value": 60}
    assert fires(cond, facts(categories={"engagement": 59.0}))
    assert not fires(cond, facts(categories={"engagement": 60.0}))


def test_days_to_renewal_boundary() -> None:
    cond = {"fact": "days_to_renewal", "op": "<=", "value": 90}
    assert fires(cond, facts(days_to_renewal=90))
    assert not fires(cond, facts(days_to_renewal=91))


def test_nps_category() -> None:
    cond = {"fact": "nps", "op": "=", "value": "promoter"}
    assert fires(cond, facts(nps="promoter"))
    assert not fires(cond, facts(nps="passive"))
    assert [nps_category(s) for s in (0, 6, 7, 8, 9, 10)] == [
        "detractor",
        "detractor",
        "passive",
        "passive",
        "promoter",
        "promoter",
    ]


def test_segment_and_edition() -> None:
    assert fires({"fact": "segment", "op": "=", "value": "smb"}, facts(segment="smb"))
    assert not fires({"fact": "segment", "op": "=", "value": "smb"}, facts())
    ed = {"fact": "edition", "op": "in", "value": ["enterprise"]}
    assert fires(ed, facts(edition="enterprise"))
    assert not fires(ed, facts(edition="professional"))


def test_account_age_boundary() -> None:
    cond = {"fact": "age_days", "op": "<=", "value": 30}
    assert fires(cond, facts(age_days=30))
    assert not fires(cond, facts(age_days=31))


def test_all_and_any() -> None:
    pb = playbook(
        {
            "all": [{"fact": "band", "op": "=", "value": "red"}],
            "any": [
                {"fact": "nps", "op": "=", "value": "detractor"},
                {"fact": "change", "days": 30, "op": "<=", "value": -15},
            ],
        }
    )
    assert not evaluate([pb], [facts(band="red")], {}, AS_OF)
    assert not evaluate([pb], [facts(band="yellow", nps="detractor")], {}, AS_OF)
    [run] = evaluate([pb], [facts(band="red", nps="detractor", change={30: -20.0})], {}, AS_OF)
    assert run.reason == "band = red; last NPS = detractor; change over 30 days = -20 <= -15"


def test_segment_filter() -> None:
    pb = playbook({"all": [{"fact": "age_days", "op": ">=", "value": 0}]}, segments=["enterprise"])
    assert evaluate([pb], [facts(segment="enterprise")], {}, AS_OF)
    assert not evaluate([pb], [facts(segment="smb")], {}, AS_OF)


def test_playbook_without_trigger_never_starts_by_itself() -> None:
    assert not evaluate([playbook(None)], [facts()], {}, AS_OF)


# -- de-duplication and cool-down ----------------------------------------------------------


def test_no_second_run_while_one_is_open() -> None:
    pb = playbook({"all": [{"fact": "tickets", "days": 30, "op": ">", "value": 3}]})
    account = facts(tickets={30: 9})
    history = {("A1", "p"): RunHistory(open=True, last_started=AS_OF - dt.timedelta(days=400))}
    assert not evaluate([pb], [account], history, AS_OF)


def test_cool_down_counts_from_the_previous_start() -> None:
    pb = playbook(
        {"all": [{"fact": "tickets", "days": 30, "op": ">", "value": 3}]}, cooldown_days=30
    )
    account = facts(tickets={30: 9})
    recent = {("A1", "p"): RunHistory(open=False, last_started=AS_OF - dt.timedelta(days=29))}
    old = {("A1", "p"): RunHistory(open=False, last_started=AS_OF - dt.timedelta(days=30))}
    assert not evaluate([pb], [account], recent, AS_OF)
    assert evaluate([pb], [account], old, AS_OF)
    # another account or playbook is not held back
    assert evaluate([pb], [facts(account_id="A2", tickets={30: 9})], recent, AS_OF)


@given(
    open_=st.booleans(),
    ago=st.one_of(st.none(), st.integers(min_value=0, max_value=1000)),
    cooldown=st.integers(min_value=0, max_value=400),
)
def test_may_start_law(open_: bool, ago: int | None, cooldown: int) -> None:
    last = None if ago is None else AS_OF - dt.timedelta(days=ago)
    allowed = may_start(RunHistory(open=open_, last_started=last), cooldown, AS_OF)
    assert allowed == (not open_ and (ago is None or ago >= cooldown))


# -- due dates -----------------------------------------------------------------------------


def test_due_dates_from_start_offsets() -> None:
    pb = Playbook.model_validate(
        {
            "id": "t",
            "name": "T",
            "steps": [
                {"title": "one", "day": 1, "owner": "csm"},
                {"title": "two", "day": 2, "owner": "csm"},
                {"title": "five", "day": 5, "owner": "manager"},
            ],
        }
    )
    tasks = pb.plan(AS_OF)
    assert [t.due_on for t in tasks] == [AS_OF + dt.timedelta(days=d) for d in (1, 2, 5)]
    assert [t.step for t in tasks] == [1, 2, 3]
    assert tasks[2].owner_role == "manager"


def test_due_dates_anchored_on_renewal_never_before_start() -> None:
    pb = Playbook.model_validate(
        {
            "id": "r",
            "name": "R",
            "anchor": "renewal",
            "steps": [
                {"title": "90", "day": -90, "owner": "csm"},
                {"title": "60", "day": -60, "owner": "csm"},
                {"title": "30", "day": -30, "owner": "csm"},
                {"title": "0", "day": 0, "owner": "csm"},
            ],
        }
    )
    renewal = AS_OF + dt.timedelta(days=75)
    due = [t.due_on for t in pb.plan(AS_OF, renewal)]
    assert due == [AS_OF, renewal - dt.timedelta(60), renewal - dt.timedelta(30), renewal]
    # no renewal date known: offsets count from the start, negatives clamp to it
    assert [t.due_on for t in pb.plan(AS_OF)] == [AS_OF] * 4


def test_template_renewal_prep_is_90_60_30() -> None:
    template = load_template("playbooks.toml", PlaybookTemplate)
    renewal = AS_OF + dt.timedelta(days=90)
    [run] = evaluate(
        [template.get("renewal-prep")],  # type: ignore[list-item]
        [facts(days_to_renewal=90, renewal_date=renewal)],
        {},
        AS_OF,
    )
    assert [(renewal - t.due_on).days for t in run.tasks] == [90, 60, 30, 0]
    assert run.reason == "days to renewal = 90 <= 90 and >= 0"


def test_template_support_ticket_play_days_1_2_5() -> None:
    template = load_template("playbooks.toml", PlaybookTemplate)
    runs = evaluate(template, [facts(tickets={30: 4}, age_days=400)], {}, AS_OF)
    [run] = [r for r in runs if r.playbook == "support-tickets"]
    assert [(t.due_on - AS_OF).days for t in run.tasks] == [1, 2, 5]
    assert all(t.owner_role == "csm" for t in run.tasks)


def test_bucket() -> None:
    day = dt.timedelta(days=1)
    assert bucket(AS_OF - day, AS_OF) == "overdue"
    assert bucket(AS_OF, AS_OF) == "today"
    assert bucket(AS_OF + day, AS_OF) == "week"
    assert bucket(AS_OF + 6 * day, AS_OF) == "week"
    assert bucket(AS_OF + 7 * day, AS_OF) == "later"


def test_manual_start_needs_a_reason() -> None:
    pb = playbook(None)
    run = manual_start(pb, "A1", AS_OF, "  customer asked  ", by="ana")
    assert run.reason == "started by hand by ana: customer asked"
    assert run.tasks[0].due_on == AS_OF + dt.timedelta(days=1)
    with pytest.raises(ValueError, match="reason"):
        manual_start(pb, "A1", AS_OF, "   ", by="ana")


# -- the template and broken rules ---------------------------------------------------------


def test_template_loads_with_every_domain_playbook() -> None:
    template = load_template("playbooks.toml", PlaybookTemplate)
    ids = {p.id for p in template.playbooks}
    assert {
        "onboarding",
        "low-engagement",
        "churn-prevention",
        "support-tickets",
        "expansion",
        "renewal-prep",
        "qbr-enterprise",
        "qbr-mid-market",
        "escalation-yellow",
        "escalation-red",
        "escalation-churn-risk",
        "escalation-contract-at-risk",
    } <= ids
    assert all(p.trigger is not None for p in template.playbooks)
    used = {c.fact for p in template.playbooks for c in [*p.trigger.all, *p.trigger.any]}  # type: ignore[union-attr]
    assert used - set(FACTS) == set()
    assert windows(template) == ({30}, {30})


def _write_template(tmp_path: Path, text: str) -> None:
    (tmp_path / "playbooks.toml").write_text(text, encoding="utf-8")


BROKEN = """
[[playbooks]]
id = "tickets"
name = "Tickets"
trigger.all = [{ fact = "tickets_in", days = 30, op = ">", value = 3 }]
steps = [{ title = "Email", day = 1, owner = "csm" }]
"""


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('fact = "tickets_in", days = 30, op = ">", value = 3', "unknown fact 'tickets_in'"),
        ('fact = "tickets", op = ">", value = 3', "'tickets' needs `days`"),
        ('fact = "band", op = ">", value = "red"', "op must be one of =, !=, in, not in"),
        ('fact = "band", op = "=", value = "blue"', "'blue' is not one of green, yellow, red"),
        ('fact = "band", op = "in", value = "red"', "needs a list of words"),
        ('fact = "score", op = ">", value = "high"', "value must be a number"),
        ('fact = "score", op = "=>", value = 3', "op must be one of < <= > >= = !="),
        ('fact = "category", op = ">", value = 3', "needs `name`"),
        ('fact = "score", op = ">", value = 3, days = 30', "takes no `days`"),
        ('fact = "score", op = ">", value = 3, wat = 1', "wat"),
    ],
)
def test_broken_rule_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str, message: str
) -> None:
    monkeypatch.setenv("CS_TUI_CONFIG", str(tmp_path))
    _write_template(tmp_path, BROKEN.replace(BROKEN.split("[{ ")[1].split(" }]")[0], bad))
    with pytest.raises(ConfigError) as err:
        load_template("playbooks.toml", PlaybookTemplate)
    text = str(err.value)
    assert str(tmp_path / "playbooks.toml") in text
    assert "playbook 'tickets'" in text
    assert message in text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('id = "Bad Id"\nname = "x"\nsteps = [{ title = "a", day = 1, owner = "csm" }]', "id"),
        ('id = "x"\nname = "x"\nsteps = []', "steps"),
        ('id = "x"\nname = "x"\nsteps = [{ title = "a", day = 1, owner = "boss" }]', "owner"),
        ('id = "x"\nname = "x"\nsteps = [{ title = "a", day = -5, owner = "csm" }]', "anchor"),
        (
            'id = "x"\nname = "x"\ntrigger = {}\nsteps = [{ title = "a", day = 1, owner = "csm" }]',
            "at least one condition",
        ),
    ],
)
def test_broken_playbook_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str
) -> None:
    monkeypatch.setenv("CS_TUI_CONFIG", str(tmp_path))
    _write_template(tmp_path, f"[[playbooks]]\n{body}\n")
    with pytest.raises(ConfigError, match=message):
        load_template("playbooks.toml", PlaybookTemplate)


def test_duplicate_ids_refused() -> None:
    one = {"id": "x", "name": "X", "steps": [{"title": "a", "day": 1, "owner": "csm"}]}
    with pytest.raises(ValueError, match="appears twice"):
        PlaybookTemplate.model_validate({"playbooks": [one, one]})


def test_condition_explain_formats() -> None:
    cond = Condition(fact="band", op="in", value=["yellow", "red"])
    assert cond.explain("red") == "band = red (in yellow, red)"
    cond = Condition(fact="age_days", op="<=", value=30)
    assert cond.explain(12) == "account age = 12 days <= 30"
    cond = Condition(fact="category", name="product", op=">=", value=75)
    assert cond.explain(80.25) == "product score = 80.2 >= 75"
    assert dataclasses.is_dataclass(facts())


def test_cycle_day_boundary() -> None:
    cond = {"fact": "cycle_day", "days": 91, "op": ">=", "value": 77}
    assert not fires(cond, facts(age_days=91 + 76))
    assert fires(cond, facts(age_days=91 + 77))
    assert fires(cond, facts(age_days=91 + 90))
    assert not fires(cond, facts(age_days=182))  # the next cycle starts again at day 0
    [run] = evaluate([playbook({"all": [cond]})], [facts(age_days=170)], {}, AS_OF)
    assert run.reason == "91-day cycle day = 79 >= 77"


def test_template_qbr_prep_runs_in_the_14_days_before_each_quarter() -> None:
    template = load_template("playbooks.toml", PlaybookTemplate)
    qbr = template.get("qbr-enterprise")
    assert qbr is not None
    fired = [
        age
        for age in range(0, 400)
        if evaluate([qbr], [facts(segment="enterprise", age_days=age)], {}, AS_OF)
    ]
    assert fired == [*range(77, 91), *range(168, 182), *range(259, 273), *range(350, 364)]
    assert not evaluate([qbr], [facts(segment="smb", age_days=170)], {}, AS_OF)

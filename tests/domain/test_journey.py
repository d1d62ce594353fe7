"""Unit tests of the critical-path rules: weeks, stages, milestone states, status, rates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_tui.config import ConfigError, load_template
from cs_tui.domain.journey import (
    COMPLETE,
    TEMPLATE_NAME,
    JourneyTemplate,
    due_date,
    evaluate,
    journey_rates,
    mean_time_to_first_value,
    onboarding_completion_rate,
    sort_most_behind,
    stage_counts,
    week_of,
)
from cs_tui.domain.models import MilestoneTick

START = dt.date(2025, 1, 6)  # a Monday; weeks run Monday to Sunday
TEMPLATE = load_template(TEMPLATE_NAME, JourneyTemplate)
PRO = TEMPLATE.for_edition("professional")
ENT = TEMPLATE.for_edition("enterprise")


def day(n: int) -> dt.date:
    """Day `n` of the account (day 0 is the start date)."""
    return START + dt.timedelta(days=n)


def all_done_through(stage_id: str, *, journey=PRO, on: dt.date | None = None) -> dict:
    """Ticks of every milestone up to and including `stage_id`, each on its due date."""
    ticks = {}
    for stage in journey.stages:
        for m in stage.milestones:
            ticks[m.id] = on or due_date(START, m.due_week)
        if stage.id == stage_id:
            break
    return ticks


def at(as_of: dt.date, ticks=None, journey=PRO, **kw):
    return evaluate(journey, "acc", START, ticks or {}, as_of, **kw)


# -- template ------------------------------------------------------------------------------------


def test_template_has_the_eight_stages_of_domain_md():
    assert [(s.id, s.week, s.end_week) for s in PRO.stages] == [
        ("setup", 1, 1),
        ("oriented", 2, 3),
        ("active", 4, 5),
        ("progress", 6, 7),
        ("initial_value", 8, 9),
        ("full_speed", 10, 11),
        ("achievement", 12, 51),
        ("renewal", 52, 52),
    ]
    assert PRO.stages[6].weeks_label == "12-51"
    assert TEMPLATE.known_barriers("setup")[1].kind == "ours"
    assert TEMPLATE.known_barriers("nope") == []


def test_enterprise_has_extra_milestones_and_professional_not():
    assert {"success_plan", "exec_sponsor_named"} <= set(ENT.by_id)
    assert not {"success_plan", "exec_sponsor_named"} & set(PRO.by_id)
    assert ENT.by_id["success_plan"].stage_id == "oriented"
    assert TEMPLATE.for_edition("enterprise") is ENT  # resolved once


def test_ticks_of_milestones_not_on_the_path_are_ignored():
    ticks = all_done_through("oriented") | {"success_plan": day(3)}
    j = at(day(21), ticks)
    assert j.reached_stage.id == "active"
    assert "success_plan" not in {m.milestone.id for m in j.milestones}


def _stages(**changes):
    base = TEMPLATE.model_dump()
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stages": []}, "at least 1"),
        (
            _stages(stages=[*TEMPLATE.model_dump()["stages"], TEMPLATE.model_dump()["stages"][0]]),
            "stage ids must be unique",
        ),
        (
            {
                "stages": [
                    {"id": "a", "name": "A", "week": 3, "milestones": [{"id": "x", "title": "X"}]},
                    {"id": "b", "name": "B", "week": 2, "milestones": [{"id": "y", "title": "Y"}]},
                ],
                "first_value_stage": "a",
                "onboarded_stage": "b",
            },
            "weeks must increase",
        ),
        (
            {
                "stages": [
                    {
                        "id": "a",
                        "name": "A",
                        "week": 1,
                        "end_week": 2,
                        "milestones": [{"id": "x", "title": "X"}],
                    },
                    {"id": "b", "name": "B", "week": 2, "milestones": [{"id": "y", "title": "Y"}]},
                ],
                "first_value_stage": "a",
                "onboarded_stage": "b",
            },
            "overlaps stage 'b'",
        ),
        (
            {
                "stages": [
                    {"id": "a", "name": "A", "week": 1, "milestones": [{"id": "x", "title": "X"}]},
                    {"id": "b", "name": "B", "week": 2, "milestones": [{"id": "x", "title": "Y"}]},
                ],
                "first_value_stage": "a",
                "onboarded_stage": "b",
            },
            "milestone ids must be unique: x",
        ),
        (_stages(first_value_stage="nope"), "first_value_stage: 'nope' is not a stage id"),
        (
            _stages(
                editions={
                    "enterprise": {"extra_milestones": [{"stage": "nope", "id": "z", "title": "Z"}]}
                }
            ),
            "unknown stage 'nope'",
        ),
        (
            _stages(
                editions={
                    "enterprise": {
                        "extra_milestones": [
                            {"stage": "setup", "id": "blog_migrated", "title": "Z"}
                        ]
                    }
                }
            ),
            "editions.enterprise: milestone ids must be unique: blog_migrated",
        ),
        (_stages(editions={"platinum": {}}), "editions.platinum"),
        (
            {
                "stages": [
                    {"id": "A b", "name": "A", "week": 1, "milestones": [{"id": "x", "title": "X"}]}
                ]
            },
            "pattern",
        ),
        (
            {
                "stages": [
                    {"id": "a", "name": "A", "week": 53, "milestones": [{"id": "x", "title": "X"}]}
                ]
            },
            "less than or equal to 52",
        ),
    ],
)
def test_template_validation_errors(data, message):
    with pytest.raises(ValueError, match=message):
        JourneyTemplate.model_validate(data)


def test_user_override_is_validated_with_the_file_named(tmp_path, monkeypatch):
    monkeypatch.setenv("CS_TUI_CONFIG", str(tmp_path))
    (tmp_path / TEMPLATE_NAME).write_text(
        '[[stages]]\nid = "a"\nname = "A"\nweek = 1\nmilestones = []\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"journey\.toml: stages\.0\.milestones"):
        load_template(TEMPLATE_NAME, JourneyTemplate)


def test_user_override_replaces_the_path(tmp_path, monkeypatch):
    monkeypatch.setenv("CS_TUI_CONFIG", str(tmp_path))
    (tmp_path / TEMPLATE_NAME).write_text(
        'first_value_stage = "go"\nonboarded_stage = "go"\n'
        '[[stages]]\nid = "go"\nname = "Go"\nweek = 4\n'
        'milestones = [{ id = "live", title = "Live" }]\n',
        encoding="utf-8",
    )
    template = load_template(TEMPLATE_NAME, JourneyTemplate)
    path = template.for_edition("enterprise")
    assert [s.id for s in path.stages] == ["go"]
    assert at(day(0), journey=path).expected_stage is None  # week 1, before "go" starts
    assert at(day(21), journey=path).milestones[0].state == "due"


# -- weeks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "week"), [(-8, -1), (-7, 0), (-1, 0), (0, 1), (6, 1), (7, 2), (363, 52), (364, 53)]
)
def test_week_of(offset, week):
    assert week_of(START, day(offset)) == week


def test_due_date_is_the_last_day_of_the_week():
    assert due_date(START, 1) == day(6)
    assert week_of(START, due_date(START, 52)) == 52


# -- stage rules at the week boundaries -----------------------------------------------------------


def test_start_date_in_the_future():
    j = at(day(-10))
    assert j.week == -1 and not j.started
    assert j.expected_stage is None and j.expected_stage_name == ""
    assert j.reached_stage.id == "setup"
    assert j.status == "on track" and j.weeks_behind == 0
    assert {m.state for m in j.milestones} == {"upcoming"}


@pytest.mark.parametrize("offset", [0, 6])
def test_week_1_setup_is_due_this_week(offset):
    j = at(day(offset))
    assert j.week == 1
    assert j.expected_stage.id == "setup" and j.reached_stage.id == "setup"
    assert [m.state for m in j.stage_progress(PRO.stages[0])] == ["due"] * 3
    assert j.stage_progress(PRO.stages[1])[0].state == "upcoming"
    assert j.status == "on track"
    assert j.next_milestone.milestone.id == "blog_migrated"


def test_week_2_with_setup_undone_is_behind():
    j = at(day(7))
    assert j.week == 2 and j.expected_stage.id == "oriented"
    assert j.reached_stage.id == "setup"
    assert j.status == "behind" and j.weeks_behind == 1 and j.stages_behind == 1
    assert [m.milestone.id for m in j.overdue] == [
        "blog_migrated",
        "crm_integrated",
        "website_code_deployed",
    ]


def test_week_2_with_setup_done_is_on_track_in_oriented():
    j = at(day(7), all_done_through("setup"))
    assert j.reached_stage.id == "oriented" and j.expected_stage.id == "oriented"
    assert j.status == "on track"
    assert j.stage_progress(PRO.stages[1])[0].state == "upcoming"  # due at the end of week 3


@pytest.mark.parametrize(
    ("week", "stage"),
    [
        (10, "full_speed"),
        (11, "full_speed"),
        (12, "achievement"),
        (30, "achievement"),
        (51, "achievement"),
        (52, "renewal"),
    ],
)
def test_expected_stage_weeks_10_to_52(week, stage):
    j = at(day(7 * (week - 1)), all_done_through("full_speed"))
    assert j.week == week and j.expected_stage.id == stage


@pytest.mark.parametrize("week", [12, 30, 50])
def test_weeks_12_to_50_achievement_is_upcoming(week):
    j = at(day(7 * (week - 1) + 3), all_done_through("full_speed"))
    assert j.reached_stage.id == "achievement"
    assert {m.state for m in j.stage_progress(PRO.stages[6])} == {"upcoming"}
    assert j.status == "on track"


def test_week_51_achievement_is_due():
    j = at(day(7 * 50), all_done_through("full_speed"))
    assert {m.state for m in j.stage_progress(PRO.stages[6])} == {"due"}
    assert j.status == "on track"


def test_week_52_renewal_is_due_and_achievement_overdue_if_undone():
    j = at(day(7 * 51), all_done_through("full_speed"))
    assert j.week == 52 and j.expected_stage.id == "renewal"
    assert {m.state for m in j.stage_progress(PRO.stages[6])} == {"overdue"}
    assert j.stage_progress(PRO.stages[7])[0].state == "due"
    assert j.status == "behind" and j.weeks_behind == 1

    done = at(day(7 * 51), all_done_through("achievement"))
    assert done.reached_stage.id == "renewal" and done.status == "on track"


def test_older_than_a_year():
    everything = all_done_through("renewal")
    j = at(day(500), everything)
    assert j.week > 52 and not j.in_first_year
    assert j.expected_stage.id == "renewal"
    assert j.complete and j.reached_stage is None and j.reached_stage_name == COMPLETE
    assert j.status == "on track" and j.next_milestone is None

    late = at(day(500), all_done_through("achievement"))
    assert late.stage_progress(PRO.stages[7])[0].state == "overdue"
    assert late.status == "stuck" and late.weeks_behind == late.week - 52


# -- milestone states, status ----------------------------------------------------------------------


def test_done_on_time_and_late():
    due = due_date(START, 1)
    j = at(day(30), {"blog_migrated": due, "crm_integrated": due + dt.timedelta(days=1)})
    states = {m.milestone.id: m.state for m in j.milestones}
    assert states["blog_migrated"] == "done"
    assert states["crm_integrated"] == "late"
    assert states["website_code_deployed"] == "overdue"


def test_ticks_after_the_as_of_date_do_not_count_yet():
    ticks = [
        MilestoneTick(account_id="acc", milestone_id="blog_migrated", done_on=day(5), done_by="ann")
    ]
    assert at(day(4), ticks).milestones[0].state == "due"
    after = at(day(5), ticks).milestones[0]
    assert after.state == "done" and after.done_by == "ann" and after.is_done


def test_stuck_after_n_weeks_overdue_without_a_tick():
    overdue_since = due_date(START, 1) + dt.timedelta(days=1)  # day 7
    assert at(overdue_since + dt.timedelta(days=20)).status == "behind"
    assert at(overdue_since + dt.timedelta(days=21)).status == "stuck"
    assert at(overdue_since + dt.timedelta(days=21), stuck_weeks=4).status == "behind"


def test_a_tick_while_overdue_restarts_the_stuck_clock():
    ticks = {"blog_migrated": day(20)}  # late tick; the other set-up milestones still overdue
    assert at(day(20 + 20), ticks).status == "behind"
    assert at(day(20 + 21), ticks).status == "stuck"


def test_open_barriers_are_counted():
    j = at(day(3), open_barriers={"setup": 2, "oriented": 1})
    assert j.open_barriers == 3 and j.stage_barriers["setup"] == 2


def test_sort_most_behind():
    stuck = at(day(60))
    behind = at(day(8))
    on_track = at(day(1))
    assert sort_most_behind([on_track, behind, stuck]) == [stuck, behind, on_track]


# -- first value, onboarding ----------------------------------------------------------------------


def test_time_to_first_value_is_start_to_initial_value_complete():
    ticks = all_done_through("initial_value", on=day(40))
    ticks["attribution_report"] = day(55)
    j = at(day(100), ticks)
    assert j.first_value_on == day(55) and j.time_to_first_value == 55
    assert not j.onboarded and j.onboarded_on is None
    assert j.first_value_due == due_date(START, 9)


def test_first_value_needs_every_earlier_milestone():
    ticks = all_done_through("initial_value", on=day(40))
    del ticks["crm_integrated"]
    j = at(day(100), ticks)
    assert j.first_value_on is None and j.time_to_first_value is None


def test_onboarding_completion_is_everything_through_full_speed():
    j = at(day(100), all_done_through("full_speed", on=day(70)))
    assert j.onboarded and j.onboarded_on == day(70) and j.time_to_onboarded == 70
    assert j.onboarding_due == due_date(START, 11)


def test_portfolio_rates():
    onboarded_on_time = at(day(100), all_done_through("full_speed", on=day(70)))
    onboarded_late = at(day(100), all_done_through("full_speed", on=day(90)))
    not_onboarded = at(day(100), all_done_through("initial_value", on=day(30)))
    too_young = at(day(20), all_done_through("setup", on=day(3)))
    rates = journey_rates([onboarded_on_time, onboarded_late, not_onboarded, too_young])
    assert rates.accounts == 4
    assert rates.onboarding_due == 3 and rates.onboarded == 2 and rates.onboarded_on_time == 1
    assert rates.onboarding_completion == pytest.approx(2 / 3)
    assert rates.onboarding_on_time == pytest.approx(1 / 3)
    assert rates.first_value_due == 3 and rates.first_value_reached == 3
    assert rates.ttfv_days == (70, 90, 30)
    assert rates.ttfv_mean_days == pytest.approx(190 / 3) and rates.ttfv_median_days == 70
    assert onboarding_completion_rate([onboarded_on_time, not_onboarded]) == 0.5
    assert mean_time_to_first_value([onboarded_late]) == 90


def test_portfolio_rates_in_a_window():
    # onboarding due at the end of week 11 (day 76); first value at the end of week 9 (day 62)
    early = at(day(100), all_done_through("full_speed", on=day(40)))
    rates = journey_rates([early], since=day(70))
    assert rates.onboarding_due == 1 and rates.onboarded == 1
    assert rates.first_value_due == 0 and rates.ttfv_days == ()
    later = journey_rates([early], since=day(80))
    assert later.onboarding_due == 0 and later.onboarding_completion is None
    assert journey_rates([early], since=day(30)).ttfv_days == (40,)
    assert onboarding_completion_rate([early], since=day(70)) == 1.0
    assert mean_time_to_first_value([early], since=day(70)) is None


def test_portfolio_rates_with_nobody_due():
    rates = journey_rates([at(day(3))])
    assert rates.onboarding_completion is None and rates.first_value_rate is None
    assert rates.ttfv_mean_days is None and rates.ttfv_median_days is None
    assert journey_rates([]).accounts == 0


def test_stage_counts():
    counts = stage_counts(
        [at(day(0)), at(day(8)), at(day(8), all_done_through("setup")), at(day(-3))]
    )
    assert counts["setup"] == (1, 2)
    assert counts["oriented"] == (2, 1)
    assert counts["complete"] == (0, 0)
    assert list(counts)[-1] == "complete"


# -- laws ----------------------------------------------------------------------------------------

MILESTONE_IDS = [m.id for m in ENT.milestones]


@st.composite
def scenario(draw):
    offsets = draw(
        st.dictionaries(st.sampled_from(MILESTONE_IDS), st.integers(-5, 420), max_size=20)
    )
    as_of = draw(st.integers(-20, 500))
    return {k: day(v) for k, v in offsets.items()}, day(as_of)


@settings(max_examples=100, deadline=None)
@given(scenario())
def test_laws(case):
    ticks, as_of = case
    j = at(as_of, ticks, journey=ENT)
    overdue = any(m.state == "overdue" for m in j.milestones)
    assert (j.status != "on track") == overdue
    assert (j.weeks_behind > 0) == overdue
    if j.expected_index is not None and j.reached_index < j.expected_index:
        assert j.status != "on track"
    # every milestone before the reached stage is done, and one in it is not
    for m in j.milestones:
        if m.milestone.stage_index < j.reached_index:
            assert m.is_done
    if not j.complete:
        assert any(not m.is_done for m in j.stage_progress(j.reached_stage))
    assert j.onboarded_on is None or j.first_value_on is not None
    if j.first_value_on and j.onboarded_on:
        assert j.first_value_on <= j.onboarded_on <= as_of


@settings(max_examples=100, deadline=None)
@given(scenario(), st.sampled_from(MILESTONE_IDS))
def test_one_more_tick_never_moves_an_account_back(case, extra):
    ticks, as_of = case
    before = at(as_of, ticks, journey=ENT)
    after = at(as_of, {**ticks, extra: min(as_of, ticks.get(extra, as_of))}, journey=ENT)
    assert after.reached_index >= before.reached_index
    assert len(after.overdue) <= len(before.overdue)

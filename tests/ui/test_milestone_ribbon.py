"""The milestone ribbon's layout: week cells, today's marker, glyphs on due weeks."""

from __future__ import annotations

import datetime as dt

import pytest

from cs_tui.config import load_template
from cs_tui.domain.journey import TEMPLATE_NAME, JourneyTemplate, evaluate
from cs_tui.widgets.milestone_ribbon import CELL, GLYPHS, LABEL, MilestoneRibbon, stage_label

START = dt.date(2026, 1, 5)
PATH = load_template(TEMPLATE_NAME, JourneyTemplate).for_edition("enterprise")


def lines(as_of: dt.date, ticks: dict | None = None, selected: str | None = None) -> list[str]:
    ribbon = MilestoneRibbon()
    ribbon.journey = evaluate(PATH, "a", START, ticks or {}, as_of)
    ribbon.selected = selected
    return ribbon.render().plain.split("\n")


def col(week: int) -> int:
    return LABEL + CELL * (week - 1)


def test_glyphs_sit_on_their_due_weeks_one_row_per_milestone():
    rendered = lines(START + dt.timedelta(days=14), {"blog_migrated": START})
    today, weeks, stages, *miles = rendered
    # oriented has five enterprise milestones: five rows
    assert len(miles) == 5
    assert miles[0][col(1)] == GLYPHS["done"][0]
    assert miles[1][col(1)] == GLYPHS["overdue"][0]
    assert miles[0][col(3)] == GLYPHS["due"][0]  # oriented, due at the end of week 3
    assert miles[4][col(3)] == GLYPHS["due"][0]
    assert miles[0][col(51)] == GLYPHS["upcoming"][0]
    assert miles[0][col(52)] == GLYPHS["upcoming"][0]
    assert miles[1][col(52)] == " "  # renewal has one milestone
    assert today[col(3)] == "▼"
    assert weeks[col(13) : col(13) + 2] == "13"
    assert "Achievement" in stages


def test_markers_before_the_start_and_after_the_first_year():
    before = lines(START - dt.timedelta(days=3))
    assert "◀ starts in 3 days" in before[0]
    after = lines(START + dt.timedelta(days=400))
    assert "▶ week 58" in after[0]
    late = lines(START + dt.timedelta(days=7 * 50))
    assert late[0].rstrip().endswith("today, week 51 ▼")
    assert late[0].index("▼") == col(51)


def test_every_line_fits_the_ribbon_width():
    for offset in (-3, 0, 20, 200, 357, 364, 900):
        for line in lines(START + dt.timedelta(days=offset)):
            assert len(line) <= LABEL + CELL * 52 + 12


@pytest.mark.parametrize(
    ("index", "width", "label"),
    [(0, 2, "TS"), (6, 80, "Achievement"), (5, 4, "Full"), (4, 4, "IV"), (1, 4, "Orie")],
)
def test_stage_labels_fit_their_weeks(index, width, label):
    assert stage_label(PATH.stages[index], width) == label

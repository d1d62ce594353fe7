"""Fuzzing with hypothesis: any CSV or template a user feeds in gives a success or the
documented error, never a traceback and never a partial write."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cs_tui.config import ConfigError, load_template
from cs_tui.db.importers import import_csv
from cs_tui.db.store import Store
from cs_tui.domain.health_model import HealthModel
from cs_tui.domain.journey import JourneyTemplate
from cs_tui.domain.playbooks import PlaybookTemplate
from tests.conftest import add_accounts

HEADERS = {
    "accounts": "account_id,name,segment,edition,csm,start_date,renewal_date,mrr,"
    "licensed_users,status,churned_on",
    "usage": "account_id,date,active_users,logins,session_minutes,features_used,"
    "workflows_completed,integrations_active",
    "tickets": "ticket_id,account_id,opened_at,closed_at,priority",
    "surveys": "response_id,account_id,kind,score,submitted_at,comment",
    "renewals": "account_id,renewal_date,arr_due,outcome,arr_renewed",
    "contacts": "account_id,name,email,role,advocate",
}

# Cells that are sometimes valid and often not: the importer must sort them out row by row.
CELLS = st.one_of(
    st.sampled_from(
        [
            "A1",
            "A2",
            "2026-01-05",
            "2026-13-40",
            "-5",
            "12",
            "3.5",
            "",
            "smb",
            "enterprise",
            "active",
            "churned",
            "nps",
            "csat",
            "open",
            "renewed",
            "high",
            "true",
            "no",
            '"quoted, comma"',
            "[bold]x[/]",
            "\x1b[2J",
        ]
    ),
    st.text(max_size=12),
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=12), max_size=8)
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _digest(store: Store) -> str:
    """Every row of every table, hashed: 'nothing written' means this does not change."""
    h = hashlib.sha256()
    for (table,) in store.query("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        for row in store.query(f"SELECT * FROM [{table}] ORDER BY 1, 2"):
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()


@pytest.fixture
def fuzz_store(store: Store) -> Store:
    add_accounts(store, [("A1", "Acme", "smb", "professional", "Ana")])
    return store


@FUZZ
@given(kind=st.sampled_from(sorted(HEADERS)), rows=ROWS, sep=st.sampled_from([",", ";"]))
def test_any_csv_imports_or_is_refused_whole(
    fuzz_store: Store, tmp_path: Path, kind: str, rows: list[list[str]], sep: str
) -> None:
    path = tmp_path / f"{kind}.csv"
    header = HEADERS[kind].replace(",", sep)
    path.write_text("\n".join([header, *(sep.join(r) for r in rows)]) + "\n", encoding="utf-8")
    before = _digest(fuzz_store)
    result = import_csv(fuzz_store, kind, path)
    if not result.ok:
        assert _digest(fuzz_store) == before
        lines = result.problem_lines()
        assert lines and all(line.startswith(str(path)) or "more problem" in line for line in lines)


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_import_or_are_refused_whole(
    fuzz_store: Store, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "usage.csv"
    path.write_bytes(HEADERS["usage"].encode() + b"\n" + data)
    before = _digest(fuzz_store)
    result = import_csv(fuzz_store, "usage", path)
    if not result.ok:
        assert _digest(fuzz_store) == before


def _builtin(name: str) -> str:
    return resources.files("cs_tui.templates").joinpath(name).read_text(encoding="utf-8")


TEMPLATES = [
    ("health.toml", HealthModel),
    ("journey.toml", JourneyTemplate),
    ("playbooks.toml", PlaybookTemplate),
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=st.sampled_from(TEMPLATES),
    cut=st.integers(min_value=0, max_value=10_000),
    junk=st.text(max_size=20),
)
def test_a_mangled_template_loads_or_gives_a_config_error(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    which: tuple[str, type],
    cut: int,
    junk: str,
) -> None:
    name, model = which
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("CS_TUI_CONFIG", str(folder))
    text = _builtin(name)
    cut = cut % (len(text) + 1)
    (folder / name).write_text(text[:cut] + junk + text[cut + len(junk) :], encoding="utf-8")
    try:
        load_template(name, model)
    except ConfigError as error:
        assert str(folder / name) in str(error)

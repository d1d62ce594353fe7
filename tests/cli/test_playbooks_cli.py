"""`cs-tui playbooks`: open runs with why they started, tasks with due dates and states."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cs_tui.cli import cli
from cs_tui.db.store import Store
from tests.conftest import AS_OF, add_accounts

D = dt.timedelta(days=1)


@pytest.fixture
def db(store: Store) -> Path:
    """A store where A1 has five tickets in the last 30 days and A2 has three."""
    add_accounts(store, [("A1", "Acme", "smb", "professional", "ana")])
    add_accounts(store, [("A2", "Beta", "smb", "professional", "bob")])
    rows = [(f"T{i}", "A1", (AS_OF - i * D).isoformat(), "normal") for i in range(5)]
    rows += [(f"U{i}", "A2", (AS_OF - i * D).isoformat(), "normal") for i in range(3)]
    store.insert_many("tickets", ["ticket_id", "account_id", "opened_at", "priority"], rows)
    store.close()
    return store.path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_evaluate_then_json_lists_the_run_and_why(db: Path) -> None:
    code, out = run(
        "playbooks", "--db", str(db), "--as-of", AS_OF.isoformat(), "--evaluate", "--format", "json"
    )
    assert code == 0, out
    first, _, rest = out.partition("\n")
    assert first.startswith("Evaluated 2 accounts at 2026-10-01:")
    data = json.loads(rest)
    assert data["as_of"] == "2026-10-01"
    [run_] = [r for r in data["runs"] if r["playbook"] == "support-tickets"]
    assert run_["account_id"] == "A1" and run_["account_name"] == "Acme"
    assert run_["reason"] == "tickets in 30 days = 5 > 3"
    assert [(t["due_on"], t["state"]) for t in run_["tasks"]] == [
        ("2026-10-02", "open"),
        ("2026-10-03", "open"),
        ("2026-10-06", "open"),
    ]
    # the stored runs are listed again without --evaluate, now two days later
    code, out = run("playbooks", "--db", str(db), "--as-of", "2026-10-03", "--format", "json")
    assert code == 0
    runs = json.loads(out)["runs"]
    [again] = [r for r in runs if r["playbook"] == "support-tickets"]
    assert [t["state"] for t in again["tasks"]] == ["overdue", "due today", "open"]
    assert all(r["account_id"] == "A1" for r in runs if r["playbook"] == "support-tickets")


def test_table_shows_runs_and_tasks(db: Path) -> None:
    code, out = run("playbooks", "--db", str(db), "--as-of", AS_OF.isoformat())
    assert (code, out) == (0, "No open playbook runs.\n")
    code, out = run("playbooks", "--db", str(db), "--as-of", AS_OF.isoformat(), "--evaluate")
    assert code == 0
    assert "A1  Acme  support-tickets  started 2026-10-01  0/3 done" in out
    assert "    why: tickets in 30 days = 5 > 3" in out
    assert "    [ ] 2026-10-06  csm         Personal outreach by the CSM  (open)" in out


def test_a_broken_template_is_one_line_and_exit_1(db: Path, isolated_paths: Path) -> None:
    config = isolated_paths / "config"
    config.mkdir(parents=True)
    (config / "playbooks.toml").write_text(
        '[[playbooks]]\nid = "x"\nname = "X"\n'
        'trigger.all = [{ fact = "tickets", op = ">", value = 3 }]\n'
        'steps = [{ title = "a", day = 1, owner = "csm" }]\n'
    )
    code, out = run("playbooks", "--db", str(db), "--as-of", AS_OF.isoformat(), "--evaluate")
    assert code == 1
    assert "playbook 'x'" in out and "needs `days`" in out
    assert "Traceback" not in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_evaluate_on_a_read_only_database_is_refused(db: Path) -> None:
    db.chmod(0o400)
    try:
        code, out = run("playbooks", "--db", str(db), "--as-of", AS_OF.isoformat(), "--evaluate")
    finally:
        db.chmod(0o600)
    assert code == 1
    assert "read-only" in out

"""`lotsen kb review`: the articles due for review (last_reviewed + review_months on or before the
date), grouped by owner role with the role's name (issue 11)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.knowledge.models import KnowledgeBase
from bot.knowledge.review import add_months, due_for_review, render_listing
from bot.knowledge.upkeep import Upkeep
from bot.routing.loader import load_routing_rules
from tests.cases_support import RULES_FILE, small_kb
from tests.test_kb_fixtures import article_text, write_knowledge


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2026, 11, 22), 12, date(2027, 11, 22)),
    (date(2026, 8, 15), 6, date(2027, 2, 15)),
    (date(2026, 12, 31), 3, date(2027, 3, 31)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def kb_with(**reviewed: tuple[date, int, str]) -> KnowledgeBase:
    base = small_kb()
    articles = {tid: replace(a, owner=a.role, last_reviewed=date(2026, 11, 1)) for tid, a in base.articles.items()}
    for tid, (last, months, owner) in reviewed.items():
        articles[tid] = replace(articles[tid], last_reviewed=last, review_months=months, owner=owner)
    return KnowledgeBase(articles=articles, profile=base.profile)


def test_due_articles_are_grouped_by_owner_and_the_due_day_counts():
    kb = kb_with(bygglov=(date(2025, 12, 10), 12, "bygg"), fettavskiljare=(date(2026, 6, 10), 6, "bygg"),
                 upphandling=(date(2026, 6, 11), 6, "upphandling"), halsoskydd=(date(2025, 1, 1), 12, "miljo"))
    groups = due_for_review(kb, as_of=date(2026, 12, 10))
    assert {role: [a.id for a in items] for role, items in groups.items()} == {
        "bygg": ["bygglov", "fettavskiljare"], "miljo": ["halsoskydd"]}
    assert [a.due for a in groups["bygg"]] == [date(2026, 12, 10), date(2026, 12, 10)]
    assert due_for_review(kb, as_of=date(2026, 12, 11))["upphandling"][0].due == date(2026, 12, 11)
    assert list(due_for_review(kb, as_of=date(2026, 1, 1))) == ["miljo"]
    assert due_for_review(kb, as_of=date(2025, 12, 31)) == {}


def test_the_listing_names_each_owner_role():
    kb = kb_with(bygglov=(date(2025, 11, 1), 12, "bygg"), serveringstillstand=(date(2026, 4, 1), 6, "alkohol"))
    rules = load_routing_rules(RULES_FILE, kb=kb)
    text = render_listing(due_for_review(kb, as_of=date(2026, 11, 30)), role_name=rules.role_name,
                          as_of=date(2026, 11, 30))
    assert text.splitlines()[0] == "Artiklar att granska senast 2026-11-30: 2."
    assert f"alkohol – {rules.role_name('alkohol', 'sv')} (1)" in text
    assert f"bygg – {rules.role_name('bygg', 'sv')} (1)" in text
    assert text.index("alkohol –") < text.index("serveringstillstand:") < text.index("bygg –") < text.index("bygglov:")
    assert "ska granskas 2026-10-01 (var 6:e månad)" in text
    english = render_listing(due_for_review(kb, as_of=date(2026, 11, 30)), role_name=rules.role_name,
                             as_of=date(2026, 11, 30), lang="en")
    assert rules.role_name("bygg", "en") in english and "due 2026-11-01 (every 12 months)" in english


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    folder = write_knowledge(tmp_path, {
        "bygglov": article_text("bygglov", last_reviewed="2025-11-30"),
        "skyltlov": article_text("skyltlov", owner="gata", last_reviewed="2026-06-15", extra="review_months: 6\n"),
    })
    monkeypatch.setenv("LOTSEN_KNOWLEDGE_DIR", str(folder))
    monkeypatch.setenv("LOTSEN_ROUTING_FILE", str(tmp_path / "no-rules.yaml"))
    monkeypatch.setenv("LOTSEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("as_of, listed, absent", [
    ("2026-11-29", [], ["bygglov:", "skyltlov:"]),
    ("2026-11-30", ["bygg – bygg (1)", "bygglov:"], ["skyltlov:"]),
    ("2026-12-15", ["bygg – bygg (1)", "gata – gata (1)", "skyltlov: Bygglov skyltlov. Granskad 2026-06-15, ska "
                    "granskas 2026-12-15 (var 6:e månad)."], []),
])
def test_kb_review_cli_lists_what_is_due_by_the_date(cli_env, as_of, listed, absent):
    result = CliRunner().invoke(app, ["kb", "review", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    for text in listed:
        assert text in result.output
    for text in absent:
        assert text not in result.output
    if not listed:
        assert result.output.strip() == f"Inga artiklar behöver granskas senast {as_of}."


def test_kb_review_cli_refuses_a_bad_date(cli_env):
    result = CliRunner().invoke(app, ["kb", "review", "--as-of", "2026-02-30"])
    assert result.exit_code == 2
    assert "--as-of must be a date" in result.output


def test_the_scheduler_jobs_look_at_the_database_at_most_every_interval(db, clock):
    kb = kb_with(bygglov=(date(2025, 11, 1), 12, "bygg"))
    rules = load_routing_rules(RULES_FILE, kb=kb)
    upkeep = Upkeep(db=db, bundle=SimpleNamespace(kb=kb, rules=rules), clock=clock, every=3600)
    assert [name for name, _ in upkeep.jobs()] == ["kb_review", "kb_gaps"]
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
    assert upkeep.sweep_review() == 1 and upkeep.sweep_gaps() == 1
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=timezone.utc))
    assert upkeep.sweep_review() == 0 and upkeep.sweep_gaps() == 0  # within the hour: not looked at
    upkeep.every = 0
    assert upkeep.sweep_review() == 1 and upkeep.sweep_gaps() == 1

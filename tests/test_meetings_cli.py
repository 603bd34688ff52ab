"""`lotsen meetings add|list|edit|cancel|seed` against a SQLite file: one-line refusals with
exit code 2 and nothing written, idempotent seeding."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

import bot.cli.meetings as cli
from bot.meetings.models import Meeting
from bot.meetings.validation import known_tags
from tests.knowledge_support import shipped_roles
from bot.storage.db import Database
from bot.storage.migrate import upgrade

NAVIGATOR = "anna.berg@sjovik.example"
SEED = Path(__file__).resolve().parent.parent / "knowledge" / "meetings.yaml"


@pytest.fixture
def run(monkeypatch, sqlite_url):
    monkeypatch.setenv("LOTSEN_DATABASE_URL", sqlite_url)
    monkeypatch.setattr(cli, "directory", lambda settings: cli.Directory(
        known_tags(shipped_roles()), lambda email: email == NAVIGATOR, "naringsliv"))
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli.app, list(args))

    return invoke


def meetings(url) -> list[Meeting]:
    db = Database.from_url(url)
    upgrade(db.engine)  # a refusal may come before the CLI ever opened the database
    try:
        with db.session() as session:
            return list(session.exec(select(Meeting).order_by(Meeting.id)))
    finally:
        db.dispose()


ADD = ["add", "--title-sv", "Frukostmöte", "--title-en", "Business breakfast", "--kind", "frukost",
       "--start", "2030-12-03 08:00", "--end", "2030-12-03 09:30", "--place", "Stadshotellet",
       "--tags", "frukost,naringsliv", "--capacity", "40", "--as", NAVIGATOR]


def test_add_list_edit_cancel(run, sqlite_url):
    result = run(*ADD)
    assert result.exit_code == 0, result.output
    [meeting] = meetings(sqlite_url)
    assert meeting.starts_at == datetime(2030, 12, 3, 7, 0, tzinfo=timezone.utc)
    assert meeting.tags == ["frukost", "naringsliv"] and meeting.created_by == NAVIGATOR
    listed = run("list")
    assert "2030-12-03 08:00" in listed.output and "Frukostmöte" in listed.output
    edited = run("edit", str(meeting.id), "--start", "2030-12-04 08:30", "--as", NAVIGATOR)
    assert edited.exit_code == 0, edited.output
    [meeting] = meetings(sqlite_url)
    assert meeting.sequence == 1  # the length (1.5 h) is kept when only the start moves
    assert meeting.ends_at == datetime(2030, 12, 4, 9, 0, tzinfo=timezone.utc)
    assert run("cancel", str(meeting.id), "--as", NAVIGATOR, "--reason", "Sjukdom").exit_code == 0
    assert meetings(sqlite_url)[0].status == "cancelled"
    again = run("cancel", str(meeting.id), "--as", NAVIGATOR)
    assert again.exit_code == 2 and "inställt" in again.output


@pytest.mark.parametrize("change, words", [
    (["--start", "2020-01-01 08:00", "--end", "2020-01-01 09:00"], "förflutna"),
    (["--end", "2030-12-03 07:00"], "sluta efter"),
    (["--capacity", "0"], "minst 1"),
    (["--tags", "frukost,okänd"], "Okänt ämne: okänd"),
    (["--start", "3 december"], "Tiden kunde inte läsas"),
    (["--kind", "fest"], "Okänd mötestyp"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(run, sqlite_url, change, words):
    args = list(ADD)
    for i in range(0, len(change), 2):
        args[args.index(change[i]) + 1] = change[i + 1]
    result = run(*args)
    assert result.exit_code == 2
    assert words in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert meetings(sqlite_url) == []


def test_only_navigators_may_change_meetings(run, sqlite_url):
    args = list(ADD)
    args[-1] = "someone@example.com"
    result = run(*args)
    assert result.exit_code == 2 and "not a navigator" in result.output
    assert meetings(sqlite_url) == []


def test_edit_unknown_meeting_and_nothing_to_change(run):
    assert run("edit", "99", "--place", "X", "--as", NAVIGATOR).exit_code == 2
    assert run("edit", "99", "--as", NAVIGATOR).exit_code == 2


def test_seed_is_idempotent(run, sqlite_url, tmp_path):
    first = run("seed", "--file", str(SEED))
    assert first.exit_code == 0, first.output
    created = meetings(sqlite_url)
    assert len(created) >= 10 and all(m.seed_key for m in created)
    second = run("seed", "--file", str(SEED))
    assert second.exit_code == 0 and " 0 new" in second.output and " 0 changed" in second.output
    assert [(m.id, m.sequence) for m in meetings(sqlite_url)] == [(m.id, m.sequence) for m in created]
    edited = tmp_path / "meetings.yaml"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("Stadshuset, sammanträdesrum 3", "Stadshuset, sal B"),
                      encoding="utf-8")
    third = run("seed", "--file", str(edited))
    assert third.exit_code == 0 and " 4 changed" in third.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- key: x\n  title: {sv: X}\n  place: P\n  tags: [hemligt]\n  dates: ['2031-01-01 08:00']\n",
                   encoding="utf-8")
    refused = run("seed", "--file", str(bad))
    assert refused.exit_code == 2 and "hemligt" in refused.output
    assert len(meetings(sqlite_url)) == len(created)


def test_the_real_directory_knows_navigators_and_article_tags():
    from bot.config import load_settings
    from bot.knowledge.bundle import KnowledgeBundle
    from bot.knowledge.problems import InvalidKnowledge

    settings = load_settings()
    try:
        bundle = KnowledgeBundle.load(settings.knowledge_dir, settings.resolved_routing_file)
    except InvalidKnowledge:
        pytest.skip("the knowledge base in this checkout does not validate (being edited)")
    if bundle.rules is None:
        pytest.skip("no routing_rules.yaml")
    tags, allowed, organiser = cli.directory(settings)
    assert set(bundle.kb.articles) <= tags and set(bundle.rules.roles) <= tags
    assert organiser == bundle.rules.coordinator
    member = next(m for role in bundle.rules.roles.values() for m in role.members if m.email)
    assert allowed(member.email) and allowed(member.email.upper())
    assert not allowed("stranger@example.com")
    seeded = {tag for entry in __import__("yaml").safe_load(SEED.read_text(encoding="utf-8")) for tag in entry["tags"]}
    assert seeded <= tags  # the seed file only uses known tags


def _sign_up(url, meeting_id, user, **details):
    from bot.core.clock import SystemClock
    from bot.meetings import service

    db = Database.from_url(url)
    try:
        with db.session() as session:
            service.sign_up(session, meeting_id=meeting_id, channel="telegram", address=f"chat-{user}", user_id=user,
                            clock=SystemClock(), **details)
    finally:
        db.dispose()


def test_edit_counts_the_places_taken_like_list(run, sqlite_url):
    args = list(ADD)
    args[args.index("--capacity") + 1] = "60"
    assert run(*args).exit_code == 0
    [meeting] = meetings(sqlite_url)
    _sign_up(sqlite_url, meeting.id, "u1", name="Anna Svensson")
    assert "1/60" in run("list").output
    edited = run("edit", str(meeting.id), "--place", "Stadshuset", "--as", NAVIGATOR)
    assert edited.exit_code == 0 and "1/60" in edited.output and "0/60" not in edited.output


def _audit(url):
    from bot.meetings.models import MeetingAudit

    db = Database.from_url(url)
    try:
        with db.session() as session:
            return [(a.meeting_id, a.actor, a.action, a.outcome) for a in session.exec(select(MeetingAudit))]
    finally:
        db.dispose()


def test_attendees_lists_names_and_companies_for_navigators_only(run, sqlite_url):
    assert run(*ADD).exit_code == 0
    [meeting] = meetings(sqlite_url)
    _sign_up(sqlite_url, meeting.id, "u1", name="Anna Svensson", company="Pizzeria Roma")
    _sign_up(sqlite_url, meeting.id, "u2", name="Bo Ek, \"Ek & Son\"")
    listed = run("attendees", str(meeting.id), "--as", NAVIGATOR)
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert "2/40 anmälda" in lines[0]
    assert lines[1].startswith("  1. Anna Svensson, Pizzeria Roma  [anmäld, telegram, ")
    assert lines[2].startswith("  2. Bo Ek")
    exported = run("attendees", str(meeting.id), "--csv", "--as", NAVIGATOR)
    import csv
    import io
    rows = list(csv.reader(io.StringIO(exported.output)))
    assert rows[0] == ["name", "company", "status", "channel", "signed_up_at"]
    assert rows[1][:4] == ["Anna Svensson", "Pizzeria Roma", "confirmed", "telegram"]
    assert rows[2][0] == "Bo Ek, \"Ek & Son\"" and len(rows) == 3  # quoting survives the round trip
    refused = run("attendees", str(meeting.id), "--as", "someone@example.com")
    assert refused.exit_code == 2 and "Bara lotsar" in refused.output and "Anna" not in refused.output
    missing = run("attendees", "999", "--as", NAVIGATOR)
    assert missing.exit_code == 2 and "finns inte" in missing.output
    assert _audit(sqlite_url) == [(meeting.id, NAVIGATOR, "attendees", "ok"),
                                  (meeting.id, NAVIGATOR, "attendees_csv", "ok"),
                                  (meeting.id, "someone@example.com", "attendees", "refused"),
                                  (999, NAVIGATOR, "attendees", "not_found")]


def test_the_cli_and_the_desks_check_meetings_with_one_policy(tmp_path, sqlite_url):
    """The drift the CLI had: it must accept and refuse the same tags, and the same people, as
    Slack and Telegram (Lotsen.submit_meeting), because both take bot.app.meeting_policy."""
    from bot.app import build_lotsen, meeting_policy
    from bot.config import load_settings
    from bot.core.actions import Actor
    from tests.other_municipality import other

    town = other(tmp_path)
    settings = load_settings(knowledge_dir=town.knowledge, routing_file=town.routing)
    lotsen = build_lotsen(settings=settings, database_url=sqlite_url)
    try:
        tags, allowed, organiser = cli.directory(settings)
        policy = meeting_policy(lotsen.bundle)
        assert (tags, organiser) == (policy.tags, policy.organiser) == (lotsen.meeting_tags, town.coordinator)
        assert town.coordinator in tags and town.foreign_role not in tags  # the town's own roles
        member = next(m for role in lotsen.rules.roles.values() for m in role.members if m.email)
        assert allowed(member.email) and policy.allows(Actor("cli", member.email))
        command = "titel=Frukost; start=2030-12-03 08:00; slut=2030-12-03 09:00; plats=Stadshuset; ämnen="
        for tag, accepted in ((town.coordinator, True), (town.foreign_role, False)):
            result = lotsen.submit_meeting_command(actor=Actor("cli", member.email), text=command + tag)
            assert result.ok is accepted, result.message
    finally:
        lotsen.close()

"""The flows pass on a second municipality as on the bundled one: other role ids, a coordinator
that is not the bundled one, no Slack ids, Swedish role names (tests/other_municipality.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cases.models import Case
from bot.knowledge.bundle import KnowledgeBundle
from bot.meetings.models import Meeting
from tests import other_municipality
from tests.knowledge_support import ROOT

RESTAURANT = "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal"


@pytest.fixture(scope="module", params=["bundled", "other"])
def town(request, tmp_path_factory):
    if request.param == "bundled":
        return other_municipality.bundled()
    return other_municipality.other(tmp_path_factory.mktemp("other_municipality"))


def _env(town, **more) -> dict:
    return {**os.environ, "LOTSEN_KNOWLEDGE_DIR": str(town.knowledge), "LOTSEN_ROUTING_FILE": str(town.routing),
            "LOTSEN_DATABASE_URL": "sqlite:///:memory:", **more}


def test_the_knowledge_checks_and_names_a_role_it_does_not_have(town, tmp_path):
    checked = subprocess.run([sys.executable, "-m", "bot.cli.main", "kb", "check"], env=_env(town),
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    bundle = KnowledgeBundle.load(town.knowledge, town.routing)
    assert bundle.rules.coordinator == town.coordinator and town.foreign_role not in bundle.rules.roles
    assert bundle.kb.articles["bygglov"].role == town.building


def test_ask_json_escalates_to_the_towns_roles_with_its_coordinator_last(town):
    result = subprocess.run([sys.executable, "-m", "bot.cli.main", "ask", "--json", RESTAURANT], env=_env(town),
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    data = json.loads(result.stdout)
    assert data["action"] == "escalate"
    assert {"alkohol", "livsmedel", "gata", town.building} <= set(data["roles"])
    assert data["roles"][-1] == town.coordinator and town.foreign_role not in data["roles"]


def test_a_case_is_opened_and_claimed_through_the_console_desk(town, tmp_path):
    from bot.adapters.console import ConsoleChannel, ConsoleSession
    from bot.adapters.console_desk import ConsoleDesk
    from bot.app import build_lotsen
    from bot.config import load_settings
    from bot.core.clock import ManualClock

    out = io.StringIO()
    desk = ConsoleDesk(out)
    lotsen = build_lotsen(settings=load_settings(), database_url=f"sqlite:///{tmp_path / 'lotsen.db'}",
                          bundle=KnowledgeBundle.load(town.knowledge, town.routing),
                          channels={"console": ConsoleChannel(out)}, desks={"console": desk, "slack": desk},
                          clock=ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)))
    try:
        session = ConsoleSession(lotsen, out=out)
        for text in (RESTAURANT, "ja", "Anna Svensson, Vinbaren AB, 070-123 45 67"):
            session.step(text)
            lotsen.dispatch_outbox()
        coordinator_name = lotsen.rules.role_name(town.coordinator, "sv")
        assert "L-2026-0001" in out.getvalue() and coordinator_name in out.getvalue()  # convened on the desk
        session.step(f"/lotse {town.coordinator_email} claim L-2026-0001")
        lotsen.dispatch_outbox()
        with lotsen.db.session() as db:
            case = db.exec(select(Case)).one()
            assert case.status == "claimed" and case.roles[-1] == town.coordinator
            assert town.building in case.roles and town.foreign_role not in case.roles
    finally:
        lotsen.close()


def test_a_meeting_is_added_with_the_towns_role_tag_and_listed(town, tmp_path, monkeypatch):
    from bot.cli.main import app

    for key, value in _env(town, LOTSEN_DATABASE_URL=f"sqlite:///{tmp_path / 'lotsen.db'}").items():
        if key.startswith("LOTSEN_"):
            monkeypatch.setenv(key, value)
    runner = CliRunner()
    add = ["meetings", "add", "--title-sv", "Företagsfrukost", "--start", "2027-02-04 07:30", "--end",
           "2027-02-04 09:00", "--place", "Stadshuset", "--as", town.coordinator_email]
    refused = runner.invoke(app, [*add, "--tags", f"frukost,{town.foreign_role}"])
    assert refused.exit_code == 2 and town.foreign_role in refused.output  # not a role of this town
    added = runner.invoke(app, [*add, "--tags", f"frukost,{town.coordinator},{town.building}"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["meetings", "list", "--tag", town.building])
    assert listed.exit_code == 0 and "Företagsfrukost" in listed.output and f"#{town.coordinator}" in listed.output
    from bot.storage.db import Database

    database = Database.from_url(f"sqlite:///{tmp_path / 'lotsen.db'}")
    try:
        with database.session() as db:
            meeting = db.exec(select(Meeting)).one()
            assert meeting.organiser_role == town.coordinator  # by default, the coordinator organises
            assert meeting.tags == ["frukost", town.coordinator, town.building]
        seeded = runner.invoke(app, ["meetings", "seed"])  # the town's meetings.yaml, its own tags
        assert seeded.exit_code == 0, seeded.output
        with database.session() as db:
            organisers = {m.organiser_role for m in db.exec(select(Meeting))}
        assert town.coordinator in organisers and town.foreign_role not in organisers
    finally:
        database.dispose()

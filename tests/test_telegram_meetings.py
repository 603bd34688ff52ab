"""Meetings from the navigators' Telegram group (`/mote`, `/mote_andra`, `/mote_stall_in`): the
real python-telegram-bot Application and the real core (build_lotsen on SQLite, the bundled
knowledge and routing_rules.yaml) against the fake Telegram Bot API server."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.adapters.telegram.app import TelegramRunner, build_application
from bot.app import build_lotsen
from bot.config import load_settings
from bot.core.clock import ManualClock
from bot.core.actions import Actor
from tests.fakes.telegram_api import FakeTelegram
from tests.knowledge_support import KNOWLEDGE, ROUTING

NAV_CHAT = -100777
ANNA = 510000101  # Anna Berg, a navigator in routing_rules.yaml
STRANGER = 999001
ANNA_ACTOR = Actor("telegram", str(ANNA))
CREATE = ("/mote titel=Frukost om upphandling; start=2026-12-03 08:00; slut=2026-12-03 09:00; "
          "plats=Stadshuset; platser=40; ämnen=upphandling")


@pytest.fixture
def world(tmp_path):
    lotsen = build_lotsen(settings=load_settings(), database_url=f"sqlite:///{tmp_path / 'lotsen.db'}",
                          knowledge_dir=KNOWLEDGE, routing_file=ROUTING,
                          clock=ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)))
    with FakeTelegram() as fake:
        app = build_application(token=fake.token, service=lotsen, api_url=fake.api_url, navigator_chat_id=NAV_CHAT)
        runner = TelegramRunner(app, poll_timeout=1)
        runner.start()
        try:
            yield lotsen, fake
        finally:
            runner.stop()
            lotsen.close()


def say(fake, chat_id: int, user_id: int, text: str, count: int) -> list[str]:
    """Send `text` and wait until the chat has received `count` messages in all."""
    fake.message_update(chat_id=chat_id, user_id=user_id, text=text)
    return fake.wait_for(lambda f: (lambda t: t if len(t) >= count else None)(f.sent_texts(chat_id)))


def last_send(fake, chat_id: int) -> dict:
    return [c.params for c in fake.calls_to("sendMessage") if int(c.params["chat_id"]) == chat_id][-1]


def test_group_command_creates_edits_and_cancels_a_meeting(world):
    lotsen, fake = world
    created = say(fake, NAV_CHAT, ANNA, CREATE, 1)[0]
    assert created.startswith("Mötet är skapat: #1 Frukost om upphandling, 2026-12-03 08:00")
    assert "parse_mode" not in last_send(fake, NAV_CHAT)
    form = lotsen.meeting_form(actor=ANNA_ACTOR, meeting_id=1)
    assert form["capacity"] == "40" and form["tags"] == "upphandling"
    assert lotsen.meeting_form(actor=Actor("telegram", str(STRANGER)), meeting_id=1) is None  # navigators only

    changed = say(fake, NAV_CHAT, ANNA, "/mote_andra 1 plats=Biblioteket", 2)[1]
    assert changed.startswith("Mötet är ändrat: #1") and lotsen.meeting_form(actor=ANNA_ACTOR, meeting_id=1)["place"] == "Biblioteket"

    cancelled = say(fake, NAV_CHAT, ANNA, "/mote_stall_in 1 För få anmälda", 3)[2]
    assert cancelled.startswith("Mötet är inställt: #1")
    listing = say(fake, 4242, 4242, "vilka möten finns?", 1)[0]
    assert "Frukost om upphandling" not in listing


def test_group_command_refusals_are_clear_and_write_nothing(world):
    lotsen, fake = world
    refused = say(fake, NAV_CHAT, STRANGER, CREATE, 1)[0]
    assert refused == "Du har inte behörighet att ändra möten."
    bad_end = say(fake, NAV_CHAT, ANNA, CREATE.replace("slut=2026-12-03 09:00", "slut=2026-12-03 07:00"), 2)[1]
    assert bad_end == "Mötet måste sluta efter att det börjar."
    empty = say(fake, NAV_CHAT, ANNA, "/mote", 3)[2]
    assert "nyckel=värde" in empty or "titel=" in empty
    no_id = say(fake, NAV_CHAT, ANNA, "/mote_stall_in", 4)[3]
    assert "/mote_stall_in <nr>" in no_id
    assert lotsen.meeting_form(actor=ANNA_ACTOR, meeting_id=1) is None


def test_the_same_command_in_a_private_chat_is_not_a_navigator_command(world):
    lotsen, fake = world
    # Even from a navigator: only the navigators' group is the desk.
    answer = say(fake, ANNA, ANNA, CREATE, 1)[0]
    assert "lotsarnas grupp" in answer
    assert lotsen.meeting_form(actor=ANNA_ACTOR, meeting_id=1) is None
    assert fake.sent_texts(NAV_CHAT) == []

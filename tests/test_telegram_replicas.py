"""Two Telegram webhook replicas behind one load balancer act as one: an update that Telegram
delivers again (after a timeout or a 5xx) reaches the other replica and is handled once, because
`lotsen serve` gives the adapter the core's shared event memory (bot.shared)."""

from __future__ import annotations

import pytest

from bot.adapters.telegram.app import TelegramRunner, build_application
from bot.core.clock import SystemClock
from bot.shared.stores import shared_stores
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from tests.fakes.service import FakeLotsen
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
def fake_tg():
    with FakeTelegram() as fake:
        yield fake


NAV_CHAT = -100777


def _replica(fake_tg, service, db) -> TelegramRunner:
    app = build_application(token=fake_tg.token, service=service, api_url=fake_tg.api_url, webhook=True,
                            navigator_chat_id=NAV_CHAT)
    runner = TelegramRunner(app, webhook_url="https://lotsen.example/telegram", webhook_secret="s3cret-token")
    if db is not None:
        runner.context.share(shared_stores(db, clock=SystemClock(), channel="telegram"))
    runner.start()
    return runner


@pytest.mark.parametrize("shared", [True, False])
def test_a_redelivered_update_is_handled_once_whichever_replica_it_reaches(fake_tg, db_url, shared):
    db = Database.from_url(db_url)
    upgrade(db.engine)
    service = FakeLotsen()
    replicas = [_replica(fake_tg, service, db if shared else None) for _ in range(2)]
    try:
        update = {"update_id": 501, "message": {"message_id": 1, "date": 0, "chat": fake_tg.chat(42),
                                                "from": fake_tg.user(42), "text": "hej"}}
        replicas[0].feed(update)
        fake_tg.wait_calls("sendMessage")
        replicas[1].feed(update)  # Telegram's retry, through the load balancer to the other replica
        later = {"update_id": 502, "message": {"message_id": 2, "date": 0, "chat": fake_tg.chat(42),
                                               "from": fake_tg.user(42), "text": "en till"}}
        replicas[1].feed(later)
        fake_tg.wait_for(lambda f: len(f.sent_texts(42)) >= (2 if shared else 3), 10)
    finally:
        for runner in replicas:
            runner.stop()  # finishes what is in flight: a late second handling would show below
        db.dispose()
    handled = [i.text for i in service.incoming]
    if shared:
        assert handled == ["hej", "en till"] and len(fake_tg.sent_texts(42)) == 2
    else:  # what process memory alone did: the other replica handled it again
        assert sorted(handled) == ["en till", "hej", "hej"]


@pytest.mark.parametrize("shared", [True, False])
def test_a_reply_prompt_answered_on_the_other_replica(fake_tg, sqlite_url, shared):
    """A navigator presses "Svara" (the prompt is sent by one replica) and answers the prompt (the
    answer reaches the other): with the core's shared store the answer is relayed, once; with
    process memory alone it is not, and the navigator is told so at once. Ordinary chatter in
    the group, a reply to someone else's message, gets no word either way."""
    db = Database.from_url(sqlite_url)
    upgrade(db.engine)
    service = FakeLotsen()
    replicas = [_replica(fake_tg, service, db if shared else None) for _ in range(2)]
    try:
        card = {"message_id": 50, "date": 0, "chat": fake_tg.chat(NAV_CHAT), "text": "Ärende 2026-0001"}
        replicas[0].feed({"update_id": 601, "callback_query": {
            "id": "q1", "from": fake_tg.user(777), "chat_instance": "ci", "message": card,
            "data": "n:reply:2026-0001"}})
        [prompt_call] = fake_tg.wait_calls("sendMessage")
        prompt = {"message_id": prompt_call.response["result"]["message_id"], "date": 0,
                  "chat": fake_tg.chat(NAV_CHAT), "from": fake_tg.bot_user, "text": prompt_call.params["text"]}
        fake_tg.wait_for(lambda f: prompt["message_id"] in replicas[0].context.prompts)
        chatter = {"message_id": 3, "date": 0, "chat": fake_tg.chat(NAV_CHAT), "from": fake_tg.user(778),
                   "text": "Jag tar den!"}
        for update_id, replied in ((602, chatter), (603, prompt)):
            replicas[1].feed({"update_id": update_id, "message": {
                "message_id": update_id, "date": 0, "chat": fake_tg.chat(NAV_CHAT), "from": fake_tg.user(777),
                "text": "Välkommen på tisdag!", "reply_to_message": replied}})
        fake_tg.wait_calls("sendMessage", 2)
    finally:
        for runner in replicas:
            runner.stop()
        db.dispose()
    told = fake_tg.sent_texts(NAV_CHAT)
    assert len(told) == 2  # the prompt, then one answer: nothing for the ordinary chatter
    if shared:
        assert [(a.verb, a.case_number, a.text) for a in service.actions] == [
            ("reply", "2026-0001", "Välkommen på tisdag!")]
        assert "Det du skrev skickades inte" not in told[1]
    else:
        assert service.actions == [] and "Det du skrev skickades inte" in told[1]


def test_serve_binds_telegram_to_the_cores_shared_memory(sqlite_url):
    """What `lotsen serve` does when it binds the built core to the Telegram channel."""
    from types import SimpleNamespace

    from bot.adapters.telegram.context import TelegramContext
    from bot.adapters.telegram.plugin import TelegramPlugin
    from bot.shared.stores import SharedSeenIds

    db = Database.from_url(sqlite_url)
    upgrade(db.engine)
    try:
        core = SimpleNamespace(shared_stores=lambda channel: shared_stores(db, clock=SystemClock(), channel=channel))
        plugin = TelegramPlugin()
        plugin.runner = SimpleNamespace(context=TelegramContext(service=None))
        plugin.bind(core)
        seen = plugin.runner.context.seen_updates
        assert isinstance(seen, SharedSeenIds) and seen.scope == "telegram:event"
        assert seen.claim(901) and not seen.claim(901)
    finally:
        db.dispose()

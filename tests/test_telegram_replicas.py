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


def _replica(fake_tg, service, db) -> TelegramRunner:
    app = build_application(token=fake_tg.token, service=service, api_url=fake_tg.api_url, webhook=True)
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

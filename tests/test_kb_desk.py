"""The desks post the knowledge upkeep notices (not about a case) with the real slack_sdk client
and python-telegram-bot against the fake API servers, and `build_lotsen` wires the monthly and
weekly sweeps into the scheduler's jobs and the outbox (issue 11)."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from bot.adapters.console_desk import ConsoleDesk
from bot.adapters.slack.client import make_web_client
from bot.adapters.slack.ports import SlackNavigatorDesk
from bot.adapters.telegram.app import TelegramRunner, build_application
from bot.adapters.telegram.ports import TelegramNavigatorDesk
from bot.core.clock import ManualClock
from bot.core.ports import DeskNotices, SendError
from tests.cases_support import RULES_FILE
from tests.fakes.service import FakeLotsen
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram
from tests.test_kb_fixtures import article_text, write_knowledge

TEXT = "Dags att granska kunskapsbasen i 2026-12:\n- bygglov: <b>Bygglov</b> & mer"
MENTIONS = [{"name": "Anna Berg", "slack_id": "U0SJ0BYGG1", "telegram_id": 510000101, "email": "a@x.example"}]


def test_slack_posts_a_notice_in_the_navigators_channel_not_in_a_thread():
    with FakeSlack() as fake:
        desk = SlackNavigatorDesk(make_web_client(token=fake.token, base_url=fake.api_url), navigator_channel="CNAV")
        assert isinstance(desk, DeskNotices)
        delivery = desk.notice(text=TEXT, mentions=MENTIONS)
        [call] = fake.calls_to("chat.postMessage")
        assert call.params["channel"] == "CNAV" and "thread_ts" not in call.params
        assert call.params["text"].startswith("<@U0SJ0BYGG1> ")
        assert delivery.ok and delivery.ref.startswith("CNAV:")


def test_slack_without_a_navigators_channel_refuses_notices_for_good():
    with FakeSlack() as fake:
        desk = SlackNavigatorDesk(make_web_client(token=fake.token, base_url=fake.api_url))
        with pytest.raises(SendError) as refused:
            desk.notice(text=TEXT, mentions=MENTIONS)
        assert refused.value.retryable is False and "SLACK_NAVIGATOR_CHANNEL" in str(refused.value)
        assert fake.calls_to("chat.postMessage") == []


def test_telegram_posts_a_notice_in_the_group_with_mentions_escaped():
    with FakeTelegram() as fake:
        app = build_application(token=fake.token, service=FakeLotsen(), api_url=fake.api_url,
                                navigator_chat_id=-100777)
        runner = TelegramRunner(app, poll_timeout=1)
        runner.start()
        try:
            desk = TelegramNavigatorDesk(runner, -100777)
            delivery = desk.notice(text=TEXT, mentions=MENTIONS)
        finally:
            runner.stop()
        [sent] = fake.calls_to("sendMessage")
        assert int(sent.params["chat_id"]) == -100777 and "reply_to_message_id" not in sent.params
        assert '<a href="tg://user?id=510000101">Anna Berg</a>' in sent.params["text"]
        assert "&lt;b&gt;Bygglov&lt;/b&gt; &amp; mer" in sent.params["text"]
        assert delivery.ref.startswith("-100777:")


def test_build_lotsen_runs_the_upkeep_sweeps_and_posts_through_the_outbox(tmp_path, sqlite_url):
    from bot.app import build_lotsen

    folder = write_knowledge(tmp_path, {"bygglov": article_text(last_reviewed="2025-11-20")})
    stream = io.StringIO()
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
    lotsen = build_lotsen(database_url=sqlite_url, knowledge_dir=folder, routing_file=RULES_FILE, clock=clock,
                          desks={"slack": ConsoleDesk(stream, name="slack")})
    try:
        jobs = dict(lotsen.periodic())
        assert {"outbox", "ladder", "kb_review", "kb_gaps"} <= set(jobs)
        assert jobs["kb_review"]() == 1 and jobs["kb_gaps"]() == 1
        assert lotsen.dispatch_outbox() == 2
        assert lotsen.dispatch_outbox() == 0
    finally:
        lotsen.close()
    printed = stream.getvalue()
    assert "bygglov: Bygglov bygglov. Granskad 2025-11-20, ska granskas 2026-11-20" in printed
    assert "@Anna Berg" in printed  # the owner role's members are mentioned
    assert "Lotsen svarade på allt 2026-11-23 00:00 – 2026-11-30 00:00" in printed

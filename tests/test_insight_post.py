"""The monthly post to the business office: the scheduler's job enqueues last month's report
once (one dedupe key per month, from the first working moment), and the outbox posts the
headline figures on the desk with the report attached, through the real slack_sdk and
python-telegram-bot against the fakes, and on the console desk."""

from __future__ import annotations

import io
from datetime import datetime, timezone

from bot.adapters.console_desk import ConsoleDesk
from bot.adapters.slack.client import make_web_client
from bot.adapters.slack.ports import SlackNavigatorDesk
from bot.adapters.telegram.app import TelegramRunner, build_application
from bot.adapters.telegram.ports import TelegramNavigatorDesk
from bot.app import build_lotsen
from bot.core.clock import ManualClock
from bot.config import load_settings
from tests.fakes.service import FakeLotsen
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram
from tests.knowledge_support import bundle

REPORT = b"<!DOCTYPE html><html><body>rapport</body></html>"


def test_slack_posts_the_notice_then_uploads_the_report_to_the_navigators_channel():
    with FakeSlack() as fake:
        desk = SlackNavigatorDesk(make_web_client(token=fake.token, base_url=fake.api_url), navigator_channel="CNAV")
        delivery = desk.notice(text="NKI 72", mentions=[], attachment_name="lotsen-rapport-2026-11.html",
                               attachment=REPORT)
        [post] = fake.calls_to("chat.postMessage")
        [done] = fake.calls_to("files.completeUploadExternal")
        assert post.params["channel"] == "CNAV" and "NKI 72" in post.params["text"]
        assert done.params["channel_id"] == "CNAV" and delivery.ok


def test_telegram_posts_the_notice_and_sends_the_report_as_a_document():
    with FakeTelegram() as fake:
        app = build_application(token=fake.token, service=FakeLotsen(), api_url=fake.api_url, navigator_chat_id=-100777)
        runner = TelegramRunner(app, poll_timeout=1)
        runner.start()
        try:
            delivery = TelegramNavigatorDesk(runner, -100777).notice(
                text="NKI 72", attachment_name="lotsen-rapport-2026-11.html", attachment=REPORT)
        finally:
            runner.stop()
        [message] = fake.calls_to("sendMessage")
        [document] = fake.calls_to("sendDocument")
        assert int(message.params["chat_id"]) == -100777 and int(document.params["chat_id"]) == -100777
        assert delivery.ok


def test_the_monthly_job_posts_last_months_report_once_to_the_business_office(tmp_path):
    stream = io.StringIO()
    clock = ManualClock(datetime(2026, 12, 1, 5, 0, tzinfo=timezone.utc))  # 06:00 in Sjövik: before office hours
    lotsen = build_lotsen(settings=load_settings(), database_url=f"sqlite:///{tmp_path / 'l.db'}", bundle=bundle(),
                          clock=clock, desks={"slack": ConsoleDesk(stream, name="slack")})
    try:
        job = dict(lotsen.periodic())["insight_report"]
        lotsen.monthly_report.every = 0  # look every time in this test
        assert job() == 0  # not before the first working moment of the month
        clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
        assert job() == 1
        assert job() == 0  # one post per month, however often (and in however many processes) it sweeps
        assert lotsen.dispatch_outbox() == 1
        posted = stream.getvalue()
        assert "Så går servicen till företagen, 2026-11-01 – 2026-11-30" in posted
        assert "NKI, nöjd-kund-index: för få svar (0 av minst 7)" in posted
        assert "@Maja Forsberg" in posted  # the coordinator's members (the business office)
        assert "(bifogad fil / attachment: lotsen-rapport-2026-11.html" in posted
    finally:
        lotsen.close()

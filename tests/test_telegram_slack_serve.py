"""`lotsen serve` assembled from the environment against both fakes, and its graceful stop."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from bot.config import load_settings
from bot.adapters.slack.plugin import SLACK_EVENTS_PATH
from bot.serve import LotsenServer
from tests.fakes.service import FakeLotsen
from tests.fakes.slack_api import FakeSlack, block_action, interaction_body, sign
from tests.fakes.telegram_api import FakeTelegram

SECRET = "signing-secret-for-tests"


class SlowStartLotsen(FakeLotsen):
    def __init__(self) -> None:
        super().__init__(delay=1.0)
        self.started = threading.Event()

    def _slow(self) -> None:
        self.started.set()
        super()._slow()


@pytest.fixture
def fakes():
    with FakeTelegram() as tg, FakeSlack() as slack:
        yield tg, slack


def make_server(tg, slack, service, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    env = {"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.api_url, "SLACK_BOT_TOKEN": slack.token,
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url, "SLACK_NAVIGATOR_CHANNEL": "CNAV",
           "LOTSEN_HTTP_PORT": "8080"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("SLACK_APP_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_NAVIGATOR_CHAT_ID"):
        monkeypatch.delenv(name, raising=False)
    # Telegram and Slack only: the fake core lends no shared stores, which the web chat keeps its
    # transcript in (the web chat next to them is served in test_web_serve.py and the process tests).
    settings = load_settings(http_port=1, web_chat=False)
    settings.http_port = 0  # any free port (the setting itself must be a real port)
    built = {}

    def build(settings, *, channels, desks):
        built.update(channels=channels, desks=desks)
        return service

    server = LotsenServer(settings=settings, build_service=build, http_host="127.0.0.1", scheduler_interval=0.5)
    return server, built


def test_serve_starts_what_is_configured_and_stops_gracefully(fakes, monkeypatch, tmp_path):
    tg, slack = fakes
    service = SlowStartLotsen()
    server, built = make_server(tg, slack, service, monkeypatch, tmp_path)
    server.start()
    try:
        assert set(built["channels"]) == {"telegram", "slack"} and set(built["desks"]) == {"slack"}
        assert httpx.get(f"{server.http.url}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{server.http.url}/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"service": True, "telegram": True, "slack": True, "scheduler": True}
        # Work in flight on both channels when SIGTERM comes:
        tg.message_update(chat_id=42, text="hej")
        body = interaction_body(block_action(user="UNAV", action_id="lotsen_claim", value="2026-0001"))
        response = httpx.post(f"{server.http.url}{SLACK_EVENTS_PATH}", content=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)})
        assert response.status_code == 200
        assert service.started.wait(5)
    finally:
        stopped_at = time.monotonic()
        server.stop()
    # Both finished before stop() returned: the reply went out, the card was updated.
    assert tg.sent_texts(42) == ["Svar på: hej"]
    assert len(slack.calls_to("chat.update")) == 1
    assert time.monotonic() - stopped_at < 20
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{server.http.url}/healthz", timeout=1)


def test_readyz_fails_until_the_channels_and_the_scheduler_run(fakes, monkeypatch, tmp_path):
    tg, slack = fakes
    held = tg.hold("deleteWebhook")  # long polling starts only when the test says so
    server, _ = make_server(tg, slack, FakeLotsen(), monkeypatch, tmp_path)
    errors = []
    starting = threading.Thread(target=lambda: _start(server, errors))
    starting.start()
    try:
        tg.wait_for(lambda f: "deleteWebhook" in f.waiting, 30)  # the HTTP server is up, Telegram starting
        assert httpx.get(f"{server.http.url}/healthz").status_code == 200
        waiting = httpx.get(f"{server.http.url}/readyz")
        assert waiting.status_code == 503
        assert waiting.json()["not_ready"] == ["telegram", "slack", "scheduler"]
        assert slack.calls_to("auth.test") and tg.calls_to("getMe")  # both tokens were tried first
        held.set()
        starting.join(30)
        assert errors == []
        ready = httpx.get(f"{server.http.url}/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
    finally:
        held.set()
        starting.join(30)
        server.stop()


def _start(server, errors: list) -> None:
    try:
        server.start()
    except Exception as exc:  # reported to the test
        errors.append(exc)

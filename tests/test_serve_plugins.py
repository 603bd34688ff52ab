"""A channel is one folder and one registry line: the echo channel (tests/echo_channel/) is
named in the registry `lotsen serve` is given, and serve checks, sets up, connects, binds,
starts and stops it; an entrepreneur's message reaches the real core and the answer comes back
through the channel's own port; /readyz names it. No file under bot/ knows it exists."""

from __future__ import annotations

import httpx
import pytest

from bot.adapters.registry import PLUGINS
from bot.app import build_lotsen
from bot.config import ConfigError, load_settings
from bot.core.actions import Actor
from bot.core.ports import member_identity
from bot.routing.loader import check_routing_rules, load_routing_rules
from bot.serve import LotsenServer, check_settings
from tests.cases_support import RULES_FILE, small_kb
from tests.echo_channel.plugin import SPEC, EchoPlugin

CHANNEL_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_NAVIGATOR_CHAT_ID", "TELEGRAM_WEBHOOK_URL", "SLACK_BOT_TOKEN",
                     "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


@pytest.fixture
def echo_only(monkeypatch, tmp_path):
    """Settings with Telegram, Slack and the web chat off: the echo channel is the whole deployment."""
    monkeypatch.chdir(tmp_path)
    for name in CHANNEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    EchoPlugin.instances.clear()
    settings = load_settings(http_port=1, database_url=f"sqlite:///{tmp_path / 'lotsen.db'}", web_chat=False)
    settings.http_port = 0
    return settings


def test_a_channel_in_the_registry_is_served_end_to_end(echo_only):
    def build(settings, *, channels, desks):
        return build_lotsen(settings=settings, channels=channels, desks=desks)

    server = LotsenServer(settings=echo_only, build_service=build, http_host="127.0.0.1", scheduler_interval=0.5,
                          registry=(*PLUGINS, SPEC))
    server.start()
    try:
        [echo] = EchoPlugin.instances
        assert [plugin.name for plugin in server.plugins] == ["echo"]  # Telegram, Slack and the web chat are off
        assert set(server.channels) == {"echo"} and set(server.desks) == {"echo"}
        assert echo.calls == ["check", "setup", "connect", "bind", "start"]
        ready = httpx.get(f"{server.http.url}/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"service": True, "echo": True,
                                                                       "scheduler": True}
        sent = httpx.post(f"{server.http.url}/echo/messages",
                          json={"user": "echo-42", "text": "Behöver jag bygglov för ett skärmtak?"})
        assert sent.status_code == 202
        [answer] = httpx.get(f"{server.http.url}/echo/inbox", params={"user": "echo-42"}).json()
        assert "bygglov" in answer.lower()  # the real core answered, through the echo port
        echo.started = False  # the channel stops running: /readyz says so, by name
        not_ready = httpx.get(f"{server.http.url}/readyz")
        assert not_ready.status_code == 503 and not_ready.json()["not_ready"] == ["echo"]
    finally:
        server.stop()
    assert echo.calls[-2:] == ["stop_receiving", "close"]


def test_without_any_channel_the_deployment_check_names_the_registry(echo_only):
    with pytest.raises(ConfigError) as caught:
        check_settings(echo_only, [])
    assert "set at least one channel" in str(caught.value)
    EchoPlugin.instances.clear()
    assert [p.name for p in check_settings(echo_only, [EchoPlugin()])] == ["echo"]


def test_a_new_channels_identities_need_no_code(tmp_path):
    text = RULES_FILE.read_text(encoding="utf-8").replace(
        "identities: {slack: U0SJ0BYGG1, telegram: 510000101}",
        "identities: {slack: U0SJ0BYGG1, telegram: 510000101, echo: echo-anna}")
    path = tmp_path / "routing_rules.yaml"
    path.write_text(text, encoding="utf-8")
    rules = load_routing_rules(path, kb=small_kb())
    anna = rules.member_for(Actor("echo", "echo-anna"))
    assert anna is not None and anna.name == "Anna Berg"
    assert member_identity(anna.as_dict(), "echo") == "echo-anna"
    assert rules.member_for(Actor("echo", "U0SJ0BYGG1")) is None  # another channel's id is not this one's
    # A malformed id on a registered channel is refused by that channel's own reader, on its line.
    path.write_text(text.replace("slack: U0SJ0BYGG1, telegram: 510000101, echo", "slack: anna, echo"), "utf-8")
    problems = check_routing_rules(path, kb=small_kb())
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(problems) == 2  # Anna is a member of one role and the deputy of another
    assert all("Slack user id" in p.message and "slack: anna" in lines[p.line - 1] for p in problems)


def test_the_old_member_keys_and_snapshots_still_read(tmp_path):
    text = RULES_FILE.read_text(encoding="utf-8").replace(
        "{name: Anna Berg, email: anna.berg@sjovik.example, identities: {slack: U0SJ0BYGG1, telegram: 510000101}}",
        "{name: Anna Berg, slack: U0SJ0BYGG1, telegram: 510000101, email: anna.berg@sjovik.example}")
    path = tmp_path / "routing_rules.yaml"
    path.write_text(text, encoding="utf-8")
    rules = load_routing_rules(path, kb=small_kb())
    assert rules.member_for(Actor("telegram", "510000101")).identities == {"slack": "U0SJ0BYGG1",
                                                                             "telegram": "510000101"}
    old_snapshot = {"name": "Anna Berg", "slack_id": "U0SJ0BYGG1", "telegram_id": 510000101, "email": None}
    assert member_identity(old_snapshot, "telegram") == "510000101"
    assert member_identity(old_snapshot, "echo") is None
    anna = rules.member_for(Actor("slack", "U0SJ0BYGG1"))
    assert anna.in_snapshots([old_snapshot]) and anna.in_snapshots([anna.as_dict()])  # a case's stored members
    assert not anna.in_snapshots([{**old_snapshot, "slack_id": "U0OTHER1", "telegram_id": 1}])

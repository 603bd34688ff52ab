"""Scripted dialogues with the real core on three channels: the console adapter, the real
python-telegram-bot Application against the fake Bot API, and the real slack-bolt App against
the fake Web API (both fakes on 127.0.0.1, port 0).

Each driver has the same small surface, so one script can be run on every channel:
`say(text) -> str` (everything Lotsen answered to that message, joined), `buttons() -> labels`
of the last reply, `press(label) -> str`, and `lotsen` (the real core, for navigator actions
and database checks).
"""

from __future__ import annotations

import io
import itertools
import json
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

import httpx
import pytest

from bot.app import build_lotsen
from bot.config import load_settings
from bot.core.clock import ManualClock
from bot.core.ports import Delivery
from tests.fakes.slack_api import FakeSlack, block_action, event_body, interaction_body, sign
from tests.fakes.telegram_api import FakeTelegram
from tests.knowledge_support import KNOWLEDGE, bundle

CHANNELS = ("console", "telegram", "slack")
SECRET = "dialogue-signing-secret"
TG_CHAT = 4242
SLACK_USER, SLACK_DM = "UENT42", "D0ENT42"


class NullDesk:
    """Navigators' desk that accepts everything (the desk itself is tested elsewhere)."""

    name = "null"

    def __init__(self):
        self.cards, self.posts = [], []

    def convene(self, card):
        self.cards.append(card)
        return Delivery(ok=True, ref=f"desk:{card.number}")

    def post(self, *, case_ref, text, mentions=None):
        self.posts.append(text)
        return Delivery(ok=True, ref=case_ref)

    def update(self, *, case_ref, card):
        self.cards.append(card)
        return Delivery(ok=True, ref=case_ref)


def make_lotsen(tmp_path, *, channels=None, clock=None):
    clock = clock or ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    desk = NullDesk()
    lotsen = build_lotsen(settings=load_settings(), database_url=f"sqlite:///{tmp_path / 'lotsen.db'}",
                          bundle=bundle(), channels=channels or {},
                          desks={"slack": desk, "telegram": desk, "console": desk}, clock=clock)
    lotsen.seed_meetings(KNOWLEDGE / "meetings.yaml")
    lotsen.desk = desk
    return lotsen


def _quiet(fake, texts, before, timeout=20.0, settle=0.35):
    """Wait until a text (not an empty file caption) came after the first `before`, then
    until nothing more came for `settle` seconds."""
    fake.wait_for(lambda f: any(texts()[before:]), timeout)
    count_now = lambda: len(texts())  # noqa: E731
    last, since = count_now(), time.monotonic()
    while time.monotonic() - since < settle:
        time.sleep(0.05)
        now = count_now()
        if now != last:
            last, since = now, time.monotonic()


class ConsoleDriver:
    name = "console"

    def __init__(self, tmp_path):
        from bot.adapters.console import ConsoleChannel, ConsoleSession

        self.out = io.StringIO()
        self.files = tmp_path / "files"  # where the terminal writes attachments (.ics)
        self.lotsen = make_lotsen(tmp_path, channels={"console": ConsoleChannel(self.out, files_dir=self.files)})
        self.session = ConsoleSession(self.lotsen, out=self.out, files_dir=self.files)
        self._seen = 0

    def _new(self) -> str:
        text = self.out.getvalue()[self._seen:]
        self._seen = len(self.out.getvalue())
        return text

    def say(self, text: str) -> str:
        self.session.step(text)
        self.lotsen.dispatch_outbox()
        return self._new()

    def buttons(self) -> list[str]:
        return [b.label for b in self.session.buttons]

    def press(self, label: str) -> str:
        return self.say(str(self.buttons().index(label) + 1))

    def outbox(self) -> str:
        """Messages sent to the person later (relayed replies, proposals)."""
        self.lotsen.dispatch_outbox()
        return self._new()

    def close(self):
        self.lotsen.close()


class _FakeBackedDriver:
    """What the Telegram and Slack drivers share: wait until the fake has been quiet, then
    return what was sent since the action."""

    fake = None

    def _texts(self) -> list[str]:
        raise NotImplementedError

    def _wait(self, action) -> str:
        before = len(self._texts())
        action()
        _quiet(self.fake, self._texts, before)
        return "\n".join(self._texts()[before:])


class TelegramDriver(_FakeBackedDriver):
    name = "telegram"

    def __init__(self, tmp_path):
        from bot.adapters.telegram.app import TelegramRunner, build_application
        from bot.adapters.telegram.ports import TelegramEntrepreneurChannel

        self.fake = FakeTelegram().start()
        self.runner = None
        try:
            application = build_application(token=self.fake.token, service=None, api_url=self.fake.api_url)
            runner = TelegramRunner(application, poll_timeout=1)
            self.lotsen = make_lotsen(tmp_path, channels={"telegram": TelegramEntrepreneurChannel(runner)})
            application.bot_data["lotsen"].service = self.lotsen
            runner.start()
            self.runner = runner
        except BaseException:
            self.fake.stop()
            raise

    def _texts(self) -> list[str]:
        return self.fake.sent_texts(TG_CHAT)

    def _sends(self):
        return [c for c in self.fake.calls_to("sendMessage") if int(c.params["chat_id"]) == TG_CHAT]

    def say(self, text: str) -> str:
        return self._wait(lambda: self.fake.message_update(chat_id=TG_CHAT, text=text))

    def _markup(self):
        sends = self._sends()
        markup = sends[-1].params.get("reply_markup") if sends else None
        return markup if isinstance(markup, dict) else (json.loads(markup) if markup else None)

    def buttons(self) -> list[str]:
        markup = self._markup()
        return [row[0]["text"] for row in markup["inline_keyboard"]] if markup else []

    def press(self, label: str) -> str:
        markup = self._markup()
        data = next(row[0]["callback_data"] for row in markup["inline_keyboard"] if row[0]["text"] == label)
        message = {"message_id": 77, "date": 0, "chat": self.fake.chat(TG_CHAT), "text": "…",
                   "reply_markup": markup}
        return self._wait(lambda: self.fake.callback_update(message=message, user_id=TG_CHAT, data=data))

    def press_data(self, data: str) -> None:
        message = {"message_id": 78, "date": 0, "chat": self.fake.chat(TG_CHAT), "text": "…"}
        self.fake.callback_update(message=message, user_id=TG_CHAT, data=data)

    def outbox(self) -> str:
        before = len(self._texts())
        sent = self.lotsen.dispatch_outbox()
        if sent:
            _quiet(self.fake, self._texts, before)
        return "\n".join(self._texts()[before:])

    def close(self):
        try:
            if self.runner is not None:
                self.runner.stop()
        finally:
            self.fake.stop()
            self.lotsen.close()


class SlackDriver(_FakeBackedDriver):
    name = "slack"

    def __init__(self, tmp_path):
        from bot.adapters.http import HttpServer
        from bot.adapters.slack.app import SlackListeners, build_slack_app
        from bot.adapters.slack.client import make_web_client
        from bot.adapters.slack.http import SlackHttpRoute
        from bot.adapters.slack.ports import SlackEntrepreneurChannel

        self.fake = FakeSlack().start()
        client = make_web_client(token=self.fake.token, base_url=self.fake.api_url)
        self.listeners = listeners = SlackListeners(None, client)
        self.lotsen = make_lotsen(tmp_path, channels={"slack": SlackEntrepreneurChannel(client, keys=listeners.keys)})
        listeners.service = self.lotsen
        listeners.meetings.service = self.lotsen
        app = build_slack_app(service=self.lotsen, client=client, signing_secret=SECRET, listeners=listeners)
        self.http = HttpServer(host="127.0.0.1", port=0)
        self.http.add_route("/slack/events", SlackHttpRoute(app))
        self.http.start()
        self._ids = itertools.count(1)

    def _post(self, body: bytes, content_type: str) -> httpx.Response:
        return httpx.post(f"{self.http.url}/slack/events", content=body, timeout=10,
                          headers={"Content-Type": content_type, **sign(SECRET, body)})

    def _messages(self):
        return [c for c in self.fake.calls_to("chat.postMessage") if c.params.get("channel") == SLACK_DM]

    def _texts(self) -> list[str]:
        """What the person saw, in order: messages in the DM, ephemeral answers to commands."""
        with self.fake.lock:
            calls = list(self.fake.calls)
        return [c.params.get("text", "") for c in calls
                if (c.method == "chat.postMessage" and c.params.get("channel") == SLACK_DM)
                or c.method in ("response", "chat.postEphemeral")]

    def say(self, text: str) -> str:
        event = {"type": "message", "channel": SLACK_DM, "channel_type": "im", "user": SLACK_USER, "text": text,
                 "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}"}
        body = event_body(event, event_id=f"EvD{next(self._ids)}")
        return self._wait(lambda: self._post(body, "application/json"))

    def command(self, command: str, text: str = "") -> str:
        body = urlencode({"command": command, "text": text, "user_id": SLACK_USER, "channel_id": SLACK_DM,
                          "team_id": "T1", "response_url": f"http://127.0.0.1:{self.fake.port}/hooks/response",
                          "trigger_id": "t"}).encode()
        return self._wait(lambda: self._post(body, "application/x-www-form-urlencoded"))

    def _buttons(self) -> list[dict]:
        messages = self._messages()
        if not messages:
            return []
        blocks = messages[-1].params.get("blocks")
        blocks = json.loads(blocks) if isinstance(blocks, str) else (blocks or [])
        return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]

    def buttons(self) -> list[str]:
        return [b["text"]["text"] for b in self._buttons()]

    def press(self, label: str) -> str:
        button = next(b for b in self._buttons() if b["text"]["text"] == label)
        return self.press_value(button["action_id"], button["value"], label)

    def press_value(self, action_id: str, value: str, label: str = "?") -> str:
        payload = block_action(user=SLACK_USER, action_id=action_id, value=value, channel=SLACK_DM)
        payload["actions"][0]["text"] = {"type": "plain_text", "text": label}
        return self._wait(lambda: self._post(interaction_body(payload), "application/x-www-form-urlencoded"))

    def outbox(self) -> str:
        before = len(self._texts())
        if self.lotsen.dispatch_outbox():
            _quiet(self.fake, self._texts, before)
        return "\n".join(self._texts()[before:])

    def close(self):
        try:
            self.http.stop()
        finally:
            self.fake.stop()
            self.lotsen.close()


DRIVERS = {"console": ConsoleDriver, "telegram": TelegramDriver, "slack": SlackDriver}


@pytest.fixture(params=CHANNELS)
def driver(request, tmp_path):
    """The same dialogue through each channel: the console, Telegram and Slack."""
    made = DRIVERS[request.param](tmp_path)
    yield made
    made.close()


def user_of(driver) -> tuple[str, str]:
    """(channel, user id) of the person the driver speaks for."""
    return {"console": ("console", "terminal"), "telegram": ("telegram", str(TG_CHAT)),
            "slack": ("slack", SLACK_USER)}[driver.name]

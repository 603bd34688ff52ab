"""Two replicas of Lotsen on one database act as one towards Slack: a retried event that
reaches the other replica is handled once, and a refused form's "open again" button works on
whichever replica the press reaches. Socket Mode, with slack_sdk's own client and the real
slack-bolt App, against a loopback fake of Slack's WebSocket server (tests/fakes/slack_socket.py)
and the fake Web API; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

import pytest

from bot.adapters.slack.app import SlackListeners, build_slack_app
from bot.adapters.slack.client import make_web_client
from bot.adapters.slack.socket import SlackSocket
from bot.app import build_lotsen
from bot.config import load_settings
from bot.core.clock import ManualClock
from tests.fakes.slack_api import FakeSlack, block_action, event_body, view_submission
from tests.fakes.slack_socket import FakeSocketMode
from tests.knowledge_support import bundle

ANNA = "U0SJ0BYGG1"  # a navigator in routing_rules.yaml
FORM = {"title_sv": "Frukostmöte om upphandling", "start": "2026-12-03 08:00", "end": "2026-12-03 07:00",
        "place": "Stadshuset", "capacity": "40", "tags": "upphandling"}  # ends before it starts


class Replica:
    """One `lotsen serve` process's Slack side: its own core, database pool and Socket Mode
    connection; what it shares with the others is what the core shares (the database)."""

    def __init__(self, db_url: str, fake: FakeSlack) -> None:
        clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
        self.lotsen = build_lotsen(settings=load_settings(), database_url=db_url, bundle=bundle(), clock=clock)
        client = make_web_client(token=fake.token, base_url=fake.api_url)
        self.listeners = SlackListeners(self.lotsen, client)
        self.listeners.share(self.lotsen.shared_stores("slack"))  # as `lotsen serve` does
        self.app = build_slack_app(service=self.lotsen, client=client, signing_secret="unused-in-socket-mode",
                                   listeners=self.listeners)
        self.socket = SlackSocket(self.app, fake.app_token)

    def settle(self) -> None:
        """Let the work handed over after the acknowledgements finish."""
        self.listeners.pool.shutdown(wait=True)

    def close(self) -> None:
        self.socket.stop()
        self.lotsen.close()


@pytest.fixture
def slack(db_url):
    with FakeSocketMode() as socket, FakeSlack(socket=socket) as fake:
        replicas = [Replica(db_url, fake), Replica(db_url, fake)]
        try:
            for number, replica in enumerate(replicas, start=1):
                replica.socket.start()
                socket.wait_connections(number)  # connection i is replica i
            assert all(replica.socket.connected for replica in replicas)
            yield socket, fake, replicas
        finally:  # each Socket Mode client takes a moment to stop: both at once
            closing = [threading.Thread(target=replica.close) for replica in replicas]
            for thread in closing:
                thread.start()
            for thread in closing:
                thread.join(30)


def dm(text: str, event_id: str) -> dict:
    event = {"type": "message", "channel": "D42", "channel_type": "im", "user": "UENT", "text": text,
             "ts": "1.000001", "event_ts": "1.000001"}
    return json.loads(event_body(event, event_id=event_id))


def test_two_replicas_act_as_one(slack):
    socket, fake, (first, second) = slack
    # 1. An event handled by the first replica; Slack did not get the acknowledgement in time and
    #    retries, and the load balancer hands the retry to the second: it is not handled again.
    socket.wait_ack(socket.deliver(0, payload=dm("Behöver jag bygglov för ett skärmtak?", "Ev1")))
    retried = socket.deliver(1, payload=dm("Behöver jag bygglov för ett skärmtak?", "Ev1"),
                             retry_attempt=1, retry_reason="timeout")
    socket.wait_ack(retried)
    socket.wait_ack(socket.deliver(1, payload=dm("Behöver jag bygglov för en altan?", "Ev2")))

    # 2. A meeting form refused on the first replica; its "open again" button pressed on the second.
    command = {"command": "/lotsen-mote", "text": "", "user_id": ANNA, "channel_id": "CNAV", "team_id": "T1",
               "trigger_id": "trig-1", "response_url": f"http://127.0.0.1:{fake.port}/hooks/response"}
    socket.wait_ack(socket.deliver(0, kind="slash_commands", payload=command))
    [opened] = fake.wait_calls("views.open")
    view = as_obj(opened.params["view"])
    values = {block["block_id"]: {"value": {"type": "plain_text_input", "value": FORM.get(block["block_id"])}}
              for block in view["blocks"] if block["type"] == "input"}
    submission = view_submission(user=ANNA, callback_id=view["callback_id"],
                                 private_metadata=view["private_metadata"], values=values)
    socket.wait_ack(socket.deliver(0, kind="interactive", payload=submission))
    [refused] = fake.wait_calls("chat.postEphemeral")
    button = as_obj(refused.params["blocks"])[-1]["elements"][0]
    press = block_action(user=ANNA, action_id=button["action_id"], value=button["value"], channel="CNAV",
                         trigger_id="trig-again")
    socket.wait_ack(socket.deliver(1, kind="interactive", payload=press))
    again = fake.wait_calls("views.open", 2)[1]
    assert again.params["trigger_id"] == "trig-again"
    typed = {b["block_id"]: b["element"].get("initial_value") for b in as_obj(again.params["view"])["blocks"]
             if b["type"] == "input"}
    assert typed["end"] == "2026-12-03 07:00" and typed["title_sv"] == FORM["title_sv"]
    # The draft is taken once: a second press (on either replica) finds it gone.
    socket.wait_ack(socket.deliver(0, kind="interactive", payload={**press, "trigger_id": "trig-3"}))

    first.settle()
    second.settle()
    answers = [call.params["text"] for call in fake.calls_to("chat.postMessage")]
    assert len(answers) == 2, answers  # Ev1 once (by the first replica), Ev2 once
    with first.lotsen.db.session() as session:
        from sqlmodel import select

        from bot.conversation.models import Message

        asked = [m.text for m in session.exec(select(Message).where(Message.direction == "in"))]
    assert sorted(asked) == ["Behöver jag bygglov för en altan?", "Behöver jag bygglov för ett skärmtak?"]
    assert len(fake.calls_to("views.open")) == 2
    assert "finns inte längre" in fake.calls_to("chat.postEphemeral")[-1].params["text"]


def as_obj(value):
    return value if isinstance(value, (dict, list)) else json.loads(value)

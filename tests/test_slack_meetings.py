"""Meetings from Slack (`/lotsen-mote` and its modal): the real slack-bolt App and the real core
(build_lotsen on SQLite, the bundled knowledge and routing_rules.yaml) against the fake Slack
Web API server."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urlencode

import httpx
import pytest

from bot.adapters.http import HttpServer
from bot.adapters.slack.app import build_slack_app
from bot.adapters.slack.client import make_web_client
from bot.adapters.slack.http import SlackHttpRoute
from bot.app import build_lotsen
from bot.config import load_settings
from bot.core.actions import Actor
from bot.core.clock import ManualClock
from tests.fakes.slack_api import FakeSlack, block_action, event_body, interaction_body, sign, view_submission
from tests.knowledge_support import KNOWLEDGE, ROUTING

SECRET = "signing-secret-for-tests"
ANNA = "U0SJ0BYGG1"  # Anna Berg, a navigator in routing_rules.yaml
STRANGER = "USTRANGER"
FORM = {"title_sv": "Frukostmöte om upphandling", "start": "2026-12-03 08:00", "end": "2026-12-03 09:00",
        "place": "Stadshuset", "capacity": "40", "tags": "upphandling"}


@pytest.fixture
def world(tmp_path):
    lotsen = build_lotsen(settings=load_settings(), database_url=f"sqlite:///{tmp_path / 'lotsen.db'}",
                          knowledge_dir=KNOWLEDGE, routing_file=ROUTING,
                          clock=ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)))
    with FakeSlack() as fake:
        client = make_web_client(token=fake.token, base_url=fake.api_url)
        app = build_slack_app(service=lotsen, client=client, signing_secret=SECRET)
        http = HttpServer(host="127.0.0.1", port=0)
        http.add_route("/slack/events", SlackHttpRoute(app))
        http.start()
        try:
            yield lotsen, fake, http
        finally:
            http.stop()
            lotsen.close()


def post(http, body: bytes, content_type: str) -> httpx.Response:
    response = httpx.post(f"{http.url}/slack/events", content=body, timeout=10,
                          headers={"Content-Type": content_type, **sign(SECRET, body)})
    assert response.status_code == 200
    return response


def command(fake, http, user: str, text: str = "") -> None:
    body = urlencode({"command": "/lotsen-mote", "text": text, "user_id": user, "channel_id": "CNAV",
                      "team_id": "T1", "trigger_id": f"trig-{user}",
                      "response_url": f"http://127.0.0.1:{fake.port}/hooks/response"}).encode()
    post(http, body, "application/x-www-form-urlencoded")


def responses(fake, count: int = 1) -> list[dict]:
    calls = fake.wait_for(lambda f: (lambda cs: cs if len(cs) >= count else None)(
        [c for c in f.calls if c.method == "response"]))
    return [c.params for c in calls]


def opened_view(fake, count: int = 1) -> dict:
    view = fake.wait_calls("views.open", count)[count - 1].params["view"]
    return view if isinstance(view, dict) else json.loads(view)


def submit(http, user: str, view: dict, form: dict[str, str]) -> None:
    values = {block["block_id"]: {"value": {"type": "plain_text_input", "value": form.get(block["block_id"]) or None}}
              for block in view["blocks"] if block["type"] == "input"}
    payload = view_submission(user=user, callback_id=view["callback_id"], private_metadata=view["private_metadata"],
                              values=values)
    post(http, interaction_body(payload), "application/x-www-form-urlencoded")


def ephemerals(fake, count: int = 1) -> list[dict]:
    return [c.params for c in fake.wait_calls("chat.postEphemeral", count)]


def test_navigator_creates_a_meeting_through_the_modal_and_entrepreneurs_see_it(world):
    lotsen, fake, http = world
    command(fake, http, ANNA)
    view = opened_view(fake)
    assert view["callback_id"] == "lotsen_meeting_form"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs)[:5] == ["title_sv", "title_en", "kind", "start", "end"]
    assert all(b["element"]["type"] == "plain_text_input" for b in inputs.values())
    assert inputs["description_sv"]["element"]["multiline"] is True and inputs["start"]["element"]["multiline"] is False
    assert inputs["title_sv"]["optional"] is False and inputs["place"]["optional"] is True
    assert inputs["title_sv"]["label"]["text"] == "Titel (svenska) / Title (Swedish)"  # for every navigator
    assert len(view["title"]["text"]) <= 24 and view["submit"]["text"] == "Spara / Save"

    submit(http, ANNA, view, FORM)
    [done] = ephemerals(fake)
    assert done["user"] == ANNA and done["channel"] == "CNAV"
    assert done["text"].startswith("Mötet är skapat: #1 Frukostmöte om upphandling")
    assert lotsen.meeting_form(actor=Actor('slack', ANNA), meeting_id=1)["place"] == "Stadshuset"

    dm = {"type": "message", "channel": "D42", "channel_type": "im", "user": "UENT", "text": "vilka möten finns?",
          "ts": "1.000001", "event_ts": "1.000001"}
    post(http, event_body(dm, event_id="Ev1"), "application/json")
    [listing] = fake.wait_calls("chat.postMessage")
    assert listing.params["channel"] == "D42" and "Frukostmöte om upphandling" in listing.params["text"]


def test_a_stranger_gets_no_form_and_cannot_submit_one(world):
    lotsen, fake, http = world
    command(fake, http, STRANGER)
    [answer] = responses(fake)
    assert answer["response_type"] == "ephemeral" and "not listed as a navigator" in answer["text"]
    # A forged submission (no modal was ever opened for them) is refused by the core.
    command(fake, http, ANNA)
    submit(http, STRANGER, opened_view(fake), FORM)
    [refused] = ephemerals(fake)
    assert refused["user"] == STRANGER and "behörighet" in refused["text"]
    assert len(fake.calls_to("views.open")) == 1 and lotsen.meeting_form(actor=Actor('slack', ANNA), meeting_id=1) is None


def test_end_before_start_is_a_clear_error_and_the_typed_form_comes_back(world):
    lotsen, fake, http = world
    command(fake, http, ANNA)
    view = opened_view(fake)
    submit(http, ANNA, view, {**FORM, "end": "2026-12-03 07:00"})
    [refused] = ephemerals(fake)
    assert "Mötet måste sluta efter att det börjar." in refused["text"]
    assert lotsen.meeting_form(actor=Actor('slack', ANNA), meeting_id=1) is None
    blocks = refused["blocks"] if isinstance(refused["blocks"], list) else json.loads(refused["blocks"])
    button = blocks[-1]["elements"][0]
    # The button opens the form again as typed, with the reason on top.
    post(http, interaction_body(block_action(user=ANNA, action_id=button["action_id"], value=button["value"],
                                             channel="CNAV", trigger_id="trig-again")),
         "application/x-www-form-urlencoded")
    again = opened_view(fake, 2)
    assert fake.calls_to("views.open")[1].params["trigger_id"] == "trig-again"
    assert "Mötet måste sluta" in again["blocks"][0]["text"]["text"]
    typed = {b["block_id"]: b["element"].get("initial_value") for b in again["blocks"] if b["type"] == "input"}
    assert typed["end"] == "2026-12-03 07:00" and typed["title_sv"] == FORM["title_sv"]


def test_edit_prefills_and_cancel_cancels(world):
    lotsen, fake, http = world
    command(fake, http, ANNA)
    submit(http, ANNA, opened_view(fake), FORM)
    ephemerals(fake)
    command(fake, http, ANNA, "andra 1")
    view = opened_view(fake, 2)
    prefilled = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert prefilled["start"] == "2026-12-03 08:00" and prefilled["place"] == "Stadshuset"
    submit(http, ANNA, view, {**prefilled, "place": "Biblioteket"})
    [_, changed] = ephemerals(fake, 2)
    assert changed["text"].startswith("Mötet är ändrat: #1")
    assert lotsen.meeting_form(actor=Actor('slack', ANNA), meeting_id=1)["place"] == "Biblioteket"

    command(fake, http, ANNA, "stall_in 1 För få anmälda")
    [answer] = responses(fake)
    assert answer["response_type"] == "ephemeral" and answer["text"].startswith("Mötet är inställt: #1")
    command(fake, http, ANNA, "andra 99")
    assert "#99" in responses(fake, 2)[1]["text"]

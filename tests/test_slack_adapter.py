"""The real slack-bolt App (HTTP mode, behind our HTTP server) and slack_sdk's WebClient against
the fake Slack Web API server."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from bot.adapters.http import HttpServer
from bot.adapters.slack.app import build_slack_app
from bot.adapters.slack.client import make_web_client
from bot.adapters.slack.http import SlackHttpRoute
from bot.adapters.slack.ports import SlackNavigatorDesk
from tests.fakes.service import FakeLotsen, card
from tests.fakes.slack_api import FakeSlack, block_action, event_body, interaction_body, sign, view_submission

SECRET = "signing-secret-for-tests"


@pytest.fixture
def fake_slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(fake_slack):
    return make_web_client(token=fake_slack.token, base_url=fake_slack.api_url)


@pytest.fixture
def service():
    return FakeLotsen()


@pytest.fixture
def server(client, service):
    app = build_slack_app(service=service, client=client, signing_secret=SECRET)
    http = HttpServer(host="127.0.0.1", port=0)
    http.add_route("/slack/events", SlackHttpRoute(app))
    http.start()
    yield http
    http.stop()


def post(server, body: bytes, *, content_type="application/json", headers=None, secret=SECRET, timestamp=None):
    signed = sign(secret, body, timestamp)
    return httpx.post(f"{server.url}/slack/events", content=body,
                      headers={"Content-Type": content_type, **signed, **(headers or {})}, timeout=10)


def post_interaction(server, payload: dict):
    return post(server, interaction_body(payload), content_type="application/x-www-form-urlencoded")


def dm_event(text: str) -> dict:
    return {"type": "message", "channel": "D42", "channel_type": "im", "user": "UENT", "text": text,
            "ts": "1.000001", "event_ts": "1.000001"}


def test_direct_message_answered_with_escaped_text(fake_slack, server, service):
    response = post(server, event_body(dm_event("Kan jag <!channel> få bygglov?"), event_id="Ev1"))
    assert response.status_code == 200
    [call] = fake_slack.wait_calls("chat.postMessage")
    assert call.params["channel"] == "D42"
    assert "<!channel>" not in call.params["text"] and "&lt;!channel&gt;" in call.params["text"]
    section = json.loads(call.params["blocks"]) if isinstance(call.params["blocks"], str) else call.params["blocks"]
    assert section[0]["text"] == {"type": "plain_text", "text": "Svar på: Kan jag <!channel> få bygglov?",
                                  "emoji": False}
    assert service.incoming[0].user_id == "UENT"


def test_entrepreneur_buttons_are_signed_for_their_chat(fake_slack, server, service):
    post(server, event_body(dm_event("servering"), event_id="Ev7"))
    [call] = fake_slack.wait_calls("chat.postMessage")
    blocks = json.loads(call.params["blocks"]) if isinstance(call.params["blocks"], str) else call.params["blocks"]
    buttons = blocks[-1]["elements"]
    values = [b["value"] for b in buttons]
    assert all(v.startswith("c:topic:") for v in values)

    def press(index, channel="D42", value=None):
        action = block_action(user="UENT", action_id=f"lotsen_choice_{index}", value=value or values[index],
                              channel=channel)
        action["actions"][0]["text"] = buttons[index]["text"]
        post_interaction(server, action)

    press(1, channel="D99")  # another chat: refused
    press(0, value=values[0].replace("alcohol", "terrace"))  # another key with a copied signature: refused
    press(1)
    fake_slack.wait_for(lambda f: len(f.calls_to("chat.postMessage")) >= 2)
    chosen = [i for i in service.incoming if i.choice]
    assert [(i.choice, i.text) for i in chosen] == [("topic:terrace", "Uteservering")]


def test_forged_and_stale_signatures_rejected(fake_slack, server, service):
    body = event_body(dm_event("hej"), event_id="Ev2")
    assert post(server, body, secret="not-the-secret").status_code == 401
    assert post(server, body, timestamp=int(time.time()) - 6 * 60).status_code == 401
    tampered = body.replace(b"hej", b"hej!")
    signed = sign(SECRET, body)
    assert httpx.post(f"{server.url}/slack/events", content=tampered,
                      headers={"Content-Type": "application/json", **signed}).status_code == 401
    time.sleep(0.3)
    assert service.incoming == [] and fake_slack.calls_to("chat.postMessage") == []
    assert post(server, body, timestamp=int(time.time()) - 4 * 60).status_code == 200  # within 5 minutes


def test_event_retried_three_times_handled_once(fake_slack, server, service):
    body = event_body(dm_event("en fråga"), event_id="Ev3")
    assert post(server, body).status_code == 200
    for retry in (1, 2, 3):
        response = post(server, body, headers={"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        assert response.status_code == 200
    # A retry of an event we never received is handled: retries are not dropped wholesale.
    other = event_body(dm_event("en annan fråga"), event_id="Ev4")
    assert post(server, other, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200
    fake_slack.wait_calls("chat.postMessage", 2)
    time.sleep(0.5)
    assert [i.text for i in service.incoming] == ["en fråga", "en annan fråga"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_unauthorized_button_press_refused_ephemerally(fake_slack, server, service):
    response = post_interaction(server, block_action(user="USTRANGER", action_id="lotsen_claim", value="2026-0001"))
    assert response.status_code == 200
    [ephemeral] = fake_slack.wait_calls("chat.postEphemeral")
    assert ephemeral.params["user"] == "USTRANGER" and "inte lots" in ephemeral.params["text"]
    assert fake_slack.calls_to("chat.update") == []
    assert service.actions[0].actor.user_id == "USTRANGER"  # the core decided, not the adapter


def test_claim_by_navigator_updates_the_card(fake_slack, server, service):
    post_interaction(server, block_action(user="UNAV", action_id="lotsen_claim", value="2026-0001",
                                          channel="C9", ts="5.000100"))
    [update] = fake_slack.wait_calls("chat.update")
    assert (update.params["channel"], update.params["ts"]) == ("C9", "5.000100")
    blocks = update.params["blocks"] if isinstance(update.params["blocks"], list) else json.loads(update.params["blocks"])
    assert any(b["type"] == "section" and b.get("fields") and "claimed" in json.dumps(b) for b in blocks)
    assert fake_slack.calls_to("chat.postEphemeral") == []


def test_forged_button_value_never_reaches_the_core(fake_slack, server, service):
    post_interaction(server, block_action(user="UNAV", action_id="lotsen_claim", value="x; DROP TABLE"))
    fake_slack.wait_calls("chat.postEphemeral")
    assert service.actions == []


def test_reply_modal_then_submission_relayed_through_the_core(fake_slack, server, service):
    post_interaction(server, block_action(user="UNAV", action_id="lotsen_reply", value="2026-0001",
                                          channel="C9", ts="5.000100"))
    [opened] = fake_slack.wait_calls("views.open")
    view = opened.params["view"] if isinstance(opened.params["view"], dict) else json.loads(opened.params["view"])
    assert view["callback_id"] == "lotsen_reply_modal" and opened.params["trigger_id"] == "trig-1"
    submission = view_submission(user="UNAV", callback_id="lotsen_reply_modal", private_metadata=view["private_metadata"],
                                 values={"reply": {"text": {"type": "plain_text_input", "value": "Välkommen in på tisdag!"}}})
    assert post_interaction(server, submission).status_code == 200
    fake_slack.wait_calls("chat.update")
    [action] = service.actions
    assert (action.verb, action.case_number, action.text) == ("reply", "2026-0001", "Välkommen in på tisdag!")


def test_close_modal_passes_the_outcome(fake_slack, server, service):
    submission = view_submission(
        user="UNAV", callback_id="lotsen_close_modal",
        private_metadata=json.dumps({"case": "2026-0001", "channel": "C9", "ts": "5.1"}),
        values={"outcome": {"value": {"type": "static_select", "selected_option": {"value": "referred"}}},
                "note": {"text": {"type": "plain_text_input", "value": None}}})
    post_interaction(server, submission)
    fake_slack.wait_calls("chat.update")
    assert (service.actions[0].verb, service.actions[0].outcome) == ("close", "referred")


def test_channel_per_case_convene_invites_members(fake_slack, client):
    desk = SlackNavigatorDesk(client)
    evil = card(words="<!channel> <!here> <@U999> *fet* _kursiv_ @here https://x.invalid|klicka")
    delivery = desk.convene(evil)
    [created] = fake_slack.calls_to("conversations.create")
    [invited] = fake_slack.calls_to("conversations.invite")
    [posted] = fake_slack.calls_to("chat.postMessage")
    assert created.params["name"] == "lots-2026-0001"
    assert invited.params["users"] == "UNAV" and invited.params["channel"] == posted.params["channel"]
    assert delivery.ref.startswith(posted.params["channel"] + ":")
    blocks = posted.params["blocks"] if isinstance(posted.params["blocks"], list) else json.loads(posted.params["blocks"])
    mrkdwn = [e["text"] for b in blocks for e in ([b["text"]] if "text" in b else []) + b.get("elements", [])
              if isinstance(e, dict) and e.get("type") == "mrkdwn"]
    assert mrkdwn == ["Kallade: <@UNAV>"]  # the only markup that can ping anyone is ours
    assert any(b.get("text", {}).get("type") == "plain_text" and "<!channel>" in b["text"]["text"] for b in blocks)
    # A retried convene (the channel already exists) reuses the channel.
    delivery2 = desk.convene(evil)
    assert delivery2.ref.split(":")[0] == delivery.ref.split(":")[0]


def test_thread_mode_posts_in_one_channel_and_threads_relays(fake_slack, client):
    desk = SlackNavigatorDesk(client, navigator_channel="CNAV")
    delivery = desk.convene(card())
    channel, ts = delivery.ref.split(":")
    assert channel == "CNAV" and fake_slack.calls_to("conversations.create") == []
    desk.post(case_ref=delivery.ref, text="Företagaren skriver: <@U1> @channel *hej*", mentions=[{"slack_id": "UNAV"}])
    relay = fake_slack.calls_to("chat.postMessage")[-1]
    assert relay.params["thread_ts"] == ts
    assert relay.params["text"].startswith("<@UNAV> ") and "<@U1>" not in relay.params["text"]
    assert "@channel" not in relay.params["text"]


def test_slack_429_retry_after_honoured(fake_slack, client):
    fake_slack.fail_next("chat.postMessage", retry_after=1)
    desk = SlackNavigatorDesk(client, navigator_channel="CNAV")
    assert desk.convene(card()).ok
    attempts = fake_slack.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0


def test_slash_command_glom_mig_erases_and_answers_only_the_person(fake_slack, server, service):
    from urllib.parse import urlencode

    body = urlencode({"command": "/glom_mig", "text": "", "user_id": "UENT", "channel_id": "D42", "team_id": "T1",
                      "response_url": f"http://127.0.0.1:{fake_slack.port}/hooks/response", "trigger_id": "t"}).encode()
    response = post(server, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    [answer] = fake_slack.wait_for(lambda f: [c for c in f.calls if c.method == "response"])
    assert answer.params["response_type"] == "ephemeral" and "pseudonymiserat" in answer.params["text"]
    assert service.calls == [("erase", {"channel": "slack", "user_id": "UENT"})]


def test_a_stranger_gets_no_form_to_fill_in(fake_slack, server, service):
    post_interaction(server, block_action(user="USTRANGER", action_id="lotsen_reply", value="2026-0001"))
    [ephemeral] = fake_slack.wait_calls("chat.postEphemeral")
    assert ephemeral.params["user"] == "USTRANGER"
    assert fake_slack.calls_to("views.open") == [] and service.actions == []


def test_add_button_opens_a_form_whose_text_goes_to_the_core_as_add(fake_slack, server, service):
    post_interaction(server, block_action(user="UNAV", action_id="lotsen_add", value="2026-0001",
                                          channel="C9", ts="5.000100"))
    [opened] = fake_slack.wait_calls("views.open")
    view = opened.params["view"] if isinstance(opened.params["view"], dict) else json.loads(opened.params["view"])
    assert view["callback_id"] == "lotsen_add_modal"
    assert view["blocks"][0]["label"]["text"] == "Roll eller lotsens e-postadress"
    submission = view_submission(user="UNAV", callback_id="lotsen_add_modal", private_metadata=view["private_metadata"],
                                 values={"add": {"text": {"type": "plain_text_input", "value": "livsmedel"}}})
    assert post_interaction(server, submission).status_code == 200
    fake_slack.wait_calls("chat.update")
    [action] = service.actions
    assert (action.verb, action.case_number, action.text) == ("add", "2026-0001", "livsmedel")

"""End to end with the real core (bot.app.build_lotsen on SQLite, the bundled knowledge and
routing_rules.yaml), the real python-telegram-bot and slack-bolt, `lotsen serve`'s assembly and
scheduler, against the fake Telegram Bot API and Slack Web API servers."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from bot.cli.serve import _build_service
from bot.config import load_settings
from bot.adapters.slack.plugin import SLACK_EVENTS_PATH
from bot.serve import LotsenServer
from tests.fakes.slack_api import FakeSlack, block_action, interaction_body, sign, view_submission
from tests.fakes.telegram_api import FakeTelegram

SECRET = "e2e-signing-secret"
JOHAN = "U0SJ0ALKO1"  # Johan Wik, alkohol, in routing_rules.yaml
ENTREPRENEUR = 4242


@pytest.fixture
def world(monkeypatch, tmp_path):
    with FakeTelegram() as tg, FakeSlack() as slack:
        monkeypatch.chdir(tmp_path)
        env = {"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.api_url, "SLACK_BOT_TOKEN": slack.token,
               "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url,
               "LOTSEN_DATABASE_URL": f"sqlite:///{tmp_path / 'lotsen.db'}"}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        for name in ("SLACK_APP_TOKEN", "SLACK_NAVIGATOR_CHANNEL", "TELEGRAM_WEBHOOK_URL",
                     "TELEGRAM_NAVIGATOR_CHAT_ID", "LOTSEN_HTTP_PORT", "LOTSEN_KNOWLEDGE_DIR", "LOTSEN_ROUTING_FILE"):
            monkeypatch.delenv(name, raising=False)
        settings = load_settings()
        settings.http_port = 0
        server = LotsenServer(settings=settings, build_service=_build_service, http_host="127.0.0.1",
                              scheduler_interval=0.3)
        server.start()
        try:
            yield server, tg, slack
        finally:
            server.stop()


def say(tg, text, count):
    tg.message_update(chat_id=ENTREPRENEUR, text=text)
    return tg.wait_for(lambda f: (lambda t: t if len(t) >= count else None)(f.sent_texts(ENTREPRENEUR)), 20)


def press(server, payload):
    body = interaction_body(payload)
    return httpx.post(f"{server.http.url}{SLACK_EVENTS_PATH}", content=body, timeout=10,
                      headers={"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)})


def as_obj(value):
    return value if isinstance(value, (dict, list)) else json.loads(value)


def test_question_answered_end_to_end(world):
    server, tg, _ = world
    from bot.shared.stores import SharedSeenIds

    # Slack's event ids are remembered in the database, shared with any other replica.
    assert isinstance(server.plugin("slack").listeners.seen, SharedSeenIds)
    tg.message_update(chat_id=ENTREPRENEUR, text="Behöver jag bygglov för att sätta upp en skylt?")
    [answer] = tg.wait_for(lambda f: f.sent_texts(ENTREPRENEUR), 20)
    assert re.search(r"skylt|bygglov", answer, re.IGNORECASE)
    assert "Något gick fel" not in answer
    assert "parse_mode" not in tg.calls_to("sendMessage")[-1].params


def test_start_and_erasure_commands_reach_the_real_core(world):
    _, tg, _ = world
    greeting = say(tg, "/start", 1)[0]
    assert "Lotsen" in greeting
    erased = say(tg, "/glom_mig", 2)[1]
    assert erased and "Något gick fel" not in erased


def test_case_from_telegram_convened_in_slack_and_reply_relayed_back(world):
    server, tg, slack = world
    # The entrepreneur describes something that needs several authorities, consents, gives contact.
    offer = say(tg, "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal", 1)
    consent = tg.calls_to("sendMessage")[-1].params["reply_markup"]["inline_keyboard"]
    yes = consent[0][0]["callback_data"]
    assert yes.startswith("c:consent:yes:") and offer[0]
    message = {"message_id": 1, "date": 0, "chat": tg.chat(ENTREPRENEUR), "text": offer[0],
               "reply_markup": {"inline_keyboard": consent}}
    tg.callback_update(message=message, user_id=ENTREPRENEUR, data=yes)
    tg.wait_for(lambda f: len(f.sent_texts(ENTREPRENEUR)) >= 2, 20)  # "how can we reach you?"
    say(tg, "Anna Svensson, Pizzeria Roma, 070-123 45 67", 3)
    opened = tg.sent_texts(ENTREPRENEUR)[-1]
    number = re.search(r"L-\d{4}-\d+", opened).group(0)

    # The scheduler's outbox sweep convenes the case in Slack: its own channel, members invited.
    [created] = slack.wait_calls("conversations.create", timeout=20)
    assert created.params["name"] == f"lots-{number.lower()}"
    [invited] = slack.wait_calls("conversations.invite")
    assert JOHAN in invited.params["users"].split(",")
    card_post = slack.wait_for(lambda f: [c for c in f.calls_to("chat.postMessage") if c.params.get("blocks")
                                          and "lotsen_reply" in json.dumps(as_obj(c.params["blocks"]))], 20)[0]
    channel, ts = card_post.params["channel"], card_post.response["ts"]
    assert channel == invited.params["channel"]

    # A follow-up with mention injection reaches the case channel neutralised.
    say(tg, "<!channel> <@U0SJ0BYGG1> *Vi* vill öppna i mars", 4)
    relay = slack.wait_for(lambda f: [c for c in f.calls_to("chat.postMessage") if "mars" in c.params.get("text", "")], 20)[0]
    assert "<!channel>" not in relay.params["text"] and "&lt;!channel&gt;" in relay.params["text"]
    assert "<@U0SJ0BYGG1>" not in relay.params["text"]

    # Someone who is not a navigator presses claim: an ephemeral refusal, nothing changes.
    assert press(server, block_action(user="U0STRANGER", action_id="lotsen_claim", value=number,
                                      channel=channel, ts=ts)).status_code == 200
    [refusal] = slack.wait_calls("chat.postEphemeral", timeout=20)
    assert refusal.params["user"] == "U0STRANGER"

    # Johan replies through the modal; the core relays it to the Telegram chat.
    press(server, block_action(user=JOHAN, action_id="lotsen_reply", value=number, channel=channel, ts=ts))
    [opened_view] = slack.wait_calls("views.open", timeout=20)
    view = as_obj(opened_view.params["view"])
    submission = view_submission(user=JOHAN, callback_id=view["callback_id"], private_metadata=view["private_metadata"],
                                 values={"reply": {"text": {"type": "plain_text_input",
                                                            "value": "Hej Anna, jag ringer i morgon."}}})
    assert press(server, submission).status_code == 200
    tg.wait_for(lambda f: any("jag ringer i morgon" in t for t in f.sent_texts(ENTREPRENEUR)), 20)
    relayed = [c for c in tg.calls_to("sendMessage") if "jag ringer i morgon" in c.params["text"]]
    assert len(relayed) == 1 and "parse_mode" not in relayed[0].params


NAV_GROUP = -1001555
JOHAN_TG = 510000601  # Johan Wik's Telegram id in routing_rules.yaml


@pytest.fixture
def telegram_only(monkeypatch, tmp_path):
    """A small municipality: navigators in a Telegram group (routing desk: telegram), no Slack."""
    from bot.config import REPO_ROOT

    rules = (REPO_ROOT / "routing_rules.yaml").read_text(encoding="utf-8")
    routing = tmp_path / "routing_rules.yaml"
    routing.write_text(re.sub(r"(?m)^desk: slack$", "desk: telegram", rules), encoding="utf-8")
    with FakeTelegram() as tg:
        monkeypatch.chdir(tmp_path)
        env = {"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.api_url,
               "TELEGRAM_NAVIGATOR_CHAT_ID": str(NAV_GROUP), "LOTSEN_ROUTING_FILE": str(routing),
               "LOTSEN_DATABASE_URL": f"sqlite:///{tmp_path / 'lotsen.db'}"}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "TELEGRAM_WEBHOOK_URL",
                     "LOTSEN_HTTP_PORT", "LOTSEN_KNOWLEDGE_DIR"):
            monkeypatch.delenv(name, raising=False)
        settings = load_settings()
        settings.http_port = 0
        server = LotsenServer(settings=settings, build_service=_build_service, http_host="127.0.0.1",
                              scheduler_interval=0.3)
        server.start()
        try:
            yield server, tg
        finally:
            server.stop()


def test_navigators_in_a_telegram_group(telegram_only):
    server, tg = telegram_only
    offer = say(tg, "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal", 1)
    yes = tg.calls_to("sendMessage")[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    tg.callback_update(message={"message_id": 1, "date": 0, "chat": tg.chat(ENTREPRENEUR), "text": offer[0]},
                       user_id=ENTREPRENEUR, data=yes)
    tg.wait_for(lambda f: len(f.sent_texts(ENTREPRENEUR)) >= 2, 20)
    say(tg, "Anna Svensson, Pizzeria Roma, 070-123 45 67", 3)
    number = re.search(r"L-\d{4}-\d+", tg.sent_texts(ENTREPRENEUR)[-1]).group(0)

    card = tg.wait_for(lambda f: [c for c in f.calls_to("sendMessage") if int(c.params["chat_id"]) == NAV_GROUP
                                  and c.params.get("reply_markup")], 20)[0]
    assert card.params["parse_mode"] == "HTML" and f'tg://user?id={JOHAN_TG}' in card.params["text"]
    card_message = card.response["result"]

    # A stranger is refused with an alert only they see; Johan claims and the card is re-rendered.
    tg.callback_update(message=card_message, user_id=999, data=f"n:claim:{number}")
    refusal = tg.wait_for(lambda f: [c for c in f.calls_to("answerCallbackQuery") if c.params.get("show_alert")], 20)[0]
    assert refusal.params["text"]
    tg.callback_update(message=card_message, user_id=JOHAN_TG, data=f"n:claim:{number}")
    tg.wait_calls("editMessageText", timeout=20)

    # Johan answers through the reply prompt; the core relays it to the entrepreneur's chat.
    tg.callback_update(message=card_message, user_id=JOHAN_TG, data=f"n:reply:{number}")
    prompt = tg.wait_for(lambda f: [c for c in f.calls_to("sendMessage") if "force_reply" in json.dumps(c.params)], 20)[0]
    prompt_message = prompt.response["result"]
    tg.wait_for(lambda f: prompt_message["message_id"] in server.plugin("telegram").runner.context.prompts)
    tg.message_update(chat_id=NAV_GROUP, user_id=JOHAN_TG, text="Hej Anna, jag ringer i morgon.", reply_to=prompt_message)
    tg.wait_for(lambda f: any("jag ringer i morgon" in t for t in f.sent_texts(ENTREPRENEUR)), 20)

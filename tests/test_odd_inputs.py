"""No message a person can send goes unanswered or gets a traceback: the corpus of odd inputs
(tests/odd_inputs.py, over 250 messages plus made-up button keys) through the console, the real
python-telegram-bot against the fake Bot API, and the real slack-bolt against the fake Web API."""

from __future__ import annotations

import logging

import pytest

from bot.core.messages import Incoming
from tests.dialogue_support import ConsoleDriver, SlackDriver, TelegramDriver
from tests.odd_inputs import button_keys, corpus, telegram_sendable

BROKEN = ("Traceback", "Något gick fel", "något gick fel", "Something went wrong", "Exception")


@pytest.fixture(autouse=True)
def errors(caplog):
    caplog.set_level(logging.ERROR)
    yield caplog
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, [f"{r.name}: {r.getMessage()}" for r in failures[:5]]


def _sound(text: str) -> bool:
    return bool(text.strip()) and not any(word in text for word in BROKEN)


def test_every_odd_input_is_answered_in_the_terminal(tmp_path):
    driver = ConsoleDriver(tmp_path)
    try:
        messages = corpus()
        assert len(messages) >= 250
        for text in messages:
            printed = driver.say(text)
            assert _sound(printed), repr(text)
            assert "lotsen>" in printed or "desk (" in printed or "/lotse" in printed, (text, printed)
        for key in button_keys():  # a press the core never offered, through the service itself
            reply = driver.lotsen.handle(Incoming(channel="console", user_id="presser", text="?", choice=key))
            assert _sound(reply.text), key
    finally:
        driver.close()


def test_every_odd_input_is_answered_on_telegram(tmp_path):
    driver = TelegramDriver(tmp_path)
    fake = driver.fake
    try:
        messages = [t for t in corpus() if telegram_sendable(t)]
        assert len(messages) >= 250
        chats = {}
        for number, text in enumerate(messages):  # one chat each: every reply is attributable
            chat = 100_000 + number
            chats[chat] = text
            fake.message_update(chat_id=chat, text=text)
        keys = driver.runner.context.keys
        presses = {}
        for number, key in enumerate(button_keys()):
            chat = 200_000 + number
            signed = keys.issue(str(chat), key)
            for data in (signed, key[:64] or "x"):  # one our key signed for the chat, one junk
                update = fake.callback_update(message={"message_id": 1, "date": 0, "chat": fake.chat(chat),
                                                       "text": "…"}, user_id=chat, data=data)
                presses[update["callback_query"]["id"]] = (chat, key)

        def unanswered(f):
            texts = {}
            for call in f.calls_to("sendMessage") + f.calls_to("sendDocument"):
                chat = int(call.params["chat_id"])
                texts[chat] = texts.get(chat, "") + (call.params.get("text") or call.params.get("caption") or "")
            answered = {str(c.params["callback_query_id"]) for c in f.calls_to("answerCallbackQuery")}
            missing = [chats[c] for c in chats if not texts.get(c)] + [presses[q] for q in presses if q not in answered]
            return (missing, texts)

        try:
            fake.wait_for(lambda f: not unanswered(f)[0], 120)
        except AssertionError:
            pass
        missing, texts = unanswered(fake)
        assert not missing
        broken = [(chats.get(chat), text[:80]) for chat, text in texts.items() if not _sound(text)]
        assert not broken
    finally:
        driver.close()


def test_every_odd_input_is_answered_on_slack(tmp_path):
    import itertools
    import time

    from tests.fakes.slack_api import block_action, event_body, interaction_body

    driver = SlackDriver(tmp_path)
    fake = driver.fake
    try:
        messages = corpus()
        assert len(messages) >= 250
        channels = {}
        ids = itertools.count(1)
        for number, text in enumerate(messages):
            channel, user = f"D0ODD{number}", f"U0ODD{number}"
            channels[channel] = text
            event = {"type": "message", "channel": channel, "channel_type": "im", "user": user, "text": text,
                     "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}"}
            assert driver._post(event_body(event, event_id=f"EvOdd{next(ids)}"), "application/json").status_code == 200
        keys = driver.listeners.keys
        presses = {}
        for number, key in enumerate(button_keys()):
            channel, user = f"D0KEY{number}", f"U0KEY{number}"
            for value in (keys.issue(channel, key), key[:2000] or "x"):
                payload = block_action(user=user, action_id="lotsen_choice_0", value=value, channel=channel)
                payload["actions"][0]["text"] = {"type": "plain_text", "text": "?"}
                response = driver._post(interaction_body(payload), "application/x-www-form-urlencoded")
                assert response.status_code == 200
            presses[channel] = key

        def texts_by_channel(f):
            found = {}
            for call in f.calls_to("chat.postMessage") + f.calls_to("chat.postEphemeral"):
                channel = call.params.get("channel")
                found.setdefault(channel, []).append(call.params.get("text") or "")
            return found

        def missing(f):
            found = texts_by_channel(f)
            return [c for c in [*channels, *presses] if c not in found or
                    (c in presses and len(found[c]) < 2)]

        try:
            fake.wait_for(lambda f: not missing(f), 120)
        except AssertionError:
            pass
        assert not [(channels.get(c), presses.get(c)) for c in missing(fake)]
        found = texts_by_channel(fake)
        broken = [(channels.get(c) or presses.get(c), t[:80]) for c, ts in found.items() for t in ts if not _sound(t)]
        assert not broken
    finally:
        driver.close()


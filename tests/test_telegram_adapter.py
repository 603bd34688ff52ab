"""The real python-telegram-bot Application against the fake Bot API server."""

from __future__ import annotations

import time

import pytest

from bot.adapters.telegram.app import TelegramRunner, build_application
from bot.adapters.telegram.ratelimit import PacedRateLimiter
from bot.core.messages import Reply
from tests.fakes.service import FakeLotsen
from tests.fakes.telegram_api import FakeTelegram

NAV_CHAT = -100777


@pytest.fixture
def fake_tg():
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def service():
    return FakeLotsen()


@pytest.fixture
def runner(fake_tg, service):
    app = build_application(token=fake_tg.token, service=service, api_url=fake_tg.api_url,
                            navigator_chat_id=NAV_CHAT)
    runner = TelegramRunner(app, poll_timeout=1)
    runner.start()
    yield runner
    runner.stop()


def texts_to(fake, chat_id, count, timeout=10):
    fake.wait_for(lambda f: len(f.sent_texts(chat_id)) >= count, timeout)
    return fake.sent_texts(chat_id)


def test_question_answered_as_plain_text(fake_tg, runner, service):
    fake_tg.message_update(chat_id=42, text="Hur söker jag <b>bygglov</b>?")
    [text] = texts_to(fake_tg, 42, 1)
    assert text == "Svar på: Hur söker jag <b>bygglov</b>?"
    call = fake_tg.calls_to("sendMessage")[-1]
    assert "parse_mode" not in call.params  # user text is never interpreted
    [incoming] = service.incoming
    assert (incoming.channel, incoming.user_id, incoming.chat_id) == ("telegram", "42", "42")


def test_commands_reach_the_service(fake_tg, runner, service):
    for command in ("/start", "/mina_arenden", "/glom_mig", "/lots jag behöver hjälp"):
        fake_tg.message_update(chat_id=42, text=command)
    texts = texts_to(fake_tg, 42, 4)
    assert "Lotsen" in texts[0] and "inga öppna" in texts[1] and "pseudonymiserat" in texts[2]
    assert [name for name, _ in service.calls] == ["start", "my_cases", "erase", "request_navigator"]
    assert service.calls[3][1]["incoming"].text == "jag behöver hjälp"


def test_clarification_buttons_are_signed_for_their_chat(fake_tg, runner, service):
    fake_tg.message_update(chat_id=42, text="servering")
    fake_tg.wait_calls("sendMessage")
    markup = fake_tg.calls_to("sendMessage")[-1].params["reply_markup"]
    datas = [row[0]["callback_data"] for row in markup["inline_keyboard"]]
    assert all(d.startswith("c:topic:") and len(d.encode()) <= 64 for d in datas)
    message = {"message_id": 9, "date": 0, "chat": fake_tg.chat(42), "text": "?", "reply_markup": markup}
    fake_tg.callback_update(message=message, user_id=42, data=datas[1])
    texts = texts_to(fake_tg, 42, 2)
    assert texts[1] == "Du valde topic:terrace."
    pressed = [i for i in service.incoming if i.choice][0]
    assert pressed.text == markup["inline_keyboard"][1][0]["text"]  # the button's words, for the transcript
    # Data for another chat, another key with a copied signature, or made up: refused before the core.
    key, _, signature = datas[0][2:].rpartition(":")
    for chat, data in ((43, datas[0]), (42, f"c:topic:kiosk:{signature}"), (42, "c:topic:terrace:AAAA"),
                       (42, "e:forged"), (42, "c:åäö:ö")):
        fake_tg.callback_update(message={**message, "chat": fake_tg.chat(chat)}, user_id=chat, data=data)
    fake_tg.wait_for(lambda f: len([c for c in f.calls_to("answerCallbackQuery") if c.params.get("show_alert")]) == 5)
    assert [i.choice for i in service.incoming if i.choice] == ["topic:terrace"]


def test_a_button_still_works_after_a_restart(fake_tg, service):
    """The signing key comes from the bot token, so a new process accepts the old buttons."""
    first = TelegramRunner(build_application(token=fake_tg.token, service=service, api_url=fake_tg.api_url),
                           poll_timeout=1)
    first.start()
    try:
        fake_tg.message_update(chat_id=42, text="servering")
        fake_tg.wait_calls("sendMessage")
    finally:
        first.stop()
    markup = fake_tg.calls_to("sendMessage")[-1].params["reply_markup"]
    data = markup["inline_keyboard"][0][0]["callback_data"]
    second = TelegramRunner(build_application(token=fake_tg.token, service=service, api_url=fake_tg.api_url),
                            poll_timeout=1)
    second.start()
    try:
        message = {"message_id": 9, "date": 0, "chat": fake_tg.chat(42), "text": "?", "reply_markup": markup}
        fake_tg.callback_update(message=message, user_id=42, data=data)
        assert texts_to(fake_tg, 42, 2)[1] == "Du valde topic:alcohol."
    finally:
        second.stop()


def test_long_answer_split_on_boundaries(fake_tg, runner, service):
    paragraph = "Det här är en mening om tillstånd. " * 40
    long_text = "\n\n".join(paragraph.strip() for _ in range(8))[:10_000]
    service.answers["lång"] = Reply(action="answer", text=long_text)
    fake_tg.message_update(chat_id=42, text="lång")
    fake_tg.wait_for(lambda f: sum(len(t) for t in f.sent_texts(42)) >= len(long_text) - 50)
    parts = fake_tg.sent_texts(42)
    assert 3 <= len(parts) <= 4 and all(len(p) <= 4096 for p in parts)
    assert all(p.endswith(".") for p in parts[:-1])  # cut at sentence/paragraph ends, not mid-word
    assert " ".join(parts).split() == long_text.split()


def test_duplicate_update_id_handled_once(fake_tg, runner, service):
    fake_tg.message_update(chat_id=42, text="en gång", update_id=5000)
    fake_tg.message_update(chat_id=42, text="en gång", update_id=5000)
    fake_tg.message_update(chat_id=42, text="sedan", update_id=5001)
    texts_to(fake_tg, 42, 2)
    time.sleep(0.3)
    assert [i.text for i in service.incoming] == ["en gång", "sedan"]


def test_429_retry_after_honoured(fake_tg, runner, service):
    fake_tg.fail_next("sendMessage", retry_after=1)
    fake_tg.message_update(chat_id=42, text="hallå")
    texts_to(fake_tg, 42, 1)
    attempts = fake_tg.calls_to("sendMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0


def test_a_dropped_connection_does_not_lose_the_reply(fake_tg, runner, service):
    """The connection drops after the request was read, with no answer (a keep-alive connection
    the server closed, seen under load in CI): the reply is sent again and arrives."""
    fake_tg.cut_next("sendMessage")
    fake_tg.message_update(chat_id=42, text="hallå")
    assert texts_to(fake_tg, 42, 1) == ["Svar på: hallå"]
    time.sleep(0.3)
    assert len(fake_tg.sent_texts(42)) == 1


def test_per_chat_pacing_one_message_per_second():
    with FakeTelegram(enforce_limits=True) as fake:
        service = FakeLotsen()
        service.answers["lång"] = Reply(action="answer", text=("ord " * 1500).strip())  # 2 parts
        app = build_application(token=fake.token, service=service, api_url=fake.api_url,
                                rate_limiter=PacedRateLimiter(max_retries=0))
        runner = TelegramRunner(app, poll_timeout=1)
        runner.start()
        try:
            fake.message_update(chat_id=42, text="lång")
            fake.message_update(chat_id=42, text="hej")
            texts_to(fake, 42, 3)
        finally:
            runner.stop()
        sends = fake.calls_to("sendMessage")
        assert fake.violations == 0
        assert all(b.at - a.at >= 1.0 for a, b in zip(sends, sends[1:]))


def test_the_command_menu_comes_from_the_catalogs_in_each_language(fake_tg, runner):
    """A menu per catalog language (Telegram shows the one of the user's app language) and a
    Swedish/English one for everyone else; the descriptions are telegram.menu.* messages."""
    import json

    from bot.locales import msg

    fake_tg.wait_for(lambda f: len(f.calls_to("setMyCommands")) >= 3, 10)
    menus = {}
    for call in fake_tg.calls_to("setMyCommands"):
        commands = call.params["commands"]
        commands = json.loads(commands) if isinstance(commands, str) else commands
        menus[call.params.get("language_code")] = {c["command"]: c["description"] for c in commands}
    assert menus["sv"]["lots"] == msg("sv", "telegram.menu.lots") == "Få kontakt med en företagslots"
    assert menus["en"]["glom_mig"] == msg("en", "telegram.menu.erase") == "Erase my data"
    assert menus[None]["avbryt"] == "Avbryt / Cancel"
    assert all(3 <= len(text) <= 256 for menu in menus.values() for text in menu.values())

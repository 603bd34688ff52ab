"""The navigators' Telegram group, the outbox ports and webhook mode, with the real PTB
Application against the fake Bot API server."""

from __future__ import annotations

import httpx
import pytest

from bot.adapters.http import HttpServer
from bot.adapters.telegram.app import TelegramRunner, build_application
from bot.adapters.telegram.ports import TelegramEntrepreneurChannel, TelegramNavigatorDesk
from bot.adapters.telegram.ratelimit import PacedRateLimiter
from bot.adapters.telegram.webhook import TelegramWebhookRoute
from bot.core.messages import Button
from bot.core.ports import OutboundMessage, SendError
from tests.fakes.service import FakeLotsen, card
from tests.fakes.telegram_api import FakeTelegram

NAV_CHAT = -100777
FORUM_CHAT = -100888


@pytest.fixture
def fake_tg():
    with FakeTelegram(forum_chats={FORUM_CHAT}) as fake:
        yield fake


@pytest.fixture
def service():
    return FakeLotsen()


def start(fake, service, **kwargs):
    app = build_application(token=fake.token, service=service, api_url=fake.api_url,
                            navigator_chat_id=NAV_CHAT, **kwargs)
    runner = TelegramRunner(app, poll_timeout=1)
    runner.start()
    return runner


@pytest.fixture
def runner(fake_tg, service):
    runner = start(fake_tg, service)
    yield runner
    runner.stop()


def test_convene_in_a_plain_group_mentions_members_and_escapes(fake_tg, runner):
    desk = TelegramNavigatorDesk(runner, NAV_CHAT)
    delivery = desk.convene(card(words="<b>gratis</b> & <a href='x'>klick</a>"))
    [sent] = fake_tg.calls_to("sendMessage")
    assert delivery.ref == f"{NAV_CHAT}:{sent_id(fake_tg)}"
    assert sent.params["parse_mode"] == "HTML"
    assert '<a href="tg://user?id=777">Nils</a>' in sent.params["text"]
    assert "&lt;b&gt;gratis&lt;/b&gt; &amp; &lt;a href=&#x27;x&#x27;&gt;" in sent.params["text"]
    datas = [b["callback_data"] for b in sent.params["reply_markup"]["inline_keyboard"][0]]
    assert datas == ["n:claim:2026-0001", "n:reply:2026-0001", "n:add:2026-0001", "n:close:2026-0001"]


def sent_id(fake):
    return fake.calls_to("sendMessage")[-1].response["result"]["message_id"]


def test_convene_in_a_forum_group_opens_a_topic(fake_tg, runner):
    desk = TelegramNavigatorDesk(runner, FORUM_CHAT)
    delivery = desk.convene(card())
    [topic] = fake_tg.calls_to("createForumTopic")
    [sent] = fake_tg.calls_to("sendMessage")
    assert topic.params["name"].startswith("2026-0001")
    chat, message, thread = delivery.ref.split(":")
    assert int(chat) == FORUM_CHAT and int(sent.params["message_thread_id"]) == int(thread)
    desk.post(case_ref=delivery.ref, text="Företagaren skriver: <i>hej</i>", mentions=[{"name": "Nils", "telegram_id": 777}])
    relay = fake_tg.calls_to("sendMessage")[-1]
    assert int(relay.params["message_thread_id"]) == int(thread)
    assert relay.params["text"] == '<a href="tg://user?id=777">Nils</a>\nFöretagaren skriver: &lt;i&gt;hej&lt;/i&gt;'


def card_message(fake, chat_id=NAV_CHAT):
    return {"message_id": 50, "date": 0, "chat": fake.chat(chat_id), "text": "Ärende 2026-0001"}


def test_unauthorized_claim_refused_only_to_the_presser(fake_tg, runner, service):
    fake_tg.callback_update(message=card_message(fake_tg), user_id=999, data="n:claim:2026-0001")
    [answer] = fake_tg.wait_calls("answerCallbackQuery")
    assert answer.params["show_alert"] is True and "inte lots" in answer.params["text"]
    assert fake_tg.calls_to("editMessageText") == []
    assert service.actions[0].actor.user_id == "999"


def test_authorized_claim_rerenders_the_card(fake_tg, runner, service):
    fake_tg.callback_update(message=card_message(fake_tg), user_id=777, data="n:claim:2026-0001")
    [edit] = fake_tg.wait_calls("editMessageText")
    assert "Status: claimed" in edit.params["text"] and int(edit.params["message_id"]) == 50


def test_forged_callback_data_never_reaches_the_core(fake_tg, runner, service):
    for data in ("n:delete:2026-0001", "n:claim:../../etc", "n:o:99:2026-0001", "garbage"):
        fake_tg.callback_update(message=card_message(fake_tg), user_id=777, data=data)
    fake_tg.wait_calls("answerCallbackQuery", 3)
    assert service.actions == []


def test_reply_prompt_then_navigator_answer_goes_to_the_core(fake_tg, runner, service):
    fake_tg.callback_update(message=card_message(fake_tg), user_id=777, data="n:reply:2026-0001")
    prompt_call = fake_tg.wait_calls("sendMessage")[0]
    assert prompt_call.params["reply_markup"]["force_reply"] is True
    prompt = {"message_id": 1, "date": 0, "chat": fake_tg.chat(NAV_CHAT), "text": prompt_call.params["text"]}
    prompt["message_id"] = sent_id(fake_tg)
    fake_tg.wait_for(lambda f: prompt["message_id"] in runner.context.prompts)  # a human is slower than this
    fake_tg.message_update(chat_id=NAV_CHAT, user_id=777, text="Välkommen på tisdag!", reply_to=prompt)
    fake_tg.wait_calls("sendMessage", 2)
    [action] = service.actions
    assert (action.verb, action.case_number, action.text) == ("reply", "2026-0001", "Välkommen på tisdag!")


def test_close_offers_outcomes_then_closes(fake_tg, runner, service):
    fake_tg.callback_update(message=card_message(fake_tg), user_id=777, data="n:close:2026-0001")
    [markup] = fake_tg.wait_calls("editMessageReplyMarkup")
    datas = [row[0]["callback_data"] for row in markup.params["reply_markup"]["inline_keyboard"]]
    fake_tg.callback_update(message=card_message(fake_tg), user_id=777, data=datas[3])
    fake_tg.wait_calls("editMessageText")
    assert (service.actions[0].verb, service.actions[0].outcome) == ("close", "referred")


def test_entrepreneur_channel_splits_and_keys_buttons(fake_tg, runner):
    channel = TelegramEntrepreneurChannel(runner)
    text = ("Ett svar från din lots. " * 400).strip()  # ~9,600 characters
    delivery = channel.send(OutboundMessage(channel="telegram", address="42", text=text,
                                            buttons=[Button("meeting:accept:7", "Ja, det passar")]))
    calls = fake_tg.calls_to("sendMessage")
    assert len(calls) == 3 and all(len(c.params["text"]) <= 4096 for c in calls)
    data = calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert "reply_markup" not in calls[0].params and data.startswith("c:meeting:accept:7:")
    assert runner.context.keys.resolve("42", data) == "meeting:accept:7"  # signed for the chat it went to
    assert delivery.ok and delivery.ref.startswith("42:")


def test_429_beyond_retries_becomes_a_retryable_send_error(fake_tg, service):
    runner = start(fake_tg, service, rate_limiter=PacedRateLimiter(max_retries=0))
    try:
        fake_tg.fail_next("sendMessage", retry_after=7)
        with pytest.raises(SendError) as caught:
            TelegramEntrepreneurChannel(runner).send(OutboundMessage(channel="telegram", address="42", text="hej"))
        assert caught.value.retry_after == 7 and caught.value.retryable and not caught.value.outcome_unknown
        fake_tg.fail_next("sendMessage", error_code=403, retry_after=None, description="Forbidden: bot was blocked by the user")
        with pytest.raises(SendError) as blocked:
            TelegramEntrepreneurChannel(runner).send(OutboundMessage(channel="telegram", address="42", text="hej"))
        assert not blocked.value.retryable
    finally:
        runner.stop()


def test_webhook_secret_checked_before_anything(fake_tg, service):
    app = build_application(token=fake_tg.token, service=service, api_url=fake_tg.api_url, webhook=True)
    runner = TelegramRunner(app, webhook_url="https://lotsen.example/telegram", webhook_secret="s3cret-token")
    runner.start()
    http = HttpServer(host="127.0.0.1", port=0)
    http.add_route("/telegram", TelegramWebhookRoute(runner, "s3cret-token"))
    http.start()
    try:
        [hook] = fake_tg.calls_to("setWebhook")
        assert hook.params["secret_token"] == "s3cret-token" and hook.params["url"] == "https://lotsen.example/telegram"
        update = {"update_id": 77, "message": {"message_id": 1, "date": 0, "chat": fake_tg.chat(42),
                                               "from": fake_tg.user(42), "text": "hej"}}
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                        {"X-Telegram-Bot-Api-Secret-Token": "s3cret-toke"}):
            assert httpx.post(f"{http.url}/telegram", json=update, headers=headers).status_code == 403
        ok = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
        assert httpx.post(f"{http.url}/telegram", json=update, headers=ok).status_code == 200
        assert httpx.post(f"{http.url}/telegram", json=update, headers=ok).status_code == 200  # redelivered
        fake_tg.wait_calls("sendMessage")
        assert [i.text for i in service.incoming] == ["hej"]
        assert fake_tg.calls_to("getUpdates") == []
    finally:
        http.stop()
        runner.stop()


def test_add_prompt_then_the_role_or_e_mail_goes_to_the_core_as_add(fake_tg, runner, service):
    fake_tg.callback_update(message=card_message(fake_tg), user_id=777, data="n:add:2026-0001")
    prompt_call = fake_tg.wait_calls("sendMessage")[0]
    assert prompt_call.params["reply_markup"]["force_reply"] is True
    assert "roll eller en lots e-postadress" in prompt_call.params["text"]
    prompt = {"message_id": sent_id(fake_tg), "date": 0, "chat": fake_tg.chat(NAV_CHAT),
              "text": prompt_call.params["text"]}
    fake_tg.wait_for(lambda f: prompt["message_id"] in runner.context.prompts)
    fake_tg.message_update(chat_id=NAV_CHAT, user_id=777, text="petra.lundqvist@sjovik.example", reply_to=prompt)
    fake_tg.wait_calls("sendMessage", 2)
    [action] = service.actions
    assert (action.verb, action.case_number, action.text) == ("add", "2026-0001", "petra.lundqvist@sjovik.example")

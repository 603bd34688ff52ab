"""The ports the outbox dispatcher sends through: entrepreneurs' private chats and the
navigators' group. Called from the scheduler's worker thread (synchronous); the sends run on
the Telegram loop (`TelegramRunner.call`), paced by the same rate limiter as replies.

Errors map onto the outbox's vocabulary: a 429 is retryable after Telegram's `retry_after`;
a timeout after the request went out is `outcome_unknown` (never sent again blindly); a
refusal (blocked bot, bad chat) is not retryable.
"""

from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.adapters.telegram.app import TelegramRunner
from bot.adapters.telegram.ratelimit import retry_seconds
from bot.adapters.telegram.render import card_html, card_keyboard, message_parts, relay_html
from bot.core.ports import CaseCard, Delivery, OutboundMessage, SendError

log = logging.getLogger(__name__)


class _Sender:
    def __init__(self, runner: TelegramRunner, timeout: float = 120.0) -> None:
        self.runner = runner
        self.timeout = timeout

    def _run(self, make_coro, *, sent_before: int = 0):
        """Run the coroutine; `sent_before` > 0 means earlier parts of the message went out."""
        try:
            return self.runner.call(make_coro(), self.timeout)
        except RetryAfter as exc:
            if sent_before:
                raise SendError("rate limited after a partial send", retryable=False, outcome_unknown=True) from None
            raise SendError("telegram: rate limited", retry_after=retry_seconds(exc)) from None
        except (TimedOut, FutureTimeout):
            raise SendError("telegram: timed out; the message may have been sent",
                            outcome_unknown=True) from None
        except Forbidden as exc:
            raise SendError(f"telegram: forbidden ({exc.message})", retryable=False) from None
        except BadRequest as exc:
            raise SendError(f"telegram: bad request ({exc.message})", retryable=False) from None
        except NetworkError as exc:
            raise SendError(f"telegram: network error ({type(exc).__name__})",
                            outcome_unknown=bool(sent_before)) from None
        except TelegramError as exc:
            raise SendError(f"telegram: {type(exc).__name__}", outcome_unknown=bool(sent_before)) from None


class TelegramEntrepreneurChannel(_Sender):
    name = "telegram"

    def send(self, message: OutboundMessage) -> Delivery:
        bot = self.runner.application.bot
        keys = self.runner.context.keys
        chat_id = int(message.address)
        last = None
        parts = message_parts(str(chat_id), message.text, message.buttons, keys) if message.text else []
        for index, part in enumerate(parts):
            last = self._run(lambda p=part: bot.send_message(chat_id, p.text, reply_markup=p.markup),
                             sent_before=index)
        if message.attachment is not None:
            document = InputFile(message.attachment, filename=message.attachment_name or "lotsen.ics")
            last = self._run(lambda: bot.send_document(chat_id, document), sent_before=len(parts))
        if last is None:
            raise SendError("nothing to send", retryable=False)
        return Delivery(ok=True, ref=f"{chat_id}:{last.message_id}")


def parse_ref(case_ref: str) -> tuple[int, int, int | None]:
    """"chat:message[:topic]" -> (chat id, message id, forum topic id or None)."""
    parts = case_ref.split(":")
    if len(parts) not in (2, 3):
        raise SendError(f"not a Telegram case reference: {case_ref!r}", retryable=False)
    return int(parts[0]), int(parts[1]), (int(parts[2]) if len(parts) == 3 else None)


class TelegramNavigatorDesk(_Sender):
    """The navigators' group: each case a message (or a forum topic where the group has topics)."""

    name = "telegram"

    def __init__(self, runner: TelegramRunner, chat_id: int, timeout: float = 120.0) -> None:
        super().__init__(runner, timeout)
        self.chat_id = chat_id
        self._is_forum: bool | None = None

    def _forum(self) -> bool:
        if self._is_forum is None:
            chat = self._run(lambda: self.runner.application.bot.get_chat(self.chat_id))
            self._is_forum = bool(getattr(chat, "is_forum", False))
        return self._is_forum

    def convene(self, card: CaseCard) -> Delivery:
        bot = self.runner.application.bot
        topic_id = None
        if self._forum():
            name = f"{card.number}: {card.title}"[:128]
            topic = self._run(lambda: bot.create_forum_topic(self.chat_id, name))
            topic_id = topic.message_thread_id
        message = self._run(lambda: bot.send_message(
            self.chat_id, card_html(card), parse_mode=ParseMode.HTML, reply_markup=card_keyboard(card),
            message_thread_id=topic_id))
        ref = f"{self.chat_id}:{message.message_id}" + (f":{topic_id}" if topic_id else "")
        log.info("telegram: case %s convened (%s)", card.number, ref)
        return Delivery(ok=True, ref=ref)

    def post(self, *, case_ref: str, text: str, mentions: list[dict] | None = None) -> Delivery:
        bot = self.runner.application.bot
        chat_id, message_id, topic_id = parse_ref(case_ref)
        last = None
        for index, part in enumerate(relay_html(text, mentions)):
            last = self._run(lambda p=part: bot.send_message(
                chat_id, p, parse_mode=ParseMode.HTML, message_thread_id=topic_id,
                reply_to_message_id=message_id if topic_id is None else None,
                allow_sending_without_reply=True), sent_before=index)
        if last is None:
            return Delivery(ok=False, error="nothing to send (empty text)")
        return Delivery(ok=True, ref=f"{chat_id}:{last.message_id}" + (f":{topic_id}" if topic_id else ""))

    def notice(self, *, text: str, mentions: list[dict] | None = None, attachment_name: str | None = None,
               attachment: bytes | None = None) -> Delivery:
        """A post of its own (not about a case) in the navigators' group, with a file if given."""
        bot = self.runner.application.bot
        last = None
        parts = relay_html(text, mentions)
        for index, part in enumerate(parts):
            last = self._run(lambda p=part: bot.send_message(self.chat_id, p, parse_mode=ParseMode.HTML),
                             sent_before=index)
        if attachment is not None:
            document = InputFile(attachment, filename=attachment_name or "lotsen-rapport.html")
            last = self._run(lambda: bot.send_document(self.chat_id, document), sent_before=len(parts))
        if last is None:
            return Delivery(ok=False, error="nothing to send (empty text)")
        return Delivery(ok=True, ref=f"{self.chat_id}:{last.message_id}")

    def update(self, *, case_ref: str, card: CaseCard) -> Delivery:
        bot = self.runner.application.bot
        chat_id, message_id, _ = parse_ref(case_ref)
        try:
            self._run(lambda: bot.edit_message_text(card_html(card), chat_id=chat_id, message_id=message_id,
                                                    parse_mode=ParseMode.HTML, reply_markup=card_keyboard(card)))
        except SendError as exc:
            if "not modified" not in str(exc):
                raise
        return Delivery(ok=True, ref=case_ref)

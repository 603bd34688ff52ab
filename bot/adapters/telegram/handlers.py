"""Entrepreneurs on Telegram (private chats): commands, free text and button presses.

Each handler translates the update into a call on the injected LotsenService (synchronous, so
it runs in a worker thread) and renders the Reply. Nothing here decides anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import InputFile, Update
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.adapters.telegram.context import TelegramContext, lang_of
from bot.adapters.telegram.render import reply_parts
from bot.core.messages import Incoming, Reply
from bot.locales import msg

log = logging.getLogger(__name__)

def ctx_of(context: ContextTypes.DEFAULT_TYPE) -> TelegramContext:
    return context.application.bot_data["lotsen"]


SEND_ATTEMPTS = 3  # a reply is tried this often when the connection fails before an answer


async def _sent(send):
    """Send, again after a dropped connection (a keep-alive connection the other end closed):
    the person gets an answer. A send that timed out may have arrived, so it is not repeated;
    Telegram's own errors (429 is the rate limiter's) are not network failures."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await send()
        except TimedOut:
            raise
        except NetworkError as exc:
            if attempt == SEND_ATTEMPTS:
                raise
            log.warning("telegram: sending failed (%s), trying again", type(exc).__name__)
            await asyncio.sleep(0.2 * attempt)
    return None


async def send_reply(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    lotsen = ctx_of(context)
    for part in reply_parts(str(chat_id), reply, lotsen.keys):
        await _sent(lambda part=part: context.bot.send_message(chat_id, part.text, reply_markup=part.markup))
    for attachment in reply.attachments:
        await _sent(lambda attachment=attachment: context.bot.send_document(
            chat_id, InputFile(attachment.content, filename=attachment.name)))


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, call, *, locked: bool = False) -> None:
    """Run `call()` (a service method) in a thread, in order per chat, and send its reply."""
    chat, user = update.effective_chat, update.effective_user
    lang = lang_of(user.language_code if user else None) or "sv"
    async with (contextlib.nullcontext() if locked else ctx_of(context).chat_lock(chat.id)):
        try:
            reply = await asyncio.to_thread(call)
        except Exception:
            log.exception("telegram: the service failed on update %s", update.update_id)
            await _sent(lambda: context.bot.send_message(chat.id, msg(lang, "channel.sorry")))
            return
        await send_reply(context, chat.id, reply)


def _incoming(update: Update, text: str, choice: str | None = None) -> Incoming:
    return Incoming(channel="telegram", user_id=str(update.effective_user.id),
                    chat_id=str(update.effective_chat.id), text=text, choice=choice,
                    received_at=(update.effective_message.date if update.effective_message else None))


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    service = ctx_of(context).service
    await _answer(update, context, lambda: service.start(
        channel="telegram", user_id=str(user.id), lang=lang_of(user.language_code)))


async def on_lots(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = " ".join(context.args or [])
    service = ctx_of(context).service
    incoming = _incoming(update, text)
    await _answer(update, context, lambda: service.request_navigator(incoming))


async def on_my_cases(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    service = ctx_of(context).service
    await _answer(update, context, lambda: service.my_cases(
        channel="telegram", user_id=str(user.id), lang=lang_of(user.language_code)))


async def on_forget_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    service = ctx_of(context).service
    await _answer(update, context, lambda: service.erase(
        channel="telegram", user_id=str(user.id), lang=lang_of(user.language_code)))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    service = ctx_of(context).service
    incoming = _incoming(update, update.effective_message.text or "")
    await _answer(update, context, lambda: service.handle(incoming))


async def on_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A clarification or consent button: the token is looked up server-side for this chat."""
    query = update.callback_query
    lotsen = ctx_of(context)
    key = lotsen.keys.resolve(str(update.effective_chat.id), query.data or "")
    lang = lang_of(update.effective_user.language_code) or "sv"
    if key is None:
        await query.answer(msg(lang, "channel.expired"), show_alert=True)
        return
    incoming = _incoming(update, _pressed_label(query), choice=key)
    async with lotsen.chat_lock(update.effective_chat.id):  # in order with the chat's messages
        await query.answer()
        try:  # the choice is made: take the buttons away so it is not pressed twice
            await query.edit_message_reply_markup(None)
        except TelegramError:
            pass
        await _answer(update, context, lambda: lotsen.service.handle(incoming), locked=True)


def _pressed_label(query) -> str:
    """What the pressed button said (the person's "words" in the transcript)."""
    markup = query.message.reply_markup if query.message is not None else None
    for row in (markup.inline_keyboard if markup is not None else ()):
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return ""


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = getattr(update, "update_id", None)
    log.error("telegram: error while handling update %s: %s", update_id, type(context.error).__name__,
              exc_info=context.error)


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press no other handler takes (made up, or a desk button outside the desk): answered,
    so the client's spinner stops, with a short note only the presser sees."""
    query = update.callback_query
    lang = lang_of(update.effective_user.language_code if update.effective_user else None) or "sv"
    await query.answer(msg(lang, "channel.expired"), show_alert=True)

"""The navigators' Telegram group (optional): claim, reply, add and close buttons on case cards.

Button data is parsed against a fixed vocabulary (bot.adapters.telegram.keys); the core checks
that the person pressing is a navigator allowed to act on the case. A refusal is shown only to
the person who pressed (a callback alert).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import ForceReply, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.adapters.telegram.handlers import ctx_of
from bot.adapters.telegram.keys import parse_nav
from bot.adapters.telegram.render import card_html, card_keyboard, outcome_keyboard, verbs_keyboard
from bot.core.actions import ActionResult, Actor, NavigatorAction
from bot.locales import both

log = logging.getLogger(__name__)

UNKNOWN = "desk.shared.unknown_button"
REPLY_PROMPT = ("Ärende {number}: skriv ditt svar till företagaren som svar på det här meddelandet.\n"
                "Case {number}: write your reply to the entrepreneur as a reply to this message.")
ADD_PROMPT = ("Ärende {number}: skriv en roll eller en lots e-postadress som svar på det här meddelandet.\n"
              "Case {number}: write a role or a navigator's e-mail address as a reply to this message.")
PROMPTS = {"reply": (REPLY_PROMPT, "Svar / reply"), "add": (ADD_PROMPT, "Roll eller e-post / role or e-mail")}
# A prompt this process does not remember (another replica sent it, or this one restarted).
PROMPT_FORGOTTEN = ("Det du skrev skickades inte: tryck på knappen i ärendet igen och svara på den nya uppmaningen. / "
                    "What you wrote was not sent: press the button on the case again and answer the new prompt.")


async def _act(context: ContextTypes.DEFAULT_TYPE, action: NavigatorAction) -> ActionResult:
    service = ctx_of(context).service
    return await asyncio.to_thread(service.navigator_action, action)


async def _show(query, result: ActionResult) -> None:
    """An accepted action re-renders the card; a refusal is an alert to the presser only."""
    if not result.ok:
        await query.answer(result.message[:200], show_alert=True)
        return
    await query.answer(result.message[:200])
    if result.card is not None:
        try:
            await query.edit_message_text(card_html(result.card), parse_mode=ParseMode.HTML,
                                          reply_markup=card_keyboard(result.card))
        except BadRequest as exc:  # "message is not modified" and the like
            log.info("telegram: card not re-rendered: %s", exc.message)


async def on_nav_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    press = parse_nav(query.data or "")
    if press is None:
        await query.answer(both(UNKNOWN), show_alert=True)
        return
    actor = Actor("telegram", str(update.effective_user.id))
    if press.verb == "claim":
        await _show(query, await _act(context, NavigatorAction(actor, "claim", press.case_number)))
    elif press.verb in PROMPTS:  # reply, add: the text comes as a reply to a prompt
        await query.answer()
        text, placeholder = PROMPTS[press.verb]
        prompt = await context.bot.send_message(
            update.effective_chat.id, text.format(number=press.case_number),
            message_thread_id=query.message.message_thread_id if query.message else None,
            reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder))
        await asyncio.to_thread(ctx_of(context).prompts.remember, prompt.message_id, {
            "case": press.case_number, "user": update.effective_user.id, "verb": press.verb})
    elif press.verb == "close":
        await query.answer()
        await query.edit_message_reply_markup(outcome_keyboard(press.case_number))
    elif press.verb == "outcome":
        result = await _act(context, NavigatorAction(actor, "close", press.case_number, outcome=press.outcome))
        await _show(query, result)
    elif press.verb == "back":
        await query.answer()
        await query.edit_message_reply_markup(verbs_keyboard(press.case_number, ["claim", "reply", "add", "close"]))
    else:
        await query.answer(both(UNKNOWN), show_alert=True)


async def on_group_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A navigator's answer to a prompt: a reply relayed to the entrepreneur, or the role or
    e-mail to add, through the core."""
    message = update.effective_message
    lotsen = ctx_of(context)
    replied = message.reply_to_message
    if replied is None:
        return  # ordinary group chatter is none of Lotsen's business
    prompt = await asyncio.to_thread(lotsen.prompts.get, replied.message_id)
    if prompt is None:
        if _is_our_prompt(replied, context.bot.id):
            # Expired, or in another process's memory (no shared store): never drop a
            # navigator's answer without saying so.
            await message.reply_text(PROMPT_FORGOTTEN, do_quote=True)
        return
    if prompt["user"] != update.effective_user.id:
        return
    actor = Actor("telegram", str(update.effective_user.id))
    result = await _act(context, NavigatorAction(actor, prompt["verb"], prompt["case"], text=message.text or ""))
    if result.ok:
        await asyncio.to_thread(lotsen.prompts.forget, replied.message_id)
    await message.reply_text(result.message[:4000], do_quote=True)


def _is_our_prompt(replied, bot_id: int) -> bool:
    """Whether a message is a reply prompt this bot sent (in any process)."""
    author = replied.from_user
    heads = tuple(prompt.split("{number}")[0] for prompt, _ in PROMPTS.values())
    return author is not None and author.id == bot_id and (replied.text or "").startswith(heads)

"""Meetings from the navigators' Telegram group:

    /mote titel=Frukost; start=2026-12-03 08:00; slut=2026-12-03 09:00; plats=Stadshuset; platser=40
    /mote_andra 12 plats=Biblioteket
    /mote_stall_in 12 [orsak]

The core reads the `key=value` text and decides who may act; the answer is a plain-text reply
in the group. The same commands in a private chat only get a pointer to the group.
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update
from telegram.ext import ContextTypes

from bot.adapters.telegram.handlers import ctx_of
from bot.core.actions import ActionResult, Actor
from bot.locales import both

log = logging.getLogger(__name__)

COMMANDS = ("mote", "mote_andra", "mote_stall_in")
# The usage lines, said in Swedish and English together (the navigators' group has no one language).
USAGE = {"mote_andra": "telegram.meetings.usage_edit", "mote_stall_in": "telegram.meetings.usage_cancel"}
ONLY_IN_GROUP = "telegram.meetings.only_in_group"
SORRY = "desk.shared.meeting_failed"
_ID_REST = re.compile(r"^\s*#?(\d+)\b\s*(.*)$", re.DOTALL)


def command_parts(text: str) -> tuple[str, str]:
    """"/mote_andra@lotsen_bot 12 plats=X" -> ("mote_andra", "12 plats=X")."""
    head, _, rest = (text or "").strip().partition(" ")
    if "\n" in head:  # "/mote\ntitel=..."
        head, _, more = head.partition("\n")
        rest = more + (" " + rest if rest else "")
    return head.lstrip("/").split("@", 1)[0].lower(), rest.strip()


def _run(service, command: str, actor: Actor, rest: str) -> ActionResult:
    if command == "mote":
        return service.submit_meeting_command(actor=actor, text=rest)
    match = _ID_REST.match(rest)
    if match is None:
        return ActionResult(ok=False, message=both(USAGE[command]))
    meeting_id, tail = int(match.group(1)), match.group(2).strip()
    if command == "mote_andra":
        return service.submit_meeting_command(actor=actor, text=tail, meeting_id=meeting_id)
    return service.cancel_meeting(actor=actor, meeting_id=meeting_id, reason=tail or None)


async def on_meeting_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    command, rest = command_parts(message.text or "")
    if command not in COMMANDS:
        return
    actor = Actor("telegram", str(update.effective_user.id))
    try:
        result = await asyncio.to_thread(_run, ctx_of(context).service, command, actor, rest)
    except Exception:
        log.exception("telegram: meeting command failed on update %s", update.update_id)
        result = ActionResult(ok=False, message=both(SORRY))
    await message.reply_text(result.message[:4000], do_quote=True)


async def on_private_meeting_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(both(ONLY_IN_GROUP))

"""Rendering the core's replies and case cards as Telegram messages.

Entrepreneurs' messages are sent as plain text (no parse mode), so nothing they or the core
write is interpreted. The navigators' case card uses HTML for the mentions and headings; every
piece of text in it is escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.telegram.keys import ChoiceKeys, nav_data
from bot.adapters.text import TELEGRAM_LIMIT, split_escaped, split_text, utf16_len
from bot.core.actions import OUTCOMES
from bot.core.messages import Button, Reply
from bot.core.ports import CaseCard, member_identity
from bot.locales import msg

CLOSED_STATUSES = {"closed", "erased", "withdrawn"}


@dataclass(frozen=True)
class Part:
    text: str
    markup: InlineKeyboardMarkup | None = None


def choice_keyboard(chat_id: str, buttons: list[Button], keys: ChoiceKeys) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label[:64], callback_data=keys.issue(chat_id, b.key))]
                                 for b in buttons])


def message_parts(chat_id: str, text: str, buttons: list[Button], keys: ChoiceKeys) -> list[Part]:
    """Plain-text parts of at most 4096 characters; the keyboard goes with the last one."""
    chunks = split_text(text) or ["…"]
    markup = choice_keyboard(chat_id, buttons, keys)
    return [Part(chunk, markup if i == len(chunks) - 1 else None) for i, chunk in enumerate(chunks)]


def reply_parts(chat_id: str, reply: Reply, keys: ChoiceKeys) -> list[Part]:
    return message_parts(chat_id, reply.text, reply.buttons, keys)


def mention(member: dict) -> str:
    name = html.escape(member.get("name") or "navigator")
    telegram_id = member_identity(member, "telegram")
    if telegram_id and telegram_id.lstrip("-").isdigit():
        return f'<a href="tg://user?id={int(telegram_id)}">{name}</a>'
    return name


def card_verbs(card: CaseCard) -> list[str]:
    """Which buttons the card offers: the core's `actions` when given, else by status."""
    if card.actions:  # the core's buttons: keys like "case:<number>:<verb>" or just "<verb>"
        verbs = [b.key.rsplit(":", 1)[-1] for b in card.actions]
        return [v for v in verbs if v in ("claim", "reply", "add", "close")]
    if card.status in CLOSED_STATUSES:
        return []
    return ["claim", "reply", "add", "close"] if card.status in ("new", "open", "convened") else ["reply", "add", "close"]


def verbs_keyboard(case_number: str, verbs: list[str], lang: str = "sv") -> InlineKeyboardMarkup | None:
    if not verbs:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(msg(lang, f"desk.button.{v}"), callback_data=nav_data(v, case_number))
                                  for v in verbs]])


def card_keyboard(card: CaseCard) -> InlineKeyboardMarkup | None:
    return verbs_keyboard(card.number, card_verbs(card), card.lang)


def outcome_keyboard(case_number: str, lang: str = "sv") -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(msg(lang, f"desk.outcome.{o}"), callback_data=nav_data("close", case_number, o))]
            for o in OUTCOMES]
    rows.append([InlineKeyboardButton(msg(lang, "desk.button.back"), callback_data=nav_data("back", case_number))])
    return InlineKeyboardMarkup(rows)


def card_html(card: CaseCard, *, with_mentions: bool = True) -> str:
    e = html.escape
    lang = card.lang
    title = card.title if card.number in card.title else msg(lang, "desk.case_title", number=card.number,
                                                               title=card.title)
    lines = [f"<b>{e(title)}</b>", e(card.summary)]
    if card.topics:
        lines.append(e(msg(lang, "desk.topics", topics=", ".join(t for _, t in card.topics))))
    if card.roles:
        lines.append(e(msg(lang, "desk.roles", roles=", ".join(r for _, r in card.roles))))
    lines.append(f"Status: {e(card.status)}")
    if card.contact_name:
        lines.append(e(msg(lang, "desk.contact", name=card.contact_name)))
    if with_mentions and card.members:
        lines.append(msg(lang, "desk.convened", who=", ".join(mention(m) for m in card.members)))
    head = "\n".join(lines)
    words_label = msg(lang, "desk.words")
    budget = TELEGRAM_LIMIT - utf16_len(head) - 60
    words = card.entrepreneur_words
    if utf16_len(e(words)) > budget:  # the full text reaches navigators through the case itself
        words = split_text(words, max(budget // 2, 100))[0] + " …"
    return f"{head}\n\n{words_label}:\n<blockquote>{e(words)}</blockquote>"


def relay_html(text: str, mentions: list[dict] | None) -> list[str]:
    """A post to the navigators (e.g. the entrepreneur's follow-up): escaped, split, mentions first."""
    prefix = " ".join(mention(m) for m in (mentions or []))
    parts = split_escaped(text, TELEGRAM_LIMIT - 400, html.escape) or ["…"]
    if prefix:
        parts[0] = prefix + "\n" + parts[0]
    return parts

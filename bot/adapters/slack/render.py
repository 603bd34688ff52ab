"""Block Kit for case cards, relays and modals.

Anything that comes from an entrepreneur (or from the core's text about them) is rendered as
`plain_text`, so Slack applies no formatting and no mentions to it; where a string must be
mrkdwn or the notification fallback `text`, it goes through `escape`. Only mentions built here
from validated member ids can ping anyone.
"""

from __future__ import annotations

import json
import re

from bot.adapters.text import split_text
from bot.core.actions import OUTCOMES
from bot.core.messages import Button
from bot.core.ports import CaseCard, member_identity
from bot.locales import msg

SECTION_LIMIT = 3000
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)

VERBS = ("claim", "reply", "note", "meeting", "add", "close")
_BUTTONS = {"claim": "claim", "reply": "reply", "meeting": "meeting", "note": "note", "add": "add",
            "close": "close_with_outcome"}


def outcome_label(outcome: str) -> str:
    """"Besvarat / answered": the close form is one for every navigator."""
    en = msg("en", f"desk.outcome.{outcome}")
    return f"{msg('sv', f'desk.outcome.{outcome}')} / {en[:1].lower()}{en[1:]}"
CLOSED_STATUSES = {"closed", "erased", "withdrawn"}


def escape(text: str) -> str:
    """Slack's three control characters, and a zero-width joiner in @channel/@here/@everyone so
    that even `link_names` could not turn them into a broadcast."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@\u2060" + m.group(1), text)


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text or " ", "emoji": False}


def plain_sections(text: str) -> list[dict]:
    return [{"type": "section", "text": plain(chunk)} for chunk in (split_text(text, SECTION_LIMIT) or [" "])]


def mentions(members: list[dict] | None) -> str:
    ids = [member_identity(m, "slack") for m in (members or [])]
    return " ".join(f"<@{i}>" for i in ids if i and _SLACK_ID.match(str(i)))


def card_verbs(card: CaseCard) -> list[str]:
    if card.actions:  # the core's buttons: keys like "case:<number>:<verb>" or just "<verb>"
        known = {"claim": "claim", "reply": "reply", "note": "note", "propose_meeting": "meeting",
                 "meeting": "meeting", "add": "add", "close": "close"}
        verbs = [known.get(b.key.rsplit(":", 1)[-1]) for b in card.actions]
        return [v for v in verbs if v]
    if card.status in CLOSED_STATUSES:
        return []
    if card.status in ("new", "open", "convened"):
        return list(VERBS)
    return ["reply", "note", "meeting", "add", "close"]


def card_title(card: CaseCard) -> str:
    if card.number in card.title:
        return card.title
    return msg(card.lang, "desk.case_title", number=card.number, title=card.title)


def card_fallback(card: CaseCard) -> str:
    return escape(card_title(card))


def card_blocks(card: CaseCard) -> list[dict]:
    lang = card.lang
    blocks: list[dict] = [{"type": "header", "text": plain(card_title(card)[:150])}]
    blocks += plain_sections(card.summary)
    facts = []
    if card.topics:
        facts.append(plain(msg(lang, "desk.topics", topics=", ".join(t for _, t in card.topics))))
    if card.roles:
        facts.append(plain(msg(lang, "desk.roles", roles=", ".join(r for _, r in card.roles))))
    facts.append(plain(f"Status: {card.status}"))
    if card.contact_name:
        facts.append(plain(msg(lang, "desk.contact", name=card.contact_name)))
    blocks.append({"type": "section", "fields": facts[:10]})
    blocks.append({"type": "context", "elements": [plain(msg(lang, "desk.words") + ":")]})
    words = split_text(card.entrepreneur_words, SECTION_LIMIT)[:30] or [" "]
    blocks += [{"type": "section", "text": plain(chunk)} for chunk in words]
    who = mentions(card.members)
    if who:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn",
                                                        "text": msg(lang, "desk.convened", who=who)}]})
    verbs = card_verbs(card)
    if verbs:
        blocks.append({"type": "actions", "block_id": "lotsen_case", "elements": [
            {"type": "button", "action_id": f"lotsen_{verb}", "value": card.number,
             "text": plain(msg(lang, f"desk.button.{_BUTTONS[verb]}")),
             **({"style": "primary"} if verb == "claim" else {})} for verb in verbs]})
    return blocks


def relay_blocks(text: str, members: list[dict] | None = None) -> list[dict]:
    blocks = plain_sections(text)[:45]
    who = mentions(members)
    if who:
        blocks.insert(0, {"type": "context", "elements": [{"type": "mrkdwn", "text": who}]})
    return blocks


def choice_blocks(text: str, buttons: list[Button], tokens: list[str]) -> list[dict]:
    blocks = plain_sections(text)[:45]
    if buttons:
        blocks.append({"type": "actions", "block_id": "lotsen_choices", "elements": [
            {"type": "button", "action_id": f"lotsen_choice_{i}", "value": token, "text": plain(b.label[:75])}
            for i, (b, token) in enumerate(zip(buttons, tokens, strict=True))]})
    return blocks


def _modal(callback_id: str, title: str, metadata: dict, blocks: list[dict], submit: str = "Skicka") -> dict:
    return {"type": "modal", "callback_id": callback_id, "private_metadata": json.dumps(metadata),
            "title": plain(title[:24]), "submit": plain(submit), "close": plain("Avbryt"), "blocks": blocks}


def reply_modal(metadata: dict) -> dict:
    return _modal("lotsen_reply_modal", f"Svar {metadata['case']}", metadata, [
        {"type": "input", "block_id": "reply", "label": plain("Ditt svar till företagaren"),
         "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": 3000}}])


def note_modal(metadata: dict) -> dict:
    return _modal("lotsen_note_modal", f"Anteckning {metadata['case']}", metadata, [
        {"type": "input", "block_id": "note", "label": plain("Intern anteckning (syns bara för lotsarna)"),
         "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": 3000}}],
        submit="Spara")


def close_modal(metadata: dict) -> dict:
    options = [{"text": plain(outcome_label(o)), "value": o} for o in OUTCOMES]
    return _modal("lotsen_close_modal", f"Avsluta {metadata['case']}", metadata, [
        {"type": "input", "block_id": "outcome", "label": plain("Utfall"),
         "element": {"type": "static_select", "action_id": "value", "options": options}},
        {"type": "input", "block_id": "note", "optional": True, "label": plain("Anteckning"),
         "element": {"type": "plain_text_input", "action_id": "text", "multiline": True}}], submit="Avsluta")


def add_modal(metadata: dict) -> dict:
    return _modal("lotsen_add_modal", f"Lägg till {metadata['case']}", metadata, [
        {"type": "input", "block_id": "add", "label": plain("Roll eller lotsens e-postadress"),
         "element": {"type": "plain_text_input", "action_id": "text", "max_length": 200}}], submit="Lägg till")


def meeting_modal(metadata: dict) -> dict:
    return _modal("lotsen_meeting_modal", f"Möte {metadata['case']}", metadata, [
        {"type": "input", "block_id": "when", "label": plain("Föreslagen tid"),
         "element": {"type": "datetimepicker", "action_id": "value"}}], submit="Föreslå")

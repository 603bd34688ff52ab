"""Outbox handlers for the cases domain: "desk.convene", "desk.post", "desk.update" (to the
navigators' desks) and "message" (to entrepreneurs), plus the after-sent hook that stores the
desk's reference on the case so later posts thread onto it.

    handlers = make_case_outbox(desks={"slack": slack_desk}, channels={"telegram": tg}, db=db, rules=rules)
    OutboxDispatcher(db=db, clock=clock, handlers=handlers.handlers, after_sent=handlers.after_sent)

Cards and desk texts are built at send time from the database, so nothing personal waits in
the outbox and an erasure before sending is respected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.cases.card import build_card
from bot.cases.models import Case, CaseEvent
from bot.cases.service import SYSTEM, record_event
from bot.cases.states import transition
from bot.cases.texts import format_when, outcome_name, t
from bot.core.messages import Button
from bot.core.ports import Delivery, EntrepreneurChannel, NavigatorDesk, OutboundMessage, SendError
from bot.outbox.dispatcher import AfterSent, Handler
from bot.outbox.models import OutboxItem
from bot.routing.rules import RoutingRules
from bot.storage.db import Database


@dataclass
class CaseOutbox:
    handlers: dict[str, Handler]
    after_sent: dict[str, AfterSent]


def render_event(case: Case, event: CaseEvent | None, text_key: str | None, lang: str) -> str:
    """The desk text for an event, from the timeline as it is now."""
    if event is None or text_key is None:
        return ""
    values = {"number": case.number, "name": event.actor_name or "", "text": event.text or t("erased_words", lang)}
    if "meeting_at" in (event.data or {}):
        values["when"] = format_when(datetime.fromisoformat(event.data["meeting_at"]), lang)
    if "outcome" in (event.data or {}):
        values["outcome"] = outcome_name(event.data["outcome"], lang)
    if text_key == "desk_added":
        data = event.data or {}
        values["who"] = (data.get("who_en") if lang == "en" else None) or data.get("who", "")
    if text_key == "desk_ping":
        values["since"] = format_when(case.created_at, lang)
        values["who"] = ", ".join(f"@{name}" for name in event.data.get("mentions", [])) or "Näringsliv"
    return t(text_key, lang, **values)


def make_case_outbox(*, desks: dict[str, NavigatorDesk], db: Database, rules: RoutingRules | None = None,
                     channels: dict[str, EntrepreneurChannel] | None = None, desk_lang: str = "sv") -> CaseOutbox:
    channels = channels or {}

    def desk_for(item: OutboxItem) -> NavigatorDesk:
        # The case's desk (routing_rules.yaml `desk`); with a single desk configured, that one.
        desk = desks.get(item.channel) or (next(iter(desks.values())) if len(desks) == 1 else None)
        if desk is None:
            raise SendError(f"no navigator desk named {item.channel!r} is configured", retryable=False)
        return desk

    def load(item: OutboxItem) -> tuple[Case, CaseEvent | None]:
        with db.session() as session:
            case = session.get(Case, item.payload.get("case_id"))
            if case is None:
                raise SendError(f"case {item.payload.get('case_id')} does not exist", retryable=False)
            event_id = item.payload.get("event_id")
            event = session.get(CaseEvent, event_id) if event_id else None
            return case, event

    def convene(item: OutboxItem) -> Delivery:
        desk = desk_for(item)
        case, _ = load(item)
        return desk.convene(build_card(case, rules=rules, lang=desk_lang))

    def post(item: OutboxItem) -> Delivery:
        desk = desk_for(item)
        case, event = load(item)
        if not case.desk_ref:
            raise SendError(f"case {case.number} is not on the desk yet", retryable=True, retry_after=30)
        text = item.payload.get("text") or render_event(case, event, item.payload.get("text_key"), desk_lang)
        return desk.post(case_ref=case.desk_ref, text=text, mentions=item.payload.get("mentions") or None)

    def update(item: OutboxItem) -> Delivery:
        desk = desk_for(item)
        case, _ = load(item)
        if not case.desk_ref:
            raise SendError(f"case {case.number} is not on the desk yet", retryable=True, retry_after=30)
        return desk.update(case_ref=case.desk_ref, card=build_card(case, rules=rules, lang=desk_lang))

    def after_convened(session: Session, item: OutboxItem, delivery: Delivery) -> None:
        locking = session.get_bind().dialect.name != "sqlite"  # a claim may be committing right now
        case = session.get(Case, item.payload.get("case_id"), with_for_update=locking)
        if case is None:
            return
        case.desk_ref = delivery.ref or case.desk_ref
        if case.status == "new":
            case.status = transition(case.status, "convened")
        record_event(session, case=case, kind="convened", actor=SYSTEM, now=item.sent_at or case.updated_at,
                     data={"desk": item.channel, "members": [m.get("name") for m in case.members or []]})
        session.add(case)

    return CaseOutbox(
        handlers={"desk.convene": convene, "desk.post": post, "desk.update": update,
                  "message": make_message_handler(channels)},
        after_sent={"desk.convene": after_convened})


def make_message_handler(channels: dict[str, EntrepreneurChannel]) -> Handler:
    """The "message" kind: payload {"text", "buttons": [{"key", "label"}]} to one person."""

    def send(item: OutboxItem) -> Delivery:
        channel = channels.get(item.channel)
        if channel is None:
            raise SendError(f"no entrepreneur channel named {item.channel!r} is configured", retryable=False)
        buttons = [Button(key=b["key"], label=b["label"]) for b in item.payload.get("buttons") or []]
        return channel.send(OutboundMessage(channel=item.channel, address=item.address,
                                            text=item.payload.get("text", ""), buttons=buttons))

    return send

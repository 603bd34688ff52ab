"""Meetings from Slack: the `/lotsen-mote` command and its modal.

`/lotsen-mote` (or `ny` / `new`) opens an empty form; `andra <id>` / `edit <id>` opens it filled
in with the meeting's current values; `stall_in <id> [orsak]` / `cancel <id> [reason]` cancels.
The form's fields come from the core (`meeting_fields`), and the core decides everything: who
may act, whether the times make sense. A submission is acknowledged at once (the modal closes)
and the core's answer comes as an ephemeral message; a refusal keeps the values as typed and
offers a button that opens the form again, filled in, with the reason on top.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
from collections import OrderedDict

from bot.adapters.slack.render import escape, plain
from bot.core.actions import Actor
from bot.locales import both, msg

log = logging.getLogger(__name__)

CALLBACK_ID = "lotsen_meeting_form"
REOPEN_ACTION = "lotsen_meeting_reopen"
EXPIRED = "desk.shared.draft_expired"
USAGE = ("Användning: /lotsen-mote [ny | andra <nr> | stall_in <nr> [orsak]]\n"
         "Usage: /lotsen-mote [new | edit <no> | cancel <no> [reason]]")
NOT_NAVIGATOR = "desk.shared.not_navigator"
NO_MEETING = "desk.shared.no_meeting"
_NEW = {"", "ny", "nytt", "new"}
_EDIT = {"andra", "ändra", "edit"}
_CANCEL = {"stall_in", "ställ_in", "stallin", "cancel"}
_COMMAND = re.compile(r"^\s*(\S*)\s*(\d+)?\s*(.*)$", re.DOTALL)


def parse(text: str) -> tuple[str, int | None, str]:
    """"andra 12" -> ("edit", 12, ""); "stall_in 3 sjuk" -> ("cancel", 3, "sjuk"); unknown -> ("usage", ...)."""
    match = _COMMAND.match(text or "")
    assert match is not None  # every part of the pattern is optional: it matches any text
    word, number, rest = match.group(1).lower(), match.group(2), match.group(3).strip()
    meeting_id = int(number) if number else None
    if word in _NEW and meeting_id is None and not rest:
        return "new", None, ""
    if word in _EDIT and meeting_id is not None and not rest:
        return "edit", meeting_id, ""
    if word in _CANCEL and meeting_id is not None:
        return "cancel", meeting_id, rest
    return "usage", None, ""


def form_view(fields, *, values: dict[str, str] | None = None, meeting_id: int | None = None,
              channel: str | None = None, error: str | None = None) -> dict:
    """The modal: one plain_text_input per field of the core's form, prefilled with `values`."""
    blocks: list[dict] = []
    if error:
        blocks.append({"type": "section", "block_id": "error", "text": plain(f"⚠️ {error}")})
    for field in fields:
        element = {"type": "plain_text_input", "action_id": "value", "multiline": bool(field.multiline)}
        value = (values or {}).get(field.name)
        if value:
            element["initial_value"] = value
        label = f"{field.label_sv} / {field.label_en}" if field.label_en else field.label_sv  # both languages
        blocks.append({"type": "input", "block_id": field.name, "label": plain(label[:2000]),
                       "optional": not field.required, "element": element})
    title = (both("desk.shared.form_edit", id=meeting_id) if meeting_id is not None
             else both("desk.shared.form_new"))
    if len(title) > 24:  # Slack's limit for a modal's title
        title = msg("sv", "desk.shared.form_edit", id=meeting_id)
    return {"type": "modal", "callback_id": CALLBACK_ID, "title": plain(title[:24]),
            "private_metadata": json.dumps({"meeting": meeting_id, "channel": channel}),
            "submit": plain(both("desk.shared.save")), "close": plain(both("desk.shared.cancel")), "blocks": blocks}


def submitted_values(view: dict) -> dict[str, str]:
    values = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        value = (actions.get("value") or {}).get("value")
        values[block_id] = value or ""
    return values


class MeetingCommands:
    """The listeners' meeting work (runs on the worker pool, after the acknowledgement)."""

    def __init__(self, service, client, drafts: Drafts | None = None) -> None:
        self.service = service
        self.client = client
        self.drafts = drafts or Drafts()

    def tell(self, user: str, channel: str | None, text: str) -> None:
        if channel:
            self.client.chat_postEphemeral(channel=channel, user=user, text=escape(text))
        else:
            self.client.chat_postMessage(channel=user, text=escape(text))

    def on_command(self, body: dict, respond) -> None:
        user, channel = body["user_id"], body.get("channel_id")
        actor = Actor("slack", user)
        verb, meeting_id, rest = parse(body.get("text") or "")
        if verb == "usage":
            respond(text=escape(USAGE), response_type="ephemeral")
            return
        if not self.service.may_act(actor=actor, case_number=""):
            respond(text=escape(both(NOT_NAVIGATOR)), response_type="ephemeral")
            return
        if verb == "cancel":
            result = self.service.cancel_meeting(actor=actor, meeting_id=meeting_id, reason=rest or None)
            respond(text=escape(result.message), response_type="ephemeral")
            return
        values = None
        if verb == "edit":
            values = self.service.meeting_form(actor=actor, meeting_id=meeting_id)
            if values is None:
                respond(text=escape(both(NO_MEETING, id=meeting_id)), response_type="ephemeral")
                return
        view = form_view(self.service.meeting_fields(), values=values, meeting_id=meeting_id, channel=channel)
        self.client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_submit(self, body: dict, view: dict) -> None:
        metadata = json.loads(view.get("private_metadata") or "{}")
        meeting_id, channel = metadata.get("meeting"), metadata.get("channel")
        meeting_id = int(meeting_id) if meeting_id is not None else None
        user = body["user"]["id"]
        form = submitted_values(view)
        result = self.service.submit_meeting(actor=Actor("slack", user), form=form, meeting_id=meeting_id)
        if result.ok:
            self.tell(user, channel, result.message)
            return
        # Refused: the modal is closed already (acknowledged first), so keep what was typed and
        # offer a button that opens the form again, filled in, with the reason on top.
        token = self.drafts.keep(user=user, meeting_id=meeting_id, channel=channel, form=form, error=result.message)
        blocks = [{"type": "section", "text": plain(result.message)},
                  {"type": "actions", "block_id": "lotsen_meeting_draft", "elements": [
                      {"type": "button", "action_id": REOPEN_ACTION, "value": token,
                       "text": plain(both("desk.shared.reopen"))}]}]
        if channel:
            self.client.chat_postEphemeral(channel=channel, user=user, text=escape(result.message), blocks=blocks)
        else:
            self.client.chat_postMessage(channel=user, text=escape(result.message), blocks=blocks)

    def on_reopen(self, body: dict) -> None:
        user = body["user"]["id"]
        draft = self.drafts.take(body["actions"][0].get("value") or "", user=user)
        if draft is None:
            channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
            self.tell(user, channel, both(EXPIRED))
            return
        view = form_view(self.service.meeting_fields(), values=draft["form"], meeting_id=draft["meeting_id"],
                         channel=draft["channel"], error=draft["error"])
        self.client.views_open(trigger_id=body["trigger_id"], view=view)


class Drafts:
    """Refused forms kept in memory (bounded) so that nothing typed is lost."""

    def __init__(self, max_size: int = 500) -> None:
        self.max_size = max_size
        self._items: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, *, user: str, **draft) -> str:
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._items[token] = {"user": user, **draft}
            while len(self._items) > self.max_size:
                self._items.popitem(last=False)
        return token

    def take(self, token: str, *, user: str) -> dict | None:
        with self._lock:
            draft = self._items.get(token)
            if draft is None or draft["user"] != user:
                return None
            return self._items.pop(token)

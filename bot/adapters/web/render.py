"""What the web chat stores and what the page gets.

A transcript line is stored as (kind, text, data): the text as the core wrote it, and in `data`
the buttons (the core's keys and labels), an attachment, the language and the action. The page
gets each line as JSON: text split into parts where only URLs the knowledge base holds become
links (everything else, whoever wrote it, is text: the page sets it with textContent), buttons
whose values are signed for this session, and an attachment's download address.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from bot.adapters.choices import ChoiceKeys
from bot.adapters.web.texts import contact_note
from bot.core.messages import Reply
from bot.core.ports import OutboundMessage

_URL = re.compile(r"https?://[^\s<>()\[\]{}\"']+")
_LANG = re.compile(r"^[a-z]{2}$")
_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

def reply_data(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {"lang": reply.lang, "action": reply.action}
    if reply.buttons:
        data["buttons"] = [{"key": b.key, "label": b.label} for b in reply.buttons]
    if reply.attachments:
        first = reply.attachments[0]
        data["attachment"] = {"name": first.name, "mime": first.mime,
                              "b64": base64.b64encode(first.content).decode()}
    if reply.action == "contact":
        data["note"] = contact_note(reply.lang)  # how replies reach the person once the page is closed
    return data


def message_data(message: OutboundMessage) -> dict[str, Any]:
    data: dict[str, Any] = {"action": "message"}
    if message.buttons:
        data["buttons"] = [{"key": b.key, "label": b.label} for b in message.buttons]
    if message.attachment is not None:
        data["attachment"] = {"name": message.attachment_name or "bilaga", "mime": "text/calendar"
                              if (message.attachment_name or "").endswith(".ics") else "application/octet-stream",
                              "b64": base64.b64encode(message.attachment).decode()}
    return data


def parts(text: str, links: frozenset[str]) -> list[list[str]]:
    """[["t", text], ["a", url], ...]: a URL is a link only when the knowledge base holds it."""
    out: list[list[str]] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        if url not in links:
            continue
        start, end = match.start(), match.start() + len(url)
        if start > position:
            out.append(["t", text[position:start]])
        out.append(["a", url])
        position = end
    if position < len(text):
        out.append(["t", text[position:]])
    return out


def for_page(line: dict[str, Any], *, sid: str, keys: ChoiceKeys, links: frozenset[str]) -> dict[str, Any]:
    data = line.get("data") or {}
    mine = line["kind"] == "in"
    page: dict[str, Any] = {"id": line["id"], "from": "me" if mine else "lotsen", "at": line.get("at"),
                            "parts": [["t", line["text"]]] if mine else parts(line["text"], links)}
    if isinstance(data.get("lang"), str) and _LANG.match(data["lang"]):
        page["lang"] = data["lang"]
    if data.get("buttons"):
        page["buttons"] = [{"label": b["label"], "value": keys.issue(sid, b["key"])} for b in data["buttons"]]
    if data.get("attachment"):
        page["attachment"] = {"name": file_name(data["attachment"].get("name")),
                              "url": f"/chat/api/file/{line['id']}"}
    if data.get("note"):
        page["note"] = data["note"]
    return page


def file_name(name: str | None) -> str:
    cleaned = _FILE_NAME.sub("-", name or "bilaga").strip("-.") or "bilaga"
    return cleaned[:80]


def label_of(lines: list[dict[str, Any]], key: str) -> str | None:
    """The label of the button with `key` among the lines shown (newest first)."""
    for line in reversed(lines):
        for button in (line.get("data") or {}).get("buttons") or []:
            if button.get("key") == key:
                return str(button.get("label"))
    return None

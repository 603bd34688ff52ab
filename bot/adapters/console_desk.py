"""A NavigatorDesk for the console: prints what the navigators' channel would show (the case,
a mention of each member, the actions offered) to a given stream."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core.ports import CaseCard, Delivery
from bot.locales import msg


def _mention(member: dict) -> str:
    return f"@{member.get('name') or member.get('email') or 'lots'}"


class ConsoleDesk:
    name = "console"

    def __init__(self, stream: TextIO | None = None, *, name: str = "console") -> None:
        self.stream = stream or sys.stdout
        self.name = name

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def render(self, card: CaseCard) -> str:
        lines = [f"━━ {card.title} ━━ [{card.status}]"]
        if card.roles:
            lines.append(msg(card.lang, "desk.roles", roles=", ".join(name for _, name in card.roles)))
        if card.members:
            lines.append(" ".join(_mention(m) for m in card.members))
        lines.append(f"{msg(card.lang, 'desk.words')}: “{card.entrepreneur_words}”")
        if card.summary:
            lines.extend(card.summary.splitlines())
        if card.actions:
            lines.append("  ".join(f"[{button.label}]" for button in card.actions)
                         + f"   (lotsen cases claim|note|reply|close {card.number} --as <e-post>)")
        return "\n".join(lines)

    def convene(self, card: CaseCard) -> Delivery:
        self._print(self.render(card))
        return Delivery(ok=True, ref=f"{self.name}:{card.number}")

    def post(self, *, case_ref: str, text: str, mentions: list[dict] | None = None) -> Delivery:
        number = case_ref.split(":", 1)[-1]
        prefix = " ".join(_mention(m) for m in mentions or [])
        self._print(f"  ↳ {number}: {prefix + ' ' if prefix else ''}{text}")
        return Delivery(ok=True, ref=case_ref)

    def update(self, *, case_ref: str, card: CaseCard) -> Delivery:
        self._print(f"  ↻ {card.title} [{card.status}]")
        return Delivery(ok=True, ref=case_ref)

    def notice(self, *, text: str, mentions: list[dict] | None = None, attachment_name: str | None = None,
               attachment: bytes | None = None) -> Delivery:
        who = " ".join(_mention(m) for m in mentions or [])
        self._print("━━ " + (who + "\n" if who else "") + text)
        if attachment is not None:
            self._print(f"  (bifogad fil / attachment: {attachment_name or 'lotsen'}, {len(attachment)} bytes)")
        return Delivery(ok=True, ref=f"{self.name}:notice")

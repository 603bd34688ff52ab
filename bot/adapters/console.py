"""The terminal as a channel: the entrepreneur types, Lotsen answers, and the navigators' desk
is printed as it would look. Translation and rendering only, like the other adapters.

A file sent with a reply or a message (the `.ics` invitation) is written to a folder
(`files_dir`, by default `lotsen-filer` in the temporary directory) and its path printed, so it
can be opened in a calendar.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.core.actions import Actor, NavigatorAction
from bot.core.messages import Button, Incoming, Reply
from bot.core.ports import Delivery, OutboundMessage
from bot.core.service import LotsenService

CHANNEL = "console"
USER = "terminal"
HELP = """Kommandon / commands:
  /lots                 be om en företagslots / ask for a navigator
  /mina                 dina öppna ärenden / your open cases
  /glom                 radera dina uppgifter / erase your data
  /avbryt               avbryt det du håller på med / cancel what you are doing
  /lotse E-POST VERB ÄRENDE [TEXT]
                        agera som lots / act as a navigator; VERB is one of
                        claim, note, reply, meeting, add, close, e.g.
                        /lotse johan.wik@sjovik.example claim L-2026-0001
                        /lotse johan.wik@sjovik.example reply L-2026-0001 Hej! Jag ringer i morgon.
                        /lotse johan.wik@sjovik.example meeting L-2026-0001 2026-12-03 10:00
                        /lotse E-POST add L-2026-0001 ROLL-ELLER-E-POST  (koordinatorn / the coordinator)
                        /lotse johan.wik@sjovik.example close L-2026-0001 answered
  /hjalp                den här hjälpen / this help
  /sluta                avsluta / quit (or Ctrl-D)
A number answers the buttons shown under the last reply. Attached files (calendar invitations)
are written to a folder and their path is printed."""


def default_files_dir() -> Path:
    return Path(tempfile.gettempdir()) / "lotsen-filer"


def save_file(files_dir: Path, name: str, content: bytes) -> Path:
    """Write an attachment under its own name (no folders from the name); returns its path."""
    files_dir.mkdir(parents=True, exist_ok=True)
    path = files_dir / (Path(name).name or "bilaga")
    path.write_bytes(content)
    return path.resolve()


def _saved(path: Path) -> str:
    return f"  (bifogad fil sparad / attachment saved: {path})"


class ConsoleChannel:
    """Messages to the person at the terminal (relayed replies, reminders)."""

    name = CHANNEL

    def __init__(self, stream: TextIO | None = None, *, files_dir: Path | None = None) -> None:
        self.stream = stream or sys.stdout
        self.files_dir = files_dir or default_files_dir()

    def send(self, message: OutboundMessage) -> Delivery:
        print(f"\nlotsen (meddelande)> {message.text}", file=self.stream, flush=True)
        for number, button in enumerate(message.buttons, 1):
            print(f"  [{number}] {button.label}", file=self.stream)
        if message.attachment_name and message.attachment is not None:
            print(_saved(save_file(self.files_dir, message.attachment_name, message.attachment)), file=self.stream)
        return Delivery(ok=True, ref="console")


class ConsoleSession:
    """Reads lines, turns them into Incoming or navigator actions, prints what comes back."""

    def __init__(self, service: LotsenService, *, out: TextIO | None = None, files_dir: Path | None = None) -> None:
        self.service = service
        self.out = out or sys.stdout
        self.files_dir = files_dir or default_files_dir()
        self.buttons: list[Button] = []

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def show(self, reply: Reply) -> None:
        self.say(f"lotsen> {reply.text}")
        self.buttons = list(reply.buttons)
        for number, button in enumerate(self.buttons, 1):
            self.say(f"  [{number}] {button.label}")
        for attachment in reply.attachments:
            self.say(_saved(save_file(self.files_dir, attachment.name, attachment.content)))

    def run(self, lines: Iterable[str]) -> None:
        self.say("Lotsen – en väg in för företagare. Skriv din fråga (/hjalp för kommandon).")
        self.show(self.service.start(channel=CHANNEL, user_id=USER))
        for line in lines:
            if not self.step(line.rstrip("\n")):
                break
            self.service.dispatch_outbox()

    def step(self, line: str) -> bool:
        command = line.strip()
        if command in ("/sluta", "/quit", "/exit"):
            return False
        if command in ("/hjalp", "/help"):
            self.say(HELP)
        elif command == "/lots":
            self.show(self.service.request_navigator(Incoming(channel=CHANNEL, user_id=USER, text="")))
        elif command == "/mina":
            self.show(self.service.my_cases(channel=CHANNEL, user_id=USER))
        elif command in ("/glom", "/glom_mig"):
            self.show(self.service.erase(channel=CHANNEL, user_id=USER))
        elif command.startswith("/lotse"):
            self.navigator(command)
        elif command.isdigit() and 1 <= int(command) <= len(self.buttons):
            choice = self.buttons[int(command) - 1]
            self.show(self.service.handle(Incoming(channel=CHANNEL, user_id=USER, text=choice.label, choice=choice.key)))
        else:
            self.show(self.service.handle(Incoming(channel=CHANNEL, user_id=USER, text=line)))
        return True

    def navigator(self, command: str) -> None:
        try:
            parts = shlex.split(command)
        except ValueError:
            parts = command.split()
        if len(parts) < 4:
            self.say("Skriv: /lotse E-POST VERB ÄRENDE [TEXT]  (/hjalp)")
            return
        _, email, verb, number, *rest = parts
        text = " ".join(rest) or None
        outcome = text if verb == "close" else None
        action = NavigatorAction(actor=Actor("cli", email), verb=verb, case_number=number.upper(),
                                 text=None if verb == "close" else text, outcome=outcome)
        result = self.service.navigator_action(action)
        self.say(f"desk ({'ok' if result.ok else 'nej'})> {result.message}")

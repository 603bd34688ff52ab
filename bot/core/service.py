"""The one object adapters talk to. `bot.app.build_lotsen` builds the real one; adapters
receive it injected and never reach past it (no matching, routing or tables in adapters)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.core.actions import ActionResult, Actor, NavigatorAction
from bot.core.messages import Incoming, Reply


class MeetingField(Protocol):
    """One field of the navigators' meeting form (Slack modal, Telegram `key=value`)."""

    name: str  # the form key
    label_sv: str
    label_en: str
    required: bool
    multiline: bool


class LotsenService(Protocol):
    def handle(self, incoming: Incoming) -> Reply:
        """An entrepreneur's message (or button press, `incoming.choice`) → the reply to send now.
        State is committed before this returns; anything for others goes through the outbox."""
        ...

    def start(self, *, channel: str, user_id: str, lang: str | None = None) -> Reply:
        """The welcome (Telegram /start): what Lotsen can do and the privacy notice."""
        ...

    def request_navigator(self, incoming: Incoming) -> Reply:
        """The entrepreneur explicitly asks for a navigator (Telegram /lots)."""
        ...

    def my_cases(self, *, channel: str, user_id: str, lang: str | None = None) -> Reply:
        """The person's open cases (Telegram /mina_arenden)."""
        ...

    def erase(self, *, channel: str, user_id: str, lang: str | None = None, confirmed: bool = False) -> Reply:
        """Erase the person's data (Telegram /glom_mig) and say what was kept and why. When that
        would close an open case, the reply first asks (buttons erase:confirm / erase:keep, or
        "ja"/"nej" as the next message); `confirmed=True` erases without asking."""
        ...

    def navigator_action(self, action: NavigatorAction) -> ActionResult:
        """A navigator pressed claim/reply/close, wrote a note or proposed a meeting."""
        ...

    def submit_meeting(self, *, actor: Actor, form: dict[str, str], meeting_id: int | None = None,
                       lang: str = "sv") -> ActionResult:
        """A navigator creates (or, with `meeting_id`, edits) a dialogue meeting from a desk form
        (Slack modal, Telegram group command `/mote titel=...; start=...`)."""
        ...

    def cancel_meeting(self, *, actor: Actor, meeting_id: int, reason: str | None = None,
                       lang: str = "sv") -> ActionResult:
        ...

    def submit_meeting_command(self, *, actor: Actor, text: str, meeting_id: int | None = None,
                               lang: str = "sv") -> ActionResult:
        """The same as `submit_meeting`, from the text form `titel=Frukost; start=2026-12-03 08:00; ...`
        (Telegram `/mote`, `/mote_andra <id> ...`); the core reads the text."""
        ...

    def meeting_fields(self) -> Sequence[MeetingField]:
        """The fields of the meeting form, in order (to build a modal)."""
        ...

    def meeting_form(self, *, actor: Actor, meeting_id: int) -> dict[str, str] | None:
        """A meeting's current values as form values (to prefill an edit form); None if there is
        no such meeting or `actor` is not a navigator."""
        ...

    def may_act(self, *, actor: Actor, case_number: str) -> bool:
        """Whether `actor` is a navigator at all (listed in routing_rules.yaml), checked before a
        form is opened. `case_number=""` asks about the desk in general (meetings). The actions
        themselves are checked again by the core."""
        ...

    def dispatch_outbox(self) -> int:
        """Send what is due in the outbox now; returns how many were sent."""
        ...

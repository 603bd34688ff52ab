"""Commands people type ("/avbryt", "/foo"): the ones each channel offers, and the answer to
one Lotsen does not know (the list of those it does). The adapters route their own commands
(/start, /lots, /glom_mig ...) to the service; whatever else starts with "/" reaches the core.
"""

from __future__ import annotations

import re

from bot.locales import msg

_COMMAND = re.compile(r"^/([A-Za-z0-9_åäöÅÄÖ-]{1,40})(?:@\w+)?(?:\s|$)")

# channel -> [(command, message id of what it does)]
COMMANDS: dict[str, list[tuple[str, str]]] = {
    "telegram": [("/start", "commands.start"), ("/lots", "commands.navigator"), ("/moten", "commands.meetings"),
                 ("/mina_arenden", "commands.cases"), ("/avbryt", "commands.cancel"),
                 ("/glom_mig", "commands.erase")],
    "slack": [("/lots", "commands.navigator"), ("/mina_arenden", "commands.cases"), ("/glom_mig", "commands.erase"),
              ("avbryt", "commands.cancel"), ("möten", "commands.meetings")],
    "console": [("/lots", "commands.ask_navigator"), ("/mina", "commands.cases"), ("/avbryt", "commands.cancel"),
                ("/glom", "commands.erase"), ("/lotse E-POST VERB ÄRENDE", "commands.act"),
                ("/hjalp", "commands.help"), ("/sluta", "commands.quit")],
}
_DEFAULT = [("lots", "commands.navigator"), ("möten", "commands.meetings"), ("avbryt", "commands.cancel"),
            ("glöm mig", "commands.erase")]


def command_of(text: str | None) -> str | None:
    """"/Foo@lotsen_bot bar" -> "foo"; None when the message is not a command."""
    match = _COMMAND.match((text or "").strip())
    return match.group(1).casefold() if match else None


def looks_like_command(text: str | None) -> bool:
    stripped = (text or "").strip()
    return stripped.startswith("/") and len(stripped) > 1 and not stripped.startswith("//")


def command_list(channel: str, lang: str) -> str:
    rows = COMMANDS.get(channel, _DEFAULT)
    lines = [f"{name} – {msg(lang, key)}" for name, key in rows]
    return "\n".join([msg(lang, "commands.head"), *lines, msg(lang, "commands.tail")])


def unknown_command(text: str, channel: str, lang: str) -> str:
    shown = (text or "").strip().split()[0][:40] if (text or "").strip() else "/"
    return msg(lang, "commands.unknown", command=shown) + "\n" + command_list(channel, lang)

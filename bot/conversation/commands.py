"""Commands people type ("/avbryt", "/foo"): the ones each channel offers, and the answer to
one Lotsen does not know (the list of those it does). The adapters route their own commands
(/start, /lots, /glom_mig ...) to the service; whatever else starts with "/" reaches the core.
"""

from __future__ import annotations

import re

_COMMAND = re.compile(r"^/([A-Za-z0-9_åäöÅÄÖ-]{1,40})(?:@\w+)?(?:\s|$)")

# channel -> [(command, Swedish, English)]
COMMANDS: dict[str, list[tuple[str, str, str]]] = {
    "telegram": [("/start", "börja här och se vad Lotsen kan", "start here and see what Lotsen can do"),
                 ("/lots", "få kontakt med en företagslots", "talk to a business navigator"),
                 ("/moten", "kommande möten för företagare", "upcoming business meetings"),
                 ("/mina_arenden", "dina öppna ärenden", "your open cases"),
                 ("/avbryt", "avbryt det du håller på med", "cancel what you are doing"),
                 ("/glom_mig", "radera dina uppgifter", "erase your data")],
    "slack": [("/lots", "få kontakt med en företagslots", "talk to a business navigator"),
              ("/mina_arenden", "dina öppna ärenden", "your open cases"),
              ("/glom_mig", "radera dina uppgifter", "erase your data"),
              ("avbryt", "avbryt det du håller på med", "cancel what you are doing"),
              ("möten", "kommande möten för företagare", "upcoming business meetings")],
    "console": [("/lots", "be om en företagslots", "ask for a navigator"),
                ("/mina", "dina öppna ärenden", "your open cases"),
                ("/avbryt", "avbryt det du håller på med", "cancel what you are doing"),
                ("/glom", "radera dina uppgifter", "erase your data"),
                ("/lotse E-POST VERB ÄRENDE", "agera som lots", "act as a navigator"),
                ("/hjalp", "alla kommandon", "all commands"),
                ("/sluta", "avsluta", "quit")],
}
_DEFAULT = [("lots", "få kontakt med en företagslots", "talk to a business navigator"),
            ("möten", "kommande möten för företagare", "upcoming business meetings"),
            ("avbryt", "avbryt det du håller på med", "cancel what you are doing"),
            ("glöm mig", "radera dina uppgifter", "erase your data")]


def command_of(text: str | None) -> str | None:
    """"/Foo@lotsen_bot bar" -> "foo"; None when the message is not a command."""
    match = _COMMAND.match((text or "").strip())
    return match.group(1).casefold() if match else None


def looks_like_command(text: str | None) -> bool:
    stripped = (text or "").strip()
    return stripped.startswith("/") and len(stripped) > 1 and not stripped.startswith("//")


def command_list(channel: str, lang: str) -> str:
    rows = COMMANDS.get(channel, _DEFAULT)
    head = "Det här kan du skriva:" if lang == "sv" else "This is what you can write:"
    lines = [f"{name} – {sv if lang == 'sv' else en}" for name, sv, en in rows]
    tail = ("Eller ställ en fråga med egna ord, till exempel \"Behöver jag bygglov för ett skärmtak?\"."
            if lang == "sv" else "Or ask a question in your own words, for example \"Do I need a building permit?\".")
    return "\n".join([head, *lines, tail])


def unknown_command(text: str, channel: str, lang: str) -> str:
    shown = (text or "").strip().split()[0][:40] if (text or "").strip() else "/"
    head = (f"Kommandot {shown} känner jag inte till." if lang == "sv"
            else f"I do not know the command {shown}.")
    return head + "\n" + command_list(channel, lang)

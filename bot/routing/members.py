"""The members of routing_rules.yaml: a name, an e-mail and one id per channel (`identities`).

The loader's checker mixes these in; every problem names the file and line (`self.problem`).
Ids are checked only as text here: each channel's adapter reads its own ids.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot.knowledge.loader import ROLE_SLUG as ROLE_ID
from bot.routing.rules import Member

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IDENTITY = re.compile(r"^[A-Za-z0-9_.:@+-]{1,128}$")
# Before `identities:`, a member named its Slack and Telegram ids directly; still read.
LEGACY_IDENTITY_KEYS = ("slack", "telegram")


@lru_cache(maxsize=1)
def identity_parsers() -> dict:
    """Each registered channel reads its own ids (bot.adapters.registry); channels not
    registered are checked as text only."""
    from bot.adapters.registry import identity_parsers as registered

    return registered()


class MemberChecks:
    # provided by the checker: problem(where, message), mapping(value, where, what), doc
    problem: Any
    mapping: Any
    doc: Any

    def member(self, value: Any, where: tuple, what: str) -> Member | None:
        data = self.mapping(value, where, what)
        if not data:
            self.problem(where, f"{what}: needs at least a name and one id (identities or email)")
            return None
        for key in sorted(set(data) - {"name", "identities", "email", *LEGACY_IDENTITY_KEYS}, key=str):
            self.problem((*where, key), f"{what}: unknown key {key!r} (use name, email, identities)")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem(where, f"{what}: a display name is required")
            name = None
        identities = self.identities(data, where, what)
        email = data.get("email")
        if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
            self.problem((*where, "email"), f"{what}: {email!r} is not an e-mail address")
            email = None
        if not identities and email is None:
            self.problem(where, f"{what}: {name or 'member'} has no id: give identities (e.g. slack: U…) or email")
            return None
        if name is None:
            return None
        return Member(name=name.strip(), identities=identities, email=email)

    def identities(self, data: dict, where: tuple, what: str) -> dict[str, str]:
        """`identities: {channel: id}`, and the keys `slack:` and `telegram:` of older files.
        An id is the channel's own (its adapter reads it): text without spaces or a whole number."""
        found: dict[str, str] = {}
        given = self.mapping(data.get("identities"), (*where, "identities"), f"{what}: identities")
        sources = [((*where, "identities", key), key, raw) for key, raw in given.items()]
        sources += [((*where, key), key, data[key]) for key in LEGACY_IDENTITY_KEYS if data.get(key) is not None]
        for at, channel, raw in sources:
            if not isinstance(channel, str) or not ROLE_ID.match(channel) or channel == "email":
                self.problem(at, f"{what}: {channel!r} is not a channel name (a-z, 0-9, - and _; "
                                 "the e-mail goes in email:)")
                continue
            if isinstance(raw, bool) or not isinstance(raw, (str, int)) or not _IDENTITY.match(str(raw)):
                self.problem(at, f"{what}: the {channel} id {raw!r} must be the channel's user id "
                                 "(letters, digits, - _ . : @, no spaces)")
                continue
            if channel in found and found[channel] != str(raw):
                self.problem(at, f"{what}: two {channel} ids ({found[channel]!r} and {str(raw)!r})")
                continue
            parse = identity_parsers().get(channel)
            if parse is not None:
                try:
                    raw = parse(raw)
                except ValueError as exc:
                    self.problem(at, f"{what}: {exc}")
                    continue
            found[channel] = str(raw)
        return found

    def _unique(self, member: Member, where: tuple, owners: dict) -> None:
        """The same id may appear in several roles only for the very same person (per identity:
        each channel's id, and the e-mail)."""
        for kind, value in (*member.identities.items(), ("email", (member.email or "").casefold() or None)):
            if value is None:
                continue
            previous = owners.get((kind, str(value)))
            if previous is None:
                owners[(kind, str(value))] = (member, where)
            elif previous[0] != member:
                self.problem(where, f"duplicate {kind} id {value!r}: already used by {previous[0].name} "
                                    f"(line {self.doc.line(previous[1])})")

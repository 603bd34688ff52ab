"""knowledge/meetings.yaml: recurring dialogue meetings the municipality holds every year.

Each entry is one series; every date in `dates` becomes a meeting keyed `<key>:<date>`, so
loading again changes nothing (idempotent), an edited entry updates meetings still ahead, and
dates already past are left out.

    - key: naringslivsrad
      kind: naringslivsrad
      title: {sv: Näringslivsrådet, en: The business council}
      description: {sv: ..., en: ...}
      place: Stadshuset, sal A
      duration_minutes: 120
      tags: [naringsliv]          # article ids, roles of routing_rules.yaml, or fixed tags
      capacity: 30
      organiser_role: naringsliv  # default: the coordinator of routing_rules.yaml
      dates: ["2027-02-04 08:00", "2027-05-06 08:00"]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from bot.core.clock import Clock
from bot.meetings import service
from bot.meetings.errors import MeetingError
from bot.meetings.models import Meeting
from bot.meetings.times import format_input, parse_local
from bot.storage.rows import saved_id


class SeedError(Exception):
    """The seed file is malformed; the message names the entry."""


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    past: list[str] = field(default_factory=list)


def _bilingual(entry: dict, name: str) -> tuple[str, str]:
    value = entry.get(name) or {}
    if isinstance(value, str):
        return value, value
    return str(value.get("sv") or value.get("en") or ""), str(value.get("en") or value.get("sv") or "")


def read_seed(path: Path) -> list[dict]:
    """The entries expanded to one mapping of Meeting fields per date (times as text)."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: {exc}") from None
    if isinstance(data, dict):
        data = data.get("meetings") or []
    if not isinstance(data, list):
        raise SeedError(f"{path}: expected a list of meeting series")
    expanded = []
    for number, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or not entry.get("key"):
            raise SeedError(f"{path}: entry {number} needs a key")
        key = str(entry["key"])
        title_sv, title_en = _bilingual(entry, "title")
        description_sv, description_en = _bilingual(entry, "description")
        try:
            minutes = int(entry.get("duration_minutes", 60))
        except (TypeError, ValueError):
            raise SeedError(f"{path}: {key}: duration_minutes must be a number") from None
        dates = entry.get("dates") or []
        if not isinstance(dates, list) or not dates:
            raise SeedError(f"{path}: {key}: needs a list of dates")
        for raw in dates:
            try:
                starts_at = parse_local(str(raw))
            except MeetingError as exc:
                raise SeedError(f"{path}: {key}: {exc.message('en')}") from None
            expanded.append({
                "seed_key": f"{key}:{format_input(starts_at)}"[:100],
                "title_sv": title_sv, "title_en": title_en, "kind": entry.get("kind", "information"),
                "starts_at": starts_at, "ends_at": starts_at + timedelta(minutes=minutes),
                "place": entry.get("place"), "link": entry.get("link"),
                "description_sv": description_sv, "description_en": description_en,
                "tags": list(entry.get("tags") or []), "capacity": entry.get("capacity"),
                "organiser_role": entry.get("organiser_role"),
                "reminders": entry.get("reminders"),
                "signup_deadline_days": entry.get("signup_deadline_days"),
            })
    return expanded


def load_seed(session: Session, *, path: Path, clock: Clock, known_tags: Iterable[str],
              actor: str = "seed", organiser: str = "") -> SeedResult:
    """Create or update the seeded meetings ahead; all entries are checked before any write,
    so a bad entry leaves the database as it was (raises MeetingError or SeedError).
    `organiser`: the organiser role of entries that name none (the routing rules' coordinator)."""
    now = clock.now()
    known_tags = frozenset(known_tags)
    result = SeedResult()
    prepared = []
    for values in read_seed(path):
        key = values.pop("seed_key")
        deadline_days = values.pop("signup_deadline_days")
        if deadline_days:
            values["signup_deadline"] = values["starts_at"] - timedelta(days=int(deadline_days))
        if values["reminders"] is None:
            values.pop("reminders")
        if not values["organiser_role"]:
            values["organiser_role"] = organiser
        if values["starts_at"] <= now:
            result.past.append(key)
            continue
        from bot.meetings.validation import validate_meeting

        try:
            validate_meeting(dict(values), now=now, known_tags=known_tags)
        except MeetingError as exc:
            raise SeedError(f"{key}: {exc.message('en')}") from None
        prepared.append((key, values))
    for key, values in prepared:
        existing = session.exec(select(Meeting).where(Meeting.seed_key == key)).first()
        if existing is None:
            service.create_meeting(session, fields={**values, "seed_key": key}, actor=actor, clock=clock,
                                   known_tags=known_tags)
            result.created.append(key)
            continue
        if existing.status == "cancelled":
            result.unchanged.append(key)
            continue
        before = existing.sequence
        service.edit_meeting(session, meeting_id=saved_id(existing), changes=values, actor=actor, clock=clock,
                             known_tags=known_tags)
        (result.updated if existing.sequence != before else result.unchanged).append(key)
    return result

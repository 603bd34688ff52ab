"""The sourced facts of an article: `legal_basis`, `deadline` and `fees` each carry, besides
their `sv` and `en` text, the `sources` they come from and the date they were last `checked`.

    legal_basis:
      sv: "Alkohollagen (2010:1622) 8 kap."
      en: "The Alcohol Act (2010:1622) chapter 8"
      sources: [https://www.riksdagen.se/..., "{{fees.alkohol.url}}"]
      checked: 2026-11-29

A source is a URL or a reference into the municipality profile that resolves to one. Used by
bot.knowledge.loader, which reads the texts and reports every problem with file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from bot.knowledge.models import LANGS

URL_PREFIXES = ("https://", "http://")
FACT_KEYS = (*LANGS, "sources", "checked")
REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")

LineOf = Callable[..., "int | None"]  # line_of("sources", 0): the file line of legal_basis.sources[0]
Add = Callable[["int | None", str], None]
Resolve = Callable[[str, str, "int | None"], str]


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def _sources(field: str, raw: Any, *, line_of: LineOf, add: Add, resolve: Resolve) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        add(line_of("sources"), f"'{field}' has no sources: list at least one URL (https://...) or profile "
                                f"reference such as {{{{fees.bygglov.url}}}} under '{field}.sources'")
        return ()
    found: list[str] = []
    for i, entry in enumerate(raw):
        line = line_of("sources", i)
        text = entry.strip() if isinstance(entry, str) else ""
        if REFERENCE.fullmatch(text):
            resolved = resolve(text, "sv", line)
            if resolved == text:  # an unknown reference (the resolver has said so) or no profile
                continue
            if not resolved.startswith(URL_PREFIXES):
                add(line, f"'{field}.sources': {text} is not a URL in the profile (it gives {resolved!r})")
                continue
            found.append(resolved)
        elif text.startswith(URL_PREFIXES) and len(text.split()) == 1:
            found.append(text)
        else:
            add(line, f"'{field}.sources' entry {entry!r} is neither a URL (https://...) nor a profile "
                      f"reference ({{{{path}}}})")
    return tuple(found)


def parse_fact(field: str, value: Any, *, line_of: LineOf, add: Add, resolve: Resolve,
               today: date, extra: tuple[str, ...] = ()) -> tuple[tuple[str, ...], date | None]:
    """(sources with profile references resolved, checked date or None), adding a problem for a
    missing or empty `sources`, a bad entry, a missing, malformed or future `checked` and an
    unknown key. The texts (sv, en and the `extra` languages offered) are the loader's to read."""
    if not isinstance(value, dict):
        return (), None
    allowed = (*FACT_KEYS, *extra)
    for key in sorted((k for k in value if k not in allowed), key=str):
        add(line_of(key), f"'{field}' has an unknown key '{key}' (allowed: {', '.join(allowed)})")
    sources = _sources(field, value.get("sources"), line_of=line_of, add=add, resolve=resolve)
    checked = as_date(value.get("checked"))
    if "checked" not in value:
        add(line_of(), f"'{field}' has no 'checked' date: add '{field}.checked: YYYY-MM-DD', the day it "
                       "was last checked against its sources")
    elif checked is None:
        add(line_of("checked"), f"'{field}.checked' must be a date (YYYY-MM-DD), got {value.get('checked')!r}")
    elif checked > today:
        add(line_of("checked"), f"'{field}.checked' is {checked.isoformat()}, a date in the future")
        checked = None
    return sources, checked

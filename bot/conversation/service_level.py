"""When the entrepreneur can expect a navigator: the service level's deadline for claiming a
case (working hours, Swedish public holidays), said in Stockholm time."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import STOCKHOLM

_DAYS = {"sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
         "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
_MONTHS = {"sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                  "oktober", "november", "december"),
           "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")}


def local_moment(moment: datetime, lang: str) -> str:
    """"tisdag 24 november kl. 09.00" / "Tuesday 24 November at 09:00" (Stockholm time)."""
    local = moment.astimezone(STOCKHOLM)
    lang = "en" if lang == "en" else "sv"
    day = f"{_DAYS[lang][local.weekday()]} {local.day} {_MONTHS[lang][local.month - 1]}"
    if lang == "en":
        return f"{day} at {local:%H:%M} (Swedish time)"
    return f"{day} kl. {local:%H.%M}"


def service_level_due(rules, now: datetime, lang: str) -> str | None:
    level = getattr(rules, "service_level", None)
    if level is None:
        return None
    return local_moment(level.hours.add(now, level.acknowledge_hours), lang)

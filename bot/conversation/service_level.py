"""When the entrepreneur can expect a navigator: the service level's deadline for claiming a
case (working hours, Swedish public holidays), said in Stockholm time."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import STOCKHOLM
from bot.locales import msg, words


def local_moment(moment: datetime, lang: str) -> str:
    """"tisdag 24 november kl. 09.00" / "Tuesday 24 November at 09:00" (Stockholm time)."""
    local = moment.astimezone(STOCKHOLM)
    return msg(lang, "time.moment", day=words(lang, "time.days")[local.weekday()], date=local.day,
               month=words(lang, "time.months")[local.month - 1], hour=local.hour, minute=local.minute)


def service_level_due(rules, now: datetime, lang: str) -> str | None:
    level = getattr(rules, "service_level", None)
    if level is None:
        return None
    return local_moment(level.hours.add(now, level.acknowledge_hours), lang)

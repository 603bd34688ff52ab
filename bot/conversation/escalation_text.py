"""What Lotsen says when it brings officials together: which ones, why, and what it needs."""

from __future__ import annotations

from bot.locales import join, msg

_REASONS = frozenset({"multi_authority", "explicit_request", "unanswered", "dispute"})


def explain(*, trigger_kind: str, titles: list[str], role_names: list[str], lang: str) -> str:
    about = f" ({join(lang, titles)})" if len(titles) > 1 else ""
    key = trigger_kind if trigger_kind in _REASONS else "other"
    reason = msg(lang, f"escalation.{key}", about=about)
    return msg(lang, "escalation.offer", reason=reason, who=join(lang, role_names))

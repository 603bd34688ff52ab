"""The CaseCard the navigators' channels render, built from the case at send time."""

from __future__ import annotations

from bot.cases.models import Case
from bot.cases.states import OPEN_STATUSES
from bot.cases.texts import format_when, outcome_name, t
from bot.core.messages import Button
from bot.core.ports import CaseCard
from bot.routing.rules import RoutingRules
from bot.storage.rows import saved_id

_TRIGGERS = ("multi_authority", "explicit_request", "unanswered", "dispute")


def action_buttons(case: Case, lang: str = "sv") -> list[Button]:
    if case.status not in OPEN_STATUSES:
        return []
    verbs = ["claim"] if case.status in ("new", "convened") else []
    verbs += ["reply", "note", "meeting", "add", "close"]
    return [Button(key=f"case:{case.number}:{verb}", label=t(f"card.{verb}", lang)) for verb in verbs]


def build_card(case: Case, *, rules: RoutingRules | None, lang: str = "sv") -> CaseCard:
    titles = [str(topic.get("title") or topic.get("id")) for topic in case.topics or []]
    lines = []
    if case.trigger.get("kind") in _TRIGGERS:
        lines.append(t(f"card.{case.trigger['kind']}", lang))
    contact = [v for v in (case.contact_name, case.contact_company, case.contact_phone, case.contact_email) if v]
    if contact:
        lines.append(t("card.contact", lang, contact=", ".join(contact)))
    elif case.erased_at is not None:
        lines.append(t("card.pseudonym", lang, pseudonym=case.pseudonym))
    if case.claimed_by_name:
        lines.append(t("card.claimed_by", lang, name=case.claimed_by_name))
    if case.meeting_at is not None:
        lines.append(t("card.meeting_at", lang, when=format_when(case.meeting_at, lang)))
    if case.outcome:
        lines.append(t("card.outcome", lang, outcome=outcome_name(case.outcome, lang)))
    for topic in case.topics or []:
        if topic.get("url"):
            lines.append(f"{topic.get('title')}: {topic['url']}")
    name = (lambda role: rules.role_name(role, lang)) if rules else (lambda role: role)
    return CaseCard(
        case_id=saved_id(case), number=case.number,
        title=f"{case.number} · {', '.join(titles) if titles else t('card.new_case', lang)}",
        summary="\n".join(lines), entrepreneur_words=case.words or t("erased_words", lang),
        topics=[(str(topic.get("id")), str(topic.get("title") or topic.get("id"))) for topic in case.topics or []],
        roles=[(role, name(role)) for role in case.roles or []], members=list(case.members or []),
        status=case.status, contact_name=case.contact_name, lang=lang,
        actions=action_buttons(case, lang))

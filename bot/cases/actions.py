"""Navigator actions: claim, note, reply, meeting (propose a time; "propose_meeting" is its alias),
add (the coordinator brings in a role or a navigator by e-mail, who may then claim), close.

Only people listed in routing_rules.yaml (members or deputies) may act; anyone else is refused
and the refusal is audited. Every action is a timeline event; messages to the entrepreneur
and the desk go through the outbox in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from bot.cases.card import build_card
from bot.cases.errors import CaseError
from bot.cases.models import Case
from bot.cases.queries import find_case
from bot.cases.service import message_entrepreneur, post_to_desk, record_event, update_desk
from bot.cases.states import ensure_open, transition
from bot.cases.texts import format_when, outcome_name, t
from bot.core.actions import OUTCOMES, ActionResult, Actor, NavigatorAction
from bot.core.clock import STOCKHOLM, Clock
from bot.insight.facts import record_claim
from bot.insight.survey import start_survey
from bot.locales import ByLang
from bot.routing.rules import Member, RoutingRules
from bot.storage.db import Database

log = logging.getLogger(__name__)


def perform_action(session: Session, *, action: NavigatorAction, rules: RoutingRules, clock: Clock,
                   lang: str = "sv") -> ActionResult:
    """Do what a navigator asked, or refuse with a clear message. Refusals and illegal
    transitions are audited as "refused" events and leave the case unchanged."""
    now = clock.now()
    actor = (action.actor.channel, str(action.actor.user_id))
    case = find_case(session, number=action.case_number)
    member = rules.member_for(action.actor)
    if member is None:
        record_event(session, case=case, kind="refused", actor=actor, now=now,
                     data={"verb": action.verb, "reason": "not_a_member", "case_number": action.case_number})
        log.warning("refused %s on %s: actor not in routing rules", action.verb, action.case_number)
        return ActionResult(ok=False, message=t("refused", lang))
    if case is None:
        return ActionResult(ok=False, message=t("not_found", lang, number=action.case_number))
    if session.get_bind().dialect.name != "sqlite":  # SQLite: db.writer() already holds the lock
        session.refresh(case, with_for_update=True)  # two navigators pressing claim at once: one wins
    verb = canonical_verb(action.verb)
    if verb is None:
        return ActionResult(ok=False, message=t("unknown_verb", lang, verb=str(action.verb)[:40],
                                                verbs=", ".join(VERBS)))
    handler = _VERBS[verb]
    try:
        if verb in ("claim", "add", "close"):  # need the rules (claim and close also record insight's facts)
            message = handler(session, case, action, member, actor, now, lang, rules)
        else:
            message = handler(session, case, action, member, actor, now, lang)
    except CaseError as exc:
        record_event(session, case=case, kind="refused", actor=actor, actor_name=member.name, now=now,
                     data={"verb": action.verb, "reason": exc.en, "status": case.status})
        return ActionResult(ok=False, message=exc.text(lang), card=build_card(case, rules=rules, lang=lang))
    case.updated_at = now
    session.add(case)
    log.info("case %s: %s by a navigator", case.number, action.verb)
    return ActionResult(ok=True, message=message, card=build_card(case, rules=rules, lang=lang))


def navigator_action(db: Database, *, action: NavigatorAction, rules: RoutingRules, clock: Clock,
                     lang: str = "sv") -> ActionResult:
    """`perform_action` in its own unit of work (refusals are committed too)."""
    with db.writer() as session:
        return perform_action(session, action=action, rules=rules, clock=clock, lang=lang)


def _member_key(member: Member) -> str:
    return member.email or next(iter(member.identities.values()), member.name)


def _text(action: NavigatorAction) -> str:
    text = (action.text or "").strip()
    if not text:
        raise CaseError("cases.need_text")
    return text


def _in_role(rules: RoutingRules, role_id: str, member: Member) -> bool:
    role = rules.roles.get(role_id)
    return role is not None and (member in role.members or member == role.deputy)


def is_coordinator(rules: RoutingRules, member: Member) -> bool:
    return _in_role(rules, rules.coordinator, member)


def may_claim(rules: RoutingRules, case: Case, member: Member) -> bool:
    """Claiming is for the members and deputies of the roles convened on the case, and of the
    coordinator's role (who may take any case and bring in others), and for a navigator the
    coordinator added to the case by name (`add`)."""
    if any(_in_role(rules, role_id, member) for role_id in {*(case.roles or []), rules.coordinator}):
        return True
    return member.in_snapshots(case.members or [])


def _claim(session, case: Case, action, member, actor, now, lang, rules) -> str:
    if not may_claim(rules, case, member):
        roles = list(case.roles or [])
        raise CaseError("cases.not_convened", number=case.number, coordinator=_coordinator(rules),
                        roles=ByLang(lambda lang: ", ".join(rules.role_name(r, lang) for r in roles)))
    case.status = transition(case.status, "claimed")
    case.claimed_by, case.claimed_by_name = _member_key(member), member.name
    event = record_event(session, case=case, kind="claimed", actor=actor, actor_name=member.name, now=now)
    message_entrepreneur(session, case=case, event=event, now=now,
                         text=t("claimed", case.lang, name=member.name, number=case.number))
    post_to_desk(session, case=case, event=event, text_key="desk_claimed", now=now)
    update_desk(session, case=case, event=event, now=now)
    record_claim(session, case=case, rules=rules, now=now)
    return t("ok_claim", lang, number=case.number)


def _note(session, case: Case, action, member, actor, now, lang) -> str:
    ensure_open(case.status)
    event = record_event(session, case=case, kind="note", actor=actor, actor_name=member.name,
                         text=_text(action), now=now)
    post_to_desk(session, case=case, event=event, text_key="desk_note", now=now)
    return t("ok_note", lang, number=case.number)


def _reply(session, case: Case, action, member, actor, now, lang) -> str:
    ensure_open(case.status)
    text = _text(action)
    if not case.address:
        raise CaseError("cases.erased_person")
    event = record_event(session, case=case, kind="reply", actor=actor, actor_name=member.name, text=text, now=now)
    message_entrepreneur(session, case=case, event=event, now=now,
                         text=t("reply", case.lang, name=member.name, number=case.number, text=text))
    post_to_desk(session, case=case, event=event, text_key="desk_reply", now=now)
    return t("ok_reply", lang, number=case.number)


def parse_meeting_time(text: str | None, *, now: datetime) -> datetime:
    """ISO 8601 ("2026-12-01T10:00", "2026-12-01 10:00", with or without offset; without an
    offset it is Swedish time), in the future."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise CaseError("cases.bad_time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    if moment <= now:
        raise CaseError("cases.bad_time")
    return moment


def _propose(session, case: Case, action, member, actor, now, lang) -> str:
    moment = parse_meeting_time(action.text, now=now)
    if not case.address:
        raise CaseError("cases.erased_person")
    case.status = transition(case.status, "meeting_proposed")
    case.meeting_at = moment
    event = record_event(session, case=case, kind="meeting_proposed", actor=actor, actor_name=member.name,
                         now=now, data={"meeting_at": moment.isoformat()})
    buttons = [{"key": f"case:{case.number}:meeting:accept", "label": t("accept", case.lang)},
               {"key": f"case:{case.number}:meeting:decline", "label": t("decline", case.lang)}]
    message_entrepreneur(session, case=case, event=event, buttons=buttons, now=now,
                         text=t("meeting", case.lang, name=member.name, number=case.number,
                                when=format_when(moment, case.lang)))
    post_to_desk(session, case=case, event=event, text_key="desk_meeting", now=now)
    update_desk(session, case=case, event=event, now=now)
    return t("ok_meeting", lang, number=case.number, when=format_when(moment, lang))


def _close(session, case: Case, action, member, actor, now, lang, rules=None) -> str:
    if action.outcome not in OUTCOMES:
        names = ", ".join(OUTCOMES)
        raise CaseError("cases.bad_outcome", outcomes=names)
    case.status = transition(case.status, "closed")
    case.outcome, case.closed_at = action.outcome, now
    event = record_event(session, case=case, kind="closed", actor=actor, actor_name=member.name, now=now,
                         text=(action.text or "").strip() or None, data={"outcome": action.outcome})
    if action.outcome != "withdrawn":
        message_entrepreneur(session, case=case, event=event, now=now, text=t("closed", case.lang, number=case.number))
        start_survey(session, case=case, rules=rules, now=now)  # the Insikt follow-up, in this transaction
    post_to_desk(session, case=case, event=event, text_key="desk_closed", now=now)
    update_desk(session, case=case, event=event, now=now)
    return t("ok_close", lang, number=case.number, outcome=outcome_name(action.outcome, lang))


def _coordinator(rules: RoutingRules) -> ByLang:
    """The coordinating role's name, in the language the refusal is read in."""
    return ByLang(lambda lang: rules.role_name(rules.coordinator, lang))


def _add(session, case: Case, action, member, actor, now, lang, rules) -> str:
    """The coordinator brings a role (its id or name) or a navigator (by e-mail) into the case;
    they are mentioned on the desk and may then claim it."""
    if not is_coordinator(rules, member):
        raise CaseError("cases.add_not_coordinator", coordinator=_coordinator(rules))
    ensure_open(case.status)
    target = _text(action)
    role_id = find_role(rules, target)
    if role_id is not None:
        if role_id in (case.roles or []):
            raise CaseError("cases.add_already", who=ByLang(lambda lang: rules.role_name(role_id, lang)),
                            number=case.number)
        role = rules.roles[role_id]
        people = [*role.members, *([role.deputy] if role.deputy else [])]
        case.roles = [*(case.roles or []), role_id]
        case.members = [*(case.members or []), *[m.as_dict() for m in role.members
                                                if not m.in_snapshots(case.members or [])]]
        who = rules.role_name(role_id, "sv")
        data = {"role": role_id, "who": who, "who_en": rules.role_name(role_id, "en"),
                "mentions": [m.name for m in people]}
    else:
        person = find_navigator(rules, target)
        if person is None:
            raise CaseError("cases.add_unknown", target=target[:80])
        if may_claim(rules, case, person):
            raise CaseError("cases.add_already", who=person.name, number=case.number)
        people = [person]
        case.members = [*(case.members or []), person.as_dict()]
        who = person.name
        data = {"member": _member_key(person), "who": who, "mentions": [person.name]}
    event = record_event(session, case=case, kind="added", actor=actor, actor_name=member.name, now=now, data=data)
    post_to_desk(session, case=case, event=event, text_key="desk_added", mentions=[m.as_dict() for m in people],
                 now=now)
    update_desk(session, case=case, event=event, now=now)
    return t("ok_add", lang, who=data.get("who_en", who) if lang == "en" else who, number=case.number)


def find_role(rules: RoutingRules, text: str) -> str | None:
    """A role by its id or its Swedish or English name ("bygg", "Bygglov")."""
    wanted = text.strip().casefold()
    for role_id, role in rules.roles.items():
        if wanted in (role_id.casefold(), role.name.get("sv").casefold(), role.name.get("en").casefold()):
            return role_id
    return None


def find_navigator(rules: RoutingRules, text: str) -> Member | None:
    """A navigator listed in the routing rules, by e-mail."""
    email = text.strip().strip("<>").removeprefix("mailto:")
    if "@" not in email:
        return None
    return rules.member_for(Actor("email", email))


# The one set of navigator verbs, named the same in /lotse, the CLI, Slack and Telegram.
# "propose_meeting" is kept as an alias of "meeting" (its old name).
VERBS = ("claim", "note", "reply", "meeting", "add", "close")
ALIASES = {"propose_meeting": "meeting", "propose": "meeting", "mote": "meeting", "möte": "meeting",
           "ta": "claim", "svara": "reply", "anteckning": "note", "avsluta": "close", "lagg_till": "add",
           "lägg_till": "add", "invite": "add", "bjud_in": "add"}
# Each returns the text for the navigator; claim and add also need the rules (who may take what).
_VERBS: dict[str, Callable[..., str]] = {"claim": _claim, "note": _note, "reply": _reply, "meeting": _propose, "add": _add, "close": _close}


def canonical_verb(verb: str | None) -> str | None:
    """The verb's documented name ("propose_meeting" -> "meeting"), or None if unknown."""
    name = (verb or "").strip().casefold()
    name = ALIASES.get(name, name)
    return name if name in _VERBS else None

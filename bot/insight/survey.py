"""The follow-up survey after a closed case, as an explicit state machine.

    asked ──answer──▶ answering ──last answer──▶ done
      │                  │
      └──────stop────────┴──▶ stopped        (and either ──30 days──▶ expired, read lazily)

The survey starts in the transaction that closes the case (bot.cases.actions): the first
question and the one reminder are outbox rows committed with it. Each answer, or skip, is an
anonymous row in `insight_answer` at once, so a survey left half-way still counts for what was
answered. The reminder row is rewritten to the question the person has reached, and skipped
when the survey ends; the dispatcher sends it at most once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.conversation.models import Conversation
from bot.insight.models import Answer, Survey
from bot.insight.texts import QUESTIONS, SCALE, question_text, t
from bot.outbox.models import OutboxItem
from bot.outbox.service import enqueue
from bot.storage.rows import table_of

log = logging.getLogger(__name__)

OPEN_STATES = ("asked", "answering")
EXPIRES_AFTER = timedelta(days=30)
REMINDER_WORKING_HOURS = 16  # two working days
SKIP, STOP = "skip", "stop"
PREFIX = "insight:s:"

_SKIP_WORDS = frozenset({"hoppa over", "hoppa", "hoppa over fragan", "skip", "skip it", "vet ej", "vet inte",
                         "pass", "-", "dont know", "don't know", "next", "nasta"})
_STOP_WORDS = frozenset({"avsluta", "avsluta enkaten", "sluta", "stopp", "stop", "stop the survey", "quit survey"})


class IllegalSurveyMove(Exception):
    pass


def transition(previous: str, new: str) -> str:
    """The new state if the survey may move there from `previous`; IllegalSurveyMove otherwise."""
    match (previous, new):
        case ("asked" | "answering", "answering" | "done" | "stopped" | "expired"):
            return new
        case _:
            raise IllegalSurveyMove(f"a survey cannot go from {previous} to {new}")


def area_of(*, topics: list[dict] | list[str], roles: list[str], rules) -> tuple[str, str | None, bool]:
    """(area, topic, procurement): the area is the first topic's responsible role (routing rules),
    else the case's first role, else the coordinator; procurement when that role's `survey` is nui."""
    first = topics[0] if topics else None
    topic = (first.get("id") if isinstance(first, dict) else first) or None
    area = rules.responsible.get(topic) if topic else None
    area = area or (roles[0] if roles else rules.coordinator)
    role = rules.roles.get(area)
    return area, topic, bool(role is not None and role.survey == "nui")


def _fold(text: str) -> str:
    table = str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE")
    return " ".join(text.translate(table).casefold().strip(" .!?").split())


def parse_reply(text: str) -> int | str | None:
    """A typed answer: 1-6, SKIP or STOP; None when the text is something else (a new question)."""
    key = _fold(text or "")
    if key.isdigit() and int(key) in SCALE:
        return int(key)
    if key in _SKIP_WORDS:
        return SKIP
    if key in _STOP_WORDS:
        return STOP
    return None


def question_message(survey: Survey) -> tuple[str, list[dict]]:
    """The question the survey waits for, with its buttons (1-6, skip, stop)."""
    question = QUESTIONS[survey.step]
    text = t("question", survey.lang, n=survey.step + 1, count=len(QUESTIONS), text=question_text(question, survey.lang))
    text += "\n" + t("scale_hint", survey.lang)
    keys = [(str(score), str(score)) for score in SCALE] + [(SKIP, t("skip", survey.lang)), (STOP, t("stop", survey.lang))]
    return text, [{"key": f"{PREFIX}{survey.id}:{question}:{value}", "label": label} for value, label in keys]


def _reminder_key(survey: Survey) -> str:
    return f"insight:survey:{survey.id}:reminder"


def start_survey(session: Session, *, case, rules, now: datetime) -> Survey | None:
    """Ask the entrepreneur of a closed case (inside the closing transaction). None when there
    is nobody to ask (erased) or the case has a survey already."""
    if not case.address or not case.user_id or rules is None:
        return None
    if session.exec(select(Survey.id).where(Survey.case_id == case.id)).first() is not None:
        return None
    lang = session.exec(select(Conversation.lang).where(Conversation.channel == case.channel,
                                                        Conversation.user_id == case.user_id)).first()
    area, topic, procurement = area_of(topics=case.topics or [], roles=case.roles or [], rules=rules)
    survey = Survey(case_id=case.id, case_number=case.number, channel=case.channel, user_id=case.user_id,
                    address=case.address, lang=lang if lang in ("sv", "en") else case.lang, area=area, topic=topic,
                    procurement=procurement, created_at=now, updated_at=now)
    session.add(survey)
    session.flush()
    text, buttons = question_message(survey)
    intro = t("intro", survey.lang, number=case.number, count=len(QUESTIONS))
    # Due with the close notice and enqueued after it: the dispatcher sends by due time, then id.
    enqueue(session, kind="message", channel=case.channel, address=case.address, case_id=case.id,
            due_at=now, payload={"text": f"{intro}\n\n{text}", "buttons": buttons},
            dedupe_key=f"insight:survey:{survey.id}:ask", created_at=now)
    enqueue(session, kind="message", channel=case.channel, address=case.address, case_id=case.id,
            due_at=rules.service_level.hours.add(now, REMINDER_WORKING_HOURS), expires_at=now + EXPIRES_AFTER,
            payload=_reminder_payload(survey), dedupe_key=_reminder_key(survey), created_at=now)
    log.info("insight: survey %s started for case %s", survey.id, case.id)
    return survey


def _reminder_payload(survey: Survey) -> dict:
    text, buttons = question_message(survey)
    return {"text": t("reminder", survey.lang, number=survey.case_number) + "\n\n" + text, "buttons": buttons}


def _pending_reminder(session: Session, survey: Survey, **values) -> None:
    table = table_of(OutboxItem)
    session.execute(update(table).where(table.c.dedupe_key == _reminder_key(survey), table.c.status == "pending")
                    .values(**values))


def active_survey(session: Session, *, channel: str, user_id: str, now: datetime) -> Survey | None:
    """The person's open survey, if any (one that has run out is expired on the way)."""
    survey = session.exec(select(Survey).where(Survey.channel == channel, Survey.user_id == user_id,
                                               col(Survey.state).in_(OPEN_STATES)).order_by(col(Survey.id).desc())).first()
    if survey is not None and now - survey.created_at > EXPIRES_AFTER:
        survey.state, survey.updated_at = transition(survey.state, "expired"), now
        session.add(survey)
        return None
    return survey


def answer(session: Session, *, survey: Survey, question: str, value: int | str, now: datetime) -> tuple[str, list[dict]]:
    """Record one answer (a score, SKIP or STOP) to `question` and return what to say next with its
    buttons. A button from an earlier question (pressed again) gets the current question back."""
    if survey.state not in OPEN_STATES:
        return t("thanks" if survey.state == "done" else "stopped", survey.lang), []
    if question != QUESTIONS[survey.step]:
        return question_message(survey)
    if value == STOP:
        survey.state = transition(survey.state, "stopped")
        _pending_reminder(session, survey, status="skipped", last_error="survey stopped")
        reply: tuple[str, list[dict]] = (t("stopped", survey.lang), [])
    else:
        score = value if isinstance(value, int) and value in SCALE else None
        session.add(Answer(kind="survey", survey_id=survey.id, area=survey.area, topic=survey.topic,
                           procurement=survey.procurement, question=question, score=score, answered_at=now))
        survey.step += 1
        if survey.step >= len(QUESTIONS):
            survey.state = transition(survey.state, "done")
            _pending_reminder(session, survey, status="skipped", last_error="survey answered")
            reply = (t("thanks", survey.lang), [])
        else:
            survey.state = transition(survey.state, "answering")
            _pending_reminder(session, survey, payload=_reminder_payload(survey))
            reply = question_message(survey)
    survey.updated_at = now
    session.add(survey)
    return reply


def erase_person(session: Session, *, channel: str, user_id: str) -> int:
    """The person's surveys go (who was asked, where); their answers stay, anonymous."""
    surveys = list(session.exec(select(Survey).where(Survey.channel == channel, Survey.user_id == user_id)))
    for survey in surveys:
        _pending_reminder(session, survey, status="skipped", last_error="erased")
        session.delete(survey)
    return len(surveys)

"""The conversation engine routes the survey's answer turns here, and lets it add the sampled
"Fick du svar på din fråga?" under an answer.

- A pressed survey button (`insight:s:<survey>:<question>:<1-6|skip|stop>`) or, while the person
  has an open survey, a typed answer ("4", "hoppa över", "avsluta") goes to bot.insight.survey.
  Anything else is a new message and is handled as usual: the survey waits.
- After an answer from the knowledge base, a deterministic sample (one in `sample_every`, by a
  hash of the conversation and the moment) gets the yes/no question as two more buttons
  (`insight:c:<topic>:<token>:yes|no`). The answer is stored against the topic and its area
  with a one-time token, never against the person. (Buttons only: a typed "ja" after an answer
  already means "yes, a navigator please".)
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core.messages import Button, Reply
from bot.insight import survey as surveys
from bot.insight.models import Answer, Survey
from bot.insight.texts import CHECK, t
from bot.storage.rows import new_row, table_of

CHECK_PREFIX = "insight:c:"


def sampled(*, conversation_id: int, moment: str, every: int) -> bool:
    """Deterministic: the same conversation and moment always give the same answer."""
    if every <= 1:
        return every == 1
    digest = hashlib.sha256(f"{conversation_id}:{moment}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % every == 0


class InsightFlow:
    name = "insight"

    def __init__(self, *, rules, sample_every: int = 5) -> None:
        self.rules = rules
        self.sample_every = sample_every

    # -- the answer turns ------------------------------------------------------------------------
    def handle(self, unit, *, conversation, turn) -> Reply | None:
        choice = turn.incoming.choice or ""
        if choice.startswith(surveys.PREFIX):
            return self._button(unit, conversation, turn, choice[len(surveys.PREFIX):])
        if choice.startswith(CHECK_PREFIX):
            return self._check(unit, turn, choice[len(CHECK_PREFIX):])
        if choice or conversation.state not in ("idle", "in_case"):
            return None  # another button, or a question Lotsen asked itself waits for this answer
        value = surveys.parse_reply(turn.text)
        if value is None:
            return None
        session = unit.session
        survey = surveys.active_survey(session, channel=conversation.channel, user_id=conversation.user_id,
                                       now=turn.now)
        if survey is None:
            return None
        return self._reply(survey, surveys.answer(session, survey=survey, question=surveys.QUESTIONS[survey.step],
                                                  value=value, now=turn.now))

    def _button(self, unit, conversation, turn, rest: str) -> Reply | None:
        survey_id, _, tail = rest.partition(":")
        question, _, raw = tail.partition(":")
        session = unit.session
        survey = session.get(Survey, int(survey_id)) if survey_id.isdigit() else None
        if survey is None or (survey.channel, survey.user_id) != (conversation.channel, conversation.user_id):
            return Reply(action="survey", text=t("stopped", turn.lang), lang=turn.lang)  # erased, or not theirs
        value = surveys.parse_reply(raw) if raw not in (surveys.SKIP, surveys.STOP) else raw
        if value is None:
            return self._reply(survey, surveys.question_message(survey))
        return self._reply(survey, surveys.answer(session, survey=survey, question=question, value=value,
                                                  now=turn.now))

    @staticmethod
    def _reply(survey: Survey, said: tuple[str, list[dict]]) -> Reply:
        text, buttons = said
        return Reply(action="survey", text=text, lang=survey.lang,
                     buttons=[Button(b["key"], b["label"]) for b in buttons])

    # -- "Fick du svar på din fråga?" ------------------------------------------------------------
    def after_answer(self, *, conversation, turn, reply: Reply) -> None:
        if reply.action != "answer" or not reply.topic or turn.incoming.choice:
            return
        if not sampled(conversation_id=conversation.id, moment=turn.now.isoformat(), every=self.sample_every):
            return
        token = secrets.token_hex(8)
        key = f"{CHECK_PREFIX}{reply.topic}:{token}:"
        reply.text = f"{reply.text}\n\n{t('check', reply.lang)}"
        reply.buttons = [*reply.buttons, Button(key + "yes", t("check_yes", reply.lang)),
                         Button(key + "no", t("check_no", reply.lang))]

    def _check(self, unit, turn, rest: str) -> Reply:
        parts = rest.split(":")
        if len(parts) != 3 or parts[2] not in ("yes", "no"):
            return Reply(action="survey", text=t("check_again", turn.lang), lang=turn.lang)
        topic, token, said = parts
        area, answer_topic, procurement = surveys.area_of(topics=[topic], roles=[], rules=self.rules)
        row = new_row(Answer, kind="check", token=token[:32], area=area, topic=answer_topic, procurement=procurement,
                      question=CHECK, score=1 if said == "yes" else 0, answered_at=turn.now)
        connection = unit.connection
        insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
        statement = insert(table_of(Answer)).values(row).on_conflict_do_nothing(
            index_elements=["token"]).returning(table_of(Answer).c.id)
        added = connection.execute(statement).first() is not None
        key = ("check_thanks_yes" if said == "yes" else "check_thanks_no") if added else "check_again"
        return Reply(action="survey", text=t(key, turn.lang), lang=turn.lang)

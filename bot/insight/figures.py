"""The figures of the report, aggregated in the database (GROUP BY), never by loading rows.

Every figure made from survey answers needs at least `MIN_ANSWERS` (7) answers, as in SKR's
Insikt portal; below that the figure is None and the report says "too few answers". The index
of a set of answers on Insikt's 1-6 scale is (mean − 1) / 5 × 100 (docs/insight.md). NKI of an
area is the mean over respondents of their own mean of the three overall questions; NUI is the
same for the procurement areas (roles with `survey: nui`), kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, and_, case, func, literal_column, select

from bot.cases.models import Case
from bot.conversation.models import Message
from bot.insight.models import Answer, ClaimFact
from bot.insight.texts import CHECK, FACTORS, NKI_QUESTIONS
from bot.meetings.models import Meeting, Signup
from bot.storage.rows import table_of

MIN_ANSWERS = 7
SCALE_MIN, SCALE_MAX = 1, 6
WAIT_BUCKETS = ((0, 1), (1, 2), (2, 4), (4, 8), (8, 16), (16, 40), (40, None))  # working hours
REFUSED, CLARIFY = "out_of_scope", "clarify"

ANSWER, CLAIM, CASE, MESSAGE = table_of(Answer), table_of(ClaimFact), table_of(Case), table_of(Message)
MEETING, SIGNUP = table_of(Meeting), table_of(Signup)


def index_of(mean: float | None) -> float | None:
    """A mean on the 1-6 scale as Insikt's 0-100 index."""
    return None if mean is None else (float(mean) - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100


@dataclass
class Score:
    """An index and how many answers (or respondents) it rests on; `value` is None below the floor."""

    answers: int
    value: float | None

    @classmethod
    def of(cls, answers: int, mean: float | None) -> Score:
        return cls(int(answers), index_of(mean) if answers >= MIN_ANSWERS else None)


@dataclass
class Waits:
    claimed: int = 0
    mean_hours: float | None = None
    within_level: int = 0
    buckets: list[tuple[str, int]] = field(default_factory=list)

    @property
    def share_within(self) -> float | None:
        return self.within_level / self.claimed if self.claimed else None


@dataclass
class Figures:
    since: datetime
    until: datetime
    nki_total: Score
    nki_by_area: dict[str, Score]
    nui_total: Score
    factors: dict[str, Score]
    answered_check: Score  # share of "yes" to "Fick du svar på din fråga?" as 0-100
    waits: Waits
    waits_by_area: dict[str, Waits]
    cases_opened: int
    cases_by_area_month: dict[tuple[str, str], int]  # (area, YYYY-MM) -> cases opened
    cases_closed: int
    mean_days_to_close: float | None
    ladder_exhausted: int
    meetings: dict[str, int]
    top_topics: list[tuple[str, int]]
    answers_given: int
    refused: int
    clarified: int


def _between(column, since: datetime, until: datetime):
    return and_(column >= since, column < until)


def _month(connection: Connection, column):
    if connection.dialect.name == "postgresql":
        return func.to_char(func.timezone("Europe/Stockholm", column), "YYYY-MM")
    return func.substr(column, 1, 7)  # SQLite keeps "YYYY-MM-DD HH:MM:SS" in UTC: UTC months


def _first(connection: Connection, column, key: str | None = None):
    """The first element of a JSON list column (or its `key`), as text, cheaply per row."""
    if connection.dialect.name == "postgresql":
        first = column.op("->")(0)
        return first.op("->>")(key) if key else column.op("->>")(0)
    return func.json_extract(column, f"$[0].{key}" if key else "$[0]")


def _days(connection: Connection, end, start):
    if connection.dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def _nki(connection: Connection, since: datetime, until: datetime, *, procurement: bool) -> tuple[Score, dict[str, Score]]:
    respondent = (select(ANSWER.c.survey_id, ANSWER.c.area, func.avg(ANSWER.c.score).label("mean"))
                  .where(ANSWER.c.kind == "survey", ANSWER.c.procurement.is_(procurement),
                         ANSWER.c.question.in_(NKI_QUESTIONS), ANSWER.c.score.is_not(None),
                         _between(ANSWER.c.answered_at, since, until))
                  .group_by(ANSWER.c.survey_id, ANSWER.c.area).subquery())
    rows = connection.execute(select(respondent.c.area, func.count(), func.avg(respondent.c.mean))
                              .group_by(respondent.c.area)).all()
    by_area = {area: Score.of(n, mean) for area, n, mean in rows}
    # The total must not give away an area hidden below the floor: total minus the areas shown
    # would be its figure. The hidden areas count only when together they reach the floor.
    hidden = sum(count for _, count, _ in rows if count < MIN_ANSWERS)
    counted = [row for row in rows if row[1] >= MIN_ANSWERS or hidden >= MIN_ANSWERS]
    n = sum(row[1] for row in counted)
    mean = sum(row[1] * float(row[2]) for row in counted) / n if n else None
    return Score.of(n, mean), by_area


def _waits(connection: Connection, since: datetime, until: datetime) -> tuple[Waits, dict[str, Waits]]:
    hours = CLAIM.c.working_hours
    bucket = case(*[((hours >= low) if high is None else and_(hours >= low, hours < high), index)
                    for index, (low, high) in enumerate(WAIT_BUCKETS)], else_=0).label("bucket")
    period = _between(CLAIM.c.claimed_at, since, until)
    rows = connection.execute(select(CLAIM.c.area, func.count(), func.avg(hours),
                                     func.sum(case((CLAIM.c.within_level.is_(True), 1), else_=0)))
                              .where(period).group_by(CLAIM.c.area)).all()
    by_area = {area: Waits(int(n), float(mean), int(within or 0)) for area, n, mean, within in rows}
    counts: dict[int, int] = dict(connection.execute(select(bucket, func.count()).where(period).group_by(bucket)).all())
    total = Waits(sum(w.claimed for w in by_area.values()), None, sum(w.within_level for w in by_area.values()))
    if total.claimed:
        total.mean_hours = sum(w.claimed * (w.mean_hours or 0.0) for w in by_area.values()) / total.claimed
    total.buckets = [(_bucket_label(low, high), int(counts.get(index, 0)))
                     for index, (low, high) in enumerate(WAIT_BUCKETS)]
    return total, by_area


def _bucket_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}–{high}"


def build_figures(connection: Connection, *, rules, since: datetime, until: datetime) -> Figures:
    """All the report's figures for [since, until), in a handful of grouped queries."""
    nki_total, nki_by_area = _nki(connection, since, until, procurement=False)
    nui_total, _ = _nki(connection, since, until, procurement=True)
    factor_rows = connection.execute(
        select(ANSWER.c.question, func.count(ANSWER.c.score), func.avg(ANSWER.c.score))
        .where(ANSWER.c.kind == "survey", ANSWER.c.procurement.is_(False), ANSWER.c.question.in_(FACTORS),
               ANSWER.c.score.is_not(None), _between(ANSWER.c.answered_at, since, until))
        .group_by(ANSWER.c.question)).all()
    found = {question: Score.of(n, mean) for question, n, mean in factor_rows}
    factors = {factor: found.get(factor, Score(0, None)) for factor in FACTORS}
    checks, yes = connection.execute(
        select(func.count(), func.sum(ANSWER.c.score))
        .where(ANSWER.c.kind == "check", ANSWER.c.question == CHECK, _between(ANSWER.c.answered_at, since, until))).one()
    answered_check = Score(int(checks), (float(yes) / checks * 100) if checks >= MIN_ANSWERS else None)
    waits, waits_by_area = _waits(connection, since, until)

    # Cases: per first topic (or first role) and month, folded into areas here (a few hundred rows).
    topic, role = _first(connection, CASE.c.topics, "id"), _first(connection, CASE.c.roles)
    month = _month(connection, CASE.c.created_at)
    opened = _between(CASE.c.created_at, since, until)
    by_area_month: dict[tuple[str, str], int] = {}
    for first_topic, first_role, when, n in connection.execute(
            select(topic, role, month, func.count()).where(opened).group_by(topic, role, month)).all():
        area = rules.responsible.get(first_topic) if first_topic else None
        area = area or first_role or rules.coordinator
        by_area_month[(area, when)] = by_area_month.get((area, when), 0) + int(n)
    closed, mean_days = connection.execute(
        select(func.count(), func.avg(_days(connection, CASE.c.closed_at, CASE.c.created_at)))
        .where(CASE.c.closed_at.is_not(None), _between(CASE.c.closed_at, since, until))).one()
    exhausted = connection.execute(select(func.count()).where(
        opened, CASE.c.ladder_step >= len(rules.service_level.ladder))).scalar_one()

    # Meetings held (or planned) in the period: sign-ups by status, cancelled meetings.
    in_period = _between(MEETING.c.starts_at, since, until)
    meetings = {"meetings": 0, "cancelled_meetings": 0}
    for status, n in connection.execute(select(MEETING.c.status, func.count()).where(in_period)
                                        .group_by(MEETING.c.status)).all():
        meetings["meetings"] += int(n)
        if status == "cancelled":
            meetings["cancelled_meetings"] += int(n)
    for status, n in connection.execute(
            select(SIGNUP.c.status, func.count()).select_from(SIGNUP.join(MEETING, SIGNUP.c.meeting_id == MEETING.c.id))
            .where(in_period).group_by(SIGNUP.c.status)).all():
        meetings[status] = int(n)

    # What people asked: answers by topic, refusals and clarifications (counts only), in one pass
    # over the replies' index (ix_message_out_when; the literal 'out' lets the planner use it).
    said = and_(literal_column("message.direction") == literal_column("'out'"),
                _between(MESSAGE.c.created_at, since, until), MESSAGE.c.action.in_(("answer", REFUSED, CLARIFY)))
    actions: dict[str, int] = {}
    topics: dict[str, int] = {}
    for action, topic, n in connection.execute(select(MESSAGE.c.action, MESSAGE.c.topic, func.count()).where(said)
                                               .group_by(MESSAGE.c.action, MESSAGE.c.topic)).all():
        actions[action] = actions.get(action, 0) + int(n)
        if action == "answer" and topic is not None:
            topics[topic] = topics.get(topic, 0) + int(n)
    top = sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return Figures(since=since, until=until, nki_total=nki_total, nki_by_area=nki_by_area, nui_total=nui_total,
                   factors=factors, answered_check=answered_check, waits=waits, waits_by_area=waits_by_area,
                   cases_opened=sum(by_area_month.values()), cases_by_area_month=by_area_month,
                   cases_closed=int(closed), mean_days_to_close=float(mean_days) if mean_days is not None else None,
                   ladder_exhausted=int(exhausted), meetings=meetings, top_topics=[(t, int(n)) for t, n in top],
                   answers_given=int(actions.get("answer", 0)), refused=int(actions.get(REFUSED, 0)),
                   clarified=int(actions.get(CLARIFY, 0)))

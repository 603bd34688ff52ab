"""The figures against a hand-worked example, on SQLite and PostgreSQL: NKI as SKR's Insikt
computes it (per respondent the mean of the three overall questions, as an index 0-100, then the
mean over respondents), nothing from fewer than 7 answers, procurement apart as NUI, waits in
working hours, cases per area and month, the ladder, meetings, topics and refusals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.insight.figures import MIN_ANSWERS, build_figures, index_of
from bot.insight.models import Answer
from bot.meetings.models import Meeting, Signup
from tests.insight_support import NOV, case_row, claim_fact, conversation_with, survey_answers
from tests.knowledge_support import bundle

SINCE, UNTIL = datetime(2026, 11, 1, tzinfo=timezone.utc), datetime(2026, 12, 1, tzinfo=timezone.utc)

# Seven respondents in building permits. By hand, each respondent's mean of the three NKI
# questions (skips left out) and its index (mean - 1) / 5 * 100:
#   6 6 6 -> 6   -> 100      5 5 5 -> 5 -> 80      4 4 4 -> 4 -> 60      6 5 4 -> 5 -> 80
#   3 - 5 -> 4   -> 60       2 2 2 -> 2 -> 20      5 6 - -> 5.5 -> 90
# NKI = (100 + 80 + 60 + 80 + 60 + 20 + 90) / 7 = 490 / 7 = 70.0
BYGG = [(6, 6, 6), (5, 5, 5), (4, 4, 4), (6, 5, 4), (3, None, 5), (2, 2, 2), (5, 6, None)]
# Information by the same seven: 6 5 4 3 2 1 6 -> mean 27/7 -> index (27/7 - 1) / 5 * 100 = 57.142857...
INFORMATION = [6, 5, 4, 3, 2, 1, 6]


@pytest.fixture
def rules():
    return bundle().rules


def test_index_of_the_scale():
    assert [index_of(score) for score in (1, 2, 3, 4, 5, 6)] == [0, 20, 40, 60, 80, 100]


def test_nki_and_factors_against_the_hand_worked_example(db, rules):
    with db.session() as session:
        for i, nki in enumerate(BYGG):
            session.add_all(survey_answers(survey_id=i + 1, area="bygg", nki=nki, factors=(INFORMATION[i],)))
        for i in range(6):  # six in environment: one too few for a figure
            session.add_all(survey_answers(survey_id=100 + i, area="miljo", nki=(6, 6, 6)))
        for i in range(7):  # procurement: NUI, never in NKI
            session.add_all(survey_answers(survey_id=200 + i, area="upphandling", nki=(1, 1, 1), procurement=True))
        session.add_all(survey_answers(survey_id=300, area="bygg", nki=(1, 1, 1), when=UNTIL))  # after the period
        session.add_all([Answer(kind="check", token=f"t{i}", area="bygg", topic="bygglov", question="answered",
                                score=1 if i < 5 else 0, answered_at=NOV) for i in range(8)])
        session.commit()
    with db.engine.connect() as connection:
        f = build_figures(connection, rules=rules, since=SINCE, until=UNTIL)
    assert f.nki_by_area["bygg"].answers == 7 and f.nki_by_area["bygg"].value == pytest.approx(70.0)
    assert f.nki_by_area["miljo"].answers == 6 and f.nki_by_area["miljo"].value is None  # below the floor of 7
    assert "upphandling" not in f.nki_by_area
    # The total leaves out the six hidden environment respondents: with them, total minus bygg
    # would give environment's figure away.
    assert f.nki_total.answers == 7 and f.nki_total.value == pytest.approx(70.0)
    assert f.nui_total.answers == 7 and f.nui_total.value == pytest.approx(0.0)
    assert f.factors["information"].value == pytest.approx((27 / 7 - 1) / 5 * 100)
    assert f.factors["bemotande"].answers == 0 and f.factors["bemotande"].value is None
    assert f.answered_check.answers == 8 and f.answered_check.value == pytest.approx(5 / 8 * 100)
    assert MIN_ANSWERS == 7


def test_waits_cases_ladder_meetings_and_topics(db, rules):
    hours = [0.5, 1.5, 3, 5, 20]  # mean 6.0; within 4 working hours: 3 of 5
    ladder = len(rules.service_level.ladder)
    with db.session() as session:
        cases = [case_row(1, topic="bygglov", roles=["bygg"], created=NOV, closed=NOV + timedelta(days=2)),
                 case_row(2, topic="bygglov", roles=["bygg"], created=NOV + timedelta(days=20), ladder_step=ladder),
                 case_row(3, topic="serveringstillstand", roles=["alkohol"], created=NOV,
                          closed=NOV + timedelta(days=4)),
                 case_row(4, topic=None, roles=["miljo"], created=datetime(2026, 10, 30, tzinfo=timezone.utc)),
                 case_row(5, topic="bygglov", roles=["bygg"], created=datetime(2026, 12, 1, tzinfo=timezone.utc))]
        session.add_all(cases)
        session.flush()
        session.add_all([claim_fact(100 + i, area="bygg" if i < 4 else "alkohol", hours=h) for i, h in enumerate(hours)])
        meeting = Meeting(title_sv="Frukost", title_en="Breakfast", kind="frukost", starts_at=NOV + timedelta(days=3),
                          ends_at=NOV + timedelta(days=3, hours=1), created_at=NOV, updated_at=NOV, capacity=2)
        cancelled = Meeting(title_sv="Dialog", title_en="Dialogue", kind="tema", starts_at=NOV + timedelta(days=5),
                            ends_at=NOV + timedelta(days=5, hours=1), status="cancelled", created_at=NOV, updated_at=NOV)
        session.add_all([meeting, cancelled])
        session.flush()
        for i, status in enumerate(["confirmed", "confirmed", "waitlisted", "cancelled"]):
            session.add(Signup(meeting_id=meeting.id, status=status, channel="telegram", address=str(i), user_id=str(i),
                               queued_at=NOV, created_at=NOV, updated_at=NOV))
        conversation_with(session, user="u1", turns=[
            ("in", None, None, "bygglov?"), ("out", "answer", "bygglov", "…"),
            ("in", None, None, "bygglov igen"), ("out", "answer", "bygglov", "…"),
            ("in", None, None, "servering"), ("out", "answer", "serveringstillstand", "…"),
            ("in", None, None, "vad blir det för väder"), ("out", "out_of_scope", None, "…"),
            ("in", None, None, "lov?"), ("out", "clarify", None, "…")])
        session.commit()
    with db.engine.connect() as connection:
        f = build_figures(connection, rules=rules, since=SINCE, until=UNTIL)
    assert f.waits.claimed == 5 and f.waits.mean_hours == pytest.approx(6.0) and f.waits.share_within == pytest.approx(0.6)
    assert f.waits.buckets == [("0–1", 1), ("1–2", 1), ("2–4", 1), ("4–8", 1), ("8–16", 0), ("16–40", 1), ("40+", 0)]
    assert f.waits_by_area["bygg"].claimed == 4 and f.waits_by_area["alkohol"].within_level == 0
    assert f.cases_by_area_month == {("bygg", "2026-11"): 2, ("alkohol", "2026-11"): 1}
    assert f.cases_opened == 3 and f.cases_closed == 2 and f.mean_days_to_close == pytest.approx(3.0)
    assert f.ladder_exhausted == 1
    assert f.meetings == {"meetings": 2, "cancelled_meetings": 1, "confirmed": 2, "waitlisted": 1, "cancelled": 1}
    assert f.top_topics == [("bygglov", 2), ("serveringstillstand", 1)]
    assert (f.answers_given, f.refused, f.clarified) == (3, 1, 1)


def test_an_answer_check_is_stored_once_per_token_on_both_databases(db, rules):
    from types import SimpleNamespace

    from bot.insight.flow import InsightFlow

    flow, turn = InsightFlow(rules=rules), SimpleNamespace(now=NOV, lang="sv")
    said = []
    for _ in range(2):
        with db.unit() as unit:
            said.append(flow._check(unit, turn, "bygglov:tok1:no").text)
    assert "Vill du att en företagslots hör av sig" in said[0] and "redan sparat" in said[1]
    with db.session() as session:
        rows = session.exec(select(Answer)).all()
    assert [(a.kind, a.topic, a.area, a.score) for a in rows] == [("check", "bygglov", "bygg", 0)]


def test_hidden_areas_count_in_the_total_only_together_above_the_floor(db, rules):
    with db.session() as session:
        for i in range(7):
            session.add_all(survey_answers(survey_id=i + 1, area="bygg", nki=(6, 6, 6)))
        for i in range(4):  # two hidden areas, 4 + 4 = 8 respondents: their sum may show
            session.add_all(survey_answers(survey_id=100 + i, area="miljo", nki=(1, 1, 1)))
            session.add_all(survey_answers(survey_id=200 + i, area="livsmedel", nki=(1, 1, 1)))
        session.commit()
    with db.engine.connect() as connection:
        f = build_figures(connection, rules=rules, since=SINCE, until=UNTIL)
    assert f.nki_by_area["miljo"].value is None and f.nki_by_area["livsmedel"].value is None
    assert f.nki_total.answers == 15 and f.nki_total.value == pytest.approx(7 * 100 / 15)

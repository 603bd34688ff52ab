"""The re-ping ladder with a controllable clock, across weekends and Swedish holidays."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from bot.cases.ladder import sweep_ladder
from bot.cases.models import Case
from bot.cases.queries import timeline
from bot.core.clock import STOCKHOLM
from bot.outbox.models import OutboxItem
from tests.test_cases_flow import PETRA, act, kb, open_case, rules, world  # noqa: F401


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def pings(db, case_id):
    with db.session() as session:
        return [(e.data["step"], e.data["target"], e.created_at) for e in timeline(session, case_id=case_id)
                if e.kind == "ping"]


def test_ladder_over_easter_members_then_deputy_then_naringsliv(db, clock, rules, kb, world):
    desk, _, dispatcher = world
    clock.set(local(2026, 4, 2, 15, 0))  # Thursday before Good Friday
    case_id, number = open_case(db, rules, kb, clock)
    dispatcher.drain()
    for moment in (local(2026, 4, 2, 16, 29), local(2026, 4, 3, 12), local(2026, 4, 6, 12), local(2026, 4, 7, 10, 29)):
        clock.set(moment)
        assert sweep_ladder(db, rules=rules, clock=clock) == [], moment
    clock.set(local(2026, 4, 7, 10, 30))  # 1.5 h on Thursday + 2.5 h on Tuesday
    [first] = sweep_ladder(db, rules=rules, clock=clock)
    assert (first.number, first.step, first.target) == (number, 1, "members")
    assert "Johan Wik" in first.mentions and "Ingrid Olsson" not in first.mentions
    assert sweep_ladder(db, rules=rules, clock=clock) == [], "each step once"
    clock.set(local(2026, 4, 7, 14, 29))
    assert sweep_ladder(db, rules=rules, clock=clock) == []
    clock.set(local(2026, 4, 7, 14, 30))
    [second] = sweep_ladder(db, rules=rules, clock=clock)
    assert second.target == "deputy" and "Maria Falk" in second.mentions and "Johan Wik" not in second.mentions
    clock.set(local(2026, 4, 8, 10, 30))  # 2 h on Tuesday + 2 h on Wednesday
    [third] = sweep_ladder(db, rules=rules, clock=clock)
    assert third.target == "naringsliv"
    assert set(third.mentions) == {"Maja Forsberg", "David Ekström", "Ingrid Olsson"}
    clock.set(local(2026, 4, 20, 12))
    assert sweep_ladder(db, rules=rules, clock=clock) == [], "the ladder ends after naringsliv"
    assert [(step, target) for step, target, _ in pings(db, case_id)] == [
        (1, "members"), (2, "deputy"), (3, "naringsliv")]
    dispatcher.drain()
    reminders = [post for post in desk.posts if post["text"].startswith("Påminnelse")]
    assert len(reminders) == 3 and all(post["ref"] == f"thread-{number}" for post in reminders)
    assert {m["name"] for m in reminders[2]["mentions"]} == {"Maja Forsberg", "David Ekström", "Ingrid Olsson"}
    assert "@Maja Forsberg" in reminders[2]["text"]
    with db.session() as session:
        keys = {row.dedupe_key for row in session.exec(select(OutboxItem))}
        assert {f"case:{case_id}:ladder:{step}" for step in (1, 2, 3)} <= keys


def test_christmas_and_a_claim_stops_the_ladder(db, clock, rules, kb):
    clock.set(local(2026, 12, 23, 15, 0))
    case_id, number = open_case(db, rules, kb, clock)
    clock.set(local(2026, 12, 28, 10, 29))  # 24th (eve), 25th, 26th, 27th are closed
    assert sweep_ladder(db, rules=rules, clock=clock) == []
    clock.set(local(2026, 12, 28, 10, 30))
    assert [p.step for p in sweep_ladder(db, rules=rules, clock=clock)] == [1]
    assert act(db, rules, clock, PETRA, "claim", number).ok
    clock.set(local(2027, 1, 15, 12))
    assert sweep_ladder(db, rules=rules, clock=clock) == []
    with db.session() as session:
        assert session.get(Case, case_id).ladder_step == 1


def test_midsummer_eve_is_closed(db, clock, rules, kb):
    clock.set(local(2026, 6, 18, 15, 0))
    open_case(db, rules, kb, clock)
    clock.set(local(2026, 6, 19, 16, 0))  # midsommarafton
    assert sweep_ladder(db, rules=rules, clock=clock) == []
    clock.set(local(2026, 6, 22, 10, 30))
    assert [p.step for p in sweep_ladder(db, rules=rules, clock=clock)] == [1]

"""The monthly review post and the weekly gaps digest (issue 11) are outbox rows of kind
"desk.notice", enqueued once per period however many processes sweep, and sent once, on SQLite
and PostgreSQL. The digest names no one."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, insert, select

from bot.conversation.models import Conversation, Message
from bot.core.ports import Delivery, DeskNotices
from bot.knowledge.gaps import build_digest, render_digest, sweep_gaps
from bot.knowledge.models import KnowledgeBase
from bot.knowledge.notices import KIND
from bot.knowledge.review import sweep_review
from bot.knowledge.upkeep import upkeep_handlers
from bot.outbox.dispatcher import OutboxDispatcher
from bot.outbox.models import OutboxItem
from bot.routing.loader import load_routing_rules
from bot.storage.db import Database
from bot.storage.rows import new_row
from tests.cases_support import RULES_FILE, RecordingDesk, small_kb

UTC = timezone.utc


class NoticeDesk(RecordingDesk):
    def __init__(self, name: str = "slack") -> None:
        super().__init__(name)
        self.notices: list[dict] = []

    def notice(self, *, text: str, mentions: list[dict] | None = None) -> Delivery:
        self.notices.append({"text": text, "mentions": mentions or []})
        return Delivery(ok=True, ref=f"notice-{len(self.notices)}")


class StubMatcher:
    """Scores bygglov for questions about building, nothing for the rest."""

    def match(self, text: str, *, lang: str | None = None):
        scores = [("bygglov", 0.3)] if ("bygg" in text.lower() or "lov" in text.lower()) else []
        return SimpleNamespace(scores=scores)


def review_kb() -> KnowledgeBase:
    """bygglov (bygg) is due in December 2026, serveringstillstand (alkohol) since November,
    and the rest not before November 2027."""
    kb = small_kb()
    articles = {tid: replace(a, owner=a.role, last_reviewed=date(2026, 11, 1)) for tid, a in kb.articles.items()}
    articles["bygglov"] = replace(articles["bygglov"], last_reviewed=date(2025, 12, 10))
    articles["serveringstillstand"] = replace(articles["serveringstillstand"], last_reviewed=date(2026, 5, 1),
                                              review_months=6)
    return KnowledgeBase(articles=articles, profile=kb.profile)


@pytest.fixture
def world(db_url, db, clock):
    kb = review_kb()
    rules = load_routing_rules(RULES_FILE, kb=kb)
    desk = NoticeDesk(rules.desk)
    bundle = SimpleNamespace(kb=kb, rules=rules, matcher=StubMatcher())
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers=upkeep_handlers(db=db, bundle=bundle,
                                                                               desks={desk.name: desk}))
    return SimpleNamespace(kb=kb, rules=rules, desk=desk, dispatcher=dispatcher, url=db_url)


def notice_rows(db) -> list[OutboxItem]:
    with db.session() as session:
        return list(session.exec(select(OutboxItem).where(OutboxItem.kind == KIND).order_by(OutboxItem.id)).scalars())


def member_names(rules, role: str) -> set[str]:
    return {m.name for m in rules.roles[role].members}


# -- the monthly review -------------------------------------------------------------------------

def test_the_monthly_review_is_posted_once_per_owner_and_sent_once(db, clock, world):
    clock.set(datetime(2026, 12, 1, 6, 59, tzinfo=UTC))  # 07:59 in Stockholm: before the working day
    assert sweep_review(db, kb=world.kb, rules=world.rules, clock=clock) == []
    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))
    keys = sweep_review(db, kb=world.kb, rules=world.rules, clock=clock)
    assert sorted(keys) == ["kb.review:2026-12:alkohol", "kb.review:2026-12:bygg"]
    # The same sweep again, and from another process on the same database: nothing more.
    assert sweep_review(db, kb=world.kb, rules=world.rules, clock=clock) == []
    other = Database.from_url(world.url)
    try:
        assert sweep_review(other, kb=world.kb, rules=world.rules, clock=clock) == []
    finally:
        other.dispose()
    assert len(notice_rows(db)) == 2

    assert world.dispatcher.drain().sent == 2
    assert world.dispatcher.drain().sent == 0
    assert isinstance(world.desk, DeskNotices)
    by_owner = {}
    for notice in world.desk.notices:
        owner = "bygg" if "bygglov:" in notice["text"] else "alkohol"
        by_owner[owner] = notice
    bygg, alkohol = by_owner["bygg"], by_owner["alkohol"]
    assert "2026-12-10" in bygg["text"] and "serveringstillstand" not in bygg["text"]
    assert "serveringstillstand:" in alkohol["text"] and "bygglov:" not in alkohol["text"]
    assert {m["name"] for m in bygg["mentions"]} == member_names(world.rules, "bygg")
    assert {m["name"] for m in alkohol["mentions"]} == member_names(world.rules, "alkohol")
    assert all(row.status == "sent" for row in notice_rows(db))
    assert world.desk.posts == []  # nothing went to a case thread


def test_the_next_month_posts_again_from_its_first_working_day(db, clock, world):
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert len(sweep_review(db, kb=world.kb, rules=world.rules, clock=clock)) == 2
    clock.set(datetime(2027, 1, 1, 9, 0, tzinfo=UTC))  # New Year's Day, a Friday: closed
    assert sweep_review(db, kb=world.kb, rules=world.rules, clock=clock) == []
    clock.set(datetime(2027, 1, 4, 7, 0, tzinfo=UTC))  # Monday 08:00
    assert sorted(sweep_review(db, kb=world.kb, rules=world.rules, clock=clock)) == [
        "kb.review:2027-01:alkohol", "kb.review:2027-01:bygg"]
    assert len(notice_rows(db)) == 4


def test_nothing_due_posts_nothing(db, clock, world):
    kb = KnowledgeBase(articles={tid: replace(a, last_reviewed=date(2026, 11, 1)) for tid, a in world.kb.articles.items()},
                       profile=world.kb.profile)
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert sweep_review(db, kb=kb, rules=world.rules, clock=clock) == []
    assert notice_rows(db) == []


def test_processes_sweeping_at_once_enqueue_each_post_once(db, clock, world):
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    workers = 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []
    enqueued: list[str] = []

    def sweep() -> None:
        database = Database.from_url(world.url)
        try:
            barrier.wait(timeout=30)
            for _ in range(3):
                enqueued.extend(sweep_review(database, kb=world.kb, rules=world.rules, clock=clock))
                gap = sweep_gaps(database, rules=world.rules, clock=clock)
                if gap:
                    enqueued.append(gap)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            database.dispose()

    threads = [threading.Thread(target=sweep) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(enqueued) == ["kb.gaps:2026-W49", "kb.review:2026-12:alkohol", "kb.review:2026-12:bygg"]
    assert sorted(row.dedupe_key for row in notice_rows(db)) == sorted(enqueued)


# -- what Lotsen could not answer -------------------------------------------------------------------

PERSONAL = ("kalle.karlsson@example.com", "070-123 45 67", "0701234567", "987654321", "555000111", "Kalle")


def add_turns(db, user_id: str, turns: list[tuple[datetime, str, str, str | None]]) -> int:
    """A conversation with (time, question, reply action, reply topic) turns, stored the way the
    engine stores them: the question and the reply with the same time."""
    with db.unit() as unit:
        first = turns[0][0]
        conversation_id = unit.connection.execute(insert(Conversation.__table__).returning(Conversation.__table__.c.id),
                                                  new_row(Conversation, channel="telegram", user_id=user_id,
                                                          address=user_id, created_at=first, updated_at=first)).scalar()
        for when, question, action, topic in turns:
            unit.connection.execute(insert(Message.__table__), [
                {"conversation_id": conversation_id, "direction": "in", "text": question, "action": None,
                 "topic": None, "created_at": when},
                {"conversation_id": conversation_id, "direction": "out", "text": "Svar.", "action": action,
                 "topic": topic, "created_at": when}])
    return conversation_id


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def seed_gaps(db) -> dict[str, int]:
    return {
        "refused": add_turns(db, "555000111", [(at(25), "Kan jag bygga en bastu på taket? Mejla Kalle på "
                                                        "kalle.karlsson@example.com eller ring 070-123 45 67, mitt "
                                                        "chat-id är 987654321", "out_of_scope", None)]),
        "no_topic": add_turns(db, "555000222", [(at(26, 8), "Var får man fiska abborre?", "out_of_scope", None)]),
        "unanswered": add_turns(db, "555000333", [(at(26, 9), "lov?", "clarify", None)]),
        "answered": add_turns(db, "555000444", [(at(26, 10), "lov?", "clarify", None),
                                                (at(26, 10, 1), "[topic:bygglov]", "answer", "bygglov")]),
        "moved_on": add_turns(db, "555000555", [(at(27, 10), "tillstånd för bygget?", "clarify", None),
                                                (at(27, 10, 2), "hej", "greeting", None)]),
        "last_week": add_turns(db, "555000666", [(at(20), "Vad kostar en bygglovshandläggare?", "out_of_scope", None)]),
        "this_week": add_turns(db, "555000777", [(at(30, 6), "Får jag bygga en brygga?", "out_of_scope", None)]),
        "answers": add_turns(db, "555000888", [(at(24), "Behöver jag bygglov?", "answer", "bygglov")]),
    }


WEEK = (datetime(2026, 11, 22, 23, 0, tzinfo=UTC), datetime(2026, 11, 29, 23, 0, tzinfo=UTC))  # Mon–Mon, Stockholm


def test_the_digest_counts_refusals_and_unanswered_clarifications_by_topic(db, world):
    seed_gaps(db)
    digest = build_digest(db, kb=world.kb, matcher=StubMatcher(), since=WEEK[0], until=WEEK[1])
    counts = {group.topic: (group.refused, group.unanswered) for group in digest.groups}
    # bygglov: the bastu question (refused), "lov?" and "tillstånd för bygget?" (no answer came)
    assert counts == {"bygglov": (1, 2), None: (1, 0)}
    text = render_digest(digest, kb=world.kb)
    assert "Bygglov (bygglov): 1 utanför ämnet, 2 obesvarade förtydliganden" in text
    assert "Inget ämne i närheten: 1 utanför ämnet, 0 obesvarade förtydliganden" in text
    assert "bygglovshandläggare" not in text and "brygga" not in text  # other weeks


def test_the_digest_names_no_one(db, world):
    seed_gaps(db)
    text = render_digest(build_digest(db, kb=world.kb, matcher=StubMatcher(), since=WEEK[0], until=WEEK[1]), kb=world.kb)
    assert "bastu på taket" in text  # the question, anonymised, is there ...
    for personal in PERSONAL:  # ... without the e-mail, phone number, chat id or name
        assert personal not in text, personal
    assert "[e-post]" in text


@pytest.mark.parametrize("question, gone, kept", [
    ("ring mig på +46 70-123 45 67 eller 0701234567", ["70-123", "0701234567", "45 67"], ["ring mig på [nummer]"]),
    ("mitt personnummer är 19850101-1234, org.nr 556677-8899", ["1985", "1234", "556677"], ["personnummer"]),
    ("mitt chat id 510000101 och @kalle_k", ["510000101", "kalle_k"], ["@[namn]"]),
    ("se https://min-sida.se/kalle?id=7 och www.kalle.se", ["min-sida", "kalle"], ["[länk]"]),
    ("jag heter anna svensson och driver ett kafé", ["anna", "svensson"], ["jag heter [namn]", "kafé"]),
    ("Vi på Svenssons Bageri AB vill bygga", ["Svenssons", "Bageri"], ["bygga"]),
    ("kostar bygglov 500 kr år 2026", [], ["500 kr", "2026"]),
])
def test_anonymise_masks_contact_details_ids_and_names(question, gone, kept):
    from bot.knowledge.gaps import anonymise

    text = anonymise(question, known=frozenset({"vi", "på", "vill", "bygga"}), limit=200)
    for part in gone:
        assert part not in text, text
    for part in kept:
        assert part in text, text


def test_the_weekly_digest_is_posted_once_to_the_business_office_and_written_when_sent(db, clock, world):
    ids = seed_gaps(db)
    clock.set(datetime(2026, 11, 30, 6, 59, tzinfo=UTC))  # Monday 07:59 in Stockholm
    assert sweep_gaps(db, rules=world.rules, clock=clock) is None
    clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    assert sweep_gaps(db, rules=world.rules, clock=clock) == "kb.gaps:2026-W49"
    assert sweep_gaps(db, rules=world.rules, clock=clock) is None
    other = Database.from_url(world.url)
    try:
        assert sweep_gaps(other, rules=world.rules, clock=clock) is None
    finally:
        other.dispose()
    [row] = notice_rows(db)
    for personal in PERSONAL:  # nothing people wrote waits in the outbox
        assert personal not in str(row.payload)
    # The person who wrote the bastu question is forgotten before the digest goes out.
    with db.unit() as unit:
        unit.connection.execute(delete(Message.__table__).where(Message.__table__.c.conversation_id == ids["refused"]))
    assert world.dispatcher.drain().sent == 1
    assert world.dispatcher.drain().sent == 0
    [notice] = world.desk.notices
    assert "bastu" not in notice["text"]
    assert "1 frågor utanför ämnet och 2 obesvarade förtydliganden" in notice["text"]
    assert {m["name"] for m in notice["mentions"]} == member_names(world.rules, "naringsliv")
    clock.set(datetime(2026, 12, 7, 7, 0, tzinfo=UTC))  # the next Monday: the next week's digest
    assert sweep_gaps(db, rules=world.rules, clock=clock) == "kb.gaps:2026-W50"
    with db.session() as session:
        assert session.exec(select(func.count()).select_from(OutboxItem).where(OutboxItem.kind == KIND)).one() == (2,)


def test_kb_gaps_cli_prints_the_digest_without_personal_data(sqlite_url, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli.main import app
    from bot.storage.migrate import upgrade
    from tests.test_kb_fixtures import write_knowledge

    database = Database.from_url(sqlite_url)
    upgrade(database.engine)
    seed_gaps(database)
    database.dispose()
    monkeypatch.setenv("LOTSEN_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("LOTSEN_KNOWLEDGE_DIR", str(write_knowledge(tmp_path)))
    monkeypatch.setenv("LOTSEN_ROUTING_FILE", str(tmp_path / "no-rules.yaml"))
    monkeypatch.setenv("LOTSEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["kb", "gaps", "--since", "2026-11-23", "--until", "2026-11-29"])
    assert result.exit_code == 0, result.output
    assert "2026-11-23 00:00 – 2026-11-30 00:00: 2 frågor utanför ämnet och 2 obesvarade förtydliganden" in result.output
    assert "bastu på taket" in result.output
    for personal in PERSONAL:
        assert personal not in result.output, personal
    wrong = CliRunner().invoke(app, ["kb", "gaps", "--since", "2026-11-23", "--until", "2026-11-01"])
    assert wrong.exit_code == 2 and "--until must not be before --since" in wrong.output

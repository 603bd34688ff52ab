"""The conversation store (Core statements on the engine's hot path): one row per person and
channel, written back whole, and on PostgreSQL safe when two workers handle one person at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from bot.conversation import store
from bot.conversation.models import Conversation, Message
from bot.storage.db import Database
from bot.storage.migrate import upgrade

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_created_once_and_written_back_whole(db):
    with db.unit() as unit:
        first = store.load_or_create(unit.connection, channel="telegram", user_id="42", address="chat-42", now=NOW)
        again = store.load_or_create(unit.connection, channel="telegram", user_id="42", address="other", now=NOW)
        assert again.id == first.id and again.address == "chat-42"
        first.state, first.pending, first.lang = "clarifying", {"options": ["bygglov", "rivningslov"]}, "en"
        first.unanswered_streak, first.case_id, first.updated_at = 2, 7, NOW + timedelta(minutes=1)
        store.save(unit.connection, record=first)
        store.append_messages(unit.connection, [
            store.message_row(first, direction="in", text="lov?", action=None, topic=None, now=NOW),
            store.message_row(first, direction="out", text="x" * 5000, action="clarify", topic=None, now=NOW)])
    with db.unit() as unit:
        loaded = store.load(unit.connection, channel="telegram", user_id="42")
        assert loaded is not None and loaded.updated_at is None  # not read back: set by each turn
        loaded.updated_at = first.updated_at
        assert loaded == first
        assert store.load(unit.connection, channel="slack", user_id="42") is None
        assert store.language_of(unit.connection, channel="telegram", user_id="42") == "en"
        assert store.language_of(unit.connection, channel="telegram", user_id="nobody") == "sv"
        assert store.previous_question(unit.connection, conversation_id=first.id) == "lov?"
        lengths = unit.connection.execute(select(func.length(Message.text)).order_by(Message.id)).scalars().all()
        times = unit.connection.execute(select(Conversation.created_at, Conversation.updated_at)).one()
    assert lengths == [4, store.STORED_TEXT_LIMIT]
    assert tuple(times) == (NOW, NOW + timedelta(minutes=1))


def _statements(db) -> list[str]:
    """Every statement the database is sent from now on: through SQLAlchemy, and on SQLite also
    those run on the driver (bot/storage/driver.py), which SQLAlchemy's events do not see."""
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    if db.is_sqlite:
        event.listen(db.engine, "checkout", lambda dbapi, *_: dbapi.set_trace_callback(statements.append))
    return statements


@pytest.mark.parametrize("before", [{}, {"options": ["bygglov"]}])
def test_pending_changed_in_place_is_saved_and_an_unchanged_record_writes_nothing(db, before):
    statements = _statements(db)
    with db.unit() as unit:
        record = store.load_or_create(unit.connection, channel="slack", user_id="U1", address="D1", now=NOW)
        record.pending = before
        store.save(unit.connection, record=record)
    with db.unit() as unit:
        record = store.load(unit.connection, channel="slack", user_id="U1")
        statements.clear()
        store.save(unit.connection, record=record)
        assert not any(s.lstrip().upper().startswith("UPDATE") for s in statements)
        record.state = "clarifying"
        store.save(unit.connection, record=record)
        assert sum(s.lstrip().upper().startswith("UPDATE") for s in statements) == 1  # the check can see one
        record.pending.setdefault("options", []).append("rivningslov")  # in place, as a flow may do
        record.pending["meetings"] = [3]
        store.save(unit.connection, record=record)
    with db.unit() as unit:
        assert store.load(unit.connection, channel="slack", user_id="U1").pending == {
            "options": [*before.get("options", []), "rivningslov"], "meetings": [3]}


def test_an_error_in_the_unit_writes_nothing(db):
    with pytest.raises(RuntimeError):
        with db.unit() as unit:
            store.load_or_create(unit.connection, channel="telegram", user_id="42", address="a", now=NOW)
            raise RuntimeError("boom")
    with db.unit() as unit:
        assert store.load(unit.connection, channel="telegram", user_id="42") is None


def _two_workers(url: str) -> tuple[Database, Database]:
    """Two engines on one schema, as two processes would have."""
    one = Database.from_url(url)
    upgrade(one.engine)
    return one, Database.from_url(url)


@pytest.mark.postgres
def test_two_first_messages_at_once_make_one_conversation(pg_url):
    one, two = _two_workers(pg_url)
    created, errors = {}, []

    def second():
        try:
            with two.unit() as unit:  # blocks on the first one's uncommitted row, then reads it
                created["second"] = store.load_or_create(unit.connection, channel="telegram", user_id="42",
                                                         address="b", now=NOW).id
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    with one.unit() as unit:
        created["first"] = store.load_or_create(unit.connection, channel="telegram", user_id="42", address="a",
                                                now=NOW).id
        worker = threading.Thread(target=second)
        worker.start()
        worker.join(0.3)
        assert worker.is_alive()  # waiting on the first worker's uncommitted row
    worker.join(10)
    try:
        assert not errors and created["first"] == created["second"]
        with one.unit() as unit:
            assert unit.connection.execute(select(func.count()).select_from(Conversation.__table__)).scalar() == 1
    finally:
        one.dispose(), two.dispose()


@pytest.mark.postgres
def test_one_persons_turns_queue_up_instead_of_overwriting_each_other(pg_url):
    """Two workers load the same conversation: the second waits for the first to commit and
    then sees its change, so the unanswered streak counts both turns."""
    one, two = _two_workers(pg_url)
    with one.unit() as unit:
        store.load_or_create(unit.connection, channel="telegram", user_id="42", address="a", now=NOW)
    seen = []

    def second():
        with two.unit() as unit:
            record = store.load(unit.connection, channel="telegram", user_id="42")
            seen.append(record.unanswered_streak)
            record.unanswered_streak += 1
            store.save(unit.connection, record=record)

    with one.unit() as unit:
        record = store.load(unit.connection, channel="telegram", user_id="42")
        worker = threading.Thread(target=second)
        worker.start()
        worker.join(0.3)
        assert worker.is_alive() and seen == []  # waiting for the first worker's row lock
        record.unanswered_streak += 1
        store.save(unit.connection, record=record)
    worker.join(10)
    try:
        assert seen == [1]
        with one.unit() as unit:
            assert store.load(unit.connection, channel="telegram", user_id="42").unanswered_streak == 2
    finally:
        one.dispose(), two.dispose()

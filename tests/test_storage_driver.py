"""Prepared statements (bot/storage/driver.py): on SQLite they run on the driver, and what they
store and read must be exactly what Core stores and reads, errors included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from bot.conversation.models import Conversation
from bot.storage.driver import Prepared
from bot.storage.rows import table_of

TABLE = table_of(Conversation)
WHEN = datetime(2026, 11, 30, 6, 30, 15, 123456, tzinfo=UTC)
ROW = {"channel": "web", "user_id": "ö-1", "address": "a", "lang": "en", "state": "idle",
       "pending": {"options": ["bygglov", "å"], "n": 2, "none": None}, "unanswered_streak": 3, "case_id": None,
       "created_at": WHEN, "updated_at": WHEN}
INSERT = Prepared(insert(TABLE).returning(TABLE.c.id), keys=tuple(ROW))
SELECT = Prepared(select(TABLE).where(TABLE.c.user_id == bindparam("who")))


def test_what_the_driver_writes_core_reads_and_back(db):
    with db.unit() as unit:
        [inserted] = INSERT.rows(unit.connection, ROW)
        by_core = unit.connection.execute(select(TABLE).where(TABLE.c.id == inserted["id"])).one()._asdict()
        unit.connection.execute(insert(TABLE), {**ROW, "user_id": "core"})
        [by_driver] = SELECT.rows(unit.connection, {"who": "core"})
    assert {key: by_core[key] for key in ROW} == ROW  # JSON as a dict, times aware UTC, text as written
    assert {key: by_driver[key] for key in ROW} == {**ROW, "user_id": "core"}
    assert by_driver["updated_at"].tzinfo is not None


def test_a_driver_error_is_sqlalchemys_with_the_values_hidden(db):
    with pytest.raises(IntegrityError) as raised:
        with db.unit() as unit:
            INSERT.rows(unit.connection, {**ROW, "address": "secret-address"})
            INSERT.rows(unit.connection, {**ROW, "address": "secret-address"})  # (channel, user_id) is unique
    assert "secret-address" not in str(raised.value)
    with db.unit() as unit:  # the whole unit was rolled back
        assert SELECT.rows(unit.connection, {"who": ROW["user_id"]}) == []


def test_outside_a_transaction_it_begins_one_the_caller_ends(db):
    with db.engine.connect() as connection:
        INSERT.rows(connection, ROW)
        assert connection.in_transaction()
        connection.rollback()
    with db.unit() as unit:
        assert SELECT.rows(unit.connection, {"who": ROW["user_id"]}) == []
    with db.engine.connect() as connection:
        INSERT.many(connection, [ROW, {**ROW, "user_id": "second"}])
        connection.commit()
    with db.unit() as unit:
        assert len(SELECT.rows(unit.connection, {"who": "second"})) == 1

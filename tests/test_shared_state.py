"""The replicas' shared state (bot.shared): events seen and kept values, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

from bot.shared import service
from bot.shared.stores import PROMPT_MEMORY, SharedDrafts, SharedPrompts, SharedSeenIds
from bot.storage.db import Database

HOUR = timedelta(hours=1)


def test_an_event_is_claimed_once_until_forgotten_or_expired(db, clock):
    seen = SharedSeenIds(db, clock=clock, scope="slack:event", ttl=HOUR)
    assert seen.claim("Ev1") and not seen.claim("Ev1")
    assert SharedSeenIds(db, clock=clock, scope="telegram:event").claim("Ev1")  # another scope
    seen.release("Ev1")  # its handling failed: the retry is handled
    assert seen.claim("Ev1") and not seen.claim("Ev1")
    clock.advance(minutes=61)
    assert seen.claim("Ev1")  # remembered for an hour only


def test_two_replicas_racing_on_one_event_get_one_first(db_url, db, clock):
    others = [Database.from_url(db_url) for _ in range(4)]
    try:
        start, wins = threading.Barrier(len(others)), []

        def replica(database: Database) -> None:
            start.wait()
            if SharedSeenIds(database, clock=clock, scope="slack:event").claim("EvRace"):
                wins.append(database)

        threads = [threading.Thread(target=replica, args=(d,)) for d in others]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(wins) == 1
    finally:
        for database in others:
            database.dispose()


def test_a_draft_is_for_its_owner_taken_once_and_expires(db, clock):
    drafts = SharedDrafts(db, clock=clock, scope="slack:draft", ttl=HOUR)
    token = drafts.keep(user="UANNA", meeting_id=None, channel="CNAV", form={"title_sv": "Frukost"}, error="Fel")
    assert drafts.take(token, user="USOMEONE") is None
    assert drafts.take(token, user="UANNA") == {"user": "UANNA", "meeting_id": None, "channel": "CNAV",
                                                 "form": {"title_sv": "Frukost"}, "error": "Fel"}
    assert drafts.take(token, user="UANNA") is None
    late = drafts.keep(user="UANNA", form={})
    clock.advance(minutes=61)
    assert drafts.take(late, user="UANNA") is None


def test_look_keeps_the_value_and_purge_removes_what_expired(db, clock):
    token = service.keep(db, scope="s", owner="o", data={"key": "k"}, now=clock.now(), ttl=HOUR)
    assert service.look(db, scope="s", token=token, owner="o", now=clock.now()) == {"key": "k"}
    assert service.look(db, scope="s", token=token, owner="o", now=clock.now()) == {"key": "k"}
    assert service.claim_once(db, scope="slack:event", key="Ev9", now=clock.now(), ttl=HOUR)
    assert service.purge_expired(db, now=clock.now()) == 0
    assert service.purge_expired(db, now=clock.now() + HOUR) == 2
    assert service.look(db, scope="s", token=token, owner="o", now=clock.now()) is None


def test_a_prompt_is_found_by_its_message_on_any_replica_replaced_forgotten_and_expires(db_url, db, clock):
    other = Database.from_url(db_url)  # another process on the same database
    try:
        mine, theirs = (SharedPrompts(d, clock=clock, scope="telegram:prompt") for d in (db, other))
        mine.remember(901, {"case": "2026-0001", "user": 777, "verb": "reply"})
        assert theirs.get(901) == {"case": "2026-0001", "user": 777, "verb": "reply"} and 901 in theirs
        assert theirs.get(902) is None and 901 not in SharedPrompts(db, clock=clock, scope="slack:prompt")
        mine.remember(901, {"case": "2026-0001", "user": 777, "verb": "add"})  # the same message again
        assert theirs.get(901)["verb"] == "add"
        theirs.forget(901)
        assert mine.get(901) is None
        mine.remember(903, {"case": "2026-0002", "user": 1, "verb": "reply"})
        clock.advance(days=PROMPT_MEMORY.days, minutes=1)
        assert theirs.get(903) is None
    finally:
        other.dispose()

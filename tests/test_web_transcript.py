"""The web chat's transcript and shared key in the database (bot.shared.transcript), on SQLite
and PostgreSQL: what two replicas must agree on."""

from __future__ import annotations

from bot.shared.stores import SharedTranscript
from bot.storage.db import Database


def test_lines_come_back_in_order_per_person_and_after_an_id(db, clock):
    store = SharedTranscript(db, clock=clock, channel="web")
    first = store.append("anna", [("in", "hej", {}), ("out", "Hej!", {"lang": "sv"})])
    store.append("bert", [("in", "hello", {})])
    later = store.append("anna", [("out", "Svar från lotsen", {"action": "message"})])
    assert [line["text"] for line in store.since("anna")] == ["hej", "Hej!", "Svar från lotsen"]
    assert [line["text"] for line in store.since("anna", after=first[-1]["id"])] == ["Svar från lotsen"]
    assert store.since("anna", after=later[0]["id"]) == []
    assert [line["text"] for line in store.since("bert")] == ["hello"]
    assert store.since("anna", limit=2)[0]["text"] == "Hej!"  # the last two, oldest first
    assert store.line("bert", first[0]["id"]) is None  # not bert's line


def test_another_replica_sees_who_has_new_lines(db_url, db, clock):
    mine, other = SharedTranscript(db, clock=clock, channel="web"), Database.from_url(db_url)
    try:
        theirs = SharedTranscript(other, clock=clock, channel="web")
        mark, people = theirs.changed_since(-1)
        assert people == set()  # a first look only sets the mark
        mine.append("anna", [("out", "a", {})])
        mine.append("bert", [("out", "b", {})])
        SharedTranscript(db, clock=clock, channel="telegram").append("carl", [("out", "c", {})])
        newer, people = theirs.changed_since(mark)
        assert people == {"anna", "bert"} and newer > mark
        assert theirs.changed_since(newer) == (newer, set())
    finally:
        other.dispose()


def test_the_cookie_key_is_made_once_and_shared(db_url, db, clock):
    other = Database.from_url(db_url)
    try:
        key = SharedTranscript(db, clock=clock, channel="web").secret("cookie-key")
        assert len(key) >= 48
        assert SharedTranscript(other, clock=clock, channel="web").secret("cookie-key") == key
        assert SharedTranscript(db, clock=clock, channel="web").secret("other") != key
    finally:
        other.dispose()

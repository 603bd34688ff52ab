"""Many people taking the last places at once: never more confirmed than the capacity, the
rest on the waiting list in order, on SQLite (single writer) and PostgreSQL (row lock)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.meetings import service
from bot.meetings.errors import MeetingError
from bot.meetings.models import Signup
from bot.meetings.validation import known_tags
from tests.knowledge_support import shipped_roles


def test_parallel_sign_ups_respect_capacity(db, clock):
    with db.session() as session:
        meeting = service.create_meeting(session, actor="a", clock=clock, known_tags=known_tags(shipped_roles()), fields={
            "title_sv": "Frukost", "place": "P", "kind": "frukost", "capacity": 3,
            "starts_at": clock.now() + timedelta(days=10), "ends_at": clock.now() + timedelta(days=10, hours=1)})
    errors: list[BaseException] = []
    start = threading.Barrier(12)

    def person(n: int) -> None:
        start.wait(30)
        for _attempt in range(20):
            try:
                with db.writer() as session:
                    service.sign_up(session, meeting_id=meeting.id, channel="telegram", address=f"c{n}",
                                    user_id=f"u{n}", clock=clock)
                return
            except OperationalError:  # SQLite busy beyond the timeout: try again
                continue
            except (MeetingError, Exception) as exc:  # noqa: BLE001 - recorded and asserted below
                errors.append(exc)
                return

    threads = [threading.Thread(target=person, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with db.session() as session:
        signups = list(session.exec(select(Signup)))
    assert len(signups) == 12
    assert sum(s.status == "confirmed" for s in signups) == 3
    assert sum(s.status == "waitlisted" for s in signups) == 9

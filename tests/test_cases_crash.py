"""A process killed between creating a case and convening: the next dispatcher run convenes
exactly once and a further run sends nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlmodel import select

from bot.cases.models import Case
from bot.cases.outbox_handlers import make_case_outbox
from bot.core.clock import SystemClock
from bot.outbox.dispatcher import OutboxDispatcher
from bot.outbox.models import OutboxItem
from bot.routing.loader import load_routing_rules
from tests.cases_support import REPO, RULES_FILE, RecordingChannel, RecordingDesk, small_kb

CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {repo!r})
    from bot.cases.contact import Contact
    from bot.cases.service import create_case
    from bot.core.clock import SystemClock
    from bot.routing.loader import load_routing_rules
    from bot.storage.db import Database
    from tests.cases_support import RULES_FILE, small_kb
    kb = small_kb()
    rules = load_routing_rules(RULES_FILE, kb=kb)
    db = Database.from_url(sys.argv[1])
    with db.writer() as session:
        case = create_case(session, rules=rules, kb=kb, channel="telegram", user_id="77", text="Jag vill öppna en bar",
                           topics=["serveringstillstand"], contact=Contact(phone="0701234567"),
                           consent_text="Ja, jag samtycker.", clock=SystemClock())
    print(case.number, flush=True)
    os._exit(9)  # killed before any dispatcher ran
""")


def test_killed_after_creating_convenes_exactly_once_after_restart(db, db_url):
    child = subprocess.run([sys.executable, "-c", CHILD.format(repo=str(REPO)), db_url], capture_output=True,
                           text=True, timeout=120, cwd=REPO)
    assert child.returncode == 9, child.stderr
    number = child.stdout.strip()
    with db.session() as session:
        case = session.exec(select(Case).where(Case.number == number)).one()
        assert case.status == "new" and case.desk_ref is None
        [row] = session.exec(select(OutboxItem).where(OutboxItem.case_id == case.id)).all()
        assert (row.kind, row.status) == ("desk.convene", "pending")

    rules = load_routing_rules(RULES_FILE, kb=small_kb())

    def restart(desk):
        outbox = make_case_outbox(desks={"slack": desk}, channels={"telegram": RecordingChannel()}, db=db,
                                  rules=rules)
        return OutboxDispatcher(db=db, clock=SystemClock(), handlers=outbox.handlers, after_sent=outbox.after_sent)

    desk = RecordingDesk()
    assert restart(desk).drain().sent == 1
    assert [card.number for card in desk.convened] == [number]
    again = RecordingDesk()
    assert restart(again).drain().sent == 0
    assert again.convened == [] and again.posts == [] and desk.convened[0].number == number
    with db.session() as session:
        case = session.exec(select(Case).where(Case.number == number)).one()
        assert case.status == "convened" and case.desk_ref == f"thread-{number}"


def test_a_failing_desk_is_retried_and_posts_wait_for_the_convene(db, clock):
    from tests.test_cases_flow import act, open_case, PETRA

    kb = small_kb()
    rules = load_routing_rules(RULES_FILE, kb=kb)
    desk = RecordingDesk()
    desk.fail = True
    outbox = make_case_outbox(desks={"slack": desk}, channels={"telegram": RecordingChannel()}, db=db, rules=rules)
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers=outbox.handlers, after_sent=outbox.after_sent)
    _, number = open_case(db, rules, kb, clock)
    assert act(db, rules, clock, PETRA, "note", number, text="intern").ok
    result = dispatcher.run_once()
    assert result.sent == 0 and result.retried == 2  # the convene failed; the note waits for it
    desk.fail = False
    clock.advance(minutes=10)
    dispatcher.drain()
    assert [card.number for card in desk.convened] == [number]
    assert [post["ref"] for post in desk.posts] == [f"thread-{number}"]


def test_a_single_configured_desk_takes_cases_addressed_to_another_desk_name(db, clock):
    from tests.test_cases_flow import open_case

    kb = small_kb()
    rules = load_routing_rules(RULES_FILE, kb=kb)
    desk = RecordingDesk("telegram")
    outbox = make_case_outbox(desks={"telegram": desk}, db=db, rules=rules)
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers=outbox.handlers, after_sent=outbox.after_sent)
    _, number = open_case(db, rules, kb, clock)  # rules.desk is "slack"
    assert dispatcher.drain().sent == 1 and [c.number for c in desk.convened] == [number]
    nowhere = make_case_outbox(desks={"a": RecordingDesk("a"), "b": RecordingDesk("b")}, db=db, rules=rules)
    open_case(db, rules, kb, clock, user="2")
    failed = OutboxDispatcher(db=db, clock=clock, handlers=nowhere.handlers, after_sent=nowhere.after_sent).drain()
    assert failed.failed == 1 and failed.sent == 0

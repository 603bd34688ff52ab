"""A case from creation to closing, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.cases.actions import navigator_action
from bot.cases.contact import Contact
from bot.cases.errors import CaseError, IllegalTransition, InvalidContact
from bot.cases.models import Case, CaseEvent, Consent
from bot.cases.outbox_handlers import make_case_outbox
from bot.cases.queries import find_case, list_cases, open_cases_for, timeline
from bot.cases.service import add_entrepreneur_message, answer_meeting, create_case, parse_choice
from bot.core.actions import Actor, NavigatorAction
from bot.outbox.dispatcher import OutboxDispatcher
from bot.outbox.models import OutboxItem
from bot.routing.rules import Trigger
from bot.routing.loader import load_routing_rules
from tests.cases_support import RULES_FILE, RecordingChannel, RecordingDesk, small_kb

CONSENT = "Jag samtycker till att Sjöviks kommun sparar mina uppgifter för att hjälpa mig i ärendet."
RESTAURANT = "Jag ska öppna en pizzeria i en gammal butikslokal, bygga om köket och servera öl på uteserveringen"
PETRA = Actor("slack", "U0SJ0LIVS1")  # livsmedel
MAJA_CLI = Actor("cli", "Maja.Forsberg@sjovik.example")  # naringsliv, by e-mail


@pytest.fixture
def kb():
    return small_kb()


@pytest.fixture
def rules(kb):
    return load_routing_rules(RULES_FILE, kb=kb)


@pytest.fixture
def world(db, clock, rules):
    desk, channel = RecordingDesk("slack"), RecordingChannel("telegram")
    outbox = make_case_outbox(desks={"slack": desk}, channels={"telegram": channel}, db=db, rules=rules)
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers=outbox.handlers, after_sent=outbox.after_sent)
    return desk, channel, dispatcher


def open_case(db, rules, kb, clock, *, user="4711", text=RESTAURANT, contact=None, topics=None):
    with db.writer() as session:
        case = create_case(session, rules=rules, kb=kb, channel="telegram", user_id=user, text=text,
                           topics=topics if topics is not None else ["serveringstillstand", "uteservering"],
                           contact=contact or Contact(name="Kim Karlsson", company="Kims Pizza AB",
                                                      phone="070-123 45 67"),
                           consent_text=CONSENT, clock=clock,
                           trigger=Trigger("multi_authority", "alkohol, gata"))
        return case.id, case.number


def act(db, rules, clock, actor, verb, number, **kw):
    return navigator_action(db, action=NavigatorAction(actor=actor, verb=verb, case_number=number, **kw),
                            rules=rules, clock=clock)


def test_full_flow_from_creation_to_close(db, clock, rules, kb, world):
    desk, channel, dispatcher = world
    case_id, number = open_case(db, rules, kb, clock)
    assert number == "L-2026-0001"
    with db.session() as session:
        case = session.get(Case, case_id)
        assert case.words == RESTAURANT and case.status == "new"
        assert {"alkohol", "gata", "livsmedel", "bygg"} <= set(case.roles) and case.roles[-1] == "naringsliv"
        assert [t["id"] for t in case.topics] == ["serveringstillstand", "uteservering"]
        assert case.topics[0]["title"] == "Serveringstillstånd"
        assert case.topics[0]["url"] == "https://sjovik.example/e-tjanster/serveringstillstand"
        assert "Johan Wik" in [m["name"] for m in case.members]  # alkohol
        consent = session.exec(select(Consent).where(Consent.case_id == case_id)).one()
        assert consent.text == CONSENT and consent.given_at == clock.now()
        assert session.exec(select(OutboxItem).where(OutboxItem.dedupe_key == f"case:{case_id}:convene")).one()

    dispatcher.drain()
    assert [c.number for c in desk.convened] == [number]
    card = desk.convened[0]
    assert card.entrepreneur_words == RESTAURANT and card.contact_name == "Kim Karlsson"
    assert ("alkohol", "Alkohol- och tobakstillstånd") in card.roles
    assert f"case:{number}:claim" in [b.key for b in card.actions]
    with db.session() as session:
        case = session.get(Case, case_id)
        assert case.status == "convened" and case.desk_ref == f"thread-{number}"

    clock.advance(minutes=5)
    assert act(db, rules, clock, PETRA, "claim", number).ok
    assert act(db, rules, clock, PETRA, "note", number, text="Ring kocken om ventilationen").ok
    assert act(db, rules, clock, MAJA_CLI, "reply", number, text="Vi samordnar gärna ett möte.").ok
    dispatcher.drain()
    texts = [m.text for m in channel.sent]
    assert texts[0].startswith("Petra Lundqvist är din kontaktperson för ärende L-2026-0001")
    assert "Vi samordnar gärna ett möte." in texts[1]
    assert not any("ventilationen" in text for text in texts), "notes never reach the entrepreneur"
    assert all(m.address == "4711" for m in channel.sent)
    assert all(post["ref"] == f"thread-{number}" for post in desk.posts), "later posts thread onto the case"

    when = (clock.now() + timedelta(days=2)).isoformat()
    result = act(db, rules, clock, PETRA, "propose_meeting", number, text=when)
    assert result.ok, result.message
    dispatcher.drain()
    offer = channel.sent[-1]
    assert [b.key for b in offer.buttons] == [f"case:{number}:meeting:accept", f"case:{number}:meeting:decline"]
    assert parse_choice(offer.buttons[0].key) == (number, True)
    with db.writer() as session:
        answer = answer_meeting(session, case_number=number, channel="telegram", user_id="4711", accept=True,
                                clock=clock)
    assert "bokat" in answer
    with db.session() as session:
        assert find_case(session, number=number).status == "meeting_agreed"

    result = act(db, rules, clock, PETRA, "close", number, outcome="meeting_held")
    assert result.ok and result.card.status == "closed" and result.card.actions == []
    dispatcher.drain()
    with db.session() as session:
        kinds = [e.kind for e in timeline(session, case_id=case_id)]
        assert kinds == ["created", "consent", "convened", "claimed", "note", "reply", "meeting_proposed",
                         "meeting_accepted", "closed"]
        events = timeline(session, case_id=case_id)
        assert events[3].actor_id == "U0SJ0LIVS1" and events[3].actor_name == "Petra Lundqvist"
        assert events[5].actor_channel == "cli" and events[5].actor_name == "Maja Forsberg"
        assert open_cases_for(session, channel="telegram", user_id="4711") == []
    # A second dispatcher run has nothing left to send.
    before = (len(desk.posts), len(channel.sent), len(desk.convened))
    assert dispatcher.drain().sent == 0
    assert (len(desk.posts), len(channel.sent), len(desk.convened)) == before


def test_entrepreneur_messages_go_to_the_desk(db, clock, rules, kb, world):
    desk, channel, dispatcher = world
    case_id, number = open_case(db, rules, kb, clock)
    dispatcher.drain()
    with db.writer() as session:
        add_entrepreneur_message(session, case_id=case_id, text="Lokalen är 120 kvm", clock=clock)
    dispatcher.drain()
    assert desk.posts[-1]["text"] == f"Företagaren skrev i ärende {number}:\nLokalen är 120 kvm"
    with db.session() as session:
        assert timeline(session, case_id=case_id)[-1].text == "Lokalen är 120 kvm"


def test_message_to_a_closed_case_is_refused(db, clock, rules, kb):
    case_id, number = open_case(db, rules, kb, clock)
    assert act(db, rules, clock, PETRA, "close", number, outcome="answered").ok
    with pytest.raises(IllegalTransition), db.writer() as session:
        add_entrepreneur_message(session, case_id=case_id, text="hallå?", clock=clock)


def test_case_numbers_are_sequential_per_year(db, clock, rules, kb):
    numbers = [open_case(db, rules, kb, clock, user=str(i))[1] for i in range(3)]
    assert numbers == ["L-2026-0001", "L-2026-0002", "L-2026-0003"]
    clock.advance(days=40)  # into 2027
    assert open_case(db, rules, kb, clock)[1] == "L-2027-0001"
    with db.session() as session:
        assert [c.number for c in list_cases(session, year=2026)] == numbers[::-1]
        assert len(list_cases(session, open_only=True, role="alkohol")) == 4


@pytest.mark.parametrize("contact, word", [
    (Contact(name="Kim"), "ett sätt att nå dig"),
    (Contact(name="Kim", company="AB", phone="", email="  "), "ett sätt att nå dig"),
    (Contact(phone="ring mig"), "Telefonnumret"),
    (Contact(email="kim@"), "E-postadressen"),
])
def test_contact_without_a_way_to_reach_is_refused_and_nothing_written(db, clock, rules, kb, contact, word):
    with pytest.raises(InvalidContact) as error, db.writer() as session:
        create_case(session, rules=rules, kb=kb, channel="telegram", user_id="1", text="hej", topics=[],
                    contact=contact, consent_text=CONSENT, clock=clock)
    assert word in error.value.sv and error.value.en
    with db.session() as session:
        assert session.exec(select(Case)).all() == []
        assert session.exec(select(OutboxItem)).all() == []
        assert session.exec(select(Consent)).all() == []


def test_email_only_is_enough_and_is_normalised(db, clock, rules, kb):
    case_id, _ = open_case(db, rules, kb, clock, contact=Contact(email=" Kim@Pizza.EXAMPLE "))
    with db.session() as session:
        assert session.get(Case, case_id).contact_email == "kim@pizza.example"


def test_missing_consent_writes_nothing(db, clock, rules, kb):
    with pytest.raises(CaseError), db.writer() as session:
        create_case(session, rules=rules, kb=kb, channel="telegram", user_id="1", text="hej", topics=[],
                    contact=Contact(phone="0701234567"), consent_text=" ", clock=clock)
    with db.session() as session:
        assert session.exec(select(Case)).all() == []


@pytest.mark.parametrize("actor", [Actor("slack", "U0NOTAMEMBER"), Actor("telegram", "999"),
                                   Actor("cli", "someone@example.com"), Actor("telegram", "U0SJ0LIVS1")])
@pytest.mark.parametrize("verb, extra", [("claim", {}), ("close", {"outcome": "answered"})])
def test_unauthorized_user_is_refused_audited_and_nothing_changes(db, clock, rules, kb, actor, verb, extra):
    case_id, number = open_case(db, rules, kb, clock)
    result = act(db, rules, clock, actor, verb, number, **extra)
    assert not result.ok and "routing_rules.yaml" in result.message
    with db.session() as session:
        case = session.get(Case, case_id)
        assert case.status == "new" and case.claimed_by is None and case.outcome is None
        refused = timeline(session, case_id=case_id)[-1]
        assert refused.kind == "refused" and refused.actor_id == actor.user_id
        assert refused.data["verb"] == verb and refused.data["reason"] == "not_a_member"
        assert session.exec(select(OutboxItem).where(OutboxItem.kind == "message")).all() == []


def test_refusal_on_unknown_case_is_audited(db, clock, rules):
    result = act(db, rules, clock, Actor("slack", "UINTRUDER"), "claim", "L-2026-9999")
    assert not result.ok
    with db.session() as session:
        event = session.exec(select(CaseEvent).where(CaseEvent.kind == "refused")).one()
        assert event.case_id is None and event.data["case_number"] == "L-2026-9999"


def test_illegal_transitions_are_refused_with_clear_messages(db, clock, rules, kb):
    case_id, number = open_case(db, rules, kb, clock)
    assert not act(db, rules, clock, PETRA, "propose_meeting", number,
                   text=(clock.now() + timedelta(days=1)).isoformat()).ok  # claim first
    assert act(db, rules, clock, PETRA, "claim", number).ok
    second = act(db, rules, clock, MAJA_CLI, "claim", number)
    assert not second.ok and second.message == "Ärendet är redan taget."
    assert act(db, rules, clock, PETRA, "close", number, outcome="answered").ok
    twice = act(db, rules, clock, PETRA, "close", number, outcome="answered")
    assert not twice.ok and "redan avslutat" in twice.message
    claim_closed = navigator_action(db, action=NavigatorAction(actor=PETRA, verb="claim", case_number=number),
                                    rules=rules, clock=clock, lang="en")
    assert not claim_closed.ok and claim_closed.message == "The case is already closed and cannot be changed."
    assert not act(db, rules, clock, PETRA, "reply", number, text="hej").ok
    with db.session() as session:
        case = session.get(Case, case_id)
        assert case.status == "closed" and case.outcome == "answered" and case.claimed_by_name == "Petra Lundqvist"
        refused = [e for e in timeline(session, case_id=case_id) if e.kind == "refused"]
        assert len(refused) == 5 and all(e.actor_name for e in refused)


def test_bad_outcome_and_bad_meeting_time(db, clock, rules, kb):
    _, number = open_case(db, rules, kb, clock)
    assert act(db, rules, clock, PETRA, "claim", number).ok
    bad = act(db, rules, clock, PETRA, "close", number, outcome="solved")
    assert not bad.ok and "answered" in bad.message
    assert not act(db, rules, clock, PETRA, "propose_meeting", number, text="imorgon").ok
    assert not act(db, rules, clock, PETRA, "propose_meeting", number, text="2020-01-01T10:00").ok
    assert not act(db, rules, clock, PETRA, "reply", number, text="   ").ok


def test_meeting_decline_returns_to_claimed_and_only_the_owner_may_answer(db, clock, rules, kb, world):
    _, number = open_case(db, rules, kb, clock)
    assert act(db, rules, clock, PETRA, "claim", number).ok
    assert act(db, rules, clock, PETRA, "propose_meeting", number, text="2026-11-30 10:00").ok
    with pytest.raises(CaseError), db.writer() as session:
        answer_meeting(session, case_number=number, channel="telegram", user_id="someone-else", accept=True,
                       clock=clock)
    with db.writer() as session:
        text = answer_meeting(session, case_number=number, channel="telegram", user_id="4711", accept=False,
                              clock=clock)
    assert "nytt förslag" in text
    with db.session() as session:
        case = find_case(session, number=number)
        assert case.status == "claimed" and case.meeting_at is None
    with pytest.raises(CaseError), db.writer() as session:
        answer_meeting(session, case_number=number, channel="telegram", user_id="4711", accept=True, clock=clock)


def test_concurrent_creation_gives_unique_sequential_numbers(db, clock, rules, kb):
    import threading

    errors, numbers = [], []

    def worker(index: int) -> None:
        try:
            for j in range(3):
                numbers.append(open_case(db, rules, kb, clock, user=f"{index}-{j}")[1])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"L-2026-{n:04d}" for n in range(1, 19)]


def test_no_personal_data_or_message_text_in_logs(db, clock, rules, kb, world, caplog):
    import logging

    from bot.cases.erasure import erase_person
    from bot.cases.ladder import sweep_ladder

    desk, channel, dispatcher = world
    caplog.set_level(logging.INFO)
    case_id, number = open_case(db, rules, kb, clock)
    dispatcher.drain()
    with db.writer() as session:
        add_entrepreneur_message(session, case_id=case_id, text="Mitt nummer är 0709-999999", clock=clock)
    act(db, rules, clock, Actor("slack", "UNOPE"), "claim", number)
    clock.advance(days=3)
    sweep_ladder(db, rules=rules, clock=clock)
    act(db, rules, clock, PETRA, "reply", number, text="Hemligt svar")
    dispatcher.drain()
    with db.writer() as session:
        erase_person(session, channel="telegram", user_id="4711", clock=clock)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert number in logged, "ids are logged"
    for secret in ("Kim", "070-123", "0709-999999", "Hemligt", "pizzeria", "4711", "UNOPE"):
        assert secret not in logged


def test_two_navigators_claiming_at_once_one_wins(db, clock, rules, kb):
    import threading

    _, number = open_case(db, rules, kb, clock)
    barrier, results = threading.Barrier(4), []
    actors = [PETRA, MAJA_CLI, Actor("slack", "U0SJ0ALKO1"), Actor("telegram", "510000801")]

    def claim(actor):
        barrier.wait()
        results.append(act(db, rules, clock, actor, "claim", number))

    threads = [threading.Thread(target=claim, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.ok for r in results) == [False, False, False, True]
    with db.session() as session:
        case = find_case(session, number=number)
        kinds = [e.kind for e in timeline(session, case_id=case.id)]
        assert kinds.count("claimed") == 1 and kinds.count("refused") == 3
        assert len(session.exec(select(OutboxItem).where(OutboxItem.kind == "message")).all()) == 1

"""The composition root: builds the one object the channel adapters talk to (LotsenService).

Nothing is created at import time. `build_lotsen` reads the settings, validates the knowledge
base and routing rules (refusing to start on problems), migrates the database, and wires the
engine, the cases and meetings domains and the outbox to the ports it is given.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from bot.cases.actions import navigator_action as perform_navigator_action
from bot.cases.erasure import erase_person as erase_case_data
from bot.cases.gateway import CasesGateway
from bot.cases.ladder import sweep_ladder
from bot.cases.outbox_handlers import make_case_outbox
from bot.cases.queries import case_number_of
from bot.config import Settings, load_settings
from bot.conversation import erasure_guard, texts
from bot.conversation.case_gateway import CaseGateway
from bot.conversation.engine import ConversationEngine
from bot.conversation.render import render_privacy, render_smalltalk
from bot.conversation.texts import is_erasure_request
from bot.core.actions import ActionResult, Actor, NavigatorAction
from bot.core.clock import Clock, SystemClock
from bot.core.messages import Incoming, Reply
from bot.core.ports import EntrepreneurChannel, NavigatorDesk
from bot.insight.flow import InsightFlow
from bot.insight.monthly import DIGEST as REPORT_DIGEST
from bot.insight.monthly import MonthlyReport, make_report_renderer
from bot.insight.report import build_report
from bot.insight.survey import erase_person as erase_surveys
from bot.knowledge.bundle import KnowledgeBundle
from bot.knowledge.cache import load_bundle
from bot.knowledge.upkeep import Upkeep, upkeep_handlers
from bot.locales import msg
from bot.meetings.admin import FORM_FIELDS, cancel_from_desk, form_values, parse_command, submit_meeting
from bot.meetings.flow import MeetingsFlow
from bot.meetings.models import Meeting
from bot.meetings.service import erase_person as erase_meeting_data
from bot.meetings.validation import known_tags
from bot.outbox.dispatcher import OutboxDispatcher, message_handler
from bot.outbox.unknown import NOTICE_KIND as UNKNOWN_REPORT
from bot.outbox.unknown import make_notice_handler as make_unknown_report_handler
from bot.retention.policy import parse_policy
from bot.retention.sweep import Retention
from bot.routing.rules import RoutingRules
from bot.shared.service import purge_expired
from bot.shared.stores import SharedStores, shared_stores
from bot.shared.transcript import erase as erase_transcript
from bot.storage.db import Database
from bot.storage.migrate import upgrade

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Lotsen:
    """The real LotsenService (bot.core.service)."""

    db: Database
    bundle: KnowledgeBundle
    clock: Clock
    engine: ConversationEngine
    dispatcher: OutboxDispatcher
    upkeep: Upkeep | None = None  # the knowledge's monthly review and weekly gaps posts
    monthly_report: MonthlyReport | None = None  # the service report to the business office
    retention: Retention | None = None  # the records policy of the municipality profile

    @property
    def rules(self) -> RoutingRules:
        if self.bundle.rules is None:  # build_lotsen refuses a bundle without them
            raise RuntimeError("Lotsen was built without routing rules")
        return self.bundle.rules

    @property
    def cases(self) -> CaseGateway:
        if self.engine.cases is None:  # build_lotsen always gives the engine the cases domain
            raise RuntimeError("Lotsen was built without the cases domain")
        return self.engine.cases

    @property
    def profile(self):
        return self.bundle.kb.profile

    @property
    def meeting_tags(self) -> frozenset[str]:
        """Tags a meeting may carry: the fixed ones, article ids and the routing rules' roles."""
        return meeting_tags(self.bundle)

    # -- entrepreneurs -------------------------------------------------------------------------
    def handle(self, incoming: Incoming) -> Reply:
        if erasure_guard.might_answer(incoming.text, incoming.choice):
            reply = self._safely(lambda: self._erasure_answer(incoming), incoming.text)
            if reply is not None:
                return reply
        if is_erasure_request(incoming.text):
            # The privacy notice promises: write "glöm mig" / "forget me" and we erase your data.
            return self._safely(lambda: self.erase(channel=incoming.channel, user_id=incoming.user_id,
                                                   lang=self.engine.responder.language(incoming.text)),
                                incoming.text)
        return self._safely(lambda: self.engine.handle(incoming), incoming.text)

    def start(self, *, channel: str, user_id: str, lang: str | None = None) -> Reply:
        lang = lang if lang is not None and lang in self.profile.languages else self.profile.default_language
        text = render_smalltalk("greeting", self.profile, lang) + "\n\n" + render_privacy(self.profile, lang)
        return Reply(action="greeting", text=text, lang=lang, confidence=1.0)

    def request_navigator(self, incoming: Incoming) -> Reply:
        return self._safely(lambda: self.engine.request_navigator(incoming), incoming.text)

    def my_cases(self, *, channel: str, user_id: str, lang: str | None = None) -> Reply:
        gateway = self.cases
        with self.db.session() as session:
            lang = lang if lang is not None and lang in self.profile.languages else self.engine.language_of(session, channel=channel,
                                                                             user_id=str(user_id))
            cases = gateway.open_cases(session, channel=channel, user_id=str(user_id))
        return Reply(action="case_message", text=texts.open_cases(cases, lang), lang=lang)

    def _erasure_answer(self, incoming: Incoming) -> Reply | None:
        decision, lang = erasure_guard.answer(self.db, channel=incoming.channel, user_id=str(incoming.user_id),
                                              text=incoming.text, choice=incoming.choice)
        if decision is None:
            return None
        if lang is None or lang not in self.profile.languages:
            with self.db.session() as session:
                lang = self.engine.language_of(session, channel=incoming.channel, user_id=str(incoming.user_id))
        if decision:
            return self.erase(channel=incoming.channel, user_id=incoming.user_id, lang=lang, confirmed=True)
        return erasure_guard.kept(lang)

    def erase(self, *, channel: str, user_id: str, lang: str | None = None, confirmed: bool = False) -> Reply:
        """Erase the person's personal data in every domain in one unit of work. When that
        would close an open case, ask first (once); `confirmed` is the answer."""
        if not confirmed:
            with self.db.session() as session:
                if lang is None or lang not in self.profile.languages:
                    lang = self.engine.language_of(session, channel=channel, user_id=str(user_id))
                open_cases = self.cases.open_cases(session, channel=channel, user_id=str(user_id))
            if open_cases:
                return erasure_guard.ask(self.db, channel=channel, user_id=str(user_id), lang=lang,
                                         numbers=[case.number for case in open_cases], now=self.clock.now())
        with self.db.writer() as session:
            if lang is None or lang not in self.profile.languages:
                lang = self.engine.language_of(session, channel=channel, user_id=str(user_id))
            report = erase_case_data(session, channel=channel, user_id=str(user_id), clock=self.clock)
            signups = erase_meeting_data(session, channel=channel, user_id=str(user_id), clock=self.clock)
            surveys = erase_surveys(session, channel=channel, user_id=str(user_id))  # answers stay, anonymous
            erase_transcript(session.connection(), channel=channel, person=str(user_id))
        text = report.text(lang)
        if signups:
            text += "\n" + msg(lang, "cases.erasure.meetings")
        if surveys:
            text += "\n" + msg(lang, "cases.erasure.surveys")
        log.info("erasure done for one person (%d cases, %d sign-ups)", len(report.cases), signups)
        return Reply(action="erased", text=text, lang=lang)

    # -- navigators ----------------------------------------------------------------------------
    def navigator_action(self, action: NavigatorAction) -> ActionResult:
        return perform_navigator_action(self.db, action=action, rules=self.rules, clock=self.clock)

    def submit_meeting(self, *, actor: Actor, form: dict[str, str], meeting_id: int | None = None,
                       lang: str = "sv") -> ActionResult:
        policy = meeting_policy(self.bundle)  # the same as the CLI's (bot.cli.meetings.directory)
        with self.db.writer() as session:
            return submit_meeting(session, actor=actor, form=form, clock=self.clock, meeting_id=meeting_id,
                                  known_tags=policy.tags, authorize=policy.allows, lang=lang,
                                  organiser=policy.organiser)

    def cancel_meeting(self, *, actor: Actor, meeting_id: int, reason: str | None = None,
                       lang: str = "sv") -> ActionResult:
        with self.db.writer() as session:
            return cancel_from_desk(session, actor=actor, meeting_id=meeting_id, clock=self.clock,
                                    authorize=self._is_navigator, reason=reason, lang=lang)

    def submit_meeting_command(self, *, actor: Actor, text: str, meeting_id: int | None = None,
                               lang: str = "sv") -> ActionResult:
        form = parse_command(text)
        if not form:
            return ActionResult(ok=False, message=msg(lang, "app.meeting_usage"))
        return self.submit_meeting(actor=actor, form=form, meeting_id=meeting_id, lang=lang)

    def meeting_fields(self):
        return FORM_FIELDS

    def meeting_form(self, *, actor: Actor, meeting_id: int) -> dict[str, str] | None:
        if not self._is_navigator(actor):  # the form shows organisers' details: navigators only
            return None
        with self.db.session() as session:
            meeting = session.get(Meeting, meeting_id)
            return form_values(meeting) if meeting is not None else None

    def may_act(self, *, actor: Actor, case_number: str) -> bool:
        return self._is_navigator(actor)

    def _is_navigator(self, actor: Actor) -> bool:
        return is_navigator(self.rules, actor)

    # -- the background work -------------------------------------------------------------------
    def dispatch_outbox(self) -> int:
        return self.dispatcher.run_once().sent

    def sweep_ladder(self) -> int:
        return len(sweep_ladder(self.db, rules=self.rules, clock=self.clock))

    def purge_shared(self) -> int:
        return purge_expired(self.db, now=self.clock.now())

    def periodic(self) -> list[tuple[str, Callable[[], object]]]:
        """The jobs the scheduler runs in every process."""
        upkeep = self.upkeep.jobs() if self.upkeep is not None else []
        report = self.monthly_report.jobs() if self.monthly_report is not None else []
        retention = [("retention", self.retention.sweep)] if self.retention is not None else []
        return [("outbox", self.dispatch_outbox), ("ladder", self.sweep_ladder), ("shared", self.purge_shared),
                *upkeep, *report, *retention]

    def report(self, *, since: datetime, until: datetime, lang: str = "sv") -> str:
        """The service report (aggregates only) for [since, until), as one HTML page."""
        html, _ = build_report(self.db, rules=self.rules, kb=self.bundle.kb, since=since, until=until, lang=lang)
        return html

    def shared_stores(self, channel: str) -> SharedStores:
        """What a channel's adapter must share with the other replicas (events seen, kept
        forms), in the database (bot.shared)."""
        return shared_stores(self.db, clock=self.clock, channel=channel)

    def public_profile(self) -> dict:
        """What a channel may show about the municipality (the web chat's name, logo, colours,
        the origins allowed to embed it, the languages offered): the profile's `name`, `short_name`,
        `contact` and `web`, and `languages` (Swedish and English when the profile lists none)."""
        data = self.profile.data
        public = {key: data[key] for key in ("name", "short_name", "contact", "web") if key in data}
        public["languages"] = list(self.profile.languages)
        return public

    def knowledge_links(self) -> frozenset[str]:
        """Every URL the knowledge base and the profile hold: the only ones a channel makes
        clickable (bot.knowledge.links)."""
        return knowledge_links(self.bundle)

    def seed_meetings(self, path: Path) -> None:
        """Load the recurring meetings of the knowledge folder (idempotent); a missing file is fine."""
        if not path.is_file():
            return
        from bot.meetings.seed import load_seed

        with self.db.writer() as session:
            load_seed(session, path=path, clock=self.clock, known_tags=self.meeting_tags,
                      organiser=self.rules.coordinator)

    def close(self) -> None:
        self.db.dispose()

    def _safely(self, work: Callable[[], T], text: str | None) -> T | Reply:
        try:
            return work()
        except Exception:  # never a traceback to a user; the unit of work was rolled back
            log.exception("handling a message failed")
            lang = self.engine.responder.language(text or "") if text else "sv"
            contact = f"{self.profile.text('contact.phone')}, {self.profile.text('contact.email')}"
            return Reply(action="invalid", text=msg(lang, "app.sorry", contact=contact), lang=lang)


def knowledge_links(bundle: KnowledgeBundle) -> frozenset[str]:
    from bot.knowledge.links import collect_urls, urls_in

    found = set(collect_urls(bundle.kb))
    for article in bundle.kb.articles.values():
        found.update(urls_in(repr(article)))
    found.update(urls_in(repr(bundle.guide)))
    found.update(urls_in(repr(bundle.kb.profile.data)))
    return frozenset(found)


def meeting_tags(bundle: KnowledgeBundle) -> frozenset[str]:
    """The same tags everywhere (desk forms, the conversation, the seed file, the CLI)."""
    return known_tags(bundle.kb.articles, bundle.rules.roles if bundle.rules is not None else ())


def is_navigator(rules: RoutingRules | None, actor: Actor) -> bool:
    """Who may act as a navigator (cases, meetings, the outbox), on every channel and in the
    terminal alike: a member or deputy in the routing rules, looked up by the actor's identity."""
    return rules is not None and rules.member_for(actor) is not None


@dataclass(frozen=True)
class MeetingPolicy:
    """What every desk (Slack, Telegram, the CLI) checks a meeting against: one set of tags, the
    default organiser, and who may manage meetings."""

    tags: frozenset[str]
    organiser: str
    rules: RoutingRules | None

    def allows(self, actor: Actor) -> bool:
        return is_navigator(self.rules, actor)


def meeting_policy(bundle: KnowledgeBundle) -> MeetingPolicy:
    rules = bundle.rules
    return MeetingPolicy(tags=meeting_tags(bundle), organiser=rules.coordinator if rules is not None else "",
                         rules=rules)


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """The database of the settings, migrated: what the CLI's commands work on."""
    db = Database.from_url(settings.database_url)
    if migrate:
        upgrade(db.engine)
    return db


def build_console(*, settings: Settings, bundle: KnowledgeBundle, stream) -> Lotsen:
    """`lotsen chat`: Lotsen with the terminal as the entrepreneurs' channel and as every
    navigators' desk (the routing rules' desk, and each registered channel's), printed."""
    from bot.adapters.console import CHANNEL, ConsoleChannel
    from bot.adapters.console_desk import ConsoleDesk
    from bot.adapters.registry import load_plugins

    desk = ConsoleDesk(stream)
    names = {"console", *(plugin.name for plugin in load_plugins())}
    if bundle.rules is not None:
        names.add(bundle.rules.desk)
    return build_lotsen(settings=settings, bundle=bundle, channels={CHANNEL: ConsoleChannel(stream)},
                        desks={name: desk for name in sorted(names)})


def build_lotsen(*, settings: Settings | None = None, channels: dict[str, EntrepreneurChannel] | None = None,
                 desks: dict[str, NavigatorDesk] | None = None, clock: Clock | None = None,
                 database_url: str | None = None, knowledge_dir: Path | None = None,
                 routing_file: Path | None = None, migrate: bool = True,
                 bundle: KnowledgeBundle | None = None) -> Lotsen:
    """Build Lotsen. Raises bot.knowledge.problems.InvalidKnowledge on an invalid knowledge base
    or routing rules, bot.config.ConfigError on bad settings. Without a `bundle`, the validated one
    from the disk cache (bot.knowledge.cache), as `lotsen ask` has it: `lotsen serve` does not
    count the second reader again at every start."""
    settings = settings or load_settings()
    clock = clock or SystemClock()
    bundle = bundle or load_bundle(knowledge_dir or settings.knowledge_dir,
                                   routing_file or settings.resolved_routing_file)
    if bundle.rules is None:
        from bot.knowledge.problems import InvalidKnowledge, Problem

        raise InvalidKnowledge([Problem(str(routing_file or settings.resolved_routing_file), None,
                                        "the routing rules are missing")])
    db = Database.from_url(database_url or settings.database_url)
    if migrate:
        upgrade(db.engine)
    channels, desks = dict(channels or {}), dict(desks or {})
    gateway = CasesGateway(rules=bundle.rules, kb=bundle.kb)
    flows = [MeetingsFlow(known_tags=meeting_tags(bundle))]
    engine = ConversationEngine(db=db, responder=bundle.responder(), clock=clock, cases=gateway, flows=flows,
                                insight=InsightFlow(rules=bundle.rules))
    case_outbox = make_case_outbox(desks=desks, db=db, rules=bundle.rules, channels=channels)
    handlers = {**case_outbox.handlers, "message": message_handler(channels),
                **upkeep_handlers(db=db, bundle=bundle, desks=desks,
                                  render={REPORT_DIGEST: make_report_renderer(db, bundle=bundle)})}
    handlers[UNKNOWN_REPORT] = make_unknown_report_handler(db=db, desks=desks, default_desk=bundle.rules.desk,
                                                           case_label=case_number_of(db))
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers=handlers, after_sent=case_outbox.after_sent,
                                  lease=timedelta(seconds=settings.outbox_lease_seconds),
                                  heartbeat=timedelta(seconds=settings.outbox_heartbeat))
    policy, _ = parse_policy(bundle.kb.profile.data)  # its problems stopped the bundle loading
    return Lotsen(db=db, bundle=bundle, clock=clock, engine=engine, dispatcher=dispatcher,
                  upkeep=Upkeep(db=db, bundle=bundle, clock=clock),
                  monthly_report=MonthlyReport(db=db, bundle=bundle, clock=clock),
                  retention=Retention(db=db, policy=policy, clock=clock))

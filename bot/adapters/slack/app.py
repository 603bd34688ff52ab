"""The slack-bolt App: navigators' buttons and modals, entrepreneurs' direct messages and
slash commands. Every listener acknowledges at once (in the request's own thread) and does
the slow work — the core, Web API calls — afterwards on a worker pool, so
Slack's 3-second limit holds however busy the workers are.

Retried events are recognised by `event_id`, never by dropping every request that carries
X-Slack-Retry-Num: a retry of an event that was never handled is handled. The memory of event
ids and of refused forms is in process unless the core shares its own (`share`, from
`LotsenService.shared_stores`: in the database), which `lotsen serve` does, so that a retry or
a button press reaching another replica behind the same load balancer is handled as one.
"""

from __future__ import annotations

import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.adapters.choices import SLACK_VALUE_CHARS, ChoiceKeys, valid_case_number
from bot.adapters.dedupe import SeenIds
from bot.adapters.slack import meetings, render
from bot.core.actions import OUTCOMES, Actor, NavigatorAction
from bot.core.messages import Incoming, Reply
from bot.core.service import LotsenService
from bot.locales import both

log = logging.getLogger(__name__)

UNKNOWN = "desk.shared.unknown_button"


class SlackListeners:
    """The listeners' shared state; the methods are registered on the bolt App."""

    def __init__(self, service: LotsenService, client: WebClient, keys: ChoiceKeys | None = None,
                 seen: SeenIds | None = None) -> None:
        self.service = service
        self.client = client
        self.keys = keys or ChoiceKeys(max_bytes=SLACK_VALUE_CHARS)
        self.seen = seen or SeenIds(max_size=50_000, ttl=3600)
        self.pool: ThreadPoolExecutor | None = None  # set by build_slack_app
        self.meetings = meetings.MeetingCommands(service, client)

    def share(self, stores) -> None:
        """Use the core's shared stores (events seen, kept forms) instead of process memory."""
        self.seen = stores.seen
        self.meetings.drafts = stores.drafts

    def submit(self, work, *args, event_id: str | None = None) -> None:
        """Run `work` after the acknowledgement, on the worker pool. A failure is logged (no
        text); a failed event is forgotten so that a redelivery would be handled."""
        def run() -> None:
            try:
                work(*args)
            except Exception as exc:
                if event_id:
                    self.seen.release(event_id)
                log.error("slack: %s failed: %s", getattr(work, "__name__", "work"), type(exc).__name__, exc_info=exc)
        if self.pool is None:
            raise RuntimeError("slack: build_slack_app gives the listeners their pool")
        self.pool.submit(run)

    # --- de-duplication (a global middleware, runs before the ack) -----------------------------
    def dedupe(self, body: dict, next) -> BoltResponse | None:  # noqa: A002 - bolt's name
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not self.seen.claim(event_id):
            log.info("slack: event %s already received; acknowledged, not handled again", event_id)
            return BoltResponse(status=200, body="")
        try:
            return next()
        except Exception:
            if event_id:
                self.seen.release(event_id)
            raise

    # --- navigators --------------------------------------------------------------------------
    def _refuse(self, body: dict, channel: str | None, text: str) -> None:
        user = body["user"]["id"]
        if channel:
            self.client.chat_postEphemeral(channel=channel, user=user, text=render.escape(text))
        else:  # no channel known (e.g. a modal): a direct message to the navigator only
            self.client.chat_postMessage(channel=user, text=render.escape(text))

    def _act(self, body: dict, action: NavigatorAction, channel: str | None, ts: str | None) -> None:
        result = self.service.navigator_action(action)
        if not result.ok:
            self._refuse(body, channel, result.message)
            return
        if result.card is not None and channel and ts:
            self.client.chat_update(channel=channel, ts=ts, text=render.card_fallback(result.card),
                                    blocks=render.card_blocks(result.card))
        if action.verb != "claim" and channel:
            self.client.chat_postEphemeral(channel=channel, user=body["user"]["id"],
                                           text=render.escape(result.message))

    @staticmethod
    def _where(body: dict) -> tuple[str | None, str | None]:
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        return channel, container.get("message_ts") or (body.get("message") or {}).get("ts")

    def on_button(self, body: dict) -> None:
        action = body["actions"][0]
        verb, number = action["action_id"].removeprefix("lotsen_"), action.get("value")
        channel, ts = self._where(body)
        if verb not in render.VERBS or not valid_case_number(number):
            self._refuse(body, channel, both(UNKNOWN))
            return
        actor = Actor("slack", body["user"]["id"])
        if verb == "claim":
            self._act(body, NavigatorAction(actor, "claim", number), channel, ts)
            return
        if not self.service.may_act(actor=actor, case_number=number):  # refuse before a form is filled in
            self._refuse(body, channel, both(meetings.NOT_NAVIGATOR))
            return
        metadata = {"case": number, "channel": channel, "ts": ts}
        view = {"reply": render.reply_modal, "note": render.note_modal, "close": render.close_modal,
                "meeting": render.meeting_modal, "add": render.add_modal}[verb](metadata)
        self.client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_submit(self, body: dict, view: dict) -> None:
        metadata = json.loads(view.get("private_metadata") or "{}")
        number, channel, ts = metadata.get("case"), metadata.get("channel"), metadata.get("ts")
        if not valid_case_number(number):
            self._refuse(body, channel, both(UNKNOWN))
            return
        values = view["state"]["values"]
        actor = Actor("slack", body["user"]["id"])
        kind = view["callback_id"]
        if kind == "lotsen_reply_modal":
            action = NavigatorAction(actor, "reply", number, text=values["reply"]["text"]["value"] or "")
        elif kind == "lotsen_add_modal":
            action = NavigatorAction(actor, "add", number, text=values["add"]["text"]["value"] or "")
        elif kind == "lotsen_note_modal":
            action = NavigatorAction(actor, "note", number, text=values["note"]["text"]["value"] or "")
        elif kind == "lotsen_close_modal":
            outcome = ((values["outcome"]["value"].get("selected_option") or {}).get("value"))
            note = (values.get("note", {}).get("text") or {}).get("value")
            if outcome not in OUTCOMES:
                self._refuse(body, channel, both(UNKNOWN))
                return
            action = NavigatorAction(actor, "close", number, text=note, outcome=outcome)
        else:
            when = values["when"]["value"].get("selected_date_time")
            iso = datetime.fromtimestamp(int(when), UTC).isoformat() if when else None
            action = NavigatorAction(actor, "meeting", number, text=iso)
        self._act(body, action, channel, ts)

    # --- entrepreneurs (optional: direct messages to the bot) ------------------------------------
    def send_reply(self, channel: str, reply: Reply) -> None:
        tokens = [self.keys.issue(channel, b.key) for b in reply.buttons]
        self.client.chat_postMessage(channel=channel, text=render.escape(reply.text[:3000]),
                                     blocks=render.choice_blocks(reply.text, reply.buttons, tokens))
        for attachment in reply.attachments:  # e.g. a calendar invitation
            self.client.files_upload_v2(channel=channel, content=attachment.content, filename=attachment.name)

    def on_dm(self, event: dict) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        incoming = Incoming(channel="slack", user_id=event["user"], chat_id=event["channel"],
                            text=event.get("text") or "")
        self.send_reply(event["channel"], self.service.handle(incoming))

    def on_choice(self, body: dict) -> None:
        channel, _ = self._where(body)
        action = body["actions"][0]
        key = self.keys.resolve(channel or "", action.get("value") or "")
        if key is None:
            self._refuse(body, channel, both("desk.shared.expired_button"))
            return
        if channel is None:  # a button outside a conversation: nowhere to answer
            return
        label = (action.get("text") or {}).get("text") or ""  # what the button said: the person's "words"
        incoming = Incoming(channel="slack", user_id=body["user"]["id"], chat_id=channel, text=label, choice=key)
        self.send_reply(channel, self.service.handle(incoming))

    def on_command(self, body: dict, respond) -> None:
        user, command = body["user_id"], body["command"].lstrip("/")
        if command == "glom_mig":
            reply = self.service.erase(channel="slack", user_id=user)
        elif command == "mina_arenden":
            reply = self.service.my_cases(channel="slack", user_id=user)
        else:
            reply = self.service.request_navigator(Incoming(channel="slack", user_id=user,
                                                            chat_id=body.get("channel_id"), text=body.get("text") or ""))
        respond(text=render.escape(reply.text[:3000]), response_type="ephemeral")


def build_slack_app(*, service: LotsenService, client: WebClient, signing_secret: str,
                    workers: int = 16, listeners: SlackListeners | None = None) -> App:
    """A bolt App in acknowledge-first mode. Signature verification (5-minute window) is bolt's
    own, on the raw body; `client` carries the base URL and the 429 retry handler."""
    listeners = listeners or SlackListeners(service, client)
    listeners.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lotsen-slack")
    bolt_logger = logging.getLogger("bot.adapters.slack.bolt")
    level = bolt_logger.level
    bolt_logger.setLevel(logging.ERROR)  # bolt warns that SLACK_BOT_TOKEN is unused next to `client`: it is meant
    try:
        app = App(client=client, signing_secret=signing_secret, process_before_response=True,
                  token_verification_enabled=False, logger=bolt_logger)
    finally:
        bolt_logger.setLevel(level)
    app.use(listeners.dedupe)

    # Each listener runs in the request's thread: acknowledge, hand the work to the pool, return.
    # (bolt's own lazy listeners deep-copy the whole request for that, which costs more than the
    # rest of the acknowledgement together.)
    @app.action(re.compile(r"^lotsen_(claim|reply|note|meeting|add|close)$"))
    def button(ack, body):
        ack()
        listeners.submit(listeners.on_button, body)

    @app.action(re.compile(r"^lotsen_choice_\d+$"))
    def choice(ack, body):
        ack()
        listeners.submit(listeners.on_choice, body)

    @app.view(re.compile(r"^lotsen_(reply|note|close|meeting|add)_modal$"))
    def submission(ack, body, view):
        ack()
        listeners.submit(listeners.on_submit, body, view)

    @app.event("message")
    def message(ack, body, event):
        ack()
        listeners.submit(listeners.on_dm, event, event_id=body.get("event_id"))

    @app.command(re.compile(r"^/(glom_mig|mina_arenden|lots)$"))
    def command(ack, body, respond):
        ack()
        listeners.submit(listeners.on_command, body, respond)

    @app.command("/lotsen-mote")
    def meeting_command(ack, body, respond):
        ack()
        listeners.submit(listeners.meetings.on_command, body, respond)

    @app.view(meetings.CALLBACK_ID)
    def meeting_submission(ack, body, view):
        ack()
        listeners.submit(listeners.meetings.on_submit, body, view)

    @app.action(meetings.REOPEN_ACTION)
    def meeting_reopen(ack, body):
        ack()
        listeners.submit(listeners.meetings.on_reopen, body)

    app.error(lambda error, body: log.error("slack: listener failed: %s", type(error).__name__, exc_info=error))
    app.lotsen_listeners = listeners  # type: ignore[attr-defined]  # bolt's App has no field for it; tests read it
    return app

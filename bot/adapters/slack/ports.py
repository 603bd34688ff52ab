"""The Slack ports the outbox dispatcher sends through: the navigators' desk (a channel per
case, or a thread per case in one channel) and, optionally, entrepreneurs' direct messages.

References are "<channel id>:<message ts>" in both desk modes. Errors map onto the outbox's
vocabulary: 429 (after slack_sdk's own retries) is retryable after Retry-After; a request that
may have reached Slack without an answer is `outcome_unknown`; configuration errors are final.
"""

from __future__ import annotations

import logging
import re
import socket
import urllib.error

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.choices import SLACK_VALUE_CHARS, ChoiceKeys
from bot.adapters.slack import render
from bot.core.ports import CaseCard, Delivery, OutboundMessage, SendError, member_identity

log = logging.getLogger(__name__)

FINAL_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "channel_not_found",
                "is_archived", "missing_scope", "not_in_channel", "invalid_blocks", "msg_too_long",
                "user_not_found", "cannot_dm_bot"}


def call(fn, *args, **kwargs):
    """One Web API call with its failures translated to SendError."""
    try:
        return fn(*args, **kwargs)
    except SlackApiError as exc:
        response = exc.response
        error = response.get("error") if hasattr(response, "get") else None
        if response.status_code == 429:
            retry_after = float(response.headers.get("Retry-After", response.headers.get("retry-after", 30)))
            raise SendError("slack: rate limited", retry_after=retry_after) from None
        raise SendError(f"slack: {error}", retryable=error not in FINAL_ERRORS) from None
    except TimeoutError:
        raise SendError("slack: timed out; the message may have been sent", outcome_unknown=True) from None
    except urllib.error.URLError as exc:
        unknown = isinstance(exc.reason, (TimeoutError, socket.timeout))
        raise SendError(f"slack: connection failed ({type(exc.reason).__name__})", outcome_unknown=unknown) from None


def parse_ref(case_ref: str) -> tuple[str, str]:
    channel, _, ts = case_ref.partition(":")
    if not channel or not ts:
        raise SendError(f"not a Slack case reference: {case_ref!r}", retryable=False)
    return channel, ts


def channel_name(number: str) -> str:
    """lots-<case number> in Slack's channel-name alphabet (lower case, digits, - and _; 80 max)."""
    return ("lots-" + re.sub(r"[^a-z0-9_-]+", "-", number.lower())).strip("-")[:80]


class SlackNavigatorDesk:
    name = "slack"

    def __init__(self, client: WebClient, *, navigator_channel: str | None = None, private_channels: bool = True) -> None:
        self.client = client
        self.navigator_channel = navigator_channel  # thread mode when set, channel per case otherwise
        self.private_channels = private_channels

    def convene(self, card: CaseCard) -> Delivery:
        channel = self.navigator_channel or self._case_channel(card)
        text = render.card_fallback(card)
        if self.navigator_channel:
            text += " " + render.mentions(card.members)
        response = call(self.client.chat_postMessage, channel=channel, text=text.strip(), blocks=render.card_blocks(card))
        log.info("slack: case %s convened in %s", card.number, channel)
        return Delivery(ok=True, ref=f"{response['channel']}:{response['ts']}")

    def _case_channel(self, card: CaseCard) -> str:
        name = channel_name(card.number)
        try:
            created = call(self.client.conversations_create, name=name, is_private=self.private_channels)
            channel = created["channel"]["id"]
        except SendError as exc:
            if "name_taken" not in str(exc):
                raise
            channel = self._find_channel(name)  # a retried convene: the channel is already there
        users = sorted({found for m in card.members if (found := member_identity(m, "slack"))})
        if users:
            try:
                call(self.client.conversations_invite, channel=channel, users=",".join(users))
            except SendError as exc:
                if "already_in_channel" not in str(exc):
                    raise
        return channel

    def _find_channel(self, name: str) -> str:
        cursor = None
        while True:
            page = call(self.client.conversations_list, types="public_channel,private_channel",
                        exclude_archived=True, limit=200, cursor=cursor)
            for channel in page["channels"]:
                if channel.get("name") == name:
                    return channel["id"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                raise SendError(f"slack: channel {name} exists but is not visible to Lotsen", retryable=False)

    def post(self, *, case_ref: str, text: str, mentions: list[dict] | None = None) -> Delivery:
        channel, ts = parse_ref(case_ref)
        thread = {"thread_ts": ts} if self.navigator_channel else {}
        fallback = (render.mentions(mentions) + " " + render.escape(text[:2000])).strip()
        response = call(self.client.chat_postMessage, channel=channel, text=fallback,
                        blocks=render.relay_blocks(text, mentions), **thread)
        return Delivery(ok=True, ref=f"{channel}:{response['ts']}")

    def notice(self, *, text: str, mentions: list[dict] | None = None, attachment_name: str | None = None,
               attachment: bytes | None = None) -> Delivery:
        """A post of its own (not about a case) in the navigators' channel, with a file if given."""
        if not self.navigator_channel:
            raise SendError("slack: notices need the navigators' channel (SLACK_NAVIGATOR_CHANNEL)",
                            retryable=False)
        fallback = (render.mentions(mentions) + " " + render.escape(text[:2000])).strip()
        response = call(self.client.chat_postMessage, channel=self.navigator_channel, text=fallback,
                        blocks=render.relay_blocks(text, mentions))
        if attachment is not None:
            try:
                call(self.client.files_upload_v2, channel=self.navigator_channel, content=attachment,
                     filename=attachment_name or "lotsen-rapport.html")
            except SendError as exc:  # the post went out: never post it twice for a failed upload
                raise SendError(f"{exc} (after the post)", retryable=False, outcome_unknown=True) from None
        return Delivery(ok=True, ref=f"{response['channel']}:{response['ts']}")

    def update(self, *, case_ref: str, card: CaseCard) -> Delivery:
        channel, ts = parse_ref(case_ref)
        call(self.client.chat_update, channel=channel, ts=ts, text=render.card_fallback(card),
             blocks=render.card_blocks(card))
        return Delivery(ok=True, ref=case_ref)


class SlackEntrepreneurChannel:
    """Entrepreneurs who write to the bot in Slack: address is their user id or DM channel."""

    name = "slack"

    def __init__(self, client: WebClient, keys: ChoiceKeys | None = None) -> None:
        self.client = client
        self.keys = keys or ChoiceKeys(max_bytes=SLACK_VALUE_CHARS)

    def send(self, message: OutboundMessage) -> Delivery:
        channel = message.address
        if channel[:1] in ("U", "W"):
            channel = call(self.client.conversations_open, users=channel)["channel"]["id"]
        tokens = [self.keys.issue(channel, b.key) for b in message.buttons]
        response = call(self.client.chat_postMessage, channel=channel, text=render.escape(message.text[:3000]),
                        blocks=render.choice_blocks(message.text, message.buttons, tokens))
        if message.attachment is not None:
            call(self.client.files_upload_v2, channel=channel, content=message.attachment,
                 filename=message.attachment_name or "lotsen.ics")
        return Delivery(ok=True, ref=f"{channel}:{response['ts']}")

"""Messages whose outcome is unknown reach a person.

A send cut off mid-flight (a timeout, a process killed while sending) may or may not have
arrived, so the outbox never repeats it by itself. Instead, in the same transaction that marks
the row `unknown`, a report for the navigators' desk is queued ("desk.unknown", once per
outcome: the key carries the row and its attempt). The report is written at send time from the
row as it is then, so one whose outcome has since become known is skipped, not posted.

A navigator then checks with the recipient and settles the row from the terminal
(bot.outbox.settle, `lotsen outbox resolve|resend`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.core.clock import STOCKHOLM
from bot.core.ports import Delivery, NavigatorDesk, SendError
from bot.outbox.dispatcher import Handler, NothingToSend
from bot.outbox.models import OutboxItem
from bot.outbox.service import enqueue
from bot.storage.db import Database

NOTICE_KIND = "desk.unknown"
NOTICE_CHANNEL = "desk"  # the deployment's desk, chosen when the report is sent

CaseLabel = Callable[[int], str | None]


def report_key(row: OutboxItem) -> str:
    return f"outbox:{row.id}:unknown:{row.attempts}"


def report_unknown(session: Session, *, row: OutboxItem, now: datetime) -> OutboxItem | None:
    """Queue the desk's report about `row` (once per row and attempt). A report whose own
    outcome is unknown is not reported again (that could go on for ever); it is listed by
    `lotsen outbox list --unknown` like every other."""
    if row.kind == NOTICE_KIND:
        return None
    return enqueue(session, kind=NOTICE_KIND, channel=NOTICE_CHANNEL, payload={"outbox_id": row.id},
                   due_at=now, dedupe_key=report_key(row), case_id=row.case_id)


def withdraw_report(session: Session, *, row: OutboxItem, reason: str) -> int:
    """A report not yet sent about `row` is skipped (its outcome is known now)."""
    return session.exec(update(OutboxItem)
                        .where(col(OutboxItem.kind) == NOTICE_KIND, col(OutboxItem.status) == "pending",
                               col(OutboxItem.dedupe_key).like(f"outbox:{row.id}:unknown:%"))
                        .values(status="skipped", last_error=reason[:500])).rowcount or 0


def describe(row: OutboxItem, *, case_label: CaseLabel | None = None) -> str:
    """What the row was, without its text or address: kind, channel, when, which case."""
    due = row.due_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    what = "påminnelse / reminder" if ":remind:" in (row.dedupe_key or "") else row.kind
    parts = [f"#{row.id}", what, f"{row.channel}", f"{due}"]
    if row.case_id is not None:
        label = case_label(row.case_id) if case_label is not None else None
        parts.append(label or f"case id {row.case_id}")
    return " · ".join(parts)


def notice_text(row: OutboxItem, *, case_label: CaseLabel | None = None) -> str:
    error = (row.last_error or "").splitlines()[0][:200] if row.last_error else "-"
    return (f"⚠️ Lotsen vet inte om ett meddelande kom fram, och skickar det inte igen av sig självt.\n"
            f"Lotsen does not know whether a message arrived, and will not send it again by itself.\n"
            f"{describe(row, case_label=case_label)} ({error})\n"
            f"Kontrollera med mottagaren / check with the recipient: "
            f"`lotsen outbox list --unknown`, sedan / then "
            f"`lotsen outbox resolve {row.id} --as <e-post>` (kom fram / it arrived) eller / or "
            f"`lotsen outbox resend {row.id} --as <e-post>` (skicka igen / send it again).")


def make_notice_handler(*, db: Database, desks: dict[str, NavigatorDesk], default_desk: str | None = None,
                        case_label: CaseLabel | None = None) -> Handler:
    """The "desk.unknown" handler: posts the report on the deployment's desk (`default_desk`,
    else the only one), through the desk's `notice` (a post of its own, not in a case's
    thread). Nothing is posted for a row that is no longer unknown."""

    def send(item: OutboxItem) -> Delivery:
        with db.session() as session:
            row = session.get(OutboxItem, (item.payload or {}).get("outbox_id"))
            if row is None or row.status != "unknown":
                raise NothingToSend("the outcome is no longer unknown")
            text = notice_text(row, case_label=case_label)
        desk = desks.get(default_desk or "") or (next(iter(desks.values())) if len(desks) == 1 else None)
        if desk is None:
            raise SendError(f"no navigator desk {default_desk!r} is configured", retry_after=600)
        notice = getattr(desk, "notice", None)
        if notice is None:
            raise SendError(f"the {desk.name} desk cannot post notices", retryable=False)
        return notice(text=text)

    return send

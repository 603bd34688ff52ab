"""Read helpers for the engine, the CLI and adapters."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.cases.models import Case, CaseEvent
from bot.cases.numbers import normalise_number
from bot.cases.states import OPEN_STATUSES


def find_case(session: Session, *, number: str) -> Case | None:
    """A case by its number ("L-2026-0042"; "l-2026-42" is accepted too)."""
    normalised = normalise_number(number)
    if normalised is None:
        return None
    return session.exec(select(Case).where(Case.number == normalised)).first()


def open_cases_for(session: Session, *, channel: str, user_id: str) -> list[Case]:
    """The person's open cases, newest first."""
    query = (select(Case).where(Case.channel == channel, Case.user_id == str(user_id),
                                col(Case.status).in_(OPEN_STATUSES))
             .order_by(col(Case.created_at).desc(), col(Case.id).desc()))
    return list(session.exec(query))


def list_cases(session: Session, *, status: str | None = None, open_only: bool = False, role: str | None = None,
               claimed_by: str | None = None, year: int | None = None, limit: int = 100) -> list[Case]:
    """Cases newest first, filtered by status, open/closed, role, who claimed them, year."""
    query = select(Case)
    if status:
        query = query.where(Case.status == status)
    if open_only:
        query = query.where(col(Case.status).in_(OPEN_STATUSES))
    if claimed_by:
        query = query.where(Case.claimed_by == claimed_by)
    if year:
        query = query.where(Case.year == year)
    cases = list(session.exec(query.order_by(col(Case.created_at).desc(), col(Case.id).desc())))
    if role:  # JSON containment differs between databases; the lists are short
        cases = [c for c in cases if role in (c.roles or [])]
    return cases[:limit]


def timeline(session: Session, *, case_id: int) -> list[CaseEvent]:
    """Every event of a case, oldest first."""
    return list(session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.id))))


def case_number_of(db):
    """A function from a case id to its number (L-2026-0042), for texts outside the cases
    domain that mention a case (e.g. the desk's report about an unknown send)."""

    def number(case_id: int) -> str | None:
        with db.session() as session:
            case = session.get(Case, case_id)
            return case.number if case is not None else None

    return number

"""Helpers for the routing and cases tests: a small knowledge base, recording desks/channels."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.core.ports import CaseCard, Delivery, OutboundMessage
from bot.knowledge.models import Article, Bilingual, KnowledgeBase, Profile

REPO = Path(__file__).resolve().parent.parent
RULES_FILE = REPO / "routing_rules.yaml"

_TOPICS = {
    # id: (title sv, title en, role, also_roles)
    "bygglov": ("Bygglov", "Building permit", "bygg", ("plan",)),
    "serveringstillstand": ("Serveringstillstånd", "Alcohol licence", "alkohol", ("livsmedel", "raddning")),
    "livsmedelsregistrering": ("Registrera livsmedelsanläggning", "Register a food business", "livsmedel", ()),
    "uteservering": ("Uteservering", "Outdoor seating", "gata", ("bygg",)),
    "brandfarliga-varor": ("Brandfarliga varor", "Flammable goods", "raddning", ()),
    "upphandling": ("Sälja till kommunen", "Selling to the municipality", "upphandling", ("naringsliv",)),
    "starta-foretag": ("Starta företag", "Starting a business", "naringsliv", ()),
    "halsoskydd": ("Anmälan hälsoskydd", "Health protection notification", "miljo", ()),
    "fettavskiljare": ("Fettavskiljare", "Grease trap", "va", ("livsmedel", "bygg")),
}


def article(topic: str, title_sv: str, title_en: str, role: str, also: tuple[str, ...]) -> Article:
    text = Bilingual(sv="Text.", en="Text.")
    return Article(
        id=topic, title=Bilingual(sv=title_sv, en=title_en), summary=text, role=role, also_roles=also,
        keywords={"sv": (), "en": ()}, examples={"sv": (), "en": ()}, legal_basis=text, deadline=None, fees=text,
        next_step=Bilingual(sv=f"Ansök här: https://sjovik.example/e-tjanster/{topic}.",
                            en=f"Apply here: https://sjovik.example/e-tjanster/{topic}"),
        authority=None, related=(), sources=(), last_reviewed=date(2026, 11, 1), owner="Test", body=text)


def small_kb() -> KnowledgeBase:
    return KnowledgeBase(articles={tid: article(tid, *spec) for tid, spec in _TOPICS.items()},
                         profile=Profile({"name": {"sv": "Sjöviks kommun", "en": "Sjövik Municipality"}}))


class RecordingDesk:
    """A NavigatorDesk that remembers every call (and can be told to fail)."""

    def __init__(self, name: str = "slack") -> None:
        self.name = name
        self.convened: list[CaseCard] = []
        self.posts: list[dict] = []
        self.updates: list[CaseCard] = []
        self.fail = False

    def convene(self, card: CaseCard) -> Delivery:
        if self.fail:
            return Delivery(ok=False, error="desk down")
        self.convened.append(card)
        return Delivery(ok=True, ref=f"thread-{card.number}")

    def post(self, *, case_ref: str, text: str, mentions: list[dict] | None = None) -> Delivery:
        self.posts.append({"ref": case_ref, "text": text, "mentions": mentions or []})
        return Delivery(ok=True, ref=f"{case_ref}/{len(self.posts)}")

    def update(self, *, case_ref: str, card: CaseCard) -> Delivery:
        self.updates.append(card)
        return Delivery(ok=True, ref=case_ref)


class RecordingChannel:
    def __init__(self, name: str = "telegram") -> None:
        self.name = name
        self.sent: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> Delivery:
        self.sent.append(message)
        return Delivery(ok=True, ref=str(len(self.sent)))

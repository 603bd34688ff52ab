"""The knowledge base as loaded: articles and the municipality profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from bot.knowledge.cases import Case
    from bot.knowledge.phrasings import Phrasing

LANGS: tuple[str, ...] = ("sv", "en")  # every knowledge base has these; a profile may offer more
# The front-matter facts that carry their own `sources` and `checked` date.
FACTS: tuple[str, ...] = ("legal_basis", "deadline", "fees")
DEFAULT_REVIEW_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text in Swedish and English, and in any further language the municipality offers
    (`more`: (code, text) pairs). A language without a text gets the Swedish one."""

    sv: str
    en: str
    more: tuple[tuple[str, str], ...] = ()

    def get(self, lang: str) -> str:
        if lang == "en":
            return self.en
        for code, text in self.more:
            if code == lang:
                return text
        return self.sv

    def has(self, lang: str) -> bool:
        return lang in ("sv", "en") or any(code == lang for code, _ in self.more)


@dataclass(frozen=True, slots=True)
class Authority:
    name: Bilingual
    url: str | None


@dataclass(frozen=True, slots=True)
class Article:
    """One topic, with every municipality reference already resolved from the profile."""

    id: str
    title: Bilingual
    summary: Bilingual
    role: str
    also_roles: tuple[str, ...]
    keywords: dict[str, tuple[str, ...]]
    examples: dict[str, tuple[str, ...]]
    legal_basis: Bilingual
    deadline: Bilingual | None
    fees: Bilingual
    next_step: Bilingual
    authority: Authority | None
    related: tuple[str, ...]
    sources: tuple[str, ...]
    last_reviewed: date
    owner: str  # the role id that keeps the article right
    body: Bilingual
    path: str = ""
    # Per fact (legal_basis, deadline, fees): its sources (URLs, profile references resolved)
    # and the date it was last checked against them. A null deadline has neither.
    fact_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fact_checked: dict[str, date] = field(default_factory=dict)
    review_months: int = DEFAULT_REVIEW_MONTHS

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role, *[r for r in self.also_roles if r != self.role])


@dataclass(frozen=True, slots=True)
class Profile:
    """knowledge/municipality.yaml as a nested mapping, with dotted look-ups."""

    data: dict[str, Any] = field(default_factory=dict)

    def lookup(self, path: str) -> Any:
        node: Any = self.data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(path)
            node = node[part]
        return node

    def text(self, path: str, lang: str | None = None) -> str:
        """A value as text; a {sv, en} mapping gives the value in `lang`."""
        value = self.lookup(path)
        if isinstance(value, dict) and lang in value:
            value = value[lang]
        return str(value)

    @property
    def name(self) -> Bilingual:
        found = self.data.get("name")
        names = found if isinstance(found, dict) else {}
        more = tuple((code, str(text)) for code, text in names.items() if code not in LANGS)
        return Bilingual(sv=self.text("name", "sv"), en=self.text("name", "en"), more=more)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the municipality offers (`languages:`; Swedish and English if not
        given). The first is its default language."""
        listed = self.data.get("languages")
        if not isinstance(listed, list) or not listed:
            return LANGS
        return tuple(str(code) for code in listed)

    @property
    def default_language(self) -> str:
        return self.languages[0]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    articles: dict[str, Article]
    profile: Profile
    # How entrepreneurs ask about each topic (knowledge/phrasings.yaml; none without the file).
    phrasings: tuple[Phrasing, ...] = ()
    # Messages and the roles they need (knowledge/cases.yaml; none without the file).
    cases: tuple[Case, ...] = ()

    def get(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def __len__(self) -> int:
        return len(self.articles)

"""The knowledge base as loaded: articles and the municipality profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

LANGS: tuple[str, ...] = ("sv", "en")
# The front-matter facts that carry their own `sources` and `checked` date.
FACTS: tuple[str, ...] = ("legal_basis", "deadline", "fees")
DEFAULT_REVIEW_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Bilingual:
    sv: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv


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
        return Bilingual(sv=self.text("name", "sv"), en=self.text("name", "en"))


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    articles: dict[str, Article]
    profile: Profile

    def get(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def __len__(self) -> int:
        return len(self.articles)

"""`lotsen kb links`: does every source still answer? Each URL in the articles (their `sources`,
the sources of each fact, the deciding authority's link) and in the municipality profile is
asked with HEAD, and with GET where HEAD is refused (405, 501), fails or gives an error status
(some servers only answer GET), with a timeout and a bounded number of requests at once.

httpx comes with python-telegram-bot. Nothing here runs at import time.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.knowledge.models import FACTS, KnowledgeBase

URL_PREFIXES = ("https://", "http://")
USER_AGENT = "Lotsen-link-check/1 (a municipality knowledge base checking its sources)"


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    status: int | None  # the last HTTP status, None when no answer came
    error: str = ""
    method: str = "HEAD"  # the request that decided

    def describe(self) -> str:
        return f"{self.status}" if self.status is not None else (self.error or "no answer")


_URL = re.compile(r"https?://[^\s'\"<>()\[\]{}\\]+")


def urls_in(text: str) -> set[str]:
    """The URLs written in `text`, without trailing punctuation ("…/bygglov." → "…/bygglov")."""
    return {match.group(0).rstrip(".,;:!?") for match in _URL.finditer(text or "")}


def _profile_urls(node: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _profile_urls(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _profile_urls(value, f"{path}[{index}]")
    elif isinstance(node, str) and node.strip().startswith(URL_PREFIXES):
        yield node.strip(), path


def collect_urls(kb: KnowledgeBase, *, profile_name: str = "municipality.yaml") -> dict[str, list[str]]:
    """Every URL, each with where it is used ("articles/bygglov.md: legal_basis"), in a stable order."""
    found: dict[str, list[str]] = {}

    def add(url: str, where: str) -> None:
        if url.startswith(URL_PREFIXES):
            places = found.setdefault(url, [])
            if where not in places:
                places.append(where)

    for article in sorted(kb.articles.values(), key=lambda a: a.id):
        where = article.path or f"{article.id}.md"
        for url in article.sources:
            add(url, f"{where}: sources")
        for fact in FACTS:
            for url in article.fact_sources.get(fact, ()):
                add(url, f"{where}: {fact}")
        if article.authority is not None and article.authority.url:
            add(article.authority.url, f"{where}: authority")
    for url, path in _profile_urls(kb.profile.data):
        add(url, f"{profile_name}: {path}")
    return found


async def _check_one(client, url: str, limit: asyncio.Semaphore) -> LinkResult:
    import httpx

    async with limit:
        head_status: int | None = None
        try:
            response = await client.head(url)
            head_status = response.status_code
            if head_status < 400:
                return LinkResult(url, True, head_status)
        except httpx.HTTPError:
            pass
        try:  # HEAD refused (405, 501), failed or gave an error: ask with GET, without reading the body
            async with client.stream("GET", url) as response:
                return LinkResult(url, response.status_code < 400, response.status_code, method="GET")
        except httpx.HTTPError as exc:
            return LinkResult(url, False, head_status, error=type(exc).__name__, method="GET")


async def _check_all(urls: list[str], *, timeout: float, concurrency: int) -> list[LinkResult]:
    import httpx

    limit = asyncio.Semaphore(max(1, concurrency))
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=True, max_redirects=10,
                                 headers={"User-Agent": USER_AGENT}) as client:
        return list(await asyncio.gather(*(_check_one(client, url, limit) for url in urls)))


def check_links(urls: Iterable[str], *, timeout: float = 10.0, concurrency: int = 8) -> list[LinkResult]:
    """Ask every URL (each once), at most `concurrency` at a time; results in the order given."""
    unique = list(dict.fromkeys(urls))
    if not unique:
        return []
    return asyncio.run(_check_all(unique, timeout=timeout, concurrency=concurrency))

"""Loading knowledge/: the municipality profile and the articles, with every problem found
reported as file and line (bot.knowledge.problems.Problem).

`load_knowledge` raises InvalidKnowledge listing all problems; `check_knowledge` returns them.
References to the profile (`{{path}}`) are resolved while loading, so the rest of Lotsen only
ever sees finished text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.core.clock import STOCKHOLM
from bot.knowledge import yamllines
from bot.knowledge.cases import CASES_FILE, load_cases
from bot.knowledge.facts import as_date, parse_fact
from bot.knowledge.languages import catalog_problems, language_problems
from bot.knowledge.models import (
    DEFAULT_REVIEW_MONTHS,
    FACTS,
    LANGS,
    Article,
    Authority,
    Bilingual,
    KnowledgeBase,
    Profile,
)
from bot.knowledge.phrasings import PHRASINGS_FILE, load_phrasings
from bot.knowledge.problems import InvalidKnowledge, Problem
from bot.retention.policy import parse_policy

PROFILE_FILE = "municipality.yaml"
ARTICLES_DIR = "articles"
REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ROLE_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")  # role ids (routing_rules.yaml `roles:`)
MIN_EXAMPLES = 8
BILINGUAL_REQUIRED = ("title", "summary", "legal_basis", "fees", "next_step")
REQUIRED = ("id", *BILINGUAL_REQUIRED, "role", "keywords", "examples", "deadline", "sources",
            "last_reviewed", "owner")


_Collector = yamllines.Report  # the problems of one file, each on its line


def _yaml_error_line(exc: yaml.YAMLError, offset: int) -> int | None:
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 + offset if mark is not None else None


def load_profile(path: Path, display: str) -> tuple[Profile | None, list[Problem]]:
    out = _Collector(display)
    if not path.is_file():
        out.add(None, "the municipality profile is missing")
        return None, out.problems
    try:
        data = yamllines.load(path.read_text(encoding="utf-8")).data
    except yaml.YAMLError as exc:
        out.add(_yaml_error_line(exc, 0), f"bad YAML: {getattr(exc, 'problem', exc)}")
        return None, out.problems
    if not isinstance(data, dict):
        out.add(1, "the profile must be a mapping")
        return None, out.problems
    profile = Profile(data)
    for key in ("name", "contact"):
        if key not in data:
            out.add(None, f"missing field '{key}'")
    for path_ in ("name.sv", "name.en", "contact.phone", "contact.email", "contact.web"):
        try:
            profile.lookup(path_)
        except KeyError:
            out.add(None, f"missing value '{path_}'")
    out.problems += language_problems(profile, display)
    for problem in parse_policy(data)[1]:
        out.add(None, problem)
    return profile, out.problems


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line number where the body starts)."""
    if not text.startswith("---"):
        return None
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return None


def _split_body(body: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """The body's sections: "## Svenska", "## English", and "## <code>" (e.g. "## fi", or
    "## Suomi (fi)") for each further language."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in body.splitlines():
        heading = line.strip().lower()
        code = heading[3:].strip().rsplit("(", 1)[-1].rstrip(")").strip() if heading.startswith("## ") else None
        if heading in ("## svenska", "## swedish"):
            current = "sv"
            sections[current] = []
        elif heading in ("## english", "## engelska"):
            current = "en"
            sections[current] = []
        elif code in extra:
            current = code
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {lang: "\n".join(text).strip() for lang, text in sections.items()}


class _Resolver:
    def __init__(self, profile: Profile | None, out: _Collector) -> None:
        self.profile = profile
        self.out = out

    def __call__(self, text: str, lang: str, line: int | None) -> str:
        if self.profile is None:
            return text

        profile = self.profile

        def replace(match: re.Match) -> str:
            ref = match.group(1)
            try:
                value = profile.lookup(ref)
            except KeyError:
                self.out.add(line, f"unknown profile reference {{{{{ref}}}}} (not in {PROFILE_FILE})")
                return match.group(0)
            if isinstance(value, dict):
                if lang in value and not isinstance(value[lang], dict):
                    return str(value[lang])
                self.out.add(line, f"profile reference {{{{{ref}}}}} is not a single value")
                return match.group(0)
            return str(value).strip()

        return REFERENCE.sub(replace, text)


def _bilingual(value: Any, field: str, line: int | None, out: _Collector, resolve: _Resolver,
               *, required: bool = True, extra: tuple[str, ...] = ()) -> Bilingual | None:
    """Swedish and English, and each further language the profile offers (`extra`)."""
    if value is None and not required:
        return None
    langs = (*LANGS, *extra)
    missing = [lang for lang in langs if not isinstance(value, dict) or not isinstance(value.get(lang), str)
               or not value.get(lang, "").strip()]
    if missing:
        out.add(line, f"'{field}' needs text in {' and '.join(missing) if extra else 'both sv and en'}")
        return None
    more = tuple((lang, resolve(value[lang].strip(), lang, line)) for lang in extra)
    return Bilingual(sv=resolve(value["sv"].strip(), "sv", line), en=resolve(value["en"].strip(), "en", line),
                     more=more)


def _word_lists(value: Any, field: str, line: int | None, out: _Collector,
                minimum: int, extra: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    langs = (*LANGS, *extra)
    if not isinstance(value, dict):
        out.add(line, f"'{field}' must have lists for {', '.join(langs)}")
        return {lang: () for lang in langs}
    for lang in langs:
        items = value.get(lang)
        if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
            out.add(line, f"'{field}.{lang}' must be a list of texts")
            result[lang] = ()
            continue
        if len(items) < minimum:
            out.add(line, f"'{field}.{lang}' has {len(items)} entries, at least {minimum} needed")
        result[lang] = tuple(item.strip() for item in items)
    return result


def _stockholm_today() -> date:
    return datetime.now(STOCKHOLM).date()


class _Roles:
    """Which role ids an article may name: the roles of the routing file, or (checked without
    one) any slug."""

    def __init__(self, roles: Collection[str] | None) -> None:
        self.roles = tuple(roles) if roles is not None else None

    def __contains__(self, role: object) -> bool:
        if self.roles is None:
            return isinstance(role, str) and bool(ROLE_SLUG.match(role))
        return role in self.roles

    def describe(self) -> str:
        if self.roles is None:
            return "a role id is a slug of a-z, 0-9, - and _"
        return f"the roles of the routing rules: {', '.join(self.roles)}"


def parse_article(path: Path, display: str, profile: Profile | None,
                  today: date | None = None, roles: Collection[str] | None = None) -> tuple[Article | None, list[Problem]]:
    """One article; `roles`: the role ids it may name (None: any slug)."""
    out = _Collector(display)
    known_roles = _Roles(roles)
    text = path.read_text(encoding="utf-8")
    parts = _split_front_matter(text)
    if parts is None:
        out.add(1, "no YAML front matter (the file must start with '---' and close it with '---')")
        return None, out.problems
    front, body, body_line = parts
    try:
        parsed = yamllines.load(front)
    except yaml.YAMLError as exc:
        out.add(_yaml_error_line(exc, 1), f"bad YAML: {getattr(exc, 'problem', exc)}")
        return None, out.problems
    data = parsed.data
    if not isinstance(data, dict):
        out.add(2, "the front matter must be a mapping of fields")
        return None, out.problems
    # Lines in the file: the front matter starts on line 2.
    lines = {str(key[0]): line + 1 for key, line in parsed.lines.items() if len(key) == 1}
    for key, line in parsed.duplicates:
        out.add(line + 1, f"'{'.'.join(map(str, key))}' is given twice")
    resolve = _Resolver(profile, out)
    extra = tuple(lang for lang in profile.languages if lang not in LANGS) if profile is not None else ()
    for field in REQUIRED:
        if field not in data:
            out.add(1, f"missing field '{field}'")

    article_id = data.get("id")
    if not isinstance(article_id, str) or not SLUG.match(article_id):
        out.add(lines.get("id", 1), f"'id' must be a slug like 'bygglov', got {article_id!r}")
    elif article_id != path.stem:
        out.add(lines.get("id"), f"id '{article_id}' differs from the file name '{path.stem}'")

    texts = {field: _bilingual(data.get(field), field, lines.get(field, 1), out, resolve, extra=extra)
             for field in BILINGUAL_REQUIRED if field in data}
    deadline = _bilingual(data.get("deadline"), "deadline", lines.get("deadline"), out, resolve, required=False,
                          extra=extra)
    today = today or _stockholm_today()
    fact_sources: dict[str, tuple[str, ...]] = {}
    fact_checked: dict[str, date] = {}
    for field in FACTS:
        if data.get(field) is None:
            continue  # missing: reported above; a null deadline needs no sources

        def line_of(*sub: Any, _field: str = field) -> int | None:
            found = parsed.line((_field, *sub))
            return found + 1 if found is not None else None

        fact_refs, checked = parse_fact(field, data[field], line_of=line_of, add=out.add, resolve=resolve,
                                        today=today, extra=extra)
        fact_sources[field] = fact_refs
        if checked is not None:
            fact_checked[field] = checked

    role = data.get("role")
    if role not in known_roles:
        out.add(lines.get("role", 1), f"unknown role {role!r} ({known_roles.describe()})")
    also_roles = data.get("also_roles") or []
    if not isinstance(also_roles, list) or any(r not in known_roles for r in also_roles):
        out.add(lines.get("also_roles"), f"'also_roles' must list known roles, got {also_roles!r} "
                                         f"({known_roles.describe()})")
        also_roles = [r for r in also_roles if r in known_roles] if isinstance(also_roles, list) else []

    keywords = _word_lists(data.get("keywords"), "keywords", lines.get("keywords", 1), out, 1, extra)
    examples = _word_lists(data.get("examples"), "examples", lines.get("examples", 1), out, MIN_EXAMPLES, extra)

    authority = None
    if data.get("authority") is not None:
        raw = data["authority"]
        name = _bilingual(raw, "authority", lines.get("authority"), out, resolve)
        url = raw.get("url") if isinstance(raw, dict) else None
        if name is not None:
            authority = Authority(name=name, url=resolve(url, "sv", lines.get("authority")) if url else None)

    sources = data.get("sources")
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, str) and s.startswith(("https://", "http://")) for s in sources):
        out.add(lines.get("sources", 1), "'sources' must list at least one URL (https://...)")
        sources = []

    reviewed = as_date(data.get("last_reviewed"))
    if reviewed is None:
        out.add(lines.get("last_reviewed", 1), "'last_reviewed' must be a date (YYYY-MM-DD)")
        reviewed = date.min

    owner = data.get("owner")
    if "owner" in data and owner not in known_roles:
        out.add(lines.get("owner", 1), f"'owner' must be the role that keeps the article right "
                                       f"({known_roles.describe()}); got {owner!r}")

    review_months = data.get("review_months", DEFAULT_REVIEW_MONTHS)
    if isinstance(review_months, bool) or not isinstance(review_months, int) or review_months < 1:
        out.add(lines.get("review_months", 1), f"'review_months' must be a whole number of months above 0 "
                                               f"(default {DEFAULT_REVIEW_MONTHS}), got {review_months!r}")

    related = data.get("related") or []
    if not isinstance(related, list):
        out.add(lines.get("related"), "'related' must be a list of article ids")
        related = []

    sections = _split_body(body, extra)
    for lang, heading in (("sv", "## Svenska"), ("en", "## English"), *((lang, f"## {lang}") for lang in extra)):
        if not sections.get(lang):
            out.add(body_line, f"the body needs a '{heading}' section with text")
    body_text = Bilingual(sv=resolve(sections.get("sv", ""), "sv", body_line),
                          en=resolve(sections.get("en", ""), "en", body_line),
                          more=tuple((lang, resolve(sections.get(lang, ""), lang, body_line)) for lang in extra))

    if out.problems:
        return None, out.problems
    # No problem reported: every required field is there (REQUIRED, BILINGUAL_REQUIRED).
    given = {name: text for name, text in texts.items() if text is not None}
    article = Article(
        id=str(article_id), title=given["title"], summary=given["summary"], role=str(role),
        also_roles=tuple(also_roles), keywords=keywords, examples=examples,
        legal_basis=given["legal_basis"], deadline=deadline, fees=given["fees"],
        next_step=given["next_step"], authority=authority, related=tuple(str(r) for r in related),
        sources=tuple(sources), last_reviewed=reviewed, owner=str(owner), body=body_text, path=display,
        fact_sources=fact_sources, fact_checked=fact_checked, review_months=review_months)
    return article, []


def check_knowledge(directory: Path, *, today: date | None = None,
                    roles: Collection[str] | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and validate; returns the knowledge base (None if unusable) and every problem.
    `today` (default: today in Stockholm) is the latest date a fact may have been checked;
    `roles` the role ids of the routing rules that articles may name (None: any slug)."""
    directory = Path(directory)
    problems: list[Problem] = []
    if not directory.is_dir():
        return None, [Problem(str(directory), None, "the knowledge folder does not exist")]
    profile, profile_problems = load_profile(directory / PROFILE_FILE, _display(directory / PROFILE_FILE))
    problems += profile_problems
    if profile is not None:
        problems += catalog_problems(directory, profile)
    articles: dict[str, Article] = {}
    paths = sorted((directory / ARTICLES_DIR).glob("*.md"))
    if not paths:
        problems.append(Problem(_display(directory / ARTICLES_DIR), None, "no articles (*.md) found"))
    for path in paths:
        article, article_problems = parse_article(path, _display(path), profile, today, roles)
        problems += article_problems
        if article is None:
            continue
        if article.id in articles:
            problems.append(Problem(article.path, 2, f"duplicate id '{article.id}' (also in {articles[article.id].path})"))
            continue
        articles[article.id] = article
    for article in articles.values():
        for other in article.related:
            if other not in articles and not (directory / ARTICLES_DIR / f"{other}.md").exists():
                problems.append(Problem(article.path, None, f"'related' names an unknown article '{other}'"))
    if profile is None:
        return None, problems
    # A topic whose article has problems of its own is known here too (its phrasings are not wrong).
    phrasings, more = load_phrasings(directory / PHRASINGS_FILE, _display(directory / PHRASINGS_FILE),
                                     topics={*articles, *(path.stem for path in paths)},
                                     languages=profile.languages)
    problems += more
    phrasings = tuple(p for p in phrasings if p.topic in articles)
    cases, more = load_cases(directory / CASES_FILE, _display(directory / CASES_FILE), roles=roles,
                             languages=profile.languages)
    problems += more
    return KnowledgeBase(articles=articles, profile=profile, phrasings=phrasings, cases=cases), problems


def load_knowledge(directory: Path) -> KnowledgeBase:
    kb, problems = check_knowledge(directory)
    if problems or kb is None:
        raise InvalidKnowledge(problems)
    return kb


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
